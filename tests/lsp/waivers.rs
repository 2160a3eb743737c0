//! Waivers in the editor: a waived finding is a hint that names its waiver, and an edit to
//! the waiver (its expiry moved into the past) brings the finding back as a warning in a
//! file that is not even open, without reopening anything.

use serde_json::Value;

use crate::diagnostics::replace;
use crate::harness::{Client, Editor, Workspace};

const ASSET: &str = "asset A-ALONE \"Untargeted\" { kind: data }\n";

const WAIVER: &str = r#"waiver W-LATER "Threat modelling comes later" {
  waives: untargeted-asset
  items: A-ALONE
  rationale: "Modelled in the next release."
  approved-by: "A. Smith (Security lead)"
  approved: 2000-01-01
  expires: 2999-12-31
}
"#;

fn untargeted(list: &[Value]) -> Option<&Value> {
    list.iter().find(|d| d["code"] == "untargeted-asset")
}

#[test]
fn a_waived_finding_is_a_hint_until_its_waiver_expires() {
    let workspace = Workspace::new(&[("asset.ward", ASSET), ("waiver.ward", WAIVER)]);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let asset = workspace.path("asset.ward");
    let waiver = workspace.path("waiver.ward");
    client.wait_diagnostics(&asset, "the waived finding", |list| {
        untargeted(list).is_some()
    });
    let hint = untargeted(&client.diagnostics_of(&asset)).cloned().unwrap();
    assert_eq!(hint["severity"], 4, "a hint: {hint}");
    let message = hint["message"].as_str().unwrap();
    assert!(message.contains("waived by `W-LATER`"), "{message}");
    // VS Code shows related information: it points at the waiver.
    let related = hint["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == crate::harness::uri(&waiver)),
        "{hint}"
    );
    assert!(client.diagnostics_of(&waiver).is_empty());

    // The waiver is edited in the editor: it expired long ago.
    let mut text = WAIVER.to_owned();
    client.did_open(&waiver, &text);
    replace(
        &mut client,
        &waiver,
        &mut text,
        2,
        "2999-12-31",
        "2001-06-30",
    );
    client.wait_diagnostics(&asset, "the finding back as a warning", |list| {
        untargeted(list).is_some_and(|d| d["severity"] == 2)
    });
    let warning = untargeted(&client.diagnostics_of(&asset)).cloned().unwrap();
    assert!(
        !warning["message"].as_str().unwrap().contains("waived"),
        "{warning}"
    );
    client.wait_codes(&waiver, &["expired-waiver"]);

    // And back: a later expiry waives it again.
    replace(
        &mut client,
        &waiver,
        &mut text,
        3,
        "2001-06-30",
        "2999-01-01",
    );
    client.wait_diagnostics(&asset, "the hint again", |list| {
        untargeted(list).is_some_and(|d| d["severity"] == 4)
    });
    client.wait_codes(&waiver, &[]);
}

/// The server compares dates with today and looks again when the UTC day changes: a
/// waiver that expires on the 30th holds that day and no longer on the 1st, with no
/// message from the client in between. (The day comes from a file through the server's
/// test hook, as the clock would give it.)
#[test]
fn a_waiver_expires_when_the_day_turns_over() {
    let waiver = WAIVER.replace("2999-12-31", "2026-06-30");
    let workspace = Workspace::new(&[("asset.ward", ASSET), ("waiver.ward", &waiver)]);
    let day = workspace.path("today.txt");
    std::fs::write(&day, "2026-06-30\n").unwrap();
    let mut client = Client::start_on_day(Editor::VsCode, &workspace.root(), &day);
    let asset = workspace.path("asset.ward");
    client.wait_diagnostics(&asset, "the waived finding, a hint", |list| {
        untargeted(list).is_some_and(|d| d["severity"] == 4)
    });
    std::fs::write(day, "2026-07-01\n").unwrap();
    client.wait_diagnostics(&asset, "the finding back as a warning", |list| {
        untargeted(list).is_some_and(|d| d["severity"] == 2)
    });
    client.wait_codes(&workspace.path("waiver.ward"), &["expired-waiver"]);
}
