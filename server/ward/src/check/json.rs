//! `--format json`: one object with the diagnostics and a summary, as the docs specify.

use serde::Serialize;
use ward_analysis::Severity;

use crate::located::Checked;

#[derive(Serialize)]
struct Output<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    range: Range,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    gate: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    /// Present when a waiver waives the diagnostic, which keeps its severity.
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<JsonWaived<'a>>,
}

#[derive(Serialize)]
struct JsonWaived<'a> {
    by: &'a str,
    rationale: &'a str,
    expires: Option<String>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    range: Range,
    message: &'a str,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    items: usize,
    errors: usize,
    warnings: usize,
    waived: usize,
}

fn range(start: (u32, u32), end: (u32, u32)) -> Range {
    Range {
        start: Position {
            line: start.0,
            column: start.1,
        },
        end: Position {
            line: end.0,
            column: end.1,
        },
    }
}

pub fn render(checked: &Checked) -> String {
    let diagnostics = checked
        .diagnostics
        .iter()
        .map(|located| JsonDiagnostic {
            file: &located.path,
            range: range(located.start, located.end),
            severity: located.diagnostic.severity.as_str(),
            code: located.diagnostic.code.as_str(),
            message: &located.diagnostic.message,
            gate: located.diagnostic.gate.as_deref(),
            related: located
                .related
                .iter()
                .map(|related| JsonRelated {
                    file: &related.path,
                    range: range(related.start, related.end),
                    message: &related.message,
                })
                .collect(),
            waived: located.diagnostic.waived.as_ref().map(|waived| JsonWaived {
                by: &waived.by,
                rationale: &waived.rationale,
                expires: waived.expires.map(|date| date.to_string()),
            }),
        })
        .collect();
    let output = Output {
        diagnostics,
        summary: Summary {
            files: checked.files,
            items: checked.items,
            errors: checked.count(Severity::Error),
            warnings: checked.count(Severity::Warning),
            waived: checked.waived(),
        },
    };
    serde_json::to_string_pretty(&output).expect("plain data always serialises")
}
