//! Rule codes named in suppression comments, so that each can link to its
//! rule page.

use crate::analysis::suppress::directives;
use crate::text::Format;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLink {
    pub range: Range<usize>,
    pub code: String,
}

/// Every code written in a suppression directive, where it is written.
pub fn rule_links(source: &str, format: Format) -> Vec<RuleLink> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut out = Vec::new();
    for d in directives(source, format) {
        let Some(comment) = source.get(d.range.clone()) else {
            continue;
        };
        // Codes come after the directive word, in order.
        let mut from = comment.find(crate::analysis::DIRECTIVE_PREFIX).unwrap_or(0);
        from += comment[from..]
            .find(char::is_whitespace)
            .unwrap_or(comment.len() - from);
        for code in &d.codes {
            let found = comment[from..].match_indices(code.as_str()).find(|(i, _)| {
                let (s, e) = (from + i, from + i + code.len());
                !comment[..s].chars().next_back().is_some_and(is_word)
                    && !comment[e..].chars().next().is_some_and(is_word)
            });
            if let Some((i, _)) = found {
                let s = from + i;
                out.push(RuleLink {
                    range: d.range.start + s..d.range.start + s + code.len(),
                    code: code.clone(),
                });
                from = s + code.len();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(source: &str, format: Format) -> Vec<(&str, String)> {
        rule_links(source, format)
            .into_iter()
            .map(|l| (&source[l.range], l.code))
            .collect()
    }

    #[test]
    fn codes_in_markdown_latex_and_text_directives() {
        let md = "Intro.\n<!-- peace-lsp-disable-next-line peacekeeping-as-peacemaking, terms-as-synonyms -->\nText.\n";
        assert_eq!(
            linked(md, Format::Markdown),
            vec![
                ("peacekeeping-as-peacemaking", "peacekeeping-as-peacemaking".to_string()),
                ("terms-as-synonyms", "terms-as-synonyms".to_string())
            ]
        );
        let tex = "% peace-lsp-disable peacekeeping-as-peacemaking\nText.\n";
        assert_eq!(linked(tex, Format::Latex).len(), 1);
        let txt = "peace-lsp-enable terms-as-synonyms\n";
        assert_eq!(
            linked(txt, Format::Plain),
            vec![("terms-as-synonyms", "terms-as-synonyms".to_string())]
        );
    }

    #[test]
    fn a_directive_without_codes_or_a_code_outside_a_comment_links_nothing() {
        assert!(linked("<!-- peace-lsp-disable -->\n", Format::Markdown).is_empty());
        assert!(linked("The rule peacekeeping-as-peacemaking is strict.\n", Format::Markdown).is_empty());
    }
}
