//! Lists of phrases matched on token sequences, whole words only.

use super::forms::{phrase_forms, PartOfSpeech};
use super::tokens::{tokenize, word_key, Tok};
use rustc_hash::FxHashMap;
use std::ops::Range;

/// A list of phrases, each a token sequence, indexed by first word.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    /// First token's [`word_key`] -> the phrases starting with it, longest
    /// first (the words are compared as well, so a hash collision is harmless).
    by_first: FxHashMap<u64, Vec<Vec<String>>>,
}

impl Phrases {
    /// Phrases written as they are matched.
    pub fn new(list: &[String]) -> Phrases {
        Phrases::inflected(list, PartOfSpeech::Fixed)
    }

    /// Phrases whose first word is a verb lemma (or last word a noun lemma):
    /// every inflection is matched.
    pub fn inflected(list: &[String], pos: PartOfSpeech) -> Phrases {
        let mut by_first: FxHashMap<u64, Vec<Vec<String>>> = FxHashMap::default();
        for p in list {
            for form in phrase_forms(p, pos) {
                let toks: Vec<String> = tokenize(&form, 0..form.len()).into_iter().map(|t| t.lower).collect();
                if let Some(first) = toks.first() {
                    by_first.entry(word_key(first)).or_default().push(toks);
                }
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
            .get(&toks.get(i)?.key)?
            .iter()
            .find(|p| i + p.len() <= toks.len() && p.iter().zip(&toks[i..]).all(|(w, t)| *w == t.lower))
            .map(Vec::len)
    }

    /// Whether any phrase occurs in `toks[range]`.
    pub fn any_in(&self, toks: &[Tok], range: Range<usize>) -> bool {
        self.find_in(toks, range).is_some()
    }

    /// The first phrase occurring in `toks[range]` (it may not run past the range).
    pub fn find_in(&self, toks: &[Tok], range: Range<usize>) -> Option<Range<usize>> {
        let end = range.end.min(toks.len());
        (range.start..end).find_map(|i| self.at(&toks[..end], i).map(|n| i..i + n))
    }

    /// Whether `w` (lowercase) is a one-word phrase of the list.
    pub fn contains_word(&self, w: &str) -> bool {
        self.by_first
            .get(&word_key(w))
            .is_some_and(|v| v.iter().any(|p| p.len() == 1 && p[0] == w))
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        tokenize(text, 0..text.len())
    }

    #[test]
    fn phrases_match_longest_first() {
        let p = Phrases::new(&["rather".into(), "rather than".into(), "a.k.a".into()]);
        let t = toks("x rather than a.k.a y");
        assert_eq!(p.at(&t, 1), Some(2));
        assert_eq!(p.at(&t, 3), Some(5));
        assert_eq!(p.at(&t, 0), None);
    }

    #[test]
    fn inflected_lists_match_every_form() {
        let p = Phrases::inflected(&["help".into(), "carry out".into()], PartOfSpeech::Verb);
        let t = toks("she helped and they carried out it");
        assert_eq!(p.at(&t, 1), Some(1));
        assert_eq!(p.at(&t, 4), Some(2));
        assert!(p.contains_word("helps") && !p.contains_word("carried"));
    }
}
