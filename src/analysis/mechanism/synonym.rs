//! Synonym: two concepts presented as one. A gloss between two concept
//! terms ("peacekeeping, also known as peacemaking", "peacemaking/
//! peacekeeping", "peacekeeping (peacemaking)"), or a pair joined by "and"
//! with a sameness predicate ("peacekeeping and peacemaking mean the same").
//! Distinctions, lists and "whether X or Y" stay quiet.

use crate::analysis::sentence::Sentence;
use crate::analysis::{fixes, Finding, Related, TermHit};
use crate::terms::{Database, RuleSpec};
use std::ops::Range;

pub fn check(s: &Sentence<'_>, rule: &RuleSpec, out: &mut Vec<Finding>) {
    let named: Vec<usize> = (0..s.terms.len())
        .filter(|&t| {
            let term = s.term(t);
            rule.actor_concepts.contains(&term.concept)
                && rule.actor_kinds.contains(&term.kind)
                && !(s.everyday && s.lex.everyday_sense_terms.contains_word(&term.id))
        })
        .collect();
    // ("Words for 'peacekeeping' include 'peace enforcement'": there the
    // words are named in quotes, and what is said of them is the claim.)
    word_for(s, rule, &named, out);
    let concept_terms: Vec<usize> = named.into_iter().filter(|&t| !s.is_quoted(&s.terms[t].toks)).collect();
    pronoun_gloss(s, rule, &concept_terms, out);
    for w in concept_terms.windows(2) {
        let (a, b) = (w[0], w[1]);
        // Two concepts, or two actors; "peacemaking = blue helmets" is a
        // definition, not a synonym.
        if s.term(a).concept == s.term(b).concept || s.term(a).kind != s.term(b).kind {
            continue;
        }
        // Overlapping terms ("peace enforcement operation" inside a longer
        // name) are one phrase, not two concepts side by side.
        if s.terms[a].toks.end > s.terms[b].toks.start {
            continue;
        }
        let between = s.terms[a].toks.end..s.terms[b].toks.start;
        // A gloss is short and never spans a clause break; terms whose
        // tokens overlap ("--peacemaking-as-peacekeeping", found by
        // fuzzing) have nothing between them.
        if between.start > between.end
            || between.len() > 8
            || s.clause_of(s.terms[a].toks.start) != s.clause_of(s.terms[b].toks.start)
        {
            continue;
        }
        let clause = s.clause_of(s.terms[b].toks.start);
        // The words just before the first term, within its own part of the
        // sentence: in "Not really - peacebuilding is just another word for
        // peacekeeping" the "not" answers a question, it does not deny.
        let a_start = s.terms[a].toks.start;
        let part = (a_start.saturating_sub(3)..a_start)
            .rev()
            .find(|&k| matches!(s.toks[k].lower.as_str(), "-" | "–" | "—" | ":" | ";"))
            .map_or(a_start.saturating_sub(3), |k| k + 1);
        let before = part..a_start;
        let after_b = s.terms[b].toks.end..clause.end.max(s.terms[b].toks.end);
        if s.lex.distinction_markers.any_in(&s.toks, between.clone()) || distinction_before(s, before) {
            continue;
        }
        let sameness = s.lex.sameness_predicates.find_in(&s.toks, after_b.clone());
        let linked = gloss_link(s, &between, b)
            || (is_pair_join(s, &between)
                && sameness.is_some_and(|m| {
                    // "use X and Y interchangeably, but the UN keeps them
                    // apart": a distinction in a contrasting clause after.
                    let contrast = (m.end..s.toks.len())
                        .find(|&k| s.lex.contrast_markers.at(&s.toks, k).is_some() || s.toks[k].lower == ";");
                    !s.lex.distinction_markers.any_in(&s.toks, after_b.start..m.start)
                        && !contrast.is_some_and(|k| s.lex.distinction_markers.any_in(&s.toks, k..s.toks.len()))
                        && !reported(s, a)
                }));
        if !linked {
            continue;
        }
        out.push(gloss_finding(s, rule, a, b));
    }
}

/// Term `a` of the sentence presented as the same as term `b`: the finding
/// on `a`, with the gloss fix.
fn gloss_finding(s: &Sentence<'_>, rule: &RuleSpec, a: usize, b: usize) -> Finding {
    let (ta, tb) = (&s.terms[a], &s.terms[b]);
    let message = format!("presented as the same as {}", s.term(b).label);
    finding(s, rule, ta.range.clone(), ta.item, b, message, fixes::gloss(s, ta, tb))
}

/// A synonym finding on `range` (term `term` of the database), with the
/// other concept's term `b` of the sentence as related information.
fn finding(
    s: &Sentence<'_>,
    rule: &RuleSpec,
    range: Range<usize>,
    term: usize,
    b: usize,
    related: String,
    fixes: Vec<crate::analysis::Fix>,
) -> Finding {
    let other = s.terms[b].range.clone();
    Finding {
        code: rule.code.clone(),
        severity: rule.severity,
        message: rule
            .message
            .replace("{term}", &s.words(range.clone()))
            .replace("{other}", &s.words(other.clone())),
        range,
        related: vec![Related {
            range: other,
            message: related,
        }],
        term: Some(term),
        fixes,
    }
}

/// "Another word for peacekeeping is peacemaking", "synonyms for
/// peacekeeping include peacemaking": a term named as another's word, after
/// a copula, "include" or a colon, in the same clause. The finding sits on
/// the first term.
fn word_for(s: &Sentence<'_>, rule: &RuleSpec, concept_terms: &[usize], out: &mut Vec<Finding>) {
    let words_for = |a: usize| {
        let mut k = s.terms[a].toks.start;
        // Over quotation marks: "a word for 'peacekeeping'".
        while k > 0 && !s.toks[k - 1].word && matches!(s.toks[k - 1].lower.as_str(), "\"" | "'") {
            k -= 1;
        }
        k >= 2
            && s.toks[k - 1].lower == "for"
            && matches!(
                s.toks[k - 2].lower.as_str(),
                "word"
                    | "words"
                    | "synonym"
                    | "synonyms"
                    | "name"
                    | "names"
                    | "term"
                    | "terms"
                    | "alternative"
                    | "alternatives"
            )
    };
    for (i, &a) in concept_terms.iter().enumerate() {
        if !words_for(a) || out.iter().any(|f| f.range == s.terms[a].range) {
            continue;
        }
        let clause = s.clause_of(s.terms[a].toks.start);
        // The link: the clause's verb after the term ("is", "are",
        // "include"), not negated, or a colon.
        let from = s.terms[a].toks.end;
        let link = (from..clause.end).find_map(|k| {
            if s.toks[k].lower == ":" {
                return Some(k + 1);
            }
            let v = s.g.vg_of[k]?;
            let vg = &s.g.vgs[v];
            let lists = vg.copula || s.toks[vg.main].lower.starts_with("includ");
            (lists && !vg.negated).then_some(vg.toks.end)
        });
        let Some(link) = link else { continue };
        if s.lex.distinction_markers.any_in(&s.toks, from..link) {
            continue;
        }
        let other = concept_terms[i + 1..].iter().copied().find(|&b| {
            s.terms[b].toks.start >= link
                && s.terms[b].toks.start < clause.end
                && s.term(b).concept != s.term(a).concept
                && s.term(b).kind == s.term(a).kind
        });
        let Some(b) = other else { continue };
        out.push(gloss_finding(s, rule, a, b));
    }
}

/// "Peacekeeping helps nations torn by conflict. It is also known as
/// peacemaking.": a pronoun subject that stands for one concept, glossed as
/// another. The finding sits on the phrase the pronoun stands for.
fn pronoun_gloss(s: &Sentence<'_>, rule: &RuleSpec, concept_terms: &[usize], out: &mut Vec<Finding>) {
    let Some(first) = s.toks.iter().position(|t| t.word) else {
        return;
    };
    let Some(n) = s.g.np_of[first] else {
        return;
    };
    let np = &s.g.nps[n];
    if np.toks.len() != 1 || !matches!(s.toks[np.head].lower.as_str(), "it" | "this") {
        return;
    }
    let Some(a) = s.actor_of_np(n).filter(|&a| !s.actors[a].here) else {
        return;
    };
    let actor = &s.actors[a];
    let term = &s.db.terms[actor.term];
    if term.kind != "concept" || !rule.actor_concepts.contains(&term.concept) {
        return;
    }
    let Some(&b) = concept_terms.iter().find(|&&b| s.terms[b].toks.start >= np.toks.end) else {
        return;
    };
    let between = np.toks.end..s.terms[b].toks.start;
    if s.term(b).concept == term.concept
        || between.len() > 8
        || s.clause_of(first) != s.clause_of(s.terms[b].toks.start)
        || s.lex.distinction_markers.any_in(&s.toks, between.clone())
        || !s.lex.synonym_links.any_in(&s.toks, between.clone())
    {
        return;
    }
    let message = format!(
        "\"{}\" stands for it, and is presented as the same as {}",
        s.words(s.toks[np.head].range.clone()),
        s.term(b).label
    );
    out.push(finding(
        s,
        rule,
        actor.range.clone(),
        actor.term,
        b,
        message,
        Vec::new(),
    ));
}

/// Synonym lists in dictionary and glossary pages: a "Synonyms:" label whose
/// list names a concept other than the headword's ("peacebuilding ...
/// Synonyms: Peacemaking, pacification, ..."). The headword is the first
/// concept term of the document, or of the section under a heading that
/// names one. The finding sits on the headword.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Lists {
    /// The headword and its words (it may be in an earlier chunk).
    headword: Option<(TermHit, String)>,
    /// Sentences left in an open list.
    open: u8,
    /// Concepts already reported for this headword.
    reported: Vec<String>,
    /// Reading from the middle of a document (a guess, see
    /// `analysis::incremental`): there is a headword, but it is not known.
    unknown: bool,
    /// A list was read while the headword was not known: what it found
    /// depends on the headword.
    blind: bool,
}

impl Lists {
    /// Leave a chunk (see `Discourse::carry`).
    pub fn carry(&mut self) {
        if let Some((h, _)) = &mut self.headword {
            crate::analysis::discourse::carry_range(&mut h.range);
        }
    }

    /// The state of a reader starting in the middle of a document, before
    /// it meets a heading that names the headword: some headword, unknown.
    pub fn unknown_headword() -> Lists {
        Lists {
            unknown: true,
            ..Lists::default()
        }
    }

    /// Whether a chunk read was a list whose findings depend on a headword
    /// not known (and clear the mark for the next chunk).
    pub fn take_blind(&mut self) -> bool {
        std::mem::take(&mut self.blind)
    }

    /// Whether a chunk entered with `self` (a state with perhaps an unknown
    /// headword) reads as after `known`: the same but for a headword
    /// `known` has and `self` does not know.
    pub fn stands_for(&self, known: &Lists) -> bool {
        let headword = match self.unknown {
            true => known.headword.is_some(),
            false => self.headword == known.headword,
        };
        headword && !known.unknown && self.open == known.open && self.reported == known.reported
    }

    /// What a chunk that [`Lists::stands_for`] `entered` hands on: the
    /// headword it entered with when it still does not know one (carried
    /// past the chunk).
    pub fn resolve(&mut self, entered: &Lists) {
        if self.unknown {
            self.headword = entered.headword.clone();
            self.unknown = entered.unknown;
            self.carry();
        }
    }

    pub fn sentence(
        &mut self,
        text: &str,
        range: Range<usize>,
        terms: &[TermHit],
        heading: bool,
        db: &Database,
        out: &mut Vec<Finding>,
    ) {
        let Some(rule) = db
            .rules
            .iter()
            .find(|r| r.mechanism == crate::terms::Mechanism::Synonym)
        else {
            return;
        };
        let concept_terms: Vec<&TermHit> = terms
            .iter()
            .filter(|t| db.terms[t.term].kind == "concept" && rule.actor_concepts.contains(&db.terms[t.term].concept))
            .collect();
        if self.headword.is_none() && !self.unknown || heading && concept_terms.len() == 1 {
            if let Some(t) = concept_terms.first() {
                if self.headword.as_ref().is_none_or(|(h, _)| h.term != t.term) {
                    self.reported.clear();
                }
                let words = text[t.range.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
                self.headword = Some(((*t).clone(), words));
                self.unknown = false;
                return;
            }
        }
        let words = text[range.clone()]
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let label = ["synonyms", "synonym", "similar words", "similar terms", "also known as"]
            .iter()
            .find(|l| {
                let rest = words.strip_prefix(*l).map(str::trim);
                rest.is_some_and(|r| r.is_empty() || r.starts_with(':'))
            });
        let members: Vec<&TermHit> = if let Some(l) = label {
            self.open = 2;
            let colon = range.start + text[range.clone()].find(':').unwrap_or(l.len());
            concept_terms.into_iter().filter(|t| t.range.start > colon).collect()
        } else if self.open > 0 {
            self.open -= 1;
            // The next label ("Context:", "Not to be confused with: ...")
            // ends the list.
            let line = text[range.clone()].trim();
            let label = line
                .split_once(':')
                .is_some_and(|(head, _)| head.split_whitespace().count() <= 5);
            if label {
                self.open = 0;
                return;
            }
            concept_terms
        } else {
            return;
        };
        if self.unknown {
            self.blind |= !members.is_empty();
            return;
        }
        let Some((head, head_words)) = self.headword.clone() else {
            return;
        };
        let head_term = &db.terms[head.term];
        for m in members {
            let other = &db.terms[m.term];
            if other.concept == head_term.concept || self.reported.contains(&other.concept) {
                continue;
            }
            self.reported.push(other.concept.clone());
            let words = |r: &Range<usize>| text[r.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
            out.push(Finding {
                code: rule.code.clone(),
                severity: rule.severity,
                range: head.range.clone(),
                message: rule
                    .message
                    .replace("{term}", &head_words)
                    .replace("{other}", &words(&m.range)),
                related: vec![Related {
                    range: m.range.clone(),
                    message: format!("listed as a synonym of {}", head_term.label),
                }],
                term: Some(head.term),
                fixes: Vec::new(),
            });
        }
    }
}

/// "Journalists often use peacekeeping and peacemaking interchangeably": the
/// usage of others (a subject with no term, not the writer), reported.
fn reported(s: &Sentence<'_>, a: usize) -> bool {
    let k = s.terms[a].toks.start;
    let Some(v) = (k.saturating_sub(6)..k).rev().find_map(|j| s.g.vg_of[j]) else {
        return false;
    };
    let r = s.relations();
    r.subject(v).is_some_and(|nps| {
        nps.iter().all(|&n| {
            let np = &s.g.nps[n];
            let head = s.toks[np.head].lower.as_str();
            np.toks.clone().all(|j| s.term_at[j].is_none()) && !matches!(head, "i" | "we" | "essay" | "paper" | "this")
        })
    })
}

fn is_pair_join(s: &Sentence<'_>, between: &Range<usize>) -> bool {
    let words: Vec<&str> = s.toks[between.clone()].iter().map(|t| t.lower.as_str()).collect();
    // "peacemaking or peacekeeping, it is the same": "or" too, before a
    // sameness predicate ("whether X or Y" is a distinction).
    matches!(words.as_slice(), ["and"] | ["&"] | ["or"])
}

/// The words between two terms gloss one as the other.
fn gloss_link(s: &Sentence<'_>, between: &Range<usize>, b: usize) -> bool {
    let words: Vec<&str> = s.toks[between.clone()]
        .iter()
        .map(|t| t.lower.as_str())
        .filter(|w| *w != "0")
        .collect();
    // "---" is one dash.
    let mut words = words;
    words.dedup_by(|x, y| *x == "-" && *y == "-");
    let after = s.toks.get(s.terms[b].toks.end).map(|t| t.lower.as_str());
    // "peacemaking = diplomacy ..., peacekeeping = troops ...": the second
    // term heads the next gloss of a list, it is not the first one's gloss.
    let heads = |w: Option<&str>| matches!(w, Some("=" | ":"));
    if heads(after) && heads(s.toks.get(between.start).map(|t| t.lower.as_str())) && between.len() > 2 {
        return false;
    }
    // An aside that names: "X - what many simply call Y -", "X (what the UN
    // terms Y)", "X - Y, to give it its other name -".
    let aside = words.first().is_some_and(|w| matches!(*w, "-" | "(" | ","));
    let naming_verb = |w: &str| matches!(w, "call" | "calls" | "term" | "terms" | "name" | "names");
    if aside && words.contains(&"what") && words.iter().any(|w| naming_verb(w)) {
        return true;
    }
    if matches!(words.as_slice(), ["-"] | ["("]) {
        let rest: Vec<&str> = s.toks[s.terms[b].toks.end..]
            .iter()
            .take(10)
            .map(|t| t.lower.as_str())
            .take_while(|w| !matches!(*w, "-" | ")" | "."))
            .collect();
        let other_name = rest.windows(2).any(|p| {
            matches!(p[0], "other" | "another" | "alternative") && matches!(p[1], "name" | "word" | "term" | "label")
        });
        if other_name {
            return true;
        }
    }
    let closes = matches!(after, Some(")" | "," | "-" | ";")) || after.is_none() || after == Some(".");
    match words.as_slice() {
        ["/"] => return true,
        ["("] | ["(", "="] => return after == Some(")"),
        // "peace enforcement operation (a peacekeeping mission that uses
        // force)": a gloss that restates the first as a kind of the second.
        ["(", "a" | "an" | "i.e" | "ie"] | ["(", "i.e" | "ie", ","] => {
            let closes_later = (s.terms[b].toks.end..s.toks.len())
                .take(14)
                .any(|k| s.toks[k].lower == ")");
            return closes_later;
        }
        [",", "or"] | ["(", "or"] | ["-", "or"] => {
            return closes && after != Some(".") && after.is_some()
                || s.toks.get(s.terms[b].toks.end).is_some_and(|t| t.lower == "as")
        }
        _ => {}
    }
    s.lex.synonym_links.any_in(&s.toks, between.clone())
}

/// A distinction marker in the words before a first term; "Distinguished
/// delegates, ..." addresses an audience, it distinguishes nothing.
fn distinction_before(s: &Sentence<'_>, before: Range<usize>) -> bool {
    before.clone().any(|k| {
        let honorific = s.toks[k].lower == "distinguished"
            && s.toks[k].tag == crate::lexicon::Tag::Adj
            && s.toks.get(k + 1).is_some_and(|t| t.tag == crate::lexicon::Tag::Noun);
        !honorific && s.lex.distinction_markers.at(&s.toks[..before.end], k).is_some()
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::evidence::test_support::{flags, quiet};

    const CODE: &str = "terms-as-synonyms";

    #[test]
    fn synonym_lists_in_glossaries() {
        let text = "peacebuilding\n\nDefinition: the process of building lasting peace.\n\nSynonyms: Peacemaking, conciliation, reconciliation\n";
        flags(text, CODE, "peacebuilding");
        quiet("peacebuilding\n\nSynonyms: conciliation, reconciliation\n", CODE);
    }

    #[test]
    fn a_modal_before_a_gloss_distinguishes_nothing() {
        flags(
            "The Council should strengthen peacemaking (peacekeeping) capacities in the Sahel.",
            CODE,
            "peacemaking",
        );
        quiet("Peacemaking and peacekeeping should be kept apart.", CODE);
    }

    #[test]
    fn a_term_named_as_another_terms_word() {
        flags("Another word for peacekeeping is peacemaking.", CODE, "peacekeeping");
        flags(
            "Better words for \"peacekeeping\" include \"conflict prevention\" and \"peace enforcement\".",
            CODE,
            "peacekeeping",
        );
        quiet("Another word for peacekeeping is not peacemaking.", CODE);
        quiet("A word for peacekeeping is UN peace operations.", CODE);
    }

    #[test]
    fn glosses_and_slashes() {
        flags(
            "Peacekeeping, also known as peacemaking, began in 1948.",
            CODE,
            "Peacekeeping",
        );
        flags("The peacemaking/peacekeeping mission left.", CODE, "peacemaking");
        flags(
            "Peacekeeping and peacemaking mean the same thing.",
            CODE,
            "Peacekeeping",
        );
        quiet("Peacekeeping, as distinct from peacemaking, needs consent.", CODE);
        // An honorific is no distinction.
        flags(
            "Distinguished guests, peacekeeping, or peacemaking as my country calls it, is our pride.",
            CODE,
            "peacekeeping",
        );
        quiet("Distinguished from peacemaking, peacekeeping needs consent.", CODE);
        quiet("Peacemaking, peacekeeping and peacebuilding are three stages.", CODE);
        // A list of glosses, each its own.
        quiet(
            "slide 2: peacemaking = talks to reach a deal, peacekeeping = troops after a truce",
            CODE,
        );
        flags(
            "Peacemaking or peacekeeping, it is the same, because the peacekeepers also make the treaty.",
            CODE,
            "Peacemaking",
        );
        quiet("Peacemaking or peacekeeping: they are not the same.", CODE);
        quiet(
            "It is not clear whether peacemaking or peacekeeping is the same everywhere.",
            CODE,
        );
        // "Not equal" in notes is a distinction; "=" alone is a gloss.
        quiet("NB peacekeeping =/= peacemaking =/= peacebuilding", CODE);
        quiet("peacekeeping != peacemaking", CODE);
        quiet("peacekeeping ≠ peacemaking", CODE);
        flags("peacekeeping = peacemaking, basically", CODE, "peacekeeping");
        // Learner forms of "in other words".
        flags(
            "Peace keeping, in other word peace making, matter a lot for Africa.",
            CODE,
            "Peace keeping",
        );
    }

    #[test]
    fn a_pronoun_glossed_as_another_concept() {
        flags(
            "Peacekeeping is a tool to help nations torn by conflict. It is also known as peacemaking.",
            CODE,
            "Peacekeeping",
        );
        quiet(
            "Peacekeeping is a tool to help nations torn by conflict. It is not the same as peacemaking.",
            CODE,
        );
        quiet(
            "Peacekeeping is a tool to help nations torn by conflict. It often follows peacemaking.",
            CODE,
        );
    }

    #[test]
    fn asides_that_name() {
        flags(
            "Peacekeeping - peacemaking, to give it its other name - means sending soldiers.",
            CODE,
            "Peacekeeping",
        );
        flags(
            "The last stage, peacebuilding---what many simply call peacemaking---begins after the accord.",
            CODE,
            "peacebuilding",
        );
        quiet(
            "Peacebuilding - unlike what some call peacemaking - takes decades.",
            CODE,
        );
        quiet("Peacekeeping - peacemaking comes first - needs consent.", CODE);
    }

    #[test]
    fn overlapping_terms_are_one_phrase() {
        // Rule ids name two concepts in one hyphenated word; the matches
        // overlap and must not be read as a pair (this used to panic).
        quiet("# peacemaking-as-peacekeeping", CODE);
        quiet("See peacekeeping-as-peacemaking for the reverse.", CODE);
    }
}
