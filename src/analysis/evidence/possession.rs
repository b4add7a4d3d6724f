//! Possession evidence: the actor owns an asset of the other concept through
//! a possessive word: "the Peacebuilding Fund flew its own battalion", "the
//! mediator ordered his blue helmets", "their troops" after "the envoys".

use super::{Evidence, Scope};
use crate::terms::Role;

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    for c in scope.work_cues(&[Role::Asset]).collect::<Vec<_>>() {
        let k = s.cues[c].toks.start;
        let Some(n) = s.g.np_of[k] else {
            continue;
        };
        if let Some(a) = whose_owner(s, n).filter(|&a| scope.is_rule_actor(a)) {
            ev.add(a, s.cue(c).weight, vec![s.cues[c].range.clone()]);
            continue;
        }
        let Some(p) = s.g.nps[n].possessor.filter(|&p| p < k) else {
            continue;
        };
        if !matches!(s.toks[p].lower.as_str(), "its" | "their" | "his" | "her") {
            continue; // "UNIFIL's troops": a name's own, not a pronoun's
        }
        if let Some(a) = s.possessor_actor(p).filter(|&a| scope.is_rule_actor(a)) {
            ev.add(a, s.cue(c).weight, vec![s.cues[c].range.clone()]);
        }
    }
    // Actors of the work owned by ours: "the envoy commanded his blue helmets".
    for t in 0..s.terms.len() {
        let term = s.term(t);
        if term.concept != scope.work || term.kind != "actor" {
            continue;
        }
        let k = s.terms[t].toks.start;
        let Some(n) = s.g.np_of[k] else {
            continue;
        };
        let Some(p) = s.g.nps[n].possessor.filter(|&p| p < k) else {
            continue;
        };
        if !matches!(s.toks[p].lower.as_str(), "its" | "their" | "his" | "her") {
            continue;
        }
        if let Some(a) = s.possessor_actor(p).filter(|&a| scope.is_rule_actor(a)) {
            ev.add(a, 1.0, vec![s.terms[t].range.clone()]);
        }
    }
}

/// "the Peacebuilding Commission, whose battalions ...": the actor named
/// right before "whose" (and a comma) owns noun phrase `n`.
fn whose_owner(s: &crate::analysis::sentence::Sentence<'_>, n: usize) -> Option<usize> {
    let start = s.g.nps[n].toks.start;
    if start == 0 || s.toks[start - 1].lower != "whose" {
        return None;
    }
    let mut end = start - 1;
    if end > 0 && s.toks[end - 1].lower == "," {
        end -= 1;
    }
    s.g.np_ending_at(end).and_then(|m| s.actor_of_np(m))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{flags, quiet};

    #[test]
    fn possessive_actors() {
        flags(
            "The peacemakers in their blue helmets became a familiar sight in Dili.",
            "peacemaking-as-peacekeeping",
            "peacemakers",
        );
    }

    #[test]
    fn a_party_named_nearer_owns_what_the_possessive_names() {
        quiet(
            "The blue helmets guard the line while the parties live with what their negotiators have signed.",
            "peacekeeping-as-peacemaking",
        );
        flags(
            "The blue helmets guard the line while their negotiators draft the peace accord.",
            "peacekeeping-as-peacemaking",
            "blue helmets",
        );
    }

    #[test]
    fn a_phrase_in_a_closed_parenthesis_owns_nothing_after_it() {
        flags(
            "DPPA (formed from DPA and the Peacebuilding Support Office) runs mediation, and its battalions guard the border.",
            "peacemaking-as-peacekeeping",
            "DPPA",
        );
        quiet(
            "DPPA (formed from DPA and the Peacebuilding Support Office) runs mediation, and its battalions guard the border.",
            "peacebuilding-as-peacekeeping",
        );
        // Nor is it what a pronoun after it stands for.
        quiet(
            "DPPA (formed from DPA and the Peacebuilding Support Office) runs mediation, and in 2019 it patrolled the border.",
            "peacebuilding-as-peacekeeping",
        );
    }

    #[test]
    fn an_asset_owned_through_whose() {
        flags(
            "We thank the Peacebuilding Commission, whose battalions guard the border.",
            "peacebuilding-as-peacekeeping",
            "Peacebuilding Commission",
        );
    }

    #[test]
    fn possessive_assets() {
        flags(
            "The Peacebuilding Fund flew in its own battalion.",
            "peacebuilding-as-peacekeeping",
            "Peacebuilding Fund",
        );
    }
}
