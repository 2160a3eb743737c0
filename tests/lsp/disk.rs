//! What the start-up scan reads from disk: a folder the server cannot read is skipped with a
//! warning naming it and the rest of the workspace indexed (before, the whole scan failed,
//! the index stayed empty and every link into a closed file was an `unresolved-reference`);
//! evidence counts only when it is a regular file inside a workspace folder.

use crate::harness::{Client, Editor, Start, Workspace};
use crate::unreadable::Locked;

#[test]
fn an_unreadable_folder_is_skipped_and_the_rest_indexed() {
    let workspace = Workspace::new(&[
        ("assets.ward", "asset A-1 \"Asset\" { kind: data }\n"),
        ("threats/t.ward", "threat T-1 \"Threat\" { targets: A-1 }\n"),
        (
            "private/secret.ward",
            "asset A-2 \"Hidden\" { kind: data }\n",
        ),
    ]);
    let private = workspace.path("private");
    let _locked = match Locked::new(&private) {
        Ok(locked) => locked,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let options = Start {
        as_a_user: true,
        ..Start::default()
    };
    let mut client = Client::start_with(Editor::VsCode, &workspace.root(), options);
    let threats = workspace.path("threats/t.ward");
    let text = workspace.read("threats/t.ward");
    client.did_open(&threats, &text);
    // The closed file's link resolves: the asset was indexed from disk.
    client.wait_codes(&threats, &["unassessed-threat"]);
    client.wait_codes(&workspace.path("assets.ward"), &[]);
    client.wait_stderr(&format!(
        "skipped `{}`: permission denied",
        private.display()
    ));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn evidence_counts_only_inside_the_workspace_folders() {
    let outside = tempfile::tempdir().unwrap();
    let outside_file = outside.path().canonicalize().unwrap().join("report.txt");
    std::fs::write(&outside_file, "elsewhere").unwrap();
    let plan = "plan \"Plan\" {\n  phase: release\n  gate release { requires: evidence-present }\n}\n\
        asset A-1 \"Asset\" { kind: data }\n\
        threat T-1 \"Threat\" { targets: A-1 }\n\
        risk R-1 \"Risk\" { threat: T-1 exploitability: 1 severity: 1 }\n\
        control C-1 \"Control\" { mitigates: R-1 status: implemented }\n";
    let verifications = format!(
        "verification V-IN \"In\" {{ verifies: C-1 result: pass evidence: \"evidence/report.txt\" }}\n\
         verification V-OUT \"Out\" {{ verifies: C-1 result: pass evidence: \"{}\" }}\n",
        outside_file.display()
    );
    let workspace = Workspace::new(&[
        ("plan.ward", plan),
        ("checks/verifications.ward", &verifications),
        ("checks/evidence/report.txt", "here"),
    ]);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let path = workspace.path("checks/verifications.ward");
    client.wait_diagnostics(&path, "one missing-evidence", |list| !list.is_empty());
    let messages: Vec<String> = client
        .diagnostics_of(&path)
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with(&format!(
            "missing-evidence verification `V-OUT` has passed but its evidence `{}` is outside the workspace",
            outside_file.display()
        )),
        "{messages:?}"
    );
    assert!(client.shutdown_and_exit().success());
}
