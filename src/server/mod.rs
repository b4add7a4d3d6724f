//! The LSP server: the only module that knows LSP and JSON-RPC. It keeps the
//! open documents, runs the analysis core off the handlers, and maps
//! findings and terms to LSP types.
//!
//! Ordering rules (see ARCHITECTURE.md): document edits are applied in a
//! synchronous lock before the first `.await`; analysis runs on a snapshot
//! in a blocking task; a result is published only if its version is still the
//! document's current one, under one publish lock so that publishes never
//! overtake each other; handler panics are caught.

mod transport;

use crate::analysis::{analyze, find_terms, Analysis, Finding, Severity};
use crate::document::{Document, Encoding, Pos};
use crate::terms::{explain_finding, explain_markdown, hover_markdown, Database};
use crate::text::Format;
use futures::FutureExt;
use serde::Deserialize;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// Default size guard: larger documents are not analysed.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// Settings the client may pass in `initializationOptions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Documents larger than this many bytes are not analysed.
    pub max_document_bytes: usize,
    /// Base URL of the rule pages (`<base><code>.md`).
    pub rules_base_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            rules_base_url: None,
        }
    }
}

impl Settings {
    fn from_value(v: Option<&serde_json::Value>) -> Settings {
        match v {
            Some(v) if !v.is_null() => serde_json::from_value(v.clone()).unwrap_or_else(|e| {
                tracing::warn!("ignoring invalid initializationOptions: {e}");
                Settings::default()
            }),
            _ => Settings::default(),
        }
    }

    /// The page explaining a code: under `rulesBaseUrl` when set, else the
    /// `docs/rules/` folder of the source tree this binary was built from,
    /// if it is still there (a link to a missing file helps nobody).
    fn rule_url(&self, code: &str) -> Option<Uri> {
        match &self.rules_base_url {
            Some(base) => format!("{base}{code}.md").parse().ok(),
            None => {
                let page = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("docs/rules")
                    .join(format!("{code}.md"));
                page.is_file()
                    .then(|| format!("file://{}", page.display()).parse().ok())
                    .flatten()
            }
        }
    }
}

struct OpenDoc {
    doc: Document,
    format: Format,
    /// The analysis of `analysed_version`, for hover.
    analysis: Option<(i32, Arc<Analysis>)>,
}

/// The command the Explain code action runs.
pub const EXPLAIN_COMMAND: &str = "peace-lsp.explain";

/// Where explanations are written for `window/showDocument`. Documents
/// there are our own text: never analysed.
fn explain_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("peace-lsp")
}

fn is_explanation(uri: &Uri) -> bool {
    uri.to_file_path().is_some_and(|p| p.starts_with(explain_dir()))
}

struct Inner {
    client: Client,
    /// Whether the client can show a document we point it at.
    show_document: AtomicBool,
    /// Whether hovers are sent as plain text (the client does not take Markdown).
    plain_hover: AtomicBool,
    db: &'static Database,
    docs: Mutex<HashMap<String, OpenDoc>>,
    encoding: Mutex<Encoding>,
    settings: Mutex<Settings>,
    publish: tokio::sync::Mutex<()>,
    shutdown: Arc<AtomicBool>,
}

#[derive(Clone)]
pub struct Backend(Arc<Inner>);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not wedge the server: take the data anyway.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn to_lsp_pos(p: Pos) -> Position {
    Position {
        line: p.line,
        character: p.character,
    }
}

fn from_lsp_pos(p: Position) -> Pos {
    Pos {
        line: p.line,
        character: p.character,
    }
}

fn lsp_range(doc: &Document, r: std::ops::Range<usize>, enc: Encoding) -> Range {
    let (s, e) = doc.range(r, enc);
    Range {
        start: to_lsp_pos(s),
        end: to_lsp_pos(e),
    }
}

fn lsp_severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

impl Backend {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Backend {
        Backend(Arc::new(Inner {
            client,
            show_document: AtomicBool::new(false),
            plain_hover: AtomicBool::new(false),
            db: Database::builtin(),
            docs: Mutex::new(HashMap::new()),
            encoding: Mutex::new(Encoding::Utf16),
            settings: Mutex::new(Settings::default()),
            publish: tokio::sync::Mutex::new(()),
            shutdown,
        }))
    }

    fn encoding(&self) -> Encoding {
        *lock(&self.0.encoding)
    }

    fn diagnostic(&self, uri: &Uri, doc: &Document, f: &Finding, enc: Encoding, settings: &Settings) -> Diagnostic {
        let related = f
            .related
            .iter()
            .map(|r| DiagnosticRelatedInformation {
                location: Location {
                    uri: uri.clone(),
                    range: lsp_range(doc, r.range.clone(), enc),
                },
                message: r.message.clone(),
            })
            .collect::<Vec<_>>();
        Diagnostic {
            range: lsp_range(doc, f.range.clone(), enc),
            severity: Some(lsp_severity(f.severity)),
            code: Some(NumberOrString::String(f.code.clone())),
            code_description: settings.rule_url(&f.code).map(|href| CodeDescription { href }),
            source: Some("peace-lsp".into()),
            message: f.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }

    /// Analyse the current version of a document off the handler and publish.
    fn schedule(&self, uri: Uri) {
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(e) = AssertUnwindSafe(this.analyse_and_publish(uri)).catch_unwind().await {
                tracing::error!("analysis task panicked: {:?}", e.downcast_ref::<&str>());
            }
        });
    }

    async fn analyse_and_publish(&self, uri: Uri) {
        if is_explanation(&uri) {
            return;
        }
        let key = uri.as_str().to_string();
        // Snapshot under the lock; no await while it is held.
        let (text, version, format) = {
            let docs = lock(&self.0.docs);
            let Some(d) = docs.get(&key) else { return };
            (d.doc.text(), d.doc.version, d.format)
        };
        let max = lock(&self.0.settings).max_document_bytes;
        let too_big = text.len() > max;
        let db = self.0.db;
        let inner = Arc::clone(&self.0);
        let key2 = key.clone();
        let analysis = if too_big {
            None
        } else {
            let job = tokio::task::spawn_blocking(move || {
                // Skip work for a version that is already outdated.
                let current = lock(&inner.docs).get(&key2).map(|d| d.doc.version);
                if current != Some(version) {
                    return None;
                }
                std::panic::catch_unwind(|| analyze(&text, format, db)).ok()
            });
            match job.await {
                Ok(Some(a)) => Some(Arc::new(a)),
                Ok(None) if !too_big => {
                    let current = lock(&self.0.docs).get(&key).map(|d| d.doc.version);
                    if current == Some(version) {
                        tracing::error!("analysis of {key} panicked; no diagnostics published");
                    }
                    return;
                }
                _ => return,
            }
        };
        let _publishing = self.0.publish.lock().await;
        let diagnostics = {
            let mut docs = lock(&self.0.docs);
            let Some(d) = docs.get_mut(&key) else { return };
            if d.doc.version != version {
                return; // a newer version will publish
            }
            let enc = self.encoding();
            let settings = lock(&self.0.settings).clone();
            match &analysis {
                Some(a) => {
                    d.analysis = Some((version, Arc::clone(a)));
                    a.findings.iter().map(|f| self.diagnostic(&uri, &d.doc, f, enc, &settings)).collect()
                }
                None => vec![Diagnostic {
                    range: Range::default(),
                    severity: Some(DiagnosticSeverity::INFORMATION),
                    code: Some(NumberOrString::String("document-too-large".into())),
                    source: Some("peace-lsp".into()),
                    message: format!(
                        "This document ({:.1} MB) is larger than peace-lsp's limit of {:.1} MB, so it is not checked; raise `maxDocumentBytes` in the initialization options to check it.",
                        d.doc.len_bytes() as f64 / 1e6,
                        max as f64 / 1e6
                    ),
                    ..Diagnostic::default()
                }],
            }
        };
        self.0.client.publish_diagnostics(uri, diagnostics, Some(version)).await;
    }

    /// The analysis of the document's current version, and a snapshot of
    /// the document it belongs to (computed now if the cached one is stale).
    async fn current_analysis(&self, key: &str) -> Result<Option<(Arc<Analysis>, Document)>> {
        let (cached, snapshot) = {
            let docs = lock(&self.0.docs);
            let Some(d) = docs.get(key) else { return Ok(None) };
            match &d.analysis {
                Some((v, a)) if *v == d.doc.version => (Some((Arc::clone(a), d.doc.clone())), None),
                _ => (None, Some((d.doc.clone(), d.format))),
            }
        };
        if let Some(c) = cached {
            return Ok(Some(c));
        }
        let Some((doc, format)) = snapshot else { return Ok(None) };
        if doc.len_bytes() > lock(&self.0.settings).max_document_bytes {
            return Ok(None);
        }
        let db = self.0.db;
        let text = doc.text();
        let a = tokio::task::spawn_blocking(move || analyze(&text, format, db))
            .await
            .map_err(|_| Error::internal_error())?;
        Ok(Some((Arc::new(a), doc)))
    }

    async fn code_action_impl(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let wants_quickfix = params.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
        });
        if !wants_quickfix {
            return Ok(None);
        }
        let uri = params.text_document.uri;
        let Some((analysis, doc)) = self.current_analysis(uri.as_str()).await? else {
            return Ok(None);
        };
        let enc = self.encoding();
        let settings = lock(&self.0.settings).clone();
        let from = doc.offset(from_lsp_pos(params.range.start), enc);
        let to = doc.offset(from_lsp_pos(params.range.end), enc);
        let mut actions = Vec::new();
        for f in analysis
            .findings
            .iter()
            .filter(|f| f.range.start <= to && from <= f.range.end)
        {
            let ours = self.diagnostic(&uri, &doc, f, enc, &settings);
            // Attach the client's own copy of the diagnostic when it sent one.
            let diagnostic = params
                .context
                .diagnostics
                .iter()
                .find(|d| d.code == ours.code && d.range == ours.range)
                .cloned()
                .unwrap_or(ours);
            for (i, fix) in f.fixes.iter().enumerate() {
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: lsp_range(&doc, e.range.clone(), enc),
                        new_text: e.text.clone(),
                    })
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), edits)])),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(i == 0),
                    ..CodeAction::default()
                }));
            }
            let term = f.term.map(|t| self.0.db.terms[t].id.clone());
            let title = format!("Explain {}", f.code);
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                command: Some(Command {
                    title,
                    command: EXPLAIN_COMMAND.to_string(),
                    arguments: Some(vec![serde_json::json!({ "code": f.code, "term": term })]),
                }),
                ..CodeAction::default()
            }));
        }
        Ok(Some(actions))
    }

    /// `peace-lsp.explain` with `{code, term}` (from a code action) or
    /// `{uri, position}` (the term under the cursor) or `{term}` (an id or
    /// any spelling). Shows the explanation and returns it as Markdown.
    async fn execute_command_impl(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != EXPLAIN_COMMAND {
            return Err(Error::invalid_params(format!("unknown command {:?}", params.command)));
        }
        let arg = params.arguments.first().cloned().unwrap_or(serde_json::Value::Null);
        let db = self.0.db;
        let field = |name: &str| arg.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let text = if let Some(code) = field("code") {
            explain_finding(db, &code, field("term").as_deref())
        } else if let (Some(uri), Some(pos)) = (field("uri"), arg.get("position")) {
            let pos: Position =
                serde_json::from_value(pos.clone()).map_err(|e| Error::invalid_params(e.to_string()))?;
            let Some((analysis, doc)) = self.current_analysis(&uri).await? else {
                return Ok(None);
            };
            let offset = doc.offset(from_lsp_pos(pos), self.encoding());
            analysis
                .term_at(offset)
                .map(|h| explain_markdown(db, &db.terms[h.term]))
        } else if let Some(term) = field("term") {
            db.lookup(&term).map(|t| explain_markdown(db, t))
        } else {
            return Err(Error::invalid_params(
                "expected {code, term}, {uri, position} or {term}",
            ));
        };
        let Some(text) = text else {
            self.0
                .client
                .show_message(MessageType::INFO, "peace-lsp: no known term there to explain")
                .await;
            return Ok(None);
        };
        self.show_explanation(&text).await;
        Ok(Some(serde_json::Value::String(text)))
    }

    /// Open the explanation as a Markdown document when the client can show
    /// one; otherwise send it as a message.
    async fn show_explanation(&self, text: &str) {
        if self.0.show_document.load(Ordering::SeqCst) {
            let dir = explain_dir();
            let path = dir.join(format!("explain-{}.md", std::process::id()));
            let written = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, text));
            if let (Ok(()), Ok(uri)) = (written, format!("file://{}", path.display()).parse::<Uri>()) {
                let shown = self
                    .0
                    .client
                    .show_document(ShowDocumentParams {
                        uri,
                        external: Some(false),
                        take_focus: Some(true),
                        selection: None,
                    })
                    .await;
                if shown.is_ok_and(|ok| ok) {
                    return;
                }
            }
        }
        self.0.client.show_message(MessageType::INFO, text).await;
    }

    async fn hover_impl(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let pos = from_lsp_pos(params.text_document_position_params.position);
        let key = uri.as_str().to_string();
        let enc = self.encoding();
        let (offset, cached, snapshot) = {
            let docs = lock(&self.0.docs);
            let Some(d) = docs.get(&key) else { return Ok(None) };
            let offset = d.doc.offset(pos, enc);
            match &d.analysis {
                Some((v, a)) if *v == d.doc.version => (offset, Some(Arc::clone(a)), None),
                _ => (offset, None, Some((d.doc.text(), d.format, d.doc.version))),
            }
        };
        let max = lock(&self.0.settings).max_document_bytes;
        let db = self.0.db;
        let (hit, version) = match (cached, snapshot) {
            (Some(a), _) => (a.term_at(offset).cloned(), None),
            (None, Some((text, format, version))) => {
                if text.len() > max {
                    return Ok(None);
                }
                let hits = tokio::task::spawn_blocking(move || find_terms(&text, format, db))
                    .await
                    .map_err(|_| Error::internal_error())?;
                let analysis = Analysis {
                    terms: hits,
                    findings: Vec::new(),
                };
                (analysis.term_at(offset).cloned(), Some(version))
            }
            (None, None) => return Ok(None),
        };
        let Some(hit) = hit else { return Ok(None) };
        let docs = lock(&self.0.docs);
        let Some(d) = docs.get(&key) else { return Ok(None) };
        if version.is_some_and(|v| v != d.doc.version) {
            return Ok(None); // the document changed under us; the range would be stale
        }
        let markdown = hover_markdown(db, &db.terms[hit.term]);
        let contents = if self.0.plain_hover.load(Ordering::SeqCst) {
            MarkupContent {
                kind: MarkupKind::PlainText,
                value: markdown.replace("**", "").replace('_', ""),
            }
        } else {
            MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(contents),
            range: Some(lsp_range(&d.doc, hit.range, enc)),
        }))
    }
}

/// Run a notification handler body, logging instead of dying on a panic.
fn guard(name: &str, f: impl FnOnce()) {
    if std::panic::catch_unwind(AssertUnwindSafe(f)).is_err() {
        tracing::error!("{name} handler panicked; the server keeps running");
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let enc = if offers_utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        *lock(&self.0.encoding) = enc;
        *lock(&self.0.settings) = Settings::from_value(params.initialization_options.as_ref());
        let show_document = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support);
        self.0.show_document.store(show_document, Ordering::SeqCst);
        // A client that lists hover formats and not Markdown gets plain text.
        let plain_hover = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_some_and(|formats| !formats.is_empty() && !formats.contains(&MarkupKind::Markdown));
        self.0.plain_hover.store(plain_hover, Ordering::SeqCst);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(if offers_utf8 {
                    PositionEncodingKind::UTF8
                } else {
                    PositionEncodingKind::UTF16
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    resolve_provider: Some(false),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![EXPLAIN_COMMAND.to_string()],
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "peace-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("initialized");
    }

    async fn shutdown(&self) -> Result<()> {
        self.0.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        guard("didOpen", || {
            let path = td.uri.to_file_path().map(|p| p.into_owned());
            let format = Format::detect(
                Some(&td.language_id),
                path.as_deref().or(Some(Path::new(td.uri.path().as_str()))),
            );
            let doc = Document::new(&td.text, td.version, &td.language_id);
            lock(&self.0.docs).insert(
                td.uri.as_str().to_string(),
                OpenDoc {
                    doc,
                    format,
                    analysis: None,
                },
            );
        });
        self.schedule(td.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let enc = self.encoding();
        let mut known = false;
        guard("didChange", || {
            let mut docs = lock(&self.0.docs);
            let Some(d) = docs.get_mut(uri.as_str()) else {
                tracing::warn!("didChange for a document that is not open: {}", uri.as_str());
                return;
            };
            for change in &params.content_changes {
                match change.range {
                    Some(r) => d
                        .doc
                        .edit(from_lsp_pos(r.start), from_lsp_pos(r.end), &change.text, enc),
                    None => d.doc.set_text(&change.text),
                }
            }
            d.doc.version = params.text_document.version;
            known = true;
        });
        if known {
            self.schedule(uri);
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let open = lock(&self.0.docs).contains_key(params.text_document.uri.as_str());
        if open {
            self.schedule(params.text_document.uri);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        lock(&self.0.docs).remove(uri.as_str());
        let _publishing = self.0.publish.lock().await;
        self.0.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        match AssertUnwindSafe(self.code_action_impl(params)).catch_unwind().await {
            Ok(r) => r,
            Err(_) => {
                tracing::error!("codeAction handler panicked");
                Err(Error::internal_error())
            }
        }
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        match AssertUnwindSafe(self.execute_command_impl(params)).catch_unwind().await {
            Ok(r) => r,
            Err(_) => {
                tracing::error!("executeCommand handler panicked");
                Err(Error::internal_error())
            }
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        match AssertUnwindSafe(self.hover_impl(params)).catch_unwind().await {
            Ok(r) => r,
            Err(_) => {
                tracing::error!("hover handler panicked");
                Err(Error::internal_error())
            }
        }
    }
}

/// Serve LSP over any byte streams; returns whether `shutdown` came before
/// the end (the exit code is 0 then, 1 otherwise, as the spec says).
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown);
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
    let (to_fw, fw_in) = tokio::io::duplex(1 << 16);
    let (fw_out, from_fw) = tokio::io::duplex(1 << 16);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let writer = tokio::spawn(transport::write_frames(rx, output));
    let forward = tokio::spawn(transport::forward_output(from_fw, tx.clone()));
    let reader = tokio::spawn(transport::filter_input(input, to_fw, tx));
    Server::new(fw_in, fw_out, socket).serve(service).await;
    reader.abort();
    let _ = reader.await;
    let _ = forward.await;
    let _ = writer.await;
    shutdown.load(Ordering::SeqCst)
}

/// `peace-lsp` / `peace-lsp lsp` / `peace-lsp --stdio`.
pub fn run_stdio() -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("peace-lsp: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let clean = rt.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Do not wait for the blocking stdin read that may still be pending.
    rt.shutdown_background();
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
