//! `--format html`: one self-contained, printable page. Inline CSS, no scripts, no external
//! requests (a Content-Security-Policy says so to the browser too). Markup is built with
//! maud, which escapes every interpolated value: no text from a `.ward` file can become
//! markup. Every item has an anchor `item-<ID>` that the tables link to.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use ward_analysis::report::{AttrValue, Grid, ItemEntry, ItemLink, Report, TraceRisk};
use ward_analysis::{GateStatus, ItemKind, Severity};

use super::text;

const STYLE: &str = r#"
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de;
  --head: #f3f5f7; --bad: #b42318; --bad-bg: #fdecea; --good: #1a7f37; --good-bg: #e6f4ea;
  --warn: #9a6700; --warn-bg: #fff4d6; --link: #0b57d0; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--fg); margin: 0 auto; padding: 1.5rem 2rem 3rem; max-width: 1400px; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem;
  margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin-top: 1.75rem; }
h4 { margin: 0 0 .35rem; font-size: 1rem; }
a { color: var(--link); }
a:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
.subtitle, .muted, .where { color: var(--muted); }
.where { font-size: .85em; }
code, .id, .code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .9em; }
.id { font-weight: 600; white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
  margin: 1rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
nav ol { columns: 2; max-width: 40rem; }
table { border-collapse: collapse; margin: .75rem 0 1.25rem; width: 100%; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: .35rem 0; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--head); }
tbody th { font-weight: normal; }
table.counts, table.gates { width: auto; }
table.counts td { text-align: right; font-variant-numeric: tabular-nums; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.title { display: block; color: var(--muted); font-size: .9em; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .85em;
  font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.met, .passed-rule, .pass { color: var(--good); background: var(--good-bg); }
.unmet, .fail, .error { color: var(--bad); background: var(--bad-bg); }
.pending, .warning, .current { color: var(--warn); background: var(--warn-bg); }
.passed, .later, .info, .off { color: var(--muted); background: #fff; }
td.gap { color: var(--bad); font-weight: 600; }
.above { color: var(--bad); font-weight: 700; }
div.wide { overflow-x: auto; }
table.trace { font-size: .9em; }
table.trace .id, table.grid .id { white-space: normal; }
table.trace td.score { white-space: nowrap; }
table.trace td.evidence { font-size: .9em; overflow-wrap: anywhere; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li + li { margin-top: .2rem; }
.grids { display: flex; flex-wrap: wrap; gap: 2rem; }
.grids > div { flex: 1 1 26rem; min-width: 0; }
table.grid { table-layout: fixed; }
table.grid th.axis { width: 7.5rem; vertical-align: bottom; }
table.grid tbody th { font-weight: 600; }
table.grid tbody td { height: 4.5rem; }
table.grid td.above { background: var(--bad-bg); border-color: #f1b5ae; }
table.grid .count { font-size: 1.3rem; font-weight: 700; display: block; }
table.grid td.empty .count { color: #b9c0c7; font-weight: 400; }
table.grid .cell-score { font-size: .75em; color: var(--muted); display: block; }
table.grid td.above .cell-score { color: var(--bad); }
table.grid .risks a { display: block; font-size: .8em; }
.legend { font-size: .9em; color: var(--muted); }
article.item { border: 1px solid var(--line); border-radius: .4rem; padding: .6rem .8rem;
  margin: .6rem 0; }
article.item:target { outline: 3px solid var(--link); }
article.item dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem;
  margin: .4rem 0 0; }
article.item dt { color: var(--muted); }
article.item dd { margin: 0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85em; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 10pt; padding: 0; max-width: none; }
  nav { display: none; }
  section { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  tr, article.item, table.grid { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The Content-Security-Policy of the page: styles inline, nothing else, no scripts.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; \
                   script-src 'none'; base-uri 'none'; form-action 'none'";

pub fn render(report: &Report) -> String {
    let title = text::title(&report.header);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "Ward " (report.header.version) };
                title { (title) " — Ward report" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (header(report, &title))
                nav aria-label="Contents" {
                    h2 { "Contents" }
                    ol {
                        li { a href="#gate-status" { "Gate status" } }
                        li { a href="#traceability" { "Traceability matrix" } }
                        li { a href="#risk-matrix" { "Risk matrix" } }
                        li { a href="#deployer-guidance" { "Deployer guidance" } }
                        li { a href="#findings" { "Findings" } }
                        li { a href="#items" { "Items" } }
                    }
                }
                main {
                    (gates(report))
                    (traceability(report))
                    (risk_matrix(report))
                    (guidance(report))
                    (findings(report))
                    (items(report))
                }
                footer {
                    "Generated by Ward " (report.header.version) " at "
                    time datetime=(report.header.generated.to_string()) {
                        (report.header.generated.to_string())
                    }
                    "."
                }
            }
        }
    };
    let mut out = page.into_string();
    out.push('\n');
    out
}

/// The badge class of a control's status: an implemented control is a met one.
fn control_status_class(status: &str) -> &'static str {
    if status == ward_analysis::schema::Status::Implemented.as_str() {
        "pass" // tidy: a CSS class
    } else {
        "pending" // tidy: a CSS class
    }
}

/// A link to an item's entry, with its title under the ID when `titled`.
fn link(item: &ItemLink, titled: bool) -> Markup {
    html! {
        @match &item.anchor {
            Some(anchor) => a.id href={ "#" (anchor) } { (item.id) },
            None => span.id.unresolved title="no item has this ID" { (item.id) },
        }
        @if titled {
            @if let Some(title) = &item.title { span.title { (title) } }
        }
    }
}

fn links(items: &[ItemLink]) -> Markup {
    html! {
        @for (at, item) in items.iter().enumerate() {
            @if at > 0 { ", " }
            (link(item, false))
        }
    }
}

fn header(report: &Report, title: &str) -> Markup {
    let h = &report.header;
    html! {
        header {
            h1 { (title) }
            p.subtitle { "Security risk management record for the design history file" }
            dl.facts {
                dt { "Plan" }
                dd {
                    @if h.has_plan {
                        @match &h.title { Some(t) => (t), None => "untitled plan" }
                    } @else {
                        "none: the default phases, acceptable score and no gates apply"
                    }
                }
                dt { "Phases" }
                dd {
                    @for (at, phase) in h.phases.iter().enumerate() {
                        @if at > 0 { " → " }
                        @if *phase == h.phase { strong { (phase) " (current)" } } @else { (phase) }
                    }
                }
                @if let Some(gate) = &h.gate_override {
                    dt { "Reported with" }
                    dd { code { "--gate " (gate) } ": as if every gate up to " code { (gate) } " had been passed" }
                }
                dt { "Acceptable score" }
                dd { (h.acceptable) " (exploitability × severity, highest accepted without mitigation)" }
                dt { "Generated" }
                dd { time datetime=(h.generated.to_string()) { (h.generated.to_string()) } }
                dt { "Ward version" }
                dd { (h.version) }
                dt { "Files" }
                dd { (h.files) }
            }
            table.counts {
                caption { "Items and findings" }
                thead {
                    tr {
                        @for (kind, _) in &h.item_counts { th scope="col" { (kind.heading()) } }
                        th scope="col" { "Items" }
                        th scope="col" { "Errors" }
                        th scope="col" { "Warnings" }
                        th scope="col" { "Findings" }
                    }
                }
                tbody {
                    tr {
                        @for (_, count) in &h.item_counts { td { (count) } }
                        td { (h.total_items()) }
                        td { (h.findings.errors) }
                        td { (h.findings.warnings) }
                        td { (h.findings.total()) }
                    }
                }
            }
        }
    }
}

fn status_badge(status: Option<GateStatus>) -> Markup {
    match status {
        Some(status) => html! { span class={ "badge " (status.as_str()) } { (status.as_str()) } },
        None => html! { span.badge.unmet { "unknown phase" } },
    }
}

fn met_badge(met: bool) -> Markup {
    if met {
        html! { span.badge.met { "✔ met" } }
    } else {
        html! { span.badge.unmet { "✘ not met" } }
    }
}

fn gates(report: &Report) -> Markup {
    html! {
        section #gate-status aria-labelledby="gate-status-h" {
            h2 #gate-status-h { "Gate status" }
            @if report.gates.is_empty() {
                p {
                    @if report.header.has_plan { "The plan has no gates." }
                    @else { "The workspace has no plan, so there are no phase gates." }
                }
            } @else {
                p.legend {
                    "A rule is met when no item has one of its findings, whatever their severity in "
                    code { "ward check" } " (the rules of later gates may be off there). A "
                    em { "passed" } " gate with an unmet rule is a phase-gate gap."
                }
                table.gates {
                    caption { "Gates in phase order" }
                    thead { tr {
                        th scope="col" { "Gate" }
                        th scope="col" { "Status" }
                        th scope="col" { "Rules met" }
                        th scope="col" { "Verdict" }
                    } }
                    tbody {
                        @for gate in &report.gates {
                            tr {
                                th scope="row" { a href={ "#gate-" (gate.phase) } { code { (gate.phase) } } }
                                td { (status_badge(gate.status)) }
                                td.num { (gate.rules_met()) " of " (gate.rules.len()) }
                                td { (met_badge(gate.met())) }
                            }
                        }
                    }
                }
                @for gate in &report.gates {
                    table.gate id={ "gate-" (gate.phase) } {
                        caption {
                            "Gate " code { (gate.phase) } " " (status_badge(gate.status)) " "
                            (met_badge(gate.met()))
                        }
                        thead { tr {
                            th scope="col" { "Rule" }
                            th scope="col" { "Requires" }
                            th scope="col" { "Met" }
                            th scope="col" { "Items that fail it" }
                        } }
                        tbody {
                            @for rule in &gate.rules {
                                tr {
                                    th scope="row" { code { (rule.rule.name()) } }
                                    td { (rule.rule.describe()) }
                                    td { (met_badge(rule.met)) }
                                    td {
                                        @if rule.failures.is_empty() { span.muted { "none" } }
                                        @else {
                                            ul.plain {
                                                @for failure in &rule.failures {
                                                    li {
                                                        @match &failure.item {
                                                            Some(item) => (link(item, false)),
                                                            None => span.muted { "(no item)" },
                                                        }
                                                        " " code { (failure.code.as_str()) }
                                                        " " span.where { (failure.location.to_string()) }
                                                        " " span class={ "badge " (text::in_check(failure.in_check)) }
                                                            title="how ward check reports it" {
                                                            "check: " (text::in_check(failure.in_check))
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn result_badge(result: &str) -> Markup {
    html! { span class={ "badge " (result) } { (result) } }
}

/// The mark of a score above the acceptable one, as in the risk grids.
fn above_mark(acceptable: i64) -> Markup {
    html! {
        " " span.above title={ "above the acceptable score " (acceptable) } { "▲" }
    }
}

fn score_cell(risk: &TraceRisk, acceptable: i64) -> Markup {
    html! {
        @match risk.score {
            Some(score) => {
                (text::score(Some(score)))
                @if score.value() > acceptable { (above_mark(acceptable)) }
            },
            None => span.badge.unmet { "unscored" },
        }
    }
}

fn residual_cell(risk: &TraceRisk, acceptable: i64) -> Markup {
    html! {
        @match risk.residual {
            Some(residual) => {
                (text::score(Some(residual)))
                @if residual.value() > acceptable {
                    (above_mark(acceptable))
                    // The rationale itself is in the risk's entry, under Items.
                    @if risk.accepted.is_some() {
                        " " span.badge.warning { "accepted" } // tidy: a label, not the field
                    } @else {
                        " " span.badge.unmet { "not accepted" }
                    }
                }
            },
            None => span.muted { "—" },
        }
    }
}

fn traceability(report: &Report) -> Markup {
    let acceptable = report.header.acceptable;
    html! {
        section #traceability aria-labelledby="traceability-h" {
            h2 #traceability-h { "Traceability matrix" }
            p.legend {
                "One group of rows per risk: the threats it assesses and the assets they target, "
                "its score and residual score (exploitability × severity; ▲ above the acceptable "
                (acceptable) "), its controls and each control's verifications. A row with a gap "
                "shows where the chain breaks. The rationale of an accepted residual risk is in "
                "the risk's entry under Items."
            }
            @if report.traceability.is_empty() {
                p { "The workspace has no risks." }
            } @else {
                div.wide {
                table.trace {
                    caption { "Traceability: threats and assets → risks → controls → verifications" }
                    thead { tr {
                        th scope="col" { "Risk" }
                        th scope="col" { "Threats → assets" }
                        th scope="col" { "Score" }
                        th scope="col" { "Residual" }
                        th scope="col" { "Control" }
                        th scope="col" { "Verification" }
                        th scope="col" { "Result" }
                        th scope="col" { "Evidence" }
                        th scope="col" { "Gap" }
                    } }
                    @for risk in &report.traceability {
                        tbody {
                            @for row in risk.rows(acceptable) {
                                tr {
                                    @if row.first_of_risk {
                                        @let span = risk.row_count();
                                        th scope="rowgroup" rowspan=(span) { (link(&risk.risk, true)) }
                                        td rowspan=(span) {
                                            @if risk.threats.is_empty() { span.muted { "—" } }
                                            @else {
                                                ul.plain {
                                                    @for threat in &risk.threats {
                                                        li {
                                                            (link(&threat.threat, false))
                                                            @if !threat.assets.is_empty() {
                                                                " → " (links(&threat.assets))
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                        td.score rowspan=(span) { (score_cell(risk, acceptable)) }
                                        td.score rowspan=(span) { (residual_cell(risk, acceptable)) }
                                    }
                                    @match row.control {
                                        Some(control) => {
                                            @if row.first_of_control {
                                                td rowspan=(control.verifications.len().max(1)) {
                                                    (link(&control.control, true))
                                                    div.where {
                                                        (control.responsibility)
                                                        @if let Some(kind) = &control.kind { ", " (kind) }
                                                        " "
                                                        span class={ "badge " (control_status_class(&control.status)) } {
                                                            (control.status)
                                                        }
                                                    }
                                                }
                                            }
                                        },
                                        None => td.muted { "no control" },
                                    }
                                    @match row.verification {
                                        Some(v) => {
                                            td {
                                                (link(&v.verification, true))
                                                @if let Some(method) = &v.method { div.where { (method) } }
                                            }
                                            td { (result_badge(&v.result)) }
                                            td.text.evidence {
                                                @if let Some(evidence) = &v.evidence { (evidence) }
                                                @else { span.muted { "—" } }
                                            }
                                        },
                                        None => {
                                            td.muted colspan="3" {
                                                @if row.control.is_some() { "no verification" } @else { "—" }
                                            }
                                        },
                                    }
                                    @match row.gap {
                                        Some(gap) => td.gap { (gap.describe()) },
                                        None => td { },
                                    }
                                }
                            }
                        }
                    }
                }
                }
            }
        }
    }
}

fn grid(grid: &Grid, caption: &str, stage: &str) -> Markup {
    html! {
        table.grid data-stage=(stage) {
            caption { (caption) " — " (grid.total()) " risks, " (grid.above_acceptable()) " above acceptable" }
            thead {
                tr {
                    th.axis scope="col" rowspan="2" { "Exploitability ↓" }
                    th scope="colgroup" colspan="5" { "Severity →" }
                }
                tr {
                    @for severity in Grid::scale() { th scope="col" { (severity) } }
                }
            }
            tbody {
                @for row in grid.rows() {
                    tr {
                        th scope="row" { (row[0].exploitability) }
                        @for cell in row {
                            td class={
                                @if cell.above_acceptable { "above" } @else { "within" }
                                @if cell.risks.is_empty() { " empty" }
                            }
                            data-exploitability=(cell.exploitability)
                            data-severity=(cell.severity)
                            data-count=(cell.risks.len()) {
                                span.count { (cell.risks.len()) }
                                span.cell-score {
                                    "score " (cell.score())
                                    @if cell.above_acceptable { " ▲" }
                                }
                                @if !cell.risks.is_empty() {
                                    span.risks {
                                        @for risk in &cell.risks { (link(risk, false)) " " }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn risk_matrix(report: &Report) -> Markup {
    let matrix = &report.risk_matrix;
    html! {
        section #risk-matrix aria-labelledby="risk-matrix-h" {
            h2 #risk-matrix-h { "Risk matrix" }
            p.legend {
                "Number of risks per exploitability × severity cell. Shaded cells marked ▲ score "
                "above the acceptable " (matrix.acceptable) ". After mitigation, a risk that a "
                "control mitigates sits at its residual score; one without control stays where it was."
            }
            div.grids {
                div { (grid(&matrix.before, "Before mitigation", "before")) }
                div { (grid(&matrix.after, "After mitigation", "after")) }
            }
            @if !matrix.unscored.is_empty() {
                p { "Unscored risks, in neither grid: " (links(&matrix.unscored)) }
            }
        }
    }
}

fn guidance(report: &Report) -> Markup {
    html! {
        section #deployer-guidance aria-labelledby="deployer-guidance-h" {
            h2 #deployer-guidance-h { "Deployer guidance" }
            @if report.deployer_guidance.is_empty() {
                p { "No control is the deployer's responsibility." }
            } @else {
                p.legend { "Every control with " code { "responsibility: deployer" } ": what the deployer (the hospital, the clinic) must do." }
                table.guidance {
                    caption { "Controls the deployer puts in place" }
                    thead { tr {
                        th scope="col" { "Control" }
                        th scope="col" { "Mitigates" }
                        th scope="col" { "Status" }
                        th scope="col" { "Guidance" }
                    } }
                    tbody {
                        @for entry in &report.deployer_guidance {
                            tr {
                                th scope="row" { (link(&entry.control, true)) }
                                td { (links(&entry.mitigates)) }
                                td { (entry.status) }
                                @match &entry.guidance {
                                    Some(guidance) => td.text { (guidance) },
                                    None => td.gap { "no guidance" },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn severity_class(severity: Severity) -> &'static str {
    severity.as_str()
}

fn findings(report: &Report) -> Markup {
    html! {
        section #findings aria-labelledby="findings-h" {
            h2 #findings-h { "Findings" }
            @if report.findings.is_empty() {
                p { "No findings: " code { "ward check" } " reports nothing." }
            } @else {
                p.legend { "Every diagnostic of " code { "ward check" } ", in its order." }
                table.findings {
                    caption { (report.findings.len()) " findings" }
                    thead { tr {
                        th scope="col" { "Location" }
                        th scope="col" { "Severity" }
                        th scope="col" { "Code" }
                        th scope="col" { "Item" }
                        th scope="col" { "Message" }
                    } }
                    tbody {
                        @for finding in &report.findings {
                            tr {
                                th scope="row" { code { (finding.location.to_string()) } }
                                td { span class={ "badge " (severity_class(finding.severity)) } { (finding.severity.as_str()) } }
                                td { code { (finding.code.as_str()) } }
                                td { @if let Some(item) = &finding.item { (link(item, false)) } }
                                td.text { (finding.message) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn item(entry: &ItemEntry) -> Markup {
    html! {
        article.item id=[entry.anchor.as_deref()] {
            h4 {
                span.id { (entry.id) }
                @if let Some(title) = &entry.title { " — " (title) }
            }
            div.where {
                (entry.kind.as_str()) " · " code { (entry.location.to_string()) }
                @if entry.anchor.is_none() { " · duplicate definition" }
            }
            @if let Some(description) = &entry.description {
                p.text { (description) }
            }
            @if !entry.attributes.is_empty() || !entry.linked_from.is_empty() {
                dl {
                    @for attribute in &entry.attributes {
                        dt { (attribute.name) }
                        dd.text {
                            @for (at, value) in attribute.values.iter().enumerate() {
                                @if at > 0 { ", " }
                                @match value {
                                    AttrValue::Text(text) => (text),
                                    AttrValue::Link(target) => (link(target, false)),
                                }
                            }
                        }
                    }
                    @if !entry.linked_from.is_empty() {
                        dt { (entry.linked_from_label()) }
                        dd { (links(&entry.linked_from)) }
                    }
                }
            }
        }
    }
}

fn items(report: &Report) -> Markup {
    html! {
        section #items aria-labelledby="items-h" {
            h2 #items-h { "Items" }
            @for kind in ItemKind::reported() {
                @let entries: Vec<&ItemEntry> = report.items.iter().filter(|e| e.kind == kind).collect();
                h3 { (kind.heading()) " (" (entries.len()) ")" }
                @if entries.is_empty() { p.muted { "None." } }
                @for entry in entries { (item(entry)) }
            }
        }
    }
}
