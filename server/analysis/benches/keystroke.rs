//! `cargo bench -p ward-analysis --bench keystroke`: the analysis's own cost of a keystroke,
//! without the language server around it, on a synthetic workspace of 10k items (100 files of
//! 100 items, chains across files): typing into a description, and into a link (which
//! changes what it names, so other files are re-checked), each followed by every file's
//! diagnostics, as the server's publisher asks for them.
//!
//! A plan whose passed gate requires `gates-approved`, its approval, and 20 waivers (of
//! findings that are not there, so each is an `unused-waiver` that reads the checks of the
//! file it names) come with it; `WARD_GOVERNANCE=0` leaves them out, for a crate that
//! does not know them.
//!
//! It uses only the host's oldest API (`add_files` and `all_diagnostics`; a file set
//! through `add_files` is set as one read from disk), so the same file builds against an
//! older `ward-analysis` to compare the two. Wall times print;
//! for figures that do not move with the machine, run the binary under
//! `valgrind --tool=callgrind` with `RAYON_NUM_THREADS=1` and `WARD_KEYSTROKES=0`, then
//! `=200`, and take the difference of the instruction counts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use ward_analysis::AnalysisHost;

const KINDS: [(&str, &str, &str); 5] = [
    ("asset", "A", ""),
    ("threat", "T", "targets"),
    ("risk", "R", "threat"),
    ("control", "C", "mitigates"),
    ("verification", "V", "verifies"),
];

/// Item `chain` of kind `kind`: linked to the item of the same chain one kind up.
fn item(kind: usize, chain: usize, description: &str) -> String {
    let (keyword, prefix, link) = KINDS[kind];
    let mut text = format!("{keyword} {prefix}-{chain:05} \"Item {chain}\" {{\n");
    text.push_str(&format!("  description: \"{description}\"\n"));
    if kind > 0 {
        text.push_str(&format!("  {link}: {}-{chain:05}\n", KINDS[kind - 1].1));
    }
    if kind == 2 {
        text.push_str("  exploitability: 2\n  severity: 2\n");
    }
    text.push_str("}\n\n");
    text
}

fn file(kind: usize, part: usize, description: &str) -> String {
    (part * 100..part * 100 + 100)
        .map(|chain| item(kind, chain, description))
        .collect()
}

/// The plan, the approval of its passed gate, and a waiver per hundred chains.
fn governance() -> String {
    let mut text = String::from(
        "plan { phases: design, implementation phase: implementation gate design { requires: gates-approved } }\n\n\
         approval AP-1 \"Design review\" { gate: design by: \"A. Smith\" meaning: approved date: 2026-10-12 }\n\n",
    );
    for chain in (0..2000).step_by(100) {
        text.push_str(&format!(
            "waiver W-{chain:05} \"Waiver {chain}\" {{\n  waives: unverified-control\n  items: C-{chain:05}\n  rationale: \"Bench.\"\n  approved-by: \"A. Smith\"\n  approved: 2026-10-12\n}}\n\n"
        ));
    }
    text
}

fn main() {
    let keystrokes: usize = std::env::var("WARD_KEYSTROKES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(200);
    let parts = 20;
    let mut files = Vec::new();
    for (kind, (keyword, ..)) in KINDS.iter().enumerate() {
        for part in 0..parts {
            let path = PathBuf::from(format!("/ws/{keyword}-{part:02}.ward"));
            files.push((path, Arc::from(file(kind, part, "text"))));
        }
    }
    if std::env::var_os("WARD_GOVERNANCE").is_none_or(|value| value != "0") {
        files.push((
            PathBuf::from("/ws/governance.ward"),
            Arc::from(governance()),
        ));
    }
    let mut host = AnalysisHost::new();
    host.add_files(files);
    let started = Instant::now();
    let count = host
        .analysis()
        .all_diagnostics()
        .expect("not cancelled")
        .len();
    println!(
        "first check: {count} diagnostics in {:.1?}",
        started.elapsed()
    );

    let risks = PathBuf::from("/ws/risk-10.ward");
    let mut description = String::from("text");
    let started = Instant::now();
    for keystroke in 0..keystrokes {
        description.push((b'a' + (keystroke % 26) as u8) as char);
        host.add_files(vec![(risks.clone(), Arc::from(file(2, 10, &description)))]);
        host.analysis().all_diagnostics().expect("not cancelled");
    }
    println!(
        "keystroke in a description: {:.1?} each",
        started.elapsed() / keystrokes.max(1) as u32
    );

    let original = file(2, 10, &description);
    let started = Instant::now();
    for keystroke in 0..keystrokes {
        // The link alternately names nothing and its threat.
        let text = if keystroke % 2 == 0 {
            original.replacen("threat: T-01000", "threat: T-01000x", 1)
        } else {
            original.clone()
        };
        host.add_files(vec![(risks.clone(), Arc::from(text))]);
        host.analysis().all_diagnostics().expect("not cancelled");
    }
    println!(
        "keystroke in a link: {:.1?} each",
        started.elapsed() / keystrokes.max(1) as u32
    );
}
