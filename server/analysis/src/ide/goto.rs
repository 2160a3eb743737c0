//! Go to definition: from a link or an ID to the item, from a gate's name or the plan's
//! `phase:` to the phase in the plan's `phases:` list.

use ward_syntax::ItemKind;

use crate::db::{Db, ItemRef};
use crate::ide::cursor::{Symbol, item_ranges, phase_definition, symbol_at};
use crate::ide::{FilePosition, NavigationTarget};

pub(crate) fn goto_definition(db: &dyn Db, position: FilePosition) -> Option<NavigationTarget> {
    match symbol_at(db, position)? {
        Symbol::Item { name, def, .. } => Some(item_target(db, def?, name)),
        Symbol::Phase { name, .. } => {
            let (file, range) = phase_definition(db, &name)?;
            Some(NavigationTarget {
                file,
                full_range: range,
                focus_range: range,
                name,
                kind: ItemKind::Plan,
            })
        }
        Symbol::Rule { .. } => None,
    }
}

pub(crate) fn item_target(db: &dyn Db, item: ItemRef, name: String) -> NavigationTarget {
    let (full_range, focus_range) = item_ranges(db, item);
    NavigationTarget {
        file: item.file,
        full_range,
        focus_range,
        name,
        kind: item.kind,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check(fixture: &str, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let actual = match analysis.goto_definition(position).unwrap() {
            Some(target) => format!(
                "{} ({} {}, full {})",
                fixture::range_with_text(&analysis, target.file, target.focus_range),
                target.kind,
                target.name,
                fixture::location(&analysis, target.file, target.full_range),
            ),
            None => "none".to_owned(),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn link_to_item_in_another_file() {
        check(
            r#"
            //- /assets.ward
            // The pump.
            asset PUMP-CMD "Commands" {
              kind: function
            }
            //- /threats.ward
            threat T1 { targets: PUMP-$0CMD }
            "#,
            expect![[
                r#"assets.ward:2:7-2:15 PUMP-CMD (asset PUMP-CMD, full assets.ward:2:1-4:2)"#
            ]],
        );
    }

    #[test]
    fn cursor_just_after_the_link() {
        check(
            r#"
            asset A1 { kind: data }
            threat T1 { targets: A1$0, A2 }
            asset A2 {}
            "#,
            expect![[r#"main.ward:1:7-1:9 A1 (asset A1, full main.ward:1:1-1:24)"#]],
        );
    }

    #[test]
    fn second_value_of_a_list() {
        check(
            r#"
            asset A1 { kind: data }
            threat T1 { targets: A1,$0A2 }
            asset A2 {}
            "#,
            expect![[r#"main.ward:3:7-3:9 A2 (asset A2, full main.ward:3:1-3:12)"#]],
        );
    }

    #[test]
    fn id_goes_to_itself() {
        check(
            r#"
            risk R$0-1 { threat: T1 }
            "#,
            expect!["main.ward:1:6-1:9 R-1 (risk R-1, full main.ward:1:1-1:24)"],
        );
    }

    #[test]
    fn wrong_kind_link_still_navigates() {
        check(
            r#"
            threat T1 {}
            control C1 { mitigates: $0T1 }
            "#,
            expect![[r#"main.ward:1:8-1:10 T1 (threat T1, full main.ward:1:1-1:13)"#]],
        );
    }

    #[test]
    fn unknown_name() {
        check(
            r#"
            threat T1 { targets: NOPE$0 }
            "#,
            expect![[r#"none"#]],
        );
    }

    #[test]
    fn keyword_value_is_not_a_link() {
        check(
            r#"
            asset data {}
            asset A1 { kind: da$0ta }
            "#,
            expect![[r#"none"#]],
        );
    }

    #[test]
    fn unicode_before_the_cursor() {
        check(
            r#"
            asset Ä1 {}
            asset A1 "Zählerstände — ☃" { kind: data }
            threat T1 "Spoofed ☃ 😀" { description: "é" targets: A$01 }
            "#,
            expect![[r#"main.ward:2:7-2:9 A1 (asset A1, full main.ward:2:1-2:43)"#]],
        );
    }

    #[test]
    fn gate_name_goes_to_the_phase() {
        check(
            r#"
            //- /other.ward
            asset A1 {}
            //- /plan.ward
            plan {
              phases: concept, design, release
              phase: design
              gate des$0ign { requires: assets-covered }
            }
            "#,
            expect![[r#"plan.ward:2:20-2:26 design (plan design, full plan.ward:2:20-2:26)"#]],
        );
    }

    #[test]
    fn phase_field_goes_to_the_phase() {
        check(
            r#"
            plan {
              phases: concept, design, release
              phase: $0release
            }
            "#,
            expect![[r#"main.ward:2:28-2:35 release (plan release, full main.ward:2:28-2:35)"#]],
        );
    }

    #[test]
    fn default_phases_have_no_definition() {
        check(
            r#"
            plan {
              phase: desi$0gn
            }
            "#,
            expect![[r#"none"#]],
        );
    }

    #[test]
    fn duplicate_definition_resolves_to_the_first() {
        check(
            r#"
            //- /a.ward
            asset A1 {}
            //- /b.ward
            asset A1 {}
            threat T1 { targets: A1$0 }
            "#,
            expect![[r#"a.ward:1:7-1:9 A1 (asset A1, full a.ward:1:1-1:12)"#]],
        );
    }
}
