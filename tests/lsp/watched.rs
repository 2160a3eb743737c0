//! Files changed on disk: watcher registration, created, changed, deleted and renamed
//! `.ward` files and folders, evidence files, open documents that win over disk, and the
//! same files as `ward check` (no git-ignored or hidden file, no symbolic link).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
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
        let requests: Vec<&serde_json::Value> = client
            .received
            .iter()
            .filter(|m| m["method"] == "client/registerCapability")
            .collect();
        let registration = requests
            .first()
            .map(|m| m["params"]["registrations"][0].clone());
        match editor {
            Editor::VsCode | Editor::Helix => {
                assert_eq!(requests.len(), 1, "one registration: {requests:?}");
                let registration = registration.expect("a registration");
                assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
                // Every file created or deleted (folders of `.ward` files, evidence files),
                // and changes only where the text matters. Kinds: 1 create, 2 change, 4 delete.
                let watchers = &registration["registerOptions"]["watchers"];
                assert_eq!(
                    *watchers,
                    serde_json::json!([
                        {"globPattern": "**/*", "kind": 5},
                        {"globPattern": "**/{*.ward,.gitignore,.ignore,ward.toml}", "kind": 2},
                    ])
                );
                // No two watchers share a kind, so no event is sent twice.
                let kinds: Vec<u64> = watchers
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w["kind"].as_u64().unwrap())
                    .collect();
                assert_eq!(kinds.iter().fold(0, |all, kind| all | kind), 7);
                assert_eq!(kinds.iter().sum::<u64>(), 7, "{kinds:?}");
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
        // Pushed to Neovim; VS Code and Helix pull them, and nothing is pushed to them.
        let pushed = if client.pull {
            0
        } else {
            example_names().len()
        };
        assert_eq!(published, pushed, "{editor:?}");
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

/// The files `ward check` reads, as (name, sorted codes): every file with findings.
fn check_codes(root: &Path) -> (BTreeMap<String, Vec<String>>, u64) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ward"))
        .current_dir(root)
        .args(["check", "--format", "json"])
        .arg(root)
        .output()
        .expect("run ward check");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for diagnostic in json["diagnostics"].as_array().unwrap() {
        let file = diagnostic["file"].as_str().unwrap().to_owned();
        let code = diagnostic["code"].as_str().unwrap().to_owned();
        codes.entry(file).or_default().push(code);
    }
    codes.values_mut().for_each(|list| list.sort());
    (codes, json["summary"]["files"].as_u64().unwrap())
}

/// The server's view after it went quiet: every URI it published diagnostics for, and the
/// sorted codes of those with findings, by name relative to the root.
fn published_codes(
    client: &Client,
    root: &Path,
) -> (BTreeSet<String>, BTreeMap<String, Vec<String>>) {
    let prefix = format!("{}/", uri(root));
    let mut published = BTreeSet::new();
    let mut codes = BTreeMap::new();
    for (file_uri, params) in &client.diagnostics {
        let name = file_uri
            .strip_prefix(&prefix)
            .unwrap_or(file_uri)
            .to_owned();
        let mut list: Vec<String> = params["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect();
        list.sort();
        if !list.is_empty() {
            codes.insert(name.clone(), list);
        }
        published.insert(name);
    }
    (published, codes)
}

/// One membership rule for `ward check`, the server's start-up scan and its watched-file
/// events: git-ignored and hidden `.ward` files and symbolic links (to `/etc/passwd`, to a
/// `.ward` file or folder outside) are not workspace files, however the server hears of
/// them. Each of them defines `A` again, so indexing one shows as a `duplicate-id`.
#[test]
fn the_server_indexes_the_files_ward_check_reads() {
    let shadow = "asset A \"Shadow\" { kind: function }\n";
    let workspace = Workspace::new(&[
        (".gitignore", "ignored/\n*.gen.ward\n"),
        ("assets.ward", "asset A \"Pump\" { kind: function }\n"),
        ("ignored/old.ward", shadow),
        ("old.gen.ward", shadow),
        (".hidden/old.ward", shadow),
    ]);
    let outside = Workspace::new(&[("shadow.ward", shadow)]);
    let link = |name: &str, target: &Path| {
        std::os::unix::fs::symlink(target, workspace.path(name)).unwrap();
    };
    link("passwd.ward", Path::new("/etc/passwd"));
    link("alias.ward", &outside.path("shadow.ward"));
    link("linked", &outside.root());
    let root = workspace.root();
    let (expected, files) = check_codes(&root);
    assert_eq!(files, 1, "ward check reads assets.ward alone: {expected:?}");
    assert_eq!(expected["assets.ward"], ["untargeted-asset"]);

    let mut client = Client::start(Editor::VsCode, &root);
    let assets = workspace.path("assets.ward");
    client.wait_codes(&assets, &["untargeted-asset"]);
    client.settle(Duration::from_millis(150));
    let (published, codes) = published_codes(&client, &root);
    assert_eq!(published, BTreeSet::from(["assets.ward".to_owned()]));
    assert_eq!(codes, expected, "start-up scan");

    // Watched-file events for the same files, changed, and for new ones of every sort.
    for name in [
        "ignored/old.ward",
        "old.gen.ward",
        ".hidden/old.ward",
        "passwd.ward",
        "alias.ward",
    ] {
        client.watched(&[(&workspace.path(name), CHANGED)]);
    }
    for name in [
        "ignored/new.ward",
        "new.gen.ward",
        ".hidden/new.ward",
        "ignored/sub/x.ward",
        ".cache/x.ward",
    ] {
        workspace.write(name, shadow);
        client.watched(&[(&workspace.path(name), CREATED)]);
    }
    link("etc.ward", Path::new("/etc/passwd"));
    link("linked-too", &outside.root());
    let created = ["etc.ward", "linked-too", "ignored/sub", ".cache", "linked"];
    for name in created {
        client.watched(&[(&workspace.path(name), CREATED)]);
    }
    // Then a workspace file: once its diagnostics are out, every event before it was applied.
    workspace.write("threats.ward", "threat T \"Spoof\" { targets: A }\n");
    let threats = workspace.path("threats.ward");
    client.watched(&[(&threats, CREATED)]);
    client.wait_diagnostics(&threats, "threats.ward published", |_| true);
    client.settle(Duration::from_millis(150));

    let (expected, files) = check_codes(&root);
    assert_eq!(
        files, 2,
        "ward check reads assets.ward and threats.ward: {expected:?}"
    );
    let (published, codes) = published_codes(&client, &root);
    assert_eq!(
        published,
        BTreeSet::from(["assets.ward".to_owned(), "threats.ward".to_owned()]),
        "watched-file events"
    );
    assert_eq!(codes, expected, "watched-file events");

    // The rules change: files leave and join as `ward check` would read them.
    let gitignore = workspace.path(".gitignore");
    let same_as_check = |client: &mut Client, what: &str| {
        client.settle(Duration::from_millis(150));
        let (_, codes) = published_codes(client, &root);
        assert_eq!(codes, check_codes(&root).0, "{what}");
    };
    workspace.write(".gitignore", "ignored/\n*.gen.ward\nthreats.ward\n");
    client.watched(&[(&gitignore, CHANGED)]);
    client.wait_diagnostics(&threats, "threats.ward cleared", |list| list.is_empty());
    same_as_check(&mut client, "threats.ward ignored");
    workspace.write(".gitignore", "*.gen.ward\nthreats.ward\n");
    client.watched(&[(&gitignore, CHANGED)]);
    client.wait_diagnostics(&workspace.path("ignored/old.ward"), "A twice", |list| {
        list.iter().any(|d| d["code"] == "duplicate-id")
    });
    same_as_check(&mut client, "ignored/ no longer ignored");
    std::fs::remove_file(&gitignore).unwrap();
    client.watched(&[(&gitignore, DELETED)]);
    client.wait_codes(&threats, &["unassessed-threat"]);
    same_as_check(&mut client, ".gitignore deleted");
}

/// The plan's test reports are read, watched (a registration of their globs), and read
/// again when one changes, comes or goes on disk; a report's own diagnostics are published
/// for it. Editing the plan's globs registers the watchers again.
#[test]
fn test_reports_are_read_and_watched() {
    let plan = "plan \"P\" {\n  test-results: \"reports/*.xml\"\n}\n";
    let chain = "asset A \"A\" { kind: function }\nthreat T \"T\" { targets: A }\nrisk R \"R\" { threat: T exploitability: 1 severity: 1 }\ncontrol C \"C\" { mitigates: R status: implemented }\nverification V \"V\" {\n  verifies: C\n  test: \"pump::pairs\"\n  result: pass\n}\n";
    let passed = "<testsuite name=\"pump\">\n  <testcase classname=\"pump\" name=\"pairs\"/>\n</testsuite>\n";
    let failed = "<testsuite name=\"pump\">\n  <testcase classname=\"pump\" name=\"pairs\"><failure/></testcase>\n</testsuite>\n";
    let workspace = Workspace::new(&[
        ("plan.ward", plan),
        ("chain.ward", chain),
        ("reports/run.xml", passed),
    ]);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let chain_path = workspace.path("chain.ward");
    let report = workspace.path("reports/run.xml");
    client.wait_codes(&chain_path, &[]);
    // The globs' watchers, relative to the plan's folder, for changes.
    client.wait_until("the test report watchers", |client| {
        client.received.iter().any(|m| {
            m["method"] == "client/registerCapability"
                && m["params"]["registrations"][0]["id"] == "ward/input-files"
        })
    });
    let registration = client
        .received
        .iter()
        .find(|m| m["params"]["registrations"][0]["id"] == "ward/input-files")
        .unwrap();
    let watcher = &registration["params"]["registrations"][0]["registerOptions"]["watchers"][0];
    assert_eq!(watcher["globPattern"]["pattern"], "reports/*.xml");
    assert_eq!(watcher["globPattern"]["baseUri"], uri(&workspace.root()));
    assert_eq!(watcher["kind"], 2);

    // Changed on disk: the written result is contradicted now.
    workspace.write("reports/run.xml", failed);
    client.watched(&[(&report, CHANGED)]);
    client.wait_codes(&chain_path, &["contradicted-result"]);

    // Broken: its own diagnostic, located in it; the verification has no result from it.
    workspace.write(
        "reports/run.xml",
        "<testsuite name=\"pump\">\n  <testcase name=\"pairs\">\n",
    );
    client.watched(&[(&report, CHANGED)]);
    client.wait_codes(&report, &["invalid-test-report"]);
    client.wait_codes(&chain_path, &["missing-test-result"]);

    // Deleted: no report, so no finding; the report's diagnostics are cleared.
    std::fs::remove_file(&report).unwrap();
    client.watched(&[(&report, DELETED)]);
    client.wait_codes(&chain_path, &[]);
    client.wait_codes(&report, &[]);

    // Created under another name the glob matches.
    let other = workspace.path("reports/nightly.xml");
    workspace.write("reports/nightly.xml", failed);
    client.watched(&[(&other, CREATED)]);
    client.wait_codes(&chain_path, &["contradicted-result"]);

    // The plan's globs edited in the editor: the report is no longer read, and the
    // watchers are registered again for the new glob.
    let plan_path = workspace.path("plan.ward");
    client.did_open(&plan_path, plan);
    client.did_change(
        &plan_path,
        2,
        serde_json::json!([{"text": plan.replace("reports/*.xml", "out/*.xml")}]),
    );
    client.wait_codes(&chain_path, &[]);
    client.wait_until("the watchers registered again", |client| {
        client.received.iter().any(|m| {
            m["method"] == "client/registerCapability"
                && m["params"]["registrations"][0]["registerOptions"]["watchers"][0]["globPattern"]
                    ["pattern"]
                    == "out/*.xml"
        })
    });
    assert!(
        client
            .received
            .iter()
            .any(|m| m["method"] == "client/unregisterCapability"
                && m["params"]["unregisterations"][0]["id"] == "ward/input-files"),
        "the old watchers are withdrawn"
    );
}
