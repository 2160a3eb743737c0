//! The audit's bugs of reading files and showing their names (the reliability issue, items
//! 3, 4, 6, 10, 11 and 12), each through the real binary: line breaks of old Mac files,
//! evidence that is no file of the workspace, unreadable folders, one file named twice,
//! escape sequences in file names, and symbolic links skipped in silence.

use std::os::unix::fs::symlink;

use serde_json::Value;

use crate::{check_json, workspace};

/// The diagnostics of a JSON run as `(code, message)`, in output order.
fn findings(json: &Value) -> Vec<(String, String)> {
    json["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

// Item 3 ---------------------------------------------------------------------------------

#[test]
fn a_comment_ends_at_a_carriage_return_alone() {
    // Before, the first comment ran to the next `\n`, so the whole file was one comment:
    // no item, no finding, exit 0.
    let dir = workspace(&[(
        "assets.ward",
        "// assets, with old Mac line breaks\rasset A-1 \"Pump\" { kind: data }\r\
         // a second comment\rasset A-2 \"Cloud\" { kind: data } // after\r",
    )]);
    let (json, _) = check_json(dir.path(), &[]);
    assert_eq!(json["summary"]["items"], 2, "{json:#}");
    let places: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("untargeted-asset".to_owned(), 2),
            ("untargeted-asset".to_owned(), 4)
        ]
    );
}

// Item 4 ---------------------------------------------------------------------------------

/// A chain whose verifications have passed, each with the evidence path given, checked
/// with the release gate requiring `evidence-present`.
fn evidence_workspace(evidence: &[(&str, &str)]) -> tempfile::TempDir {
    let mut text = String::from(
        "plan \"Plan\" {\n  phase: release\n  gate release { requires: evidence-present }\n}\n\
         asset A-1 \"Asset\" { kind: data }\n\
         threat T-1 \"Threat\" { targets: A-1 }\n\
         risk R-1 \"Risk\" { threat: T-1 exploitability: 1 severity: 1 }\n\
         control C-1 \"Control\" { mitigates: R-1 status: implemented }\n",
    );
    for (id, path) in evidence {
        text.push_str(&format!(
            "verification {id} \"Verification\" {{ verifies: C-1 result: pass evidence: \"{path}\" }}\n"
        ));
    }
    // The workspace is `ws/` inside the temporary folder, so that a file next to it is
    // outside the workspace yet in a known place.
    let outer = tempfile::tempdir().expect("a temporary folder");
    let ws = outer.path().join("ws");
    for folder in ["evidence/folder", "sub"] {
        std::fs::create_dir_all(ws.join(folder)).unwrap();
    }
    std::fs::write(ws.join("ws.ward"), text).unwrap();
    std::fs::write(ws.join("evidence/report.txt"), "the report").unwrap();
    std::fs::write(outer.path().join("outside.txt"), "not the workspace's").unwrap();
    symlink(outer.path().join("outside.txt"), ws.join("link-out.txt")).unwrap();
    symlink(ws.join("evidence/report.txt"), ws.join("link-in.txt")).unwrap();
    symlink(ws.join("missing.txt"), ws.join("dangling.txt")).unwrap();
    outer
}

#[test]
fn evidence_must_be_a_regular_file_inside_the_workspace() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("V-FILE", "evidence/report.txt", None),
        ("V-DOTS", "sub/../evidence/report.txt", None),
        ("V-LINK-IN", "link-in.txt", None),
        (
            "V-FOLDER",
            "evidence/folder",
            Some("is a folder, not a file"),
        ),
        ("V-DOT", ".", Some("is a folder, not a file")),
        ("V-ROOT", "/", Some("is a folder, not a file")),
        ("V-DEVICE", "/dev/null", Some("is not a regular file")),
        ("V-PASSWD", "/etc/passwd", Some("is outside the workspace")),
        ("V-UP", "../outside.txt", Some("is outside the workspace")),
        (
            "V-SHADOW",
            "../../../../../../../etc/passwd",
            Some("is outside the workspace"),
        ),
        (
            "V-LINK-OUT",
            "link-out.txt",
            Some("is outside the workspace"),
        ),
        ("V-DANGLING", "dangling.txt", Some("does not exist")),
        ("V-ABSENT", "evidence/none.txt", Some("does not exist")),
    ];
    let written: Vec<(&str, &str)> = cases.iter().map(|(id, path, _)| (*id, *path)).collect();
    let outer = evidence_workspace(&written);
    let ws = outer.path().join("ws");
    let (json, _) = check_json(&ws, &[]);
    let found = findings(&json);
    for (id, path, problem) in cases {
        let about: Vec<&(String, String)> = found
            .iter()
            .filter(|(_, message)| message.contains(&format!("`{id}`")))
            .collect();
        match problem {
            None => assert!(about.is_empty(), "{id} ({path}): {about:?}"),
            Some(problem) => {
                let expected =
                    format!("verification `{id}` has passed but its evidence `{path}` {problem}");
                assert!(
                    about.len() == 1
                        && about[0].0 == "missing-evidence"
                        && about[0].1.starts_with(&expected),
                    "{id}: expected one missing-evidence starting {expected:?}, got {about:?}"
                );
            }
        }
    }
    // Outside the workspace, the message says where the path leads.
    let passwd = found
        .iter()
        .find(|(_, message)| message.contains("`V-LINK-OUT`"))
        .unwrap();
    let outside = outer.path().canonicalize().unwrap().join("outside.txt");
    assert!(
        passwd
            .1
            .contains(&format!("it resolves to `{}`", outside.display())),
        "{passwd:?}"
    );
}

#[test]
fn an_empty_evidence_path_is_an_invalid_value() {
    let outer = evidence_workspace(&[("V-EMPTY", "")]);
    let (json, _) = check_json(&outer.path().join("ws"), &[]);
    let found = findings(&json);
    assert_eq!(
        found,
        [(
            "invalid-value".to_owned(),
            "`evidence` expects a path to a file (a string), not an empty string".to_owned()
        )],
        "{json:#}"
    );
    // Reported as an error wherever the plan stands, like every invalid value.
    assert_eq!(json["diagnostics"][0]["severity"], "error");
}
