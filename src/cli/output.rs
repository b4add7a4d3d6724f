//! Output formats of `check`: compiler-style lines, JSON, SARIF 2.1.0 and
//! GitHub workflow annotations, and the summary line.

use crate::analysis::{Finding, Severity};
use crate::document::Document;
use crate::terms::Database;
use anstyle::{AnsiColor, Style};
use serde_json::{json, Value};
use serde_sarif::sarif as s;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A 1-based line and character (Unicode scalar value) column range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// The column just after the last character.
    pub end_column: usize,
}

impl Span {
    pub fn of(doc: &Document, range: &std::ops::Range<usize>) -> Span {
        let (line, col) = doc.char_column(range.start);
        let (end_line, end_col) = doc.char_column(range.end);
        Span {
            line: line + 1,
            column: col + 1,
            end_line: end_line + 1,
            end_column: end_col + 1,
        }
    }
}

/// A quick fix with located edits.
#[derive(Debug, Clone)]
pub struct LocatedFix {
    pub title: String,
    pub edits: Vec<(Span, String)>,
}

/// A finding with its positions, the flagged text and located fixes.
#[derive(Debug, Clone)]
pub struct Located {
    pub span: Span,
    pub finding: Finding,
    /// The flagged source text.
    pub text: String,
    pub fixes: Vec<LocatedFix>,
    /// The paragraph and character, for a finding in a word-processor file
    /// (whose line and column are those of the extracted text).
    pub position: Option<crate::input::Position>,
}

impl Located {
    /// Locate the findings of one document.
    pub fn all(text: &str, findings: Vec<Finding>) -> Vec<Located> {
        if findings.is_empty() {
            return Vec::new();
        }
        let doc = Document::new(text, 0, "");
        let mut out: Vec<Located> = findings
            .into_iter()
            .map(|f| Located {
                span: Span::of(&doc, &f.range),
                text: text.get(f.range.clone()).unwrap_or_default().to_string(),
                fixes: f
                    .fixes
                    .iter()
                    .map(|fix| LocatedFix {
                        title: fix.title.clone(),
                        edits: fix
                            .edits
                            .iter()
                            .map(|e| (Span::of(&doc, &e.range), e.text.clone()))
                            .collect(),
                    })
                    .collect(),
                finding: f,
                position: None,
            })
            .collect();
        out.sort_by(|a, b| (a.span, &a.finding.code).cmp(&(b.span, &b.finding.code)));
        out
    }

    /// Set each finding's paragraph and character from the paragraph map of
    /// the extracted `text` the findings were made on.
    pub fn set_positions(located: &mut [Located], text: &str, paragraphs: &crate::input::Paragraphs) {
        for l in located {
            l.position = paragraphs.locate(text, l.finding.range.start);
        }
    }

    /// The message, followed by " (paragraph 3, character 12)" when the
    /// finding is in a word-processor file.
    pub fn message_with_position(&self) -> String {
        match &self.position {
            Some(p) => format!("{} ({})", self.finding.message, p.describe()),
            None => self.finding.message.clone(),
        }
    }
}

/// The JSON fields of a paragraph position: `paragraph`, `character`, and
/// `footnote` or `endnote` (the note's number) for a finding in a note.
pub fn position_json(p: &crate::input::Position) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    if let Some((kind, n)) = p.place.note {
        m.insert(kind.as_str().into(), json!(n));
    }
    m.insert("paragraph".into(), json!(p.place.paragraph));
    m.insert("character".into(), json!(p.character));
    m
}

/// The findings of one checked file.
#[derive(Debug, Clone)]
pub struct Report {
    /// The path as shown in human and JSON output.
    pub path: PathBuf,
    /// The path relative to the current folder when it is inside it, with
    /// forward slashes (for SARIF and GitHub).
    pub relative: String,
    pub findings: Vec<Located>,
    /// The project's `rules-base-url`, for SARIF `helpUri`.
    pub rules_base_url: Option<String>,
}

/// The path relative to `cwd` with forward slashes when `abs` is inside
/// it, else the absolute path (forward slashes too).
pub fn relative_to(abs: &Path, cwd: &Path) -> String {
    use std::path::Component;
    let p = abs.strip_prefix(cwd).unwrap_or(abs);
    let mut out = String::new();
    for c in p.components() {
        let part = match c {
            Component::Prefix(x) => {
                out.push_str(&x.as_os_str().to_string_lossy());
                continue;
            }
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::CurDir => continue,
            Component::ParentDir => "..".into(),
            Component::Normal(n) => n.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    out
}

/// A URI reference for a path from [`relative_to`]: percent-encoded, and a
/// `file://` URI when the path is absolute.
pub fn uri_of(relative: &str) -> String {
    let mut out = String::new();
    let bytes = relative.as_bytes();
    let drive =
        cfg!(windows) && bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let absolute = relative.starts_with('/') || drive;
    if absolute {
        out.push_str("file://");
        if !relative.starts_with('/') {
            out.push('/');
        }
    }
    for b in relative.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (drive && b == b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn severity_style(s: Severity) -> Style {
    let color = match s {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Information => AnsiColor::Blue,
        Severity::Hint => AnsiColor::Cyan,
    };
    Style::new().bold().fg_color(Some(color.into()))
}

/// `path:line:col: severity[code]: message`, styled (the caller's stream
/// strips the styles when it is not a terminal).
pub fn human(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    let place = Style::new().bold();
    for r in reports {
        for l in &r.findings {
            let f = &l.finding;
            let sev = severity_style(f.severity);
            writeln!(
                out,
                "{place}{}:{}:{}:{place:#} {sev}{}[{}]{sev:#}: {}",
                r.path.display(),
                l.span.line,
                l.span.column,
                f.severity.as_str(),
                f.code,
                l.message_with_position()
            )?;
        }
    }
    Ok(())
}

fn span_json(s: &Span) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("line".into(), json!(s.line));
    m.insert("column".into(), json!(s.column));
    m.insert("end_line".into(), json!(s.end_line));
    m.insert("end_column".into(), json!(s.end_column));
    m
}

/// One JSON array of findings.
pub fn json(reports: &[Report]) -> Value {
    let mut all = Vec::new();
    for r in reports {
        for l in &r.findings {
            let f = &l.finding;
            let mut m = serde_json::Map::new();
            m.insert("path".into(), json!(r.path.display().to_string()));
            m.extend(span_json(&l.span));
            m.insert("severity".into(), json!(f.severity.as_str()));
            m.insert("code".into(), json!(f.code));
            m.insert("message".into(), json!(f.message));
            m.insert("text".into(), json!(l.text));
            if let Some(p) = &l.position {
                m.extend(position_json(p));
            }
            let fixes: Vec<Value> = l
                .fixes
                .iter()
                .map(|fix| {
                    let edits: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|(span, text)| {
                            let mut e = span_json(span);
                            e.insert("text".into(), json!(text));
                            Value::Object(e)
                        })
                        .collect();
                    json!({"title": fix.title, "edits": edits})
                })
                .collect();
            m.insert("fixes".into(), Value::Array(fixes));
            all.push(Value::Object(m));
        }
    }
    Value::Array(all)
}

/// Escape the message of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One GitHub workflow command for a finding.
pub fn github_line(path: &str, l: &Located) -> String {
    let f = &l.finding;
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "notice",
    };
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(path),
        l.span.line,
        l.span.column,
        l.span.end_line,
        l.span.end_column,
        escape_property(&format!("peace-lsp {}", f.code)),
        escape_data(&l.message_with_position())
    )
}

/// GitHub workflow annotation lines.
pub fn github(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    for r in reports {
        for l in &r.findings {
            writeln!(out, "{}", github_line(&r.relative, l))?;
        }
    }
    Ok(())
}

/// Title and description of a code, from the rule table.
fn rule_texts(code: &str) -> (String, Option<String>) {
    if code == crate::analysis::UNUSED_SUPPRESSION {
        return (
            "Suppression comment that suppresses nothing".to_string(),
            Some("A peace-lsp suppression comment that no finding needs; remove it.".to_string()),
        );
    }
    let mut titles: Vec<&str> = Vec::new();
    let mut messages: Vec<&str> = Vec::new();
    for r in Database::builtin().rules.iter().filter(|r| r.code == code) {
        if !titles.contains(&r.title.as_str()) {
            titles.push(&r.title);
        }
        // A message with `{term}` placeholders describes one finding, not the rule.
        if !r.message.contains('{') && !messages.contains(&r.message.as_str()) {
            messages.push(&r.message);
        }
    }
    let title = if titles.is_empty() {
        code.to_string()
    } else {
        titles.join("; ")
    };
    let full = (!messages.is_empty()).then(|| messages.join(" "));
    (title, full)
}

fn region(span: &Span) -> s::Region {
    s::Region::builder()
        .start_line(span.line as i64)
        .start_column(span.column as i64)
        .end_line(span.end_line as i64)
        .end_column(span.end_column as i64)
        .build()
}

/// A SARIF 2.1.0 log with one run.
pub fn sarif(reports: &[Report]) -> s::Sarif {
    // Rules used, in code order, with their index.
    let mut codes: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for r in reports {
        for l in &r.findings {
            let base = codes.entry(l.finding.code.as_str()).or_insert(None);
            if base.is_none() {
                *base = r.rules_base_url.as_deref();
            }
        }
    }
    let index: BTreeMap<&str, usize> = codes.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<s::ReportingDescriptor> = codes
        .iter()
        .map(|(code, base)| {
            let (title, full) = rule_texts(code);
            let mut d = s::ReportingDescriptor::builder()
                .id(*code)
                .short_description(s::MultiformatMessageString::builder().text(title).build())
                .build();
            d.full_description = full.map(|t| s::MultiformatMessageString::builder().text(t).build());
            d.help_uri = base.map(|b| format!("{b}{code}.md"));
            d
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let uri = uri_of(&r.relative);
        let artifact = || s::ArtifactLocation::builder().uri(uri.clone()).build();
        for l in &r.findings {
            let f = &l.finding;
            let level = match f.severity {
                Severity::Error => s::ResultLevel::Error,
                Severity::Warning => s::ResultLevel::Warning,
                Severity::Information | Severity::Hint => s::ResultLevel::Note,
            };
            let location = s::Location::builder()
                .physical_location(
                    s::PhysicalLocation::builder()
                        .artifact_location(artifact())
                        .region(region(&l.span))
                        .build(),
                )
                .build();
            let mut result = s::Result::builder()
                .rule_id(f.code.clone())
                .rule_index(index[f.code.as_str()] as i64)
                .level(level)
                .message(s::Message::builder().text(l.message_with_position()).build())
                .locations(vec![location])
                .build();
            if let Some(p) = &l.position {
                result.properties = Some(
                    s::PropertyBag::builder()
                        .additional_properties(position_json(p).into_iter().collect::<BTreeMap<_, _>>())
                        .build(),
                );
            }
            if !l.fixes.is_empty() {
                result.fixes = Some(
                    l.fixes
                        .iter()
                        .map(|fix| {
                            let replacements = fix
                                .edits
                                .iter()
                                .map(|(span, text)| {
                                    s::Replacement::builder()
                                        .deleted_region(region(span))
                                        .inserted_content(s::ArtifactContent::builder().text(text.clone()).build())
                                        .build()
                                })
                                .collect::<Vec<_>>();
                            s::Fix::builder()
                                .description(s::Message::builder().text(fix.title.clone()).build())
                                .artifact_changes(vec![s::ArtifactChange::builder()
                                    .artifact_location(artifact())
                                    .replacements(replacements)
                                    .build()])
                                .build()
                        })
                        .collect(),
                );
            }
            results.push(result);
        }
    }
    let driver = s::ToolComponent::builder()
        .name("peace-lsp")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = s::Run::builder()
        .tool(s::Tool::builder().driver(driver).build())
        .column_kind(json!("unicodeCodePoints"))
        .results(results)
        .build();
    s::Sarif::builder()
        .schema(s::SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `checked 12 files in 0.21s: 3 findings (code: 2, other: 1)`, with the
/// skipped files and errors when there are any.
pub fn summary(reports: &[Report], skipped: usize, errors: usize, elapsed: Duration) -> String {
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    for l in reports.iter().flat_map(|r| &r.findings) {
        *per_code.entry(l.finding.code.as_str()).or_default() += 1;
    }
    let total: usize = per_code.values().sum();
    let mut line = format!(
        "checked {} in {:.2}s: ",
        plural(reports.len(), "file", "files"),
        elapsed.as_secs_f64()
    );
    if total == 0 {
        line.push_str("no findings");
    } else {
        let mut counts: Vec<(&str, usize)> = per_code.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = counts.iter().map(|(c, n)| format!("{c}: {n}")).collect();
        line.push_str(&format!(
            "{} ({})",
            plural(total, "finding", "findings"),
            list.join(", ")
        ));
    }
    if skipped > 0 {
        line.push_str(&format!(", {} skipped", plural(skipped, "file", "files")));
    }
    if errors > 0 {
        line.push_str(&format!(", {}", plural(errors, "error", "errors")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50% done\r\nnext: a, b"), "50%25 done%0D%0Anext: a, b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn github_line_escapes_path_title_and_message() {
        let l = Located {
            span: Span {
                line: 2,
                column: 3,
                end_line: 2,
                end_column: 9,
            },
            finding: Finding {
                code: "terms-as-synonyms".into(),
                severity: Severity::Hint,
                range: 0..1,
                message: "one, two: three\nfour 100%".into(),
                related: Vec::new(),
                term: None,
                fixes: Vec::new(),
            },
            text: String::new(),
            fixes: Vec::new(),
            position: None,
        };
        assert_eq!(
            github_line("dir,x/a:b.md", &l),
            "::notice file=dir%2Cx/a%3Ab.md,line=2,col=3,endLine=2,endColumn=9,\
             title=peace-lsp terms-as-synonyms::one, two: three%0Afour 100%25"
        );
    }

    #[test]
    fn paths_become_uri_references() {
        let cwd = Path::new("/work/repo");
        assert_eq!(relative_to(Path::new("/work/repo/docs/a b.md"), cwd), "docs/a b.md");
        assert_eq!(uri_of("docs/a b.md"), "docs/a%20b.md");
        assert_eq!(uri_of("x:y/é.md"), "x%3Ay/%C3%A9.md");
        let outside = relative_to(Path::new("/tmp/essay.md"), cwd);
        assert_eq!(outside, "/tmp/essay.md");
        assert_eq!(uri_of(&outside), "file:///tmp/essay.md");
    }

    #[test]
    fn summary_counts_per_code() {
        let finding = |code: &str| Located {
            span: Span {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 2,
            },
            finding: Finding {
                code: code.into(),
                severity: Severity::Warning,
                range: 0..1,
                message: String::new(),
                related: Vec::new(),
                term: None,
                fixes: Vec::new(),
            },
            text: String::new(),
            fixes: Vec::new(),
            position: None,
        };
        let report = |findings| Report {
            path: "a.md".into(),
            relative: "a.md".into(),
            findings,
            rules_base_url: None,
        };
        let reports = [
            report(vec![
                finding("terms-as-synonyms"),
                finding("peacekeeping-as-peacemaking"),
            ]),
            report(vec![finding("peacekeeping-as-peacemaking")]),
            report(vec![]),
        ];
        assert_eq!(
            summary(&reports, 0, 0, Duration::from_millis(210)),
            "checked 3 files in 0.21s: 3 findings (peacekeeping-as-peacemaking: 2, terms-as-synonyms: 1)"
        );
        assert_eq!(
            summary(&reports[2..], 1, 2, Duration::ZERO),
            "checked 1 file in 0.00s: no findings, 1 file skipped, 2 errors"
        );
    }
}
