//! The rule mechanisms over one sentence: clause splitting, subject
//! attribution, definitional frames, compounds and synonym glosses.
//!
//! The mechanisms are generic; which terms, cues and words they use comes
//! from `terms/` (rules.toml, cues.toml, language.toml).

use super::tokens::{tokenize, Lexicon, Tok};
use super::{Edit, Finding, Fix, Related, Severity, TermHit};
use crate::scan::Match;
use crate::terms::{Cue, Database, Role, RuleSpec, Term};
use crate::text::Prose;
use std::ops::Range;

/// Added to a cue's weight when it defines the subject ("X is/means ...").
const DEFINITION_BONUS: f32 = 0.4;

/// Evidence per actor term: (term, score, cue ranges). Scores add up;
/// a product bonus counts once per term.
#[derive(Default)]
struct Evidence(Vec<(usize, f32, Vec<Range<usize>>)>, Vec<usize>);

impl Evidence {
    fn add(&mut self, term: usize, score: f32, cues: Vec<Range<usize>>) {
        match self.0.iter_mut().find(|e| e.0 == term) {
            Some(e) => {
                e.1 += score;
                e.2.extend(cues);
            }
            None => self.0.push((term, score, cues)),
        }
    }

    fn product(&mut self, term: usize, range: Range<usize>) {
        if !self.1.contains(&term) {
            self.1.push(term);
            self.add(term, 0.5, vec![range]);
        }
    }
}

/// A term or cue occurrence mapped onto token indices.
#[derive(Debug, Clone)]
struct Span<T> {
    toks: Range<usize>,
    range: Range<usize>,
    item: T,
}

pub struct Sentence<'a> {
    text: &'a str,
    db: &'a Database,
    lex: &'a Lexicon,
    toks: Vec<Tok>,
    quoted: Vec<bool>,
    terms: Vec<Span<usize>>,
    cues: Vec<Span<usize>>,
    /// For each token, the index into `terms` covering it.
    term_at: Vec<Option<usize>>,
    clauses: Vec<Range<usize>>,
    discussed: bool,
    everyday: bool,
    /// A yes/no question asks, it does not assert.
    question: bool,
    /// "If peacekeepers negotiated treaties, ...": a hypothesis, not a claim.
    hypothetical: bool,
    /// The previous sentence's first actor, which a pronoun subject ("They
    /// negotiated ...") or "these troops" refers to. Its index is
    /// `terms.len()`; it has no tokens in this sentence.
    antecedent: Option<Span<usize>>,
}

/// Map byte ranges to token index ranges (tokens are sorted).
fn tok_span(toks: &[Tok], r: &Range<usize>) -> Option<Range<usize>> {
    let s = toks.partition_point(|t| t.range.end <= r.start);
    let e = toks.partition_point(|t| t.range.start < r.end);
    (s < e).then_some(s..e)
}

impl<'a> Sentence<'a> {
    pub fn new(
        prose: &'a Prose,
        s: Range<usize>,
        terms: &[TermHit],
        cues: &[Match],
        antecedent: Option<&TermHit>,
        db: &'a Database,
    ) -> Sentence<'a> {
        let lex = db.lexicon();
        let toks = tokenize(&prose.text, s.clone());
        let mut term_spans = Vec::new();
        let mut term_at = vec![None; toks.len()];
        for t in terms {
            if let Some(ts) = tok_span(&toks, &t.range) {
                for k in ts.clone() {
                    term_at[k] = Some(term_spans.len());
                }
                term_spans.push(Span {
                    toks: ts,
                    range: t.range.clone(),
                    item: t.term,
                });
            }
        }
        let cue_spans = cues
            .iter()
            .filter_map(|c| {
                let ts = tok_span(&toks, &c.range)?;
                // A cue with followers counts only when one follows; the span
                // then covers both ("stop ... war"). Otherwise the next cue
                // with the same phrase is tried.
                let mut item = Some(c.pattern);
                while let Some(i) = item {
                    let Some(f) = &db.cues[i].followers else {
                        return Some(Span {
                            toks: ts,
                            range: c.range.clone(),
                            item: i,
                        });
                    };
                    let (words, within) = &**f;
                    let to = (ts.end + within + 1).min(toks.len());
                    if let Some(m) = words.find_in(&toks, ts.end..to) {
                        return Some(Span {
                            toks: ts.start..m.end,
                            range: c.range.start..toks[m.end - 1].range.end,
                            item: i,
                        });
                    }
                    item = db.cues[i].fallback;
                }
                None
            })
            .collect();
        let quoted = quoted_tokens(&toks, prose, &s);
        let clauses = clauses(&toks, lex);
        let discussed = lex.discussion_markers.any_in(&toks, 0..toks.len());
        let everyday = lex.everyday_contexts.any_in(&toks, 0..toks.len());
        let question = toks.last().is_some_and(|t| t.lower == "?")
            && toks.iter().find(|t| t.word).is_some_and(|t| {
                matches!(
                    t.lower.as_str(),
                    "did"
                        | "do"
                        | "does"
                        | "is"
                        | "are"
                        | "was"
                        | "were"
                        | "can"
                        | "could"
                        | "should"
                        | "would"
                        | "will"
                        | "has"
                        | "have"
                        | "had"
                )
            });
        // "Imagine that ...", or a counterfactual "If ..., they would ...";
        // a general "If talks fail, peacemakers switch to coercion" is a claim.
        let first = toks.iter().find(|t| t.word).map(|t| t.lower.as_str());
        let counterfactual = toks
            .iter()
            .any(|t| matches!(t.lower.as_str(), "would" | "might" | "were"));
        let hypothetical = matches!(first, Some("suppose" | "supposing" | "imagine" | "hypothetically"))
            || matches!(first, Some("if" | "unless")) && counterfactual;
        let antecedent = antecedent.map(|a| Span {
            toks: 0..0,
            range: a.range.clone(),
            item: a.term,
        });
        Sentence {
            hypothetical,
            antecedent,
            everyday,
            text: &prose.text,
            db,
            lex,
            toks,
            quoted,
            terms: term_spans,
            cues: cue_spans,
            term_at,
            clauses,
            discussed,
            question,
        }
    }

    /// The text of a span as written, white space folded.
    fn surface<T>(&self, s: &Span<T>) -> String {
        self.text[s.range.clone()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether the sentence reports someone else's claim ("my draft said that ...").
    pub fn reports_claim(&self) -> bool {
        self.lex.reporting_verbs.any_in(&self.toks, 0..self.toks.len())
    }

    fn term(&self, i: usize) -> &Term {
        &self.db.terms[self.span(i).item]
    }

    /// Term occurrence `i`; `terms.len()` is the antecedent from the
    /// previous sentence.
    fn span(&self, i: usize) -> &Span<usize> {
        match self.terms.get(i) {
            Some(s) => s,
            None => self
                .antecedent
                .as_ref()
                .expect("index past the terms is the antecedent"),
        }
    }

    fn cue(&self, i: usize) -> &Cue {
        &self.db.cues[self.cues[i].item]
    }

    fn is_quoted(&self, toks: &Range<usize>) -> bool {
        toks.clone().any(|k| self.quoted[k])
    }

    fn clause_of(&self, tok: usize) -> Range<usize> {
        self.clauses
            .iter()
            .find(|c| c.contains(&tok))
            .cloned()
            .unwrap_or(tok..tok + 1)
    }

    pub fn check(&self, out: &mut Vec<Finding>) {
        if self.discussed || self.question || self.hypothetical {
            return; // the writer is discussing, asking or supposing, not asserting
        }
        for (i, rule) in self.db.rules.iter().enumerate() {
            let Some(severity) = Severity::parse(&rule.severity) else {
                continue;
            };
            match rule.mechanism.as_str() {
                "attribution" => self.attribution(i, severity, out),
                "synonym" => self.synonyms(rule, severity, out),
                _ => {}
            }
        }
    }

    /// Whether term `i` is an actor the rule is about.
    fn is_rule_actor(&self, rule: &RuleSpec, i: usize) -> bool {
        let t = self.term(i);
        if self.everyday && self.lex.everyday_sense_terms.contains(&t.id) {
            return false; // "Mum is the peacemaker in our house"
        }
        rule.actor_concepts.contains(&t.concept)
            && rule.actor_kinds.contains(&t.kind)
            && !rule.exempt_actors.contains(&t.id)
    }

    // ---------------------------------------------------------------- attribution

    fn attribution(&self, rule_index: usize, severity: Severity, out: &mut Vec<Finding>) {
        let rule = &self.db.rules[rule_index];
        let Some(work) = rule.work_concept.as_deref() else {
            return;
        };
        let exceptions = self.db.rule_exceptions(rule_index);
        let mut evidence = Evidence::default();
        let in_clause = |clause: &Range<usize>, toks: &Range<usize>| clause.contains(&toks.start);
        for clause in &self.clauses {
            if exceptions.any_in(&self.toks, clause.clone()) {
                continue;
            }
            let cues_in: Vec<usize> = (0..self.cues.len())
                .filter(|&c| in_clause(clause, &self.cues[c].toks) && self.cue(c).concept == work)
                .filter(|&c| !self.is_quoted(&self.cues[c].toks))
                .collect();
            let actors: Vec<usize> = (0..self.terms.len())
                .filter(|&t| in_clause(clause, &self.terms[t].toks) && self.is_rule_actor(rule, t))
                .filter(|&t| !self.is_quoted(&self.terms[t].toks))
                .collect();
            // The first clause may credit the previous sentence's actor.
            let antecedent_here =
                clause.start == 0 && self.antecedent.is_some() && self.is_rule_actor(rule, self.terms.len());
            if actors.is_empty() && !antecedent_here {
                continue;
            }
            // Products of the work concept in the clause (cue words, anchors
            // such as "Kuwait", or agreement terms) strengthen an act.
            let product: Option<Range<usize>> = cues_in
                .iter()
                .find(|&&c| {
                    matches!(self.cue(c).role, Role::Product | Role::Anchor)
                        || self.cue(c).role == Role::Asset && self.cue(c).weight >= 1.0
                })
                .map(|&c| self.cues[c].range.clone())
                .or_else(|| {
                    (0..self.terms.len())
                        .find(|&t| {
                            in_clause(clause, &self.terms[t].toks)
                                && self.term(t).kind == "agreement"
                                && self.term(t).concept == work
                        })
                        .map(|t| self.terms[t].range.clone())
                });

            if rule.uses("subject") {
                for &c in cues_in
                    .iter()
                    .filter(|&&c| matches!(self.cue(c).role, Role::Act | Role::Asset))
                {
                    // An asset counts only as the object of a possession
                    // verb ("the envoy had 1,200 soldiers"); the verb's
                    // subject is the agent.
                    let agent = if self.cue(c).role == Role::Asset {
                        self.owner_of(c, clause)
                    } else {
                        self.agent_of(self.cues[c].toks.start, clause)
                    };
                    let Some(agent) = agent else {
                        continue;
                    };
                    let antecedent = agent == self.terms.len() && self.is_rule_actor(rule, agent);
                    if !(actors.contains(&agent) || antecedent)
                        || self.negated_between(agent, c)
                        || self.tactical_after(c, clause, work)
                    {
                        continue;
                    }
                    evidence.add(agent, self.cue(c).weight, vec![self.cues[c].range.clone()]);
                    if let Some(p) = &product {
                        evidence.product(agent, p.clone());
                    }
                }
            }
            if rule.uses("subject") {
                // Actors of the work concept owned by ours: "the Peacebuilding
                // Commission sent peacekeepers", "the envoy commanded blue helmets".
                for o in (0..self.terms.len()).filter(|&o| {
                    in_clause(clause, &self.terms[o].toks)
                        && self.term(o).concept == work
                        && self.term(o).kind == "actor"
                }) {
                    if let Some(owner) = self.owner_at(self.terms[o].toks.start, clause) {
                        if actors.contains(&owner) && !self.negated_between(owner, usize::MAX) {
                            evidence.add(owner, 1.0, vec![self.terms[o].range.clone()]);
                        }
                    }
                }
            }
            for &t in &actors {
                if rule.uses("compound") {
                    if let Some((score, cues)) = self.compound(t, clause, work) {
                        evidence.add(t, score, cues);
                    }
                }
                if rule.uses("definition") {
                    if let Some((score, cues)) = self.definition(t, clause, work, rule.exclusive_definition) {
                        evidence.add(t, score, cues);
                    }
                }
                if rule.uses("possession") {
                    if let Some((score, cues)) = self.possession(t, clause, work) {
                        evidence.add(t, score, cues);
                    }
                }
                if rule.uses("identity") {
                    if let Some((score, cues)) = self.identity(t, clause, work) {
                        evidence.add(t, score, cues);
                    }
                }
            }
        }
        if rule.uses("circumstance") && !exceptions.any_in(&self.toks, 0..self.toks.len()) {
            self.circumstance(rule, work, &mut evidence);
        }
        for (t, score, cues) in evidence.0 {
            if score < 1.0 {
                continue;
            }
            let span = self.span(t);
            let text = self.surface(span);
            let work_label = self.db.get(work).map_or(work, |t| t.label.as_str()).to_lowercase();
            let related = cues
                .into_iter()
                .map(|r| {
                    let words = self.text[r.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
                    Related {
                        range: r,
                        message: format!("\"{words}\" signals {work_label}"),
                    }
                })
                .collect();
            out.push(Finding {
                code: rule.code.clone(),
                severity,
                range: span.range.clone(),
                message: rule.message.replace("{term}", &text),
                related,
                term: Some(span.item),
                fixes: self.replacement_fixes(rule, span),
            });
        }
    }

    /// The term that performs act cue `c`, if one can be found in the clause.
    fn agent_of(&self, at: usize, clause: &Range<usize>) -> Option<usize> {
        let cue_toks = self.cue_span_at(at);
        // Passive with an agent: "... was brokered by peacekeepers".
        // Only adverbs and phrases of time may come between ("brokered
        // jointly by", "monitored since 1949 by"): in "the
        // ceasefire she negotiated was monitored by a mission", "by" belongs
        // to another verb.
        let after_end = (cue_toks.end + 4).min(clause.end);
        let by = (cue_toks.end..after_end)
            .find(|&k| self.toks[k].lower == "by")
            .filter(|&by| {
                (cue_toks.end..by)
                    .all(|k| self.introductory(k) && !self.lex.passive_auxiliaries.contains_word(&self.toks[k].lower))
            });
        if let Some(by) = by {
            let stop = (by + 6).min(clause.end);
            for k in by + 1..stop {
                if self.toks[k].lower == "," {
                    break;
                }
                if let Some(t) = self.term_at[k] {
                    return Some(self.prefer_head(t));
                }
            }
            return None; // agent is someone the database does not know
        }
        // "Having brokered the deal, the blue helmets ...": a participle
        // opening the clause belongs to the subject after the comma.
        if let Some(t) = self.subject_after_opening_participle(&cue_toks, clause) {
            return Some(t);
        }
        // Otherwise walk left to the subject.
        let mut coordinated = false;
        // A pronoun or "the force" as the subject: it refers to the nearest
        // actor before it, in this sentence or (failing that) the previous
        // one's. Holds the token where the anaphoric phrase starts and the
        // word that carries its number.
        let mut anaphor: Option<(usize, &str)> = None;
        let mut k = cue_toks.start;
        while k > clause.start {
            k -= 1;
            let tok = &self.toks[k];
            if let Some(t) = self.term_at[k] {
                // After a pronoun, only an actor can be what it stands for.
                if anaphor.is_none() || self.is_actor_like(t) {
                    return Some(self.prefer_head(t));
                }
                continue;
            }
            if anaphor.is_none() {
                if let Some(word) = self.lex.anaphor_at(&self.toks, k) {
                    let start = if self.lex.anaphors.contains_word(&tok.lower) {
                        k
                    } else {
                        k - 1
                    };
                    anaphor = Some((start, word));
                    coordinated = true;
                    continue;
                }
            }
            if !tok.word {
                if matches!(tok.lower.as_str(), "," | "-" | "(" | ")" | "'" | ":" | "0") {
                    coordinated |= tok.lower == ",";
                    continue;
                }
                if tok.lower == "\"" {
                    continue;
                }
                return None;
            }
            if tok.lower == "0" {
                continue; // placeholder for removed markup
            }
            // "the first deploys troops, the second mediates": the subject
            // is one of several items named before, which this does not resolve.
            if matches!(tok.lower.as_str(), "first" | "former" | "latter" | "second")
                && k > clause.start
                && self.toks[k - 1].lower == "the"
                && !coordinated
            {
                return None;
            }
            if matches!(tok.lower.as_str(), "and" | "or" | "then" | "as" | "well") {
                coordinated = true;
                continue;
            }
            if self.lex.blockers.contains_word(&tok.lower) {
                // "were sent to win the war", "was asked to mediate": in the
                // passive the subject itself is the one who acts.
                let passive = k > clause.start && self.lex.passive_auxiliaries.contains_word(&self.toks[k - 1].lower);
                if !passive {
                    return None;
                }
                continue;
            }
            if self.lex.is_skippable(tok)
                || self.lex.is_negation(&self.toks, k)
                || self.lex.relative_pronouns.contains_word(&tok.lower)
                || self.lex.actor_heads.contains_word(&tok.lower)
            {
                continue;
            }
            if self.lex.subordinators.contains_word(&tok.lower) && !coordinated {
                return None;
            }
            if coordinated {
                continue; // skipping over an earlier verb phrase of the same subject
            }
            // A modifier attached to the subject is skipped: a short
            // prepositional phrase ("the blue helmets in Bosnia negotiated")
            // or a relative clause ("peacekeepers who had arrived in May
            // drafted").
            let attached = |p: usize| p > clause.start && self.term_at[p - 1].is_some();
            let modifier = (k.saturating_sub(3)..k)
                .rev()
                .find(|&p| self.lex.prepositions.contains_word(&self.toks[p].lower) && attached(p))
                .or_else(|| {
                    (k.saturating_sub(10).max(clause.start)..k)
                        .rev()
                        .find(|&p| matches!(self.toks[p].lower.as_str(), "who" | "which") && attached(p))
                });
            if let Some(p) = modifier {
                k = p;
                continue;
            }
            // "got Egypt and Israel to sign": the subject of the causative
            // verb is credited with the act.
            if cue_toks.start > clause.start && self.toks[cue_toks.start - 1].lower == "to"
                || self.toks[cue_toks.start].lower == "to"
            {
                if let Some(v) = (k.saturating_sub(8).max(clause.start)..k)
                    .rev()
                    .find(|&v| self.lex.causatives.contains_word(&self.toks[v].lower))
                {
                    k = v;
                    continue;
                }
            }
            // "spent the summer hammering out", "spent months in Paris
            // mediating": the gerund is what the subject of "spent" did.
            if self.toks[cue_toks.start].lower.ends_with("ing") {
                if let Some(v) = (k.saturating_sub(4).max(clause.start)..=k)
                    .rev()
                    .find(|&v| matches!(self.toks[v].lower.as_str(), "spent" | "spend" | "spends" | "spending"))
                {
                    k = v;
                    continue;
                }
            }
            // A content word right before the verb is its own subject.
            return None;
        }
        let (start, word) = anaphor?;
        (clause.start == 0 && self.refers_back(start, word)).then_some(self.terms.len())
    }

    /// Whether the anaphor starting at token `start` (carrying number in
    /// `word`) stands for the previous sentence's actor: it opens this
    /// sentence (after at most an introductory phrase such as "In 2006" or
    /// "By April 1994") and agrees with the actor in number. A noun phrase
    /// ("the operation") may also open a subordinate clause: "Its finest hour
    /// came in 1963, when the operation ...". A pronoun there could stand for
    /// anyone in the sentence.
    fn refers_back(&self, start: usize, word: &str) -> bool {
        let Some(antecedent) = &self.antecedent else {
            return false;
        };
        let pronoun = self.lex.anaphors.contains_word(&self.toks[start].lower);
        let from = if pronoun {
            0
        } else {
            (0..start)
                .rev()
                .find(|&j| self.toks[j].lower == "," || self.lex.subordinators.contains_word(&self.toks[j].lower))
                .map_or(0, |j| j + 1)
        };
        let opens = (from..start).all(|j| self.introductory(j)) || pronoun && self.bare_opening_phrase(start);
        opens && self.agrees(word, antecedent)
    }

    /// The subject of the first clause is an anaphor for the previous
    /// sentence's actor ("They should go in during the fighting").
    fn opens_with_anaphor(&self) -> bool {
        let Some(first) = self.clauses.first() else {
            return false;
        };
        first.clone().find_map(|k| {
            let word = self.lex.anaphor_at(&self.toks, k)?;
            let start = if self.lex.anaphors.contains_word(&self.toks[k].lower) {
                k
            } else {
                k - 1
            };
            Some(self.refers_back(start, word))
        }) == Some(true)
    }

    /// "Before deploying, they ...": the pronoun follows an opening phrase
    /// closed by a comma that names no one (no determiner, no capitalised
    /// word after the first), so it cannot stand for anyone in that phrase.
    fn bare_opening_phrase(&self, pronoun: usize) -> bool {
        let Some(comma) = (0..pronoun).rev().find(|&j| self.toks[j].lower == ",") else {
            return false;
        };
        (comma + 1..pronoun).all(|j| self.introductory(j))
            && (0..comma).all(|j| {
                let t = &self.toks[j];
                let capital = self.text[t.range.clone()]
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase);
                self.term_at[j].is_none()
                    && !self.lex.anaphor_determiners.contains_word(&t.lower)
                    && !matches!(t.lower.as_str(), "a" | "an")
                    && (j == 0 || !capital)
            })
    }

    /// Token `j` can be part of an introductory phrase before a subject:
    /// "In 2006", "Within weeks", "Later that year", "Sometimes".
    fn introductory(&self, j: usize) -> bool {
        let t = &self.toks[j];
        !t.word
            || self.lex.is_skippable(t)
            || self.lex.prepositions.contains_word(&t.lower)
            || self.lex.subordinators.contains_word(&t.lower)
            || self.lex.introductory.contains_word(&t.lower)
    }

    /// A singular anaphor ("it", "the force") does not stand for a plural
    /// actor ("peacekeepers").
    fn agrees(&self, word: &str, antecedent: &Span<usize>) -> bool {
        let singular =
            matches!(word, "it" | "he" | "she") || !(word.ends_with('s') || self.lex.anaphors.contains_word(word));
        let term = &self.db.terms[antecedent.item];
        let plural = term.kind == "actor" && self.surface(antecedent).to_lowercase().ends_with('s');
        !(singular && plural)
    }

    /// The subject of a participle phrase that opens the clause ("Having
    /// brokered the deal, the blue helmets ...", "After negotiating the
    /// accord, UNPROFOR ..."): the first term right after the closing comma.
    fn subject_after_opening_participle(&self, cue: &Range<usize>, clause: &Range<usize>) -> Option<usize> {
        let first = &self.toks[cue.start].lower;
        let opening = (clause.start..cue.start).all(|k| {
            matches!(
                self.toks[k].lower.as_str(),
                "having" | "after" | "before" | "while" | "when" | "by" | "since" | "once" | "0"
            ) || self.lex.is_skippable(&self.toks[k])
                && !self.lex.passive_auxiliaries.contains_word(&self.toks[k].lower)
        });
        let participle = first.ends_with("ing")
            || first.ends_with("ed") && (clause.start..cue.start).any(|k| self.toks[k].lower == "having");
        if !opening || !participle {
            return None;
        }
        let comma = (cue.end..clause.end).find(|&k| self.toks[k].lower == ",")?;
        (comma + 1..(comma + 4).min(clause.end))
            .take_while(|&k| self.term_at[k].is_some() || self.lex.determiners.contains_word(&self.toks[k].lower))
            .find_map(|k| self.term_at[k])
            .filter(|&t| self.is_actor_like(t))
            .map(|t| self.prefer_head(t))
    }

    /// The token span of the cue starting at `at` (or just that token).
    fn cue_span_at(&self, at: usize) -> Range<usize> {
        self.cues
            .iter()
            .find(|c| c.toks.start == at)
            .map_or(at..at + 1, |c| c.toks.clone())
    }

    /// The owner of an asset that is the object of a possession verb:
    /// "had set up twenty observation posts", "carried rifles".
    /// In the passive, the owner follows: "the buffer zone was held by the
    /// peacemakers".
    fn owner_of(&self, c: usize, clause: &Range<usize>) -> Option<usize> {
        let end = self.cues[c].toks.end;
        let aux =
            (end..(end + 6).min(clause.end)).find(|&j| self.lex.passive_auxiliaries.contains_word(&self.toks[j].lower));
        if let Some(aux) = aux {
            let verb = (aux + 1..(aux + 3).min(clause.end))
                .find(|&j| self.lex.possession_verbs.contains_word(&self.toks[j].lower));
            if let Some(by) = verb
                .filter(|&v| self.toks.get(v + 1).is_some_and(|t| t.lower == "by"))
                .map(|v| v + 1)
            {
                return (by + 1..(by + 4).min(clause.end))
                    .find_map(|j| self.term_at[j])
                    .map(|t| self.prefer_head(t));
            }
        }
        self.owner_at(self.cues[c].toks.start, clause)
    }

    /// The subject of a possession verb whose object starts at token `at`,
    /// with determiners and up to two other words between
    /// ("commanded an Irish battalion", "ordered extra patrols").
    fn owner_at(&self, at: usize, clause: &Range<usize>) -> Option<usize> {
        let mut k = at;
        let mut unknown = 0;
        while k > clause.start {
            let t = &self.toks[k - 1];
            let number = t.lower.chars().all(|ch| ch.is_ascii_digit() || ch == ',') && t.lower != ",";
            if self.lex.possession_verbs.contains_word(&t.lower) {
                break;
            }
            if self.lex.determiners.contains_word(&t.lower) || number {
                k -= 1;
            } else if t.word && unknown < 2 && self.term_at[k - 1].is_none() {
                unknown += 1;
                k -= 1;
            } else {
                return None;
            }
        }
        if k == clause.start || !self.lex.possession_verbs.contains_word(&self.toks[k - 1].lower) {
            return None;
        }
        self.owner_verb_subject(k, clause)
    }

    /// Walk left over the possession verb(s) ending at token `k` and find
    /// their subject.
    fn owner_verb_subject(&self, k: usize, clause: &Range<usize>) -> Option<usize> {
        let mut k = k;
        while k > clause.start && self.lex.possession_verbs.contains_word(&self.toks[k - 1].lower) {
            k -= 1;
        }
        self.agent_of(k, clause)
    }

    /// In "the blue helmets of UNMIL", the head ("blue helmets") is the
    /// actor, not the mission that follows "of".
    fn prefer_head(&self, t: usize) -> usize {
        if t == self.terms.len() {
            return t; // the antecedent
        }
        let start = self.terms[t].toks.start;
        if start >= 2 && self.lex.prepositions.contains_word(&self.toks[start - 1].lower) {
            for back in 2..=3 {
                if start < back {
                    break;
                }
                if let Some(h) = self.term_at[start - back] {
                    if h != t {
                        return h;
                    }
                }
            }
        }
        t
    }

    fn negated_between(&self, agent: usize, c: usize) -> bool {
        let a = &self.span(agent).toks;
        let none = a.end..a.end;
        let cue = if c == usize::MAX { &none } else { &self.cues[c].toks };
        // "brokered nothing", "negotiated no agreement"
        if self
            .toks
            .get(cue.end)
            .is_some_and(|t| matches!(t.lower.as_str(), "nothing" | "no" | "none" | "neither" | "nobody"))
        {
            return true;
        }
        // "it does not mean the blue helmets wrote ...": a negation earlier in
        // the clause governs the clause the agent is in, unless a comma
        // closes it first.
        let clause = self.clause_of(a.start.min(cue.start));
        let first = a.start.min(cue.start);
        if let Some(n) = (clause.start..first)
            .rev()
            .find(|&k| self.lex.is_negation(&self.toks, k))
        {
            let governs =
                (n + 1..(n + 3).min(first)).any(|k| self.lex.negated_complements.contains_word(&self.toks[k].lower));
            if governs && !(n..first).any(|k| self.toks[k].lower == ",") {
                return true;
            }
        }
        let (from, to) = if a.end <= cue.start {
            (a.end, cue.start)
        } else {
            (cue.end, a.start)
        };
        let before_agent = a.start.saturating_sub(2)..a.start;
        // A negation reaches the cue only within one phrase: "do not need
        // anyone's permission: they ... impose a settlement" is not negated.
        let breaks_between = |n: usize| (n..to.max(n)).any(|k| matches!(self.toks[k].lower.as_str(), "," | ":" | ";"));
        (from..to).any(|k| self.lex.is_negation(&self.toks, k) && !breaks_between(k))
            || before_agent.clone().any(|k| {
                self.lex.is_negation(&self.toks, k)
                    && !(k..a.start).any(|j| matches!(self.toks[j].lower.as_str(), "," | ":" | ";"))
            })
            || (cue.start.saturating_sub(3)..cue.start)
                .any(|k| self.lex.is_negation(&self.toks, k) && !breaks_between(k))
    }

    /// "negotiated access", "negotiated the release of hostages": tactical
    /// objects that make the act legitimate work of the actor's own concept.
    fn tactical_after(&self, c: usize, _clause: &Range<usize>, work: &str) -> bool {
        // Across clause breaks: "negotiate all the time, but about practical things".
        let from = self.cues[c].toks.end;
        let to = (from + 10).min(self.toks.len());
        self.cues.iter().enumerate().any(|(i, s)| {
            let cue = self.cue(i);
            cue.role == Role::Tactical && cue.concept != work && s.toks.start >= from && s.toks.start < to
        })
    }

    /// Cues of the work concept starting at token `k`, with one of `roles`.
    fn cues_at<'s>(&'s self, k: usize, work: &'s str, roles: &'s [Role]) -> impl Iterator<Item = usize> + 's {
        (0..self.cues.len()).filter(move |&c| {
            self.cues[c].toks.start == k && self.cue(c).concept == work && roles.contains(&self.cue(c).role)
        })
    }

    /// An actor term next to an asset or act of the work concept:
    /// "peacemaking troops", "coercive peacemaking", "peacemaking by force".
    fn compound(&self, t: usize, clause: &Range<usize>, work: &str) -> Option<(f32, Vec<Range<usize>>)> {
        let span = &self.terms[t].toks;
        let next = span.end;
        let roles = [Role::Asset, Role::Act];
        // "peacemaking troops" (a modifier), not "the peacemakers force the parties" (a verb).
        let modifier = self.term(t).kind == "concept" || self.surface(&self.terms[t]).to_lowercase().ends_with("ing");
        let after = self.cues_at(next, work, &[Role::Asset]).next().filter(|_| modifier);
        // "coercive peacemaking": a cue ending right before the term. A
        // mission's name is not modified so ("the 1974 invasion UNFICYP
        // stayed" is two phrases).
        let named = matches!(self.term(t).kind.as_str(), "mission" | "institution");
        let before = (0..self.cues.len()).filter(|_| !named).find(|&c| {
            self.cues[c].toks.end == span.start && self.cue(c).concept == work && roles.contains(&self.cue(c).role)
        });
        // "peacemaking by force", "peacemaking with tanks".
        let via = matches!(
            self.toks.get(next).map(|t| t.lower.as_str()),
            Some("by" | "with" | "through" | "using" | "via")
        )
        .then(|| (next + 1..(next + 3).min(clause.end)).find_map(|k| self.cues_at(k, work, &roles).next()))
        .flatten();
        let found = after.or(before).or(via)?;
        let mut score = self.cue(found).weight;
        let mut cues = vec![self.cues[found].range.clone()];
        // A weak one ("mission") needs support later in the clause, before
        // the next term (which may be the subject of that support).
        let next_term = (0..self.terms.len())
            .map(|o| self.terms[o].toks.start)
            .filter(|&start| start > next)
            .min()
            .unwrap_or(clause.end);
        if score < 1.0 {
            if let Some(other) = (0..self.cues.len()).find(|&c| {
                c != found
                    && clause.contains(&self.cues[c].toks.start)
                    && self.cues[c].toks.start < next_term
                    && self.cue(c).concept == work
                    && matches!(self.cue(c).role, Role::Act | Role::Asset)
                    && self.cue(c).weight >= 1.0
            }) {
                score += 0.5;
                cues.push(self.cues[other].range.clone());
            }
        }
        Some((score, cues))
    }

    /// "Peacekeeping is/means/can be defined as ... mediation ...": the
    /// predicate of a definition whose subject is the actor term. With
    /// `exclusive`, a predicate that also has cues of the actor's own concept
    /// is not a misdefinition.
    fn definition(
        &self,
        t: usize,
        clause: &Range<usize>,
        work: &str,
        exclusive: bool,
    ) -> Option<(f32, Vec<Range<usize>>)> {
        let mut k = self.terms[t].toks.end;
        let mut heads = 0;
        let mut words_after_possessive = if self.toks[k - 1].lower.ends_with("'s") { 2 } else { 0 };
        let copula_len = loop {
            if k >= clause.end {
                return None;
            }
            if let Some(n) = self.lex.copulas.at(&self.toks[..clause.end], k) {
                break n;
            }
            let tok = &self.toks[k];
            // A parenthetical with no term: "Peacemaking, in the UN sense, is".
            if tok.lower == "," {
                if let Some(close) = (k + 1..(k + 7).min(clause.end)).find(|&j| self.toks[j].lower == ",") {
                    if (k + 1..close).all(|j| self.term_at[j].is_none()) && close > k + 1 {
                        k = close + 1;
                        continue;
                    }
                }
            }
            if tok.lower == "'" || tok.lower.ends_with("'s") {
                words_after_possessive = 2; // "the peacekeepers' main tool is"
            } else if words_after_possessive > 0 && tok.word {
                words_after_possessive -= 1;
            } else if self.lex.actor_heads.contains_word(&tok.lower) && heads < 2 {
                heads += 1;
            } else if self.lex.prepositions.contains_word(&tok.lower) && words_after_possessive == 0 && heads < 2 {
                // "peacemaking in Bosnia was ...", "on the Golan Heights": a
                // short phrase of place.
                words_after_possessive = 3;
                heads += 1;
            } else if tok.lower == "it" && k == self.terms[t].toks.end {
                // "Peacekeeping it means ...": a resumptive pronoun.
            } else if !(self.lex.is_skippable(tok) || tok.lower == ",") {
                return None;
            }
            k += 1;
        };
        let own = &self.term(t).concept;
        let pred = k + copula_len..clause.end;
        // "X is not Y: the first deploys troops, the second ...": the
        // predicate is about items named before, not a gloss of X.
        let refers_back = |j: usize| {
            self.toks.get(j).is_some_and(|a| a.lower == "the")
                && self
                    .toks
                    .get(j + 1)
                    .is_some_and(|b| matches!(b.lower.as_str(), "first" | "former" | "latter" | "second" | "other"))
        };
        // "is distinct from peacekeeping, which deploys troops", "is quite
        // different: ...": a distinction, not a definition.
        let distinction = (pred.start..(pred.start + 2).min(pred.end))
            .any(|p| self.lex.distinction_markers.at(&self.toks[..clause.end], p).is_some());
        if refers_back(pred.start) || distinction {
            return None;
        }
        let mut score = 0.0f32;
        let mut has_act = false;
        let mut cues = Vec::new();
        let mut product = 0.0f32;
        for p in pred.clone() {
            let new_clause = self.toks[p].lower == ";"
                || self.toks[p].lower == ","
                    && self
                        .toks
                        .get(p + 1)
                        .is_some_and(|n| matches!(n.lower.as_str(), "and" | "but" | "so" | "yet" | "while"));
            if new_clause
                || self.lex.is_negation(&self.toks, p)
                || self.lex.subordinators.contains_word(&self.toks[p].lower) && p > pred.start + 3
            {
                break;
            }
            if let Some(other) = self.term_at[p] {
                if other != t && self.term(other).kind != "agreement" && self.term(other).concept != work {
                    break; // someone else is the subject of what follows
                }
            }
            if exclusive
                && self.cues.iter().enumerate().any(|(c, s)| {
                    s.toks.start == p
                        && self.cue(c).concept == *own
                        && matches!(self.cue(c).role, Role::Act | Role::Asset)
                })
            {
                return None;
            }
            for c in (0..self.cues.len()).filter(|&c| self.cues[c].toks.start == p && self.cue(c).concept == work) {
                let cue = self.cue(c);
                match cue.role {
                    // "drafting constitutions": an act whose object makes it
                    // another concept's work.
                    Role::Act if self.tactical_after(c, clause, work) => {}
                    Role::Act | Role::Asset | Role::Anchor => {
                        has_act = true;
                        // Defining the subject by an activity is a strong
                        // claim: "peacekeeping means mediation".
                        let bonus = if cue.role == Role::Anchor {
                            0.0
                        } else {
                            DEFINITION_BONUS
                        };
                        let weight = (cue.weight + bonus).min(1.0);
                        score = score.max(weight) + if score > 0.0 { 0.3 } else { 0.0 };
                        cues.push(self.cues[c].range.clone());
                    }
                    Role::Product => {
                        product = 0.5;
                        cues.push(self.cues[c].range.clone());
                    }
                    Role::Tactical => return None,
                    Role::Circumstance => {}
                }
            }
        }
        has_act.then_some((score + product, cues))
    }

    /// "The Peacebuilding Fund flew its own battalion", "the mediator ordered
    /// his blue helmets": the actor owns an asset (or an actor) of the work.
    fn possession(&self, t: usize, clause: &Range<usize>, work: &str) -> Option<(f32, Vec<Range<usize>>)> {
        let from = self.terms[t].toks.end;
        let to = (from + 8).min(clause.end);
        for k in from..to {
            if self.term_at[k].is_some_and(|o| o != t && self.is_actor_like(o) && self.term(o).concept != work) {
                return None; // another actor owns what follows
            }
            if !matches!(self.toks[k].lower.as_str(), "its" | "their" | "his" | "her") {
                continue;
            }
            for j in k + 1..(k + 4).min(clause.end) {
                if let Some(c) = self.cues_at(j, work, &[Role::Asset]).next() {
                    return Some((self.cue(c).weight, vec![self.cues[c].range.clone()]));
                }
                if let Some(o) = self.term_at[j] {
                    let other = self.term(o);
                    if other.concept == work && other.kind == "actor" {
                        return Some((1.0, vec![self.terms[o].range.clone()]));
                    }
                }
            }
        }
        None
    }

    fn is_actor_like(&self, t: usize) -> bool {
        super::is_actor_like(self.term(t))
    }

    /// "UNITAF, which landed in 1992, was a classic UN peacekeeping
    /// operation", "Operation Desert Storm, the largest peacekeeping
    /// operation": a case of the work concept is called the actor term. Also
    /// "peacekeeping began in Korea": the actor placed in such a case.
    fn identity(&self, t: usize, clause: &Range<usize>, work: &str) -> Option<(f32, Vec<Range<usize>>)> {
        let span = self.terms[t].toks.clone();
        if (clause.start..span.start).any(|k| self.toks[k].lower == "whether") {
            return None;
        }
        // Entities of the work concept in the clause: mission terms and anchors.
        let mut entities: Vec<(Range<usize>, f32, Range<usize>)> = (0..self.terms.len())
            .filter(|&o| {
                clause.contains(&self.terms[o].toks.start)
                    && self.term(o).concept == work
                    && self.term(o).kind == "mission"
            })
            .map(|o| (self.terms[o].toks.clone(), 1.0, self.terms[o].range.clone()))
            .collect();
        entities.extend(
            (0..self.cues.len())
                .filter(|&c| clause.contains(&self.cues[c].toks.start) && self.cue(c).concept == work)
                // A case ("Desert Storm") anywhere; an act ("the bombing of
                // Yugoslavia") only as the subject that is called the term.
                .filter(|&c| {
                    self.cue(c).role == Role::Anchor
                        || self.cue(c).role == Role::Act
                            && self.cue(c).weight >= 1.0
                            && self.cues[c].toks.end <= span.start
                })
                .map(|c| {
                    (
                        self.cues[c].toks.clone(),
                        self.cue(c).weight,
                        self.cues[c].range.clone(),
                    )
                }),
        );
        let mut best: Option<(f32, Vec<Range<usize>>)> = None;
        for (e, weight, range) in entities {
            let linked = if e.end <= span.start {
                self.names_as(e.end..span.start, false)
            } else if span.end <= e.start {
                self.placed_in(span.end..e.start) || self.names_as(span.end..e.start, true)
            } else {
                false
            };
            if linked && best.as_ref().is_none_or(|b| b.0 < weight) {
                best = Some((weight, vec![range]));
            }
        }
        best
    }

    /// The tokens between an entity and a later term call the entity that
    /// term: a copula or an apposition, with at most a few words beside,
    /// and an optional comma-enclosed relative clause.
    fn names_as(&self, between: Range<usize>, term_first: bool) -> bool {
        let mut toks: Vec<&Tok> = self.toks[between].iter().collect();
        // Drop ", which/who ... ," (a relative clause about the entity).
        if toks.first().is_some_and(|t| t.lower == ",")
            && toks.get(1).is_some_and(|t| matches!(t.lower.as_str(), "which" | "who"))
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
        if toks.iter().any(|t| {
            self.lex.distinction_markers.contains_word(&t.lower)
                || t.lower.ends_with("n't")
                || matches!(
                    t.lower.as_str(),
                    "which" | "who" | "that" | "and" | "but" | "while" | ":" | ";"
                )
        }) {
            return false;
        }
        let copula = toks
            .iter()
            .position(|t| matches!(t.lower.as_str(), "is" | "was" | "are" | "were" | "as"));
        // "Desert Storm, the largest peacekeeping operation" (entity first),
        // "the peacemaking mission in Haiti, MINUSTAH" (term first).
        let apposition = if term_first {
            toks.last().is_some_and(|t| t.lower == ",") && toks.len() <= 5
        } else {
            toks.first().is_some_and(|t| t.lower == ",")
        };
        let rest = match copula {
            // The copula sits next to the entity (or the term): "UNITAF ...
            // was a classic UN peacekeeping operation".
            Some(i) if i <= 4 => toks.len() - i - 1,
            // A longer entity phrase that a preposition opens: "air strikes
            // on Bosnian Serb positions in 1995 were ...".
            Some(i)
                if i <= 7
                    && toks
                        .first()
                        .is_some_and(|t| self.lex.prepositions.contains_word(&t.lower)) =>
            {
                toks.len() - i - 1
            }
            None if apposition => toks.len() - 1,
            _ => return false,
        };
        rest <= 8
    }

    /// "peacekeeping began in Korea", "the peace keepers in Korea": the term
    /// placed in a case by a preposition.
    fn placed_in(&self, between: Range<usize>) -> bool {
        let toks = &self.toks[between];
        toks.len() <= 4
            && toks.iter().any(|t| matches!(t.lower.as_str(), "in" | "during"))
            && toks
                .iter()
                .all(|t| t.word && !self.lex.distinction_markers.contains_word(&t.lower))
    }

    /// A circumstance cue ("before any ceasefire") credits the nearest actor
    /// of the sentence that is not negated.
    fn circumstance(&self, rule: &RuleSpec, work: &str, evidence: &mut Evidence) {
        for c in (0..self.cues.len()).filter(|&c| self.cue(c).concept == work && self.cue(c).role == Role::Circumstance)
        {
            if self.is_quoted(&self.cues[c].toks) {
                continue;
            }
            let at = self.cues[c].toks.start;
            let here = self.clause_of(at);
            // The actor is in the cue's clause, or in a clause next to one
            // that the cue opens ("... sent in while the war was raging").
            let opens = here.start == at;
            let near = |t: usize| {
                let there = self.clause_of(self.terms[t].toks.start);
                there == here || opens && (there.end == here.start || here.end == there.start)
            };
            let nearest = (0..self.terms.len())
                .filter(|&t| self.is_rule_actor(rule, t) && !self.is_quoted(&self.terms[t].toks) && near(t))
                .min_by_key(|&t| self.terms[t].toks.start.abs_diff(at))
                .map(|t| self.prefer_head(t))
                // "The force was sent in while the war raged": the subject
                // refers back to the previous sentence's actor.
                .or_else(|| {
                    let earlier = self.terms.len();
                    (self.antecedent.is_some() && self.is_rule_actor(rule, earlier) && self.opens_with_anaphor())
                        .then_some(earlier)
                });
            if let Some(t) = nearest {
                // "rather than deploy a peacekeeping force, since there was no
                // ceasefire": the clause is about what was not done.
                let opens_negated = t < self.terms.len() && {
                    let there = self.clause_of(self.terms[t].toks.start);
                    self.lex.is_negation(&self.toks, there.start)
                };
                if !opens_negated && !self.negated_between(t, c) {
                    evidence.add(t, self.cue(c).weight, vec![self.cues[c].range.clone()]);
                }
            }
        }
    }

    // ---------------------------------------------------------------- synonyms

    fn synonyms(&self, rule: &RuleSpec, severity: Severity, out: &mut Vec<Finding>) {
        let concept_terms: Vec<usize> = (0..self.terms.len())
            .filter(|&t| {
                let term = self.term(t);
                rule.actor_concepts.contains(&term.concept)
                    && rule.actor_kinds.contains(&term.kind)
                    && !self.is_quoted(&self.terms[t].toks)
            })
            .collect();
        for w in concept_terms.windows(2) {
            let (a, b) = (w[0], w[1]);
            if self.term(a).concept == self.term(b).concept {
                continue;
            }
            let between = self.terms[a].toks.end..self.terms[b].toks.start;
            // A gloss is short and never spans a clause break.
            if between.len() > 8 || self.clause_of(self.terms[a].toks.start) != self.clause_of(self.terms[b].toks.start)
            {
                continue;
            }
            let clause = self.clause_of(self.terms[b].toks.start);
            let before = self.terms[a].toks.start.saturating_sub(3)..self.terms[a].toks.start;
            let after_b = self.terms[b].toks.end..clause.end.max(self.terms[b].toks.end);
            if self.lex.distinction_markers.any_in(&self.toks, between.clone())
                || self.lex.distinction_markers.any_in(&self.toks, before.clone())
            {
                continue;
            }
            let sameness = self.lex.sameness_predicates.find_in(&self.toks, after_b.clone());
            let linked = self.gloss_link(&between, b)
                || (self.is_pair_join(&between)
                    && sameness.is_some_and(|m| {
                        // "use X and Y interchangeably, but the UN keeps them
                        // apart": a distinction in a contrasting clause after.
                        let contrast =
                            (m.end..self.toks.len()).find(|&k| self.lex.contrast_markers.at(&self.toks, k).is_some());
                        !self.lex.distinction_markers.any_in(&self.toks, after_b.start..m.start)
                            && !contrast
                                .is_some_and(|k| self.lex.distinction_markers.any_in(&self.toks, k..self.toks.len()))
                    }));
            if !linked {
                continue;
            }
            let (ta, tb) = (&self.terms[a], &self.terms[b]);
            let text = |s: &Span<usize>| self.surface(s);
            out.push(Finding {
                code: rule.code.clone(),
                severity,
                range: ta.range.clone(),
                message: rule.message.replace("{term}", &text(ta)).replace("{other}", &text(tb)),
                related: vec![Related {
                    range: tb.range.clone(),
                    message: format!("presented as the same as {}", self.term(b).label),
                }],
                term: Some(ta.item),
                fixes: self.gloss_fixes(ta, tb),
            });
        }
    }

    /// "Replace "peacekeepers" with "peacemakers"", one per replacement word.
    fn replacement_fixes(&self, rule: &RuleSpec, span: &Span<usize>) -> Vec<Fix> {
        let original = &self.text[span.range.clone()];
        let words = rule.replacements.get(&self.db.terms[span.item].id);
        words
            .into_iter()
            .flatten()
            .map(|w| {
                let new = super::inflect(original, w);
                Fix {
                    title: format!("Replace \"{original}\" with \"{new}\""),
                    edits: vec![Edit {
                        range: span.range.clone(),
                        text: new,
                    }],
                }
            })
            .collect()
    }

    /// For "X, also known as Y," and "X (i.e. Y)": drop the false gloss, or
    /// turn it into a contrast. For "X/Y": write two activities.
    fn gloss_fixes(&self, a: &Span<usize>, b: &Span<usize>) -> Vec<Fix> {
        let between = &self.text[a.range.end..b.range.start];
        let after = self.text[b.range.end..].chars().next();
        let (x, y) = (&self.text[a.range.clone()], &self.text[b.range.clone()]);
        let opener = between.trim_start().chars().next();
        let mut fixes = Vec::new();
        match (opener, after) {
            (Some(','), Some(',')) | (Some('('), Some(')')) => {
                let close = b.range.end + 1;
                fixes.push(Fix {
                    title: format!("Remove the gloss \"{}\"", self.text[a.range.end..close].trim()),
                    edits: vec![Edit {
                        range: a.range.end..close,
                        text: String::new(),
                    }],
                });
                let contrast = if opener == Some(',') {
                    ", as distinct from "
                } else {
                    " (as distinct from "
                };
                fixes.push(Fix {
                    title: format!("Rewrite as a contrast: \"{x}{contrast}{y}\""),
                    edits: vec![Edit {
                        range: a.range.end..b.range.start,
                        text: contrast.to_string(),
                    }],
                });
            }
            (Some('/'), _) => fixes.push(Fix {
                title: format!("Name two activities: \"{x} and {y}\""),
                edits: vec![Edit {
                    range: a.range.end..b.range.start,
                    text: " and ".to_string(),
                }],
            }),
            _ => {}
        }
        fixes
    }

    fn is_pair_join(&self, between: &Range<usize>) -> bool {
        let words: Vec<&str> = self.toks[between.clone()].iter().map(|t| t.lower.as_str()).collect();
        matches!(words.as_slice(), ["and"] | ["&"])
    }

    /// The words between two terms gloss one as the other.
    fn gloss_link(&self, between: &Range<usize>, b: usize) -> bool {
        let words: Vec<&str> = self.toks[between.clone()]
            .iter()
            .map(|t| t.lower.as_str())
            .filter(|w| *w != "0")
            .collect();
        let after = self.toks.get(self.terms[b].toks.end).map(|t| t.lower.as_str());
        let closes = matches!(after, Some(")" | "," | "-" | ";")) || after.is_none() || after == Some(".");
        match words.as_slice() {
            ["/"] => return true,
            ["("] | ["(", "="] => return after == Some(")"),
            [",", "or"] | ["(", "or"] | ["-", "or"] => {
                return closes && after != Some(".") && after.is_some()
                    || self.toks.get(self.terms[b].toks.end).is_some_and(|t| t.lower == "as")
            }
            _ => {}
        }
        self.lex.synonym_links.any_in(&self.toks, between.clone())
    }
}

/// Split a sentence into clauses at contrast markers and semicolons. A marker
/// that opens the sentence or follows a comma ("Whereas X ..., Y ...",
/// "Unlike X, Y ...") opens a clause that ends at the next comma.
fn clauses(toks: &[Tok], lex: &Lexicon) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut ends_at_comma = false;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.lower == ";" {
            if i > start {
                out.push(start..i);
            }
            start = i + 1;
            ends_at_comma = false;
        } else if let Some(n) = lex.contrast_markers.at(toks, i).filter(|_| {
            // "turned to X instead and ...": an adverb, not a new clause.
            !(t.lower == "instead" && i > start && toks[i - 1].word && toks.get(i + 1).is_none_or(|n| n.lower != "of"))
        }) {
            if i > start {
                out.push(start..i);
            }
            let opening = i == 0 || !toks[i - 1].word || i == start;
            let subordinating = !matches!(
                t.lower.as_str(),
                "but" | "however" | "yet" | "instead" | "in" | "by" | "on"
            );
            ends_at_comma = opening && subordinating;
            start = i;
            i += n;
            continue;
        } else if t.lower == "," && ends_at_comma {
            out.push(start..i + 1);
            start = i + 1;
            ends_at_comma = false;
        }
        i += 1;
    }
    if start < toks.len() {
        out.push(start..toks.len());
    }
    out
}

/// Tokens inside quotation marks in the sentence, or inside a quoted block.
fn quoted_tokens(toks: &[Tok], prose: &Prose, s: &Range<usize>) -> Vec<bool> {
    let mut q = vec![false; toks.len()];
    let in_block = prose.quoted.iter().any(|r| r.start <= s.start && s.end <= r.end);
    if in_block {
        return vec![true; toks.len()];
    }
    // Open quote: (token index, the closing mark it expects).
    let mut open: Option<(usize, &str)> = None;
    for (i, t) in toks.iter().enumerate() {
        let raw = &prose.text[t.range.clone()];
        let close = |q: &mut Vec<bool>, o: usize| q[o..=i].iter_mut().for_each(|x| *x = true);
        match (raw, open) {
            ("\"", Some((o, "\"")))
            | ("\u{201D}", Some((o, "\u{201D}")))
            | ("\u{00BB}", Some((o, "\u{00BB}")))
            | ("\u{2019}", Some((o, "\u{2019}"))) => {
                close(&mut q, o);
                open = None;
            }
            ("\"", None) => open = Some((i, "\"")),
            // An ASCII single quote opens after a space and closes before one;
            // apostrophes inside words never reach here (they are in the word).
            ("'", Some((o, "'"))) => {
                close(&mut q, o);
                open = None;
            }
            ("'", None)
                if i + 1 < toks.len()
                    && toks[i + 1].word
                    && (i == 0 || toks[i].range.start > toks[i - 1].range.end) =>
            {
                open = Some((i, "'"))
            }
            ("\u{201C}", _) => open = Some((i, "\u{201D}")),
            ("\u{00AB}", _) => open = Some((i, "\u{00BB}")),
            ("\u{2018}", None) => open = Some((i, "\u{2019}")),
            _ => {}
        }
    }
    q
}
