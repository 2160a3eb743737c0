//! Open documents: the editor's text as a rope and its tree-sitter tree, kept up to date
//! edit by edit so that every `didChange` reparses incrementally, once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Tree};
use ward_analysis::PositionEncoding;

use super::convert;

/// One open document.
pub struct Document {
    /// The URI exactly as the client sent it, used whenever we talk about this document.
    pub uri: Uri,
    pub version: i32,
    rope: Rope,
    text: Arc<str>,
    tree: Tree,
    /// Whether the text may hold a `\r` not followed by `\n` (see [`convert::ts_point`]).
    lone_cr: bool,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: String) -> Document {
        let tree = ward_syntax::parse_tree(&text, None);
        Document {
            uri,
            version,
            rope: Rope::from_str(&text),
            lone_cr: has_lone_cr(&text),
            text: Arc::from(text),
            tree,
        }
    }

    pub fn text(&self) -> Arc<str> {
        self.text.clone()
    }

    pub fn tree(&self) -> Tree {
        self.tree.clone()
    }

    /// Applies a `didChange`'s changes in order, then reparses once with the edited tree.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) {
        let mut tree = Some(self.tree.clone());
        for change in changes {
            let Some(range) = change.range else {
                // A change without a range replaces the whole text.
                self.rope = Rope::from_str(&change.text);
                self.lone_cr = has_lone_cr(&change.text);
                tree = None;
                continue;
            };
            let rope = &mut self.rope;
            let start = convert::rope_offset(rope, range.start, encoding);
            let old_end = convert::rope_offset(rope, range.end, encoding).max(start);
            let start_position = convert::ts_point(rope, start, self.lone_cr);
            let old_end_position = convert::ts_point(rope, old_end, self.lone_cr);
            // A `\r` that loses its `\n`, or a new `\r`, may make a lone one.
            if change.text.contains('\r') || (start > 0 && rope.byte(start - 1) == b'\r') {
                self.lone_cr = true;
            }
            let start_char = rope.byte_to_char(start);
            let old_end_char = rope.byte_to_char(old_end);
            rope.remove(start_char..old_end_char);
            rope.insert(start_char, &change.text);
            let new_end = start + change.text.len();
            let new_end_position = convert::ts_point(rope, new_end, self.lone_cr);
            if let Some(tree) = &mut tree {
                tree.edit(&InputEdit {
                    start_byte: start,
                    old_end_byte: old_end,
                    new_end_byte: new_end,
                    start_position,
                    old_end_position,
                    new_end_position,
                });
            }
        }
        let text = String::from(&self.rope);
        self.tree = ward_syntax::parse_tree(&text, tree.as_ref());
        self.lone_cr = has_lone_cr(&text);
        self.text = Arc::from(text);
        self.version = version;
    }
}

fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(at, &byte)| byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
}

/// The open documents, by path.
#[derive(Default)]
pub struct Documents {
    by_path: HashMap<PathBuf, Document>,
}

impl Documents {
    pub fn get(&self, path: &Path) -> Option<&Document> {
        self.by_path.get(path)
    }

    pub fn get_mut(&mut self, path: &Path) -> Option<&mut Document> {
        self.by_path.get_mut(path)
    }

    pub fn insert(&mut self, path: PathBuf, document: Document) {
        self.by_path.insert(path, document);
    }

    pub fn remove(&mut self, path: &Path) -> Option<Document> {
        self.by_path.remove(path)
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.by_path.contains_key(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PathBuf, &Document)> {
        self.by_path.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(range: ((u32, u32), (u32, u32)), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(range.0.0, range.0.1),
                Position::new(range.1.0, range.1.1),
            )),
            range_length: None,
            text: text.to_owned(),
        }
    }

    fn sexp(tree: &Tree) -> String {
        tree.root_node().to_sexp()
    }

    #[test]
    fn edits_match_a_fresh_parse() {
        let uri: Uri = "file:///a.ward".parse().unwrap();
        let text = "asset A \"é😀\" {\r\n  kind: data\r\n}\r\nthreat T {\n  targets: A\n}\n";
        let mut doc = Document::new(uri, 1, text.to_owned());
        doc.apply_changes(
            2,
            vec![
                change(((0, 8), (0, 9)), ""),
                change(((3, 7), (3, 8)), "T-1"),
                change(((4, 11), (4, 12)), "A, B\r\nC"),
                change(((0, 0), (0, 0)), "// 😀\r"),
            ],
            PositionEncoding::Utf16,
        );
        let expected = "// 😀\rasset A é😀\" {\r\n  kind: data\r\n}\r\nthreat T-1 {\n  targets: A, B\r\nC\n}\n";
        assert_eq!(&*doc.text(), expected);
        assert_eq!(
            sexp(&doc.tree),
            sexp(&ward_syntax::parse_tree(expected, None))
        );
        assert_eq!(doc.version, 2);
    }
}
