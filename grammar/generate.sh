#!/bin/sh
# Regenerates the parser from grammar.js and records the hash of grammar.js
# that it was generated from, which `cargo test -p tree-sitter-ward` checks.
# Needs the tree-sitter CLI (0.27, `cargo install tree-sitter-cli --locked`);
# node is not needed.
set -eu
cd "$(dirname "$0")"
tree-sitter generate --js-runtime native
# Line endings are normalised so that a CRLF checkout hashes the same.
tr -d '\r' < grammar.js | sha256sum | cut -d ' ' -f 1 > src/grammar.js.sha256
echo "generated src/ from grammar.js ($(cat src/grammar.js.sha256))"
