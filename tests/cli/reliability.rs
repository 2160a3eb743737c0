//! The audit's bugs of reading files and showing their names (the reliability issue, items
//! 3, 4, 6, 10, 11 and 12), each through the real binary: line breaks of old Mac files,
//! evidence that is no file of the workspace, unreadable folders, one file named twice,
//! escape sequences in file names, and symbolic links skipped in silence.

use std::os::unix::fs::symlink;
use std::path::Path;

use serde_json::Value;

use crate::unreadable::{Locked, as_a_user};
use crate::{check_json, stderr, stdout, ward, workspace};

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

#[test]
fn a_string_left_open_ends_at_a_carriage_return_alone() {
    // Found by fuzzing after the comment fix: a string token ran to the next `\n`, so in a
    // file with `\r` line breaks an unclosed string swallowed the rest of the file.
    let dir = workspace(&[(
        "assets.ward",
        "asset A-1 \"Pump\" {\r  description: \"no end\r  kind: data\r}\r\
         asset A-2 \"Cloud\" { kind: data }\r",
    )]);
    let (json, _) = check_json(dir.path(), &[]);
    assert_eq!(json["summary"]["items"], 2, "{json:#}");
    let at: Vec<(String, u64)> = json["diagnostics"]
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
    // The string is reported where it starts, and A-2 on line 5 is read.
    assert!(at.contains(&("syntax-error".to_owned(), 2)), "{at:?}");
    assert!(at.contains(&("untargeted-asset".to_owned(), 5)), "{at:?}");
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

// Item 6 ---------------------------------------------------------------------------------

/// A workspace whose `private/` folder cannot be read; `None` (after saying why) when this
/// machine cannot make a folder unreadable to the child.
fn with_unreadable_folder(holds_ward_file: bool) -> Option<(tempfile::TempDir, Locked)> {
    let mut files = vec![
        ("assets.ward", "asset A-1 \"Asset\" { kind: data }\n"),
        ("threats/t.ward", "threat T-1 \"Threat\" { targets: A-1 }\n"),
        ("private/notes.txt", "not Ward's"),
    ];
    if holds_ward_file {
        files.push((
            "private/secret.ward",
            "asset A-2 \"Hidden\" { kind: data }\n",
        ));
    }
    let dir = workspace(&files);
    match Locked::new(&dir.path().join("private")) {
        Ok(locked) => Some((dir, locked)),
        Err(why) => {
            println!("skipped: {why}");
            None
        }
    }
}

#[test]
fn an_unreadable_folder_is_skipped_with_a_warning_and_the_rest_checked() {
    for holds_ward_file in [false, true] {
        let Some((dir, _locked)) = with_unreadable_folder(holds_ward_file) else {
            return;
        };
        let output = as_a_user(
            ward()
                .arg("check")
                .arg(dir.path())
                .args(["--format", "json"]),
        )
        .output()
        .expect("ward runs");
        let err = stderr(&output);
        // Before: exit 2, "cannot walk", nothing checked.
        assert_eq!(output.status.code(), Some(0), "stderr: {err}");
        let private = dir.path().join("private");
        assert!(
            err.contains(&format!(
                "warning: skipped `{}`: permission denied",
                private.display()
            )),
            "{err}"
        );
        let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(json["summary"]["files"], 2);
        assert_eq!(
            findings(&json)
                .iter()
                .map(|(code, _)| code.as_str())
                .collect::<Vec<_>>(),
            ["unassessed-threat"],
            "the threat in `threats/` resolves its link into `assets.ward`"
        );
    }
}

#[test]
fn a_workspace_of_one_unreadable_folder_says_why_nothing_was_found() {
    let dir = workspace(&[("private/secret.ward", "asset A-1 \"A\" { kind: data }\n")]);
    let _locked = match Locked::new(&dir.path().join("private")) {
        Ok(locked) => locked,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let output = as_a_user(ward().arg("check").arg(dir.path()))
        .output()
        .expect("ward runs");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("no `.ward` files found"), "{err}");
    assert!(err.contains("private`: permission denied"), "{err}");
}

// Item 10 --------------------------------------------------------------------------------

#[test]
fn one_file_named_twice_is_read_once() {
    let dir = workspace(&[
        ("ex/assets.ward", "asset A-1 \"Asset\" { kind: data }\n"),
        (
            "ex/threats.ward",
            "threat T-1 \"Threat\" { targets: A-1 }\n",
        ),
    ]);
    symlink(dir.path().join("ex"), dir.path().join("link")).unwrap();
    let spellings: &[&[&str]] = &[
        &["ex", "ex/../ex"],
        &["ex", "./ex/"],
        &["ex", "link"],
        &["ex/assets.ward", "ex", "link/assets.ward"],
    ];
    for args in spellings {
        let output = ward()
            .current_dir(dir.path())
            .arg("check")
            .args(*args)
            .args(["--format", "json"])
            .output()
            .expect("ward runs");
        let json: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("{args:?}: {}", stderr(&output)));
        assert_eq!(json["summary"]["files"], 2, "{args:?}: {json:#}");
        assert_eq!(
            findings(&json)
                .iter()
                .map(|(code, _)| code.as_str())
                .collect::<Vec<_>>(),
            ["unassessed-threat"],
            "{args:?}: no duplicate-id"
        );
        // Shown under their real folder, relative to the current one.
        assert_eq!(
            json["diagnostics"][0]["file"], "ex/threats.ward",
            "{args:?}"
        );
    }
}

// Item 11 --------------------------------------------------------------------------------

#[test]
fn escape_sequences_in_file_names_do_not_reach_the_terminal() {
    // A carriage return, an OSC sequence that sets the window title, a bell and a colour.
    let name = "a\rb\x1b]0;pwned\x07c\x1b[31m.ward";
    let dir = workspace(&[(name, "asset A-1 \"Asset\" { kind: data }\n")]);
    // As on a terminal with colours, where the escape sequences are not stripped.
    let output = ward()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .current_dir(dir.path())
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("ward runs");
    let out = stdout(&output);
    assert!(out.contains("untargeted-asset"), "{out}");
    assert!(
        out.contains(r"a\rb\u{1b}]0;pwned\u{7}c\u{1b}[31m.ward:1:7"),
        "the name shown escaped: {out:?}"
    );
    assert!(!out.contains('\r') && !out.contains('\x07'), "{out:?}");
    assert!(
        !out.contains("\x1b]"),
        "an OSC sequence reached stdout: {out:?}"
    );
    // The colours of the output are Ward's own, `ESC [ ... m` only.
    for (at, _) in out.match_indices('\x1b') {
        assert!(out[at..].starts_with("\x1b["), "{out:?}");
    }
    // JSON keeps the name as it is: it escapes control characters itself.
    let (json, _) = check_json(dir.path(), &[]);
    assert_eq!(json["diagnostics"][0]["file"], name);
}

#[test]
fn escape_sequences_in_file_names_do_not_reach_stderr() {
    let dir = workspace(&[]);
    let path = dir.path().join("bad\x1b]0;pwned\x07.ward");
    std::fs::write(&path, b"asset \xff").unwrap();
    let output = ward().arg("check").arg(&path).output().expect("ward runs");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains(r"bad\u{1b}]0;pwned\u{7}.ward"), "{err:?}");
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
}

// Item 12 --------------------------------------------------------------------------------

#[test]
fn symbolic_links_are_not_followed_and_verbose_says_so() {
    let outer = tempfile::tempdir().unwrap();
    let elsewhere = outer.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("b.ward"), "asset B-1 \"B\" { kind: data }\n").unwrap();
    let ws = outer.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::write(ws.join("a.ward"), "asset A-1 \"A\" { kind: data }\n").unwrap();
    symlink(elsewhere.join("b.ward"), ws.join("linked.ward")).unwrap();
    symlink(&elsewhere, ws.join("linked-folder")).unwrap();
    // A link to another kind of file is no `.ward` file the user may expect: not named.
    std::fs::write(elsewhere.join("notes.txt"), "").unwrap();
    symlink(elsewhere.join("notes.txt"), ws.join("notes.txt")).unwrap();

    let quiet = ward().arg("check").arg(&ws).output().unwrap();
    assert!(stdout(&quiet).contains("(1 item in 1 file checked)"));
    assert_eq!(stderr(&quiet), "", "without --verbose nothing is said");

    let verbose = ward()
        .arg("check")
        .arg(&ws)
        .arg("--verbose")
        .output()
        .unwrap();
    assert!(stdout(&verbose).contains("(1 item in 1 file checked)"));
    let notes: Vec<String> = stderr(&verbose).lines().map(str::to_owned).collect();
    let note = |name: &str| {
        format!(
            "note: skipped `{}`: a symbolic link (Ward does not follow links)",
            Path::new(&ws).join(name).display()
        )
    };
    assert_eq!(notes, [note("linked-folder"), note("linked.ward")]);
}
