//! The formatter: one canonical layout for a file that parses, as byte edits of its text.
//!
//! It walks the tokens of the tree-sitter tree (comments included) and decides the
//! whitespace before each one from where it stands: items separated by a blank line; a body
//! written on one line stays on one line (`{ kind: data }`), any other puts each field on a
//! line of its own, indented two spaces per level; `name: a, b` spacing; at most one blank
//! line kept between fields. Tokens keep their text, except a field name (`name :` becomes
//! `name:`) and a text block, whose lines are re-indented under their field without
//! changing its value. A comment keeps its line: a trailing comment stays after its token,
//! a comment on a line of its own is indented as the code there, and one written at the
//! start of its line stays there (commented-out code, annotations that point at columns).
//!
//! The result is checked: it must lower to the same position-free syntax, or the file is
//! left alone with an error. A file with syntax errors is refused, with the first one's
//! place.

use std::collections::HashMap;

use tree_sitter::Node;

use crate::text::dedent_text_block;
use crate::{TextEdit, TextRange};

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    pub range: TextRange,
    pub message: String,
}

/// The edits that give `text` its canonical layout, in order and apart (neither overlapping
/// nor touching), each a range of `text` and its replacement; none when it has it already.
pub fn format(text: &str) -> Result<Vec<TextEdit>, FormatError> {
    format_with_tree(text, None)
}

/// [`format`] with the tree of `text` when the caller has it (an editor's open document),
/// which spares parsing it again.
pub fn format_with_tree(
    text: &str,
    tree: Option<&tree_sitter::Tree>,
) -> Result<Vec<TextEdit>, FormatError> {
    let parsed = crate::parse(text);
    // An unknown escape is a bad value, not a broken structure: its string stays as it is.
    let broken = parsed
        .errors
        .iter()
        .find(|error| error.kind != crate::SyntaxErrorKind::InvalidEscape);
    if let Some(error) = broken {
        return Err(FormatError {
            range: error.range,
            message: format!("cannot format a file with syntax errors: {}", error.message),
        });
    }
    let parsed_tree;
    let tree = match tree {
        Some(tree) => tree,
        None => {
            parsed_tree = crate::parse_tree(text, None);
            &parsed_tree
        }
    };
    let mut printer = Printer {
        text,
        newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        out: String::with_capacity(text.len() + text.len() / 8),
        edits: Vec::new(),
        previous: None,
        previous_end: 0,
        multiline: std::cell::RefCell::default(),
    };
    let kinds = Kinds::of(&tree.language());
    let mut leaves = Vec::new();
    collect_leaves(&kinds, tree.root_node(), &mut Vec::new(), &mut leaves);
    for leaf in leaves {
        printer.leaf(leaf);
    }
    printer.finish();
    let Printer { out, edits, .. } = printer;
    let reparsed = crate::parse(&out);
    if reparsed.errors.len() != parsed.errors.len() || reparsed.ast != parsed.ast {
        return Err(FormatError {
            range: TextRange::default(),
            message: "the formatter would change what the file says (a bug in Ward): the \
                      file is left as it is"
                .to_owned(),
        });
    }
    Ok(edits)
}

/// The edits of [`format`] that touch `range` (a selection's formatting).
pub fn format_range(
    text: &str,
    tree: Option<&tree_sitter::Tree>,
    range: TextRange,
) -> Result<Vec<TextEdit>, FormatError> {
    Ok(format_with_tree(text, tree)?
        .into_iter()
        .filter(|edit| edit.range.start <= range.end && range.start <= edit.range.end)
        .collect())
}

/// `text` with `edits` (in order, not overlapping, ranges of `text`) applied.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.range.start as usize]);
        out.push_str(&edit.insert);
        at = edit.range.end as usize;
    }
    out.push_str(&text[at..]);
    out
}

/// The node kinds the printer tells apart, by tree-sitter's numeric kind: comparing names
/// costs a `strlen` and a `memcmp` per question, and the printer asks several per token.
struct Kinds {
    bodies: [u16; 3],
    open: u16,
    close: u16,
    comma: u16,
    comment: u16,
    field_name: u16,
    text_block: u16,
}

impl Kinds {
    fn of(language: &tree_sitter::LanguageRef<'_>) -> Kinds {
        let named = |name| language.id_for_node_kind(name, true);
        let anonymous = |name| language.id_for_node_kind(name, false);
        Kinds {
            bodies: [named("item_body"), named("plan_body"), named("field_block")],
            open: anonymous("{"),
            close: anonymous("}"),
            comma: anonymous(","),
            comment: named("comment"),
            field_name: named("field_name"),
            text_block: named("text_block"),
        }
    }

    fn is_body(&self, node: Node<'_>) -> bool {
        self.bodies.contains(&node.kind_id())
    }

    fn token(&self, node: Node<'_>) -> Token {
        match node.kind_id() {
            id if id == self.open => Token::Open,
            id if id == self.close => Token::Close,
            id if id == self.comma => Token::Comma,
            id if id == self.comment => Token::Comment,
            id if id == self.field_name => Token::FieldName,
            id if id == self.text_block => Token::TextBlock,
            _ => Token::Other,
        }
    }
}

/// What a leaf is, as far as its layout goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Comma,
    Comment,
    FieldName,
    TextBlock,
    Other,
}

/// A leaf of the tree, with what the printer asks of it worked out once.
#[derive(Clone, Copy)]
struct Leaf<'t> {
    node: Node<'t>,
    token: Token,
    shape: Shape<'t>,
}

/// Where a leaf stands in the tree, worked out once while walking down to it: asking a
/// tree-sitter node for its parent searches down from the root (across every item of the
/// file), which made formatting a large file quadratic.
#[derive(Clone, Copy)]
struct Shape<'t> {
    /// How many bodies hold it (its own braces do not count as inside).
    depth: usize,
    /// The body or file it starts a child of (the first token of a field, a block, an
    /// item), and whether that is the file.
    child_of: Option<(Node<'t>, bool)>,
    /// For a brace, the body it belongs to.
    brace_body: Option<Node<'t>>,
}

/// The leaves in text order, each with its shape (`ancestors`: the path from the root).
fn collect_leaves<'t>(
    kinds: &Kinds,
    node: Node<'t>,
    ancestors: &mut Vec<Node<'t>>,
    out: &mut Vec<Leaf<'t>>,
) {
    if node.child_count() == 0 {
        if node.end_byte() > node.start_byte() {
            let token = kinds.token(node);
            out.push(Leaf {
                node,
                token,
                shape: shape(kinds, node, token, ancestors),
            });
        }
        return;
    }
    ancestors.push(node);
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_leaves(kinds, child, ancestors, out);
    }
    ancestors.pop();
}

fn shape<'t>(kinds: &Kinds, leaf: Node<'t>, token: Token, ancestors: &[Node<'t>]) -> Shape<'t> {
    let own_brace = matches!(token, Token::Open | Token::Close);
    let parent = ancestors.last().copied();
    let bodies = ancestors
        .iter()
        .filter(|node| kinds.is_body(**node))
        .count();
    let brace_body = parent.filter(|parent| own_brace && kinds.is_body(*parent));
    let depth = bodies - usize::from(brace_body.is_some());
    let mut child_of = None;
    if !own_brace {
        let mut at = leaf;
        for (index, &parent) in ancestors.iter().enumerate().rev() {
            let is_root = index == 0;
            if kinds.is_body(parent) || is_root {
                child_of = Some((parent, is_root));
                break;
            }
            if parent.child(0) != Some(at) {
                break;
            }
            at = parent;
        }
    }
    Shape {
        depth,
        child_of,
        brace_body,
    }
}

const INDENT: &str = "  ";

struct Printer<'a, 't> {
    text: &'a str,
    newline: &'static str,
    out: String,
    edits: Vec<TextEdit>,
    /// The last token printed.
    previous: Option<Leaf<'t>>,
    /// Where its original text ended (a comment's `\r` is part of the line break after it).
    previous_end: usize,
    multiline: std::cell::RefCell<HashMap<usize, bool>>,
}

impl<'t> Printer<'_, 't> {
    fn depth(&self, leaf: Leaf<'t>) -> usize {
        leaf.shape.depth
    }

    fn brace_body(&self, leaf: Leaf<'t>) -> Option<Node<'t>> {
        leaf.shape.brace_body
    }

    fn original(&self, node: Node<'_>) -> &str {
        &self.text[node.start_byte()..node.end_byte()]
    }

    /// Whether a body is laid out on several lines: as written, or because a comment or a
    /// multi-line text block inside it needs lines. Asked for every token of a body, so
    /// each body's answer is kept.
    fn multiline(&self, body: Node<'_>) -> bool {
        *self
            .multiline
            .borrow_mut()
            .entry(body.id())
            .or_insert_with(|| {
                self.original(body)
                    .bytes()
                    .any(|byte| byte == b'\n' || byte == b'\r')
            })
    }

    fn indent(&self, levels: usize) -> String {
        INDENT.repeat(levels)
    }

    fn gap_before(&self, leaf: Leaf<'_>) -> &str {
        &self.text[self.previous_end..leaf.node.start_byte()]
    }

    /// The end of a token's own text: a comment's does not take the `\r` of a `\r\n`.
    fn token_end(&self, leaf: Leaf<'_>) -> usize {
        let node = leaf.node;
        match leaf.token {
            Token::Comment => node.start_byte() + self.original(node).trim_end_matches('\r').len(),
            _ => node.end_byte(),
        }
    }

    fn line_breaks(gap: &str) -> usize {
        gap.matches('\n').count() + gap.matches('\r').count() - gap.matches("\r\n").count()
    }

    /// The whitespace to print before `leaf`.
    fn separator(&self, leaf: Leaf<'t>) -> String {
        let Some(previous) = self.previous else {
            return String::new();
        };
        let nl = self.newline;
        let breaks = Self::line_breaks(self.gap_before(leaf));
        let blank = if breaks >= 2 { nl } else { "" };
        if leaf.token == Token::Comment {
            if breaks == 0 {
                return " ".to_owned();
            }
            let at_line_start = {
                let start = leaf.node.start_byte();
                start == 0 || matches!(self.text.as_bytes()[start - 1], b'\n' | b'\r')
            };
            let indent = if at_line_start {
                String::new()
            } else {
                self.indent(self.depth(leaf))
            };
            return format!("{nl}{blank}{indent}");
        }
        if let Some(body) = self.brace_body(leaf)
            && leaf.token == Token::Close
        {
            if self.multiline(body) {
                return format!("{nl}{}", self.indent(self.depth(leaf)));
            }
            return if self.brace_body(previous) == Some(body) && previous.token == Token::Open {
                String::new()
            } else {
                " ".to_owned()
            };
        }
        if let Some((container, is_file)) = leaf.shape.child_of {
            if is_file {
                // Between items: a blank line, or the line break a comment above had.
                return if previous.token == Token::Comment && breaks < 2 {
                    nl.to_owned()
                } else {
                    format!("{nl}{nl}")
                };
            }
            if self.multiline(container) {
                let first =
                    self.brace_body(previous) == Some(container) && previous.token == Token::Open;
                let blank = if first { "" } else { blank };
                return format!("{nl}{blank}{}", self.indent(self.depth(leaf)));
            }
            return " ".to_owned();
        }
        if previous.token == Token::Comment {
            // A line that goes on after a comment: one level deeper than its own.
            return format!("{nl}{}", self.indent(self.depth(leaf) + 1));
        }
        if leaf.token == Token::Comma {
            return String::new();
        }
        " ".to_owned()
    }

    /// The text to print for `leaf`.
    fn token(&self, leaf: Leaf<'t>) -> String {
        let original = &self.text[leaf.node.start_byte()..self.token_end(leaf)];
        match leaf.token {
            Token::FieldName => {
                let name = original.trim_end_matches(':').trim_end_matches([' ', '\t']);
                format!("{name}:")
            }
            Token::TextBlock if original.contains(['\n', '\r']) => {
                let value = dedent_text_block(original);
                let indent = self.indent(self.depth(leaf) + 1);
                let mut block = String::from("\"\"\"");
                for line in value.split('\n') {
                    block.push_str(self.newline);
                    if !line.is_empty() {
                        block.push_str(&indent);
                        block.push_str(line);
                    }
                }
                block.push_str(self.newline);
                block.push_str(&indent);
                block.push_str("\"\"\"");
                block
            }
            _ => original.to_owned(),
        }
    }

    fn leaf(&mut self, leaf: Leaf<'t>) {
        let separator = self.separator(leaf);
        self.replace(self.previous_end, leaf.node.start_byte(), &separator);
        let token = self.token(leaf);
        let end = self.token_end(leaf);
        self.replace(leaf.node.start_byte(), end, &token);
        self.previous = Some(leaf);
        self.previous_end = end;
    }

    /// The end of the file: one line break after the last token, or nothing in an empty file.
    fn finish(&mut self) {
        let end = self.text.len();
        match self.previous {
            Some(_) => {
                let newline = self.newline;
                self.replace(self.previous_end, end, newline);
            }
            None => self.replace(0, end, ""),
        }
    }

    /// Prints `new` for the original `start..end`, recording an edit when it differs. An
    /// edit that starts where the last one ended joins it: edits that touch would leave
    /// their order to the client.
    fn replace(&mut self, start: usize, end: usize, new: &str) {
        self.out.push_str(new);
        if &self.text[start..end] == new {
            return;
        }
        match self.edits.last_mut() {
            Some(last) if last.range.end as usize == start => {
                last.range.end = end as u32;
                last.insert.push_str(new);
            }
            _ => self
                .edits
                .push(TextEdit::new(TextRange::new(start, end), new)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(text: &str) -> String {
        let edits = format(text).unwrap_or_else(|error| panic!("{error:?}"));
        let out = apply(text, &edits);
        let again = format(&out).unwrap();
        assert!(again.is_empty(), "not idempotent:\n{out}\n{again:?}");
        out
    }

    #[test]
    fn bodies_fields_values_and_blank_lines() {
        let text = "asset   A \"Pump\"{kind :data   properties: integrity ,availability}\n\n\n\nthreat T {\n    targets:A,B\n\n\n  stride: spoofing\n    }";
        assert_eq!(
            formatted(text),
            "asset A \"Pump\" { kind: data properties: integrity, availability }\n\nthreat T {\n  targets: A, B\n\n  stride: spoofing\n}\n"
        );
    }

    #[test]
    fn blocks_nest_and_empty_bodies_close_at_once() {
        let text = "risk R {\nthreat: T\nresidual {exploitability: 1}\n}\nplan {\nphases: a, b\ngate a {\nrequires: risks-scored\n}\n}\nasset B {}";
        assert_eq!(
            formatted(text),
            "risk R {\n  threat: T\n  residual { exploitability: 1 }\n}\n\nplan {\n  phases: a, b\n  gate a {\n    requires: risks-scored\n  }\n}\n\nasset B {}\n"
        );
    }

    #[test]
    fn comments_stay_on_their_lines() {
        let text = "// Assets.\nasset A { // trailing\n      kind: data\n// at the start of a line\n        // indented\n}\n// about T\n\nthreat T { targets: A }\n";
        assert_eq!(
            formatted(text),
            "// Assets.\nasset A { // trailing\n  kind: data\n// at the start of a line\n  // indented\n}\n// about T\n\nthreat T { targets: A }\n"
        );
    }

    #[test]
    fn text_blocks_move_with_their_field_and_keep_their_value() {
        let text = "risk R {\n        description: \"\"\"\n            First line\n              indented more\n\n            last\n            \"\"\"\n}\n";
        let out = formatted(text);
        assert_eq!(
            out,
            "risk R {\n  description: \"\"\"\n    First line\n      indented more\n\n    last\n    \"\"\"\n}\n"
        );
        assert_eq!(crate::parse(text).ast, crate::parse(&out).ast);
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "asset A {\r\n    kind: data\r\n}\r\n\r\n\r\nasset B { kind: data }";
        assert_eq!(
            formatted(text),
            "asset A {\r\n  kind: data\r\n}\r\n\r\nasset B { kind: data }\r\n"
        );
    }

    #[test]
    fn a_formatted_file_gets_no_edit_and_an_empty_one_stays_empty() {
        let text = "asset A { kind: data }\n\nthreat T {\n  targets: A\n}\n";
        assert_eq!(format(text).unwrap(), []);
        assert_eq!(format("").unwrap(), []);
        assert_eq!(formatted("\n\n  \n"), "");
    }

    #[test]
    fn syntax_errors_are_refused_with_their_place() {
        let text = "asset A { kind: data, }\n";
        let error = format(text).unwrap_err();
        assert!(
            error
                .message
                .starts_with("cannot format a file with syntax errors"),
            "{error:?}"
        );
        assert_eq!(
            &text[error.range.start as usize..error.range.end as usize],
            ","
        );
    }

    #[test]
    fn edits_are_apart() {
        let text = "asset A \"x\"{kind :data   properties: integrity ,availability}";
        let edits = format(text).unwrap();
        for pair in edits.windows(2) {
            assert!(pair[0].range.end < pair[1].range.start, "{edits:?}");
        }
    }

    #[test]
    fn a_range_gets_only_its_edits() {
        let text = "asset A {kind:data}\nasset B {kind:data}\n";
        let second = text.find("asset B").unwrap();
        let edits = format_range(text, None, TextRange::new(second, text.len())).unwrap();
        assert!(!edits.is_empty());
        assert!(
            edits.iter().all(|edit| edit.range.end as usize >= second),
            "{edits:?}"
        );
        let out = apply(text, &edits);
        assert!(out.starts_with("asset A {kind:data}\n"), "{out}");
        assert!(out.ends_with("asset B { kind: data }\n"), "{out}");
    }
}
