//! The open documents and their workers: configuration resolved off the
//! request path, snapshots analysed in a blocking task (one per core at a
//! time), results published only while their version is current.

use super::commands::is_explanation;
use super::configs::ConfigStore;
use super::to_proto::{diagnostics, note, publish_findings_frame, publish_frame, to_lsp_pos};
use super::{lock, Backend};
use crate::analysis::{Analysis, Incremental};
use crate::config::Config;
use crate::document::{Document, Encoding};
use crate::text::Format;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

pub(super) struct OpenDoc {
    pub(super) uri: Uri,
    pub(super) doc: Document,
    pub(super) format: Format,
    /// Which opening of this URI it is: a worker started for an earlier
    /// one stops when it sees another.
    pub(super) generation: u64,
    /// The configuration last resolved for the document (requests use it
    /// and never load one).
    pub(super) config: Option<Arc<Config>>,
    /// The configuration store's epoch when `config` was resolved.
    pub(super) config_epoch: u64,
    /// The analysis of a version, with the configuration it was made
    /// under (its database gives the term indices meaning).
    pub(super) analysis: Option<(i32, Arc<Analysis>, Arc<Config>)>,
    /// The diagnostics of a version (what a pull returns; a push sends them).
    pub(super) diagnostics: Option<(i32, Arc<Vec<Diagnostic>>)>,
    /// A worker is analysing this document.
    pub(super) running: bool,
    /// The document changed since the worker took its snapshot.
    pub(super) dirty: bool,
    /// The newest version, read by a running analysis to stop when it is
    /// superseded.
    pub(super) latest: Arc<AtomicI32>,
    /// The analysis cache of this document, with the configuration it was
    /// made under (kept alive with it); the worker takes it while it runs.
    pub(super) cache: Option<Cache>,
    /// An analysis an edit made stale, for the next one to reuse
    /// ([`Incremental::recycle`]) rather than free and copy anew.
    pub(super) recycled: Option<Analysis>,
}

/// A document's analysis cache and the configuration whose database it
/// was made with.
pub(super) type Cache = (Arc<Config>, Box<Incremental>);

/// Configuration and glossary files are not essays: never analysed.
pub(super) fn is_config_like(uri: &Uri) -> bool {
    uri.path().as_str().ends_with(".toml")
}

/// How long a request waits for its own document's analysis.
pub(super) const ANALYSIS_WAIT: Duration = Duration::from_secs(10);

/// Work budget of one analysis: `PEACE_LSP_ANALYSIS_BUDGET_MS`, default 30 s.
pub(super) fn analysis_budget() -> Duration {
    let ms = std::env::var("PEACE_LSP_ANALYSIS_BUDGET_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(30_000);
    Duration::from_millis(ms)
}

/// After analysing a document this large, free memory goes back to the
/// system at once (the analysis' temporary allocations are a few times the
/// text; glibc would keep them in the worker thread's arena).
pub(super) const TRIM_AFTER_BYTES: usize = 256 * 1024;

/// Analyses that may run at once: one per core.
pub(super) fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// What a worker analyses: a snapshot taken when it starts, not when the
/// change arrived (a rope clone shares the text).
pub(super) struct Snapshot {
    pub(super) doc: Document,
    pub(super) format: Format,
    pub(super) version: i32,
    pub(super) latest: Arc<AtomicI32>,
    pub(super) encoding: Encoding,
    /// The document's cache, taken from it for the analysis.
    pub(super) cache: Option<Cache>,
    /// An analysis handed back to the cache.
    pub(super) recycled: Option<Analysis>,
}

/// What an analysis gives the client: the diagnostics a pull returns, or
/// the framed publish a push sends.
pub(super) enum Rendered {
    Pull(Vec<Diagnostic>),
    Push(Vec<u8>),
}

/// Analyse a snapshot and make its diagnostics (on a blocking thread): as a
/// list for a client that pulls, or as the publish frame itself (made
/// straight from the findings) for one that is pushed to.
pub(super) fn analyse(
    uri: &Uri,
    snap: &Snapshot,
    config: &Config,
    cache: &mut Incremental,
    budget: Duration,
    push: bool,
) -> (Option<Analysis>, Rendered) {
    let (analysis, notes) = analyse_text(snap, config, cache, budget);
    let text = cache.text();
    let rendered = match &analysis {
        Some(a) if push => Rendered::Push(publish_findings_frame(
            uri,
            text,
            &a.findings,
            &notes,
            snap.encoding,
            config,
            Some(snap.version),
        )),
        Some(a) => {
            let mut list = diagnostics(uri, text, &a.findings, snap.encoding, config);
            list.extend(notes);
            Rendered::Pull(list)
        }
        None if push => Rendered::Push(publish_frame(uri, &notes, Some(snap.version))),
        None => Rendered::Pull(notes),
    };
    (analysis, rendered)
}

/// The analysis of a snapshot, its text, and the notes that go with it
/// (the document is too large, the budget ran out).
fn analyse_text(
    snap: &Snapshot,
    config: &Config,
    cache: &mut Incremental,
    budget: Duration,
) -> (Option<Analysis>, Vec<Diagnostic>) {
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
    let deadline = Instant::now() + budget;
    let (latest, version) = (&snap.latest, snap.version);
    let stop = || latest.load(Ordering::Relaxed) != version || Instant::now() > deadline;
    let a = config.analyze_cached(cache, |buf| snap.doc.write_text(buf), snap.format, &stop);
    let mut notes = Vec::new();
    if let Some(at) = a.stopped_at {
        if latest.load(Ordering::Relaxed) == version {
            let start = to_lsp_pos(snap.doc.position(at, snap.encoding));
            let end = to_lsp_pos(snap.doc.position(len, snap.encoding));
            let message = format!(
                "peace-lsp stopped checking here: the document took more than its budget of {} s. Findings after this point are not shown; splitting very long sentences or paragraphs helps.",
                budget.as_secs_f64()
            );
            notes.push(note("analysis-budget", Range { start, end }, message));
        }
    }
    (Some(a), notes)
}

/// Give memory freed by closed documents back to the system (glibc keeps
/// it in its arenas otherwise).
pub(super) fn trim_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
}

impl Backend {
    /// Resolve the configuration of a document on a blocking thread
    /// (files are read, glossaries validated); problems found are reported
    /// (once each) without waiting.
    pub(super) async fn resolve_config(&self, uri: &Uri) -> Arc<Config> {
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
    pub(super) fn known_config(&self, uri: Option<&Uri>) -> Arc<Config> {
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
    pub(super) fn reload(&self) {
        lock(&self.0.configs).invalidate();
        let keys: Vec<String> = {
            let mut docs = lock(&self.0.docs);
            // A pull waits for the new diagnostics rather than take the old.
            docs.values_mut().for_each(|d| d.diagnostics = None);
            docs.keys().cloned().collect()
        };
        self.refresh_diagnostics();
        for key in keys {
            self.schedule(&key);
        }
    }

    /// Make sure the current version of a document gets analysed: start a
    /// worker, or tell the running one that there is a newer version (it
    /// takes the newest when it is done; versions in between are never
    /// analysed).
    pub(super) fn schedule(&self, key: &str) {
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
    pub(super) async fn work(&self, key: &str, generation: u64) {
        loop {
            // Cleared before the configuration is read: a reload that comes
            // after this point (new settings) or an edit asks for another
            // round, which the check at the end sees.
            let uri = {
                let mut docs = lock(&self.0.docs);
                match docs.get_mut(key).filter(|d| d.generation == generation) {
                    Some(d) => {
                        d.dirty = false;
                        d.uri.clone()
                    }
                    None => return,
                }
            };
            // A client that watches the configuration files tells the
            // server of every change (the store's epoch moves): until then
            // the document's configuration holds, and a keystroke does not
            // look for project files on disk. Without watching, it looks
            // every time, so a new file is found at the next edit.
            let epoch = lock(&self.0.configs).epoch();
            let known = self
                .caps()
                .watch_files
                .then(|| {
                    let docs = lock(&self.0.docs);
                    let d = docs.get(key).filter(|d| d.generation == generation)?;
                    d.config.clone().filter(|_| d.config_epoch == epoch)
                })
                .flatten();
            let config = match known {
                Some(c) => c,
                None => self.resolve_config(&uri).await,
            };
            if let Some(d) = lock(&self.0.docs).get_mut(key).filter(|d| d.generation == generation) {
                d.config = Some(Arc::clone(&config));
                d.config_epoch = epoch;
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
                Snapshot {
                    doc: d.doc.clone(),
                    format: d.format,
                    version: d.doc.version,
                    latest: Arc::clone(&d.latest),
                    encoding,
                    cache: d.cache.take(),
                    recycled: d.recycled.take(),
                }
            };
            let version = snap.version;
            let push = !self.caps().pull_diagnostics;
            let (uri2, cfg) = (uri.clone(), Arc::clone(&config));
            let job = tokio::task::spawn_blocking(move || {
                let mut snap = snap;
                // A cache made under another configuration (another
                // database) starts afresh.
                let mut cache = snap
                    .cache
                    .take()
                    .filter(|(c, _)| Arc::ptr_eq(c, &cfg))
                    .unwrap_or_else(|| (Arc::clone(&cfg), Box::default()));
                if let Some(old) = snap.recycled.take() {
                    cache.1.recycle(old);
                }
                let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    analyse(&uri2, &snap, &cfg, &mut cache.1, analysis_budget(), push)
                }))
                .ok();
                drop(snap);
                // Trim after a large analysis (an edit analyses a chunk or
                // two and frees little). A panic leaves no cache behind.
                if cache.1.last_analysed_bytes >= TRIM_AFTER_BYTES || result.is_none() {
                    trim_memory();
                }
                result.map(|r| (r, cache))
            });
            let result = job.await.ok().flatten().map(|(r, cache)| {
                if let Some(d) = lock(&self.0.docs).get_mut(key).filter(|d| d.generation == generation) {
                    d.cache = Some(cache);
                }
                r
            });
            drop(_permit);
            {
                let mut docs = lock(&self.0.docs);
                let Some(d) = docs.get_mut(key).filter(|d| d.generation == generation) else {
                    return;
                };
                match result {
                    Some((analysis, rendered)) if d.doc.version == version => {
                        d.analysis = analysis.map(|a| (version, Arc::new(a), Arc::clone(&config)));
                        match rendered {
                            Rendered::Pull(list) => d.diagnostics = Some((version, Arc::new(list))),
                            // Pushed only to a client that does not pull; under the
                            // documents' lock: a didClose cannot slip in between.
                            Rendered::Push(frame) => {
                                d.diagnostics = None;
                                self.0.out.publish(uri.as_str(), frame);
                            }
                        }
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
    pub(super) async fn current_analysis(&self, uri: &Uri) -> Result<Option<(Arc<Analysis>, Document, Arc<Config>)>> {
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

    /// The configuration of a document once its worker resolved it
    /// (bounded wait).
    pub(super) async fn doc_config(&self, key: &str) -> Option<Arc<Config>> {
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
}
