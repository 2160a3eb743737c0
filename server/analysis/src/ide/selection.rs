//! Selection ranges (expand selection): from the value under the cursor to its field, its
//! block, its item, and the whole file.

use ward_syntax::TextRange;

use crate::db::{Db, parse};
use crate::ide::FilePosition;

/// The ranges around the cursor, innermost first, each inside the next.
pub(crate) fn selection_ranges(db: &dyn Db, position: FilePosition) -> Vec<TextRange> {
    let parsed = parse(db, position.file);
    let offset = position.offset as u32;
    let holds = |range: &TextRange| range.start <= offset && offset <= range.end;
    let mut ranges = Vec::new();
    if let Some(item) = parsed
        .source_map
        .items
        .iter()
        .find(|item| holds(&item.range))
    {
        let fields = item
            .blocks
            .iter()
            .find(|block| holds(&block.range))
            .map_or(&item.fields, |block| &block.fields);
        if let Some(field) = fields.iter().find(|field| holds(&field.range)) {
            if let Some(&value) = field.values.iter().find(|value| holds(value)) {
                ranges.push(value);
            } else if holds(&field.name) {
                ranges.push(field.name);
            }
            ranges.push(field.range);
        } else if let Some(id) = item.id.filter(|id| holds(id)) {
            ranges.push(id);
        } else if let Some(title) = item.title.filter(|title| holds(title)) {
            ranges.push(title);
        }
        if let Some(block) = item.blocks.iter().find(|block| holds(&block.range)) {
            ranges.push(block.range);
        }
        ranges.push(item.range);
    }
    let whole = TextRange {
        start: 0,
        end: position.file.text(db).len() as u32,
    };
    ranges.push(whole);
    ranges.dedup();
    ranges
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check(fixture: &str, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let actual: String = analysis
            .selection_ranges(position)
            .unwrap()
            .into_iter()
            .map(|range| format!("{}\n", fixture::location(&analysis, position.file, range)))
            .collect();
        expect.assert_eq(&actual);
    }

    #[test]
    fn value_field_block_item_file() {
        check(
            r#"
            asset A1 { kind: data }
            risk R1 {
              threat: T1
              residual { exploitability: 2$0 severity: 3 }
            }
            "#,
            expect![[r#"
                main.ward:4:30-4:31
                main.ward:4:14-4:31
                main.ward:4:3-4:45
                main.ward:2:1-5:2
                main.ward:1:1-6:1
            "#]],
        );
    }

    #[test]
    fn the_id_then_the_item() {
        check(
            r#"
            asset A$01 { kind: data }
            "#,
            expect![[r#"
                main.ward:1:7-1:9
                main.ward:1:1-1:24
                main.ward:1:1-2:1
            "#]],
        );
    }
}
