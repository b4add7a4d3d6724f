//! `workspace/executeCommand`: Explain (shown, and returned as Markdown)
//! and "Turn off CODE for this project".

use super::to_proto::{file_uri, from_lsp_pos};
use super::{lock, Backend, CLIENT_TIMEOUT};
use crate::config;
use crate::terms::{explain_finding, explain_markdown, Database};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

/// The command the Explain code action runs.
pub const EXPLAIN_COMMAND: &str = "peace-lsp.explain";

/// The command behind "Turn off CODE for this project".
pub const DISABLE_RULE_COMMAND: &str = "peace-lsp.disableRule";

/// Where explanations are written for `window/showDocument`: a folder that
/// must be this user's own (mode 0700 on Unix; when someone else made it,
/// explanations go out as messages instead). Documents there are our own
/// text: never analysed.
pub(super) fn explain_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("peace-lsp")
}

pub(super) fn is_explanation(uri: &Uri) -> bool {
    uri.to_file_path().is_some_and(|p| p.starts_with(explain_dir()))
}

/// Write an explanation for `window/showDocument`, safely: in this user's
/// own folder (created 0700, refused if it is a link or someone else's),
/// through a new file renamed over the old one, so a planted link is
/// replaced, never followed.
pub(super) fn write_explanation(text: &str) -> Option<PathBuf> {
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

impl Backend {
    /// `peace-lsp.explain` with `{code, term}` (from a code action) or
    /// `{uri, position}` (the term under the cursor) or `{term}` (an id or
    /// any spelling). Shows the explanation and returns it as Markdown.
    pub(super) async fn execute_command_impl(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
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
    pub(super) async fn disable_rule(&self, code: &str, uri: Option<&Uri>) -> Result<String> {
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
    pub(super) async fn show_explanation(&self, text: &str) {
        if self.caps().show_document {
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
}
