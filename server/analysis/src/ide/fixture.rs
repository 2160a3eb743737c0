//! Test fixtures for the IDE features: several files in one string, a cursor marker, and
//! readable renderings of results.
//!
//! ```text
//! //- /assets.ward
//! asset A1 { kind: data }
//! //- /threats.ward
//! threat T1 { targets: A$01 }
//! ```
//!
//! A `//- /path` line starts a file (without one, the text is `/main.ward`); `$0` marks the
//! cursor and is removed before the text is loaded. The fixture is dedented first, so it can
//! be indented like the code around it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ward_syntax::{LineIndex, PositionEncoding, TextRange};

use crate::{Analysis, AnalysisHost, FileId, FilePosition, FileRange};

pub(crate) const CURSOR: &str = "$0";
const ROOT: &str = "/ws";

pub(crate) struct Fixture {
    pub host: AnalysisHost,
    /// The cursor, if the fixture has one.
    pub position: Option<FilePosition>,
}

impl Fixture {
    pub fn analysis(&self) -> Analysis {
        self.host.analysis()
    }

    pub fn position(&self) -> FilePosition {
        self.position.expect("the fixture has no `$0` cursor")
    }

    pub fn file(&self, path: &str) -> FileId {
        self.host
            .file_id(&fixture_path(path))
            .unwrap_or_else(|| panic!("no file {path} in the fixture"))
    }
}

fn fixture_path(path: &str) -> PathBuf {
    Path::new(ROOT).join(path.trim_start_matches('/'))
}

/// Loads a fixture into a fresh host.
pub(crate) fn load(fixture: &str) -> Fixture {
    let text = trim_indent(fixture);
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_owned(), String::new()));
            continue;
        }
        if files.is_empty() {
            files.push(("/main.ward".to_owned(), String::new()));
        }
        files.last_mut().expect("pushed above").1.push_str(line);
    }
    let mut host = AnalysisHost::new();
    let mut position = None;
    for (path, text) in files {
        let (text, cursor) = match text.find(CURSOR) {
            Some(at) => (text.replacen(CURSOR, "", 1), Some(at)),
            None => (text, None),
        };
        assert!(!text.contains(CURSOR), "more than one cursor in {path}");
        let file = host.set_file(&fixture_path(&path), Arc::from(text));
        if let Some(offset) = cursor {
            assert!(position.is_none(), "more than one cursor in the fixture");
            position = Some(FilePosition { file, offset });
        }
    }
    Fixture { host, position }
}

/// Loads a fixture that must have a cursor.
pub(crate) fn position(fixture: &str) -> (Analysis, FilePosition) {
    let fixture = load(fixture);
    (fixture.analysis(), fixture.position())
}

/// Removes the first line break and the indentation common to all non-blank lines.
pub(crate) fn trim_indent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    text.split_inclusive('\n')
        .map(|line| {
            if line.trim().is_empty() {
                line.trim_start_matches([' ', '\t'])
            } else {
                &line[indent..]
            }
        })
        .collect()
}

/// `path:line:col-line:col`, 1-based, columns in characters, the path relative to the
/// fixture's root.
pub(crate) fn location(analysis: &Analysis, file: FileId, range: TextRange) -> String {
    let text = analysis.text(file);
    let index = LineIndex::new(&text);
    let start = index.line_col(&text, range.start as usize, PositionEncoding::Utf32);
    let end = index.line_col(&text, range.end as usize, PositionEncoding::Utf32);
    format!(
        "{}:{}:{}-{}:{}",
        relative(analysis, file),
        start.line + 1,
        start.col + 1,
        end.line + 1,
        end.col + 1
    )
}

/// A location followed by the text it covers: `risks.ward:3:10-3:14 R-1`.
pub(crate) fn range_with_text(analysis: &Analysis, file: FileId, range: TextRange) -> String {
    let text = analysis.text(file);
    format!(
        "{} {}",
        location(analysis, file, range),
        &text[range.start as usize..range.end as usize]
    )
}

pub(crate) fn file_range(analysis: &Analysis, range: FileRange) -> String {
    range_with_text(analysis, range.file, range.range)
}

pub(crate) fn relative(analysis: &Analysis, file: FileId) -> String {
    analysis
        .path(file)
        .strip_prefix(ROOT)
        .expect("fixture files are under the root")
        .to_string_lossy()
        .replace('\\', "/")
}
