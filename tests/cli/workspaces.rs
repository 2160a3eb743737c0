//! `ward.toml` workspaces: a file belongs to the nearest `ward.toml` above it, each
//! workspace is analysed on its own, `exclude` leaves paths out, a file or folder named on
//! the command line is checked within its workspace, and paths show relative to the current
//! folder.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::ward;

const PLAN: &str = "plan { phases: design }\n";
const ASSET: &str = "asset A-1 \"Pump\" { kind: data }\n";
const THREAT: &str = "threat T-1 \"Spoofing\" { targets: A-1 }\n";

/// A temporary folder with these files.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// `ward check --format json` of `args`, run from `cwd`.
fn json_in(cwd: &Path, args: &[&str]) -> (Value, Output) {
    let output = ward()
        .current_dir(cwd)
        .arg("check")
        .args(args)
        .args(["--format", "json", "--today", "2026-12-01"])
        .output()
        .expect("ward runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "no JSON ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (json, output)
}

/// (file, code) of every diagnostic, sorted.
fn findings(json: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

fn pair(file: &str, code: &str) -> (String, String) {
    (file.to_owned(), code.to_owned())
}

#[test]
fn sibling_and_nested_workspaces_that_reuse_ids_are_analysed_apart() {
    let dir = tree(&[
        ("pump/ward.toml", ""),
        ("pump/plan.ward", PLAN),
        ("pump/model.ward", ASSET),
        ("pump/threats.ward", THREAT),
        // A nested workspace reuses the IDs of the one around it.
        ("pump/vendor/ward.toml", ""),
        ("pump/vendor/model.ward", ASSET),
        ("cloud/ward.toml", ""),
        ("cloud/model.ward", ASSET),
    ]);
    let (json, _) = json_in(dir.path(), &["."]);
    assert_eq!(
        findings(&json),
        [
            // Each `A-1` is its workspace's only one: no `duplicate-id`; the threat of
            // `pump` targets `pump`'s asset only.
            pair("cloud/model.ward", "untargeted-asset"),
            pair("pump/threats.ward", "unassessed-threat"),
            pair("pump/vendor/model.ward", "untargeted-asset"),
        ]
    );
}

#[test]
fn exclude_leaves_paths_out_and_unknown_keys_are_errors_at_their_place() {
    let dir = tree(&[
        ("ward.toml", "exclude = [\"drafts/\", \"*.old.ward\"]\n"),
        ("plan.ward", PLAN),
        ("model.ward", ASSET),
        ("threats.ward", THREAT),
        // Both would be `duplicate-id`s of `A-1` if they were read.
        ("drafts/model.ward", ASSET),
        ("sub/model.old.ward", ASSET),
    ]);
    let (json, output) = json_in(dir.path(), &[]);
    assert_eq!(findings(&json), [pair("threats.ward", "unassessed-threat")]);
    assert_eq!(json["summary"]["files"], 3, "{json}");
    assert_eq!(output.status.code(), Some(0));
    // Named on the command line, an excluded file is checked all the same (as ruff does).
    let (json, _) = json_in(dir.path(), &["sub/model.old.ward"]);
    assert_eq!(
        findings(&json),
        [pair("sub/model.old.ward", "duplicate-id")]
    );

    std::fs::write(dir.path().join("ward.toml"), "# settings\nexlude = []\n").unwrap();
    let output = ward()
        .current_dir(dir.path())
        .arg("check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("ward.toml:2:1: unknown field `exlude`"),
        "{stderr}"
    );
}

#[test]
fn a_file_or_folder_named_is_checked_in_its_workspace_and_reported_alone() {
    let dir = tree(&[
        ("ward.toml", ""),
        ("plan.ward", PLAN),
        ("model.ward", ASSET),
        ("threats/ble.ward", THREAT),
        (
            "threats/lonely.ward",
            "asset A-2 \"Lonely\" { kind: data }\n",
        ),
    ]);
    // The threat's link to `A-1` in another file resolves, and only the named file's
    // findings are shown (the lonely asset's warning is in another file).
    let (json, output) = json_in(dir.path(), &["threats/ble.ward"]);
    assert_eq!(
        findings(&json),
        [pair("threats/ble.ward", "unassessed-threat")]
    );
    assert_eq!(json["summary"]["files"], 1, "{json}");
    assert!(output.stderr.is_empty(), "{output:?}");
    // A folder inside the workspace: the whole workspace is read, that folder reported.
    let (json, _) = json_in(&dir.path().join("threats"), &["."]);
    assert_eq!(
        findings(&json),
        [
            pair("ble.ward", "unassessed-threat"),
            pair("lonely.ward", "untargeted-asset")
        ]
    );
    // Paths are relative to the current folder, as rustc and ruff print them.
    let (json, _) = json_in(
        &dir.path().join(".."),
        &[&format!("{}/threats", name_of(dir.path()))],
    );
    let name = name_of(dir.path());
    assert_eq!(
        findings(&json),
        [
            pair(&format!("{name}/threats/ble.ward"), "unassessed-threat"),
            pair(&format!("{name}/threats/lonely.ward"), "untargeted-asset")
        ]
    );
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn a_file_under_no_workspace_is_checked_alone_and_the_user_is_told() {
    let dir = tree(&[("model.ward", ASSET), ("threats.ward", THREAT)]);
    let output = ward()
        .current_dir(dir.path())
        .args(["check", "threats.ward"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("note: `threats.ward` is in no workspace (no `ward.toml` above it)"),
        "{stderr}"
    );
    assert!(stderr.contains("`ward init`"), "{stderr}");
    // The folder, with no `ward.toml`, is one workspace as before.
    let (json, output) = json_in(dir.path(), &[]);
    assert_eq!(findings(&json), [pair("threats.ward", "unassessed-threat")]);
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[test]
fn the_report_is_of_one_workspace() {
    let dir = tree(&[
        ("a/ward.toml", ""),
        ("a/model.ward", ASSET),
        ("b/ward.toml", ""),
        ("b/model.ward", ASSET),
    ]);
    let output = ward()
        .current_dir(dir.path())
        .args(["report", "--format", "json", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the paths given touch 2"), "{stderr}");
    let output = ward()
        .current_dir(dir.path())
        .args(["report", "--format", "json", "a"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}
