//! Exit codes: 0 without errors, 1 with errors (or warnings under `--deny warnings`), 2 when
//! `ward check` could not run, with a message on stderr and nothing on stdout.

use std::process::Output;

use crate::{check, stderr, stdout, ward, workspace};

/// A complete chain: no finding at all.
pub const CLEAN: &str = r#"asset A-1 "Asset" { kind: data }
threat T-1 "Threat" { targets: A-1 }
risk R-1 "Risk" { threat: T-1 exploitability: 1 severity: 2 }
control C-1 "Control" { mitigates: R-1 status: implemented }
verification V-1 "Verification" { verifies: C-1 result: pass }
"#;

/// One warning (an untargeted asset), no error.
pub const WARNING: &str = "asset A-1 \"Asset\" { kind: data }\n";

/// One error (an unresolved reference) besides warnings.
pub const ERROR: &str = "threat T-1 \"Threat\" { targets: A-NONE }\n";

fn code(output: &Output) -> i32 {
    output.status.code().expect("ward exits normally")
}

/// Asserts exit code 2 with an `error:` message on stderr containing `needle`, and nothing
/// on stdout.
fn assert_could_not_run(output: &Output, needle: &str) {
    let err = stderr(output);
    assert_eq!(code(output), 2, "expected exit 2; stderr: {err}");
    assert!(
        err.contains(needle),
        "stderr should mention {needle:?}: {err}"
    );
    assert!(
        stdout(output).is_empty(),
        "nothing on stdout when ward could not run: {}",
        stdout(output)
    );
}

#[test]
fn exit_0_without_findings() {
    let dir = workspace(&[("chain.ward", CLEAN)]);
    let output = check(&[dir.path().to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(stdout(&output).contains("ward: no findings (5 items in 1 file checked)"));
}

#[test]
fn exit_0_with_warnings_only() {
    let dir = workspace(&[("a.ward", WARNING)]);
    let output = check(&[dir.path().to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(stdout(&output).contains("warning[untargeted-asset]"));
}

#[test]
fn exit_1_with_errors_in_every_format() {
    let dir = workspace(&[("a.ward", WARNING), ("t.ward", ERROR)]);
    for format in ["human", "json", "sarif"] {
        let output = check(&[dir.path().to_str().unwrap(), "--format", format]);
        assert_eq!(code(&output), 1, "--format {format}");
        assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    }
}

#[test]
fn deny_warnings_fails_on_warnings_only() {
    let warned = workspace(&[("a.ward", WARNING)]);
    let output = check(&[warned.path().to_str().unwrap(), "--deny", "warnings"]);
    assert_eq!(code(&output), 1);
    let clean = workspace(&[("chain.ward", CLEAN)]);
    let output = check(&[clean.path().to_str().unwrap(), "--deny", "warnings"]);
    assert_eq!(code(&output), 0);
    // Off-by-default findings are not warnings: they do not fail `--deny warnings`.
    let pending = CLEAN.replace("result: pass", "result: pending");
    let off = workspace(&[("chain.ward", &pending)]);
    let output = check(&[off.path().to_str().unwrap(), "--deny", "warnings"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
}

#[test]
fn exit_2_on_bad_arguments() {
    let dir = workspace(&[("a.ward", CLEAN)]);
    let path = dir.path().to_str().unwrap();
    for args in [
        vec![path, "--bogus"],
        vec![path, "--format", "xml"],
        vec![path, "--deny", "errors"],
        vec![path, "--gate"],
    ] {
        let output = check(&args);
        assert_eq!(code(&output), 2, "ward check {args:?}");
        assert!(stderr(&output).contains("error:"), "{}", stderr(&output));
        assert!(stdout(&output).is_empty());
    }
    let output = ward().arg("frobnicate").output().expect("ward runs");
    assert_eq!(code(&output), 2);
    let output = ward().output().expect("ward runs");
    assert_eq!(code(&output), 2, "no subcommand is a usage error");
}

#[test]
fn exit_2_on_a_bad_today() {
    let dir = workspace(&[("a.ward", CLEAN)]);
    let path = dir.path().to_str().unwrap();
    for bad in ["2027-02-30", "2027-6-30", "tomorrow"] {
        let output = check(&[path, "--today", bad]);
        assert_eq!(code(&output), 2, "--today {bad}");
        assert!(
            stderr(&output).contains(&format!("`{bad}` is not a date of the form YYYY-MM-DD")),
            "{}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty());
    }
    let run = |epoch: &str, extra: &[&str]| {
        ward()
            .arg("check")
            .arg(path)
            .args(extra)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .expect("ward runs")
    };
    assert_could_not_run(
        &run("soon", &[]),
        "SOURCE_DATE_EPOCH must be a number of seconds since 1970, not `soon`",
    );
    assert_eq!(code(&run("1791849600", &[])), 0);
    // `--today` wins: the environment is then not read at all.
    assert_eq!(code(&run("soon", &["--today", "2027-02-28"])), 0);
}

#[test]
fn help_and_version_exit_0() {
    for args in [&["--help"][..], &["--version"], &["check", "--help"]] {
        let output = ward().args(args).output().expect("ward runs");
        assert_eq!(code(&output), 0, "ward {args:?}");
        assert!(!stdout(&output).is_empty());
    }
}

#[test]
fn exit_2_on_a_missing_path() {
    let dir = workspace(&[("a.ward", CLEAN)]);
    let missing = dir.path().join("nope");
    let output = check(&[missing.to_str().unwrap()]);
    assert_could_not_run(&output, "no such file or folder");
    assert!(stderr(&output).contains("nope"));
    // One missing path among good ones still stops the run: no partial result.
    let output = check(&[
        dir.path().join("a.ward").to_str().unwrap(),
        missing.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_could_not_run(&output, "nope");
}

#[test]
fn exit_2_on_an_unknown_gate() {
    let dir = workspace(&[(
        "plan.ward",
        "plan { phases: alpha, beta }\nasset A { kind: data }\n",
    )]);
    let path = dir.path().to_str().unwrap();
    let output = check(&[path, "--gate", "release"]);
    assert_could_not_run(
        &output,
        "`--gate release` names no phase of the plan; the phases are `alpha`, `beta`",
    );
    assert_eq!(code(&check(&[path, "--gate", "beta"])), 0);
    // Without a plan, the default phases apply.
    let plain = workspace(&[("a.ward", CLEAN)]);
    let plain = plain.path().to_str().unwrap();
    assert_eq!(code(&check(&[plain, "--gate", "release"])), 0);
    assert_could_not_run(&check(&[plain, "--gate", "beta"]), "`--gate beta`");
}

#[test]
fn exit_2_on_an_empty_folder() {
    let empty = tempfile::tempdir().unwrap();
    assert_could_not_run(
        &check(&[empty.path().to_str().unwrap()]),
        "no `.ward` files",
    );
    // Files of other kinds do not count.
    let other = workspace(&[("notes.txt", "asset A { }\n"), ("ward", "")]);
    assert_could_not_run(
        &check(&[other.path().to_str().unwrap()]),
        "no `.ward` files",
    );
    // Neither do hidden or git-ignored `.ward` files.
    let hidden = workspace(&[
        (".hidden/a.ward", CLEAN),
        (".gitignore", "ignored/\n"),
        ("ignored/b.ward", CLEAN),
    ]);
    assert_could_not_run(
        &check(&[hidden.path().to_str().unwrap()]),
        "no `.ward` files",
    );
}

#[test]
fn hidden_and_git_ignored_files_are_skipped() {
    let dir = workspace(&[
        ("a.ward", CLEAN),
        (".drafts/broken.ward", "this is not ward {{{"),
        (".gitignore", "build/\n*.tmp.ward\n"),
        ("build/generated.ward", "asset A-1 { }\n"),
        ("scratch.tmp.ward", ERROR),
    ]);
    let (json, output) = crate::check_json(dir.path(), &[]);
    assert_eq!(code(&output), 0, "{json}");
    assert_eq!(json["summary"]["files"], 1);
}

/// Symbolic links are not followed, to a file or a folder, inside the workspace or out: the
/// language server's workspace follows the same rule.
#[test]
fn symbolic_links_are_not_followed() {
    let outside = workspace(&[("other.ward", ERROR)]);
    let dir = workspace(&[("a.ward", CLEAN)]);
    let link = |target: &std::path::Path, name: &str| {
        std::os::unix::fs::symlink(target, dir.path().join(name)).unwrap();
    };
    link(&outside.path().join("other.ward"), "other.ward");
    link(outside.path(), "linked");
    link(&dir.path().join("a.ward"), "again.ward");
    link(std::path::Path::new("/etc/passwd"), "passwd.ward");
    let (json, output) = crate::check_json(dir.path(), &[]);
    assert_eq!(code(&output), 0, "{json}");
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn a_folder_named_like_a_ward_file_is_not_a_file() {
    let dir = workspace(&[("a.ward", CLEAN)]);
    std::fs::create_dir(dir.path().join("x.ward")).unwrap();
    // Inside a workspace it is a folder like any other, and empty.
    let (json, output) = crate::check_json(dir.path(), &[]);
    assert_eq!(code(&output), 0);
    assert_eq!(json["summary"]["files"], 1);
    // Named on the command line, it holds no `.ward` file: ward cannot run.
    let output = check(&[dir.path().join("x.ward").to_str().unwrap()]);
    assert_could_not_run(&output, "no `.ward` files found");
}

#[test]
fn exit_2_on_an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace(&[("a.ward", CLEAN), ("locked.ward", CLEAN)]);
    let locked = dir.path().join("locked.ward");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        // Root reads whatever the permissions say.
        println!(
            "note: running as root, chmod 000 does not block reads: unreadable-file case skipped"
        );
        return;
    }
    let output = check(&[dir.path().to_str().unwrap()]);
    assert_could_not_run(&output, "permission denied");
    assert!(stderr(&output).contains("locked.ward"));
}

#[test]
fn exit_2_on_a_file_that_is_not_utf8() {
    let dir = workspace(&[("a.ward", CLEAN)]);
    std::fs::write(
        dir.path().join("latin1.ward"),
        b"asset A-2 \"Pompe\" {\n  description: \"Pompe \xe0 insuline\"\n}\n",
    )
    .unwrap();
    for format in ["human", "json", "sarif"] {
        let output = check(&[dir.path().to_str().unwrap(), "--format", format]);
        assert_could_not_run(&output, "latin1.ward");
        let err = stderr(&output);
        assert!(
            err.contains("not valid UTF-8 (line 2, column 23)"),
            "the message gives the line and column of the first bad byte: {err}"
        );
    }
}

#[test]
fn the_current_folder_is_the_default() {
    let dir = workspace(&[("sub/a.ward", WARNING)]);
    let output = ward()
        .args(["check", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&output), 0);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], "sub/a.ward");
}

#[test]
fn several_paths_are_one_workspace_relative_to_the_current_folder() {
    let dir = workspace(&[
        ("assets/a.ward", "asset A-1 \"Asset\" { kind: data }\n"),
        (
            "threats/t.ward",
            "threat T-1 \"Threat\" { targets: A-1, A-2 }\n",
        ),
        ("other/o.ward", "asset A-2 \"Not given\" { kind: data }\n"),
    ]);
    let output = ward()
        .args(["check", "assets", "threats/t.ward", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&output), 1, "A-2 is not part of the workspace given");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["threats/t.ward", "threats/t.ward"], "{json}");
    assert_eq!(json["summary"]["files"], 2);
}
