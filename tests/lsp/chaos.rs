//! The chaos test: random interleavings of everything an editor and a file system do to
//! the server (incremental edits in UTF-16 and UTF-8, opens, closes, files created,
//! changed and deleted on disk with their watched-file events, a second workspace folder
//! added and removed) and requests of every kind in between. Throughout, no request may fail except with `ContentModified` (or, for a
//! rename, a refusal that says why); at the end the published diagnostics must be those of
//! a fresh `ward check` of the same texts, and a rename must change exactly the places that
//! references lists.
//!
//! Seeded and reproducible: `WARD_CHAOS_SEED` picks another sequence and
//! `WARD_CHAOS_CASES` (default 12) how many run; a few seconds in CI, hours on demand.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use crate::edits::{Flat, Op, apply, check, check_paths, op, published};
use crate::harness::{Client, EXAMPLE, Editor, Workspace, uri};

/// The second workspace folder's files: links into the first folder and back.
const SECOND_FOLDER: &[(&str, &str)] = &[
    (
        "second.ward",
        "asset A-SECOND \"Second folder\" { kind: data }\nthreat T-SECOND { targets: A-SECOND, PUMP-CMD }\n",
    ),
    (
        "links.ward",
        "risk R-SECOND { threat: T-SECOND, T-BLE-SPOOF exploitability: 4 severity: 4 }\n",
    ),
];

/// Texts a file on disk may be given or created with.
const DISK_TEXTS: &[&str] = &[
    "asset A-DISK \"From disk\" { kind: data }\n",
    "threat T-DISK { targets: A-DISK, PUMP-CMD }\n",
    "risk R-DISK { threat: T-DISK exploitability: 2 severity: 2 }\n",
    "control C-DISK { mitigates: R-DISK status: implemented }\n",
    "asset PUMP-CMD \"A second definition\" { kind: data }\n",
    "threat T-BROKEN { targets: \n",
    "",
];

#[derive(Clone, Debug)]
enum Step {
    /// Opens the n-th closed file on disk, with its text on disk.
    Open(usize),
    /// Edits the n-th open document.
    Edit(usize, Vec<Op>),
    /// Closes the n-th open document.
    Close(usize),
    /// Writes one of [`DISK_TEXTS`] into the n-th file on disk, and says so.
    Change(usize, usize),
    /// Creates a new file on disk, and says so.
    Create(usize),
    /// Deletes the n-th file on disk, and says so.
    Delete(usize),
    /// A request at a fraction of the n-th open document.
    Request(usize, usize, f64),
    /// Adds the second workspace folder, or removes it when it is there.
    ToggleFolder,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..8usize).prop_map(Step::Open),
        8 => (0..4usize, prop::collection::vec(op(), 1..3)).prop_map(|(n, ops)| Step::Edit(n, ops)),
        2 => (0..4usize).prop_map(Step::Close),
        2 => (0..8usize, 0..DISK_TEXTS.len()).prop_map(|(n, t)| Step::Change(n, t)),
        1 => (0..DISK_TEXTS.len()).prop_map(Step::Create),
        1 => (0..8usize).prop_map(Step::Delete),
        4 => (0..4usize, 0..REQUESTS.len(), 0.0..1.0f64).prop_map(|(n, r, at)| Step::Request(n, r, at)),
        1 => Just(Step::ToggleFolder),
    ]
}

const REQUESTS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/completion",
    "textDocument/documentSymbol",
    "textDocument/documentHighlight",
    "textDocument/rename",
    "textDocument/prepareRename",
    "textDocument/formatting",
    "workspace/symbol",
];

const CONTENT_MODIFIED: i64 = -32801;
const REQUEST_FAILED: i64 = -32803;

/// What the test knows of the world: the files on disk and the open documents.
struct World {
    disk: BTreeMap<String, String>,
    open: BTreeMap<String, (String, i64)>,
    created: usize,
    /// Whether the second folder is a workspace folder now.
    second: bool,
}

/// The n-th of some names, counting round.
fn nth<'a>(names: impl Iterator<Item = &'a String>, n: usize) -> Option<String> {
    let names: Vec<&String> = names.collect();
    (!names.is_empty()).then(|| names[n % names.len()].clone())
}

fn run_case(editor: Editor, steps: &[Step]) -> Result<(), TestCaseError> {
    let workspace = Workspace::new(EXAMPLE);
    let root = workspace.root();
    let mut client = Client::start(editor, &root);
    let enc = editor.encoding();
    let mut world = World {
        disk: EXAMPLE
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect(),
        open: BTreeMap::new(),
        created: 0,
        second: false,
    };
    let second = Workspace::new(SECOND_FOLDER);
    let folder = json!([{ "uri": uri(&second.root()), "name": "second" }]);
    for step in steps {
        match step {
            Step::Open(n) => {
                let closed = world
                    .disk
                    .keys()
                    .filter(|name| !world.open.contains_key(*name));
                if let Some(name) = nth(closed, *n) {
                    let text = world.disk[&name].clone();
                    client.did_open(&workspace.path(&name), &text);
                    world.open.insert(name, (text, 1));
                }
            }
            Step::Edit(n, ops) => {
                if let Some(name) = nth(world.open.keys(), *n) {
                    let (text, version) = world.open.get_mut(&name).unwrap();
                    let changes: Vec<Value> = ops.iter().map(|op| apply(op, text, enc)).collect();
                    *version += 1;
                    client.did_change(&workspace.path(&name), *version, Value::Array(changes));
                }
            }
            Step::Close(n) => {
                if let Some(name) = nth(world.open.keys(), *n) {
                    world.open.remove(&name);
                    client.did_close(&workspace.path(&name));
                }
            }
            Step::Change(n, text) => {
                if let Some(name) = nth(world.disk.keys(), *n) {
                    workspace.write(&name, DISK_TEXTS[*text]);
                    world
                        .disk
                        .insert(name.clone(), DISK_TEXTS[*text].to_owned());
                    client.watched(&[(&workspace.path(&name), 2)]);
                }
            }
            Step::Create(text) => {
                world.created += 1;
                let name = format!("new/created-{}.ward", world.created);
                workspace.write(&name, DISK_TEXTS[*text]);
                world
                    .disk
                    .insert(name.clone(), DISK_TEXTS[*text].to_owned());
                client.watched(&[(&workspace.path(&name), 1)]);
            }
            Step::Delete(n) => {
                if let Some(name) = nth(world.disk.keys(), *n) {
                    std::fs::remove_file(workspace.path(&name)).unwrap();
                    world.disk.remove(&name);
                    client.watched(&[(&workspace.path(&name), 3)]);
                }
            }
            Step::ToggleFolder => {
                let (added, removed) = if world.second {
                    (json!([]), folder.clone())
                } else {
                    (folder.clone(), json!([]))
                };
                world.second = !world.second;
                client.notify(
                    "workspace/didChangeWorkspaceFolders",
                    json!({ "event": { "added": added, "removed": removed } }),
                );
            }
            Step::Request(n, kind, at) => {
                let Some(name) = nth(world.open.keys(), *n) else {
                    continue;
                };
                let text = &world.open[&name].0;
                let mut offset = ((text.len() as f64) * at) as usize;
                while !text.is_char_boundary(offset) {
                    offset -= 1;
                }
                let path = workspace.path(&name);
                let method = REQUESTS[*kind];
                let mut params = client.at(&path, text, offset);
                match method {
                    "textDocument/references" => {
                        params["context"] = json!({"includeDeclaration": true});
                    }
                    "textDocument/rename" => params["newName"] = json!("CHAOS-NEW"),
                    "textDocument/documentSymbol" | "textDocument/formatting" => {
                        params = json!({"textDocument": {"uri": uri(&path)},
                            "options": {"tabSize": 2, "insertSpaces": true}});
                    }
                    "workspace/symbol" => params = json!({"query": "R"}),
                    _ => {}
                }
                if let Err(error) = client.request(method, params) {
                    let code = error["code"].as_i64().unwrap_or_default();
                    // A rename or a formatting may be refused for a reason it gives.
                    let refusable = matches!(
                        method,
                        "textDocument/rename"
                            | "textDocument/prepareRename"
                            | "textDocument/formatting"
                    );
                    prop_assert!(
                        code == CONTENT_MODIFIED || (refusable && code == REQUEST_FAILED),
                        "{method} failed: {error}"
                    );
                }
            }
        }
    }

    // Settle: every open document's last version answered, every file published.
    for (name, (_, version)) in &world.open {
        client.wait_version(&workspace.path(name), *version);
    }
    let mut expected_files: BTreeSet<String> = world
        .disk
        .keys()
        .chain(world.open.keys())
        .map(|name| uri(&workspace.path(name)))
        .collect();
    if world.second {
        expected_files.extend(
            SECOND_FOLDER
                .iter()
                .map(|(name, _)| uri(&second.path(name))),
        );
    }
    client.wait_until("diagnostics of every file", |client| {
        expected_files
            .iter()
            .all(|file| client.diagnostics.contains_key(file))
    });
    client.settle(Duration::from_millis(200));

    // The texts the server has: open documents as edited, the rest as on disk.
    for (name, (text, _)) in &world.open {
        workspace.write(name, text);
    }
    let texts = |name: &str| workspace.read(name);
    let mut server = published(&client, &root, &texts);
    // No file left at all: `ward check` refuses to run, the server has nothing to say.
    let mut fresh = if expected_files.is_empty() {
        BTreeSet::new()
    } else {
        check(&root)
    };
    if world.second {
        // Both folders are one workspace to the server; so they are to `ward check`. The
        // second folder's files are compared by their names in it, the first's as before.
        server = published_in(&client, &[&root, &second.root()]);
        fresh = check_paths(&[&root, &second.root()]);
    }
    prop_assert_eq!(
        &server,
        &fresh,
        "\nsteps: {:?}\nonly the server: {:#?}\nonly ward check: {:#?}",
        steps,
        server.difference(&fresh).collect::<Vec<_>>(),
        fresh.difference(&server).collect::<Vec<_>>()
    );

    // A rename changes exactly what references lists: never a part of it.
    let threats = workspace.path("threats.ward");
    if world.disk.contains_key("threats.ward") && !world.open.contains_key("threats.ward") {
        let text = world.disk["threats.ward"].clone();
        if let Some(at) = text.find("T-BLE-SPOOF") {
            client.did_open(&threats, &text);
            client.wait_version(&threats, 1);
            let position = client.at(&threats, &text, at + 2);
            let mut references = position.clone();
            references["context"] = json!({"includeDeclaration": true});
            let places = client
                .request("textDocument/references", references)
                .unwrap();
            let mut rename = position;
            rename["newName"] = json!("T-RENAMED");
            if let Ok(edit) = client.request("textDocument/rename", rename) {
                prop_assert_eq!(edited_places(&edit), listed_places(&places), "{}", edit);
            }
        }
    }
    Ok(())
}

/// What the server last published for the files of `folders`, each named by its path
/// relative to the folder that holds it, as [`check_paths`] names them.
fn published_in(client: &Client, folders: &[&Path]) -> BTreeSet<Flat> {
    let mut out = BTreeSet::new();
    for folder in folders {
        let texts = |name: &str| std::fs::read_to_string(folder.join(name)).unwrap();
        out.extend(crate::edits::flatten(
            &client.diagnostics,
            folder,
            &texts,
            client.editor.encoding(),
        ));
    }
    out
}

/// The (URI, range) of every text edit of a `WorkspaceEdit`, in either of its forms.
fn edited_places(edit: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    if let Some(changes) = edit["documentChanges"].as_array() {
        for change in changes {
            for text_edit in change["edits"].as_array().unwrap() {
                out.insert((
                    change["textDocument"]["uri"].as_str().unwrap().to_owned(),
                    text_edit["range"].to_string(),
                ));
            }
        }
    }
    if let Some(changes) = edit["changes"].as_object() {
        for (file, edits) in changes {
            for text_edit in edits.as_array().unwrap() {
                out.insert((file.clone(), text_edit["range"].to_string()));
            }
        }
    }
    out
}

fn listed_places(locations: &Value) -> BTreeSet<(String, String)> {
    locations
        .as_array()
        .map(|locations| {
            locations
                .iter()
                .map(|l| {
                    (
                        l["uri"].as_str().unwrap().to_owned(),
                        l["range"].to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn chaos_ends_where_a_fresh_check_does() {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let cases = number("WARD_CHAOS_CASES", 12) as u32;
    let seed = number("WARD_CHAOS_SEED", 0x5eed_c4a0);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 100,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let strategy = (
        prop_oneof![
            Just(Editor::VsCode),
            Just(Editor::Helix),
            Just(Editor::Neovim)
        ],
        prop::collection::vec(step(), 1..60),
    );
    runner
        .run(&strategy, |(editor, steps)| run_case(editor, &steps))
        .unwrap();
}
