//! End-to-end tests of `ward check`: fixtures with expected diagnostics, formats, exit codes.
//!
//! - `fixtures`: every folder under `fixtures/` is a workspace whose expected diagnostics
//!   are written inline, as comments under the text they flag (see that module); together
//!   they cover every diagnostic code.
//! - `exit_codes`: 0, 1 and 2 in every situation the docs name.
//! - `formats`: human (snapshot, colours), JSON (exact shape) and SARIF (the official
//!   2.1.0 schema and GitHub code scanning's requirements).
//! - `bad_input`: huge and deeply nested input gives diagnostics in reasonable time.
//! - `docs`: `docs/diagnostics.md` documents exactly the codes the analysis defines.
//! - `generator`: `ward-gen` is deterministic and plants the findings it says.
//! - `manifests`: no normal dependency of a workspace crate is used by its tests only.
//! - `reliability`: the audit's bugs of reading files and showing their names: `\r` line
//!   breaks, evidence outside the workspace, unreadable folders, one file named twice,
//!   escape sequences in file names, symbolic links.

mod bad_input;
mod ci_formats;
mod docs;
mod exit_codes;
mod explain;
mod fixtures;
mod fmt;
mod formats;
mod generator;
mod init;
mod junit;
mod manifests;
mod manual;
mod reliability;
mod supply;
#[path = "../support/unreadable.rs"]
mod unreadable;
mod workspaces;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fixture folder under `tests/cli/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/cli/fixtures").join(name)
}

/// `ward` without colours, whatever the environment of the test run.
pub fn ward() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ward"));
    command
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("WARD_TIMINGS");
    command
}

/// Runs `ward check` with these arguments.
pub fn check(args: &[&str]) -> Output {
    ward().arg("check").args(args).output().expect("ward runs")
}

/// Runs `ward check <dir>` with these arguments from `dir`, so that paths show relative to
/// the workspace, as in CI.
pub fn check_in(dir: &Path, args: &[&str]) -> Output {
    ward()
        .current_dir(dir)
        .arg("check")
        .arg(dir)
        .args(args)
        .output()
        .expect("ward runs")
}

/// Runs `ward check <dir> --format json` plus `extra`, and parses its output.
pub fn check_json(dir: &Path, extra: &[&str]) -> (serde_json::Value, Output) {
    // Paths are shown relative to the current folder: the workspace's, as in CI.
    let output = ward()
        .current_dir(dir)
        .arg("check")
        .arg(dir)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("ward runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "ward check {} did not print JSON ({error}); exit {:?}\nstdout: {}\nstderr: {}",
            dir.display(),
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (json, output)
}

/// Stdout of a run, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("ward prints UTF-8")
}

/// Stderr of a run, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("ward prints UTF-8")
}

/// A temporary workspace with these files (paths relative to it, `/`-separated).
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a file has a parent"))
            .expect("create the folder");
        std::fs::write(path, text).expect("write the file");
    }
    dir
}
