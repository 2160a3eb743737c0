//! Tests of `ward report`: snapshots of every format, escaping, and a browser check.
//!
//! The snapshots (insta, in `snapshots/`) pin every format on the example workspace and on
//! the fixtures in `fixtures/`; `cargo insta review` (or `INSTA_UPDATE=always`) updates them
//! after an intended change. The browser check is `run-browser-test.sh`, run by CI.

mod agreement;
mod cli;
mod escaping;
mod pictures;
mod schema;
mod snapshots;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fixed generation time (2026-11-01T09:30:00Z) so that reports are reproducible.
pub const EPOCH: &str = "1793525400";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fixture folder under `tests/report/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/report/fixtures").join(name)
}

/// The example workspace.
pub fn example() -> PathBuf {
    repo_root().join("examples/insulin-pump")
}

/// `ward` with a fixed `SOURCE_DATE_EPOCH` and no colours.
pub fn ward() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ward"));
    command
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    command
}

/// Runs `ward report <dir> --format <format> -o -` and returns stdout; panics on exit 2.
pub fn report(dir: &Path, format: &str) -> (String, Output) {
    let output = ward()
        .arg("report")
        .arg(dir)
        .args(["--format", format, "-o", "-"])
        .output()
        .expect("ward runs");
    assert_ne!(
        output.status.code(),
        Some(2),
        "ward report could not run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout.clone()).expect("the report is UTF-8");
    (stdout, output)
}

/// The output with Ward's own version replaced, so a release does not change every snapshot.
pub fn redact_version(text: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    text.replace(&format!("Ward {version}"), "Ward [version]")
        .replace(
            &format!("\"ward_version\": \"{version}\""),
            "\"ward_version\": \"[version]\"",
        )
        .replace(&format!("ward_version,{version}"), "ward_version,[version]")
        .replace(
            &format!("- Ward version: {version}"),
            "- Ward version: [version]",
        )
        .replace(&format!("<dd>{version}</dd>"), "<dd>[version]</dd>")
}
