//! Subject evidence: the actor does an act of the other concept.
//!
//! "UN peacekeepers negotiated the accord", "the accord was brokered by
//! UNIFIL", "both the blue helmets and the governments signed", "Having
//! brokered the deal, the force ...", "5,000 peacemakers patrolled", "the
//! envoy had 1,200 soldiers". Who does the act comes from the grammar
//! (`grammar::relations`); a negated or prevented act, or one with a
//! tactical object ("negotiated access"), counts for nothing.

use super::{Evidence, Scope};
use crate::analysis::discourse::Context;
use crate::terms::Role;

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    let r = s.relations();
    for c in scope.work_cues(&[Role::Act]) {
        let agents = s.agents_of_cue(c);
        if agents.negated || agents.not_done || scope.tactical_after(c) || own_object(scope, c) {
            continue;
        }
        // "ended the war" tells what happened; "sent to end the war",
        // "peacekeepers end wars" tell what peacekeeping is for.
        if s.cue(c).concept == "ongoing-war" && past_tense(&s.toks[s.cues[c].toks.start].lower) {
            continue;
        }
        let mut actors = s.actors_of(&agents);
        // A list item or table cell without a subject speaks of its topic:
        // "## Peacekeepers" then "- negotiate peace deals".
        if actors.is_empty() && agents.nps.is_empty() && !agents.generic {
            if let (Context::Topic(_), Some(t)) = (&s.context, s.topic) {
                let k = s.cues[c].toks.start;
                let opens = (0..k)
                    .all(|j| !s.toks[j].word || s.toks[j].tag.is_verbal() || s.toks[j].tag == crate::lexicon::Tag::Adv);
                if opens {
                    actors.push(t);
                }
            }
        }
        // "served as a peacemaker in Lebanon and patrolled the Blue Line",
        // "countries act as peacemakers and patrol": whoever serves in a
        // role does the clause's work in that role.
        for &n in &agents.nps {
            let role = (0..s.g.vgs.len()).find_map(|v| {
                let vg = &s.g.vgs[v];
                let serves = s.lex.service_verbs.at(&s.toks, vg.main).is_some()
                    || matches!(s.toks[vg.main].lower.as_str(), "act" | "acts" | "acted" | "acting");
                if !serves || vg.negated || s.toks.get(vg.toks.end).is_none_or(|t| t.lower != "as") {
                    return None;
                }
                r.subject(v)?
                    .contains(&n)
                    .then(|| s.g.np_of.get(vg.toks.end + 1).copied().flatten())?
            });
            if let Some(a) = role.and_then(|m| s.actor_of_np(m)) {
                if !actors.contains(&a) {
                    actors.push(a);
                }
            }
        }
        // "the peacemakers were deployed in buffer zones", "deployed the
        // peacemakers": the one sent does the work.
        if let Some(v) = s.g.vg_of[s.cues[c].toks.start] {
            let vg = &s.g.vgs[v];
            if s.lex.deployment_verbs.at(&s.toks, vg.main).is_some() && !agents.negated {
                let sent = if vg.passive {
                    r.subject(v)
                } else {
                    s.g.np_of.get(vg.toks.end).copied().flatten().map(|n| vec![n])
                };
                actors.extend(sent.into_iter().flatten().filter_map(|n| s.actor_of_np(n)));
            }
        }
        // Bringing others to do the work is doing it: "got both sides to
        // sign" is brokering, whatever the weight of "sign".
        let facilitators: Vec<usize> = agents.facilitators.iter().filter_map(|&n| s.actor_of_np(n)).collect();
        for a in actors.into_iter().filter(|&a| scope.is_rule_actor(a)) {
            let weight = if facilitators.contains(&a) {
                s.cue(c).weight.max(1.0)
            } else {
                s.cue(c).weight
            };
            ev.add(a, weight, vec![s.cues[c].range.clone()]);
            if let Some(p) = scope.product_in_clause(s.cues[c].toks.start) {
                ev.product(a, p);
            }
        }
    }
    // Assets owned: "the envoy had 1,200 soldiers", "the buffer zone was held
    // by the peacemakers", "the Peacebuilding Commission sent peacekeepers".
    let assets = scope
        .work_cues(&[Role::Asset])
        .map(|c| (s.cues[c].toks.start, s.cue(c).weight, s.cues[c].range.clone()));
    let work_actors = (0..s.terms.len())
        .filter(|&t| s.term(t).concept == scope.work && s.term(t).kind == "actor" && !s.is_quoted(&s.terms[t].toks))
        // The head of its phrase, not a possessor ("the envoys' helicopters").
        .filter(|&t| s.g.np_of[s.terms[t].toks.start].is_some_and(|n| s.terms[t].toks.contains(&s.g.nps[n].head)))
        .filter(|&t| !scope.excepted(s.terms[t].toks.start))
        .map(|t| (s.terms[t].toks.start, 1.0, s.terms[t].range.clone()));
    for (k, weight, range) in assets.chain(work_actors).collect::<Vec<_>>() {
        let Some(n) = s.g.np_of[k] else {
            continue;
        };
        let np = &s.g.nps[n];
        // The object of a possession verb ("had", "commanded", "deployed"),
        // after an indirect object if any ("sent them reinforcements").
        let vg_before = |at: usize| {
            r.g.vg_of
                .get(at.wrapping_sub(1))
                .copied()
                .flatten()
                .filter(|&v| s.g.vgs[v].toks.end == at)
        };
        // "commanded thousands of troops": the asset after a quantity.
        let quantity = (np.toks.start > 1 && s.toks[np.toks.start - 1].lower == "of")
            .then(|| s.g.np_ending_at(np.toks.start - 1))
            .flatten();
        let object_of = r
            .object_of(n)
            .or_else(|| s.g.np_ending_at(np.toks.start).and_then(|m| r.object_of(m)))
            .or_else(|| quantity.and_then(|m| r.object_of(m)));
        // "moved into the demilitarized zone", "were deployed along the Green
        // Line": a place of the work after a verb of deployment.
        let placed = np.toks.start > 1 && s.toks[np.toks.start - 1].tag == crate::lexicon::Tag::Adp && {
            let at = np.toks.start - 1;
            vg_before(at).filter(|&v| s.lex.deployment_verbs.at(&s.toks, s.g.vgs[v].main).is_some())
        }
        .is_some();
        // "served as a peacemaker in Lebanon, mostly at checkpoints": a place
        // of the work in the clause of a verb of service, whose role after
        // "as" is the one posted there.
        let served_as = (np.toks.start > 1 && s.toks[np.toks.start - 1].tag == crate::lexicon::Tag::Adp)
            .then(|| {
                let v = (0..s.g.vgs.len())
                    .rev()
                    .find(|&v| s.g.vgs[v].toks.end <= np.toks.start)?;
                let vg = &s.g.vgs[v];
                s.lex.service_verbs.at(&s.toks, vg.main)?;
                let as_at = vg.toks.end;
                (s.toks.get(as_at)?.lower == "as").then_some(())?;
                let role = s.g.np_of.get(as_at + 1).copied().flatten()?;
                // Only commas, places and adverbs between: one clause.
                let clause = (s.g.nps[role].toks.end..np.toks.start).all(|j| {
                    !s.toks[j].word
                        || s.toks[j].tag == crate::lexicon::Tag::Adp
                        || s.toks[j].tag == crate::lexicon::Tag::Adv
                        || s.g.np_of[j].is_some()
                });
                (clause && !vg.negated).then_some(role)
            })
            .flatten();
        let owners = match object_of {
            _ if served_as.is_some() => crate::analysis::grammar::relations::Agents {
                nps: served_as.into_iter().collect(),
                ..Default::default()
            },
            Some(v) if s.lex.possession_verbs.at(&s.toks, s.g.vgs[v].main).is_some() => r.agents_of_verb(v),
            _ if placed => {
                let v = vg_before(np.toks.start - 1).expect("checked");
                if s.g.vgs[v].passive {
                    crate::analysis::grammar::relations::Agents {
                        nps: r.subject(v).unwrap_or_default(),
                        ..Default::default()
                    }
                } else {
                    r.agents_of_verb(v)
                }
            }
            _ => {
                // The subject of a passive possession verb: "was held by".
                let v = r.verb_after(n);
                match v {
                    Some(v) if s.g.vgs[v].passive && s.lex.possession_verbs.at(&s.toks, s.g.vgs[v].main).is_some() => {
                        r.agents_of_verb(v)
                    }
                    _ => continue,
                }
            }
        };
        if owners.negated || owners.not_done {
            continue;
        }
        let mut found = s.actors_of(&owners);
        // A table cell or list item without a subject: "| Peacebuilding
        // Commission | commands the blue helmets |".
        if found.is_empty() && owners.nps.is_empty() && !owners.generic {
            if let (Context::Topic(_), Some(t)) = (&s.context, s.topic) {
                found.push(t);
            }
        }
        for a in found.into_iter().filter(|&a| scope.is_rule_actor(a)) {
            ev.add(a, weight, vec![range.clone()]);
        }
    }
}

fn past_tense(w: &str) -> bool {
    w.ends_with("ed") || matches!(w, "won" | "brought" | "stopped" | "put")
}

/// The object of act `c` is work of the actor's own concept: "DPPA deployed
/// two members of its team of mediation experts" is still mediation.
fn own_object(scope: &Scope<'_, '_>, c: usize) -> bool {
    let s = scope.s;
    // The object: the noun phrase right after the act (after a particle),
    // with its "of" phrases ("two members of its team of mediation experts").
    let mut from = s.cues[c].toks.end;
    if s.toks
        .get(from)
        .is_some_and(|t| matches!(t.lower.as_str(), "up" | "out" | "in" | "along" | "over"))
    {
        from += 1;
    }
    let Some(mut n) = s.g.np_of.get(from).copied().flatten() else {
        return false;
    };
    if s.g.nps[n].toks.start != from {
        return false;
    }
    let mut to = s.g.nps[n].toks.end;
    while s.toks.get(to).is_some_and(|t| t.lower == "of") {
        let Some(m) = s.g.np_of.get(to + 1).copied().flatten() else {
            break;
        };
        n = m;
        to = s.g.nps[n].toks.end;
    }
    let own: Vec<&str> = scope.rule.actor_concepts.iter().map(String::as_str).collect();
    s.cues.iter().enumerate().any(|(i, sp)| {
        let cue = s.cue(i);
        sp.toks.start >= from
            && sp.toks.start < to
            && own.contains(&cue.concept.as_str())
            && matches!(cue.role, Role::Act)
            && s.g.vg_of[sp.toks.start].is_none()
    }) || (from..to)
        .any(|k| s.term_at[k].is_some_and(|t| own.contains(&s.term(t).concept.as_str()) && s.term(t).kind == "actor"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{flags, quiet};

    const PK_PM: &str = "peacekeeping-as-peacemaking";
    const PM_PK: &str = "peacemaking-as-peacekeeping";

    #[test]
    fn a_listed_phrase_said_in_the_passive_is_the_same_act() {
        // "settle disputes" with its object made the subject.
        flags("The dispute was settled by the peacekeepers.", PK_PM, "peacekeepers");
        flags(
            "Such disputes are settled through peacekeeping missions.",
            PK_PM,
            "peacekeeping",
        );
        // Passive, but the object completes no listed phrase.
        quiet("The convoy was settled in a camp by the peacekeepers.", PK_PM);
        // Someone else settled it.
        quiet(
            "The conflict was settled by mediators, and peacekeepers then monitored the ceasefire.",
            PK_PM,
        );
    }

    #[test]
    fn resolving_conflicts_alone_is_said_of_the_whole_field() {
        quiet(
            "Peacekeeping refers to activities carried out by neutral forces to help control and resolve conflicts.",
            PK_PM,
        );
        // With a peacemaking act named, it is peacemaking.
        flags(
            "UN peacekeepers resolved the conflict by mediating between the two presidents.",
            PK_PM,
            "peacekeepers",
        );
    }

    #[test]
    fn a_participle_of_means_after_a_comma_has_the_clause_subject() {
        flags(
            "Peacekeeping operations are characterized by their impartial nature, employing diplomacy, negotiation, and mediation to end conflicts.",
            PK_PM,
            "Peacekeeping",
        );
        flags(
            "The blue helmets entered the town, conducting negotiations between the two factions.",
            PK_PM,
            "blue helmets",
        );
        // A participle of result is what the event brought about.
        quiet(
            "The envoys hammered out the agreement, ending the war, and the blue helmets arrived.",
            "peacekeeping-before-ceasefire",
        );
        // After a subject and a comma, the subject's own participle.
        quiet("The mediators, using quiet diplomacy, met the peacekeepers.", PK_PM);
    }

    #[test]
    fn every_item_of_a_list_of_acts_is_the_light_verb_subjects() {
        flags("UN peacekeepers use diplomacy and mediation.", PK_PM, "peacekeepers");
        // A phrase that opens a clause of its own is not an item.
        quiet(
            "UN peacekeepers monitored the ceasefire and mediation was left to the envoys.",
            PK_PM,
        );
    }

    #[test]
    fn in_notes_a_verb_after_an_arrow_has_the_topic_before_the_first_arrow() {
        flags(
            "UNMISS (South Sudan) -> protects civilians -> mediated the 2018 peace agreement",
            PK_PM,
            "UNMISS",
        );
        flags(
            "UNMISS \u{2192} protects civilians \u{2192} mediated the 2018 peace agreement",
            PK_PM,
            "UNMISS",
        );
        // Each item of a line has its own topic.
        quiet("envoys -> negotiate; peacekeepers -> monitor the ceasefire", PM_PK);
        // A clause with its own subject after the arrow.
        quiet(
            "Sant'Egidio -> mediated the Rome accords -> ONUMOZ monitored the ceasefire",
            PK_PM,
        );
    }

    #[test]
    fn a_pattern_verb_in_the_passive_finds_its_follower_in_the_subject() {
        flags(
            "Since 1949 the ceasefire line in Kashmir has been watched by UN peacemakers.",
            PM_PK,
            "peacemakers",
        );
        quiet("The talks were watched by mediators on television.", PM_PK);
    }

    #[test]
    fn an_act_noun_names_its_agent_after_its_object() {
        flags(
            "The negotiation of the 1991 settlement by UNTAC is often praised.",
            PK_PM,
            "UNTAC",
        );
        // A tactical object stays tactical.
        quiet("The negotiation of access by the peacekeepers took a week.", PK_PM);
        // "by" after a place is no agent of the act.
        quiet(
            "The negotiation of the settlement in Paris was followed by UNTAC's deployment.",
            PK_PM,
        );
    }

    #[test]
    fn the_object_before_a_phrase_of_time_does_the_purpose() {
        flags(
            "The UN should have deployed peacekeepers in 1992 to win the war in Bosnia for the government.",
            "peacekeeping-before-ceasefire",
            "peacekeepers",
        );
        quiet(
            "The UN deployed peacekeepers in 1992 to monitor the ceasefire.",
            "peacekeeping-before-ceasefire",
        );
    }

    #[test]
    fn a_local_arrangement_is_tactical() {
        quiet(
            "Officers of UNFICYP negotiated a local arrangement with the military authorities on both sides.",
            PK_PM,
        );
        flags(
            "Officers of UNFICYP negotiated a peace agreement with the leaders of both sides.",
            PK_PM,
            "UNFICYP",
        );
        // Work of a small scale, whatever its noun.
        quiet(
            "Peacekeepers on patrol do a good deal of small-scale negotiation.",
            PK_PM,
        );
        quiet(
            "Peacekeepers are involved in a great deal of smaller-scale negotiation.",
            PK_PM,
        );
    }

    #[test]
    fn an_agent_after_by_does_not_reach_back_over_what_came_next() {
        flags(
            "The accord was drafted and signed by the peacekeepers.",
            PK_PM,
            "peacekeepers",
        );
        quiet(
            "Agreements that are mediated and followed by UN peacekeeping last longer.",
            PK_PM,
        );
    }

    #[test]
    fn it_is_never_a_plural_phrase_and_a_verb_form_before_a_noun_is_no_act() {
        quiet(
            "Quiet diplomacy within peacekeeping missions, and why it can help to resolve conflicts.",
            PK_PM,
        );
        flags(
            "The peacekeeping mission said it would negotiate the treaty itself.",
            PK_PM,
            "peacekeeping",
        );
        quiet("The initial mandate of UNMIS covered the south.", PK_PM);
        flags("UNPROFOR negotiated the peace agreement.", PK_PM, "UNPROFOR");
    }

    #[test]
    fn glosses_complements_and_clauses_of_their_own() {
        // The gloss is not the subject of the verb after it.
        quiet(
            "Peacekeeping, or peacemaking as it is sometimes called, was meant to patrol a line between armies.",
            PM_PK,
        );
        // "it" is the subject of the copula, not what the copula denies.
        quiet(
            "Desert Storm was fought by a coalition. It was not a peacekeeping mission, it was enforcement.",
            "peacekeeping-as-enforcement",
        );
        flags(
            "Korea 1950 was the first big blue helmets op, they pushed the North back across the border.",
            "peacekeeping-as-enforcement",
            "blue helmets",
        );
        // "for diplomacy to work": the act is its own clause's.
        quiet(
            "The peacekeepers' job was to hold the line long enough for quiet diplomacy to work.",
            PK_PM,
        );
    }

    #[test]
    fn neither_nor_negates_both_acts() {
        quiet(
            "Classic peacekeeping is non-violent: blue helmets neither impose a settlement nor fight the parties.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn chat_and_learner_forms() {
        // A country's name in lowercase after a verb is its object.
        flags(
            "the peacekeepers just marched in and kicked iraq out lol",
            "peacekeeping-as-enforcement",
            "peacekeepers",
        );
        // Watching a line between armies is peacekeeping work.
        flags(
            "Since 1974 the peacemakers of UNDOF have watched the line on the Golan.",
            PM_PK,
            "peacemakers",
        );
        // "Obliging the sides" is coercion.
        flags(
            "The peacemakers was obliging the sides to sign by force of arms.",
            "peacemaking-as-enforcement",
            "peacemakers",
        );
    }

    #[test]
    fn fighting_ones_way_in_is_coercion() {
        flags(
            "ONUB was a peacekeeping force that blasted its way into the capital in 2004.",
            "peacekeeping-as-enforcement",
            "peacekeeping",
        );
    }

    #[test]
    fn force_to_keep_civilians_safe_is_protection() {
        quiet(
            "Peacekeeper soldiers guard the camps. As a last resort, they use force to keep civilians safe.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn an_act_prepared_for_is_not_done() {
        quiet(
            "The report warns that blue helmets must prepare to fight armed gangs.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "Peacekeepers must be ready to defend themselves and to fight off attackers.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn crimes_named_with_a_war_word_are_misconduct() {
        quiet(
            "Cases of sexual assault involving peacekeepers were reported in 2015.",
            "peacekeeping-as-enforcement",
        );
        flags(
            "The peacekeepers led an assault on the rebel base.",
            "peacekeeping-as-enforcement",
            "peacekeepers",
        );
    }

    #[test]
    fn the_actor_that_does_the_act() {
        flags("UN peacekeepers negotiated the Dayton Accords.", PK_PM, "peacekeepers");
        flags("The peace treaty was mediated by UNIFIL in 1983.", PK_PM, "UNIFIL");
        flags("5,000 peacemakers patrolled the line.", PM_PK, "peacemakers");
        flags(
            "Both the blue helmets and the two governments signed the peace agreement.",
            PK_PM,
            "blue helmets",
        );
    }

    #[test]
    fn plural_subjects_of_generic_claims_and_light_verbs() {
        flags("Peacekeepers broker ceasefires.", PK_PM, "Peacekeepers");
        flags("Peacemakers patrol buffer zones.", PM_PK, "Peacemakers");
        flags(
            "Peacekeeping helps warring states reach a peaceful settlement.",
            PK_PM,
            "Peacekeeping",
        );
        flags(
            "Peacekeeping forces took military action against the militia.",
            "peacekeeping-as-enforcement",
            "Peacekeeping",
        );
        quiet(
            "The peacekeepers took part in the ceremony.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "The envoys talk to the leaders and the peacekeepers guard the ceasefire line.",
            PM_PK,
        );
    }

    #[test]
    fn the_role_a_writer_served_as_holds_the_post() {
        flags(
            "My father served as a peacemaker in Lebanon, mostly at checkpoints.",
            PM_PK,
            "peacemaker",
        );
        quiet("Jimmy Carter served as a peacemaker in the Middle East.", PM_PK);
        quiet("My sister is the peacemaker of our family.", PM_PK);
        quiet(
            "At family dinners Dad served as the peacemaker, like a buffer zone between my aunts.",
            PM_PK,
        );
        quiet("My father did not serve as a peacemaker at the checkpoints.", PM_PK);
    }

    #[test]
    fn who_serves_in_a_role_does_the_clauses_work_in_it() {
        flags(
            "My father served as a peacemaker in Lebanon and patrolled the Blue Line.",
            PM_PK,
            "peacemaker",
        );
        flags(
            "Here, the countries acted as peacemakers and were engaged in patrolling the border.",
            PM_PK,
            "peacemakers",
        );
        quiet("Jimmy Carter served as a peacemaker and later wrote books.", PM_PK);
        quiet(
            "Norway acted as a peacemaker while UN troops patrolled the border.",
            PM_PK,
        );
    }

    #[test]
    fn not_when_someone_else_does_it() {
        quiet("The mediators whom the peacekeepers escorted signed the accord.", PK_PM);
        quiet("Peacekeepers did not negotiate the accord; envoys did.", PK_PM);
        quiet(
            "The force had to bargain with local commanders to get food through.",
            PK_PM,
        );
        quiet("UNIFIL negotiated access for aid convoys.", PK_PM);
    }

    #[test]
    fn assets_owned() {
        flags("The envoy had 1,200 soldiers under his command.", PM_PK, "envoy");
    }
}
