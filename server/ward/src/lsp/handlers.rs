//! Requests: each takes a snapshot, answers on a blocking thread and converts the analysis'
//! answer to LSP.
//!
//! A request that reads other files than its document waits (asynchronously, so that
//! `$/cancelRequest` still works) until the start-up scan is applied and the index built:
//! before that it would see the open documents only, and a rename would miss edits.
//!
//! A request whose snapshot is cancelled by a write, or whose document changed while it
//! waited or ran, is answered with `ContentModified`; a request that panics is answered with
//! `InternalError`, and the server keeps running.

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::{self, ErrorCode};
use tower_lsp_server::ls_types::{
    self as lsp, CompletionParams, CompletionResponse, DocumentHighlight, DocumentHighlightParams,
    DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse,
    Hover, HoverContents, HoverParams, InsertTextFormat, Location, LocationLink, MarkupContent,
    MarkupKind, OneOf, OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse,
    ReferenceParams, RenameParams, SymbolInformation, TextDocumentEdit, TextDocumentPositionParams,
    Uri, WorkspaceEdit, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use ward_analysis::ide::{self, CompletionKind, FilePosition};
use ward_analysis::{Analysis, Cancellable, Cancelled, FileId};

use super::convert::{self, ClientNames, ClientPlaces, LineMap};
use super::world::OpenDocs;
use super::{ClientCaps, State, log};
use crate::places::Places;

/// The most workspace symbols one request returns.
const WORKSPACE_SYMBOL_LIMIT: usize = 256;

/// The most completion items one request returns, best first; with more, the list is marked
/// incomplete so that the client asks again as the word grows. (Thousands of IDs would cost
/// far more to send and to filter than they are worth.)
const COMPLETION_LIMIT: usize = 200;

/// What a request computes with: a snapshot, the open documents and the client's
/// capabilities.
pub struct Snapshot {
    /// The analysis of the document's workspace; for a request about no document, of the
    /// first workspace.
    pub analysis: Analysis,
    /// For a request about no document, the other workspaces.
    others: Vec<Analysis>,
    open: OpenDocs,
    pub caps: Arc<ClientCaps>,
}

impl Snapshot {
    /// The files of the snapshot as the client knows them, each made once.
    pub fn places(&self) -> ClientPlaces<'_> {
        self.places_of(&self.analysis)
    }

    fn places_of<'a>(&'a self, analysis: &'a Analysis) -> ClientPlaces<'a> {
        Places::new(analysis, ClientNames { open: &self.open })
    }

    /// Every workspace of the snapshot.
    fn workspaces(&self) -> impl Iterator<Item = &Analysis> {
        std::iter::once(&self.analysis).chain(&self.others)
    }

    pub fn version(&self, file: FileId) -> Option<i32> {
        self.open
            .get(&self.analysis.path(file))
            .map(|doc| doc.version)
    }

    /// The line map of one file.
    pub fn line_map(&self, file: FileId) -> LineMap {
        self.places().line_map(file, self.caps.encoding)
    }
}

/// A request's answer, or an error to send instead; `Cancelled` becomes `ContentModified`.
type Answer<T> = Cancellable<jsonrpc::Result<T>>;

fn content_modified() -> jsonrpc::Error {
    jsonrpc::Error::new(ErrorCode::ContentModified)
}

/// `RequestFailed`: a valid request the server refuses, with the reason for the user.
fn request_failed(message: String) -> jsonrpc::Error {
    jsonrpc::Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// What a request reads, and so whether it must wait for the start-up scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// Its document only (document symbols): answered at once.
    Document,
    /// Other files too (a name's definition, its referrers, every ID): answered once the
    /// start-up scan is applied and the index built, never from a partial workspace.
    Workspace,
}

/// Runs `f` on a snapshot in a blocking thread. With a document (`uri`), `f` gets its file;
/// a document that is not part of the analysis answers `T::default()` (no result).
async fn run<T, F>(
    state: &State,
    name: &'static str,
    reads: Reads,
    uri: Option<&Uri>,
    f: F,
) -> jsonrpc::Result<T>
where
    T: Default + Send + 'static,
    F: FnOnce(&Snapshot, Option<FileId>) -> Answer<T> + Send + 'static,
{
    let path: Option<PathBuf> = uri.map(convert::uri_to_path);
    // The version the request's positions refer to: taken before waiting, so that an edit
    // applied meanwhile is noticed.
    let waited_at = if reads == Reads::Workspace && !state.is_ready() {
        let version = path.as_deref().and_then(|path| state.world().version(path));
        state.workspace_ready().await;
        Some(version)
    } else {
        None
    };
    let (snapshot, file, version) = {
        let world = state.world();
        let version = path.as_deref().and_then(|path| world.version(path));
        if waited_at.is_some_and(|before| before != version) {
            return Err(content_modified());
        }
        let file = match &path {
            Some(path) => match world.file_id(path) {
                Some(file) => Some(file),
                None => return Ok(T::default()),
            },
            None => None,
        };
        let (analysis, others, open) = match &path {
            Some(path) => {
                let (analysis, open) = world.snapshot_of(path);
                (analysis, Vec::new(), open)
            }
            None => {
                let (mut analyses, open) = world.snapshots();
                if analyses.is_empty() {
                    return Ok(T::default());
                }
                let first = analyses.remove(0);
                (first, analyses, open)
            }
        };
        let snapshot = Snapshot {
            analysis,
            others,
            open,
            caps: state.caps(),
        };
        (snapshot, file, version)
    };
    let task = tokio::task::spawn_blocking(move || {
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&snapshot, file)));
        // The snapshot must be gone before anyone waits on the world again.
        drop(snapshot);
        answer
    });
    let answer = match task.await {
        Ok(answer) => answer,
        Err(error) => {
            log::error(format_args!("{name}: the request's task failed: {error}"));
            return Err(jsonrpc::Error::internal_error());
        }
    };
    match answer {
        Ok(Ok(Ok(value))) => {
            let moved_on = path
                .as_deref()
                .is_some_and(|path| state.world().version(path) != version);
            if moved_on {
                Err(content_modified())
            } else {
                Ok(value)
            }
        }
        Ok(Ok(Err(error))) => Err(error),
        Ok(Err(_cancelled)) => Err(content_modified()),
        Err(panic) if panic.is::<Cancelled>() => Err(content_modified()),
        Err(panic) => {
            let message = super::panic_message(&panic);
            log::error(format_args!("{name} panicked: {message}"));
            Err(jsonrpc::Error {
                code: ErrorCode::InternalError,
                message: format!("{name} failed: {message}").into(),
                data: None,
            })
        }
    }
}

/// [`run`] for a request about one position of a document: `f` gets the byte position and
/// the document's line map; a position in no analysed document has no answer.
async fn run_at<T, F>(
    state: &State,
    name: &'static str,
    params: TextDocumentPositionParams,
    f: F,
) -> jsonrpc::Result<Option<T>>
where
    T: Send + 'static,
    F: FnOnce(&Snapshot, FilePosition, LineMap) -> Answer<Option<T>> + Send + 'static,
{
    let TextDocumentPositionParams {
        text_document,
        position,
    } = params;
    run(
        state,
        name,
        Reads::Workspace,
        Some(&text_document.uri),
        move |s, file| {
            let Some((at, map)) = file_position(s, file, position)? else {
                return Ok(Ok(None));
            };
            f(s, at, map)
        },
    )
    .await
}

/// [`run`] for a request about one document: `f` gets its file and line map; a document
/// that is not part of the analysis has no answer.
async fn run_in_file<T, F>(
    state: &State,
    name: &'static str,
    reads: Reads,
    uri: Option<&Uri>,
    f: F,
) -> jsonrpc::Result<Option<T>>
where
    T: Send + 'static,
    F: FnOnce(&Snapshot, FileId, LineMap) -> Answer<Option<T>> + Send + 'static,
{
    run(state, name, reads, uri, move |s, file| {
        let Some(file) = file else {
            return Ok(Ok(None));
        };
        let map = s.line_map(file);
        f(s, file, map)
    })
    .await
}

/// The file and byte offset of a client position.
fn file_position(
    snapshot: &Snapshot,
    file: Option<FileId>,
    position: lsp::Position,
) -> Cancellable<Option<(FilePosition, LineMap)>> {
    let Some(file) = file else {
        return Ok(None);
    };
    let map = snapshot.line_map(file);
    let offset = map.offset(position);
    Ok(Some((FilePosition { file, offset }, map)))
}

pub async fn definition(
    state: &State,
    params: GotoDefinitionParams,
) -> jsonrpc::Result<Option<GotoDefinitionResponse>> {
    run_at(
        state,
        "definition",
        params.text_document_position_params,
        move |s, at, _| {
            let Some(target) = s.analysis.goto_definition(at)? else {
                return Ok(Ok(None));
            };
            let map = s.line_map(target.file);
            let uri = map.uri().clone();
            let response = if s.caps.definition_links {
                GotoDefinitionResponse::Link(vec![LocationLink {
                    origin_selection_range: None,
                    target_uri: uri,
                    target_range: map.range(target.full_range),
                    target_selection_range: map.range(target.focus_range),
                }])
            } else {
                GotoDefinitionResponse::Scalar(Location::new(uri, map.range(target.focus_range)))
            };
            Ok(Ok(Some(response)))
        },
    )
    .await
}

pub async fn references(
    state: &State,
    params: ReferenceParams,
) -> jsonrpc::Result<Option<Vec<Location>>> {
    let include_declaration = params.context.include_declaration;
    run_at(
        state,
        "references",
        params.text_document_position,
        move |s, at, _| {
            let Some(found) = s.analysis.references(at, include_declaration)? else {
                return Ok(Ok(None));
            };
            let places = s.places();
            let locations = found
                .into_iter()
                .map(|place| {
                    places
                        .line_map(place.file, s.caps.encoding)
                        .location(place.range)
                })
                .collect();
            Ok(Ok(Some(locations)))
        },
    )
    .await
}

pub async fn hover(state: &State, params: HoverParams) -> jsonrpc::Result<Option<Hover>> {
    run_at(
        state,
        "hover",
        params.text_document_position_params,
        move |s, at, map| {
            let Some(hover) = s.analysis.hover(at)? else {
                return Ok(Ok(None));
            };
            let kind = if s.caps.hover_markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            };
            Ok(Ok(Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind,
                    value: hover.markdown,
                }),
                range: Some(map.range(hover.range)),
            })))
        },
    )
    .await
}

pub async fn completion(
    state: &State,
    params: CompletionParams,
) -> jsonrpc::Result<Option<CompletionResponse>> {
    run_at(
        state,
        "completion",
        params.text_document_position,
        move |s, at, map| {
            // One more than shown, to know whether the list is complete.
            let mut items = s.analysis.completions_up_to(at, COMPLETION_LIMIT + 1)?;
            let is_incomplete = items.len() > COMPLETION_LIMIT;
            items.truncate(COMPLETION_LIMIT);
            let kind = if s.caps.completion_markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            };
            let items = items
                .into_iter()
                .enumerate()
                .map(|(rank, item)| {
                    let template = matches!(item.kind, CompletionKind::ItemTemplate(_));
                    let (new_text, format) = match (template, s.caps.snippets) {
                        (true, true) => (item.insert_text, Some(InsertTextFormat::SNIPPET)),
                        // A client without snippets would insert `${1:ID}` as text: the
                        // keyword alone, then.
                        (true, false) => (format!("{} ", item.label), None),
                        (false, _) => (item.insert_text, None),
                    };
                    lsp::CompletionItem {
                        kind: Some(convert::completion_kind(item.kind)),
                        insert_text_format: format,
                        detail: item.detail,
                        documentation: item.documentation.map(|value| {
                            lsp::Documentation::MarkupContent(MarkupContent {
                                kind: kind.clone(),
                                value,
                            })
                        }),
                        // Keep the analysis' order, best first.
                        sort_text: Some(format!("{rank:05}")),
                        filter_text: Some(item.label.clone()),
                        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                            range: map.range(item.replace_range),
                            new_text,
                        })),
                        label: item.label,
                        ..lsp::CompletionItem::default()
                    }
                })
                .collect();
            Ok(Ok(Some(CompletionResponse::List(lsp::CompletionList {
                is_incomplete,
                items,
            }))))
        },
    )
    .await
}

pub async fn prepare_rename(
    state: &State,
    params: TextDocumentPositionParams,
) -> jsonrpc::Result<Option<PrepareRenameResponse>> {
    run_at(state, "prepareRename", params, move |s, at, map| {
        Ok(match s.analysis.prepare_rename(at)? {
            Ok((range, placeholder)) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: map.range(range),
                placeholder,
            })),
            Err(refusal) => Err(request_failed(refusal)),
        })
    })
    .await
}

pub async fn rename(state: &State, params: RenameParams) -> jsonrpc::Result<Option<WorkspaceEdit>> {
    let new_name = params.new_name;
    run_at(
        state,
        "rename",
        params.text_document_position,
        move |s, at, _| {
            let change = match s.analysis.rename(at, &new_name)? {
                Ok(change) => change,
                Err(refusal) => return Ok(Err(request_failed(refusal))),
            };
            Ok(Ok(Some(source_change(s, change))))
        },
    )
    .await
}

/// Edits of several files as a workspace edit in the form the client negotiated: versioned
/// `documentChanges` when it supports them, else `changes`.
fn workspace_edit(
    s: &Snapshot,
    per_file: Vec<(lsp::Uri, Option<i32>, Vec<lsp::TextEdit>)>,
) -> WorkspaceEdit {
    if s.caps.document_changes {
        let changes = per_file
            .into_iter()
            .map(|(uri, version, edits)| TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            })
            .collect();
        WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(changes)),
            ..WorkspaceEdit::default()
        }
    } else {
        let changes = per_file
            .into_iter()
            .map(|(uri, _, edits)| (uri, edits))
            .collect();
        WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }
    }
}

/// The code actions at a range: the quick fixes of the findings there, "Mark link as
/// reviewed" on a suspect or unstamped link, and `source.fixAll` (the file's safe fixes in
/// one edit), each only when the client's `only` asks for its kind.
pub async fn code_action(
    state: &State,
    params: lsp::CodeActionParams,
) -> jsonrpc::Result<Option<lsp::CodeActionResponse>> {
    let lsp::CodeActionParams {
        text_document,
        range,
        context,
        ..
    } = params;
    let wants = |kind: &lsp::CodeActionKind| match &context.only {
        None => true,
        // A kind asked for includes its sub-kinds: `source` includes `source.fixAll`.
        Some(only) => only.iter().any(|asked| {
            kind.as_str() == asked.as_str()
                || kind
                    .as_str()
                    .strip_prefix(asked.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        }),
    };
    let (quick_fixes, fix_all) = (
        wants(&lsp::CodeActionKind::QUICKFIX),
        // Only when asked by name: clients run it on save, not from the light bulb.
        context.only.is_some() && wants(&lsp::CodeActionKind::SOURCE_FIX_ALL),
    );
    let offered = context.diagnostics;
    run_in_file(
        state,
        "codeAction",
        Reads::Workspace,
        Some(&text_document.uri),
        move |s, file, map| {
            let mut actions = Vec::new();
            if quick_fixes {
                let asked = ward_analysis::TextRange {
                    start: map.offset(range.start) as u32,
                    end: map.offset(range.end) as u32,
                };
                for fix in s.analysis.fixes(file, asked)? {
                    let fixes = fixed_diagnostics(&offered, map.range(fix.range), fix.code);
                    actions.push(lsp::CodeAction {
                        title: fix.title,
                        kind: Some(lsp::CodeActionKind::QUICKFIX),
                        diagnostics: (!fixes.is_empty()).then_some(fixes),
                        edit: Some(source_change(s, fix.change)),
                        is_preferred: fix.safe.then_some(true),
                        ..lsp::CodeAction::default()
                    });
                }
                let at = FilePosition {
                    file,
                    offset: map.offset(range.start),
                };
                if let Some(stamp) = s.analysis.stamp_at(at)? {
                    actions.push(mark_reviewed(s, stamp, &offered));
                }
            }
            if fix_all {
                let fixes = s.analysis.fix_all(file)?;
                if !fixes.is_empty() {
                    let edits = fixes
                        .into_iter()
                        .flat_map(|fix| fix.change.edits)
                        .flat_map(|(_, edits)| edits)
                        .collect();
                    let change = ide::SourceChange {
                        edits: vec![(file, edits)],
                    };
                    actions.push(lsp::CodeAction {
                        title: "Fix all safe findings".to_owned(),
                        kind: Some(lsp::CodeActionKind::SOURCE_FIX_ALL),
                        edit: Some(source_change(s, change)),
                        ..lsp::CodeAction::default()
                    });
                }
            }
            Ok(Ok((!actions.is_empty()).then(|| {
                actions
                    .into_iter()
                    .map(lsp::CodeActionOrCommand::CodeAction)
                    .collect()
            })))
        },
    )
    .await
}

/// The diagnostics among those the client sent that a fix repairs: its code, at its range.
fn fixed_diagnostics(
    offered: &[lsp::Diagnostic],
    range: lsp::Range,
    code: ward_analysis::Code,
) -> Vec<lsp::Diagnostic> {
    offered
        .iter()
        .filter(|diagnostic| {
            diagnostic.range == range
                && diagnostic.code == Some(lsp::NumberOrString::String(code.as_str().to_owned()))
        })
        .cloned()
        .collect()
}

/// The analysis' edits of several files as the client's workspace edit.
fn source_change(s: &Snapshot, change: ide::SourceChange) -> WorkspaceEdit {
    let per_file = change
        .edits
        .into_iter()
        .map(|(file, edits)| {
            let map = s.line_map(file);
            let edits = edits
                .into_iter()
                .map(|edit| lsp::TextEdit {
                    range: map.range(edit.range),
                    new_text: edit.new_text,
                })
                .collect();
            (map.uri().clone(), s.version(file), edits)
        })
        .collect();
    workspace_edit(s, per_file)
}

/// "Mark link as reviewed": the edit that writes the target's current fingerprint into the
/// link, as `ward stamp` does.
fn mark_reviewed(
    s: &Snapshot,
    stamp: ide::StampEdit,
    offered: &[lsp::Diagnostic],
) -> lsp::CodeAction {
    let map = s.line_map(stamp.file);
    let fixes = fixed_diagnostics(
        offered,
        map.range(stamp.name_range),
        ward_analysis::Code::SuspectLink,
    );
    let change = ide::SourceChange {
        edits: vec![(
            stamp.file,
            vec![ide::TextEdit {
                range: stamp.edit.range,
                new_text: stamp.edit.insert,
            }],
        )],
    };
    lsp::CodeAction {
        title: "Mark link as reviewed".to_owned(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: (!fixes.is_empty()).then_some(fixes),
        edit: Some(source_change(s, change)),
        is_preferred: Some(stamp.old.is_some()),
        ..lsp::CodeAction::default()
    }
}

pub async fn document_symbol(
    state: &State,
    params: DocumentSymbolParams,
) -> jsonrpc::Result<Option<DocumentSymbolResponse>> {
    let uri = params.text_document.uri;
    let for_flat = uri.clone();
    run_in_file(
        state,
        "documentSymbol",
        Reads::Document,
        Some(&uri),
        move |s, file, map| {
            let symbols = s.analysis.document_symbols(file)?;
            let response = if s.caps.hierarchical_symbols {
                DocumentSymbolResponse::Nested(
                    symbols.iter().map(|symbol| nested(symbol, &map)).collect(),
                )
            } else {
                let mut flat = Vec::new();
                for symbol in &symbols {
                    flatten(symbol, None, &map, &for_flat, &mut flat);
                }
                DocumentSymbolResponse::Flat(flat)
            };
            Ok(Ok(Some(response)))
        },
    )
    .await
}

#[allow(deprecated)]
fn nested(symbol: &ide::DocumentSymbol, map: &LineMap) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: convert::symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: map.range(symbol.full_range),
        selection_range: map.range(symbol.focus_range),
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .iter()
                .map(|child| nested(child, map))
                .collect()
        }),
    }
}

#[allow(deprecated)]
fn flatten(
    symbol: &ide::DocumentSymbol,
    container: Option<&str>,
    map: &LineMap,
    uri: &Uri,
    out: &mut Vec<SymbolInformation>,
) {
    out.push(SymbolInformation {
        name: symbol.name.clone(),
        kind: convert::symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        location: Location::new(uri.clone(), map.range(symbol.full_range)),
        container_name: container.map(str::to_owned),
    });
    for child in &symbol.children {
        flatten(child, Some(&symbol.name), map, uri, out);
    }
}

pub async fn workspace_symbol(
    state: &State,
    params: WorkspaceSymbolParams,
) -> jsonrpc::Result<Option<WorkspaceSymbolResponse>> {
    let query = params.query;
    run(
        state,
        "workspace/symbol",
        Reads::Workspace,
        None,
        move |s, _| {
            let mut out = Vec::new();
            for analysis in s.workspaces() {
                let left = WORKSPACE_SYMBOL_LIMIT.saturating_sub(out.len());
                if left == 0 {
                    break;
                }
                let symbols = analysis.workspace_symbols(&query, left)?;
                let places = s.places_of(analysis);
                for symbol in symbols {
                    #[allow(deprecated)]
                    out.push(SymbolInformation {
                        name: symbol.name,
                        kind: convert::item_symbol_kind(symbol.kind),
                        tags: None,
                        deprecated: None,
                        location: places
                            .line_map(symbol.location.file, s.caps.encoding)
                            .location(symbol.location.range),
                        container_name: symbol.title,
                    });
                }
            }
            Ok(Ok(Some(WorkspaceSymbolResponse::Flat(out))))
        },
    )
    .await
}

pub async fn document_highlight(
    state: &State,
    params: DocumentHighlightParams,
) -> jsonrpc::Result<Option<Vec<DocumentHighlight>>> {
    run_at(
        state,
        "documentHighlight",
        params.text_document_position_params,
        move |s, at, map| {
            let highlights = s
                .analysis
                .document_highlight(at)?
                .into_iter()
                .map(|(range, kind)| DocumentHighlight {
                    range: map.range(range),
                    kind: Some(convert::highlight_kind(kind)),
                })
                .collect();
            Ok(Ok(Some(highlights)))
        },
    )
    .await
}

/// The command a lens runs to list the items that link to an item: the VS Code extension
/// shows them as references (other clients may run it as they wish).
pub const SHOW_REFERENCES: &str = "ward.showReferences";

pub async fn code_lens(state: &State, uri: Uri) -> jsonrpc::Result<Option<Vec<lsp::CodeLens>>> {
    let shown = uri.clone();
    run_in_file(
        state,
        "codeLens",
        Reads::Workspace,
        Some(&uri),
        move |s, file, map| {
            let everything = ward_analysis::TextRange {
                start: 0,
                end: u32::MAX,
            };
            let mut lenses = Vec::new();
            for lens in s.analysis.code_lenses(file, everything)? {
                let range = map.range(lens.range);
                let below: Vec<String> = lens
                    .below
                    .iter()
                    .map(|&(kind, count)| {
                        let spec = kind.spec();
                        let word = if count == 1 {
                            spec.keyword
                        } else {
                            spec.plural
                        };
                        format!("{count} {word}")
                    })
                    .collect();
                let below = if below.is_empty() {
                    "nothing links here".to_owned()
                } else {
                    below.join(" · ")
                };
                lenses.push(lsp::CodeLens {
                    range,
                    command: Some(lsp::Command {
                        title: below,
                        command: SHOW_REFERENCES.to_owned(),
                        arguments: Some(vec![
                            serde_json::json!(shown.as_str()),
                            serde_json::json!(range.start),
                        ]),
                    }),
                    data: None,
                });
                let gaps: Vec<&str> = lens.gaps.iter().map(|code| code.as_str()).collect();
                let verdict = if gaps.is_empty() {
                    "covered ✓".to_owned()
                } else {
                    format!("gaps: {}", gaps.join(", "))
                };
                lenses.push(lsp::CodeLens {
                    range,
                    // A title only: nothing to run.
                    command: Some(lsp::Command {
                        title: verdict,
                        command: String::new(),
                        arguments: None,
                    }),
                    data: None,
                });
            }
            Ok(Ok(Some(lenses)))
        },
    )
    .await
}

/// The semantic tokens of a document as LSP's numbers.
pub async fn semantic_tokens(state: &State, uri: &Uri) -> jsonrpc::Result<Option<Vec<u32>>> {
    run_in_file(
        state,
        "semanticTokens",
        Reads::Document,
        Some(uri),
        move |s, file, map| {
            let tokens = s.analysis.semantic_tokens(file)?;
            Ok(Ok(Some(super::semantic::encode(&tokens, &map))))
        },
    )
    .await
}

pub async fn inlay_hint(
    state: &State,
    params: lsp::InlayHintParams,
) -> jsonrpc::Result<Option<Vec<lsp::InlayHint>>> {
    let range = params.range;
    run_in_file(
        state,
        "inlayHint",
        Reads::Document,
        Some(&params.text_document.uri),
        move |s, file, map| {
            let visible = ward_analysis::TextRange {
                start: map.offset(range.start) as u32,
                end: map.offset(range.end) as u32,
            };
            let hints = s
                .analysis
                .inlay_hints(file, visible)?
                .into_iter()
                .map(|hint| lsp::InlayHint {
                    position: map.position(hint.offset as usize),
                    label: lsp::InlayHintLabel::String(hint.label),
                    kind: None,
                    text_edits: None,
                    tooltip: None,
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect();
            Ok(Ok(Some(hints)))
        },
    )
    .await
}

pub async fn folding_range(
    state: &State,
    uri: Uri,
) -> jsonrpc::Result<Option<Vec<lsp::FoldingRange>>> {
    run_in_file(
        state,
        "foldingRange",
        Reads::Document,
        Some(&uri),
        move |s, file, map| {
            let mut ranges = Vec::new();
            for fold in s.analysis.folding_ranges(file)? {
                let start = map.position(fold.range.start as usize).line;
                let end = map.position(fold.range.end as usize).line;
                // A region ends on the line of its closing brace (or `"""`), which stays in
                // sight; a comment run folds to its last line.
                let (end, kind) = match fold.kind {
                    ide::FoldKind::Region => (end.saturating_sub(1), lsp::FoldingRangeKind::Region),
                    ide::FoldKind::Text => (end.saturating_sub(1), lsp::FoldingRangeKind::Region),
                    ide::FoldKind::Comment => (end, lsp::FoldingRangeKind::Comment),
                };
                if end > start {
                    ranges.push(lsp::FoldingRange {
                        start_line: start,
                        start_character: None,
                        end_line: end,
                        end_character: None,
                        kind: Some(kind),
                        collapsed_text: None,
                    });
                }
            }
            Ok(Ok(Some(ranges)))
        },
    )
    .await
}

pub async fn selection_range(
    state: &State,
    params: lsp::SelectionRangeParams,
) -> jsonrpc::Result<Option<Vec<lsp::SelectionRange>>> {
    let positions = params.positions;
    run_in_file(
        state,
        "selectionRange",
        Reads::Document,
        Some(&params.text_document.uri),
        move |s, file, map| {
            let mut out = Vec::with_capacity(positions.len());
            for position in positions {
                let at = FilePosition {
                    file,
                    offset: map.offset(position),
                };
                // Outermost first, each the parent of the next.
                let mut selection: Option<lsp::SelectionRange> = None;
                for range in s.analysis.selection_ranges(at)?.into_iter().rev() {
                    selection = Some(lsp::SelectionRange {
                        range: map.range(range),
                        parent: selection.map(Box::new),
                    });
                }
                out.push(selection.unwrap_or(lsp::SelectionRange {
                    range: lsp::Range::new(position, position),
                    parent: None,
                }));
            }
            Ok(Ok(Some(out)))
        },
    )
    .await
}

pub async fn document_link(
    state: &State,
    uri: Uri,
) -> jsonrpc::Result<Option<Vec<lsp::DocumentLink>>> {
    run_in_file(
        state,
        "documentLink",
        Reads::Document,
        Some(&uri),
        move |s, file, map| {
            let links = s
                .analysis
                .document_links(file)?
                .into_iter()
                .map(|link| lsp::DocumentLink {
                    range: map.range(link.range),
                    target: Some(convert::path_to_uri(&link.target)),
                    tooltip: Some(format!("Open {}", link.target.display())),
                    data: None,
                })
                .collect();
            Ok(Ok(Some(links)))
        },
    )
    .await
}

/// An item of the chain as a call hierarchy item.
fn call_item(s: &Snapshot, target: &ide::NavigationTarget) -> lsp::CallHierarchyItem {
    let map = s.line_map(target.file);
    let full = map.location(target.full_range);
    lsp::CallHierarchyItem {
        name: target.name.clone(),
        kind: convert::item_symbol_kind(target.kind),
        tags: None,
        detail: Some(target.kind.to_string()),
        uri: full.uri,
        range: full.range,
        selection_range: map.range(target.focus_range),
        data: None,
    }
}

pub async fn prepare_call_hierarchy(
    state: &State,
    params: lsp::CallHierarchyPrepareParams,
) -> jsonrpc::Result<Option<Vec<lsp::CallHierarchyItem>>> {
    run_at(
        state,
        "prepareCallHierarchy",
        params.text_document_position_params,
        move |s, at, _| {
            let root = s.analysis.call_hierarchy(at)?;
            Ok(Ok(root.map(|target| vec![call_item(s, &target)])))
        },
    )
    .await
}

/// The chain below an item (`incoming`) or above it.
pub async fn calls(
    state: &State,
    item: lsp::CallHierarchyItem,
    incoming: bool,
) -> jsonrpc::Result<Vec<(lsp::CallHierarchyItem, Vec<lsp::Range>)>> {
    let name = item.name;
    run(
        state,
        if incoming {
            "incomingCalls"
        } else {
            "outgoingCalls"
        },
        Reads::Workspace,
        Some(&item.uri),
        move |s, _| {
            let calls = if incoming {
                s.analysis.incoming_calls(&name)?
            } else {
                s.analysis.outgoing_calls(&name)?
            };
            let calls = calls
                .iter()
                .map(|call| {
                    let map = s.line_map(call.file);
                    let ranges = call.ranges.iter().map(|&range| map.range(range)).collect();
                    (call_item(s, &call.target), ranges)
                })
                .collect();
            Ok(Ok(calls))
        },
    )
    .await
}

/// See `Backend::test_panic`.
pub async fn test_panic(state: &State) -> jsonrpc::Result<Option<()>> {
    run(
        state,
        "ward/testPanic",
        Reads::Document,
        None,
        |_, _| -> Answer<Option<()>> { panic!("the test hook panicked on purpose") },
    )
    .await
}

/// See `Backend::test_slow`.
pub async fn test_slow(state: &State, uri: Uri) -> jsonrpc::Result<Option<()>> {
    run(
        state,
        "ward/testSlow",
        Reads::Document,
        Some(&uri),
        |s, file| {
            let Some(file) = file else {
                return Ok(Ok(None));
            };
            for _ in 0..2000 {
                s.analysis.diagnostics(file)?;
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Ok(Ok(Some(())))
        },
    )
    .await
}

/// `textDocument/formatting` and `rangeFormatting`: the formatter's edits of the document as
/// the server has it, or a refusal saying where the syntax error is.
pub async fn formatting(
    state: &State,
    uri: Uri,
    range: Option<lsp::Range>,
) -> jsonrpc::Result<Option<Vec<lsp::TextEdit>>> {
    run_in_file(
        state,
        "formatting",
        Reads::Document,
        Some(&uri),
        move |s, file, map| {
            let range = range.map(|range| {
                ward_analysis::TextRange::new(map.offset(range.start), map.offset(range.end))
            });
            let formatted = s.analysis.format(file, range);
            let edits = match formatted {
                Ok(edits) => edits,
                Err(error) => {
                    let at = map.position(error.range.start as usize);
                    return Ok(Err(request_failed(format!(
                        "line {}, column {}: {}",
                        at.line + 1,
                        at.character + 1,
                        error.message
                    ))));
                }
            };
            Ok(Ok(Some(
                edits
                    .into_iter()
                    .map(|edit| lsp::TextEdit {
                        range: map.range(edit.range),
                        new_text: edit.insert,
                    })
                    .collect(),
            )))
        },
    )
    .await
}

/// `ServerCancelled` asking the client to ask again: what a diagnostic pull answers when an
/// edit overtook it, so that the client keeps what it shows instead of clearing it.
fn retrigger(error: jsonrpc::Error) -> jsonrpc::Error {
    if error.code != ErrorCode::ContentModified {
        return error;
    }
    jsonrpc::Error {
        code: ErrorCode::ServerError(-32802),
        message: "an edit overtook the request".into(),
        data: serde_json::to_value(lsp::DiagnosticServerCancellationData {
            retrigger_request: true,
        })
        .ok(),
    }
}

/// A report's result ID: a digest of what it holds, so that the same findings at the same
/// places get the same ID, in this run of the server or the next.
fn result_id(items: &[lsp::Diagnostic]) -> String {
    use sha2::Digest as _;
    let bytes = serde_json::to_vec(items).unwrap_or_default();
    let digest = sha2::Sha256::digest(&bytes);
    digest[..12]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One file's findings as a pulled report, and its result ID.
fn pulled(
    s: &Snapshot,
    analysis: &Analysis,
    places: &ClientPlaces<'_>,
    file: FileId,
) -> Cancellable<(Vec<lsp::Diagnostic>, String)> {
    let items = super::publisher::to_lsp(&analysis.diagnostics(file)?, places, &s.caps);
    let id = result_id(&items);
    Ok((items, id))
}

/// `textDocument/diagnostic`: the document's findings, or "unchanged" when they are those
/// of the client's previous result; to a client that takes them, the other open documents'
/// of its workspace too (an edit here can change their findings).
pub async fn document_diagnostic(
    state: &State,
    params: lsp::DocumentDiagnosticParams,
) -> jsonrpc::Result<lsp::DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let previous = params.previous_result_id;
    let report = run(
        state,
        "textDocument/diagnostic",
        Reads::Workspace,
        Some(&uri),
        move |s, file| {
            let Some(file) = file else {
                return Ok(Ok(None));
            };
            let places = s.places();
            let (items, id) = pulled(s, &s.analysis, &places, file)?;
            let related_documents = if s.caps.related_documents {
                let mut related = std::collections::HashMap::new();
                for other in s
                    .analysis
                    .files()
                    .into_iter()
                    .filter(|other| *other != file)
                {
                    let Some(doc) = s.open.get(&s.analysis.path(other)) else {
                        continue;
                    };
                    let (items, id) = pulled(s, &s.analysis, &places, other)?;
                    related.insert(
                        doc.uri.clone(),
                        lsp::DocumentDiagnosticReportKind::Full(
                            lsp::FullDocumentDiagnosticReport {
                                result_id: Some(id),
                                items,
                            },
                        ),
                    );
                }
                (!related.is_empty()).then_some(related)
            } else {
                None
            };
            let report = if previous.as_deref() == Some(id.as_str()) {
                lsp::DocumentDiagnosticReport::Unchanged(
                    lsp::RelatedUnchangedDocumentDiagnosticReport {
                        related_documents,
                        unchanged_document_diagnostic_report:
                            lsp::UnchangedDocumentDiagnosticReport { result_id: id },
                    },
                )
            } else {
                lsp::DocumentDiagnosticReport::Full(lsp::RelatedFullDocumentDiagnosticReport {
                    related_documents,
                    full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                        result_id: Some(id),
                        items,
                    },
                })
            };
            Ok(Ok(Some(report)))
        },
    )
    .await
    .map_err(retrigger)?;
    // A document outside every workspace has no findings.
    let report = report.unwrap_or_else(|| {
        lsp::DocumentDiagnosticReport::Full(lsp::RelatedFullDocumentDiagnosticReport::default())
    });
    Ok(lsp::DocumentDiagnosticReportResult::Report(report))
}

/// `workspace/diagnostic`: every file's findings (`.ward` files and the test reports and
/// SBOMs the plans name), "unchanged" for those the client already has, and an empty report
/// for a file it has findings of that left the workspace.
pub async fn workspace_diagnostic(
    state: &State,
    params: lsp::WorkspaceDiagnosticParams,
) -> jsonrpc::Result<lsp::WorkspaceDiagnosticReportResult> {
    let previous: std::collections::HashMap<Uri, String> = params
        .previous_result_ids
        .into_iter()
        .map(|previous| (previous.uri, previous.value))
        .collect();
    let items = run(
        state,
        "workspace/diagnostic",
        Reads::Workspace,
        None,
        move |s, _| {
            let mut items = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for analysis in s.workspaces() {
                let places = s.places_of(analysis);
                for file in analysis.files().into_iter().chain(analysis.inputs()) {
                    // Named from the path, as the publisher names it: the places of a file
                    // (its text and line index) are made only when it has findings.
                    let path = analysis.path(file);
                    let doc = s.open.get(&path);
                    let version = doc.map(|doc| i64::from(doc.version));
                    let uri =
                        doc.map_or_else(|| convert::path_to_uri(&path), |doc| doc.uri.clone());
                    let (found, id) = pulled(s, analysis, &places, file)?;
                    seen.insert(uri.clone());
                    items.push(if previous.get(&uri) == Some(&id) {
                        lsp::WorkspaceDocumentDiagnosticReport::Unchanged(
                            lsp::WorkspaceUnchangedDocumentDiagnosticReport {
                                uri,
                                version,
                                unchanged_document_diagnostic_report:
                                    lsp::UnchangedDocumentDiagnosticReport { result_id: id },
                            },
                        )
                    } else {
                        lsp::WorkspaceDocumentDiagnosticReport::Full(
                            lsp::WorkspaceFullDocumentDiagnosticReport {
                                uri,
                                version,
                                full_document_diagnostic_report:
                                    lsp::FullDocumentDiagnosticReport {
                                        result_id: Some(id),
                                        items: found,
                                    },
                            },
                        )
                    });
                }
            }
            for uri in previous.keys().filter(|uri| !seen.contains(*uri)) {
                items.push(lsp::WorkspaceDocumentDiagnosticReport::Full(
                    lsp::WorkspaceFullDocumentDiagnosticReport {
                        uri: uri.clone(),
                        version: None,
                        full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                            result_id: None,
                            items: Vec::new(),
                        },
                    },
                ));
            }
            Ok(Ok(items))
        },
    )
    .await
    .map_err(retrigger)?;
    Ok(lsp::WorkspaceDiagnosticReportResult::Report(
        lsp::WorkspaceDiagnosticReport { items },
    ))
}
