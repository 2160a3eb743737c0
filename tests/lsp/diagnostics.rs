//! Push diagnostics: every file of the workspace, fields per client, cross-file updates,
//! plan changes, publication order, open and closed documents.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{
    Client, EDITORS, EXAMPLE, Editor, Workspace, byte_range, example_names, example_text, range,
    uri, wait_indexed,
};

/// Replaces the first `from` in an open document with `to` through an incremental change.
pub fn replace(
    client: &mut Client,
    path: &std::path::Path,
    text: &mut String,
    version: i64,
    from: &str,
    to: &str,
) {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} in {text:?}"));
    let end = start + from.len();
    let enc = client.editor.encoding();
    client.did_change(
        path,
        version,
        json!([{"range": range(text, start, end, enc), "text": to}]),
    );
    text.replace_range(start..end, to);
}

#[test]
fn every_file_is_published_once_indexed() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let controls = workspace.path("controls.ward");
    client.did_open(&controls, example_text("controls.ward"));
    wait_indexed(&mut client, &workspace, &example_names());
    client.wait_version(&controls, 1);
    assert_eq!(client.codes_of(&controls), ["unverified-control"]);
    for name in example_names() {
        if name != "controls.ward" {
            assert_eq!(
                client.codes_of(&workspace.path(name)),
                Vec::<String>::new(),
                "{name}"
            );
            // Files that are not open carry no version.
            let params = &client.diagnostics[&uri(&workspace.path(name))];
            assert!(params.get("version").is_none_or(Value::is_null), "{params}");
        }
    }
}

#[test]
fn diagnostic_fields_follow_the_client() {
    let mut files = EXAMPLE.to_vec();
    let duplicate = "// The same ID again.\nasset PUMP-CMD \"Again\" {\n  kind: data\n}\n";
    files.push(("zz.ward", duplicate));
    let workspace = Workspace::new(&files);
    let assets = example_text("assets.ward");
    for editor in EDITORS {
        let mut client = Client::start(editor, &workspace.root());
        let zz = workspace.path("zz.ward");
        client.wait_diagnostics(&zz, "the duplicate", |list| {
            list.iter().any(|d| d["code"] == "duplicate-id")
        });
        let list = client.diagnostics_of(&zz);
        let diagnostic = list.iter().find(|d| d["code"] == "duplicate-id").unwrap();
        let enc = editor.encoding();
        let id = duplicate.find("PUMP-CMD").unwrap();
        assert_eq!(diagnostic["range"], range(duplicate, id, id + 8, enc));
        assert_eq!(diagnostic["severity"], 1);
        assert_eq!(diagnostic["source"], "ward");
        let href = &diagnostic["codeDescription"]["href"];
        let related = &diagnostic["relatedInformation"];
        // A link only for a client that takes one, and only where the package says where
        // its documentation lives: never a placeholder.
        match (editor, env!("CARGO_PKG_REPOSITORY")) {
            (Editor::VsCode, repository) if !repository.is_empty() => assert_eq!(
                href.as_str(),
                Some(format!("{repository}/blob/main/docs/diagnostics.md#duplicate-id").as_str())
            ),
            _ => assert!(href.is_null(), "{diagnostic}"),
        }
        match editor {
            Editor::VsCode | Editor::Neovim => {
                let first = &related[0]["location"];
                assert_eq!(first["uri"], uri(&workspace.path("assets.ward")));
                let at = assets.find("PUMP-CMD").unwrap();
                assert_eq!(byte_range(assets, &first["range"], enc), (at, at + 8));
                assert!(related[0]["message"].as_str().unwrap().contains("PUMP-CMD"));
            }
            Editor::Helix => assert!(related.is_null(), "{diagnostic}"),
        }
    }
}

#[test]
fn breaking_an_id_flags_references_in_other_files_until_fixed() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::Helix, &workspace.root());
    let assets = workspace.path("assets.ward");
    let threats = workspace.path("threats.ward");
    let mut text = example_text("assets.ward").to_owned();
    client.did_open(&assets, &text);
    wait_indexed(&mut client, &workspace, &example_names());
    replace(&mut client, &assets, &mut text, 2, "PUMP-CMD", "PUMP-CMX");
    client.wait_codes(&threats, &["unresolved-reference"]);
    let message = client.diagnostics_of(&threats)[0]["message"].clone();
    assert!(message.as_str().unwrap().contains("PUMP-CMD"), "{message}");
    client.wait_version(&assets, 2);
    assert_eq!(client.codes_of(&assets), ["untargeted-asset"]);
    replace(&mut client, &assets, &mut text, 3, "PUMP-CMX", "PUMP-CMD");
    client.wait_codes(&threats, &[]);
    client.wait_version(&assets, 3);
    assert_eq!(client.codes_of(&assets), Vec::<String>::new());
}

#[test]
fn a_plan_change_regrades_findings_in_other_files() {
    let mut files = EXAMPLE.to_vec();
    let plan = "plan \"Security plan\" {\n  phase: release\n  gate verification { requires: controls-verified }\n}\n";
    files.push(("plan.ward", plan));
    let workspace = Workspace::new(&files);
    let mut client = Client::start(Editor::Neovim, &workspace.root());
    let controls = workspace.path("controls.ward");
    let plan_path = workspace.path("plan.ward");
    let severity = |client: &Client| {
        let list = client.diagnostics_of(&controls);
        list.iter()
            .find(|d| d["code"] == "unverified-control")
            .map(|d| {
                (
                    d["severity"].as_i64().unwrap(),
                    d["message"].as_str().unwrap().to_owned(),
                )
            })
    };
    // The verification gate has been passed: a gap is an error naming the gate.
    client.wait_until("an error", |client| {
        severity(client).is_some_and(|s| s.0 == 1)
    });
    assert!(
        severity(&client).unwrap().1.contains("verification"),
        "{:?}",
        severity(&client)
    );
    let mut text = plan.to_owned();
    client.did_open(&plan_path, &text);
    replace(
        &mut client,
        &plan_path,
        &mut text,
        2,
        "release",
        "verification",
    );
    // Now it is the next review: a warning.
    client.wait_until("a warning", |client| {
        severity(client).is_some_and(|s| s.0 == 2)
    });
    replace(
        &mut client,
        &plan_path,
        &mut text,
        3,
        "phase: verification",
        "phase: bogus",
    );
    client.wait_diagnostics(&plan_path, "unknown phase", |list| {
        list.iter().any(|d| d["code"] == "unknown-phase")
    });
    replace(
        &mut client,
        &plan_path,
        &mut text,
        4,
        "phase: bogus",
        "phase: release",
    );
    client.wait_until("an error again", |client| {
        severity(client).is_some_and(|s| s.0 == 1)
    });
}

#[test]
fn the_changed_file_is_published_first() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start_pushed(Editor::VsCode, &workspace.root());
    let controls = workspace.path("controls.ward");
    let verifications = workspace.path("verifications.ward");
    let mut text = example_text("controls.ward").to_owned();
    client.did_open(&controls, &text);
    wait_indexed(&mut client, &workspace, &example_names());
    client.settle(Duration::from_millis(100));
    let before = client.received.len();
    replace(
        &mut client,
        &controls,
        &mut text,
        2,
        "control C-BLE-PAIR",
        "control C-BLE-PAIX",
    );
    client.wait_codes(&verifications, &["unresolved-reference"]);
    let published: Vec<String> = client.received[before..]
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| m["params"]["uri"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(published[0], uri(&controls), "{published:?}");
    assert!(published.contains(&uri(&verifications)));
}

#[test]
fn unchanged_files_are_not_published_again() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start_pushed(Editor::Helix, &workspace.root());
    let assets = workspace.path("assets.ward");
    let mut text = example_text("assets.ward").to_owned();
    client.did_open(&assets, &text);
    wait_indexed(&mut client, &workspace, &example_names());
    client.settle(Duration::from_millis(100));
    let before = client.received.len();
    for version in 2..12 {
        replace(
            &mut client,
            &assets,
            &mut text,
            version,
            "Insulin",
            "Insulin!",
        );
    }
    client.wait_version(&assets, 11);
    client.settle(Duration::from_millis(200));
    let others: Vec<&Value> = client.received[before..]
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .filter(|m| m["params"]["uri"] != uri(&assets))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

#[test]
fn closing_a_document_falls_back_to_disk() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::Neovim, &workspace.root());
    let threats = workspace.path("threats.ward");
    let mut text = example_text("threats.ward").to_owned();
    client.did_open(&threats, &text);
    replace(
        &mut client,
        &threats,
        &mut text,
        2,
        "targets: PUMP-CMD",
        "targets: NOPE",
    );
    client.wait_codes(&threats, &["unresolved-reference"]);
    client.did_close(&threats);
    client.wait_codes(&threats, &[]);
    let params = &client.diagnostics[&uri(&threats)];
    assert!(params.get("version").is_none_or(Value::is_null), "{params}");
}

#[test]
fn a_document_not_on_disk_is_cleared_on_close() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    wait_indexed(&mut client, &workspace, &example_names());
    let scratch = workspace.path("scratch.ward");
    client.did_open(&scratch, "threat T-NEW {\n  targets: NOPE\n}\n");
    client.wait_diagnostics(&scratch, "the new file's findings", |list| {
        list.iter().any(|d| d["code"] == "unresolved-reference")
    });
    // Its items take part in the workspace while open.
    let result = client.request("workspace/symbol", json!({"query": "T-NEW"}));
    assert!(result.is_ok(), "{result:?}");
    client.did_close(&scratch);
    client.wait_codes(&scratch, &[]);
}
