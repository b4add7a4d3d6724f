//! Part-of-speech tagging with the Brill tagger that `harper-brill` ships
//! (trained on Universal Dependencies English data).
//!
//! The bare tagger leaves words outside its 27,000-word lexicon untagged,
//! and its transformation rules then cannot use them as context. Here the
//! tagger's lexicon lookup is backed, *before* the rules run, by two sources:
//! the tags the caller already knows (the term database's own nouns and
//! names) and a guess from the word's shape (suffixes, hyphens, capitals,
//! digits). So every token gets a tag, and the rules see them all.

use super::brill::Rules;
use crate::lexicon::{Tag, Tok};
use harper_brill::{Tagger, UPOS};
use serde::Deserialize;
use std::cell::RefCell;
use std::sync::OnceLock;

thread_local! {
    /// Tags known before tagging, one per token of the sentence being tagged.
    static KNOWN: RefCell<Vec<Option<UPOS>>> = const { RefCell::new(Vec::new()) };
    /// The sentence's lowercase words as the model takes them, reused from
    /// one sentence to the next so tagging allocates only for longer words.
    static WORDS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The tagger's base lexicon (the `base` of harper-brill's model), consulted
/// after the known tags and before the guess. Packed: its words in one
/// string, found through a table of indices, about 0.7 MB (a hash map of
/// 27,000 strings held 1.3 MB in 27,000 allocations, and the server's
/// resident memory was 1.2 MB larger).
#[derive(Debug)]
struct Lexicon {
    words: String,
    /// Per word: where it starts in `words`, its length, its tag.
    index: Vec<(u32, u8, UPOS)>,
    /// Open addressing by the word's hash: an entry of `index`, or `EMPTY`.
    table: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

impl<'de> Deserialize<'de> for Lexicon {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lexicon, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            mapping: std::collections::HashMap<String, UPOS>,
        }
        let raw = Raw::deserialize(d)?;
        let mut lex = Lexicon {
            words: String::with_capacity(raw.mapping.keys().map(String::len).sum()),
            index: Vec::with_capacity(raw.mapping.len()),
            // At most half full: a word is found in a probe or two.
            table: vec![EMPTY; (raw.mapping.len() * 2).next_power_of_two()],
        };
        // (Longer words, none in the model, would not be found.)
        for (w, tag) in raw.mapping.into_iter().filter(|(w, _)| w.len() <= usize::from(u8::MAX)) {
            let mut slot = lex.slot(&w);
            while lex.table[slot] != EMPTY {
                slot = (slot + 1) & (lex.table.len() - 1);
            }
            lex.table[slot] = lex.index.len() as u32;
            lex.index.push((lex.words.len() as u32, w.len() as u8, tag));
            lex.words.push_str(&w);
        }
        Ok(lex)
    }
}

impl Tagger for Lexicon {
    fn tag_sentence(&self, sentence: &[String]) -> Vec<Option<UPOS>> {
        KNOWN.with_borrow(|known| {
            sentence
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let known = known.get(i).copied().flatten();
                    Some(
                        known
                            .or_else(|| self.lookup(w))
                            .unwrap_or_else(|| self.guess(w, false, i)),
                    )
                })
                .collect()
        })
    }
}

impl Lexicon {
    fn lookup(&self, w: &str) -> Option<UPOS> {
        let mut slot = self.slot(w);
        loop {
            let &(start, len, tag) = self.index.get(self.table[slot] as usize)?;
            if &self.words[start as usize..start as usize + usize::from(len)] == w {
                return Some(tag);
            }
            slot = (slot + 1) & (self.table.len() - 1);
        }
    }

    /// Where `w`'s probe starts in `table`.
    fn slot(&self, w: &str) -> usize {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(w) as usize & (self.table.len() - 1)
    }

    /// A tag for a word the lexicon does not know, from its shape: `w` in
    /// lowercase, `capital` whether it was written with one, `i` its place.
    fn guess(&self, w: &str, capital: bool, i: usize) -> UPOS {
        if w.chars().any(|c| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || ",.%/-".contains(c)) {
            return UPOS::NUM;
        }
        if !w.chars().any(char::is_alphanumeric) {
            return UPOS::PUNCT;
        }
        if w.ends_with("n't") || w == "cannot" {
            return UPOS::AUX;
        }
        if let Some(stem) = w.strip_suffix("'s").or_else(|| w.strip_suffix('\'')) {
            return match self.lookup(stem) {
                Some(t @ (UPOS::NOUN | UPOS::PROPN)) => t,
                _ if capital => UPOS::PROPN,
                _ => UPOS::NOUN,
            };
        }
        if let Some((first, last)) = w.split_once('-').map(|(f, _)| (f, w.rsplit('-').next().unwrap_or(w))) {
            if matches!(first, "non" | "anti" | "un" | "pro" | "self" | "well" | "so") {
                return UPOS::ADJ;
            }
            return match self.lookup(last).unwrap_or_else(|| self.by_suffix(last, false)) {
                UPOS::VERB if last.ends_with("ing") => UPOS::NOUN,
                UPOS::VERB | UPOS::ADJ => UPOS::ADJ,
                t @ (UPOS::NOUN | UPOS::PROPN | UPOS::NUM) => t,
                _ => UPOS::ADJ,
            };
        }
        if capital && i > 0 {
            return UPOS::PROPN;
        }
        // "unarmed", "unopposed": a negated participle is an adjective.
        if let Some(rest) = w.strip_prefix("un").filter(|r| r.len() > 3 && r.ends_with("ed")) {
            if self.lookup(rest).is_some()
                || self.lookup(&rest[..rest.len() - 2]).is_some()
                || self.lookup(&rest[..rest.len() - 1]).is_some()
            {
                return UPOS::ADJ;
            }
        }
        self.by_suffix(w, capital)
    }

    fn by_suffix(&self, w: &str, capital: bool) -> UPOS {
        let ends = |s: &[&str]| s.iter().any(|x| w.len() > x.len() + 1 && w.ends_with(x));
        // A stem the lexicon knows tells most: "patrolled" from "patrol".
        let stem_tag = |suffix: &str, extra: &[&str]| {
            let stem = w.strip_suffix(suffix)?;
            std::iter::once(stem.to_string())
                .chain(extra.iter().map(|e| format!("{stem}{e}")))
                .chain(
                    (stem.len() > 2 && stem.as_bytes()[stem.len() - 1] == stem.as_bytes()[stem.len() - 2])
                        .then(|| stem[..stem.len() - 1].to_string()),
                )
                .find_map(|s| self.lookup(&s))
        };
        if ends(&["ing"]) {
            return UPOS::VERB;
        }
        if ends(&["ed"]) {
            return match stem_tag("ed", &["e"]).or_else(|| stem_tag("d", &[])) {
                Some(UPOS::ADJ) => UPOS::ADJ,
                _ => UPOS::VERB,
            };
        }
        if ends(&["ly"]) {
            return UPOS::ADV;
        }
        if ends(&[
            "tion", "sion", "ment", "ness", "ity", "ism", "ship", "ance", "ence", "er", "or", "ist", "age", "hood",
            "cy",
        ]) {
            return UPOS::NOUN;
        }
        if ends(&[
            "ous", "ive", "al", "ic", "ful", "less", "able", "ible", "ary", "ian", "ish", "ese",
        ]) {
            return UPOS::ADJ;
        }
        // "negociate", "organise", "mobilize": unknown words with a verb
        // suffix (misspellings, British forms the lexicon lacks).
        if !capital && ends(&["ate", "ise", "ize", "ify"]) {
            return UPOS::VERB;
        }
        if ends(&["s"]) {
            return match stem_tag("s", &[]).or_else(|| stem_tag("es", &[])) {
                Some(UPOS::VERB) => UPOS::VERB,
                Some(UPOS::PROPN) => UPOS::PROPN,
                _ => UPOS::NOUN,
            };
        }
        if capital {
            UPOS::PROPN
        } else {
            UPOS::NOUN
        }
    }
}

/// Whether the tagger's lexicon knows a lowercase word (a word it knows is
/// spelled as some English word, not misspelled).
pub fn knows(w: &str) -> bool {
    model().1.lookup(w).is_some()
}

/// The trained rules, and the base lexicon they start from.
fn model() -> &'static (Rules, Lexicon) {
    static MODEL: OnceLock<(Rules, Lexicon)> = OnceLock::new();
    MODEL.get_or_init(|| {
        // harper-brill exposes its trained model as a value; read its base
        // lexicon (backed as described above) and its rules from it in one
        // pass over its text (a JSON tree of it would cost memory kept
        // after it is freed).
        let json = serde_json::to_string(&*harper_brill::brill_tagger()).expect("the Brill model serialises");
        Rules::from_json(&json).expect("the Brill model has a base lexicon and patches")
    })
}

fn to_tag(u: UPOS) -> Tag {
    match u {
        UPOS::ADJ => Tag::Adj,
        UPOS::ADP => Tag::Adp,
        UPOS::ADV => Tag::Adv,
        UPOS::AUX => Tag::Aux,
        UPOS::CCONJ => Tag::Cconj,
        UPOS::DET => Tag::Det,
        UPOS::INTJ => Tag::Intj,
        UPOS::NOUN => Tag::Noun,
        UPOS::NUM => Tag::Num,
        UPOS::PART => Tag::Part,
        UPOS::PRON => Tag::Pron,
        UPOS::PROPN => Tag::Propn,
        UPOS::PUNCT => Tag::Punct,
        UPOS::SCONJ => Tag::Sconj,
        UPOS::SYM => Tag::Sym,
        UPOS::VERB => Tag::Verb,
    }
}

fn to_upos(t: Tag) -> Option<UPOS> {
    Some(match t {
        Tag::Adj => UPOS::ADJ,
        Tag::Adp => UPOS::ADP,
        Tag::Adv => UPOS::ADV,
        Tag::Aux => UPOS::AUX,
        Tag::Cconj => UPOS::CCONJ,
        Tag::Det => UPOS::DET,
        Tag::Intj => UPOS::INTJ,
        Tag::Noun => UPOS::NOUN,
        Tag::Num => UPOS::NUM,
        Tag::Part => UPOS::PART,
        Tag::Pron => UPOS::PRON,
        Tag::Propn => UPOS::PROPN,
        Tag::Punct => UPOS::PUNCT,
        Tag::Sconj => UPOS::SCONJ,
        Tag::Sym => UPOS::SYM,
        Tag::Verb => UPOS::VERB,
        Tag::X => return None,
    })
}

/// Tag `toks` in place. `known[i]`, when set, is token `i`'s tag before the
/// tagger's rules run (the rules may still change it, as for any word).
/// Returns how many tokens needed a guess from their shape.
pub fn tag(toks: &mut [Tok], text: &str, known: &[Option<Tag>]) -> usize {
    if toks.is_empty() {
        return 0;
    }
    let (rules, base) = model();
    let capital = |t: &Tok| t.word && text[t.range.clone()].chars().next().is_some_and(char::is_uppercase);
    // The model's lexicon and rules are lowercase; a capital matters only
    // for the guess.
    let mut lookup = WORDS.take();
    lookup.truncate(toks.len());
    for (i, t) in toks.iter().enumerate() {
        match lookup.get_mut(i) {
            Some(w) => {
                w.clear();
                w.push_str(&t.lower);
            }
            None => lookup.push(t.lower.clone()),
        }
    }
    let mut guessed = 0;
    KNOWN.with_borrow_mut(|k| {
        k.clear();
        k.extend(known.iter().map(|t| t.and_then(to_upos)));
        // Words the lexicon lacks get their guess now.
        for (i, (t, w)) in toks.iter().zip(&lookup).enumerate() {
            if k[i].is_none() && base.lookup(w).is_none() {
                k[i] = Some(base.guess(w, capital(t), i));
                guessed += 1;
            }
        }
    });
    let mut tags = base.tag_sentence(&lookup);
    rules.apply(&lookup, &mut tags);
    for (t, tag) in toks.iter_mut().zip(tags) {
        t.tag = if t.word { tag.map_or(Tag::X, to_tag) } else { Tag::Punct };
    }
    // "warring states", "civil wars": a word written in lowercase is not a
    // name, whatever the lexicon's entry for its capitalised use says.
    for t in toks.iter_mut() {
        if t.word && t.tag == Tag::Propn && text[t.range.clone()].chars().all(|c| !c.is_uppercase()) {
            t.tag = Tag::Noun;
        }
    }
    correct(toks);
    verb_after_a_plural_subject(toks);
    verb_after_an_adverb(toks);
    verb_after_a_singular_subject(toks);
    verb_before_an_object_pronoun(toks);
    verb_after_a_gerund_subject(toks);
    // A name written in lowercase right after a verb ("kicked iraq out")
    // is its object, not a second verb.
    for i in 1..toks.len() {
        if toks[i].word
            && toks[i].tag.is_verbal()
            && toks[i - 1].tag == Tag::Verb
            && base.lookup(&toks[i].lower) == Some(UPOS::PROPN)
        {
            toks[i].tag = Tag::Noun;
        }
    }
    // A capitalised name the lexicon knows as one stays a name ("forced
    // Iraq out"), whatever the rules made of it.
    for (i, t) in toks.iter_mut().enumerate() {
        if i > 0
            && t.word
            && text[t.range.clone()].starts_with(char::is_uppercase)
            && base.lookup(&t.lower) == Some(UPOS::PROPN)
        {
            t.tag = Tag::Propn;
        }
    }
    // "the United Nations", "of the Joint Endeavour": in a sentence not set
    // in title case, a capitalised "verb" right before a capitalised name is
    // the name's first word.
    let capital = |t: &Tok| text[t.range.clone()].starts_with(char::is_uppercase);
    let lowercase_words = toks.iter().filter(|t| t.word && !capital(t)).count();
    if lowercase_words * 2 > toks.iter().filter(|t| t.word).count() {
        for i in (1..toks.len().saturating_sub(1)).rev() {
            if toks[i].word
                && toks[i].tag.is_verbal()
                && capital(&toks[i])
                && capital(&toks[i + 1])
                && toks[i + 1].tag == Tag::Propn
            {
                toks[i].tag = Tag::Propn;
            }
        }
        // "sat Sadat and Begin down": a capitalised "verb" joined by "and"
        // or "or" to a name is a name too.
        for i in 2..toks.len() {
            if toks[i].word
                && toks[i].tag.is_verbal()
                && capital(&toks[i])
                && matches!(toks[i - 1].lower.as_str(), "and" | "or")
                && toks[i - 2].tag == Tag::Propn
            {
                toks[i].tag = Tag::Propn;
            }
        }
    }
    // The caller's tags are facts about the words (terms are nouns and
    // names): the rules may not overturn them.
    for (t, k) in toks.iter_mut().zip(known) {
        if let Some(k) = k {
            if t.word {
                t.tag = *k;
            }
        }
    }
    KNOWN.with_borrow_mut(Vec::clear);
    WORDS.set(lookup);
    guessed
}

/// Auxiliaries and modals, which the model sometimes tags as main verbs.
const AUXILIARIES: &[&str] = &[
    "be", "is", "are", "am", "was", "were", "been", "being", "have", "has", "had", "having", "do", "does", "did",
    "will", "would", "can", "could", "shall", "should", "may", "might", "must",
];
/// Negated auxiliaries as chat writes them ("cant" and "wont" are also
/// words of their own, and left to the model).
const NEGATED_AUXILIARIES: &[&str] = &[
    "isnt", "arent", "wasnt", "werent", "dont", "doesnt", "didnt", "hasnt", "havent", "hadnt", "wouldnt", "couldnt",
    "shouldnt",
];
/// Modals, after which a base verb follows.
const MODALS: &[&str] = &[
    "will",
    "would",
    "can",
    "could",
    "shall",
    "should",
    "may",
    "might",
    "must",
    "cannot",
    "can't",
    "won't",
    "wouldn't",
    "couldn't",
    "shouldn't",
    "mustn't",
];
/// Prepositions that mean "about" before a number.
const APPROXIMATORS: &[&str] = &["around", "about", "over", "under"];

/// Determiners after which no verb can follow.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "our", "my", "your", "every", "each",
];

/// Two corrections the model's rules miss, both from the shape of English:
/// an auxiliary tagged as a main verb before another verb ("have not
/// negotiated", "having brokered"), and a verb right after a determiner
/// ("the buffer zone", "the fighting"), which is a noun or an adjective.
fn correct(toks: &mut [Tok]) {
    for i in 0..toks.len() {
        // Chat spellings: "peacemakers r the ones", "u can".
        if toks[i].lower == "r" && i > 0 && toks[i - 1].tag.is_nominal() {
            toks[i].set_lower("are");
            toks[i].tag = Tag::Aux;
        }
        // "had like 10k troops": chat's "like" before a number after a verb
        // means "about", and the phrase after it is the verb's object.
        if toks[i].lower == "like"
            && i > 0
            && toks[i - 1].tag.is_verbal()
            && toks
                .get(i + 1)
                .is_some_and(|t| t.tag == Tag::Num || t.lower.starts_with(|c: char| c.is_ascii_digit()))
        {
            toks[i].tag = Tag::Adv;
        }
        // "Around 4,000 peacekeepers were deployed", ", over 600 troops
        // ...": at the start of a clause, a preposition of place right
        // before a number means "about", and the number's phrase is the
        // clause's subject, not a prepositional object.
        if APPROXIMATORS.contains(&toks[i].lower.as_str())
            && toks[i].tag == Tag::Adp
            && (i == 0 || matches!(toks[i - 1].tag, Tag::Punct | Tag::Cconj | Tag::Sconj))
            && toks
                .get(i + 1)
                .is_some_and(|t| t.tag == Tag::Num || t.lower.starts_with(|c: char| c.is_ascii_digit()))
        {
            toks[i].tag = Tag::Adv;
        }
        // "do not fight, but rather focus on ...": after "but rather" or
        // "but instead" correcting a negated verb, a word before a
        // preposition or a determiner is the corrected verb ("sent not
        // troops but rather diplomats from Norway" corrects a noun).
        if i > 1
            && toks[i].tag == Tag::Noun
            && matches!(toks[i - 1].lower.as_str(), "rather" | "instead")
            && toks[i - 2].lower == "but"
            && toks.get(i + 1).is_some_and(|t| matches!(t.tag, Tag::Adp | Tag::Det))
            && (1..i - 2).any(|j| {
                matches!(toks[j].lower.as_str(), "not" | "never" | "n't") && toks[j - 1].tag == Tag::Aux
                    || toks[j].tag == Tag::Aux && toks[j].lower.ends_with("n't")
            })
        {
            toks[i].tag = Tag::Verb;
        }
        // "right now", "right away": an adverb.
        if toks[i].lower == "right"
            && toks
                .get(i + 1)
                .is_some_and(|t| matches!(t.lower.as_str(), "now" | "away"))
        {
            toks[i].tag = Tag::Adv;
        }
        // "wasnt", "didnt": a negated auxiliary typed without its apostrophe.
        if NEGATED_AUXILIARIES.contains(&toks[i].lower.as_str()) {
            toks[i].tag = Tag::Aux;
        }
        // "was", "have", "can" are never nouns or names.
        if AUXILIARIES.contains(&toks[i].lower.as_str()) && !toks[i].tag.is_verbal() && toks[i].lower != "can" {
            toks[i].tag = Tag::Aux;
        }
        if toks[i].tag == Tag::Verb && AUXILIARIES.contains(&toks[i].lower.as_str()) {
            let next = toks[i + 1..]
                .iter()
                .find(|t| !(t.tag == Tag::Adv || t.tag == Tag::Part || t.lower == "not" || t.lower == "never"));
            if next.is_some_and(|t| t.tag == Tag::Verb) {
                toks[i].tag = Tag::Aux;
            }
        }
        // "in May, ...", "since May": after a preposition, "May" is the
        // month, not the modal.
        if toks[i].lower == "may" && i > 0 && toks[i - 1].tag == Tag::Adp {
            toks[i].tag = Tag::Propn;
        }
        if i > 0 && toks[i].tag == Tag::Verb && DETERMINERS.contains(&toks[i - 1].lower.as_str()) {
            toks[i].tag = if toks[i].lower.ends_with("ed") {
                Tag::Adj
            } else {
                Tag::Noun
            };
        }
        // "an armed buffer force", "the new patrol boats": between a
        // determiner's adjective and a noun, a "verb" is a noun modifier.
        if i > 1
            && toks[i].tag == Tag::Verb
            && toks[i - 1].tag == Tag::Adj
            && (DETERMINERS.contains(&toks[i - 2].lower.as_str())
                // "DPPA's own standing battalions": after a possessive too.
                || toks[i - 2].lower.ends_with("'s")
                || is_possessive_pronoun(&toks[i - 2].lower))
            && toks.get(i + 1).is_some_and(|t| t.tag == Tag::Noun)
            && !toks[i].lower.ends_with("ed")
        {
            toks[i].tag = Tag::Noun;
        }
        // "the host state's consent": after a possessive noun comes a noun
        // (or an adjective), not a verb.
        if i > 0
            && toks[i].tag == Tag::Verb
            && matches!(toks[i - 1].tag, Tag::Noun | Tag::Propn)
            && (toks[i - 1].lower.ends_with("'s") || toks[i - 1].lower.ends_with("s'"))
        {
            toks[i].tag = if toks[i].lower.ends_with("ed") {
                Tag::Adj
            } else {
                Tag::Noun
            };
        }
        // "a mission can not work": after a modal (and a negation) comes a
        // verb. "May" before a number is a month.
        if toks[i].tag == Tag::Noun && !toks[i].lower.ends_with('s') && toks[i].lower.chars().all(char::is_alphabetic) {
            let mut p = i;
            if p > 0 && matches!(toks[p - 1].lower.as_str(), "not" | "never") {
                p -= 1;
            }
            let modal = p > 0 && MODALS.contains(&toks[p - 1].lower.as_str());
            let month = p > 0 && toks[p - 1].lower == "may" && p == i;
            if modal && !month {
                toks[i].tag = Tag::Verb;
            }
        }
        // "Consent is essential": a sentence that opens with a bare word and
        // "is" opens with a noun.
        if toks[i].tag == Tag::Verb
            && (i == 0 || !toks[i - 1].word || toks[i - 1].tag == Tag::Sconj)
            && !toks[i].lower.ends_with("ing")
            && toks
                .get(i + 1)
                .is_some_and(|n| matches!(n.lower.as_str(), "is" | "was" | "remains" | "matters"))
        {
            toks[i].tag = Tag::Noun;
        }
        // "were manned by": a participle after "be" and before "by" is a verb.
        if i > 0
            && toks[i].tag == Tag::Adj
            && toks[i].lower.ends_with("ed")
            && matches!(
                toks[i - 1].lower.as_str(),
                "was" | "were" | "is" | "are" | "been" | "be" | "being"
            )
            && toks.get(i + 1).is_some_and(|n| n.lower == "by")
        {
            toks[i].tag = Tag::Verb;
        }
        // "they switch to coercion", "the peacemakers who patrol it": a noun
        // right after a subject pronoun is its verb.
        if i > 0
            && toks[i].tag == Tag::Noun
            && matches!(
                toks[i - 1].lower.as_str(),
                "they" | "we" | "i" | "he" | "she" | "you" | "who"
            )
            && !toks[i].lower.ends_with("'s")
        {
            toks[i].tag = Tag::Verb;
        }
        // "the blue helmets storm the stronghold": a bare noun between a
        // plural noun and a determiner is a verb.
        if i > 0
            && toks[i].tag == Tag::Noun
            && !toks[i].lower.ends_with('s')
            && toks[i - 1].tag == Tag::Noun
            && toks[i - 1].lower.ends_with('s')
            && !toks[i - 1].lower.ends_with("'s")
            && toks
                .get(i + 1)
                .is_some_and(|n| n.tag == Tag::Det || is_possessive_pronoun(&n.lower))
        {
            toks[i].tag = Tag::Verb;
        }
        // "the army forces the two sides to sign": an "-s" noun between a
        // singular noun and a determiner is that noun's verb.
        if i > 1
            && toks[i].tag == Tag::Noun
            && toks[i].lower.ends_with('s')
            && !toks[i].lower.ends_with("ss")
            && !toks[i].lower.contains('\'')
            && toks[i - 1].tag == Tag::Noun
            && !toks[i - 1].lower.ends_with('s')
            && toks[i - 2].tag == Tag::Det
            && toks
                .get(i + 1)
                .is_some_and(|n| n.tag == Tag::Det || is_possessive_pronoun(&n.lower))
            // Not when a verb of its own comes later ("the peace talks the
            // parties held failed").
            && !(i + 2..toks.len()).any(|j| toks[j].tag == Tag::Verb && toks[j - 1].tag != Tag::Part && toks[j - 1].lower != "to")
        {
            toks[i].tag = Tag::Verb;
        }
        // "peacemakers patrol approx. 180 km": a bare noun after a plural
        // noun and before a number (perhaps after "approx.", "about") is
        // the plural's verb.
        if i > 0
            && toks[i].tag == Tag::Noun
            && !toks[i].lower.ends_with('s')
            && toks[i].lower.chars().all(char::is_alphabetic)
            && toks[i - 1].tag == Tag::Noun
            && toks[i - 1].lower.ends_with('s')
            && !toks[i - 1].lower.contains('\'')
        {
            let mut j = i + 1;
            if toks.get(j).is_some_and(|t| t.tag == Tag::Adv) {
                j += 1;
                if toks.get(j).is_some_and(|t| t.lower == ".") {
                    j += 1;
                }
            }
            if toks.get(j).is_some_and(|t| t.tag == Tag::Num) {
                toks[i].tag = Tag::Verb;
            }
        }
        // "helps warring parties reach a deal": an "-ing" word between a verb
        // and a plural noun that a verb follows describes the noun (the noun
        // is the object, and the verb its act).
        if i > 0
            && toks[i].tag == Tag::Verb
            && toks[i].lower.ends_with("ing")
            && toks[i - 1].tag == Tag::Verb
            && toks
                .get(i + 1)
                .is_some_and(|n| n.tag == Tag::Noun && n.lower.ends_with('s'))
            && toks.get(i + 2).is_some_and(|n| n.tag == Tag::Verb)
        {
            toks[i].tag = Tag::Adj;
        }
        // "the peacemakers manned observation posts": an "-ed" word between
        // a noun and a noun phrase is a verb, not an adjective.
        if i > 0 && toks[i].tag == Tag::Adj && toks[i].lower.ends_with("ed") && !toks[i].lower.starts_with("un") {
            // Adverbs may come between: "the peacemakers also manned".
            let mut p = i - 1;
            while p > 0 && toks[p].tag == Tag::Adv {
                p -= 1;
            }
            let after_noun = matches!(toks[p].tag, Tag::Noun | Tag::Propn | Tag::Pron);
            let before_phrase = toks.get(i + 1).is_some_and(|n| {
                matches!(n.tag, Tag::Det | Tag::Noun | Tag::Num | Tag::Propn) || is_possessive_pronoun(&n.lower)
            });
            if after_noun && before_phrase {
                toks[i].tag = Tag::Verb;
            }
        }
    }
}

/// "Peacemakers patrol buffer zones": a sentence needs a verb. When the
/// model read the plural subject and its verb as a compound ("peacemakers
/// patrol") and found no verb, or only a bare word that modifies the next
/// noun ("buffer zones"), the bare noun right after the subject is the verb.
/// "Peace-builders in blue helmets now man checkpoints": a sentence with no
/// verb at all, where a bare noun follows an adverb that follows a noun
/// phrase and comes before a noun phrase, has its verb there.
fn verb_after_an_adverb(toks: &mut [Tok]) {
    if toks.iter().any(|t| t.tag.is_verbal() || t.tag == Tag::Aux) {
        return;
    }
    let at = (2..toks.len()).find(|&j| {
        toks[j].tag == Tag::Noun
            && toks[j].lower.chars().all(char::is_alphabetic)
            && toks[j - 1].tag == Tag::Adv
            && matches!(toks[j - 2].tag, Tag::Noun | Tag::Propn)
            && toks.get(j + 1).is_some_and(|n| {
                matches!(n.tag, Tag::Noun | Tag::Det | Tag::Adj | Tag::Num) || is_possessive_pronoun(&n.lower)
            })
    });
    if let Some(j) = at {
        toks[j].tag = Tag::Verb;
    }
}

fn verb_after_a_plural_subject(toks: &mut [Tok]) {
    // A timeline's or a list's label opens the entry ("1950: UN
    // peacekeepers land at Inchon"): the sentence starts after it.
    let labelled = toks.len() > 2 && toks[1].lower == ":" && matches!(toks[0].tag, Tag::Num | Tag::Propn);
    let toks = if labelled { &mut toks[2..] } else { toks };
    // The subject: the opening noun phrase, ending in a plural noun.
    let Some(i) = (1..toks.len()).find(|&i| {
        !matches!(toks[i].tag, Tag::Det | Tag::Adj | Tag::Noun | Tag::Propn | Tag::Num)
            || toks[i].tag == Tag::Noun && !toks[i].lower.ends_with('s')
    }) else {
        return;
    };
    let plural = |t: &Tok| {
        matches!(t.tag, Tag::Noun | Tag::Propn)
            && t.lower.ends_with('s')
            && !t.lower.ends_with("'s")
            && !t.lower.ends_with("s'")
    };
    let candidate = toks[i].tag == Tag::Noun
        && toks[i].lower.chars().all(char::is_alphabetic)
        && plural(&toks[i - 1])
        && toks.get(i + 1).is_some_and(|n| {
            // (Or a preposition: "peacekeepers land at Inchon".)
            matches!(
                n.tag,
                Tag::Noun | Tag::Propn | Tag::Adj | Tag::Det | Tag::Num | Tag::Verb | Tag::Adp
            ) || is_possessive_pronoun(&n.lower)
        });
    if !candidate || toks.iter().any(|t| t.tag == Tag::Aux) {
        return;
    }
    // Any other verb that could be the sentence's own must be a bare word
    // before a noun: "buffer zones". One after a preposition or "to" is not
    // ("by standing between", "to stop"), nor one joined by "and" ("patrol
    // buffer zones and man the checkpoints").
    let others: Vec<usize> = (i + 1..toks.len())
        .filter(|&j| {
            toks[j].tag == Tag::Verb && !matches!(toks[j - 1].tag, Tag::Adp | Tag::Sconj | Tag::Part | Tag::Cconj)
        })
        .collect();
    let modifiers = others.iter().all(|&j| {
        !toks[j].lower.ends_with("ed")
            && !toks[j].lower.ends_with("ing")
            && !toks[j].lower.ends_with('s')
            && toks.get(j + 1).is_some_and(|n| n.tag == Tag::Noun)
    });
    if !modifiers {
        return;
    }
    toks[i].tag = Tag::Verb;
    for j in others {
        toks[j].tag = Tag::Noun;
    }
}

/// "A peacemaker bombs the side that ...": after an opening phrase ending in
/// a singular noun, a word in "-s" before a determiner is the verb, when the
/// sentence has no other verb of its own.
fn verb_after_a_singular_subject(toks: &mut [Tok]) {
    let Some(i) = (1..toks.len()).find(|&i| {
        !matches!(toks[i].tag, Tag::Det | Tag::Adj | Tag::Noun | Tag::Propn)
            || toks[i].tag == Tag::Noun && toks[i].lower.ends_with('s')
    }) else {
        return;
    };
    // The subject: a singular noun, a name ("DPPA commands"), or a pronoun
    // opening the sentence ("It commands"); an adverb may follow it ("It
    // now commands").
    let subject = i - 1;
    let singular = |t: &Tok| {
        t.tag == Tag::Noun && !t.lower.ends_with('s') && t.lower.chars().all(char::is_alphabetic)
            || t.tag == Tag::Propn
            || subject == 0 && matches!(t.lower.as_str(), "it" | "he" | "she")
    };
    let mut i = i;
    if toks[i].tag == Tag::Adv && toks.get(i + 1).is_some_and(|t| t.tag == Tag::Noun) {
        i += 1;
    }
    let candidate = toks[i].tag == Tag::Noun
        && toks[i].lower.ends_with('s')
        && !toks[i].lower.ends_with("ss")
        && toks[i].lower.chars().all(char::is_alphabetic)
        && singular(&toks[subject])
        && toks.get(i + 1).is_some_and(|n| {
            matches!(n.tag, Tag::Det | Tag::Num)
                || is_possessive_pronoun(&n.lower)
                || matches!(n.lower.as_str(), "thousands" | "hundreds" | "dozens")
        });
    if !candidate || toks.iter().any(|t| t.tag == Tag::Aux) {
        return;
    }
    // Another verb of the main clause would be the verb instead; verbs after
    // a preposition, "to", a conjunction or a relative pronoun are not.
    // (Nor is a participle after a comma: "..., including".)
    let main_verb = (i + 1..toks.len()).any(|j| {
        toks[j].tag == Tag::Verb
            && !matches!(
                toks[j - 1].tag,
                Tag::Adp | Tag::Sconj | Tag::Part | Tag::Cconj | Tag::Pron
            )
            && !(toks[j - 1].lower == "," && toks[j].lower.ends_with("ing"))
    });
    if !main_verb {
        toks[i].tag = Tag::Verb;
    }
}

/// "send in the jets and force them to sign", "to push us back": a noun
/// right before an object pronoun, after "and", "or", "to" or a modal, is
/// a verb (no noun takes "them" after it).
fn verb_before_an_object_pronoun(toks: &mut [Tok]) {
    for i in 1..toks.len().saturating_sub(1) {
        let object = matches!(toks[i + 1].lower.as_str(), "them" | "him" | "us" | "me");
        let opens = matches!(toks[i - 1].tag, Tag::Cconj | Tag::Part | Tag::Aux) || toks[i - 1].lower == "to";
        if object && opens && toks[i].tag == Tag::Noun && toks[i].lower.chars().all(char::is_alphabetic) {
            toks[i].tag = Tag::Verb;
        }
    }
}

/// "as soon as fighting breaks out", "once shelling resumes,": after a
/// conjunction, a gerund is the subject, and a word in "-s" after it, before
/// a particle, a comma or the end, is its verb.
fn verb_after_a_gerund_subject(toks: &mut [Tok]) {
    for i in 2..toks.len() {
        let gerund = toks[i - 1].tag == Tag::Verb && toks[i - 1].lower.ends_with("ing");
        let after_conjunction = toks[i - 2].tag == Tag::Sconj;
        let w = &toks[i].lower;
        let verb_like =
            toks[i].tag == Tag::Noun && w.ends_with('s') && !w.ends_with("ss") && w.chars().all(char::is_alphabetic);
        // (Only before a particle, an adverb or punctuation: "if training
        // exercises in the region ..." has a noun there.)
        let closes = toks.get(i + 1).is_none_or(|n| {
            !n.word || n.tag == Tag::Adv || matches!(n.lower.as_str(), "out" | "up" | "down" | "off" | "again" | "on")
        });
        if gerund && after_conjunction && verb_like && closes {
            toks[i].tag = Tag::Verb;
        }
    }
}

fn is_possessive_pronoun(w: &str) -> bool {
    matches!(w, "its" | "their" | "his" | "her" | "our")
}

/// Warm the tagger up (it loads its model on first use).
pub fn load() {
    let _ = model();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::tokenize;

    fn tags(text: &str) -> Vec<String> {
        let mut toks = tokenize(text, 0..text.len());
        let known = vec![None; toks.len()];
        tag(&mut toks, text, &known);
        toks.iter().map(|t| format!("{}/{}", t.lower, t.tag.as_str())).collect()
    }

    /// The indexed rules give harper-brill's own tags: the same model run
    /// by `BrillTagger` on every sentence of the examples and corpora.
    #[test]
    fn indexed_rules_tag_as_harper_brill_does() {
        let model = serde_json::to_value(&*harper_brill::brill_tagger()).expect("model");
        let reference: harper_brill::BrillTagger<Lexicon> = serde_json::from_value(model).expect("tagger");
        let (rules, base) = super::model();
        let root = env!("CARGO_MANIFEST_DIR");
        let mut text = String::new();
        for dir in ["examples", "tests/corpus"] {
            for e in std::fs::read_dir(format!("{root}/{dir}")).expect("dir").flatten() {
                let p = e.path();
                if matches!(
                    p.extension().and_then(|x| x.to_str()),
                    Some("md" | "txt" | "tex" | "jsonl")
                ) {
                    text.push_str(&std::fs::read_to_string(&p).expect("read"));
                }
            }
        }
        let (mut sentences, mut words, mut changed) = (0, 0, 0);
        for s in text.split(['.', '!', '?', '\n']) {
            let sentence: Vec<String> = s
                .split_inclusive([' ', ',', ';', ':', '"', '('])
                .map(|w| w.trim().to_lowercase())
                .filter(|w| !w.is_empty())
                .collect();
            if sentence.is_empty() {
                continue;
            }
            let want = reference.tag_sentence(&sentence);
            let mut got = base.tag_sentence(&sentence);
            changed += got.iter().zip(&want).filter(|(a, b)| a != b).count();
            rules.apply(&sentence, &mut got);
            assert_eq!(got, want, "{sentence:?}");
            sentences += 1;
            words += sentence.len();
        }
        // The comparison covered real text, and the rules changed tags in it.
        assert!(
            sentences > 5_000 && words > 100_000,
            "{sentences} sentences, {words} words"
        );
        assert!(changed > 1_000, "the rules changed {changed} tags");
    }

    #[test]
    fn a_capitalised_verb_before_a_name_begins_the_name() {
        let t = tags("The history of United Nations peacekeeping is long.");
        assert!(t.contains(&"united/PROPN".to_string()), "{t:?}");
        // A title in title case keeps its verbs.
        let t = tags("Peacekeepers Negotiate With Rebels");
        assert!(!t.contains(&"negotiate/PROPN".to_string()), "{t:?}");
    }

    #[test]
    fn unknown_words_with_a_verb_suffix_are_verbs() {
        let t = tags("the mission have negociate the plan");
        assert!(t.contains(&"negociate/VERB".to_string()), "{t:?}");
    }

    #[test]
    fn a_noun_before_an_object_pronoun_is_a_verb() {
        let t = tags("You send in the jets and force them to sign.");
        assert_eq!(t[6], "force/VERB");
        let t = tags("They want to push us back.");
        assert_eq!(t[3], "push/VERB");
    }

    #[test]
    fn a_word_in_s_after_a_gerund_subject_is_its_verb() {
        let t = tags("They go in as soon as fighting breaks out.");
        assert_eq!(t[7], "breaks/VERB");
    }

    #[test]
    fn right_now_is_an_adverb() {
        let t = tags("they should send blue helmets into sudan right now to stop the war");
        assert!(t.contains(&"right/ADV".to_string()), "{t:?}");
    }

    #[test]
    fn a_preposition_before_a_number_opening_a_clause_means_about() {
        let t = tags("After the truce, around 3,000 peacemakers were sent.");
        assert!(t.contains(&"around/ADV".to_string()), "{t:?}");
        // Inside a phrase it stays a preposition.
        let t = tags("They argued for around 20 minutes.");
        assert!(t.contains(&"around/ADP".to_string()), "{t:?}");
    }

    #[test]
    fn a_verb_between_an_adjective_and_a_noun_is_a_modifier() {
        let t = tags("They stayed on as an armed buffer force in Gaza.");
        assert!(t.contains(&"buffer/NOUN".to_string()), "{t:?}");
        let t = tags("It proposes that the office's own standing battalions be placed under joint command.");
        assert!(t.contains(&"standing/NOUN".to_string()), "{t:?}");
    }

    #[test]
    fn a_plural_looking_word_after_a_singular_subject_is_its_verb() {
        for text in [
            "DPPA commands thousands of troops.",
            "It now commands thousands of troops.",
            "It now commands thousands of troops in the field, including the contingents.",
            "The envoy chairs the talks.",
        ] {
            let t = tags(text);
            assert!(
                t.iter().any(|w| w == "commands/VERB" || w == "chairs/VERB"),
                "{text}: {t:?}"
            );
        }
        // A plural noun phrase with its own verb keeps its noun.
        let t = tags("UNIFIL patrols the line while UN forces watch.");
        assert!(t.contains(&"forces/NOUN".to_string()), "{t:?}");
    }

    #[test]
    fn but_rather_after_a_negated_verb_corrects_the_verb() {
        let t = tags("These soldiers do not fight in combat, but rather focus on talks.");
        assert!(t.contains(&"focus/VERB".to_string()), "{t:?}");
        let t = tags("They don't fight, but rather focus on talks.");
        assert!(t.contains(&"focus/VERB".to_string()), "{t:?}");
        let t = tags("The UN sent not troops but rather diplomats from Norway.");
        assert!(t.contains(&"diplomats/NOUN".to_string()), "{t:?}");
    }

    #[test]
    fn like_before_a_number_means_about() {
        let t = tags("the mediators had like 10k troops there");
        assert!(t.contains(&"like/ADV".to_string()), "{t:?}");
        let t = tags("mediators like Annan talk");
        assert!(!t.contains(&"like/ADV".to_string()), "{t:?}");
    }

    #[test]
    fn may_after_a_preposition_is_the_month() {
        let t = tags("The mediators reached the capital in May, helping the peacekeepers.");
        assert!(t.contains(&"may/PROPN".to_string()), "{t:?}");
        let t = tags("The peacekeepers may patrol the line.");
        assert!(!t.contains(&"may/PROPN".to_string()), "{t:?}");
    }

    #[test]
    fn a_capitalised_verb_joined_to_a_name_is_a_name() {
        let t = tags("The force sat Sadat and Begin down at the table.");
        assert!(t.contains(&"begin/PROPN".to_string()), "{t:?}");
        let t = tags("The talks stalled and Begin left.");
        assert!(!t.contains(&"left/PROPN".to_string()), "{t:?}");
    }

    #[test]
    fn verbs_the_model_reads_as_nouns() {
        let t = tags("The peace-making is where the army forces the two sides to sign the agreement.");
        assert!(t.contains(&"forces/VERB".to_string()), "{t:?}");
        let t = tags("Peace-builders in blue helmets now man checkpoints across the capital.");
        assert!(t.contains(&"man/VERB".to_string()), "{t:?}");
        // A sentence with a verb keeps its nouns.
        let t = tags("The peace talks the parties held in May failed.");
        assert!(t.contains(&"talks/NOUN".to_string()), "{t:?}");
    }

    #[test]
    fn a_bare_noun_before_a_number_after_a_plural_is_its_verb() {
        let t = tags("Green Line - peacemakers patrol approx. 180 km line");
        assert!(t.contains(&"patrol/VERB".to_string()), "{t:?}");
    }

    #[test]
    fn negated_auxiliaries_without_apostrophes() {
        let t = tags("wasnt the korean war a peacekeeping op");
        assert!(t.contains(&"wasnt/AUX".to_string()), "{t:?}");
        let t = tags("dont wait for a ceasefire");
        assert!(t.contains(&"dont/AUX".to_string()), "{t:?}");
    }

    #[test]
    fn verbs_after_who_and_after_a_singular_subject() {
        let t = tags("The observers who patrol it report back.");
        assert!(t.contains(&"patrol/VERB".to_string()), "{t:?}");
        let t = tags("A mediator shells the town that refuses to talk.");
        assert!(t.contains(&"shells/VERB".to_string()), "{t:?}");
        // With a verb of its own, the "-s" word stays a noun.
        let t = tags("The mission plans the patrols.");
        assert!(t.contains(&"patrols/NOUN".to_string()), "{t:?}");
    }

    #[test]
    fn tags_known_and_unknown_words() {
        let got = tags("The peacemakers patrolled the buffer zone.");
        assert_eq!(
            got,
            [
                "the/DET",
                "peacemakers/NOUN",
                "patrolled/VERB",
                "the/DET",
                "buffer/NOUN",
                "zone/NOUN",
                "./PUNCT"
            ]
        );
    }

    #[test]
    fn hyphenated_compounds_and_names() {
        let got = tags("A non-coercive, consent-based approach in Mali.");
        assert!(got.contains(&"non-coercive/ADJ".to_string()), "{got:?}");
        assert!(got.contains(&"consent-based/ADJ".to_string()), "{got:?}");
        assert!(got.contains(&"mali/PROPN".to_string()), "{got:?}");
    }

    #[test]
    fn known_tags_win_before_the_rules() {
        let text = "UNIFIL escorted them";
        let mut toks = tokenize(text, 0..text.len());
        tag(&mut toks, text, &[Some(Tag::Propn), None, None]);
        assert_eq!(toks[0].tag, Tag::Propn);
        assert_eq!(toks[1].tag, Tag::Verb);
    }

    #[test]
    fn a_possessive_noun_is_followed_by_a_noun() {
        let got = tags("Without the host state's consent the force had to leave.");
        assert!(got.contains(&"consent/NOUN".to_string()), "{got:?}");
    }

    #[test]
    fn after_a_modal_comes_a_verb() {
        let got = tags("Consent is vital because a mission can not work without it.");
        assert!(got.contains(&"consent/NOUN".to_string()), "{got:?}");
        assert!(got.contains(&"work/VERB".to_string()), "{got:?}");
        let got = tags("In May 1967 Egypt asked for the force to leave.");
        assert!(got.contains(&"1967/NUM".to_string()), "{got:?}");
    }

    #[test]
    fn a_verbless_sentence_gets_its_verb_after_a_plural_subject() {
        let got = tags("Peacemakers patrol buffer zones.");
        assert!(got.contains(&"patrol/VERB".to_string()), "{got:?}");
        let got = tags("Peacekeepers broker ceasefires.");
        assert!(got.contains(&"broker/VERB".to_string()), "{got:?}");
        let got = tags("Peacekeepers end civil wars by standing between the armies.");
        assert!(got.contains(&"end/VERB".to_string()), "{got:?}");
        // A sentence with a verb keeps its compounds.
        let got = tags("The peacekeepers patrol route was mined.");
        assert!(got.contains(&"patrol/NOUN".to_string()), "{got:?}");
        // Before a preposition, and after a timeline's label.
        let got = tags("1950: UN troops land at Inchon and push the northern army back.");
        assert!(got.contains(&"land/VERB".to_string()), "{got:?}");
        let got = tags("The peacekeepers camp near the river.");
        assert!(got.contains(&"camp/VERB".to_string()), "{got:?}");
        let got = tags("The peacekeepers memorial in Ottawa honours the dead.");
        assert!(got.contains(&"memorial/NOUN".to_string()), "{got:?}");
    }

    #[test]
    fn a_lowercase_word_is_not_a_name() {
        let got = tags("Mediators help warring states reach a settlement and end civil wars.");
        assert!(got.contains(&"states/NOUN".to_string()), "{got:?}");
        assert!(got.contains(&"wars/NOUN".to_string()), "{got:?}");
    }

    #[test]
    fn an_ing_word_before_a_plural_object_and_its_verb_describes_it() {
        let got = tags("The mission helps warring parties reach a settlement.");
        assert!(got.contains(&"warring/ADJ".to_string()), "{got:?}");
        // A progressive stays a verb.
        let got = tags("The envoys are negotiating terms with the parties.");
        assert!(got.contains(&"negotiating/VERB".to_string()), "{got:?}");
    }
}
