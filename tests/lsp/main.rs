//! End-to-end tests of `ward lsp`, driving the real binary over stdio.
