//! Where things are, as people and editors see them: for one analysis snapshot, each file's
//! name (its path as `ward check` shows it, or its URI for an editor), text and line index,
//! made once per file. `ward check`, `ward report` and the language server all turn byte
//! ranges into lines and columns through it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use ward_analysis::{Analysis, FileId, FileRange, LineCol, LineIndex, PositionEncoding};

/// How the files of a workspace are named where they are shown.
pub trait Naming {
    type Name: Clone;
    fn name(&self, path: &Path) -> Self::Name;
}

/// Paths relative to a workspace root, with `/` separators, as the CLI shows them.
pub struct ShownPaths<'a> {
    pub root: &'a Path,
}

impl Naming for ShownPaths<'_> {
    type Name = String;

    fn name(&self, path: &Path) -> String {
        crate::workspace::display_path(self.root, path)
    }
}

/// One file as it is shown.
pub struct FilePlaces<Name> {
    pub name: Name,
    pub text: Arc<str>,
    pub index: LineIndex,
}

impl<Name> FilePlaces<Name> {
    /// The 0-based line and column of a byte offset, columns in `encoding`'s units.
    pub fn line_col(&self, offset: usize, encoding: PositionEncoding) -> LineCol {
        self.index.line_col(&self.text, offset, encoding)
    }

    /// The byte offset of a 0-based line and column; columns past a line's end clamp to it.
    pub fn offset(&self, at: LineCol, encoding: PositionEncoding) -> usize {
        self.index.offset(&self.text, at, encoding)
    }
}

/// The files of one snapshot as they are shown, each made on first use.
pub struct Places<'a, N: Naming> {
    analysis: &'a Analysis,
    naming: N,
    files: RefCell<HashMap<FileId, Arc<FilePlaces<N::Name>>>>,
}

impl<'a, N: Naming> Places<'a, N> {
    pub fn new(analysis: &'a Analysis, naming: N) -> Places<'a, N> {
        Places {
            analysis,
            naming,
            files: RefCell::default(),
        }
    }

    pub fn file(&self, file: FileId) -> Arc<FilePlaces<N::Name>> {
        if let Some(found) = self.files.borrow().get(&file) {
            return found.clone();
        }
        let text = self.analysis.text(file);
        // The snapshot's own index when a write has not overtaken it; the same index
        // made here otherwise, so that placing never fails.
        let index = self
            .analysis
            .line_index(file)
            .unwrap_or_else(|_| LineIndex::new(&text));
        let made = Arc::new(FilePlaces {
            name: self.naming.name(&self.analysis.path(file)),
            text,
            index,
        });
        self.files.borrow_mut().insert(file, made.clone());
        made
    }
}

/// A place as `ward check` prints it: the shown path, a 1-based line and a 1-based column
/// counting Unicode scalar values.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// A range as `ward check` prints it: the start and end places of one file.
pub struct Span {
    pub path: String,
    pub start: (u32, u32),
    pub end: (u32, u32),
}

/// The places of `ward check` and `ward report`.
pub type ShownPlaces<'a> = Places<'a, ShownPaths<'a>>;

impl ShownPlaces<'_> {
    /// Where a range starts.
    pub fn place(&self, range: FileRange) -> Place {
        let file = self.file(range.file);
        let at = file.line_col(range.range.start as usize, PositionEncoding::Utf32);
        Place {
            path: file.name.clone(),
            line: at.line + 1,
            column: at.col + 1,
        }
    }

    pub fn span(&self, range: FileRange) -> Span {
        let file = self.file(range.file);
        let start = file.line_col(range.range.start as usize, PositionEncoding::Utf32);
        let end = file.line_col(range.range.end as usize, PositionEncoding::Utf32);
        Span {
            path: file.name.clone(),
            start: (start.line + 1, start.col + 1),
            end: (end.line + 1, end.col + 1),
        }
    }
}
