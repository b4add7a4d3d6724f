//! Classification evidence: the other concept presented as a kind or part of
//! the actor's: "peacekeeping takes many forms, including peace
//! enforcement", "methods of peacemaking include mediation, sanctions and
//! armed intervention", "peace enforcement is a form of peacekeeping".
//!
//! The members are the terms of the work concept (its concept term, "peace
//! enforcement") and strong act cues of it ("armed intervention").

use super::{Evidence, Scope};
use crate::lexicon::Tag;
use crate::terms::Role;
use std::ops::Range;

/// Nouns that name the kinds of a class: "forms of X", "a type of X".
const KIND_NOUNS: &[&str] = &[
    "form", "forms", "type", "types", "kind", "kinds", "sort", "sorts", "method", "methods", "tool", "tools", "part",
    "branch", "variety", "varieties", "category", "subset", "aspect", "aspects", "pillar", "pillars", "strategies",
    "strategy", "instrument", "instruments", "technique", "techniques",
];

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    for a in (0..s.actors.len()).filter(|&a| s.actors[a].here && scope.is_rule_actor(a) && !s.actors[a].modifier) {
        let actor = s.actors[a].toks.clone();
        if scope.excepted(actor.start) {
            continue;
        }
        let clause = s.clause_of(actor.start);
        // X ... include(s) / including / such as Y ..., or "X has three main
        // pillars: Y; Z" (a kind noun and a colon: the list runs on).
        let after = classifier_in(s, actor.end..clause.end).map(|k| k..clause.end).or_else(|| {
            (actor.end..(actor.end + 8).min(s.toks.len().saturating_sub(1)))
                .find(|&k| KIND_NOUNS.contains(&s.toks[k].lower.as_str()) && s.toks[k + 1].lower == ":")
                .map(|k| k + 2..s.toks.len())
        });
        // "forms of X include Y", "Y is a form of X": X after "of" a kind noun.
        let of_kind = actor.start >= 2
            && s.toks[actor.start - 1].lower == "of"
            && KIND_NOUNS.contains(&s.toks[actor.start - 2].lower.as_str());
        let members = if of_kind {
            // "Y is a form of X" (members before) or "forms of X include Y".
            let before = clause.start..actor.start.saturating_sub(2);
            let after_x = classifier_in(s, actor.end..clause.end).map(|k| k..clause.end);
            after_x.or_else(|| copula_in(s, before.clone()).then_some(before))
        } else {
            after
        };
        let Some(members) = members else {
            continue;
        };
        if let Some((score, cues)) = score_members(scope, members) {
            ev.add(a, score, cues);
        }
    }
}

/// The token after a classifier ("include", "including", "such as", "like",
/// "among them") in `range`, if one is there and no negation precedes it.
fn classifier_in(s: &crate::analysis::sentence::Sentence<'_>, range: Range<usize>) -> Option<usize> {
    for k in range.clone() {
        if s.lex.is_negation(&s.toks, k) {
            return None;
        }
        let include_verb = s.toks[k].lower.starts_with("includ") || s.toks[k].lower.starts_with("encompass") || s.toks[k].lower.starts_with("compris");
        if include_verb {
            return Some(k + 1);
        }
        if let Some(n) = s.lex.classifiers.at(&s.toks, k) {
            return Some(k + n);
        }
    }
    None
}

fn copula_in(s: &crate::analysis::sentence::Sentence<'_>, range: Range<usize>) -> bool {
    range.clone().any(|k| s.g.vg_of[k].is_some_and(|v| s.g.vgs[v].copula && !s.g.vgs[v].negated))
}

fn score_members(scope: &Scope<'_, '_>, members: Range<usize>) -> Option<(f32, Vec<Range<usize>>)> {
    let s = scope.s;
    let mut best: Option<(f32, Vec<Range<usize>>)> = None;
    // The work concept's own terms: "including peace enforcement".
    for t in 0..s.terms.len() {
        let k = s.terms[t].toks.start;
        if members.contains(&k) && s.term(t).concept == scope.work && s.term(t).kind == "concept" && !s.is_quoted(&s.terms[t].toks) {
            return Some((1.0, vec![s.terms[t].range.clone()]));
        }
    }
    for c in 0..s.cues.len() {
        let k = s.cues[c].toks.start;
        let cue = s.cue(c);
        if members.contains(&k)
            && cue.concept == scope.work
            && cue.role == Role::Act
            && cue.weight >= 1.0
            && s.toks[k].tag != Tag::Verb
            && !s.is_quoted(&s.cues[c].toks)
            && best.is_none()
        {
            best = Some((cue.weight, vec![s.cues[c].range.clone()]));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{flags, quiet};

    #[test]
    fn kinds_of_the_actor_concept() {
        flags(
            "Peacekeeping takes many forms, including peace enforcement.",
            "peacekeeping-as-enforcement",
            "Peacekeeping",
        );
        flags(
            "Methods of peacemaking include mediation, sanctions and armed intervention.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        quiet(
            "Peace operations include peacekeeping and peace enforcement.",
            "peacekeeping-as-enforcement",
        );
    }
}
