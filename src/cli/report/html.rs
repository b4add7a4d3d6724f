//! The class report as one self-contained HTML page: inline CSS, inline SVG
//! charts and a small inline script (sorting, row clicks), no network.
//!
//! Every piece of student text (and every path) goes through [`esc`]; no
//! student text is ever put in an attribute other than an escaped `title`,
//! in a URL, in the style sheet or in the script. A Content Security Policy
//! allows only this page's own style sheet and script, by hash, and nothing
//! from anywhere: even an escaping mistake could not run code or fetch
//! anything.

use super::model::{ClassReport, CodeStat, Essay, EssayFinding};
use super::pages::{esc, explanation, markdown_html};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fmt::Write;

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// Findings shown in full per essay; the rest are counted (the CSV and
/// JSON formats list them all).
pub const MAX_DETAILED: usize = 100;

fn csp_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

fn percent(part: usize, whole: usize) -> usize {
    (part * 100 + whole / 2).checked_div(whole).unwrap_or(0)
}

/// The short key of the i-th code in the charts and the table: A, B, ...,
/// Z, AA, AB, ...
pub fn key(i: usize) -> String {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    if i < 26 {
        letter(i).to_string()
    } else {
        format!("{}{}", letter(i / 26 - 1), letter(i))
    }
}

/// A horizontal bar chart. `bars`: (label, value, css class, text after
/// the bar, data attributes).
fn bar_chart(id: &str, title: &str, bars: &[(String, usize, String, String, String)], max: usize) -> String {
    let label_w = 400.0;
    let bar_w = 330.0;
    let row_h = 26.0;
    let width = label_w + bar_w + 240.0;
    let height = row_h * bars.len().max(1) as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="{id}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{}</title>"#,
        esc(title)
    );
    for (i, (label, value, class, after, data)) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let w = if max == 0 {
            0.0
        } else {
            (*value as f64 / max as f64 * bar_w).max(if *value > 0 { 2.0 } else { 0.0 })
        };
        let _ = write!(
            s,
            r#"<g class="bar" {data}><title>{label}: {after}</title><text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect class="track" x="{label_w}" y="{ry}" width="{bar_w}" height="18" rx="3"/><rect class="value {class}" x="{label_w}" y="{ry}" width="{w:.1}" height="18" rx="3"/><text class="count" x="{cx}" y="{ty}">{after}</text></g>"#,
            label = esc(label),
            after = esc(after),
            lx = label_w - 8.0,
            ty = y + 13.5,
            ry = y,
            cx = label_w + bar_w + 8.0,
        );
    }
    s.push_str("</svg>");
    s
}

/// A chart label: the code's key and its title, at most 50 characters.
fn short(i: usize, label: &str) -> String {
    let label = format!("{} \u{b7} {label}", key(i));
    if label.chars().count() <= 50 {
        label
    } else {
        let cut: String = label.chars().take(49).collect();
        format!("{}\u{2026}", cut.trim_end())
    }
}

fn charts(r: &ClassReport) -> String {
    let codes: Vec<&CodeStat> = r.codes.iter().collect();
    let max_findings = codes.iter().map(|c| c.findings).max().unwrap_or(0);
    let findings: Vec<(String, usize, String, String, String)> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                short(i, &c.title),
                c.findings,
                format!("sev-{}", c.severity),
                plural(c.findings, "finding", "findings"),
                format!(
                    r#"data-code="{}" data-findings="{}" data-essays="{}""#,
                    esc(&c.code),
                    c.findings,
                    c.essays
                ),
            )
        })
        .collect();
    let n = r.totals.essays;
    let essays: Vec<(String, usize, String, String, String)> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                short(i, &c.title),
                c.essays,
                format!("sev-{}", c.severity),
                format!("{} of {} essays ({}%)", c.essays, n, percent(c.essays, n)),
                format!(
                    r#"data-code="{}" data-findings="{}" data-essays="{}""#,
                    esc(&c.code),
                    c.findings,
                    c.essays
                ),
            )
        })
        .collect();
    format!(
        r#"<div class="charts"><figure><figcaption>Findings per misconception</figcaption>{}</figure><figure><figcaption>Essays showing each misconception</figcaption>{}</figure></div>"#,
        bar_chart("chart-findings", "Findings per misconception", &findings, max_findings),
        bar_chart("chart-essays", "Share of essays showing each misconception", &essays, n)
    )
}

fn headline(r: &ClassReport) -> String {
    let mut s = String::new();
    // The most widespread misconception; the rule table's order breaks ties.
    let mut worst: Option<&CodeStat> = None;
    for c in r.codes.iter().filter(|c| c.essays > 0) {
        if worst.is_none_or(|w| (c.essays, c.findings) > (w.essays, w.findings)) {
            worst = Some(c);
        }
    }
    match worst {
        Some(c) => {
            let _ = write!(
                s,
                r#"<p class="callout" id="headline">{} of {} essays: {} ({}).</p>"#,
                c.essays,
                r.totals.essays,
                esc(&lowercase_first(&c.title)),
                plural(c.findings, "finding", "findings")
            );
        }
        None if r.totals.essays > 0 => {
            s.push_str(r#"<p class="callout ok" id="headline">No essay conflates the concepts.</p>"#);
        }
        None => {}
    }
    s
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn concepts_section(r: &ClassReport) -> String {
    let mut s = String::from(
        r#"<h2 id="concepts">Concepts</h2><table id="concept-table"><thead><tr><th>Concept</th><th>Essays using it</th><th>Mentions</th><th>Essays defining it</th></tr></thead><tbody>"#,
    );
    for c in &r.concepts {
        let _ = write!(
            s,
            r#"<tr data-concept="{}"><td>{}</td><td>{} of {}</td><td>{}</td><td>{} of {}</td></tr>"#,
            esc(&c.concept),
            esc(&c.label),
            c.essays_using,
            r.totals.essays,
            thousands(c.mentions),
            c.essays_defining,
            r.totals.essays
        );
    }
    s.push_str("</tbody></table>");
    let never: Vec<String> = r
        .concepts
        .iter()
        .filter(|c| c.essays_using > 0 && c.essays_defining == 0)
        .map(|c| {
            format!(
                "{} (used in {})",
                esc(&c.label),
                plural(c.essays_using, "essay", "essays")
            )
        })
        .collect();
    let unused: Vec<String> = r
        .concepts
        .iter()
        .filter(|c| c.essays_using == 0)
        .map(|c| esc(&c.label))
        .collect();
    if !never.is_empty() {
        let _ = write!(
            s,
            r#"<p class="callout" id="never-defined">Used but never defined by any essay: {}.</p>"#,
            never.join("; ")
        );
    }
    if !unused.is_empty() {
        let _ = write!(
            s,
            r#"<p class="sub" id="never-used">Not used by any essay: {}.</p>"#,
            unused.join(", ")
        );
    }
    s
}

fn essay_table(r: &ClassReport) -> String {
    let legend: Vec<String> = r
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| format!("<strong>{}</strong> {}", key(i), esc(&c.title)))
        .collect();
    let mut s = format!(
        r#"<h2 id="essay-list">Essays</h2><p class="sub"><span class="noprint">Click a column to sort, a row to open the essay's feedback. </span>Findings per misconception: {}. Concept columns: mentions of the concept's terms (def. = the essay defines it).</p>"#,
        legend.join(" \u{b7} ")
    );
    s.push_str(r#"<table id="essays"><thead><tr><th data-type="text"><button type="button">Essay</button></th><th data-type="number"><button type="button">Words</button></th><th data-type="number"><button type="button">Findings</button></th>"#);
    for (i, c) in r.codes.iter().enumerate() {
        let _ = write!(
            s,
            r#"<th data-type="number" data-code="{}" title="{}: {}"><button type="button">{}</button></th>"#,
            esc(&c.code),
            esc(&c.title),
            esc(&c.code),
            key(i)
        );
    }
    for c in &r.concepts {
        let _ = write!(
            s,
            r#"<th data-type="number" data-concept="{}" title="Mentions of {} terms; def. = defined"><button type="button">{}</button></th>"#,
            esc(&c.concept),
            esc(&c.label),
            esc(&c.label)
        );
    }
    s.push_str("</tr></thead><tbody>");
    for e in &r.essays {
        let _ = write!(
            s,
            r##"<tr data-target="{id}"><td data-sort="{name}"><a href="#{id}">{name}</a></td><td data-sort="{w}">{ws}</td><td data-sort="{f}">{f}</td>"##,
            id = esc(&e.id),
            name = esc(&e.name),
            w = e.words,
            ws = thousands(e.words),
            f = e.findings.len()
        );
        for c in &r.codes {
            let n = e.per_code.get(&c.code).copied().unwrap_or(0);
            let class = if n == 0 { r#" class="zero""# } else { "" };
            let _ = write!(s, r#"<td data-sort="{n}"{class}>{n}</td>"#);
        }
        for c in &r.concepts {
            let u = e.concepts.get(&c.concept).copied().unwrap_or_default();
            let class = if u.mentions == 0 { r#" class="zero""# } else { "" };
            let def = if u.defined {
                r#" <span class="def">def.</span>"#
            } else {
                ""
            };
            let _ = write!(s, r#"<td data-sort="{m}"{class}>{m}{def}</td>"#, m = u.mentions);
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// The sentence with the flagged words marked.
fn context(f: &EssayFinding) -> String {
    let chars: Vec<char> = f.sentence.chars().collect();
    let [a, b] = [f.mark[0].min(chars.len()), f.mark[1].min(chars.len())];
    let part = |r: std::ops::Range<usize>| esc(&chars[r].iter().collect::<String>());
    format!(
        "{}<mark>{}</mark>{}",
        part(0..a),
        part(a..b.max(a)),
        part(b.max(a)..chars.len())
    )
}

fn essay_section(r: &ClassReport, e: &Essay) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<section class="essay" id="{id}" data-findings="{n}"><h2>{name}<a class="top noprint" href="#essay-list">back to the list</a></h2><p class="meta">{words} · {findings}</p>"##,
        id = esc(&e.id),
        name = esc(&e.name),
        n = e.findings.len(),
        words = plural(e.words, "word", "words"),
        findings = plural(e.findings.len(), "finding", "findings"),
    );
    // What the essay does with the concepts.
    let used: Vec<String> = r
        .concepts
        .iter()
        .filter_map(|c| {
            let u = e.concepts.get(&c.concept)?;
            (u.mentions > 0).then(|| {
                format!(
                    "{} ({}{})",
                    esc(&c.label),
                    plural(u.mentions, "mention", "mentions"),
                    if u.defined { ", defined" } else { ", not defined" }
                )
            })
        })
        .collect();
    if used.is_empty() {
        s.push_str("<p>Uses none of the five concepts.</p>");
    } else {
        let _ = write!(s, "<p>Concepts used: {}.</p>", used.join("; "));
    }
    if e.findings.is_empty() {
        s.push_str(r#"<p class="callout ok">No conflation of the concepts found.</p></section>"#);
        return s;
    }
    let mut shown = 0;
    for c in &r.codes {
        let group: Vec<&EssayFinding> = e.findings.iter().filter(|f| f.code == c.code).collect();
        if group.is_empty() || shown >= MAX_DETAILED {
            continue;
        }
        let severity = &group[0].severity;
        let _ = write!(
            s,
            r#"<article class="rule" data-code="{code}"><h3>{title}<code>{code}</code><span class="badge {sev}">{sev}</span></h3><ol class="findings">"#,
            code = esc(&c.code),
            title = esc(&c.title),
            sev = esc(severity),
        );
        for f in &group {
            if shown >= MAX_DETAILED {
                break;
            }
            shown += 1;
            let _ = write!(
                s,
                r#"<li><p class="where">{}</p><blockquote class="context">{}</blockquote><p class="message">{}</p>"#,
                esc(&capitalize(&f.place)),
                context(f),
                esc(&f.message)
            );
            if let Some(first) = f.fixes.first() {
                let _ = write!(s, r#"<p class="fix"><strong>Fix:</strong> {}"#, esc(first));
                if let Some(rw) = &f.rewrite {
                    let _ = write!(s, r#": <q>{}</q>"#, esc(rw));
                }
                if f.fixes.len() > 1 {
                    let others: Vec<String> = f.fixes[1..].iter().map(|t| esc(t)).collect();
                    let _ = write!(s, r#". Or: {}"#, others.join("; "));
                }
                s.push_str("</p>");
            }
            s.push_str("</li>");
        }
        s.push_str("</ol>");
        let sections = explanation(&c.code);
        if !sections.is_empty() {
            s.push_str(r#"<div class="explain">"#);
            for (heading, md) in sections {
                let _ = write!(s, "<h4>{}</h4>{}", esc(heading), markdown_html(md));
            }
            s.push_str("</div>");
        }
        s.push_str("</article>");
    }
    if e.findings.len() > shown {
        let _ = write!(
            s,
            r#"<p class="more">{} not shown here; the CSV and JSON formats list every finding.</p>"#,
            plural(e.findings.len() - shown, "more finding", "more findings")
        );
    }
    s.push_str("</section>");
    s
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The whole page.
pub fn render(r: &ClassReport) -> String {
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(CSS),
        csp_hash(JS)
    );
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{generator}">
<title>{title}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header><h1>{title}</h1><p class="sub">Made by {generator}{anon}.</p></header>
"#,
        title = esc(&r.title),
        generator = esc(&r.generator),
        anon = if r.anonymized {
            "; essays anonymized (the teacher keeps the list of names)"
        } else {
            ""
        },
    );
    let t = &r.totals;
    let _ = write!(
        s,
        r#"<section class="overview" id="overview"><h2>The class at a glance</h2><div class="cards"><div class="card" id="total-essays"><span class="n">{}</span><span class="l">essays</span></div><div class="card" id="total-words"><span class="n">{}</span><span class="l">words</span></div><div class="card" id="total-findings"><span class="n">{}</span><span class="l">findings</span></div><div class="card" id="total-essays-with-findings"><span class="n">{}</span><span class="l">essays with findings</span></div></div>"#,
        thousands(t.essays),
        thousands(t.words),
        thousands(t.findings),
        thousands(t.essays_with_findings)
    );
    s.push_str(&headline(r));
    s.push_str(&charts(r));
    s.push_str(&concepts_section(r));
    if !r.not_included.is_empty() {
        let _ = write!(
            s,
            r#"<h3>Not included</h3><ul id="not-included">{}</ul>"#,
            r.not_included
                .iter()
                .map(|n| format!("<li>{}</li>", esc(n)))
                .collect::<String>()
        );
    }
    s.push_str(&essay_table(r));
    s.push_str("</section>\n");
    for e in &r.essays {
        s.push_str(&essay_section(r, e));
        s.push('\n');
    }
    let _ = write!(
        s,
        r#"<footer>Findings are suggestions for a teacher to review, not marks. Each explanation comes from the rule pages of {}.</footer>
</main>
<script>{JS}</script>
</body>
</html>
"#,
        esc(&r.generator)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(14, 30), 47);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn the_policy_hashes_are_those_of_the_inline_style_and_script() {
        // SHA-256 of "" is the well-known 47DEQpj8... value.
        assert_eq!(csp_hash(""), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
        let page = render(&ClassReport {
            title: "T".into(),
            generator: "g".into(),
            anonymized: false,
            totals: Default::default(),
            codes: Vec::new(),
            concepts: Vec::new(),
            essays: Vec::new(),
            not_included: Vec::new(),
        });
        assert!(page.contains(&format!("<style>{CSS}</style>")));
        assert!(page.contains(&format!("<script>{JS}</script>")));
        assert!(page.contains(&csp_hash(CSS)) && page.contains(&csp_hash(JS)));
    }
}
