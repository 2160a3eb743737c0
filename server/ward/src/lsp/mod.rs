//! `ward lsp`: the language server on stdio, on tower-lsp-server and tokio.
//!
//! - `world.rs`: the server's model of the workspace and its one writer ([`world::World`]:
//!   roots, files on disk, open documents, the analysis host), behind one lock;
//! - `state.rs`: what the handlers and tasks share (the world, the client's capabilities,
//!   the start-up and shutdown flags);
//! - `capabilities.rs`: the client's capabilities as the server uses them, and the server's;
//! - `documents.rs`: open documents (a rope, turning changes into byte edits);
//! - `publisher.rs`: the push-diagnostics publisher task;
//! - `handlers.rs`: requests, each on a snapshot in a blocking thread;
//! - `convert.rs`: every position, range, URI and kind conversion;
//! - `transport.rs`: framing and checking of every message on stdio, the one stdout writer;
//! - `log.rs`: logging to stderr.
//!
//! **Ordering:** tower-lsp-server polls handler futures in arrival order, so notifications
//! that change state (`didOpen`, `didChange`, `didClose`, `didChangeWatchedFiles`) apply
//! their change synchronously, before any `.await`; requests then see every change sent
//! before them. **Start-up:** requests that read other files wait for `State::ready`, set
//! once the start-up scan is applied and the index built. **Deadlock:** a write waits until
//! every snapshot is dropped, so a snapshot is taken under the world lock, moved into a
//! blocking task and dropped there, never held while taking the lock again.

mod capabilities;
mod convert;
mod documents;
mod handlers;
mod log;
mod parts;
mod publisher;
mod semantic;
mod state;
mod transport;
mod world;

pub use capabilities::ClientCaps;
pub use state::State;

use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use clap::Args;
use tokio::sync::{Notify, watch};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    self as lsp, CompletionParams, CompletionResponse, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, DocumentHighlight, DocumentHighlightParams,
    DocumentRangeFormattingParams, DocumentSymbolParams, DocumentSymbolResponse,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverParams, InitializeParams,
    InitializeResult, InitializedParams, Location, MessageType, PrepareRenameResponse,
    ProgressToken, ReferenceParams, Registration, RenameParams, ServerInfo,
    TextDocumentPositionParams, TextEdit, WorkspaceEdit, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use world::World;

/// `ward lsp`: speaks the Language Server Protocol on stdin and stdout.
#[derive(Args, Debug)]
pub struct LspArgs {
    /// Use stdio (the only transport; accepted because editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Serves until `exit`; the exit code is 0 when `shutdown` came first, 1 otherwise.
pub fn run(_args: &LspArgs) -> i32 {
    crate::purge_freed_memory_soon();
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        // Someone typed `ward lsp` by hand: say what it is rather than wait in silence.
        eprintln!(
            "ward lsp: the Ward language server, speaking LSP on stdin and stdout; an editor \
             starts it (see the README's Editor section). Ctrl-D or Ctrl-C stops it."
        );
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the language server: {error}");
            return 2;
        }
    };
    let shut_down = runtime.block_on(async {
        let (service, socket) = LspService::build(Backend::new)
            .custom_method("ward/testPanic", Backend::test_panic)
            .custom_method("ward/testSlow", Backend::test_slow)
            .finish();
        let state = service.inner().state.clone();
        let (input, output, transport) = transport::start(tokio::io::stdin(), tokio::io::stdout());
        Server::new(input, output, socket)
            .concurrency_level(32)
            .serve(service)
            .await;
        let ended = transport.finish().await;
        let shut_down = state.shutdown.load(Ordering::SeqCst);
        // Say why the server stops: a client may not see the exit code.
        match (ended, shut_down) {
            (None, true) => log::info(format_args!("stopping: exit after shutdown")),
            (None, false) => log::error(format_args!(
                "stopping: exit without shutdown (exit code 1)"
            )),
            (Some(why), true) => log::info(format_args!("stopping after shutdown: {why}")),
            (Some(why), false) => log::error(format_args!(
                "stopping: {why} without shutdown (exit code 1)"
            )),
        }
        shut_down
    });
    // Blocking tasks (a read of stdin, an analysis) may still run: do not wait for them.
    runtime.shutdown_background();
    if shut_down { 0 } else { 1 }
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

impl Backend {
    fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(State {
                world: Mutex::new(World::new()),
                caps: OnceLock::new(),
                diagnostics_changed: Notify::new(),
                shutdown: AtomicBool::new(false),
                started: AtomicBool::new(false),
                indexed: Mutex::new(None),
                ready: watch::Sender::new(false),
                semantic_tokens: semantic::Sent::default(),
                input_watchers: tokio::sync::Mutex::new(false),
            }),
        }
    }

    /// Applies a change to the world now, in arrival order, then wakes the publisher. A panic
    /// is logged; the server keeps running.
    fn write(&self, what: &str, change: impl FnOnce(&mut World)) {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            change(&mut self.state.world());
        }));
        if let Err(panic) = outcome {
            log::error(format_args!("{what} panicked: {}", panic_message(&panic)));
        }
        self.state.diagnostics_changed.notify_one();
        register_input_watchers(&self.state, &self.client);
    }

    /// Reads the workspace in the background, reporting progress when the client can show
    /// it; the publisher then sends the open documents' diagnostics first.
    fn start_indexing(&self) {
        let state = self.state.clone();
        let client = self.client.clone();
        let roots = state.world().roots();
        if roots.is_empty() {
            // Single files only: nothing to wait for.
            state.set_ready();
            return;
        }
        // Progress: begun when the client has the token, a message once the files are read,
        // ended when the diagnostics of every file are out.
        let (read_tx, read_rx) = tokio::sync::oneshot::channel::<usize>();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
        *state.indexed.lock().unwrap_or_else(PoisonError::into_inner) = Some(done_tx);
        if state.caps().work_done_progress {
            let client = client.clone();
            tokio::spawn(async move {
                let token = ProgressToken::String("ward/indexing".to_owned());
                if client
                    .create_work_done_progress(token.clone())
                    .await
                    .is_err()
                {
                    return;
                }
                let progress = client
                    .progress(token, "Indexing")
                    .with_message("reading .ward files")
                    .begin()
                    .await;
                let Ok(count) = read_rx.await else {
                    progress.finish_with_message("stopped").await;
                    return;
                };
                progress.report(format!("checking {count} files")).await;
                let message = match done_rx.await {
                    Ok(()) => format!("{count} files"),
                    Err(_) => "stopped".to_owned(),
                };
                progress.finish_with_message(message).await;
            });
        }
        tokio::spawn(async move {
            // Ready even when this task fails: requests then answer from what there is
            // rather than wait for ever.
            let ready = ReadyOnDrop(state.clone());
            let started = std::time::Instant::now();
            if let Some(delay) = test_delay("WARD_LSP_TEST_SCAN_DELAY_MS") {
                tokio::time::sleep(delay).await;
            }
            let read = {
                let roots = roots.clone();
                tokio::task::spawn_blocking(move || world::read_workspace(&roots)).await
            };
            let scan = read.unwrap_or_else(|error| {
                log::error(format_args!("reading the workspace failed: {error}"));
                world::Scan::default()
            });
            let count = scan.files.len();
            if let Some(hold) = test_delay("WARD_LSP_TEST_SCAN_HOLD_MS") {
                // Between reading the files and taking them: events meanwhile are newer.
                tokio::time::sleep(hold).await;
            }
            state.world().finish_indexing(scan);
            register_input_watchers(&state, &client);
            // Build the index before letting requests go, so that each does not build it
            // alone. A write cancels this; requests then build what is missing themselves.
            let (analyses, _) = state.world().snapshots();
            let primed = tokio::task::spawn_blocking(move || {
                analyses.iter().all(|analysis| analysis.prime().is_ok())
            })
            .await;
            if !primed.unwrap_or(false) {
                log::debug(format_args!("priming the index was cancelled"));
            }
            drop(ready);
            state.diagnostics_changed.notify_one();
            let _ = read_tx.send(count);
            log::info(format_args!(
                "indexed {count} files in {:.0?}",
                started.elapsed()
            ));
            client
                .log_message(
                    MessageType::INFO,
                    format!("ward: indexed {count} files in {:.0?}", started.elapsed()),
                )
                .await;
        });
    }

    /// Dates are compared with today (UTC): when the day changes, the analysis is told and
    /// the publisher re-sends what changed (an expired waiver, a gap it no longer waives).
    fn watch_the_day(&self) {
        let state = self.state.clone();
        let mut day = today();
        state.world().set_today(day);
        tokio::spawn(async move {
            while !state.shutdown.load(Ordering::SeqCst) {
                tokio::time::sleep(until_the_next_check()).await;
                // Only a new day is news: waking the publisher for nothing would hold back
                // the files it publishes once changes pause.
                let now = today();
                if now != day {
                    day = now;
                    state.world().set_today(day);
                    state.diagnostics_changed.notify_one();
                }
            }
        });
    }

    fn register_watchers(&self) {
        if !self.state.caps().watch_registration {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            let registration = Registration {
                id: "ward/watched-files".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(world::watchers()).ok(),
            };
            if let Err(error) = client.register_capability(vec![registration]).await {
                log::warn(format_args!(
                    "the client refused the file watchers: {error}"
                ));
            }
        });
    }
}

/// Today's UTC date. With `WARD_LSP_TEST_HOOKS` set, `WARD_LSP_TEST_TODAY_FILE` names a
/// file whose `YYYY-MM-DD` is today instead, so that a test can turn the day over.
fn today() -> ward_analysis::Date {
    test_today().unwrap_or_else(ward_analysis::dates::today_utc)
}

fn test_today() -> Option<ward_analysis::Date> {
    std::env::var_os("WARD_LSP_TEST_HOOKS")?;
    let path = std::env::var_os("WARD_LSP_TEST_TODAY_FILE")?;
    let text = std::fs::read_to_string(path).ok()?;
    ward_analysis::dates::parse(text.trim())
}

/// Registers the watchers of the plan's input globs again when they changed: the old
/// registration is withdrawn first. One task at a time does it, with the globs as they are
/// when its turn comes, so the last one stands.
pub(super) fn register_input_watchers(state: &Arc<State>, client: &Client) {
    if !state.caps().watch_registration {
        return;
    }
    if state.world().take_stale_input_watchers().is_none() {
        return;
    }
    let client = client.clone();
    let state = state.clone();
    tokio::spawn(async move {
        const ID: &str = "ward/input-files";
        const METHOD: &str = "workspace/didChangeWatchedFiles";
        let mut registered = state.input_watchers.lock().await;
        let sources = state.world().input_sources();
        if *registered {
            let unregistration = lsp::Unregistration {
                id: ID.to_owned(),
                method: METHOD.to_owned(),
            };
            let _ = client.unregister_capability(vec![unregistration]).await;
            *registered = false;
        }
        if sources.is_empty() {
            return;
        }
        let registration = Registration {
            id: ID.to_owned(),
            method: METHOD.to_owned(),
            register_options: serde_json::to_value(world::input_watchers(&sources)).ok(),
        };
        match client.register_capability(vec![registration]).await {
            Ok(()) => *registered = true,
            Err(error) => log::warn(format_args!(
                "the client refused the test report watchers: {error}"
            )),
        }
    });
}

/// How long to wait before looking at the clock again: until just after the next UTC
/// midnight, and at most an hour, since a monotonic sleep does not count the time a machine
/// is suspended. A test's day (`WARD_LSP_TEST_TODAY_FILE`) is read again every 50 ms.
fn until_the_next_check() -> std::time::Duration {
    if test_today().is_some() {
        return std::time::Duration::from_millis(50);
    }
    const DAY: u64 = 86_400;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let to_midnight = DAY - now % DAY + 1;
    std::time::Duration::from_secs(to_midnight.min(3_600))
}

/// Sets [`State::ready`] when dropped.
struct ReadyOnDrop(Arc<State>);

impl Drop for ReadyOnDrop {
    fn drop(&mut self) {
        self.0.set_ready();
    }
}

/// With `WARD_LSP_TEST_HOOKS` set, a pause of the start-up scan, so that tests can act
/// while it runs: `WARD_LSP_TEST_SCAN_DELAY_MS` before it reads the files,
/// `WARD_LSP_TEST_SCAN_HOLD_MS` after it read them and before the workspace takes them.
fn test_delay(variable: &str) -> Option<std::time::Duration> {
    std::env::var_os("WARD_LSP_TEST_HOOKS")?;
    let millis = std::env::var(variable).ok()?;
    millis.parse().ok().map(std::time::Duration::from_millis)
}

impl Backend {
    /// A request that panics, to test that a panic fails only its request. Answers
    /// `MethodNotFound` unless `WARD_LSP_TEST_HOOKS` is set.
    async fn test_panic(&self) -> Result<Option<()>> {
        if std::env::var_os("WARD_LSP_TEST_HOOKS").is_none() {
            return Err(tower_lsp_server::jsonrpc::Error::method_not_found());
        }
        handlers::test_panic(&self.state).await
    }

    /// A request that reads a document's diagnostics until a write cancels it, to test
    /// cancellation. Answers `MethodNotFound` unless `WARD_LSP_TEST_HOOKS` is set.
    async fn test_slow(&self, params: lsp::TextDocumentIdentifier) -> Result<Option<()>> {
        if std::env::var_os("WARD_LSP_TEST_HOOKS").is_none() {
            return Err(tower_lsp_server::jsonrpc::Error::method_not_found());
        }
        handlers::test_slow(&self.state, params.uri).await
    }
}

/// The message of a panic payload.
pub fn panic_message(panic: &Box<dyn Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = ClientCaps::new(&params.capabilities)
            .with_options(params.initialization_options.as_ref());
        log::info(format_args!(
            "initialize from {:?}: {caps:?}",
            params.client_info.as_ref().map(|info| &info.name)
        ));
        let capabilities = capabilities::server_capabilities(&caps);
        let _ = self.state.caps.set(Arc::new(caps));
        self.state.world().set_roots(world::roots(&params));
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "ward".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.state.started.swap(true, Ordering::SeqCst) {
            return;
        }
        tokio::spawn(publisher::publisher(
            self.state.clone(),
            self.client.clone(),
        ));
        self.start_indexing();
        self.register_watchers();
        self.watch_the_day();
        // Single files without a workspace: diagnostics can go at once.
        self.state.diagnostics_changed.notify_one();
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.write("didOpen", |world| {
            world.did_open(doc.uri, doc.version, doc.text);
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let encoding = self.state.caps().encoding;
        let doc = params.text_document;
        self.write("didChange", |world| {
            world.did_change(&doc.uri, doc.version, params.content_changes, encoding);
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.write("didClose", |world| {
            world.did_close(&params.text_document.uri)
        });
        // A closed document's tokens are asked for whole when it opens again.
        self.state.semantic_tokens.forget(&params.text_document.uri);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.write("didChangeWatchedFiles", |world| {
            world.did_change_watched_files(params.changes);
        });
    }

    /// Folders removed leave with their files at once; the files of folders added are read
    /// in the background, like the workspace at start-up, and join when read.
    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let paths = |folders: &[lsp::WorkspaceFolder]| -> Vec<std::path::PathBuf> {
            folders
                .iter()
                .map(|folder| convert::uri_to_path(&folder.uri))
                .collect()
        };
        let added = paths(&params.event.added);
        let removed = paths(&params.event.removed);
        self.write("didChangeWorkspaceFolders", |world| {
            world.change_roots(&added, &removed);
        });
        if added.is_empty() {
            return;
        }
        let state = self.state.clone();
        tokio::spawn(async move {
            let read = tokio::task::spawn_blocking(move || world::read_workspace(&added));
            match read.await {
                Ok(scan) => {
                    state.world().add_folder_files(scan);
                    state.diagnostics_changed.notify_one();
                }
                Err(error) => log::error(format_args!("reading added folders failed: {error}")),
            }
        });
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        handlers::definition(&self.state, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        handlers::references(&self.state, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        handlers::hover(&self.state, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        handlers::completion(&self.state, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        handlers::prepare_rename(&self.state, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        handlers::rename(&self.state, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        handlers::document_symbol(&self.state, params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        handlers::workspace_symbol(&self.state, params).await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        handlers::document_highlight(&self.state, params).await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        handlers::code_lens(&self.state, params.text_document.uri).await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let Some(data) = handlers::semantic_tokens(&self.state, &uri).await? else {
            return Ok(None);
        };
        let result_id = self.state.semantic_tokens.keep(&uri, &data);
        Ok(Some(lsp::SemanticTokensResult::Tokens(
            lsp::SemanticTokens {
                result_id: Some(result_id),
                data: semantic::tokens(&data),
            },
        )))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: lsp::SemanticTokensDeltaParams,
    ) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
        let uri = params.text_document.uri;
        let Some(data) = handlers::semantic_tokens(&self.state, &uri).await? else {
            return Ok(None);
        };
        let previous = self
            .state
            .semantic_tokens
            .previous(&uri, &params.previous_result_id);
        let result_id = self.state.semantic_tokens.keep(&uri, &data);
        Ok(Some(match previous {
            Some(old) => {
                lsp::SemanticTokensFullDeltaResult::TokensDelta(lsp::SemanticTokensDelta {
                    result_id: Some(result_id),
                    edits: semantic::delta(&old, &data),
                })
            }
            // A result the server no longer has: all of it.
            None => lsp::SemanticTokensFullDeltaResult::Tokens(lsp::SemanticTokens {
                result_id: Some(result_id),
                data: semantic::tokens(&data),
            }),
        }))
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        handlers::inlay_hint(&self.state, params).await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        handlers::folding_range(&self.state, params.text_document.uri).await
    }

    async fn selection_range(
        &self,
        params: lsp::SelectionRangeParams,
    ) -> Result<Option<Vec<lsp::SelectionRange>>> {
        handlers::selection_range(&self.state, params).await
    }

    async fn document_link(
        &self,
        params: lsp::DocumentLinkParams,
    ) -> Result<Option<Vec<lsp::DocumentLink>>> {
        handlers::document_link(&self.state, params.text_document.uri).await
    }

    async fn prepare_call_hierarchy(
        &self,
        params: lsp::CallHierarchyPrepareParams,
    ) -> Result<Option<Vec<lsp::CallHierarchyItem>>> {
        handlers::prepare_call_hierarchy(&self.state, params).await
    }

    async fn incoming_calls(
        &self,
        params: lsp::CallHierarchyIncomingCallsParams,
    ) -> Result<Option<Vec<lsp::CallHierarchyIncomingCall>>> {
        let calls = handlers::calls(&self.state, params.item, true).await?;
        Ok(Some(
            calls
                .into_iter()
                .map(|(from, from_ranges)| lsp::CallHierarchyIncomingCall { from, from_ranges })
                .collect(),
        ))
    }

    async fn outgoing_calls(
        &self,
        params: lsp::CallHierarchyOutgoingCallsParams,
    ) -> Result<Option<Vec<lsp::CallHierarchyOutgoingCall>>> {
        let calls = handlers::calls(&self.state, params.item, false).await?;
        Ok(Some(
            calls
                .into_iter()
                .map(|(to, from_ranges)| lsp::CallHierarchyOutgoingCall { to, from_ranges })
                .collect(),
        ))
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        handlers::code_action(&self.state, params).await
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        handlers::document_diagnostic(&self.state, params).await
    }

    async fn workspace_diagnostic(
        &self,
        params: lsp::WorkspaceDiagnosticParams,
    ) -> Result<lsp::WorkspaceDiagnosticReportResult> {
        handlers::workspace_diagnostic(&self.state, params).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        handlers::formatting(&self.state, params.text_document.uri, None).await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        handlers::formatting(&self.state, params.text_document.uri, Some(params.range)).await
    }
}
