//! The LSP server: the only module that knows LSP and JSON-RPC. It keeps the
//! open documents, runs the analysis core off the handlers, and maps
//! findings and terms to LSP types.
//!
//! Split by concern: `capabilities` (what the client can do, read once at
//! `initialize`, and what we offer), `state` (open documents, snapshots and
//! their workers), `to_proto` (findings and ranges to LSP types),
//! `requests` (request handlers), `notifications` (document lifecycle and
//! settings), `commands` (`workspace/executeCommand`), `configs`
//! (configuration per document) and `transport` (frames, lifecycle, outbox).
//! This file wires them into the `LanguageServer` trait and runs the session.
//!
//! Ordering rules (see ARCHITECTURE.md): document edits are applied in a
//! synchronous lock before the first `.await`; analysis runs on a snapshot
//! in a blocking task; a result is published only if its version is still the
//! document's current one, under one publish lock so that publishes never
//! overtake each other; handler panics are caught.

mod aids;
mod capabilities;
mod commands;
mod configs;
mod notifications;
mod requests;
mod state;
mod to_proto;
pub mod transport;
mod workspace;

use crate::config::Options;
use crate::document::Encoding;
use capabilities::ClientCaps;
use configs::ConfigStore;
use futures::FutureExt;
use state::{workers, OpenDoc};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};
pub use transport::{End, Lifecycle, Outbox};

pub use crate::config::DEFAULT_MAX_DOCUMENT_BYTES;
pub use commands::{DISABLE_RULE_COMMAND, EXPLAIN_COMMAND};

/// How long the server waits for an answer to a request it sends.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);
/// Handlers the framework runs at once (its default is 4; a slow request
/// must not hold up others).
const CONCURRENCY: usize = 32;

struct Inner {
    client: Client,
    /// What the client can do, set at `initialize`.
    caps: Mutex<ClientCaps>,
    docs: Mutex<HashMap<String, OpenDoc>>,
    configs: Mutex<ConfigStore>,
    life: Arc<Lifecycle>,
    out: Arc<Outbox>,
    /// One permit per analysis that may run.
    pool: tokio::sync::Semaphore,
    /// Woken when a document gets a configuration or an analysis.
    analysed: tokio::sync::Notify,
    generations: AtomicU64,
    /// Why `initializationOptions` were ignored, shown once initialized.
    init_error: Mutex<Option<String>>,
    /// The workspace scan's index.
    workspace: Mutex<workspace::WorkspaceIndex>,
    /// Woken when the index changes or the scan ends.
    indexed: tokio::sync::Notify,
}

#[derive(Clone)]
pub struct Backend(Arc<Inner>);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not wedge the server: take the data anyway.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Backend {
    pub fn new(client: Client, life: Arc<Lifecycle>, out: Arc<Outbox>) -> Backend {
        Backend(Arc::new(Inner {
            client,
            caps: Mutex::new(ClientCaps::default()),
            docs: Mutex::new(HashMap::new()),
            configs: Mutex::new(ConfigStore::default()),
            life,
            out,
            pool: tokio::sync::Semaphore::new(workers()),
            analysed: tokio::sync::Notify::new(),
            generations: AtomicU64::new(0),
            init_error: Mutex::new(None),
            workspace: Mutex::new(workspace::WorkspaceIndex::default()),
            indexed: tokio::sync::Notify::new(),
        }))
    }

    /// The client's capabilities (defaults before `initialize`).
    fn caps(&self) -> ClientCaps {
        *lock(&self.0.caps)
    }

    fn encoding(&self) -> Encoding {
        self.caps().encoding
    }
}

/// Takes the editor-only initialization option `rulesDir` out of `options`:
/// a local folder of rule pages that an editor extension ships (the VS Code
/// package does), so each diagnostic's link opens offline. Only the editor
/// that starts the server can name it, never a project file or a workspace
/// setting, which is why a `file:` link is allowed here and not in
/// `rules-base-url`. Returns the options without it and, when the folder
/// exists, its `file:` URL with a trailing slash.
fn take_rules_dir(options: &serde_json::Value) -> (serde_json::Value, Option<String>) {
    let mut options = options.clone();
    let dir = options
        .as_object_mut()
        .and_then(|o| o.remove("rulesDir"))
        .and_then(|v| v.as_str().map(std::path::PathBuf::from));
    let url = dir
        .filter(|d| d.is_absolute() && d.is_dir())
        .and_then(|d| to_proto::file_uri(&d))
        .map(|u| format!("{}/", u.as_str().trim_end_matches('/')));
    (options, url)
}

/// Run a request handler, turning a panic into an `InternalError` response.
async fn caught<T>(name: &str, handler: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    AssertUnwindSafe(handler).catch_unwind().await.unwrap_or_else(|_| {
        tracing::error!("{name} handler panicked; the server keeps running");
        Err(Error::internal_error())
    })
}

/// Run a notification handler body, logging instead of dying on a panic.
fn guard(name: &str, f: impl FnOnce()) {
    if std::panic::catch_unwind(AssertUnwindSafe(f)).is_err() {
        tracing::error!("{name} handler panicked; the server keeps running");
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        // The database, tagger and matchers, started building when the
        // server started: ready before the client opens anything, so the
        // first open pays only for its analysis.
        let _ = tokio::task::spawn_blocking(|| {
            crate::analysis::warm_up();
            // What the warm-up freed goes back: the peak of a first large
            // document does not sit on top of it.
            state::trim_memory();
        })
        .await;
        let caps = ClientCaps::from_params(&params);
        *lock(&self.0.caps) = caps;
        {
            let mut configs = lock(&self.0.configs);
            if let Some(options) = &params.initialization_options {
                let (options, rules_dir) = take_rules_dir(options);
                match Options::from_json(&options) {
                    Ok(mut o) => {
                        if o.rules_base_url.is_none() {
                            o.rules_base_url = rules_dir;
                        }
                        configs.init_options = o;
                    }
                    Err(e) => {
                        tracing::warn!("ignoring invalid initializationOptions: {e}");
                        *lock(&self.0.init_error) = Some(e);
                    }
                }
            }
            #[allow(deprecated)]
            let folders: Vec<std::path::PathBuf> = match &params.workspace_folders {
                Some(f) if !f.is_empty() => f.iter().map(|f| f.uri.clone()).collect::<Vec<_>>(),
                _ => params.root_uri.clone().into_iter().collect(),
            }
            .into_iter()
            .filter_map(|u| u.to_file_path().map(|p| p.into_owned()))
            .collect();
            configs.root = folders.first().cloned();
            configs.folders = folders;
        }
        if let Some(pid) = params.process_id {
            tokio::spawn(watch_parent(pid, Arc::clone(&self.0.life)));
        }
        Ok(InitializeResult {
            capabilities: caps.server_capabilities(),
            server_info: Some(ServerInfo {
                name: "peace-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, params: InitializedParams) {
        self.handle_initialized(params).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.handle_did_change_configuration(params).await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.handle_did_change_watched_files(params).await
    }

    async fn shutdown(&self) -> Result<()> {
        self.0.life.shutdown_requested();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.handle_did_open(params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.handle_did_change(params).await
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.handle_did_save(params).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.handle_did_close(params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        caught("codeAction", self.code_action_impl(params)).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        caught("executeCommand", self.execute_command_impl(params)).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        caught("hover", self.hover_impl(params)).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        caught("completion", self.completion_impl(params)).await
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        caught("completionItem/resolve", self.completion_resolve_impl(item)).await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        let tokens = caught(
            "semanticTokens/full",
            self.semantic_tokens_impl(&params.text_document.uri, None),
        )
        .await?;
        Ok(tokens.map(SemanticTokensResult::Tokens))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let tokens = caught(
            "semanticTokens/range",
            self.semantic_tokens_impl(&params.text_document.uri, Some(params.range)),
        )
        .await?;
        Ok(tokens.map(SemanticTokensRangeResult::Tokens))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        caught("documentSymbol", self.document_symbol_impl(&params.text_document.uri)).await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        caught("workspace/symbol", self.symbol_impl(params)).await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        caught("definition", self.definition_impl(params)).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        caught("documentLink", self.document_link_impl(&params.text_document.uri)).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        caught("codeLens", self.code_lens_impl(&params.text_document.uri)).await
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        caught("textDocument/diagnostic", self.pull_diagnostic_impl(params)).await
    }

    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        caught("workspace/diagnostic", self.workspace_diagnostic_impl(params)).await
    }
}

/// Whether a process is alive (a zombie is not).
fn alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state follows the command name in parentheses.
            Ok(stat) => stat
                .rsplit_once(')')
                .is_none_or(|(_, rest)| !rest.trim_start().starts_with('Z')),
            Err(_) => false,
        }
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        unsafe { libc::kill(pid, 0) == 0 || *libc::__error() == libc::EPERM }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// End the session when the editor process named in `initialize` is gone.
async fn watch_parent(pid: u32, life: Arc<Lifecycle>) {
    loop {
        if life.ended().is_some() {
            return;
        }
        if !alive(pid) {
            tracing::warn!("the editor (process {pid}) is gone; exiting");
            life.end(End::ParentGone);
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Serve LSP over any byte streams; returns whether `shutdown` came before
/// the end (the exit code is 0 then, 1 otherwise, as the spec says).
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (end, shutdown) = serve_until(input, output, std::future::pending()).await;
    shutdown && end != End::ParentGone
}

/// Serve until `exit`, the end of input, the editor's death or `stop`,
/// whatever is pending; returns how it ended and whether `shutdown` came.
pub async fn serve_until<I, O>(input: I, output: O, stop: impl std::future::Future<Output = ()>) -> (End, bool)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    // The database, the tagger and the matchers are built while the client
    // initialises, not when it opens its first document.
    std::thread::spawn(crate::analysis::warm_up);
    let life = Lifecycle::new();
    let out = Arc::new(Outbox::default());
    let (l, o) = (Arc::clone(&life), Arc::clone(&out));
    let (service, socket) = LspService::build(move |client| Backend::new(client, l, o))
        .custom_method("window/workDoneProgress/cancel", Backend::progress_cancel)
        .finish();
    let (to_fw, fw_in) = tokio::io::duplex(1 << 16);
    let (fw_out, from_fw) = tokio::io::duplex(1 << 16);
    let writer = tokio::spawn(transport::write_frames(Arc::clone(&out), output));
    let forward = tokio::spawn(transport::forward_output(from_fw, Arc::clone(&out)));
    let reader = tokio::spawn(transport::filter_input(input, to_fw, out, Arc::clone(&life)));
    let server = Server::new(fw_in, fw_out, socket)
        .concurrency_level(CONCURRENCY)
        .serve(service);
    // Each arm records its reason before `select!` drops the other futures:
    // dropping the framework's future makes a frame being forwarded fail,
    // and the input filter would then record the end of input first.
    let stopped = async {
        stop.await;
        life.end(End::Stopped);
    };
    let served = async {
        let _ = server.await;
        life.end(End::EndOfInput);
    };
    let end = tokio::select! {
        biased;
        _ = stopped => End::Stopped,
        e = life.wait() => e,
        _ = served => End::EndOfInput,
    };
    life.end(end);
    reader.abort();
    forward.abort();
    writer.abort();
    (life.ended().unwrap_or(end), life.was_shut_down())
}

/// `peace-lsp` / `peace-lsp lsp` / `peace-lsp --stdio`. Exits with 0 after
/// `shutdown` then `exit` (or on SIGTERM), 1 otherwise.
pub fn run_stdio() -> ExitCode {
    // One malloc arena: with one per thread that analyses (glibc's
    // default), each keeps what an analysis freed, and a server editing a
    // 1 MB document held 15 MiB more at its peak. With two, the peak of a
    // 1 MB document opened was up to 1.2 MB higher than with one; with
    // one, the two halves of a document read at once (see
    // `analysis::incremental`) share its lock, and a 100 KB document opens
    // about 2 ms slower (17.1 against 15.0 ms, bench/lsp-latency.py
    // --baseline).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    let cores = workers();
    // Async handlers are short: two threads; blocking ones: the analyses
    // (one per core), stdin, stdout and a few for hovers and files; and
    // one that reads the second half of a document opened (see
    // `analysis::incremental`): at most cores + 8 with the main thread.
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores.min(2))
        .max_blocking_threads(cores + 4)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("peace-lsp: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let (end, shutdown) = rt.block_on(async { serve_until(tokio::io::stdin(), DirectStdout, terminated()).await });
    tracing::debug!("session ended: {end:?}, shutdown requested: {shutdown}");
    // Do not wait for the blocking stdin read or analyses still running.
    rt.shutdown_background();
    if shutdown && end != End::ParentGone || end == End::Stopped {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Standard output written from the writing task itself, inside
/// `block_in_place` (the runtime moves its other tasks to another thread
/// while a write waits for the client to read): tokio's `Stdout` copies
/// each frame into a buffer of its own and writes it from a blocking
/// thread, a copy of every publish and a hop between threads per frame.
struct DirectStdout;

impl AsyncWrite for DirectStdout {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        use std::io::Write;
        std::task::Poll::Ready(tokio::task::block_in_place(|| std::io::stdout().lock().write(buf)))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::io::Write;
        std::task::Poll::Ready(tokio::task::block_in_place(|| std::io::stdout().lock().flush()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// Resolves on SIGTERM (Unix), else never.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            term.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await
}
