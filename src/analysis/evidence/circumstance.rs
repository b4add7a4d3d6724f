//! Circumstance evidence: the actor acts in a circumstance of the other
//! concept: "peacekeepers were sent in before any ceasefire", "deployed while
//! the war was raging", "entered the country without the consent of the
//! government", "peacekeeping is intervention without consent".
//!
//! The circumstance belongs to a verb (the one before it in its clause, or
//! the one after an opening phrase: "While the war raged, the UN sent ...");
//! the actor is who does that verb (or who is sent), or the subject of a
//! definition whose predicate holds the circumstance, or right before it
//! ("peacekeeping without consent"). A negated verb credits nobody; when the
//! verb's agents are none of our actors, the nearest actor in the clause is.

use super::{Evidence, Scope};
use crate::analysis::grammar::relations::Agents;
use crate::analysis::grammar::VerbForm;
use crate::analysis::sentence::Sentence;
use crate::lexicon::Tag;
use crate::terms::Role;
use std::ops::Range;

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    if scope.exceptions.any_in(&s.toks, 0..s.toks.len()) {
        return;
    }
    for c in scope.work_cues(&[Role::Circumstance, Role::Place]).collect::<Vec<_>>() {
        let place = s.cue(c).role == Role::Place;
        // "were the blue helmets in korea?? my teacher says no": a question
        // asks where they were (chat runs the next sentence on).
        let asked = || {
            s.toks[s.cues[c].toks.end..]
                .iter()
                .find(|t| matches!(t.lower.as_str(), "." | "!" | "?"))
                .is_some_and(|t| t.lower == "?")
        };
        if place && asked() {
            continue;
        }
        // "served during the Korean War": a war that names a coalition's
        // enforcement is that, not a war peacekeepers were sent into.
        let span = &s.cues[c].toks;
        let names_enforcement = || {
            (0..s.cues.len()).any(|o| {
                let cue = s.cue(o);
                cue.concept == "peace-enforcement"
                    && cue.role == Role::Anchor
                    && s.cues[o].toks.start >= span.start
                    && s.cues[o].toks.end <= span.end
            })
        };
        if scope.work == "ongoing-war" && names_enforcement() {
            continue;
        }
        let actors = match attach(s, c) {
            // "There were never peacekeepers in Korea": a place said of a
            // negated actor.
            Attachment::Actors(v) if place => v
                .into_iter()
                .filter(|&a| !negated(s, a, &s.cues[c].toks) && !super::complement_of_denial(s, a))
                .collect(),
            Attachment::Actors(v) => v,
            Attachment::Denied | Attachment::Others => continue,
            // A place near an actor is often someone else's: "the
            // armistice in Korea was signed, and peacekeepers were later
            // sent to Egypt".
            Attachment::Unknown if place => continue,
            Attachment::Unknown => nearest_actor(scope, c).into_iter().collect(),
        };
        // Being somewhere while a war goes on is what many missions do
        // ("where peacekeepers operate amid fighting"); being sent in then,
        // or defined by it, is the claim.
        let weight = if scope.work == "ongoing-war" && !sent_or_defined(s, c) {
            s.cue(c).weight * 0.6
        } else {
            s.cue(c).weight
        };
        for a in actors.into_iter().filter(|&a| scope.is_rule_actor(a)) {
            ev.add(a, weight, vec![s.cues[c].range.clone()]);
        }
    }
}

/// Whether the sentence of circumstance cue `c` sends someone in (a
/// deployment verb or noun, any arrival, a purpose of ending the war) or
/// defines (a copula): "were deployed at the height of the fighting",
/// "peacekeeping is going in while ...".
fn sent_or_defined(s: &Sentence<'_>, c: usize) -> bool {
    let concept = &s.cue(c).concept;
    let purpose = (0..s.cues.len()).any(|o| s.cue(o).concept == *concept && s.cue(o).role == Role::Act);
    purpose
        || (0..s.toks.len()).any(|k| {
            s.lex.deployment_verbs.at(&s.toks, k).is_some() && s.toks[k].tag.is_verbal()
                || s.lex.instrument_nouns.contains_word(&s.toks[k].lower)
                || matches!(
                    s.toks[k].lower.as_str(),
                    "intervene"
                        | "intervenes"
                        | "intervened"
                        | "intervention"
                        | "interposed"
                        | "launched"
                        | "goes"
                        | "go"
                        | "went"
                        | "come"
                        | "comes"
                        | "came"
                )
                || s.g.vg_of[k].is_some_and(|v| s.g.vgs[v].copula)
        })
}

/// What the grammar says about whom circumstance cue `c` is said of.
enum Attachment {
    /// These actors (possibly none of ours: "the UN sent troops").
    Actors(Vec<usize>),
    /// The verb's agents are none of our actors: "he cited Chapter VII to
    /// justify intervention without consent".
    Others,
    /// The verb it belongs to is negated or prevented: "rather than deploy
    /// a force, since there was no ceasefire".
    Denied,
    /// No verb to attach it to.
    Unknown,
}

fn attach(s: &Sentence<'_>, c: usize) -> Attachment {
    let r = s.relations();
    let span = s.cues[c].toks.clone();
    let clause = s.clause_of(span.start);
    let finite = |v: usize| s.g.vgs[v].form == VerbForm::Finite;
    // Right after the actor: "peacekeeping without consent", "peacekeepers
    // sent in before any ceasefire" (a participle between).
    let mut before = span.start;
    while before > clause.start
        && (s.g.vg_of[before - 1].is_some_and(|v| !finite(v))
            || s.toks[before - 1].tag == Tag::Adv
            || s.toks[before - 1].lower == ",")
    {
        before -= 1;
    }
    if let Some(n) = s.g.np_ending_at(before) {
        if let Some(a) = s.actor_of_np(n) {
            return Attachment::Actors(vec![a]);
        }
        // "the 1950 operation in Korea was ...": a place between a subject
        // and its verb is that subject's.
        let mut at = span.end;
        while s.toks.get(at).is_some_and(|t| t.tag == Tag::Adv) {
            at += 1;
        }
        let next = s.g.vg_of.get(at).copied().flatten().filter(|&v| finite(v));
        if before == span.start && next.is_some_and(|v| r.subject(v).is_some_and(|subj| subj.contains(&n))) {
            return Attachment::Others;
        }
    }
    // "wars that are still raging, before any agreement": not the verb of
    // a relative clause.
    let relative = |v: usize| {
        let st = s.g.vgs[v].toks.start;
        st > 0 && s.lex.relative_pronouns.at(&s.toks, st - 1).is_some()
    };
    // The cue holds its own verb ("do not need the consent"): its subject;
    // the negation is the cue's meaning. In a relative clause ("between two
    // sides that hadn't finished fighting") it describes someone the verb
    // before it is about.
    if let Some(v) = s.g.vg_of[span.start].filter(|&v| finite(v) && !relative(v)) {
        return Attachment::Actors(s.actors_of(&Agents::nps(r.subject(v).unwrap_or_default())));
    }
    // The verb it modifies. An opening phrase ("Without consent, the force
    // ...", "because during the war the UN sent ...") goes with the verb
    // after it in its clause; a clause of its own ("..., while the war was
    // raging") with the clause before it, or, opening the sentence, the one
    // after it.
    // "..., because without consent a mission can not work": a
    // subordinating word before the cue opens a clause of its own.
    let sub = (clause.start..span.start)
        .rev()
        .take_while(|&k| s.g.vg_of[k].is_none())
        .find(|&k| s.toks[k].tag == Tag::Sconj);
    let clause = sub.map_or(clause.clone(), |k| k..clause.end);
    let opens = (clause.start..span.start)
        .all(|k| !s.toks[k].word || s.lex.contrast_markers.at(&s.toks, k).is_some() || Some(k) == sub);
    // A cue that is a clause itself ("while the war raged", "there was no
    // ceasefire"), or opens one ("while the war ... was still going"),
    // does not modify the verbs that follow it in its clause.
    let is_clause = span.clone().any(|k| s.g.vg_of[k].is_some_and(finite)) || s.toks[span.start].tag == Tag::Sconj;
    let after_in_clause = (span.end..clause.end)
        .filter_map(|k| s.g.vg_of[k])
        .find(|&v| finite(v))
        .filter(|_| !is_clause);
    let verb = if !opens {
        (clause.start..span.start)
            .rev()
            .filter_map(|k| s.g.vg_of[k])
            .find(|&v| !span.contains(&s.g.vgs[v].toks.start) && !relative(v))
    } else if after_in_clause.is_some() {
        after_in_clause
    } else if (0..clause.start).any(|k| s.toks[k].word) {
        (0..clause.start).rev().filter_map(|k| s.g.vg_of[k]).next()
    } else {
        // Past the comma that closes an opening clause: "While the war raged
        // and no truce existed, the Council sent ...".
        let from = if is_clause {
            (span.end..s.toks.len())
                .find(|&k| s.toks[k].lower == ",")
                .map_or(span.end, |k| k + 1)
        } else {
            clause.end
        };
        (from..s.toks.len()).filter_map(|k| s.g.vg_of[k]).find(|&v| finite(v))
    };
    let Some(v) = verb else {
        return Attachment::Unknown;
    };
    let vg = &s.g.vgs[v];
    let mut agents = r.agents_of_verb(v);
    // "rather than deploy a force": a clause opened by a negation.
    let opened_negated = s.lex.is_negation(&s.toks, s.clause_of(vg.toks.start).start);
    if agents.negated || agents.not_done || opened_negated {
        return Attachment::Denied;
    }
    // "were sent in before any ceasefire": who is sent.
    if vg.passive || s.lex.deployment_verbs.at(&s.toks, vg.main).is_some() {
        let sent = if vg.passive {
            r.subject(v).unwrap_or_default()
        } else {
            s.g.np_of.get(vg.toks.end).copied().flatten().into_iter().collect()
        };
        agents.nps.extend(sent);
    }
    // "peacekeeping is intervention without consent": the defined subject.
    // "peacekeeping involves intervening between sides still at war": the
    // subject of the defining verb the act completes.
    if !finite(v) && vg.toks.start > 0 {
        if let Some(w) = s.g.vg_of[vg.toks.start - 1] {
            let d = &s.g.vgs[w];
            if d.copula
                || s.lex.defining_verbs.at(&s.toks, d.main).is_some()
                || s.lex.copulas.at(&s.toks, d.main).is_some()
            {
                agents.nps.extend(r.subject(w).unwrap_or_default());
            }
        }
        // Notes: "peacekeeping (basically) = sending troops ...": the term
        // before the sign.
        let sign = vg.toks.start - 1;
        if matches!(s.toks[sign].lower.as_str(), "=" | ":") {
            let mut j = sign;
            while j > 0 && s.toks[j - 1].tag == Tag::Adv {
                j -= 1;
            }
            agents.nps.extend(s.g.np_ending_at(j));
        }
    }
    // Not "it was already there when the war started": a state, not a
    // definition.
    let complement = s.g.np_of.get(vg.toks.end).copied().flatten().is_some();
    if (vg.copula || s.lex.copulas.at(&s.toks, vg.main).is_some()) && complement {
        agents.nps.extend(r.subject(v).unwrap_or_default());
    }
    let actors = s.actors_of(&agents);
    if !actors.is_empty() {
        Attachment::Actors(actors)
    } else if agents.nps.is_empty() && agents.possessor.is_none() && agents.named.is_none() {
        Attachment::Unknown
    } else {
        Attachment::Others
    }
}

/// Without a verb's agent among our actors: the nearest actor in the cue's
/// clause (or a clause next to one the cue opens), unless a negation
/// separates them.
fn nearest_actor(scope: &Scope<'_, '_>, c: usize) -> Option<usize> {
    let s = scope.s;
    let at = s.cues[c].toks.start;
    let here = s.clause_of(at);
    let opens = here.start == at || (here.start..at).all(|k| !s.toks[k].word);
    let near = |a: usize| {
        let actor = &s.actors[a];
        if !actor.here {
            return false;
        }
        let there = s.clause_of(actor.toks.start);
        there == here || opens && (there.end == here.start || here.end == there.start)
    };
    let a = (0..s.actors.len())
        .filter(|&a| scope.is_rule_actor(a) && near(a))
        .min_by_key(|&a| s.actors[a].toks.start.abs_diff(at))
        // "The force was sent in while the war raged": an actor that a
        // pronoun or description in the cue's clause refers back to.
        .or_else(|| {
            (0..s.actors.len()).find(|&a| {
                !s.actors[a].here
                    && scope.is_rule_actor(a)
                    && (0..s.g.nps.len()).any(|n| {
                        let cl = s.clause_of(s.g.nps[n].toks.start);
                        s.actor_of_np(n) == Some(a)
                            && (cl == here || opens && (cl.end == here.start || here.end == cl.start))
                    })
            })
        })?;
    (!negated(s, a, &s.cues[c].toks)).then_some(a)
}

/// Whether actor `a` is negated with respect to the cue at `cue`: its clause
/// opens with a negation, one stands between them or right before the actor
/// ("no peacekeepers were sent before ..."), or the verb it is the subject of
/// is negated.
fn negated(s: &Sentence<'_>, a: usize, cue: &Range<usize>) -> bool {
    s.actors[a].here && {
        let there = s.clause_of(s.actors[a].toks.start);
        s.lex.is_negation(&s.toks, there.start) || negated_between(s, s.actors[a].toks.clone(), cue.start)
    } || verb_negated(s, a, cue)
}

/// The verb the actor is the subject of is negated: "without asking anyone,
/// and UNAMIR did not do that".
fn verb_negated(s: &Sentence<'_>, a: usize, cue: &Range<usize>) -> bool {
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
fn negated_between(s: &Sentence<'_>, actor: Range<usize>, cue: usize) -> bool {
    let (from, to) = if actor.end <= cue {
        (actor.end, cue)
    } else {
        (cue, actor.start)
    };
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
    fn a_place_after_another_subject_is_that_subjects() {
        quiet(
            "The first peacekeeping operation was UNTSO in 1948, and the 1950 operation in Korea was a coalition war.",
            "peacekeeping-as-enforcement",
        );
        flags(
            "The first peacekeeping operation was in Korea in 1950.",
            "peacekeeping-as-enforcement",
            "peacekeeping",
        );
    }

    #[test]
    fn sent_in_before_a_ceasefire() {
        flags(
            "Peacekeepers were sent in before any ceasefire had been agreed.",
            CODE,
            "Peacekeepers",
        );
        flags(
            "UN peacekeepers entered the country without the consent of the government.",
            "peacekeeping-as-enforcement",
            "peacekeepers",
        );
        flags(
            "Peacekeepers do not need anyone's permission.",
            "peacekeeping-as-enforcement",
            "Peacekeepers",
        );
        quiet("No peacekeepers were sent before the ceasefire.", CODE);
        quiet(
            "UNPREDEP was a preventive deployment of peacekeepers before any fighting.",
            CODE,
        );
        quiet(
            "Consent matters for peace keeping because without the consent of the parties a mission can not work.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn a_time_while_the_war_goes_on_or_before_anything_is_signed() {
        flags(
            "Peacekeepers were deployed while the war was still going.",
            CODE,
            "Peacekeepers",
        );
        flags(
            "The blue helmets were sent before anybody had signed anything.",
            CODE,
            "blue helmets",
        );
        // Crimes named after a war are not a war going on.
        quiet(
            "While war crimes were investigated in The Hague, peacekeepers patrolled the buffer zone.",
            CODE,
        );
    }

    #[test]
    fn being_there_during_a_war_is_not_being_sent_to_end_it() {
        quiet(
            "Where peacekeepers operate amid fighting, they do so with the consent of the host government.",
            "peacekeeping-before-ceasefire",
        );
        flags(
            "Peacekeepers were deployed at the height of the fighting.",
            "peacekeeping-before-ceasefire",
            "Peacekeepers",
        );
    }

    #[test]
    fn a_set_adverb_of_time_before_a_purpose() {
        flags(
            "Blue helmets deployed straight away to stop the fighting.",
            "peacekeeping-before-ceasefire",
            "Blue helmets",
        );
    }

    #[test]
    fn despite_the_hosts_refusal_is_without_consent() {
        flags(
            "The blue helmets crossed the border despite the host government's refusal.",
            "peacekeeping-as-enforcement",
            "blue helmets",
        );
        // A spoiler's refusal is no host withholding consent.
        quiet(
            "The blue helmets stayed despite the rebels' refusal to disarm.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn a_war_named_as_enforcement_is_no_war_peacekeepers_enter() {
        quiet(
            "The award has since been opened to all Korean veterans.\nTo be eligible, the veteran must have worked during the Korean War from May 1, 1951 to July 27, 1953 or taken part in UN peacekeeping on the peninsula until 1955.",
            "peacekeeping-before-ceasefire",
        );
    }

    #[test]
    fn a_coalition_wars_theatre_counts_only_as_the_actors_own_place() {
        let code = "peacekeeping-as-enforcement";
        flags("The UN sent peacekeepers to Korea in 1950.", code, "peacekeepers");
        flags(
            "Australian peacekeepers have served in Korea since 1950.",
            code,
            "peacekeepers",
        );
        flags(
            "In 1950 blue helmets were deployed to South Korea.",
            code,
            "blue helmets",
        );
        // Where they come from, or another place in the sentence.
        quiet("South Korea has sent peacekeepers to Lebanon and South Sudan.", code);
        quiet("Peacekeepers from South Korea serve with UNIFIL in Lebanon.", code);
        quiet(
            "The armistice in Korea was signed in 1953, and UN peacekeepers were later sent to Egypt in 1956.",
            code,
        );
        quiet("The first list of missions starts with UNTSO in 1948, not Korea.", code);
        // Denied, or asked.
        quiet("There were never UN peacekeepers in Korea.", code);
        quiet("There have never been UN peacekeepers in Korea.", code);
        quiet("were the blue helmets in korea?? my teacher says no", code);
    }

    #[test]
    fn a_period_named_after_a_war_is_no_war_being_fought() {
        quiet(
            "During the Cold War, a peacekeeping force was deployed only once a truce held.",
            "peacekeeping-before-ceasefire",
        );
        quiet(
            "Observing a ceasefire line was the usual work of peacekeeping during the Cold War.",
            "peacekeeping-before-ceasefire",
        );
        flags(
            "During the civil war peacekeepers were deployed to stop the fighting.",
            "peacekeeping-before-ceasefire",
            "peacekeepers",
        );
    }
}
