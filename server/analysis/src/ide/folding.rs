//! Folding ranges: every item, block and text block that spans lines, and runs of comment
//! lines.

use ward_syntax::{TextRange, Value};

use crate::db::{Db, SourceFile, parse};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    /// An item or a block, up to its closing brace.
    Region,
    /// A `"""` text block.
    Text,
    /// Consecutive `//` comment lines.
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

pub(crate) fn folding_ranges(db: &dyn Db, file: SourceFile) -> Vec<Fold> {
    let parsed = parse(db, file);
    let text = file.text(db);
    let spans_lines = |range: TextRange| {
        text.get(range.start as usize..range.end as usize)
            .is_some_and(|inside| inside.contains(['\n', '\r']))
    };
    let mut folds = Vec::new();
    let mut push = |range: TextRange, kind: FoldKind| {
        if spans_lines(range) {
            folds.push(Fold { range, kind });
        }
    };
    for (item, map) in parsed.ast.items.iter().zip(&parsed.source_map.items) {
        push(map.range, FoldKind::Region);
        for block in &map.blocks {
            push(block.range, FoldKind::Region);
        }
        for (field, field_map) in item.fields.iter().zip(&map.fields) {
            for (value, &range) in field.values.iter().zip(&field_map.values) {
                if matches!(value, Value::TextBlock(_)) {
                    push(range, FoldKind::Text);
                }
            }
        }
    }
    folds.extend(comment_runs(text));
    folds.sort_by_key(|fold| (fold.range.start, std::cmp::Reverse(fold.range.end)));
    folds
}

/// Runs of two or more lines that hold nothing but a `//` comment.
fn comment_runs(text: &str) -> Vec<Fold> {
    let mut runs = Vec::new();
    // The run being read: where its first comment starts, where its last one ends, and
    // how many lines it has.
    let mut run: Option<(usize, usize, usize)> = None;
    let close = |run: Option<(usize, usize, usize)>, runs: &mut Vec<Fold>| {
        if let Some((start, end, lines)) = run
            && lines > 1
        {
            runs.push(Fold {
                range: TextRange {
                    start: start as u32,
                    end: end as u32,
                },
                kind: FoldKind::Comment,
            });
        }
    };
    let mut offset = 0;
    for line in text.split_inclusive(['\n', '\r']) {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.starts_with("//") {
            let start = offset + (content.len() - trimmed.len());
            let end = offset + content.len();
            run = Some(match run {
                Some((first, _, lines)) => (first, end, lines + 1),
                None => (start, end, 1),
            });
        } else if !(content.is_empty()
            && line.starts_with('\n')
            && offset > 0
            && text.as_bytes()[offset - 1] == b'\r')
        {
            // Any other line ends the run (the `\n` of a `\r\n` is no line of its own).
            close(run.take(), &mut runs);
        }
        offset += line.len();
    }
    close(run, &mut runs);
    runs
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check(text: &str, expect: Expect) {
        let fixture = fixture::load(text);
        let analysis = fixture.analysis();
        let file = fixture.file("/main.ward");
        let actual: String = analysis
            .folding_ranges(file)
            .unwrap()
            .into_iter()
            .map(|fold| {
                format!(
                    "{:?} {}\n",
                    fold.kind,
                    fixture::location(&analysis, file, fold.range)
                )
            })
            .collect();
        expect.assert_eq(&actual);
    }

    #[test]
    fn items_blocks_text_blocks_and_comment_runs() {
        check(
            r#"
            // The pump's risk file.
            // Two lines of comment.
            risk R1 "Bolus" {
              harm: """
                Too much insulin.
                """
              residual {
                exploitability: 1
              }
            }
            asset A1 { kind: data }
            // One line alone.
            "#,
            expect![[r#"
                Comment main.ward:1:1-2:25
                Region main.ward:3:1-10:2
                Text main.ward:4:9-6:8
                Region main.ward:7:3-9:4
            "#]],
        );
    }
}
