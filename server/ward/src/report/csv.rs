//! `--format csv`: one table per file, for spreadsheets and document tools. With `-o DIR`,
//! each table is `DIR/<name>.csv`; on stdout the tables follow each other, each after a
//! `# table: <name>` line and separated by an empty line. RFC 4180 quoting (the `csv`
//! crate) with `\n` line ends, UTF-8, a header row per table, lists inside a cell joined
//! with `; `; a cell that would start a spreadsheet formula gets a leading `'`.
//!
//! Tables: `summary` (field, value), `gates` (one row per failing item, one row per met
//! rule), `residual` (each gate's residual risk conclusion), `traceability` (one row per risk × control × verification, gaps included),
//! `risk-matrix` (one row per cell of the before and after grids), `deployer-guidance`,
//! `approvals` (one row per approval of a gate), `waivers`, `categories` (FDA's eight, with
//! the controls naming each), `components`, `vulnerabilities` (one row per vulnerability ×
//! assessing risk), `suspect-links`, `links` (the link graph's edges), `missing` (what each
//! section shows missing), `findings` and `items`.

use std::io::{self, Write};

use crate::places::ShownPlaces;
use ward_analysis::report::{AttrValue, ItemLink, Report, ResidualConclusion, Score};

/// Where the tables go: each table's text is written, as it is made, into the writer that
/// `begin` gives for its name.
pub trait Tables {
    fn begin(&mut self, name: &'static str) -> io::Result<&mut dyn Write>;
}

/// Writes every table into `out`.
pub fn render(report: &Report, places: &ShownPlaces<'_>, out: &mut dyn Tables) -> io::Result<()> {
    table(out, "summary", summary(report))?;
    table(out, "gates", gates(report, places))?;
    table(out, "residual", residual(report))?;
    table(out, "traceability", traceability(report, places))?;
    table(out, "risk-matrix", risk_matrix(report))?;
    table(out, "deployer-guidance", guidance(report))?;
    table(out, "approvals", approvals(report))?;
    table(out, "waivers", waivers(report))?;
    table(out, "categories", categories(report))?;
    table(out, "components", components(report))?;
    table(out, "vulnerabilities", vulnerabilities(report))?;
    table(out, "suspect-links", suspect_links(report, places))?;
    table(out, "links", links(report))?;
    table(out, "missing", missing(report))?;
    table(out, "findings", findings(report, places))?;
    table(out, "items", items(report, places))
}

fn table(
    out: &mut dyn Tables,
    name: &'static str,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> io::Result<()> {
    let mut writer = csv::WriterBuilder::new().from_writer(out.begin(name)?);
    for row in rows {
        writer.write_record(row.iter().map(|cell| defuse(cell)))?;
    }
    writer.flush()
}

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage
/// return first) gets a leading `'`, as OWASP advises against CSV injection: a title in a
/// `.ward` file must not become a formula in the reviewer's spreadsheet.
fn defuse(cell: &str) -> std::borrow::Cow<'_, [u8]> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into_bytes().into()
    } else {
        cell.as_bytes().into()
    }
}

fn row<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|cell| (*cell).to_owned()).collect()
}

fn ids(links: &[ItemLink]) -> String {
    links
        .iter()
        .map(|link| &*link.id)
        .collect::<Vec<_>>()
        .join("; ")
}

fn opt(text: Option<&str>) -> String {
    text.unwrap_or_default().to_owned()
}

fn score_cells(score: Option<Score>) -> [String; 3] {
    match score {
        Some(score) => [
            score.exploitability.to_string(),
            score.severity.to_string(),
            score.value().to_string(),
        ],
        None => Default::default(),
    }
}

fn summary(report: &Report) -> Vec<Vec<String>> {
    let h = &report.header;
    let mut rows = vec![
        row(["field", "value"]),
        vec!["title".into(), opt(h.title.as_deref())],
        vec!["has_plan".into(), h.has_plan.to_string()],
        vec!["phases".into(), h.phases.join("; ")],
        vec!["phase".into(), h.phase.clone()],
        vec!["gate_override".into(), opt(h.gate_override.as_deref())],
        vec!["acceptable".into(), h.acceptable.to_string()],
        vec![
            "matrix".into(),
            report
                .risk_matrix
                .matrix
                .as_ref()
                .map(|levels| {
                    levels
                        .iter()
                        .map(|(level, limit)| format!("{level}={limit}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default(),
        ],
        vec!["method".into(), super::text::method(&report.risk_matrix)],
        vec!["residual".into(), super::text::residual(&report.residual)],
        vec!["generated".into(), h.generated.to_string()],
        vec!["ward_version".into(), h.version.clone()],
        vec!["files".into(), h.files.to_string()],
    ];
    for (kind, count) in &h.item_counts {
        rows.push(vec![format!("items.{kind}"), count.to_string()]);
    }
    rows.push(vec!["items".into(), h.total_items().to_string()]);
    rows.push(vec!["errors".into(), h.findings.errors.to_string()]);
    rows.push(vec!["warnings".into(), h.findings.warnings.to_string()]);
    rows.push(vec!["findings".into(), h.findings.total().to_string()]);
    rows
}

fn gates(report: &Report, places: &ShownPlaces<'_>) -> Vec<Vec<String>> {
    let mut rows = vec![row([
        "gate", "status", "gate_met", "rule", "rule_met", "code", "item", "location", "in_check",
    ])];
    for gate in &report.gates {
        let status = gate
            .status
            .map_or("unknown-phase", |status| status.as_str());
        for rule in &gate.rules {
            let lead = [
                gate.phase.clone(),
                status.to_owned(),
                gate.met().to_string(),
                rule.rule.name().to_owned(),
                rule.met.to_string(),
            ];
            if rule.failures.is_empty() {
                let mut cells = lead.to_vec();
                cells.extend([String::new(), String::new(), String::new(), String::new()]);
                rows.push(cells);
            }
            for failure in &rule.failures {
                let mut cells = lead.to_vec();
                cells.extend([
                    failure.code.as_str().to_owned(),
                    failure
                        .item
                        .as_ref()
                        .map(|item| item.id.to_string())
                        .unwrap_or_default(),
                    places.place(failure.location).to_string(),
                    super::text::in_check(failure.in_check).to_owned(),
                ]);
                rows.push(cells);
            }
        }
    }
    rows
}

/// The residual risk conclusion of each gate.
fn residual(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row(["gate", "status", "conclusion", "risks"])];
    for gate in &report.gates {
        let risks = match &gate.residual {
            ResidualConclusion::Unacceptable(risks) => ids(risks),
            _ => String::new(),
        };
        rows.push(vec![
            gate.phase.clone(),
            gate.status
                .map_or("unknown-phase", |status| status.as_str())
                .to_owned(),
            gate.residual.as_str().to_owned(),
            risks,
        ]);
    }
    rows
}

/// The link graph's edges: the traceability graph as a table.
fn links(report: &Report) -> Vec<Vec<String>> {
    let graph = &report.graph;
    let mut rows = vec![row(["from", "from_kind", "field", "to", "to_kind"])];
    for edge in &graph.edges {
        let (from, to) = (&graph.nodes[edge.from], &graph.nodes[edge.to]);
        rows.push(vec![
            from.item.id.to_string(),
            from.kind.as_str().to_owned(),
            edge.via.name().to_owned(),
            to.item.id.to_string(),
            to.kind.as_str().to_owned(),
        ]);
    }
    rows
}

/// What each section shows missing.
fn missing(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row(["section", "item", "what"])];
    for missing in &report.missing {
        rows.push(vec![
            missing.section.as_str().to_owned(),
            missing
                .item
                .as_ref()
                .map(|item| item.id.to_string())
                .unwrap_or_default(),
            missing.what.clone(),
        ]);
    }
    rows
}

fn approvals(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row([
        "gate", "approval", "by", "role", "meaning", "date", "commit",
    ])];
    for gate in &report.gates {
        for approval in &gate.approvals {
            rows.push(vec![
                gate.phase.clone(),
                approval.approval.id.to_string(),
                opt(approval.by.as_deref()),
                opt(approval.role.as_deref()),
                opt(approval.meaning),
                approval
                    .date
                    .map(|date| date.to_string())
                    .unwrap_or_default(),
                opt(approval.commit.as_deref()),
            ]);
        }
    }
    rows
}

fn waivers(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row([
        "waiver",
        "title",
        "waives",
        "items",
        "rationale",
        "approved_by",
        "approved",
        "expires",
        "status",
        "waived",
    ])];
    for waiver in &report.waivers {
        rows.push(vec![
            waiver.waiver.id.to_string(),
            opt(waiver.waiver.title.as_deref()),
            super::text::codes(&waiver.waives).join("; "),
            ids(&waiver.items),
            opt(waiver.rationale.as_deref()),
            opt(waiver.approved_by.as_deref()),
            waiver
                .approved
                .map(|date| date.to_string())
                .unwrap_or_default(),
            waiver
                .expires
                .map(|date| date.to_string())
                .unwrap_or_default(),
            waiver.status.as_str().to_owned(),
            waiver.waived.to_string(),
        ]);
    }
    rows
}

fn categories(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row(["category", "controls", "not_applicable", "covered"])];
    for entry in &report.categories {
        rows.push(vec![
            entry.category.as_str().to_owned(),
            ids(&entry.controls),
            entry.not_applicable.to_string(),
            entry.covered().to_string(),
        ]);
    }
    rows
}

fn traceability(report: &Report, places: &ShownPlaces<'_>) -> Vec<Vec<String>> {
    let mut rows = vec![row([
        "risk",
        "risk_title",
        "threats",
        "assets",
        "exploitability",
        "severity",
        "score",
        "residual_exploitability",
        "residual_severity",
        "residual_score",
        "accepted",
        "control",
        "control_title",
        "responsibility",
        "control_status",
        "verification",
        "verification_title",
        "method",
        "result",
        "result_source",
        "evidence",
        "gap",
    ])];
    for risk in &report.traceability {
        let threats: Vec<ItemLink> = risk.threats.iter().map(|t| t.threat.clone()).collect();
        let mut assets: Vec<ItemLink> = Vec::new();
        for threat in &risk.threats {
            for asset in &threat.assets {
                if !assets.iter().any(|a| a.id == asset.id) {
                    assets.push(asset.clone());
                }
            }
        }
        for trace in risk.rows() {
            let mut cells = vec![
                risk.risk.id.to_string(),
                opt(risk.risk.title.as_deref()),
                ids(&threats),
                ids(&assets),
            ];
            cells.extend(score_cells(risk.score));
            cells.extend(score_cells(risk.residual));
            cells.push(opt(risk.accepted.as_deref()));
            match trace.control {
                Some(control) => cells.extend([
                    control.control.id.to_string(),
                    opt(control.control.title.as_deref()),
                    control.responsibility.to_owned(),
                    control.status.to_owned(),
                ]),
                None => cells.extend([String::new(), String::new(), String::new(), String::new()]),
            }
            match trace.verification {
                Some(v) => cells.extend([
                    v.verification.id.to_string(),
                    opt(v.verification.title.as_deref()),
                    opt(v.method),
                    v.result.to_owned(),
                    super::result_source(&v.result_from, places),
                    opt(v.evidence.as_deref()),
                ]),
                None => cells.extend(std::iter::repeat_n(String::new(), 6)),
            }
            cells.push(
                trace
                    .gap
                    .map(|gap| gap.as_str().to_owned())
                    .unwrap_or_default(),
            );
            rows.push(cells);
        }
    }
    rows
}

fn suspect_links(report: &Report, places: &ShownPlaces<'_>) -> Vec<Vec<String>> {
    let mut rows = vec![row(["location", "item", "target", "stamp", "fingerprint"])];
    for entry in &report.suspect_links {
        rows.push(vec![
            places.place(entry.location).to_string(),
            entry.item.id.to_string(),
            entry.target.id.to_string(),
            entry.stamp.clone(),
            entry.now.clone(),
        ]);
    }
    rows
}

fn risk_matrix(report: &Report) -> Vec<Vec<String>> {
    let matrix = &report.risk_matrix;
    let mut rows = vec![row([
        "stage",
        "exploitability",
        "severity",
        "score",
        "above_acceptable",
        "count",
        "risks",
    ])];
    for (stage, grid) in [("before", &matrix.before), ("after", &matrix.after)] {
        for cell in &grid.cells {
            rows.push(vec![
                stage.to_owned(),
                cell.exploitability.to_string(),
                cell.severity.to_string(),
                cell.score().to_string(),
                cell.above_acceptable.to_string(),
                cell.risks.len().to_string(),
                ids(&cell.risks),
            ]);
        }
    }
    if !matrix.unscored.is_empty() {
        rows.push(vec![
            "unscored".to_owned(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            matrix.unscored.len().to_string(),
            ids(&matrix.unscored),
        ]);
    }
    rows
}

fn guidance(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row(["control", "title", "mitigates", "status", "guidance"])];
    for entry in &report.deployer_guidance {
        rows.push(vec![
            entry.control.id.to_string(),
            opt(entry.control.title.as_deref()),
            ids(&entry.mitigates),
            entry.status.clone(),
            opt(entry.guidance.as_deref()),
        ]);
    }
    rows
}

fn components(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row([
        "component",
        "title",
        "version",
        "item_class",
        "support",
        "support_ends",
        "support_ended",
        "vulnerabilities",
    ])];
    for entry in &report.components {
        rows.push(vec![
            entry.component.id.to_string(),
            opt(entry.component.title.as_deref()),
            opt(entry.version.as_deref()),
            opt(entry.item_class.as_deref()),
            opt(entry.support.as_deref()),
            entry
                .support_ends
                .map(|d| d.to_string())
                .unwrap_or_default(),
            entry.support_ended.to_string(),
            ids(&entry.vulnerabilities),
        ]);
    }
    rows
}

fn vulnerabilities(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![row([
        "vulnerability",
        "title",
        "status",
        "justification",
        "cvss",
        "cvss_score",
        "cvss_rating",
        "affects",
        "risk",
        "residual",
    ])];
    for entry in &report.vulnerabilities {
        let (vector, score, rating) = match &entry.cvss {
            Some((vector, score)) => (
                vector.clone(),
                format!("{:.1}", score.0.score),
                score.0.rating.to_owned(),
            ),
            None => Default::default(),
        };
        let base = vec![
            entry.vulnerability.id.to_string(),
            opt(entry.vulnerability.title.as_deref()),
            entry.status.clone(),
            opt(entry.justification.as_deref()),
            vector,
            score,
            rating,
            ids(&entry.affects),
        ];
        if entry.assessed_by.is_empty() {
            let mut cells = base.clone();
            cells.extend([String::new(), String::new()]);
            rows.push(cells);
        }
        for risk in &entry.assessed_by {
            let mut cells = base.clone();
            cells.extend([risk.risk.id.to_string(), risk.describe_residual()]);
            rows.push(cells);
        }
    }
    rows
}

fn findings(report: &Report, places: &ShownPlaces<'_>) -> Vec<Vec<String>> {
    let mut rows = vec![row([
        "file", "line", "column", "severity", "code", "gate", "item", "message",
    ])];
    for finding in &report.findings {
        let finding_place = places.place(finding.location);
        rows.push(vec![
            finding_place.path,
            finding_place.line.to_string(),
            finding_place.column.to_string(),
            finding.severity.as_str().to_owned(),
            finding.code.as_str().to_owned(),
            opt(finding.gate.as_deref()),
            finding
                .item
                .as_ref()
                .map(|item| item.id.to_string())
                .unwrap_or_default(),
            finding.message.clone(),
        ]);
    }
    rows
}

/// Row by row as the table is written: the catalogue is made entry by entry.
fn items<'r>(
    report: &'r Report,
    places: &'r ShownPlaces<'_>,
) -> impl Iterator<Item = Vec<String>> + 'r {
    let head = row([
        "kind",
        "id",
        "title",
        "file",
        "line",
        "column",
        "duplicate",
        "description",
        "fields",
        "linked_from",
    ]);
    let entries = report.items.entries().map(|entry| {
        let fields: Vec<String> = entry
            .attributes
            .iter()
            .map(|attribute| {
                let values: Vec<&str> = attribute
                    .values
                    .iter()
                    .map(|value| match value {
                        AttrValue::Text(text) => text.as_ref(),
                        AttrValue::Link(link) => &*link.id,
                    })
                    .collect();
                format!("{}: {}", attribute.name, values.join(", "))
            })
            .collect();
        let entry_place = places.place(entry.location);
        vec![
            entry.kind.as_str().to_owned(),
            entry.id.to_string(),
            opt(entry.title),
            entry_place.path,
            entry_place.line.to_string(),
            entry_place.column.to_string(),
            entry.anchor.is_none().to_string(),
            opt(entry.description),
            fields.join("; "),
            ids(&entry.linked_from),
        ]
    });
    std::iter::once(head).chain(entries)
}
