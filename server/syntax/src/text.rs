//! Decoding of string literals and text blocks.

/// Resolves the escapes of a string literal given with its quotes.
///
/// Returns the value and the byte offsets (relative to `literal`) of every unknown escape,
/// which keeps its backslash in the value.
pub fn unescape_string(literal: &str) -> (String, Vec<(usize, usize)>) {
    let opened = literal.strip_prefix('"').unwrap_or(literal);
    let inner = if is_terminated(literal) {
        &opened[..opened.len() - 1]
    } else {
        opened
    };
    let mut value = String::with_capacity(inner.len());
    let mut bad = Vec::new();
    let mut chars = inner.char_indices();
    while let Some((at, ch)) = chars.next() {
        if ch != '\\' {
            value.push(ch);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => value.push('"'),
            Some((_, '\\')) => value.push('\\'),
            Some((_, 'n')) => value.push('\n'),
            Some((next_at, other)) => {
                value.push('\\');
                value.push(other);
                // +1 for the opening quote stripped above.
                bad.push((at + 1, next_at + other.len_utf8() + 1));
            }
            None => value.push('\\'),
        }
    }
    (value, bad)
}

/// Whether a string literal has its closing quote: the grammar lets a string left open end
/// at its line break, and the last quote of `"a\"` is escaped, not closing.
pub fn is_terminated(literal: &str) -> bool {
    let Some(body) = literal
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
    else {
        return false;
    };
    let backslashes = body.bytes().rev().take_while(|&b| b == b'\\').count();
    backslashes % 2 == 0
}

/// The value of a `"""` text block given with its delimiters: the line break after the
/// opening and before the closing delimiter dropped, and the indentation common to its
/// lines (the closing delimiter's line included) removed.
pub fn dedent_text_block(literal: &str) -> String {
    let inner = literal
        .strip_prefix("\"\"\"")
        .map(|rest| rest.strip_suffix("\"\"\"").unwrap_or(rest))
        .unwrap_or(literal);
    let mut lines: Vec<&str> = inner
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();
    let is_blank = |line: &str| line.chars().all(|ch| ch == ' ' || ch == '\t');
    if lines.len() > 1 && is_blank(lines[0]) {
        lines.remove(0);
    }
    // The closing delimiter's own line: dropped, but its indentation still counts.
    let mut closing_indent = None;
    if lines.len() > 1 && is_blank(lines[lines.len() - 1]) {
        closing_indent = Some(lines.pop().unwrap_or_default().len());
    }
    let indent_of = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let common = lines
        .iter()
        .filter(|line| !is_blank(line))
        .map(|line| indent_of(line))
        .chain(closing_indent)
        .min()
        .unwrap_or(0);
    let mut value = String::with_capacity(inner.len());
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            value.push('\n');
        }
        if !is_blank(line) {
            value.push_str(&line[common.min(indent_of(line))..]);
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_escapes_are_resolved() {
        let (value, bad) = unescape_string(r#""a \"b\" \\ c\nd""#);
        assert_eq!(value, "a \"b\" \\ c\nd");
        assert!(bad.is_empty());
    }

    #[test]
    fn strings_left_open() {
        assert!(is_terminated(r#""a""#));
        assert!(is_terminated(r#""a\\""#));
        assert!(!is_terminated(r#""a\""#));
        assert!(!is_terminated(r#""a"#));
        assert!(!is_terminated(r#"""#));
        assert_eq!(unescape_string(r#""a\""#).0, "a\"");
        assert_eq!(unescape_string(r#""no end"#).0, "no end");
    }

    #[test]
    fn unknown_escapes_are_located() {
        let literal = r#""tab\there""#;
        let (value, bad) = unescape_string(literal);
        assert_eq!(value, "tab\\there");
        assert_eq!(bad, vec![(4, 6)]);
        assert_eq!(&literal[4..6], "\\t");
    }

    #[test]
    fn text_block_drops_outer_breaks_and_common_indent() {
        let literal = "\"\"\"\n    First line\n      indented\n\n    last\n    \"\"\"";
        assert_eq!(dedent_text_block(literal), "First line\n  indented\n\nlast");
    }

    #[test]
    fn text_block_closing_delimiter_indent_counts() {
        let literal = "\"\"\"\n    a\n    b\n  \"\"\"";
        assert_eq!(dedent_text_block(literal), "  a\n  b");
    }

    #[test]
    fn text_block_on_one_line_and_crlf() {
        assert_eq!(dedent_text_block("\"\"\"just this\"\"\""), "just this");
        assert_eq!(
            dedent_text_block("\"\"\"\r\n  x\r\n  y\r\n  \"\"\""),
            "x\ny"
        );
    }
}
