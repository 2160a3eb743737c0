//! Editor features through each client's capabilities: definition, references, hover,
//! completion, prepareRename and rename (applied and re-checked), document and workspace
//! symbols, document highlights, and cancellation.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{
    Client, EDITORS, EXAMPLE, Editor, Start, Workspace, apply_edits, byte_range, example_names,
    example_text, range, uri, wait_indexed,
};

fn started(editor: Editor) -> (Workspace, Client) {
    let workspace = Workspace::new(EXAMPLE);
    let mut client = Client::start(editor, &workspace.root());
    wait_indexed(&mut client, &workspace, &example_names());
    (workspace, client)
}

fn open(client: &mut Client, workspace: &Workspace, name: &str) -> (std::path::PathBuf, String) {
    let path = workspace.path(name);
    let text = example_text(name).to_owned();
    client.did_open(&path, &text);
    client.wait_version(&path, 1);
    (path, text)
}

#[test]
fn definition_across_files() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let (threats, text) = open(&mut client, &workspace, "threats.ward");
        let at = text.find("PUMP-CMD").unwrap() + 4;
        let result = client
            .request("textDocument/definition", client.at(&threats, &text, at))
            .unwrap();
        let assets = example_text("assets.ward");
        let id = assets.find("PUMP-CMD").unwrap();
        let want = range(assets, id, id + 8, editor.encoding());
        let assets_uri = uri(&workspace.path("assets.ward"));
        match editor {
            // Both announce `linkSupport`.
            Editor::VsCode | Editor::Neovim => {
                assert_eq!(result[0]["targetUri"], assets_uri, "{result}");
                assert_eq!(result[0]["targetSelectionRange"], want);
                let (start, end) = byte_range(assets, &result[0]["targetRange"], editor.encoding());
                assert_eq!((start, end), (0, assets.trim_end().len()), "the whole item");
            }
            Editor::Helix => {
                assert_eq!(result["uri"], assets_uri, "{result}");
                assert_eq!(result["range"], want);
            }
        }
        // Nothing to go to in a comment-free keyword position: null.
        let result = client
            .request(
                "textDocument/definition",
                client.at(&threats, &text, text.find("stride").unwrap()),
            )
            .unwrap();
        assert!(result.is_null() || result == json!([]), "{result}");
    }
}

#[test]
fn references_with_and_without_the_declaration() {
    let (workspace, mut client) = started(Editor::VsCode);
    let (assets, text) = open(&mut client, &workspace, "assets.ward");
    let at = text.find("PUMP-CMD").unwrap();
    let mut params = client.at(&assets, &text, at);
    params["context"] = json!({"includeDeclaration": true});
    let result = client
        .request("textDocument/references", params.clone())
        .unwrap();
    let uris: Vec<&str> = result
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    let threats_uri = uri(&workspace.path("threats.ward"));
    assert!(uris.contains(&threats_uri.as_str()), "{result}");
    assert!(uris.contains(&uri(&assets).as_str()), "{result}");
    let threats = example_text("threats.ward");
    let link = threats.find("PUMP-CMD").unwrap();
    let location = result
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["uri"] == threats_uri)
        .unwrap();
    assert_eq!(
        location["range"],
        range(threats, link, link + 8, client.editor.encoding())
    );
    params["context"] = json!({"includeDeclaration": false});
    let result = client.request("textDocument/references", params).unwrap();
    assert_eq!(result.as_array().unwrap().len(), 1, "{result}");
}

#[test]
fn hover_is_markdown() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let (threats, text) = open(&mut client, &workspace, "threats.ward");
        let at = text.find("PUMP-CMD").unwrap() + 2;
        let result = client
            .request("textDocument/hover", client.at(&threats, &text, at))
            .unwrap();
        assert_eq!(
            result["contents"]["kind"], "markdown",
            "{editor:?}: {result}"
        );
        let value = result["contents"]["value"].as_str().unwrap();
        assert!(value.contains("Insulin dosing commands"), "{value}");
        assert_eq!(
            result["range"],
            range(&text, at - 2, at + 6, editor.encoding()),
            "{result}"
        );
    }
}

#[test]
fn completion_replaces_the_partial_word() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let (threats, mut text) = open(&mut client, &workspace, "threats.ward");
        let enc = editor.encoding();
        let at = text.find("PUMP-CMD").unwrap();
        client.did_change(
            &threats,
            2,
            json!([{"range": range(&text, at, at + 8, enc), "text": "PU"}]),
        );
        text.replace_range(at..at + 8, "PU");
        let result = client
            .request(
                "textDocument/completion",
                client.at(&threats, &text, at + 2),
            )
            .unwrap();
        assert_eq!(result["isIncomplete"], false, "{result}");
        let items = result["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{result}"));
        let item = items
            .iter()
            .find(|item| item["label"] == "PUMP-CMD")
            .unwrap_or_else(|| panic!("no PUMP-CMD in {result}"));
        assert_eq!(
            item["textEdit"]["range"],
            range(&text, at, at + 2, enc),
            "{item}"
        );
        assert_eq!(item["textEdit"]["newText"], "PUMP-CMD");
        // Field names where a field goes.
        let field = text.find("  stride").unwrap() + 2;
        let result = client
            .request(
                "textDocument/completion",
                client.at(&threats, &text, field + 3),
            )
            .unwrap();
        let labels: Vec<&str> = result["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["label"].as_str().unwrap())
            .collect();
        assert!(labels.contains(&"stride"), "{labels:?}");
    }
}

/// Item templates where an item can start, as snippets for a client that takes them and as
/// the bare keyword for one that does not (Neovim 0.7 announces no snippet support); none
/// inside an item's body.
#[test]
fn item_templates_follow_the_client_s_snippet_support() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let (threats, mut text) = open(&mut client, &workspace, "threats.ward");
        let enc = editor.encoding();
        let end = text.len();
        client.did_change(
            &threats,
            2,
            json!([{"range": range(&text, end, end, enc), "text": "\nri"}]),
        );
        text.push_str("\nri");
        let result = client
            .request(
                "textDocument/completion",
                client.at(&threats, &text, text.len()),
            )
            .unwrap();
        let items = result["items"].as_array().unwrap();
        let risk = items
            .iter()
            .find(|item| item["label"] == "risk")
            .unwrap_or_else(|| panic!("no risk template in {result}"));
        assert_eq!(risk["kind"], 15, "Snippet");
        let new_text = risk["textEdit"]["newText"].as_str().unwrap();
        match editor {
            Editor::VsCode | Editor::Helix => {
                assert_eq!(risk["insertTextFormat"], 2, "{risk}");
                assert!(
                    new_text.starts_with("risk ${1:ID} \"${2:Title}\" {\n"),
                    "{new_text}"
                );
            }
            Editor::Neovim => {
                assert!(risk["insertTextFormat"].is_null(), "{risk}");
                assert_eq!(new_text, "risk ");
            }
        }
        // Inside a body, where fields go: no template.
        let field = text.find("  stride").unwrap() + 2;
        let result = client
            .request(
                "textDocument/completion",
                client.at(&threats, &text, field + 3),
            )
            .unwrap();
        assert!(
            result["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|item| item["kind"] != 15),
            "{result}"
        );
    }
}

/// Applies a WorkspaceEdit as the client would; returns the edited texts by URI.
fn apply_workspace_edit(
    editor: Editor,
    edit: &Value,
    text_of: &dyn Fn(&str) -> String,
) -> Vec<(String, String, Option<i64>)> {
    let mut out = Vec::new();
    match editor {
        Editor::VsCode | Editor::Helix => {
            assert!(edit.get("changes").is_none_or(Value::is_null), "{edit}");
            for change in edit["documentChanges"].as_array().expect("documentChanges") {
                let uri = change["textDocument"]["uri"].as_str().unwrap();
                let edits = change["edits"].as_array().unwrap();
                let version = change["textDocument"]["version"].as_i64();
                out.push((
                    uri.to_owned(),
                    apply_edits(&text_of(uri), edits, editor.encoding()),
                    version,
                ));
            }
        }
        Editor::Neovim => {
            assert!(
                edit.get("documentChanges").is_none_or(Value::is_null),
                "{edit}"
            );
            for (uri, edits) in edit["changes"].as_object().expect("changes") {
                out.push((
                    uri.clone(),
                    apply_edits(&text_of(uri), edits.as_array().unwrap(), editor.encoding()),
                    None,
                ));
            }
        }
    }
    out
}

#[test]
fn rename_is_applied_and_rechecked_without_new_diagnostics() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let (assets, text) = open(&mut client, &workspace, "assets.ward");
        client.settle(Duration::from_millis(50));
        let before: Vec<(String, Vec<String>)> = example_names()
            .iter()
            .map(|name| (name.to_string(), client.codes_of(&workspace.path(name))))
            .collect();
        let at = text.find("PUMP-CMD").unwrap() + 3;
        let prepared = client
            .request("textDocument/prepareRename", client.at(&assets, &text, at))
            .unwrap();
        let id = text.find("PUMP-CMD").unwrap();
        assert_eq!(
            prepared["range"],
            range(&text, id, id + 8, editor.encoding())
        );
        assert_eq!(prepared["placeholder"], "PUMP-CMD");
        let mut params = client.at(&assets, &text, at);
        params["newName"] = json!("PUMP-COMMAND");
        let edit = client.request("textDocument/rename", params).unwrap();
        let root = workspace.root();
        let text_of = |u: &str| {
            let name = u.strip_prefix(&uri(&root)).unwrap().trim_start_matches('/');
            workspace.read(name)
        };
        let edited = apply_workspace_edit(editor, &edit, &text_of);
        assert_eq!(edited.len(), 2, "{edit}");
        for (file_uri, new_text, version) in edited {
            assert!(!new_text.contains("PUMP-CMD\n") && new_text.contains("PUMP-COMMAND"));
            if file_uri == uri(&assets) {
                // The open document: its version, and the edit as a change.
                if editor != Editor::Neovim {
                    assert_eq!(version, Some(1));
                }
                client.did_change(&assets, 2, json!([{"text": new_text}]));
            } else {
                if editor != Editor::Neovim {
                    assert_eq!(version, None, "a closed file has no version");
                }
                let name = file_uri
                    .strip_prefix(&uri(&root))
                    .unwrap()
                    .trim_start_matches('/');
                workspace.write(name, &new_text);
                client.watched(&[(&workspace.path(name), 2)]);
            }
        }
        client.wait_version(&assets, 2);
        client.settle(Duration::from_millis(150));
        let after: Vec<(String, Vec<String>)> = example_names()
            .iter()
            .map(|name| (name.to_string(), client.codes_of(&workspace.path(name))))
            .collect();
        assert_eq!(after, before, "{editor:?}");
    }
}

#[test]
fn refused_renames_say_why() {
    let (workspace, mut client) = started(Editor::VsCode);
    let (threats, text) = open(&mut client, &workspace, "threats.ward");
    let at = text.find("PUMP-CMD").unwrap();
    for (new_name, why) in [
        ("1-bad", "not a valid ID"),
        ("T-BLE-SPOOF", "already defined"),
    ] {
        let mut params = client.at(&threats, &text, at);
        params["newName"] = json!(new_name);
        let error = client.request("textDocument/rename", params).unwrap_err();
        assert_eq!(error["code"], -32803, "{error}");
        assert!(error["message"].as_str().unwrap().contains(why), "{error}");
    }
    // Nothing to rename on a keyword.
    let keyword = text.find("stride").unwrap();
    let error = client
        .request(
            "textDocument/prepareRename",
            client.at(&threats, &text, keyword),
        )
        .unwrap_err();
    assert_eq!(error["code"], -32803, "{error}");
    assert!(!error["message"].as_str().unwrap().is_empty());
}

#[test]
fn document_symbols_nested_or_flat_per_client() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let (controls, text) = open(&mut client, &workspace, "controls.ward");
        let result = client
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri(&controls)}}),
            )
            .unwrap();
        let symbols = result.as_array().unwrap();
        let names: Vec<&str> = symbols
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        match editor {
            // Both announce hierarchicalDocumentSymbolSupport.
            Editor::VsCode | Editor::Neovim => {
                assert_eq!(names, ["C-BLE-PAIR", "C-HOSP-NET"], "{result}");
                let id = text.find("C-HOSP-NET").unwrap();
                assert_eq!(
                    symbols[1]["selectionRange"],
                    range(&text, id, id + 10, editor.encoding())
                );
                // Fields are no symbols: a control has no block, so no children.
                for symbol in symbols {
                    let children = symbol["children"].as_array().map_or(0, Vec::len);
                    assert_eq!(children, 0, "{symbol}");
                }
            }
            Editor::Helix => {
                // Flat, and still only the items: no field is listed.
                assert_eq!(names, ["C-BLE-PAIR", "C-HOSP-NET"], "{result}");
                assert!(
                    symbols
                        .iter()
                        .all(|s| s["location"]["uri"] == uri(&controls))
                );
            }
        }
    }
}

#[test]
fn workspace_symbols_and_highlights() {
    let (workspace, mut client) = started(Editor::Helix);
    let result = client
        .request("workspace/symbol", json!({"query": "spoof"}))
        .unwrap();
    let found = result
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "T-BLE-SPOOF")
        .unwrap_or_else(|| panic!("{result}"));
    assert_eq!(
        found["location"]["uri"],
        uri(&workspace.path("threats.ward"))
    );
    let threats = example_text("threats.ward");
    let (start, _) = byte_range(
        threats,
        &found["location"]["range"],
        client.editor.encoding(),
    );
    assert!(start <= threats.find("T-BLE-SPOOF").unwrap());

    // A definition and a reference in one file.
    let both = workspace.path("both.ward");
    let text = "asset A1 \"x\" {\n  kind: data\n}\n\nthreat T9 \"y\" {\n  targets: A1\n}\n";
    client.did_open(&both, text);
    let at = text.rfind("A1").unwrap();
    let result = client
        .request("textDocument/documentHighlight", client.at(&both, text, at))
        .unwrap();
    let mut highlights: Vec<(usize, i64)> = result
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let (start, _) = byte_range(text, &h["range"], client.editor.encoding());
            (start, h["kind"].as_i64().unwrap())
        })
        .collect();
    highlights.sort();
    assert_eq!(
        highlights,
        [(text.find("A1").unwrap(), 3), (at, 2)],
        "{result}"
    );
}

#[test]
fn requests_on_unknown_documents_answer_nothing() {
    let (workspace, mut client) = started(Editor::VsCode);
    let elsewhere = Path::new("/nonexistent/elsewhere.ward");
    let result = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(elsewhere)}, "position": {"line": 0, "character": 0}}),
        )
        .unwrap();
    assert!(result.is_null(), "{result}");
    drop(workspace);
}

#[test]
fn a_write_cancels_a_running_request() {
    let workspace = Workspace::new(EXAMPLE);
    let options = Start {
        env: vec![("WARD_LSP_TEST_HOOKS", "1")],
        ..Start::default()
    };
    let mut client = Client::start_with(Editor::VsCode, &workspace.root(), options);
    wait_indexed(&mut client, &workspace, &example_names());
    let (assets, text) = open(&mut client, &workspace, "assets.ward");
    let id = client.send_request("ward/testSlow", json!({"uri": uri(&assets)}));
    std::thread::sleep(Duration::from_millis(100));
    let at = text.find("Insulin").unwrap();
    client.did_change(
        &assets,
        2,
        json!([{"range": range(&text, at, at, client.editor.encoding()), "text": "x"}]),
    );
    let error = client.response(id).unwrap_err();
    assert_eq!(error["code"], -32801, "ContentModified: {error}");
    client.wait_version(&assets, 2);
}

#[test]
fn long_completion_lists_are_cut_and_marked_incomplete() {
    let assets: String = (0..300)
        .map(|i| format!("asset A-{i:03} {{\n  kind: data\n}}\n"))
        .collect();
    let workspace = Workspace::new(&[("assets.ward", &assets)]);
    let mut client = Client::start(Editor::Helix, &workspace.root());
    client.wait_diagnostics(&workspace.path("assets.ward"), "indexing", |_| true);
    let path = workspace.path("threat.ward");
    let text = "threat T {\n  targets: A-\n}\n";
    client.did_open(&path, text);
    let at = text.find("A-").unwrap() + 2;
    let result = client
        .request("textDocument/completion", client.at(&path, text, at))
        .unwrap();
    assert_eq!(result["isIncomplete"], true);
    assert_eq!(result["items"].as_array().unwrap().len(), 200);
}

#[test]
fn a_cancelled_request_is_answered_as_cancelled() {
    let workspace = Workspace::new(EXAMPLE);
    let options = Start {
        env: vec![("WARD_LSP_TEST_HOOKS", "1")],
        ..Start::default()
    };
    let mut client = Client::start_with(Editor::Neovim, &workspace.root(), options);
    wait_indexed(&mut client, &workspace, &example_names());
    let (assets, _) = open(&mut client, &workspace, "assets.ward");
    let id = client.send_request("ward/testSlow", json!({"uri": uri(&assets)}));
    client.notify("$/cancelRequest", json!({"id": id}));
    let error = client.response(id).unwrap_err();
    assert_eq!(error["code"], -32800, "RequestCancelled: {error}");
    // The abandoned computation does not block later edits.
    let text = example_text("assets.ward");
    client.did_change(
        &assets,
        2,
        json!([{"range": range(text, 0, 0, client.editor.encoding()), "text": "// x\n"}]),
    );
    client.wait_version(&assets, 2);
}

/// Formatting the document as the editor has it (unsaved, with non-ASCII before the edits so
/// that the encodings matter), a selection of it, and a refusal that says where.
#[test]
fn formatting_whole_documents_ranges_and_refusals() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let enc = editor.encoding();
        let path = workspace.path("messy.ward");
        let messy = "asset A \"Pompe 💉\"{kind :data}\n\n\n\nasset B {\n      kind:data\n}";
        client.did_open(&path, messy);
        client.wait_version(&path, 1);
        let params = json!({"textDocument": {"uri": uri(&path)}, "options": {"tabSize": 4, "insertSpaces": true}});
        let edits = client
            .request("textDocument/formatting", params.clone())
            .unwrap();
        let formatted = apply_edits(messy, edits.as_array().unwrap(), enc);
        assert_eq!(
            formatted, "asset A \"Pompe 💉\" { kind: data }\n\nasset B {\n  kind: data\n}\n",
            "{editor:?}"
        );
        // The second item only: the first keeps its spacing.
        let second = messy.find("asset B").unwrap();
        let mut range_params = params.clone();
        range_params["range"] = range(messy, second, messy.len(), enc);
        let edits = client
            .request("textDocument/rangeFormatting", range_params)
            .unwrap();
        let formatted = apply_edits(messy, edits.as_array().unwrap(), enc);
        assert!(
            formatted.starts_with("asset A \"Pompe 💉\"{kind :data}"),
            "{formatted}"
        );
        assert!(
            formatted.ends_with("asset B {\n  kind: data\n}\n"),
            "{formatted}"
        );
        // A syntax error: refused, with its place.
        client.did_change(
            &path,
            2,
            json!([{"range": range(messy, second, second, enc), "text": "asset C { kind: data, }\n"}]),
        );
        client.wait_version(&path, 2);
        let error = client
            .request("textDocument/formatting", params)
            .unwrap_err();
        assert_eq!(error["code"], -32803, "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with("line 5, column 21: cannot format a file with syntax errors"),
            "{message}"
        );
    }
}

/// Completion documentation in Markdown only for a client that lists Markdown among its
/// `documentationFormat`s: Helix lists none, so it gets plain text.
#[test]
fn completion_documentation_follows_the_client_s_formats() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let (threats, text) = open(&mut client, &workspace, "threats.ward");
        let at = text.find("PUMP-CMD").unwrap() + 2;
        let result = client
            .request("textDocument/completion", client.at(&threats, &text, at))
            .unwrap();
        let documented: Vec<&Value> = result["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|item| item.get("documentation"))
            .collect();
        assert!(!documented.is_empty(), "{result}");
        let expected = match editor {
            Editor::Helix => "plaintext",
            Editor::VsCode | Editor::Neovim => "markdown",
        };
        for documentation in documented {
            assert_eq!(
                documentation["kind"], expected,
                "{editor:?}: {documentation}"
            );
        }
    }
}

/// The traceability chain as a call hierarchy: below a risk its controls (incoming), above
/// it its threat (outgoing), each with the range of the link that makes the edge.
#[test]
fn the_chain_is_a_call_hierarchy() {
    for editor in EDITORS {
        let (workspace, mut client) = started(editor);
        let (risks, text) = open(&mut client, &workspace, "risks/ble.ward");
        let at = text.find("R-BLE-BOLUS").unwrap() + 2;
        let items = client
            .request(
                "textDocument/prepareCallHierarchy",
                client.at(&risks, &text, at),
            )
            .unwrap();
        let root = items[0].clone();
        assert_eq!(root["name"], "R-BLE-BOLUS", "{items}");
        assert_eq!(root["uri"], uri(&risks));
        let incoming = client
            .request("callHierarchy/incomingCalls", json!({ "item": root }))
            .unwrap();
        let mut below: Vec<&str> = incoming
            .as_array()
            .unwrap()
            .iter()
            .map(|call| call["from"]["name"].as_str().unwrap())
            .collect();
        below.sort();
        assert_eq!(below, ["C-BLE-PAIR", "C-HOSP-NET"], "{incoming}");
        let controls = example_text("controls.ward");
        let link = controls.find("R-BLE-BOLUS").unwrap();
        assert_eq!(
            incoming[0]["fromRanges"][0],
            range(controls, link, link + 11, editor.encoding())
        );
        let outgoing = client
            .request("callHierarchy/outgoingCalls", json!({ "item": root }))
            .unwrap();
        assert_eq!(outgoing[0]["to"]["name"], "T-BLE-SPOOF", "{outgoing}");
        assert_eq!(
            outgoing[0]["to"]["uri"],
            uri(&workspace.path("threats.ward"))
        );
        let threat = text.find("T-BLE-SPOOF").unwrap();
        assert_eq!(
            outgoing[0]["fromRanges"][0],
            range(&text, threat, threat + 11, editor.encoding())
        );
    }
}

/// Folding ranges (items up to the line before their closing brace), expand selection
/// (value, field, item, file) and document links (evidence paths open the file).
#[test]
fn folding_selection_and_evidence_links() {
    let (workspace, mut client) = started(Editor::VsCode);
    let (risks, text) = open(&mut client, &workspace, "risks/ble.ward");
    let params = json!({ "textDocument": { "uri": uri(&risks) } });
    let folds = client
        .request("textDocument/foldingRange", params.clone())
        .unwrap();
    // The risk spans lines 0 to 7 (`}`); its `residual { }` is on one line.
    assert_eq!(
        folds,
        json!([{ "startLine": 0, "endLine": 6, "kind": "region" }]),
        "{folds}"
    );

    let at = text.find("exploitability: 3").unwrap() + "exploitability: ".len();
    let selection = client
        .request(
            "textDocument/selectionRange",
            json!({
                "textDocument": { "uri": uri(&risks) },
                "positions": [client.at(&risks, &text, at)["position"]],
            }),
        )
        .unwrap();
    let mut chain = Vec::new();
    let mut node = &selection[0];
    while !node.is_null() {
        let (start, end) = byte_range(&text, &node["range"], Editor::VsCode.encoding());
        chain.push(&text[start..end]);
        node = &node["parent"];
    }
    assert_eq!(chain[0], "3");
    assert_eq!(chain[1], "exploitability: 3");
    assert!(chain[2].starts_with("risk R-BLE-BOLUS") && chain[2].ends_with('}'));
    assert_eq!(chain.last().unwrap(), &text.as_str());

    let verifications = workspace.path("verifications.ward");
    let links = client
        .request(
            "textDocument/documentLink",
            json!({ "textDocument": { "uri": uri(&verifications) } }),
        )
        .unwrap();
    assert_eq!(
        links[0]["target"],
        uri(&workspace.path("evidence/ble-pentest-2026-10.pdf")),
        "{links}"
    );
}

/// Inlay hints: the risk's score after its severity, judged by the plan, and its residual
/// score; off when the user's settings say so.
#[test]
fn inlay_hints_show_scores_and_can_be_turned_off() {
    let (workspace, mut client) = started(Editor::VsCode);
    assert!(client.init_result["capabilities"]["inlayHintProvider"] == true);
    let (risks, text) = open(&mut client, &workspace, "risks/ble.ward");
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({
                "textDocument": { "uri": uri(&risks) },
                "range": range(&text, 0, text.len(), Editor::VsCode.encoding()),
            }),
        )
        .unwrap();
    let labels: Vec<(&str, usize)> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|hint| {
            let at = crate::harness::offset(&text, &hint["position"], Editor::VsCode.encoding());
            (hint["label"].as_str().unwrap(), at)
        })
        .collect();
    let after = |needle: &str| text.find(needle).unwrap() + needle.len();
    assert_eq!(
        labels,
        [
            ("= 15, above 6", after("severity: 5")),
            ("= 5", after("residual { exploitability: 1")),
        ]
    );

    let off = Client::start_with(
        Editor::VsCode,
        &workspace.root(),
        Start {
            initialization_options: Some(json!({ "inlayHints": false })),
            ..Start::default()
        },
    );
    assert!(
        off.init_result["capabilities"]["inlayHintProvider"].is_null(),
        "{}",
        off.init_result
    );
}

/// Semantic tokens from the kinds table, in the client's encoding, and a delta after an
/// edit that equals the full tokens of the new text.
#[test]
fn semantic_tokens_full_and_delta() {
    let (workspace, mut client) = started(Editor::VsCode);
    let legend = client.init_result["capabilities"]["semanticTokensProvider"]["legend"].clone();
    let types: Vec<String> = legend["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    let (threats, mut text) = open(&mut client, &workspace, "threats.ward");
    let params = json!({ "textDocument": { "uri": uri(&threats) } });
    let full = client
        .request("textDocument/semanticTokens/full", params.clone())
        .unwrap();
    let data: Vec<u64> = full["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    // Decoded: (line, column, length, type) of each token.
    let decode = |data: &[u64]| {
        let (mut line, mut col) = (0, 0);
        data.chunks(5)
            .map(|t| {
                if t[0] > 0 {
                    col = 0;
                }
                line += t[0];
                col += t[1];
                (line, col, t[2], types[t[3] as usize].clone(), t[4])
            })
            .collect::<Vec<_>>()
    };
    let tokens = decode(&data);
    let first: Vec<(u64, u64, u64, &str, u64)> = tokens
        .iter()
        .take(5)
        .map(|(l, c, n, ty, m)| (*l, *c, *n, ty.as_str(), *m))
        .collect();
    assert_eq!(
        first,
        [
            (0, 0, 6, "keyword", 0),   // threat
            (0, 7, 11, "variable", 1), // T-BLE-SPOOF, declared
            (0, 19, 38, "string", 0),  // its title
            (1, 2, 7, "property", 0),  // targets
            (1, 11, 8, "variable", 0), // PUMP-CMD, a reference
        ]
    );
    assert!(
        tokens.iter().any(|t| t.3 == "enumMember"),
        "stride's values: {tokens:?}"
    );

    // A link now names nothing: the delta marks it unresolved.
    crate::diagnostics::replace(&mut client, &threats, &mut text, 2, "PUMP-CMD", "PUMP-CMX");
    let delta = client
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({
                "textDocument": { "uri": uri(&threats) },
                "previousResultId": full["resultId"],
            }),
        )
        .unwrap();
    let edits = delta["edits"].as_array().expect("a delta");
    let mut patched = data.clone();
    for edit in edits.iter().rev() {
        let start = edit["start"].as_u64().unwrap() as usize;
        let deleted = edit["deleteCount"].as_u64().unwrap() as usize;
        let inserted: Vec<u64> = edit["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect();
        patched.splice(start..start + deleted, inserted);
    }
    let again = client
        .request("textDocument/semanticTokens/full", params)
        .unwrap();
    let fresh: Vec<u64> = again["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert_eq!(patched, fresh);
    let link = decode(&fresh)[4].clone();
    assert_eq!(
        (link.3.as_str(), link.4),
        ("variable", 2),
        "unresolved: {link:?}"
    );
}

/// Code lens above each item: what links to it down the chain, and its gaps; the first
/// runs `ward.showReferences` at the item's ID. Off when the user's settings say so.
#[test]
fn code_lens_shows_the_chain_below_and_the_gaps() {
    let (workspace, mut client) = started(Editor::VsCode);
    let (controls, text) = open(&mut client, &workspace, "controls.ward");
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri(&controls) } }),
        )
        .unwrap();
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|lens| lens["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "1 verification",
            "covered ✓",
            "nothing links here",
            "gaps: unverified-control"
        ]
    );
    let id = text.find("C-BLE-PAIR").unwrap();
    assert_eq!(lenses[0]["command"]["command"], "ward.showReferences");
    assert_eq!(lenses[0]["command"]["arguments"][0], uri(&controls));
    assert_eq!(
        lenses[0]["command"]["arguments"][1],
        range(&text, id, id, Editor::VsCode.encoding())["start"]
    );
    let (threats, _) = open(&mut client, &workspace, "threats.ward");
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri(&threats) } }),
        )
        .unwrap();
    assert_eq!(
        lenses[0]["command"]["title"],
        "1 risk · 2 controls · 1 verification"
    );

    let off = Client::start_with(
        Editor::VsCode,
        &workspace.root(),
        Start {
            initialization_options: Some(json!({ "codeLens": false })),
            ..Start::default()
        },
    );
    assert!(off.init_result["capabilities"]["codeLensProvider"].is_null());
}
