//! `--format json`: the report model as one JSON object, for tools. The layout is spelled out
//! here field by field (not derived from the model's Rust types), so that a refactoring of
//! the model cannot change the format by accident; `report_format` is bumped on a change.

use super::sink::Sink;
use crate::places::{Place, ShownPlaces};
use std::cell::RefCell;

use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, Serializer};
use serde_json::{Value, json};
use ward_analysis::FileRange;
use ward_analysis::report::{
    AttrValue, Attribute, GateReport, Grid, ItemEntry, ItemLink, Report, ResidualConclusion,
    ResultFrom, Score, TraceRisk,
};

/// The version of this JSON layout.
pub const REPORT_FORMAT: u32 = 3;

pub fn render(report: &Report, places: &ShownPlaces<'_>, out: &mut Sink<'_>) {
    let h = &report.header;
    let item_counts: serde_json::Map<String, Value> = h
        .item_counts
        .iter()
        .map(|(kind, count)| (kind.as_str().to_owned(), json!(count)))
        .collect();
    let value = json!({
        "report_format": REPORT_FORMAT,
        "header": {
            "title": h.title,
            "has_plan": h.has_plan,
            "phases": h.phases,
            "phase": h.phase,
            "gate_override": h.gate_override,
            "acceptable": h.acceptable,
            "today": h.today.to_string(),
            "generated": h.generated.to_string(),
            "ward_version": h.version,
            "files": h.files,
            "items": item_counts,
            "findings": {
                "errors": h.findings.errors,
                "warnings": h.findings.warnings,
                "infos": h.findings.infos,
                "total": h.findings.total(),
            },
        },
        "risk_matrix": {
            "acceptable": report.risk_matrix.acceptable,
            "matrix": report.risk_matrix.matrix.as_ref().map(|levels| {
                levels
                    .iter()
                    .map(|(level, limit)| ((*level).to_owned(), json!(limit)))
                    .collect::<serde_json::Map<String, Value>>()
            }),
            "before": grid(&report.risk_matrix.before),
            "after": grid(&report.risk_matrix.after),
            "unscored": ids(&report.risk_matrix.unscored),
        },
        "deployer_guidance": report.deployer_guidance.iter().map(|entry| json!({
            "control": entry.control.id,
            "title": entry.control.title,
            "status": entry.status,
            "mitigates": ids(&entry.mitigates),
            "guidance": entry.guidance,
        })).collect::<Vec<_>>(),
        "waivers": report.waivers.iter().map(|waiver| json!({
            "waiver": waiver.waiver.id,
            "title": waiver.waiver.title,
            "waives": super::text::codes(&waiver.waives),
            "items": ids(&waiver.items),
            "rationale": waiver.rationale,
            "approved_by": waiver.approved_by,
            "approved": waiver.approved.map(|date| date.to_string()),
            "expires": waiver.expires.map(|date| date.to_string()),
            "status": waiver.status.as_str(),
            "waived": waiver.waived,
        })).collect::<Vec<_>>(),
        "categories": report.categories.iter().map(|entry| json!({
            "category": entry.category.as_str(),
            "controls": ids(&entry.controls),
            "not_applicable": entry.not_applicable,
            "covered": entry.covered(),
        })).collect::<Vec<_>>(),
        "components": report.components.iter().map(|entry| json!({
            "component": entry.component.id,
            "title": entry.component.title,
            "version": entry.version,
            "item_class": entry.item_class,
            "support": entry.support,
            "support_ends": entry.support_ends.map(|d| d.to_string()),
            "support_ended": entry.support_ended,
            "vulnerabilities": ids(&entry.vulnerabilities),
        })).collect::<Vec<_>>(),
        "vulnerabilities": report.vulnerabilities.iter().map(|entry| json!({
            "vulnerability": entry.vulnerability.id,
            "title": entry.vulnerability.title,
            "status": entry.status,
            "justification": entry.justification,
            "cvss": entry.cvss.as_ref().map(|(vector, score)| json!({
                "vector": vector,
                "version": score.0.version,
                "score": score.0.score,
                "rating": score.0.rating,
            })),
            "affects": ids(&entry.affects),
            "assessed_by": entry.assessed_by.iter().map(|risk| json!({
                "risk": risk.risk.id,
                "score_after": score(risk.score_after),
                "above_acceptable": risk.above_acceptable,
                "accepted": risk.accepted,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "suspect_links": report.suspect_links.iter().map(|entry| json!({
            "location": location(places, entry.location),
            "item": entry.item.id,
            "target": entry.target.id,
            "stamp": entry.stamp,
            "fingerprint": entry.now,
        })).collect::<Vec<_>>(),
    });
    let Value::Object(small) = value else {
        unreachable!("the report is an object")
    };
    // The large parts are made element by element as they are written, so that the whole
    // report never exists twice in memory (as values and as text): at 100k items the value
    // tree alone took gigabytes.
    let mut parts: Vec<(String, Part<'_>)> = small
        .into_iter()
        .map(|(key, value)| (key, Part::Whole(value)))
        .collect();
    parts.push(("method".to_owned(), Part::Whole(method(report))));
    parts.push(("residual".to_owned(), Part::Whole(residual(report))));
    parts.push((
        "gates".to_owned(),
        each(&report.gates, move |gate| gate_row(gate, places)),
    ));
    parts.push((
        "traceability".to_owned(),
        each(&report.traceability, move |risk| trace(risk, places)),
    ));
    parts.push((
        "findings".to_owned(),
        each(&report.findings, move |finding| {
            Row::Finding(FindingRow {
                code: finding.code.as_str(),
                gate: finding.gate.as_deref(),
                item: finding.item.as_ref().map(|item| &*item.id),
                location: Location::new(places, finding.location),
                message: &finding.message,
                severity: finding.severity.as_str(),
            })
        }),
    ));
    parts.push((
        "items".to_owned(),
        Part::each(report.items.entries().map(move |entry| {
            let location = Location::new(places, entry.location);
            Element::Item(entry, location)
        })),
    ));
    parts.push(("graph".to_owned(), graph(report)));
    parts.push((
        "missing".to_owned(),
        each(&report.missing, |missing| {
            Row::Missing(MissingRow {
                item: missing.item.as_ref().map(|item| &*item.id),
                section: missing.section.as_str(),
                what: &missing.what,
            })
        }),
    ));
    // serde_json's map is sorted by key: so is the report.
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    let mut serializer = serde_json::Serializer::pretty(&mut *out);
    Part::Object(parts)
        .serialize(&mut serializer)
        .expect("plain data always serialises, and the sink takes every write");
    out.push('\n');
}

/// A part of the JSON text: a value, an array made one element at a time as it is written,
/// or an object of parts.
enum Part<'a> {
    Whole(Value),
    /// Taken when written: the elements are made once.
    Each(RefCell<Option<Elements<'a>>>),
    Object(Vec<(String, Part<'a>)>),
}

type Elements<'a> = Box<dyn Iterator<Item = Element<'a>> + 'a>;

impl<'a> Part<'a> {
    fn each(elements: impl Iterator<Item = Element<'a>> + 'a) -> Part<'a> {
        Part::Each(RefCell::new(Some(Box::new(elements))))
    }
}

impl Serialize for Part<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Part::Whole(value) => value.serialize(serializer),
            Part::Each(elements) => match elements.borrow_mut().take() {
                Some(elements) => serializer.collect_seq(elements),
                None => Err(S::Error::custom("a part of the report written twice")),
            },
            Part::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, part) in entries {
                    map.serialize_entry(key, part)?;
                }
                map.end()
            }
        }
    }
}

fn each<'a, T>(list: &'a [T], element: impl Fn(&'a T) -> Row<'a> + 'a) -> Part<'a> {
    Part::each(list.iter().map(move |entry| Element::Row(element(entry))))
}

/// One element of a list: a value, or an entry of the catalogue written field by field
/// (100k of them: as values, each would allocate every key and every string again).
enum Element<'a> {
    Row(Row<'a>),
    Item(ItemEntry<'a>, Location),
}

impl Serialize for Element<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (entry, place) = match self {
            Element::Row(row) => return row.serialize(serializer),
            Element::Item(entry, place) => (entry, place),
        };
        // In the order of the keys, as serde_json's sorted map writes an object.
        let mut map = serializer.serialize_map(Some(8))?;
        map.serialize_entry("description", &entry.description)?;
        map.serialize_entry("duplicate", &entry.anchor.is_none())?;
        map.serialize_entry("fields", &Fields(&entry.attributes))?;
        map.serialize_entry("id", entry.id)?;
        map.serialize_entry("kind", entry.kind.as_str())?;
        map.serialize_entry("linked_from", &ids(&entry.linked_from))?;
        map.serialize_entry("location", place)?;
        map.serialize_entry("title", &entry.title)?;
        map.end()
    }
}

struct Fields<'e, 'a>(&'e [Attribute<'a>]);

impl Serialize for Fields<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Field))
    }
}

struct Field<'e, 'a>(&'e Attribute<'a>);

impl Serialize for Field<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("name", self.0.name)?;
        map.serialize_entry("values", &FieldValues(&self.0.values))?;
        map.end()
    }
}

struct FieldValues<'e, 'a>(&'e [AttrValue<'a>]);

impl Serialize for FieldValues<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(FieldValue))
    }
}

struct FieldValue<'e, 'a>(&'e AttrValue<'a>);

impl Serialize for FieldValue<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            AttrValue::Text(text) => serializer.serialize_str(text),
            AttrValue::Link(link) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("id", &*link.id)?;
                map.serialize_entry("resolved", &link.kind.is_some())?;
                map.end()
            }
        }
    }
}

/// A place: `file`, `line` and `column`.
struct Location(Place);

impl Location {
    fn new(places: &ShownPlaces<'_>, range: FileRange) -> Location {
        Location(places.place(range))
    }
}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("column", &self.0.column)?;
        map.serialize_entry("file", &self.0.path)?;
        map.serialize_entry("line", &self.0.line)?;
        map.end()
    }
}

/// How risks are evaluated and what the plan accepts.
fn method(report: &Report) -> Value {
    let scale: Vec<i64> = Grid::scale().collect();
    json!({
        "score": super::text::SCORE_METHOD,
        "scale": [scale.first(), scale.last()],
        "acceptable": report.risk_matrix.acceptable,
        "matrix": report.risk_matrix.matrix.as_ref().map(|levels| {
            levels
                .iter()
                .map(|(level, limit)| ((*level).to_owned(), json!(limit)))
                .collect::<serde_json::Map<String, Value>>()
        }),
    })
}

fn residual(report: &Report) -> Value {
    let summary = &report.residual;
    json!({
        "risks": summary.risks,
        "acceptable": summary.acceptable,
        "accepted": ids(&summary.accepted),
        "unacceptable": ids(&summary.unacceptable),
        "unscored": ids(&summary.unscored),
        "acceptable_overall": summary.acceptable_overall(),
    })
}

fn gate_residual(conclusion: &ResidualConclusion) -> Value {
    let failing = match conclusion {
        ResidualConclusion::Unacceptable(risks) => ids(risks),
        _ => Vec::new(),
    };
    json!({ "conclusion": conclusion.as_str(), "risks": failing })
}

/// The link graph: nodes by ID, edges from the linking item through its field.
fn graph(report: &Report) -> Part<'_> {
    let graph = &report.graph;
    Part::Object(vec![
        (
            "edges".to_owned(),
            each(&graph.edges, move |edge| {
                Row::Edge(EdgeRow {
                    field: edge.via.name(),
                    from: &graph.nodes[edge.from].item.id,
                    to: &graph.nodes[edge.to].item.id,
                })
            }),
        ),
        (
            "nodes".to_owned(),
            each(&graph.nodes, |node| {
                Row::Node(NodeRow {
                    id: &node.item.id,
                    kind: node.kind.as_str(),
                    layer: node.layer,
                })
            }),
        ),
    ])
}

/// A place as a value, for the parts written as values: as [`Location`] writes it.
fn location(places: &ShownPlaces<'_>, range: FileRange) -> Value {
    json!(Location::new(places, range))
}

fn ids(links: &[ItemLink]) -> Vec<&str> {
    links.iter().map(|link| &*link.id).collect()
}

fn score(score: Option<Score>) -> Value {
    match score {
        Some(score) => json!({
            "exploitability": score.exploitability,
            "severity": score.severity,
            "score": score.value(),
        }),
        None => Value::Null,
    }
}

fn gate_row<'a>(gate: &'a GateReport, places: &ShownPlaces<'_>) -> Row<'a> {
    Row::Gate(GateRow {
        approvals: gate
            .approvals
            .iter()
            .map(|approval| {
                json!({
                    "approval": approval.approval.id,
                    "by": approval.by,
                    "role": approval.role,
                    "meaning": approval.meaning,
                    "date": approval.date.map(|date| date.to_string()),
                    "commit": approval.commit,
                })
            })
            .collect(),
        met: gate.met(),
        phase: &gate.phase,
        residual: gate_residual(&gate.residual),
        rules: gate
            .rules
            .iter()
            .map(|rule| RuleRow {
                failures: rule
                    .failures
                    .iter()
                    .map(|failure| FailureRow {
                        code: failure.code.as_str(),
                        in_check: super::text::in_check(failure.in_check),
                        item: failure.item.as_ref().map(|item| &*item.id),
                        location: Location::new(places, failure.location),
                    })
                    .collect(),
                met: rule.met,
                requires: rule.rule.describe(),
                rule: rule.rule.name(),
            })
            .collect(),
        status: gate.status.map(|status| status.as_str()),
    })
}

fn trace<'a>(risk: &'a TraceRisk, places: &ShownPlaces<'_>) -> Row<'a> {
    Row::Trace(TraceRow {
        accepted: risk.accepted.as_deref(),
        controls: risk
            .controls
            .iter()
            .map(|control| ControlRow {
                control: &control.control.id,
                kind: control.kind,
                responsibility: control.responsibility,
                status: control.status,
                title: control.control.title.as_deref(),
                verifications: control
                    .verifications
                    .iter()
                    .map(|v| VerificationRow {
                        evidence: v.evidence.as_deref(),
                        method: v.method,
                        result: v.result,
                        result_source: v.result_from.as_str(),
                        test: v.test.as_deref(),
                        test_cases: match &v.result_from {
                            ResultFrom::TestReports(cases) => cases
                                .iter()
                                .map(|case| {
                                    let Place { path, line, column } = places.place(case.location);
                                    CaseRow {
                                        classname: case.classname.as_deref(),
                                        column,
                                        file: path,
                                        line,
                                        name: &case.name,
                                        outcome: case.outcome,
                                    }
                                })
                                .collect(),
                            _ => Vec::new(),
                        },
                        title: v.verification.title.as_deref(),
                        verification: &v.verification.id,
                    })
                    .collect(),
            })
            .collect(),
        gaps: risk
            .rows()
            .iter()
            .filter_map(|row| {
                row.gap.map(|gap| GapRow {
                    control: row.control.map(|c| &*c.control.id),
                    gap: gap.as_str(),
                    verification: row.verification.map(|v| &*v.verification.id),
                })
            })
            .collect(),
        harm: risk.harm.as_deref(),
        hazard: risk.hazard.as_deref(),
        location: Location::new(places, risk.location),
        residual: risk.residual.map(ScoreRow::new),
        risk: &risk.risk.id,
        score: risk.score.map(ScoreRow::new),
        threats: risk
            .threats
            .iter()
            .map(|threat| ThreatRow {
                assets: ids(&threat.assets),
                resolved: threat.threat.kind.is_some(),
                threat: &threat.threat.id,
            })
            .collect(),
        title: risk.risk.title.as_deref(),
    })
}

/// An element of one of the long lists, spelled out field by field in the order of the
/// keys (as serde_json's sorted map writes the small parts): made as a value, each would
/// allocate every key and every string again.
#[derive(Serialize)]
#[serde(untagged)]
enum Row<'a> {
    Gate(GateRow<'a>),
    Trace(TraceRow<'a>),
    Finding(FindingRow<'a>),
    Edge(EdgeRow<'a>),
    Node(NodeRow<'a>),
    Missing(MissingRow<'a>),
}

#[derive(Serialize)]
struct GateRow<'a> {
    approvals: Vec<Value>,
    met: bool,
    phase: &'a str,
    residual: Value,
    rules: Vec<RuleRow<'a>>,
    status: Option<&'static str>,
}

#[derive(Serialize)]
struct RuleRow<'a> {
    failures: Vec<FailureRow<'a>>,
    met: bool,
    requires: &'static str,
    rule: &'static str,
}

#[derive(Serialize)]
struct FailureRow<'a> {
    code: &'static str,
    in_check: &'static str,
    item: Option<&'a str>,
    location: Location,
}

#[derive(Serialize)]
struct TraceRow<'a> {
    accepted: Option<&'a str>,
    controls: Vec<ControlRow<'a>>,
    gaps: Vec<GapRow<'a>>,
    harm: Option<&'a str>,
    hazard: Option<&'a str>,
    location: Location,
    residual: Option<ScoreRow>,
    risk: &'a str,
    score: Option<ScoreRow>,
    threats: Vec<ThreatRow<'a>>,
    title: Option<&'a str>,
}

#[derive(Serialize)]
struct ThreatRow<'a> {
    assets: Vec<&'a str>,
    resolved: bool,
    threat: &'a str,
}

#[derive(Serialize)]
struct ControlRow<'a> {
    control: &'a str,
    kind: Option<&'a str>,
    responsibility: &'a str,
    status: &'a str,
    title: Option<&'a str>,
    verifications: Vec<VerificationRow<'a>>,
}

#[derive(Serialize)]
struct VerificationRow<'a> {
    evidence: Option<&'a str>,
    method: Option<&'a str>,
    result: &'a str,
    result_source: &'static str,
    test: Option<&'a str>,
    test_cases: Vec<CaseRow<'a>>,
    title: Option<&'a str>,
    verification: &'a str,
}

#[derive(Serialize)]
struct CaseRow<'a> {
    classname: Option<&'a str>,
    column: u32,
    file: String,
    line: u32,
    name: &'a str,
    outcome: &'static str,
}

#[derive(Serialize)]
struct GapRow<'a> {
    control: Option<&'a str>,
    gap: &'static str,
    verification: Option<&'a str>,
}

#[derive(Serialize)]
struct ScoreRow {
    exploitability: i64,
    score: i64,
    severity: i64,
}

impl ScoreRow {
    fn new(score: Score) -> ScoreRow {
        ScoreRow {
            exploitability: score.exploitability,
            score: score.value(),
            severity: score.severity,
        }
    }
}

#[derive(Serialize)]
struct FindingRow<'a> {
    code: &'static str,
    gate: Option<&'a str>,
    item: Option<&'a str>,
    location: Location,
    message: &'a str,
    severity: &'static str,
}

#[derive(Serialize)]
struct EdgeRow<'a> {
    field: &'static str,
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct NodeRow<'a> {
    id: &'a str,
    kind: &'static str,
    layer: usize,
}

#[derive(Serialize)]
struct MissingRow<'a> {
    item: Option<&'a str>,
    section: &'static str,
    what: &'a str,
}

fn grid(grid: &Grid) -> Value {
    json!({
        "total": grid.total(),
        "above_acceptable": grid.above_acceptable(),
        "cells": grid.cells.iter().map(|cell| json!({
            "exploitability": cell.exploitability,
            "severity": cell.severity,
            "score": cell.score(),
            "above_acceptable": cell.above_acceptable,
            "count": cell.risks.len(),
            "risks": ids(&cell.risks),
        })).collect::<Vec<_>>(),
    })
}
