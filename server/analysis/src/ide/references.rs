//! Find references: every link naming an item across the workspace, or every place of the
//! plan naming a phase; the occurrences that rename and highlighting build on.

use ward_syntax::TextRange;

use crate::db::Referrer;
use crate::db::{Db, ItemRef, SourceFile, lookup_definitions, lookup_referrers, parse};
use crate::diagnostics::FileRange;
use crate::ide::FilePosition;
use crate::ide::cursor::{Symbol, item_ranges, phase_occurrences, symbol_at};

/// A place that names a symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub file: SourceFile,
    pub range: TextRange,
    pub is_definition: bool,
}

pub(crate) fn references(
    db: &dyn Db,
    position: FilePosition,
    include_declaration: bool,
) -> Option<Vec<FileRange>> {
    let symbol = symbol_at(db, position)?;
    let mut occurrences = occurrences(db, &symbol)?;
    occurrences.retain(|occurrence| include_declaration || !occurrence.is_definition);
    sort(db, &mut occurrences);
    Some(
        occurrences
            .into_iter()
            .map(|occurrence| FileRange {
                file: occurrence.file,
                range: occurrence.range,
            })
            .collect(),
    )
}

/// Sorts by file path, then offset.
pub(crate) fn sort(db: &dyn Db, occurrences: &mut [Occurrence]) {
    occurrences.sort_by(|a, b| {
        a.file
            .path(db)
            .cmp(b.file.path(db))
            .then(a.range.start.cmp(&b.range.start))
    });
}

/// Every place naming the symbol, unsorted; `None` for symbols without occurrences (rules).
pub(crate) fn occurrences(db: &dyn Db, symbol: &Symbol) -> Option<Vec<Occurrence>> {
    match symbol {
        Symbol::Item { name, def, .. } => Some(item_occurrences(db, name, *def)),
        Symbol::Phase { name, .. } => Some(
            phase_occurrences(db, name)
                .into_iter()
                .map(|(file, range, is_definition)| Occurrence {
                    file,
                    range,
                    is_definition,
                })
                .collect(),
        ),
        Symbol::Rule { .. } => None,
    }
}

/// The definition of an item and the links that resolve to it. Links resolve to the first
/// definition of a name, so a duplicate definition has none; an unresolved name has links
/// but no definition.
pub(crate) fn item_occurrences(db: &dyn Db, name: &str, def: Option<ItemRef>) -> Vec<Occurrence> {
    let mut found = Vec::new();
    if let Some(def) = def {
        found.push(Occurrence {
            file: def.file,
            range: item_ranges(db, def).1,
            is_definition: true,
        });
        if lookup_definitions(db, name).first() != Some(&def) {
            return found;
        }
    }
    for referrer in lookup_referrers(db, name) {
        found.extend(links_in(db, *referrer, name).map(|range| Occurrence {
            file: referrer.item.file,
            range,
            is_definition: false,
        }));
    }
    found
}

/// The ranges of the values of a referrer's link field that name `name`.
pub(crate) fn links_in(
    db: &dyn Db,
    referrer: Referrer,
    name: &str,
) -> impl Iterator<Item = TextRange> {
    let item = referrer.item;
    let parsed = parse(db, item.file);
    let ast = &parsed.ast.items[item.item as usize];
    let map = &parsed.source_map.items[item.item as usize];
    let mut ranges = Vec::new();
    for (field, field_map) in ast.fields.iter().zip(&map.fields) {
        if field.name != referrer.via.name() {
            continue;
        }
        for (value, &range) in field.values.iter().zip(&field_map.values) {
            if value.as_link() == Some(name) {
                ranges.push(range);
            }
        }
    }
    ranges.into_iter()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check(fixture: &str, include_declaration: bool, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let actual = match analysis.references(position, include_declaration).unwrap() {
            Some(ranges) => ranges
                .iter()
                .map(|range| fixture::file_range(&analysis, *range) + "\n")
                .collect::<String>(),
            None => "none".to_owned(),
        };
        expect.assert_eq(&actual);
    }

    const WORKSPACE: &str = r#"
        //- /threats/ble.ward
        threat T-BLE "Spoofing" {
          targets: PUMP
        }
        //- /risks.ward
        risk R1 { threat: T-BLE }
        risk R2 {
          threat: T-WIFI, T-BLE
        }
        //- /b.ward
        threat T-WIFI { targets: PUMP }
        //- /assets.ward
        asset PUMP "Pump" {}
        "#;

    fn with_cursor(on: &str) -> String {
        // Puts the cursor inside the first occurrence of `on`.
        let at = WORKSPACE.find(on).expect("in the workspace") + 1;
        format!("{}$0{}", &WORKSPACE[..at], &WORKSPACE[at..])
    }

    #[test]
    fn from_the_definition_with_declaration() {
        check(
            &with_cursor("T-BLE \""),
            true,
            expect![[r#"
                risks.ward:1:19-1:24 T-BLE
                risks.ward:3:19-3:24 T-BLE
                threats/ble.ward:1:8-1:13 T-BLE
            "#]],
        );
    }

    #[test]
    fn a_waivers_items_are_references() {
        check(
            r#"
            //- /assets.ward
            asset PU$0MP "Pump" {}
            //- /waivers.ward
            waiver W1 {
              waives: untargeted-asset
              items: PUMP
            }
            "#,
            false,
            expect![[r#"
                waivers.ward:3:10-3:14 PUMP
            "#]],
        );
    }

    #[test]
    fn from_a_reference_without_declaration() {
        check(
            &with_cursor("PUMP\n"),
            false,
            expect![[r#"
                b.ward:1:26-1:30 PUMP
                threats/ble.ward:2:12-2:16 PUMP
            "#]],
        );
    }

    #[test]
    fn from_a_reference_with_declaration() {
        check(
            &with_cursor("PUMP\n"),
            true,
            expect![[r#"
                assets.ward:1:7-1:11 PUMP
                b.ward:1:26-1:30 PUMP
                threats/ble.ward:2:12-2:16 PUMP
            "#]],
        );
    }

    #[test]
    fn unresolved_name_lists_its_links() {
        check(
            r#"
            threat T1 { targets: GHOST }
            threat T2 { targets: GH$0OST }
            "#,
            true,
            expect![[r#"
                main.ward:1:22-1:27 GHOST
                main.ward:2:22-2:27 GHOST
            "#]],
        );
    }

    #[test]
    fn a_name_listed_twice_by_one_item() {
        check(
            r#"
            asset A$01 {}
            threat T1 { targets: A1, A1 }
            "#,
            false,
            expect![[r#"
                main.ward:2:22-2:24 A1
                main.ward:2:26-2:28 A1
            "#]],
        );
    }

    #[test]
    fn duplicate_definition_has_no_references() {
        check(
            r#"
            asset A1 {}
            asset A$01 {}
            threat T1 { targets: A1 }
            "#,
            true,
            expect![[r#"
                main.ward:2:7-2:9 A1
            "#]],
        );
    }

    #[test]
    fn a_phase() {
        check(
            r#"
            plan {
              phases: design, release
              phase: design
              gate design$0 { requires: risks-scored }
              gate release {}
            }
            "#,
            true,
            expect![[r#"
                main.ward:2:11-2:17 design
                main.ward:3:10-3:16 design
                main.ward:4:8-4:14 design
            "#]],
        );
    }

    #[test]
    fn nothing_to_find() {
        check(
            r#"
            asset A1 { kind: da$0ta }
            "#,
            true,
            expect![[r#"none"#]],
        );
    }
}
