//! Incremental parsing, as the language server does it, against a fresh parse. The input is
//! texts separated by NUL bytes: the first is parsed from scratch, and each next one is
//! reached by one edit (the span between their common prefix and suffix replaced, as an
//! editor's change is), applied to the old tree with `Tree::edit` and reparsed from it.
//! After every edit, lowering the incremental tree must give exactly what a fresh parse of
//! the same text gives: the diagnostics of an open document equal those of `ward check`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tree_sitter::{InputEdit, Point};

/// Tree-sitter's point of a byte offset: rows break at `\n` only, columns count bytes.
fn point(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&byte| byte == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |at| at + 1);
    Point {
        row,
        column: offset - line_start,
    }
}

/// The edit that turns `old` into `new`: the bytes between their common prefix and common
/// suffix, widened to character boundaries of both.
fn edit(old: &str, new: &str) -> InputEdit {
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
    let (old_end, new_end) = (a.len() - suffix, b.len() - suffix);
    InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position: point(old, start),
        old_end_position: point(old, old_end),
        new_end_position: point(new, new_end),
    }
}

fuzz_target!(|data: &[u8]| {
    let texts: Vec<String> = data
        .split(|&byte| byte == 0)
        .take(16)
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    let mut old = texts[0].as_str();
    let mut tree = ward_syntax::parse_tree(old, None);
    for new in &texts[1..] {
        tree.edit(&edit(old, new));
        tree = ward_syntax::parse_tree(new, Some(&tree));
        let incremental = ward_syntax::lower(&tree, new);
        let fresh = ward_syntax::parse_with_tree_sitter(new);
        assert_eq!(
            incremental, fresh,
            "incremental and fresh parses differ after an edit from {old:?} to {new:?}"
        );
        old = new;
    }
});
