//! `ward.toml` workspaces in one workspace folder: each is served on its own (definition,
//! references, rename and diagnostics stay inside it, as `ward check` of each would see
//! it), loose files beside them form one more, and a `ward.toml` created or deleted while
//! the server runs moves the files into their new workspaces.

use std::path::Path;

use serde_json::{Value, json};

use crate::harness::{Client, Editor, Workspace, uri};

const CREATED: u8 = 1;
const DELETED: u8 = 3;

/// Two workspaces that reuse every ID, and loose files that reuse them again.
fn folder() -> Workspace {
    let asset = "asset A-1 \"Pump\" { kind: data }\n";
    let threat = "threat T-1 \"Spoofing\" { targets: A-1 }\n";
    Workspace::new(&[
        ("pump/ward.toml", ""),
        ("pump/assets.ward", asset),
        ("pump/threats.ward", threat),
        ("cloud/ward.toml", ""),
        ("cloud/assets.ward", asset),
        ("cloud/threats.ward", threat),
        ("loose/assets.ward", asset),
    ])
}

/// The URIs of the locations of a definition or references answer.
fn uris(result: &Value) -> Vec<String> {
    let mut uris: Vec<String> = result
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l.get("targetUri")
                .or_else(|| l.get("uri"))
                .and_then(Value::as_str)
                .unwrap()
                .to_owned()
        })
        .collect();
    uris.sort();
    uris
}

fn open(client: &mut Client, path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    client.did_open(path, &text);
    client.wait_version(path, 1);
    text
}

#[test]
fn each_ward_toml_workspace_is_served_on_its_own() {
    let workspace = folder();
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let pump_threats = workspace.path("pump/threats.ward");
    // Every `A-1` is its workspace's only one: no `duplicate-id` anywhere; each threat
    // targets its own workspace's asset, and the loose asset is targeted by none.
    client.wait_codes(&workspace.path("loose/assets.ward"), &["untargeted-asset"]);
    for name in ["pump/assets.ward", "cloud/assets.ward"] {
        client.wait_codes(&workspace.path(name), &[]);
    }
    for name in ["pump/threats.ward", "cloud/threats.ward"] {
        client.wait_codes(&workspace.path(name), &["unassessed-threat"]);
    }

    let text = open(&mut client, &pump_threats);
    let at = text.find("A-1").unwrap() + 1;
    let result = client
        .request(
            "textDocument/definition",
            client.at(&pump_threats, &text, at),
        )
        .unwrap();
    assert_eq!(uris(&result), [uri(&workspace.path("pump/assets.ward"))]);

    let mut params = client.at(&pump_threats, &text, at);
    params["context"] = json!({"includeDeclaration": true});
    let result = client.request("textDocument/references", params).unwrap();
    assert_eq!(
        uris(&result),
        [
            uri(&workspace.path("pump/assets.ward")),
            uri(&workspace.path("pump/threats.ward")),
        ]
    );

    let mut params = client.at(&pump_threats, &text, at);
    params["newName"] = json!("A-PUMP");
    let edit = client.request("textDocument/rename", params).unwrap();
    let mut changed: Vec<String> = match edit.get("documentChanges") {
        Some(changes) => changes
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["textDocument"]["uri"].as_str().unwrap().to_owned())
            .collect(),
        None => edit["changes"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect(),
    };
    changed.sort();
    assert_eq!(
        changed,
        [
            uri(&workspace.path("pump/assets.ward")),
            uri(&workspace.path("pump/threats.ward")),
        ]
    );

    // Workspace symbols come from every workspace.
    let result = client
        .request("workspace/symbol", json!({"query": "A-1"}))
        .unwrap();
    assert_eq!(result.as_array().unwrap().len(), 3, "{result}");
}

#[test]
fn a_ward_toml_created_or_deleted_repartitions_the_workspaces() {
    let workspace = folder();
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let loose = workspace.path("loose/assets.ward");
    client.wait_codes(&loose, &["untargeted-asset"]);

    // Without its `ward.toml`, `cloud` joins the loose files: its IDs now clash with theirs.
    let cloud_manifest = workspace.path("cloud/ward.toml");
    std::fs::remove_file(&cloud_manifest).unwrap();
    client.watched(&[(&cloud_manifest, DELETED)]);
    client.wait_codes(
        &workspace.path("cloud/threats.ward"),
        &["unassessed-threat"],
    );
    client.wait_codes(&loose, &["duplicate-id"]);

    // A `ward.toml` for the loose folder makes it a workspace of its own again.
    workspace.write("loose/ward.toml", "");
    let loose_manifest = workspace.path("loose/ward.toml");
    client.watched(&[(&loose_manifest, CREATED)]);
    client.wait_codes(&loose, &["untargeted-asset"]);
    client.wait_codes(&workspace.path("cloud/assets.ward"), &[]);

    // `exclude` takes effect when its `ward.toml` changes.
    workspace.write("pump/ward.toml", "exclude = [\"assets.ward\"]\n");
    let pump_manifest = workspace.path("pump/ward.toml");
    client.watched(&[(&pump_manifest, 2)]);
    client.wait_codes(
        &workspace.path("pump/threats.ward"),
        &["unassessed-threat", "unresolved-reference"],
    );
}

#[test]
fn the_repository_opened_as_a_folder_shows_the_example_and_nothing_of_the_fixtures() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let mut client = Client::start(Editor::VsCode, &repository);
    client.wait_until("the end of indexing", |client| {
        client
            .received
            .iter()
            .any(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
    });
    let example = format!("{}/", uri(&repository.join("examples/insulin-pump")));
    let mut findings = Vec::new();
    for (file, params) in &client.diagnostics {
        for diagnostic in params["diagnostics"].as_array().unwrap() {
            findings.push((
                file.clone(),
                diagnostic["code"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert!(
        findings.iter().all(|(file, _)| file.starts_with(&example)),
        "{findings:#?}"
    );
    // The example's four warnings and its one waived finding (a hint), as its README says.
    assert_eq!(findings.len(), 5, "{findings:#?}");
}
