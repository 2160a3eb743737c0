//! Every conversion between the analysis (UTF-8 byte offsets, paths, editor-neutral kinds)
//! and LSP (lines and columns in the negotiated encoding, URIs, LSP enums).
//!
//! Two texts are converted here: the analysis snapshot's (through its places) for
//! results, and an open document's rope for incoming edits. Both break lines at `\n`, `\r\n`
//! and `\r`, as LSP does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    self as lsp, Location, Position, PositionEncodingKind, Range, Uri,
};
use ward_analysis::ide::{CompletionKind, HighlightKind, SymbolKind};
use ward_analysis::schema::SymbolClass;
use ward_analysis::{FileId, ItemKind, LineCol, PositionEncoding, Severity, TextRange};

use super::world::OpenDocs;
use crate::places::{FilePlaces, Naming, Places};

/// The encoding to use with a client: UTF-8 when it offers it, else LSP's default UTF-16.
pub fn negotiate_encoding(caps: &lsp::ClientCapabilities) -> PositionEncoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_deref())
        .unwrap_or_default();
    if offered.contains(&PositionEncodingKind::UTF8) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}

pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// One file's places in the negotiated encoding, to convert offsets of its text.
#[derive(Clone)]
pub struct LineMap {
    file: Arc<FilePlaces<Uri>>,
    encoding: PositionEncoding,
}

impl LineMap {
    pub fn new(file: Arc<FilePlaces<Uri>>, encoding: PositionEncoding) -> LineMap {
        LineMap { file, encoding }
    }

    /// The URI the client knows the file by.
    pub fn uri(&self) -> &Uri {
        &self.file.name
    }

    /// The position of a byte offset. An offset between the `\r` and `\n` of a line break
    /// (which LSP cannot express) is taken to the end of the line.
    pub fn position(&self, mut offset: usize) -> Position {
        let bytes = self.file.text.as_bytes();
        if offset > 0 && bytes.get(offset - 1) == Some(&b'\r') && bytes.get(offset) == Some(&b'\n')
        {
            offset -= 1;
        }
        let LineCol { line, col } = self.file.line_col(offset, self.encoding);
        Position::new(line, col)
    }

    /// The length of a line, without its line break, in the client's units.
    pub fn line_length(&self, line: u32) -> u32 {
        let end = self.offset(Position::new(line, u32::MAX));
        self.position(end).character
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range::new(
            self.position(range.start as usize),
            self.position(range.end as usize),
        )
    }

    pub fn location(&self, range: TextRange) -> Location {
        Location::new(self.uri().clone(), self.range(range))
    }

    /// The byte offset of a client position; columns past a line's end clamp to it.
    pub fn offset(&self, position: Position) -> usize {
        let at = LineCol {
            line: position.line,
            col: position.character,
        };
        self.file.offset(at, self.encoding)
    }
}

/// Files named as the client knows them: an open document by the URI the client sent, any
/// other file by its `file:` URI.
pub struct ClientNames<'a> {
    pub open: &'a OpenDocs,
}

impl Naming for ClientNames<'_> {
    type Name = Uri;

    fn name(&self, path: &Path) -> Uri {
        match self.open.get(path) {
            Some(doc) => doc.uri.clone(),
            None => path_to_uri(path),
        }
    }
}

/// The places of one snapshot as the client sees them.
pub type ClientPlaces<'a> = Places<'a, ClientNames<'a>>;

impl ClientPlaces<'_> {
    pub fn line_map(&self, file: FileId, encoding: PositionEncoding) -> LineMap {
        LineMap::new(self.file(file), encoding)
    }
}

fn unit_len(ch: char, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => ch.len_utf8(),
        PositionEncoding::Utf16 => ch.len_utf16(),
        PositionEncoding::Utf32 => 1,
    }
}

/// The byte offset of a client position in an open document's rope, with the same
/// clamping as `LineIndex::offset`: a column past the end of its line stops before the
/// line break, a column inside a character lands after it, a line past the end gives the end.
pub fn rope_offset(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(line);
    let slice = rope.line(line);
    let mut len = slice.len_chars();
    if len > 0 && slice.char(len - 1) == '\n' {
        len -= 1;
    }
    if len > 0 && slice.char(len - 1) == '\r' {
        len -= 1;
    }
    let wanted = position.character as usize;
    let mut units = 0;
    let mut bytes = 0;
    for ch in slice.chars().take(len) {
        if units >= wanted {
            break;
        }
        units += unit_len(ch, encoding);
        bytes += ch.len_utf8();
    }
    start + bytes
}

/// The path of a document. `file:` URIs map to their path; other schemes (untitled buffers)
/// to a path made of the whole URI, which is never on disk.
pub fn uri_to_path(uri: &Uri) -> PathBuf {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    if is_file && let Some(path) = uri.to_file_path() {
        return path.into_owned();
    }
    PathBuf::from(uri.as_str())
}

/// The URI of a file path (the inverse of [`uri_to_path`] for paths on disk).
pub fn path_to_uri(path: &Path) -> Uri {
    if let Some(uri) = Uri::from_file_path(path) {
        return uri;
    }
    // A path that is itself a URI (an untitled buffer), or one that cannot be made absolute.
    path.to_str()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| "file:///".parse().expect("a valid URI"))
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

pub fn item_symbol_kind(kind: ItemKind) -> lsp::SymbolKind {
    match kind.spec().symbol {
        SymbolClass::Object => lsp::SymbolKind::OBJECT,
        SymbolClass::Event => lsp::SymbolKind::EVENT,
        SymbolClass::Key => lsp::SymbolKind::KEY,
        SymbolClass::Interface => lsp::SymbolKind::INTERFACE,
        SymbolClass::Method => lsp::SymbolKind::METHOD,
        SymbolClass::Property => lsp::SymbolKind::PROPERTY,
        SymbolClass::Constant => lsp::SymbolKind::CONSTANT,
        SymbolClass::Module => lsp::SymbolKind::MODULE,
        SymbolClass::Package => lsp::SymbolKind::PACKAGE,
        SymbolClass::Struct => lsp::SymbolKind::STRUCT,
    }
}

pub fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Item(kind) => item_symbol_kind(kind),
        SymbolKind::Block => lsp::SymbolKind::NAMESPACE,
    }
}

pub fn completion_kind(kind: CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        CompletionKind::Item(_) => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Field => lsp::CompletionItemKind::FIELD,
        CompletionKind::Keyword => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Phase => lsp::CompletionItemKind::VALUE,
        CompletionKind::Rule => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::ItemTemplate(_) => lsp::CompletionItemKind::SNIPPET,
    }
}

pub fn highlight_kind(kind: HighlightKind) -> lsp::DocumentHighlightKind {
    match kind {
        HighlightKind::Definition => lsp::DocumentHighlightKind::WRITE,
        HighlightKind::Reference => lsp::DocumentHighlightKind::READ,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_analysis::LineIndex;

    const TEXTS: &[&str] = &[
        "",
        "a",
        "a\nb",
        "a\r\nb\r\n",
        "x\ry\r\rz",
        "é😀x\n\n日本\r\n😀",
        "\n\r\n\r",
    ];

    /// The rope conversion agrees with the line index at every position, in every encoding,
    /// including columns past the end and inside characters.
    #[test]
    fn rope_offsets_agree_with_the_line_index() {
        for text in TEXTS {
            let rope = Rope::from_str(text);
            let index = LineIndex::new(text);
            assert_eq!(rope.len_lines(), index.line_count(), "{text:?}");
            for encoding in [
                PositionEncoding::Utf8,
                PositionEncoding::Utf16,
                PositionEncoding::Utf32,
            ] {
                for line in 0..index.line_count() as u32 + 2 {
                    for col in 0..12 {
                        let expected = index.offset(text, LineCol { line, col }, encoding);
                        let got = rope_offset(&rope, Position::new(line, col), encoding);
                        assert_eq!(got, expected, "{text:?} {line}:{col} {encoding:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/some folder/é.ward");
        let uri = path_to_uri(path);
        assert_eq!(uri.as_str(), "file:///tmp/some%20folder/%C3%A9.ward");
        assert_eq!(uri_to_path(&uri), path);
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(path_to_uri(&uri_to_path(&untitled)), untitled);
    }
}
