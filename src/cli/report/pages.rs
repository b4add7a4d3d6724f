//! The rule pages of `docs/rules/`, embedded at build time, and the parts
//! of them a teacher's feedback sheet uses: "What the mistake is", "Why it
//! matters" and "How to fix it".

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

include!(concat!(env!("OUT_DIR"), "/embedded_rule_pages.rs"));

/// The Markdown of a code's rule page, if there is one.
pub fn page(code: &str) -> Option<&'static str> {
    RULE_PAGES.iter().find(|(c, _)| *c == code).map(|(_, p)| *p)
}

/// The explanation sections of a rule page, as `(heading, Markdown)`.
pub fn explanation(code: &str) -> Vec<(&'static str, &'static str)> {
    let Some(page) = page(code) else {
        return Vec::new();
    };
    ["What the mistake is", "Why it matters", "How to fix it"]
        .into_iter()
        .filter_map(|h| section(page, h).map(|s| (h, s)))
        .collect()
}

/// The text under a `## heading` of a page, up to the next `## `.
pub fn section<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let mut offset = 0;
    let mut start = None;
    for line in page.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if let Some(h) = trimmed.strip_prefix("## ") {
            if let Some(s) = start {
                return Some(page[s..offset].trim());
            }
            if h.trim() == heading {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    start.map(|s| page[s..].trim())
}

/// Escape text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Render a rule page's Markdown as inert HTML: paragraphs, lists,
/// emphasis, code and code blocks; links keep their text only, raw HTML
/// and images are shown as text, headings become `h4`.
pub fn markdown_html(md: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(md, Options::empty()) {
        match event {
            Event::Start(tag) => out.push_str(match tag {
                Tag::Paragraph => "<p>",
                Tag::Heading { .. } => "<h4>",
                Tag::BlockQuote(_) => "<blockquote>",
                Tag::CodeBlock(_) => "<pre><code>",
                Tag::List(Some(_)) => "<ol>",
                Tag::List(None) => "<ul>",
                Tag::Item => "<li>",
                Tag::Emphasis => "<em>",
                Tag::Strong => "<strong>",
                _ => "",
            }),
            Event::End(tag) => out.push_str(match tag {
                TagEnd::Paragraph => "</p>\n",
                TagEnd::Heading(_) => "</h4>\n",
                TagEnd::BlockQuote(_) => "</blockquote>\n",
                TagEnd::CodeBlock => "</code></pre>\n",
                TagEnd::List(true) => "</ol>\n",
                TagEnd::List(false) => "</ul>\n",
                TagEnd::Item => "</li>\n",
                TagEnd::Emphasis => "</em>",
                TagEnd::Strong => "</strong>",
                _ => "",
            }),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&esc(&t)),
            Event::Code(t) => {
                out.push_str("<code>");
                out.push_str(&esc(&t));
                out.push_str("</code>");
            }
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>"),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_of_the_table_has_its_explanation_embedded() {
        let db = crate::terms::Database::builtin();
        for rule in &db.rules {
            let sections = explanation(&rule.code);
            let headings: Vec<&str> = sections.iter().map(|(h, _)| *h).collect();
            assert_eq!(
                headings,
                ["What the mistake is", "Why it matters", "How to fix it"],
                "{}",
                rule.code
            );
            assert!(sections.iter().all(|(_, s)| !s.is_empty() && !s.contains("\n## ")));
        }
        assert!(explanation("no-such-code").is_empty());
    }

    #[test]
    fn sections_end_at_the_next_heading() {
        let page = "# t\n\n## One\n\nfirst\n\n## Two\n\nsecond\n";
        assert_eq!(section(page, "One"), Some("first"));
        assert_eq!(section(page, "Two"), Some("second"));
        assert_eq!(section(page, "Three"), None);
    }

    #[test]
    fn markdown_renders_inert() {
        let html = markdown_html(
            "A *b* **c** `d` [e](javascript:alert(1)) <script>x</script>\n\n- one\n- two\n\n1. n\n\n![i](http://x/y.png)",
        );
        assert_eq!(
            html,
            "<p>A <em>b</em> <strong>c</strong> <code>d</code> e &lt;script&gt;x&lt;/script&gt;</p>\n\
             <ul><li>one</li>\n<li>two</li>\n</ul>\n<ol><li>n</li>\n</ol>\n<p>i</p>\n"
        );
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
