//! One sentence, analysed: tagged tokens and their grammar, the terms and
//! cue words in it, its actor phrases (terms that act, including those
//! referred back to through pronouns and descriptions), its clauses, and
//! whether it asserts anything at all (questions, suppositions and
//! discussions of a mistake do not).

use super::discourse::{Context, Discourse, Entity};
use super::grammar::relations::{Agents, Relations};
use super::grammar::{tagger, Grammar};
use super::TermHit;
use crate::lexicon::{tokenize, Lexicon, PartOfSpeech, Tag, Tok};
use crate::scan::Match;
use crate::terms::{Cue, Database, Role, Term};
use crate::text::Prose;
use std::ops::Range;

/// A term or cue occurrence mapped onto token indices.
#[derive(Debug, Clone)]
pub struct Span {
    pub toks: Range<usize>,
    pub range: Range<usize>,
    /// Term index (terms) or cue index (cues) in the database.
    pub item: usize,
}

/// An actor phrase: one or more terms that name one actor ("UNIFIL peace
/// keepers", "the peace-keeping operation, ONUMOZ"), or an actor named
/// before the sentence that a pronoun or description here refers to.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The term that names the actor (the head of the phrase).
    pub term: usize,
    /// Source bytes of the whole phrase: where a finding goes.
    pub range: Range<usize>,
    /// Index into `Sentence::terms` of each term in the phrase (empty for an
    /// actor from outside the sentence).
    pub spans: Vec<usize>,
    /// Tokens of the phrase in this sentence (empty when outside).
    pub toks: Range<usize>,
    /// The phrase is in the sentence; otherwise it was referred to.
    pub here: bool,
    /// The term only modifies another noun ("peacemaking airstrikes"): an
    /// actor for compounds, not a subject.
    pub modifier: bool,
    /// Referred to from a sentence where it had its everyday or another sense.
    pub other_sense: bool,
    /// For an actor named outside the sentence, its words there.
    pub surface: Option<String>,
}

pub struct Sentence<'a> {
    pub text: &'a str,
    pub db: &'a Database,
    pub lex: &'a Lexicon,
    pub toks: Vec<Tok>,
    pub g: Grammar,
    pub quoted: Vec<bool>,
    pub terms: Vec<Span>,
    pub cues: Vec<Span>,
    /// For each token, the index into `terms` covering it.
    pub term_at: Vec<Option<usize>>,
    pub actors: Vec<Actor>,
    /// For each noun phrase, the actor it names or refers to.
    np_actor: Vec<Option<usize>>,
    pub clauses: Vec<Range<usize>>,
    /// The writer discusses a mistake, asks, or supposes: nothing asserted.
    pub not_asserted: bool,
    /// Ends in a question mark (a wh-question too, which may assert).
    pub asks: bool,
    /// The everyday sense of "peacemaker" ("Mum is the peacemaker").
    pub everyday: bool,
    /// What the document structure around the sentence supplies.
    pub context: Context,
    /// The actor that the context makes the sentence's topic.
    pub topic: Option<usize>,
    /// How many tokens the tagger had to guess.
    pub guessed: usize,
}

fn text_starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Map byte ranges to token index ranges (tokens are sorted).
fn tok_span(toks: &[Tok], r: &Range<usize>) -> Option<Range<usize>> {
    let s = toks.partition_point(|t| t.range.end <= r.start);
    let e = toks.partition_point(|t| t.range.start < r.end);
    (s < e).then_some(s..e)
}

pub(crate) fn is_actor_like(t: &Term) -> bool {
    matches!(t.kind.as_str(), "actor" | "mission" | "institution" | "concept")
}

/// How far a parenthetical aside reaches, in tokens.
const ASIDE_REACH: usize = 24;

impl<'a> Sentence<'a> {
    pub fn new(
        prose: &'a Prose,
        s: Range<usize>,
        terms: &[TermHit],
        cues: &[Match],
        discourse: &Discourse,
        db: &'a Database,
    ) -> Sentence<'a> {
        let lex = db.lexicon();
        let mut toks = tokenize(&prose.text, s.clone());
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
        // Terms are nouns and names: tell the tagger before its rules run.
        let mut known: Vec<Option<Tag>> = term_at
            .iter()
            .map(|t| {
                t.map(|i| {
                    let term = &db.terms[term_spans[i].item];
                    match term.kind.as_str() {
                        "concept" | "actor" => Tag::Noun,
                        _ => Tag::Propn,
                    }
                })
            })
            .collect();
        // So are the nouns of the cue lists that are never verbs there
        // ("buffer strip", "coercion"; not "force").
        for m in cues {
            let candidates = db.cue_candidates(m.pattern);
            let compound = candidates.iter().all(|&i| db.cues[i].pos == PartOfSpeech::Noun)
                && candidates
                    .iter()
                    .any(|&i| db.cues[i].phrase.contains(' ') || !db.verb_surface(&db.cues[i].phrase));
            if let Some(ts) = tok_span(&toks, &m.range).filter(|_| compound) {
                for k in ts {
                    known[k].get_or_insert(Tag::Noun);
                }
            }
        }
        // "In my view peacekeeping operations ...": a set phrase, not the
        // start of a noun phrase.
        let mut k = 0;
        while k < toks.len() {
            match lex.sentence_adverbials.at(&toks, k) {
                Some(n) => {
                    for slot in &mut known[k..k + n] {
                        *slot = Some(Tag::Adv);
                    }
                    k += n;
                }
                None => k += 1,
            }
        }
        // "UNIFIL acts as a mediator", "countries act as peacemakers": a
        // copula of a role ("act as", "serve as") after a name, a term or a
        // plural noun is the verb, not the head of a compound ("UNIFIL acts").
        for k in 1..toks.len() {
            let role_copula = lex
                .copulas
                .at(&toks, k)
                .is_some_and(|n| n >= 2 && toks[k + n - 1].lower == "as");
            let prev = &toks[k - 1];
            let subject_like = term_at[k - 1].is_some()
                || prev.word && (prev.lower.ends_with('s') || text_starts_upper(&prose.text[prev.range.clone()]));
            if role_copula && subject_like && known[k].is_none() {
                known[k] = Some(Tag::Verb);
            }
        }
        let guessed = tagger::tag(&mut toks, &prose.text, &known);
        // A name after another name starts a phrase of its own ("in Rwanda
        // UNAMIR was sent"); "UN peacekeepers" stays one.
        let starts: Vec<usize> = term_spans
            .iter()
            .filter(|t| !matches!(db.terms[t.item].kind.as_str(), "concept" | "actor"))
            .map(|t| t.toks.start)
            .filter(|&k| k > 0 && toks[k - 1].tag == Tag::Propn && term_at[k - 1].is_none())
            .collect();
        let g = Grammar::with_starts(&toks, lex, &starts);
        let mut cue_spans = select_cues(&prose.text, &toks, cues, db);
        passive_phrases(&toks, &g, &mut cue_spans, db);
        let mut quoted = quoted_tokens(&toks, prose, &s);
        let clauses = clauses(&toks, lex);
        // Reported from a generic source: mentioned like a quotation.
        for r in super::reported::generic_reports(&toks, &g, lex, &clauses) {
            quoted[r].iter_mut().for_each(|q| *q = true);
        }
        // A yes/no question asks; a wh-question asserts what it presupposes
        // ("Why did the peacekeepers take so long to negotiate?") unless it
        // asks about a belief ("Why do students think ...?").
        // (A parenthesis may follow: "Are X and Y the same? (homework help)".)
        let before_aside = match toks.last() {
            Some(t) if t.lower == ")" => toks.iter().rposition(|t| t.lower == "(").unwrap_or(toks.len()),
            _ => toks.len(),
        };
        let ends_in_question = before_aside > 0 && toks[before_aside - 1].lower == "?";
        // A label before a colon ("Thread: Are ...", "Question 2: Is ...")
        // is not part of the question.
        let label_end = toks
            .iter()
            .take(4)
            .position(|t| t.lower == ":")
            .filter(|&c| c > 0 && toks[..c].iter().all(|t| t.word && !t.tag.is_verbal()))
            .map_or(0, |c| c + 1);
        // The first word after list markers ("a)", "1.", "Q3:").
        let first_word = toks
            .iter()
            .enumerate()
            .skip(label_end)
            .find(|(k, t)| {
                t.word
                    && !(t.lower.len() <= 2
                        && toks
                            .get(k + 1)
                            .is_some_and(|n| matches!(n.lower.as_str(), ")" | "." | ":")))
                    && !t.lower.chars().all(|c| c.is_ascii_digit())
            })
            .map(|(_, t)| t);
        // "Wasn't the Korean War the first UN peacekeeping op?": a question
        // that opens with a negated auxiliary asserts what it asks.
        let rhetorical = toks
            .iter()
            .position(|t| t.word)
            .is_some_and(|k| toks[k].tag == Tag::Aux && lex.is_negation(&toks, k));
        let question = ends_in_question
            && !rhetorical
            && (first_word.is_some_and(|t| t.tag == Tag::Aux || t.tag == Tag::Verb)
                || lex.reporting_verbs.any_in(&toks, 0..toks.len()));
        let first = toks.iter().find(|t| t.word).map(|t| t.lower.as_str());
        let counterfactual = toks
            .iter()
            .any(|t| matches!(t.lower.as_str(), "would" | "might" | "were"));
        let hypothetical = matches!(first, Some("suppose" | "supposing" | "imagine" | "hypothetically"))
            || matches!(first, Some("if" | "unless")) && counterfactual;
        let discussed = lex.discussion_markers.any_in(&toks, 0..toks.len());
        // "Mum is the peacemaker in our house" is everyday; "my father served
        // as a peacemaker in Lebanon, at checkpoints" is not: service at a
        // field post of peacekeeping or enforcement keeps the UN sense (a
        // post alone may be a figure: "like a one-woman buffer zone").
        let field_post = || {
            lex.service_verbs.any_in(&toks, 0..toks.len())
                && cue_spans.iter().any(|c| {
                    let cue = &db.cues[c.item];
                    // Not a simile: "like a (one-woman) buffer zone".
                    let mut k = c.toks.start;
                    while k > 0 && (!toks[k - 1].word || matches!(toks[k - 1].tag, Tag::Det | Tag::Adj | Tag::Num)) {
                        k -= 1;
                    }
                    let figure = k > 0 && matches!(toks[k - 1].lower.as_str(), "like" | "as");
                    cue.role == Role::Asset
                        && cue.weight >= 1.0
                        && !figure
                        && matches!(cue.concept.as_str(), "peacekeeping" | "peace-enforcement")
                })
        };
        let everyday = lex.everyday_contexts.any_in(&toks, 0..toks.len()) && !field_post();
        let context = discourse.context(s.start);
        let mut sentence = Sentence {
            text: &prose.text,
            db,
            lex,
            np_actor: vec![None; g.nps.len()],
            toks,
            g,
            quoted,
            terms: term_spans,
            cues: cue_spans,
            term_at,
            actors: Vec::new(),
            clauses,
            not_asserted: discussed || question || hypothetical || discourse.under_discussion,
            asks: ends_in_question,
            everyday,
            context,
            topic: None,
            guessed,
        };
        sentence.find_actors(discourse);
        if let Context::Topic(e) = &sentence.context {
            let e = e.clone();
            sentence.topic = Some(sentence.push_referred(&e));
        }
        sentence
    }

    /// A readable account of the sentence's analysis, for development.
    pub fn dump(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let mut line = Vec::new();
        let mut k = 0;
        while k < self.toks.len() {
            if let Some(n) = self.g.np_of[k] {
                let r = self.g.nps[n].toks.clone();
                let words: Vec<&str> = self.toks[r.clone()].iter().map(|t| t.lower.as_str()).collect();
                let actor = self.actor_of_np(n).map_or(String::new(), |a| format!("@{a}"));
                line.push(format!("[{}]{actor}", words.join(" ")));
                k = r.end.max(k + 1);
            } else if let Some(v) = self.g.vg_of[k] {
                let vg = &self.g.vgs[v];
                let words: Vec<&str> = self.toks[vg.toks.clone()].iter().map(|t| t.lower.as_str()).collect();
                let mut marks = format!(":{:?}", vg.form);
                if vg.passive {
                    marks.push_str(":pass");
                }
                if vg.negated {
                    marks.push_str(":neg");
                }
                line.push(format!("<{}{marks}>", words.join(" ")));
                k = vg.toks.end.max(k + 1);
            } else {
                line.push(format!("{}/{}", self.toks[k].lower, self.toks[k].tag.as_str()));
                k += 1;
            }
        }
        let _ = writeln!(
            out,
            "# {}",
            self.words(self.toks.first().map_or(0, |t| t.range.start)..self.toks.last().map_or(0, |t| t.range.end))
        );
        let _ = writeln!(out, "  {}", line.join(" "));
        let _ = writeln!(
            out,
            "  tags: {}",
            self.toks
                .iter()
                .map(|t| format!("{}/{}", t.lower, t.tag.as_str()))
                .collect::<Vec<_>>()
                .join(" ")
        );
        for (i, a) in self.actors.iter().enumerate() {
            let _ = writeln!(
                out,
                "  actor @{i}: {} ({}){}",
                self.db.terms[a.term].id,
                self.words(a.range.clone()),
                if a.here { "" } else { " [referred]" }
            );
        }
        for c in 0..self.cues.len() {
            let cue = self.cue(c);
            let agents = self.agents_of_cue(c);
            let actors: Vec<String> = self.actors_of(&agents).iter().map(|a| format!("@{a}")).collect();
            let _ = writeln!(
                out,
                "  cue {:?} {} {:?} w{}: agents nps={:?} actors={:?}{}{}{}",
                self.words(self.cues[c].range.clone()),
                cue.concept,
                cue.role,
                cue.weight,
                agents.nps,
                actors,
                if agents.negated { " NEG" } else { "" },
                if agents.not_done { " NOT-DONE" } else { "" },
                if agents.generic { " GENERIC" } else { "" },
            );
        }
        for (i, rule) in self.db.rules.iter().enumerate() {
            let Some(work) = rule.work_concept.as_deref() else {
                continue;
            };
            let scope = super::evidence::Scope {
                s: self,
                rule,
                work,
                exceptions: self.db.rule_exceptions(i),
            };
            for kind in super::mechanism::attribution::KINDS
                .into_iter()
                .filter(|&k| rule.uses(k))
            {
                let mut ev = super::evidence::Evidence::default();
                super::evidence::collect(kind, &scope, &mut ev);
                for e in ev.entries {
                    let _ = writeln!(out, "  evidence {} {:?} @{} {:.2}", rule.code, kind, e.actor, e.score);
                }
            }
        }
        if self.not_asserted {
            let _ = writeln!(out, "  (not asserted)");
        }
        if self.context != Context::None {
            let _ = writeln!(out, "  context: {:?}", self.context);
        }
        if let Some((actor, plural)) = self.center() {
            let _ = writeln!(
                out,
                "  center: {:?} plural={plural}",
                actor.map(|a| self.words(self.actors[a].range.clone()))
            );
        }
        out
    }

    /// Whether the sentence reports someone else's claim ("my draft said that ...").
    pub fn reports_claim(&self) -> bool {
        self.lex.reporting_verbs.any_in(&self.toks, 0..self.toks.len())
    }

    pub fn term(&self, i: usize) -> &Term {
        &self.db.terms[self.terms[i].item]
    }

    pub fn cue(&self, i: usize) -> &Cue {
        &self.db.cues[self.cues[i].item]
    }

    pub fn actor_term(&self, a: usize) -> &Term {
        &self.db.terms[self.actors[a].term]
    }

    pub fn is_quoted(&self, toks: &Range<usize>) -> bool {
        toks.clone().any(|k| self.quoted.get(k).copied().unwrap_or(false))
    }

    pub fn clause_of(&self, tok: usize) -> Range<usize> {
        self.clauses
            .iter()
            .find(|c| c.contains(&tok))
            .cloned()
            .unwrap_or(tok..tok + 1)
    }

    pub fn relations(&self) -> Relations<'_> {
        Relations::new(&self.toks, &self.g, self.lex)
    }

    /// The text of a byte range as written, white space folded.
    pub fn words(&self, r: Range<usize>) -> String {
        self.source(r).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The text of a byte range as written; for an actor named in an
    /// earlier chunk, its words there.
    pub fn source(&self, r: Range<usize>) -> std::borrow::Cow<'_, str> {
        if super::discourse::is_external(&r) {
            let words = self
                .actors
                .iter()
                .find(|a| a.range == r)
                .and_then(|a| a.surface.clone());
            return words.unwrap_or_default().into();
        }
        self.text[r].into()
    }

    /// Build the actor phrases: each noun phrase with an actor-like term,
    /// appositions merged ("the peace-keeping operation, ONUMOZ"), and the
    /// phrases that refer back to an actor named before.
    /// Add an actor named outside this sentence (referred to, or the
    /// context's topic); returns its index.
    fn push_referred(&mut self, e: &Entity) -> usize {
        self.actors.push(Actor {
            term: e.term,
            range: e.range.clone(),
            spans: Vec::new(),
            toks: 0..0,
            here: false,
            modifier: false,
            other_sense: e.other_sense,
            surface: Some(e.surface.clone()),
        });
        self.actors.len() - 1
    }

    fn find_actors(&mut self, discourse: &Discourse) {
        for n in 0..self.g.nps.len() {
            let np = self.g.nps[n].clone();
            let spans: Vec<usize> = {
                let mut v: Vec<usize> = np.toks.clone().filter_map(|k| self.term_at[k]).collect();
                v.dedup();
                v
            };
            let actor_spans: Vec<usize> = spans.iter().copied().filter(|&i| is_actor_like(self.term(i))).collect();
            if let Some(&main) = actor_spans.last() {
                // The head must be the term or a noun that names its people
                // ("peacekeeping troops"), not another thing it modifies
                // ("the peacekeeping budget").
                let head_in_term = self.terms[main].toks.contains(&np.head);
                let head_actor_noun = self.lex.actor_nouns.contains_word(&self.toks[np.head].lower)
                    || self.lex.role_nouns.contains_word(&self.toks[np.head].lower);
                let possessive_head = np.possessor.is_some_and(|p| self.term_at[p].is_some());
                if !(head_in_term || head_actor_noun || possessive_head) {
                    let first = actor_spans[0];
                    self.actors.push(Actor {
                        term: self.terms[main].item,
                        range: self.terms[first].range.start..self.terms[main].range.end,
                        spans: actor_spans.clone(),
                        toks: self.terms[first].toks.start..self.terms[main].toks.end,
                        here: true,
                        modifier: true,
                        other_sense: false,
                        surface: None,
                    });
                    continue;
                }
                {
                    let first = actor_spans[0];
                    // A term after a possessive names the actor ("UNIFIL's
                    // commander" is UNIFIL's).
                    let term = self.terms[main].item;
                    let range = self.terms[first].range.start..self.terms[main].range.end;
                    let toks = self.terms[first].toks.start..self.terms[main].toks.end;
                    let idx = self.actors.len();
                    self.actors.push(Actor {
                        term,
                        range,
                        spans: actor_spans,
                        toks,
                        here: true,
                        modifier: false,
                        other_sense: false,
                        surface: None,
                    });
                    self.np_actor[n] = Some(idx);
                    continue;
                }
            }
            // "the head of UNIFIL", "the job of the peace-keepers"
            let head_word = &self.toks[np.head].lower;
            if spans.is_empty()
                && (self.lex.actor_nouns.contains_word(head_word) || self.lex.role_nouns.contains_word(head_word))
            {
                let of = np.toks.end;
                if self.toks.get(of).is_some_and(|t| t.lower == "of") {
                    if let Some(m) = self.g.np_of.get(of + 1).copied().flatten() {
                        let inner: Vec<usize> = self.g.nps[m]
                            .toks
                            .clone()
                            .filter_map(|k| self.term_at[k])
                            .filter(|&i| is_actor_like(self.term(i)))
                            .collect();
                        if let Some(&main) = inner.last() {
                            let idx = self.actors.len();
                            self.actors.push(Actor {
                                term: self.terms[main].item,
                                range: self.terms[main].range.clone(),
                                spans: vec![main],
                                toks: self.terms[main].toks.clone(),
                                here: true,
                                modifier: false,
                                other_sense: false,
                                surface: None,
                            });
                            self.np_actor[n] = Some(idx);
                            continue;
                        }
                    }
                }
            }
            // "its job", "their orders": the actor the possessive stands for.
            if spans.is_empty() {
                if let Some(p) = np.possessor.filter(|&p| self.toks[p].tag == Tag::Pron) {
                    let head = &self.toks[np.head].lower;
                    if self.lex.role_nouns.contains_word(head) || self.lex.actor_nouns.contains_word(head) {
                        let plural = self.lex.plural_pronouns.contains_word(&self.toks[p].lower);
                        let here = (0..n).rev().filter(|&m| !self.in_closed_aside(m, p)).find_map(|m| {
                            let a = self.np_actor[m]?;
                            let act = &self.actors[a];
                            (act.here
                                && !act.modifier
                                && super::discourse::agrees(
                                    self.db,
                                    act.term,
                                    &self.words(act.range.clone()),
                                    plural,
                                    true,
                                ))
                            .then_some(a)
                        });
                        let found = here.or_else(|| discourse.resolve_pronoun(plural).map(|e| self.push_referred(&e)));
                        if let Some(a) = found {
                            self.np_actor[n] = Some(a);
                            continue;
                        }
                    }
                }
            }
            // "the Commission's own patrols", "the mission's troops": a
            // description in the possessive stands for the actor it refers
            // back to, who owns the head.
            if spans.is_empty() {
                if let Some(p) = np.possessor.filter(|&p| p > 0 && self.toks[p].lower.ends_with("'s")) {
                    let stem = self.toks[p].lower.trim_end_matches("'s").to_string();
                    let described = matches!(self.toks[p - 1].lower.as_str(), "the" | "this")
                        && self.lex.actor_nouns.contains_word(&stem);
                    if let Some(e) = described
                        .then(|| discourse.resolve_description(&stem, self.db))
                        .flatten()
                    {
                        self.np_actor[n] = Some(self.push_referred(&e));
                        continue;
                    }
                }
            }
            // "UNMIS, the mission that negotiated ...", "the Commission, the
            // UN body that sends ...": a description set off by a comma right
            // after an actor names that actor.
            if spans.is_empty() {
                if let Some(a) = self.apposition_of(n) {
                    self.np_actor[n] = Some(a);
                    continue;
                }
            }
            // A pronoun or description that refers back.
            if spans.is_empty() {
                if let Some(e) = self.refers_back(n, discourse) {
                    self.np_actor[n] = Some(self.push_referred(&e));
                }
            }
        }
        self.merge_appositions();
    }

    /// The actor that noun phrase `n` stands beside as an apposition: a
    /// determiner and an actor noun after the actor and a comma, closed by a
    /// comma, a bracket, a dash or a relative clause (not a list's next
    /// item).
    fn apposition_of(&self, n: usize) -> Option<usize> {
        let np = &self.g.nps[n];
        let start = np.toks.start;
        if start < 2 || self.toks[start - 1].lower != "," {
            return None;
        }
        let mut m = self.g.np_ending_at(start - 1)?;
        // "the creation of DPKO in 1992, a department that ...": past a
        // phrase of time.
        let ms = self.g.nps[m].toks.start;
        let head = &self.toks[self.g.nps[m].head];
        if ms > 1
            && self.toks[ms - 1].tag == Tag::Adp
            && (head.tag == Tag::Num || self.lex.time_nouns.contains_word(&head.lower))
        {
            m = self.g.np_ending_at(ms - 1)?;
        }
        let a = self.np_actor[m]?;
        if !self.actors[a].here || self.actors[a].modifier {
            return None;
        }
        let head = &self.toks[np.head].lower;
        let described = matches!(self.toks[start].lower.as_str(), "the" | "a" | "an")
            && (self.lex.actor_nouns.contains_word(head) || self.lex.role_nouns.contains_word(head));
        let closed = self.toks.get(np.toks.end).is_some_and(|t| {
            matches!(t.lower.as_str(), "," | ")" | "-" | "–" | "—")
                || self.lex.relative_pronouns.contains_word(&t.lower)
        });
        // "UNMIS, the mission, and the envoys": a list, not an apposition.
        let listed = (np.toks.end..self.toks.len().min(np.toks.end + 2))
            .any(|k| matches!(self.toks[k].lower.as_str(), "and" | "or"));
        let m_start = self.g.nps[m].toks.start;
        let before_list = m_start > 0 && self.toks[m_start - 1].lower == ",";
        (described && closed && !listed && !before_list).then_some(a)
    }

    /// "the peace-keeping operation, ONUMOZ," and "ONUMOZ, the UN operation",
    /// "peacekeepers from UNTSO": two phrases for one actor become one.
    fn merge_appositions(&mut self) {
        for n in 0..self.g.nps.len().saturating_sub(1) {
            let (Some(a), Some(b)) = (self.np_actor[n], self.np_actor[n + 1]) else {
                continue;
            };
            if a == b
                || !self.actors[a].here
                || !self.actors[b].here
                || self.actors[a].modifier
                || self.actors[b].modifier
            {
                continue;
            }
            // One actor under two names has one concept: "Unlike
            // peacekeepers, mediators ..." is two.
            let (ta, tb) = (&self.db.terms[self.actors[a].term], &self.db.terms[self.actors[b].term]);
            if ta.concept != tb.concept
                || self.clause_of(self.g.nps[n].toks.start) != self.clause_of(self.g.nps[n + 1].toks.start)
            {
                continue;
            }
            let (na, nb) = (&self.g.nps[n], &self.g.nps[n + 1]);
            let comma = na.toks.end + 1 == nb.toks.start && self.toks[na.toks.end].lower == ",";
            // "PBC (Peacebuilding Commission, 2005)": a name and its
            // expansion in brackets.
            let expansion = na.toks.end + 1 == nb.toks.start
                && self.toks[na.toks.end].lower == "("
                && self.actors[a].term == self.actors[b].term;
            let closes = self.toks.get(nb.toks.end).is_none_or(|t| {
                matches!(t.lower.as_str(), "," | "." | ")" | ";") || self.g.vg_of[nb.toks.end].is_some()
            });
            // "peacekeepers from UNTSO", "the blue helmets of UNIFIL",
            // "peacemakers from the Department of Political Affairs": the
            // mission's or the body's own people, one actor.
            let member = na.toks.end + 1 == nb.toks.start
                && matches!(self.toks[na.toks.end].lower.as_str(), "from" | "of")
                && ta.kind == "actor"
                && matches!(tb.kind.as_str(), "mission" | "institution");
            if !(member || expansion || comma && closes) {
                continue;
            }
            // Keep the first; the second points at it.
            let (first, second) = (a, b);
            let end = self.actors[second].range.end;
            let tend = self.actors[second].toks.end;
            let spans = self.actors[second].spans.clone();
            let act = &mut self.actors[first];
            act.range.end = end;
            act.toks.end = tend;
            act.spans.extend(spans);
            self.np_actor[n + 1] = Some(first);
        }
    }

    /// The earlier actor that noun phrase `n` refers to: a pronoun ("they",
    /// "it"), or a determiner and an actor noun ("the force", "these
    /// troops"). First in this sentence, then in the discourse.
    fn refers_back(&self, n: usize, discourse: &Discourse) -> Option<Entity> {
        let np = &self.g.nps[n];
        let head = &self.toks[np.head];
        let pronoun = np.toks.len() == 1 && head.tag == Tag::Pron;
        let plural_pronoun = self.lex.plural_pronouns.contains_word(&head.lower);
        let singular_pronoun = self.lex.singular_pronouns.contains_word(&head.lower);
        // "the force", "these troops": a determiner and the noun alone; "the
        // Russian army" names someone new.
        // A description restricted by what follows names its own referent:
        // "the mission deployed in 1991 ... is MINURSO", "the mission that ...".
        let restricted = self.toks.get(np.toks.end).is_some_and(|t| {
            self.lex.relative_pronouns.contains_word(&t.lower)
                || matches!(t.lower.as_str(), "of" | "in" | "from" | "on")
                || self.g.vg_of[np.toks.end].is_some_and(|v| self.g.vgs[v].form != super::grammar::VerbForm::Finite)
        });
        let description = !pronoun
            && np.toks.len() == 2
            && !restricted
            && self.lex.actor_nouns.contains_word(&head.lower)
            && self
                .lex
                .anaphor_determiners
                .contains_word(&self.toks[np.toks.start].lower);
        if !(pronoun && (plural_pronoun || singular_pronoun)) && !description {
            return None;
        }
        // "the missions and their troops": a possessive description is its
        // owner's, found as any possessive is.
        let det = self.toks[np.toks.start].lower.as_str();
        if description && matches!(det, "their" | "its" | "his" | "her") && np.toks.start > 1 {
            let joined = matches!(self.lower_at(np.toks.start - 1), "and" | "with");
            if joined && self.g.np_ending_at(np.toks.start - 1).is_some() {
                return self.possessor_actor(np.toks.start).map(|a| self.entity(a));
            }
        }
        let plural = if pronoun {
            plural_pronoun
        } else {
            head.lower.ends_with('s')
        };
        // "he", "she" stand for a person, never a mission, a body or a
        // concept ("proposing UNEF ..., he was a diplomat").
        let personal = pronoun
            && matches!(
                head.lower.as_str(),
                "he" | "she" | "him" | "her" | "himself" | "herself"
            );
        let person = |term: usize| !personal || self.db.terms[term].kind == "actor";
        // An actor earlier in this sentence, in a different phrase.
        // The nearest people named before it are meant, even when they are
        // nobody the analysis knows ("the withdrawal of Israeli forces after
        // they invaded"); "Unlike peacemakers, they ..." sets them apart.
        let people = |m: usize| {
            let h = &self.toks[self.g.nps[m].head];
            (self.lex.actor_nouns.contains_word(&h.lower) || self.lex.role_nouns.contains_word(&h.lower))
                && h.lower.ends_with('s') == plural
        };
        // An object pronoun never stands for its own verb's subject ("both
        // sides trust them": not the sides).
        // "said it would negotiate": a pronoun before a finite verb is that
        // verb's subject, not the object of the verb before it.
        let own_subject = if self.g.before_finite_verb(n) {
            Vec::new()
        } else {
            let r = self.relations();
            r.object_of(n).and_then(|v| r.subject(v)).unwrap_or_default()
        };
        // "the peace keepers of UNFICYP they ...": the phrase's head is meant,
        // not the mission it belongs to.
        let owned = |m: usize| {
            let start = self.g.nps[m].toks.start;
            start > 1
                && self.toks[start - 1].lower == "of"
                && self
                    .g
                    .np_ending_at(start - 1)
                    .is_some_and(|o| self.np_actor[o].is_some())
        };
        // "It wasn't a peacekeeping operation, it was enforcement": what a
        // copula says the subject is (or is not) is no antecedent; the
        // subject is.
        // (Only when the subject could itself be meant: in "Korea was the
        // first blue helmet op, they pushed ...", "they" is not Korea.)
        let complement = |m: usize| {
            let r = self.relations();
            let Some(v) = r.object_of(m).filter(|&v| self.g.vgs[v].copula) else {
                return false;
            };
            r.subject(v).unwrap_or_default().iter().any(|&sn| {
                let h = &self.toks[self.g.nps[sn].head];
                let subject_plural = if h.tag == Tag::Pron {
                    self.lex.plural_pronouns.contains_word(&h.lower)
                } else {
                    h.lower.ends_with('s') && h.tag != Tag::Propn
                };
                subject_plural == plural
            })
        };
        let set_apart = |m: usize| {
            let start = self.g.nps[m].toks.start;
            start > 0 && matches!(self.toks[start - 1].lower.as_str(), "unlike" | "than")
                || self.in_closed_aside(m, np.toks.start)
                || own_subject.contains(&m)
                || owned(m)
                || pronoun && complement(m)
        };
        let blocker = (0..n)
            .rev()
            .find(|&m| !set_apart(m) && (self.np_actor[m].is_some() || pronoun && people(m)));
        if blocker.is_some_and(|m| self.np_actor[m].is_none()) {
            return None;
        }
        let here = (0..n).rev().filter(|&m| !set_apart(m)).find_map(|m| {
            let a = self.np_actor[m]?;
            let actor = &self.actors[a];
            // Learners write "the peacekeeper ... they": in the same sentence,
            // a plural pronoun may stand for a singular person.
            // "it" is never "peacekeeping operations": the phrase's number is
            // its head's.
            let h = &self.toks[self.g.nps[m].head];
            let plural_head = h.tag == Tag::Noun && h.lower.ends_with('s') && !h.lower.ends_with("ss");
            let agrees = !(pronoun && !plural && plural_head)
                && (super::discourse::agrees(self.db, actor.term, &self.words(actor.range.clone()), plural, pronoun)
                    || plural && pronoun && self.db.terms[actor.term].kind == "actor");
            // "the missions" are missions, never the mediators named before.
            let fits = pronoun
                || !matches!(head.lower.as_str(), "mission" | "missions" | "operation" | "operations")
                || self.db.terms[actor.term].kind == "mission";
            (actor.here && !actor.modifier && agrees && fits && person(actor.term)).then(|| self.entity(a))
        });
        if here.is_some() {
            return here;
        }
        // A pronoun refers to the last sentence's subject only if nobody
        // named before it in this sentence could be meant: "Once it was
        // signed they ..." (no plural before "they"), not "The parties said
        // they ...".
        // ("The Council sent it into Rwanda": an object pronoun is not its
        // own verb's subject, who is then no rival.)
        let opens = (0..n).filter(|m| !own_subject.contains(m)).all(|m| {
            let other = &self.g.nps[m];
            let h = &self.toks[other.head];
            let could_be = if h.tag == Tag::Pron {
                false
            } else {
                let other_plural = h.lower.ends_with('s') && h.tag != Tag::Propn;
                other_plural == plural || !pronoun
            };
            !could_be || self.in_pp_or_intro(m)
        });
        if pronoun {
            opens
                .then(|| discourse.resolve_pronoun(plural))
                .flatten()
                .filter(|e| person(e.term))
        } else {
            // "Unlike the peacekeepers in Cyprus, the forces in Korea
            // fought": a description of the kind just set apart is someone
            // else.
            let apart = |e: &Entity| {
                (0..n).any(|m| {
                    let start = self.g.nps[m].toks.start;
                    start > 0
                        && matches!(self.toks[start - 1].lower.as_str(), "unlike" | "than")
                        && self.np_actor[m].is_some_and(|a| {
                            self.db.terms[self.actors[a].term].concept == self.db.terms[e.term].concept
                        })
                })
            };
            if self.lex.coalition_nouns.contains_word(&head.lower) {
                return None;
            }
            discourse
                .resolve_description(&head.lower, self.db)
                .filter(|e| !apart(e))
        }
    }

    /// Whether noun phrase `m` is in a parenthesis closed before token `k`
    /// ("DPPA (since 2019; old DPA + Peacebuilding Support Office) runs
    /// ... and its observers"): an aside, no antecedent for a pronoun there.
    /// (An aside is short: both brackets are looked for within
    /// [`ASIDE_REACH`] tokens, so that a pronoun's search stays linear in a
    /// long sentence.)
    fn in_closed_aside(&self, m: usize, k: usize) -> bool {
        let np = &self.g.nps[m].toks;
        let opened = (np.start.saturating_sub(ASIDE_REACH)..np.start)
            .rev()
            .take_while(|&j| self.lower_at(j) != ")")
            .any(|j| self.lower_at(j) == "(");
        opened && (np.end..k.min(np.end + ASIDE_REACH)).any(|j| self.lower_at(j) == ")")
    }

    fn in_pp_or_intro(&self, m: usize) -> bool {
        let np = &self.g.nps[m];
        let s = np.toks.start;
        s > 0 && self.toks[s - 1].tag == Tag::Adp
            || self.toks[np.head].tag == Tag::Num
            || self.lex.time_nouns.contains_word(&self.toks[np.head].lower)
    }

    /// The actor a possessive pronoun at token `p` stands for ("their" in
    /// "the peacemakers in their blue helmets"): the nearest agreeing actor
    /// before it in the sentence, else the discourse's.
    fn lower_at(&self, k: usize) -> &str {
        self.toks[k].lower.as_str()
    }

    pub fn possessor_actor(&self, p: usize) -> Option<usize> {
        let plural = self.lex.plural_pronouns.contains_word(&self.toks[p].lower);
        let own = self.g.np_of[p];
        // "directs the missions and their troops": the phrase joined to it
        // owns it, whoever that is.
        if p > 1 && matches!(self.lower_at(p - 1), "and" | "with") {
            if let Some(m) = self.g.np_ending_at(p - 1) {
                let h = &self.toks[self.g.nps[m].head];
                if h.tag != Tag::Pron && (h.lower.ends_with('s') == plural || self.np_actor[m].is_some()) {
                    return self.actor_of_np(m);
                }
            }
        }
        // "the parties learn to live with what their negotiators signed":
        // a party to the conflict named nearer owns it, not an actor before.
        let party = |m: usize| {
            let h = &self.toks[self.g.nps[m].head];
            h.tag == Tag::Noun && self.lex.party_nouns.contains_word(&h.lower) && h.lower.ends_with('s') == plural
        };
        (0..self.g.nps.len())
            .rev()
            .filter(|&m| Some(m) != own && self.g.nps[m].toks.end <= p && !self.in_closed_aside(m, p))
            .find_map(|m| match self.actor_of_np(m) {
                Some(a) => {
                    let act = &self.actors[a];
                    super::discourse::agrees(self.db, act.term, &self.words(act.range.clone()), plural, true)
                        .then_some(Some(a))
                }
                None => party(m).then_some(None),
            })
            .flatten()
            // "the leadership can do peacemaking even though its contingents
            // do not": an object is not the owner when its verb's subject,
            // someone else, agrees.
            .filter(|&a| {
                let Some(m) = (0..self.g.nps.len()).find(|&m| self.np_actor[m] == Some(a)) else {
                    return true;
                };
                let r = self.relations();
                // (A copula's complement is its subject: "the body is the
                // Commission, which sends its own troops".)
                let verb = r.object_of(m).filter(|&v| !self.g.vgs[v].copula);
                let other_subject = verb.and_then(|v| r.subject(v)).is_some_and(|subj| {
                    subj.iter().any(|&n| {
                        let h = &self.toks[self.g.nps[n].head];
                        self.np_actor[n].is_none() && h.tag != Tag::Pron && h.lower.ends_with('s') == plural
                    })
                });
                !other_subject
            })
            .or_else(|| {
                let n = own?;
                self.actor_of_np(n).filter(|&a| !self.actors[a].here)
            })
    }

    /// Whether actor `a` is meant in an everyday or another sense, here or
    /// where it was named.
    pub fn other_sense(&self, a: usize) -> bool {
        let act = &self.actors[a];
        // The everyday senses are one person or one thing ("the peacemaker
        // of the family", the Colt Peacemaker, the B-36): "the peacemakers
        // flew in aircraft" is not one.
        let plural = || {
            let w = self.text[act.range.clone()].trim_end();
            w.ends_with(['s', 'S']) && !w.ends_with("'s")
        };
        act.other_sense
            || act.here
                && self.everyday
                && self.lex.everyday_sense_terms.contains_word(&self.db.terms[act.term].id)
                && !plural()
    }

    /// The entity an actor of this sentence is for the discourse.
    pub fn entity(&self, a: usize) -> Entity {
        let act = &self.actors[a];
        let mut e = match &act.surface {
            Some(words) => Entity::from_words(act.term, act.range.clone(), self.db, words.clone()),
            None => Entity::new(act.term, act.range.clone(), self.db, self.text),
        };
        e.other_sense = self.other_sense(a) || act.here && self.is_quoted(&act.toks);
        e
    }

    /// The actor noun phrase `n` names or refers to.
    pub fn actor_of_np(&self, n: usize) -> Option<usize> {
        self.np_actor.get(n).copied().flatten()
    }

    /// The actor a token belongs to (a term token or a pronoun).
    pub fn actor_at_token(&self, k: usize) -> Option<usize> {
        self.g
            .np_of
            .get(k)
            .copied()
            .flatten()
            .and_then(|n| self.actor_of_np(n))
            .or_else(|| {
                let t = self.term_at.get(k).copied().flatten()?;
                self.actors.iter().position(|a| a.spans.contains(&t))
            })
    }

    /// The agents of cue `c` (a verb, an act noun, or a word after a verb).
    pub fn agents_of_cue(&self, c: usize) -> Agents {
        let r = self.relations();
        let k = self.cues[c].toks.start;
        match self.g.vg_of[k] {
            Some(v) => r.agents_of_verb(v),
            None if self.toks[k].tag.is_nominal() || self.g.np_of[k].is_some() => r.agents_of_noun(k),
            // An adverb or adjective ("militarily", "coercive"): the verb before it.
            None => {
                let v = (k.saturating_sub(6)..k).rev().find_map(|j| self.g.vg_of[j]);
                // "making the sides accept a settlement at gunpoint": the
                // manner of a caused act is the causer's.
                let causer = v.and_then(|v| {
                    let n = self.g.np_ending_at(self.g.vgs[v].toks.start)?;
                    let w = r.object_of(n)?;
                    self.lex
                        .facilitation_verbs
                        .at(&self.toks, self.g.vgs[w].main)
                        .map(|_| w)
                });
                match causer.or(v) {
                    Some(v) => r.agents_of_verb(v),
                    None => Agents::default(),
                }
            }
        }
    }

    /// The actors among some agents (noun phrases, a possessor and
    /// facilitators), each once.
    pub fn actors_of(&self, a: &Agents) -> Vec<usize> {
        let r = self.relations();
        // "the peacekeepers were the ones who got both sides to sign": the
        // complement of a copula is its subject.
        let actor = |n: usize| {
            self.actor_of_np(n).or_else(|| {
                let v = r.object_of(n).filter(|&v| self.g.vgs[v].copula)?;
                r.subject(v)?.into_iter().find_map(|m| self.actor_of_np(m))
            })
        };
        let mut out: Vec<usize> = a.nps.iter().chain(&a.facilitators).filter_map(|&n| actor(n)).collect();
        if let Some(p) = a.possessor {
            out.extend(self.actor_at_token(p));
        }
        if let Some(k) = a.named {
            out.extend(self.actor_at_token(k));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The sentence speaks to the reader: its first verb has no subject
    /// ("Follow this process:", "Answer these questions:") or its subject is
    /// "you", "we" or "I" ("You will need:").
    pub fn addresses_reader(&self) -> bool {
        let opening = self.opening_clause();
        let Some(v) = (0..self.g.vgs.len()).find(|&v| {
            let vg = &self.g.vgs[v];
            vg.form == super::grammar::VerbForm::Finite && !opening.contains(&vg.toks.start)
        }) else {
            return false;
        };
        // Nothing but phrases of place, time and manner before the verb: no
        // subject ("On the whiteboard, write ...").
        let start = self.g.vgs[v].toks.start;
        let no_subject = (opening.end..start).all(|k| self.g.np_of[k].is_none_or(|n| self.in_pp_or_intro(n)));
        if no_subject {
            return true;
        }
        self.relations().subject(v).is_some_and(|nps| {
            !nps.is_empty()
                && nps
                    .iter()
                    .all(|&n| matches!(self.toks[self.g.nps[n].head].lower.as_str(), "you" | "we" | "i"))
        })
    }

    /// The tokens of a subordinate clause that opens the sentence ("Before
    /// UN peacekeepers are deployed(,) ..."), up to the subject of the main
    /// clause's verb; empty when the sentence opens with its main clause.
    pub fn opening_clause(&self) -> Range<usize> {
        let Some(first) = self.toks.iter().position(|t| t.word) else {
            return 0..0;
        };
        let opens = self.toks[first].tag == Tag::Sconj
            && !matches!(self.toks[first].lower.as_str(), "that" | "whether")
            || matches!(self.toks[first].lower.as_str(), "before" | "after" | "once" | "until");
        if !opens {
            return 0..0;
        }
        let finite: Vec<usize> = (0..self.g.vgs.len())
            .filter(|&v| self.g.vgs[v].form == super::grammar::VerbForm::Finite)
            .collect();
        // The clause's own verb, then the main verb.
        let [_, main, ..] = finite[..] else {
            return 0..0;
        };
        let start = self.g.vgs[main].toks.start;
        let end = self
            .relations()
            .subject(main)
            .and_then(|nps| nps.iter().map(|&n| self.g.nps[n].toks.start).min())
            .unwrap_or(start);
        first..end.min(start)
    }

    /// The subject actors of the sentence's main clause, for the discourse:
    /// `(actor, plural)` or `None` when the subject is not an actor.
    pub fn center(&self) -> Option<(Option<usize>, bool)> {
        let r = self.relations();
        // "Before peacekeepers are deployed, conditions must be met": the
        // main clause's subject, not the opening clause's.
        let opening = self.opening_clause();
        let v = self
            .g
            .vgs
            .iter()
            .position(|v| v.form == super::grammar::VerbForm::Finite && !opening.contains(&v.toks.start))?;
        let nps = r.subject(v)?;
        let n = *nps.first()?;
        let np = &self.g.nps[n];
        let head = &self.toks[np.head];
        // "UNMOGIP's first observers": the actor is the possessor, singular.
        let possessive = np.possessor.is_some_and(|p| self.term_at[p].is_some());
        let plural = !possessive
            && (nps.len() > 1 || head.lower.ends_with('s') || self.lex.plural_pronouns.contains_word(&head.lower));
        Some((self.actor_of_np(n), plural))
    }
}

/// The cue spans of a sentence: for each match, the first of its cues whose
/// followers (if any) come and whose word class fits the tagged word (a
/// noun cue is not a verb: "forces" in "it forces the parties").
fn select_cues(text: &str, toks: &[Tok], cues: &[Match], db: &Database) -> Vec<Span> {
    let mut out = Vec::new();
    for m in cues {
        let Some(ts) = tok_span(toks, &m.range) else {
            continue;
        };
        // A phrase that ends inside a word ("rebuilding a state" in
        // "rebuilding a state's institutions") gives way to the longest
        // listed phrase that ends on a whole word ("rebuilding").
        let trimmed;
        let (m, ts) = if toks[ts.end - 1].range.end > m.range.end && ts.len() > 1 {
            let cut = toks[ts.end - 2].range.end;
            let norm = crate::scan::Normalized::new(&text[m.range.start..cut]);
            let Some(short) = db.cue_matcher().find(&norm).into_iter().find(|s| s.range.start == 0) else {
                continue;
            };
            let range = m.range.start..m.range.start + short.range.end;
            let Some(ts) = tok_span(toks, &range) else {
                continue;
            };
            trimmed = Match {
                range,
                pattern: short.pattern,
            };
            (&trimmed, ts)
        } else {
            (m, ts)
        };
        // A cue inside a compound must cover it: "coercive" in
        // "non-coercive" is negated, in "UN-brokered" someone else's.
        let first = &toks[ts.start];
        let last = &toks[ts.end - 1];
        if first.range.start < m.range.start || last.range.end > m.range.end {
            continue;
        }
        // "make that agreement last", "make the peace hold": making a thing
        // endure, not making it.
        let causative = ts.len() > 1
            && db.lexicon().make_verbs.at(toks, ts.start).is_some()
            && toks
                .get(ts.end)
                .is_some_and(|n| db.lexicon().causative_results.contains_word(&n.lower));
        if causative {
            continue;
        }
        for &i in db.cue_candidates(m.pattern) {
            let cue = &db.cues[i];
            let tag = toks[ts.start].tag;
            if cue.pos == PartOfSpeech::Noun && matches!(cue.role, Role::Asset) && tag == Tag::Verb {
                continue;
            }
            // A verb pattern needs a verb: "force the parties", not "a force
            // that patrolled the ceasefire line".
            if cue.pos == PartOfSpeech::Verb && cue.followers.is_some() && !tag.is_verbal() {
                continue;
            }
            // "the initial mandate", "a concluding chapter", "the initial
            // high hopes": a verb's form used as an adjective before a noun
            // (over other adjectives) describes, it does not act.
            if cue.pos == PartOfSpeech::Verb
                && tag == Tag::Adj
                && ts.len() == 1
                && !first.lower.ends_with("ed")
                && toks[ts.end..]
                    .iter()
                    .find(|n| n.tag != Tag::Adj)
                    .is_some_and(|n| matches!(n.tag, Tag::Noun | Tag::Propn))
            {
                continue;
            }
            let span = match &cue.followers {
                None => Some(Span {
                    toks: ts.clone(),
                    range: m.range.clone(),
                    item: i,
                }),
                Some(f) => {
                    // The follower belongs to this verb, not to a later one
                    // ("fighting and to help carry out") ...
                    let to = (ts.end + f.within + 1).min(toks.len());
                    // (A clause pattern such as "before ... ceasefire" spans
                    // verbs; a verb and its particle or object do not.)
                    let own = |w: &Range<usize>| {
                        cue.pos != PartOfSpeech::Verb || (ts.end..w.start).all(|k| !toks[k].tag.is_verbal())
                    };
                    f.find_in(toks, ts.end..to).filter(own).map(|w| Span {
                        toks: ts.start..w.end,
                        range: m.range.start..toks[w.end - 1].range.end,
                        item: i,
                    })
                }
            };
            if let Some(span) = span {
                out.push(span);
                break;
            }
        }
    }
    out
}

/// A verb phrase of the cue lists said in the passive: "the dispute was
/// settled" is "settled the dispute" with its object made the subject. The
/// verb of a passive group whose subject's head completes a listed phrase
/// ("settle disputes"), or holds a follower of the verb's pattern ("the
/// ceasefire line was watched"), carries that cue, in place of a weaker cue
/// of the verb alone.
fn passive_phrases(toks: &[Tok], g: &Grammar, found: &mut Vec<Span>, db: &Database) {
    let rel = Relations::new(toks, g, db.lexicon());
    for (v, vg) in g.vgs.iter().enumerate() {
        let k = vg.main;
        if !vg.passive {
            continue;
        }
        let Some(&n) = rel.subject(v).as_ref().and_then(|s| s.first()) else {
            continue;
        };
        let np = &g.nps[n];
        let head = &toks[np.head].lower;
        let verb = &toks[k].lower;
        let whole = |text: &str| {
            let norm = crate::scan::Normalized::new(text);
            let m = db.cue_matcher().find(&norm).into_iter().next()?;
            (m.range == (0..text.len())).then_some(m.pattern)
        };
        // A listed phrase: "settle disputes".
        let phrase = [format!("{verb} the {head}"), format!("{verb} {head}")]
            .iter()
            .find_map(|text| whole(text))
            .and_then(|pattern| {
                db.cue_candidates(pattern)
                    .iter()
                    .copied()
                    .find(|&i| db.cues[i].pos == PartOfSpeech::Verb && db.cues[i].followers.is_none())
            });
        // A verb and one of its followers: "watch" ... "line" ("the
        // ceasefire line was watched by ...").
        let pattern = || {
            whole(verb).and_then(|pattern| {
                db.cue_candidates(pattern).iter().copied().find(|&i| {
                    db.cues[i].pos == PartOfSpeech::Verb
                        && db.cues[i]
                            .followers
                            .as_ref()
                            .is_some_and(|f| f.find_in(toks, np.toks.clone()).is_some())
                })
            })
        };
        let cue = phrase.or_else(pattern);
        let Some(item) = cue else { continue };
        let here = found.iter().position(|c| c.toks.contains(&k));
        if here.is_some_and(|c| db.cues[found[c].item].weight >= db.cues[item].weight) {
            continue;
        }
        found.retain(|c| !c.toks.contains(&k));
        // In reading order, like the spans of the matcher.
        let at = found.partition_point(|c| c.toks.start < k);
        found.insert(
            at,
            Span {
                toks: k..k + 1,
                range: toks[k].range.clone(),
                item,
            },
        );
    }
}

/// Split a sentence into clauses at contrast markers and semicolons. A marker
/// that opens the sentence or follows a comma ("Whereas X ..., Y ...",
/// "Unlike X, Y ...") opens a clause that ends at the next comma.
pub fn clauses(toks: &[Tok], lex: &Lexicon) -> Vec<Range<usize>> {
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
    for (i, t) in toks.iter().enumerate() {
        q[i] = prose.in_quote(&t.range);
    }
    if q.iter().all(|&x| x) {
        return q;
    }
    let _ = s;
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
            // "'UN peacekeepers brokered the Oslo Accords'": a closing quote
            // the tokenizer kept on a plural word.
            (w, Some((o, "'"))) if w.len() > 1 && w.ends_with("s'") => {
                close(&mut q, o);
                open = None;
            }
            ("\u{201C}", _) => open = Some((i, "\u{201D}")),
            ("\u{00AB}", _) => open = Some((i, "\u{00BB}")),
            ("\u{2018}", None) => open = Some((i, "\u{2019}")),
            _ => {}
        }
    }
    q
}
