//! Parse and lower any text. Never a panic; the direct parser, when it does not give up,
//! returns exactly what lowering the tree-sitter tree returns, with no error (the invariant
//! of ARCHITECTURE.md); every syntax error lies inside the text, on character boundaries;
//! the line index takes each of their offsets to a position and back in every encoding.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_syntax::{LineIndex, PositionEncoding};

fuzz_target!(|data: &[u8]| {
    // Ward reads UTF-8 only: other bytes are refused before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let slow = ward_syntax::parse_with_tree_sitter(text);
    if let Some(fast) = ward_syntax::parse_fast(text) {
        assert!(
            fast.errors.is_empty(),
            "the direct parser reported an error"
        );
        assert_eq!(fast, slow, "the direct parser disagrees with tree-sitter");
    }
    let index = LineIndex::new(text);
    for error in &slow.errors {
        let (start, end) = (error.range.start as usize, error.range.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "{error:?} out of the text"
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{error:?} splits a character"
        );
        for encoding in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            let position = index.line_col(text, start, encoding);
            assert_eq!(
                index.offset(text, position, encoding),
                start,
                "{encoding:?} round trip of {start}"
            );
        }
    }
});
