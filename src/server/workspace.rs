//! The workspace scan: every Markdown, LaTeX and text file of the
//! workspace folders, chosen by the CLI's walk rules (`.gitignore`,
//! `include` / `exclude` of the nearest project file), analysed one at a
//! time with the document's configuration, in a slot of the analysis pool
//! (so open documents keep theirs), with `$/progress` that the user can
//! cancel. The index feeds workspace diagnostics, workspace symbols and
//! go to definition across files; files that change on disk are analysed
//! again.

use super::state::{analysis_budget, is_config_like};
use super::to_proto::{diagnostic, file_uri, lsp_range};
use super::{lock, Backend, CLIENT_TIMEOUT};
use crate::analysis::aids::outline;
use crate::cli::walk;
use crate::config::{read_bytes_capped, Config};
use crate::document::{Document, Encoding};
use crate::text::{extract, Format};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// How long go to definition waits for a running scan before answering
/// from what is indexed so far.
const INDEX_WAIT: Duration = Duration::from_secs(3);

/// An open document with the analysis of its current version.
type Analysed = (Uri, Document, Format, Arc<crate::analysis::Analysis>, Arc<Config>);

/// What the scan keeps of one file.
#[derive(Debug, Clone)]
pub(super) struct Indexed {
    pub uri: Uri,
    pub result_id: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Term id -> its first use.
    pub terms: Vec<(String, Range)>,
    /// Term id -> the writer's first definition of it.
    pub definitions: Vec<(String, Range)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum ScanState {
    #[default]
    NotStarted,
    Running,
    Done,
    Cancelled,
}

#[derive(Debug, Default)]
pub(super) struct WorkspaceIndex {
    pub files: BTreeMap<PathBuf, Indexed>,
    /// Files gone since the last workspace report (reported empty once).
    pub removed: Vec<Uri>,
    pub state: ScanState,
    /// Files not analysed and why (binary, too large, gone, unreadable).
    pub skipped: Vec<(PathBuf, String)>,
    /// Set to stop the running scan.
    pub cancel: Arc<AtomicBool>,
    /// The running scan's progress token.
    pub token: Option<String>,
    /// Bumped on every change of `files`.
    pub epoch: u64,
}

static RESULT_IDS: AtomicU64 = AtomicU64::new(0);

/// Is this a file the scan looks at (by name)?
fn scanned_format(path: &Path) -> Option<Format> {
    Format::from_path(path)
}

/// Read, check and analyse one file. `Err` says why it was skipped.
pub(super) fn index_file(
    path: &Path,
    config: &Config,
    enc: Encoding,
    cancel: &AtomicBool,
) -> std::result::Result<Indexed, String> {
    let format = scanned_format(path).ok_or("not Markdown, LaTeX or text")?;
    let uri = file_uri(path).ok_or("no file URI")?;
    let max = config.max_document_bytes;
    let too_large = || format!("larger than max-document-bytes ({max})");
    if std::fs::metadata(path).is_ok_and(|m| m.len() > max as u64) {
        return Err(too_large());
    }
    let bytes = read_bytes_capped(path, max as u64 + 1)?;
    if bytes.len() > max {
        return Err(too_large());
    }
    if bytes.contains(&0) {
        return Err("a binary file, not text".into());
    }
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    let deadline = Instant::now() + analysis_budget();
    let a = config.analyze_until(&text, format, &|| {
        cancel.load(Ordering::Relaxed) || Instant::now() > deadline
    });
    let doc = Document::new(&text, 0, format.name());
    let diagnostics = a
        .findings
        .iter()
        .map(|f| diagnostic(&uri, &doc, f, enc, config))
        .collect();
    let db = &config.db;
    let mut terms: Vec<(String, Range)> = Vec::new();
    for h in &a.terms {
        let id = &db.terms[h.term].id;
        if !terms.iter().any(|(t, _)| t == id) {
            terms.push((id.clone(), lsp_range(&doc, h.range.clone(), enc)));
        }
    }
    let prose = extract(&text, format).text;
    let definitions = outline::definitions(&prose, &a.terms)
        .into_iter()
        .map(|(t, d)| (db.terms[t].id.clone(), lsp_range(&doc, d.term_range, enc)))
        .collect();
    Ok(Indexed {
        uri,
        result_id: RESULT_IDS.fetch_add(1, Ordering::Relaxed).to_string(),
        diagnostics,
        terms,
        definitions,
    })
}

/// The files of the workspace folders, by the CLI's walk rules: text
/// formats only (not word-processor files), sorted, without duplicates.
pub(super) fn workspace_files(folders: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut configs = walk::Configs::default();
    let mut errors = Vec::new();
    let jobs = walk::collect(folders, &mut configs, &mut errors);
    errors.extend(configs.errors.iter().map(|e| e.to_string()));
    let files = jobs
        .into_iter()
        .map(|j| j.abs)
        .filter(|p| scanned_format(p).is_some())
        .collect();
    (files, errors)
}

impl Backend {
    /// Start the workspace scan unless it ran or runs.
    pub(super) fn start_scan(&self) {
        {
            let mut ws = lock(&self.0.workspace);
            if ws.state != ScanState::NotStarted {
                return;
            }
            ws.state = ScanState::Running;
            ws.cancel = Arc::new(AtomicBool::new(false));
        }
        let this = self.clone();
        tokio::spawn(async move {
            this.scan().await;
            this.0.indexed.notify_waiters();
        });
    }

    async fn scan(&self) {
        let folders = lock(&self.0.configs).folders.clone();
        let cancel = Arc::clone(&lock(&self.0.workspace).cancel);
        let token = format!("peace-lsp-scan-{}", RESULT_IDS.fetch_add(1, Ordering::Relaxed));
        let progress = if self.caps().work_done_progress {
            let created = tokio::time::timeout(
                CLIENT_TIMEOUT,
                self.0
                    .client
                    .create_work_done_progress(ProgressToken::String(token.clone())),
            )
            .await;
            matches!(created, Ok(Ok(())))
        } else {
            false
        };
        if progress {
            lock(&self.0.workspace).token = Some(token.clone());
            self.progress(
                &token,
                WorkDoneProgress::Begin(WorkDoneProgressBegin {
                    title: "peace-lsp: checking the workspace".into(),
                    cancellable: Some(true),
                    message: Some("finding files".into()),
                    percentage: Some(0),
                }),
            )
            .await;
        }
        let (files, walk_errors) = tokio::task::spawn_blocking(move || workspace_files(&folders))
            .await
            .unwrap_or_default();
        for e in &walk_errors {
            tracing::info!("workspace scan: {e}");
        }
        let total = files.len();
        let mut last_report = Instant::now();
        let mut done = 0;
        for path in files {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            if lock(&self.0.docs).contains_key(
                file_uri(&path)
                    .map(|u| u.as_str().to_string())
                    .unwrap_or_default()
                    .as_str(),
            ) {
                done += 1;
                continue; // open: its own worker reports it
            }
            self.index_one(&path, &cancel).await;
            done += 1;
            if progress && last_report.elapsed() > Duration::from_millis(200) {
                last_report = Instant::now();
                self.progress(
                    &token,
                    WorkDoneProgress::Report(WorkDoneProgressReport {
                        cancellable: Some(true),
                        message: Some(format!("{done}/{total} files")),
                        percentage: Some((done * 100 / total.max(1)) as u32),
                    }),
                )
                .await;
            }
        }
        let cancelled = cancel.load(Ordering::Relaxed);
        let message = {
            let mut ws = lock(&self.0.workspace);
            ws.state = if cancelled {
                ScanState::Cancelled
            } else {
                ScanState::Done
            };
            ws.token = None;
            let skipped = ws.skipped.len();
            let mut m = if cancelled {
                format!("cancelled after {done} of {total} files")
            } else {
                format!("checked {} files", ws.files.len())
            };
            if skipped > 0 {
                let examples: Vec<String> = ws
                    .skipped
                    .iter()
                    .take(3)
                    .map(|(p, why)| {
                        format!(
                            "{}: {why}",
                            p.file_name()
                                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
                        )
                    })
                    .collect();
                m.push_str(&format!("; skipped {skipped} ({})", examples.join("; ")));
            }
            m
        };
        tracing::info!("workspace scan: {message}");
        if progress {
            self.progress(
                &token,
                WorkDoneProgress::End(WorkDoneProgressEnd { message: Some(message) }),
            )
            .await;
        }
    }

    async fn progress(&self, token: &str, value: WorkDoneProgress) {
        self.0
            .client
            .send_notification::<notification::Progress>(ProgressParams {
                token: ProgressToken::String(token.to_string()),
                value: ProgressParamsValue::WorkDone(value),
            })
            .await;
    }

    /// Analyse one file into the index (or record why not), in a slot of the pool.
    async fn index_one(&self, path: &Path, cancel: &Arc<AtomicBool>) {
        let Ok(_permit) = self.0.pool.acquire().await else {
            return;
        };
        let inner = Arc::clone(&self.0);
        let (p, c, enc) = (path.to_path_buf(), Arc::clone(cancel), self.encoding());
        let result = tokio::task::spawn_blocking(move || {
            let (config, _) = super::configs::ConfigStore::resolve(&inner.configs, Some(&p));
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| index_file(&p, &config, enc, &c)))
                .unwrap_or_else(|_| Err("the analysis failed".into()))
        })
        .await
        .unwrap_or_else(|_| Err("the analysis failed".into()));
        let mut ws = lock(&self.0.workspace);
        ws.skipped.retain(|(p, _)| p != path);
        match result {
            Ok(indexed) => {
                ws.files.insert(path.to_path_buf(), indexed);
            }
            Err(why) => {
                if let Some(old) = ws.files.remove(path) {
                    ws.removed.push(old.uri);
                }
                ws.skipped.push((path.to_path_buf(), why));
            }
        }
        ws.epoch += 1;
        drop(ws);
        self.0.indexed.notify_waiters();
    }

    /// `window/workDoneProgress/cancel`: stop the scan it names.
    pub async fn progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        let ws = lock(&self.0.workspace);
        if ws
            .token
            .as_ref()
            .is_some_and(|t| params.token == ProgressToken::String(t.clone()))
        {
            ws.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Files changed on disk: analyse them again, or drop them when gone.
    pub(super) fn files_changed(&self, changes: &[FileEvent]) {
        if lock(&self.0.workspace).state == ScanState::NotStarted {
            return;
        }
        let folders = lock(&self.0.configs).folders.clone();
        for c in changes {
            let Some(path) = c.uri.to_file_path().map(|p| p.into_owned()) else {
                continue;
            };
            if scanned_format(&path).is_none() || is_config_like(&c.uri) || !folders.iter().any(|f| path.starts_with(f))
            {
                continue;
            }
            if c.typ == FileChangeType::DELETED {
                let mut ws = lock(&self.0.workspace);
                if let Some(old) = ws.files.remove(&path) {
                    ws.removed.push(old.uri);
                    ws.epoch += 1;
                }
                drop(ws);
                self.0.indexed.notify_waiters();
                continue;
            }
            let this = self.clone();
            tokio::spawn(async move {
                // Still wanted by the project's include / exclude globs (a new
                // file under an excluded `drafts/` is not).
                let p = path.clone();
                let wanted = tokio::task::spawn_blocking(move || {
                    walk::Configs::default()
                        .for_file(&p)
                        .is_some_and(|project| project.wants(&p))
                })
                .await
                .unwrap_or(false);
                if wanted {
                    this.index_one(&path, &Arc::new(AtomicBool::new(false))).await;
                }
            });
        }
    }

    /// Ask a pulling client to pull again (configuration changed).
    pub(super) fn refresh_diagnostics(&self) {
        let caps = self.caps();
        if !(caps.pull_diagnostics && caps.diagnostic_refresh) {
            return;
        }
        {
            let mut ws = lock(&self.0.workspace);
            if ws.state != ScanState::NotStarted && ws.state != ScanState::Running {
                // Analysed again under the new configuration.
                ws.state = ScanState::NotStarted;
                ws.files.clear();
                ws.skipped.clear();
                ws.epoch += 1;
            }
        }
        let client = self.0.client.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(CLIENT_TIMEOUT, client.workspace_diagnostic_refresh()).await;
        });
    }

    /// `workspace/diagnostic`: every scanned file that is not open (open
    /// ones are pulled one by one). Waits for the scan; when nothing changed
    /// since the client's last report, waits for a change.
    pub(super) async fn workspace_diagnostic_impl(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        self.start_scan();
        let previous: BTreeMap<String, String> = params
            .previous_result_ids
            .iter()
            .map(|p| (p.uri.as_str().to_string(), p.value.clone()))
            .collect();
        loop {
            let woken = self.0.indexed.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let report = {
                let open: Vec<String> = lock(&self.0.docs).keys().cloned().collect();
                let mut ws = lock(&self.0.workspace);
                if ws.state == ScanState::Running {
                    None
                } else {
                    let mut items: Vec<WorkspaceDocumentDiagnosticReport> = Vec::new();
                    let mut changed = false;
                    for f in ws
                        .files
                        .values()
                        .filter(|f| !open.contains(&f.uri.as_str().to_string()))
                    {
                        if previous.get(f.uri.as_str()) == Some(&f.result_id) {
                            items.push(WorkspaceDocumentDiagnosticReport::Unchanged(
                                WorkspaceUnchangedDocumentDiagnosticReport {
                                    uri: f.uri.clone(),
                                    version: None,
                                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                                        result_id: f.result_id.clone(),
                                    },
                                },
                            ));
                        } else {
                            changed = true;
                            items.push(WorkspaceDocumentDiagnosticReport::Full(
                                WorkspaceFullDocumentDiagnosticReport {
                                    uri: f.uri.clone(),
                                    version: None,
                                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                                        result_id: Some(f.result_id.clone()),
                                        items: f.diagnostics.clone(),
                                    },
                                },
                            ));
                        }
                    }
                    for uri in std::mem::take(&mut ws.removed) {
                        changed = true;
                        items.push(WorkspaceDocumentDiagnosticReport::Full(
                            WorkspaceFullDocumentDiagnosticReport {
                                uri,
                                version: None,
                                full_document_diagnostic_report: FullDocumentDiagnosticReport::default(),
                            },
                        ));
                    }
                    (changed || previous.is_empty()).then_some(items)
                }
            };
            if let Some(items) = report {
                return Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport {
                    items,
                }));
            }
            // Cancelled by the client ($/cancelRequest) while waiting: the
            // framework drops this future.
            woken.await;
        }
    }

    /// `workspace/symbol`: terms across the project (the scan's index and
    /// the open documents), one location per file and term.
    pub(super) async fn symbol_impl(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.start_scan();
        let config = self.known_config(None);
        let db = &config.db;
        let wanted = |id: &str| db.get(id).is_some_and(|t| outline::term_matches(t, &params.query));
        let mut out: Vec<SymbolInformation> = Vec::new();
        let mut seen_files: Vec<String> = Vec::new();
        let enc = self.encoding();
        {
            let docs = lock(&self.0.docs);
            for d in docs.values() {
                let Some((_, a, c)) = d.analysis.as_ref().filter(|(v, _, _)| *v == d.doc.version) else {
                    continue;
                };
                seen_files.push(d.uri.as_str().to_string());
                let mut ids: Vec<&str> = Vec::new();
                for h in &a.terms {
                    let id = c.db.terms[h.term].id.as_str();
                    if ids.contains(&id) || !wanted(id) {
                        continue;
                    }
                    ids.push(id);
                    out.push(symbol(
                        &c.db,
                        id,
                        Location {
                            uri: d.uri.clone(),
                            range: lsp_range(&d.doc, h.range.clone(), enc),
                        },
                    ));
                }
            }
        }
        let ws = lock(&self.0.workspace);
        for f in ws
            .files
            .values()
            .filter(|f| !seen_files.contains(&f.uri.as_str().to_string()))
        {
            for (id, range) in f.terms.iter().filter(|(id, _)| wanted(id)) {
                out.push(symbol(
                    db,
                    id,
                    Location {
                        uri: f.uri.clone(),
                        range: *range,
                    },
                ));
            }
        }
        out.truncate(1000);
        Ok(Some(WorkspaceSymbolResponse::Flat(out)))
    }

    /// The writer's first definition of a term in another file of the
    /// project: the open documents as they are in the editor, then the
    /// scan's index of the others (the scan is started if it has not run,
    /// and waited for, bounded).
    pub(super) async fn project_definition(&self, id: &str, except: &Uri) -> Option<Location> {
        self.start_scan();
        let deadline = Instant::now() + INDEX_WAIT;
        loop {
            let woken = self.0.indexed.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            if lock(&self.0.workspace).state != ScanState::Running {
                break;
            }
            if tokio::time::timeout_at(deadline.into(), woken).await.is_err() {
                break; // answer from what is indexed so far
            }
        }
        let open: Vec<Analysed> = lock(&self.0.docs)
            .values()
            .filter(|d| d.uri != *except)
            .filter_map(|d| {
                let (v, a, c) = d.analysis.as_ref()?;
                (*v == d.doc.version).then(|| (d.uri.clone(), d.doc.clone(), d.format, Arc::clone(a), Arc::clone(c)))
            })
            .collect();
        let open_uris: Vec<String> = open.iter().map(|(u, ..)| u.as_str().to_string()).collect();
        let (wanted, enc) = (id.to_string(), self.encoding());
        let in_open = tokio::task::spawn_blocking(move || {
            open.into_iter().find_map(|(uri, doc, format, a, c)| {
                let prose = extract(&doc.text(), format).text;
                outline::definitions(&prose, &a.terms)
                    .into_iter()
                    .find(|(t, _)| c.db.terms[*t].id == wanted)
                    .map(|(_, d)| Location {
                        uri: uri.clone(),
                        range: lsp_range(&doc, d.term_range, enc),
                    })
            })
        })
        .await
        .ok()
        .flatten();
        if in_open.is_some() {
            return in_open;
        }
        let ws = lock(&self.0.workspace);
        ws.files
            .values()
            .filter(|f| f.uri != *except && !open_uris.contains(&f.uri.as_str().to_string()))
            .find_map(|f| {
                f.definitions.iter().find(|(t, _)| t == id).map(|(_, r)| Location {
                    uri: f.uri.clone(),
                    range: *r,
                })
            })
    }
}

#[allow(deprecated)]
fn symbol(db: &crate::terms::Database, id: &str, location: Location) -> SymbolInformation {
    let term = db.get(id);
    SymbolInformation {
        name: term.map_or_else(|| id.to_string(), |t| t.label.clone()),
        kind: SymbolKind::KEY,
        tags: None,
        deprecated: None,
        location,
        container_name: term.map(|t| t.concept.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("peace-lsp-ws-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn files_by_the_walk_rules_text_formats_only() {
        let d = dir("walk");
        std::fs::write(d.join("a.md"), "Peacekeeping.").unwrap();
        std::fs::write(d.join("b.tex"), "x").unwrap();
        std::fs::write(d.join("c.docx"), "x").unwrap();
        std::fs::write(d.join("d.rs"), "x").unwrap();
        std::fs::create_dir_all(d.join("drafts")).unwrap();
        std::fs::write(d.join("drafts/e.md"), "x").unwrap();
        std::fs::write(d.join(".peace-lsp.toml"), "exclude = [\"drafts\"]\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&d, d.join("loop")).unwrap();
        let (files, _) = workspace_files(std::slice::from_ref(&d));
        let names: Vec<String> = files
            .iter()
            .map(|p| p.strip_prefix(&d).unwrap().display().to_string())
            .collect();
        assert_eq!(names, vec!["a.md", "b.tex"]);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn binary_large_and_missing_files_are_skipped_with_a_reason() {
        let d = dir("skip");
        let config = Config::default();
        let stop = AtomicBool::new(false);
        std::fs::write(d.join("bin.md"), b"PK\x00\x01\x02peacekeeping").unwrap();
        let e = index_file(&d.join("bin.md"), &config, Encoding::Utf16, &stop).unwrap_err();
        assert!(e.contains("binary"), "{e}");
        std::fs::write(d.join("latin1.md"), b"caf\xe9 peacekeeping").unwrap();
        assert!(index_file(&d.join("latin1.md"), &config, Encoding::Utf16, &stop)
            .unwrap_err()
            .contains("UTF-8"));
        assert!(index_file(&d.join("gone.md"), &config, Encoding::Utf16, &stop).is_err());
        let small = Config {
            max_document_bytes: 10,
            ..Config::default()
        };
        std::fs::write(d.join("big.md"), "UN peacekeepers negotiated the Dayton Accords.").unwrap();
        assert!(index_file(&d.join("big.md"), &small, Encoding::Utf16, &stop)
            .unwrap_err()
            .contains("max-document-bytes"));
        let ok = index_file(&d.join("big.md"), &config, Encoding::Utf16, &stop).unwrap();
        assert!(ok
            .diagnostics
            .iter()
            .any(|x| x.code == Some(NumberOrString::String("peacekeeping-as-peacemaking".into()))));
        assert!(
            ok.terms
                .iter()
                .any(|(id, _)| id == "dayton-agreement" || id.contains("dayton")),
            "{:?}",
            ok.terms
        );
        let _ = std::fs::remove_dir_all(&d);
    }
}
