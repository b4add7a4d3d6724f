//! The kinds of evidence an attribution rule collects, one file each. Each
//! kind looks at one sentence and adds scores to actor phrases; a rule makes
//! a finding for an actor whose evidence reaches 1.0.

pub mod circumstance;
pub mod classification;
pub mod compound;
pub mod definition;
pub mod identity;
pub mod possession;
pub mod subject;

use super::sentence::{Sentence, Span};
use crate::lexicon::Phrases;
use crate::terms::{EvidenceKind, Role, RuleSpec};
use std::ops::Range;

/// Evidence is credited to actors; a finding needs this much.
pub const THRESHOLD: f32 = 1.0;

/// One actor's evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index into `Sentence::actors`.
    pub actor: usize,
    pub score: f32,
    /// The words that triggered it.
    pub cues: Vec<Range<usize>>,
    /// A product bonus was already counted.
    product: bool,
}

/// Evidence per actor; scores of different words add up, the same words
/// count once, and a product bonus counts once.
#[derive(Debug, Default)]
pub struct Evidence {
    pub entries: Vec<Entry>,
}

impl Evidence {
    pub fn add(&mut self, actor: usize, score: f32, cues: Vec<Range<usize>>) {
        match self.entries.iter_mut().find(|e| e.actor == actor) {
            // The same words seen by a second kind of evidence ("X is
            // resolving conflicts" is a subject and a definition) count once,
            // at the stronger reading.
            Some(e) if !cues.is_empty() && cues.iter().all(|c| e.cues.contains(c)) => {
                e.score = e.score.max(score);
            }
            Some(e) => {
                e.score += score;
                e.cues.extend(cues);
            }
            None => self.entries.push(Entry {
                actor,
                score,
                cues,
                product: false,
            }),
        }
    }

    /// A product of the work (an accord for negotiating) strengthens an act.
    pub fn product(&mut self, actor: usize, range: Range<usize>) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.actor == actor) {
            if !e.product {
                e.product = true;
                e.score += 0.5;
                e.cues.push(range);
            }
        }
    }
}

/// What a kind of evidence needs to know about the rule it serves.
pub struct Scope<'s, 'a> {
    pub s: &'s Sentence<'a>,
    pub rule: &'s RuleSpec,
    /// The concept whose work the actor must not be credited with.
    pub work: &'s str,
    pub exceptions: &'s Phrases,
}

impl Scope<'_, '_> {
    /// Whether actor `a` is one the rule is about.
    pub fn is_rule_actor(&self, a: usize) -> bool {
        let actor = &self.s.actors[a];
        !(actor.here && self.s.is_quoted(&actor.toks)) && self.is_rule_term(a)
    }

    /// Whether actor `a` is of the rule's concepts and kinds, quoted or not
    /// (a quoted term is mentioned, not used, except as a gloss).
    pub fn is_rule_term(&self, a: usize) -> bool {
        let s = self.s;
        let t = s.actor_term(a);
        if s.other_sense(a) {
            return false; // "Mum is the peacemaker in our house"
        }
        self.rule.actor_concepts.contains(&t.concept)
            && self.rule.actor_kinds.contains(&t.kind)
            && !self.rule.exempt_actors.contains(&t.id)
    }

    /// Whether the clause holding token `k` has one of the rule's exception
    /// phrases ("good offices", "self-defence").
    pub fn excepted(&self, k: usize) -> bool {
        let c = self.s.clause_of(k);
        self.exceptions.any_in(&self.s.toks, c)
    }

    /// Cues of the work concept with one of `roles`, not quoted and not in
    /// an excepted clause.
    pub fn work_cues<'r>(&'r self, roles: &'r [Role]) -> impl Iterator<Item = usize> + 'r {
        (0..self.s.cues.len()).filter(move |&c| {
            let cue = self.s.cue(c);
            cue.concept == self.work
                && roles.contains(&cue.role)
                && !self.s.is_quoted(&self.s.cues[c].toks)
                && !self.excepted(self.s.cues[c].toks.start)
        })
    }

    /// "negotiated access", "bargained with local commanders": a tactical
    /// object of the other concept within ten words after cue `c`.
    pub fn tactical_after(&self, c: usize) -> bool {
        let from = self.s.cues[c].toks.end;
        // Bargaining with no settlement in its clause is explained by what
        // the rest of the sentence names ("did negotiate constantly, but what
        // they bargained for was local: passage for a convoy").
        // With a settlement in the clause, only an errand in that clause
        // counts ("negotiated the peace agreement and then escorted convoys"
        // is still a settlement).
        let reach = if self.product_in_clause(self.s.cues[c].toks.start).is_none() {
            self.s.toks.len()
        } else {
            (from + 10).min(self.s.clause_of(self.s.cues[c].toks.start).end)
        };
        let to = reach.min(self.s.toks.len());
        // Force used on a tactical thing must be used on the thing itself:
        // "rebel supply lines" are a target, "supply convoys" an errand. A
        // bargain over one is tactical either way ("a withdrawal plan").
        let heads = |toks: &Range<usize>| {
            self.work != "peace-enforcement"
                || self.s.g.np_of[toks.start].is_none_or(|n| toks.contains(&self.s.g.nps[n].head))
        };
        // "tactical negotiation", "led the tactical talks": a tactical word
        // right before the act or inside its words.
        let act = self.s.cues[c].toks.clone();
        let before = |sp: &Span| sp.toks.end == act.start || act.start < sp.toks.start && sp.toks.end <= act.end;
        self.s.cues.iter().enumerate().any(|(i, sp)| {
            let cue = self.s.cue(i);
            cue.role == Role::Tactical
                && cue.concept != self.work
                && (sp.toks.start >= from && sp.toks.start < to && heads(&sp.toks) || before(sp))
        })
    }

    /// A product of the work in the clause of token `k` (a cue of role
    /// product or anchor, a strong asset, or an agreement term).
    pub fn product_in_clause(&self, k: usize) -> Option<Range<usize>> {
        let s = self.s;
        let clause = s.clause_of(k);
        let cue = (0..s.cues.len())
            .filter(|&c| clause.contains(&s.cues[c].toks.start) && s.cue(c).concept == self.work)
            .find(|&c| {
                let cue = s.cue(c);
                matches!(cue.role, Role::Product | Role::Anchor) || cue.role == Role::Asset && cue.weight >= 1.0
            })
            .map(|c| s.cues[c].range.clone());
        cue.or_else(|| {
            (0..s.terms.len())
                .find(|&t| {
                    clause.contains(&s.terms[t].toks.start)
                        && s.term(t).kind == "agreement"
                        && s.term(t).concept == self.work
                })
                .map(|t| s.terms[t].range.clone())
        })
    }
}

/// Run one kind of evidence.
pub fn collect(kind: EvidenceKind, scope: &Scope<'_, '_>, ev: &mut Evidence) {
    match kind {
        EvidenceKind::Subject => subject::collect(scope, ev),
        EvidenceKind::Definition => definition::collect(scope, ev),
        EvidenceKind::Compound => compound::collect(scope, ev),
        EvidenceKind::Possession => possession::collect(scope, ev),
        EvidenceKind::Identity => identity::collect(scope, ev),
        EvidenceKind::Circumstance => circumstance::collect(scope, ev),
        EvidenceKind::Classification => classification::collect(scope, ev),
    }
}

/// Actor `a` is the complement of a denial: "was not a peacekeeping
/// operation", "there have never been UN peacekeepers in Korea".
pub(super) fn complement_of_denial(s: &Sentence<'_>, a: usize) -> bool {
    s.g.np_of
        .get(s.actors[a].toks.start)
        .copied()
        .flatten()
        .and_then(|n| s.relations().object_of(n))
        .is_some_and(|v| s.g.vgs[v].negated)
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::analysis::analyze;
    use crate::terms::Database;
    use crate::text::Format;

    /// The (code, flagged text) pairs for a plain-text document.
    pub fn findings(text: &str) -> Vec<(String, String)> {
        findings_in(text, Format::Plain)
    }

    pub fn findings_in(text: &str, format: Format) -> Vec<(String, String)> {
        analyze(text, format, Database::builtin())
            .findings
            .into_iter()
            .map(|f| (f.code, text[f.range].to_string()))
            .collect()
    }

    pub fn flags(text: &str, code: &str, term: &str) {
        flags_in(text, Format::Plain, code, term);
    }

    pub fn flags_in(text: &str, format: Format, code: &str, term: &str) {
        let got = findings_in(text, format);
        assert!(
            got.iter().any(|(c, t)| c == code && t == term),
            "expected {code} on {term:?} in {text:?}, got {got:?}"
        );
    }

    pub fn quiet(text: &str, code: &str) {
        quiet_in(text, Format::Plain, code);
    }

    pub fn quiet_in(text: &str, format: Format, code: &str) {
        let got = findings_in(text, format);
        assert!(
            !got.iter().any(|(c, _)| c == code),
            "expected no {code} in {text:?}, got {got:?}"
        );
    }
}
