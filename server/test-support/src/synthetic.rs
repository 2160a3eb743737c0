//! Synthetic Ward files shaped like the ones `ward-gen` writes, in memory, for the direct
//! parser's tests and bench.

use std::fmt::Write as _;

use crate::generate::NOUNS;

/// A file of `count` items of kind `kind` (0 asset … 4 verification), chains from `first`.
pub fn file(kind: usize, first: usize, count: usize) -> String {
    const KINDS: [&str; 5] = ["asset", "threat", "risk", "control", "verification"];
    const PREFIX: [&str; 5] = ["A", "T", "R", "C", "V"];
    let mut out = String::with_capacity(count * 220);
    let _ = writeln!(
        out,
        "// Synthetic {}s, written for the fast-path tests.\n",
        KINDS[kind]
    );
    for chain in first..first + count {
        let noun = NOUNS[chain % NOUNS.len()];
        let id = |kind: usize, chain: usize| format!("{}-{chain:06}", PREFIX[kind]);
        let _ = writeln!(
            out,
            "{} {} \"Synthetic {noun} {} {chain}\" {{",
            KINDS[kind],
            id(kind, chain),
            KINDS[kind]
        );
        match kind {
            0 => {
                let _ = writeln!(out, "  kind: component");
                let _ = writeln!(out, "  properties: availability, authenticity");
                let _ = writeln!(
                    out,
                    "  description: \"The {noun} asset {chain} that a synthetic device must protect.\""
                );
            }
            1 => {
                let _ = writeln!(out, "  targets: {}", id(0, chain));
                let _ = writeln!(out, "  stride: spoofing, denial-of-service");
                let _ = writeln!(out, "  vector: adjacent");
                let _ = writeln!(out, "  tags: synthetic, {noun}");
            }
            2 => {
                let _ = writeln!(out, "  threat: {}", id(1, chain));
                let _ = writeln!(out, "  exploitability: {}", 1 + chain % 5);
                let _ = writeln!(out, "  severity: {}", 1 + chain * 7 % 5);
                let _ = writeln!(out, "  harm: \"Harm {chain} to the patient\"");
                let _ = writeln!(out, "  hazard: \"HAZ-{:03}\"", chain % 1000);
                let _ = writeln!(out, "  residual {{ exploitability: 1 }}");
            }
            3 => {
                let _ = writeln!(out, "  mitigates: {}, {}", id(2, chain), id(2, chain + 1));
                let _ = writeln!(out, "  kind: technical");
                let _ = writeln!(out, "  status: implemented // or proposed");
                let _ = writeln!(out, "  refs: \"docs/design/{noun}-{chain}.md\"");
                let _ = writeln!(
                    out,
                    "  guidance: \"\"\"\n    Configure the {noun} path.\n      Then restart.\n    \"\"\""
                );
            }
            _ => {
                let _ = writeln!(out, "  verifies: {}", id(3, chain));
                let _ = writeln!(out, "  method: pentest");
                let _ = writeln!(out, "  result: pass");
                let _ = writeln!(out, "  test: \"bench::{noun}::case_{chain}\"");
                let _ = writeln!(out, "  evidence: \"evidence/{noun}-{chain}.md\"");
            }
        }
        out.push_str("}\n\n");
    }
    out
}

/// A workspace of `files_per_kind` files of `per_file` items for each of the five kinds.
pub fn workspace(files_per_kind: usize, per_file: usize) -> Vec<String> {
    let mut files = Vec::new();
    for kind in 0..5 {
        for part in 0..files_per_kind {
            files.push(file(kind, part * per_file, per_file));
        }
    }
    files
}
