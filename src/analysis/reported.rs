//! Claims reported from a generic source the writer sets apart: "a student
//! who writes that peacekeepers negotiated Dayton has not blurred a
//! boundary" (a figure defined by the claim), "some accounts describe
//! UNOSOM II as a peacemaking mission; others call it peace enforcement" (a
//! survey of views). The writer mentions the reported words without making
//! the claim, as with a quotation. A plain report ("people say the blue
//! helmets negotiated the accord") is still the writer's claim unless it is
//! corrected (see `discussion_markers`).

use super::grammar::relations::Relations;
use super::grammar::{Grammar, VerbForm};
use crate::lexicon::{Lexicon, Tok};
use std::ops::Range;

/// The token ranges reported from a generic source: what follows a verb of
/// saying or describing whose subject is one of the lexicon's
/// `generic_sources`, either inside a relative clause on that source ("a
/// student who writes that X negotiated ... has not"; the report ends where
/// the sentence's own verb takes over, at the second finite verb after it)
/// or opened by "some" and answered by "others" in the same sentence (to the
/// end of its clause).
pub fn generic_reports(toks: &[Tok], g: &Grammar, lex: &Lexicon, clauses: &[Range<usize>]) -> Vec<Range<usize>> {
    let r = Relations::new(toks, g, lex);
    let mut out = Vec::new();
    for (v, vg) in g.vgs.iter().enumerate() {
        let k = vg.main;
        let clause_end = || clauses.iter().find(|c| c.contains(&k)).map_or(toks.len(), |c| c.end);
        // "X is sometimes described as the first UN peacekeeping operation,
        // but ...": a name others give, reported and then corrected.
        let hedged = || {
            (vg.toks.start..k)
                .chain(vg.toks.start.checked_sub(1))
                .any(|j| lex.naming_hedges.at(toks, j).is_some())
        };
        let corrected = || (vg.toks.end..toks.len()).any(|j| lex.contrast_markers.at(toks, j).is_some());
        if vg.passive && !vg.negated && lex.naming_verbs.at(toks, k).is_some() && hedged() && corrected() {
            let clause_end = clause_end();
            if vg.toks.end < clause_end {
                out.push(vg.toks.end..clause_end);
            }
            continue;
        }
        let reports = lex.reporting_verbs.at(toks, k).is_some() || lex.defining_verbs.at(toks, k).is_some();
        if !reports || vg.negated || vg.form != VerbForm::Finite {
            continue;
        }
        let Some(subject) = r.subject(v).filter(|s| !s.is_empty()) else {
            continue;
        };
        let generic = subject.iter().all(|&n| {
            let np = &g.nps[n];
            lex.generic_sources.at(toks, np.head).is_some()
                && np
                    .toks
                    .clone()
                    .all(|j| !matches!(toks[j].lower.as_str(), "i" | "we" | "my" | "our" | "me"))
        });
        if !generic {
            continue;
        }
        let clause_end = clause_end();
        let relative = vg.toks.start > 0 && lex.relative_pronouns.at(toks, vg.toks.start - 1).is_some();
        let some = subject.iter().any(|&n| toks[g.nps[n].toks.start].lower == "some");
        let survey = some && toks[vg.toks.end..].iter().any(|t| t.lower == "others");
        if !relative && !survey {
            continue;
        }
        let end = if relative {
            g.vgs
                .iter()
                .filter(|w| w.form == VerbForm::Finite && (vg.toks.end..clause_end).contains(&w.toks.start))
                .nth(1)
                .map_or(clause_end, |w| w.toks.start)
        } else {
            clause_end
        };
        if vg.toks.end < end {
            out.push(vg.toks.end..end);
        }
    }
    out
}

/// A sentence that only denies what was said before it: "It didn't.",
/// "No, they did not.", "It wasn't." (a pronoun, at most four words, ending
/// on the negation).
pub fn elliptical_denial(toks: &[Tok], lex: &Lexicon) -> bool {
    let words: Vec<usize> = (0..toks.len()).filter(|&k| toks[k].word).collect();
    let (Some(&first), Some(&last)) = (words.iter().find(|&&k| toks[k].lower != "no"), words.last()) else {
        return false;
    };
    (2..=4).contains(&words.len())
        && (lex.singular_pronouns.contains_word(&toks[first].lower)
            || lex.plural_pronouns.contains_word(&toks[first].lower))
        && lex.is_negation(toks, last)
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::terms::Database;
    use crate::text::Format;

    fn codes(text: &str) -> Vec<String> {
        analyze(text, Format::Plain, Database::builtin())
            .findings
            .into_iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn a_claim_reported_from_a_generic_source_is_not_made() {
        for text in [
            "A student who writes that peacekeepers negotiated the Dayton Agreement has not blurred a boundary.",
            "Some accounts describe UNOSOM II as a peacemaking mission; others call it peace enforcement.",
        ] {
            assert_eq!(codes(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn a_hedged_name_others_give_and_the_writer_corrects_is_not_made() {
        assert_eq!(
            codes("The Korean War is sometimes described as the first UN peacekeeping operation, but a coalition fought it."),
            Vec::<String>::new()
        );
        // Uncorrected, or without a hedge, the name is the writer's.
        assert!(!codes("The Korean War is sometimes described as the first UN peacekeeping operation.").is_empty());
        assert!(!codes("Peacekeeping is sometimes called peacemaking.").is_empty());
        assert!(!codes(
            "The Korean War is described as the first UN peacekeeping operation, but it lasted three years."
        )
        .is_empty());
    }

    #[test]
    fn the_writers_own_report_and_the_sentences_own_claim_still_count() {
        // The writer's own source, taken on.
        assert!(!codes("I think the peacekeepers negotiated the Dayton Agreement.").is_empty());
        // A plain report stays the writer's claim unless corrected.
        assert!(!codes("Many people think that the blue helmets negotiated the peace accord.").is_empty());
        // Past the relative clause, the sentence's own verb.
        assert!(
            !codes("A student who writes essays said nothing, but the peacekeepers negotiated the accord.").is_empty()
        );
    }
}
