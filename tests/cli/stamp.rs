//! `ward stamp`: only stamps change, byte for byte (comments, layout, CRLF, a byte-order
//! mark); a second run changes nothing; files with syntax errors are refused with their
//! place; exit codes. And the worked example of the fingerprint in `docs/language.md`.

use std::path::Path;
use std::process::Output;

use sha2::{Digest, Sha256};

use crate::{repo_root, stdout, ward, workspace};

fn stamp(dir: &Path, args: &[&str]) -> Output {
    ward()
        .current_dir(dir)
        .arg("stamp")
        .args(args)
        .output()
        .expect("ward runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const CONTROLS: &str = "// The controls.\r\ncontrol C-PAIR \"Secure pairing\" {\r\n  mitigates:  R-1   // odd spacing, kept\r\n  status: implemented\r\n}\r\n\r\ncontrol C-AUTH \"Authentication\" { mitigates: R-1 }\r\n";
const VERIFICATIONS: &str = "verification V-1 \"Pen test\" {\n  // Both controls.\n  verifies: C-PAIR,C-AUTH@0123456789ab // the second stamped long ago\n}\n\nverification V-2 \"Other\" { verifies: C-PAIR }\n";

/// `text` with every stamp taken out: what must not change.
fn without_stamps(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        rest = rest[at + 1..].trim_start_matches(|ch: char| ch.is_ascii_alphanumeric());
    }
    out.push_str(rest);
    out
}

#[test]
fn only_the_stamps_change_and_a_second_run_changes_nothing() {
    let dir = workspace(&[
        ("controls.ward", CONTROLS),
        ("verifications.ward", VERIFICATIONS),
    ]);
    // A byte-order mark stays where it was.
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(VERIFICATIONS.as_bytes());
    std::fs::write(dir.path().join("verifications.ward"), &with_bom).unwrap();

    let output = stamp(dir.path(), &["V-1"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed = stdout(&output);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{printed}");
    assert!(
        lines[0].starts_with("verifications.ward:3:13: V-1 → C-PAIR@"),
        "{printed}"
    );
    assert!(lines[0].ends_with("(was not stamped)"), "{printed}");
    assert!(lines[1].contains("V-1 → C-AUTH@") && lines[1].ends_with("(was `0123456789ab`)"));
    assert!(stderr(&output).contains("ward stamp: stamped 2 links"));

    let bytes = std::fs::read(dir.path().join("verifications.ward")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(without_stamps(&text), without_stamps(VERIFICATIONS));
    // V-2 was not named: untouched.
    assert!(text.ends_with("verification V-2 \"Other\" { verifies: C-PAIR }\n"));
    let stamps: Vec<&str> = text.split('@').skip(1).map(|rest| &rest[..12]).collect();
    assert_eq!(stamps.len(), 2);
    for stamp in &stamps {
        assert!(
            stamp
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }
    // The controls' file is read, not written (CRLF and all).
    assert_eq!(
        std::fs::read_to_string(dir.path().join("controls.ward")).unwrap(),
        CONTROLS
    );
    // Current now: `ward check` has no suspect link, and a second run changes nothing.
    let check = ward()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        !stdout(&check).contains("suspect-link"),
        "{}",
        stdout(&check)
    );
    let again = stamp(dir.path(), &["V-1"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).is_empty());
    assert!(stderr(&again).contains("every link is stamped and current; no file changed"));
    assert_eq!(
        std::fs::read(dir.path().join("verifications.ward")).unwrap(),
        bytes
    );
}

#[test]
fn all_stamps_every_link_in_crlf_files_too() {
    let dir = workspace(&[
        ("controls.ward", CONTROLS),
        ("verifications.ward", VERIFICATIONS),
        (
            "risk.ward",
            "risk R-1 \"Risk\" { threat: T-1 }\r\nthreat T-1 \"T\" {}\r\n",
        ),
    ]);
    let output = stamp(dir.path(), &["--all"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // C-PAIR, C-AUTH → R-1; V-1 → 2; V-2 → 1; R-1 → T-1.
    assert_eq!(stdout(&output).lines().count(), 6, "{}", stdout(&output));
    let controls = std::fs::read_to_string(dir.path().join("controls.ward")).unwrap();
    assert_eq!(without_stamps(&controls), CONTROLS);
    assert!(controls.contains("  mitigates:  R-1@"));
    assert_eq!(
        controls.matches("\r\n").count(),
        CONTROLS.matches("\r\n").count()
    );
    let again = stamp(dir.path(), &["--all"]);
    assert!(stdout(&again).is_empty());
}

#[test]
fn a_file_with_syntax_errors_is_refused_and_nothing_is_written() {
    let broken = "verification V-3 \"Broken\" { verifies: C-PAIR\n  method: test,\n}\n";
    let dir = workspace(&[
        ("controls.ward", CONTROLS),
        ("verifications.ward", VERIFICATIONS),
        ("broken.ward", broken),
    ]);
    let output = stamp(dir.path(), &["V-1", "V-3"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("error: broken.ward:2:15: expected a value after `,`"),
        "{message}"
    );
    assert!(message.contains("ward stamp: no file changed"), "{message}");
    assert!(stdout(&output).is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("verifications.ward")).unwrap(),
        VERIFICATIONS
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.ward")).unwrap(),
        broken
    );
    // A target in a broken file is refused too: its fingerprint would be a guess.
    let dir = workspace(&[
        (
            "controls.ward",
            "control C-PAIR \"Secure pairing\" { mitigates: R-1,\n}\n",
        ),
        ("verifications.ward", VERIFICATIONS),
    ]);
    let output = stamp(dir.path(), &["V-2"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("error: controls.ward:1:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn exit_2_without_items_or_with_an_unknown_one() {
    let dir = workspace(&[("verifications.ward", VERIFICATIONS)]);
    let output = stamp(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("or give `--all`"));
    let output = stamp(dir.path(), &["V-NONE"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no item is named `V-NONE`"));
    let output = stamp(dir.path(), &["--all", "V-1"]);
    assert_eq!(output.status.code(), Some(2), "`--all` and IDs together");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("verifications.ward")).unwrap(),
        VERIFICATIONS
    );
}

/// The code block after `marker` in `page`.
fn block_after<'a>(page: &'a str, marker: &str, fence: &str) -> &'a str {
    let from = &page[page.find(marker).expect("the marker")..];
    let start = from.find(fence).expect("the block") + fence.len();
    let body = &from[start..];
    &body[..body.find("```").expect("the block ends")]
}

/// The worked example of docs/language.md: its canonical content hashes to the digest it
/// gives, and Ward stamps a link to its control with that digest.
#[test]
fn the_worked_example_of_the_fingerprint_is_reproducible() {
    let page = std::fs::read_to_string(repo_root().join("docs/language.md")).unwrap();
    let control = block_after(&page, "Worked example: the control", "```ward\n");
    let canonical = block_after(&page, "has the canonical content", "```text\n");
    let digest_line = &page[page.find("whose SHA-256 begins `").unwrap() + 22..];
    let digest = &digest_line[..12];
    let hashed: String = Sha256::digest(canonical.as_bytes())
        .iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(
        hashed, digest,
        "the documented canonical content and digest agree"
    );

    let dir = workspace(&[
        ("control.ward", control),
        ("v.ward", "verification V \"V\" { verifies: C-BLE-PAIR }\n"),
    ]);
    let output = stamp(dir.path(), &["V"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(&format!("C-BLE-PAIR@{digest}")),
        "{}",
        stdout(&output)
    );
}
