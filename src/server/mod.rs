//! The LSP server: the only module that knows LSP and JSON-RPC. It keeps the
//! open documents, runs the analysis core off the handlers, and maps
//! findings and terms to LSP types.
//!
//! Ordering rules (see ARCHITECTURE.md): document edits are applied in a
//! synchronous lock before the first `.await`; analysis runs on a snapshot
//! in a blocking task; a result is published only if its version is still the
//! document's current one, under one publish lock so that publishes never
//! overtake each other; handler panics are caught.

mod configs;
mod transport;

use crate::analysis::{analyze, find_terms, Analysis, Finding, Severity};
use crate::config::{self, Config, Options};
use crate::document::{Document, Encoding, Pos};
use crate::terms::{explain_finding, explain_markdown, hover_markdown, Database};
use crate::text::Format;
use configs::{ConfigStore, Report};
use futures::FutureExt;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

pub use crate::config::DEFAULT_MAX_DOCUMENT_BYTES;

/// The page explaining a code: under `rulesBaseUrl` when set, else the
/// `docs/rules/` folder of the source tree this binary was built from, if it
/// is still there (a link to a missing file helps nobody).
fn rule_url(config: &Config, code: &str) -> Option<Uri> {
    if let Some(base) = &config.rules_base_url {
        return format!("{base}{code}.md").parse().ok();
    }
    // Looked up on disk once per code, not on every publish.
    static PAGES: Mutex<std::collections::BTreeMap<String, Option<Uri>>> =
        Mutex::new(std::collections::BTreeMap::new());
    lock(&PAGES)
        .entry(code.to_string())
        .or_insert_with(|| {
            let page = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs/rules")
                .join(format!("{code}.md"));
            page.is_file().then(|| file_uri(&page)).flatten()
        })
        .clone()
}

fn file_uri(path: &Path) -> Option<Uri> {
    format!("file://{}", path.display()).parse().ok()
}

struct OpenDoc {
    uri: Uri,
    doc: Document,
    format: Format,
    /// The analysis of a version, with the configuration it was made
    /// under (its database gives the term indices meaning).
    analysis: Option<(i32, Arc<Analysis>, Arc<Config>)>,
}

/// The command the Explain code action runs.
pub const EXPLAIN_COMMAND: &str = "peace-lsp.explain";
/// The command behind "Turn off CODE for this project".
pub const DISABLE_RULE_COMMAND: &str = "peace-lsp.disableRule";

/// Where explanations are written for `window/showDocument`. Documents
/// there are our own text: never analysed.
fn explain_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("peace-lsp")
}

fn is_explanation(uri: &Uri) -> bool {
    uri.to_file_path().is_some_and(|p| p.starts_with(explain_dir()))
}

/// Configuration and glossary files are not essays: never analysed.
fn is_config_like(uri: &Uri) -> bool {
    uri.path().as_str().ends_with(".toml")
}

struct Inner {
    client: Client,
    /// Whether the client can show a document we point it at.
    show_document: AtomicBool,
    /// Whether hovers are sent as plain text (the client does not take Markdown).
    plain_hover: AtomicBool,
    docs: Mutex<HashMap<String, OpenDoc>>,
    encoding: Mutex<Encoding>,
    configs: Mutex<ConfigStore>,
    /// Client capabilities that decide how settings and file changes reach us.
    watch_files: AtomicBool,
    pull_config: AtomicBool,
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
            docs: Mutex::new(HashMap::new()),
            encoding: Mutex::new(Encoding::Utf16),
            configs: Mutex::new(ConfigStore::default()),
            watch_files: AtomicBool::new(false),
            pull_config: AtomicBool::new(false),
            publish: tokio::sync::Mutex::new(()),
            shutdown,
        }))
    }

    fn encoding(&self) -> Encoding {
        *lock(&self.0.encoding)
    }

    fn diagnostic(&self, uri: &Uri, doc: &Document, f: &Finding, enc: Encoding, config: &Config) -> Diagnostic {
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
            code_description: rule_url(config, &f.code).map(|href| CodeDescription { href }),
            source: Some("peace-lsp".into()),
            message: f.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }

    /// The configuration for a document; problems found while loading it
    /// are reported (once each) without waiting.
    fn config_for(&self, uri: &Uri) -> Arc<Config> {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let (config, reports) = lock(&self.0.configs).resolve(path.as_deref());
        if !reports.is_empty() {
            let client = self.0.client.clone();
            tokio::spawn(async move {
                for r in reports {
                    report(&client, r).await;
                }
            });
        }
        config
    }

    /// Settings or configuration files changed: reload and re-analyse every
    /// open document.
    fn reload(&self) {
        lock(&self.0.configs).invalidate();
        let uris: Vec<Uri> = lock(&self.0.docs).values().map(|d| d.uri.clone()).collect();
        for uri in uris {
            self.schedule(uri);
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
        if is_explanation(&uri) || is_config_like(&uri) {
            return;
        }
        let key = uri.as_str().to_string();
        let config = self.config_for(&uri);
        if config.debounce_ms > 0 {
            // Let a burst of keystrokes settle; a newer version reschedules.
            let before = lock(&self.0.docs).get(&key).map(|d| d.doc.version);
            tokio::time::sleep(std::time::Duration::from_millis(config.debounce_ms)).await;
            if lock(&self.0.docs).get(&key).map(|d| d.doc.version) != before {
                return;
            }
        }
        // Snapshot under the lock; no await while it is held.
        let (text, version, format) = {
            let docs = lock(&self.0.docs);
            let Some(d) = docs.get(&key) else { return };
            (d.doc.text(), d.doc.version, d.format)
        };
        let max = config.max_document_bytes;
        let too_big = text.len() > max;
        let cfg = Arc::clone(&config);
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
                std::panic::catch_unwind(|| {
                    let mut a = analyze(&text, format, &cfg.db);
                    a.findings = cfg.apply(std::mem::take(&mut a.findings));
                    a
                })
                .ok()
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
            match &analysis {
                Some(a) => {
                    d.analysis = Some((version, Arc::clone(a), Arc::clone(&config)));
                    a.findings.iter().map(|f| self.diagnostic(&uri, &d.doc, f, enc, &config)).collect()
                }
                None => vec![Diagnostic {
                    range: Range::default(),
                    severity: Some(DiagnosticSeverity::INFORMATION),
                    code: Some(NumberOrString::String("document-too-large".into())),
                    source: Some("peace-lsp".into()),
                    message: format!(
                        "This document ({:.1} MB) is larger than peace-lsp's limit of {:.1} MB, so it is not checked; raise `max-document-bytes` in .peace-lsp.toml (or `maxDocumentBytes` in the editor settings) to check it.",
                        d.doc.len_bytes() as f64 / 1e6,
                        max as f64 / 1e6
                    ),
                    ..Diagnostic::default()
                }],
            }
        };
        self.0.client.publish_diagnostics(uri, diagnostics, Some(version)).await;
    }

    /// The analysis of the document's current version, a snapshot of the
    /// document it belongs to and its configuration (computed now if the
    /// cached one is stale).
    async fn current_analysis(&self, uri: &Uri) -> Result<Option<(Arc<Analysis>, Document, Arc<Config>)>> {
        let (cached, snapshot) = {
            let docs = lock(&self.0.docs);
            let Some(d) = docs.get(uri.as_str()) else {
                return Ok(None);
            };
            match &d.analysis {
                Some((v, a, c)) if *v == d.doc.version => (Some((Arc::clone(a), d.doc.clone(), Arc::clone(c))), None),
                _ => (None, Some((d.doc.clone(), d.format))),
            }
        };
        if let Some(c) = cached {
            return Ok(Some(c));
        }
        let Some((doc, format)) = snapshot else { return Ok(None) };
        let config = self.config_for(uri);
        if doc.len_bytes() > config.max_document_bytes {
            return Ok(None);
        }
        let text = doc.text();
        let cfg = Arc::clone(&config);
        let a = tokio::task::spawn_blocking(move || {
            let mut a = analyze(&text, format, &cfg.db);
            a.findings = cfg.apply(std::mem::take(&mut a.findings));
            a
        })
        .await
        .map_err(|_| Error::internal_error())?;
        Ok(Some((Arc::new(a), doc, config)))
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
        let Some((analysis, doc, config)) = self.current_analysis(&uri).await? else {
            return Ok(None);
        };
        let enc = self.encoding();
        let from = doc.offset(from_lsp_pos(params.range.start), enc);
        let to = doc.offset(from_lsp_pos(params.range.end), enc);
        let mut actions = Vec::new();
        for f in analysis
            .findings
            .iter()
            .filter(|f| f.range.start <= to && from <= f.range.end)
        {
            let ours = self.diagnostic(&uri, &doc, f, enc, &config);
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
            let term = f.term.map(|t| config.db.terms[t].id.clone());
            let title = format!("Explain {}", f.code);
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                command: Some(Command {
                    title,
                    command: EXPLAIN_COMMAND.to_string(),
                    arguments: Some(vec![serde_json::json!({ "code": f.code, "term": term, "uri": uri })]),
                }),
                ..CodeAction::default()
            }));
            let title = format!("Turn off {} for this project", f.code);
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                command: Some(Command {
                    title,
                    command: DISABLE_RULE_COMMAND.to_string(),
                    arguments: Some(vec![serde_json::json!({ "code": f.code, "uri": uri })]),
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
        let arg = params.arguments.first().cloned().unwrap_or(serde_json::Value::Null);
        let field = |name: &str| arg.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let uri: Option<Uri> = field("uri").and_then(|u| u.parse().ok());
        match params.command.as_str() {
            EXPLAIN_COMMAND => {}
            DISABLE_RULE_COMMAND => {
                let code = field("code").ok_or_else(|| Error::invalid_params("expected {code, uri}"))?;
                return self
                    .disable_rule(&code, uri.as_ref())
                    .await
                    .map(|p| Some(serde_json::Value::String(p)));
            }
            other => return Err(Error::invalid_params(format!("unknown command {other:?}"))),
        }
        // The database of the document's configuration (course glossaries).
        let config = match &uri {
            Some(u) => self.config_for(u),
            None => lock(&self.0.configs).resolve(None).0,
        };
        let db: &Database = &config.db;
        let text = if let Some(code) = field("code") {
            explain_finding(db, &code, field("term").as_deref())
        } else if let (Some(uri), Some(pos)) = (&uri, arg.get("position")) {
            let pos: Position =
                serde_json::from_value(pos.clone()).map_err(|e| Error::invalid_params(e.to_string()))?;
            let Some((analysis, doc, config)) = self.current_analysis(uri).await? else {
                return Ok(None);
            };
            let offset = doc.offset(from_lsp_pos(pos), self.encoding());
            analysis
                .term_at(offset)
                .map(|h| explain_markdown(&config.db, &config.db.terms[h.term]))
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

    /// Set `CODE = "off"` in the project file of `uri` (the nearest
    /// `.peace-lsp.toml`, else a new one at the workspace root), keeping the
    /// file's formatting and comments; then reload.
    async fn disable_rule(&self, code: &str, uri: Option<&Uri>) -> Result<String> {
        if !config::known_codes().contains(&code) {
            return Err(Error::invalid_params(format!("unknown rule {code:?}")));
        }
        let root = lock(&self.0.configs).root.clone();
        let doc_path = uri.and_then(|u| u.to_file_path()).map(|p| p.into_owned());
        let start = doc_path
            .clone()
            .or_else(|| root.clone())
            .ok_or_else(|| Error::invalid_params("no file or workspace to configure"))?;
        let file = config::find_project_file(&start, root.as_deref()).unwrap_or_else(|| {
            let dir = root
                .clone()
                .or_else(|| start.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| PathBuf::from("."));
            dir.join(config::FILE_NAME)
        });
        let old = std::fs::read_to_string(&file).unwrap_or_default();
        let new = config::turn_off(&old, code)
            .map_err(|e| Error::invalid_params(format!("cannot edit {}: {e}", file.display())))?;
        std::fs::write(&file, new).map_err(|e| {
            let mut err = Error::internal_error();
            err.message = format!("cannot write {}: {e}", file.display()).into();
            err
        })?;
        self.0
            .client
            .show_message(
                MessageType::INFO,
                format!("peace-lsp: turned off {code} in {}", file.display()),
            )
            .await;
        self.reload();
        Ok(file.display().to_string())
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
                Some((v, a, c)) if *v == d.doc.version => (offset, Some((Arc::clone(a), Arc::clone(c))), None),
                _ => (offset, None, Some((d.doc.text(), d.format, d.doc.version))),
            }
        };
        let (hit, version, config) = match (cached, snapshot) {
            (Some((a, c)), _) => (a.term_at(offset).cloned(), None, c),
            (None, Some((text, format, version))) => {
                let config = self.config_for(&uri);
                if text.len() > config.max_document_bytes {
                    return Ok(None);
                }
                let cfg = Arc::clone(&config);
                let hits = tokio::task::spawn_blocking(move || find_terms(&text, format, &cfg.db))
                    .await
                    .map_err(|_| Error::internal_error())?;
                let analysis = Analysis {
                    terms: hits,
                    findings: Vec::new(),
                };
                (analysis.term_at(offset).cloned(), Some(version), config)
            }
            (None, None) => return Ok(None),
        };
        let Some(hit) = hit else { return Ok(None) };
        let docs = lock(&self.0.docs);
        let Some(d) = docs.get(&key) else { return Ok(None) };
        if version.is_some_and(|v| v != d.doc.version) {
            return Ok(None); // the document changed under us; the range would be stale
        }
        let db: &Database = &config.db;
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

impl Backend {
    /// Ask the client for the `peace-lsp` settings section. Returns whether
    /// they changed.
    async fn pull_settings(&self) -> bool {
        if !self.0.pull_config.load(Ordering::SeqCst) {
            return false;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("peace-lsp".into()),
        };
        let asked = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            self.0.client.configuration(vec![item]),
        );
        match asked.await {
            Ok(Ok(values)) => {
                self.set_section(values.first().unwrap_or(&serde_json::Value::Null))
                    .await
            }
            Ok(Err(e)) => {
                tracing::warn!("workspace/configuration failed: {e}");
                false
            }
            Err(_) => {
                tracing::warn!("workspace/configuration: no answer within 5 s");
                false
            }
        }
    }

    /// Take editor settings; bad ones are reported and ignored.
    async fn set_section(&self, value: &serde_json::Value) -> bool {
        match Options::from_json(value) {
            Ok(o) => {
                let mut configs = lock(&self.0.configs);
                let changed = configs.section != o;
                configs.section = o;
                changed
            }
            Err(e) => {
                let message = format!("peace-lsp: ignoring invalid editor settings: {e}");
                self.0.client.show_message(MessageType::ERROR, message).await;
                false
            }
        }
    }
}

/// Tell the user about a configuration problem: once as a message, and as
/// a diagnostic on the file (which the editor shows when it is open); clear
/// the diagnostic when the problem is gone.
async fn report(client: &Client, r: Report) {
    match r {
        Report::Problem(e) => {
            client
                .show_message(
                    MessageType::ERROR,
                    format!("peace-lsp: {e} (keeping the last good configuration)"),
                )
                .await;
            if let Some(uri) = file_uri(&e.file) {
                let line = e.line.unwrap_or(1).saturating_sub(1) as u32;
                let d = Diagnostic {
                    range: Range {
                        start: Position { line, character: 0 },
                        end: Position {
                            line: line + 1,
                            character: 0,
                        },
                    },
                    severity: Some(DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String("invalid-configuration".into())),
                    source: Some("peace-lsp".into()),
                    message: e.message.clone(),
                    ..Diagnostic::default()
                };
                client.publish_diagnostics(uri, vec![d], None).await;
            }
        }
        Report::Cleared(file) => {
            if let Some(uri) = file_uri(&file) {
                client.publish_diagnostics(uri, Vec::new(), None).await;
            }
        }
    }
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
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let enc = if offers_utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        *lock(&self.0.encoding) = enc;
        {
            let mut configs = lock(&self.0.configs);
            if let Some(options) = &params.initialization_options {
                match Options::from_json(options) {
                    Ok(o) => configs.init_options = o,
                    Err(e) => tracing::warn!("ignoring invalid initializationOptions: {e}"),
                }
            }
            #[allow(deprecated)]
            let root = params
                .workspace_folders
                .as_ref()
                .and_then(|f| f.first())
                .map(|f| f.uri.clone())
                .or(params.root_uri.clone())
                .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
            configs.root = root;
        }
        let workspace = params.capabilities.workspace.as_ref();
        let watch = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.0.watch_files.store(watch, Ordering::SeqCst);
        let pull = workspace.and_then(|w| w.configuration).unwrap_or(false);
        self.0.pull_config.store(pull, Ordering::SeqCst);
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
                    commands: vec![EXPLAIN_COMMAND.to_string(), DISABLE_RULE_COMMAND.to_string()],
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
        if self.0.watch_files.load(Ordering::SeqCst) {
            // Every TOML file: project files and glossaries (filtered on arrival).
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*.toml".into()),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "peace-lsp-config-files".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self.0.client.register_capability(vec![registration]).await {
                tracing::warn!("could not watch configuration files: {e}");
            }
        }
        if self.pull_settings().await {
            self.reload();
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Settings may come with the notification (under "peace-lsp", or
        // bare), or have to be pulled; a null or missing section is fine.
        let pushed = params.settings.get("peace-lsp").cloned().unwrap_or(params.settings);
        let changed = if self.0.pull_config.load(Ordering::SeqCst) {
            self.pull_settings().await
        } else {
            self.set_section(&pushed).await
        };
        if changed {
            self.reload();
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let watched = lock(&self.0.configs).watched();
        let relevant = params.changes.iter().any(|c| {
            c.uri.to_file_path().is_some_and(|p| {
                p.file_name().is_some_and(|n| n == config::FILE_NAME) || watched.iter().any(|w| *w == *p)
            })
        });
        if relevant {
            self.reload();
        }
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
                    uri: td.uri.clone(),
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
        caught("codeAction", self.code_action_impl(params)).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        caught("executeCommand", self.execute_command_impl(params)).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        caught("hover", self.hover_impl(params)).await
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
