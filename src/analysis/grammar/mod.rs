//! The grammatical layer of one sentence: part-of-speech tags from a trained
//! tagger ([`tagger`]), noun phrases and verb groups built from the tags
//! ([`Grammar::new`]), and the relations the rules need: who does each act,
//! whether it is negated or prevented ([`relations`]).
//!
//! Everything here works on token indices of one sentence and is linear in
//! its length (every walk is bounded).

pub mod brill;
pub mod relations;
pub mod tagger;

use crate::lexicon::{Lexicon, Tag, Tok};
use std::ops::Range;

/// A noun phrase: determiners, numbers, adjectives and nouns up to a head.
#[derive(Debug, Clone, PartialEq)]
pub struct NounPhrase {
    pub toks: Range<usize>,
    /// The head (the last nominal word).
    pub head: usize,
    /// A possessive word inside it ("UNIFIL's", "their"), if any.
    pub possessor: Option<usize>,
    /// "no peacekeepers", "neither force".
    pub negative: bool,
}

/// How a verb group is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbForm {
    /// Has a tense: "negotiated", "has negotiated", "is".
    Finite,
    /// "to negotiate".
    Infinitive,
    /// "-ing" without a finite auxiliary: a participle or a gerund.
    Ing,
    /// A past form without an auxiliary after a noun phrase and before "by":
    /// "the treaty negotiated by ...". Also "having negotiated".
    Participle,
}

/// A verb group: auxiliaries, negation and adverbs, and a main verb.
#[derive(Debug, Clone, PartialEq)]
pub struct VerbGroup {
    pub toks: Range<usize>,
    /// The main verb (or the auxiliary, for a bare copula "is").
    pub main: usize,
    pub form: VerbForm,
    pub passive: bool,
    /// "not", "n't", "never", "no longer" inside the group.
    pub negated: bool,
    /// A form of "be" alone: "X is Y".
    pub copula: bool,
}

/// The grammar of one sentence.
#[derive(Debug, Clone, Default)]
pub struct Grammar {
    pub nps: Vec<NounPhrase>,
    pub vgs: Vec<VerbGroup>,
    /// Token -> index into `nps`.
    pub np_of: Vec<Option<usize>>,
    /// Token -> index into `vgs`.
    pub vg_of: Vec<Option<usize>>,
}

/// Words that are never part of a noun phrase even when tagged so.
fn opens_clause(t: &Tok, lex: &Lexicon) -> bool {
    lex.relative_pronouns.contains_word(&t.lower)
}

/// "both sides", "all parties": a quantifier opens a noun phrase whatever
/// its tag.
fn is_quantifier(t: &Tok) -> bool {
    matches!(
        t.lower.as_str(),
        "both" | "all" | "each" | "either" | "every" | "many" | "several" | "some"
    )
}

fn is_possessive(t: &Tok) -> bool {
    t.lower.ends_with("'s")
        || (t.lower.ends_with('\'') && t.lower.len() > 1)
        || matches!(
            t.lower.as_str(),
            "its" | "their" | "his" | "her" | "our" | "my" | "your"
        )
}

impl Grammar {
    /// Chunk tagged tokens into noun phrases and verb groups.
    pub fn new(toks: &[Tok], lex: &Lexicon) -> Grammar {
        Grammar::with_starts(toks, lex, &[])
    }

    /// Chunk, with tokens where a noun phrase must start (a name after
    /// another name: "in Rwanda UNAMIR was sent").
    pub fn with_starts(toks: &[Tok], lex: &Lexicon, starts: &[usize]) -> Grammar {
        let mut g = Grammar {
            np_of: vec![None; toks.len()],
            vg_of: vec![None; toks.len()],
            ..Grammar::default()
        };
        g.chunk_verbs(toks, lex);
        g.chunk_nouns(toks, lex, starts);
        g
    }

    fn chunk_verbs(&mut self, toks: &[Tok], lex: &Lexicon) {
        let be = &lex.passive_auxiliaries;
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            // "to negotiate"; learners' "for stop it" means the same.
            let to = |w: &Tok| {
                w.lower == "to"
                    || w.lower == "for"
                        && toks
                            .get(i + 1)
                            .is_some_and(|n| !n.lower.ends_with("ing") && !n.lower.ends_with('s'))
            };
            if !(t.tag.is_verbal() || to(t) && toks.get(i + 1).is_some_and(|n| n.tag == Tag::Verb)) {
                i += 1;
                continue;
            }
            // Extend over auxiliaries, negation and adverbs up to a main verb.
            let start = i;
            let mut j = i;
            let mut main = None;
            while j < toks.len() {
                let u = &toks[j];
                if u.tag == Tag::Verb {
                    main = Some(j);
                    j += 1;
                    break;
                }
                let inner = u.tag == Tag::Aux
                    || (j == start && (u.lower == "to" || u.lower == "for"))
                    || (j > start
                        && u.lower != "to"
                        && (u.tag == Tag::Adv || u.tag == Tag::Part || lex.is_negation(toks, j)));
                if !inner {
                    break;
                }
                j += 1;
            }
            // Trailing adverbs and negation after a bare auxiliary belong to
            // what follows, not to this group ("is not" + "a force").
            let mut end = j;
            let main = match main {
                Some(m) => m,
                None => {
                    while end > start + 1 && !toks[end - 1].tag.is_verbal() {
                        end -= 1;
                    }
                    match (start..end).rev().find(|&k| toks[k].tag.is_verbal()) {
                        Some(m) => m,
                        None => {
                            i = j.max(i + 1);
                            continue;
                        }
                    }
                }
            };
            // Negation inside the group, or right after a bare auxiliary
            // ("is not a force": the copula is negated).
            // Negation inside the group, or just before it ("never
            // negotiate", "hardly ever patrolled", "neither impose ... nor
            // fight").
            // ("no longer says": a phrase that ends right before it.)
            let before = (start.saturating_sub(2)..start)
                .rev()
                .take_while(|&k| matches!(toks[k].tag, Tag::Adv | Tag::Part | Tag::Cconj))
                .any(|k| lex.is_negation(toks, k))
                || (start.saturating_sub(3)..start)
                    .any(|k| lex.negations.at(toks, k).is_some_and(|len| len > 1 && k + len == start));
            let negated = before || (start..j).any(|k| lex.is_negation(toks, k));
            let auxes: Vec<usize> = (start..main).filter(|&k| toks[k].tag == Tag::Aux).collect();
            let m = &toks[main].lower;
            let ing = m.ends_with("ing");
            // "wasn't", "aren't": a form of "be" with its negation attached.
            let is_be = |w: &str| be.contains_word(w) || w.strip_suffix("n't").is_some_and(|b| be.contains_word(b));
            let has_be = auxes.iter().any(|&k| is_be(&toks[k].lower));
            let copula = toks[main].tag == Tag::Aux && is_be(m);
            // "the peace keepers was negociate the agreement": a learner's
            // "be" before a base form ("-ate", "-ise", "-ize", "-ify" are never
            // participles) is an active past, not a passive.
            let base = ["ate", "ise", "ize", "ify"].iter().any(|e| m.ends_with(e));
            let passive = toks[main].tag == Tag::Verb && !ing && !base && has_be && {
                // "was negotiating" is progressive; "has been negotiated" passive.
                let last_aux = auxes.last().map(|&k| toks[k].lower.as_str());
                !matches!(
                    last_aux,
                    Some(
                        "do" | "does"
                            | "did"
                            | "will"
                            | "would"
                            | "can"
                            | "could"
                            | "shall"
                            | "should"
                            | "may"
                            | "might"
                            | "must"
                    )
                )
            };
            let finite_aux = auxes
                .iter()
                .any(|&k| !matches!(toks[k].lower.as_str(), "being" | "having" | "been" | "be" | "to"));
            let form = if matches!(toks[start].lower.as_str(), "to" | "for") {
                VerbForm::Infinitive
            } else if finite_aux || toks[main].tag == Tag::Aux && !matches!(m.as_str(), "being" | "having") {
                VerbForm::Finite
            } else if auxes.iter().any(|&k| toks[k].lower == "having") || !auxes.is_empty() {
                // "having negotiated", "being fought", "been sent": no tense.
                VerbForm::Participle
            } else if ing {
                VerbForm::Ing
            } else {
                VerbForm::Finite
            };
            // "the first attacked by both sides", "the accord negotiated by
            // Norway": a bare past form with an agent after it is a passive
            // participle (a reduced relative), not the phrase's own act.
            let reduced = auxes.is_empty()
                && toks[main].lower.ends_with("ed")
                && toks.get(end.max(main + 1)).is_some_and(|t| t.lower == "by")
                && main > 0
                && toks[main - 1].tag != Tag::Pron;
            let form = if reduced { VerbForm::Participle } else { form };
            let passive = passive || reduced || (form == VerbForm::Participle && has_be);
            let idx = self.vgs.len();
            for k in start..end.max(main + 1) {
                self.vg_of[k] = Some(idx);
            }
            self.vgs.push(VerbGroup {
                toks: start..end.max(main + 1),
                main,
                form,
                passive,
                negated,
                copula,
            });
            i = end.max(main + 1);
        }
        // "was set up and patrolled by": a past form after "and" shares the
        // passive auxiliary of the group before it.
        for v in 1..self.vgs.len() {
            let (prev, this) = (&self.vgs[v - 1], &self.vgs[v]);
            let single = this.toks.len() == 1 && toks[this.main].lower.ends_with("ed");
            // "was hosted by Fafo and mediated by UNTSO": the previous group
            // is passive and nothing between ends the clause.
            let joined = this.toks.start >= 1
                && matches!(toks[this.toks.start - 1].lower.as_str(), "and" | "or")
                && this.toks.start - prev.toks.end <= 12
                && !(prev.toks.end..this.toks.start)
                    .any(|k| matches!(toks[k].lower.as_str(), "," | ";" | ":") || toks[k].tag == Tag::Sconj)
                && toks
                    .get(this.toks.end)
                    .is_some_and(|t| t.lower == "by" || t.tag == Tag::Adp);
            if single && joined && prev.passive {
                self.vgs[v].passive = true;
                self.vgs[v].form = VerbForm::Participle;
            }
        }
        // A past form without an auxiliary before "by" is a participle, alone
        // or coordinated: "the accord negotiated by ...", "drafted and
        // signed by UNAMSIL peacekeepers".
        let single = |g: &VerbGroup| g.toks.len() == 1 && toks[g.main].lower.ends_with("ed");
        for v in 0..self.vgs.len() {
            if !single(&self.vgs[v]) {
                continue;
            }
            let mut w = v;
            let mut chain = vec![v];
            loop {
                let end = self.vgs[w].toks.end;
                let next = toks.get(end).map(|t| t.lower.as_str());
                if matches!(next, Some("and" | "or" | ",")) {
                    match self.vg_of.get(end + 1).copied().flatten() {
                        Some(x) if single(&self.vgs[x]) && self.vgs[x].toks.start == end + 1 => {
                            chain.push(x);
                            w = x;
                            continue;
                        }
                        _ => {}
                    }
                }
                break;
            }
            let by_next = toks.get(self.vgs[w].toks.end).is_some_and(|t| t.lower == "by");
            let start = self.vgs[v].toks.start;
            let after_noun_or_colon = start > 0
                && (toks[start - 1].tag.is_nominal() || matches!(toks[start - 1].lower.as_str(), ":" | "-" | ","));
            if by_next && (after_noun_or_colon || start == 0) {
                for x in chain {
                    self.vgs[x].form = VerbForm::Participle;
                    self.vgs[x].passive = true;
                }
            }
        }
    }

    fn chunk_nouns(&mut self, toks: &[Tok], lex: &Lexicon, must_start: &[usize]) {
        let mut i = 0;
        while i < toks.len() {
            let starts = |t: &Tok| {
                self.vg_of[i].is_none()
                    && (matches!(
                        t.tag,
                        Tag::Det | Tag::Num | Tag::Adj | Tag::Noun | Tag::Propn | Tag::Pron
                    ) || is_quantifier(t))
                    && !opens_clause(t, lex)
            };
            if !starts(&toks[i]) {
                i += 1;
                continue;
            }
            let start = i;
            let mut j = i;
            let mut head = None;
            let mut possessor = None;
            while j < toks.len() && self.vg_of[j].is_none() {
                let t = &toks[j];
                let fits = match t.tag {
                    _ if is_quantifier(t) => j == start,
                    // Adjectives come before the noun: after one, a new phrase.
                    Tag::Adj if head.is_some_and(|h: usize| toks[h].tag != Tag::Num) && possessor != Some(j - 1) => {
                        false
                    }
                    Tag::Det => {
                        j == start || possessor == Some(j - 1) || (j == start + 1 && is_quantifier(&toks[start]))
                    }
                    Tag::Num | Tag::Adj | Tag::Noun | Tag::Propn => true,
                    // A pronoun is a phrase of its own unless possessive ("their orders").
                    Tag::Pron => j == start && !opens_clause(t, lex),
                    // "very large", "most senior"
                    Tag::Adv => toks.get(j + 1).is_some_and(|n| n.tag == Tag::Adj),
                    _ => false,
                };
                // "took the peacekeepers three years": a count of something
                // after a plural noun opens a second phrase ("resolutions 82
                // and 83" count nothing).
                let count_after_plural = t.tag == Tag::Num
                    && j > start
                    && toks[j - 1].tag == Tag::Noun
                    && toks[j - 1].lower.ends_with('s')
                    && possessor != Some(j - 1)
                    && toks.get(j + 1).is_some_and(|n| n.tag == Tag::Noun);
                if !fits || count_after_plural || (j > start && (opens_clause(t, lex) || must_start.contains(&j))) {
                    break;
                }
                if t.tag.is_nominal() {
                    head = Some(j);
                }
                // "In February 2019 DPO ...", "for six decades UNFICYP ...": a
                // year or a time noun ends the phrase before a name.
                // ("the 1950 operation": after a determiner, a year modifies.)
                let year = t.tag == Tag::Num
                    && t.lower.len() == 4
                    && t.lower.starts_with(['1', '2'])
                    && !(j > start && toks[j - 1].tag == Tag::Det);
                let time = t.tag == Tag::Noun && lex.time_nouns.contains_word(&t.lower);
                if (year || time)
                    && toks
                        .get(j + 1)
                        .is_some_and(|n| n.tag == Tag::Propn || year && matches!(n.tag, Tag::Noun | Tag::Adj))
                {
                    j += 1;
                    break;
                }
                if is_possessive(t)
                    && (t.tag != Tag::Pron || toks.get(j + 1).is_some_and(|n| n.word && n.tag != Tag::Verb))
                {
                    possessor = Some(j);
                    j += 1;
                    continue;
                }
                if t.tag == Tag::Pron {
                    j += 1;
                    break;
                }
                j += 1;
            }
            let Some(head) = head else {
                i = j.max(i + 1);
                continue;
            };
            let end = head + 1;
            let idx = self.nps.len();
            for k in start..end {
                self.np_of[k] = Some(idx);
            }
            // "no peacekeepers", "not peacekeepers", "neither X nor Y".
            let negative = lex.is_negation(toks, start)
                || lex.is_negation(toks, head)
                || start > 0 && matches!(toks[start - 1].lower.as_str(), "not" | "neither" | "nor" | "never");
            self.nps.push(NounPhrase {
                toks: start..end,
                head,
                possessor: possessor.filter(|&p| p < head),
                negative,
            });
            i = end;
        }
    }

    /// Whether a finite verb follows noun phrase `n` at once: the phrase is
    /// that verb's subject ("said it would", "I think the peacemakers are"),
    /// not the object of a verb before it.
    pub fn before_finite_verb(&self, n: usize) -> bool {
        self.vg_of
            .get(self.nps[n].toks.end)
            .copied()
            .flatten()
            .is_some_and(|v| self.vgs[v].form == VerbForm::Finite)
    }

    /// The noun phrase that ends right before token `k` (skipping nothing).
    pub fn np_ending_at(&self, k: usize) -> Option<usize> {
        let n = self.np_of.get(k.checked_sub(1)?).copied().flatten()?;
        (self.nps[n].toks.end == k).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::tokenize;
    use crate::terms::Database;

    pub(crate) fn parse(text: &str) -> (Vec<Tok>, Grammar) {
        let db = Database::builtin();
        let mut toks = tokenize(text, 0..text.len());
        let known = vec![None; toks.len()];
        tagger::tag(&mut toks, text, &known);
        let g = Grammar::new(&toks, db.lexicon());
        (toks, g)
    }

    fn show(text: &str) -> String {
        let (toks, g) = parse(text);
        let mut out = Vec::new();
        let mut k = 0;
        while k < toks.len() {
            if let Some(n) = g.np_of[k] {
                let r = g.nps[n].toks.clone();
                out.push(format!(
                    "[{}]",
                    toks[r.clone()]
                        .iter()
                        .map(|t| t.lower.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
                k = r.end;
            } else if let Some(v) = g.vg_of[k] {
                let vg = &g.vgs[v];
                let words = toks[vg.toks.clone()]
                    .iter()
                    .map(|t| t.lower.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut marks = String::new();
                if vg.passive {
                    marks.push_str(":pass");
                }
                if vg.negated {
                    marks.push_str(":neg");
                }
                match vg.form {
                    VerbForm::Infinitive => marks.push_str(":inf"),
                    VerbForm::Ing => marks.push_str(":ing"),
                    VerbForm::Participle => marks.push_str(":part"),
                    VerbForm::Finite => {}
                }
                out.push(format!("<{words}{marks}>"));
                k = vg.toks.end;
            } else {
                out.push(toks[k].lower.clone());
                k += 1;
            }
        }
        out.join(" ")
    }

    #[test]
    fn chunks_noun_phrases_and_verb_groups() {
        assert_eq!(
            show("The UN peacekeepers in Cyprus have not negotiated a treaty."),
            "[the un peacekeepers] in [cyprus] <have not negotiated:neg> [a treaty] ."
        );
        assert_eq!(
            show("The accord was brokered by the envoy."),
            "[the accord] <was brokered:pass> by [the envoy] ."
        );
        assert_eq!(
            show("The envoy tried to negotiate."),
            "[the envoy] <tried> <to negotiate:inf> ."
        );
    }

    #[test]
    fn a_year_ends_a_phrase_unless_a_determiner_makes_it_a_modifier() {
        assert_eq!(show("In 1993 peacekeepers came."), "in [1993] [peacekeepers] <came> .");
        assert_eq!(show("The 1950 operation came."), "[the 1950 operation] <came> .");
    }

    #[test]
    fn a_count_after_a_plural_noun_opens_a_second_phrase() {
        assert_eq!(
            show("It took the envoys two years."),
            "[it] <took> [the envoys] [two years] ."
        );
        assert_eq!(
            show("Resolutions 82 and 83 came."),
            "[resolutions 82] and [83] <came> ."
        );
        assert_eq!(
            show("The envoy's 5,000 troops came."),
            "[the envoy's 5,000 troops] <came> ."
        );
    }

    #[test]
    fn be_before_a_base_form_is_a_learners_active_past() {
        assert_eq!(
            show("The peacekeepers was negociate the agreement."),
            "[the peacekeepers] <was negociate> [the agreement] ."
        );
        assert_eq!(
            show("The agreement was negotiated by the envoy."),
            "[the agreement] <was negotiated:pass> by [the envoy] ."
        );
    }

    #[test]
    fn participles_and_possessives() {
        assert_eq!(
            show("Wars being fought by militias"),
            "[wars] <being fought:pass:part> by [militias]"
        );
        assert_eq!(show("UNIFIL's commander"), "[unifil's commander]");
        assert_eq!(
            show("the treaty negotiated by Norway"),
            "[the treaty] <negotiated:pass:part> by [norway]"
        );
    }
}
