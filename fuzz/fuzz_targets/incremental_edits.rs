//! Incremental parsing as the language server does it (`ward_syntax::apply_edits`: the
//! edits applied to the text and the old tree, then one reparse), against a fresh parse.
//!
//! The input is texts separated by NUL bytes. The first is parsed from scratch; each next
//! one is reached by one edit (the span between the common prefix and suffix of the two
//! texts replaced, as an editor's change is), and the edits are sent in batches of one and
//! two, each range in the text the edits before it left, as LSP sends them. Last, one raw
//! edit whose range comes from the input's first bytes (past the end, inside a character)
//! checks that a confused client cannot make the analysis panic. After every batch the
//! text must be what the edits make, and lowering the incremental tree must give exactly
//! what a fresh parse of that text gives: an open document's diagnostics are `ward check`'s.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_syntax::{TextEdit, TextRange, apply_edits};

/// The edit that turns `old` into `new`, on character boundaries of both.
fn diff(old: &str, new: &str) -> TextEdit {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !(old.is_char_boundary(start) && new.is_char_boundary(start)) {
        start -= 1;
    }
    let room = a.len().min(b.len()) - start;
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    while !(old.is_char_boundary(a.len() - suffix) && new.is_char_boundary(b.len() - suffix)) {
        suffix -= 1;
    }
    TextEdit::new(
        TextRange::new(start, a.len() - suffix),
        &new[start..b.len() - suffix],
    )
}

/// Checks one batch: the text is what the edits make, the tree a parse of it.
fn step(
    text: &str,
    tree: &tree_sitter::Tree,
    edits: &[TextEdit],
    expected: &str,
) -> tree_sitter::Tree {
    let (new_text, new_tree) = apply_edits(text, Some(tree), edits);
    assert_eq!(new_text, expected, "the edits {edits:?} made another text");
    let incremental = ward_syntax::lower(&new_tree, &new_text);
    let fresh = ward_syntax::parse_with_tree_sitter(&new_text);
    assert_eq!(
        incremental, fresh,
        "incremental and fresh parses differ after {edits:?} on {text:?}"
    );
    new_tree
}

fuzz_target!(|data: &[u8]| {
    let texts: Vec<String> = data
        .split(|&byte| byte == 0)
        .take(16)
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    let mut tree = ward_syntax::parse_tree(&texts[0], None);
    let mut at = 0;
    while at + 1 < texts.len() {
        // Two edits in one batch when two texts follow, else one.
        let batch = if at + 2 < texts.len() && data.len() % 2 == 0 {
            2
        } else {
            1
        };
        let edits: Vec<TextEdit> = (at..at + batch)
            .map(|k| diff(&texts[k], &texts[k + 1]))
            .collect();
        tree = step(&texts[at], &tree, &edits, &texts[at + batch]);
        at += batch;
    }
    // One raw edit, its range anywhere: narrowed to character boundaries inside the text.
    let text = &texts[at];
    let start = usize::from(data.first().copied().unwrap_or(0)) * 7;
    let end = start + usize::from(data.get(1).copied().unwrap_or(0));
    let floor = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let (from, to) = (floor(start), floor(end).max(floor(start)));
    let insert = "é}\n";
    let expected = format!("{}{insert}{}", &text[..from], &text[to..]);
    step(
        text,
        &tree,
        &[TextEdit::new(TextRange::new(start, end), insert)],
        &expected,
    );
});
