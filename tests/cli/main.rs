//! End-to-end tests of `ward check`: fixtures with expected diagnostics, formats, exit codes.
