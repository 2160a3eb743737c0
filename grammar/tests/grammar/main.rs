//! Tests of the grammar crate that need no tree-sitter CLI: the corpus, the queries, the
//! highlight assertions and the generated parser's hash.
//!
//! `tree-sitter test` runs the corpus and the highlight assertions too; these tests make
//! plain `cargo test` prove the same things, so CI does not need the CLI.

mod corpus;
mod generated;
mod highlight;
mod queries;
mod support;
