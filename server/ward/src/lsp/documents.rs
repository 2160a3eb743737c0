//! Open documents: the editor's text as a rope, to turn each `didChange`'s positions into
//! the byte edits the analysis host applies (it keeps the incrementally parsed tree).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};
use ward_analysis::{PositionEncoding, TextEdit, TextRange};

use super::convert;

/// One open document.
pub struct Document {
    /// The URI exactly as the client sent it, used whenever we talk about this document.
    pub uri: Uri,
    pub version: i32,
    rope: Rope,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: &str) -> Document {
        Document {
            uri,
            version,
            rope: Rope::from_str(text),
        }
    }

    /// Applies a `didChange`'s changes in order, and returns them as byte edits, each in the
    /// text as the edits before it left it.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) -> Vec<TextEdit> {
        let mut edits = Vec::with_capacity(changes.len());
        for change in changes {
            let rope = &mut self.rope;
            let (start, old_end) = match change.range {
                Some(range) => {
                    let start = convert::rope_offset(rope, range.start, encoding);
                    let old_end = convert::rope_offset(rope, range.end, encoding).max(start);
                    (start, old_end)
                }
                // A change without a range replaces the whole text.
                None => (0, rope.len_bytes()),
            };
            let start_char = rope.byte_to_char(start);
            let old_end_char = rope.byte_to_char(old_end);
            rope.remove(start_char..old_end_char);
            rope.insert(start_char, &change.text);
            edits.push(TextEdit::new(TextRange::new(start, old_end), change.text));
        }
        self.version = version;
        edits
    }

    #[cfg(test)]
    fn text(&self) -> String {
        String::from(&self.rope)
    }
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

    #[test]
    fn changes_become_byte_edits_in_order() {
        let uri: Uri = "file:///a.ward".parse().unwrap();
        let text = "asset A \"é😀\" {\r\n  kind: data\r\n}\r\nthreat T {\n  targets: A\n}\n";
        let mut doc = Document::new(uri, 1, text);
        let edits = doc.apply_changes(
            2,
            vec![
                change(((0, 8), (0, 9)), ""),
                change(((3, 7), (3, 8)), "T-1"),
                change(((4, 11), (4, 12)), "A, B\r\nC"),
                // UTF-16: the emoji counts two units.
                change(((0, 11), (0, 11)), "!"),
            ],
            PositionEncoding::Utf16,
        );
        let expected =
            "asset A é😀!\" {\r\n  kind: data\r\n}\r\nthreat T-1 {\n  targets: A, B\r\nC\n}\n";
        assert_eq!(doc.text(), expected);
        let ranges: Vec<(u32, u32)> = edits.iter().map(|e| (e.range.start, e.range.end)).collect();
        assert_eq!(ranges, [(8, 9), (43, 44), (60, 61), (14, 14)]);
        // The host applies the same edits to the same text.
        let mut host = ward_analysis::AnalysisHost::new();
        let path = std::path::Path::new("/a.ward");
        let file = host.open_file(path, std::sync::Arc::from(text));
        host.edit_file(path, &edits);
        assert_eq!(&*host.analysis().text(file), expected);
        assert_eq!(doc.version, 2);
    }

    #[test]
    fn a_change_without_range_replaces_everything() {
        let uri: Uri = "file:///a.ward".parse().unwrap();
        let mut doc = Document::new(uri, 1, "asset A { kind: data }");
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "threat T {}".to_owned(),
        };
        let edits = doc.apply_changes(2, vec![whole], PositionEncoding::Utf8);
        assert_eq!(doc.text(), "threat T {}");
        assert_eq!(edits, [TextEdit::new(TextRange::new(0, 22), "threat T {}")]);
    }
}
