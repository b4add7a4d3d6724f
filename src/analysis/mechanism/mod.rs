//! The rule mechanisms, one file each: `attribution` (an actor credited
//! with another concept's work, from the kinds of evidence in
//! `analysis::evidence`) and `synonym` (two concepts presented as one).

pub mod attribution;
pub mod synonym;

use super::sentence::Sentence;
use super::Finding;
use crate::terms::{Database, Mechanism};

/// Run every rule of the database on a sentence.
pub fn check(s: &Sentence<'_>, out: &mut Vec<Finding>) {
    if s.not_asserted {
        return; // the writer is discussing, asking or supposing, not asserting
    }
    let start = out.len();
    for (i, rule) in s.db.rules.iter().enumerate() {
        match rule.mechanism {
            Mechanism::Attribution => attribution::check(s, i, out),
            Mechanism::Synonym => synonym::check(s, rule, out),
        }
    }
    drop_subsumed(s.db, start, out);
}

/// One finding per phrase: where two rules flag the same phrase in a
/// sentence and one subsumes the other ("the force of the army obliging
/// the parties": enforcement, not peacekeeping), keep the subsuming one.
/// The two terms of a synonym finding get no other finding: in "a
/// peacekeeping aka peacemaking mission" the mission is credited to
/// peacemaking only because the two were made one, and the first term, the
/// finding's own phrase, keeps one finding (the equation behind the rest).
/// Also run over the whole document (`start` 0): a heading's finding
/// gathers evidence from several list items, one sentence each.
pub fn drop_subsumed(db: &Database, start: usize, out: &mut Vec<Finding>) {
    use std::collections::HashSet;
    use std::ops::Range;
    let new = &out[start..];
    let synonym = |g: &Finding| {
        db.rules
            .iter()
            .any(|r| r.code == g.code && r.mechanism == Mechanism::Synonym)
    };
    // What each finding subsumes, keyed by range: linear in the findings,
    // since this also runs over a whole document.
    let mut replaced: HashSet<(Range<usize>, &str)> = HashSet::new();
    let mut glossed: HashSet<Range<usize>> = HashSet::new();
    for g in new {
        for r in db.rules.iter().filter(|r| r.code == g.code) {
            for c in &r.subsumes {
                replaced.insert((g.range.clone(), c.as_str()));
            }
        }
        if synonym(g) {
            glossed.insert(g.range.clone());
            glossed.extend(g.related.iter().map(|r| r.range.clone()));
        }
    }
    let subsumed: Vec<bool> = new
        .iter()
        .map(|f| replaced.contains(&(f.range.clone(), f.code.as_str())) || !synonym(f) && glossed.contains(&f.range))
        .collect();
    let mut k = 0;
    out.retain(|_| {
        let keep = k < start || !subsumed[k - start];
        k += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use crate::analysis::evidence::test_support::findings;

    #[test]
    fn one_finding_per_phrase_across_the_items_of_a_list() {
        let text = "### Peacemaking\n\n- armed troops on call at all times\n- air strikes when talks fail\n";
        let got: Vec<String> =
            crate::analysis::analyze(text, crate::text::Format::Markdown, crate::terms::Database::builtin())
                .findings
                .into_iter()
                .map(|f| f.code)
                .collect();
        assert_eq!(got, ["peacemaking-as-enforcement"], "{got:?}");
    }

    #[test]
    fn a_synonym_finding_is_the_only_one_on_its_phrase() {
        let got = findings("The UN's peacekeepers - or peacemakers, as they are also called - first deployed in 1948.");
        assert_eq!(
            got,
            vec![("terms-as-synonyms".to_string(), "peacekeepers".to_string())],
            "{got:?}"
        );
    }

    #[test]
    fn the_other_term_of_a_synonym_gets_no_finding_of_its_own() {
        let got = findings("UNTAC was a peacekeeping aka peacemaking mission with 22,000 personnel.");
        assert_eq!(
            got,
            vec![("terms-as-synonyms".to_string(), "peacekeeping".to_string())],
            "{got:?}"
        );
    }

    #[test]
    fn one_finding_per_phrase_when_one_rule_subsumes_another() {
        // Troops used to compel the parties: enforcement, not also peacekeeping.
        // Both rules find evidence here; the finding is enforcement's alone.
        let got = findings("Peacemakers use soldiers to compel the factions to disarm.");
        assert_eq!(
            got,
            [("peacemaking-as-enforcement".to_string(), "Peacemakers".to_string())]
        );
        // Troops alone are still peacekeeping's.
        let got = findings("Peacemaking means sending troops to patrol the buffer zone.");
        assert_eq!(
            got,
            [("peacemaking-as-peacekeeping".to_string(), "Peacemaking".to_string())]
        );
    }
}
