//! What the client can do (read once, at `initialize`) and what the server
//! offers in return.

use super::commands::{DISABLE_RULE_COMMAND, EXPLAIN_COMMAND};
use crate::document::Encoding;
use tower_lsp_server::ls_types::*;

/// The semantic token types, in legend order: one per concept family
/// (`analysis::aids::Family::ALL`), then every other concept.
pub(super) const TOKEN_TYPES: [&str; 6] = [
    "conflictPrevention",
    "peacemaking",
    "peacekeeping",
    "peaceEnforcement",
    "peacebuilding",
    "peaceTerm",
];
/// The semantic token modifiers: `flagged` (a finding is on the term).
pub(super) const TOKEN_MODIFIERS: [&str; 1] = ["flagged"];

/// The client capabilities the server acts on, set at `initialize`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ClientCaps {
    /// The negotiated position encoding (UTF-8 when offered, else UTF-16).
    pub encoding: Encoding,
    /// The client can show a document we point it at.
    pub show_document: bool,
    /// Hovers are sent as plain text (the client does not take Markdown).
    pub plain_hover: bool,
    /// File changes can be watched (dynamic `didChangeWatchedFiles`).
    pub watch_files: bool,
    /// Settings are pulled with `workspace/configuration`.
    pub pull_config: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`): never push.
    pub pull_diagnostics: bool,
    /// The client re-pulls on `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    /// The client shows server-initiated `$/progress`.
    pub work_done_progress: bool,
}

impl ClientCaps {
    pub fn from_params(params: &InitializeParams) -> ClientCaps {
        let caps = &params.capabilities;
        let offers_utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let workspace = caps.workspace.as_ref();
        ClientCaps {
            encoding: if offers_utf8 { Encoding::Utf8 } else { Encoding::Utf16 },
            show_document: caps
                .window
                .as_ref()
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
            // A client that lists hover formats and not Markdown gets plain text.
            plain_hover: caps
                .text_document
                .as_ref()
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_some_and(|formats| !formats.is_empty() && !formats.contains(&MarkupKind::Markdown)),
            watch_files: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            pull_config: workspace.and_then(|w| w.configuration).unwrap_or(false),
            pull_diagnostics: caps.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
        }
    }

    /// What the server offers this client.
    pub fn server_capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            position_encoding: Some(match self.encoding {
                Encoding::Utf8 => PositionEncodingKind::UTF8,
                Encoding::Utf16 => PositionEncodingKind::UTF16,
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
            completion_provider: Some(CompletionOptions {
                resolve_provider: Some(true),
                trigger_characters: None,
                ..CompletionOptions::default()
            }),
            semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
                SemanticTokensOptions {
                    legend: SemanticTokensLegend {
                        token_types: TOKEN_TYPES.iter().map(|t| SemanticTokenType::new(t)).collect(),
                        token_modifiers: TOKEN_MODIFIERS.iter().map(|m| SemanticTokenModifier::new(m)).collect(),
                    },
                    range: Some(true),
                    full: Some(SemanticTokensFullOptions::Bool(true)),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                },
            )),
            document_symbol_provider: Some(OneOf::Left(true)),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            definition_provider: Some(OneOf::Left(true)),
            document_link_provider: Some(DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            diagnostic_provider: self.pull_diagnostics.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("peace-lsp".into()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: true,
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })
            }),
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(v: serde_json::Value) -> ClientCaps {
        let params: InitializeParams = serde_json::from_value(serde_json::json!({ "capabilities": v })).unwrap();
        ClientCaps::from_params(&params)
    }

    #[test]
    fn an_empty_client_gets_utf16_and_no_extras() {
        let c = caps(serde_json::json!({}));
        assert_eq!(c, ClientCaps::default());
        assert_eq!(
            c.server_capabilities().position_encoding,
            Some(PositionEncodingKind::UTF16)
        );
    }

    #[test]
    fn offered_features_are_read() {
        let c = caps(serde_json::json!({
            "general": {"positionEncodings": ["utf-16", "utf-8"]},
            "window": {"showDocument": {"support": true}},
            "textDocument": {"hover": {"contentFormat": ["plaintext"]}},
            "workspace": {"configuration": true, "didChangeWatchedFiles": {"dynamicRegistration": true}}
        }));
        assert_eq!(c.encoding, Encoding::Utf8);
        assert!(c.show_document && c.plain_hover && c.watch_files && c.pull_config);
    }
}
