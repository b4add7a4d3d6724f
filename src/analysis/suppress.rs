//! Inline suppression in each format's own comment syntax:
//!
//! - Markdown: `<!-- peace-lsp-disable -->`, `<!-- peace-lsp-enable -->`,
//!   `<!-- peace-lsp-disable-next-line -->`
//! - LaTeX: `% peace-lsp-disable`, ...
//! - plain text: `peace-lsp-disable` ... on a line of its own
//!
//! each optionally followed by codes (space or comma separated; none means
//! every code). A directive that suppresses nothing gets a hint.

use super::{Edit, Finding, Fix, Severity};
use crate::text::Format;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// The code of the hint on a directive that suppresses nothing.
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
/// Every directive starts with this.
pub const DIRECTIVE_PREFIX: &str = "peace-lsp-";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Disable,
    Enable,
    NextLine,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: Kind,
    /// Empty: every code.
    pub codes: Vec<String>,
    /// The whole comment.
    pub range: Range<usize>,
}

/// Parse "peace-lsp-disable-next-line a, b" (the text after the comment
/// opener); `None` if it is not a directive.
fn parse(body: &str) -> Option<(Kind, Vec<String>)> {
    let body = body.trim_start();
    let rest = body.strip_prefix(DIRECTIVE_PREFIX)?;
    let (kind, rest) = if let Some(r) = rest.strip_prefix("disable-next-line") {
        (Kind::NextLine, r)
    } else if let Some(r) = rest.strip_prefix("disable") {
        (Kind::Disable, r)
    } else if let Some(r) = rest.strip_prefix("enable") {
        (Kind::Enable, r)
    } else {
        return None;
    };
    if rest.chars().next().is_some_and(|c| !c.is_whitespace() && c != ',') {
        return None; // "peace-lsp-disabled" is not a directive
    }
    let codes = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    Some((kind, codes))
}

/// The directives of a document, in order.
pub fn directives(source: &str, format: Format) -> Vec<Directive> {
    let mut out = Vec::new();
    match format {
        Format::Markdown => {
            let code = markdown_code(source);
            let mut from = 0;
            while let Some(i) = source[from..].find("<!--") {
                let start = from + i;
                // A comment shown as code (`<!-- peace-lsp-disable -->` in
                // backticks or a fenced block) is text, not a directive.
                let k = code.partition_point(|r| r.end <= start);
                if code.get(k).is_some_and(|r| r.start <= start) {
                    from = start + 4;
                    continue;
                }
                let Some(j) = source[start + 4..].find("-->") else {
                    break;
                };
                let end = start + 4 + j + 3;
                if let Some((kind, codes)) = parse(&source[start + 4..end - 3]) {
                    out.push(Directive {
                        kind,
                        codes,
                        range: start..end,
                    });
                }
                from = end;
            }
        }
        Format::Latex | Format::Plain => {
            let mut offset = 0;
            for line in source.split_inclusive('\n') {
                let content = line.trim_end_matches(['\n', '\r']);
                let body = match format {
                    Format::Latex => content
                        .find('%')
                        .filter(|&p| p == 0 || !content[..p].ends_with('\\'))
                        .map(|p| (p, &content[p + 1..])),
                    _ => Some((content.len() - content.trim_start().len(), content.trim_start())),
                };
                if let Some((p, body)) = body {
                    if let Some((kind, codes)) = parse(body) {
                        out.push(Directive {
                            kind,
                            codes,
                            range: offset + p..offset + content.len(),
                        });
                    }
                }
                offset += line.len();
            }
        }
    }
    out
}

/// Code spans and code blocks of a Markdown document, sorted.
fn markdown_code(source: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut out: Vec<Range<usize>> = Parser::new(source)
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, r)| r)
        .collect();
    out.sort_by_key(|r| r.start);
    out
}

/// Where the line holding byte `offset` starts (LSP line breaks: \n,
/// \r\n, \r).
fn line_start(source: &str, offset: usize) -> usize {
    let b = source.as_bytes();
    let mut i = offset.min(b.len());
    while i > 0 {
        let c = b[i - 1];
        if c == b'\n' || c == b'\r' && b.get(i) != Some(&b'\n') {
            break;
        }
        i -= 1;
    }
    i
}

/// Where the line after the one holding `offset` starts (the end of the
/// text when there is none).
fn next_line(source: &str, offset: usize) -> usize {
    let b = source.as_bytes();
    let mut i = offset.min(b.len());
    while i < b.len() {
        match b[i] {
            b'\n' => return i + 1,
            b'\r' => return if b.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 },
            _ => i += 1,
        }
    }
    b.len()
}

/// The start of the first line with content after the line holding
/// `offset` (`usize::MAX` when there is none).
fn next_content_line(source: &str, offset: usize) -> usize {
    let mut at = next_line(source, offset);
    while at < source.len() {
        let end = next_line(source, at);
        if !source[at..end].trim().is_empty() {
            return at;
        }
        at = end;
    }
    usize::MAX
}

/// The comment that suppresses `code` on the next line, in `format`'s syntax.
pub fn next_line_comment(format: Format, code: &str) -> String {
    match format {
        Format::Markdown => format!("<!-- peace-lsp-disable-next-line {code} -->"),
        Format::Latex => format!("% peace-lsp-disable-next-line {code}"),
        Format::Plain => format!("peace-lsp-disable-next-line {code}"),
    }
}

/// The line ending a document uses: that of its first line.
pub fn newline(source: &str) -> &'static str {
    let first = source.find(['\n', '\r']).map(|i| &source[i..]);
    if first.is_some_and(|r| r.starts_with("\r\n")) {
        "\r\n"
    } else {
        "\n"
    }
}

/// The fix that suppresses `f` with a comment on the line before it, as
/// indented as its line (`source` holds that line; `newline` from
/// [`newline`] of the whole document).
pub fn ignore_fix(source: &str, format: Format, f: &Finding, newline: &str) -> Fix {
    let line_start = line_start(source, f.range.start);
    let indent: String = source[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    Fix {
        title: format!("Ignore this finding ({})", f.code),
        edits: vec![Edit {
            range: line_start..line_start,
            text: format!("{indent}{}{newline}", next_line_comment(format, &f.code)),
        }],
    }
}

/// Drop the findings a directive suppresses and report the directives that
/// suppress nothing; sorted by range. `dirs` are the document's directives
/// (sorted by start): the cost is in the findings and directives, not the
/// length of the document. Findings come with their [`ignore_fix`].
pub fn filter(source: &str, findings: Vec<Finding>, dirs: &[Directive]) -> Vec<Finding> {
    let mut used = vec![false; dirs.len()];
    // The line after each disable-next-line directive that has content.
    let next_lines: Vec<usize> = dirs
        .iter()
        .map(|d| match d.kind {
            Kind::NextLine => next_content_line(source, d.range.end),
            _ => usize::MAX,
        })
        .collect();
    let mut kept: Vec<Finding> = if dirs.is_empty() {
        findings
    } else {
        findings
            .into_iter()
            .filter(|f| match suppressor(source, dirs, &next_lines, f) {
                Some(d) => {
                    used[d] = true;
                    false
                }
                None => true,
            })
            .collect()
    };
    for (i, d) in dirs.iter().enumerate() {
        if used[i] || d.kind == Kind::Enable {
            continue;
        }
        kept.push(Finding {
            code: UNUSED_SUPPRESSION.to_string(),
            severity: Severity::Hint,
            range: d.range.clone(),
            message: "This peace-lsp suppression comment suppresses nothing here; remove it.".to_string(),
            related: Vec::new(),
            term: None,
            fixes: vec![Fix {
                title: "Remove the unused suppression comment".into(),
                edits: vec![Edit {
                    range: d.range.clone(),
                    text: String::new(),
                }],
            }],
        });
    }
    kept.sort_by_key(|f| (f.range.start, f.range.end));
    kept
}

/// The directive that suppresses `f`, if any.
fn suppressor(source: &str, dirs: &[Directive], next_lines: &[usize], f: &Finding) -> Option<usize> {
    let applies = |d: &Directive| d.codes.is_empty() || d.codes.contains(&f.code);
    let line = line_start(source, f.range.start);
    // disable-next-line: the next line with content after the directive.
    for i in (0..dirs.len()).filter(|&i| dirs[i].kind == Kind::NextLine && applies(&dirs[i])) {
        if next_lines[i] == line {
            return Some(i);
        }
    }
    // disable ... enable regions, in order.
    let mut all_off: Option<usize> = None;
    let mut off: HashMap<&str, usize> = HashMap::new();
    let mut back_on: HashSet<&str> = HashSet::new();
    for (i, d) in dirs
        .iter()
        .enumerate()
        .take_while(|(_, d)| d.range.end <= f.range.start)
    {
        match (d.kind, d.codes.is_empty()) {
            (Kind::Disable, true) => {
                all_off = Some(i);
                back_on.clear();
            }
            (Kind::Disable, false) => d.codes.iter().for_each(|c| {
                off.insert(c, i);
                back_on.remove(c.as_str());
            }),
            (Kind::Enable, true) => {
                all_off = None;
                off.clear();
            }
            (Kind::Enable, false) => d.codes.iter().for_each(|c| {
                off.remove(c.as_str());
                if all_off.is_some() {
                    back_on.insert(c);
                }
            }),
            (Kind::NextLine, _) => {}
        }
    }
    off.get(f.code.as_str())
        .copied()
        .or(all_off.filter(|_| !back_on.contains(f.code.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::terms::Database;

    fn codes(text: &str, format: Format) -> Vec<(String, String)> {
        analyze(text, format, Database::builtin())
            .findings
            .into_iter()
            .map(|f| (f.code, text[f.range].to_string()))
            .collect()
    }

    const BAD: &str = "UN peacekeepers negotiated the Dayton Accords.";

    #[test]
    fn parses_directives_in_each_syntax() {
        let md = "<!-- peace-lsp-disable-next-line a, b -->\n<!-- not one -->\n<!--peace-lsp-enable-->";
        let d = directives(md, Format::Markdown);
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].kind, d[0].codes.clone()),
            (Kind::NextLine, vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(d[1].kind, Kind::Enable);
        let tex = "text 50\\% peace-lsp-disable\n  % peace-lsp-disable x\n";
        assert_eq!(directives(tex, Format::Latex).len(), 1);
        assert_eq!(
            directives("  peace-lsp-disable\npeace-lsp-disabled\n", Format::Plain).len(),
            1
        );
    }

    #[test]
    fn next_line_and_regions_suppress() {
        let md = format!("<!-- peace-lsp-disable-next-line -->\n{BAD}\n\n{BAD}\n");
        assert_eq!(
            codes(&md, Format::Markdown)
                .iter()
                .filter(|(c, _)| c != UNUSED_SUPPRESSION)
                .count(),
            1
        );
        let tex = format!("% peace-lsp-disable peacekeeping-as-peacemaking\n{BAD}\n% peace-lsp-enable\n{BAD}\n");
        assert_eq!(codes(&tex, Format::Latex).len(), 1);
        let plain = format!("peace-lsp-disable\n{BAD}\npeace-lsp-enable peacekeeping-as-peacemaking\n{BAD}\n");
        assert_eq!(
            codes(&plain, Format::Plain).len(),
            1,
            "enable of one code after a disable of all"
        );
    }

    #[test]
    fn other_codes_are_not_suppressed_and_unused_directives_get_a_hint() {
        let md = format!("<!-- peace-lsp-disable-next-line terms-as-synonyms -->\n{BAD}\n");
        let got = codes(&md, Format::Markdown);
        assert!(
            got.contains(&("peacekeeping-as-peacemaking".into(), "peacekeepers".into())),
            "{got:?}"
        );
        let unused = got.iter().find(|(c, _)| c == UNUSED_SUPPRESSION).expect("hint");
        assert!(unused.1.starts_with("<!--"));
    }

    #[test]
    fn ignore_fix_inserts_the_comment_above_with_the_indent() {
        let text = format!("intro\n  {BAD}\n");
        let a = analyze(&text, Format::Plain, Database::builtin());
        let fix = a.findings[0]
            .fixes
            .iter()
            .find(|f| f.title.starts_with("Ignore"))
            .expect("ignore fix");
        let mut fixed = text.clone();
        fixed.insert_str(fix.edits[0].range.start, &fix.edits[0].text);
        assert_eq!(
            fixed,
            format!("intro\n  peace-lsp-disable-next-line peacekeeping-as-peacemaking\n  {BAD}\n")
        );
        assert!(
            codes(&fixed, Format::Plain).is_empty(),
            "the inserted comment suppresses the finding"
        );
    }
}
