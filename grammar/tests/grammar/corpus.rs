//! The corpus (`test/corpus/*.txt`, tree-sitter's test format) checked without the CLI.
//!
//! A case is a `===` header (name, then attribute lines such as `:error`), the input, a
//! `---` divider and the expected S-expression. The file is split as `tree-sitter test`
//! splits it: the longest divider in the body separates input from output (a later one
//! wins a tie), and one trailing line break is dropped from the input. The expected tree
//! is compared with [`tree_sitter::Node::to_sexp`] after normalising whitespace and
//! dropping `;` comment lines; when the expected tree names no field (`name: (`), field
//! names are stripped from the actual tree too. `:error` cases only need an error
//! somewhere in the tree; `:skip` cases are skipped.

use std::path::{Path, PathBuf};

use crate::support;

/// One corpus case.
pub struct Case {
    pub file: PathBuf,
    pub name: String,
    pub input: String,
    /// The expected tree, normalised.
    pub expected: String,
    pub error: bool,
    pub skip: bool,
}

/// Every case of every `test/corpus/*.txt` file, in file order.
pub fn cases() -> Vec<Case> {
    let dir = support::grammar_dir().join("test/corpus");
    let files = support::files_with_extension(&dir, "txt");
    assert!(!files.is_empty(), "no corpus files in {}", dir.display());
    files
        .iter()
        .flat_map(|file| parse_corpus_file(file, &support::read(file)))
        .collect()
}

/// A delimiter line: at least three `c`, then a suffix (usually empty).
fn delimiter(line: &str, c: char) -> Option<(usize, &str)> {
    let len = line.len() - line.trim_start_matches(c).len();
    (len >= 3).then(|| (len, line[len..].trim_end_matches(['\r', '\n'])))
}

fn suffix_matches(first_suffix: Option<&str>, suffix: &str) -> bool {
    match first_suffix {
        None => suffix.is_empty(),
        Some(first) => !suffix.is_empty() && first == suffix,
    }
}

struct Header {
    name: String,
    error: bool,
    skip: bool,
    body_start: usize,
}

/// The header starting at `lines[start]`, if it is one.
fn parse_header(
    lines: &[&str],
    first_suffix: Option<&str>,
    start: usize,
    file: &Path,
) -> Option<Header> {
    let (_, suffix) = delimiter(lines[start], '=')?;
    if !suffix_matches(first_suffix, suffix) {
        return None;
    }
    let mut name = String::new();
    let (mut seen_marker, mut error, mut skip) = (false, false, false);
    let mut i = start + 1;
    while i < lines.len() {
        if let Some((_, suffix)) = delimiter(lines[i], '=')
            && suffix_matches(first_suffix, suffix)
        {
            break;
        }
        let trimmed = lines[i].trim();
        if trimmed.is_empty() && !seen_marker {
            return None;
        }
        match trimmed.split('(').next().unwrap_or_default() {
            ":error" => (seen_marker, error) = (true, true),
            ":skip" => (seen_marker, skip) = (true, true),
            ":fail-fast" => seen_marker = true,
            marker @ (":cst" | ":language" | ":platform") => panic!(
                "{}: the corpus runner does not support `{marker}`",
                file.display()
            ),
            _ if !seen_marker => name.push_str(lines[i]),
            _ => {}
        }
        i += 1;
    }
    (i < lines.len()).then(|| Header {
        name: name.trim_end().to_owned(),
        error: error && !skip,
        skip,
        body_start: i + 1,
    })
}

fn parse_corpus_file(file: &Path, content: &str) -> Vec<Case> {
    let lines: Vec<&str> = content.split_inclusive('\n').collect();
    let first_suffix = lines.iter().find_map(|line| match delimiter(line, '=') {
        Some((_, suffix)) if !suffix.is_empty() => Some(suffix),
        _ => None,
    });

    let mut headers = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match parse_header(&lines, first_suffix, i, file) {
            Some(header) => {
                let body_start = header.body_start;
                headers.push((i, header));
                i = body_start;
            }
            None => i += 1,
        }
    }

    let mut cases = Vec::new();
    for (k, (_, header)) in headers.iter().enumerate() {
        let body_end = headers
            .get(k + 1)
            .map_or(lines.len(), |(opening, _)| *opening);
        let body = &lines[header.body_start..body_end];
        cases.push(build_case(file, header, body));
    }
    cases
}

fn build_case(file: &Path, header: &Header, body: &[&str]) -> Case {
    let mut divider: Option<(usize, usize)> = None; // (length, line)
    for (j, line) in body.iter().enumerate() {
        if let Some((len, suffix)) = delimiter(line, '-') {
            let total = len + suffix.len();
            if divider.is_none_or(|(best, _)| total >= best) && suffix_matches(None, suffix) {
                divider = Some((total, j));
            }
        }
    }
    let (_, divider) = divider.unwrap_or_else(|| {
        panic!(
            "{}: case `{}` has no `---` divider",
            file.display(),
            header.name
        )
    });

    let mut input: String = body[..divider].concat();
    if input.ends_with('\n') {
        input.pop();
    }
    if input.ends_with('\r') {
        input.pop();
    }
    Case {
        file: file.to_path_buf(),
        name: header.name.clone(),
        input,
        expected: normalize_sexp(&body[divider + 1..].concat()),
        error: header.error,
        skip: header.skip,
    }
}

/// Collapses whitespace to single spaces, drops the space before `)` and `;` comment lines.
pub fn normalize_sexp(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut prev_space = false;
    for line in raw.lines() {
        if line.trim_start().starts_with(';') {
            continue;
        }
        for ch in line.chars() {
            if ch.is_whitespace() {
                if !prev_space && !out.is_empty() {
                    out.push(' ');
                    prev_space = true;
                }
            } else {
                if ch == ')' && prev_space {
                    out.pop();
                }
                out.push(ch);
                prev_space = false;
            }
        }
        if !out.is_empty() && !prev_space {
            out.push(' ');
            prev_space = true;
        }
    }
    out.trim_end().to_owned()
}

/// Replaces ` name: (` by ` (` throughout a single-spaced S-expression.
pub fn strip_fields(sexp: &str) -> String {
    let mut out = String::with_capacity(sexp.len());
    let mut rest = sexp;
    while let Some(pos) = rest.find(": (") {
        if let Some(space) = rest[..pos].rfind(' ') {
            let word = &rest[space + 1..pos];
            if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                out.push_str(&rest[..=space]);
                out.push('(');
                rest = &rest[pos + 3..];
                continue;
            }
        }
        out.push_str(&rest[..pos + 3]);
        rest = &rest[pos + 3..];
    }
    out.push_str(rest);
    out
}

/// Splits a single-spaced S-expression at the spaces outside quotes.
fn sexp_tokens(sexp: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in sexp.char_indices() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == ' ' => {
                tokens.push(&sexp[start..i]);
                start = i + 1;
            }
            None => {}
        }
    }
    tokens.push(&sexp[start..]);
    tokens.retain(|t| !t.is_empty());
    tokens
}

/// Indents a single-line S-expression, one node per line, for failure messages.
pub fn pretty_sexp(sexp: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut after_label = false;
    for token in sexp_tokens(sexp) {
        let is_label = token.ends_with(':') && !token.starts_with('(');
        if after_label {
            out.push(' ');
        } else if token.starts_with('(') || is_label {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&"  ".repeat(depth));
        } else {
            out.push(' ');
        }
        out.push_str(token);
        after_label = is_label;
        if token.starts_with('(') {
            depth += 1;
        }
        depth = depth.saturating_sub(token.chars().rev().take_while(|&c| c == ')').count());
    }
    out
}

#[test]
fn corpus_cases_parse_to_their_expected_trees() {
    let cases = cases();
    let mut failures = Vec::new();
    let mut run = 0;
    for case in &cases {
        if case.skip {
            continue;
        }
        run += 1;
        let tree = support::parse(&case.input);
        let root = tree.root_node();
        let label = format!("{}: {}", support::display(&case.file), case.name);
        if case.error {
            if !root.has_error() {
                failures.push(format!(
                    "{label}\n  expected an error, got\n{}\n",
                    pretty_sexp(&root.to_sexp())
                ));
            }
            continue;
        }
        let mut actual = root.to_sexp();
        if !case.expected.contains(": (") {
            actual = strip_fields(&actual);
        }
        if actual != case.expected {
            failures.push(format!(
                "{label}\n--- expected\n{}\n--- actual\n{}\n",
                pretty_sexp(&case.expected),
                pretty_sexp(&actual)
            ));
        }
    }
    assert!(run > 0, "no corpus case ran");
    assert!(
        failures.is_empty(),
        "{} of {run} corpus cases failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_corpus_format_is_read_like_the_cli_reads_it() {
    let text = "\
==========
First
:error
==========

a --- b
---
c
-----

(x
  f: (y)) ; trailing
; a comment line

=====
Second
=====
d
---
(d)
";
    let cases = parse_corpus_file(Path::new("inline.txt"), text);
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].name, "First");
    assert!(cases[0].error);
    assert_eq!(cases[0].input, "\na --- b\n---\nc");
    assert_eq!(cases[0].expected, "(x f: (y)) ; trailing");
    assert_eq!(cases[1].name, "Second");
    assert_eq!(cases[1].input, "d");
    assert_eq!(cases[1].expected, "(d)");
    assert_eq!(strip_fields("(a kind: (b) (c id: (d)))"), "(a (b) (c (d)))");
}
