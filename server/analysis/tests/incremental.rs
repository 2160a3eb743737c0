//! Proves through salsa's event log that edits re-run only the queries they must: editing
//! one item does not re-run the checks of unrelated files, and moving text re-runs no check.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ward_analysis::{AnalysisHost, Code, FileId, TextEdit, TextRange};

/// Records, for each executed query, its name and the salsa ID of its key.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn host_with_log() -> (AnalysisHost, Log) {
    let log = Log::default();
    let sink = log.clone();
    let host = AnalysisHost::with_event_sink(Box::new(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind {
            sink.0.lock().unwrap().push(format!("{database_key:?}"));
        }
    }));
    (host, log)
}

const ASSETS: &str = "asset A1 \"Pump\" { kind: function }\nasset A2 \"Logs\" { kind: data }\n";
const THREATS: &str =
    "threat T1 \"Spoof\" { targets: A1 }\nthreat T2 \"Read logs\" { targets: A2 }\n";
const RISKS_1: &str = "risk R1 \"Bolus\" {\n  threat: T1\n  exploitability: 2\n  severity: 3\n}\n";
const RISKS_2: &str = "risk R2 \"Leak\" {\n  threat: T2\n  exploitability: 1\n  severity: 2\n}\n";

fn path(name: &str) -> PathBuf {
    Path::new("/ws").join(name)
}

fn load(host: &mut AnalysisHost) -> Vec<FileId> {
    [
        ("assets.ward", ASSETS),
        ("threats.ward", THREATS),
        ("r1.ward", RISKS_1),
        ("r2.ward", RISKS_2),
    ]
    .into_iter()
    .map(|(name, text)| host.set_file(&path(name), Arc::from(text)))
    .collect()
}

/// The executions of `query` whose key is one of `files`.
fn ran(log: &[String], query: &str, file: FileId) -> bool {
    // A query key prints as `query(Id(..))`; a file's salsa ID prints inside it.
    let id = format!("{:?}", salsa::plumbing::AsId::as_id(&file));
    log.iter()
        .any(|line| line.starts_with(&format!("{query}(")) && line.contains(&id))
}

fn count(log: &[String], query: &str) -> usize {
    log.iter()
        .filter(|line| line.starts_with(&format!("{query}(")))
        .count()
}

#[test]
fn editing_one_item_does_not_recheck_unrelated_files() {
    let (mut host, log) = host_with_log();
    let files = load(&mut host);
    let [_assets, _threats, r1, r2] = files[..] else {
        unreachable!()
    };
    let all = host.analysis().all_diagnostics().unwrap();
    assert!(all.is_empty(), "the fixture is clean: {all:?}");
    let first = log.take();
    assert_eq!(count(&first, "check_file"), 4, "{first:#?}");

    // Change R1's score: a real change to R1, which no other file depends on.
    let edited = RISKS_1.replace("severity: 3", "severity: 4");
    host.set_file(&path("r1.ward"), Arc::from(edited));
    let all = host.analysis().all_diagnostics().unwrap();
    assert_eq!(all.len(), 1, "R1 now scores 8 and is unmitigated: {all:?}");
    assert_eq!(all[0].code, Code::UnmitigatedRisk);
    let second = log.take();
    assert!(ran(&second, "check_file", r1), "{second:#?}");
    assert_eq!(
        count(&second, "check_file"),
        1,
        "only r1.ward is re-checked: {second:#?}"
    );
    assert!(!ran(&second, "check_file", r2));
    // Neither IDs nor links changed, so no part of the cross-file index was rebuilt.
    assert_eq!(count(&second, "shard_definitions"), 0, "{second:#?}");
    assert_eq!(count(&second, "shard_referrers"), 0, "{second:#?}");
}

#[test]
fn editing_a_link_rechecks_only_files_that_mention_the_changed_names() {
    let (mut host, log) = host_with_log();
    let files = load(&mut host);
    let [assets, threats, r1, r2] = files[..] else {
        unreachable!()
    };
    host.analysis().all_diagnostics().unwrap();
    log.take();

    // R1 now assesses T2 instead of T1: T1 loses its only risk.
    host.set_file(
        &path("r1.ward"),
        Arc::from(RISKS_1.replace("threat: T1", "threat: T2")),
    );
    let all = host.analysis().all_diagnostics().unwrap();
    let codes: Vec<Code> = all.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::UnassessedThreat]);
    let events = log.take();
    assert_eq!(
        count(&events, "shard_referrers"),
        1,
        "links changed, so the referrers are rebuilt"
    );
    assert_eq!(
        count(&events, "shard_definitions"),
        0,
        "no ID changed, so the definitions are not"
    );
    assert!(ran(&events, "check_file", r1), "the edited file");
    assert!(ran(&events, "check_file", threats), "T1 and T2 live there");
    assert!(
        !ran(&events, "check_file", assets),
        "no asset changed: {events:#?}"
    );
    assert!(
        !ran(&events, "check_file", r2),
        "R2 and T2's definition did not change: {events:#?}"
    );
}

#[test]
fn moving_text_reruns_no_check() {
    let (mut host, log) = host_with_log();
    let files = load(&mut host);
    let r1 = files[2];
    let before = host.analysis().diagnostics(r1).unwrap();
    log.take();

    let moved = format!(
        "// a new comment line\n\n{}",
        RISKS_1.replace("  severity", "      severity")
    );
    host.set_file(&path("r1.ward"), Arc::from(moved));
    let after = host.analysis().diagnostics(r1).unwrap();
    let events = log.take();
    assert!(ran(&events, "parse", r1));
    assert_eq!(count(&events, "check_file"), 0, "{events:#?}");
    assert_eq!(count(&events, "shard_definitions"), 0, "{events:#?}");
    assert_eq!(count(&events, "shard_referrers"), 0, "{events:#?}");
    assert_eq!(before.len(), after.len());
}

#[test]
fn a_link_edit_elsewhere_searches_no_suggestion_again() {
    let (mut host, log) = host_with_log();
    load(&mut host);
    let typo = host.set_file(
        &path("typo.ward"),
        Arc::from("risk R9 \"Typo\" { threat: T11 }\n"),
    );
    let all = host.analysis().all_diagnostics().unwrap();
    let unresolved: Vec<&str> = all
        .iter()
        .filter(|d| d.code == Code::UnresolvedReference)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(unresolved, ["no item named `T11`; did you mean `T1`?"]);
    log.take();

    // R2 now assesses T1 too: the referrers are rebuilt, but no ID changed.
    host.set_file(
        &path("r2.ward"),
        Arc::from(RISKS_2.replace("threat: T2", "threat: T2, T1")),
    );
    host.analysis().all_diagnostics().unwrap();
    let events = log.take();
    assert_eq!(count(&events, "shard_referrers"), 1, "{events:#?}");
    assert_eq!(count(&events, "shard_definitions"), 0, "{events:#?}");
    assert_eq!(count(&events, "suggestion"), 0, "{events:#?}");
    assert!(!ran(&events, "check_file", typo), "{events:#?}");
}

/// In a workspace of many files, the index is cut into shards of consecutive files: an edit
/// rebuilds its own file's shard only, links on the referrers side and IDs on both.
#[test]
fn an_edit_rebuilds_one_shard_of_the_index() {
    let (mut host, log) = host_with_log();
    let mut files = Vec::new();
    for at in 0..64 {
        let text = format!(
            "asset A{at} {{ kind: data }}\nthreat T{at} {{ targets: A{at} }}\n\
             risk R{at} {{\n  threat: T{at}\n  exploitability: 1\n  severity: 1\n}}\n"
        );
        files.push(host.set_file(&path(&format!("f{at:02}.ward")), Arc::from(text)));
    }
    assert!(host.analysis().all_diagnostics().unwrap().is_empty());
    let first = log.take();
    let shards = count(&first, "shard_definitions");
    assert!(shards > 4, "64 files make several shards: {shards}");
    assert_eq!(count(&first, "shard_referrers"), shards);

    // A link edit in one file: T10 now targets A11 as well.
    let edited = "asset A10 { kind: data }\nthreat T10 { targets: A10, A11 }\n\
                  risk R10 {\n  threat: T10\n  exploitability: 1\n  severity: 1\n}\n";
    host.set_file(&path("f10.ward"), Arc::from(edited));
    assert!(host.analysis().all_diagnostics().unwrap().is_empty());
    let events = log.take();
    assert_eq!(count(&events, "shard_referrers"), 1, "{events:#?}");
    assert_eq!(count(&events, "shard_definitions"), 0, "{events:#?}");
    assert!(ran(&events, "check_file", files[10]));
    assert!(ran(&events, "check_file", files[11]), "A11 gained a threat");
    assert_eq!(count(&events, "check_file"), 2, "{events:#?}");

    // An ID edit: R20 becomes R20b; both sides of its shard are rebuilt, no other shard.
    let renamed = "asset A20 { kind: data }\nthreat T20 { targets: A20 }\n\
                   risk R20b {\n  threat: T20\n  exploitability: 1\n  severity: 1\n}\n";
    host.set_file(&path("f20.ward"), Arc::from(renamed));
    assert!(host.analysis().all_diagnostics().unwrap().is_empty());
    let events = log.take();
    assert_eq!(count(&events, "shard_definitions"), 1, "{events:#?}");
    assert_eq!(
        count(&events, "shard_referrers"),
        0,
        "no link changed: {events:#?}"
    );
}

/// "As if every gate were passed" is a query of its own: it answers what setting the gate
/// override to the last phase would, without a write, and leaves the normal checks cached.
#[test]
fn every_gate_passed_is_a_query_that_writes_nothing() {
    let (mut host, log) = host_with_log();
    load(&mut host);
    let plan = "plan {\n  phases: design, release\n  phase: design\n  gate release { requires: evidence-present, verifications-passed }\n}\n";
    let verification = "control C1 { mitigates: R1 }\nverification V1 { verifies: C1 }\n";
    host.set_file(&path("plan.ward"), Arc::from(plan));
    host.set_file(&path("v.ward"), Arc::from(verification));
    let analysis = host.analysis();
    let normal = analysis.all_diagnostics().unwrap();
    log.take();
    let passed = analysis.all_diagnostics_every_gate_passed().unwrap();
    let ran_now = log.take();
    assert_eq!(
        count(&ran_now, "check_file"),
        0,
        "the normal checks stay cached"
    );
    assert_ne!(
        normal, passed,
        "the release gate's rules are on once it is passed"
    );
    assert!(
        passed.iter().any(|d| d.code == Code::PendingVerification),
        "{passed:#?}"
    );
    assert_eq!(
        analysis.all_diagnostics().unwrap(),
        normal,
        "nothing was written"
    );
    drop(analysis);
    host.set_gate_override(Some("release".to_owned()));
    assert_eq!(host.analysis().all_diagnostics().unwrap(), passed);
}

#[test]
fn edits_applied_by_the_host_match_the_same_text_set_whole() {
    let (mut host, log) = host_with_log();
    load(&mut host);
    let r1 = host.open_file(&path("r1.ward"), Arc::from(RISKS_1));
    host.analysis().all_diagnostics().unwrap();
    log.take();

    // Breaks the item (an unterminated title), then names the other threat; each range is in
    // the text as the edit before it left it.
    let title = RISKS_1.find("\"Bolus\"").unwrap();
    let edits = [
        TextEdit::new(TextRange::new(title + 6, title + 7), ""),
        TextEdit::new(TextRange::new(0, 0), "// edited\n"),
    ];
    host.edit_file(&path("r1.ward"), &edits).unwrap();
    let threat = host.analysis().text(r1).find("T1").unwrap();
    host.edit_file(
        &path("r1.ward"),
        &[TextEdit::new(TextRange::new(threat + 1, threat + 2), "2")],
    )
    .unwrap();
    let edited = host.analysis().text(r1);
    assert_eq!(
        &*edited,
        format!(
            "// edited\n{}",
            RISKS_1
                .replacen("\"Bolus\"", "\"Bolus", 1)
                .replacen("T1", "T2", 1)
        )
    );
    let incremental = host.analysis().all_diagnostics().unwrap();
    assert!(ran(&log.take(), "parse", r1));

    let mut fresh = AnalysisHost::new();
    load(&mut fresh);
    fresh.set_file(&path("r1.ward"), edited.clone());
    assert_eq!(incremental, fresh.analysis().all_diagnostics().unwrap());
    assert!(
        incremental.iter().any(|d| d.code == Code::SyntaxError),
        "{incremental:#?}"
    );
    assert_eq!(
        host.analysis().file_ast(r1).unwrap(),
        fresh
            .analysis()
            .file_ast(fresh.file_id(&path("r1.ward")).unwrap())
            .unwrap()
    );
}

/// A waiver's terms are read by the files whose items it names, through their own query:
/// moving its expiry into the past re-checks those files and no other, and a new day
/// re-checks only what reads dates.
#[test]
fn a_waiver_rechecks_only_the_files_it_waives_and_today_only_what_reads_dates() {
    let (mut host, log) = host_with_log();
    let mut files = load(&mut host);
    // A1 loses its threat: `untargeted-asset`, waived until 2999.
    host.set_file(
        &path("threats.ward"),
        Arc::from(THREATS.replace("targets: A1", "targets: A2")),
    );
    let waiver = "waiver W1 \"Later\" {\n  waives: untargeted-asset\n  items: A1\n  rationale: \"Later.\"\n  approved-by: \"A. Smith\"\n  approved: 2020-01-01\n  expires: 2999-12-31\n}\n";
    files.push(host.set_file(&path("waivers.ward"), Arc::from(waiver)));
    let [assets, _threats, r1, r2, waivers] = files[..] else {
        unreachable!()
    };
    host.set_today(ward_analysis::dates::parse("2026-10-01").unwrap());
    let all = host.analysis().all_diagnostics().unwrap();
    let untargeted: Vec<_> = all
        .iter()
        .filter(|d| d.code == Code::UntargetedAsset)
        .collect();
    assert_eq!(untargeted.len(), 1, "{all:?}");
    assert!(untargeted[0].waived.is_some());
    log.take();

    host.set_file(
        &path("waivers.ward"),
        Arc::from(waiver.replace("2999-12-31", "2001-01-01")),
    );
    let all = host.analysis().all_diagnostics().unwrap();
    assert!(all.iter().any(|d| d.code == Code::ExpiredWaiver), "{all:?}");
    assert!(
        all.iter()
            .any(|d| d.code == Code::UntargetedAsset && d.waived.is_none()),
        "{all:?}"
    );
    let events = log.take();
    assert!(ran(&events, "check_file", assets), "{events:#?}");
    assert!(ran(&events, "check_file", waivers), "{events:#?}");
    assert!(!ran(&events, "check_file", r1), "{events:#?}");
    assert!(!ran(&events, "check_file", r2), "{events:#?}");

    // A new day: the waiver's file reads today, the risks' files do not.
    host.set_today(ward_analysis::dates::parse("2026-10-02").unwrap());
    host.analysis().all_diagnostics().unwrap();
    let events = log.take();
    assert!(ran(&events, "check_file", waivers), "{events:#?}");
    assert!(!ran(&events, "check_file", r1), "{events:#?}");
    assert!(!ran(&events, "check_file", r2), "{events:#?}");
}

/// A component and its SBOM entry, 1 to a file.
fn component_file(name: &str) -> String {
    format!(
        "component {name} \"{name}\" {{\n  version: \"1.0\"\n  purl: \"pkg:cargo/{name}@1.0\"\n}}\n"
    )
}

fn sbom_text(versions: &[(&str, &str)]) -> Arc<str> {
    let entries: Vec<String> = versions
        .iter()
        .map(|(name, version)| {
            format!(
                "{{\"type\": \"library\", \"name\": \"{name}\", \"version\": \"{version}\", \"purl\": \"pkg:cargo/{name}@{version}\"}}"
            )
        })
        .collect();
    Arc::from(format!(
        "{{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [{}]}}",
        entries.join(", ")
    ))
}

/// A changed SBOM re-checks only the files whose components it changed: the listings of
/// each file backdate.
#[test]
fn a_changed_sbom_rechecks_only_the_files_of_the_components_it_changed() {
    let (mut host, log) = host_with_log();
    let a = host.set_file(&path("a.ward"), Arc::from(component_file("alpha")));
    let b = host.set_file(&path("b.ward"), Arc::from(component_file("beta")));
    let sbom = path("sbom.cdx.json");
    host.set_inputs(
        ward_analysis::InputKind::Sbom,
        vec![(
            sbom.clone(),
            sbom_text(&[("alpha", "1.0"), ("beta", "1.0")]),
        )],
    );
    let codes = |host: &AnalysisHost| -> Vec<Code> {
        let mut codes: Vec<Code> = host
            .analysis()
            .all_diagnostics()
            .unwrap()
            .iter()
            .map(|d| d.code)
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(
        codes(&host),
        [Code::UntracedComponent, Code::UntracedComponent]
    );
    log.take();

    // Beta's version moves on in the SBOM: only b.ward is re-checked.
    host.set_inputs(
        ward_analysis::InputKind::Sbom,
        vec![(sbom, sbom_text(&[("alpha", "1.0"), ("beta", "2.0")]))],
    );
    assert_eq!(
        codes(&host),
        [
            Code::StaleComponent,
            Code::UntracedComponent,
            Code::UntracedComponent
        ]
    );
    let events = log.take();
    assert!(ran(&events, "check_file", b), "{events:#?}");
    assert!(!ran(&events, "check_file", a), "{events:#?}");
    assert_eq!(count(&events, "check_file"), 1, "{events:#?}");
}

/// Stamped links: an edit that changes no fingerprint (a tag, a comment) re-checks no file
/// that links to the edited item, and fingerprints only the edited file again; an edit that
/// changes one (a title) re-checks the stamped link's file.
#[test]
fn fingerprints_are_recomputed_only_for_the_edited_file_and_backdate() {
    let (mut host, log) = host_with_log();
    let controls = "control C1 \"Pairing\" {\n  mitigates: R1\n  status: implemented\n}\n";
    let other = "control C2 \"Other\" {\n  mitigates: R2\n  status: implemented\n}\n";
    let mut files = load(&mut host);
    let c1 = host.set_file(&path("c1.ward"), Arc::from(controls));
    let c2 = host.set_file(&path("c2.ward"), Arc::from(other));
    // Stamp the verification's links with the controls' current fingerprints.
    let unstamped = "verification V1 \"Test\" { verifies: C1, C2 }\n";
    let v1 = host.set_file(&path("v1.ward"), Arc::from(unstamped));
    files.push(v1);
    let analysis = host.analysis();
    let v1_item = analysis.name_info("V1").unwrap().def().unwrap();
    let edits = analysis.stamp_items(&[v1_item]).unwrap();
    let text_edits: Vec<TextEdit> = edits.iter().map(|edit| edit.edit.clone()).collect();
    drop(analysis);
    let stamped = ward_analysis::format::apply(unstamped, &text_edits);
    assert_eq!(stamped.matches('@').count(), 2, "{stamped}");
    host.set_file(&path("v1.ward"), Arc::from(stamped.as_str()));
    let all = host.analysis().all_diagnostics().unwrap();
    assert!(all.is_empty(), "{all:?}");
    log.take();

    // A tag and a comment on C1: C1's file is fingerprinted again, nothing is re-checked
    // but C1's own file, and C2's file is not fingerprinted again.
    let tagged = controls.replace("  status:", "  // reviewed\n  tags: ble\n  status:");
    host.set_file(&path("c1.ward"), Arc::from(tagged.as_str()));
    let all = host.analysis().all_diagnostics().unwrap();
    assert!(all.is_empty(), "{all:?}");
    let after_tag = log.take();
    assert!(ran(&after_tag, "file_fingerprints", c1), "{after_tag:#?}");
    assert!(!ran(&after_tag, "file_fingerprints", c2), "{after_tag:#?}");
    assert!(!ran(&after_tag, "check_file", v1), "{after_tag:#?}");

    // A new title for C1: the stamped link is suspect, and only V1's file is re-checked
    // besides C1's.
    host.set_file(
        &path("c1.ward"),
        Arc::from(tagged.replace("Pairing", "Pairing v2").as_str()),
    );
    let all = host.analysis().all_diagnostics().unwrap();
    let codes: Vec<Code> = all.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::SuspectLink], "{all:?}");
    let after_title = log.take();
    assert!(ran(&after_title, "check_file", v1), "{after_title:#?}");
    assert!(!ran(&after_title, "check_file", c2), "{after_title:#?}");
    assert!(
        !ran(&after_title, "file_fingerprints", c2),
        "{after_title:#?}"
    );
    for file in &files[..4] {
        assert!(!ran(&after_title, "check_file", *file), "{after_title:#?}");
    }
}

/// A waiver's `unused-waiver` check reads the findings of the items it names: typing into
/// another file that changes none of them (a threat's description) runs it again for no
/// file, however many waivers there are.
#[test]
fn typing_elsewhere_does_not_rerun_the_waivers_unused_check() {
    let (mut host, log) = host_with_log();
    let assets = "asset A1 \"Alone\" { kind: data }\nasset A2 \"Targeted\" { kind: data }\n";
    let threats = "threat T1 \"Spoof\" {\n  targets: A2\n  description: \"x\"\n}\n";
    let waiver = "waiver W1 \"Later\" {\n  waives: untargeted-asset\n  items: A1\n  rationale: \"r\"\n  approved-by: \"A\"\n  approved: 2026-01-01\n}\n";
    host.set_file(&path("assets.ward"), Arc::from(assets));
    let threats_file = host.set_file(&path("threats.ward"), Arc::from(threats));
    let waivers = host.set_file(&path("waivers.ward"), Arc::from(waiver));
    host.analysis().all_diagnostics().unwrap();
    log.take();
    host.open_file(&path("threats.ward"), Arc::from(threats));
    host.analysis().all_diagnostics().unwrap();
    log.take();
    let at = threats.find("\"x").unwrap() + 2;
    host.edit_file(
        &path("threats.ward"),
        &[ward_analysis::TextEdit::new(
            ward_analysis::TextRange::new(at, at),
            "y",
        )],
    );
    host.analysis().all_diagnostics().unwrap();
    let events = log.take();
    assert!(ran(&events, "check_file", threats_file), "{events:#?}");
    assert!(!ran(&events, "unused_waivers", waivers), "{events:#?}");
}

/// Records the queries executed and, apart, those whose memo was verified again (`valid
/// query(..)`): what a revision costs for the files it does not change.
fn host_with_verification_log() -> (AnalysisHost, Log) {
    let log = Log::default();
    let sink = log.clone();
    let host = AnalysisHost::with_event_sink(Box::new(move |event| {
        let line = match event.kind {
            salsa::EventKind::WillExecute { database_key } => format!("{database_key:?}"),
            salsa::EventKind::DidValidateMemoizedValue { database_key } => {
                format!("valid {database_key:?}")
            }
            _ => return,
        };
        sink.0.lock().unwrap().push(line);
    }));
    (host, log)
}

/// Whether `query` of `file` was executed or verified.
fn touched(log: &[String], query: &str, file: FileId) -> bool {
    let id = format!("{:?}", salsa::plumbing::AsId::as_id(&file));
    log.iter().any(|line| {
        let key = line.strip_prefix("valid ").unwrap_or(line);
        key.starts_with(&format!("{query}(")) && key.contains(&id)
    })
}

/// After a keystroke every file's diagnostics are asked again, and salsa verifies each
/// query they read. The queries of waivers, stamps, approvals and categories are read only
/// for the files that hold such items, so a file without them costs no more to verify
/// than before those features (at 100k items, each such query asked of every file was
/// 1,000 more memos to verify per keystroke).
#[test]
fn a_keystroke_verifies_no_waiver_stamp_or_approval_query_of_files_without_them() {
    let (mut host, log) = host_with_verification_log();
    let files = load(&mut host);
    let [assets, threats, r1, r2] = files[..] else {
        unreachable!()
    };
    let plan = "plan {\n  phases: design, implementation\n  phase: implementation\n  gate design { requires: gates-approved, categories-covered }\n}\n";
    let approval = "approval AP-1 \"Design review\" {\n  gate: design\n  by: \"A. Smith\"\n  meaning: approved\n  date: 2026-10-12\n}\n";
    let waiver = "waiver W1 \"Later\" {\n  waives: unscored-risk\n  items: R2\n  rationale: \"r\"\n  approved-by: \"A\"\n  approved: 2026-01-01\n}\n";
    let control = "control C1 \"Pairing\" {\n  mitigates: R1\n  status: implemented\n  category: authentication\n}\n";
    let verification = "verification V1 \"Test\" { verifies: C1 }\n";
    host.set_file(&path("plan.ward"), Arc::from(plan));
    let approvals = host.set_file(&path("approvals.ward"), Arc::from(approval));
    let waivers = host.set_file(&path("waivers.ward"), Arc::from(waiver));
    let controls = host.set_file(&path("c1.ward"), Arc::from(control));
    let verifications = host.set_file(&path("v1.ward"), Arc::from(verification));
    // Stamp the verification's link, as `ward stamp` would.
    let analysis = host.analysis();
    let v1 = analysis.name_info("V1").unwrap().def().unwrap();
    let edits = analysis.stamp_items(&[v1]).unwrap();
    let text_edits: Vec<TextEdit> = edits.iter().map(|edit| edit.edit.clone()).collect();
    drop(analysis);
    let stamped = ward_analysis::format::apply(verification, &text_edits);
    assert!(stamped.contains('@'), "{stamped}");
    host.set_file(&path("v1.ward"), Arc::from(stamped.as_str()));
    let analysis = host.analysis();
    for file in analysis.files() {
        analysis.diagnostics(file).unwrap();
    }
    drop(analysis);
    log.take();

    // A keystroke in a threat's title, then every file's diagnostics, as the publisher asks.
    host.set_file(
        &path("threats.ward"),
        Arc::from(THREATS.replace("Spoof", "Spoofs").as_str()),
    );
    let analysis = host.analysis();
    for file in analysis.files() {
        analysis.diagnostics(file).unwrap();
    }
    let events = log.take();
    assert!(ran(&events, "check_file", threats), "{events:#?}");
    // Each of these queries is still read where its items are...
    assert!(touched(&events, "unused_waivers", waivers), "{events:#?}");
    assert!(
        touched(&events, "file_stamp_targets", verifications),
        "{events:#?}"
    );
    assert!(touched(&events, "file_approvals", approvals), "{events:#?}");
    assert!(touched(&events, "file_categories", controls), "{events:#?}");
    // ...and nowhere else.
    for file in [assets, threats, r1, r2] {
        for query in [
            "unused_waivers",
            "file_stamp_targets",
            "file_approvals",
            "file_categories",
        ] {
            assert!(!touched(&events, query, file), "{query}: {events:#?}");
        }
    }
}

/// The index's shards are interned values that are never collected, so reading one adds no
/// dependency to verify: after a keystroke, each shard is validated once at most, however
/// many files read it. (When a shard was first interned inside a query, it became collectable,
/// and each of the file's `file_names` then verified an edge per shard: at 100k items,
/// 32,000 more per keystroke.)
#[test]
fn a_keystroke_validates_each_shard_of_the_index_once() {
    let log = Log::default();
    let sink = log.clone();
    let mut host = AnalysisHost::with_event_sink(Box::new(move |event| {
        if let salsa::EventKind::DidValidateInternedValue { key, .. } = event.kind {
            sink.0.lock().unwrap().push(format!("{key:?}"));
        }
    }));
    // 24 files: three shards of eight.
    let mut paths = Vec::new();
    for at in 0..12 {
        let assets = format!("asset A{at} \"Asset\" {{ kind: data }}\n");
        let threats = format!("threat T{at} \"Threat\" {{\n  targets: A{at}\n}}\n");
        for (name, text) in [("a", assets), ("t", threats)] {
            let path = path(&format!("{name}{at:02}.ward"));
            host.set_file(&path, Arc::from(text.as_str()));
            paths.push((path, text));
        }
    }
    // The first query interns the shards, as in the language server.
    host.analysis().all_diagnostics().unwrap();
    log.take();

    let (path, text) = &paths[1];
    host.set_file(path, Arc::from(text.replace("Threat", "Threats").as_str()));
    host.analysis().all_diagnostics().unwrap();
    let shards = log
        .take()
        .into_iter()
        .filter(|key| key.starts_with("Shard("))
        .count();
    assert!(shards <= 3, "{shards} validations of the 3 shards");
}
