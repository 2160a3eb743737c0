//! The highlight assertions of `test/highlight/*.ward`, checked without the CLI.
//!
//! Assertions are comments, read as `tree-sitter test` reads them: `// <- name` asserts
//! the highlight at the comment's own column, `// ^ name` at the caret's column (`^^^`
//! covers several columns, any of which may match), `// ^ !name` asserts its absence; the
//! line asserted on is the nearest line above that is neither an assertion nor too short.
//!
//! The highlight at a position is decided as by tree-sitter-highlight, Neovim and Helix:
//! among the captures of `highlights.scm` on one node the last pattern wins, and among
//! nested nodes the innermost wins. A name must equal the asserted one exactly (the CLI
//! compares whole capture names too). Columns are bytes; the test files are ASCII.

use std::collections::HashMap;

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator, Tree};

use crate::support;

/// One assertion: the highlight expected (or, if `negative`, not expected) at `row`,
/// columns `column..column + length`.
#[derive(Debug)]
struct Assertion {
    row: usize,
    column: usize,
    length: usize,
    negative: bool,
    expected: String,
}

fn is_capture_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn assertions(tree: &Tree, source: &str) -> Vec<Assertion> {
    let mut found = Vec::new();
    let mut comment_rows = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
        if !node.kind().to_lowercase().contains("comment") || node.start_position().row == 0 {
            continue;
        }
        let text = &source[node.byte_range()];
        let start = node.start_position();
        if let Some(assertion) = parse_assertion(text, start.row, start.column) {
            comment_rows.push(start.row);
            found.push(assertion);
        }
    }

    // Each assertion refers to the nearest line above it that holds neither an assertion
    // nor too few columns.
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    for assertion in &mut found {
        loop {
            let on_assertion_line = comment_rows.contains(&assertion.row);
            let too_short = lines[assertion.row].len() <= assertion.column;
            if !(on_assertion_line || too_short) {
                break;
            }
            assert!(
                assertion.row > 0,
                "no line above the assertion `{}`",
                assertion.expected
            );
            assertion.row -= 1;
        }
    }
    found.sort_by_key(|a| (a.row, a.column));
    found
}

/// Reads `<- name`, `^ name`, `^^^ !name` from a comment's text.
fn parse_assertion(text: &str, row: usize, column: usize) -> Option<Assertion> {
    let mut position = column;
    let mut length = 1;
    let mut arrow_end = None;
    let mut previous = None;
    for (i, c) in text.char_indices() {
        if c == '-' && previous == Some('<') {
            arrow_end = Some(i + 1);
            break;
        }
        if c == '^' {
            position = column + i;
            length = text[i..].chars().take_while(|&c| c == '^').count();
            arrow_end = Some(i + length);
            break;
        }
        previous = Some(c);
    }
    let mut rest = &text[arrow_end?..];
    let mut negative = false;
    let trimmed = rest.trim_start();
    if let Some(after) = trimmed.strip_prefix('!') {
        negative = true;
        rest = after;
    }
    let start = rest.find(is_capture_name_char)?;
    let name: String = rest[start..]
        .chars()
        .take_while(|&c| is_capture_name_char(c))
        .collect();
    Some(Assertion {
        row,
        column: position,
        length,
        negative,
        expected: name,
    })
}

/// A node's winning highlight capture.
struct Highlighted<'tree> {
    node: Node<'tree>,
    depth: usize,
    pattern: usize,
    name: String,
}

fn depth(node: Node) -> usize {
    std::iter::successors(node.parent(), |n| n.parent()).count()
}

fn highlights<'tree>(query: &Query, tree: &'tree Tree, source: &str) -> Vec<Highlighted<'tree>> {
    let mut by_node: HashMap<usize, Highlighted<'tree>> = HashMap::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), source.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures() {
            let name = query.capture_names()[capture.index as usize];
            if name.starts_with('_') {
                continue;
            }
            let entry = Highlighted {
                node: capture.node,
                depth: depth(capture.node),
                pattern: m.pattern_index,
                name: name.to_owned(),
            };
            match by_node.get(&capture.node.id()) {
                Some(old) if old.pattern > m.pattern_index => {}
                _ => {
                    by_node.insert(capture.node.id(), entry);
                }
            }
        }
    }
    by_node.into_values().collect()
}

/// The highlight at a byte offset: the innermost highlighted node containing it.
fn highlight_at<'a>(highlights: &'a [Highlighted], byte: usize) -> Option<&'a str> {
    highlights
        .iter()
        .filter(|h| h.node.start_byte() <= byte && byte < h.node.end_byte())
        .max_by_key(|h| {
            (
                h.node.start_byte(),
                std::cmp::Reverse(h.node.end_byte()),
                h.depth,
            )
        })
        .map(|h| h.name.as_str())
}

/// Checks every assertion of one file; returns the failures.
fn check_file(query: &Query, source: &str) -> (usize, Vec<String>) {
    let tree = support::parse(source);
    let highlights = highlights(query, &tree, source);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let assertions = assertions(&tree, source);
    let mut failures = Vec::new();
    for a in &assertions {
        let line_end = line_starts.get(a.row + 1).map_or(source.len(), |&s| s - 1);
        let actual: Vec<&str> = (a.column..a.column + a.length)
            .map(|column| line_starts[a.row] + column)
            .filter(|&byte| byte < line_end)
            .filter_map(|byte| highlight_at(&highlights, byte))
            .collect();
        let holds = if a.negative {
            actual.iter().any(|name| *name != a.expected)
        } else {
            actual.contains(&a.expected.as_str())
        };
        if !holds {
            failures.push(format!(
                "  line {}, column {}: expected {}{}, found {}",
                a.row + 1,
                a.column + 1,
                if a.negative { "!" } else { "" },
                a.expected,
                if actual.is_empty() {
                    "no highlight".to_owned()
                } else {
                    actual.join(", ")
                }
            ));
        }
    }
    (assertions.len(), failures)
}

#[test]
fn highlight_assertions_hold() {
    let query = Query::new(&support::language(), tree_sitter_ward::HIGHLIGHTS_QUERY)
        .expect("highlights.scm compiles");
    let dir = support::grammar_dir().join("test/highlight");
    let files = support::files_with_extension(&dir, "ward");
    assert!(!files.is_empty(), "no highlight tests in {}", dir.display());
    let mut report = Vec::new();
    for file in &files {
        let (count, failures) = check_file(&query, &support::read(file));
        assert!(count > 0, "{} has no assertion", support::display(file));
        if !failures.is_empty() {
            report.push(format!(
                "{}:\n{}",
                support::display(file),
                failures.join("\n")
            ));
        }
    }
    assert!(
        report.is_empty(),
        "highlight assertions failed:\n{}",
        report.join("\n")
    );
}

#[test]
fn assertion_comments_are_read_like_the_cli_reads_them() {
    let source = "asset A {\n// <- keyword\n//    ^ type\n  kind: data\n  //    ^^^^ !type\n}\n";
    let tree = support::parse(source);
    let found = assertions(&tree, source);
    let summary: Vec<_> = found
        .iter()
        .map(|a| (a.row, a.column, a.length, a.negative, a.expected.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (0, 0, 1, false, "keyword"),
            (0, 6, 1, false, "type"),
            (3, 8, 4, true, "type"),
        ]
    );
}

#[test]
fn a_wrong_assertion_fails() {
    let query = Query::new(&support::language(), tree_sitter_ward::HIGHLIGHTS_QUERY)
        .expect("highlights.scm compiles");
    let (count, failures) = check_file(&query, "asset A {}\n// <- type\n");
    assert_eq!(count, 1);
    assert_eq!(failures.len(), 1, "{failures:?}");
}
