//! Concept colouring: each recognised term is a token of its concept's
//! family, flagged when a finding covers it.

use super::Family;
use crate::analysis::Analysis;
use crate::terms::Database;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptToken {
    pub range: Range<usize>,
    pub family: Family,
    /// A finding overlaps the term.
    pub flagged: bool,
}

/// The terms of an analysis as tokens, in document order. Linear: the
/// findings are sorted by start once, with the furthest end so far.
pub fn concept_tokens(analysis: &Analysis, db: &Database) -> Vec<ConceptToken> {
    let mut spans: Vec<Range<usize>> = analysis.findings.iter().map(|f| f.range.clone()).collect();
    spans.sort_by_key(|r| r.start);
    let mut furthest = Vec::with_capacity(spans.len());
    let mut max = 0;
    for s in &spans {
        max = max.max(s.end);
        furthest.push(max);
    }
    analysis
        .terms
        .iter()
        .filter_map(|hit| {
            let term = db.terms.get(hit.term)?;
            // Findings starting before the term's end; one of them reaches
            // past its start when the furthest end does.
            let n = spans.partition_point(|s| s.start < hit.range.end);
            let flagged = n > 0 && furthest[n - 1] > hit.range.start;
            Some(ConceptToken {
                range: hit.range.clone(),
                family: Family::of(&term.concept),
                flagged,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::text::Format;

    #[test]
    fn terms_get_their_family_and_a_flag_when_a_finding_is_on_them() {
        let text = "UN peacekeepers negotiated the Dayton Accords. Peacebuilding came later.";
        let a = Config::default().analyze(text, Format::Plain);
        let db = Database::builtin();
        let tokens = concept_tokens(&a, db);
        let of = |word: &str| {
            let at = text.find(word).unwrap();
            tokens
                .iter()
                .find(|t| t.range.start == at)
                .unwrap_or_else(|| panic!("no token at {word}"))
        };
        assert_eq!(of("peacekeepers").family, Family::Peacekeeping);
        assert!(of("peacekeepers").flagged, "{tokens:?}");
        assert_eq!(of("Peacebuilding").family, Family::Peacebuilding);
        assert!(!of("Peacebuilding").flagged);
        assert!(!of("Dayton Accords").flagged);
    }

    #[test]
    fn a_long_finding_flags_every_term_inside_it() {
        let db = Database::builtin();
        let text = "peacekeeping and peacemaking";
        let mut a = Config::default().analyze(text, Format::Plain);
        assert_eq!(a.terms.len(), 2);
        a.findings = vec![crate::analysis::Finding {
            code: "x".into(),
            severity: crate::analysis::Severity::Hint,
            range: 0..text.len(),
            message: String::new(),
            related: Vec::new(),
            term: None,
            fixes: Vec::new(),
        }];
        assert!(concept_tokens(&a, db).iter().all(|t| t.flagged));
        a.findings[0].range = 0..3;
        let t = concept_tokens(&a, db);
        assert!(t[0].flagged && !t[1].flagged);
    }
}
