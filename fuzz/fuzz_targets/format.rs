//! Format any text (`ward fmt`, LSP formatting). Never a panic; a text with syntax errors
//! is refused, never rewritten; what is formatted lowers to the same position-free syntax
//! and formats to itself; the edits lie in the text, in order and apart.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_syntax::format::{apply, format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(edits) = format(text) else {
        return;
    };
    let mut end = 0;
    for edit in &edits {
        let (start, stop) = (edit.range.start as usize, edit.range.end as usize);
        assert!(end <= start && start <= stop && stop <= text.len(), "{edits:?}");
        assert!(text.is_char_boundary(start) && text.is_char_boundary(stop));
        end = stop + 1;
    }
    let out = apply(text, &edits);
    assert_eq!(
        ward_syntax::parse(text).ast,
        ward_syntax::parse(&out).ast,
        "the formatter changed what the text says"
    );
    let again = format(&out).expect("formatted text is accepted");
    assert!(again.is_empty(), "not idempotent: {again:?}");
});
