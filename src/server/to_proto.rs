//! Conversions from the core's plain data (byte ranges, findings) to LSP
//! types, and the framed `publishDiagnostics` the outbox carries.

use super::{lock, transport, Outbox};
use crate::analysis::{Finding, Severity};
use crate::config::Config;
use crate::document::{Document, Encoding, Pos};
use std::path::Path;
use std::sync::Mutex;
use tower_lsp_server::ls_types::*;

/// The page explaining a code: under `rulesBaseUrl` when set, else the
/// `docs/rules/` folder of the source tree this binary was built from, if it
/// is still there (a link to a missing file helps nobody).
pub(super) fn rule_url(config: &Config, code: &str) -> Option<Uri> {
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

/// The `file:` URI of an absolute path, percent-encoded (spaces, `#`, `%`).
pub(super) fn file_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

pub(super) fn to_lsp_pos(p: Pos) -> Position {
    Position {
        line: p.line,
        character: p.character,
    }
}

pub(super) fn from_lsp_pos(p: Position) -> Pos {
    Pos {
        line: p.line,
        character: p.character,
    }
}

pub(super) fn lsp_range(doc: &Document, r: std::ops::Range<usize>, enc: Encoding) -> Range {
    let (s, e) = doc.range(r, enc);
    Range {
        start: to_lsp_pos(s),
        end: to_lsp_pos(e),
    }
}

pub(super) fn lsp_severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

pub(super) fn diagnostic(uri: &Uri, doc: &Document, f: &Finding, enc: Encoding, config: &Config) -> Diagnostic {
    make_diagnostic(uri, f, rule_url(config, &f.code), |r| lsp_range(doc, r.clone(), enc))
}

/// The diagnostic of a finding, given its rule's page and its ranges' places.
fn make_diagnostic(
    uri: &Uri,
    f: &Finding,
    url: Option<Uri>,
    range: impl Fn(&std::ops::Range<usize>) -> Range,
) -> Diagnostic {
    let related = f
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: range(&r.range),
            },
            message: r.message.clone(),
        })
        .collect::<Vec<_>>();
    Diagnostic {
        range: range(&f.range),
        severity: Some(lsp_severity(f.severity)),
        code: Some(NumberOrString::String(f.code.clone())),
        code_description: url.map(|href| CodeDescription { href }),
        source: Some("peace-lsp".into()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The diagnostics of many findings of the document `text` at once: every
/// position found in one pass over the text ([`crate::document::positions`]).
/// Equal to [`diagnostic`] of each.
pub(super) fn diagnostics(
    uri: &Uri,
    text: &str,
    findings: &[Finding],
    enc: Encoding,
    config: &Config,
) -> Vec<Diagnostic> {
    let mut batch = Batch::new(text, findings, enc, config);
    findings
        .iter()
        .map(|f| {
            let url = batch.url(&f.code);
            make_diagnostic(uri, f, url, |r| batch.range(r))
        })
        .collect()
}

/// A `publishDiagnostics` notification of `findings` (and `notes` after
/// them), framed and serialised straight from the findings: the same JSON
/// as [`publish_frame`] of [`diagnostics`], without making the
/// diagnostics (what a keystroke in a long document would copy).
#[allow(clippy::too_many_arguments)]
pub(super) fn publish_findings_frame(
    uri: &Uri,
    text: &str,
    findings: &[Finding],
    notes: &[Diagnostic],
    enc: Encoding,
    config: &Config,
    version: Option<i32>,
) -> Vec<u8> {
    use serde::Serialize;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Diag<'a> {
        range: Range,
        severity: DiagnosticSeverity,
        code: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        code_description: Option<CodeDescription>,
        source: &'static str,
        message: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        related_information: Vec<Rel<'a>>,
    }
    #[derive(Serialize)]
    struct Rel<'a> {
        location: Loc<'a>,
        message: &'a str,
    }
    #[derive(Serialize)]
    struct Loc<'a> {
        uri: &'a Uri,
        range: Range,
    }
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Item<'a> {
        Finding(Diag<'a>),
        Note(&'a Diagnostic),
    }
    #[derive(Serialize)]
    struct Params<'a> {
        uri: &'a Uri,
        diagnostics: Vec<Item<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<i32>,
    }
    #[derive(Serialize)]
    struct Notification<'a> {
        jsonrpc: &'static str,
        method: &'static str,
        params: Params<'a>,
    }
    let mut batch = Batch::new(text, findings, enc, config);
    let items = findings
        .iter()
        .map(|f| {
            let url = batch.url(&f.code);
            Item::Finding(Diag {
                range: batch.range(&f.range),
                severity: lsp_severity(f.severity),
                code: &f.code,
                code_description: url.map(|href| CodeDescription { href }),
                source: "peace-lsp",
                message: &f.message,
                related_information: f
                    .related
                    .iter()
                    .map(|r| Rel {
                        location: Loc {
                            uri,
                            range: batch.range(&r.range),
                        },
                        message: &r.message,
                    })
                    .collect(),
            })
        })
        .chain(notes.iter().map(Item::Note))
        .collect();
    let mut out = Vec::with_capacity(64 + 600 * findings.len());
    serde_json::to_writer(
        &mut out,
        &Notification {
            jsonrpc: "2.0",
            method: "textDocument/publishDiagnostics",
            params: Params {
                uri,
                diagnostics: items,
                version,
            },
        },
    )
    .unwrap_or_default();
    transport::frame(&out)
}

/// What the diagnostics of many findings share: the position of every
/// offset their ranges hold (found in one pass over the text), and each
/// rule's page (looked up once per code).
struct Batch<'a> {
    offsets: Vec<usize>,
    positions: Vec<crate::document::Pos>,
    urls: Vec<(&'a str, Option<Uri>)>,
    config: &'a Config,
}

impl<'a> Batch<'a> {
    fn new(text: &str, findings: &'a [Finding], enc: Encoding, config: &'a Config) -> Batch<'a> {
        let mut offsets: Vec<usize> = findings
            .iter()
            .flat_map(|f| std::iter::once(&f.range).chain(f.related.iter().map(|r| &r.range)))
            .flat_map(|r| [r.start, r.end])
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        let positions = crate::document::positions(text, &offsets, enc);
        Batch {
            offsets,
            positions,
            urls: Vec::new(),
            config,
        }
    }

    /// The LSP range of a range of one of the findings.
    fn range(&self, r: &std::ops::Range<usize>) -> Range {
        let at = |o: usize| to_lsp_pos(self.positions[self.offsets.partition_point(|&x| x < o)]);
        Range {
            start: at(r.start),
            end: at(r.end),
        }
    }

    /// The page of rule `code`.
    fn url(&mut self, code: &'a str) -> Option<Uri> {
        if let Some((_, u)) = self.urls.iter().find(|(c, _)| *c == code) {
            return u.clone();
        }
        let u = rule_url(self.config, code);
        self.urls.push((code, u.clone()));
        u
    }
}

/// An information diagnostic at the start of the document.
pub(super) fn note(code: &str, range: Range, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String(code.into())),
        source: Some("peace-lsp".into()),
        message,
        ..Diagnostic::default()
    }
}

/// A `publishDiagnostics` notification, framed: serialised straight into
/// the frame (no JSON tree in between, no copy of the diagnostics).
pub(super) fn publish_frame(uri: &Uri, diagnostics: &[Diagnostic], version: Option<i32>) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Params<'a> {
        uri: &'a Uri,
        diagnostics: &'a [Diagnostic],
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<i32>,
    }
    #[derive(serde::Serialize)]
    struct Notification<'a> {
        jsonrpc: &'static str,
        method: &'static str,
        params: Params<'a>,
    }
    let body = serde_json::to_vec(&Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params: Params {
            uri,
            diagnostics,
            version,
        },
    })
    .unwrap_or_default();
    transport::frame(&body)
}

/// Queue a publish (a newer one for the same document replaces it while
/// it is unsent).
pub(super) fn publish(out: &Outbox, uri: &Uri, diagnostics: &[Diagnostic], version: Option<i32>) {
    out.publish(uri.as_str(), publish_frame(uri, diagnostics, version));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_serialised_directly_equal_their_diagnostics() {
        let text = "# Lebanon\n\nUN peacekeepers negotiated the ceasefire. 🕊️ They brokered the deal.\r\n\r\nPeacemaking, also known as peacekeeping, ends wars.\n";
        let config = Config::default();
        let a = config.analyze(text, crate::text::Format::Markdown);
        assert!(a.findings.len() >= 2, "{:?}", a.findings);
        let uri: Uri = "file:///tmp/essay.md".parse().unwrap();
        let budget = note("analysis-budget", Range::default(), "stopped".into());
        let body = |frame: Vec<u8>| -> serde_json::Value {
            let at = frame.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            serde_json::from_slice(&frame[at..]).unwrap()
        };
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let mut made = diagnostics(&uri, text, &a.findings, enc, &config);
            made.push(budget.clone());
            let direct = publish_findings_frame(
                &uri,
                text,
                &a.findings,
                std::slice::from_ref(&budget),
                enc,
                &config,
                Some(3),
            );
            assert_eq!(body(direct), body(publish_frame(&uri, &made, Some(3))));
        }
    }
}
