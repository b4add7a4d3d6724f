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
/// diagnostics (what a keystroke in a long document would copy). What
/// every diagnostic repeats (the document's URI, a rule's code and page)
/// is escaped once.
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
    let mut batch = Batch::new(text, findings, enc, config);
    let mut uri_json = Vec::new();
    json_str(&mut uri_json, uri.as_str());
    // Per code: `"code":"…","codeDescription":{"href":"…"},` escaped once.
    let mut heads: Vec<(&str, Vec<u8>)> = Vec::new();
    // Room for the whole body at once (a publish at 1 MB is half a
    // megabyte; growing by doubling would hold twice that).
    let mut out = transport::frame_buffer(
        128 + findings
            .iter()
            .map(|f| {
                let related: usize = f.related.iter().map(|r| 160 + uri_json.len() + r.message.len()).sum();
                320 + 2 * f.code.len() + f.message.len() + related
            })
            .sum::<usize>(),
    );
    out.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
    out.extend_from_slice(&uri_json);
    out.extend_from_slice(b",\"diagnostics\":[");
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"range\":");
        json_range(&mut out, batch.range(&f.range));
        out.extend_from_slice(b",\"severity\":");
        serde_json::to_writer(&mut out, &lsp_severity(f.severity)).unwrap_or_default();
        let head = match heads.iter().position(|(c, _)| *c == f.code) {
            Some(k) => k,
            None => {
                let mut h = b",\"code\":".to_vec();
                json_str(&mut h, &f.code);
                if let Some(url) = batch.url(&f.code) {
                    h.extend_from_slice(b",\"codeDescription\":{\"href\":");
                    json_str(&mut h, url.as_str());
                    h.push(b'}');
                }
                heads.push((&f.code, h));
                heads.len() - 1
            }
        };
        out.extend_from_slice(&heads[head].1);
        out.extend_from_slice(b",\"source\":\"peace-lsp\",\"message\":");
        json_str(&mut out, &f.message);
        if !f.related.is_empty() {
            out.extend_from_slice(b",\"relatedInformation\":[");
            for (k, r) in f.related.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"location\":{\"uri\":");
                out.extend_from_slice(&uri_json);
                out.extend_from_slice(b",\"range\":");
                json_range(&mut out, batch.range(&r.range));
                out.extend_from_slice(b"},\"message\":");
                json_str(&mut out, &r.message);
                out.push(b'}');
            }
            out.push(b']');
        }
        out.push(b'}');
    }
    for (i, n) in notes.iter().enumerate() {
        if i > 0 || !findings.is_empty() {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, n).unwrap_or_default();
    }
    out.push(b']');
    if let Some(v) = version {
        out.extend_from_slice(b",\"version\":");
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
    out.extend_from_slice(b"}}");
    transport::finish_frame(out)
}

/// A JSON string, escaped as serde_json escapes it (quote, backslash and
/// control characters; the rest as is).
fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let b = s.as_bytes();
    let mut from = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&b[from..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 15)],
            ]);
        } else {
            out.extend_from_slice(esc);
        }
        from = i + 1;
    }
    out.extend_from_slice(&b[from..]);
    out.push(b'"');
}

/// `{"start":{"line":…,"character":…},"end":{…}}`.
fn json_range(out: &mut Vec<u8>, r: Range) {
    let mut n = itoa::Buffer::new();
    for (i, p) in [r.start, r.end].into_iter().enumerate() {
        out.extend_from_slice(if i == 0 {
            b"{\"start\":{\"line\":"
        } else {
            b"},\"end\":{\"line\":"
        });
        out.extend_from_slice(n.format(p.line).as_bytes());
        out.extend_from_slice(b",\"character\":");
        out.extend_from_slice(n.format(p.character).as_bytes());
    }
    out.extend_from_slice(b"}}");
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
    let mut out = transport::frame_buffer(256 + 300 * diagnostics.len());
    let notification = Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params: Params {
            uri,
            diagnostics,
            version,
        },
    };
    serde_json::to_writer(&mut out, &notification).unwrap_or_default();
    transport::finish_frame(out)
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
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..0x80).map(char::from).collect();
        for s in [
            "",
            "plain",
            "a \"quoted\" \\ path",
            "tab\tline\nfeed\r\u{8}\u{c}\u{1}\u{1f}",
            "é 🕊️ \u{2028}",
            &all,
        ] {
            let mut ours = Vec::new();
            json_str(&mut ours, s);
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(s).unwrap());
        }
    }

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
