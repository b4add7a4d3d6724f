//! Circumstance evidence: the actor appears with a circumstance of the
//! other concept: "peacekeepers were sent in before any ceasefire",
//! "deployed while the war was raging", "entered without the consent of the
//! government". The nearest actor in the cue's clause (or a clause next to
//! one the cue opens) is credited.

use super::{Evidence, Scope};
use crate::terms::Role;

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    if scope.exceptions.any_in(&s.toks, 0..s.toks.len()) {
        return;
    }
    for c in scope.work_cues(&[Role::Circumstance]).collect::<Vec<_>>() {
        let at = s.cues[c].toks.start;
        let here = s.clause_of(at);
        // The cue opens its clause: it may describe the clause next to it
        // ("... sent in, while the war was raging").
        let opens = here.start == at || (here.start..at).all(|k| !s.toks[k].word);
        let near = |a: usize| {
            let actor = &s.actors[a];
            if !actor.here {
                return false;
            }
            let there = s.clause_of(actor.toks.start);
            there == here || opens && (there.end == here.start || here.end == there.start)
        };
        let nearest = (0..s.actors.len())
            .filter(|&a| scope.is_rule_actor(a) && near(a))
            .min_by_key(|&a| s.actors[a].toks.start.abs_diff(at))
            // "The force was sent in while the war raged": an actor that a
            // pronoun or description in the cue's clause refers back to.
            .or_else(|| {
                (0..s.actors.len()).find(|&a| {
                    !s.actors[a].here
                        && scope.is_rule_actor(a)
                        && (0..s.g.nps.len()).any(|n| {
                            s.actor_of_np(n) == Some(a) && here.contains(&s.g.nps[n].toks.start) || {
                                let cl = s.clause_of(s.g.nps[n].toks.start);
                                s.actor_of_np(n) == Some(a) && opens && (cl.end == here.start || here.end == cl.start)
                            }
                        })
                })
            });
        let Some(a) = nearest else {
            continue;
        };
        // "rather than deploy a peacekeeping force, since there was no
        // ceasefire": the clause is about what was not done.
        let negated = if s.actors[a].here {
            let there = s.clause_of(s.actors[a].toks.start);
            s.lex.is_negation(&s.toks, there.start) || negated_between(s, s.actors[a].toks.clone(), at)
        } else {
            false
        } || verb_negated(s, a, &s.cues[c].toks);
        if !negated {
            ev.add(a, s.cue(c).weight, vec![s.cues[c].range.clone()]);
        }
    }
}

/// The verb the actor is the subject of is negated: "without the host's
/// consent the force had no legal basis to stay".
fn verb_negated(s: &crate::analysis::sentence::Sentence<'_>, a: usize, cue: &std::ops::Range<usize>) -> bool {
    let r = s.relations();
    (0..s.g.nps.len()).filter(|&n| s.actor_of_np(n) == Some(a)).any(|n| {
        let end = s.g.nps[n].toks.end;
        // The cue's own negation ("do not need the consent") is its meaning.
        s.g.vg_of
            .get(end)
            .copied()
            .flatten()
            .filter(|&v| {
                let vg = &s.g.vgs[v].toks;
                vg.end <= cue.start || vg.start >= cue.end
            })
            .is_some_and(|v| r.agents_of_verb(v).negated)
    })
}

/// A negation within one phrase between the actor and the cue, or right
/// before the actor ("no peacekeepers were sent before ...").
fn negated_between(s: &crate::analysis::sentence::Sentence<'_>, actor: std::ops::Range<usize>, cue: usize) -> bool {
    let (from, to) = if actor.end <= cue { (actor.end, cue) } else { (cue, actor.start) };
    let breaks = |n: usize| (n..to.max(n)).any(|k| matches!(s.toks[k].lower.as_str(), "," | ":" | ";"));
    // A negation that runs into the cue is the cue's own ("do not need the
    // consent").
    let own = |k: usize| s.lex.negations.at(&s.toks, k).is_some_and(|n| k + n > cue);
    (from..to).any(|k| s.lex.is_negation(&s.toks, k) && !breaks(k) && !own(k))
        || (actor.start.saturating_sub(2)..actor.start).any(|k| s.lex.is_negation(&s.toks, k))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{flags, quiet};

    const CODE: &str = "peacekeeping-before-ceasefire";

    #[test]
    fn sent_in_before_a_ceasefire() {
        flags("Peacekeepers were sent in before any ceasefire had been agreed.", CODE, "Peacekeepers");
        flags(
            "UN peacekeepers entered the country without the consent of the government.",
            "peacekeeping-as-enforcement",
            "peacekeepers",
        );
        quiet("No peacekeepers were sent before the ceasefire.", CODE);
        quiet(
            "UNPREDEP was a preventive deployment of peacekeepers before any fighting.",
            CODE,
        );
    }
}
