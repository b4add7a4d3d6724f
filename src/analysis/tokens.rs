//! Word tokens with byte offsets, and the compiled function-word lexicon.

use crate::terms::Language;
use rustc_hash::FxHashMap;
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct Tok {
    pub range: Range<usize>,
    /// Lowercase text, curly apostrophes straightened.
    pub lower: String,
    pub word: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

/// Split `text[range]` into word and punctuation tokens (whitespace dropped).
/// A word keeps internal apostrophes ("didn't", "UNEF's").
pub fn tokenize(text: &str, range: Range<usize>) -> Vec<Tok> {
    let mut out = Vec::new();
    let s = &text[range.clone()];
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let start = range.start + i;
        if is_word_char(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                let apostrophe_in_word =
                    is_apostrophe(d) && s[j + d.len_utf8()..].chars().next().is_some_and(char::is_alphabetic);
                if is_word_char(d) || apostrophe_in_word {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            let lower = s[i..end].to_lowercase().replace('\u{2019}', "'");
            out.push(Tok {
                range: start..range.start + end,
                lower,
                word: true,
            });
        } else {
            let lower = match c {
                '\u{2019}' | '\u{2018}' => "'".to_string(),
                '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => "\"".to_string(),
                '\u{2013}' | '\u{2014}' => "-".to_string(),
                c => c.to_string(),
            };
            out.push(Tok {
                range: start..start + c.len_utf8(),
                lower,
                word: false,
            });
        }
    }
    out
}

/// A list of phrases, each a token sequence, indexed by first word.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    /// First token -> the phrases starting with it, longest first.
    by_first: FxHashMap<String, Vec<Vec<String>>>,
}

impl Phrases {
    pub fn new(list: &[String]) -> Phrases {
        let mut by_first: FxHashMap<String, Vec<Vec<String>>> = FxHashMap::default();
        for p in list {
            let toks: Vec<String> = tokenize(p, 0..p.len()).into_iter().map(|t| t.lower).collect();
            if let Some(first) = toks.first() {
                by_first.entry(first.clone()).or_default().push(toks);
            }
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|p| std::cmp::Reverse(p.len()));
            v.dedup();
        }
        Phrases { by_first }
    }

    /// Length in tokens of the longest phrase starting at `toks[i]`.
    pub fn at(&self, toks: &[Tok], i: usize) -> Option<usize> {
        self.by_first
            .get(&toks.get(i)?.lower)?
            .iter()
            .find(|p| i + p.len() <= toks.len() && p.iter().zip(&toks[i..]).all(|(w, t)| *w == t.lower))
            .map(Vec::len)
    }

    /// Whether any phrase occurs in `toks[range]`.
    pub fn any_in(&self, toks: &[Tok], range: Range<usize>) -> bool {
        self.find_in(toks, range).is_some()
    }

    pub fn find_in(&self, toks: &[Tok], range: Range<usize>) -> Option<Range<usize>> {
        let end = range.end.min(toks.len());
        (range.start..end).find_map(|i| self.at(&toks[..end], i).map(|n| i..i + n))
    }

    pub fn contains_word(&self, w: &str) -> bool {
        self.by_first.get(w).is_some_and(|v| v.iter().any(|p| p.len() == 1))
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }
}

/// The function-word lists of `terms/language.toml`, compiled.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub abbreviations: Vec<String>,
    pub contrast_markers: Phrases,
    pub negations: Phrases,
    pub subordinators: Phrases,
    pub relative_pronouns: Phrases,
    pub skippable: Phrases,
    pub actor_heads: Phrases,
    pub blockers: Phrases,
    pub passive_auxiliaries: Phrases,
    pub discussion_markers: Phrases,
    pub reporting_verbs: Phrases,
    pub prepositions: Phrases,
    pub negated_complements: Phrases,
    pub possession_verbs: Phrases,
    pub causatives: Phrases,
    pub determiners: Phrases,
    pub everyday_sense_terms: Vec<String>,
    pub everyday_contexts: Phrases,
    pub synonym_links: Phrases,
    pub sameness_predicates: Phrases,
    pub distinction_markers: Phrases,
    pub copulas: Phrases,
    pub anaphors: Phrases,
    pub anaphor_determiners: Phrases,
    pub anaphor_heads: Phrases,
    pub introductory: Phrases,
}

impl Lexicon {
    pub fn new(l: &Language) -> Lexicon {
        Lexicon {
            abbreviations: l.abbreviations.iter().map(|a| a.to_lowercase()).collect(),
            contrast_markers: Phrases::new(&l.contrast_markers),
            negations: Phrases::new(&l.negations),
            subordinators: Phrases::new(&l.subordinators),
            relative_pronouns: Phrases::new(&l.relative_pronouns),
            skippable: Phrases::new(&l.skippable),
            actor_heads: Phrases::new(&l.actor_heads),
            blockers: Phrases::new(&l.blockers),
            passive_auxiliaries: Phrases::new(&l.passive_auxiliaries),
            discussion_markers: Phrases::new(&l.discussion_markers),
            reporting_verbs: Phrases::new(&l.reporting_verbs),
            prepositions: Phrases::new(&l.prepositions),
            negated_complements: Phrases::new(&l.negated_complements),
            possession_verbs: Phrases::new(&l.possession_verbs),
            causatives: Phrases::new(&l.causatives),
            determiners: Phrases::new(&l.determiners),
            everyday_sense_terms: l.everyday_sense_terms.clone(),
            everyday_contexts: Phrases::new(&l.everyday_contexts),
            synonym_links: Phrases::new(&l.synonym_links),
            sameness_predicates: Phrases::new(&l.sameness_predicates),
            distinction_markers: Phrases::new(&l.distinction_markers),
            copulas: Phrases::new(&l.copulas),
            anaphors: Phrases::new(&l.anaphors),
            anaphor_determiners: Phrases::new(&l.anaphor_determiners),
            anaphor_heads: Phrases::new(&l.anaphor_heads),
            introductory: Phrases::new(&l.introductory),
        }
    }

    /// A negation token: a listed word or phrase, or a word ending in "n't".
    pub fn is_negation(&self, toks: &[Tok], i: usize) -> bool {
        toks[i].lower.ends_with("n't") || self.negations.at(toks, i).is_some()
    }

    /// Whether token `i` ends a phrase that refers back to an actor named
    /// before: a pronoun ("they", "it") or a determiner and an actor noun
    /// ("the force", "these troops", "its officers"). Returns the word that
    /// carries number ("it", "they", "force", "troops").
    pub fn anaphor_at<'t>(&self, toks: &'t [Tok], i: usize) -> Option<&'t str> {
        let t = &toks[i];
        if self.anaphors.contains_word(&t.lower) {
            return Some(&t.lower);
        }
        (i > 0
            && self.anaphor_heads.contains_word(&t.lower)
            && self.anaphor_determiners.contains_word(&toks[i - 1].lower))
        .then_some(t.lower.as_str())
    }

    /// Words skipped when looking for a verb's subject.
    pub fn is_skippable(&self, t: &Tok) -> bool {
        t.word
            && (t.lower.ends_with("ly") && t.lower.len() > 4
                || self.skippable.contains_word(&t.lower)
                || t.lower.chars().all(|c| c.is_ascii_digit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_words_apostrophes_and_punctuation() {
        let text = "UNEF II\u{2019}s blue-helmets didn't \u{201C}negotiate\u{201D}.";
        let toks: Vec<String> = tokenize(text, 0..text.len()).into_iter().map(|t| t.lower).collect();
        assert_eq!(
            toks,
            [
                "unef",
                "ii's",
                "blue",
                "-",
                "helmets",
                "didn't",
                "\"",
                "negotiate",
                "\"",
                "."
            ]
        );
    }

    #[test]
    fn phrases_match_longest_first() {
        let p = Phrases::new(&["rather".into(), "rather than".into(), "a.k.a".into()]);
        let text = "x rather than a.k.a y";
        let toks = tokenize(text, 0..text.len());
        assert_eq!(p.at(&toks, 1), Some(2));
        assert_eq!(p.at(&toks, 3), Some(5));
        assert_eq!(p.at(&toks, 0), None);
    }
}
