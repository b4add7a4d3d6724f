//! Compound evidence: the actor term joined to an asset or act of the other
//! concept in one phrase: "peacemaking troops", "coercive peacemaking",
//! "peacemaking by force", "peacemaking from the air".

use super::{Evidence, Scope};
use crate::terms::Role;

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    for a in (0..s.actors.len()).filter(|&a| s.actors[a].here && scope.is_rule_actor(a)) {
        let actor = &s.actors[a];
        let (start, next) = (actor.toks.start, actor.toks.end);
        if scope.excepted(start) {
            continue;
        }
        let term = s.actor_term(a);
        let clause = s.clause_of(start);
        let cue_at = |k: usize, roles: &[Role]| {
            (0..s.cues.len()).find(|&c| {
                s.cues[c].toks.start == k
                    && s.cue(c).concept == scope.work
                    && roles.contains(&s.cue(c).role)
                    && !s.is_quoted(&s.cues[c].toks)
            })
        };
        // "peacemaking troops": the term modifies an asset noun (a concept
        // or an "-ing" word, not "the peacemakers force the parties").
        let modifier = term.kind == "concept" || s.words(actor.range.clone()).to_lowercase().ends_with("ing");
        // "peacemaking airstrikes": a strong act noun modified the same way.
        let after = cue_at(next, &[Role::Asset])
            .or_else(|| cue_at(next, &[Role::Act]).filter(|&c| s.cue(c).weight >= 1.0 && s.toks[next].tag.is_nominal()))
            .filter(|_| modifier && s.g.vg_of[next].is_none());
        // "a peacemaking campaign of airstrikes": the term modifies a case
        // noun whose "of" names a strong act or an asset of the work.
        let case_of = (modifier && s.toks.get(next + 1).is_some_and(|t| t.lower == "of"))
            .then(|| s.toks.get(next))
            .flatten()
            .filter(|t| t.tag.is_nominal() && s.lex.case_nouns.contains_word(&t.lower))
            .and_then(|_| {
                (next + 2..(next + 5).min(clause.end)).find_map(|k| {
                    cue_at(k, &[Role::Asset]).or_else(|| cue_at(k, &[Role::Act]).filter(|&c| s.cue(c).weight >= 1.0))
                })
            });
        let after = after.or(case_of);
        // "coercive peacemaking": a cue right before the term in its phrase.
        // A mission's name is not modified so ("the 1974 invasion UNFICYP
        // stayed" is two phrases).
        let named = matches!(term.kind.as_str(), "mission" | "institution");
        let before = (0..s.cues.len()).filter(|_| !named && start > 0).find(|&c| {
            s.cues[c].toks.end == start
                && s.cue(c).concept == scope.work
                && matches!(s.cue(c).role, Role::Asset | Role::Act)
                && s.g.vg_of[start - 1].is_none()
                && !s.is_quoted(&s.cues[c].toks)
        });
        // "peacemaking by force", "peacemaking with tanks", "from the air";
        // not "distinguish peacekeeping from war-fighting".
        let word_after = s.toks.get(next).map(|t| t.lower.as_str());
        let set_apart = word_after == Some("from")
            && (clause.start..start).any(|k| s.lex.distinction_markers.at(&s.toks, k).is_some());
        let via = (!set_apart && matches!(word_after, Some("by" | "with" | "through" | "using" | "via" | "from")))
            .then(|| (next..(next + 3).min(clause.end)).find_map(|k| cue_at(k, &[Role::Asset, Role::Act])))
            .flatten();
        // "peacemaking in Bosnia was done largely from the air": the
        // activity is the patient of a light verb, and the manner is its own.
        let done = (next..clause.end)
            .find_map(|k| s.g.vg_of[k])
            .filter(|&v| {
                let vg = &s.g.vgs[v];
                vg.passive
                    && s.lex.light_verbs.at(&s.toks, vg.main).is_some()
                    && term.kind == "concept"
                    // the actor opens the clause: only phrases of place or
                    // time between it and the verb
                    && (clause.start..start).all(|k| !s.toks[k].word || matches!(s.toks[k].tag, crate::lexicon::Tag::Adv | crate::lexicon::Tag::Adp | crate::lexicon::Tag::Det) || s.g.np_of[k].is_some_and(|n| s.g.nps[n].toks.start > 0 && s.toks[s.g.nps[n].toks.start - 1].tag == crate::lexicon::Tag::Adp))
                    && (next..vg.toks.start).all(|k| s.term_at[k].is_none())
            })
            .and_then(|v| {
                let from = s.g.vgs[v].toks.end;
                (from..clause.end.min(from + 6))
                    .filter(|&k| matches!(s.toks[k].lower.as_str(), "by" | "from" | "with" | "through"))
                    .find_map(|k| (k..(k + 3).min(clause.end)).find_map(|j| cue_at(j, &[Role::Asset, Role::Act])))
            });
        // "a force of peacemakers", "a battalion of 800 mediators": the
        // actor makes up an asset of the other concept.
        let of_at = (start >= 2 && s.toks[start - 1].lower == "of")
            .then(|| start - 1)
            .or_else(|| {
                (start >= 3 && s.toks[start - 1].tag == crate::lexicon::Tag::Num && s.toks[start - 2].lower == "of")
                    .then(|| start - 2)
            });
        let members = of_at.and_then(|of| {
            (0..s.cues.len()).find(|&c| {
                s.cues[c].toks.end == of
                    && s.cue(c).concept == scope.work
                    && s.cue(c).role == Role::Asset
                    && s.toks[s.cues[c].toks.start].tag.is_nominal()
                    && !s.is_quoted(&s.cues[c].toks)
            })
        });
        // "peacemaking in its coercive form": a form of the actor that a
        // cue describes.
        let form = (word_after == Some("in"))
            .then(|| s.g.np_of.get(next + 1).copied().flatten())
            .flatten()
            .filter(|&n| {
                matches!(
                    s.toks[s.g.nps[n].head].lower.as_str(),
                    "form" | "forms" | "version" | "variant" | "guise" | "mode" | "shape"
                )
            })
            .and_then(|n| {
                let np = s.g.nps[n].toks.clone();
                (0..s.cues.len()).find(|&c| {
                    np.contains(&s.cues[c].toks.start)
                        && s.cue(c).concept == scope.work
                        && matches!(s.cue(c).role, Role::Asset | Role::Act)
                        && !s.is_quoted(&s.cues[c].toks)
                })
            });
        let Some(found) = after.or(before).or(via).or(done).or(members).or(form) else {
            if scope.work == "peacekeeping" && term.kind == "actor" {
                if let Some(k) = headcount(s, start) {
                    let words = s.toks[k].range.start..actor.range.end;
                    ev.add(a, 1.0, vec![words]);
                }
            }
            continue;
        };
        let mut score = s.cue(found).weight;
        let mut cues = vec![s.cues[found].range.clone()];
        // A weak one ("mission") needs support later in the clause, before
        // the next term (which may be the subject of that support).
        if score < 1.0 {
            let next_term = (0..s.terms.len())
                .map(|o| s.terms[o].toks.start)
                .filter(|&st| st > next)
                .min()
                .unwrap_or(clause.end);
            let support = (0..s.cues.len()).find(|&c| {
                c != found
                    && clause.contains(&s.cues[c].toks.start)
                    && s.cues[c].toks.start < next_term
                    && s.cue(c).concept == scope.work
                    && matches!(s.cue(c).role, Role::Act | Role::Asset)
                    && s.cue(c).weight >= 0.9
            });
            if let Some(other) = support {
                score += 0.5;
                cues.push(s.cues[other].range.clone());
            }
        }
        ev.add(a, score, cues);
    }
}

/// "its 12,000 peacemakers", "thousands of mediators", "several thousand
/// envoys": people counted in thousands are troops, not negotiators. The
/// token where the count stands, in the actor's own phrase (or right before
/// its "of"), when it is a thousand or more.
fn headcount(s: &crate::analysis::sentence::Sentence<'_>, start: usize) -> Option<usize> {
    let thousands = |k: usize| matches!(s.toks[k].lower.as_str(), "thousand" | "thousands");
    if start >= 2 && s.toks[start - 1].lower == "of" && thousands(start - 2) {
        return Some(start - 2);
    }
    let np = s.g.np_of[start]?;
    (s.g.nps[np].toks.start..start).find(|&k| {
        let w = s.toks[k].lower.as_str();
        thousands(k) || count(w).is_some_and(|n| n >= 1000)
    })
}

/// The value of a written count: "12,000", "4000", "10k".
fn count(w: &str) -> Option<u64> {
    let (digits, times) = match w.strip_suffix('k') {
        Some(d) => (d, 1000),
        None => (w, 1),
    };
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let plain: String = digits.chars().filter(|c| *c != ',').collect();
    let n = plain.parse::<u64>().ok()? * times;
    // "the 1978 peacemakers": a year, not a count.
    let year = times == 1 && plain.len() == 4 && plain == digits && (1800..2100).contains(&n);
    (!year).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{flags, quiet};

    #[test]
    fn a_form_of_the_actor_that_a_cue_describes() {
        flags(
            "Where mediation fails, the Council may turn to peacemaking in its coercive form.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        quiet(
            "Peacemaking in its classic form is mediation between the parties.",
            "peacemaking-as-enforcement",
        );
    }

    #[test]
    fn an_asset_made_up_of_the_actor() {
        flags(
            "It was a force of peacemakers placed between Egyptian and Israeli troops after Suez.",
            "peacemaking-as-peacekeeping",
            "peacemakers",
        );
        flags(
            "The UN sent a battalion of 800 mediators to the border.",
            "peacemaking-as-peacekeeping",
            "mediators",
        );
        quiet(
            "The talks were run by a team of mediators.",
            "peacemaking-as-peacekeeping",
        );
    }

    #[test]
    fn a_case_of_the_term_made_of_the_work() {
        flags(
            "The Council approved a peacemaking campaign of airstrikes against the rebels.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        quiet(
            "The Council approved a peacemaking campaign of quiet talks with the rebels.",
            "peacemaking-as-enforcement",
        );
    }

    #[test]
    fn people_counted_in_thousands_are_troops() {
        for (text, term) in [
            (
                "Mali told the UN that its 12,000 peacemakers had to leave.",
                "peacemakers",
            ),
            ("Thousands of mediators were on the ground by March.", "mediators"),
            ("The UN now has several thousand envoys in the country.", "envoys"),
            ("Around 10k peacemakers stayed after the vote.", "peacemakers"),
        ] {
            flags(text, "peacemaking-as-peacekeeping", term);
        }
        quiet("A team of 12 mediators met the parties.", "peacemaking-as-peacekeeping");
        quiet("In 1995, the peacemakers met in Dayton.", "peacemaking-as-peacekeeping");
        quiet(
            "The 1978 peacemakers at Camp David were Carter's team.",
            "peacemaking-as-peacekeeping",
        );
        quiet(
            "The 12,000 peacekeepers and the two mediators met.",
            "peacemaking-as-peacekeeping",
        );
    }

    #[test]
    fn compounds() {
        flags(
            "Peacemaking troops were deployed to the buffer zone.",
            "peacemaking-as-peacekeeping",
            "Peacemaking",
        );
        flags(
            "The UN turned to coercive peacemaking.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        flags(
            "Kosovo was peacemaking from the air.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        quiet(
            "Military support to peacemaking involved troops.",
            "peacemaking-as-peacekeeping",
        );
        quiet(
            "These principles distinguish peacekeeping from war-fighting.",
            "peacekeeping-as-enforcement",
        );
        flags(
            "In the end, peacemaking in Bosnia was done largely from the air.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        quiet(
            "In the end, peacemaking in Bosnia was done largely by envoys.",
            "peacemaking-as-enforcement",
        );
    }
}
