//! Text edits in byte offsets, and the incremental reparse they drive: the editor's
//! changes reach the analysis as [`TextEdit`]s, and the tree-sitter tree is edited along
//! with the text so that one reparse after a batch of edits reuses what did not change.

use tree_sitter::{InputEdit, Point, Tree};

use crate::TextRange;

/// A replacement of a byte range of a text by `insert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub insert: String,
}

impl TextEdit {
    pub fn new(range: TextRange, insert: impl Into<String>) -> TextEdit {
        TextEdit {
            range,
            insert: insert.into(),
        }
    }
}

/// Applies `edits` in order to `text` and to its `tree` (each range is in the text as the
/// edits before it left it, as LSP sends them), then parses once: incrementally when a tree
/// was given and no edit replaced the whole text. A range past the end, or inside a UTF-8
/// sequence, is narrowed to the nearest character boundaries before it, so a confused client
/// can garble its own text but never make the analysis panic.
pub fn apply_edits(text: &str, tree: Option<&Tree>, edits: &[TextEdit]) -> (String, Tree) {
    let mut text = text.to_owned();
    let mut tree = tree.cloned();
    for edit in edits {
        let start = floor_char_boundary(&text, edit.range.start as usize);
        let old_end = floor_char_boundary(&text, edit.range.end as usize).max(start);
        if start == 0 && old_end == text.len() {
            // Nothing of the old tree can be reused.
            tree = None;
        }
        let start_position = point_at(&text, start);
        let old_end_position = point_at(&text, old_end);
        text.replace_range(start..old_end, &edit.insert);
        let new_end = start + edit.insert.len();
        if let Some(tree) = &mut tree {
            tree.edit(&InputEdit {
                start_byte: start,
                old_end_byte: old_end,
                new_end_byte: new_end,
                start_position,
                old_end_position,
                new_end_position: point_at(&text, new_end),
            });
        }
    }
    let tree = crate::parse_tree(&text, tree.as_ref());
    (text, tree)
}

/// The largest character boundary at or before `offset`, within the text.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Tree-sitter's point of a byte offset: rows count `\n` only, columns are bytes.
fn point_at(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&byte| byte == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |at| at + 1);
    Point::new(row, offset - line_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, insert: &str) -> TextEdit {
        TextEdit::new(TextRange::new(start, end), insert)
    }

    #[test]
    fn points_count_line_feeds_only() {
        let text = "a\r\nbc\rd\ne";
        assert_eq!(point_at(text, 0), Point::new(0, 0));
        assert_eq!(point_at(text, 3), Point::new(1, 0));
        // A lone `\r` is no row break for tree-sitter.
        assert_eq!(point_at(text, 6), Point::new(1, 3));
        assert_eq!(point_at(text, 8), Point::new(2, 0));
    }

    #[test]
    fn edits_in_order_match_a_fresh_parse() {
        let text = "asset A \"é😀\" {\r\n  kind: data\r\n}\r\nthreat T {\n  targets: A\n}\n";
        let old = crate::parse_tree(text, None);
        let edits = [
            // Deletes the opening quote of the title.
            edit(8, 9, ""),
            // `T` becomes `T-1`: offsets are in the text as the first edit left it.
            edit(43, 44, "T-1"),
            edit(60, 61, "A, B\r\nC"),
            edit(0, 0, "// 😀\r"),
        ];
        let (new_text, tree) = apply_edits(text, Some(&old), &edits);
        let expected = "// 😀\rasset A é😀\" {\r\n  kind: data\r\n}\r\nthreat T-1 {\n  targets: A, B\r\nC\n}\n";
        assert_eq!(new_text, expected);
        assert_eq!(
            tree.root_node().to_sexp(),
            crate::parse_tree(expected, None).root_node().to_sexp()
        );
    }

    #[test]
    fn ranges_out_of_the_text_are_narrowed_not_a_panic() {
        let text = "asset A \"é\" { kind: data }";
        let old = crate::parse_tree(text, None);
        // 10 is inside `é`; 500 is past the end.
        let (new_text, tree) = apply_edits(text, Some(&old), &[edit(10, 500, "\"")]);
        assert_eq!(new_text, "asset A \"\"");
        assert_eq!(
            tree.root_node().to_sexp(),
            crate::parse_tree(&new_text, None).root_node().to_sexp()
        );
    }

    #[test]
    fn replacing_the_whole_text_parses_afresh() {
        let text = "asset A { kind: data }";
        let old = crate::parse_tree(text, None);
        let replacement = "threat T { targets: A }";
        let (new_text, tree) = apply_edits(text, Some(&old), &[edit(0, text.len(), replacement)]);
        assert_eq!(new_text, replacement);
        assert_eq!(
            tree.root_node().to_sexp(),
            crate::parse_tree(replacement, None).root_node().to_sexp()
        );
    }
}
