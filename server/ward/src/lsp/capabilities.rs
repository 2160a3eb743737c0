//! What the client announced (reduced to what the server does differently) and what the
//! server offers in return.

use tower_lsp_server::ls_types::{
    self as lsp, ClientCapabilities, CompletionOptions, HoverProviderCapability, MarkupKind, OneOf,
    RenameOptions, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions,
};
use ward_analysis::PositionEncoding;

use super::convert;

/// What the client announced, reduced to what the server does differently.
#[derive(Debug)]
pub struct ClientCaps {
    pub encoding: PositionEncoding,
    pub related_information: bool,
    pub code_description: bool,
    pub hierarchical_symbols: bool,
    pub document_changes: bool,
    pub watch_registration: bool,
    pub work_done_progress: bool,
    pub hover_markdown: bool,
    pub completion_markdown: bool,
    pub definition_links: bool,
    pub prepare_rename: bool,
    /// Whether completion may insert snippets (tab stops and choices).
    pub snippets: bool,
    /// Whether to offer inlay hints: on unless `initializationOptions` says
    /// `"inlayHints": false`.
    pub inlay_hints: bool,
    /// Whether to offer code lens: on unless `initializationOptions` says
    /// `"codeLens": false`.
    pub code_lens: bool,
    /// Whether the client pulls diagnostics (`textDocument/diagnostic`): it announces it,
    /// and `initializationOptions` does not say `"pullDiagnostics": false`. Then the
    /// server never pushes them to it.
    pub pull_diagnostics: bool,
    /// Whether it takes `workspace/diagnostic/refresh`, sent when findings change.
    pub diagnostic_refresh: bool,
    /// Whether a document's report may carry the reports of other documents.
    pub related_documents: bool,
}

impl Default for ClientCaps {
    fn default() -> Self {
        ClientCaps::new(&ClientCapabilities::default())
    }
}

impl ClientCaps {
    pub fn new(caps: &ClientCapabilities) -> ClientCaps {
        let text = caps.text_document.as_ref();
        let workspace = caps.workspace.as_ref();
        let publish = text.and_then(|t| t.publish_diagnostics.as_ref());
        // Markdown only to a client that lists it: one that says nothing (Helix, for
        // completion documentation) gets plain text, which every client shows as it is.
        let markdown = |formats: Option<&Vec<MarkupKind>>| {
            formats.is_some_and(|formats| formats.contains(&MarkupKind::Markdown))
        };
        ClientCaps {
            encoding: convert::negotiate_encoding(caps),
            related_information: publish.and_then(|p| p.related_information) == Some(true),
            code_description: publish.and_then(|p| p.code_description_support) == Some(true),
            hierarchical_symbols: text
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|s| s.hierarchical_document_symbol_support)
                == Some(true),
            document_changes: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                == Some(true),
            watch_registration: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                == Some(true),
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress)
                == Some(true),
            hover_markdown: markdown(
                text.and_then(|t| t.hover.as_ref())
                    .and_then(|h| h.content_format.as_ref()),
            ),
            completion_markdown: markdown(
                text.and_then(|t| t.completion.as_ref())
                    .and_then(|c| c.completion_item.as_ref())
                    .and_then(|i| i.documentation_format.as_ref()),
            ),
            definition_links: text
                .and_then(|t| t.definition.as_ref())
                .and_then(|d| d.link_support)
                == Some(true),
            prepare_rename: text
                .and_then(|t| t.rename.as_ref())
                .and_then(|r| r.prepare_support)
                == Some(true),
            snippets: text
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                == Some(true),
            inlay_hints: true,
            code_lens: true,
            pull_diagnostics: text.and_then(|t| t.diagnostic.as_ref()).is_some(),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                == Some(true),
            related_documents: text
                .and_then(|t| t.diagnostic.as_ref())
                .and_then(|d| d.related_document_support)
                == Some(true),
        }
    }

    /// Applies the user's settings of `initializationOptions`: `{"inlayHints": false}`
    /// turns the hints off, `{"codeLens": false}` the lenses, `{"pullDiagnostics": false}`
    /// makes a client that could pull diagnostics get them pushed (every file's, not only
    /// those it asks for).
    pub fn with_options(mut self, options: Option<&serde_json::Value>) -> ClientCaps {
        let setting = |name: &str| options.and_then(|o| o.get(name)).and_then(|v| v.as_bool());
        if let Some(on) = setting("inlayHints") {
            self.inlay_hints = on;
        }
        if let Some(on) = setting("codeLens") {
            self.code_lens = on;
        }
        if setting("pullDiagnostics") == Some(false) {
            self.pull_diagnostics = false;
        }
        self
    }
}

/// What the server offers, given what the client announced.
pub fn server_capabilities(caps: &ClientCaps) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(caps.encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions::default()),
        rename_provider: Some(if caps.prepare_rename {
            OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            })
        } else {
            OneOf::Left(true)
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        call_hierarchy_provider: Some(lsp::CallHierarchyServerCapability::Simple(true)),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: super::semantic::legend(),
                    range: None,
                    full: Some(lsp::SemanticTokensFullOptions::Delta { delta: Some(true) }),
                    work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
                },
            ),
        ),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(lsp::SelectionRangeProviderCapability::Simple(true)),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: caps.inlay_hints.then_some(OneOf::Left(true)),
        code_lens_provider: caps.code_lens.then_some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        // Quick fixes of findings, "Mark link as reviewed", and the safe fixes on save.
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::SOURCE_FIX_ALL,
                ]),
                ..lsp::CodeActionOptions::default()
            },
        )),
        // Offered only to a client that pulls: one that is also pushed to would show both.
        diagnostic_provider: caps.pull_diagnostics.then(|| {
            lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                identifier: Some("ward".to_owned()),
                // A finding in one file can come from an edit of another.
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            })
        }),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}
