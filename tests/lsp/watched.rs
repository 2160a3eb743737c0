//! Files changed on disk: watcher registration, created, changed, deleted and renamed
//! `.ward` files and folders, evidence files, and open documents that win over disk.

use std::time::Duration;

use crate::diagnostics::replace;
use crate::harness::{
    Client, EXAMPLE, Editor, Workspace, example_names, example_text, uri, wait_indexed,
};

const CREATED: u8 = 1;
const CHANGED: u8 = 2;
const DELETED: u8 = 3;

#[test]
fn watchers_are_registered_when_the_client_allows_it() {
    let workspace = Workspace::new(EXAMPLE);
    for editor in [Editor::VsCode, Editor::Helix, Editor::Neovim] {
        let mut client = Client::start(editor, &workspace.root());
        wait_indexed(&mut client, &workspace, &example_names());
        client.settle(Duration::from_millis(100));
        let registration = client
            .received
            .iter()
            .find(|m| m["method"] == "client/registerCapability")
            .map(|m| m["params"]["registrations"][0].clone());
        match editor {
            Editor::VsCode | Editor::Helix => {
                let registration = registration.expect("a registration");
                assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
                let globs: Vec<&str> = registration["registerOptions"]["watchers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w["globPattern"].as_str().unwrap())
                    .collect();
                assert!(globs.contains(&"**/*.ward"), "{globs:?}");
            }
            // Neovim 0.7.2 has no dynamic registration of file watchers.
            Editor::Neovim => assert!(registration.is_none(), "{registration:?}"),
        }
        // Progress: created, begun and ended for clients that show it (all three do).
        client.wait_until("the end of indexing progress", |client| {
            client
                .received
                .iter()
                .any(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        });
        let progress: Vec<&str> = client
            .received
            .iter()
            .filter(|m| m["method"] == "$/progress")
            .map(|m| m["params"]["value"]["kind"].as_str().unwrap())
            .collect();
        assert_eq!(progress, ["begin", "report", "end"]);
        // Indexing ends once every file's diagnostics are out.
        let end = client
            .received
            .iter()
            .position(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
            .unwrap();
        let published = client.received[..end]
            .iter()
            .filter(|m| m["method"] == "textDocument/publishDiagnostics")
            .count();
        assert_eq!(published, example_names().len(), "{editor:?}");
        assert!(
            client
                .received
                .iter()
                .any(|m| m["method"] == "window/workDoneProgress/create")
        );
    }
}

#[test]
fn files_created_changed_renamed_and_deleted_on_disk() {
    let files: Vec<(&str, &str)> = EXAMPLE
        .iter()
        .copied()
        .filter(|(name, _)| *name != "assets.ward")
        .collect();
    let workspace = Workspace::new(&files);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let threats = workspace.path("threats.ward");
    client.wait_codes(&threats, &["unresolved-reference"]);

    // Created.
    let assets = workspace.path("assets.ward");
    workspace.write("assets.ward", example_text("assets.ward"));
    client.watched(&[(&assets, CREATED)]);
    client.wait_codes(&threats, &[]);
    client.wait_codes(&assets, &[]);

    // Changed.
    workspace.write(
        "assets.ward",
        &example_text("assets.ward").replace("PUMP-CMD", "PUMP-CMX"),
    );
    client.watched(&[(&assets, CHANGED)]);
    client.wait_codes(&threats, &["unresolved-reference"]);
    client.wait_codes(&assets, &["untargeted-asset"]);

    // Renamed (a delete and a create), into a new folder.
    workspace.write("assets.ward", example_text("assets.ward"));
    client.watched(&[(&assets, CHANGED)]);
    client.wait_codes(&threats, &[]);
    let moved = workspace.path("moved/assets.ward");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&assets, &moved).unwrap();
    client.watched(&[(&assets, DELETED), (&moved, CREATED)]);
    client.wait_codes(&moved, &[]);
    // The old file's diagnostics are cleared; the references still resolve.
    client.wait_until("the old file cleared", |client| {
        client.diagnostics[&uri(&assets)]["diagnostics"] == serde_json::json!([])
    });
    client.settle(Duration::from_millis(100));
    assert_eq!(client.codes_of(&threats), Vec::<String>::new());

    // Deleted.
    std::fs::remove_file(&moved).unwrap();
    client.watched(&[(&moved, DELETED)]);
    client.wait_codes(&threats, &["unresolved-reference"]);

    // A folder deleted at once.
    let risks = workspace.path("risks");
    std::fs::remove_dir_all(&risks).unwrap();
    client.watched(&[(&risks, DELETED)]);
    let controls = workspace.path("controls.ward");
    client.wait_diagnostics(&controls, "unresolved risks", |list| {
        list.iter()
            .filter(|d| d["code"] == "unresolved-reference")
            .count()
            == 2
    });

    // A folder created with files in it.
    workspace.write("again/risks.ward", example_text("risks/ble.ward"));
    client.watched(&[(&workspace.path("again"), CREATED)]);
    client.wait_diagnostics(&controls, "resolved risks", |list| {
        list.iter().all(|d| d["code"] != "unresolved-reference")
    });
}

#[test]
fn evidence_files_are_watched() {
    let mut files = EXAMPLE.to_vec();
    let plan = "plan \"P\" {\n  phase: release\n  gate release { requires: evidence-present }\n}\n";
    files.push(("plan.ward", plan));
    let workspace = Workspace::new(&files);
    let mut client = Client::start(Editor::Helix, &workspace.root());
    let verifications = workspace.path("verifications.ward");
    client.wait_codes(&verifications, &["missing-evidence"]);
    workspace.write("evidence/ble-pentest-2026-10.pdf", "%PDF");
    client.watched(&[(&workspace.path("evidence/ble-pentest-2026-10.pdf"), CREATED)]);
    client.wait_codes(&verifications, &[]);
    std::fs::remove_file(workspace.path("evidence/ble-pentest-2026-10.pdf")).unwrap();
    client.watched(&[(&workspace.path("evidence/ble-pentest-2026-10.pdf"), DELETED)]);
    client.wait_codes(&verifications, &["missing-evidence"]);
}

#[test]
fn open_documents_win_over_disk() {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(Editor::Neovim, &workspace.root());
    let threats = workspace.path("threats.ward");
    let mut text = example_text("threats.ward").to_owned();
    client.did_open(&threats, &text);
    replace(&mut client, &threats, &mut text, 2, "PUMP-CMD", "NOPE");
    client.wait_codes(&threats, &["unresolved-reference"]);
    // The file changes on disk (say, a git checkout): the open document still counts.
    workspace.write(
        "threats.ward",
        &example_text("threats.ward").replace("stride: spoofing, tampering\n", ""),
    );
    client.watched(&[(&threats, CHANGED)]);
    client.settle(Duration::from_millis(150));
    assert_eq!(client.codes_of(&threats), ["unresolved-reference"]);
    // Closed, the disk's text counts.
    client.did_close(&threats);
    client.wait_codes(&threats, &[]);
}

/// Workspace folders added and removed after start-up: the files of an added folder join
/// the workspace (resolving references into them), those of a removed folder leave it.
#[test]
fn workspace_folders_added_and_removed() {
    let first = Workspace::new(&[("threats.ward", "threat T1 \"Spoof\" { targets: A1 }\n")]);
    // A2's kind is wrong, so the second folder's file has a diagnostic of its own.
    let second = Workspace::new(&[(
        "assets.ward",
        "asset A1 \"Pump\" { kind: function }\nasset A2 \"Logs\" { kind: nonsense }\n",
    )]);
    let threats = first.path("threats.ward");
    let assets = second.path("assets.ward");
    let mut client = Client::start(Editor::VsCode, &first.root());
    assert_eq!(
        client.init_result["capabilities"]["workspace"]["workspaceFolders"]["changeNotifications"],
        true
    );
    let unresolved = |codes: &[serde_json::Value]| {
        codes
            .iter()
            .any(|d| d["code"].as_str() == Some("unresolved-reference"))
    };
    client.wait_diagnostics(&threats, "A1 unresolved", |list| unresolved(list));

    let folder = |workspace: &Workspace| serde_json::json!([{ "uri": uri(&workspace.root()), "name": "second" }]);
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        serde_json::json!({ "event": { "added": folder(&second), "removed": [] } }),
    );
    client.wait_diagnostics(&threats, "A1 resolved", |list| !unresolved(list));
    client.wait_codes(&assets, &["invalid-value", "untargeted-asset"]);

    client.notify(
        "workspace/didChangeWorkspaceFolders",
        serde_json::json!({ "event": { "added": [], "removed": folder(&second) } }),
    );
    client.wait_diagnostics(&threats, "A1 unresolved again", |list| unresolved(list));
    client.wait_diagnostics(&assets, "the removed folder's file cleared", |list| {
        list.is_empty()
    });
}
