//! The one-line summary of a document: uses per concept, the number of
//! findings, and the most frequent finding (whose explanation the summary
//! opens).

use crate::analysis::Analysis;
use crate::terms::{Database, CONCEPTS};

/// Concepts always shown, even when unused (the three the field confuses most).
const ALWAYS: &[&str] = &["peacekeeping", "peacemaking", "peacebuilding"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Concept -> uses of its terms, most used first (ties in the database's
    /// order of concepts).
    pub concepts: Vec<(String, usize)>,
    pub findings: usize,
    /// The most frequent finding's code (ties: the earliest in the
    /// document) and the term of its first occurrence.
    pub top: Option<(String, Option<usize>)>,
}

pub fn summary(analysis: &Analysis, db: &Database) -> Summary {
    let mut counts: Vec<(String, usize)> = CONCEPTS.iter().map(|c| (c.to_string(), 0)).collect();
    for hit in &analysis.terms {
        if let Some(slot) = db
            .terms
            .get(hit.term)
            .and_then(|t| counts.iter_mut().find(|(c, _)| *c == t.concept))
        {
            slot.1 += 1;
        }
    }
    counts.retain(|(c, n)| *n > 0 || ALWAYS.contains(&c.as_str()));
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let mut per_code: Vec<(&str, usize, Option<usize>)> = Vec::new();
    for f in &analysis.findings {
        match per_code.iter_mut().find(|(c, _, _)| *c == f.code) {
            Some(slot) => slot.1 += 1,
            None => per_code.push((&f.code, 1, f.term)),
        }
    }
    // max_by_key keeps the last maximum: search from the end for the first.
    let top = per_code
        .iter()
        .rev()
        .max_by_key(|(_, n, _)| *n)
        .map(|(c, _, t)| (c.to_string(), *t));
    Summary {
        concepts: counts,
        findings: analysis.findings.len(),
        top,
    }
}

impl Summary {
    /// "peacekeeping 12 · peacemaking 4 · peacebuilding 0 · 2 findings".
    pub fn title(&self) -> String {
        let mut parts: Vec<String> = self.concepts.iter().map(|(c, n)| format!("{c} {n}")).collect();
        parts.push(match self.findings {
            1 => "1 finding".to_string(),
            n => format!("{n} findings"),
        });
        parts.join(" \u{b7} ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::text::Format;

    #[test]
    fn counts_concepts_and_names_the_most_frequent_finding() {
        let text = "UN peacekeepers negotiated the Dayton Accords. Peacekeeping is monitoring a ceasefire.";
        let a = Config::default().analyze(text, Format::Plain);
        let s = summary(&a, Database::builtin());
        assert_eq!(s.concepts[0], ("peacekeeping".to_string(), 2), "{s:?}");
        assert!(s.concepts.iter().any(|(c, n)| c == "peacebuilding" && *n == 0));
        assert!(!s.concepts.iter().any(|(c, _)| c == "conflict-prevention"));
        assert_eq!(s.findings, a.findings.len());
        let (code, term) = s.top.clone().expect("a finding");
        assert_eq!(code, "peacekeeping-as-peacemaking");
        assert_eq!(
            term.map(|t| Database::builtin().terms[t].concept.as_str()),
            Some("peacekeeping")
        );
        assert!(s.title().starts_with("peacekeeping 2 \u{b7} "), "{}", s.title());
        assert!(s.title().ends_with(&format!(
            "{} finding{}",
            s.findings,
            if s.findings == 1 { "" } else { "s" }
        )));
    }

    #[test]
    fn an_empty_document_has_zeros_and_no_top_finding() {
        let s = summary(&Analysis::default(), Database::builtin());
        assert_eq!(
            s.title(),
            "peacemaking 0 \u{b7} peacekeeping 0 \u{b7} peacebuilding 0 \u{b7} 0 findings"
        );
        assert_eq!(s.top, None);
    }
}
