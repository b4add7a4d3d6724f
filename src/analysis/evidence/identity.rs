//! Identity evidence: a case of the other concept is called the actor term.
//!
//! "UNITAF, which landed in 1992, was a classic UN peacekeeping operation",
//! "Operation Desert Storm, the largest peacekeeping operation", "the
//! biggest UN peacekeeping operation ever - the Gulf War coalition", and
//! "peacekeeping began in Korea" (the term placed in such a case).

use super::{Evidence, Scope};
use crate::analysis::discourse::Context;
use crate::analysis::sentence::Sentence;
use crate::lexicon::Tok;
use crate::terms::Role;
use std::ops::Range;

pub fn collect(scope: &Scope<'_, '_>, ev: &mut Evidence) {
    let s = scope.s;
    // A term in quotation marks is mentioned, not used, unless it glosses
    // the act before it: "any fighting (\"peacemaking\")".
    let gloss = |a: usize| {
        let t = s.actors[a].toks.clone();
        (0..s.cues.len()).any(|c| s.cue(c).concept == scope.work && glossed(s, &s.cues[c].toks, &t))
    };
    for a in (0..s.actors.len()).filter(|&a| {
        s.actors[a].here
            && (scope.is_rule_actor(a) || scope.is_rule_term(a) && gloss(a))
            && (!s.actors[a].modifier || names_a_case(s, a))
    }) {
        if scope.excepted(s.actors[a].toks.start) {
            continue;
        }
        if let Some((score, cues)) = identity(scope, a) {
            ev.add(a, score, cues);
        } else if let Some(cues) = names_the_topic(scope, a) {
            ev.add(a, 1.0, cues);
        }
    }
}

/// The term alone in brackets right after the entity glosses it: "get
/// involved in any fighting (\"peacemaking\")".
fn glossed(s: &Sentence<'_>, e: &Range<usize>, span: &Range<usize>) -> bool {
    let quote = |k: usize| matches!(s.toks[k].lower.as_str(), "\"" | "“" | "”" | "'" | "‘" | "’");
    if e.end > span.start || span.start - e.end > 2 || s.toks[e.end].lower != "(" {
        return false;
    }
    if !(e.end + 1..span.start).all(quote) {
        return false;
    }
    let close = (span.end..s.toks.len()).find(|&k| !quote(k));
    close.is_some_and(|k| k - span.end <= 1 && s.toks[k].lower == ")")
}

/// A question that opens with "be" sets the case right before the term:
/// "Wasn't the Korean War the first UN peacekeeping op?" (a question that
/// is not asserted stays quiet elsewhere).
fn asked_as(s: &Sentence<'_>, e: &Range<usize>, term: usize) -> bool {
    let Some(first) = s.toks.iter().position(|t| t.word) else {
        return false;
    };
    let be = matches!(
        s.toks[first].lower.as_str(),
        "is" | "was"
            | "are"
            | "were"
            | "isn't"
            | "wasn't"
            | "aren't"
            | "weren't"
            | "isnt"
            | "wasnt"
            | "arent"
            | "werent"
    );
    let entity_start = s.g.np_of[e.start].map_or(e.start, |n| s.g.nps[n].toks.start);
    let term_np = s.g.np_of[term].map_or(term, |n| s.g.nps[n].toks.start);
    // The term's phrase follows the case's right away (a word between at
    // most), and is a phrase of its own.
    be && entity_start == first + 1
        && term_np >= e.end
        && term_np - e.end <= 1
        && (e.end..term_np).all(|k| s.toks[k].word && s.g.vg_of[k].is_none())
        && s.g.np_of[e.end.saturating_sub(1)] != s.g.np_of[term]
}

/// The term modifies a noun that names a case of it: "the first UN
/// peacekeeping war".
fn names_a_case(s: &Sentence<'_>, a: usize) -> bool {
    s.g.np_of
        .get(s.actors[a].toks.start)
        .copied()
        .flatten()
        .is_some_and(|n| s.lex.case_nouns.contains_word(&s.toks[s.g.nps[n].head].lower))
}

/// A table cell or list item that opens with the actor names its row's or
/// heading's case: "| UNITAF | 1992 | UN peacekeeping in Somalia |".
fn names_the_topic(scope: &Scope<'_, '_>, a: usize) -> Option<Vec<Range<usize>>> {
    let s = scope.s;
    let Context::Topic(topic) = &s.context else {
        return None;
    };
    let case = &s.db.terms[topic.term];
    if case.kind != "mission" || case.concept != scope.work || case.with_consent && !wrongly_named(s, a) {
        return None;
    }
    let n = s.g.np_of.get(s.actors[a].toks.start).copied().flatten()?;
    let first_word = s.toks.iter().position(|t| t.word)?;
    (s.g.nps[n].toks.start == first_word && s.actors[a].toks.start >= first_word).then(|| vec![topic.range.clone()])
}

fn identity(scope: &Scope<'_, '_>, a: usize) -> Option<(f32, Vec<Range<usize>>)> {
    let s = scope.s;
    let span = s.actors[a].toks.clone();
    let clause = s.clause_of(span.start);
    if (clause.start..span.start).any(|k| s.toks[k].lower == "whether") {
        return None;
    }
    // The complement of a denial ("was not a peacekeeping operation: a
    // US-led command fought it") is not an identity, whatever follows.
    if super::complement_of_denial(s, a) {
        return None;
    }
    // Entities of the work concept in the clause: mission terms and cases.
    let mut entities: Vec<(Range<usize>, f32, Range<usize>, bool)> = (0..s.terms.len())
        .filter(|&o| {
            clause.contains(&s.terms[o].toks.start) && s.term(o).concept == scope.work && s.term(o).kind == "mission"
        })
        .filter(|&o| !s.term(o).with_consent || wrongly_named(s, a))
        .map(|o| (s.terms[o].toks.clone(), 1.0, s.terms[o].range.clone(), true))
        .collect();
    entities.extend(
        (0..s.cues.len())
            .filter(|&c| clause.contains(&s.cues[c].toks.start) && s.cue(c).concept == scope.work)
            .filter(|&c| !s.is_quoted(&s.cues[c].toks))
            // A case ("Desert Storm") anywhere; an act ("the bombing of
            // Yugoslavia") only as what is called the term.
            .filter_map(|c| {
                // A gloss is an explicit equation, whatever the act's weight.
                let glossed = glossed(s, &s.cues[c].toks, &span);
                let kept = s.cue(c).role == Role::Anchor
                    || s.cue(c).role == Role::Act
                        && (s.cue(c).weight >= 1.0 || glossed)
                        && s.cues[c].toks.end <= span.start
                        && s.g.vg_of[s.cues[c].toks.start].is_none();
                let weight = if glossed { 1.0 } else { s.cue(c).weight };
                // "the invasion of Iraq, the largest peacekeeping operation":
                // an act named with its "of" phrase.
                let mut toks = s.cues[c].toks.clone();
                if s.cue(c).role == Role::Act && s.toks.get(toks.end).is_some_and(|t| t.lower == "of") {
                    if let Some(n) = s.g.np_of.get(toks.end + 1).copied().flatten() {
                        if s.g.nps[n].toks.start == toks.end + 1 && s.g.nps[n].toks.end <= span.start {
                            toks.end = s.g.nps[n].toks.end;
                        }
                    }
                }
                kept.then(|| (toks, weight, s.cues[c].range.clone(), false))
            }),
    );
    let mut best: Option<(f32, Vec<Range<usize>>)> = None;
    for (e, weight, range, named) in entities {
        // A named case inside the actor's own phrase says whose the actor
        // is: "the Desert Storm peacekeepers", "the UNITAF blue helmets".
        let inside = named && span.start <= e.start && e.end <= span.end;
        let linked = inside
            || if e.end <= span.start {
                !in_relative_clause(s, &e, &clause)
                    && (names_as(s, e.end..span.start, false) || asked_as(s, &e, span.start) || glossed(s, &e, &span))
            } else if span.end <= e.start {
                // "the blue helmets of KFOR": a named case owns the actor.
                let of_case = named && s.toks[span.end..e.start].iter().map(|t| t.lower.as_str()).eq(["of"]);
                of_case || placed_in(s, span.end..e.start) || names_as(s, span.end..e.start, true)
            } else {
                false
            };
        if linked && best.as_ref().is_none_or(|b| b.0 < weight) {
            best = Some((weight, vec![range]));
        }
    }
    best
}

/// The case sits in a relative clause of the phrase before it, which is what
/// a copula after it speaks of: "the soldiers who went to Korea in 1950
/// later became peacekeepers".
fn in_relative_clause(s: &Sentence<'_>, e: &Range<usize>, clause: &Range<usize>) -> bool {
    (clause.start + 1..e.start).any(|k| {
        s.lex.relative_pronouns.at(&s.toks, k).is_some()
            && s.g.np_ending_at(k).is_some()
            && (k + 1..e.start).any(|j| s.g.vg_of[j].is_some())
    })
}

/// The actor phrase says the UN's own: "UN peacekeeping force", "United
/// Nations peacekeepers", "blue helmets".
/// Whether calling a force deployed with the host's acceptance (`with_consent`)
/// actor `a` is wrong. Such a force is loosely but commonly called a
/// peacekeeping force, and only "UN" makes that wrong; calling it a
/// peacemaking force is wrong whatever the words around it.
fn wrongly_named(s: &Sentence<'_>, a: usize) -> bool {
    s.db.terms[s.actors[a].term].concept != "peacekeeping" || un_marked(s, a)
}

fn un_marked(s: &Sentence<'_>, a: usize) -> bool {
    let span = s.actors[a].toks.clone();
    let phrase =
        s.g.np_of
            .get(span.start)
            .copied()
            .flatten()
            .map_or(span, |n| s.g.nps[n].toks.clone());
    s.db.terms[s.actors[a].term].id == "blue-helmets"
        || s.toks[phrase.clone()]
            .iter()
            .any(|t| matches!(t.lower.as_str(), "un" | "u.n." | "u.n"))
        || s.toks[phrase]
            .windows(2)
            .any(|w| w[0].lower == "united" && w[1].lower == "nations")
}

/// The tokens between an entity and a later term call the entity that term
/// (or the reverse when `term_first`): a copula or an apposition (comma,
/// dash or colon), with at most a few words beside, and an optional
/// comma-enclosed relative clause.
fn names_as(s: &Sentence<'_>, between: Range<usize>, term_first: bool) -> bool {
    let mut toks: Vec<&Tok> = s.toks[between].iter().collect();
    // Drop ", which/who ... ," (a relative clause about the entity) and ",
    // the ... ," (an apposition: "INTERFET, the force sent to East Timor in
    // 1999, was ...").
    if toks.first().is_some_and(|t| t.lower == ",")
        && toks
            .get(1)
            .is_some_and(|t| matches!(t.lower.as_str(), "which" | "who" | "the" | "a" | "an"))
    {
        if let Some(close) = toks.iter().skip(2).position(|t| t.lower == ",") {
            toks.drain(..close + 3);
        }
    }
    // Drop "( ... )" (dates, glosses): "The Korean War (1950-53) was ...".
    while let Some(open) = toks.iter().position(|t| t.lower == "(") {
        let Some(close) = toks[open..].iter().position(|t| t.lower == ")") else {
            break;
        };
        toks.drain(open..=open + close);
    }
    let dash_or_colon = |t: &&Tok| matches!(t.lower.as_str(), "-" | ":");
    if toks.iter().any(|t| {
        s.lex.distinction_markers.contains_word(&t.lower)
            || t.lower.ends_with("n't")
            || matches!(
                t.lower.as_str(),
                "which" | "who" | "that" | "and" | "but" | "while" | ";" | "where" | "whom" | "whose"
            )
    }) {
        return false;
    }
    // A dash or colon joins the two only as an apposition right at one end:
    // "the biggest UN peacekeeping operation ever - the Gulf War coalition".
    let dashes = toks.iter().filter(|t| dash_or_colon(t)).count();
    if dashes > 1 {
        return false;
    }
    // A copula, not the auxiliary of a passive ("were then replaced by").
    let is_copula = |t: &Tok| {
        let k = s.toks.partition_point(|u| u.range.start < t.range.start);
        match s.g.vg_of.get(k).copied().flatten() {
            Some(v) => {
                s.g.vgs[v].copula && !s.g.vgs[v].negated || s.lex.linking_verbs.at(&s.toks, s.g.vgs[v].main).is_some()
            }
            // "known as", "listed as"; not a role after a verb of acting
            // ("UNIFIL acts as a mediator" says what it does, not what it is).
            None if t.lower == "as" => !(k > 0 && s.lex.copulas.at(&s.toks, k - 1).is_some_and(|n| n == 2)),
            None => t.lower == "=",
        }
    };
    let copula = toks.iter().position(|t| is_copula(t));
    let apposition = if term_first {
        toks.last().is_some_and(|t| t.lower == ",") && toks.len() <= 5
            || toks
                .iter()
                .position(dash_or_colon)
                .is_some_and(|p| toks.len() - p <= 4 && p <= 3)
    } else {
        toks.first().is_some_and(|t| t.lower == "," || dash_or_colon(t))
    };
    if dashes == 1 && !apposition {
        return false;
    }
    let rest = match copula {
        // The copula sits next to the entity (or the term).
        Some(i) if i <= 4 => toks.len() - i - 1,
        // A longer entity phrase that a preposition opens: "air strikes on
        // Bosnian Serb positions in 1995 were ...".
        Some(i) if i <= 7 && toks.first().is_some_and(|t| t.tag == crate::lexicon::Tag::Adp) => toks.len() - i - 1,
        // An apposition has no verb of its own ("authorizing military
        // action, establishing peacekeeping operations" is a list of acts).
        None if apposition && !toks.iter().any(|t| t.tag.is_verbal()) => toks.len().saturating_sub(1),
        _ => return false,
    };
    rest <= 8
}

/// "peacekeeping began in Korea", "the peace keepers in Korea": the term
/// placed in a case by a preposition.
fn placed_in(s: &Sentence<'_>, between: Range<usize>) -> bool {
    let toks = &s.toks[between];
    toks.len() <= 4
        && toks.iter().any(|t| matches!(t.lower.as_str(), "in" | "during"))
        && toks
            .iter()
            .all(|t| t.word && !s.lex.distinction_markers.contains_word(&t.lower))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{flags, flags_in, quiet, quiet_in};
    use crate::text::Format;

    const CODE: &str = "peacekeeping-as-enforcement";

    #[test]
    fn an_act_named_with_its_of_phrase_in_an_apposition() {
        flags(
            "The book is best on the 2003 invasion of Iraq, the largest peacekeeping operation of the decade.",
            CODE,
            "peacekeeping",
        );
        quiet(
            "The book is best on the 2003 invasion of Iraq, a war that no peacekeeping operation followed.",
            CODE,
        );
    }

    #[test]
    fn a_clause_with_its_own_subject_names_nothing() {
        const PM_PK: &str = "peacemaking-as-peacekeeping";
        quiet("UNFICYP is a case where the UN itself did the peacemaking.", PM_PK);
        flags("UNFICYP is a case of peacemaking.", PM_PK, "peacemaking");
    }

    #[test]
    fn a_case_naming_the_actor_in_its_own_phrase() {
        flags(
            "My uncle was one of the Gulf War peacekeepers.",
            CODE,
            "Gulf War peacekeepers",
        );
        flags(
            "The UNITAF blue helmets left Somalia in 1993.",
            CODE,
            "UNITAF blue helmets",
        );
        // A force deployed with consent is loosely called so; coming from
        // or replacing the case is not being named by it.
        quiet("The KFOR peacekeepers patrolled Pristina.", CODE);
        flags("The blue helmets of KFOR kept order in Pristina.", CODE, "blue helmets");
        quiet("The peacekeepers of KFOR kept order in Pristina.", CODE);
        quiet("Peacekeepers from UNITAF stayed on in 1993.", CODE);
        quiet("UN peacekeepers replaced UNITAF in 1993.", CODE);
    }

    #[test]
    fn cases_called_peacekeeping() {
        flags(
            "The Korean War was the first UN peacekeeping mission.",
            CODE,
            "peacekeeping",
        );
        flags(
            "Operation Desert Storm, the largest peacekeeping operation of its time, freed Kuwait.",
            CODE,
            "peacekeeping",
        );
        flags(
            "It was the biggest UN peacekeeping operation ever - the Gulf War coalition.",
            CODE,
            "peacekeeping",
        );
        flags(
            "Korea in 1950 was the first big UN peacekeeping war, with sixteen countries sending troops.",
            CODE,
            "peacekeeping",
        );
        flags(
            "wasnt the korean war the first big UN peacekeeping op?? like 1950",
            CODE,
            "peacekeeping",
        );
        flags(
            "Wasn't the Korean War the first UN peacekeeping operation?",
            CODE,
            "peacekeeping",
        );
        quiet("Was the Korean War a UN peacekeeping operation?", CODE);
        // The case inside the term's own phrase is no question of identity.
        quiet("Was Korean War peacekeeping a success?", CODE);
        quiet("The Korean War was not a peacekeeping mission.", CODE);
        quiet("The Korean War came long before the first peacekeeping budget.", CODE);
        quiet(
            "Its powers include authorizing military action, establishing peacekeeping operations and admitting members.",
            CODE,
        );
        quiet(
            "The Korean War was not a peacekeeping operation: a US-led unified command fought it under the UN flag.",
            CODE,
        );
        // A contracted denial: "it" after the comma is Korea, not the
        // mission Korea was denied to be.
        quiet(
            "Korea wasn't a peacekeeping mission at all, it was a US-led coalition.",
            CODE,
        );
    }

    #[test]
    fn a_term_in_brackets_glosses_the_act_before_it() {
        flags(
            "The UN was reluctant to get involved in any fighting (\"peacemaking\"), even to save lives.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        quiet(
            "The UN was reluctant to get involved in any fighting (peacemaking had failed), even to save lives.",
            "peacemaking-as-enforcement",
        );
    }

    #[test]
    fn a_cell_that_names_its_rows_case() {
        let table = "| Operation | Year | Role |\n|---|---|---|\n| UNTSO | 1948 | supervised the truce |\n| UNITAF | 1992 | UN peacekeeping in Somalia |\n";
        flags_in(table, Format::Markdown, CODE, "peacekeeping");
        // After a cell that names no actor.
        let table = "| Year | Operation | Type |\n|---|---|---|\n| 1956 | UNEF I | UN peacekeeping |\n| 1992 | UNITAF (Somalia) | UN peacekeeping |\n";
        flags_in(table, Format::Markdown, CODE, "peacekeeping");
        // Not when the headers name what each column is about.
        let table = "| | Peacekeeping | Peace enforcement |\n|---|---|---|\n| Consent | required | not required |\n| Example | UNEF I | Gulf War 1991 |\n";
        quiet_in(table, Format::Markdown, CODE);
        // A cell that says something else about peacekeeping names nothing.
        let table =
            "| Operation | Year | Role |\n|---|---|---|\n| UNITAF | 1992 | paved the way for UN peacekeeping |\n";
        quiet_in(table, Format::Markdown, CODE);
        // A force deployed with consent is named wrongly only as UN peacekeeping.
        let table = "| Force | Year | Kind |\n|---|---|---|\n| KFOR | 1999 | NATO-led peacekeeping |\n";
        quiet_in(table, Format::Markdown, CODE);
    }

    #[test]
    fn a_force_deployed_with_consent_is_never_a_peacemaking_force() {
        flags(
            "INTERFET was a multinational peacemaking task force led by Australia.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        quiet(
            "INTERFET was a multinational peacekeeping force led by Australia.",
            CODE,
        );
        // Across an apposition.
        flags(
            "INTERFET, the Australian-led force sent to East Timor in 1999, was a peacemaking task force.",
            "peacemaking-as-enforcement",
            "peacemaking",
        );
        flags(
            "INTERFET was a UN peacekeeping force led by Australia.",
            CODE,
            "peacekeeping",
        );
    }

    #[test]
    fn a_case_in_a_relative_clause_is_not_what_the_copula_names() {
        quiet(
            "Many of the soldiers who went to Korea in 1950 later became peacekeepers in the Congo.",
            CODE,
        );
        flags(
            "Korea in 1950 was the first UN peacekeeping mission.",
            CODE,
            "peacekeeping",
        );
    }

    #[test]
    fn a_force_deployed_with_consent_is_wrong_only_as_un_peacekeeping() {
        quiet(
            "The Kosovo Force (KFOR) is a NATO-led international peacekeeping force in Kosovo.",
            CODE,
        );
        quiet(
            "IFOR, a NATO peacekeeping force, took over from UNPROFOR in 1995.",
            CODE,
        );
        flags("KFOR is a UN peacekeeping force in Kosovo.", CODE, "peacekeeping");
        flags("IFOR was a United Nations peacekeeping mission.", CODE, "peacekeeping");
        // A coalition war is never peacekeeping, UN or not.
        flags(
            "UNITAF was a peacekeeping force led by the United States.",
            CODE,
            "peacekeeping",
        );
    }
}
