//! Request handlers: hover and code actions. They never analyse: they use
//! the document's analysis or wait (bounded) for its worker.

use super::commands::{is_explanation, DISABLE_RULE_COMMAND, EXPLAIN_COMMAND};
use super::state::is_config_like;
use super::to_proto::{diagnostic, from_lsp_pos, lsp_range};
use super::{lock, Backend};
use crate::analysis::{find_terms, Analysis};
use crate::terms::{hover_markdown, Database};
use std::collections::HashMap;
use std::sync::Arc;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

impl Backend {
    pub(super) async fn code_action_impl(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
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

    pub(super) async fn hover_impl(&self, params: HoverParams) -> Result<Option<Hover>> {
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
        let contents = if self.caps().plain_hover {
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
