//! Pull diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`): offered to the
//! clients that announce them (VS Code, Helix), push to the others (Neovim 0.7.2), never
//! both to one client; result IDs that say "unchanged"; a refresh when findings change.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{
    Client, EXAMPLE, Editor, Workspace, example_names, example_text, range, uri, wait_indexed,
};

fn pull_document(client: &mut Client, path: &std::path::Path, previous: Option<&str>) -> Value {
    client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri(path)}, "previousResultId": previous}),
        )
        .expect("textDocument/diagnostic answers")
}

fn codes(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> = report["items"]
        .as_array()
        .expect("a full report")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

fn publications(client: &Client) -> usize {
    client
        .received
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .count()
}

#[test]
fn pull_is_offered_to_the_clients_that_announce_it_and_push_to_the_others() {
    let workspace = Workspace::new(EXAMPLE);
    for (editor, pulls) in [
        (Editor::VsCode, true),
        (Editor::Helix, true),
        (Editor::Neovim, false),
    ] {
        let mut client = Client::start(editor, &workspace.root());
        let provider = &client.init_result["capabilities"]["diagnosticProvider"];
        assert_eq!(provider.is_object(), pulls, "{editor:?}: {provider}");
        if pulls {
            assert_eq!(provider["identifier"], "ward");
            assert_eq!(provider["interFileDependencies"], true);
            assert_eq!(provider["workspaceDiagnostics"], true);
        }
        wait_indexed(&mut client, &workspace, &example_names());
        client.settle(Duration::from_millis(200));
        // Never both: a client that pulls is pushed nothing.
        let pushed = publications(&client);
        if pulls {
            assert_eq!(pushed, 0, "{editor:?}");
        } else {
            assert!(pushed >= example_names().len(), "{editor:?}: {pushed}");
        }
        client.shutdown_and_exit();
    }
    // The user's setting turns pull off: then the diagnostics are pushed.
    let mut client = Client::start_pushed(Editor::VsCode, &workspace.root());
    assert!(client.init_result["capabilities"]["diagnosticProvider"].is_null());
    wait_indexed(&mut client, &workspace, &example_names());
    assert!(publications(&client) >= example_names().len());
}

#[test]
fn a_pull_before_the_workspace_is_read_waits_for_it() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    // At once, as VS Code pulls a document it opens: the findings need the other files.
    let verifications = workspace.path("verifications.ward");
    client.did_open(&verifications, example_text("verifications.ward"));
    let report = pull_document(&mut client, &verifications, None);
    assert_eq!(report["kind"], "full");
    let mut checked = Client::start(Editor::Neovim, &workspace.root());
    wait_indexed(&mut checked, &workspace, &example_names());
    let mut pushed: Vec<String> = checked
        .diagnostics_of(&verifications)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    pushed.sort();
    assert_eq!(codes(&report), pushed);
}

#[test]
fn result_ids_say_unchanged_until_the_findings_change() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::Helix, &workspace.root());
    let assets = workspace.path("assets.ward");
    let mut text = example_text("assets.ward").to_owned();
    client.did_open(&assets, &text);
    let first = pull_document(&mut client, &assets, None);
    let id = first["resultId"].as_str().expect("a result ID").to_owned();
    // Typing in a title changes no finding.
    let at = text.find("Insulin").unwrap();
    let enc = client.editor.encoding();
    client.did_change(
        &assets,
        2,
        json!([{"range": range(&text, at, at, enc), "text": "x"}]),
    );
    text.insert(at, 'x');
    let again = pull_document(&mut client, &assets, Some(&id));
    assert_eq!(again["kind"], "unchanged", "{again}");
    assert_eq!(again["resultId"], id);
    // Deleting an asset's ID's last character breaks the threats' links: this document's
    // own findings stay, the threats' (another file) change; the workspace pull says so.
    let workspace_pull = |client: &mut Client, previous: Value| {
        client
            .request(
                "workspace/diagnostic",
                json!({"previousResultIds": previous}),
            )
            .expect("workspace/diagnostic answers")
    };
    let before = workspace_pull(&mut client, json!([]));
    let threats_uri = uri(&workspace.path("threats.ward"));
    let previous: Vec<Value> = before["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| json!({"uri": item["uri"], "value": item["resultId"]}))
        .collect();
    let unchanged = workspace_pull(&mut client, json!(previous));
    assert!(
        unchanged["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["kind"] == "unchanged"),
        "{unchanged}"
    );
    let id_at = text.find("PUMP-CMD").unwrap() + "PUMP-CM".len();
    client.did_change(
        &assets,
        3,
        json!([{"range": range(&text, id_at, id_at + 1, enc), "text": "X"}]),
    );
    let changed = workspace_pull(&mut client, json!(previous));
    let threats = changed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["uri"] == threats_uri)
        .expect("the threats' report");
    assert_eq!(threats["kind"], "full", "{threats}");
    assert!(
        codes(threats).contains(&"unresolved-reference".to_owned()),
        "{threats}"
    );
}

#[test]
fn an_edit_refreshes_vs_code_and_brings_helix_the_other_open_documents() {
    let workspace = Workspace::new(EXAMPLE);
    for editor in [Editor::VsCode, Editor::Helix] {
        let mut client = Client::start(editor, &workspace.root());
        let controls = workspace.path("controls.ward");
        let verifications = workspace.path("verifications.ward");
        let mut text = example_text("controls.ward").to_owned();
        client.did_open(&controls, &text);
        client.did_open(&verifications, example_text("verifications.ward"));
        wait_indexed(&mut client, &workspace, &example_names());
        client.settle(Duration::from_millis(200));
        let before = client.received.len();
        let at = text.find("control C-BLE-PAIR").unwrap() + "control C-BLE-PAI".len();
        let enc = client.editor.encoding();
        client.did_change(
            &controls,
            2,
            json!([{"range": range(&text, at, at + 1, enc), "text": "X"}]),
        );
        text.replace_range(at..at + 1, "X");
        let report = pull_document(&mut client, &controls, None);
        match editor {
            // VS Code is asked to pull again: it takes the refresh request.
            Editor::VsCode => client.wait_until("a refresh", |client| {
                client.received[before..]
                    .iter()
                    .any(|m| m["method"] == "workspace/diagnostic/refresh")
            }),
            // Helix takes no refresh: the other open document comes with this one's report.
            _ => {
                let related = &report["relatedDocuments"][uri(&verifications)];
                assert_eq!(related["kind"], "full", "{report}");
                assert!(
                    codes(related).contains(&"unresolved-reference".to_owned()),
                    "{related}"
                );
                assert!(
                    !client.received[before..]
                        .iter()
                        .any(|m| m["method"] == "workspace/diagnostic/refresh")
                );
            }
        }
        client.wait_codes(&verifications, &["unresolved-reference"]);
        assert_eq!(publications(&client), 0);
        client.shutdown_and_exit();
    }
}
