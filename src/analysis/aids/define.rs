//! Which concepts an essay defines, and the sentence around a finding.
//!
//! A concept counts as defined when the essay has a definitional sentence
//! for one of its concept terms: the term opens the sentence (after at most
//! a determiner such as "the term", or an introductory phrase ending in a
//! comma) and a defining verb or gloss follows ("Peacekeeping is ...",
//! "Peacebuilding refers to ...", "Peace enforcement: ...", "Peacemaking,
//! in the Charter's sense, means ..."); or a defining frame surrounds it
//! ("The UN defines peacekeeping as ...", "By peacebuilding we mean ...").
//! A negated or questioning sentence ("Peacekeeping is not ...",
//! "Is peacekeeping ...?") defines nothing. The frames are a small closed
//! list, below; they are a heuristic for a class overview, not a rule.

use crate::analysis::TermHit;
use crate::terms::{Database, CONCEPTS};
use std::collections::BTreeSet;
use std::ops::Range;

/// Words that may come before the term at the start of a defining sentence.
const LEADS: &[&str] = &[
    "the",
    "a",
    "an",
    "term",
    "terms",
    "concept",
    "concepts",
    "word",
    "notion",
    "idea",
    "un",
    "un's",
    "united",
    "nations",
    "nations'",
    "traditional",
    "classic",
    "classical",
    "modern",
    "so-called",
    "what",
    "we",
    "call",
];

/// Defining verbs and glosses right after the term (lowercase; matched as
/// whole words, longest first).
const PREDICATES: &[&str] = &[
    "can be defined as",
    "may be defined as",
    "can be described as",
    "is best understood as",
    "refers to",
    "refer to",
    "stands for",
    "consists of",
    "is",
    "are",
    "means",
    "mean",
    "denotes",
    "designates",
    "describes",
    "signifies",
    "comprises",
    "involves",
    "entails",
];

/// Glosses: the term, then one of these (after optional white space), or
/// a spaced dash.
const GLOSSES: &[char] = &[':', '=', '\u{2014}'];
const SPACED_DASHES: &[&str] = &[" - ", " \u{2013} "];

/// Words right after the predicate that make it no definition.
const NEGATIONS: &[&str] = &["not", "never", "no", "neither", "hardly", "rarely", "seldom"];

/// Verbs of a "define X as" frame.
const DEFINE_VERBS: &[&str] = &["define", "defines", "defined", "defining"];

/// The concepts (of [`CONCEPTS`]) the essay defines, from its term hits
/// over its prose (the mask of `text::extract`, or the extracted text of a
/// word-processor file). Only terms of kind `concept` count.
pub fn defined_concepts(prose: &str, hits: &[TermHit], db: &Database) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for hit in hits {
        let Some(term) = db.terms.get(hit.term) else { continue };
        if term.kind != "concept" || !CONCEPTS.contains(&term.concept.as_str()) || out.contains(&term.concept) {
            continue;
        }
        if is_definition(prose, hit.range.clone()) {
            out.insert(term.concept.clone());
        }
    }
    out
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-'))
        .filter(|w| !w.is_empty() && w.chars().any(char::is_alphanumeric))
        .map(|w| w.to_lowercase().replace('\u{2019}', "'"))
        .collect()
}

/// Whether the term at `hit` is defined by its sentence.
pub fn is_definition(prose: &str, hit: Range<usize>) -> bool {
    let sentence = sentence_around(prose, hit.clone());
    if prose[hit.end..sentence.end].trim_end().ends_with('?') {
        return false;
    }
    let before = &prose[sentence.start..hit.start];
    let after = &prose[hit.end..sentence.end];
    let lead = words(before);

    // "The UN defines peacekeeping as ...".
    let define_verb = lead
        .iter()
        .rev()
        .find(|w| !matches!(w.as_str(), "the" | "term" | "concept" | "word"))
        .is_some_and(|w| DEFINE_VERBS.contains(&w.as_str()));
    if define_verb && words(after).iter().take(8).any(|w| w == "as") {
        return true;
    }
    // "By peacebuilding, we mean ...".
    if lead.first().is_some_and(|w| w == "by") && lead.len() <= 3 {
        let next: Vec<String> = words(after).into_iter().take(5).collect();
        if next.iter().any(|w| matches!(w.as_str(), "mean" | "means" | "meant")) {
            return true;
        }
    }
    // The term opens the sentence, or follows an introductory phrase.
    let opens = lead.len() <= 4 && lead.iter().all(|w| LEADS.contains(&w.as_str()));
    let introduced = before.trim_end().ends_with([',', ':']) && lead.len() <= 14;
    if !(opens || introduced) {
        return false;
    }
    let rest = skip_parenthetical(after);
    let glossed = rest.trim_start().strip_prefix(GLOSSES).or_else(|| {
        SPACED_DASHES
            .iter()
            .find_map(|d| rest.strip_prefix(d).or_else(|| rest.strip_prefix(&d[1..])))
            .filter(|_| rest.starts_with(char::is_whitespace))
    });
    if let Some(gloss) = glossed {
        return !words(gloss).is_empty();
    }
    let next = words(rest);
    for p in PREDICATES {
        let pw: Vec<&str> = p.split(' ').collect();
        if next.len() > pw.len() && next.iter().zip(&pw).all(|(a, b)| a == b) {
            return !NEGATIONS.contains(&next[pw.len()].as_str()) && next[pw.len()] != "n't";
        }
    }
    false
}

/// Skip a parenthetical right after the term: "(UN)", or ", in the
/// Charter's sense," (a comma phrase of at most twelve words).
fn skip_parenthetical(after: &str) -> &str {
    let t = after.trim_start();
    if let Some(inner) = t.strip_prefix('(') {
        if let Some(close) = inner.find(')') {
            return &inner[close + 1..];
        }
    }
    if let Some(inner) = t.strip_prefix(',') {
        if let Some(close) = inner.find(',') {
            if words(&inner[..close]).len() <= 12 {
                return &inner[close + 1..];
            }
        }
    }
    after
}

/// The most bytes a sentence reaches on either side of a range.
const REACH: usize = 600;

/// Whether a sentence ends just before byte `i` of `s` (a terminator
/// followed by white space).
fn ends_before(s: &str, i: usize) -> bool {
    let b = s.as_bytes();
    i > 0 && i < b.len() && b[i].is_ascii_whitespace() && {
        let prev = s[..i].chars().next_back().unwrap_or(' ');
        matches!(prev, '.' | '!' | '?' | '\u{2026}')
            || (matches!(prev, '"' | '\'' | ')' | '\u{201D}' | '\u{2019}')
                && s[..i]
                    .chars()
                    .rev()
                    .nth(1)
                    .is_some_and(|c| matches!(c, '.' | '!' | '?')))
    }
}

/// Whether a blank line starts at byte `i` (a line break, optional
/// spaces, a line break).
fn blank_line_at(s: &str, i: usize) -> bool {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'\n') {
        return false;
    }
    let mut j = i + 1;
    while j < b.len() && (b[j] == b' ' || b[j] == b'\t' || b[j] == b'\r') {
        j += 1;
    }
    j < b.len() && b[j] == b'\n'
}

/// The sentence around a byte range: from after the previous terminator
/// or blank line to the next terminator (included) or blank line, at most
/// [`REACH`] bytes either side, trimmed.
pub fn sentence_around(s: &str, r: Range<usize>) -> Range<usize> {
    let r = r.start.min(s.len())..r.end.min(s.len()).max(r.start.min(s.len()));
    let mut start = r.start;
    let floor = r.start.saturating_sub(REACH);
    while start > floor {
        let prev = start - 1;
        if s.is_char_boundary(start) && (ends_before(s, start) || blank_line_at(s, prev)) {
            break;
        }
        start = prev;
    }
    while !s.is_char_boundary(start) {
        start += 1;
    }
    let mut end = r.end;
    let ceiling = (r.end + REACH).min(s.len());
    while end < ceiling {
        if s.is_char_boundary(end) && (ends_before(s, end) || blank_line_at(s, end)) {
            break;
        }
        end += 1;
    }
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    // Trim white space on both sides.
    let inner = &s[start..end];
    let lead = inner.len() - inner.trim_start().len();
    let trail = inner.len() - inner.trim_end().len();
    let (a, b) = (start + lead, end - trail);
    if a <= r.start && b >= r.end {
        a..b
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::find_terms;
    use crate::text::Format;

    fn defined(text: &str) -> Vec<String> {
        let db = Database::builtin();
        let prose = crate::text::extract(text, Format::Markdown).text;
        defined_concepts(&prose, &find_terms(text, Format::Markdown, db), db)
            .into_iter()
            .collect()
    }

    #[test]
    fn definitional_sentences_define_their_concept() {
        for (text, concept) in [
            (
                "Peacekeeping is a technique designed to preserve the peace.",
                "peacekeeping",
            ),
            (
                "Peacebuilding refers to long-term work on the causes of conflict.",
                "peacebuilding",
            ),
            (
                "Peacemaking means bringing hostile parties to agreement.",
                "peacemaking",
            ),
            (
                "The term peace enforcement denotes coercive measures.",
                "peace-enforcement",
            ),
            (
                "Conflict prevention: diplomatic action before violence breaks out.",
                "conflict-prevention",
            ),
            (
                "Peacemaking - the diplomacy of agreement - needs mediators.",
                "peacemaking",
            ),
            (
                "Peacekeeping, in the Capstone Doctrine's words, is a technique.",
                "peacekeeping",
            ),
            (
                "In the UN's vocabulary, peacebuilding means reducing the risk of relapse.",
                "peacebuilding",
            ),
            (
                "The UN defines peacekeeping as a way to help countries.",
                "peacekeeping",
            ),
            ("By peacebuilding, we mean the work after a war.", "peacebuilding"),
            (
                "Peacekeeping (UN) can be defined as the deployment of a field presence.",
                "peacekeeping",
            ),
            (
                "# Terms\n\nPeacekeeping is the deployment of troops with consent.",
                "peacekeeping",
            ),
            ("Mediators talk. Peacekeeping is monitoring.", "peacekeeping"),
            ("Definition: peacebuilding is the work after a war.", "peacebuilding"),
        ] {
            assert_eq!(defined(text), [concept], "{text}");
        }
    }

    #[test]
    fn other_sentences_define_nothing() {
        for text in [
            "Peacekeeping is not peacemaking.",
            "Peacekeeping isn't war.",
            "Is peacekeeping a form of peacemaking?",
            "Many scholars say that peacekeeping is a technique.",
            "The peacekeepers are soldiers.",
            "We studied peacebuilding in class.",
            "Peacekeeping.",
            "Peacekeeping-era budgets grew.",
            "The history of peacekeeping is long.",
        ] {
            let got = defined(text);
            assert!(got.is_empty(), "{text}: {got:?}");
        }
    }

    #[test]
    fn a_predicate_on_the_opening_term_counts_even_when_it_only_describes() {
        // The heuristic's known limit: it cannot tell a definition from a
        // description that opens with the term.
        assert_eq!(defined("UN peacekeeping is often criticised."), ["peacekeeping"]);
    }

    #[test]
    fn sentences_stop_at_terminators_and_blank_lines() {
        let s = "First one. The peacekeepers negotiated it! Third.\n\nNext block";
        let at = s.find("peacekeepers").unwrap();
        let r = sentence_around(s, at..at + 12);
        assert_eq!(&s[r], "The peacekeepers negotiated it!");
        let at = s.find("Next").unwrap();
        assert_eq!(&s[sentence_around(s, at..at + 4)], "Next block");
        // A long run without terminators is cut at the reach.
        let long = format!("{}peacekeepers{}", "word ".repeat(1000), " word".repeat(1000));
        let at = long.find("peacekeepers").unwrap();
        let r = sentence_around(&long, at..at + 12);
        assert!(r.len() <= 2 * REACH + 12 && r.start <= at && r.end >= at + 12);
        // Multi-byte characters at the edges.
        let s = "ééé peacekeepers ééé";
        let at = s.find("peace").unwrap();
        assert_eq!(&s[sentence_around(s, at..at + 12)], s);
    }
}
