//! Acronyms the document defines as something else.
//!
//! "the Darfur Peace Agreement (DPA)" makes every "DPA" of that document the
//! agreement, not the UN's Department of Political Affairs; the same for
//! "DPA (Darfur Peace Agreement)". A hit on such an acronym is dropped
//! everywhere in the document. An expansion that is itself one of the
//! term's names ("Department of Political Affairs (DPA)") changes nothing.

use super::TermHit;
use std::ops::Range;

/// Words an expansion may hold that its acronym skips.
const SKIPPED: &[&str] = &[
    "of", "for", "the", "and", "in", "on", "to", "de", "des", "du", "la", "le", "&",
];

/// The acronyms that `text` defines with an expansion that is not a name
/// of the same term (sorted, each once).
pub fn redefined(text: &str, hits: &[TermHit]) -> Vec<String> {
    let mut other: Vec<&str> = Vec::new();
    for (i, h) in hits.iter().enumerate() {
        let acronym = &text[h.range.clone()];
        if !is_acronym(acronym) || other.contains(&acronym) {
            continue;
        }
        let before = text[..h.range.start].trim_end();
        let after = text[h.range.end..].trim_start();
        // "Expansion (ACR)".
        let expansion = if before.ends_with('(') && after.starts_with(')') {
            let words = &before[..before.len() - 1];
            let start = expansion_start(words, acronym);
            start.map(|s| s..words.len())
        // "ACR (Expansion)".
        } else if after.starts_with('(') {
            let open = h.range.end + (text[h.range.end..].len() - after.len()) + 1;
            let close = text[open..].find(')').map(|c| open + c);
            close
                .filter(|&c| c - open < 120 && initials(&text[open..c]).eq_ignore_ascii_case(acronym))
                .map(|c| open..c)
        } else {
            None
        };
        let Some(expansion) = expansion else {
            continue;
        };
        // The term named in full inside the expansion: the same thing.
        let same = hits
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && o.term == h.term && overlaps(&o.range, &expansion));
        if !same {
            other.push(acronym);
        }
    }
    let mut out: Vec<String> = other.into_iter().map(str::to_string).collect();
    out.sort();
    out
}

/// Drop the hits on the acronyms of `redefined` (sorted), wherever in the
/// document they were defined.
pub fn drop(text: &str, hits: &mut Vec<TermHit>, redefined: &[String]) {
    if !redefined.is_empty() {
        hits.retain(|h| {
            redefined
                .binary_search_by(|r| r.as_str().cmp(&text[h.range.clone()]))
                .is_err()
        });
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Two to six capitals, nothing else.
fn is_acronym(w: &str) -> bool {
    (2..=6).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase())
}

/// The initials of an expansion's words, skipping small words.
fn initials(words: &str) -> String {
    words
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty() && !SKIPPED.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Where the expansion of `acronym` starts in `words` (which end right
/// before the parenthesis), if the last words spell it.
fn expansion_start(words: &str, acronym: &str) -> Option<usize> {
    let spans = crate::scan::runs(words, |c| !c.is_whitespace());
    let want = acronym.to_lowercase();
    let mut got = String::new();
    for span in spans.into_iter().rev().take(12) {
        let word = &words[span.clone()];
        if SKIPPED.contains(&word.to_lowercase().as_str()) {
            continue;
        }
        let first = word.chars().next()?.to_lowercase().next()?;
        if !first.is_alphabetic() {
            return None;
        }
        got.insert(0, first);
        if !want.ends_with(&got) {
            return None;
        }
        if got.len() == want.len() {
            return Some(span.start);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::terms::Database;
    use crate::text::Format;

    fn flagged(text: &str) -> Vec<String> {
        let a = analyze(text, Format::Plain, Database::builtin());
        a.terms.iter().map(|t| text[t.range.clone()].to_string()).collect()
    }

    #[test]
    fn an_acronym_defined_as_something_else_is_not_the_term() {
        let text = "In 2006 the government signed the Darfur Peace Agreement (DPA). The DPA collapsed within months.";
        assert!(!flagged(text).iter().any(|t| t == "DPA"), "{:?}", flagged(text));
        let text = "Rebels rejected the DPA (Darfur Peace Agreement) at once.";
        assert!(!flagged(text).iter().any(|t| t == "DPA"), "{:?}", flagged(text));
    }

    #[test]
    fn an_acronym_defined_as_itself_stays_the_term() {
        let text = "The Department of Political Affairs (DPA) sent envoys. The DPA deployed no troops.";
        let got = flagged(text);
        assert!(got.iter().filter(|t| *t == "DPA").count() == 2, "{got:?}");
        let text = "The DPA sent envoys to Geneva.";
        assert!(flagged(text).iter().any(|t| t == "DPA"));
    }
}
