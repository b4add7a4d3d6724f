//! Synonym: two concepts presented as one. A gloss between two concept
//! terms ("peacekeeping, also known as peacemaking", "peacemaking/
//! peacekeeping", "peacekeeping (peacemaking)"), or a pair joined by "and"
//! with a sameness predicate ("peacekeeping and peacemaking mean the same").
//! Distinctions, lists and "whether X or Y" stay quiet.

use crate::analysis::sentence::Sentence;
use crate::analysis::{fixes, Finding, Related};
use crate::terms::RuleSpec;
use std::ops::Range;

pub fn check(s: &Sentence<'_>, rule: &RuleSpec, out: &mut Vec<Finding>) {
    let concept_terms: Vec<usize> = (0..s.terms.len())
        .filter(|&t| {
            let term = s.term(t);
            rule.actor_concepts.contains(&term.concept) && rule.actor_kinds.contains(&term.kind) && !s.is_quoted(&s.terms[t].toks)
        })
        .collect();
    for w in concept_terms.windows(2) {
        let (a, b) = (w[0], w[1]);
        if s.term(a).concept == s.term(b).concept {
            continue;
        }
        let between = s.terms[a].toks.end..s.terms[b].toks.start;
        // A gloss is short and never spans a clause break.
        if between.len() > 8 || s.clause_of(s.terms[a].toks.start) != s.clause_of(s.terms[b].toks.start) {
            continue;
        }
        let clause = s.clause_of(s.terms[b].toks.start);
        let before = s.terms[a].toks.start.saturating_sub(3)..s.terms[a].toks.start;
        let after_b = s.terms[b].toks.end..clause.end.max(s.terms[b].toks.end);
        if s.lex.distinction_markers.any_in(&s.toks, between.clone()) || s.lex.distinction_markers.any_in(&s.toks, before) {
            continue;
        }
        let sameness = s.lex.sameness_predicates.find_in(&s.toks, after_b.clone());
        let linked = gloss_link(s, &between, b)
            || (is_pair_join(s, &between)
                && sameness.is_some_and(|m| {
                    // "use X and Y interchangeably, but the UN keeps them
                    // apart": a distinction in a contrasting clause after.
                    let contrast = (m.end..s.toks.len()).find(|&k| s.lex.contrast_markers.at(&s.toks, k).is_some());
                    !s.lex.distinction_markers.any_in(&s.toks, after_b.start..m.start)
                        && !contrast.is_some_and(|k| s.lex.distinction_markers.any_in(&s.toks, k..s.toks.len()))
                }));
        if !linked {
            continue;
        }
        let (ta, tb) = (&s.terms[a], &s.terms[b]);
        out.push(Finding {
            code: rule.code.clone(),
            severity: rule.severity,
            range: ta.range.clone(),
            message: rule
                .message
                .replace("{term}", &s.words(ta.range.clone()))
                .replace("{other}", &s.words(tb.range.clone())),
            related: vec![Related {
                range: tb.range.clone(),
                message: format!("presented as the same as {}", s.term(b).label),
            }],
            term: Some(ta.item),
            fixes: fixes::gloss(s, ta, tb),
        });
    }
}

fn is_pair_join(s: &Sentence<'_>, between: &Range<usize>) -> bool {
    let words: Vec<&str> = s.toks[between.clone()].iter().map(|t| t.lower.as_str()).collect();
    matches!(words.as_slice(), ["and"] | ["&"])
}

/// The words between two terms gloss one as the other.
fn gloss_link(s: &Sentence<'_>, between: &Range<usize>, b: usize) -> bool {
    let words: Vec<&str> = s.toks[between.clone()]
        .iter()
        .map(|t| t.lower.as_str())
        .filter(|w| *w != "0")
        .collect();
    let after = s.toks.get(s.terms[b].toks.end).map(|t| t.lower.as_str());
    let closes = matches!(after, Some(")" | "," | "-" | ";")) || after.is_none() || after == Some(".");
    match words.as_slice() {
        ["/"] => return true,
        ["("] | ["(", "="] => return after == Some(")"),
        [",", "or"] | ["(", "or"] | ["-", "or"] => {
            return closes && after != Some(".") && after.is_some()
                || s.toks.get(s.terms[b].toks.end).is_some_and(|t| t.lower == "as")
        }
        _ => {}
    }
    s.lex.synonym_links.any_in(&s.toks, between.clone())
}

#[cfg(test)]
mod tests {
    use crate::analysis::evidence::test_support::{flags, quiet};

    const CODE: &str = "terms-as-synonyms";

    #[test]
    fn glosses_and_slashes() {
        flags("Peacekeeping, also known as peacemaking, began in 1948.", CODE, "Peacekeeping");
        flags("The peacemaking/peacekeeping mission left.", CODE, "peacemaking");
        flags("Peacekeeping and peacemaking mean the same thing.", CODE, "Peacekeeping");
        quiet("Peacekeeping, as distinct from peacemaking, needs consent.", CODE);
        quiet("Peacemaking, peacekeeping and peacebuilding are three stages.", CODE);
    }
}
