//! The class report as CSV (one row per finding) and Markdown. JSON is the
//! serialized [`ClassReport`].

use super::model::ClassReport;
use std::fmt::Write;

/// The CSV header: one row per finding.
pub const CSV_COLUMNS: &[&str] = &[
    "file",
    "line",
    "column",
    "paragraph",
    "character",
    "note",
    "code",
    "severity",
    "term",
    "sentence",
    "message",
];

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line
/// break. Text that a spreadsheet would run as a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_row(fields: &[String]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

pub fn csv(r: &ClassReport) -> String {
    let mut out = csv_row(&CSV_COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    let opt = |n: Option<usize>| n.map_or(String::new(), |n| n.to_string());
    for e in &r.essays {
        for f in &e.findings {
            out.push_str(&csv_row(&[
                e.name.clone(),
                f.line.to_string(),
                f.column.to_string(),
                opt(f.paragraph),
                opt(f.character),
                f.note().unwrap_or_default(),
                f.code.clone(),
                f.severity.clone(),
                f.term.clone(),
                f.sentence.clone(),
                f.message.clone(),
            ]));
        }
    }
    out
}

/// The `name,file` list of an anonymized report, in essay order.
pub fn mapping_csv(pairs: &[(String, String)]) -> String {
    let mut out = csv_row(&["essay".to_string(), "file".to_string()]);
    for (essay, file) in pairs {
        out.push_str(&csv_row(&[essay.clone(), file.clone()]));
    }
    out
}

/// Escape text for Markdown: punctuation that could start markup is
/// backslash-escaped, `<` and `&` become entities (so no raw HTML gets
/// through), line breaks become spaces.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.' | '!' | '|' | '~'
            | '"' | '\'' | ':' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

pub fn markdown(r: &ClassReport) -> String {
    let mut s = String::new();
    let t = &r.totals;
    let _ = writeln!(s, "# {}\n", md_escape(&r.title));
    let _ = writeln!(
        s,
        "Made by {}{}.\n",
        md_escape(&r.generator),
        if r.anonymized { "; essays anonymized" } else { "" }
    );
    let _ = writeln!(
        s,
        "**{}** essays, **{}** words, **{}** findings; **{}** essays with findings.\n",
        t.essays, t.words, t.findings, t.essays_with_findings
    );
    s.push_str("## Misconceptions\n\n| misconception | code | findings | essays |\n|---|---|--:|--:|\n");
    for c in &r.codes {
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} of {} |",
            md_escape(&c.title),
            c.code,
            c.findings,
            c.essays,
            t.essays
        );
    }
    s.push_str("\n## Concepts\n\n| concept | essays using it | mentions | essays defining it |\n|---|--:|--:|--:|\n");
    for c in &r.concepts {
        let _ = writeln!(
            s,
            "| {} | {} of {} | {} | {} of {} |",
            md_escape(&c.label),
            c.essays_using,
            t.essays,
            c.mentions,
            c.essays_defining,
            t.essays
        );
    }
    let never: Vec<String> = r
        .concepts
        .iter()
        .filter(|c| c.essays_using > 0 && c.essays_defining == 0)
        .map(|c| md_escape(&c.label))
        .collect();
    if !never.is_empty() {
        let _ = writeln!(s, "\nUsed but never defined by any essay: {}.", never.join(", "));
    }
    if !r.not_included.is_empty() {
        s.push_str("\n## Not included\n\n");
        for n in &r.not_included {
            let _ = writeln!(s, "- {}", md_escape(n));
        }
    }
    s.push_str("\n## Essays\n\n| essay | words | findings |");
    for c in &r.codes {
        let _ = write!(s, " `{}` |", c.code);
    }
    s.push_str("\n|---|--:|--:|");
    for _ in &r.codes {
        s.push_str("--:|");
    }
    s.push('\n');
    for e in &r.essays {
        let _ = write!(s, "| {} | {} | {} |", md_escape(&e.name), e.words, e.findings.len());
        for c in &r.codes {
            let _ = write!(s, " {} |", e.per_code.get(&c.code).copied().unwrap_or(0));
        }
        s.push('\n');
    }
    for e in &r.essays {
        let _ = writeln!(s, "\n## {}\n", md_escape(&e.name));
        let _ = writeln!(s, "{} words, {} findings.", e.words, e.findings.len());
        for f in &e.findings {
            let chars: Vec<char> = f.sentence.chars().collect();
            let [a, b] = [
                f.mark[0].min(chars.len()),
                f.mark[1].min(chars.len()).max(f.mark[0].min(chars.len())),
            ];
            let part = |r: std::ops::Range<usize>| md_escape(&chars[r].iter().collect::<String>());
            let _ = writeln!(
                s,
                "\n- **{}** (`{}`, {}), {}:\n  > {}**{}**{}\n\n  {}",
                md_escape(&f.title),
                f.code,
                f.severity,
                md_escape(&f.place),
                part(0..a),
                part(a..b),
                part(b..chars.len()),
                md_escape(&f.message)
            );
            if let Some(first) = f.fixes.first() {
                let _ = write!(s, "\n  Fix: {}", md_escape(first));
                if let Some(rw) = &f.rewrite {
                    let _ = write!(s, ": *{}*", md_escape(rw));
                }
                s.push('\n');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn markdown_escapes_markup_and_html() {
        assert_eq!(
            md_escape("<script>a*b_[c](javascript:x)</script> | #1\n"),
            "&lt;script&gt;a\\*b\\_\\[c\\]\\(javascript\\:x\\)&lt;/script&gt; \\| \\#1 "
        );
    }
}
