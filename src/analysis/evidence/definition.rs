//! Definition evidence: the actor is defined by the other concept's work.
//!
//! "Peacekeeping means negotiating peace agreements", "peace keeping mean
//! that soldiers ...", "Peacemaking: sending troops to ...", "the
//! peacekeepers' main job is mediation", and a list item or table cell whose
//! topic is the actor ("Peacekeeping involves:" then "- negotiating treaties").
//! Acts in the predicate count when nobody else in particular does them (a
//! gerund, an act noun, generic people); a prevented, negated or tactical
//! act does not ("peacekeeping means stopping the sides from attacking").

use super::{Evidence, Scope};
use crate::analysis::discourse::Context;
use crate::analysis::sentence::Sentence;
use crate::lexicon::{PartOfSpeech, Tag};
use crate::terms::Role;
use std::ops::Range;

/// Added to an act's weight when it defines the actor: defining something by
/// an activity is a strong claim.
const BONUS: f32 = 0.4;

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    for a in 0..s.actors.len() {
        if !scope.is_rule_actor(a) {
            continue;
        }
        let pred = if s.topic == Some(a) && matches!(s.context, Context::Topic(_)) {
            Some(0..s.toks.len())
        } else if s.actors[a].here {
            predicate(s, a)
        } else {
            pronoun_predicate(s, a)
        };
        let Some(pred) = pred else {
            continue;
        };
        if scope.excepted(pred.start.min(s.toks.len().saturating_sub(1))) {
            continue;
        }
        // "peacemaking is when the Security Council uses force", "means that
        // soldiers ...": in a definition by a clause, whoever acts in it
        // defines the term.
        let by_when = s
            .toks
            .get(pred.start)
            .is_some_and(|t| matches!(t.lower.as_str(), "when" | "where" | "that" | "if" | "which" | "what"));
        if let Some((score, cues)) = score_predicate(scope, a, pred, by_when) {
            ev.add(a, score, cues);
        }
    }
}

/// The predicate defining actor `a` (in this sentence): the words after a
/// copula or a defining verb ("is", "means", "refers to", "involves"), or
/// after a colon, dash or parenthesis that glosses it.
fn predicate(s: &Sentence<'_>, a: usize) -> Option<Range<usize>> {
    let actor = &s.actors[a];
    let np = s.g.np_of.get(actor.toks.start).copied().flatten()?;
    // "peacekeeping, where soldiers invade ...", "peacemaking, in which
    // bombers ...": a clause of situation right after a concept says what
    // the concept is.
    let mut end = s.g.nps[np].toks.end.max(actor.toks.end);
    // "peacemaking of the Kosovo kind, where ...": over the term's "of".
    if s.toks.get(end).is_some_and(|t| t.lower == "of") {
        if let Some(m) = s.g.np_of.get(end + 1).copied().flatten() {
            end = s.g.nps[m].toks.end;
        }
    }
    // ("This was not peacekeeping, where ...": a denied term is not defined.)
    if s.actor_term(a).kind == "concept"
        && s.toks.get(end).is_some_and(|t| t.lower == ",")
        && !super::complement_of_denial(s, a)
    {
        let at = |k: usize, w: &str| s.toks.get(k).is_some_and(|t| t.lower == w);
        let opens = if at(end + 1, "where") {
            Some(end + 1)
        } else if at(end + 1, "in") && at(end + 2, "which") {
            Some(end + 2)
        } else {
            None
        };
        if let Some(open) = opens {
            let clause = s.clause_of(open + 1);
            return Some(open..clause.end.max(open + 1));
        }
    }
    // The object of another verb ("who headed the UN's peacekeeping
    // department") is not what the sentence defines.
    // "X was not a peacekeeping operation: ..." : what follows a denied
    // term explains the denial, it does not define the term.
    // ("I think the best peacemakers are ...": a phrase right before a
    // finite verb is that verb's subject, not the object of "think".)
    if !s.g.before_finite_verb(np)
        && s.relations()
            .object_of(np)
            .is_some_and(|v| !s.g.vgs[v].copula || s.g.vgs[v].negated)
    {
        return None;
    }
    // "Peace keeping, also call peace making, is ...": the term inside the
    // gloss is not what the sentence defines.
    let np_first = s.g.nps[np].toks.start;
    let glossed = (np_first.saturating_sub(5)..np_first).any(|k| {
        s.lex.synonym_links.at(&s.toks, k).is_some_and(|n| k + n == np_first) && k > 0 && s.toks[k - 1].lower == ","
    });
    if glossed {
        return None;
    }
    let np_end = s.g.nps[np].toks.end.max(actor.toks.end);
    // "By peacekeeping I mean ...".
    let np_start = s.g.nps[np].toks.start;
    // "the presence of peacekeepers is detrimental to ...": the sentence is
    // about something of the actor, unless that is its role ("the job of
    // peacekeepers is ...").
    // A relative clause right after the phrase says what the phrase is,
    // whatever came before it ("on a peacekeeping mission, which is ..."),
    // but after "of" it may be the owner's ("the withdrawal of peacekeepers,
    // which was agreed").
    let relative_next = {
        let at = |k: usize| {
            s.toks
                .get(k)
                .is_some_and(|t| matches!(t.lower.as_str(), "which" | "who"))
        };
        at(np_end) || s.toks.get(np_end).is_some_and(|t| t.lower == ",") && at(np_end + 1)
    };
    if np_start > 1
        && s.toks[np_start - 1].tag == Tag::Adp
        && s.toks[np_start - 1].lower != "by"
        && !(relative_next && s.toks[np_start - 1].lower != "of")
    {
        if let Some(owner) = s.g.np_ending_at(np_start - 1) {
            let head = &s.toks[s.g.nps[owner].head].lower;
            if !s.lex.role_nouns.contains_word(head) {
                return None;
            }
        }
    }
    if np_start > 0 && s.toks[np_start - 1].lower == "by" {
        let v = (np_end..(np_end + 4).min(s.toks.len())).find_map(|j| s.g.vg_of[j]);
        if let Some(v) = v.filter(|&v| s.toks[s.g.vgs[v].main].lower.starts_with("mean") && !s.g.vgs[v].negated) {
            let start = s.g.vgs[v].toks.end;
            let clause = s.clause_of(start.min(s.toks.len().saturating_sub(1)));
            return Some(start..clause.end.max(start));
        }
    }
    // "I define peacemaking as ...", "some see peacekeeping as ...".
    if s.toks.get(np_end).is_some_and(|t| t.lower == "as") && np_start > 0 {
        if let Some(v) = s.g.vg_of[np_start - 1] {
            let vg = &s.g.vgs[v];
            // The writer's own definition ("I define", "we see"), not one
            // reported from others ("press reports described ... as").
            let own = s.relations().subject(v).is_some_and(|nps| {
                nps.iter().any(|&n| {
                    matches!(
                        s.toks[s.g.nps[n].head].lower.as_str(),
                        "i" | "we" | "essay" | "paper" | "chapter" | "thesis" | "report"
                    )
                })
            });
            if own && vg.toks.end == np_start && !vg.negated && s.lex.defining_verbs.at(&s.toks, vg.main).is_some() {
                let clause = s.clause_of(np_end);
                return Some(np_end + 1..clause.end.max(np_end + 1));
            }
        }
    }
    // "UNMISS, the main broker of the 2018 agreement, has urged ...": an
    // apposition right after the actor glosses it.
    if s.toks.get(np_end).is_some_and(|t| t.lower == ",")
        && s.toks
            .get(np_end + 1)
            .is_some_and(|t| matches!(t.lower.as_str(), "the" | "a" | "an"))
    {
        let close =
            (np_end + 1..(np_end + 16).min(s.toks.len())).find(|&j| s.toks[j].lower == "," || s.g.vg_of[j].is_some());
        if let Some(close) = close.filter(|&c| s.toks[c].lower == ",") {
            return Some(np_end + 1..close);
        }
    }
    let mut k = np_end;
    let mut via_relative = false;
    // "Peacemaking, in the UN sense, is ...": a parenthetical with no term;
    // "peacekeeping operations in Africa are ...": a short phrase of place;
    // "Peacekeeping it means ...": a resumptive pronoun.
    // (", in the sense in which this essay uses it,": up to ten words.)
    let limit = (k + 13).min(s.toks.len());
    while k < limit {
        let t = &s.toks[k];
        // ", put simply," ", as most textbooks use it,": a parenthetical
        // without a term.
        // (", which is ...," is not one: it may say what the phrase is, see
        // below; ", which the UN invented," and ", which began in 1948,"
        // are.)
        let relative_after = s
            .toks
            .get(k + 1)
            .is_some_and(|n| matches!(n.lower.as_str(), "which" | "who"))
            && s.g
                .vg_of
                .get(k + 2)
                .copied()
                .flatten()
                .is_some_and(|v| s.g.vgs[v].copula);
        if t.lower == "," && !relative_after {
            // (A relative clause's reach stays short: a long one may be
            // the definition, "which at its core is ...".)
            let relative = s
                .toks
                .get(k + 1)
                .is_some_and(|n| matches!(n.lower.as_str(), "which" | "who"));
            let reach = if relative { 8 } else { 12 };
            let close = (k + 1..(k + reach).min(s.toks.len())).find(|&j| s.toks[j].lower == ",");
            if let Some(close) = close.filter(|&c| c > k + 1) {
                k = close + 1;
                continue;
            }
        }
        // "Envoy (n.): ...": a dictionary's label of the word class.
        if t.lower == "(" {
            let close = (k + 1..(k + 5).min(s.toks.len())).find(|&j| s.toks[j].lower == ")");
            let label = close.is_some_and(|c| {
                (k + 1..c).all(|j| {
                    matches!(
                        s.toks[j].lower.as_str(),
                        "n" | "noun" | "v" | "verb" | "adj" | "abbr" | "pl" | "phr" | "."
                    )
                })
            });
            if let Some(c) = close.filter(|_| label) {
                k = c + 1;
                continue;
            }
        }
        if s.g.vg_of[k].is_some() || matches!(t.lower.as_str(), ":" | "-" | "(" | "=") {
            break;
        }
        // "peacekeeping, which at its core is ...": a relative clause right
        // after the term says what it is.
        let relative = matches!(t.lower.as_str(), "which" | "who")
            && (k == np_end || k == np_end + 1 && s.toks[np_end].lower == ",");
        via_relative |= relative;
        let skippable = t.lower == ","
            || relative
            || t.tag == Tag::Adp
            || s.g.np_of[k]
                .is_some_and(|n| s.g.nps[n].toks.start > 0 && s.toks[s.g.nps[n].toks.start - 1].tag == Tag::Adp)
            || (t.lower == "it" && k == np_end)
            || t.tag == Tag::Adv;
        // "Peacemaking under Chapter VII is ...": a legal basis after
        // "under" qualifies the term; another term elsewhere is what the
        // sentence is about.
        let basis = s.term_at[k].is_some() && (np_end..k).any(|j| s.toks[j].lower == "under");
        if !skippable || s.term_at[k].is_some() && !basis {
            return None;
        }
        k += 1;
    }
    if k >= s.toks.len() {
        return None;
    }
    let gloss = matches!(s.toks[k].lower.as_str(), ":" | "-" | "(" | "=");
    if s.g.vg_of[k].is_none() && !gloss {
        return None;
    }
    let start = if let Some(v) = s.g.vg_of[k] {
        let vg = &s.g.vgs[v];
        if vg.negated {
            return None;
        }
        // "peacekeeping is just going in and wiping out ...": for a concept,
        // "is" and a gerund defines it.
        let be_ing = s.toks[vg.main].lower.ends_with("ing")
            && vg
                .toks
                .clone()
                .any(|j| s.lex.passive_auxiliaries.contains_word(&s.toks[j].lower))
            && s.actor_term(a).kind == "concept";
        if be_ing {
            let clause = s.clause_of(vg.main);
            return Some(vg.main..clause.end.max(vg.main));
        }
        let phrase = s.lex.copulas.at(&s.toks, vg.main);
        // After "which", only "is" says what the term is ("which requires
        // consent" states one of its features).
        let defining = vg.copula || phrase.is_some() && !via_relative;
        if !defining {
            return None;
        }
        // "refers to", "consists of": the verb's particle is part of it.
        let n = phrase.unwrap_or(1);
        let start = (vg.main + n).max(vg.toks.end);
        // "had been in place since 1964": a copula before a phrase of place
        // or time locates, it does not define.
        if phrase.is_none() && s.toks.get(start).is_some_and(|t| t.tag == Tag::Adp) {
            return None;
        }
        start
    } else {
        k + 1
    };
    let clause = s.clause_of(start.min(s.toks.len() - 1));
    Some(start..clause.end.max(start))
}

/// "It means ...", "they are ...": a pronoun that stands for an actor of an
/// earlier sentence opens a definition.
fn pronoun_predicate(s: &Sentence<'_>, a: usize) -> Option<Range<usize>> {
    let n = (0..s.g.nps.len()).find(|&n| s.actor_of_np(n) == Some(a))?;
    let end = s.g.nps[n].toks.end;
    let v = s.g.vg_of.get(end).copied().flatten()?;
    let vg = &s.g.vgs[v];
    let defining = !vg.negated && (vg.copula || s.lex.copulas.at(&s.toks, vg.main).is_some());
    if !defining {
        return None;
    }
    let start = vg.toks.end;
    let clause = s.clause_of(start.min(s.toks.len().saturating_sub(1)));
    Some(start..clause.end.max(start))
}

/// The score of a predicate: acts and assets of the work with no other
/// agent, products adding to them.
fn score_predicate(
    scope: &Scope<'_, '_>,
    a: usize,
    pred: Range<usize>,
    by_when: bool,
) -> Option<(f32, Vec<Range<usize>>)> {
    let s = scope.s;
    // "is distinct from ...", "is not ...": a distinction.
    let distinction = (pred.start..(pred.start + 2).min(pred.end)).any(|p| {
        s.lex.distinction_markers.at(&s.toks, p).is_some()
            && !matches!(s.toks[p].lower.as_str(), "between" | "from" | "whether" | "should")
    });
    if distinction || pred.is_empty() {
        return None;
    }
    // "the first deploys troops, the second ...": about items named before.
    if s.toks.get(pred.start).is_some_and(|t| t.lower == "the")
        && s.toks
            .get(pred.start + 1)
            .is_some_and(|t| matches!(t.lower.as_str(), "first" | "former" | "latter" | "second" | "other"))
    {
        return None;
    }
    let own = &s.actor_term(a).concept;
    let end = cut(s, &pred);
    // "Peacekeepers are, quite simply, \enquote{the people who broker ...}":
    // a quotation that is the whole predicate is the writer's own words.
    let adopted = s.is_quoted(&(pred.start..pred.start + 1)) && !s.is_quoted(&s.actors[a].toks);
    // "it was half peacekeeping and half enforcement": a predicate that names
    // the actor's own concept too describes a hybrid, not a confusion.
    if (pred.start..end).any(|k| s.term_at[k].is_some_and(|t| s.term(t).concept == *own && s.term(t).kind == "concept"))
    {
        return None;
    }
    let mut score = 0.0f32;
    let mut product = 0.0f32;
    let mut cues = Vec::new();
    for c in 0..s.cues.len() {
        let at = s.cues[c].toks.start;
        if at < pred.start || at >= end || s.is_quoted(&s.cues[c].toks) && !adopted {
            continue;
        }
        let cue = s.cue(c);
        // "UNEF - a decade after the Israeli invasion": an act in a
        // phrase of time is when, not what.
        let mut np_start = s.g.np_of[at].map_or(at, |n| s.g.nps[n].toks.start);
        // Over a determiner or a year the chunker split off ("the 1974").
        while np_start > 0 && at - np_start < 4 && matches!(s.toks[np_start - 1].tag, Tag::Det | Tag::Num) {
            np_start -= 1;
        }
        if np_start > 0
            && matches!(
                s.toks[np_start - 1].lower.as_str(),
                "after" | "before" | "since" | "following" | "during" | "until" | "amid"
            )
        {
            continue;
        }
        // Exclusive definitions: a predicate with the actor's own work too
        // is a fair description ("keeping the peace and rebuilding").
        if scope.rule.exclusive_definition && cue.concept == *own && matches!(cue.role, Role::Act | Role::Asset) {
            return None;
        }
        if cue.concept != scope.work {
            continue;
        }
        match cue.role {
            Role::Act | Role::Asset | Role::Anchor => {
                if cue.role == Role::Act && scope.tactical_after(c) {
                    continue;
                }
                if cue.role != Role::Anchor
                    && !(unattributed(s, c, a, pred.start) || by_when && done(s, c) && !time_clause(s, c))
                {
                    continue;
                }
                // "to write new constitution": a weak act whose object is
                // another concept's work is that concept's.
                if cue.weight < 1.0 && object_of_other_concept(s, c) {
                    continue;
                }
                let bonus = if cue.role == Role::Anchor { 0.0 } else { BONUS };
                let weight = (cue.weight + bonus).min(1.0);
                score = score.max(weight) + if score > 0.0 { 0.3 } else { 0.0 };
                cues.push(s.cues[c].range.clone());
            }
            Role::Product => {
                product = 0.5;
                cues.push(s.cues[c].range.clone());
            }
            Role::Tactical | Role::Circumstance | Role::Place => {}
        }
    }
    // "Peacemaking is the use of UN peacekeepers to ...": an actor of the
    // work named in the predicate is what the term is made of.
    // Only in the noun phrase of the predicate, before any verb of its own.
    let nominal_end = (pred.start..end)
        .find(|&k| s.g.vg_of[k].is_some() || matches!(s.toks[k].lower.as_str(), ":" | ";" | "," | "="))
        .unwrap_or(end);
    for t in 0..s.terms.len() {
        let at = s.terms[t].toks.start;
        let term = s.term(t);
        // ... and not the subject of a verb ("peacemakers patrolling the zone").
        // A purpose after it is the definition's ("the use of peacekeepers to
        // sustain agreements").
        let acts = s.g.np_of[at].is_some_and(|n| {
            s.g.vg_of
                .get(s.g.nps[n].toks.end)
                .copied()
                .flatten()
                .is_some_and(|v| s.g.vgs[v].form != crate::analysis::grammar::VerbForm::Infinitive)
        });
        if at >= pred.start
            && at < nominal_end
            && !acts
            && term.concept == scope.work
            && term.kind == "actor"
            && !s.is_quoted(&s.terms[t].toks)
        {
            score = score.max(1.0) + if score > 0.0 { 0.3 } else { 0.0 };
            cues.push(s.terms[t].range.clone());
        }
    }
    (score > 0.0).then_some((score + product, cues))
}

/// Whether act `c` is the verb of a clause of time ("after the fighting is
/// stopped", "once the war has ended"): when the defined work happens, not
/// the work.
fn time_clause(s: &Sentence<'_>, c: usize) -> bool {
    let Some(v) = s.g.vg_of[s.cues[c].toks.start] else {
        return false;
    };
    let Some(n) = s.g.np_ending_at(s.g.vgs[v].toks.start) else {
        return false;
    };
    let start = s.g.nps[n].toks.start;
    start > 0
        && matches!(
            s.toks[start - 1].lower.as_str(),
            "after" | "once" | "since" | "until" | "till"
        )
}

/// The act is asserted (not negated or prevented), whoever does it.
fn done(s: &Sentence<'_>, c: usize) -> bool {
    let agents = s.agents_of_cue(c);
    !agents.negated && !agents.not_done
}

/// The noun phrase right after act `c` holds a cue of another concept
/// ("write new constitution", "reconcile the communities").
fn object_of_other_concept(s: &Sentence<'_>, c: usize) -> bool {
    let end = s.cues[c].toks.end;
    let Some(n) = s.g.np_of.get(end).copied().flatten() else {
        return false;
    };
    let np = s.g.nps[n].toks.clone();
    // "a peace enforcement mission": a noun the act qualifies in its own
    // phrase is not its object.
    if np.contains(&s.cues[c].toks.start) {
        return false;
    }
    let concept = &s.cue(c).concept;
    s.cues.iter().enumerate().any(|(i, sp)| {
        np.contains(&sp.toks.start) && s.cue(i).concept != *concept && matches!(s.cue(i).role, Role::Act | Role::Asset)
    })
}

/// Where the predicate ends: at a new clause (", and", ", but", ";") or a
/// negation.
fn cut(s: &Sentence<'_>, pred: &Range<usize>) -> usize {
    for p in pred.clone() {
        let t = &s.toks[p];
        // A comma before another "Y = ..." or "Y: ..." starts the next gloss
        // of a list ("blue helmets = peacekeeping, envoys = peacemaking").
        let next_gloss =
            t.lower == "," && (p + 1..(p + 5).min(s.toks.len())).any(|j| matches!(s.toks[j].lower.as_str(), "=" | ":"));
        let relative = t.lower == ","
            && s.toks
                .get(p + 1)
                .is_some_and(|n| matches!(n.lower.as_str(), "which" | "who"));
        // "has been a costly deployment, with dozens lost in raids ...": an
        // adjunct after a comma adds circumstances; it does not define.
        let adjunct = t.lower == ","
            && p > pred.start + 1
            && s.toks.get(p + 1).is_some_and(|n| {
                matches!(
                    n.lower.as_str(),
                    "with" | "despite" | "amid" | "after" | "during" | "following" | "notably" | "including"
                )
            });
        // "peacemaking is diplomacy, peacekeeping is soldiers": a comma
        // before a subject and its finite verb splices a new clause.
        let splice = t.lower == ","
            && s.g
                .np_of
                .get(p + 1)
                .copied()
                .flatten()
                .is_some_and(|n| s.g.nps[n].toks.start == p + 1 && s.g.before_finite_verb(n));
        // "peacemaking is the diplomacy part and peacekeeping is the
        // soldiers": a conjunction before another term with a verb of its
        // own starts that term's clause.
        let next_term_clause = matches!(t.lower.as_str(), "and" | "but" | "while" | "whereas")
            && s.g.np_of.get(p + 1).copied().flatten().is_some_and(|n| {
                s.g.nps[n].toks.start == p + 1
                    && s.g.before_finite_verb(n)
                    && s.g.nps[n].toks.clone().any(|k| s.term_at[k].is_some())
            });
        // "Since peacekeeping is about rebuilding courts, why does the UN
        // send soldiers?": a question after a comma is a clause of its own.
        let question = t.lower == ","
            && s.toks
                .get(p + 1)
                .is_some_and(|n| matches!(n.lower.as_str(), "why" | "how" | "what" | "where" | "when" | "who"))
            && s.toks.get(p + 2).is_some_and(|n| matches!(n.tag, Tag::Aux | Tag::Verb));
        let new_clause = adjunct
            || splice
            || question
            || next_term_clause
            || t.lower == ";"
            || t.lower == "."
            || relative
            || next_gloss
            || t.lower == ","
                && s.toks
                    .get(p + 1)
                    .is_some_and(|n| matches!(n.lower.as_str(), "and" | "but" | "so" | "yet" | "while" | "whereas"));
        // "... since the chapter on peacemaking ...": a subordinate clause
        // with its own subject ends the predicate (not the "when" that opens
        // a definition).
        // "by using soldiers and mediation" says how: the means are part of
        // the definition.
        let means = t.lower == "by" && s.toks.get(p + 1).is_some_and(|n| n.lower.ends_with("ing"));
        let subordinate = p > pred.start + 1
            && !means
            && (s.toks[p].tag == Tag::Sconj && s.toks[p].lower != "that"
                || matches!(s.toks[p].lower.as_str(), "so" | "because"));
        if new_clause || subordinate || s.lex.is_negation(&s.toks, p) {
            return p;
        }
    }
    pred.end
}

/// Whether cue `c` in a definition of actor `a` is done by nobody else in
/// particular: a gerund or an act noun, generic people ("when soldiers
/// patrol"), or the actor itself.
fn unattributed(s: &Sentence<'_>, c: usize, a: usize, pred_start: usize) -> bool {
    let agents = s.agents_of_cue(c);
    if agents.negated || agents.not_done {
        return false;
    }
    let k = s.cues[c].toks.start;
    // "the fighting", "the attacks": an event named by a verb of the list,
    // not an activity that defines anyone.
    let event = s.cue(c).pos == PartOfSpeech::Verb
        && s.toks[k].tag.is_nominal()
        && k > 0
        && matches!(s.toks[k - 1].tag, Tag::Det | Tag::Pron)
        // "is the rebuilding of courts": an activity with its object.
        && !(s.toks[k].lower.ends_with("ing") && s.toks.get(k + 1).is_some_and(|t| t.lower == "of"));
    if event {
        return false;
    }
    // Someone named does it: "Gaddafi's forces", "NATO jets enforced".
    if agents.possessor.is_some_and(|p| s.actor_at_token(p) != Some(a)) {
        return false;
    }
    // "peacemaking took the form of NATO air strikes": the kind of act the
    // predicate names defines the term, whoever carried it out.
    if agents.named.is_some() && agents.nps.is_empty() && agents.possessor.is_none() {
        return true;
    }
    // "what has been agreed": a passive with nobody named is someone
    // else's act, not what defines the subject; but whoever is deployed
    // does the deploying's work ("the UN mission that has been deployed").
    if let Some(v) = s.g.vg_of[k] {
        if s.g.vgs[v].passive && agents.is_empty() {
            return s.lex.deployment_verbs.at(&s.toks, s.g.vgs[v].main).is_some();
        }
    }
    if agents.generic {
        return true;
    }
    // "Peacemaking is the use of military force by the Council": the kind
    // of act the term is defined as, whoever is named after "by".
    if agents.by_phrase && s.g.vg_of[k].is_none() {
        let start = s.g.np_of[k].map_or(k, |n| s.g.nps[n].toks.start);
        let used = s.lex.instrument_nouns.contains_word(&s.toks[k].lower)
            || start > 1
                && s.toks[start - 1].lower == "of"
                && s.g
                    .np_ending_at(start - 1)
                    .is_some_and(|u| s.lex.instrument_nouns.contains_word(&s.toks[s.g.nps[u].head].lower));
        if used {
            return true;
        }
    }
    // Somebody else in particular does it: an agent after "by", or nobody
    // known but not in general either ("allow negotiations to continue").
    if agents.by_phrase || agents.is_empty() {
        return false;
    }
    // Agents that are other terms of another concept do it themselves.
    let actors = s.actors_of(&agents);
    if actors.contains(&a) {
        return true;
    }
    // "Peacekeeping it is building schools": a resumptive pronoun right
    // after the term is the term.
    let here = s.actors[a].here;
    let np_end = s.g.np_of[s.actors[a].toks.start].map_or(s.actors[a].toks.end, |n| s.g.nps[n].toks.end);
    let resumptive = here
        && s.toks.get(np_end).is_some_and(|t| t.lower == "it")
        && s.g.np_of[np_end].is_some_and(|n| agents.nps.contains(&n));
    if resumptive {
        return true;
    }
    // "X is the department that brokers agreements": the predicate's own
    // noun phrase does it, and that is X.
    // (Over adverbs: "are basically an army that ...".)
    let mut first = pred_start;
    while s.toks.get(first).is_some_and(|t| t.tag == Tag::Adv) {
        first += 1;
    }
    let nominal = s.g.np_of.get(first).copied().flatten();
    if nominal.is_some_and(|n| agents.nps.contains(&n)) && actors.is_empty() {
        return true;
    }
    // Anyone else with a subject of their own ("until the parties can
    // negotiate") does it themselves; only a clause that is the definition
    // ("is when soldiers patrol") lends its agent (see `done`).
    false
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{flags, flags_in, quiet, quiet_in};
    use crate::text::Format;

    #[test]
    fn a_long_aside_and_a_verb_of_understanding_before_the_definition() {
        const PB_PK: &str = "peacebuilding-as-peacekeeping";
        flags(
            "Peacekeeping, in the sense in which this report uses it, refers to the rebuilding of courts and ministries after a war.",
            PB_PK,
            "Peacekeeping",
        );
        flags(
            "Peacekeeping should be understood as long-term institution-building.",
            PB_PK,
            "Peacekeeping",
        );
        quiet(
            "Peacekeepers are seen as neutral by both sides.",
            "peacekeeping-as-peacemaking",
        );
    }

    #[test]
    fn a_definition_by_what_someone_does() {
        const PM_ENF: &str = "peacemaking-as-enforcement";
        flags(
            "Peacemaking is what you do when talking fails: you send in the jets and force them to sign.",
            PM_ENF,
            "Peacemaking",
        );
        quiet("Peacemaking is what diplomats do, not what soldiers do.", PM_ENF);
        // After a vocative, the term is the subject "it" stands for; sending
        // bombers is coercion.
        flags(
            "Friends, peacemaking is hard. Sometimes it means sending in the bombers.",
            PM_ENF,
            "peacemaking",
        );
        quiet(
            "In 1995 NATO sent in jets while the peacekeepers watched.",
            "peacekeeping-as-enforcement",
        );
        // A contracted "it's" is "it is": the answer defines the question's term.
        flags(
            "What is peacemaking? It's when the Security Council authorises military force against a state.",
            PM_ENF,
            "peacemaking",
        );
    }

    #[test]
    fn a_multidimensional_mission_lists_peacebuilding_tasks() {
        const PB_PK: &str = "peacebuilding-as-peacekeeping";
        let list = "\n\n- Electoral assistance\n- Security sector reform\n";
        flags_in(
            &format!("## Peacekeeping{list}"),
            Format::Markdown,
            PB_PK,
            "Peacekeeping",
        );
        quiet_in(
            &format!("## Multidimensional peacekeeping{list}"),
            Format::Markdown,
            PB_PK,
        );
        quiet_in(&format!("## Multidimensional PKOs{list}"), Format::Markdown, PB_PK);
    }

    #[test]
    fn definitions_by_the_other_concept() {
        flags(
            "Peacekeeping means negotiating peace agreements.",
            "peacekeeping-as-peacemaking",
            "Peacekeeping",
        );
        flags(
            "Peacemaking is when troops patrol a buffer zone.",
            "peacemaking-as-peacekeeping",
            "Peacemaking",
        );
        flags(
            "peace keeping mean that the soldiers negotiate a treaty",
            "peacekeeping-as-peacemaking",
            "peace keeping",
        );
    }

    #[test]
    fn a_clause_of_situation_after_a_concept_defines_it() {
        flags(
            "There are two tools, peacemaking, where troops patrol a buffer zone, and sanctions.",
            "peacemaking-as-peacekeeping",
            "peacemaking",
        );
        flags(
            "Students often mention peacekeeping, in which soldiers invade a country to overthrow its rulers.",
            "peacekeeping-as-enforcement",
            "peacekeeping",
        );
        // Over the term's own "of" phrase.
        flags(
            "They debated peacemaking of the Libyan kind, where air strikes forced the regime to yield.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        // A prevented act, or a place named before the clause: quiet.
        quiet(
            "Peacekeeping, where soldiers stop the sides from attacking each other, needs consent.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "We studied peacekeeping in Bosnia, where soldiers invaded villages.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "The Gulf War was not peacekeeping, where troops invade a country to overthrow its rulers.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn another_terms_clause_ends_the_definition() {
        quiet(
            "peacemaking is the diplomacy part and peacekeeping is the soldiers after the ceasefire",
            "peacemaking-as-peacekeeping",
        );
        flags(
            "Peacemaking is the diplomacy part and the soldiers who patrol afterwards.",
            "peacemaking-as-peacekeeping",
            "Peacemaking",
        );
    }

    #[test]
    fn a_comma_splice_ends_the_definition() {
        quiet(
            "In short, peacemaking is diplomacy to reach a deal, peacekeeping is soldiers and police helping the parties keep it.",
            "peacemaking-as-peacekeeping",
        );
        flags(
            "In short, peacemaking is diplomacy, soldiers and police who patrol a ceasefire line.",
            "peacemaking-as-peacekeeping",
            "peacemaking",
        );
    }

    #[test]
    fn circumstances_and_origins_in_the_predicate_do_not_define() {
        // An adjunct after a comma, a phrase of time, what brought it about.
        quiet(
            "UNIFIL has been a costly deployment, with dozens of soldiers lost in raids blamed on local militias.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "Sinai - UNEF - a decade after the 1956 Israeli invasion.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "ONUMOZ was the outcome of patient diplomatic work in Rome.",
            "peacekeeping-as-peacemaking",
        );
        quiet(
            "The first mandate of UNAMSIL was to provide security for peace talks.",
            "peacekeeping-as-peacemaking",
        );
        // The kind of act the predicate names defines, whoever did it.
        flags(
            "In that war, peacemaking took the form of NATO air strikes on artillery sites.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
    }

    #[test]
    fn an_act_qualifying_a_noun_in_its_own_phrase_has_no_object() {
        // "enforcement" in "a peace enforcement mission" is not a verb whose
        // object ("mission") is another concept's: the identity of two
        // missions is a conflation.
        flags(
            "A peacekeeping mission is a peace enforcement mission.",
            "peacekeeping-as-enforcement",
            "peacekeeping",
        );
        flags(
            "Their blue helmet operation was a peace enforcement operation from the first day.",
            "peacekeeping-as-enforcement",
            "blue helmet",
        );
        // A description without the other concept's work stays quiet, and
        // a denial or a contrast is not an identity.
        quiet(
            "Peacekeeping is a UN mission that monitors ceasefires.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "A peacekeeping mission is not a peace enforcement mission.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "A peacekeeping mission is different from a peace enforcement mission.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn a_relative_clause_after_a_phrase_of_place_defines_that_phrase() {
        flags(
            "The French troops were in the country on a peacekeeping mission, which is a peace enforcement mission in practice.",
            "peacekeeping-as-enforcement",
            "peacekeeping",
        );
        // Also between commas, with a phrase after it.
        flags(
            "They were in the country on a peacekeeping mission, which is a peace enforcement mission, as in Bosnia.",
            "peacekeeping-as-enforcement",
            "peacekeeping",
        );
        // A relative clause with its own subject or another verb is still a
        // parenthetical the definition skips.
        flags(
            "Peacekeeping, which began in 1948, means negotiating peace.",
            "peacekeeping-as-peacemaking",
            "Peacekeeping",
        );
        // After "of" the clause may be about the owner: the presence is
        // what "which" stands for as much as the peacekeepers.
        quiet(
            "The presence of peacekeepers, which is a form of peace enforcement, angered the rebels.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn a_relative_clause_right_after_the_term_can_define_it() {
        flags(
            "Peacekeeping, which at its core is institution building after a war, needs patience.",
            "peacebuilding-as-peacekeeping",
            "Peacekeeping",
        );
        // A relative clause with its own subject does not, nor one that
        // states a feature ("which requires").
        quiet(
            "Peacekeeping, which the UN invented, needs the construction of state institutions after a war.",
            "peacebuilding-as-peacekeeping",
        );
        quiet(
            "Unlike peacekeeping, which requires consent, peace enforcement is used when a party does not want the fighting to stop.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn a_legal_basis_after_under_qualifies_the_defined_term() {
        flags(
            "Peacemaking under Chapter VII is when the Security Council sends an army to force a country out of territory.",
            "peacemaking-as-enforcement",
            "Peacemaking",
        );
        // Another term after another preposition is what the sentence is about.
        quiet(
            "Peacemaking by UNPROFOR was when the Security Council sent an army to force a country out.",
            "peacemaking-as-enforcement",
        );
    }

    #[test]
    fn the_means_after_by_are_part_of_the_definition() {
        flags(
            "Peace keeping is maintaining calm by deploying soldiers and by mediation between the parties.",
            "peacekeeping-as-peacemaking",
            "Peace keeping",
        );
        // A clause with its own subject still ends the predicate.
        quiet(
            "Peacekeeping is patrolling a line while diplomats mediate between the parties.",
            "peacekeeping-as-peacemaking",
        );
    }

    #[test]
    fn a_resumptive_pronoun_after_the_term_is_the_term() {
        flags(
            "Peacekeeping it is building the schools, courts and the parliament in long time after the war finish.",
            "peacebuilding-as-peacekeeping",
            "Peacekeeping",
        );
        quiet(
            "Peacekeeping, it is important, and the parties keep rebuilding their courts.",
            "peacebuilding-as-peacekeeping",
        );
    }

    #[test]
    fn definitions_inside_a_thought_and_after_an_adverb() {
        flags(
            "I reckon the finest peacemakers are the Ghanaian battalions on the Blue Line.",
            "peacemaking-as-peacekeeping",
            "peacemakers",
        );
        flags(
            "Peacekeepers are really an army the Council sends to crush whoever broke the truce.",
            "peacekeeping-as-enforcement",
            "Peacekeepers",
        );
    }

    #[test]
    fn the_use_of_an_act_by_someone_still_defines() {
        flags(
            "Peacemaking is the use of air strikes by the great powers to make the rebels give up.",
            "peacemaking-as-enforcement",
            "Peacemaking",
        );
        quiet(
            "Peacekeeping is a response to attacks by rebels on the villages.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn a_dictionary_label_of_the_word_class_is_skipped() {
        flags(
            "Envoy (n.): a diplomat who deploys troops to patrol the buffer zone.",
            "peacemaking-as-peacekeeping",
            "Envoy",
        );
    }

    #[test]
    fn a_negative_word_before_an_exceptive_affirms() {
        flags(
            "Peacemaking is nothing other than the use of air strikes.",
            "peacemaking-as-enforcement",
            "Peacemaking",
        );
        flags(
            "Peacemaking is no more than the use of air strikes.",
            "peacemaking-as-enforcement",
            "Peacemaking",
        );
        quiet(
            "Peacemaking is not the use of air strikes.",
            "peacemaking-as-enforcement",
        );
    }

    #[test]
    fn a_clause_of_time_says_when_not_what() {
        quiet(
            "Peacekeeping is when the UN sends soldiers to a country after the fighting is stopped.",
            "peacekeeping-before-ceasefire",
        );
        flags(
            "Peacekeeping is when the UN sends soldiers and the fighting is stopped.",
            "peacekeeping-before-ceasefire",
            "Peacekeeping",
        );
    }

    #[test]
    fn a_question_after_the_definition_is_not_part_of_it() {
        flags(
            "Since peacekeeping is mostly about rebuilding the courts and the police after a war, why does the UN deploy troops?",
            "peacebuilding-as-peacekeeping",
            "peacekeeping",
        );
    }

    #[test]
    fn prevented_and_negated_acts_do_not_define() {
        quiet(
            "Peacekeeping means stopping the sides from attacking each other.",
            "peacekeeping-as-enforcement",
        );
        quiet(
            "Peacekeeping is not about negotiating treaties.",
            "peacekeeping-as-peacemaking",
        );
        quiet(
            "Peacekeeping is distinct from peacemaking, which negotiates agreements.",
            "peacekeeping-as-peacemaking",
        );
    }

    #[test]
    fn a_phrase_about_something_of_the_actor_defines_that_thing() {
        quiet(
            "The presence of peacekeepers is detrimental to the success of bilateral negotiations.",
            "peacekeeping-as-peacemaking",
        );
        flags(
            "The job of peacekeepers is to negotiate peace treaties.",
            "peacekeeping-as-peacemaking",
            "peacekeepers",
        );
    }

    #[test]
    fn an_activity_with_its_object_defines() {
        flags(
            "Peacekeeping is the rebuilding of a country's courts, police and parliament after a war.",
            "peacebuilding-as-peacekeeping",
            "Peacekeeping",
        );
        quiet(
            "Peacekeeping is what happens after the fighting.",
            "peacekeeping-as-enforcement",
        );
    }

    #[test]
    fn only_the_rules_own_actors_are_defined() {
        // A mission followed by its years is a phrase whose head is a number;
        // it is still a peacekeeping actor, never a peacebuilding or
        // peacemaking one, whatever its gloss says.
        let notes = "- UNTSO 1948 (first), UNMOGIP 1949, UNPREDEP 1995-99 (first preventive deployment)";
        quiet(notes, "peacebuilding-as-peacekeeping");
        quiet(notes, "peacemaking-as-peacekeeping");
        quiet(
            "UNPREDEP (a preventive deployment) was set up in 1995.",
            "peacemaking-as-peacekeeping",
        );
    }
}
