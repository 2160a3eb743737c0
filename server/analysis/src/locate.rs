//! Places position-free findings in the text through the source maps, and adds the syntax
//! errors: the last, cheap step that re-runs when an edit only moves text.

use std::sync::Arc;

use ward_syntax::{ItemKind, SourceMap, SyntaxErrorKind, TextRange};

use crate::checks::{
    Finding, SyntaxPlace, check_file, check_file_every_gate_passed, unused_waivers,
};
use crate::db::{Db, SourceFile, parse};
use crate::diagnostics::{Code, Diagnostic, FileRange, Related, Severity, Waived};
use crate::suggest;

#[salsa::tracked(returns(clone))]
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    // Only a file with waivers asks whether they are used: asked of every file, the query
    // was one more to verify per file of the workspace after every keystroke. `parse` is
    // read below in any case, so this adds no dependency.
    let has_waivers = parse(db, file)
        .ast
        .items
        .iter()
        .any(|item| item.kind == ItemKind::Waiver);
    let unused = if has_waivers {
        unused_waivers(db, file)
    } else {
        Arc::default()
    };
    let findings = check_file(db, file);
    if unused.is_empty() {
        return located(db, file, &findings);
    }
    let all: Vec<Finding> = findings.iter().chain(unused.iter()).cloned().collect();
    located(db, file, &all)
}

/// The diagnostics of a file as if every gate had been passed.
#[salsa::tracked(returns(clone))]
pub fn file_diagnostics_every_gate_passed(db: &dyn Db, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    located(db, file, &check_file_every_gate_passed(db, file))
}

fn located(db: &dyn Db, file: SourceFile, findings: &[Finding]) -> Arc<Vec<Diagnostic>> {
    let parsed = parse(db, file);
    let mut diagnostics: Vec<Diagnostic> = parsed
        .errors
        .iter()
        .map(|error| Diagnostic {
            file,
            range: error.range,
            severity: Severity::Error,
            code: match error.kind {
                SyntaxErrorKind::Parse | SyntaxErrorKind::UnknownKind => Code::SyntaxError,
                SyntaxErrorKind::InvalidEscape => Code::InvalidValue,
            },
            message: match error.kind {
                SyntaxErrorKind::UnknownKind => {
                    let range = error.range.start as usize..error.range.end as usize;
                    let word = file.text(db).get(range).unwrap_or_default();
                    unknown_kind_message(&error.message, word)
                }
                _ => error.message.clone(),
            },
            gate: None,
            related: Vec::new(),
            waived: None,
        })
        .collect();
    for finding in findings {
        let related = finding
            .related
            .iter()
            .map(|(other, loc, message)| Related {
                location: FileRange {
                    file: *other,
                    range: place(db, *other, *loc),
                },
                message: message.clone(),
            })
            .collect();
        diagnostics.push(Diagnostic {
            file,
            range: locate(&parsed.source_map, finding.at),
            severity: finding.severity,
            code: finding.code,
            message: finding.message.clone(),
            gate: finding.gate.clone(),
            related,
            waived: finding.waived.as_ref().map(|by| Waived {
                by: by.id.clone(),
                rationale: by.rationale.clone(),
                expires: by.expires,
                location: FileRange {
                    file: by.waiver.file,
                    range: locate(
                        &parse(db, by.waiver.file).source_map,
                        SyntaxPlace::Item(by.waiver.item),
                    ),
                },
            }),
        });
    }
    diagnostics.sort_by_key(|d| (d.range.start, d.code));
    Arc::new(diagnostics)
}

/// The range of a place in any file: an input file's places are ranges already, and it has
/// no syntax to parse.
pub(crate) fn place(db: &dyn Db, file: SourceFile, loc: SyntaxPlace) -> TextRange {
    match loc {
        SyntaxPlace::Input(range) => range,
        _ => locate(&parse(db, file).source_map, loc),
    }
}

/// An unknown item kind's message, with the kind it was likely meant to be, or the kinds.
fn unknown_kind_message(message: &str, word: &str) -> String {
    let kinds = ItemKind::ALL.iter().map(|kind| kind.as_str());
    match suggest::closest(word, kinds.clone()) {
        Some(kind) => format!("{message}; did you mean `{kind}`?"),
        None => {
            let kinds: Vec<String> = kinds.map(|kind| format!("`{kind}`")).collect();
            format!(
                "{message}: an item starts with its kind, one of {}",
                kinds.join(", ")
            )
        }
    }
}

/// The range of a [`SyntaxPlace`]. Locations come from the same lowering as the map, so indices are
/// in bounds; an out-of-bounds index (a bug) falls back to the start of the file.
pub fn locate(map: &SourceMap, loc: SyntaxPlace) -> TextRange {
    let item = |at: u32| map.items.get(at as usize);
    let found = match loc {
        SyntaxPlace::Item(at) => item(at).map(|item| item.focus()),
        SyntaxPlace::Keyword(at) => item(at).map(|item| item.keyword),
        SyntaxPlace::FieldName(at, field) => item(at)
            .and_then(|i| i.fields.get(field as usize))
            .map(|f| f.name),
        SyntaxPlace::Value(at, field, value) => item(at)
            .and_then(|i| i.fields.get(field as usize))
            .and_then(|f| f.values.get(value as usize))
            .copied(),
        SyntaxPlace::Block(at, block) => item(at)
            .and_then(|i| i.blocks.get(block as usize))
            .map(|b| b.keyword),
        SyntaxPlace::BlockName(at, block) => item(at)
            .and_then(|i| i.blocks.get(block as usize))
            .map(|b| b.name.unwrap_or(b.keyword)),
        SyntaxPlace::BlockFieldName(at, block, field) => item(at)
            .and_then(|i| i.blocks.get(block as usize))
            .and_then(|b| b.fields.get(field as usize))
            .map(|f| f.name),
        SyntaxPlace::BlockValue(at, block, field, value) => item(at)
            .and_then(|i| i.blocks.get(block as usize))
            .and_then(|b| b.fields.get(field as usize))
            .and_then(|f| f.values.get(value as usize))
            .copied(),
        SyntaxPlace::Input(range) => Some(range),
        SyntaxPlace::Stamp(at, field, value, len) => item(at)
            .and_then(|i| i.fields.get(field as usize))
            .and_then(|f| f.values.get(value as usize))
            .map(|&name| {
                let start = name.end as usize + 1;
                TextRange::new(start, start + len as usize)
            }),
    };
    found.unwrap_or_default()
}
