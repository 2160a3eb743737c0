//! Document highlight: in the cursor's file, the definition and the references of the item
//! (or phase) under the cursor.

use ward_syntax::TextRange;

use crate::db::Db;
use crate::ide::cursor::symbol_at;
use crate::ide::references::occurrences;
use crate::ide::{FilePosition, HighlightKind};

pub(crate) fn document_highlight(
    db: &dyn Db,
    position: FilePosition,
) -> Vec<(TextRange, HighlightKind)> {
    let Some(symbol) = symbol_at(db, position) else {
        return Vec::new();
    };
    let mut highlights: Vec<(TextRange, HighlightKind)> = occurrences(db, &symbol)
        .unwrap_or_default()
        .into_iter()
        .filter(|occurrence| occurrence.file == position.file)
        .map(|occurrence| {
            let kind = if occurrence.is_definition {
                HighlightKind::Definition
            } else {
                HighlightKind::Reference
            };
            (occurrence.range, kind)
        })
        .collect();
    highlights.sort_by_key(|(range, _)| range.start);
    highlights
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check(fixture: &str, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let actual: String = analysis
            .document_highlight(position)
            .unwrap()
            .into_iter()
            .map(|(range, kind)| {
                format!(
                    "{} {kind:?}\n",
                    fixture::range_with_text(&analysis, position.file, range)
                )
            })
            .collect();
        expect.assert_eq(&actual);
    }

    #[test]
    fn definition_and_references_in_this_file_only() {
        check(
            r#"
            //- /a.ward
            asset A1 {}
            threat T1 { targets: A1 }
            threat T2 { targets: A2, A$01 }
            //- /b.ward
            threat T3 { targets: A1 }
            "#,
            expect![[r#"
                a.ward:1:7-1:9 A1 Definition
                a.ward:2:22-2:24 A1 Reference
                a.ward:3:26-3:28 A1 Reference
            "#]],
        );
    }

    #[test]
    fn references_without_the_definition_here() {
        check(
            r#"
            //- /a.ward
            threat T1 { targets: A1 }
            threat T2 { targets: A$01 }
            //- /b.ward
            asset A1 {}
            "#,
            expect![[r#"
                a.ward:1:22-1:24 A1 Reference
                a.ward:2:22-2:24 A1 Reference
            "#]],
        );
    }

    #[test]
    fn a_phase() {
        check(
            r#"
            plan {
              phases: concept, design
              phase: con$0cept
              gate concept {}
            }
            "#,
            expect![[r#"
                main.ward:2:11-2:18 concept Definition
                main.ward:3:10-3:17 concept Reference
                main.ward:4:8-4:15 concept Reference
            "#]],
        );
    }

    #[test]
    fn nothing_on_a_field_name() {
        check(
            r#"
            threat T1 { tar$0gets: A1 }
            "#,
            expect![[r#""#]],
        );
    }
}
