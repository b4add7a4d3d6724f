//! The transformation rules ("patches") of harper-brill's trained tagger,
//! applied with an index so that each rule looks only at the words that
//! carry the tag it rewrites.
//!
//! A Brill tagger first gives every word its most likely tag, then runs its
//! learnt rules in order; each rule rewrites tag `from` to `to` at every
//! position, left to right, where its test on the neighbouring words and
//! tags holds. harper-brill does this by visiting every position for every
//! rule (201 rules x every word of every sentence), which was the largest
//! single cost of analysis. Here each tag keeps a bitset of the positions
//! that carry it, so a rule visits only its candidates, and word tests are
//! answered once per word. The result is the same tag sequence as
//! harper-brill's own `BrillTagger` on the same model; a test checks that
//! on every sentence of the examples and corpora.
//!
//! Two details of the model are kept as the model was trained with them: a
//! word test compares the shorter of the two words with the start of the
//! other, ignoring ASCII case (so "a" passes a test for "as"), and a test on
//! noun-phrase flags never holds (the tagger has none).

use harper_brill::UPOS;
use serde::Deserialize;
use std::cell::RefCell;

/// Every tag, in the order of `UPOS`'s declaration (so `ALL[u as usize] == u`).
const ALL: [UPOS; 16] = [
    UPOS::ADJ,
    UPOS::ADP,
    UPOS::ADV,
    UPOS::AUX,
    UPOS::CCONJ,
    UPOS::DET,
    UPOS::INTJ,
    UPOS::NOUN,
    UPOS::NUM,
    UPOS::PART,
    UPOS::PRON,
    UPOS::PROPN,
    UPOS::PUNCT,
    UPOS::SCONJ,
    UPOS::SYM,
    UPOS::VERB,
];
/// The slot of a word the base tagger left untagged.
const NONE: u8 = ALL.len() as u8;
const SLOTS: usize = ALL.len() + 1;

/// A rule's test, as harper-brill's model serialises it.
#[derive(Debug, Deserialize)]
enum Criteria {
    WordIsTaggedWith {
        relative: isize,
        is_tagged: UPOS,
    },
    AnyWordIsTaggedWith {
        max_relative: isize,
        is_tagged: UPOS,
    },
    SandwichTaggedWith {
        prev_word_tagged: UPOS,
        post_word_tagged: UPOS,
    },
    WordIs {
        relative: isize,
        word: String,
    },
    /// harper-brill never fulfils this test, so its fields go unread.
    NounPhraseAt(serde::de::IgnoredAny),
    Combined {
        a: Box<Criteria>,
        b: Box<Criteria>,
    },
}

#[derive(Debug, Deserialize)]
struct RawPatch {
    from: UPOS,
    to: UPOS,
    criteria: Criteria,
}

/// A whole model: its base lexicon (any type the caller reads it as) and
/// its rules, read in one pass from serialised text.
#[derive(Debug, Deserialize)]
struct RawWhole<B> {
    base: B,
    patches: Vec<RawPatch>,
}

/// One test of a rule at position `i`; a rule holds when all its tests do.
#[derive(Debug, Clone, Copy)]
enum Test {
    /// The word at `i + rel` carries `tag`.
    Tag { rel: isize, tag: u8 },
    /// Some word in `i + lo .. i + hi` carries `tag`.
    AnyTag { lo: isize, hi: isize, tag: u8 },
    /// The words at `i - 1` and `i + 1` carry `prev` and `next`.
    Sandwich { prev: u8, next: u8 },
    /// The word at `i + rel` passes the test for the model's word `word`.
    Word { rel: isize, word: usize },
    /// Never holds (a noun-phrase test, or a position before the sentence).
    Never,
}

#[derive(Debug)]
struct Patch {
    from: u8,
    to: u8,
    tests: std::ops::Range<usize>,
}

/// The trained rules, compiled.
#[derive(Debug)]
pub struct Rules {
    patches: Vec<Patch>,
    tests: Vec<Test>,
    /// The words the rules test, lowercase.
    words: Vec<String>,
}

/// Buffers reused from one sentence to the next.
#[derive(Default)]
struct Scratch {
    tags: Vec<u8>,
    /// `SLOTS` bitsets of `blocks` words each: the positions carrying each tag.
    masks: Vec<u64>,
    /// Per word and model word: 0 not yet asked, 1 fails, 2 passes.
    word_tests: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Rules {
    /// The base lexicon and the rules of a model serialised as JSON text
    /// (no JSON tree in between: the model is large).
    pub fn from_json<B: serde::de::DeserializeOwned>(json: &str) -> Result<(Rules, B), serde_json::Error> {
        let whole: RawWhole<B> = serde_json::from_str(json)?;
        Ok((Rules::from_patches(&whole.patches), whole.base))
    }

    fn from_patches(patches: &[RawPatch]) -> Rules {
        let mut rules = Rules {
            patches: Vec::with_capacity(patches.len()),
            tests: Vec::new(),
            words: Vec::new(),
        };
        for p in patches {
            let start = rules.tests.len();
            rules.compile(&p.criteria);
            rules.patches.push(Patch {
                from: p.from as u8,
                to: p.to as u8,
                tests: start..rules.tests.len(),
            });
        }
        rules
    }

    fn compile(&mut self, c: &Criteria) {
        let test = match c {
            Criteria::Combined { a, b } => {
                self.compile(a);
                self.compile(b);
                return;
            }
            Criteria::WordIsTaggedWith { relative, is_tagged } => Test::Tag {
                rel: *relative,
                tag: *is_tagged as u8,
            },
            // harper-brill looks at `i .. i + n` for a positive reach and
            // `i - n .. i` for a negative one.
            Criteria::AnyWordIsTaggedWith {
                max_relative,
                is_tagged,
            } => Test::AnyTag {
                lo: (*max_relative).min(0),
                hi: (*max_relative).max(0),
                tag: *is_tagged as u8,
            },
            Criteria::SandwichTaggedWith {
                prev_word_tagged,
                post_word_tagged,
            } => Test::Sandwich {
                prev: *prev_word_tagged as u8,
                next: *post_word_tagged as u8,
            },
            Criteria::WordIs { relative, word } => {
                let word = word.to_ascii_lowercase();
                let id = match self.words.iter().position(|w| *w == word) {
                    Some(id) => id,
                    None => {
                        self.words.push(word);
                        self.words.len() - 1
                    }
                };
                Test::Word {
                    rel: *relative,
                    word: id,
                }
            }
            Criteria::NounPhraseAt(_) => Test::Never,
        };
        self.tests.push(test);
    }

    /// Rewrite `tags`, the base tags of `words`, by the rules in order.
    pub fn apply(&self, words: &[String], tags: &mut [Option<UPOS>]) {
        let n = words.len().min(tags.len());
        if n == 0 {
            return;
        }
        SCRATCH.with_borrow_mut(|s| {
            let blocks = n.div_ceil(64);
            s.tags.clear();
            s.tags.extend(tags[..n].iter().map(|t| t.map_or(NONE, |u| u as u8)));
            s.masks.clear();
            s.masks.resize(SLOTS * blocks, 0);
            for (i, &t) in s.tags.iter().enumerate() {
                s.masks[t as usize * blocks + i / 64] |= 1 << (i % 64);
            }
            s.word_tests.clear();
            s.word_tests.resize(n * self.words.len(), 0);
            for p in &self.patches {
                let from = p.from as usize * blocks;
                for b in 0..blocks {
                    // Only position `i` changes while the rule runs, so the
                    // positions after it keep their tags: reading the block
                    // once is reading them as harper-brill would.
                    let mut bits = s.masks[from + b];
                    while bits != 0 {
                        let i = b * 64 + bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        if self.tests[p.tests.clone()]
                            .iter()
                            .all(|t| self.holds(*t, i, words, &s.tags, &mut s.word_tests))
                        {
                            s.tags[i] = p.to;
                            s.masks[from + b] &= !(1 << (i % 64));
                            s.masks[p.to as usize * blocks + b] |= 1 << (i % 64);
                        }
                    }
                }
            }
            for (t, &s) in tags.iter_mut().zip(&s.tags) {
                *t = ALL.get(s as usize).copied();
            }
        });
    }

    fn holds(&self, test: Test, i: usize, words: &[String], tags: &[u8], word_tests: &mut [u8]) -> bool {
        let at = |rel: isize| i.checked_add_signed(rel).filter(|&j| j < tags.len());
        match test {
            Test::Tag { rel, tag } => at(rel).is_some_and(|j| tags[j] == tag),
            Test::AnyTag { lo, hi, tag } => {
                let Some(start) = i.checked_add_signed(lo) else {
                    return false;
                };
                let end = i.saturating_add_signed(hi).min(tags.len());
                tags.get(start..end).is_some_and(|r| r.contains(&tag))
            }
            Test::Sandwich { prev, next } => {
                i > 0 && tags[i - 1] == prev && tags.get(i + 1).is_some_and(|&t| t == next)
            }
            Test::Word { rel, word } => {
                let Some(j) = at(rel) else {
                    return false;
                };
                let slot = &mut word_tests[j * self.words.len() + word];
                if *slot == 0 {
                    *slot = if starts_alike(&words[j], &self.words[word]) {
                        2
                    } else {
                        1
                    };
                }
                *slot == 2
            }
            Test::Never => false,
        }
    }
}

/// harper-brill's word test: the shorter word is the start of the other,
/// ignoring ASCII case.
fn starts_alike(a: &str, b: &str) -> bool {
    let m = a.len().min(b.len());
    a.as_bytes()[..m].eq_ignore_ascii_case(&b.as_bytes()[..m])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_table_follows_the_declaration_order() {
        for (i, u) in ALL.iter().enumerate() {
            assert_eq!(*u as usize, i, "{u:?}");
        }
    }

    #[test]
    fn word_tests_compare_the_shorter_word_with_the_start_of_the_other() {
        assert!(starts_alike("to", "to"));
        assert!(starts_alike("a", "as"));
        assert!(starts_alike("us", "US"));
        assert!(starts_alike("together", "to"));
        assert!(!starts_alike("in", "on"));
        assert!(starts_alike("été", "étés"));
        assert!(!starts_alike("été", "ete"));
    }

    /// The rules of a model given by its patches alone (no base lexicon).
    fn rules(json: &str) -> Rules {
        let mut model: serde_json::Value = serde_json::from_str(json).expect("json");
        model["base"] = serde_json::Value::Null;
        Rules::from_json::<serde::de::IgnoredAny>(&model.to_string())
            .expect("model")
            .0
    }

    #[test]
    fn a_rule_rewrites_left_to_right_and_sees_its_own_rewrites() {
        // NOUN -> VERB after a VERB: in N N N after a VERB, each rewrite
        // makes the next position pass too.
        let r = rules(
            r#"{"patches": [{"from": "NOUN", "to": "VERB",
                "criteria": {"WordIsTaggedWith": {"relative": -1, "is_tagged": "VERB"}}}]}"#,
        );
        let words: Vec<String> = ["go", "a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut tags = vec![Some(UPOS::VERB), Some(UPOS::NOUN), Some(UPOS::NOUN), Some(UPOS::NOUN)];
        r.apply(&words, &mut tags);
        assert_eq!(tags, vec![Some(UPOS::VERB); 4]);
    }

    #[test]
    fn combined_tests_all_hold_and_noun_phrase_tests_never_do() {
        let r = rules(
            r#"{"patches": [
                {"from": "PART", "to": "ADP", "criteria": {"Combined": {
                    "a": {"WordIs": {"relative": 0, "word": "to"}},
                    "b": {"AnyWordIsTaggedWith": {"max_relative": 2, "is_tagged": "DET"}}}}},
                {"from": "NOUN", "to": "ADJ", "criteria": {"NounPhraseAt": {"is_np": false, "relative": 0}}}
            ]}"#,
        );
        let words: Vec<String> = ["went", "to", "the", "town"].iter().map(|s| s.to_string()).collect();
        let mut tags = vec![Some(UPOS::VERB), Some(UPOS::PART), Some(UPOS::DET), Some(UPOS::NOUN)];
        r.apply(&words, &mut tags);
        assert_eq!(
            tags,
            vec![Some(UPOS::VERB), Some(UPOS::ADP), Some(UPOS::DET), Some(UPOS::NOUN)]
        );
        // No determiner within reach: the particle stays.
        let words: Vec<String> = ["to", "go"].iter().map(|s| s.to_string()).collect();
        let mut tags = vec![Some(UPOS::PART), Some(UPOS::VERB)];
        r.apply(&words, &mut tags);
        assert_eq!(tags, vec![Some(UPOS::PART), Some(UPOS::VERB)]);
    }

    #[test]
    fn long_sentences_cross_bitset_blocks() {
        let r = rules(
            r#"{"patches": [{"from": "NOUN", "to": "VERB", "criteria":
                {"SandwichTaggedWith": {"prev_word_tagged": "PRON", "post_word_tagged": "DET"}}}]}"#,
        );
        let mut words = Vec::new();
        let mut tags = Vec::new();
        for _ in 0..50 {
            words.extend(["they", "x", "the"].iter().map(|s| s.to_string()));
            tags.extend([Some(UPOS::PRON), Some(UPOS::NOUN), Some(UPOS::DET)]);
        }
        r.apply(&words, &mut tags);
        assert!(tags.iter().skip(1).step_by(3).all(|t| *t == Some(UPOS::VERB)));
        assert_eq!(tags.iter().filter(|t| **t == Some(UPOS::VERB)).count(), 50);
    }
}
