//! `--format gitlab`: a GitLab Code Quality report (the subset of the Code Climate issue
//! format that GitLab reads: description, check_name, fingerprint, severity, location), for
//! `artifacts: reports: codequality:` and the merge request's widget.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use ward_analysis::Severity;

use crate::located::Checked;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

// `positions` rather than `lines`: the report's other form, with columns, which a
// finding inside a long line (a test report on one line, as pytest writes it) needs.
#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    positions: Positions,
}

#[derive(Serialize)]
struct Positions {
    begin: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

pub fn render(checked: &Checked) -> String {
    // How many times each (path, code, message) came before: the fingerprint stays the same
    // when lines move, and tells apart findings that say the same thing in one file.
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let issues: Vec<Issue<'_>> = checked
        .diagnostics
        .iter()
        .map(|located| {
            let diagnostic = &located.diagnostic;
            let code = diagnostic.code.as_str();
            let occurrence = seen
                .entry((&located.path, code, &diagnostic.message))
                .and_modify(|count| *count += 1)
                .or_insert(0);
            Issue {
                description: &diagnostic.message,
                check_name: code,
                fingerprint: fingerprint(&located.path, code, &diagnostic.message, *occurrence),
                // Errors fail the check and gate; GitLab ranks `major` above `minor`.
                severity: match diagnostic.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor", // tidy: GitLab's severity scale
                    Severity::Info => "info",
                },
                location: Location {
                    path: &located.path,
                    positions: Positions {
                        begin: Position {
                            line: located.start.0,
                            column: located.start.1,
                        },
                        end: Position {
                            line: located.end.0,
                            column: located.end.1,
                        },
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).expect("plain data always serialises")
}

fn fingerprint(path: &str, code: &str, message: &str, occurrence: usize) -> String {
    let mut hasher = Sha256::new();
    for part in [path, code, message, &occurrence.to_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
