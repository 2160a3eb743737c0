//! Quick fixes and `source.fixAll` through the server, with each editor's captured
//! capabilities: every fix is taken from the actions offered at its finding, applied as the
//! editor applies a workspace edit, and the files it writes are then checked by `ward
//! check`, which must no longer report that finding.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::features::apply_workspace_edit;
use crate::harness::{Client, EDITORS, Editor, Workspace, uri};

const MODEL: &str = r#"plan {
  phases: design, release
  phase: release
  gate design { requires: acceptance-signed }
}

asset A-PUMP "Pump firmware" { kind: component }
asset A-APP "Phone app" { kidn: component }
asset A-LOG "Event log" {
  kind: data
  kind: data
}

threat T-1 "Forged dosing command" { targets: A-PUMB, A-APP, A-LOG }

risk R-1 "Forged bolus" { threat: T-1 exploitability: 4 severity: 4 }

risk R-2 "Replayed bolus" {
  threat: T-1
  exploitability: 4 // before the controls
  severity: 4
}

risk R-3 "Log tampering" { threat: T-1 exploitability: 1 severity: 1 accepted: "Low." }

waiver W-1 "The log is out of scope" {
  waives: untargeted-asset
  items: A-LOG
  approved-by: "J. Doe, security lead"
}
"#;

const CONTROLS: &str =
    "control C-01 \"Signed commands\" {\n  mitigates: R-2\n  status: implementd\n}\n";

const VERIFICATIONS: &str = "verification V-01 \"Replay test\" { verifies: C-02 result: pass }\n\ncontrol C-02 { mitigates: R-2 status: implemented }\n";

fn workspace() -> Workspace {
    Workspace::new(&[
        ("ward.toml", ""),
        ("model.ward", MODEL),
        ("controls.ward", CONTROLS),
        ("verifications.ward", VERIFICATIONS),
    ])
}

/// The day both the server and `ward check` take for today: a fix that writes today's date
/// is checked against the day it was written on, whatever the clock says.
const TODAY: &str = "2026-12-01";

/// A server whose today is [`TODAY`].
fn start(editor: Editor, workspace: &Workspace) -> Client {
    let day = workspace.path("today.txt");
    std::fs::write(&day, format!("{TODAY}\n")).unwrap();
    Client::start_on_day(editor, &workspace.root(), &day)
}

/// The findings `ward check` reports in a folder, as (code, message) pairs.
fn checked(root: &Path) -> Vec<(String, String)> {
    let output = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(["check", "--format", "json", "--today", TODAY])
        .current_dir(root)
        .output()
        .expect("ward check runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    report["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The code actions at a published diagnostic, the client sending it as its context.
fn actions_at(client: &mut Client, path: &Path, diagnostic: &Value) -> Vec<Value> {
    client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri(path)},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic]},
            }),
        )
        .expect("codeAction answers")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Applies an action's edit to the files on disk, as the editor would to the documents.
fn apply(editor: Editor, workspace: &Workspace, action: &Value) -> Vec<String> {
    let texts: BTreeMap<String, String> = workspace
        .ward_files()
        .into_iter()
        .map(|name| (uri(&workspace.path(&name)), workspace.read(&name)))
        .collect();
    let edited = apply_workspace_edit(editor, &action["edit"], &|uri| texts[uri].clone());
    let mut changed = Vec::new();
    for (edited_uri, text, _) in edited {
        let name = texts
            .keys()
            .position(|known| *known == edited_uri)
            .map(|at| workspace.ward_files()[at].clone())
            .expect("the edit changes a file of the workspace");
        workspace.write(&name, &text);
        changed.push(name);
    }
    changed
}

/// Each fix: the file and code of its finding, the start of the action's title, and the
/// files its edit writes.
const FIXES: &[(&str, &str, &str, &[&str])] = &[
    (
        "model.ward",
        "unresolved-reference",
        "Change to `A-PUMP`",
        &["model.ward"],
    ),
    (
        "model.ward",
        "unresolved-reference",
        "Create an asset `A-PUMB`",
        &["model.ward"],
    ),
    (
        "model.ward",
        "unknown-field",
        "Change to `kind`",
        &["model.ward"],
    ),
    (
        "model.ward",
        "duplicate-field",
        "Remove the repeated `kind`",
        &["model.ward"],
    ),
    (
        "model.ward",
        "unmitigated-risk",
        "Create control `C-03` that mitigates `R-1` in controls.ward",
        &["controls.ward"],
    ),
    (
        "controls.ward",
        "unverified-control",
        "Create verification `V-02` that verifies `C-01` in verifications.ward",
        &["verifications.ward"],
    ),
    (
        "model.ward",
        "unacceptable-residual",
        "Add `residual { exploitability: 1 }`",
        &["model.ward"],
    ),
    (
        "model.ward",
        "unacceptable-residual",
        "Accept the residual risk",
        &["model.ward"],
    ),
    (
        "model.ward",
        "unsigned-acceptance",
        "Sign the acceptance",
        &["model.ward"],
    ),
    (
        "model.ward",
        "missing-field",
        "Add `rationale`",
        &["model.ward"],
    ),
    (
        "controls.ward",
        "invalid-value",
        "Change to `implemented`",
        &["controls.ward"],
    ),
];

#[test]
fn every_quick_fix_is_offered_at_its_finding_and_clears_it_for_ward_check() {
    for editor in EDITORS {
        for &(file, code, title, writes) in FIXES {
            let workspace = workspace();
            let before = checked(&workspace.root());
            let mut client = start(editor, &workspace);
            let path = workspace.path(file);
            let text = workspace.read(file);
            client.did_open(&path, &text);
            client.wait_version(&path, 1);
            let diagnostics = client.diagnostics_of(&path);
            let diagnostic = diagnostics
                .iter()
                .find(|d| d["code"] == code)
                .unwrap_or_else(|| panic!("{editor:?}: no {code} in {file}: {diagnostics:?}"));
            let message = diagnostic["message"].as_str().unwrap().to_owned();
            assert!(
                before.contains(&(code.to_owned(), message.clone())),
                "ward check and the server disagree on {code}: {before:?}"
            );

            let actions = actions_at(&mut client, &path, diagnostic);
            let action = actions
                .iter()
                .find(|action| action["title"].as_str().unwrap().starts_with(title))
                .unwrap_or_else(|| panic!("{editor:?}: no {title:?} among {actions:#?}"));
            assert_eq!(action["kind"], "quickfix");
            assert_eq!(action["diagnostics"], json!([diagnostic]), "{action}");
            let changed = apply(editor, &workspace, action);
            assert_eq!(changed, writes, "{editor:?} {title}");
            client.shutdown_and_exit();

            let after = checked(&workspace.root());
            assert!(
                !after.contains(&(code.to_owned(), message.clone())),
                "{editor:?}: after {title:?}, ward check still reports {code} {message:?}:\n{}",
                workspace.read(file)
            );
            // A fix repairs one finding and causes no error.
            let new_errors: Vec<&(String, String)> = after
                .iter()
                .filter(|finding| !before.contains(finding))
                .filter(|(code, _)| {
                    [
                        "syntax-error",
                        "invalid-value",
                        "unknown-field",
                        "duplicate-field",
                    ]
                    .contains(&code.as_str())
                })
                .collect();
            assert!(new_errors.is_empty(), "{editor:?} {title}: {new_errors:?}");
        }
    }
}

#[test]
fn fix_all_applies_the_safe_fixes_in_one_edit_and_only_when_asked_for() {
    for editor in EDITORS {
        let workspace = workspace();
        let mut client = start(editor, &workspace);
        let path = workspace.path("model.ward");
        client.did_open(&path, MODEL);
        client.wait_version(&path, 1);
        let whole =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 60, "character": 0}});
        let ask = |client: &mut Client, only: Value| {
            client
                .request(
                    "textDocument/codeAction",
                    json!({
                        "textDocument": {"uri": uri(&path)},
                        "range": whole,
                        "context": {"diagnostics": [], "only": only},
                    }),
                )
                .expect("codeAction answers")
        };
        // Asked for quick fixes only: no fix-all among them.
        let quick = ask(&mut client, json!(["quickfix"]));
        assert!(
            quick
                .as_array()
                .unwrap()
                .iter()
                .all(|action| action["kind"] == "quickfix"),
            "{quick}"
        );
        let all = ask(&mut client, json!(["source.fixAll"]));
        let all = all.as_array().expect("a fix-all action");
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0]["kind"], "source.fixAll");
        let changed = apply(editor, &workspace, &all[0]);
        assert_eq!(changed, ["model.ward"]);
        client.shutdown_and_exit();

        let text = workspace.read("model.ward");
        assert!(
            text.contains("asset A-APP \"Phone app\" { kind: component }"),
            "{text}"
        );
        assert!(
            text.contains("asset A-LOG \"Event log\" {\n  kind: data\n}"),
            "{text}"
        );
        // The unsafe ones are left: an ID, a new control, an acceptance.
        let codes: Vec<String> = checked(&workspace.root())
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        for left in [
            "unresolved-reference",
            "unmitigated-risk",
            "unacceptable-residual",
        ] {
            assert!(codes.iter().any(|code| code == left), "{left}: {codes:?}");
        }
        for fixed in ["unknown-field", "duplicate-field"] {
            assert!(
                !codes.iter().any(|code| code == fixed),
                "{fixed}: {codes:?}"
            );
        }
    }
}
