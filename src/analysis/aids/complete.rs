//! Completion of the vocabulary: the word being typed (two letters or
//! more, in prose, not in code, math or a URL) completed to the known
//! forms that start with it, in the writer's case; optionally a second
//! item per term that adds a citation from its `sources`.

use crate::analysis::Edit;
use crate::terms::Database;
use crate::text::{extract, Format};
use std::ops::Range;

/// At most this many terms are offered.
const MAX_TERMS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index into `Database::terms`.
    pub term: usize,
    /// The form as inserted, in the writer's case.
    pub text: String,
    /// With `citations`: the text that inserts the form with a citation, and
    /// any edit elsewhere (a Markdown footnote's definition at the end).
    pub cited: Option<(String, Vec<Edit>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The word typed so far, which a candidate replaces.
    pub replace: Range<usize>,
    pub candidates: Vec<Candidate>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '\'' || c == '\u{2019}'
}

/// The form in the writer's case: a lowercase form follows the prefix's
/// capital or capitals; a form with capitals of its own (a name, an
/// acronym) is kept.
fn in_writers_case(prefix: &str, form: &str) -> String {
    if form.chars().any(char::is_uppercase) {
        return form.to_string();
    }
    let letters: Vec<char> = prefix.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        return form.to_uppercase();
    }
    match prefix.chars().next() {
        Some(c) if c.is_uppercase() => {
            let mut chars = form.chars();
            chars
                .next()
                .map(|f| f.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        _ => form.to_string(),
    }
}

/// Whether the word at `start..end` is part of a URL, a path or an address.
fn in_url(source: &str, start: usize, end: usize) -> bool {
    let token_start = source[..start]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '<' | '[' | '"'))
        .map_or(0, |i| i + 1);
    let token_end = source[end..]
        .find(|c: char| c.is_whitespace())
        .map_or(source.len(), |i| end + i);
    let token = &source[token_start..token_end];
    token.contains("://") || token.starts_with("www.") || token.contains('@') || {
        let before = source[..start].chars().next_back();
        matches!(before, Some('/' | '.' | '\\' | '_' | ':' | '#' | '='))
    }
}

fn escape_latex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            _ => out.push(c),
        }
    }
    out
}

/// The citation variant of a form: a footnote in Markdown (its definition
/// added at the end unless the document has it), `\footnote{}` in LaTeX;
/// nothing in plain text or for a term without sources.
fn cite(source: &str, format: Format, id: &str, text: &str, sources: &[String]) -> Option<(String, Vec<Edit>)> {
    if sources.is_empty() {
        return None;
    }
    match format {
        Format::Markdown => {
            let label = format!("[^{id}]");
            let mut edits = Vec::new();
            if !source.contains(&format!("{label}:")) {
                let sep = if source.ends_with("\n\n") {
                    ""
                } else if source.ends_with('\n') {
                    "\n"
                } else {
                    "\n\n"
                };
                edits.push(Edit {
                    range: source.len()..source.len(),
                    text: format!("{sep}{label}: {}\n", sources.join("; ")),
                });
            }
            Some((format!("{text}{label}"), edits))
        }
        Format::Latex => Some((format!("{text}\\footnote{{{}}}", escape_latex(&sources[0])), Vec::new())),
        Format::Plain => None,
    }
}

/// What to offer at `offset` (a byte offset of `source`), if anything.
pub fn complete(source: &str, format: Format, offset: usize, db: &Database, citations: bool) -> Option<Completion> {
    let mut end = offset.min(source.len());
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    let start = source[..end]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(end, |(i, _)| i);
    let prefix = &source[start..end];
    if prefix.chars().filter(|c| c.is_alphabetic()).count() < 2 || in_url(source, start, end) {
        return None;
    }
    // In prose only: the mask hides code, math, URLs of links and markup.
    let prose = extract(source, format).text;
    if prose.get(start..end) != Some(prefix) {
        return None;
    }
    let wanted = prefix.to_lowercase().replace('\u{2019}', "'");
    let mut found: Vec<(usize, &str)> = Vec::new();
    for (i, term) in db.terms.iter().enumerate() {
        let mut forms: Vec<&str> = term
            .surface_forms()
            .filter(|f| f.to_lowercase().starts_with(&wanted))
            .collect();
        forms.sort_by_key(|f| f.len());
        forms.dedup_by_key(|f| f.to_lowercase());
        found.extend(forms.into_iter().map(|f| (i, f)));
    }
    // Concepts first, then shorter forms, then the database's order.
    found.sort_by_key(|&(i, f)| (db.terms[i].kind != "concept", f.len(), i));
    let mut terms_seen = Vec::new();
    let candidates: Vec<Candidate> = found
        .into_iter()
        .filter(|&(i, _)| {
            if !terms_seen.contains(&i) {
                terms_seen.push(i);
            }
            terms_seen.len() <= MAX_TERMS && terms_seen.contains(&i)
        })
        .map(|(i, form)| {
            let term = &db.terms[i];
            let text = in_writers_case(prefix, form);
            let cited = if citations {
                cite(source, format, &term.id, &text, &term.sources)
            } else {
                None
            };
            Candidate { term: i, text, cited }
        })
        .collect();
    (!candidates.is_empty()).then_some(Completion {
        replace: start..end,
        candidates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Candidates at the end, or at `|` when the text has one.
    fn texts(source: &str, format: Format) -> Vec<String> {
        let at = source.find('|').unwrap_or(source.len());
        let source = source.replacen('|', "", 1);
        complete(&source, format, at, Database::builtin(), false)
            .map(|c| c.candidates.into_iter().map(|c| c.text).collect())
            .unwrap_or_default()
    }

    #[test]
    fn two_letters_offer_known_forms_in_the_writers_case() {
        let t = texts("The role of peacek", Format::Plain);
        assert!(t.contains(&"peacekeeping".to_string()), "{t:?}");
        assert!(t.contains(&"peacekeepers".to_string()) || t.contains(&"peacekeeper".to_string()));
        let t = texts("Peacek", Format::Plain);
        assert!(t.contains(&"Peacekeeping".to_string()), "{t:?}");
        let t = texts("In 1993 UNPRO", Format::Plain);
        assert_eq!(t, vec!["UNPROFOR".to_string()]);
        // Names keep their capitals whatever the writer typed.
        let t = texts("the dayt", Format::Plain);
        assert!(t.iter().any(|f| f.starts_with("Dayton")), "{t:?}");
        // The French name.
        let t = texts("le maintien de la p", Format::Plain);
        assert!(t.is_empty() || t.iter().all(|f| f.to_lowercase().starts_with('p')));
        let t = texts("maintien de la pa", Format::Plain);
        assert!(t.iter().all(|f| f.to_lowercase().starts_with("pa")));
    }

    #[test]
    fn one_letter_code_math_and_urls_offer_nothing() {
        assert!(texts("p", Format::Plain).is_empty());
        assert!(texts("Text `peacek|` more", Format::Markdown).is_empty());
        assert!(texts("```\npeacek|\n```\n", Format::Markdown).is_empty());
        assert!(texts("$x + peacek|$ more", Format::Latex).is_empty());
        assert!(!texts("$x$ and peacek", Format::Latex).is_empty());
        assert!(texts("See https://example.org/peacek", Format::Plain).is_empty());
        assert!(texts("See [it](https://example.org/peacek", Format::Markdown).is_empty());
        assert!(!texts("See [peacek", Format::Markdown).is_empty());
    }

    #[test]
    fn citations_are_a_footnote_in_markdown_and_footnote_in_latex() {
        let db = Database::builtin();
        let md = "Essay about peacek";
        let c = complete(md, Format::Markdown, md.len(), db, true).unwrap();
        let pk = c
            .candidates
            .iter()
            .find(|c| db.terms[c.term].id == "peacekeeping" && c.text == "peacekeeping")
            .unwrap();
        let (text, edits) = pk.cited.clone().expect("peacekeeping has sources");
        assert_eq!(text, "peacekeeping[^peacekeeping]");
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].range, md.len()..md.len());
        assert!(
            edits[0].text.starts_with("\n\n[^peacekeeping]: "),
            "{:?}",
            edits[0].text
        );
        // The footnote is defined once.
        let md2 = format!("{md}\n\n[^peacekeeping]: x\n");
        let at = md.len();
        let c = complete(&md2, Format::Markdown, at, db, true).unwrap();
        let pk = c
            .candidates
            .iter()
            .find(|c| db.terms[c.term].id == "peacekeeping")
            .unwrap();
        assert!(pk.cited.as_ref().unwrap().1.is_empty());

        let tex = "Essay about peacek";
        let c = complete(tex, Format::Latex, tex.len(), db, true).unwrap();
        let pk = c
            .candidates
            .iter()
            .find(|c| db.terms[c.term].id == "peacekeeping")
            .unwrap();
        let (text, edits) = pk.cited.clone().unwrap();
        assert!(
            text.starts_with("peacekeeping\\footnote{") && text.ends_with('}'),
            "{text}"
        );
        assert!(edits.is_empty());

        let c = complete(tex, Format::Plain, tex.len(), db, true).unwrap();
        assert!(c.candidates.iter().all(|c| c.cited.is_none()));
        let c = complete(tex, Format::Latex, tex.len(), db, false).unwrap();
        assert!(c.candidates.iter().all(|c| c.cited.is_none()));
    }

    #[test]
    fn the_replaced_range_is_the_word_typed() {
        let s = "A peace-ke and more";
        let at = s.find(" and").unwrap();
        let c = complete(s, Format::Plain, at, Database::builtin(), false).unwrap();
        assert_eq!(&s[c.replace.clone()], "peace-ke");
        assert!(
            c.candidates
                .iter()
                .any(|c| c.text.to_lowercase().starts_with("peace-ke")),
            "{:?}",
            c.candidates
        );
        assert_eq!(escape_latex("50% & A_b"), "50\\% \\& A\\_b");
    }
}
