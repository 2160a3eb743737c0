//! Rename an item (its ID and every link to it, across files) or a phase (in the plan's
//! `phases:`, `phase:` and gates), refusing invalid or colliding names.

use ward_syntax::{LineIndex, PositionEncoding, TextRange};

use crate::db::{Db, ItemRef, line_index, lookup_definitions};
use crate::ide::cursor::{
    Hit, Symbol, at_cursor, classify, is_valid_name, item_ranges, phase_definition,
};
use crate::ide::references::{occurrences, sort};
use crate::ide::{FilePosition, RenameError, SourceChange, TextEdit};
use crate::plan::plan;

pub(crate) fn prepare_rename(
    db: &dyn Db,
    position: FilePosition,
) -> Result<(TextRange, String), RenameError> {
    renamable(db, position).map(|(symbol, name)| (symbol.range(), name))
}

pub(crate) fn rename(
    db: &dyn Db,
    position: FilePosition,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    let (symbol, old_name) = renamable(db, position)?;
    if !is_valid_name(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid ID: it must start with a letter and continue with \
             letters, digits, `_`, `-` or `.`"
        ));
    }
    if new_name == old_name {
        return Ok(SourceChange::default());
    }
    match &symbol {
        Symbol::Item { .. } => {
            if let Some(&existing) = lookup_definitions(db, new_name).first() {
                return Err(format!(
                    "`{new_name}` is already defined: {} `{new_name}` at {}",
                    existing.kind,
                    place(db, existing)
                ));
            }
        }
        Symbol::Phase { .. } => {
            if plan(db).phases.iter().any(|phase| phase == new_name) {
                return Err(format!("`{new_name}` is already a phase of the plan"));
            }
        }
        Symbol::Rule { .. } => unreachable!("rules are refused by `renamable`"),
    }
    let mut found = occurrences(db, &symbol).unwrap_or_default();
    sort(db, &mut found);
    let mut change = SourceChange::default();
    for occurrence in found {
        let edit = TextEdit {
            range: occurrence.range,
            new_text: new_name.to_owned(),
        };
        match change.edits.last_mut() {
            Some((file, edits)) if *file == occurrence.file => edits.push(edit),
            _ => change.edits.push((occurrence.file, vec![edit])),
        }
    }
    Ok(change)
}

/// The symbol under the cursor if it can be renamed, with its current name.
fn renamable(db: &dyn Db, position: FilePosition) -> Result<(Symbol, String), RenameError> {
    let nothing = || {
        "there is nothing to rename here: put the cursor on an item's ID or on a link to it"
            .to_owned()
    };
    let cursor = at_cursor(db, position).ok_or_else(nothing)?;
    match classify(db, position.file, &cursor) {
        Some(Symbol::Item {
            def: None, name, ..
        }) => Err(format!(
            "no item is named `{name}`, so there is nothing to rename; fix the link instead"
        )),
        Some(Symbol::Phase { ref name, .. }) if phase_definition(db, name).is_none() => {
            Err(format!(
                "the phase `{name}` is not listed in the plan's `phases:`, so it cannot be renamed"
            ))
        }
        Some(Symbol::Rule { rule, .. }) => Err(format!(
            "`{}` is a rule of the language and cannot be renamed",
            rule.name()
        )),
        Some(symbol) => {
            let name = symbol.name().to_owned();
            Ok((symbol, name))
        }
        None => Err(match cursor.hit {
            Hit::FieldName { at, .. } => format!(
                "`{}` is a field of the language and cannot be renamed",
                at.field(cursor.item()).name
            ),
            Hit::ItemKeyword { .. } | Hit::BlockKeyword { .. } => {
                "a keyword of the language cannot be renamed".to_owned()
            }
            _ => nothing(),
        }),
    }
}

/// `path:line:column` of an item's ID, 1-based, columns in characters.
fn place(db: &dyn Db, item: ItemRef) -> String {
    let text = item.file.text(db);
    let index: &LineIndex = line_index(db, item.file);
    let (_, focus) = item_ranges(db, item);
    let at = index.line_col(text, focus.start as usize, PositionEncoding::Utf32);
    format!(
        "{}:{}:{}",
        item.file.path(db).display(),
        at.line + 1,
        at.col + 1
    )
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check_prepare(fixture: &str, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let actual = match analysis.prepare_rename(position).unwrap() {
            Ok((range, name)) => format!(
                "{} {name}",
                fixture::location(&analysis, position.file, range)
            ),
            Err(message) => format!("error: {message}"),
        };
        expect.assert_eq(&actual);
    }

    fn check(fixture: &str, new_name: &str, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let actual = match analysis.rename(position, new_name).unwrap() {
            Ok(change) => {
                let mut out = String::new();
                for (file, edits) in change.edits {
                    // Apply the edits back to front and show the result.
                    let mut text = analysis.text(file).to_string();
                    for edit in edits.iter().rev() {
                        text.replace_range(
                            edit.range.start as usize..edit.range.end as usize,
                            &edit.new_text,
                        );
                    }
                    out.push_str(&format!(
                        "//- /{}\n{text}",
                        fixture::relative(&analysis, file)
                    ));
                }
                out
            }
            Err(message) => format!("error: {message}"),
        };
        expect.assert_eq(&actual);
    }

    const WORKSPACE: &str = r#"
        //- /assets.ward
        asset PUMP "Pump" {}
        asset OTHER {}
        //- /threats.ward
        threat T1 { targets: PUMP }
        threat T2 {
          targets: OTHER, PU$0MP
        }
        "#;

    #[test]
    fn rename_across_files() {
        check(
            WORKSPACE,
            "PUMP.cmd-2",
            expect![[r#"
                //- /assets.ward
                asset PUMP.cmd-2 "Pump" {}
                asset OTHER {}
                //- /threats.ward
                threat T1 { targets: PUMP.cmd-2 }
                threat T2 {
                  targets: OTHER, PUMP.cmd-2
                }
            "#]],
        );
    }

    #[test]
    fn rename_from_the_definition() {
        check(
            r#"
            asset A$01 {}
            threat T1 { targets: A1, A1 }
            "#,
            "B1",
            expect![[r#"
                //- /main.ward
                asset B1 {}
                threat T1 { targets: B1, B1 }
            "#]],
        );
    }

    #[test]
    fn rename_reaches_a_waivers_items() {
        check(
            r#"
            asset A$01 {}
            waiver W1 { waives: untargeted-asset items: A1 }
            "#,
            "B1",
            expect![[r#"
                //- /main.ward
                asset B1 {}
                waiver W1 { waives: untargeted-asset items: B1 }
            "#]],
        );
    }

    #[test]
    fn invalid_name_is_refused() {
        check(
            WORKSPACE,
            "x y",
            expect![[
                r#"error: `x y` is not a valid ID: it must start with a letter and continue with letters, digits, `_`, `-` or `.`"#
            ]],
        );
        check(
            WORKSPACE,
            "1abc",
            expect![[
                r#"error: `1abc` is not a valid ID: it must start with a letter and continue with letters, digits, `_`, `-` or `.`"#
            ]],
        );
        check(
            WORKSPACE,
            "",
            expect![[
                r#"error: `` is not a valid ID: it must start with a letter and continue with letters, digits, `_`, `-` or `.`"#
            ]],
        );
    }

    #[test]
    fn collision_is_refused() {
        check(
            WORKSPACE,
            "OTHER",
            expect!["error: `OTHER` is already defined: asset `OTHER` at /ws/assets.ward:2:7"],
        );
    }

    #[test]
    fn same_name_changes_nothing() {
        check(WORKSPACE, "PUMP", expect![[r#""#]]);
    }

    #[test]
    fn rename_a_phase() {
        check(
            r#"
            plan {
              phases: concept, design
              phase: design
              gate desi$0gn { requires: risks-scored }
            }
            "#,
            "architecture",
            expect![[r#"
                //- /main.ward
                plan {
                  phases: concept, architecture
                  phase: architecture
                  gate architecture { requires: risks-scored }
                }
            "#]],
        );
    }

    #[test]
    fn rename_a_phase_reaches_the_approvals_of_its_gate() {
        check(
            r#"
            //- /plan.ward
            plan {
              phases: concept, design
              gate design { requires: gates-approved }
            }
            //- /approvals.ward
            approval AP1 { gate: desi$0gn by: "A. Smith" date: 2026-10-12 }
            "#,
            "architecture",
            expect![[r#"
                //- /approvals.ward
                approval AP1 { gate: architecture by: "A. Smith" date: 2026-10-12 }
                //- /plan.ward
                plan {
                  phases: concept, architecture
                  gate architecture { requires: gates-approved }
                }
            "#]],
        );
    }

    #[test]
    fn phase_collision_is_refused() {
        check(
            r#"
            plan { phases: concept, desi$0gn }
            "#,
            "concept",
            expect![[r#"error: `concept` is already a phase of the plan"#]],
        );
    }

    #[test]
    fn prepare_on_an_id_and_a_link() {
        check_prepare(WORKSPACE, expect![[r#"threats.ward:3:19-3:23 PUMP"#]]);
        check_prepare(
            r#"
            asset PU$0MP {}
            "#,
            expect![[r#"main.ward:1:7-1:11 PUMP"#]],
        );
    }

    #[test]
    fn prepare_refuses_with_a_reason() {
        check_prepare(
            r#"
            threat T1 { targets: GH$0OST }
            "#,
            expect![[
                r#"error: no item is named `GHOST`, so there is nothing to rename; fix the link instead"#
            ]],
        );
        check_prepare(
            r#"
            threat T1 { tar$0gets: A1 }
            "#,
            expect![[r#"error: `targets` is a field of the language and cannot be renamed"#]],
        );
        check_prepare(
            r#"
            threat T1 "Ti$0tle" { targets: A1 }
            "#,
            expect![[
                r#"error: there is nothing to rename here: put the cursor on an item's ID or on a link to it"#
            ]],
        );
        check_prepare(
            r#"
            plan { gate design { requires: risks-sc$0ored } }
            "#,
            expect![[r#"error: `risks-scored` is a rule of the language and cannot be renamed"#]],
        );
        check_prepare(
            r#"
            plan { phase: desi$0gn }
            "#,
            expect![[
                r#"error: the phase `design` is not listed in the plan's `phases:`, so it cannot be renamed"#
            ]],
        );
    }
}
