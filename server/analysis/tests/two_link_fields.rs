//! A kind with two link fields, across files: with the test-only `risk.assets` field (the
//! `test-extra-link` feature), both `risk.threat` and `risk.assets` resolve across files and
//! take part in checks, definition, references, rename, hover and the incremental index.
//!
//! Run with `cargo test -p ward-analysis --features test-extra-link --test two_link_fields`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ward_analysis::ide::FilePosition;
use ward_analysis::{Analysis, AnalysisHost, Code, FileId};

const ASSETS: &str =
    "asset A-PUMP \"Pump\" { kind: function }\nasset A-LOGS \"Logs\" { kind: data }\n";
const THREATS: &str = "threat T1 \"Spoof\" { targets: A-PUMP }\n";
// `A-LOGS` is targeted by no threat: only the second link field of the risk names it.
const RISKS: &str = "risk R1 \"Bolus\" {\n  threat: T1\n  assets: A-PUMP, A-LOGS\n  exploitability: 1\n  severity: 2\n}\n";

fn path(name: &str) -> PathBuf {
    Path::new("/ws").join(name)
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn load() -> (AnalysisHost, Log, [FileId; 3]) {
    let log = Log::default();
    let sink = log.clone();
    let mut host = AnalysisHost::with_event_sink(Box::new(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind {
            sink.0.lock().unwrap().push(format!("{database_key:?}"));
        }
    }));
    let files = [
        ("assets.ward", ASSETS),
        ("threats.ward", THREATS),
        ("risks.ward", RISKS),
    ]
    .map(|(name, text)| host.set_file(&path(name), Arc::from(text)));
    (host, log, files)
}

fn at(analysis: &Analysis, file: FileId, needle: &str, nth: usize) -> FilePosition {
    let text = analysis.text(file);
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} in the file"))
        .0;
    FilePosition { file, offset }
}

fn codes(analysis: &Analysis) -> Vec<(String, Code, String)> {
    analysis
        .all_diagnostics()
        .unwrap()
        .into_iter()
        .map(|d| {
            let text = analysis.text(d.file);
            (
                text[d.range.start as usize..d.range.end as usize].to_owned(),
                d.code,
                d.message,
            )
        })
        .collect()
}

#[test]
fn both_link_fields_resolve_across_files_in_check() {
    let (host, _log, _) = load();
    let analysis = host.analysis();
    // Only the untargeted asset: the second field resolved without a false error.
    let found = codes(&analysis);
    assert_eq!(
        found,
        vec![(
            "A-LOGS".to_owned(),
            Code::UntargetedAsset,
            "asset `A-LOGS` is not targeted by any threat".to_owned()
        )],
    );
    drop(analysis);

    // A typo and a wrong kind in the second field are reported like in the first.
    let mut host = host;
    let broken = RISKS.replace("assets: A-PUMP, A-LOGS", "assets: A-PUMQ, T1");
    host.set_file(&path("risks.ward"), Arc::from(broken));
    let found = codes(&host.analysis());
    assert!(
        found.iter().any(|(text, code, message)| text == "A-PUMQ"
            && *code == Code::UnresolvedReference
            && message.contains("did you mean `A-PUMP`?")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|(text, code, message)| text == "T1"
            && *code == Code::WrongKindReference
            && message.contains("links to asset items")),
        "{found:#?}"
    );
}

#[test]
fn definition_references_rename_and_hover_follow_the_second_field() {
    let (host, _log, [assets, threats, risks]) = load();
    let analysis = host.analysis();

    let def = analysis
        .goto_definition(at(&analysis, risks, "A-LOGS", 0))
        .unwrap()
        .expect("a definition");
    assert_eq!(def.file, assets);
    assert_eq!(def.name, "A-LOGS");

    // A-PUMP is named by threat.targets in one file and risk.assets in another.
    let references = analysis
        .references(at(&analysis, assets, "A-PUMP", 0), false)
        .unwrap()
        .expect("references");
    let mut files: Vec<FileId> = references.iter().map(|r| r.file).collect();
    files.sort();
    let mut expected = vec![threats, risks];
    expected.sort();
    assert_eq!(files, expected, "{references:?}");

    let change = analysis
        .rename(at(&analysis, assets, "A-PUMP", 0), "A-PUMP-FW")
        .unwrap()
        .expect("a rename");
    let edited: usize = change.edits.iter().map(|(_, edits)| edits.len()).sum();
    assert_eq!(
        edited, 3,
        "the ID, the threat's target and the risk's asset: {change:?}"
    );
    assert!(change.edits.iter().any(|(file, _)| *file == risks));

    let hover = analysis
        .hover(at(&analysis, assets, "A-PUMP", 0))
        .unwrap()
        .expect("a hover");
    assert!(
        hover.markdown.contains("**Targeted by**"),
        "{}",
        hover.markdown
    );
    assert!(
        hover.markdown.contains("**At risk in**"),
        "{}",
        hover.markdown
    );
    let hover = analysis
        .hover(at(&analysis, risks, "R1", 0))
        .unwrap()
        .expect("a hover");
    assert!(hover.markdown.contains("**Assets**"), "{}", hover.markdown);
}

/// The executions of `query` whose key is `file`.
fn ran(log: &[String], query: &str, file: FileId) -> bool {
    let id = format!("{:?}", salsa::plumbing::AsId::as_id(&file));
    log.iter()
        .any(|line| line.starts_with(&format!("{query}(")) && line.contains(&id))
}

#[test]
fn an_edit_to_the_second_field_invalidates_only_the_referrers_side() {
    let (mut host, log, [assets, threats, risks]) = load();
    assert_eq!(codes(&host.analysis()).len(), 1);
    log.take();

    // Drop A-LOGS from the second field: the asset becomes unlinked altogether.
    let edited = RISKS.replace("assets: A-PUMP, A-LOGS", "assets: A-PUMP");
    host.set_file(&path("risks.ward"), Arc::from(edited));
    let found = codes(&host.analysis());
    let ran_now = log.take();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(ran(&ran_now, "file_links", risks), "{ran_now:#?}");
    assert!(
        !ran_now
            .iter()
            .any(|line| line.starts_with("shard_definitions(")),
        "an edit to links rebuilds no definitions: {ran_now:#?}"
    );
    assert!(
        ran_now
            .iter()
            .any(|line| line.starts_with("shard_referrers(")),
        "{ran_now:#?}"
    );
    // The threats file names none of the names whose referrers changed.
    assert!(!ran(&ran_now, "check_file", threats), "{ran_now:#?}");
    // The asset file is re-checked: A-LOGS lost a referrer.
    assert!(ran(&ran_now, "check_file", assets), "{ran_now:#?}");
}

#[test]
fn the_report_s_link_graph_follows_the_second_field() {
    let (host, _, _) = load();
    let analysis = host.analysis();
    let input = ward_analysis::report::ReportInput {
        findings: analysis.all_diagnostics().unwrap(),
        all_gates_passed: analysis.all_diagnostics_every_gate_passed().unwrap(),
        generated: ward_analysis::report::Timestamp { unix: 0 },
        version: "test".to_owned(),
    };
    let report = ward_analysis::report::build(&analysis, input).unwrap();
    let graph = &report.graph;
    let edges: Vec<(&str, &str, &str)> = graph
        .edges
        .iter()
        .map(|edge| {
            (
                graph.nodes[edge.from].item.id.as_ref(),
                edge.via.name(),
                graph.nodes[edge.to].item.id.as_ref(),
            )
        })
        .collect();
    // `A-LOGS` is reached only through `risk.assets`: the walk takes every link field of
    // the table, not a fixed chain.
    assert!(edges.contains(&("R1", "assets", "A-LOGS")), "{edges:?}");
    assert!(edges.contains(&("R1", "assets", "A-PUMP")), "{edges:?}");
    assert!(edges.contains(&("R1", "threat", "T1")), "{edges:?}");
    let logs = graph
        .nodes
        .iter()
        .position(|node| &*node.item.id == "A-LOGS")
        .expect("A-LOGS is a node");
    let below_logs = graph
        .per_asset
        .iter()
        .find(|(asset, _)| *asset == logs)
        .map(|(_, below)| below.clone())
        .unwrap_or_default();
    assert!(
        below_logs
            .iter()
            .any(|&at| &*graph.nodes[at].item.id == "R1"),
        "the picture of A-LOGS shows R1: {below_logs:?}"
    );
}
