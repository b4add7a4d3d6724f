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
pub mod transport;

use crate::analysis::{analyze_until, find_terms, Analysis, Finding, Severity};
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
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};
pub use transport::{End, Lifecycle, Outbox};

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
    /// Which opening of this URI it is: a worker started for an earlier
    /// one stops when it sees another.
    generation: u64,
    /// The configuration last resolved for the document (requests use it
    /// and never load one).
    config: Option<Arc<Config>>,
    /// The analysis of a version, with the configuration it was made
    /// under (its database gives the term indices meaning).
    analysis: Option<(i32, Arc<Analysis>, Arc<Config>)>,
    /// A worker is analysing this document.
    running: bool,
    /// The document changed since the worker took its snapshot.
    dirty: bool,
    /// The newest version, read by a running analysis to stop when it is
    /// superseded.
    latest: Arc<AtomicI32>,
}

/// The command the Explain code action runs.
pub const EXPLAIN_COMMAND: &str = "peace-lsp.explain";
/// The command behind "Turn off CODE for this project".
pub const DISABLE_RULE_COMMAND: &str = "peace-lsp.disableRule";

/// Where explanations are written for `window/showDocument`: a folder that
/// must be this user's own (mode 0700 on Unix; when someone else made it,
/// explanations go out as messages instead). Documents there are our own
/// text: never analysed.
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

/// How long the server waits for an answer to a request it sends.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for its own document's analysis.
const ANALYSIS_WAIT: Duration = Duration::from_secs(10);
/// Handlers the framework runs at once (its default is 4; a slow request
/// must not hold up others).
const CONCURRENCY: usize = 32;

/// Work budget of one analysis: `PEACE_LSP_ANALYSIS_BUDGET_MS`, default 30 s.
fn analysis_budget() -> Duration {
    let ms = std::env::var("PEACE_LSP_ANALYSIS_BUDGET_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(30_000);
    Duration::from_millis(ms)
}

/// After analysing a document this large, free memory goes back to the
/// system at once (the analysis' temporary allocations are a few times the
/// text; glibc would keep them in the worker thread's arena).
const TRIM_AFTER_BYTES: usize = 256 * 1024;

/// Analyses that may run at once: one per core.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
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
    life: Arc<Lifecycle>,
    out: Arc<Outbox>,
    /// One permit per analysis that may run.
    pool: tokio::sync::Semaphore,
    /// Woken when a document gets a configuration or an analysis.
    analysed: tokio::sync::Notify,
    generations: AtomicU64,
    /// Why `initializationOptions` were ignored, shown once initialized.
    init_error: Mutex<Option<String>>,
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

fn diagnostic(uri: &Uri, doc: &Document, f: &Finding, enc: Encoding, config: &Config) -> Diagnostic {
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

/// An information diagnostic at the start of the document.
fn note(code: &str, range: Range, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String(code.into())),
        source: Some("peace-lsp".into()),
        message,
        ..Diagnostic::default()
    }
}

/// A `publishDiagnostics` notification, framed.
fn publish_frame(uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) -> Vec<u8> {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "method": "textDocument/publishDiagnostics",
        "params": params,
    });
    transport::frame(body.to_string().as_bytes())
}

/// Queue a publish (a newer one for the same document replaces it while
/// it is unsent).
fn publish(out: &Outbox, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
    let key = uri.as_str().to_string();
    out.publish(&key, publish_frame(uri, diagnostics, version));
}

/// Write an explanation for `window/showDocument`, safely: in this user's
/// own folder (created 0700, refused if it is a link or someone else's),
/// through a new file renamed over the old one, so a planted link is
/// replaced, never followed.
fn write_explanation(text: &str) -> Option<PathBuf> {
    let dir = explain_dir();
    let write = || -> std::io::Result<PathBuf> {
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        let meta = std::fs::symlink_metadata(&dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            if !meta.is_dir() || meta.uid() != unsafe { libc::getuid() } {
                return Err(std::io::Error::other(format!(
                    "{} is not a folder of this user's",
                    dir.display()
                )));
            }
            if meta.mode() & 0o077 != 0 {
                // Ours, made by an older version: make it private.
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
            }
        }
        #[cfg(not(unix))]
        if !meta.is_dir() {
            return Err(std::io::Error::other(format!("{} is not a folder", dir.display())));
        }
        let pid = std::process::id();
        let path = dir.join(format!("explain-{pid}.md"));
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let tmp = dir.join(format!(
            ".explain-{pid}-{}.tmp",
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        std::io::Write::write_all(&mut f, text.as_bytes())?;
        drop(f);
        std::fs::rename(&tmp, &path)?;
        Ok(path)
    };
    write()
        .inspect_err(|e| tracing::warn!("cannot write the explanation: {e}"))
        .ok()
}

/// What a worker analyses: a snapshot taken when it starts, not when the
/// change arrived (a rope clone shares the text).
struct Snapshot {
    doc: Document,
    format: Format,
    version: i32,
    latest: Arc<AtomicI32>,
    encoding: Encoding,
}

/// Analyse a snapshot and make its diagnostics (on a blocking thread).
fn analyse(uri: &Uri, snap: &Snapshot, config: &Config, budget: Duration) -> (Option<Analysis>, Vec<Diagnostic>) {
    let len = snap.doc.len_bytes();
    let max = config.max_document_bytes;
    if len > max {
        let message = format!(
            "This document ({:.1} MB) is larger than peace-lsp's limit of {:.1} MB, so it is not checked; raise `max-document-bytes` in .peace-lsp.toml (or `maxDocumentBytes` in the editor settings) to check it.",
            len as f64 / 1e6,
            max as f64 / 1e6
        );
        return (None, vec![note("document-too-large", Range::default(), message)]);
    }
    let text = snap.doc.text();
    let deadline = Instant::now() + budget;
    let (latest, version) = (&snap.latest, snap.version);
    let stop = || latest.load(Ordering::Relaxed) != version || Instant::now() > deadline;
    let mut a = analyze_until(&text, snap.format, &config.db, &stop);
    drop(text);
    a.findings = config.apply(std::mem::take(&mut a.findings));
    let mut diagnostics: Vec<Diagnostic> = a
        .findings
        .iter()
        .map(|f| diagnostic(uri, &snap.doc, f, snap.encoding, config))
        .collect();
    if let Some(at) = a.stopped_at {
        if latest.load(Ordering::Relaxed) == version {
            let start = to_lsp_pos(snap.doc.position(at, snap.encoding));
            let end = to_lsp_pos(snap.doc.position(len, snap.encoding));
            let message = format!(
                "peace-lsp stopped checking here: the document took more than its budget of {} s. Findings after this point are not shown; splitting very long sentences or paragraphs helps.",
                budget.as_secs_f64()
            );
            diagnostics.push(note("analysis-budget", Range { start, end }, message));
        }
    }
    (Some(a), diagnostics)
}

impl Backend {
    pub fn new(client: Client, life: Arc<Lifecycle>, out: Arc<Outbox>) -> Backend {
        Backend(Arc::new(Inner {
            client,
            show_document: AtomicBool::new(false),
            plain_hover: AtomicBool::new(false),
            docs: Mutex::new(HashMap::new()),
            encoding: Mutex::new(Encoding::Utf16),
            configs: Mutex::new(ConfigStore::default()),
            watch_files: AtomicBool::new(false),
            pull_config: AtomicBool::new(false),
            life,
            out,
            pool: tokio::sync::Semaphore::new(workers()),
            analysed: tokio::sync::Notify::new(),
            generations: AtomicU64::new(0),
            init_error: Mutex::new(None),
        }))
    }

    fn encoding(&self) -> Encoding {
        *lock(&self.0.encoding)
    }

    /// Resolve the configuration of a document on a blocking thread
    /// (files are read, glossaries validated); problems found are reported
    /// (once each) without waiting.
    async fn resolve_config(&self, uri: &Uri) -> Arc<Config> {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let inner = Arc::clone(&self.0);
        let resolved = tokio::task::spawn_blocking(move || ConfigStore::resolve(&inner.configs, path.as_deref())).await;
        let (config, reports) = resolved.unwrap_or_else(|_| (Arc::new(Config::default()), Vec::new()));
        if !reports.is_empty() {
            let this = self.clone();
            tokio::spawn(async move {
                for r in reports {
                    this.report(r).await;
                }
            });
        }
        config
    }

    /// The configuration a request uses for a document: the one its worker
    /// resolved, else one already made for its folder, else the defaults.
    /// Never reads a file.
    fn known_config(&self, uri: Option<&Uri>) -> Arc<Config> {
        if let Some(c) = uri.and_then(|u| lock(&self.0.docs).get(u.as_str()).and_then(|d| d.config.clone())) {
            return c;
        }
        let path = uri.and_then(|u| u.to_file_path()).map(|p| p.into_owned());
        lock(&self.0.configs)
            .peek(path.as_deref())
            .unwrap_or_else(|| Arc::new(Config::default()))
    }

    /// Settings or configuration files changed: reload and re-analyse every
    /// open document.
    fn reload(&self) {
        lock(&self.0.configs).invalidate();
        let keys: Vec<String> = lock(&self.0.docs).keys().cloned().collect();
        for key in keys {
            self.schedule(&key);
        }
    }

    /// Make sure the current version of a document gets analysed: start a
    /// worker, or tell the running one that there is a newer version (it
    /// takes the newest when it is done; versions in between are never
    /// analysed).
    fn schedule(&self, key: &str) {
        let generation = {
            let mut docs = lock(&self.0.docs);
            let Some(d) = docs.get_mut(key) else { return };
            if is_explanation(&d.uri) || is_config_like(&d.uri) {
                return;
            }
            if d.running {
                d.dirty = true;
                return;
            }
            d.running = true;
            d.dirty = false;
            d.generation
        };
        let this = self.clone();
        let key = key.to_string();
        tokio::spawn(async move {
            if AssertUnwindSafe(this.work(&key, generation))
                .catch_unwind()
                .await
                .is_err()
            {
                tracing::error!("analysis of {key} panicked; no diagnostics published");
                if let Some(d) = lock(&this.0.docs).get_mut(&key).filter(|d| d.generation == generation) {
                    d.running = false;
                }
            }
        });
    }

    /// The worker of one document: configuration, debounce, a slot of the
    /// pool, a snapshot, the analysis, the publish; again while the
    /// document changed meanwhile.
    async fn work(&self, key: &str, generation: u64) {
        loop {
            let uri = {
                let docs = lock(&self.0.docs);
                match docs.get(key).filter(|d| d.generation == generation) {
                    Some(d) => d.uri.clone(),
                    None => return,
                }
            };
            let config = self.resolve_config(&uri).await;
            if let Some(d) = lock(&self.0.docs).get_mut(key).filter(|d| d.generation == generation) {
                d.config = Some(Arc::clone(&config));
            }
            self.0.analysed.notify_waiters();
            if config.debounce_ms > 0 {
                tokio::time::sleep(Duration::from_millis(config.debounce_ms)).await;
            }
            let Ok(_permit) = self.0.pool.acquire().await else {
                return;
            };
            let encoding = self.encoding();
            let snap = {
                let mut docs = lock(&self.0.docs);
                let Some(d) = docs.get_mut(key).filter(|d| d.generation == generation) else {
                    return;
                };
                d.dirty = false;
                Snapshot {
                    doc: d.doc.clone(),
                    format: d.format,
                    version: d.doc.version,
                    latest: Arc::clone(&d.latest),
                    encoding,
                }
            };
            let version = snap.version;
            let (uri2, cfg) = (uri.clone(), Arc::clone(&config));
            let job = tokio::task::spawn_blocking(move || {
                let large = snap.doc.len_bytes() >= TRIM_AFTER_BYTES;
                let result =
                    std::panic::catch_unwind(AssertUnwindSafe(|| analyse(&uri2, &snap, &cfg, analysis_budget()))).ok();
                drop(snap);
                if large {
                    trim_memory();
                }
                result
            });
            let result = job.await.ok().flatten();
            drop(_permit);
            {
                let mut docs = lock(&self.0.docs);
                let Some(d) = docs.get_mut(key).filter(|d| d.generation == generation) else {
                    return;
                };
                match result {
                    Some((analysis, diagnostics)) if d.doc.version == version => {
                        d.analysis = analysis.map(|a| (version, Arc::new(a), Arc::clone(&config)));
                        // Under the documents' lock: a didClose cannot slip in between.
                        publish(&self.0.out, uri, diagnostics, Some(version));
                    }
                    None if d.doc.version == version => {
                        tracing::error!("analysis of {key} panicked; no diagnostics published");
                    }
                    _ => {} // a newer version will publish
                }
                if !d.dirty {
                    d.running = false;
                    drop(docs);
                    self.0.analysed.notify_waiters();
                    return;
                }
            }
            self.0.analysed.notify_waiters();
        }
    }

    /// The analysis of the document's current version, a snapshot of the
    /// document it belongs to and its configuration: waits (bounded) for
    /// the document's own worker, never analyses on the request path.
    async fn current_analysis(&self, uri: &Uri) -> Result<Option<(Arc<Analysis>, Document, Arc<Config>)>> {
        if is_explanation(uri) || is_config_like(uri) {
            return Ok(None);
        }
        let deadline = Instant::now() + ANALYSIS_WAIT;
        loop {
            let woken = self.0.analysed.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            {
                let docs = lock(&self.0.docs);
                let Some(d) = docs.get(uri.as_str()) else {
                    return Ok(None);
                };
                match &d.analysis {
                    Some((v, a, c)) if *v == d.doc.version => {
                        return Ok(Some((Arc::clone(a), d.doc.clone(), Arc::clone(c))));
                    }
                    _ if d
                        .config
                        .as_ref()
                        .is_some_and(|c| d.doc.len_bytes() > c.max_document_bytes) =>
                    {
                        return Ok(None);
                    }
                    _ => {}
                }
            }
            if tokio::time::timeout_at(deadline.into(), woken).await.is_err() {
                return Err(Error::content_modified());
            }
        }
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
            let ours = diagnostic(&uri, &doc, f, enc, &config);
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
        let config = self.known_config(uri.as_ref());
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

    /// Set `CODE = "off"` in the project file of `uri`: the nearest
    /// `.peace-lsp.toml` inside the workspace folder that holds the
    /// document, else a new one at that folder's root, keeping the file's
    /// formatting and comments; then reload. A document outside every
    /// workspace folder is refused, and so is a project file that is a
    /// symbolic link.
    async fn disable_rule(&self, code: &str, uri: Option<&Uri>) -> Result<String> {
        if !config::known_codes().contains(&code) {
            return Err(Error::invalid_params(format!("unknown rule {code:?}")));
        }
        let folders = lock(&self.0.configs).folders.clone();
        let doc_path = uri.and_then(|u| u.to_file_path()).map(|p| p.into_owned());
        let folder = match &doc_path {
            Some(p) => folders
                .iter()
                .filter(|f| p.starts_with(f))
                .max_by_key(|f| f.components().count())
                .cloned()
                .ok_or_else(|| {
                    Error::invalid_params(format!(
                        "{} is not inside a workspace folder; peace-lsp only edits project files of the workspace",
                        p.display()
                    ))
                })?,
            None => folders
                .first()
                .cloned()
                .ok_or_else(|| Error::invalid_params("no file or workspace to configure"))?,
        };
        let start = doc_path.unwrap_or_else(|| folder.clone());
        let file = config::find_project_file(&start, Some(&folder)).unwrap_or_else(|| folder.join(config::FILE_NAME));
        let failed = |what: String| {
            let mut err = Error::internal_error();
            err.message = what.into();
            err
        };
        if std::fs::symlink_metadata(&file).is_ok_and(|m| !m.is_file()) {
            return Err(failed(format!(
                "{} is not a plain file; not editing it",
                file.display()
            )));
        }
        let old = match std::fs::metadata(&file) {
            Ok(_) => config::read_capped(&file, config::MAX_CONFIG_BYTES).map_err(|e| failed(e.to_string()))?,
            Err(_) => String::new(),
        };
        let new = config::turn_off(&old, code)
            .map_err(|e| Error::invalid_params(format!("cannot edit {}: {e}", file.display())))?;
        std::fs::write(&file, new).map_err(|e| failed(format!("cannot write {}: {e}", file.display())))?;
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
            if let Some(uri) = write_explanation(text).as_deref().and_then(file_uri) {
                let shown = tokio::time::timeout(
                    CLIENT_TIMEOUT,
                    self.0.client.show_document(ShowDocumentParams {
                        uri,
                        external: Some(false),
                        take_focus: Some(true),
                        selection: None,
                    }),
                )
                .await;
                if matches!(shown, Ok(Ok(true))) {
                    return;
                }
            }
        }
        self.0.client.show_message(MessageType::INFO, text).await;
    }

    /// The configuration of a document once its worker resolved it
    /// (bounded wait).
    async fn doc_config(&self, key: &str) -> Option<Arc<Config>> {
        let deadline = Instant::now() + ANALYSIS_WAIT;
        loop {
            let woken = self.0.analysed.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match lock(&self.0.docs).get(key) {
                None => return None,
                Some(d) if d.config.is_some() => return d.config.clone(),
                Some(_) => {}
            }
            if tokio::time::timeout_at(deadline.into(), woken).await.is_err() {
                return None;
            }
        }
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
                _ => (offset, None, Some((d.doc.clone(), d.format))),
            }
        };
        let (hit, version, config) = match (cached, snapshot) {
            (Some((a, c)), _) => (a.term_at(offset).cloned(), None, c),
            (None, Some((doc, format))) => {
                // Terms only (no analysis): quick, and on this document alone.
                // Documents that are never analysed have no worker to wait for.
                let config = if is_explanation(&uri) || is_config_like(&uri) {
                    self.known_config(Some(&uri))
                } else {
                    match self.doc_config(&key).await {
                        Some(c) => c,
                        None => return Ok(None),
                    }
                };
                if doc.len_bytes() > config.max_document_bytes {
                    return Ok(None);
                }
                let version = doc.version;
                let cfg = Arc::clone(&config);
                let hits = tokio::task::spawn_blocking(move || find_terms(&doc.text(), format, &cfg.db))
                    .await
                    .map_err(|_| Error::internal_error())?;
                let analysis = Analysis {
                    terms: hits,
                    ..Analysis::default()
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
        let asked = tokio::time::timeout(CLIENT_TIMEOUT, self.0.client.configuration(vec![item]));
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
impl Backend {
    async fn report(&self, r: Report) {
        let client = &self.0.client;
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
                    publish(&self.0.out, uri, vec![d], None);
                }
            }
            Report::Cleared(file) => {
                if let Some(uri) = file_uri(&file) {
                    publish(&self.0.out, uri, Vec::new(), None);
                }
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
                    Err(e) => {
                        tracing::warn!("ignoring invalid initializationOptions: {e}");
                        *lock(&self.0.init_error) = Some(e);
                    }
                }
            }
            #[allow(deprecated)]
            let folders: Vec<PathBuf> = match &params.workspace_folders {
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
        let init_error = lock(&self.0.init_error).take();
        if let Some(e) = init_error {
            let message = format!("peace-lsp: ignoring invalid initializationOptions: {e}");
            self.0.client.show_message(MessageType::ERROR, message).await;
        }
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
            // A client that never answers must not hold this handler (or the
            // process) forever.
            match tokio::time::timeout(CLIENT_TIMEOUT, self.0.client.register_capability(vec![registration])).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!("could not watch configuration files: {e}"),
                Err(_) => tracing::warn!("client/registerCapability: no answer within {CLIENT_TIMEOUT:?}"),
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
        self.0.life.shutdown_requested();
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
            let generation = self.0.generations.fetch_add(1, Ordering::Relaxed);
            lock(&self.0.docs).insert(
                td.uri.as_str().to_string(),
                OpenDoc {
                    uri: td.uri.clone(),
                    doc,
                    format,
                    generation,
                    config: None,
                    analysis: None,
                    running: false,
                    dirty: false,
                    latest: Arc::new(AtomicI32::new(td.version)),
                },
            );
        });
        self.schedule(td.uri.as_str());
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
            d.latest.store(d.doc.version, Ordering::Relaxed);
            // The old analysis is of no use to anyone now.
            d.analysis = None;
            known = true;
        });
        if known {
            self.schedule(uri.as_str());
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let open = lock(&self.0.docs).contains_key(params.text_document.uri.as_str());
        if open {
            self.schedule(params.text_document.uri.as_str());
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = {
            let mut docs = lock(&self.0.docs);
            let removed = docs.remove(uri.as_str());
            // Under the lock: no worker publishes for it after this.
            publish(&self.0.out, uri, Vec::new(), None);
            removed.is_some() && docs.is_empty()
        };
        if removed {
            // The last document closed: give freed memory back to the system.
            tokio::task::spawn_blocking(trim_memory);
        }
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

/// Give memory freed by closed documents back to the system (glibc keeps
/// it in its arenas otherwise).
fn trim_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
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
    let life = Lifecycle::new();
    let out = Arc::new(Outbox::default());
    let (l, o) = (Arc::clone(&life), Arc::clone(&out));
    let (service, socket) = LspService::new(move |client| Backend::new(client, l, o));
    let (to_fw, fw_in) = tokio::io::duplex(1 << 16);
    let (fw_out, from_fw) = tokio::io::duplex(1 << 16);
    let writer = tokio::spawn(transport::write_frames(Arc::clone(&out), output));
    let forward = tokio::spawn(transport::forward_output(from_fw, Arc::clone(&out)));
    let reader = tokio::spawn(transport::filter_input(input, to_fw, out, Arc::clone(&life)));
    let server = Server::new(fw_in, fw_out, socket)
        .concurrency_level(CONCURRENCY)
        .serve(service);
    let end = tokio::select! {
        biased;
        _ = stop => End::Stopped,
        e = life.wait() => e,
        _ = server => End::EndOfInput,
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
    let cores = workers();
    // Async handlers are short: two threads; blocking ones: the analyses
    // (one per core), stdin, stdout and a few for hovers and files.
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores.min(2))
        .max_blocking_threads(cores + 5)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("peace-lsp: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let (end, shutdown) =
        rt.block_on(async { serve_until(tokio::io::stdin(), tokio::io::stdout(), terminated()).await });
    // Do not wait for the blocking stdin read or analyses still running.
    rt.shutdown_background();
    if shutdown && end != End::ParentGone || end == End::Stopped {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
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
