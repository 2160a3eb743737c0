//! Editor features in editor-neutral terms: navigation, hover, completion, rename and
//! symbols, all in byte offsets. The language server converts them to LSP.
//!
//! PLACEHOLDER: the types and signatures below are the agreed API; the bodies are being
//! written (one module per feature) and currently answer nothing.

use ward_syntax::{ItemKind, TextRange};

use crate::{Analysis, Cancellable, FileId, FileRange};

/// A cursor position in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FilePosition {
    pub file: FileId,
    /// A UTF-8 byte offset.
    pub offset: usize,
}

/// Where navigation lands: the item's whole range and the part to select (its ID).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    pub file: FileId,
    pub full_range: TextRange,
    pub focus_range: TextRange,
    pub name: String,
    pub kind: ItemKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// Markdown.
    pub markdown: String,
    /// The range the hover is about.
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// An item ID at a link field.
    Item(ItemKind),
    /// A field name valid for the item's kind.
    Field,
    /// An enum value (keyword) of a field.
    Keyword,
    /// A phase name of the plan.
    Phase,
    /// A gate rule name.
    Rule,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// E.g. the item's title, or the field's type.
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The text to insert (e.g. `targets: ` for a field).
    pub insert_text: String,
    /// The range the insert text replaces (the partial word under the cursor).
    pub replace_range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// Every edit of a rename, grouped by file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    pub edits: Vec<(FileId, Vec<TextEdit>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Item(ItemKind),
    Field,
    /// A `residual` or `gate` block.
    Block,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub full_range: TextRange,
    pub focus_range: TextRange,
    pub children: Vec<DocumentSymbol>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub title: Option<String>,
    pub kind: ItemKind,
    pub location: FileRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HighlightKind {
    /// The item's own ID.
    Definition,
    /// A link naming it.
    Reference,
}

/// Why a rename was refused, in words for the user.
pub type RenameError = String;

impl Analysis {
    /// The item a reference (or an ID) under the cursor names.
    pub fn goto_definition(
        &self,
        _position: FilePosition,
    ) -> Cancellable<Option<NavigationTarget>> {
        Ok(None)
    }

    /// Every link naming the item under the cursor, across files, optionally with its
    /// definition; `None` when the cursor is on nothing that names an item.
    pub fn references(
        &self,
        _position: FilePosition,
        _include_declaration: bool,
    ) -> Cancellable<Option<Vec<FileRange>>> {
        Ok(None)
    }

    pub fn hover(&self, _position: FilePosition) -> Cancellable<Option<HoverResult>> {
        Ok(None)
    }

    pub fn completions(&self, _position: FilePosition) -> Cancellable<Vec<CompletionItem>> {
        Ok(Vec::new())
    }

    /// The range of the ID that would be renamed and its current text.
    pub fn prepare_rename(
        &self,
        _position: FilePosition,
    ) -> Cancellable<Result<(TextRange, String), RenameError>> {
        Ok(Err("nothing to rename here".to_owned()))
    }

    pub fn rename(
        &self,
        _position: FilePosition,
        _new_name: &str,
    ) -> Cancellable<Result<SourceChange, RenameError>> {
        Ok(Err("nothing to rename here".to_owned()))
    }

    pub fn document_symbols(&self, _file: FileId) -> Cancellable<Vec<DocumentSymbol>> {
        Ok(Vec::new())
    }

    /// Items whose ID or title fuzzily matches `query`, best first, at most `limit`.
    pub fn workspace_symbols(
        &self,
        _query: &str,
        _limit: usize,
    ) -> Cancellable<Vec<WorkspaceSymbol>> {
        Ok(Vec::new())
    }

    pub fn document_highlight(
        &self,
        _position: FilePosition,
    ) -> Cancellable<Vec<(TextRange, HighlightKind)>> {
        Ok(Vec::new())
    }
}
