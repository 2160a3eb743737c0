//! Byte offsets to line/column positions and back, in any of the column encodings that
//! editors and output formats use. Lines break at `\n`, `\r\n` and `\r`, as in LSP.

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    /// UTF-8 code units (bytes).
    Utf8,
    /// UTF-16 code units, LSP's default.
    Utf16,
    /// Unicode scalar values, as `ward check` reports columns.
    Utf32,
}

/// A 0-based line and a 0-based column in some [`PositionEncoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The start offsets of every line of a text, and where its non-ASCII characters are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// Every non-ASCII character: its offset, and how many UTF-8 bytes it has beyond its
    /// UTF-16 and its scalar-value width, summed over it and every earlier one. A column
    /// is then a subtraction, however long the line: no position costs a scan.
    wide_chars: Vec<WideChar>,
    len: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    offset: u32,
    /// UTF-8 bytes minus UTF-16 units, summed up to and including this character.
    extra_utf16: u32,
    /// UTF-8 bytes minus one, summed up to and including this character.
    extra_utf32: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\n' => line_starts.push(at as u32 + 1),
                b'\r' if bytes.get(at + 1) == Some(&b'\n') => {
                    line_starts.push(at as u32 + 2);
                    at += 1;
                }
                b'\r' => line_starts.push(at as u32 + 1),
                _ => {}
            }
            at += 1;
        }
        let mut wide_chars = Vec::new();
        if !text.is_ascii() {
            let (mut extra_utf16, mut extra_utf32) = (0, 0);
            for (offset, ch) in text.char_indices().filter(|(_, ch)| !ch.is_ascii()) {
                extra_utf16 += (ch.len_utf8() - ch.len_utf16()) as u32;
                extra_utf32 += (ch.len_utf8() - 1) as u32;
                wide_chars.push(WideChar {
                    offset: offset as u32,
                    extra_utf16,
                    extra_utf32,
                });
            }
        }
        LineIndex {
            line_starts,
            wide_chars,
            len: bytes.len() as u32,
        }
    }

    /// The extra UTF-8 bytes of the non-ASCII characters before `offset`, in `encoding`.
    fn extra_before(&self, offset: usize, encoding: PositionEncoding) -> usize {
        let before = self
            .wide_chars
            .partition_point(|wide| (wide.offset as usize) < offset);
        match (
            before.checked_sub(1).map(|at| self.wide_chars[at]),
            encoding,
        ) {
            (None, _) | (_, PositionEncoding::Utf8) => 0,
            (Some(wide), PositionEncoding::Utf16) => wide.extra_utf16 as usize,
            (Some(wide), PositionEncoding::Utf32) => wide.extra_utf32 as usize,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte offset where `line` starts, if the text has that line.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.line_starts
            .get(line as usize)
            .map(|&start| start as usize)
    }

    /// The position of a byte offset. Offsets inside a character or past the end are
    /// clamped to the character's start or the end of the text.
    pub fn line_col(&self, text: &str, offset: usize, encoding: PositionEncoding) -> LineCol {
        let mut offset = offset.min(self.len as usize);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .line_starts
            .partition_point(|&start| start as usize <= offset)
            - 1;
        let start = self.line_starts[line] as usize;
        let col = (offset - start)
            - (self.extra_before(offset, encoding) - self.extra_before(start, encoding));
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a position. A column past the end of its line is clamped to the
    /// line's end (before its line break); a line past the end of the text gives the end.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: PositionEncoding) -> usize {
        let Some(start) = self.line_start(pos.line) else {
            return self.len as usize;
        };
        let end = self.line_end_without_break(text, pos.line as usize);
        let line = &text[start..end];
        let mut units = 0usize;
        for (at, ch) in line.char_indices() {
            if units >= pos.col as usize {
                return start + at;
            }
            units += unit_len(ch, encoding);
            // A column in the middle of a surrogate pair lands after the character.
        }
        end
    }

    fn line_end_without_break(&self, text: &str, line: usize) -> usize {
        let next = self
            .line_starts
            .get(line + 1)
            .map_or(self.len as usize, |&start| start as usize);
        let bytes = &text.as_bytes()[..next];
        let mut end = next;
        if end > self.line_starts[line] as usize && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > self.line_starts[line] as usize && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        end
    }
}

fn unit_len(ch: char, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => ch.len_utf8(),
        PositionEncoding::Utf16 => ch.len_utf16(),
        PositionEncoding::Utf32 => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PositionEncoding::*;

    fn count_units(text: &str, encoding: PositionEncoding) -> usize {
        match encoding {
            PositionEncoding::Utf8 => text.len(),
            PositionEncoding::Utf16 => text.chars().map(char::len_utf16).sum(),
            PositionEncoding::Utf32 => text.chars().count(),
        }
    }

    #[test]
    fn columns_agree_with_counting_at_every_offset() {
        let text = "a\u{e9}\u{1f600}b\r\n\u{4e2d}\u{6587} x\u{e9}\n\u{10348}\rz";
        let index = LineIndex::new(text);
        // Between `\r` and `\n` is no position at all: skip it.
        let between_cr_lf =
            |at: usize| at > 0 && text[..at].ends_with('\r') && text[at..].starts_with('\n');
        for offset in (0..=text.len()).filter(|&at| text.is_char_boundary(at) && !between_cr_lf(at))
        {
            for encoding in [Utf8, Utf16, Utf32] {
                let pos = index.line_col(text, offset, encoding);
                let start = index.line_start(pos.line).unwrap();
                assert_eq!(
                    pos.col as usize,
                    count_units(&text[start..offset], encoding)
                );
                assert_eq!(
                    index.offset(text, pos, encoding),
                    offset,
                    "{offset} {encoding:?}"
                );
            }
        }
    }

    #[test]
    fn columns_in_every_encoding() {
        let text = "a\né😀x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x, Utf8), LineCol { line: 1, col: 6 });
        assert_eq!(index.line_col(text, x, Utf16), LineCol { line: 1, col: 3 });
        assert_eq!(index.line_col(text, x, Utf32), LineCol { line: 1, col: 2 });
        for encoding in [Utf8, Utf16, Utf32] {
            let pos = index.line_col(text, x, encoding);
            assert_eq!(index.offset(text, pos, encoding), x);
        }
    }

    #[test]
    fn every_line_break_style() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        let d = text.find('d').unwrap();
        assert_eq!(index.line_col(text, d, Utf16), LineCol { line: 3, col: 0 });
        // A column past the end of a CRLF line stops before the CR.
        assert_eq!(index.offset(text, LineCol { line: 0, col: 9 }, Utf16), 1);
        assert_eq!(
            index.offset(text, LineCol { line: 9, col: 0 }, Utf16),
            text.len()
        );
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1, Utf16), LineCol { line: 0, col: 0 });
    }
}
