//! The outline of an essay's concepts: one entry per concept used, its
//! terms under it at their first use, and the writer's own definitions
//! ("Peacekeeping is ...") found with [`super::define::is_definition`].

use super::define::{is_definition, sentence_around};
use super::Family;
use crate::analysis::TermHit;
use crate::terms::{Database, Term};
use std::ops::Range;

/// Where the writer defines a term: the term in the defining sentence, and
/// the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub term_range: Range<usize>,
    pub sentence: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermUse {
    /// Index into `Database::terms`.
    pub term: usize,
    pub first: Range<usize>,
    pub uses: usize,
    /// The writer's first definition of the term, if any.
    pub definition: Option<Definition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptOutline {
    pub concept: String,
    pub family: Family,
    /// From the first use of the concept's first term to the last use of
    /// any of its terms.
    pub range: Range<usize>,
    pub terms: Vec<TermUse>,
}

/// The first definition the writer gives of each term, by term index.
/// `prose` is the document's prose mask (`text::extract`).
pub fn definitions(prose: &str, hits: &[TermHit]) -> Vec<(usize, Definition)> {
    let mut out: Vec<(usize, Definition)> = Vec::new();
    for hit in hits {
        if out.iter().any(|(t, _)| *t == hit.term) || hit.range.end > prose.len() {
            continue;
        }
        if is_definition(prose, hit.range.clone()) {
            out.push((
                hit.term,
                Definition {
                    term_range: hit.range.clone(),
                    sentence: sentence_around(prose, hit.range.clone()),
                },
            ));
        }
    }
    out
}

/// Concepts in order of first use, each with its terms in order of first use.
pub fn outline(prose: &str, hits: &[TermHit], db: &Database) -> Vec<ConceptOutline> {
    let defs = definitions(prose, hits);
    let mut out: Vec<ConceptOutline> = Vec::new();
    for hit in hits {
        let Some(term) = db.terms.get(hit.term) else { continue };
        let i = match out.iter().position(|c| c.concept == term.concept) {
            Some(i) => i,
            None => {
                out.push(ConceptOutline {
                    concept: term.concept.clone(),
                    family: Family::of(&term.concept),
                    range: hit.range.clone(),
                    terms: Vec::new(),
                });
                out.len() - 1
            }
        };
        let c = &mut out[i];
        c.range.end = c.range.end.max(hit.range.end);
        match c.terms.iter_mut().find(|u| u.term == hit.term) {
            Some(u) => u.uses += 1,
            None => c.terms.push(TermUse {
                term: hit.term,
                first: hit.range.clone(),
                uses: 1,
                definition: defs.iter().find(|(t, _)| *t == hit.term).map(|(_, d)| d.clone()),
            }),
        }
    }
    out
}

/// Whether a workspace-symbol query names a term: a case-insensitive part
/// of its label or of one of its forms (an empty query names every term).
pub fn term_matches(term: &Term, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty()
        || term.label.to_lowercase().contains(&q)
        || term.id.contains(&q)
        || term.surface_forms().any(|f| f.to_lowercase().contains(&q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::find_terms;
    use crate::text::{extract, Format};

    #[test]
    fn one_entry_per_concept_with_first_uses_and_the_writers_definition() {
        let db = Database::builtin();
        let text = "# Essay\n\nPeacekeeping is the deployment of impartial forces with consent. UNPROFOR was peacekeeping. Mediators negotiate; peacekeeping monitors.\n";
        let prose = extract(text, Format::Markdown).text;
        let hits = find_terms(text, Format::Markdown, db);
        let o = outline(&prose, &hits, db);
        let pk = o.iter().find(|c| c.concept == "peacekeeping").expect("peacekeeping");
        assert_eq!(pk.family, Family::Peacekeeping);
        assert_eq!(o[0].concept, "peacekeeping", "first used first");
        let concept = pk.terms.iter().find(|u| db.terms[u.term].id == "peacekeeping").unwrap();
        assert_eq!(&text[concept.first.clone()], "Peacekeeping");
        assert_eq!(concept.uses, 3);
        let d = concept.definition.as_ref().expect("the writer defines peacekeeping");
        assert_eq!(&text[d.term_range.clone()], "Peacekeeping");
        assert!(text[d.sentence.clone()].ends_with("with consent."));
        let mission = pk
            .terms
            .iter()
            .find(|u| db.terms[u.term].id == "unprofor")
            .expect("UNPROFOR");
        assert!(mission.definition.is_none());
        assert!(o.iter().any(|c| c.concept == "peacemaking"));
    }

    #[test]
    fn a_question_or_a_denial_is_no_definition() {
        let db = Database::builtin();
        for text in ["Is peacekeeping the use of force?", "Peacekeeping is not peacemaking."] {
            let hits = find_terms(text, Format::Plain, db);
            assert!(definitions(text, &hits).is_empty(), "{text}");
        }
    }

    #[test]
    fn queries_match_labels_and_forms() {
        let db = Database::builtin();
        let t = db.get("unprofor").unwrap();
        assert!(term_matches(t, "protection force"));
        assert!(term_matches(t, "UNPRO"));
        assert!(term_matches(t, ""));
        assert!(!term_matches(t, "Dayton"));
    }
}
