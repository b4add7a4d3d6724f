//! Request handlers of the learning aids: completion (and its resolve),
//! semantic tokens, document symbols, go to definition, document links,
//! the summary lens and pulled diagnostics. The core computes each from
//! text (`analysis::aids`); these convert to LSP types.

use super::capabilities::TOKEN_TYPES;
use super::commands::{is_explanation, EXPLAIN_COMMAND};
use super::state::{is_config_like, ANALYSIS_WAIT};
use super::to_proto::{file_uri, from_lsp_pos, lsp_range, rule_url, to_lsp_pos};
use super::{lock, Backend};
use crate::analysis::aids::{complete, links, outline, summary, tokens, Family};
use crate::analysis::{find_terms, Analysis};
use crate::config::Config;
use crate::document::{Document, Encoding, Pos};
use crate::text::{extract, Format};
use std::sync::Arc;
use std::time::Instant;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

/// The open document's text, format and configuration, without waiting.
struct Current {
    doc: Document,
    format: Format,
    config: Arc<Config>,
}

impl Backend {
    /// The document's text now, with the configuration its worker resolved
    /// (a bounded wait right after it opened).
    async fn current_text(&self, uri: &Uri) -> Option<Current> {
        if is_explanation(uri) || is_config_like(uri) {
            return None;
        }
        let config = self.doc_config(uri.as_str()).await?;
        let (doc, format) = {
            let docs = lock(&self.0.docs);
            let d = docs.get(uri.as_str())?;
            (d.doc.clone(), d.format)
        };
        (doc.len_bytes() <= config.max_document_bytes).then_some(Current { doc, format, config })
    }

    pub(super) async fn completion_impl(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let Some(cur) = self.current_text(&uri).await else {
            return Ok(None);
        };
        if !cur.config.aids.completion {
            return Ok(None);
        }
        let enc = self.encoding();
        let offset = cur
            .doc
            .offset(from_lsp_pos(params.text_document_position.position), enc);
        let cfg = Arc::clone(&cur.config);
        let (format, text) = (cur.format, cur.doc.text());
        let citations = cfg.aids.completion_citations;
        let found = tokio::task::spawn_blocking(move || complete::complete(&text, format, offset, &cfg.db, citations))
            .await
            .map_err(|_| Error::internal_error())?;
        let Some(found) = found else { return Ok(None) };
        let replace = lsp_range(&cur.doc, found.replace.clone(), enc);
        let db = &cur.config.db;
        let mut items = Vec::new();
        for (rank, c) in found.candidates.iter().enumerate() {
            let term = &db.terms[c.term];
            let data = serde_json::json!({ "term": term.id, "uri": uri });
            let item = CompletionItem {
                label: c.text.clone(),
                kind: Some(CompletionItemKind::TEXT),
                detail: Some(term.label.clone()),
                documentation: Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: term.short.clone(),
                })),
                sort_text: Some(format!("{rank:04}")),
                filter_text: Some(c.text.clone()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: replace,
                    new_text: c.text.clone(),
                })),
                data: Some(data.clone()),
                ..CompletionItem::default()
            };
            if let Some((cited, edits)) = &c.cited {
                let additional = edits
                    .iter()
                    .map(|e| TextEdit {
                        range: lsp_range(&cur.doc, e.range.clone(), enc),
                        new_text: e.text.clone(),
                    })
                    .collect::<Vec<_>>();
                items.push(item.clone());
                items.push(CompletionItem {
                    label: format!("{} (with citation)", c.text),
                    sort_text: Some(format!("{rank:04}b")),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                        range: replace,
                        new_text: cited.clone(),
                    })),
                    additional_text_edits: (!additional.is_empty()).then_some(additional),
                    data: Some(serde_json::json!({ "term": term.id, "uri": uri, "cited": true })),
                    ..item
                });
            } else {
                items.push(item);
            }
        }
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: true,
            items,
        })))
    }

    /// Adds the sources to the documentation.
    pub(super) async fn completion_resolve_impl(&self, mut item: CompletionItem) -> Result<CompletionItem> {
        let data = item.data.clone().unwrap_or_default();
        let uri: Option<Uri> = data.get("uri").and_then(|u| u.as_str()).and_then(|u| u.parse().ok());
        let config = self.known_config(uri.as_ref());
        let Some(term) = data
            .get("term")
            .and_then(|t| t.as_str())
            .and_then(|id| config.db.get(id))
        else {
            return Ok(item);
        };
        let mut value = term.short.clone();
        if !term.sources.is_empty() {
            value.push_str("\n\n**Sources**\n");
            for s in &term.sources {
                value.push_str(&format!("\n- {s}"));
            }
        }
        item.documentation = Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }));
        Ok(item)
    }

    pub(super) async fn semantic_tokens_impl(&self, uri: &Uri, range: Option<Range>) -> Result<Option<SemanticTokens>> {
        let Some((analysis, doc, config)) = self.current_analysis(uri).await? else {
            return Ok(None);
        };
        if !config.aids.semantic_tokens {
            return Ok(Some(SemanticTokens::default()));
        }
        let enc = self.encoding();
        let window = range.map(|r| doc.offset(from_lsp_pos(r.start), enc)..doc.offset(from_lsp_pos(r.end), enc));
        let toks = tokens::concept_tokens(&analysis, &config.db).into_iter().filter(|t| {
            window
                .as_ref()
                .is_none_or(|w| t.range.start < w.end && w.start < t.range.end)
        });
        Ok(Some(SemanticTokens {
            result_id: None,
            data: encode_tokens(&doc, toks, enc),
        }))
    }

    pub(super) async fn document_symbol_impl(&self, uri: &Uri) -> Result<Option<DocumentSymbolResponse>> {
        let Some((analysis, doc, config)) = self.current_analysis(uri).await? else {
            return Ok(None);
        };
        let format = lock(&self.0.docs).get(uri.as_str()).map_or(Format::Plain, |d| d.format);
        let (text, a, c) = (doc.text(), Arc::clone(&analysis), Arc::clone(&config));
        let concepts =
            tokio::task::spawn_blocking(move || outline::outline(&extract(&text, format).text, &a.terms, &c.db))
                .await
                .map_err(|_| Error::internal_error())?;
        let enc = self.encoding();
        let db = &config.db;
        #[allow(deprecated)]
        let symbols = concepts
            .into_iter()
            .map(|c| {
                let children: Vec<DocumentSymbol> = c
                    .terms
                    .iter()
                    .map(|u| {
                        let term = &db.terms[u.term];
                        let uses = if u.uses == 1 {
                            "1 use".to_string()
                        } else {
                            format!("{} uses", u.uses)
                        };
                        let first = lsp_range(&doc, u.first.clone(), enc);
                        let definition = u.definition.as_ref().map(|d| DocumentSymbol {
                            name: "your definition".into(),
                            detail: Some(format!("{} is defined here", term.label)),
                            kind: SymbolKind::FIELD,
                            tags: None,
                            deprecated: None,
                            range: lsp_range(&doc, d.sentence.clone(), enc),
                            selection_range: lsp_range(&doc, d.term_range.clone(), enc),
                            children: None,
                        });
                        DocumentSymbol {
                            name: term.label.clone(),
                            detail: Some(match &definition {
                                Some(_) => format!("{uses} \u{b7} defined by you"),
                                None => uses,
                            }),
                            kind: SymbolKind::KEY,
                            tags: None,
                            deprecated: None,
                            range: first,
                            selection_range: first,
                            children: definition.map(|d| vec![d]),
                        }
                    })
                    .collect();
                let first = children.first().map_or_else(Range::default, |s| s.selection_range);
                let mut range = lsp_range(&doc, c.range.clone(), enc);
                for ch in &children {
                    for r in std::iter::once(ch.range).chain(ch.children.iter().flatten().map(|d| d.range)) {
                        range.start = range.start.min(r.start);
                        range.end = range.end.max(r.end);
                    }
                }
                DocumentSymbol {
                    name: c.concept.clone(),
                    detail: Some(format!(
                        "{} term{}",
                        children.len(),
                        if children.len() == 1 { "" } else { "s" }
                    )),
                    kind: SymbolKind::NAMESPACE,
                    tags: None,
                    deprecated: None,
                    range,
                    selection_range: first,
                    children: Some(children),
                }
            })
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    /// The writer's own first definition of the term under the cursor, in
    /// the document, else in the project; else the term's entry in the
    /// glossary it comes from.
    pub(super) async fn definition_impl(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri;
        let Some(cur) = self.current_text(&uri).await else {
            return Ok(None);
        };
        let enc = self.encoding();
        let offset = cur
            .doc
            .offset(from_lsp_pos(params.text_document_position_params.position), enc);
        let (text, format, cfg) = (cur.doc.text(), cur.format, Arc::clone(&cur.config));
        let found = tokio::task::spawn_blocking(move || {
            let hits = find_terms(&text, format, &cfg.db);
            let a = Analysis {
                terms: hits,
                ..Analysis::default()
            };
            let hit = a.term_at(offset).cloned()?;
            let prose = extract(&text, format).text;
            let defs = outline::definitions(&prose, &a.terms);
            let own = defs
                .into_iter()
                .find(|(t, _)| *t == hit.term)
                .map(|(_, d)| d.term_range);
            Some((hit.term, own))
        })
        .await
        .map_err(|_| Error::internal_error())?;
        let Some((term, own)) = found else { return Ok(None) };
        if let Some(r) = own {
            return Ok(Some(GotoDefinitionResponse::Scalar(Location {
                uri,
                range: lsp_range(&cur.doc, r, enc),
            })));
        }
        let id = cur.config.db.terms[term].id.clone();
        if let Some(loc) = self.project_definition(&id, &uri).await {
            return Ok(Some(GotoDefinitionResponse::Scalar(loc)));
        }
        if !cur.config.db.from_glossary(term) {
            return Ok(None);
        }
        let Some(path) = cur.config.db.origin(term).map(std::path::PathBuf::from) else {
            return Ok(None);
        };
        let entry = tokio::task::spawn_blocking(move || {
            let text = crate::config::read_capped(&path, crate::config::MAX_CONFIG_BYTES).ok()?;
            let at = glossary_entry(&text, &id)?;
            let doc = Document::new(&text, 0, "toml");
            Some((path, doc.range(at, enc)))
        })
        .await
        .map_err(|_| Error::internal_error())?;
        Ok(entry.and_then(|(path, (s, e))| {
            Some(GotoDefinitionResponse::Scalar(Location {
                uri: file_uri(&path)?,
                range: Range {
                    start: to_lsp_pos(s),
                    end: to_lsp_pos(e),
                },
            }))
        }))
    }

    pub(super) async fn document_link_impl(&self, uri: &Uri) -> Result<Option<Vec<DocumentLink>>> {
        let Some(cur) = self.current_text(uri).await else {
            return Ok(None);
        };
        let (text, format) = (cur.doc.text(), cur.format);
        let found = tokio::task::spawn_blocking(move || links::rule_links(&text, format))
            .await
            .map_err(|_| Error::internal_error())?;
        let enc = self.encoding();
        Ok(Some(
            found
                .into_iter()
                .filter_map(|l| {
                    let target = rule_url(&cur.config, &l.code)?;
                    Some(DocumentLink {
                        range: lsp_range(&cur.doc, l.range, enc),
                        target: Some(target),
                        tooltip: Some(format!("The rule {}", l.code)),
                        data: None,
                    })
                })
                .collect(),
        ))
    }

    /// The summary lens on the first line, when `summaryLens` is on.
    pub(super) async fn code_lens_impl(&self, uri: &Uri) -> Result<Option<Vec<CodeLens>>> {
        if !self.doc_config(uri.as_str()).await.is_some_and(|c| c.aids.summary_lens) {
            return Ok(None);
        }
        let Some((analysis, _doc, config)) = self.current_analysis(uri).await? else {
            return Ok(None);
        };
        if !config.aids.summary_lens {
            return Ok(None);
        }
        let db = &config.db;
        let s = summary::summary(&analysis, db);
        // The explanation of the most frequent finding, with the arguments of
        // its Explain code action; without findings, the most used concept's.
        let argument = match &s.top {
            Some((code, term)) => {
                let term = term.map(|t| db.terms[t].id.clone());
                serde_json::json!({ "code": code, "term": term, "uri": uri })
            }
            None => match s.concepts.first().filter(|(c, n)| *n > 0 && db.get(c).is_some()) {
                Some((concept, _)) => serde_json::json!({ "term": concept }),
                None => serde_json::Value::Null,
            },
        };
        let title = s.title();
        let command = if argument.is_null() {
            None
        } else {
            Some(Command {
                title: title.clone(),
                command: EXPLAIN_COMMAND.to_string(),
                arguments: Some(vec![argument]),
            })
        };
        Ok(Some(vec![CodeLens {
            range: Range::default(),
            command: command.or(Some(Command {
                title,
                command: String::new(),
                arguments: None,
            })),
            data: None,
        }]))
    }

    /// `textDocument/diagnostic`: the diagnostics of the current version
    /// (waits, bounded, for the document's worker).
    pub(super) async fn pull_diagnostic_impl(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let full = |result_id: Option<String>, items: Vec<Diagnostic>| {
            DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
                RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
                },
            ))
        };
        if is_explanation(&uri) || is_config_like(&uri) {
            return Ok(full(None, Vec::new()));
        }
        let deadline = Instant::now() + ANALYSIS_WAIT;
        loop {
            let woken = self.0.analysed.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            {
                let docs = lock(&self.0.docs);
                let Some(d) = docs.get(uri.as_str()) else {
                    // Not open: what the workspace scan found, if anything.
                    drop(docs);
                    let path = uri.to_file_path().map(|p| p.into_owned());
                    let indexed =
                        path.and_then(|p| lock(&self.0.workspace).files.get(&p).map(|f| f.diagnostics.clone()));
                    return Ok(full(None, indexed.unwrap_or_default()));
                };
                // A client that is pushed to gets no list kept: made here
                // from the analysis if it pulls all the same.
                let made;
                let current = match d.diagnostics.as_ref().filter(|(v, _)| *v == d.doc.version) {
                    Some(x) => Some(x),
                    None => match &d.analysis {
                        Some((v, a, c)) if *v == d.doc.version && d.diagnostics.is_none() => {
                            let enc = self.encoding();
                            let list = a
                                .findings
                                .iter()
                                .map(|f| super::to_proto::diagnostic(&uri, &d.doc, f, enc, c))
                                .collect();
                            made = (*v, Arc::new(list));
                            Some(&made)
                        }
                        _ => None,
                    },
                };
                if let Some((v, diagnostics)) = current {
                    let id = format!("{}-{v}", d.generation);
                    if params.previous_result_id.as_deref() == Some(id.as_str()) {
                        return Ok(DocumentDiagnosticReportResult::Report(
                            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                                related_documents: None,
                                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                                    result_id: id,
                                },
                            }),
                        ));
                    }
                    return Ok(full(Some(id), diagnostics.as_ref().clone()));
                }
            }
            if tokio::time::timeout_at(deadline.into(), woken).await.is_err() {
                let mut e = Error::content_modified();
                e.data = Some(serde_json::json!({ "retriggerRequest": true }));
                return Err(e);
            }
        }
    }
}

/// Where a glossary file defines the entry `id`: its `id = "..."` line.
fn glossary_entry(text: &str, id: &str) -> Option<std::ops::Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("id") {
            let value = rest.trim_start().strip_prefix('=').map(str::trim);
            if value.is_some_and(|v| v.trim_matches(|c| c == '"' || c == '\'') == id) {
                let start = at + (line.len() - line.trim_start().len());
                return Some(start..start + t.len());
            }
        }
        at += line.len();
    }
    None
}

/// Semantic tokens, relative-encoded; a term across a line break becomes
/// one token per line.
fn encode_tokens(
    doc: &Document,
    toks: impl Iterator<Item = tokens::ConceptToken>,
    enc: Encoding,
) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for t in toks {
        let token_type = Family::ALL
            .iter()
            .position(|f| *f == t.family)
            .unwrap_or(TOKEN_TYPES.len() - 1) as u32;
        let modifiers = u32::from(t.flagged);
        let (s, e) = doc.range(t.range.clone(), enc);
        for line in s.line..=e.line {
            let start = if line == s.line { s.character } else { 0 };
            let end = if line == e.line {
                e.character
            } else {
                let eol = doc.offset(
                    Pos {
                        line,
                        character: u32::MAX,
                    },
                    enc,
                );
                doc.position(eol, enc).character
            };
            if end <= start {
                continue;
            }
            let delta_line = line - prev_line;
            let delta_start = if delta_line == 0 { start - prev_start } else { start };
            out.push(SemanticToken {
                delta_line,
                delta_start,
                length: end - start,
                token_type,
                token_modifiers_bitset: modifiers,
            });
            (prev_line, prev_start) = (line, start);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_entries_are_found_by_their_id_line() {
        let text = "[[term]]\nid = \"other\"\n\n[[term]]\n  id = \"course-pk\"\nlabel = \"x\"\n";
        let r = glossary_entry(text, "course-pk").unwrap();
        assert_eq!(&text[r], "id = \"course-pk\"");
        assert!(glossary_entry(text, "missing").is_none());
    }

    #[test]
    fn tokens_are_relative_and_split_at_line_breaks() {
        let text = "é peacekeeping\npeace\nkeeping x";
        let doc = Document::new(text, 1, "plaintext");
        let a = text.find("peacekeeping").unwrap();
        let b = text.find("peace\n").unwrap();
        let toks = vec![
            tokens::ConceptToken {
                range: a..a + 12,
                family: Family::Peacekeeping,
                flagged: true,
            },
            tokens::ConceptToken {
                range: b..b + 13,
                family: Family::Other,
                flagged: false,
            },
        ];
        let utf16 = encode_tokens(&doc, toks.clone().into_iter(), Encoding::Utf16);
        let plain: Vec<(u32, u32, u32, u32, u32)> = utf16
            .iter()
            .map(|t| {
                (
                    t.delta_line,
                    t.delta_start,
                    t.length,
                    t.token_type,
                    t.token_modifiers_bitset,
                )
            })
            .collect();
        assert_eq!(plain, vec![(0, 2, 12, 2, 1), (1, 0, 5, 5, 0), (1, 0, 7, 5, 0)]);
        let utf8 = encode_tokens(&doc, toks.into_iter(), Encoding::Utf8);
        assert_eq!(utf8[0].delta_start, 3, "é is two bytes");
    }
}
