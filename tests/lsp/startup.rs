//! Requests right after start-up: every request that reads other files is answered from the
//! whole workspace, never from the open document alone, however early it comes; one waiting
//! for the start-up scan can be cancelled, and an edit made meanwhile makes it
//! `ContentModified`; no diagnostic is published from a partial workspace.
//!
//! `WARD_LSP_TEST_SCAN_DELAY_MS` (with `WARD_LSP_TEST_HOOKS`) delays the server's start-up
//! scan, so that the requests certainly come before it ends.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Client, Editor, Start, Workspace, uri};

/// The example's risk file: its first risk is mitigated by three controls in
/// `controls/pump.ward` and names a threat of `threats/ble.ward`.
const OPEN: &str = "risks.ward";
const RISK: &str = "R-BOLUS-UNAUTH";
const THREAT: &str = "T-BLE-SPOOF";

/// The requests of an impatient client, each with a name, method and params.
fn requests(
    client: &Client,
    workspace: &Workspace,
    text: &str,
) -> Vec<(&'static str, &'static str, Value)> {
    let path = workspace.path(OPEN);
    let risk = text.find(RISK).unwrap() + 2;
    let threat = text.find(&format!("threat: {THREAT}")).unwrap() + "threat: ".len();
    let at = |offset| client.at(&path, text, offset);
    let with = |offset, key: &str, value: Value| {
        let mut params = at(offset);
        params[key] = value;
        params
    };
    vec![
        (
            "rename",
            "textDocument/rename",
            with(risk, "newName", json!("R-BOLUS-RENAMED")),
        ),
        // A name another file already defines: refused once the workspace is known.
        (
            "rename onto a name in use",
            "textDocument/rename",
            with(risk, "newName", json!(THREAT)),
        ),
        ("prepareRename", "textDocument/prepareRename", at(risk)),
        (
            "references",
            "textDocument/references",
            with(risk, "context", json!({"includeDeclaration": true})),
        ),
        ("hover", "textDocument/hover", at(threat + 3)),
        ("definition", "textDocument/definition", at(threat + 3)),
        (
            "documentHighlight",
            "textDocument/documentHighlight",
            at(risk),
        ),
        ("completion", "textDocument/completion", at(threat)),
        ("workspace/symbol", "workspace/symbol", json!({"query": ""})),
        (
            "workspace/symbol BLE",
            "workspace/symbol",
            json!({"query": "BLE"}),
        ),
    ]
}

fn start(workspace: &Workspace, delay_ms: &'static str) -> Client {
    let options = Start {
        env: vec![
            ("WARD_LSP_TEST_HOOKS", "1"),
            ("WARD_LSP_TEST_SCAN_DELAY_MS", delay_ms),
        ],
        ..Start::default()
    };
    Client::start_with(Editor::VsCode, &workspace.root(), options)
}

/// Opens the file and sends every request at once; the answers (result or error), by name.
fn ask_all(
    client: &mut Client,
    workspace: &Workspace,
) -> Vec<(&'static str, Result<Value, Value>)> {
    let text = workspace.read(OPEN);
    client.did_open(&workspace.path(OPEN), &text);
    let sent: Vec<(&'static str, i64)> = requests(client, workspace, &text)
        .into_iter()
        .map(|(name, method, params)| (name, client.send_request(method, params)))
        .collect();
    sent.into_iter()
        .map(|(name, id)| (name, client.response(id)))
        .collect()
}

/// Every file of the workspace named by a list of answers' URIs.
fn files_in(answer: &Value, workspace: &Workspace) -> Vec<String> {
    let text = answer.to_string();
    let mut files: Vec<String> = workspace
        .ward_files()
        .into_iter()
        .filter(|name| text.contains(&format!("\"{}\"", uri(&workspace.path(name)))))
        .collect();
    files.sort();
    files
}

/// The answers of a server that has read the whole workspace, checked to be complete.
fn complete_answers(workspace: &Workspace) -> Vec<(&'static str, Result<Value, Value>)> {
    let mut client = start(workspace, "0");
    let files = workspace.ward_files();
    let paths: Vec<_> = files.iter().map(|name| workspace.path(name)).collect();
    client.wait_until("diagnostics of every file", |client| {
        paths
            .iter()
            .all(|path| client.diagnostics.contains_key(&uri(path)))
    });
    let answers = ask_all(&mut client, workspace);
    let answer = |name: &str| answers.iter().find(|(n, _)| *n == name).unwrap().1.clone();

    let rename = answer("rename").expect("rename");
    let edits: Vec<&Value> = rename["documentChanges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|change| change["edits"].as_array().unwrap())
        .collect();
    assert_eq!(edits.len(), 4, "the definition and three links: {rename}");
    assert_eq!(files_in(&rename, workspace), ["controls/pump.ward", OPEN]);
    let refused = answer("rename onto a name in use").expect_err("refused");
    assert_eq!(refused["code"], -32803, "{refused}");
    let references = answer("references").expect("references");
    assert_eq!(references.as_array().unwrap().len(), 4, "{references}");
    let hover = answer("hover").expect("hover");
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("Rogue phone or replayed packets"), "{hover}");
    let definition = answer("definition").expect("definition");
    assert_eq!(files_in(&definition, workspace), ["threats/ble.ward"]);
    let completion = answer("completion").expect("completion");
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    for threat in [THREAT, "T-FW-TAMPER", "T-CLOUD-CRED-STUFF"] {
        assert!(labels.contains(&threat), "{threat} in {labels:?}");
    }
    let symbols = answer("workspace/symbol").expect("symbols");
    assert_eq!(
        symbols.as_array().unwrap().len(),
        101,
        "the 100 items and the plan"
    );
    assert!(files_in(&symbols, workspace).len() >= 10, "{symbols}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    answers
}

#[test]
fn requests_right_after_start_up_see_the_whole_workspace() {
    let workspace = Workspace::copy_of("examples/insulin-pump");
    let want = complete_answers(&workspace);
    for start_up in 0..20 {
        // Half the starts with the scan delayed (the requests certainly come first), half
        // as fast as the server goes.
        let delay = if start_up % 2 == 0 { "300" } else { "0" };
        let mut client = start(&workspace, delay);
        let got = ask_all(&mut client, &workspace);
        for ((name, got), (_, want)) in got.iter().zip(&want) {
            assert_eq!(
                got, want,
                "{name}, start-up {start_up} (scan delay {delay} ms)"
            );
        }
        // Diagnostics come from the whole workspace too: no link looks unresolved.
        client.wait_version(&workspace.path(OPEN), 1);
        for message in &client.received {
            if message["method"] == "textDocument/publishDiagnostics" {
                let text = message["params"]["diagnostics"].to_string();
                assert!(!text.contains("unresolved-reference"), "{message}");
            }
        }
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}

#[test]
fn no_diagnostics_before_the_start_up_scan_is_applied() {
    let workspace = Workspace::copy_of("examples/insulin-pump");
    let mut client = start(&workspace, "1000");
    let started = Instant::now();
    let path = workspace.path(OPEN);
    client.did_open(&path, &workspace.read(OPEN));
    // The open document alone would have unresolved links to the threats: nothing is
    // published for it until the other files are read.
    client.wait_version(&path, 1);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "published after {:?}, before the scan",
        started.elapsed()
    );
    let codes = client.codes_of(&path);
    assert!(
        !codes.iter().any(|code| code == "unresolved-reference"),
        "{codes:?}"
    );
    assert_eq!(codes, ["unacceptable-residual"]);
}

#[test]
fn a_request_waiting_for_the_scan_can_be_cancelled() {
    let workspace = Workspace::copy_of("examples/insulin-pump");
    let mut client = start(&workspace, "5000");
    let text = workspace.read(OPEN);
    let path = workspace.path(OPEN);
    client.did_open(&path, &text);
    let started = Instant::now();
    let params = client.at(&path, &text, text.find(THREAT).unwrap());
    let id = client.send_request("textDocument/hover", params);
    client.notify("$/cancelRequest", json!({"id": id}));
    let error = client.response(id).unwrap_err();
    assert_eq!(error["code"], -32800, "RequestCancelled: {error}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "answered at once"
    );
    // A request that reads only its document does not wait.
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri(&path)}}),
        )
        .unwrap();
    assert!(!symbols.as_array().unwrap().is_empty(), "{symbols}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "answered at once"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn an_edit_while_a_request_waits_makes_it_content_modified() {
    let workspace = Workspace::copy_of("examples/insulin-pump");
    let mut client = start(&workspace, "500");
    let text = workspace.read(OPEN);
    let path = workspace.path(OPEN);
    client.did_open(&path, &text);
    let params = client.at(&path, &text, text.find(THREAT).unwrap() + 3);
    let early = client.send_request("textDocument/hover", params);
    // An edit above the position: the early request's position no longer means the same.
    client.did_change(
        &path,
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "\n\n"}]),
    );
    let error = client.response(early).unwrap_err();
    assert_eq!(error["code"], -32801, "ContentModified: {error}");
    // Asked again on the new text, it is answered in full.
    let text = format!("\n\n{text}");
    let params = client.at(&path, &text, text.find(THREAT).unwrap() + 3);
    let hover = client.request("textDocument/hover", params).unwrap();
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("Rogue phone or replayed packets"), "{hover}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Files changed or deleted on disk while the start-up scan holds what it read: the events
/// are newer, and the scan's copies must not bring back the old text or the deleted file
/// (the chaos test found this).
#[test]
fn events_during_the_scan_win_over_what_it_read() {
    let workspace = Workspace::new(crate::harness::EXAMPLE);
    let options = Start {
        env: vec![
            ("WARD_LSP_TEST_HOOKS", "1"),
            ("WARD_LSP_TEST_SCAN_HOLD_MS", "600"),
        ],
        ..Start::default()
    };
    let mut client = Client::start_with(Editor::VsCode, &workspace.root(), options);
    // The scan has read the files by now and holds them.
    std::thread::sleep(Duration::from_millis(200));
    let assets = workspace.path("assets.ward");
    let changed = "asset PUMP-CMD \"Renamed on disk\" { kind: function }\nasset A-NEW \"New\" { kind: data }\n";
    workspace.write("assets.ward", changed);
    let controls = workspace.path("controls.ward");
    std::fs::remove_file(&controls).unwrap();
    client.watched(&[(&assets, 2), (&controls, 3)]);
    client.wait_diagnostics(&assets, "the new asset's finding", |list| {
        list.iter()
            .any(|d| d["message"].as_str().unwrap_or("").contains("A-NEW"))
    });
    client.settle(Duration::from_millis(300));
    // The deleted file's controls are gone: nothing of it was published again.
    let controls_uri = uri(&controls);
    let published = client
        .diagnostics
        .get(&controls_uri)
        .map(|p| p["diagnostics"].clone());
    assert!(
        published
            .as_ref()
            .is_none_or(|list| list.as_array().is_some_and(Vec::is_empty)),
        "{published:?}"
    );
    let symbols = client
        .request("workspace/symbol", json!({"query": "C-"}))
        .unwrap();
    assert_eq!(symbols.as_array().map_or(0, Vec::len), 0, "{symbols}");
}
