//! Shared by the syntax layer's integration tests.

pub mod generators;
