//! Attribution: an actor of one concept credited with another concept's
//! work. The rule's kinds of evidence (`uses` in rules.toml) are collected
//! per actor phrase; an actor whose evidence reaches the threshold gets one
//! finding, on its whole phrase, pointing at the words that triggered it.

use crate::analysis::evidence::{self, Evidence, Scope, THRESHOLD};
use crate::analysis::sentence::Sentence;
use crate::analysis::{fixes, Finding, Related};
use crate::terms::EvidenceKind;

pub(crate) const KINDS: [EvidenceKind; 7] = [
    EvidenceKind::Subject,
    EvidenceKind::Definition,
    EvidenceKind::Compound,
    EvidenceKind::Possession,
    EvidenceKind::Identity,
    EvidenceKind::Circumstance,
    EvidenceKind::Classification,
];

pub fn check(s: &Sentence<'_>, rule_index: usize, out: &mut Vec<Finding>) {
    let rule = &s.db.rules[rule_index];
    let Some(work) = rule.work_concept.as_deref() else {
        return;
    };
    let scope = Scope {
        s,
        rule,
        work,
        exceptions: s.db.rule_exceptions(rule_index),
    };
    let mut ev = Evidence::default();
    for kind in KINDS.into_iter().filter(|&k| rule.uses(k)) {
        evidence::collect(kind, &scope, &mut ev);
    }
    let work_label = s.db.get(work).map_or(work, |t| t.label.as_str()).to_lowercase();
    let found: Vec<_> = same_actor_merged(s, ev.entries)
        .into_iter()
        .filter(|e| e.score >= THRESHOLD && !named_as_the_work(s, e.actor, work))
        .collect();
    // An actor inside a larger phrase that has its own finding is that
    // phrase ("PBC (Peacebuilding Commission, 2005)"): one finding.
    let inside = |a: usize| {
        let r = &s.actors[a].range;
        found.iter().any(|o| {
            let q = &s.actors[o.actor].range;
            o.actor != a && q.start <= r.start && r.end <= q.end && q != r
        })
    };
    let kept: Vec<bool> = found.iter().map(|e| !inside(e.actor)).collect();
    for (e, _) in found.into_iter().zip(kept).filter(|(_, k)| *k) {
        let actor = &s.actors[e.actor];
        let text = s.words(actor.range.clone());
        let related = e
            .cues
            .into_iter()
            .map(|r| Related {
                message: format!("\"{}\" signals {work_label}", s.words(r.clone())),
                range: r,
            })
            .collect();
        out.push(Finding {
            code: rule.code.clone(),
            severity: rule.severity,
            range: actor.range.clone(),
            message: rule.message.replace("{term}", &text),
            related,
            term: Some(actor.term),
            fixes: fixes::replacements(s, rule, e.actor),
        });
    }
}

/// "The peacekeepers attacked the rebels and then they occupied the town":
/// a pronoun that stands for an actor named earlier in the sentence is that
/// actor, so their evidence adds up, on the phrase that names it.
fn same_actor_merged(s: &Sentence<'_>, entries: Vec<evidence::Entry>) -> Vec<evidence::Entry> {
    // The phrase that names it here, else the first that stands for it.
    let canonical = |a: usize| {
        (0..s.actors.len())
            .filter(|&b| s.actors[b].range == s.actors[a].range)
            .min_by_key(|&b| !s.actors[b].here)
            .unwrap_or(a)
    };
    let mut merged = Evidence::default();
    for e in entries {
        merged.add(canonical(e.actor), e.score, e.cues);
    }
    merged.entries
}

/// "If peacekeepers negotiate a treaty, they are doing peacemaking": the
/// actor acts in a clause of condition or time, and the clause after it
/// names the work's own concept, or denies it ("when they arrange a local
/// truce, they are negotiating, but not doing peacemaking"). Either way the
/// sentence teaches the distinction the rule is about.
fn named_as_the_work(s: &Sentence<'_>, a: usize, work: &str) -> bool {
    let actor = &s.actors[a];
    if !actor.here {
        return false;
    }
    // The sentence opens with the clause, and the actor is in it.
    let Some(first) = s.toks.iter().position(|t| t.word) else {
        return false;
    };
    let opens = matches!(s.toks[first].lower.as_str(), "if" | "when" | "whenever" | "once");
    if !opens || (first..actor.toks.start).any(|k| s.toks[k].lower == ",") {
        return false;
    }
    let Some(comma) = (actor.toks.end..s.toks.len()).find(|&k| s.toks[k].lower == ",") else {
        return false;
    };
    // What the consequence says the act is: the complement of a copula or
    // of "doing" ("they are doing peacemaking", "that is peacemaking"), not
    // a concept named in passing ("a great moment for peacemaking").
    let r = s.relations();
    (0..s.terms.len()).any(|t| {
        let term = s.term(t);
        let k = s.terms[t].toks.start;
        let said_to_be = s.g.np_of[k].and_then(|n| r.object_of(n)).is_some_and(|v| {
            let vg = &s.g.vgs[v];
            vg.copula || matches!(s.toks[vg.main].lower.as_str(), "doing" | "do" | "does" | "call")
        });
        k > comma && term.kind == "concept" && term.concept == work && said_to_be
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::evidence::test_support::findings;

    #[test]
    fn a_condition_whose_consequence_names_the_work_teaches_it() {
        assert_eq!(
            findings("If UN peacekeepers negotiate a treaty, they are doing peacemaking."),
            []
        );
        assert_eq!(
            findings("When peacekeepers negotiate a peace agreement, they are doing peacemaking, not peacekeeping."),
            []
        );
        assert_eq!(
            findings(
                "When blue helmets arrange a truce so that a clinic can be evacuated, they are negotiating, but they are not doing peacemaking."
            ),
            []
        );
        // Named in passing, or nothing named: a claim.
        assert_eq!(
            findings("When peacekeepers negotiated the Dayton accord, it was a great moment for peacemaking.").len(),
            1
        );
        assert_eq!(
            findings("When peacekeepers negotiated the treaty in 1994, the war ended.").len(),
            1
        );
    }

    #[test]
    fn a_pronoun_for_an_actor_in_the_sentence_adds_to_its_evidence() {
        // Each act alone is weak (force may be used in self-defence); both,
        // by the same actor, are a claim.
        assert_eq!(
            findings("The peacekeepers attacked the rebels and then they occupied their capital."),
            [("peacekeeping-as-enforcement".to_string(), "peacekeepers".to_string())]
        );
        assert_eq!(findings("The peacekeepers attacked the rebels."), []);
        // Denied acts add nothing.
        assert_eq!(
            findings("The peacekeepers never attacked the rebels, and they did not occupy their capital."),
            []
        );
    }

    #[test]
    fn one_finding_per_actor_phrase() {
        let text = "UNIFIL peace keepers negotiated the peace treaty.";
        let got = findings(text);
        assert_eq!(
            got,
            [(
                "peacekeeping-as-peacemaking".to_string(),
                "UNIFIL peace keepers".to_string()
            )]
        );
        let text = "The peace-keeping operation, ONUMOZ, negotiated the Rome accord.";
        let got = findings(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "peace-keeping operation, ONUMOZ");
        // A mission's own people: one phrase, whoever a relative clause
        // after it picks.
        let text = "The declaration was signed after talks run by peacekeepers from UNTSO, who shuttled between the delegations.";
        let got = findings(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "peacekeepers from UNTSO");
        // A body's own people.
        let got =
            findings("In 1993 peacemakers from the Department of Political Affairs deployed their own battalions.");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "peacemakers from the Department of Political Affairs");
        // A name and its expansion in brackets.
        let got = findings("PBC (Peacebuilding Commission, 2005) - sends its own troops to Burundi");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "PBC (Peacebuilding Commission");
    }
}
