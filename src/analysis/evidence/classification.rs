//! Classification evidence: the other concept presented as a kind or part of
//! the actor's: "peacekeeping takes many forms, including peace
//! enforcement", "methods of peacemaking include mediation, sanctions and
//! armed intervention", "UN peacekeeping work has three pillars: peace
//! enforcement; ...", "peace enforcement is a form of peacekeeping".
//!
//! The members are the terms of the work concept (its concept term, "peace
//! enforcement") and strong act nouns of it ("armed intervention").

use super::{Evidence, Scope};
use crate::analysis::sentence::Sentence;
use crate::lexicon::Tag;
use crate::terms::Role;
use std::ops::Range;

/// Nouns that name the kinds of a class: "forms of X", "a type of X".
const KIND_NOUNS: &[&str] = &[
    "form",
    "forms",
    "type",
    "types",
    "kind",
    "kinds",
    "sort",
    "sorts",
    "method",
    "methods",
    "tool",
    "tools",
    "part",
    "branch",
    "variety",
    "varieties",
    "category",
    "subset",
    "aspect",
    "aspects",
    "pillar",
    "pillars",
    "strategies",
    "strategy",
    "instrument",
    "instruments",
    "technique",
    "techniques",
    "element",
    "elements",
    "component",
    "components",
];

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    for a in (0..s.actors.len()).filter(|&a| s.actors[a].here && scope.is_rule_actor(a) && !s.actors[a].modifier) {
        let actor = s.actors[a].toks.clone();
        if scope.excepted(actor.start) {
            continue;
        }
        let Some(members) = members_of(s, actor) else {
            continue;
        };
        if let Some((score, cues)) = score_members(scope, members) {
            ev.add(a, score, cues);
        }
    }
}

/// Where the members of the class named by the actor at `actor` are listed.
fn members_of(s: &Sentence<'_>, actor: Range<usize>) -> Option<Range<usize>> {
    let clause = s.clause_of(actor.start);
    let n = s.g.np_of.get(actor.start).copied().flatten()?;
    // The phrase that stands for the class: the actor's own, or "methods of
    // peacemaking" / "UN peacekeeping mission work" around it.
    let mut class = s.g.nps[n].toks.clone();
    if class.start >= 2 && s.toks[class.start - 1].lower == "of" {
        if let Some(m) = s.g.np_ending_at(class.start - 1) {
            if KIND_NOUNS.contains(&s.toks[s.g.nps[m].head].lower.as_str()) {
                class.start = s.g.nps[m].toks.start;
            }
        }
    }
    let after = class.end;
    // "three types of peacekeeping operations: observer missions, ...": a
    // list after the kinds and a colon.
    let kinds = class.start < s.g.nps[n].toks.start;
    if kinds && s.toks.get(after).is_some_and(|t| t.lower == ":") {
        return Some(after + 1..s.toks.len());
    }
    // "X, including Y", "X such as Y".
    let mut k = after;
    if s.toks.get(k).is_some_and(|t| t.lower == ",") {
        k += 1;
    }
    if let Some(m) = classifier_at(s, k) {
        return Some(m..clause.end);
    }
    let r = s.relations();
    let v = s.g.vg_of.get(after).copied().flatten().or_else(|| r.verb_after(n))?;
    let vg = &s.g.vgs[v];
    if vg.negated {
        return None;
    }
    let main = &s.toks[vg.main].lower;
    // "X includes Y", "X encompasses Y".
    if main.starts_with("includ") || main.starts_with("encompass") || main.starts_with("compris") {
        return Some(vg.toks.end..clause.end);
    }
    // "X takes many forms, including Y", "X has three pillars: Y; Z".
    let object = s.g.np_of.get(vg.toks.end).copied().flatten()?;
    let head = &s.toks[s.g.nps[object].head].lower;
    if !KIND_NOUNS.contains(&head.as_str()) {
        return None;
    }
    let mut k = s.g.nps[object].toks.end;
    if s.toks.get(k).is_some_and(|t| t.lower == ":") {
        return Some(k + 1..s.toks.len());
    }
    if s.toks.get(k).is_some_and(|t| t.lower == ",") {
        k += 1;
    }
    classifier_at(s, k).map(|m| m..clause.end)
}

/// The token after a classifier ("including", "such as", "like", "e.g.")
/// starting at `k`.
fn classifier_at(s: &Sentence<'_>, k: usize) -> Option<usize> {
    let t = s.toks.get(k)?;
    if t.lower == "including" || t.lower == "include" {
        return Some(k + 1);
    }
    s.lex.classifiers.at(&s.toks, k).map(|n| k + n)
}

fn score_members(scope: &Scope<'_, '_>, members: Range<usize>) -> Option<(f32, Vec<Range<usize>>)> {
    let s = scope.s;
    // The work concept's own terms: "including peace enforcement".
    for t in 0..s.terms.len() {
        let k = s.terms[t].toks.start;
        if members.contains(&k)
            && s.term(t).concept == scope.work
            && s.term(t).kind == "concept"
            && !s.is_quoted(&s.terms[t].toks)
        {
            return Some((1.0, vec![s.terms[t].range.clone()]));
        }
    }
    (0..s.cues.len())
        .find(|&c| {
            let k = s.cues[c].toks.start;
            let cue = s.cue(c);
            members.contains(&k)
                && cue.concept == scope.work
                && cue.role == Role::Act
                && cue.weight >= 1.0
                && s.toks[k].tag != Tag::Verb
                && !s.is_quoted(&s.cues[c].toks)
        })
        .map(|c| (s.cue(c).weight, vec![s.cues[c].range.clone()]))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{flags, quiet};

    #[test]
    fn a_list_after_the_kinds_and_a_colon() {
        flags(
            "There are three types of UN peacekeeping operations: observer missions, preventive deployments and peace enforcement operations.",
            "peacekeeping-as-enforcement",
            "peacekeeping",
        );
        quiet(
            "There are three types of UN peacekeeping operations: observer missions, interposition forces and multidimensional missions.",
            "peacekeeping-as-enforcement",
        );
    }

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
        flags(
            "UN peacekeeping work has three main pillars: peace enforcement, peacebuilding and monitoring.",
            "peacekeeping-as-enforcement",
            "peacekeeping",
        );
        quiet(
            "Peace operations include peacekeeping and peace enforcement.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "The peacekeepers are sometimes attacked, for example in 2007 six soldiers were killed by a bomb.",
            "peacekeeping-as-enforcement",
        );
    }
}
