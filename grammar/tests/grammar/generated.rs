//! The committed parser (`src/`) is generated from the current `grammar.js`.
//!
//! `generate.sh` records the SHA-256 of `grammar.js` (with `\r` removed, so a CRLF
//! checkout hashes the same) in `src/grammar.js.sha256` each time it regenerates the
//! parser. Comparing the two needs no tree-sitter CLI.

use sha2::{Digest, Sha256};

use crate::support;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn parser_is_generated_from_the_current_grammar() {
    let dir = support::grammar_dir();
    let grammar: Vec<u8> = support::read(&dir.join("grammar.js"))
        .bytes()
        .filter(|&b| b != b'\r')
        .collect();
    let actual = hex(&Sha256::digest(&grammar));
    let recorded_path = dir.join("src/grammar.js.sha256");
    let recorded = std::fs::read_to_string(&recorded_path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; run grammar/generate.sh",
            recorded_path.display()
        )
    });
    assert_eq!(
        recorded.trim(),
        actual,
        "grammar/grammar.js changed since the parser was generated: run grammar/generate.sh \
         (needs the tree-sitter CLI 0.27) and commit grammar/src/"
    );
}
