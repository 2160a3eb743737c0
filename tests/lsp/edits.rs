//! Edits: hundreds of rapid changes applied and answered in order, stale versions refused,
//! and a property test that any sequence of incremental edits ends with exactly the
//! diagnostics `ward check` gives for the final text.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use crate::harness::{
    Client, EXAMPLE, Editor, Enc, Workspace, byte_range, example_names, example_text, range, uri,
    wait_indexed,
};

#[test]
fn hundreds_of_rapid_changes_are_applied_in_order() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start_pushed(Editor::VsCode, &workspace.root());
    wait_indexed(&mut client, &workspace, &example_names());
    let assets = workspace.path("assets.ward");
    let mut text = example_text("assets.ward").to_owned();
    client.did_open(&assets, &text);
    let enc = client.editor.encoding();
    let typing_at = text.find("Insulin").unwrap() + "Insulin".len();
    let id = text.find("PUMP-CMD").unwrap() + 2;
    let mut hovers = Vec::new();
    let last_typed = 300;
    for version in 2..=last_typed {
        // Typing 'x' after "Insulin", one keystroke per notification.
        let at = typing_at + (version as usize - 2);
        client.did_change(
            &assets,
            version,
            json!([{"range": range(&text, at, at, enc), "text": "x"}]),
        );
        text.insert(at, 'x');
        if version % 50 == 0 {
            // A request sent after a change sees that change (or is told it moved on).
            let request = client.send_request("textDocument/hover", client.at(&assets, &text, id));
            hovers.push((request, version));
        }
    }
    // A last change that makes a finding.
    let at = text.find("PUMP-CMD").unwrap();
    client.did_change(
        &assets,
        last_typed + 1,
        json!([{"range": range(&text, at, at + 8, enc), "text": "PUMP-CMX"}]),
    );
    for (request, version) in hovers {
        match client.response(request) {
            Ok(hover) => {
                let title = format!("Insulin{} dosing", "x".repeat(version as usize - 1));
                let value = hover["contents"]["value"].as_str().unwrap_or_default();
                assert!(value.contains(&title), "version {version}: {hover}");
            }
            Err(error) => assert_eq!(error["code"], -32801, "{error}"),
        }
    }
    client.wait_version(&assets, last_typed + 1);
    assert_eq!(client.codes_of(&assets), ["untargeted-asset"]);
    client.wait_codes(&workspace.path("threats.ward"), &["unresolved-reference"]);
    // Versions published for the document never go back.
    let versions: Vec<i64> = client
        .received
        .iter()
        .filter(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri(&assets)
        })
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{versions:?}");
    assert_eq!(versions.last(), Some(&(last_typed + 1)));
}

#[test]
fn a_change_with_a_stale_version_is_ignored() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::Helix, &workspace.root());
    let threats = workspace.path("threats.ward");
    let text = example_text("threats.ward");
    client.did_open(&threats, text);
    client.wait_version(&threats, 1);
    let at = text.find("PUMP-CMD").unwrap();
    // Version 1 again: refused, so no unresolved reference appears.
    client.did_change(
        &threats,
        1,
        json!([{"range": range(text, at, at + 8, Enc::Utf8), "text": "NOPE"}]),
    );
    client.did_change(
        &threats,
        2,
        json!([{"range": range(text, 0, 0, Enc::Utf8), "text": "// ok\n"}]),
    );
    client.wait_version(&threats, 2);
    assert_eq!(client.codes_of(&threats), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------
// The property: incremental edits end where a from-scratch analysis does.
// ---------------------------------------------------------------------------------------

/// The document that gets edited: links to the example, non-ASCII, CRLF and LF lines.
const EDITED: &str = "// Édité 😀\r\nthreat T-X \"Spoofed 😀 pump\" {\r\n  targets: PUMP-CMD\r\n  stride: spoofing\r\n}\r\n\nrisk R-X \"日本 risk\" {\n  threat: T-X, T-BLE-SPOOF\n  exploitability: 2\n  severity: 5\n}\n\ncontrol C-X {\n  mitigates: R-X\n  status: implemented\n}\n";

const SNIPPETS: &[&str] = &[
    "x",
    "é",
    "😀",
    " ",
    "\n",
    "\r\n",
    "{",
    "}",
    ":",
    ",",
    "\"",
    "T-X",
    "PUMP-CMD",
    "R-X",
    "targets: ",
    "  severity: 9\n",
    "asset A2 {\n  kind: data\n}\n",
    "risk R9 { threat: T-NONE }",
    "// note ",
    "\"\"\"\n  text\n  \"\"\"",
];

#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// Types a snippet at a place.
    Type(f64, usize),
    /// Deletes up to `len` characters at a place.
    Delete(f64, usize),
    /// Copies text from one place and pastes it at another (across items).
    Paste(f64, f64, usize),
    /// Deletes the n-th brace.
    DeleteBrace(usize),
    /// Replaces the whole text (a change without a range) with an earlier version.
    Reset,
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0.0..1.0f64, 0..SNIPPETS.len()).prop_map(|(at, s)| Op::Type(at, s)),
        4 => (0.0..1.0f64, 1..12usize).prop_map(|(at, n)| Op::Delete(at, n)),
        2 => (0.0..1.0f64, 0.0..1.0f64, 1..60usize).prop_map(|(at, from, n)| Op::Paste(at, from, n)),
        2 => (0..8usize).prop_map(Op::DeleteBrace),
        1 => Just(Op::Reset),
    ]
}

/// A byte offset for a fraction of the text: at a character start, never inside a CRLF.
fn place(text: &str, fraction: f64) -> usize {
    let mut at = ((text.len() as f64) * fraction) as usize;
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if at > 0 && text.as_bytes()[at - 1] == b'\r' && text.as_bytes().get(at) == Some(&b'\n') {
        at -= 1;
    }
    at
}

/// One edit as an LSP change, applied to `text`.
pub(crate) fn apply(op: &Op, text: &mut String, enc: Enc) -> Value {
    let (start, end, new_text) = match *op {
        Op::Type(at, snippet) => {
            let at = place(text, at);
            (at, at, SNIPPETS[snippet].to_owned())
        }
        Op::Delete(at, n) => {
            let start = place(text, at);
            (start, clean_end(text, start, n), String::new())
        }
        Op::Paste(at, from, n) => {
            let from = place(text, from);
            let copied = text[from..clean_end(text, from, n)].to_owned();
            let at = place(text, at);
            (at, at, copied)
        }
        Op::DeleteBrace(nth) => {
            let braces: Vec<usize> = text.match_indices(['{', '}']).map(|(at, _)| at).collect();
            match braces.get(nth % braces.len().max(1)) {
                Some(&at) => (at, at + 1, String::new()),
                None => (0, 0, String::new()),
            }
        }
        Op::Reset => {
            *text = EDITED.to_owned();
            return json!({"text": EDITED});
        }
    };
    let change = json!({"range": range(text, start, end, enc), "text": new_text});
    text.replace_range(start..end, &new_text);
    change
}

/// The end of `n` characters from `start`, moved back out of a CRLF.
fn clean_end(text: &str, start: usize, n: usize) -> usize {
    let end = text[start..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(at, _)| start + at);
    if end > start && text.as_bytes()[end - 1] == b'\r' && text.as_bytes().get(end) == Some(&b'\n')
    {
        end - 1
    } else {
        end
    }
}

/// A diagnostic reduced to what both front ends report: file, byte range, severity, code,
/// message.
pub(crate) type Flat = (String, usize, usize, String, String, String);

/// `ward check --format json` on the workspace, with byte ranges.
pub(crate) fn check(root: &Path) -> BTreeSet<Flat> {
    check_paths(&[root])
}

/// `ward check --format json` of several folders as one workspace, with byte ranges, each
/// file named by its path inside the folder that holds it.
pub(crate) fn check_paths(folders: &[&Path]) -> BTreeSet<Flat> {
    let output = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(["check", "--format", "json"])
        .args(folders)
        .output()
        .expect("run ward check");
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let shown = Path::new(d["file"].as_str().unwrap());
            // One folder: paths are shown inside it; several: as they are.
            let path = if shown.is_absolute() {
                shown.to_path_buf()
            } else {
                folders[0].join(shown)
            };
            let folder = folders
                .iter()
                .find(|folder| path.starts_with(folder))
                .expect("a file of one of the folders");
            let file = path
                .strip_prefix(folder)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let at = |p: &Value| {
                scalar_offset(
                    &text,
                    p["line"].as_u64().unwrap() as usize,
                    p["column"].as_u64().unwrap() as usize,
                )
            };
            (
                file,
                at(&d["range"]["start"]),
                at(&d["range"]["end"]),
                d["severity"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The byte offset of a 1-based line and a 1-based column in Unicode scalar values. An
/// offset between the `\r` and `\n` of a line break, which LSP cannot express, is taken
/// to the end of the line, as the server does.
fn scalar_offset(text: &str, line: usize, column: usize) -> usize {
    let position = json!({"line": line - 1, "character": 0});
    let start = crate::harness::offset(text, &position, Enc::Utf8);
    let at = text[start..]
        .char_indices()
        .nth(column - 1)
        .map_or(text.len(), |(at, _)| start + at);
    let bytes = text.as_bytes();
    if at > 0 && bytes[at - 1] == b'\r' && bytes.get(at) == Some(&b'\n') {
        at - 1
    } else {
        at
    }
}

/// What the server last published, flattened like [`check`].
pub(crate) fn published(
    client: &Client,
    root: &Path,
    texts: &dyn Fn(&str) -> String,
) -> BTreeSet<Flat> {
    flatten(&client.diagnostics, root, texts, client.editor.encoding())
}

/// Published diagnostics (by URI) of the files under `root`, flattened like [`check`].
pub(crate) fn flatten(
    diagnostics: &std::collections::HashMap<String, Value>,
    root: &Path,
    texts: &dyn Fn(&str) -> String,
    encoding: Enc,
) -> BTreeSet<Flat> {
    let mut out = BTreeSet::new();
    let prefix = format!("{}/", uri(root));
    for (file_uri, params) in diagnostics {
        let Some(name) = file_uri.strip_prefix(&prefix) else {
            continue;
        };
        let name = name.to_owned();
        let diagnostics = params["diagnostics"].as_array().unwrap();
        if diagnostics.is_empty() {
            // Cleared, maybe for a file deleted since: there is no text to read.
            continue;
        }
        let text = texts(&name);
        for d in diagnostics {
            let (start, end) = byte_range(&text, &d["range"], encoding);
            let severity = match d["severity"].as_i64().unwrap() {
                1 => "error",
                2 => "warning",
                _ => "info",
            };
            out.insert((
                name.clone(),
                start,
                end,
                severity.to_owned(),
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            ));
        }
    }
    out
}

fn run_case(editor: Editor, batches: &[Vec<Op>]) -> Result<(), TestCaseError> {
    let mut files = EXAMPLE.to_vec();
    files.push(("edited.ward", EDITED));
    let workspace = Workspace::new(&files);
    let root = workspace.root();
    let mut client = Client::start(editor, &root);
    let path = workspace.path("edited.ward");
    let mut text = EDITED.to_owned();
    client.did_open(&path, &text);
    let mut version = 1;
    for batch in batches {
        version += 1;
        let changes: Vec<Value> = batch
            .iter()
            .map(|op| apply(op, &mut text, editor.encoding()))
            .collect();
        client.did_change(&path, version, Value::Array(changes));
    }
    client.wait_version(&path, version);
    // The other files' diagnostics come after the edited file's, once the start-up scan is
    // applied; on a loaded machine that can be later than any fixed pause.
    let all_files = files.len();
    client.wait_until("the diagnostics of every file", |client| {
        client.diagnostics.len() >= all_files
    });
    client.settle(Duration::from_millis(150));
    workspace.write("edited.ward", &text);
    let texts = |name: &str| workspace.read(name);
    let server = published(&client, &root, &texts);
    let fresh = check(&root);
    prop_assert_eq!(
        &server,
        &fresh,
        "\nfinal text: {:?}\nonly the server: {:#?}\nonly ward check: {:#?}",
        text,
        server.difference(&fresh).collect::<Vec<_>>(),
        fresh.difference(&server).collect::<Vec<_>>()
    );
    Ok(())
}

#[test]
fn random_incremental_edits_end_with_a_fresh_analysis() {
    // `WARD_LSP_PROPTEST_CASES=500` for a longer hunt.
    let cases = std::env::var("WARD_LSP_PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(24);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (
        prop_oneof![Just(Editor::VsCode), Just(Editor::Helix)],
        prop::collection::vec(prop::collection::vec(op(), 1..4), 1..40),
    );
    runner
        .run(&strategy, |(editor, batches)| run_case(editor, &batches))
        .unwrap();
}
