//! `--format json`: the report model as one JSON object, for tools. The layout is spelled out
//! here field by field (not derived from the model's Rust types), so that a refactoring of
//! the model cannot change the format by accident; `report_format` is bumped on a change.

use super::sink::Sink;
use crate::places::{Place, ShownPlaces};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};
use ward_analysis::FileRange;
use ward_analysis::report::{
    AttrValue, Attribute, Grid, ItemEntry, ItemLink, Report, ResidualConclusion, ResultFrom,
    RuleFailure, Score, TraceRisk,
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
        "gates": report.gates.iter().map(|gate| json!({
            "phase": gate.phase,
            "status": gate.status.map(|status| status.as_str()),
            "met": gate.met(),
            "rules": gate.rules.iter().map(|rule| json!({
                "rule": rule.rule.name(),
                "requires": rule.rule.describe(),
                "met": rule.met,
                "failures": rule.failures.iter().map(|f| failure(f, places)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "residual": gate_residual(&gate.residual),
            "approvals": gate.approvals.iter().map(|approval| json!({
                "approval": approval.approval.id,
                "by": approval.by,
                "role": approval.role,
                "meaning": approval.meaning,
                "date": approval.date.map(|date| date.to_string()),
                "commit": approval.commit,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
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
        .map(|(key, value)| (key, Part::Whole(Element::Value(value))))
        .collect();
    parts.push((
        "method".to_owned(),
        Part::Whole(Element::Value(method(report))),
    ));
    parts.push((
        "residual".to_owned(),
        Part::Whole(Element::Value(residual(report))),
    ));
    parts.push((
        "traceability".to_owned(),
        each(&report.traceability, move |risk| trace(risk, places)),
    ));
    parts.push((
        "findings".to_owned(),
        each(&report.findings, move |finding| {
            json!({
                "location": location(places, finding.location),
                "severity": finding.severity.as_str(),
                "code": finding.code.as_str(),
                "gate": finding.gate,
                "item": finding.item.as_ref().map(|item| &item.id),
                "message": finding.message,
            })
        }),
    ));
    parts.push((
        "items".to_owned(),
        Part::Each(Box::new(report.items.entries().map(move |entry| {
            let place = places.place(entry.location);
            Element::Item(entry, place)
        }))),
    ));
    parts.push(("graph".to_owned(), graph(report)));
    parts.push((
        "missing".to_owned(),
        each(&report.missing, |missing| {
            json!({
                "section": missing.section.as_str(),
                "item": missing.item.as_ref().map(|item| &item.id),
                "what": missing.what,
            })
        }),
    ));
    // serde_json's map is sorted by key: so is the report.
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    write(out, Part::Object(parts), 0);
    out.push('\n');
}

/// A part of the JSON text: a value, an array made one element at a time, or an object of
/// parts. Written as `serde_json::to_string_pretty` writes the same value.
enum Part<'a> {
    Whole(Element<'a>),
    Each(Box<dyn Iterator<Item = Element<'a>> + 'a>),
    Object(Vec<(String, Part<'a>)>),
}

fn each<'a, T>(list: &'a [T], element: impl Fn(&'a T) -> Value + 'a) -> Part<'a> {
    Part::Each(Box::new(list.iter().map(element).map(Element::Value)))
}

/// `indent` spaces.
fn pad(out: &mut Sink<'_>, mut indent: usize) {
    const SPACES: &str = "                                ";
    while indent > 0 {
        let step = indent.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        indent -= step;
    }
}

/// serde_json's pretty output, each line after the first indented by `indent` more spaces:
/// a value printed inside the report's object. Line breaks in strings are escaped, so
/// every `\n` is the printer's own.
struct Indented<'s, 'a> {
    out: &'s mut Sink<'a>,
    indent: usize,
}

impl std::io::Write for Indented<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut lines = bytes.split(|&byte| byte == b'\n');
        if let Some(first) = lines.next() {
            self.out.push_bytes(first);
        }
        for line in lines {
            self.out.push('\n');
            pad(self.out, self.indent);
            self.out.push_bytes(line);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn write(out: &mut Sink<'_>, part: Part<'_>, indent: usize) {
    match part {
        Part::Whole(value) => {
            // serde_json writes token by token: gathered first, the lines are split in runs.
            let mut indented =
                std::io::BufWriter::with_capacity(16 * 1024, Indented { out, indent });
            serde_json::to_writer_pretty(&mut indented, &value)
                .expect("plain data always serialises, and the sink takes every write");
            std::io::Write::flush(&mut indented).expect("the sink takes every write");
        }
        Part::Each(elements) => {
            let mut elements = elements.peekable();
            if elements.peek().is_none() {
                out.push_str("[]");
                return;
            }
            out.push_str("[\n");
            while let Some(element) = elements.next() {
                pad(out, indent + 2);
                write(out, Part::Whole(element), indent + 2);
                out.push_str(if elements.peek().is_some() {
                    ",\n"
                } else {
                    "\n"
                });
            }
            pad(out, indent);
            out.push(']');
        }
        Part::Object(entries) if entries.is_empty() => out.push_str("{}"),
        Part::Object(entries) => {
            out.push_str("{\n");
            let len = entries.len();
            for (at, (key, part)) in entries.into_iter().enumerate() {
                pad(out, indent + 2);
                out.push_str(&serde_json::to_string(&key).expect("a key serialises"));
                out.push_str(": ");
                write(out, part, indent + 2);
                out.push_str(if at + 1 < len { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push('}');
        }
    }
}

/// One element of a list: a value, or an entry of the catalogue written field by field
/// (100k of them: as values, each would allocate every key and every string again).
enum Element<'a> {
    Value(Value),
    Item(ItemEntry<'a>, Place),
}

impl Serialize for Element<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (entry, place) = match self {
            Element::Value(value) => return value.serialize(serializer),
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
        map.serialize_entry("location", &Location(place))?;
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

/// A place as [`location`] writes it.
struct Location<'p>(&'p Place);

impl Serialize for Location<'_> {
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
                json!({
                    "from": graph.nodes[edge.from].item.id,
                    "field": edge.via.name(),
                    "to": graph.nodes[edge.to].item.id,
                })
            }),
        ),
        (
            "nodes".to_owned(),
            each(&graph.nodes, |node| {
                json!({
                    "id": node.item.id,
                    "kind": node.kind.as_str(),
                    "layer": node.layer,
                })
            }),
        ),
    ])
}

fn location(places: &ShownPlaces<'_>, range: FileRange) -> Value {
    let Place { path, line, column } = places.place(range);
    json!({ "file": path, "line": line, "column": column })
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

fn failure(failure: &RuleFailure, places: &ShownPlaces<'_>) -> Value {
    json!({
        "code": failure.code.as_str(),
        "item": failure.item.as_ref().map(|item| &item.id),
        "location": location(places, failure.location),
        "in_check": super::text::in_check(failure.in_check),
    })
}

fn trace(risk: &TraceRisk, places: &ShownPlaces<'_>) -> Value {
    json!({
        "risk": risk.risk.id,
        "title": risk.risk.title,
        "location": location(places, risk.location),
        "threats": risk.threats.iter().map(|threat| json!({
            "threat": threat.threat.id,
            "resolved": threat.threat.kind.is_some(),
            "assets": ids(&threat.assets),
        })).collect::<Vec<_>>(),
        "score": score(risk.score),
        "residual": score(risk.residual),
        "accepted": risk.accepted,
        "harm": risk.harm,
        "hazard": risk.hazard,
        "controls": risk.controls.iter().map(|control| json!({
            "control": control.control.id,
            "title": control.control.title,
            "kind": control.kind,
            "responsibility": control.responsibility,
            "status": control.status,
            "verifications": control.verifications.iter().map(|v| json!({
                "verification": v.verification.id,
                "title": v.verification.title,
                "method": v.method,
                "result": v.result,
                "result_source": v.result_from.as_str(),
                "test_cases": match &v.result_from {
                    ResultFrom::TestReports(cases) => cases.iter().map(|case| {
                        let place = places.place(case.location);
                        json!({
                            "name": case.name,
                            "classname": case.classname,
                            "outcome": case.outcome,
                            "file": place.path,
                            "line": place.line,
                            "column": place.column,
                        })
                    }).collect::<Vec<_>>(),
                    _ => Vec::new(),
                },
                "evidence": v.evidence,
                "test": v.test,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "gaps": risk.rows().iter().filter_map(|row| row.gap.map(|gap| json!({
            "gap": gap.as_str(),
            "control": row.control.map(|c| &c.control.id),
            "verification": row.verification.map(|v| &v.verification.id),
        }))).collect::<Vec<_>>(),
    })
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
