//! Quick fixes: for each finding with an obvious repair, the edits that make it go away.
//! A fix is *safe* when it cannot lose the user's text and leaves nothing to fill in: a
//! misspelt field name or keyword value replaced by the one word of the language it is
//! nearest to, or a repeated field removed when it repeats the same values. Those are what
//! `source.fixAll` applies; the others (an ID that may name the wrong item, a new item,
//! an acceptance) wait for the user to choose them.

use std::collections::BTreeMap;

use ward_syntax::{ItemMap, TextRange};

use crate::checks::{Finding, SyntaxPlace, check_file};
use crate::db::{Db, SourceFile, all_definitions, file_ast, parse};
use crate::diagnostics::Code;
use crate::ide::{SourceChange, TextEdit};
use crate::locate::locate;
use crate::model::{ItemModel, RiskScore, Scoring};
use crate::plan::plan;
use crate::schema::{FieldSpec, FieldType, ItemKind, control, residual, risk, verification};

/// One quick fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// The finding it repairs: its code and where it is in the file asked about.
    pub code: Code,
    pub range: TextRange,
    pub change: SourceChange,
    /// Whether `source.fixAll` applies it (see the module's comment).
    pub safe: bool,
}

/// The fixes of the findings of `file` that touch `range`.
pub(crate) fn fixes(db: &dyn Db, file: SourceFile, range: TextRange) -> Vec<Fix> {
    let findings = check_file(db, file);
    let map = &parse(db, file).source_map;
    let mut fixes = Vec::new();
    let mut seen_missing: Vec<u32> = Vec::new();
    for finding in findings.iter() {
        let at = locate(map, finding.at);
        if at.start > range.end || range.start > at.end {
            continue;
        }
        // One item's missing fields are several findings at one place; its fixes once.
        if finding.code == Code::MissingField {
            match finding.at.item() {
                Some(item) if !seen_missing.contains(&item) => seen_missing.push(item),
                _ => continue,
            }
        }
        Fixer {
            db,
            file,
            finding,
            at,
            out: &mut fixes,
        }
        .fix();
    }
    fixes
}

/// The safe fixes of a whole file whose edits do not overlap, in text order.
pub(crate) fn fix_all(db: &dyn Db, file: SourceFile) -> Vec<Fix> {
    let whole = TextRange::new(0, file.text(db).len());
    let mut taken: Vec<TextRange> = Vec::new();
    let mut chosen = Vec::new();
    for fix in fixes(db, file, whole).into_iter().filter(|fix| fix.safe) {
        let ranges: Vec<TextRange> = fix
            .change
            .edits
            .iter()
            .flat_map(|(_, edits)| edits.iter().map(|edit| edit.range))
            .collect();
        let overlaps = ranges.iter().any(|range| {
            taken
                .iter()
                .any(|other| range.start < other.end && other.start < range.end)
        });
        if !overlaps {
            taken.extend(ranges);
            chosen.push(fix);
        }
    }
    chosen
}

struct Fixer<'a> {
    db: &'a dyn Db,
    file: SourceFile,
    finding: &'a Finding,
    at: TextRange,
    out: &'a mut Vec<Fix>,
}

impl Fixer<'_> {
    fn fix(&mut self) {
        let finding = self.finding;
        match (finding.code, finding.at) {
            (Code::UnknownField, _) | (Code::InvalidValue, _) => {
                if let Some(best) = &finding.suggestion {
                    self.replace(self.at, best, true);
                }
            }
            (Code::UnresolvedReference, SyntaxPlace::Value(item, field, value)) => {
                self.unresolved(item, field, value)
            }
            (Code::DuplicateField, SyntaxPlace::FieldName(item, field)) => {
                self.duplicate(item, field)
            }
            (Code::UnmitigatedRisk, SyntaxPlace::Item(item)) => {
                self.create_below(item, ItemKind::Control, &control::MITIGATES)
            }
            (Code::UnverifiedControl, SyntaxPlace::Item(item)) => {
                self.create_below(item, ItemKind::Verification, &verification::VERIFIES)
            }
            (Code::UnacceptableResidual, SyntaxPlace::Item(item)) => {
                self.residual(item);
                self.add_fields(
                    item,
                    "Accept the residual risk (write why)",
                    &[&risk::ACCEPTED],
                );
            }
            (Code::UnsignedAcceptance, SyntaxPlace::Item(item)) => {
                let signature = [&risk::ACCEPTED_BY, &risk::ACCEPTED_ON];
                self.add_fields(item, "Sign the acceptance", &signature);
            }
            (Code::MissingField, SyntaxPlace::Item(item)) => self.missing(item),
            _ => {}
        }
    }

    fn push(&mut self, title: String, safe: bool, edits: Vec<(SourceFile, TextEdit)>) {
        let mut by_file: BTreeMap<SourceFile, Vec<TextEdit>> = BTreeMap::new();
        for (file, edit) in edits {
            by_file.entry(file).or_default().push(edit);
        }
        self.out.push(Fix {
            title,
            code: self.finding.code,
            range: self.at,
            change: SourceChange {
                edits: by_file.into_iter().collect(),
            },
            safe,
        });
    }

    fn replace(&mut self, range: TextRange, with: &str, safe: bool) {
        let edit = TextEdit {
            range,
            new_text: with.to_owned(),
        };
        self.push(format!("Change to `{with}`"), safe, vec![(self.file, edit)]);
    }

    fn item_map(&self, item: u32) -> Option<&ItemMap> {
        parse(self.db, self.file)
            .source_map
            .items
            .get(item as usize)
    }

    /// A link that names no item: the nearest ID, or a new item of each kind it may name.
    fn unresolved(&mut self, item: u32, field: u32, value: u32) {
        let ast = file_ast(self.db, self.file);
        let Some(syntax) = ast.items.get(item as usize) else {
            return;
        };
        let Some(field) = syntax.fields.get(field as usize) else {
            return;
        };
        let (Some(value), Some(spec)) = (
            field.values.get(value as usize),
            syntax.kind.spec().field(&field.name),
        ) else {
            return;
        };
        let (Some(name), Some(link)) = (value.as_link(), spec.ty.link()) else {
            return;
        };
        // A stamped link keeps its stamp: only the name is replaced.
        let name_range =
            TextRange::new(self.at.start as usize, self.at.start as usize + name.len());
        if let Some(best) = self.finding.suggestion.clone() {
            self.replace(name_range, &best, false);
        }
        for &kind in link.targets {
            let stub = stub(self.db, kind, name, &[]);
            let target = home_of(self.db, kind, self.file);
            let title = format!(
                "Create {} `{name}`{}",
                kind.with_article(),
                self.in_file(target)
            );
            let edit = append_item(self.db, target, &stub);
            self.push(title, false, vec![(target, edit)]);
        }
    }

    /// " in controls.ward" when the new item goes to another file than the one asked about.
    fn in_file(&self, target: SourceFile) -> String {
        if target == self.file {
            return String::new();
        }
        let path = target.path(self.db);
        let name = path.file_name().unwrap_or(path.as_os_str());
        format!(" in {}", name.to_string_lossy())
    }

    /// A new item of `kind` whose `via` field links to the item the finding is at.
    fn create_below(&mut self, item: u32, kind: ItemKind, via: &FieldSpec) {
        let ast = file_ast(self.db, self.file);
        let Some(id) = ast
            .items
            .get(item as usize)
            .and_then(|item| item.id.clone())
        else {
            return;
        };
        let new_id = next_id(self.db, kind);
        let stub = stub(self.db, kind, &new_id, &[(via, id.as_str())]);
        let target = home_of(self.db, kind, self.file);
        let title = format!(
            "Create {} `{new_id}` that {} `{id}`{}",
            kind.as_str(),
            via.name,
            self.in_file(target)
        );
        let edit = append_item(self.db, target, &stub);
        self.push(title, false, vec![(target, edit)]);
    }

    /// A mitigated risk whose residual is above the plan's limit and that has no
    /// `residual { }`: the block with the highest exploitability the plan accepts at its
    /// severity (a lower severity only when no exploitability is enough), which is the
    /// residual the controls must reach.
    fn residual(&mut self, item: u32) {
        let ast = file_ast(self.db, self.file);
        let Some(risk) = ast
            .items
            .get(item as usize)
            .and_then(|item| ItemModel::of(item).risk())
        else {
            return;
        };
        let Scoring::Scored(score) = risk.scoring() else {
            return;
        };
        if risk.residual().is_some() {
            return;
        }
        let plan = plan(self.db);
        let FieldType::Int(low, high) = residual::EXPLOITABILITY.ty else {
            return;
        };
        let target = (low..=score.severity).rev().find_map(|severity| {
            (low..=high.min(score.exploitability))
                .rev()
                .map(|exploitability| RiskScore {
                    exploitability,
                    severity,
                })
                .find(|candidate| plan.is_acceptable(*candidate))
        });
        let Some(target) = target else {
            return;
        };
        let mut fields = vec![format!(
            "{}: {}",
            residual::EXPLOITABILITY.name,
            target.exploitability
        )];
        if target.severity != score.severity {
            fields.push(format!("{}: {}", residual::SEVERITY.name, target.severity));
        }
        let line = format!("{} {{ {} }}", residual::BLOCK.keyword, fields.join(" "));
        let Some(edit) = self
            .item_map(item)
            .and_then(|map| add_line(self.file.text(self.db), map, &line))
        else {
            return;
        };
        let title = format!("Add `{line}`, the residual the plan accepts");
        self.push(title, false, vec![(self.file, edit)]);
    }

    /// Adds those of `fields` the item lacks, each with a value to fill in.
    fn add_fields(&mut self, item: u32, title: &str, fields: &[&FieldSpec]) {
        let ast = file_ast(self.db, self.file);
        let Some(syntax) = ast.items.get(item as usize) else {
            return;
        };
        let lines: Vec<String> = fields
            .iter()
            .filter(|spec| syntax.field(spec.name).is_none())
            .filter_map(|spec| Some(format!("{}: {}", spec.name, placeholder(self.db, spec)?)))
            .collect();
        if lines.is_empty() {
            return;
        }
        let text = self.file.text(self.db);
        let Some(map) = self.item_map(item) else {
            return;
        };
        let Some(edit) = add_lines(text, map, &lines) else {
            return;
        };
        self.push(title.to_owned(), false, vec![(self.file, edit)]);
    }

    /// The item's missing required fields that have a value to fill in (a text, a date);
    /// a missing link is the user's to choose.
    fn missing(&mut self, item: u32) {
        let ast = file_ast(self.db, self.file);
        let Some(syntax) = ast.items.get(item as usize) else {
            return;
        };
        let missing: Vec<&FieldSpec> = syntax
            .kind
            .fields()
            .iter()
            .filter(|spec| spec.required && syntax.field(spec.name).is_none())
            .filter(|spec| placeholder(self.db, spec).is_some())
            .collect();
        for spec in missing {
            self.add_fields(item, &format!("Add `{}`", spec.name), &[spec]);
        }
    }

    /// A field given a second time: removed, with the line it stands on.
    fn duplicate(&mut self, item: u32, field: u32) {
        let ast = file_ast(self.db, self.file);
        let Some(syntax) = ast.items.get(item as usize) else {
            return;
        };
        let Some(repeated) = syntax.fields.get(field as usize) else {
            return;
        };
        let first = syntax.field(&repeated.name);
        let Some(map) = self.item_map(item) else {
            return;
        };
        let Some(field_map) = map.fields.get(field as usize) else {
            return;
        };
        let text = self.file.text(self.db);
        let range = removal(text, field_map.range);
        // The same values again: removing them changes nothing the model holds.
        let safe = first.is_some_and(|first| first.values == repeated.values);
        let edit = TextEdit {
            range,
            new_text: String::new(),
        };
        let title = format!("Remove the repeated `{}`", repeated.name);
        self.push(title, safe, vec![(self.file, edit)]);
    }
}

/// The value a new field starts with: an empty text to write, or today for a date; `None`
/// for what only the user can choose (links, keywords, numbers).
fn placeholder(db: &dyn Db, spec: &FieldSpec) -> Option<String> {
    match spec.ty {
        FieldType::Str | FieldType::Text => Some("\"\"".to_owned()),
        FieldType::Date => Some(db.workspace().today(db).to_string()),
        _ => None,
    }
}

/// The text of a new item: its header, the given links, and its required fields that have
/// a value to fill in.
fn stub(db: &dyn Db, kind: ItemKind, id: &str, links: &[(&FieldSpec, &str)]) -> String {
    let mut lines = vec![format!("{} {id} {{", kind.spec().keyword)];
    for (spec, target) in links {
        lines.push(format!("  {}: {target}", spec.name));
    }
    for spec in kind.fields().iter().filter(|spec| spec.required) {
        if links.iter().any(|(link, _)| link.name == spec.name) {
            continue;
        }
        if let Some(value) = placeholder(db, spec) {
            lines.push(format!("  {}: {value}", spec.name));
        }
    }
    if lines.len() == 1 {
        return format!("{}}}", lines[0]);
    }
    lines.push("}".to_owned());
    lines.join("\n")
}

/// Where a new item of `kind` goes: the file that holds most items of that kind, the file
/// asked about when it holds as many or when no file holds any.
fn home_of(db: &dyn Db, kind: ItemKind, asked: SourceFile) -> SourceFile {
    let mut counts: BTreeMap<SourceFile, usize> = BTreeMap::new();
    for (_, def) in all_definitions(db) {
        if def.kind == kind {
            *counts.entry(def.file).or_default() += 1;
        }
    }
    let most = counts.values().copied().max().unwrap_or(0);
    if most == 0 || counts.get(&asked) == Some(&most) {
        return asked;
    }
    counts
        .iter()
        .filter(|(_, count)| **count == most)
        .map(|(file, _)| *file)
        .min_by(|a, b| a.path(db).cmp(b.path(db)))
        .unwrap_or(asked)
}

/// A free ID for a new item of `kind`, in the style of the IDs it already has: the next
/// number after the most common prefix (`C-7` after `C-6`), else the first segment of its
/// IDs numbered (`C-1` beside `C-APP-ATTEST`), else the keyword (`CONTROL-1`).
fn next_id(db: &dyn Db, kind: ItemKind) -> String {
    let definitions = all_definitions(db);
    let taken = |id: &str| definitions.iter().any(|(name, _)| name == id);
    let ids: Vec<&str> = definitions
        .iter()
        .filter(|(_, def)| def.kind == kind)
        .map(|(name, _)| name.as_str())
        .collect();
    // Prefix → (how many IDs, highest number, widest number).
    let mut numbered: BTreeMap<&str, (usize, u64, usize)> = BTreeMap::new();
    let mut segments: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &ids {
        let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && digits < id.len() {
            let (prefix, number) = id.split_at(id.len() - digits);
            if let Ok(number) = number.parse::<u64>() {
                let entry = numbered.entry(prefix).or_default();
                entry.0 += 1;
                entry.1 = entry.1.max(number);
                entry.2 = entry.2.max(digits);
            }
        }
        if let Some(dash) = id.find('-') {
            *segments.entry(&id[..=dash]).or_default() += 1;
        }
    }
    let most_common = |counts: &mut dyn Iterator<Item = (&str, usize)>| {
        // The most IDs; ties to the first prefix in sorted order.
        counts
            .fold(None::<(&str, usize)>, |best, (prefix, count)| match best {
                Some((_, most)) if most >= count => best,
                _ => Some((prefix, count)),
            })
            .map(|(prefix, _)| prefix.to_owned())
    };
    let (prefix, mut number, width) = match most_common(
        &mut numbered
            .iter()
            .map(|(prefix, (count, _, _))| (*prefix, *count)),
    ) {
        Some(prefix) => {
            let (_, highest, width) = numbered[prefix.as_str()];
            (prefix, highest + 1, width)
        }
        None => {
            let prefix = most_common(&mut segments.iter().map(|(p, c)| (*p, *c)))
                .unwrap_or_else(|| format!("{}-", kind.spec().keyword.to_uppercase()));
            (prefix, 1, 1)
        }
    };
    loop {
        let id = format!("{prefix}{number:0width$}");
        if !taken(&id) {
            return id;
        }
        number += 1;
    }
}

/// The line break a file uses: CRLF when its first line ends so, else LF.
fn line_break(text: &str) -> &'static str {
    match text.find('\n') {
        Some(at) if text[..at].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// The edit that appends an item at the end of a file, after a blank line, with the
/// file's line breaks.
fn append_item(db: &dyn Db, file: SourceFile, item: &str) -> TextEdit {
    let text = file.text(db);
    let nl = line_break(text);
    let blank = format!("{nl}{nl}");
    let separator = if text.trim().is_empty() || text.ends_with(&blank) {
        ""
    } else if text.ends_with('\n') {
        nl
    } else {
        &blank
    };
    TextEdit {
        range: TextRange::new(text.len(), text.len()),
        new_text: format!("{separator}{}{nl}", item.replace('\n', nl)),
    }
}

fn add_line(text: &str, item: &ItemMap, line: &str) -> Option<TextEdit> {
    add_lines(text, item, &[line.to_owned()])
}

/// The edit that adds fields (or a block) at the end of an item's body: each on a line of
/// its own, indented like the item's last field, or before the closing brace of an item
/// written on one line. `None` for an item without its closing brace.
fn add_lines(text: &str, item: &ItemMap, lines: &[String]) -> Option<TextEdit> {
    let start = item.range.start as usize;
    let end = item.range.end as usize;
    if !text[..end].ends_with('}') {
        return None;
    }
    let close = end - 1;
    if !text[start..end].contains('\n') {
        let before = if text[..close].ends_with(' ') {
            ""
        } else {
            " "
        };
        return Some(TextEdit {
            range: TextRange::new(close, close),
            new_text: format!("{before}{} ", lines.join(" ")),
        });
    }
    let last = item
        .fields
        .iter()
        .map(|field| field.range)
        .chain(item.blocks.iter().map(|block| block.range))
        .max_by_key(|range| range.end);
    let (anchor, indent) = match last {
        Some(range) => (range.end as usize, indentation(text, range.start as usize)),
        None => {
            let header_end = item.title.or(item.id).unwrap_or(item.keyword).end as usize;
            let brace = header_end + text[header_end..close].find('{')?;
            (
                brace + 1,
                format!("{}  ", indentation(text, item.range.start as usize)),
            )
        }
    };
    // After a comment that ends the anchor's line, not before it.
    let line_end = text[anchor..]
        .find('\n')
        .map_or(text.len(), |at| anchor + at);
    let at = if text[anchor..line_end].trim_start().starts_with("//") {
        line_end
    } else {
        anchor
    };
    let nl = line_break(text);
    let new_text: String = lines
        .iter()
        .map(|line| format!("{nl}{indent}{line}"))
        .collect();
    Some(TextEdit {
        range: TextRange::new(at, at),
        new_text,
    })
}

/// The spaces and tabs that start the line holding `offset`.
fn indentation(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// What removing a field takes away: its whole lines when it stands on lines of its own,
/// else the field and the spaces before it.
fn removal(text: &str, field: TextRange) -> TextRange {
    let (start, end) = (field.start as usize, field.end as usize);
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |at| end + at);
    let alone = text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty();
    if alone && line_end < text.len() {
        return TextRange::new(line_start, line_end + 1);
    }
    let before = text[..start].trim_end_matches([' ', '\t']).len();
    TextRange::new(before, end)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::ide::fixture;

    /// Every fix offered at the cursor, each as its title, then the files it changes as
    /// they would read after it. Today is 1 December 2026.
    fn check(fixture_text: &str, expected: Expect) {
        let mut fixture = fixture::load(fixture_text);
        fixture.host.set_today(crate::Date::constant(2026, 12, 1));
        let analysis = fixture.analysis();
        let position = fixture.position();
        let range = TextRange::new(position.offset, position.offset);
        let fixes = analysis.fixes(position.file, range).unwrap();
        expected.assert_eq(&render(&analysis, &fixes));
    }

    fn render(analysis: &crate::Analysis, fixes: &[Fix]) -> String {
        let mut out = String::new();
        for fix in fixes {
            let safe = if fix.safe { " (safe)" } else { "" };
            out.push_str(&format!("== {}{safe} [{}]\n", fix.title, fix.code));
            for (file, edits) in &fix.change.edits {
                let mut text = analysis.text(*file).to_string();
                let mut edits = edits.clone();
                edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
                for edit in edits {
                    text.replace_range(
                        edit.range.start as usize..edit.range.end as usize,
                        &edit.new_text,
                    );
                }
                out.push_str(&format!(
                    "-- {}\n{text}",
                    fixture::relative(analysis, *file)
                ));
            }
        }
        out
    }

    #[test]
    fn an_unknown_link_is_corrected_or_created_where_its_kind_lives() {
        check(
            r#"
            //- /assets.ward
            asset A-PUMP { kind: data }
            asset A-APP { kind: data }
            //- /threats.ward
            threat T-1 { targets: A-PUMB$0 }
            "#,
            expect![[r#"
                == Change to `A-PUMP` [unresolved-reference]
                -- threats.ward
                threat T-1 { targets: A-PUMP }
                == Create an asset `A-PUMB` in assets.ward [unresolved-reference]
                -- assets.ward
                asset A-PUMP { kind: data }
                asset A-APP { kind: data }

                asset A-PUMB {}
                == Create a component `A-PUMB` [unresolved-reference]
                -- threats.ward
                threat T-1 { targets: A-PUMB }

                component A-PUMB {}
            "#]],
        );
    }

    #[test]
    fn misspelt_words_of_the_language_are_corrected_safely() {
        check(
            "asset A-1 { kidn$0: data }",
            expect![[r#"
                == Change to `kind` (safe) [unknown-field]
                -- main.ward
                asset A-1 { kind: data }"#]],
        );
        check(
            r#"
            risk R-1 { threat: T-1 exploitability: 1 severity: 1 }
            threat T-1 { targets: A-1 }
            asset A-1 { kind: data }
            control C-1 { mitigates: R-1 status: implemnted$0 }
            "#,
            expect![[r#"
                == Change to `implemented` (safe) [invalid-value]
                -- main.ward
                risk R-1 { threat: T-1 exploitability: 1 severity: 1 }
                threat T-1 { targets: A-1 }
                asset A-1 { kind: data }
                control C-1 { mitigates: R-1 status: implemented }
            "#]],
        );
    }

    #[test]
    fn a_repeated_field_is_removed_with_its_line() {
        check(
            r#"
            asset A-1 {
              kind: data
              // the second is a copy
              kind$0: data
              properties: integrity
            }
            "#,
            expect![[r#"
                == Remove the repeated `kind` (safe) [duplicate-field]
                -- main.ward
                asset A-1 {
                  kind: data
                  // the second is a copy
                  properties: integrity
                }
            "#]],
        );
        // Another value: removing it loses what the user wrote, so it is not safe.
        check(
            "asset A-1 { kind: data kind$0: function }",
            expect![[r#"
                == Remove the repeated `kind` [duplicate-field]
                -- main.ward
                asset A-1 { kind: data }"#]],
        );
    }

    #[test]
    fn an_unmitigated_risk_gets_a_control_where_the_controls_are() {
        check(
            r#"
            //- /risks.ward
            asset A-1 { kind: data }
            threat T-1 { targets: A-1 }
            risk R-1$0 { threat: T-1 exploitability: 4 severity: 4 }
            //- /controls.ward
            control C-01 { mitigates: R-0 }
            control C-02 { mitigates: R-0 }
            risk R-0 { threat: T-1 exploitability: 1 severity: 1 }
            "#,
            expect![[r#"
                == Create control `C-03` that mitigates `R-1` in controls.ward [unmitigated-risk]
                -- controls.ward
                control C-01 { mitigates: R-0 }
                control C-02 { mitigates: R-0 }
                risk R-0 { threat: T-1 exploitability: 1 severity: 1 }

                control C-03 {
                  mitigates: R-1
                }
            "#]],
        );
    }

    #[test]
    fn new_items_and_fields_take_the_line_breaks_of_their_file() {
        let fixture = fixture::load(
            "asset A-1 { kind: data }\r\nthreat T-1 { targets: A-1 }\r\nrisk R-1 {\r\n  threat: T-1\r\n  exploitability: 5\r\n  severity: 5\r\n}\r\ncontrol C-1 { mitigates: R-1 }\r\n",
        );
        let analysis = fixture.analysis();
        let file = fixture.file("/main.ward");
        let fixes = analysis.fixes(file, TextRange::new(0, 200)).unwrap();
        let titles: Vec<&str> = fixes.iter().map(|fix| fix.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Add `residual { exploitability: 1 }`, the residual the plan accepts",
                "Accept the residual risk (write why)",
                "Create verification `VERIFICATION-1` that verifies `C-1`",
            ]
        );
        for fix in &fixes {
            for edit in &fix.change.edits[0].1 {
                let bare = edit.new_text.replace("\r\n", "");
                assert!(!bare.contains('\n'), "{:?}", edit.new_text);
                assert!(edit.new_text.contains("\r\n"), "{:?}", edit.new_text);
            }
        }
    }

    #[test]
    fn an_unverified_control_gets_a_verification_numbered_after_its_kind() {
        check(
            r#"
            asset A-1 { kind: data }
            threat T-1 { targets: A-1 }
            risk R-1 { threat: T-1 exploitability: 1 severity: 1 }
            control C-APP$0 { mitigates: R-1 }
            verification V-APP-PENTEST { verifies: C-OTHER }
            control C-OTHER { mitigates: R-1 }
            "#,
            expect![[r#"
                == Create verification `V-1` that verifies `C-APP` [unverified-control]
                -- main.ward
                asset A-1 { kind: data }
                threat T-1 { targets: A-1 }
                risk R-1 { threat: T-1 exploitability: 1 severity: 1 }
                control C-APP { mitigates: R-1 }
                verification V-APP-PENTEST { verifies: C-OTHER }
                control C-OTHER { mitigates: R-1 }

                verification V-1 {
                  verifies: C-APP
                }
            "#]],
        );
    }

    #[test]
    fn a_residual_above_the_plan_is_reduced_or_accepted() {
        check(
            r#"
            plan { acceptable: 6 }
            asset A-1 { kind: data }
            threat T-1 { targets: A-1 }
            risk R-1$0 "Forged command" {
              threat: T-1
              exploitability: 4 // before the controls
              severity: 4
            }
            control C-1 { mitigates: R-1 }
            verification V-1 { verifies: C-1 }
            "#,
            expect![[r#"
                == Add `residual { exploitability: 1 }`, the residual the plan accepts [unacceptable-residual]
                -- main.ward
                plan { acceptable: 6 }
                asset A-1 { kind: data }
                threat T-1 { targets: A-1 }
                risk R-1 "Forged command" {
                  threat: T-1
                  exploitability: 4 // before the controls
                  severity: 4
                  residual { exploitability: 1 }
                }
                control C-1 { mitigates: R-1 }
                verification V-1 { verifies: C-1 }
                == Accept the residual risk (write why) [unacceptable-residual]
                -- main.ward
                plan { acceptable: 6 }
                asset A-1 { kind: data }
                threat T-1 { targets: A-1 }
                risk R-1 "Forged command" {
                  threat: T-1
                  exploitability: 4 // before the controls
                  severity: 4
                  accepted: ""
                }
                control C-1 { mitigates: R-1 }
                verification V-1 { verifies: C-1 }
            "#]],
        );
    }

    #[test]
    fn missing_texts_and_dates_are_added_and_missing_links_are_left_to_the_user() {
        // `items` is missing too, but which items is the user's to say.
        check(
            r#"
            waiver W-1$0 {
              waives: untargeted-asset
            }
            asset A-1 { kind: data }
            "#,
            expect![[r#"
                == Add `rationale` [missing-field]
                -- main.ward
                waiver W-1 {
                  waives: untargeted-asset
                  rationale: ""
                }
                asset A-1 { kind: data }
                == Add `approved-by` [missing-field]
                -- main.ward
                waiver W-1 {
                  waives: untargeted-asset
                  approved-by: ""
                }
                asset A-1 { kind: data }
                == Add `approved` [missing-field]
                -- main.ward
                waiver W-1 {
                  waives: untargeted-asset
                  approved: 2026-12-01
                }
                asset A-1 { kind: data }
            "#]],
        );
    }

    #[test]
    fn an_unsigned_acceptance_gets_its_signature_fields() {
        check(
            r#"
            plan {
              phases: design, release
              phase: release
              gate design { requires: acceptance-signed }
            }
            asset A-1 { kind: data }
            threat T-1 { targets: A-1 }
            risk R-1$0 { threat: T-1 exploitability: 1 severity: 1 accepted: "Low." }
            "#,
            expect![[r#"
                == Sign the acceptance [unsigned-acceptance]
                -- main.ward
                plan {
                  phases: design, release
                  phase: release
                  gate design { requires: acceptance-signed }
                }
                asset A-1 { kind: data }
                threat T-1 { targets: A-1 }
                risk R-1 { threat: T-1 exploitability: 1 severity: 1 accepted: "Low." accepted-by: "" accepted-on: 2026-12-01 }
            "#]],
        );
    }

    #[test]
    fn fix_all_applies_only_the_safe_fixes() {
        let fixture = fixture::load(
            r#"
            asset A-1 { kidn: data }
            asset A-2 { kind: data kind: data }
            asset A-3 { kind: data kind: function }
            threat T-1 { targets: A-4 }
            "#,
        );
        let analysis = fixture.analysis();
        let file = fixture.file("/main.ward");
        let fixes = analysis.fix_all(file).unwrap();
        expect![[r#"
            == Change to `kind` (safe) [unknown-field]
            -- main.ward
            asset A-1 { kind: data }
            asset A-2 { kind: data kind: data }
            asset A-3 { kind: data kind: function }
            threat T-1 { targets: A-4 }
            == Remove the repeated `kind` (safe) [duplicate-field]
            -- main.ward
            asset A-1 { kidn: data }
            asset A-2 { kind: data }
            asset A-3 { kind: data kind: function }
            threat T-1 { targets: A-4 }
        "#]]
        .assert_eq(&render(&analysis, &fixes));
    }
}
