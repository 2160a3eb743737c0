//! `--format markdown`: GitHub-flavoured Markdown with pipe tables. Text from `.ward` files
//! is escaped: `<`, `>` and `&` become HTML entities (so no raw HTML can pass, whatever the
//! renderer), the punctuation Markdown reads as syntax (`\`, `` ` ``, `*`, `_`, `[`, `]`, `|`,
//! `#`, `~`, `!`) gets a backslash, and line breaks become `<br>`, so a title can neither
//! break a table nor become markup.

use std::fmt::Write;

use ward_analysis::ItemKind;
use ward_analysis::report::{
    AttrValue, Grid, ItemLink, Report, ResidualConclusion, ResultFrom, Section, WaiverStatus,
};

use super::sink::Sink;
use super::text;
use crate::places::{Place, ShownPlaces};

/// Escapes text for Markdown, inline (line breaks kept as `<br>`).
pub fn escape(text: &str) -> String {
    if !text
        .chars()
        .any(|ch| matches!(ch, '<' | '>' | '&' | '\r' | '\n') || needs_escape(ch))
    {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            ch if needs_escape(ch) => {
                out.push('\\');
                out.push(ch);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            _ => out.push(ch),
        }
    }
    out
}

/// The characters that carry meaning in GFM inline text or tables; others stay readable.
fn needs_escape(ch: char) -> bool {
    matches!(
        ch,
        '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!'
    )
}

/// Escapes text for inside a code span: backticks cannot be escaped there, so the span is
/// only used for text we make (codes, rule names), which never holds one.
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'").replace('|', "\\|"))
}

/// A location (`path:line:column`). Its path is the file's name, which may hold anything a
/// file name can: a line break inside a code span would end the table row and let the rest
/// of the name be read as Markdown or raw HTML. A path with nothing a code span cannot
/// carry is shown in one; any other is escaped as text, the way titles are.
fn location(place: &Place) -> String {
    let shown = place.to_string();
    let plain = shown.chars().all(|ch| !ch.is_control() && ch != '`');
    if plain { code(&shown) } else { escape(&shown) }
}

fn link(item: &ItemLink) -> String {
    match &item.anchor {
        Some(anchor) => format!("[{}](#{anchor})", escape(&item.id)),
        None => format!("{} (unresolved)", escape(&item.id)),
    }
}

fn link_titled(item: &ItemLink) -> String {
    match &item.title {
        Some(title) => format!("{} {}", link(item), escape(title)),
        None => link(item),
    }
}

fn links(items: &[ItemLink]) -> String {
    items.iter().map(link).collect::<Vec<_>>().join(", ")
}

fn table<Row: AsRef<[String]>>(
    out: &mut Sink<'_>,
    head: &[&str],
    rows: impl IntoIterator<Item = Row>,
) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        head.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for row in rows {
        out.push('|');
        for cell in row.as_ref() {
            out.push(' ');
            out.push_str(if cell.is_empty() { " " } else { cell });
            out.push_str(" |");
        }
        out.push('\n');
    }
    out.push('\n');
}

pub fn render(report: &Report, places: &ShownPlaces<'_>, out: &mut Sink<'_>) {
    header(out, report);
    method(out, report);
    missing(out, report, Section::Method);
    gates(out, report, places);
    missing(out, report, Section::Gates);
    traceability(out, report, places);
    missing(out, report, Section::Traceability);
    risk_matrix(out, report);
    missing(out, report, Section::RiskMatrix);
    guidance(out, report);
    missing(out, report, Section::Guidance);
    waivers(out, report);
    missing(out, report, Section::Waivers);
    categories(out, report);
    missing(out, report, Section::Categories);
    supply_chain(out, report);
    if !report.components.is_empty() {
        missing(out, report, Section::Components);
    }
    if !report.vulnerabilities.is_empty() {
        missing(out, report, Section::Vulnerabilities);
    }
    suspect_links(out, report, places);
    findings(out, report, places);
    items(out, report, places);
}

/// The method of risk evaluation and the acceptance criteria, with the residual risk
/// conclusion. (The pictures of the HTML report have no Markdown form: their data is in the
/// tables.)
fn method(out: &mut Sink<'_>, report: &Report) {
    out.push_str("## Method and acceptance criteria\n\n");
    let _ = writeln!(out, "{}\n", escape(&text::method(&report.risk_matrix)));
    let _ = writeln!(out, "{}\n", escape(&text::residual(&report.residual)));
}

/// What a section shows missing, as a list after it; "nothing" says it was looked for.
fn missing(out: &mut Sink<'_>, report: &Report, section: Section) {
    let found: Vec<&ward_analysis::report::Missing> = report.missing_in(section).collect();
    if found.is_empty() {
        out.push_str("Missing: nothing.\n\n");
        return;
    }
    out.push_str("Missing:\n\n");
    for missing in found {
        match &missing.item {
            Some(item) => {
                let _ = writeln!(out, "- {}: {}", link(item), escape(&missing.what));
            }
            None => {
                let _ = writeln!(out, "- {}", escape(&missing.what));
            }
        }
    }
    out.push('\n');
}

fn suspect_links(out: &mut Sink<'_>, report: &Report, places: &ShownPlaces<'_>) {
    out.push_str(
        "## Suspect links

",
    );
    if report.suspect_links.is_empty() {
        out.push_str(
            "No suspect links: every stamped link's target is unchanged since it was stamped.\n\n",
        );
        return;
    }
    let rows: Vec<Vec<String>> = report
        .suspect_links
        .iter()
        .map(|entry| {
            vec![
                location(&places.place(entry.location)),
                link(&entry.item),
                link_titled(&entry.target),
                code(&entry.stamp),
                code(&entry.now),
            ]
        })
        .collect();
    table(
        out,
        &["Location", "Item", "Links to", "Stamp", "Fingerprint now"],
        &rows,
    );
}

fn header(out: &mut Sink<'_>, report: &Report) {
    let h = &report.header;
    let _ = writeln!(out, "# {}\n", escape(&text::title(h)));
    let _ = writeln!(
        out,
        "Security risk management record for the design history file.\n"
    );
    let plan = if h.has_plan {
        h.title
            .as_deref()
            .map_or_else(|| "untitled plan".to_owned(), escape)
    } else {
        "none: the default phases, acceptable score and no gates apply".to_owned()
    };
    let phases: Vec<String> = h
        .phases
        .iter()
        .map(|phase| {
            if *phase == h.phase {
                format!("**{}** (current)", escape(phase))
            } else {
                escape(phase)
            }
        })
        .collect();
    let _ = writeln!(out, "- Plan: {plan}");
    let _ = writeln!(out, "- Phases: {}", phases.join(" → "));
    if let Some(gate) = &h.gate_override {
        let _ = writeln!(
            out,
            "- Reported with {}: as if every gate up to {} had been passed",
            code(&format!("--gate {gate}")),
            code(gate)
        );
    }
    let _ = writeln!(
        out,
        "- Acceptable: {}",
        text::acceptability(&report.risk_matrix)
    );
    let _ = writeln!(out, "- Generated: {}", h.generated);
    let _ = writeln!(out, "- Ward version: {}", escape(&h.version));
    let _ = writeln!(out, "- Files: {}\n", h.files);
    let mut head: Vec<String> = h
        .item_counts
        .iter()
        .map(|(kind, _)| kind.heading())
        .collect();
    head.extend(["Items", "Errors", "Warnings", "Findings"].map(str::to_owned));
    let mut row: Vec<String> = h
        .item_counts
        .iter()
        .map(|(_, count)| count.to_string())
        .collect();
    row.extend([
        h.total_items().to_string(),
        h.findings.errors.to_string(),
        h.findings.warnings.to_string(),
        h.findings.total().to_string(),
    ]);
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    table(out, &head, &[row]);
}

fn gates(out: &mut Sink<'_>, report: &Report, places: &ShownPlaces<'_>) {
    out.push_str("## Gate status\n\n");
    if report.gates.is_empty() {
        out.push_str(if report.header.has_plan {
            "The plan has no gates.\n\n"
        } else {
            "The workspace has no plan, so there are no phase gates.\n\n"
        });
        return;
    }
    out.push_str(
        "A rule is met when no item has one of its findings, whatever their severity in \
         `ward check` (the rules of later gates may be off there).\n\n",
    );
    let rows: Vec<Vec<String>> = report
        .gates
        .iter()
        .map(|gate| {
            vec![
                code(&gate.phase),
                gate.status
                    .map_or("unknown phase", |status| status.as_str())
                    .to_owned(),
                format!("{} of {}", gate.rules_met(), gate.rules.len()),
                if gate.met() { "met" } else { "**not met**" }.to_owned(),
            ]
        })
        .collect();
    table(out, &["Gate", "Status", "Rules met", "Verdict"], &rows);
    for gate in &report.gates {
        let _ = writeln!(
            out,
            "### Gate {} ({})\n",
            code(&gate.phase),
            gate.status
                .map_or("unknown phase", |status| status.as_str())
        );
        let _ = writeln!(
            out,
            "Residual risk: {}.\n",
            residual_conclusion(&gate.residual)
        );
        let rows: Vec<Vec<String>> = gate
            .rules
            .iter()
            .map(|rule| {
                let failures: Vec<String> = rule
                    .failures
                    .iter()
                    .map(|failure| {
                        format!(
                            "{} {} at {} (check: {})",
                            failure
                                .item
                                .as_ref()
                                .map_or_else(|| "(no item)".to_owned(), link),
                            code(failure.code.as_str()),
                            location(&places.place(failure.location)),
                            text::in_check(failure.in_check)
                        )
                    })
                    .collect();
                vec![
                    code(rule.rule.name()),
                    escape(rule.rule.describe()),
                    if rule.met { "met" } else { "**not met**" }.to_owned(),
                    failures.join("<br>"),
                ]
            })
            .collect();
        table(
            out,
            &["Rule", "Requires", "Met", "Items that fail it"],
            &rows,
        );
        if gate.approvals.is_empty() {
            out.push_str("No approval signs this gate.\n\n");
        } else {
            let rows: Vec<Vec<String>> = gate
                .approvals
                .iter()
                .map(|approval| {
                    vec![
                        link(&approval.approval),
                        approval.by.as_deref().map(escape).unwrap_or_default(),
                        approval.role.as_deref().map(escape).unwrap_or_default(),
                        approval.meaning.unwrap_or_default().to_owned(),
                        text::date(approval.date),
                        approval.commit.as_deref().map(escape).unwrap_or_default(),
                    ]
                })
                .collect();
            table(
                out,
                &["Approval", "By", "Role", "Meaning", "Date", "Commit"],
                &rows,
            );
        }
    }
}

/// A gate's residual risk conclusion, with the risks that fail it.
fn residual_conclusion(conclusion: &ResidualConclusion) -> String {
    match conclusion {
        ResidualConclusion::Unacceptable(risks) => {
            format!("{} ({})", conclusion.describe(), links(risks))
        }
        other => other.describe().to_owned(),
    }
}

fn traceability(out: &mut Sink<'_>, report: &Report, places: &ShownPlaces<'_>) {
    let acceptable = report.header.acceptable;
    let _ = writeln!(
        out,
        "## Traceability matrix\n\nOne row per verification of each control of each risk; a \
         row with a gap shows where the chain breaks. Score = exploitability × severity; \
         acceptable: {acceptable}.\n"
    );
    if report.traceability.is_empty() {
        out.push_str("The workspace has no risks.\n\n");
        return;
    }
    // Row by row as the table is written, not all rows first.
    let rows = report.traceability.iter().flat_map(|risk| {
        risk.rows().into_iter().map(move |row| {
            let threats: Vec<String> = risk
                .threats
                .iter()
                .map(|threat| {
                    if threat.assets.is_empty() {
                        link(&threat.threat)
                    } else {
                        format!("{} → {}", link(&threat.threat), links(&threat.assets))
                    }
                })
                .collect();
            let residual = match risk.residual {
                Some(residual) if risk.residual_above_acceptable => match &risk.accepted {
                    Some(accepted) => format!(
                        "{} (accepted: {})",
                        text::score(Some(residual)),
                        escape(accepted)
                    ),
                    None => format!("{} (above acceptable)", text::score(Some(residual))),
                },
                Some(residual) => text::score(Some(residual)),
                None => String::new(),
            };
            let (control, responsibility) = match row.control {
                Some(control) => (
                    link_titled(&control.control),
                    format!("{}, {}", control.responsibility, control.status),
                ),
                None => ("no control".to_owned(), String::new()),
            };
            let (verification, method, result, evidence) = match row.verification {
                Some(v) => (
                    link_titled(&v.verification),
                    v.method.unwrap_or_default().to_owned(),
                    match &v.result_from {
                        ResultFrom::TestReports(_) => format!(
                            "{}<br>{}",
                            v.result,
                            escape(&super::result_source(&v.result_from, places))
                        ),
                        _ => v.result.to_owned(),
                    },
                    v.evidence.as_deref().map(escape).unwrap_or_default(),
                ),
                None if row.control.is_some() => (
                    "no verification".to_owned(),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
                None => Default::default(),
            };
            vec![
                link_titled(&risk.risk),
                threats.join("<br>"),
                risk.score
                    .map_or_else(|| "unscored".to_owned(), |s| text::score(Some(s))),
                residual,
                control,
                responsibility,
                verification,
                method,
                result,
                evidence,
                row.gap
                    .map(|gap| format!("**{}**", gap.describe()))
                    .unwrap_or_default(),
            ]
        })
    });
    table(
        out,
        &[
            "Risk",
            "Threats → assets",
            "Score",
            "Residual",
            "Control",
            "Responsibility, status",
            "Verification",
            "Method",
            "Result",
            "Evidence",
            "Gap",
        ],
        rows,
    );
}

fn grid(out: &mut Sink<'_>, grid: &Grid, caption: &str) {
    let _ = writeln!(
        out,
        "### {caption}\n\n{} risks, {} above acceptable. Rows: exploitability; columns: \
         severity; `▲` marks cells above the acceptable score.\n",
        grid.total(),
        grid.above_acceptable()
    );
    let rows: Vec<Vec<String>> = grid
        .rows()
        .map(|row| {
            let mut cells = vec![format!("**{}**", row[0].exploitability)];
            for cell in row {
                let mark = if cell.above_acceptable { " ▲" } else { "" };
                let mut text = format!("{}{mark}", cell.risks.len());
                if !cell.risks.is_empty() {
                    text.push_str(&format!(": {}", links(&cell.risks)));
                }
                cells.push(text);
            }
            cells
        })
        .collect();
    table(
        out,
        &["Exploitability ↓ severity →", "1", "2", "3", "4", "5"],
        &rows,
    );
}

fn risk_matrix(out: &mut Sink<'_>, report: &Report) {
    let matrix = &report.risk_matrix;
    let _ = writeln!(
        out,
        "## Risk matrix\n\nNumber of risks per exploitability × severity cell; acceptable: {}. After \
         mitigation, a risk that a control mitigates sits at its residual score; one without \
         control stays where it was.\n",
        text::acceptability(matrix)
    );
    grid(out, &matrix.before, "Before mitigation");
    grid(out, &matrix.after, "After mitigation");
    if !matrix.unscored.is_empty() {
        let _ = writeln!(
            out,
            "Unscored risks, in neither grid: {}\n",
            links(&matrix.unscored)
        );
    }
}

fn guidance(out: &mut Sink<'_>, report: &Report) {
    out.push_str("## Deployer guidance\n\n");
    if report.deployer_guidance.is_empty() {
        out.push_str("No control is the deployer's responsibility.\n\n");
        return;
    }
    let rows: Vec<Vec<String>> = report
        .deployer_guidance
        .iter()
        .map(|entry| {
            vec![
                link_titled(&entry.control),
                links(&entry.mitigates),
                entry.status.clone(),
                entry
                    .guidance
                    .as_deref()
                    .map_or_else(|| "**no guidance**".to_owned(), escape),
            ]
        })
        .collect();
    table(out, &["Control", "Mitigates", "Status", "Guidance"], &rows);
}

fn waivers(out: &mut Sink<'_>, report: &Report) {
    out.push_str("## Waivers\n\n");
    if report.waivers.is_empty() {
        out.push_str("No finding is waived.\n\n");
        return;
    }
    let rows: Vec<Vec<String>> = report
        .waivers
        .iter()
        .map(|waiver| {
            let codes: Vec<String> = text::codes(&waiver.waives).into_iter().map(code).collect();
            vec![
                link_titled(&waiver.waiver),
                codes.join(", "),
                links(&waiver.items),
                waiver.rationale.as_deref().map(escape).unwrap_or_default(),
                waiver
                    .approved_by
                    .as_deref()
                    .map(escape)
                    .unwrap_or_default(),
                text::date(waiver.approved),
                text::date(waiver.expires),
                match waiver.status {
                    WaiverStatus::Active => format!("active, {} waived", waiver.waived),
                    status => format!("**{}**", status.as_str()),
                },
            ]
        })
        .collect();
    table(
        out,
        &[
            "Waiver",
            "Waives",
            "Items",
            "Rationale",
            "Approved by",
            "Approved",
            "Expires",
            "Status",
        ],
        &rows,
    );
}

fn categories(out: &mut Sink<'_>, report: &Report) {
    out.push_str(
        "## Security control categories\n\nFDA's eight categories (premarket guidance, \
         2025, V.B.1): the controls that name each, or the plan's `not-applicable`.\n\n",
    );
    let rows: Vec<Vec<String>> = report
        .categories
        .iter()
        .map(|entry| {
            let covered = if !entry.controls.is_empty() {
                links(&entry.controls)
            } else if entry.not_applicable {
                "not applicable (plan)".to_owned()
            } else {
                "**no control**".to_owned()
            };
            vec![code(entry.category.as_str()), covered]
        })
        .collect();
    table(out, &["Category", "Controls"], &rows);
}

/// The components and vulnerabilities sections, when the workspace has any.
fn supply_chain(out: &mut Sink<'_>, report: &Report) {
    if !report.components.is_empty() {
        out.push_str(
            "## Components

",
        );
        let rows: Vec<Vec<String>> = report
            .components
            .iter()
            .map(|entry| {
                vec![
                    link_titled(&entry.component),
                    entry.version.as_deref().map(escape).unwrap_or_default(),
                    entry.item_class.clone().unwrap_or_default(),
                    entry.support.clone().unwrap_or_default(),
                    match entry.describe_support_ends() {
                        Some(ends) if entry.support_ended => format!("**{ends}**"),
                        Some(ends) => ends,
                        None => String::new(),
                    },
                    links(&entry.vulnerabilities),
                ]
            })
            .collect();
        table(
            out,
            &[
                "Component",
                "Version",
                "Class",
                "Support",
                "End of support",
                "Vulnerabilities",
            ],
            &rows,
        );
    }
    if !report.vulnerabilities.is_empty() {
        out.push_str(
            "## Vulnerabilities

",
        );
        let rows: Vec<Vec<String>> = report
            .vulnerabilities
            .iter()
            .map(|entry| {
                let assessed: Vec<String> = entry
                    .assessed_by
                    .iter()
                    .map(|risk| format!("{}: {}", link(&risk.risk), risk.describe_residual()))
                    .collect();
                vec![
                    link_titled(&entry.vulnerability),
                    entry.status.clone(),
                    entry.justification.clone().unwrap_or_default(),
                    entry
                        .cvss
                        .as_ref()
                        .map(|(_, score)| score.0.to_string())
                        .unwrap_or_default(),
                    links(&entry.affects),
                    assessed.join("; "),
                ]
            })
            .collect();
        table(
            out,
            &[
                "Vulnerability",
                "Status",
                "Justification",
                "CVSS",
                "Affects",
                "Assessed by (residual)",
            ],
            &rows,
        );
    }
}

fn findings(out: &mut Sink<'_>, report: &Report, places: &ShownPlaces<'_>) {
    out.push_str("## Findings\n\n");
    if report.findings.is_empty() {
        out.push_str("No findings: `ward check` reports nothing.\n\n");
        return;
    }
    let rows: Vec<Vec<String>> = report
        .findings
        .iter()
        .map(|finding| {
            vec![
                location(&places.place(finding.location)),
                finding.severity.as_str().to_owned(),
                code(finding.code.as_str()),
                finding.item.as_ref().map(link).unwrap_or_default(),
                escape(&finding.message),
            ]
        })
        .collect();
    table(
        out,
        &["Location", "Severity", "Code", "Item", "Message"],
        &rows,
    );
}

fn items(out: &mut Sink<'_>, report: &Report, places: &ShownPlaces<'_>) {
    out.push_str("## Items\n\n");
    for kind in ItemKind::reported() {
        let count = report.items.count(kind);
        let _ = writeln!(out, "### {} ({count})\n", kind.heading());
        if count == 0 {
            out.push_str("None.\n\n");
            continue;
        }
        let rows = report.items.entries_of(kind).map(|entry| {
            let id = match &entry.anchor {
                // IDs are letters, digits, `_`, `-` and `.`; anything else gets no anchor.
                Some(anchor)
                    if anchor
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) =>
                {
                    format!("<a id=\"{anchor}\"></a>{}", escape(entry.id))
                }
                Some(_) => escape(entry.id),
                None => format!("{} (duplicate)", escape(entry.id)),
            };
            let attributes: Vec<String> = entry
                .attributes
                .iter()
                .map(|attribute| {
                    let values: Vec<String> = attribute
                        .values
                        .iter()
                        .map(|value| match value {
                            AttrValue::Text(text) => escape(text),
                            AttrValue::Link(target) => link(target),
                        })
                        .collect();
                    format!("{}: {}", escape(attribute.name), values.join(", "))
                })
                .collect();
            let mut attributes = attributes;
            if !entry.linked_from.is_empty() {
                attributes.push(format!(
                    "{}: {}",
                    entry.linked_from_label(),
                    links(&entry.linked_from)
                ));
            }
            vec![
                id,
                entry.title.map(escape).unwrap_or_default(),
                entry.description.map(escape).unwrap_or_default(),
                attributes.join("<br>"),
                location(&places.place(entry.location)),
            ]
        });
        table(
            out,
            &["ID", "Title", "Description", "Fields", "Location"],
            rows,
        );
    }
}
