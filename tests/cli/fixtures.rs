//! Fixture workspaces with their expected diagnostics written inline.
//!
//! Every folder under `tests/cli/fixtures/` is a workspace. Its `.ward` files say what
//! `ward check` must report, in comments under the line they flag:
//!
//! ```text
//! threat T1 { targets: PUMP-CMX }
//! //                   ^^^^^^^^ error[unresolved-reference]: no item named `PUMP-CMX`
//! risk R1 { threat: T1 exploitability: 2 }
//! //   ^^ error[unscored-risk] gate=design: risk `R1` has no score
//! // ~ warning[untargeted-asset]: asset
//! ```
//!
//! - The carets stand under the columns of the range's first line (columns count Unicode
//!   scalar values); a range that goes on to later lines has its carets run to the end of
//!   the first line, and a zero-width range has one caret.
//! - `~` instead of carets expects the diagnostic anywhere on the line (for ranges that
//!   start in the first two columns, where `//` stands).
//! - Then the severity, the code in brackets, `gate=<phase>` when a gate decides the
//!   severity (without it the diagnostic must have no gate), `waived=<ID>` when a waiver
//!   waives it (without it the diagnostic must not be waived), and after `: ` the start of
//!   the message.
//! - An annotation refers to the nearest line above it that is not an annotation.
//!
//! A JSON file (an SBOM) has no comments: its expectations are in a file beside it, named
//! after it with `.expect` added, one a line, each `LINE:COLUMN` and then the same
//! `severity[code] ...: message` (the column is where the range starts).
//!
//! A file `args` in the fixture folder holds more arguments for `ward check` (e.g.
//! `--gate design`; `./x` is the fixture's file `x`). The sets must agree exactly: every diagnostic expected, every
//! expectation met. Together the fixtures must produce every code that
//! `docs/diagnostics.md` documents.
//!
//! `WARD_BLESS=1 cargo test -p ward --test cli fixtures` rewrites the annotations from
//! the actual output (full messages); review the diff before committing it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{check_json, repo_root};

/// One expected diagnostic.
#[derive(Debug)]
struct Expectation {
    file: String,
    /// The 1-based line of the annotation itself, for messages.
    at: usize,
    line: u64,
    /// Start column and caret count, or `None` for `~`.
    columns: Option<(u64, u64)>,
    /// The start column alone (a JSON file's expectations).
    column: Option<u64>,
    /// The length in scalar values of the flagged line.
    line_len: u64,
    severity: String,
    code: String,
    gate: Option<String>,
    waived: Option<String>,
    prefix: String,
}

/// The lines of a text, without their line breaks.
fn lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

/// The body of an annotation comment (after `//`, or inside `<!-- -->` in a test report),
/// if the line is one.
fn annotation_body(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let body = match line.strip_prefix("<!--") {
        Some(rest) => rest.strip_suffix("-->")?.trim_end(),
        None => line.strip_prefix("//")?,
    };
    let body = body.trim_start();
    (body.starts_with('^') || body.starts_with("~ ")).then_some(body)
}

/// What an annotation expects: severity, code, gate, waiver, message prefix.
type Spec = (String, String, Option<String>, Option<String>, String);

/// Parses `severity[code] gate=phase waived=ID: message` into its parts.
fn parse_expectation(spec: &str) -> Result<Spec, String> {
    let (head, prefix) = match spec.split_once(": ") {
        Some((head, prefix)) => (head, prefix.to_owned()),
        None => (spec.trim_end_matches(':'), String::new()),
    };
    let mut words = head.split_whitespace();
    let diagnostic = words.next().ok_or("no severity[code]")?;
    let (severity, code) = diagnostic
        .strip_suffix(']')
        .and_then(|d| d.split_once('['))
        .ok_or_else(|| format!("`{diagnostic}` is not `severity[code]`"))?;
    if !["error", "warning", "info"].contains(&severity) {
        return Err(format!("`{severity}` is not a severity"));
    }
    let mut gate = None;
    let mut waived = None;
    for word in words {
        if let Some(phase) = word.strip_prefix("gate=") {
            gate = Some(phase.to_owned());
        } else if let Some(waiver) = word.strip_prefix("waived=") {
            waived = Some(waiver.to_owned());
        } else {
            return Err(format!("unexpected `{word}`"));
        }
    }
    Ok((severity.to_owned(), code.to_owned(), gate, waived, prefix))
}

fn parse_annotations(file: &str, text: &str) -> Result<Vec<Expectation>, String> {
    let mut expectations = Vec::new();
    let mut target: Option<(u64, u64)> = None;
    for (index, line) in lines(text).iter().enumerate() {
        let Some(body) = annotation_body(line) else {
            target = Some((index as u64 + 1, line.chars().count() as u64));
            continue;
        };
        let fail = |why: String| format!("{file}:{}: bad annotation: {why}", index + 1);
        let (line_no, line_len) = target.ok_or_else(|| fail("no line above it".to_owned()))?;
        let (columns, spec) = if let Some(spec) = body.strip_prefix("~ ") {
            (None, spec)
        } else {
            let start = line
                .chars()
                .position(|ch| ch == '^')
                .expect("starts with ^") as u64;
            let carets = body.chars().take_while(|&ch| ch == '^').count();
            let spec = body[carets..]
                .strip_prefix(' ')
                .ok_or_else(|| fail("no space after the carets".to_owned()))?;
            (Some((start + 1, carets as u64)), spec)
        };
        let (severity, code, gate, waived, prefix) = parse_expectation(spec).map_err(fail)?;
        expectations.push(Expectation {
            file: file.to_owned(),
            at: index + 1,
            line: line_no,
            columns,
            column: None,
            line_len,
            severity,
            code,
            gate,
            waived,
            prefix,
        });
    }
    Ok(expectations)
}

/// The expectations of a JSON file, from its `.expect` file (`LINE:COLUMN spec` a line).
fn parse_sidecar(file: &str, text: &str) -> Result<Vec<Expectation>, String> {
    let mut expectations = Vec::new();
    for (index, line) in lines(text).iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fail = |why: &str| format!("{file}.expect:{}: bad expectation: {why}", index + 1);
        let (place, spec) = line.split_once(' ').ok_or_else(|| fail("no place"))?;
        let (line_no, column) = place
            .split_once(':')
            .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)))
            .ok_or_else(|| fail("the place is not LINE:COLUMN"))?;
        let (severity, code, gate, waived, prefix) =
            parse_expectation(spec).map_err(|why| fail(&why))?;
        expectations.push(Expectation {
            file: file.to_owned(),
            at: index + 1,
            line: line_no,
            columns: None,
            column: Some(column),
            line_len: 0,
            severity,
            code,
            gate,
            waived,
            prefix,
        });
    }
    Ok(expectations)
}

/// A diagnostic of the JSON output, flattened.
#[derive(Debug)]
struct Actual {
    file: String,
    start: (u64, u64),
    end: (u64, u64),
    severity: String,
    code: String,
    gate: Option<String>,
    waived: Option<String>,
    message: String,
}

fn position(value: &Value) -> (u64, u64) {
    (
        value["line"].as_u64().expect("a line"),
        value["column"].as_u64().expect("a column"),
    )
}

fn actual(diagnostic: &Value) -> Actual {
    Actual {
        file: diagnostic["file"].as_str().expect("a file").to_owned(),
        start: position(&diagnostic["range"]["start"]),
        end: position(&diagnostic["range"]["end"]),
        severity: diagnostic["severity"]
            .as_str()
            .expect("a severity")
            .to_owned(),
        code: diagnostic["code"].as_str().expect("a code").to_owned(),
        gate: diagnostic["gate"].as_str().map(str::to_owned),
        waived: diagnostic
            .get("waived")
            .map(|waived| waived["by"].as_str().expect("a waiver").to_owned()),
        message: diagnostic["message"]
            .as_str()
            .expect("a message")
            .to_owned(),
    }
}

impl Expectation {
    fn matches(&self, actual: &Actual) -> bool {
        if actual.file != self.file
            || actual.start.0 != self.line
            || actual.severity != self.severity
            || actual.code != self.code
            || actual.gate != self.gate
            || actual.waived != self.waived
            || !actual.message.starts_with(&self.prefix)
            || self.column.is_some_and(|column| column != actual.start.1)
        {
            return false;
        }
        let Some((start, carets)) = self.columns else {
            return true;
        };
        if actual.start.1 != start {
            return false;
        }
        if actual.end.0 > actual.start.0 {
            // Runs on: the carets go to the end of the first line.
            start + carets == self.line_len + 1
        } else if actual.end == actual.start {
            carets == 1
        } else {
            actual.end.1 == start + carets
        }
    }
}

/// `actual` written as the annotation that expects it, in the comments of its file.
fn annotation(actual: &Actual, line: &str) -> String {
    if actual.file.ends_with(".json") {
        return format!(
            "{}:{} {}  (in the file's `.expect`)",
            actual.start.0,
            actual.start.1,
            ward_comment_spec(actual)
        );
    }
    if actual.file.ends_with(".xml") {
        // `<!--` is two columns wider than `//`.
        let spec = ward_comment(actual, line);
        return match spec.strip_prefix("// ~ ") {
            Some(rest) => format!("<!-- ~ {rest} -->"),
            None if actual.start.1 >= 6 => {
                format!("<!--{} -->", &spec["//".len() + 2..])
            }
            None => format!("<!-- ~ {} -->", spec.trim_start_matches(['/', ' ', '^'])),
        };
    }
    ward_comment(actual, line)
}

/// The path of a JSON file's expectations.
fn sidecar_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".expect");
    PathBuf::from(name)
}

/// `severity[code] gate=… waived=…: message`.
fn ward_comment_spec(actual: &Actual) -> String {
    let gate = actual
        .gate
        .as_ref()
        .map(|gate| format!(" gate={gate}"))
        .unwrap_or_default();
    let waived = actual
        .waived
        .as_ref()
        .map(|waiver| format!(" waived={waiver}"))
        .unwrap_or_default();
    format!(
        "{}[{}]{gate}{waived}: {}",
        actual.severity, actual.code, actual.message
    )
}

fn ward_comment(actual: &Actual, line: &str) -> String {
    let line_len = line.chars().count() as u64;
    let spec = ward_comment_spec(actual);
    let col = actual.start.1;
    if col < 3 {
        return format!("// ~ {spec}");
    }
    let carets = if actual.end.0 > actual.start.0 {
        (line_len + 1).saturating_sub(col).max(1)
    } else {
        actual.end.1.saturating_sub(col).max(1)
    };
    format!(
        "//{}{} {spec}",
        " ".repeat(col as usize - 3),
        "^".repeat(carets as usize)
    )
}

/// The `.ward` files and test reports of a fixture, relative paths with `/`, sorted.
fn ward_files(dir: &Path) -> Vec<(String, PathBuf)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read the fixture folder")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().expect("a name").to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else if name.ends_with(".ward") || name.ends_with(".xml") || name.ends_with(".json") {
                let relative = path.strip_prefix(root).expect("under the root");
                let shown = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((shown, path));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

/// The `args` file of a fixture, `./x` made the fixture's file `x`.
pub fn fixture_args(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("args"))
        .map(|text| {
            text.split_whitespace()
                // `./x` names a file of the fixture (`--sbom ./extra/a.json`).
                .map(|word| match word.strip_prefix("./") {
                    Some(relative) => dir.join(relative).display().to_string(),
                    None => word.to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Rewrites the annotations of a fixture from the actual diagnostics.
fn bless(dir: &Path, actuals: &[Actual]) {
    for (shown, path) in ward_files(dir) {
        if shown.ends_with(".json") {
            let expected: String = actuals
                .iter()
                .filter(|a| a.file == shown)
                .map(|a| format!("{}:{} {}\n", a.start.0, a.start.1, ward_comment_spec(a)))
                .collect();
            let sidecar = sidecar_path(&path);
            if expected.is_empty() {
                let _ = std::fs::remove_file(&sidecar);
            } else {
                std::fs::write(&sidecar, expected).expect("write the expectations");
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read the fixture");
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut out = String::new();
        let all = lines(&text);
        for (index, line) in all.iter().enumerate() {
            if annotation_body(line).is_some() {
                continue;
            }
            if index > 0 {
                out.push_str(newline);
            }
            out.push_str(line);
            for actual in actuals
                .iter()
                .filter(|a| a.file == shown && a.start.0 == index as u64 + 1)
            {
                out.push_str(newline);
                out.push_str(&annotation(actual, line));
            }
        }
        if out != text {
            std::fs::write(&path, out).expect("write the fixture");
        }
    }
}

/// Runs one fixture; returns its codes, or a description of every mismatch.
fn run_fixture(dir: &Path) -> Result<BTreeSet<String>, String> {
    let name = dir
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    let mut expectations = Vec::new();
    let mut problems = String::new();
    let files = ward_files(dir);
    for (shown, path) in &files {
        let parsed = if shown.ends_with(".json") {
            let sidecar = std::fs::read_to_string(sidecar_path(path)).unwrap_or_default();
            parse_sidecar(shown, &sidecar)
        } else {
            let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
            parse_annotations(shown, &text)
        };
        match parsed {
            Ok(found) => expectations.extend(found),
            Err(error) => {
                let _ = writeln!(problems, "{error}");
            }
        }
    }
    let args = fixture_args(dir);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (json, output) = check_json(dir, &args);
    let actuals: Vec<Actual> = json["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(actual)
        .collect();
    if std::env::var_os("WARD_BLESS").is_some() {
        bless(dir, &actuals);
    }

    // The output's own promises: sorted, counted, exit code.
    let keys: Vec<_> = actuals
        .iter()
        .map(|a| (a.file.clone(), a.start, a.code.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    if keys != sorted {
        let _ = writeln!(
            problems,
            "diagnostics are not sorted by file, line, column, code"
        );
    }
    // Waived diagnostics keep their severity but count apart, and fail nothing.
    let count = |severity: &str| {
        actuals
            .iter()
            .filter(|a| a.severity == severity && a.waived.is_none())
            .count()
    };
    let waived = actuals.iter().filter(|a| a.waived.is_some()).count();
    let summary = &json["summary"];
    if summary["errors"].as_u64() != Some(count("error") as u64)
        || summary["warnings"].as_u64() != Some(count("warning") as u64)
        || summary["waived"].as_u64() != Some(waived as u64)
        || summary["files"].as_u64()
            != Some(
                files
                    .iter()
                    .filter(|(name, _)| name.ends_with(".ward"))
                    .count() as u64,
            )
    {
        let _ = writeln!(problems, "the summary does not add up: {summary}");
    }
    let expected_exit = if count("error") > 0 { 1 } else { 0 };
    if output.status.code() != Some(expected_exit) {
        let _ = writeln!(
            problems,
            "exit code {:?}, expected {expected_exit}",
            output.status.code()
        );
    }
    for diagnostic in json["diagnostics"].as_array().expect("an array") {
        for related in diagnostic["related"]
            .as_array()
            .expect("related is an array")
        {
            let file = related["file"].as_str().expect("a related file");
            if !dir.join(file).is_file() {
                let _ = writeln!(problems, "related location in a missing file `{file}`");
            }
        }
    }

    // The exact match of expectations and diagnostics.
    let mut met = vec![false; expectations.len()];
    let texts: std::collections::HashMap<&str, String> = files
        .iter()
        .map(|(shown, path)| {
            (
                shown.as_str(),
                std::fs::read_to_string(path).expect("read the fixture"),
            )
        })
        .collect();
    for actual in &actuals {
        let found = expectations
            .iter()
            .enumerate()
            .find(|(at, expectation)| !met[*at] && expectation.matches(actual));
        match found {
            Some((at, _)) => met[at] = true,
            None => {
                let line = texts
                    .get(actual.file.as_str())
                    .and_then(|text| {
                        lines(text)
                            .get(actual.start.0 as usize - 1)
                            .map(|l| l.to_string())
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    problems,
                    "unexpected diagnostic at {}:{}:{} (to {}:{}):\n    {line}\n    {}",
                    actual.file,
                    actual.start.0,
                    actual.start.1,
                    actual.end.0,
                    actual.end.1,
                    annotation(actual, &line)
                );
            }
        }
    }
    for (expectation, met) in expectations.iter().zip(&met) {
        if !met {
            let _ = writeln!(
                problems,
                "expectation not met at {}:{} (for line {}): {}[{}]{}{} {:?}",
                expectation.file,
                expectation.at,
                expectation.line,
                expectation.severity,
                expectation.code,
                expectation
                    .gate
                    .as_ref()
                    .map(|g| format!(" gate={g}"))
                    .unwrap_or_default(),
                expectation
                    .waived
                    .as_ref()
                    .map(|w| format!(" waived={w}"))
                    .unwrap_or_default(),
                expectation.prefix
            );
        }
    }
    if problems.is_empty() {
        Ok(actuals.iter().map(|a| a.code.clone()).collect())
    } else {
        Err(format!("fixture `{name}`:\n{problems}"))
    }
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/cli/fixtures"))
        .expect("the fixtures folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_fixture_gives_exactly_its_expected_diagnostics_and_all_codes_are_covered() {
    let mut failures = String::new();
    let mut covered = BTreeSet::new();
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 5, "the fixtures are missing");
    for dir in &dirs {
        match run_fixture(dir) {
            Ok(codes) => covered.extend(codes),
            Err(problems) => failures.push_str(&problems),
        }
    }
    assert!(failures.is_empty(), "{failures}");
    let documented = crate::docs::documented_codes();
    let missing: Vec<_> = documented.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "no fixture produces these documented codes: {missing:?}"
    );
    let undocumented: Vec<_> = covered.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "fixtures produce codes that docs/diagnostics.md does not document: {undocumented:?}"
    );
}

#[test]
fn the_crlf_fixture_really_has_crlf_line_breaks() {
    for (shown, path) in ward_files(&crate::fixture("crlf")) {
        let text = std::fs::read_to_string(&path).expect("read");
        let lf = text.matches('\n').count();
        let crlf = text.matches("\r\n").count();
        assert!(
            lf > 0 && lf == crlf,
            "{shown} must have CRLF line breaks only (a checkout may have converted them)"
        );
    }
}

#[test]
fn annotations_parse() {
    let text = "asset A {}\n//    ^ warning[untargeted-asset] gate=design: asset `A`\n// ~ error[x]\n// ~ warning[y] waived=W-1: z\n";
    let found = parse_annotations("a.ward", text).expect("valid");
    assert_eq!(found.len(), 3);
    assert_eq!(found[2].waived.as_deref(), Some("W-1"));
    assert_eq!(found[0].waived, None);
    assert_eq!(found[0].line, 1);
    assert_eq!(found[0].columns, Some((7, 1)));
    assert_eq!(found[0].gate.as_deref(), Some("design"));
    assert_eq!(found[0].prefix, "asset `A`");
    assert_eq!(found[1].columns, None);
    assert_eq!(found[1].code, "x");
    assert!(parse_annotations("a.ward", "x\n// ^ bad[code\n").is_err());
    assert!(parse_annotations("a.ward", "x\n// ^ error[c] gates=x\n").is_err());
}

/// Today decides which waivers have expired: `--today`, else `SOURCE_DATE_EPOCH`.
#[test]
fn today_decides_which_waivers_have_expired() {
    let dir = crate::fixture("waivers");
    let expired = |json: &Value| -> Vec<String> {
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["code"] == "expired-waiver")
            .map(|d| d["message"].as_str().expect("a message").to_owned())
            .collect()
    };
    let waived_by = |json: &Value, waiver: &str| {
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["waived"]["by"] == waiver)
            .count()
    };
    // Before any expiry: nothing has expired.
    let (before, _) = check_json(&dir, &["--today", "2026-12-01"]);
    assert_eq!(expired(&before), Vec::<String>::new());
    // After every expiry: each waiver with an `expires` is expired, and waives nothing.
    let (after, _) = check_json(&dir, &["--today", "2027-07-01"]);
    let messages = expired(&after);
    for waiver in ["W-LEGACY", "W-ERROR", "W-OLD"] {
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with(&format!("waiver `{waiver}` expired"))),
            "{waiver}: {messages:?}"
        );
        assert_eq!(waived_by(&after, waiver), 0, "{waiver}");
        assert!(waived_by(&before, waiver) > 0, "{waiver}");
    }
    // The day of `SOURCE_DATE_EPOCH` (2027-01-15T12:00:00Z) is the fixture's `--today`.
    let output = crate::ward()
        .current_dir(&dir)
        .arg("check")
        .arg(&dir)
        .args(["--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1800014400")
        .output()
        .expect("ward runs");
    let from_epoch: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let (from_flag, _) = check_json(
        &dir,
        &fixture_args(&dir)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(from_epoch, from_flag);
}

/// `unapproved-gate` is off until its gate is passed: the `approvals-gate-flag` fixture
/// without its `--gate design` has no finding.
#[test]
fn an_unpassed_gate_needs_no_approval() {
    let dir = crate::fixture("approvals-gate-flag");
    let (json, output) = check_json(&dir, &["--today", "2027-01-15"]);
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json}");
    assert_eq!(output.status.code(), Some(0));
    let (json, _) = check_json(
        &dir,
        &fixture_args(&dir)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "unapproved-gate"),
        "{json}"
    );
}
