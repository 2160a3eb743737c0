//! Editor features in editor-neutral terms: navigation, hover, completion, rename and
//! symbols, all in byte offsets. The language server converts them to LSP.
//!
//! This module holds the API (the types and the methods on [`Analysis`]); each feature
//! lives in its own module as a function of the database. `cursor` finds what is under an
//! offset and what it names; every feature starts from there, except completion, which reads
//! the text around the cursor because the text being typed rarely parses.

mod call_hierarchy;
mod code_lens;
mod completion;
mod cursor;
mod document_links;
mod fixes;
mod folding;
mod fuzzy;
mod goto;
mod highlight;
mod hover;
mod inlay_hints;
mod references;
mod rename;
mod selection;
mod semantic_tokens;
mod stamp;
mod symbols;

#[cfg(test)]
pub(crate) mod fixture;

use ward_syntax::{ItemKind, TextRange};

use crate::{Analysis, Cancellable, FileId, FileRange, ItemRef};

pub use stamp::StampEdit;

pub use call_hierarchy::Call;
pub use code_lens::CodeLens;
pub use document_links::DocumentLink;
pub use fixes::Fix;
pub use folding::{Fold, FoldKind};
pub use inlay_hints::InlayHint;
pub use semantic_tokens::{SemanticToken, TokenKind};

/// A cursor position in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FilePosition {
    pub file: FileId,
    /// A UTF-8 byte offset.
    pub offset: usize,
}

/// Where navigation lands: the item's whole range and the part to select (its ID). For a
/// phase, both ranges are its entry in the plan's `phases:` and `kind` is [`ItemKind::Plan`].
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
    /// A whole item of this kind, where an item can start: the insert text is a snippet
    /// (LSP's syntax, with tab stops), or just the keyword for a client without snippets.
    ItemTemplate(ItemKind),
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
    /// The range the insert text replaces: the whole word under the cursor (IDs include `-`
    /// and `.`), which may extend past the cursor; empty when the cursor is on no word.
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
    /// The item a reference (or an ID) under the cursor names, or the phase a gate or the
    /// `phase:` field names.
    pub fn goto_definition(&self, position: FilePosition) -> Cancellable<Option<NavigationTarget>> {
        self.with_db(|db| goto::goto_definition(db, position))
    }

    /// Every link naming the item under the cursor, across files, optionally with its
    /// definition; `None` when the cursor is on nothing that names an item (or a phase).
    /// Sorted by file path, then offset.
    pub fn references(
        &self,
        position: FilePosition,
        include_declaration: bool,
    ) -> Cancellable<Option<Vec<FileRange>>> {
        self.with_db(|db| references::references(db, position, include_declaration))
    }

    pub fn hover(&self, position: FilePosition) -> Cancellable<Option<HoverResult>> {
        self.with_db(|db| hover::hover(db, position))
    }

    pub fn completions(&self, position: FilePosition) -> Cancellable<Vec<CompletionItem>> {
        self.completions_up_to(position, usize::MAX)
    }

    /// The best `limit` completions: only those are documented, which keeps a link in a
    /// workspace of many IDs from describing every one of them.
    pub fn completions_up_to(
        &self,
        position: FilePosition,
        limit: usize,
    ) -> Cancellable<Vec<CompletionItem>> {
        self.with_db(|db| completion::completions(db, position, limit))
    }

    /// The range of the ID that would be renamed and its current text.
    pub fn prepare_rename(
        &self,
        position: FilePosition,
    ) -> Cancellable<Result<(TextRange, String), RenameError>> {
        self.with_db(|db| rename::prepare_rename(db, position))
    }

    pub fn rename(
        &self,
        position: FilePosition,
        new_name: &str,
    ) -> Cancellable<Result<SourceChange, RenameError>> {
        self.with_db(|db| rename::rename(db, position, new_name))
    }

    /// The edits that stamp every link of these items with their targets' fingerprints
    /// (`ward stamp`), in the items' order; links already current are left out.
    pub fn stamp_items(&self, items: &[ItemRef]) -> Cancellable<Vec<StampEdit>> {
        self.with_db(|db| {
            items
                .iter()
                .flat_map(|&item| stamp::stamp_item(db, item))
                .collect()
        })
    }

    /// The quick fixes of the findings of `file` that touch `range`.
    pub fn fixes(&self, file: FileId, range: TextRange) -> Cancellable<Vec<Fix>> {
        self.with_db(|db| fixes::fixes(db, file, range))
    }

    /// The safe fixes of a whole file (`source.fixAll`), whose edits do not overlap.
    pub fn fix_all(&self, file: FileId) -> Cancellable<Vec<Fix>> {
        self.with_db(|db| fixes::fix_all(db, file))
    }

    /// The edit that stamps the link under the cursor ("Mark link as reviewed").
    pub fn stamp_at(&self, position: FilePosition) -> Cancellable<Option<StampEdit>> {
        self.with_db(|db| stamp::stamp_at(db, position))
    }

    pub fn document_symbols(&self, file: FileId) -> Cancellable<Vec<DocumentSymbol>> {
        self.with_db(|db| symbols::document_symbols(db, file))
    }

    /// Items whose ID or title fuzzily matches `query`, best first, at most `limit`.
    pub fn workspace_symbols(
        &self,
        query: &str,
        limit: usize,
    ) -> Cancellable<Vec<WorkspaceSymbol>> {
        self.with_db(|db| symbols::workspace_symbols(db, query, limit))
    }

    /// The item under the cursor as the root of the traceability chain's call hierarchy.
    pub fn call_hierarchy(&self, position: FilePosition) -> Cancellable<Option<NavigationTarget>> {
        self.with_db(|db| call_hierarchy::prepare(db, position))
    }

    /// The items below the item `name` in the chain: those whose links name it.
    pub fn incoming_calls(&self, name: &str) -> Cancellable<Vec<Call>> {
        self.with_db(|db| call_hierarchy::incoming(db, name))
    }

    /// The items above the item `name` in the chain: those its links name.
    pub fn outgoing_calls(&self, name: &str) -> Cancellable<Vec<Call>> {
        self.with_db(|db| call_hierarchy::outgoing(db, name))
    }

    /// The lenses of the chain's items that overlap `range`: what lies below each, and its
    /// gaps.
    pub fn code_lenses(&self, file: FileId, range: TextRange) -> Cancellable<Vec<CodeLens>> {
        self.with_db(|db| code_lens::code_lenses(db, file, range))
    }

    /// What each word of a file is, in text order.
    pub fn semantic_tokens(&self, file: FileId) -> Cancellable<Vec<SemanticToken>> {
        self.with_db(|db| semantic_tokens::semantic_tokens(db, file))
    }

    /// The score hints of the risks that overlap `range`.
    pub fn inlay_hints(&self, file: FileId, range: TextRange) -> Cancellable<Vec<InlayHint>> {
        self.with_db(|db| inlay_hints::inlay_hints(db, file, range))
    }

    /// The items, blocks, text blocks and comment runs of a file that span lines.
    pub fn folding_ranges(&self, file: FileId) -> Cancellable<Vec<Fold>> {
        self.with_db(|db| folding::folding_ranges(db, file))
    }

    /// The ranges that "expand selection" steps through at the cursor, innermost first.
    pub fn selection_ranges(&self, position: FilePosition) -> Cancellable<Vec<TextRange>> {
        self.with_db(|db| selection::selection_ranges(db, position))
    }

    /// The paths a file names that an editor can open.
    pub fn document_links(&self, file: FileId) -> Cancellable<Vec<DocumentLink>> {
        self.with_db(|db| document_links::document_links(db, file))
    }

    pub fn document_highlight(
        &self,
        position: FilePosition,
    ) -> Cancellable<Vec<(TextRange, HighlightKind)>> {
        self.with_db(|db| highlight::document_highlight(db, position))
    }
}
