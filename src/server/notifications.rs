//! Notification handlers: the document lifecycle (edits applied in a
//! synchronous lock before the first `.await`), settings and watched files,
//! and configuration problems reported to the user.

use super::configs::Report;
use super::state::{trim_memory, OpenDoc};
use super::to_proto::{file_uri, from_lsp_pos, publish};
use super::{guard, lock, Backend, CLIENT_TIMEOUT};
use crate::config::{self, Options};
use crate::document::Document;
use crate::text::Format;
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use tower_lsp_server::ls_types::*;

impl Backend {
    pub(super) async fn handle_initialized(&self, _: InitializedParams) {
        let init_error = lock(&self.0.init_error).take();
        if let Some(e) = init_error {
            let message = format!("peace-lsp: ignoring invalid initializationOptions: {e}");
            self.0.client.show_message(MessageType::ERROR, message).await;
        }
        if self.caps().watch_files {
            // Every TOML file: project files and glossaries (filtered on
            // arrival); and the documents the workspace scan covers.
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![
                    FileSystemWatcher {
                        glob_pattern: GlobPattern::String("**/*.toml".into()),
                        kind: None,
                    },
                    FileSystemWatcher {
                        glob_pattern: GlobPattern::String("**/*.{md,markdown,tex,latex,txt,text}".into()),
                        kind: None,
                    },
                ],
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

    pub(super) async fn handle_did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Settings may come with the notification (under "peace-lsp", or
        // bare), or have to be pulled; a null or missing section is fine.
        let pushed = params.settings.get("peace-lsp").cloned().unwrap_or(params.settings);
        let changed = if self.caps().pull_config {
            self.pull_settings().await
        } else {
            self.set_section(&pushed).await
        };
        if changed {
            self.reload();
        }
    }

    pub(super) async fn handle_did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.files_changed(&params.changes);
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

    pub(super) async fn handle_did_open(&self, params: DidOpenTextDocumentParams) {
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
                    config_epoch: 0,
                    analysis: None,
                    diagnostics: None,
                    running: false,
                    dirty: false,
                    latest: Arc::new(AtomicI32::new(td.version)),
                    cache: None,
                    recycled: None,
                },
            );
        });
        self.schedule(td.uri.as_str());
    }

    pub(super) async fn handle_did_change(&self, params: DidChangeTextDocumentParams) {
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
            // The old analysis is of no use to anyone now: its findings go
            // to the next analysis to reuse (unless a request still holds
            // it), and are not freed here.
            if let Some(a) = d.analysis.take().and_then(|(_, a, _)| Arc::into_inner(a)) {
                d.recycled = Some(a);
            }
            d.diagnostics = None;
            known = true;
        });
        if known {
            self.schedule(uri.as_str());
        }
    }

    pub(super) async fn handle_did_save(&self, params: DidSaveTextDocumentParams) {
        let open = lock(&self.0.docs).contains_key(params.text_document.uri.as_str());
        if open {
            self.schedule(params.text_document.uri.as_str());
        }
    }

    pub(super) async fn handle_did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = {
            let mut docs = lock(&self.0.docs);
            let removed = docs.remove(uri.as_str());
            // Under the lock: no worker publishes for it after this.
            if !self.caps().pull_diagnostics {
                publish(&self.0.out, &uri, &[], None);
            }
            removed.is_some() && docs.is_empty()
        };
        if removed {
            // The last document closed: give freed memory back to the system.
            tokio::task::spawn_blocking(trim_memory);
        }
    }
}

impl Backend {
    /// Ask the client for the `peace-lsp` settings section. Returns whether
    /// they changed.
    pub(super) async fn pull_settings(&self) -> bool {
        if !self.caps().pull_config {
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
    pub(super) async fn set_section(&self, value: &serde_json::Value) -> bool {
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

    pub(super) async fn report(&self, r: Report) {
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
                    publish(&self.0.out, &uri, &[d], None);
                }
            }
            Report::Cleared(file) => {
                if let Some(uri) = file_uri(&file) {
                    publish(&self.0.out, &uri, &[], None);
                }
            }
        }
    }
}
