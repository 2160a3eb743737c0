//! `ward lsp`: the language server on stdio, on tower-lsp-server and tokio.
//!
//! - `workspace.rs`: the state and its one writer ([`workspace::World`], behind one lock);
//! - `documents.rs`: open documents (rope and incrementally parsed tree);
//! - `diagnostics.rs`: the push-diagnostics publisher task;
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

mod convert;
mod diagnostics;
mod documents;
mod handlers;
mod log;
mod transport;
mod workspace;

use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use clap::Args;
use tokio::sync::{Notify, watch};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    self as lsp, ClientCapabilities, CompletionOptions, CompletionParams, CompletionResponse,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentHighlight, DocumentHighlightParams, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverParams,
    HoverProviderCapability, InitializeParams, InitializeResult, InitializedParams, Location,
    MarkupKind, MessageType, OneOf, PrepareRenameResponse, ProgressToken, ReferenceParams,
    Registration, RenameOptions, RenameParams, ServerCapabilities, ServerInfo,
    TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, WorkspaceEdit, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server};
use ward_analysis::PositionEncoding;

use workspace::World;

/// `ward lsp`: speaks the Language Server Protocol on stdin and stdout.
#[derive(Args, Debug)]
pub struct LspArgs {
    /// Use stdio (the only transport; accepted because editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Serves until `exit`; the exit code is 0 when `shutdown` came first, 1 otherwise.
pub fn run(_args: &LspArgs) -> i32 {
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
}

impl Default for ClientCaps {
    fn default() -> Self {
        ClientCaps::new(&ClientCapabilities::default())
    }
}

impl ClientCaps {
    fn new(caps: &ClientCapabilities) -> ClientCaps {
        let text = caps.text_document.as_ref();
        let workspace = caps.workspace.as_ref();
        let publish = text.and_then(|t| t.publish_diagnostics.as_ref());
        let markdown = |formats: Option<&Vec<MarkupKind>>| {
            formats
                .is_none_or(|formats| formats.is_empty() || formats.contains(&MarkupKind::Markdown))
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
        }
    }
}

/// Everything the handlers and tasks share.
pub struct State {
    world: Mutex<World>,
    caps: OnceLock<Arc<ClientCaps>>,
    /// Wakes the diagnostics publisher after a change.
    diagnostics_changed: Notify,
    shutdown: AtomicBool,
    started: AtomicBool,
    /// Told when the first diagnostics of every file are out: the end of indexing.
    indexed: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    /// Whether the start-up scan is applied and the index built: until then an answer that
    /// reads other files would be partial, so such requests wait for it.
    ready: watch::Sender<bool>,
}

impl State {
    /// The world, under its lock. Never call this while holding a snapshot.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn caps(&self) -> Arc<ClientCaps> {
        self.caps.get().cloned().unwrap_or_default()
    }

    /// Lets the requests waiting in [`State::workspace_ready`] go.
    fn set_ready(&self) {
        self.ready.send_replace(true);
    }

    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Waits, without blocking a thread, until the start-up scan is applied and the index
    /// built. A cancelled request drops this future, which is all it takes.
    pub async fn workspace_ready(&self) {
        let mut ready = self.ready.subscribe();
        // The sender lives as long as the state: this only returns once ready.
        let _ = ready.wait_for(|ready| *ready).await;
    }

    /// Called by the publisher after a run over every file: the first one ends indexing.
    pub fn all_published(&self) {
        let sender = self
            .indexed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(sender) = sender {
            let _ = sender.send(());
        }
    }
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
    }

    fn capabilities(caps: &ClientCaps) -> ServerCapabilities {
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
            if let Some(delay) = test_scan_delay() {
                tokio::time::sleep(delay).await;
            }
            let read = {
                let roots = roots.clone();
                tokio::task::spawn_blocking(move || workspace::read_workspace(&roots)).await
            };
            let files = read.unwrap_or_else(|error| {
                log::error(format_args!("reading the workspace failed: {error}"));
                Vec::new()
            });
            let count = files.len();
            state.world().finish_indexing(files);
            // Build the index before letting requests go, so that each does not build it
            // alone. A write cancels this; requests then build what is missing themselves.
            let (analysis, _) = state.world().snapshot();
            let primed = tokio::task::spawn_blocking(move || analysis.prime().is_ok()).await;
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

    fn register_watchers(&self) {
        if !self.state.caps().watch_registration {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            let registration = Registration {
                id: "ward/watched-files".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(workspace::watchers()).ok(),
            };
            if let Err(error) = client.register_capability(vec![registration]).await {
                log::warn(format_args!(
                    "the client refused the file watchers: {error}"
                ));
            }
        });
    }
}

/// Sets [`State::ready`] when dropped.
struct ReadyOnDrop(Arc<State>);

impl Drop for ReadyOnDrop {
    fn drop(&mut self) {
        self.0.set_ready();
    }
}

/// With `WARD_LSP_TEST_HOOKS` set, `WARD_LSP_TEST_SCAN_DELAY_MS` delays the start-up scan,
/// so that tests can send requests before it is done.
fn test_scan_delay() -> Option<std::time::Duration> {
    std::env::var_os("WARD_LSP_TEST_HOOKS")?;
    let millis = std::env::var("WARD_LSP_TEST_SCAN_DELAY_MS").ok()?;
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
        let caps = ClientCaps::new(&params.capabilities);
        log::info(format_args!(
            "initialize from {:?}: {caps:?}",
            params.client_info.as_ref().map(|info| &info.name)
        ));
        let capabilities = Backend::capabilities(&caps);
        let _ = self.state.caps.set(Arc::new(caps));
        self.state.world().set_roots(workspace::roots(&params));
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
        tokio::spawn(diagnostics::publisher(
            self.state.clone(),
            self.client.clone(),
        ));
        self.start_indexing();
        self.register_watchers();
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
            let read = tokio::task::spawn_blocking(move || workspace::read_workspace(&added));
            match read.await {
                Ok(files) => {
                    state.world().add_folder_files(files);
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
}
