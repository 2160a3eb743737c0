//! `ward fmt`: the canonical layout written in place, `--check` for CI, refusals with a
//! place, and the repository's own example and fixtures kept formatted.

use std::path::Path;

use crate::{check_json, fixture, repo_root, ward};

fn fmt(args: &[&str], cwd: &Path) -> std::process::Output {
    ward()
        .arg("fmt")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("ward runs")
}

const MESSY: &str =
    "asset   A \"Pump\"{kind :data}\n\n\n\nthreat T {\n      targets:A\n   stride: spoofing\n}";
const TIDY: &str =
    "asset A \"Pump\" { kind: data }\n\nthreat T {\n  targets: A\n  stride: spoofing\n}\n";

#[test]
fn fmt_rewrites_in_place_and_then_has_nothing_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.ward");
    std::fs::write(&file, MESSY).unwrap();
    let (before, _) = check_json(dir.path(), &[]);
    let output = fmt(&[], dir.path());
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), TIDY);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 file reformatted"), "{stderr}");
    // What the file says is the same: the same findings, only at new places.
    let (after, _) = check_json(dir.path(), &[]);
    let findings = |json: &serde_json::Value| -> Vec<(String, String)> {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["code"].to_string(), d["message"].to_string()))
            .collect()
    };
    assert_eq!(findings(&before), findings(&after));
    let again = fmt(&["--check"], dir.path());
    assert_eq!(again.status.code(), Some(0), "{again:?}");
}

#[test]
fn the_files_a_ward_toml_excludes_are_left_alone_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ward.toml"), "exclude = [\"vendor/\"]\n").unwrap();
    std::fs::create_dir(dir.path().join("vendor")).unwrap();
    let own = dir.path().join("a.ward");
    let vendored = dir.path().join("vendor/theirs.ward");
    std::fs::write(&own, MESSY).unwrap();
    std::fs::write(&vendored, MESSY).unwrap();
    // A folder: as `ward check` reads it, without what `exclude` leaves out.
    let output = fmt(&[], dir.path());
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(std::fs::read_to_string(&own).unwrap(), TIDY);
    assert_eq!(std::fs::read_to_string(&vendored).unwrap(), MESSY);
    let check = fmt(&["--check", "."], dir.path());
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    // Named, an excluded file is formatted, as `ward check` checks it.
    let named = fmt(&["vendor/theirs.ward"], dir.path());
    assert_eq!(named.status.code(), Some(0), "{named:?}");
    assert_eq!(std::fs::read_to_string(&vendored).unwrap(), TIDY);
}

#[test]
fn check_names_the_files_that_would_change_and_changes_none() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let messy = dir.path().join("sub/messy.ward");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(dir.path().join("tidy.ward"), TIDY).unwrap();
    let output = fmt(&["--check"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "would reformat sub/messy.ward\n"
    );
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), MESSY);
}

#[test]
fn a_file_with_syntax_errors_is_refused_with_its_place_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "asset A {\n  kind: data,\n}\n";
    std::fs::write(dir.path().join("broken.ward"), broken).unwrap();
    std::fs::write(dir.path().join("messy.ward"), MESSY).unwrap();
    let output = fmt(&[], dir.path());
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: broken.ward:2:13: cannot format a file with syntax errors"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.ward")).unwrap(),
        broken
    );
    // The other file is formatted all the same.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("messy.ward")).unwrap(),
        TIDY
    );
}

#[test]
fn a_byte_order_mark_and_crlf_line_breaks_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.ward");
    std::fs::write(&file, "\u{feff}asset A {\r\n    kind: data\r\n}").unwrap();
    assert_eq!(fmt(&[], dir.path()).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "\u{feff}asset A {\r\n  kind: data\r\n}\r\n"
    );
}

/// The example and the fixtures are formatted, but for the fixtures whose point is a layout
/// the formatter changes or refuses.
#[test]
fn the_example_and_the_fixtures_are_formatted() {
    // Items that share a line on purpose (columns after other items), and syntax errors.
    let exempt = ["unicode", "syntax"];
    let mut dirs = vec![repo_root().join("examples/insulin-pump")];
    for entry in std::fs::read_dir(repo_root().join("tests/cli/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && !exempt.contains(&name.as_str()) {
            dirs.push(path);
        }
    }
    dirs.push(repo_root().join("editors/vscode/test/fixture"));
    dirs.push(repo_root().join("tests/editors/fixture"));
    assert!(dirs.len() > 8);
    for dir in dirs {
        let output = fmt(&["--check", "."], &dir);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}{}",
            dir.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The exempt ones are exempt for their reason, not by accident.
    let unicode = fmt(&["--check", "."], &fixture("unicode"));
    assert_eq!(unicode.status.code(), Some(1));
    let syntax = fmt(&["--check", "."], &fixture("syntax"));
    assert_eq!(syntax.status.code(), Some(2));
}
