//! Stamped links in the editor: "Mark link as reviewed" stamps a link (as a workspace edit
//! in the client's negotiated form); editing the control makes the stamped link in the
//! other file suspect in the first publication that follows; the action clears it; hover
//! says whether a stamp is current.

use serde_json::{Value, json};

use crate::diagnostics::replace;
use crate::features::apply_workspace_edit;
use crate::harness::{Client, Editor, Workspace, range, uri};

const CONTROLS: &str = "asset A \"A\" { kind: function }\nthreat T \"T\" { targets: A }\nrisk R \"R\" { threat: T exploitability: 1 severity: 1 }\ncontrol C-PAIR \"Secure pairing\" {\n  mitigates: R\n  status: implemented\n}\n";
const VERIFICATIONS: &str = "verification V \"Pen test\" {\n  verifies: C-PAIR\n}\n";

/// The code actions at the link `C-PAIR` of the verification.
fn actions(client: &mut Client, path: &std::path::Path, text: &str) -> Vec<Value> {
    let at = text.find("C-PAIR").unwrap();
    let enc = client.editor.encoding();
    let diagnostics: Vec<Value> = client.diagnostics_of(path);
    let result = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri(path)},
                "range": range(text, at, at, enc),
                "context": {"diagnostics": diagnostics},
            }),
        )
        .expect("codeAction answers");
    result.as_array().cloned().unwrap_or_default()
}

/// Applies the one "Mark link as reviewed" action to the open document; returns its text.
fn mark_reviewed(client: &mut Client, path: &std::path::Path, text: &str, version: i64) -> String {
    let actions = actions(client, path, text);
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["title"], "Mark link as reviewed");
    assert_eq!(actions[0]["kind"], "quickfix");
    let own = uri(path);
    let edited = apply_workspace_edit(client.editor, &actions[0]["edit"], &|_| text.to_owned());
    assert_eq!(edited.len(), 1);
    assert_eq!(edited[0].0, own);
    let new_text = edited[0].1.clone();
    client.did_change(path, version, json!([{"text": new_text}]));
    new_text
}

#[test]
fn a_changed_control_makes_the_stamped_link_suspect_and_the_action_clears_it() {
    for editor in [Editor::VsCode, Editor::Neovim] {
        let workspace = Workspace::new(&[
            ("controls.ward", CONTROLS),
            ("verifications.ward", VERIFICATIONS),
        ]);
        let mut client = Client::start_pushed(editor, &workspace.root());
        let verifications = workspace.path("verifications.ward");
        let controls = workspace.path("controls.ward");
        client.did_open(&verifications, VERIFICATIONS);
        client.wait_codes(&verifications, &[]);

        // An unstamped link: the action stamps it; only the stamp is inserted.
        let stamped = mark_reviewed(&mut client, &verifications, VERIFICATIONS, 2);
        assert!(stamped.starts_with("verification V \"Pen test\" {\n  verifies: C-PAIR@"));
        assert_eq!(stamped.len(), VERIFICATIONS.len() + 13, "{stamped}");
        client.wait_version(&verifications, 2);
        assert!(client.codes_of(&verifications).is_empty());
        // Hover on the stamped link: current.
        let at = stamped.find("C-PAIR").unwrap();
        let hover = client
            .request(
                "textDocument/hover",
                client.at(&verifications, &stamped, at + 1),
            )
            .unwrap();
        let shown = hover["contents"].to_string();
        assert!(
            shown.contains("current, the target is unchanged"),
            "{shown}"
        );
        // Current: no action on it.
        assert!(actions(&mut client, &verifications, &stamped).is_empty());

        // The control is edited in the other, open file: the first publication of the
        // verifications after the edit has the suspect link.
        let mut control_text = CONTROLS.to_owned();
        client.did_open(&controls, &control_text);
        client.wait_codes(&controls, &[]);
        let before = client.received.len();
        replace(
            &mut client,
            &controls,
            &mut control_text,
            2,
            "Secure pairing",
            "Secure pairing v2",
        );
        let own = uri(&verifications);
        client.wait_until("a publication of the verifications", |client| {
            client.received[before..].iter().any(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == own
            })
        });
        let first = client.received[before..]
            .iter()
            .find(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == own)
            .unwrap();
        let codes: Vec<&str> = first["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["suspect-link"], "{editor:?}");
        let suspect = &first["params"]["diagnostics"][0];
        assert_eq!(suspect["severity"], 2);
        let related = &suspect["relatedInformation"];
        if editor == Editor::VsCode {
            assert_eq!(related[0]["location"]["uri"], uri(&controls), "{suspect}");
        }
        let hover = client
            .request(
                "textDocument/hover",
                client.at(&verifications, &stamped, at + 1),
            )
            .unwrap();
        assert!(
            hover["contents"]
                .to_string()
                .contains("changed since stamped")
        );

        // The action on the suspect link clears it, and names the diagnostic it fixes.
        let offered = actions(&mut client, &verifications, &stamped);
        assert_eq!(offered[0]["diagnostics"][0]["code"], "suspect-link");
        let restamped = mark_reviewed(&mut client, &verifications, &stamped, 3);
        assert_ne!(restamped, stamped);
        assert_eq!(restamped.len(), stamped.len());
        client.wait_version(&verifications, 3);
        client.wait_codes(&verifications, &[]);

        // Closed and edited on disk instead: the same, for a file that is not open.
        workspace.write("verifications.ward", &restamped);
        client.did_close(&verifications);
        client.wait_codes(&verifications, &[]);
        replace(
            &mut client,
            &controls,
            &mut control_text,
            3,
            "status: implemented",
            "status: proposed",
        );
        client.wait_codes(&verifications, &["suspect-link"]);
        let _ = client.shutdown_and_exit();
    }
}

/// Rename keeps stamps: it changes the name before the `@` only.
#[test]
fn rename_keeps_the_stamp() {
    let stamped = "verification V \"Pen test\" {\n  verifies: C-PAIR@0123456789ab\n}\n";
    let workspace = Workspace::new(&[("controls.ward", CONTROLS), ("verifications.ward", stamped)]);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let verifications = workspace.path("verifications.ward");
    client.did_open(&verifications, stamped);
    client.wait_codes(&verifications, &["suspect-link"]);
    let at = stamped.find("C-PAIR").unwrap();
    let mut params = client.at(&verifications, stamped, at + 2);
    params["newName"] = json!("C-BLE");
    let edit = client.request("textDocument/rename", params).unwrap();
    let controls_uri = uri(&workspace.path("controls.ward"));
    let texts = apply_workspace_edit(Editor::VsCode, &edit, &|file| {
        if file == controls_uri {
            CONTROLS.to_owned()
        } else {
            stamped.to_owned()
        }
    });
    let own = uri(&verifications);
    let renamed = texts.iter().find(|(file, ..)| *file == own).unwrap();
    assert_eq!(renamed.1, stamped.replace("C-PAIR@", "C-BLE@"));
}
