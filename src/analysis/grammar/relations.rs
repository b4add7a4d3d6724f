//! Who does what. For a verb group or an act noun, find its agents (noun
//! phrases), and whether the act is negated, prevented or only supported by
//! the one who seems to do it:
//!
//! - active subject, walking left over adverbs, prepositional phrases,
//!   parentheses, relative clauses and participles attached to the subject,
//!   with coordinated subjects ("both the envoys and the peacekeepers");
//! - passive agent after "by";
//! - infinitives and gerunds through the verb that governs them ("tried to
//!   negotiate", "helped the parties negotiate", "stopped the sides from
//!   attacking", "ended the war by moving in");
//! - act nouns through a possessor, "by", or a light verb ("launched air
//!   strikes", "led the talks"); any other verb makes the act someone else's
//!   ("suffered attacks", "deterred attacks").
//!
//! Every walk is bounded, so the cost is linear in the sentence.

use super::{Grammar, VerbForm};
use crate::lexicon::{Lexicon, Tag, Tok};

/// How far a walk may go from where it starts, in tokens.
const REACH: usize = 40;
/// How deep one relation may lead to another (a gerund to its governing
/// verb to that verb's subject ...).
const DEPTH: u8 = 4;

/// The agents of an act.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Agents {
    /// Noun phrases that do the act (several when coordinated).
    pub nps: Vec<usize>,
    /// A possessive word that does it ("UNIFIL's mediation", "their talks").
    pub possessor: Option<usize>,
    /// The act is negated ("did not negotiate", "no peacekeepers negotiated").
    pub negated: bool,
    /// The act is not done: prevented by someone ("stopped the sides from
    /// attacking") or only prepared for ("told to prepare to fight").
    pub not_done: bool,
    /// Noun phrases that help others do the act ("helped the parties reach a
    /// settlement"): facilitation counts as their own work.
    pub facilitators: Vec<usize>,
    /// The act is named in general, without an agent: a gerund or an act
    /// noun as a subject or complement ("negotiating is diplomacy",
    /// "peacekeeping means stopping the fighting").
    pub generic: bool,
    /// The agents were named after "by" (a passive): someone in particular.
    pub by_phrase: bool,
    /// A name written before the act noun ("the Iraqi invasion", "NATO
    /// air strikes", "UNIFIL mediation"): who does it, or, in a definition,
    /// the kind of act named.
    pub named: Option<usize>,
}

impl Agents {
    fn none() -> Agents {
        Agents::default()
    }

    fn generic() -> Agents {
        Agents {
            generic: true,
            ..Agents::default()
        }
    }

    /// Nobody does the act: it is prevented.
    fn prevented() -> Agents {
        Agents {
            not_done: true,
            ..Agents::default()
        }
    }

    pub fn nps(nps: Vec<usize>) -> Agents {
        Agents {
            nps,
            ..Agents::default()
        }
    }

    /// Nobody known does it.
    pub fn is_empty(&self) -> bool {
        self.nps.is_empty() && self.possessor.is_none() && self.named.is_none() && self.facilitators.is_empty()
    }
}

/// Verb particles: "sent in", "worked out", "set up".
fn is_particle(w: &str) -> bool {
    matches!(
        w,
        "in" | "out" | "off" | "back" | "over" | "down" | "up" | "away" | "on" | "along"
    )
}

pub struct Relations<'a> {
    pub toks: &'a [Tok],
    pub g: &'a Grammar,
    pub lex: &'a Lexicon,
}

impl<'a> Relations<'a> {
    pub fn new(toks: &'a [Tok], g: &'a Grammar, lex: &'a Lexicon) -> Relations<'a> {
        Relations { toks, g, lex }
    }

    fn lower(&self, k: usize) -> &str {
        &self.toks[k].lower
    }

    /// A relative pronoun: "who", "which" ...; "that" only after a noun
    /// phrase ("the force that ..."), not after a verb ("known that ...").
    fn is_relative(&self, k: usize) -> bool {
        self.lex.relative_pronouns.contains_word(self.lower(k))
            && (self.lower(k) != "that" || self.g.np_ending_at(k).is_some() || k > 0 && self.lower(k - 1) == ",")
    }

    /// The verb group that ends right before token `k`.
    fn vg_ending_at(&self, k: usize) -> Option<usize> {
        let v = self.g.vg_of.get(k.checked_sub(1)?).copied().flatten()?;
        (self.g.vgs[v].toks.end == k).then_some(v)
    }

    /// Whether verb group `v`'s main verb (with what follows it) is in `list`.
    fn verb_in(&self, v: usize, list: &crate::lexicon::Phrases) -> bool {
        let vg = &self.g.vgs[v];
        list.at(self.toks, vg.main).is_some()
    }

    /// The noun phrases coordinated with `n` on its left, and `n`:
    /// "the envoys and the peacekeepers", "UNIFIL, UNDOF and UNTSO".
    fn coordinated_left(&self, n: usize) -> Vec<usize> {
        self.coordination(n, true)
    }

    /// The noun phrases coordinated with `n` on its left. With
    /// `stop_at_object`, a phrase that is the object of a verb before it ends
    /// the list ("monitored the line and Y": the line is not Y's co-subject).
    fn coordination(&self, n: usize, stop_at_object: bool) -> Vec<usize> {
        let mut out = vec![n];
        let mut start = self.g.nps[n].toks.start;
        while start >= 2 && out.len() < 8 {
            let joiner = &self.toks[start - 1];
            // A list ends in "and" or "or" before its last item: "X, Y and Z".
            let joins = if out.len() == 1 {
                matches!(joiner.lower.as_str(), "and" | "or" | "&" | "nor")
            } else {
                matches!(joiner.lower.as_str(), "and" | "or" | "," | "&" | "nor")
            };
            if !joins {
                break;
            }
            let Some(m) = self.g.np_ending_at(start - 1) else {
                break;
            };
            // "X, Y negotiated" is an apposition or a list only if the comma
            // is not the end of an opening phrase: "In 1995, peacekeepers".
            let m_start = self.g.nps[m].toks.start;
            if joiner.lower == "," && m_start > 0 && self.toks[m_start - 1].tag == Tag::Adp {
                break;
            }
            // "monitored the line and Y": an object, not a co-subject.
            if stop_at_object && self.object_of(m).is_some() {
                break;
            }
            out.push(m);
            start = m_start;
            // "both X and Y"
            if start > 0 && matches!(self.lower(start - 1), "both" | "either" | "neither") {
                break;
            }
        }
        out.reverse();
        out
    }

    /// Noun phrases coordinated with `n` on its right ("by X and Y").
    fn coordinated_right(&self, n: usize) -> Vec<usize> {
        let mut out = vec![n];
        let mut end = self.g.nps[n].toks.end;
        while end + 1 < self.toks.len() && out.len() < 8 {
            if !matches!(self.lower(end), "and" | "or" | ",") {
                break;
            }
            let Some(m) = self.g.np_of[end + 1] else {
                break;
            };
            out.push(m);
            end = self.g.nps[m].toks.end;
        }
        out
    }

    /// A noun phrase that is a prepositional object ("in Bosnia").
    fn in_pp(&self, n: usize) -> bool {
        let s = self.g.nps[n].toks.start;
        s > 0 && (self.toks[s - 1].tag == Tag::Adp || self.lower(s - 1) == "to")
    }

    /// A noun phrase that is the object of the verb group right before it,
    /// perhaps after a particle ("set up twenty posts").
    pub fn object_of(&self, n: usize) -> Option<usize> {
        let mut s = self.g.nps[n].toks.start;
        if s > 0 && is_particle(self.lower(s - 1)) && self.vg_ending_at(s - 1).is_some() {
            s -= 1;
        }
        // "was not a peacekeeping operation": the negation the verb group
        // carries sits between it and its complement.
        if s > 0 && matches!(self.lower(s - 1), "not" | "never") && self.vg_ending_at(s - 1).is_some() {
            s -= 1;
        }
        // "had like 10k troops", "sent nearly 5,000 troops": an adverb of
        // degree before a number.
        if s > 0
            && self.toks[s - 1].tag == Tag::Adv
            && self.toks[s].lower.starts_with(|c: char| c.is_ascii_digit())
            && self.vg_ending_at(s - 1).is_some()
        {
            s -= 1;
        }
        self.vg_ending_at(s)
    }

    /// The length of an arrow of notes ("->", "=>", "→") that ends right
    /// before token `k`.
    fn arrow_ending_at(&self, k: usize) -> Option<usize> {
        if k >= 1 && matches!(self.lower(k - 1), "\u{2192}" | "\u{21d2}") {
            return Some(1);
        }
        (k >= 2 && self.lower(k - 1) == ">" && matches!(self.lower(k - 2), "-" | "=")).then_some(2)
    }

    /// The subject of verb group `v` (the patient, for a passive), as noun
    /// phrases. Returns `None` when no subject is found in reach.
    pub fn subject(&self, v: usize) -> Option<Vec<usize>> {
        self.subject_at(v, 0)
    }

    fn subject_at(&self, v: usize, depth: u8) -> Option<Vec<usize>> {
        if depth > DEPTH {
            return None;
        }
        let start = self.g.vgs[v].toks.start;
        // Notes: "UNMISS (South Sudan) -> protects civilians -> mediated
        // ...": after an arrow, the verb's subject is the topic before the
        // line's first arrow.
        if self.arrow_ending_at(start).is_some() {
            // (The first arrow of this item: "envoys -> negotiate;
            // peacekeepers -> monitor".)
            let item = (0..start)
                .rev()
                .find(|&k| matches!(self.lower(k), ";" | ":"))
                .map_or(0, |k| k + 1);
            let first = (item..start).find_map(|k| self.arrow_ending_at(k + 1).map(|len| k + 1 - len))?;
            let mut end = first;
            // Over a parenthesis right before the arrow.
            if end > 0 && self.lower(end - 1) == ")" {
                end = (0..end - 1).rev().find(|&k| self.lower(k) == "(")?;
            }
            let n = self.g.np_ending_at(end)?;
            return Some(self.coordinated_left(n));
        }
        let floor = start.saturating_sub(REACH);
        // Whether a coordinating word or comma lies between the subject
        // candidate and the verb: then an object before it belongs to an
        // earlier verb of the same subject ("monitored the line and negotiated").
        let mut coordinated = false;
        let mut k = start;
        while k > floor {
            k -= 1;
            let t = &self.toks[k];
            if let Some(n) = self.g.np_of[k] {
                let np = &self.g.nps[n];
                // "moved into the field themselves": a reflexive is not a subject.
                if matches!(
                    self.lower(np.head),
                    "themselves" | "itself" | "himself" | "herself" | "ourselves"
                ) {
                    k = np.toks.start;
                    continue;
                }
                // A prepositional object, or a list of them ("with Nasser
                // and Ben-Gurion"): skipped.
                let first = self.coordinated_left(n)[0];
                // "ended after UNIFIL negotiated": "after" opens a clause here,
                // its phrase is the subject of the verb right after it.
                let opens_clause = self.g.nps[n].toks.end == start
                    && matches!(
                        self.lower(self.g.nps[first].toks.start - usize::from(self.g.nps[first].toks.start > 0)),
                        "after" | "before" | "since" | "until" | "till" | "once" | "as" | "while" | "because"
                    );
                if self.in_pp(first) && !opens_clause {
                    // "talked to the leaders and the peacekeepers guarded the
                    // line": after a first clause's verb, the last of the
                    // list stands right before a finite verb, so "and" joins
                    // two clauses and that phrase is this verb's subject
                    // (not so in "the envoys from Norway and Cuba were").
                    let first_start = self.g.nps[first].toks.start;
                    let earlier_verb = self
                        .g
                        .vgs
                        .iter()
                        .any(|w| w.toks.end <= first_start && w.form == VerbForm::Finite);
                    if n != first
                        && earlier_verb
                        && np.toks.end == start
                        && self.g.vgs[v].form == VerbForm::Finite
                        && !self.g.vgs[v].passive
                    {
                        return Some(vec![n]);
                    }
                    k = self.g.nps[first].toks.start; // the preposition is skipped next
                    continue;
                }
                // "whom the peacekeepers escorted": the subject of a relative
                // clause, not of this verb.
                if np.toks.start > 0 && self.is_relative(np.toks.start - 1) && np.toks.end < start {
                    k = np.toks.start - 1;
                    continue;
                }
                if coordinated {
                    if let Some(w) = self.object_of(n) {
                        return self.subject_at(w, depth + 1);
                    }
                } else if self.g.vgs[v].form == VerbForm::Finite {
                    // "the peacemakers who facilitated the talks then
                    // patrolled": the object of a relative clause's verb is
                    // not the next verb's subject; the clause's antecedent is.
                    if let Some(w) = self.object_of(n) {
                        let ws = self.g.vgs[w].toks.start;
                        if ws > floor && self.is_relative(ws - 1) {
                            k = ws;
                            continue;
                        }
                    }
                }
                let mut nps = self.coordinated_left(n);
                // "UN Peacemaker, the UN mission in Western Sahara, has
                // monitored": an apposition names the subject again.
                let first = nps[0];
                let s0 = self.g.nps[first].toks.start;
                if nps.len() == 1 && s0 >= 2 && self.lower(s0 - 1) == "," {
                    if let Some(m) = self.g.np_ending_at(s0 - 1) {
                        let ms = self.g.nps[m].toks.start;
                        let opens_sentence = (0..ms).all(|j| !self.toks[j].word);
                        // An apposition is a description ("the UN mission in
                        // ..."); a bare phrase after an opening one is the
                        // subject alone ("Delegates, peacemaking is hard",
                        // "Today, peacemaking is hard").
                        let description = self.toks[s0].tag == Tag::Det;
                        if opens_sentence && description && !self.in_pp(m) {
                            nps.insert(0, m);
                        }
                    }
                }
                return Some(nps);
            }
            if let Some(w) = self.g.vg_of[k] {
                let wg = &self.g.vgs[w];
                let ws = wg.toks.start;
                // A relative clause: "peacekeepers who had arrived ... drafted";
                // but a verb joined to its verb is in it too: "it was they
                // who sat at the table and hammered out the agreement".
                if ws > 0 && self.is_relative(ws - 1) {
                    if coordinated {
                        return self.subject_at(w, depth + 1);
                    }
                    k = ws - 1;
                    continue;
                }
                // An object relative: "the mediators (whom) the peacekeepers escorted signed".
                if let Some(n2) = self.g.np_ending_at(ws) {
                    let s2 = self.g.nps[n2].toks.start;
                    if s2 > 0 && self.is_relative(s2 - 1) {
                        k = s2 - 1;
                        continue;
                    }
                    // Adjacent, or with a phrase of place between: "the
                    // mediators the blue helmets escorted to Goma drafted".
                    let between_pp = (wg.toks.end..start).all(|j| {
                        self.toks[j].tag == Tag::Adp || self.g.np_of[j].is_some() || self.toks[j].tag == Tag::Adv
                    });
                    if wg.toks.end == start || between_pp && start - wg.toks.end <= 5 {
                        if let Some(n1) = self.g.np_ending_at(s2) {
                            if !self.in_pp(n1) {
                                return Some(self.coordinated_left(n1));
                            }
                        }
                    }
                }
                // A participle attached to the subject: "the troops sent to Cyprus negotiated".
                if matches!(wg.form, VerbForm::Participle | VerbForm::Ing | VerbForm::Infinitive) && wg.toks.end < start
                {
                    k = ws;
                    continue;
                }
                // Catenative or coordinated verbs share the subject:
                // "began negotiating", "monitored and negotiated".
                return self.subject_at(w, depth + 1);
            }
            // ", whose numbers had grown ...," or ", however,": a comma-enclosed
            // relative clause or aside after the subject is skipped.
            if t.lower == "," {
                if let Some(j) = self.aside_start(k, floor) {
                    k = j;
                    continue;
                }
            }
            if self.is_relative(k) {
                // "peacekeepers, who negotiated": the antecedent; "UNPROFOR,
                // whose commanders ..., that drafted": before the aside.
                let mut j = k;
                if j > 0 && self.lower(j - 1) == "," {
                    if let Some(open) = self.aside_start(j - 1, floor) {
                        j = open + 1;
                    }
                }
                while j > floor && matches!(self.lower(j - 1), "," | "(") {
                    j -= 1;
                }
                return self.g.np_ending_at(j).map(|n| self.coordinated_left(n));
            }
            // ("do not fight, but rather mediate": "but rather" and "but
            // instead" correct the same subject's verb; they open no new
            // clause.)
            let correction = t.lower == "but"
                && matches!(
                    self.toks.get(k + 1).map(|t| t.lower.as_str()),
                    Some("rather" | "instead")
                );
            if self.lex.contrast_markers.at(self.toks, k).is_some() && t.lower != "while" && !correction {
                return None;
            }
            // "DPKO -> negotiated Oslo": an arrow in notes links subject and verb.
            if t.lower == ">" && k > 0 && matches!(self.lower(k - 1), "-" | "=") || t.lower == "\u{2192}" {
                if k > 0 && self.lower(k - 1) != "\u{2192}" {
                    k -= usize::from(t.lower == ">");
                }
                continue;
            }
            // "The mission - some 4,500 peacemakers ... - took over": a phrase
            // between dashes after the subject names it again; both are it.
            if t.lower == "-" {
                if let Some(open) = (k.saturating_sub(REACH)..k).rev().find(|&j| self.lower(j) == "-") {
                    let inner = self.g.np_of.get(open + 1).copied().flatten();
                    if let (Some(inner), Some(outer)) = (inner, self.g.np_ending_at(open)) {
                        return Some(vec![outer, inner]);
                    }
                }
                return None;
            }
            match t.tag {
                Tag::Sconj => return None,
                Tag::Cconj => coordinated = true,
                Tag::Punct => match t.lower.as_str() {
                    "," => coordinated = true,
                    ";" | ":" | "?" | "!" => return None,
                    _ => {}
                },
                _ => {}
            }
        }
        None
    }

    /// For a comma at `k` that closes an aside (", however," or ", whose
    /// numbers had grown ...,"), the index of the comma that opens it.
    fn aside_start(&self, k: usize, floor: usize) -> Option<usize> {
        let j = (floor..k).rev().take(REACH).find(|&j| self.lower(j) == ",")?;
        let first = j + 1;
        if first >= k {
            return None;
        }
        let relative = matches!(self.lower(first), "who" | "whose" | "which" | "whom");
        let adverbs = (first..k).all(|i| self.toks[i].tag == Tag::Adv);
        // ", rather than the State Department," ", not the mediators,"
        let contrast = self.lex.contrast_markers.at(self.toks, first).is_some() || self.lower(first) == "not";
        let relative = relative || contrast;
        // ", or peacemaking as it is often called,", ", also known as X,": a
        // gloss of the subject.
        let gloss = self.lower(first) == "or" || self.lex.synonym_links.at(self.toks, first).is_some();
        // The aside follows a noun phrase: the subject before it.
        (relative || adverbs || gloss)
            .then_some(j)
            .filter(|&j| self.g.np_ending_at(j).is_some())
    }

    /// The verb group whose subject noun phrase `n` is, after the phrases
    /// attached to it ("the buffer zone between Egypt and Israel was held").
    pub fn verb_after(&self, n: usize) -> Option<usize> {
        let mut k = self.g.nps[n].toks.end;
        let limit = (k + REACH).min(self.toks.len());
        while k < limit {
            if let Some(v) = self.g.vg_of[k] {
                return Some(v);
            }
            let t = &self.toks[k];
            let attached = t.tag == Tag::Adp
                || matches!(t.lower.as_str(), "and" | "or" | ",")
                || self.g.np_of[k].is_some()
                || t.tag == Tag::Adv;
            if !attached {
                return None;
            }
            k += 1;
        }
        None
    }

    /// The agent after "by" following verb group `v` ("was brokered in 1995
    /// by the envoy").
    pub fn by_agent(&self, v: usize) -> Option<Vec<usize>> {
        let end = self.g.vgs[v].toks.end;
        let mut k = end;
        while k < self.toks.len() && k < end + 6 {
            let t = &self.toks[k];
            // "disputes are settled through peacekeeping missions": an
            // actor named after "through" or "via" is the means that acts.
            let through_actor = matches!(t.lower.as_str(), "through" | "via")
                && self.g.np_of.get(k + 1).copied().flatten().is_some_and(|n| {
                    let head = &self.toks[self.g.nps[n].head];
                    head.tag == Tag::Propn || self.lex.actor_nouns.contains_word(&head.lower)
                });
            // "line by line", "step by step": a manner, not an agent.
            let idiom = t.lower == "by"
                && k > 0
                && self
                    .toks
                    .get(k + 1)
                    .is_some_and(|n| n.word && n.lower == self.toks[k - 1].lower);
            if idiom {
                k += 2;
                continue;
            }
            if t.lower == "by" || through_actor {
                // "not by UN peacekeepers": denied.
                if k > 0 && matches!(self.lower(k - 1), "not" | "never") {
                    return None;
                }
                let n = self.g.np_of.get(k + 1).copied().flatten()?;
                let mut agents = self.coordinated_right(n);
                // "mediated by Norway and the peacekeepers monitored the
                // ceasefire": a phrase right before an active finite verb
                // opens a new clause; it is that verb's subject.
                while agents.len() > 1 {
                    let last = agents[agents.len() - 1];
                    let opens_clause = self
                        .g
                        .vg_of
                        .get(self.g.nps[last].toks.end)
                        .copied()
                        .flatten()
                        .is_some_and(|w| {
                            let vg = &self.g.vgs[w];
                            vg.toks.start == self.g.nps[last].toks.end && vg.form == VerbForm::Finite && !vg.passive
                        });
                    if !opens_clause {
                        break;
                    }
                    agents.pop();
                }
                return Some(agents);
            }
            // "drafted and signed by": another participle of the same agent
            // (not "mediated and followed by", where the agent came next).
            if let Some(w) = self.g.vg_of[k] {
                if self.g.vgs[w].form == VerbForm::Participle
                    && !self.verb_in(w, &self.lex.sequence_verbs)
                    && k > 0
                    && matches!(self.lower(k - 1), "and" | "or" | ",")
                {
                    k = self.g.vgs[w].toks.end;
                    continue;
                }
            }
            // Only adverbs and short phrases of time or place may intervene.
            let intervenes = matches!(
                t.tag,
                Tag::Adv
                    | Tag::Adp
                    | Tag::Sconj
                    | Tag::Num
                    | Tag::Propn
                    | Tag::Det
                    | Tag::Noun
                    | Tag::Adj
                    | Tag::Part
                    | Tag::Cconj
            ) || t.lower == ",";
            if !intervenes || self.g.vg_of[k].is_some() {
                return None;
            }
            k += 1;
        }
        None
    }

    fn by_agents(&self, v: usize) -> Agents {
        match self.by_agent(v) {
            Some(nps) => Agents {
                nps,
                by_phrase: true,
                ..Agents::default()
            },
            None => Agents::default(),
        }
    }

    /// Whether the verb group is negated, or governed by a negative verb or
    /// a negated verb ("failed to negotiate", "did not try to negotiate").
    fn negated(&self, v: usize) -> bool {
        self.g.vgs[v].negated
    }

    /// "Peacekeepers don't invade countries or defeat armies", "neither
    /// negotiate nor sign": a verb that "or" or "nor" joins to a negated verb
    /// of the same clause is negated too ("and" is not: "do not take sides
    /// and use force only in self-defence").
    fn alternative_of_negated(&self, v: usize) -> bool {
        let mut k = self.g.vgs[v].toks.start;
        while k > 0 && self.toks[k - 1].tag == Tag::Adv {
            k -= 1;
        }
        if k == 0 || !matches!(self.lower(k - 1), "or" | "nor") {
            return false;
        }
        (0..k - 1)
            .rev()
            .take_while(|&j| !matches!(self.lower(j), ";" | ":" | "." | "?" | "!") && self.toks[j].tag != Tag::Sconj)
            .find_map(|j| self.g.vg_of[j])
            .is_some_and(|w| self.negated(w) || self.lower(self.g.vgs[w].toks.start.saturating_sub(1)) == "neither")
    }

    /// "Peacekeepers do negotiate, just not peace deals": a verb without an
    /// object whose object is then denied after a comma ("but not", "just
    /// not", "though never").
    fn object_denied(&self, v: usize) -> bool {
        let mut k = self.g.vgs[v].toks.end;
        // Adverbs of the verb: "negotiate constantly, but not ...".
        while k < self.toks.len() && self.toks[k].tag == Tag::Adv {
            k += 1;
        }
        if self.toks.get(k).is_none_or(|t| t.lower != ",") {
            return false;
        }
        k += 1;
        if self
            .toks
            .get(k)
            .is_some_and(|t| matches!(t.lower.as_str(), "just" | "but" | "though" | "only"))
        {
            k += 1;
        }
        // The denied phrase is an object, not another doer ("..., not
        // NATO"; "..., not the envoys, negotiated"): no name, no verb after.
        let denied = self
            .toks
            .get(k)
            .is_some_and(|t| matches!(t.lower.as_str(), "not" | "never"));
        denied
            && self.g.np_of.get(k + 1).copied().flatten().is_some_and(|n| {
                let np = &self.g.nps[n];
                np.toks.start == k + 1 && !self.g.before_finite_verb(n) && self.toks[np.head].tag != Tag::Propn
            })
    }

    /// The agents of verb group `v`.
    pub fn agents_of_verb(&self, v: usize) -> Agents {
        self.verb_agents(v, 0)
    }

    fn verb_agents(&self, v: usize, depth: u8) -> Agents {
        if depth > DEPTH {
            return Agents::none();
        }
        let vg = &self.g.vgs[v];
        let mut a = match vg.form {
            VerbForm::Infinitive => self.infinitive_agents(v, depth),
            VerbForm::Ing => self.ing_agents(v, depth),
            VerbForm::Participle if vg.passive => self.by_agents(v),
            VerbForm::Participle => self.opening_agents(v, depth),
            VerbForm::Finite if vg.passive => self.by_agents(v),
            VerbForm::Finite => match self.subject_at(v, depth) {
                // "helped the parties reach", "made them sign", "let them
                // negotiate": a bare infinitive whose subject is the object of
                // a verb that takes one.
                Some(nps) if nps.len() == 1 && self.bare_infinitive(v, nps[0]).is_some() => {
                    let w = self.bare_infinitive(v, nps[0]).expect("checked");
                    self.controlled(w, nps[0], depth)
                }
                Some(nps) => Agents::nps(nps),
                // No subject at all: a list item, an imperative, a note
                // ("build new institutions, write the constitution").
                None => Agents::generic(),
            },
        };
        a.negated |= self.negated(v) || self.object_denied(v) || self.alternative_of_negated(v);
        // "it does not mean (that) the blue helmets wrote the agreement": a
        // clause under a denied "mean", "say", "follow" is denied too.
        if let Some(&n) = a.nps.first().filter(|_| vg.form == VerbForm::Finite) {
            let mut st = self.g.nps[n].toks.start;
            if st > 0 && self.lower(st - 1) == "that" {
                st -= 1;
            }
            if self
                .vg_ending_at(st)
                .is_some_and(|w| w != v && self.negated(w) && self.verb_in(w, &self.lex.negated_complements))
            {
                a.negated = true;
            }
        }
        if a.nps.iter().any(|&n| self.g.nps[n].negative) {
            a.negated = true;
        }
        // "whether peacekeeping or peacemaking did more": a question, not a claim.
        if let Some(&n) = a.nps.first() {
            let s = self.g.nps[n].toks.start;
            if (s.saturating_sub(3)..s).any(|k| self.lower(k) == "whether") {
                a.negated = true;
            }
        }
        // "deploys nobody", "signed nothing": a negative object.
        if let Some(n) = self.g.np_of.get(vg.toks.end).copied().flatten() {
            if self.g.nps[n].negative && self.g.nps[n].toks.start == vg.toks.end {
                a.negated = true;
            }
        }
        a
    }

    /// The verb whose object `n` is, when verb group `v` is a bare
    /// infinitive after it ("helped the parties reach"): a base form after a
    /// facilitation or support verb.
    fn bare_infinitive(&self, v: usize, n: usize) -> Option<usize> {
        let w = self.object_of(n).filter(|&w| w != v)?;
        let m = self.lower(self.g.vgs[v].main);
        let base = self.g.vgs[v].toks.len() == 1 && !m.ends_with("ed") && !m.ends_with('s') && !m.ends_with("ing");
        let takes = self.verb_in(w, &self.lex.facilitation_verbs) || self.verb_in(w, &self.lex.support_verbs);
        (base && takes).then_some(w)
    }

    /// A phrase of time or place ("in 1993", "to Rwanda", "in the east")
    /// ending right before token `k`: where its preposition stands. ("as
    /// diplomatic efforts" is no such phrase.)
    fn time_or_place_before(&self, k: usize) -> Option<usize> {
        let mut n = self.g.np_ending_at(k)?;
        // "at the beginning of the war", "at the height of the fighting":
        // a noun of time that "of" completes.
        let ns = self.g.nps[n].toks.start;
        if ns > 1 && self.lower(ns - 1) == "of" {
            if let Some(m) = self.g.np_ending_at(ns - 1) {
                if self.lex.time_nouns.contains_word(self.lower(self.g.nps[m].head)) {
                    n = m;
                }
            }
        }
        let first = self.coordinated_left(n)[0];
        let head = &self.toks[self.g.nps[n].head];
        // ("into sudan": "into" opens a place, whatever chat's case.)
        let fs = self.g.nps[first].toks.start;
        let when_or_where = matches!(head.tag, Tag::Propn | Tag::Num)
            || self.lex.time_nouns.contains_word(&head.lower)
            || self.lex.place_nouns.contains_word(&head.lower)
            || fs > 0 && self.lower(fs - 1) == "into";
        // "until November 1995", "since 1948": a time after a conjunction.
        let since = fs > 0 && matches!(self.lower(fs - 1), "until" | "till" | "since");
        ((self.in_pp(first) || since) && when_or_where).then(|| self.g.nps[first].toks.start - 1)
    }

    /// "took three years to negotiate", "it took the envoys months to":
    /// noun phrase `n`, a length of time after a verb of duration ("take"),
    /// gives the act after it to whoever spent the time: the phrase between
    /// the verb and the duration, or else the verb's subject ("it" gives
    /// nobody).
    fn duration_agents(&self, n: usize, depth: u8) -> Option<Agents> {
        let np = &self.g.nps[n];
        if !self.lex.time_nouns.contains_word(self.lower(np.head)) || self.in_pp(n) {
            return None;
        }
        // Over adverbs ("almost two years") and phrases of place ("took the
        // envoys in Geneva two years").
        let mut ns = np.toks.start;
        while ns > 0 && self.toks[ns - 1].tag == Tag::Adv {
            ns -= 1;
        }
        for _ in 0..3 {
            match self.time_or_place_before(ns) {
                Some(p) => ns = p,
                None => break,
            }
        }
        let take = |w: usize| self.verb_in(w, &self.lex.duration_verbs);
        if let Some(w) = self.vg_ending_at(ns).filter(|&w| take(w)) {
            let mut a = self.verb_agents(w, depth + 1);
            if a.nps.iter().all(|&m| self.lower(self.g.nps[m].head) == "it") {
                a.nps.clear();
                a.generic = true;
            }
            a.negated |= self.negated(w);
            return Some(a);
        }
        let m = self.g.np_ending_at(ns)?;
        let w = self.object_of(m).filter(|&w| take(w))?;
        let mut a = Agents::nps(self.coordinated_right(m));
        a.negated |= self.negated(w);
        Some(a)
    }

    /// "to negotiate": through the word before "to".
    fn infinitive_agents(&self, v: usize, depth: u8) -> Agents {
        let to = self.g.vgs[v].toks.start;
        if to == 0 {
            return Agents::generic();
        }
        let before = to - 1;
        // "in order to", "so as to": the purpose of the main clause.
        if matches!(self.lower(before), "order" | "as") && before > 0 && matches!(self.lower(before - 1), "in" | "so") {
            return self.main_before(before - 1, depth);
        }
        // "in a bid to", "in an effort to", "in an attempt to": the same.
        if matches!(self.lower(before), "bid" | "effort" | "attempt")
            && before > 1
            && matches!(self.lower(before - 1), "a" | "an")
            && self.lower(before - 2) == "in"
        {
            return self.main_before(before - 2, depth);
        }
        // "X was sent to negotiate", "tried to negotiate", "failed to
        // negotiate", "are sent in to defeat" (a particle between).
        let mut gov = to;
        while gov > 0 && gov + 3 > to && (self.toks[gov - 1].tag == Tag::Adv || is_particle(self.lower(gov - 1))) {
            gov -= 1;
        }
        // "were deployed in 1999 to end", "were sent to Rwanda in 1993 to
        // stop": across phrases of time or place.
        let mut at = gov;
        for _ in 0..3 {
            let Some(p) = self.time_or_place_before(at) else { break };
            at = p;
            if self.vg_ending_at(at).is_some() {
                gov = at;
                break;
            }
        }
        if let Some(w) = self.vg_ending_at(to).or_else(|| self.vg_ending_at(gov)) {
            // "an army the UN uses to defeat ...": the object of an instrument
            // verb, relativised before its subject, does the act.
            if self.verb_in(w, &self.lex.instrument_verbs) && !self.g.vgs[w].passive {
                let ws = self.g.vgs[w].toks.start;
                if let Some(n2) = self.g.np_ending_at(ws) {
                    if let Some(n1) = self.g.np_ending_at(self.g.nps[n2].toks.start) {
                        return Agents::nps(vec![n1]);
                    }
                }
            }
            let mut a = if self.g.vgs[w].passive {
                self.subject_at(w, depth + 1).map(Agents::nps).unwrap_or_default()
            } else {
                self.verb_agents(w, depth + 1)
            };
            if self.verb_in(w, &self.lex.negative_verbs) {
                a.negated = true;
            }
            if self.verb_in(w, &self.lex.prevention_verbs) || self.verb_in(w, &self.lex.readiness_verbs) {
                a.not_done = true;
            }
            a.negated |= self.negated(w);
            return a;
        }
        // "V0 NP to V": the object does it; "helped the parties to reach" also
        // credits the helper. "deployed peacekeepers in 1992 to win": the
        // object before phrases of time or place.
        // (Over adverbs too: "send blue helmets in right now to stop".)
        let mut obj_end = gov;
        for _ in 0..3 {
            match self.time_or_place_before(obj_end) {
                Some(p) if self.g.np_ending_at(p).is_some() => obj_end = p,
                _ => break,
            }
        }
        if let Some(n) = self.g.np_ending_at(obj_end) {
            if let Some(a) = self.duration_agents(n, depth) {
                return a;
            }
            // "got Izetbegović, Tuđman and Milošević to put their names to":
            // the whole list is the object.
            let list = self.coordination(n, false);
            let first = list[0];
            if let Some(w) = self.object_of(first) {
                let mut a = self.controlled(w, first, depth);
                a.nps = list;
                return a;
            }
            // "the use of UN peacekeepers to monitor": whoever uses them, in
            // general.
            // Over a chain of phrases: "the use of overwhelming force by the
            // UN to compel".
            let mut m = n;
            for _ in 0..4 {
                let ms = self.g.nps[m].toks.start;
                if ms < 2 || self.toks[ms - 1].tag != Tag::Adp {
                    break;
                }
                let Some(before) = self.g.np_ending_at(ms - 1) else {
                    break;
                };
                if self.lower(ms - 1) == "of"
                    && self
                        .lex
                        .instrument_nouns
                        .contains_word(self.lower(self.g.nps[before].head))
                {
                    return Agents::generic();
                }
                m = before;
            }
            // "flown in with orders to end the war": who holds the orders,
            // the clause's subject.
            let ns = self.g.nps[n].toks.start;
            if ns > 0
                && self.lower(ns - 1) == "with"
                && self.lex.mandate_nouns.contains_word(self.lower(self.g.nps[n].head))
            {
                // The verb of the main clause, not of a "while ..." clause
                // between.
                let subordinate = |v: usize| {
                    let vs = self.g.vgs[v].toks.start;
                    (0..vs)
                        .rev()
                        .take_while(|&k| self.lower(k) != ",")
                        .any(|k| self.toks[k].tag == Tag::Sconj)
                };
                let main = (0..ns - 1)
                    .rev()
                    .filter_map(|j| self.g.vg_of[j])
                    .find(|&w| self.g.vgs[w].form == VerbForm::Finite && !subordinate(w));
                return match main {
                    Some(w) => self.purpose_of(Some(w), depth),
                    None => self.main_before(ns - 1, depth),
                };
            }
            // "the first mission to negotiate", "efforts to resolve": the noun.
            return Agents::nps(vec![n]);
        }
        if self.toks[before].tag == Tag::Adj {
            // Back over adjectives joined to it: "was (both) unable and
            // unauthorised to stop".
            let mut first = before;
            while first >= 2
                && matches!(self.lower(first - 1), "and" | "or" | ",")
                && self.toks[first - 2].tag == Tag::Adj
            {
                first -= 2;
            }
            if first >= 1 && matches!(self.lower(first - 1), "both" | "either") {
                first -= 1;
            }
            if let Some(w) = self.vg_ending_at(first) {
                let mut a = self.verb_agents(w, depth + 1);
                // "have been unable to make peace".
                a.negated |= (first..=before).any(|k| self.lex.negative_adjectives.contains_word(self.lower(k)));
                // "must be ready to fight": prepared for, not done.
                a.not_done |= (first..=before).any(|k| self.lex.readiness_verbs.contains_word(self.lower(k)));
                return a;
            }
        }
        Agents::generic()
    }

    /// The act of `n`, the object of verb group `w` ("helped the parties
    /// negotiate", "sent peacekeepers to patrol", "stopped them from attacking").
    fn controlled(&self, w: usize, n: usize, depth: u8) -> Agents {
        let mut a = Agents::nps(self.coordinated_right(n));
        if self.verb_in(w, &self.lex.facilitation_verbs) {
            let helper = self.verb_agents(w, depth + 1);
            if !helper.negated {
                a.facilitators = helper.nps;
            }
        }
        // "using the military to compel": the user acts through it; in
        // general when the using is general ("peacemaking means using ...").
        if self.verb_in(w, &self.lex.instrument_verbs) {
            let user = self.verb_agents(w, depth + 1);
            a.negated |= user.negated;
            a.generic |= user.generic;
            a.facilitators.extend(user.nps);
        }
        if self.verb_in(w, &self.lex.prevention_verbs) {
            a.not_done = true;
        }
        a
    }

    /// Noun phrase `n` is the object of a verb of prevention, so an act
    /// after it and "of" is prevented too: "to prevent any new outbreak of
    /// fighting", "deter a resumption of attacks".
    fn prevented_phrase(&self, n: usize) -> bool {
        self.object_of(n)
            .is_some_and(|w| self.verb_in(w, &self.lex.prevention_verbs))
    }

    /// The verb group starting at `e` ends the act before it, its subject:
    /// "fighting has been halted", "the fighting stopped in May" (not
    /// "mediating prevents wars", where the act prevents its object).
    fn ended_by_next_verb(&self, e: usize) -> bool {
        let Some(w) = self
            .g
            .vg_of
            .get(e)
            .copied()
            .flatten()
            .filter(|&w| self.g.vgs[w].toks.start == e)
        else {
            return false;
        };
        let vg = &self.g.vgs[w];
        if self.negated(w) {
            return false;
        }
        if vg.passive {
            return self.verb_in(w, &self.lex.prevention_verbs);
        }
        // Active, only the verbs of stopping, without an object ("the
        // mediation failed" was done; "the fighting kept going" went on).
        self.verb_in(w, &self.lex.cessation_verbs) && self.g.np_of.get(vg.toks.end).copied().flatten().is_none()
    }

    /// "-ing" words: a gerund or a participle.
    fn ing_agents(&self, v: usize, depth: u8) -> Agents {
        let s = self.g.vgs[v].toks.start;
        // "where fighting has been halted", "the fighting stopped in May":
        // an act that is the subject of a verb ending it is over, done by
        // nobody the sentence names ("mediating prevents wars" has an
        // object: the act prevents something else).
        if self.ended_by_next_verb(self.g.vgs[v].toks.end) {
            return Agents::prevented();
        }
        if s == 0 {
            return self.opening_agents(v, depth);
        }
        let prev = s - 1;
        let word = self.lower(prev).to_string();
        // "from attacking": prevented, by whoever is kept from it.
        if word == "from" {
            let mut a = Agents::none();
            if let Some(n) = self.g.np_ending_at(prev) {
                if let Some(w) = self.object_of(n) {
                    a = self.controlled(w, n, depth);
                }
            } else if let Some(w) = self.vg_ending_at(prev) {
                a = self.verb_agents(w, depth + 1);
                a.not_done = self.verb_in(w, &self.lex.prevention_verbs) || self.verb_in(w, &self.lex.negative_verbs);
            }
            // "protection from attacking", "refrained from": nobody does it.
            let governor = (prev.saturating_sub(6)..prev).any(|k| {
                self.lex.prevention_verbs.at(self.toks, k).is_some()
                    || self.lex.negative_verbs.at(self.toks, k).is_some()
            });
            a.not_done |= governor;
            return a;
        }
        // "not attacking", "rather than stopping it", "instead of fighting":
        // a negation ending right before the gerund.
        let negation_before = (prev.saturating_sub(2)..=prev)
            .any(|k| self.lex.negations.at(self.toks, k).is_some_and(|len| k + len == s));
        if negation_before || self.lex.is_negation(self.toks, prev) {
            let mut a = self.main_before(prev, depth);
            a.negated = true;
            return a;
        }
        // "a halt in fighting", "an end to killing": the act is what is
        // halted, by nobody named.
        if matches!(word.as_str(), "in" | "to" | "of")
            && prev > 0
            && self.toks[prev - 1].tag == Tag::Noun
            && self.lex.prevention_verbs.at(self.toks, prev - 1).is_some()
        {
            let mut a = Agents::none();
            a.not_done = true;
            return a;
        }
        if matches!(self.toks[prev].tag, Tag::Adp | Tag::Sconj) {
            // "the task of negotiating", "responsible for negotiating"
            if let Some(n) = self.g.np_ending_at(prev).filter(|_| word == "of") {
                // "an outbreak of fighting between ..." after "prevent".
                if self.prevented_phrase(n) {
                    return Agents::prevented();
                }
                return Agents::generic();
            }
            // An opening adverbial: "After negotiating the deal, UNIFIL ..."
            if self.opens_clause(prev) {
                return self.opening_agents(v, depth);
            }
            // "were tasked with defeating", "was criticised for attacking":
            // after a passive, the one it was done to.
            if let Some(w) = self.vg_ending_at(prev).filter(|&w| self.g.vgs[w].passive) {
                return self.subject_at(w, depth + 1).map(Agents::nps).unwrap_or_default();
            }
            // "ended the war by moving in": the main clause's subject.
            return self.main_before(prev, depth);
        }
        // "began negotiating", "stopped attacking", "means negotiating".
        if let Some(w) = self.vg_ending_at(s) {
            if self.g.vgs[w].copula || self.verb_in(w, &self.lex.copulas) {
                return Agents::generic();
            }
            let mut a = self.verb_agents(w, depth + 1);
            if self.verb_in(w, &self.lex.prevention_verbs) || self.verb_in(w, &self.lex.negative_verbs) {
                a.negated = true;
            }
            return a;
        }
        // "spent the winter drafting", "spent months in Paris mediating":
        // the subject of "spent" does it (over a phrase of place or time).
        let mut np = self.g.np_ending_at(s);
        for _ in 0..3 {
            let Some(n) = np else { break };
            // "spent much of 1993 drafting": a share of a time.
            let ns = self.g.nps[n].toks.start;
            if ns >= 3
                && self.lower(ns - 1) == "of"
                && matches!(self.lower(ns - 2), "much" | "most" | "all" | "part" | "half" | "some")
            {
                if let Some(w) = self.vg_ending_at(ns - 2) {
                    if self.verb_in(w, &self.lex.subject_control_verbs) {
                        return self.verb_agents(w, depth + 1);
                    }
                }
            }
            if let Some(w) = self.object_of(n) {
                if self.verb_in(w, &self.lex.subject_control_verbs) {
                    return self.verb_agents(w, depth + 1);
                }
                break;
            }
            let start = self.g.nps[n].toks.start;
            if !self.in_pp(n) || start < 2 {
                break;
            }
            np = self.g.np_ending_at(start - 1);
        }
        // "peacekeepers negotiating a truce", "UNIFIL, negotiating ..."
        let mut j = s;
        while j > 0 && self.toks[j - 1].lower == "," {
            j -= 1;
        }
        if let Some(n) = self.g.np_ending_at(j) {
            // "entered the town, using mediation", "are characterized by
            // their nature, employing mediation": after an object and a
            // comma, a participle of means ("using", "conducting") has the
            // clause's subject (for a passive, the one it was done to). Not
            // one of result ("..., ending the war": what brought it about).
            // "..., helping to defeat the rebels": helping is the subject's
            // share in the act.
            let object = self.in_pp(n) || self.object_of(n).is_some();
            let means = self.verb_in(v, &self.lex.light_verbs) || self.verb_in(v, &self.lex.facilitation_verbs);
            if j < s && object && means {
                let main = (j.saturating_sub(REACH)..j)
                    .rev()
                    .filter_map(|k| self.g.vg_of[k])
                    .find(|&w| self.g.vgs[w].form == VerbForm::Finite);
                if let Some(w) = main {
                    return if self.g.vgs[w].passive {
                        self.subject_at(w, depth + 1).map(Agents::nps).unwrap_or_default()
                    } else {
                        self.verb_agents(w, depth + 1)
                    };
                }
            }
            if !self.in_pp(n) || j == s {
                return Agents::nps(vec![n]);
            }
            // "stayed in the Sinai for years, manning observation posts":
            // after an adverbial phrase and a comma, the clause's subject.
            // (Not after a verb's particle: "hammered out the agreements,
            // ending the war" has an object there.)
            let ps = self.g.nps[n].toks.start;
            let particle = ps >= 2 && is_particle(self.lower(ps - 1)) && self.g.vg_of[ps - 2].is_some();
            if j < s && !particle {
                return self.main_before(j, depth);
            }
        }
        if j < s && j == 0 {
            return self.opening_agents(v, depth);
        }
        Agents::generic()
    }

    /// Whether the phrase at `k` opens its clause (only punctuation before it
    /// since the sentence start or the last clause break).
    fn opens_clause(&self, k: usize) -> bool {
        (0..k)
            .rev()
            .take_while(|&j| !matches!(self.lower(j), ";" | ":"))
            .all(|j| !self.toks[j].word)
    }

    /// The subject of the first finite verb after the opening phrase that
    /// holds verb group `v` ("Having brokered the deal, the blue helmets ...").
    fn opening_agents(&self, v: usize, depth: u8) -> Agents {
        let end = self.g.vgs[v].toks.end;
        let Some(comma) = (end..self.toks.len().min(end + REACH)).find(|&k| self.lower(k) == ",") else {
            return Agents::generic();
        };
        let main = (comma + 1..self.toks.len().min(comma + REACH))
            .filter_map(|k| self.g.vg_of[k])
            .find(|&w| self.g.vgs[w].form == VerbForm::Finite);
        match main {
            Some(w) => self
                .subject_at(w, depth + 1)
                .map(Agents::nps)
                .unwrap_or_else(Agents::generic),
            None => Agents::generic(),
        }
    }

    /// The agents of the nearest finite verb before token `k`.
    fn main_before(&self, k: usize, depth: u8) -> Agents {
        let w = (k.saturating_sub(REACH)..k)
            .rev()
            .filter_map(|j| self.g.vg_of[j])
            .find(|&w| self.g.vgs[w].form == VerbForm::Finite);
        self.purpose_of(w, depth)
    }

    /// Who does a purpose of main verb `w` ("in order to", "with orders
    /// to"): its agents, what a passive or a sending verb sends.
    fn purpose_of(&self, w: Option<usize>, depth: u8) -> Agents {
        match w {
            // "operations are launched in order to end the war": what is
            // launched does the work, unless someone is named after "by".
            Some(w) if self.g.vgs[w].passive && self.by_agent(w).is_none() => {
                let mut a = self.subject_at(w, depth + 1).map(Agents::nps).unwrap_or_default();
                a.negated |= self.negated(w);
                a
            }
            // "dispatched peacekeepers to Bosnia in order to stop the war":
            // who is sent does the work.
            Some(w) if self.verb_in(w, &self.lex.deployment_verbs) => {
                let sent = self.g.np_of.get(self.g.vgs[w].toks.end).copied().flatten();
                match sent {
                    Some(n) => {
                        let mut a = Agents::nps(self.coordination(n, false));
                        a.negated |= self.negated(w);
                        a
                    }
                    None => self.verb_agents(w, depth + 1),
                }
            }
            Some(w) => self.verb_agents(w, depth + 1),
            None => Agents::generic(),
        }
    }

    /// The agents of an act noun at token `c`: its possessor, "by" after it,
    /// or the subject of a light verb whose object it is.
    pub fn agents_of_noun(&self, c: usize) -> Agents {
        let Some(n) = self.g.np_of[c] else {
            return Agents::generic();
        };
        let np = &self.g.nps[n];
        // "Algerian-led mediation", "US-brokered talks": someone named does it.
        if (np.toks.start..c).any(|k| {
            let w = self.lower(k);
            ["-led", "-brokered", "-sponsored", "-mediated", "-backed", "-run"]
                .iter()
                .any(|x| w.ends_with(x))
        }) {
            return Agents::none();
        }
        // "long enough for that diplomacy to happen": the act is the subject
        // of its own clause, not anyone's work here.
        if np.toks.start > 0
            && self.lower(np.toks.start - 1) == "for"
            && self.toks.get(np.toks.end).is_some_and(|t| t.lower == "to")
        {
            return Agents::none();
        }
        if np.head == c && self.ended_by_next_verb(np.toks.end) {
            return Agents::prevented();
        }
        // "the Iraqi invasion", "NATO air strikes": a name before the
        // act names who does it (an actor when it is a term).
        // Not a numbered reference ("Chapter VII enforcement", "Article 42
        // action").
        let numeral = |k: usize| {
            let w = self.lower(k);
            w.chars().all(|ch| "ivxlcdm".contains(ch)) || w.chars().all(|ch| ch.is_ascii_digit())
        };
        let named = (np.toks.start..c)
            .rev()
            .find(|&k| k > 0 && self.toks[k].capital && matches!(self.toks[k].tag, Tag::Propn | Tag::Adj | Tag::Noun))
            .filter(|&k| !(k..c).any(numeral));
        let possessed = match np.possessor.filter(|&p| p < c) {
            Some(p) => Some(Agents {
                possessor: Some(p),
                ..Agents::default()
            }),
            None => named.map(|k| Agents {
                named: Some(k),
                ..Agents::default()
            }),
        };
        // "the negotiation by UNTAC", "the negotiation of the 1991
        // settlement by UNTAC": over the act's object.
        let mut by = np.toks.end;
        if self.toks.get(by).is_some_and(|t| t.lower == "of") {
            let mut e = by + 1;
            for _ in 0..2 {
                match self.g.np_of.get(e).copied().flatten() {
                    Some(m) if self.g.nps[m].toks.start == e => e = self.g.nps[m].toks.end,
                    _ => break,
                }
            }
            if e > by + 1 && self.toks.get(e).is_some_and(|t| t.lower == "by") {
                by = e;
            }
        }
        if self.toks.get(by).is_some_and(|t| t.lower == "by") {
            if let Some(m) = self.g.np_of.get(by + 1).copied().flatten() {
                return Agents {
                    by_phrase: true,
                    ..Agents::nps(self.coordinated_right(m))
                };
            }
        }
        // "ambushes blamed on the militia", "raids carried out by the army".
        if let Some(len) = self.lex.agent_participles.at(self.toks, np.toks.end) {
            if let Some(m) = self.g.np_of.get(np.toks.end + len).copied().flatten() {
                return Agents {
                    by_phrase: true,
                    ..Agents::nps(self.coordinated_right(m))
                };
            }
        }
        // "a long negotiation which was led by the peace-keepers": the agent
        // of a passive light verb in a relative clause.
        if self
            .toks
            .get(np.toks.end)
            .is_some_and(|t| matches!(t.lower.as_str(), "which" | "that"))
        {
            if let Some(v) = self.g.vg_of.get(np.toks.end + 1).copied().flatten() {
                if self.g.vgs[v].passive && self.verb_in(v, &self.lex.light_verbs) {
                    if let Some(nps) = self.by_agent(v) {
                        return Agents::nps(nps);
                    }
                }
            }
        }
        // The verb whose object the act is, directly or through a
        // preposition ("engaged in negotiations", "took part in talks"), or
        // through a list ("used diplomacy, negotiation and mediation").
        // (Not a phrase that opens a clause of its own: "monitored the
        // ceasefire and mediation was left to envoys".)
        let mut first = n;
        if !self.g.before_finite_verb(n) {
            // Over "X, Y, and" to the list's first item.
            for _ in 0..6 {
                let mut k = self.g.nps[first].toks.start;
                while k > 0 && matches!(self.lower(k - 1), "," | "and" | "or") {
                    k -= 1;
                }
                match self.g.np_ending_at(k) {
                    Some(m) if k < self.g.nps[first].toks.start && !self.in_pp(m) => first = m,
                    _ => break,
                }
            }
        }
        let mut at = self.g.nps[first].toks.start;
        // "of [patient] [diplomatic work]": over a modifier the chunker split off.
        for _ in 0..2 {
            match self.g.np_ending_at(at) {
                Some(m)
                    if self.g.nps[m].toks.start > 0
                        && self.toks[self.g.nps[m].toks.start - 1].tag == Tag::Adp
                        && self.toks[self.g.nps[m].toks.clone()]
                            .iter()
                            .all(|t| matches!(t.tag, Tag::Adj | Tag::Noun | Tag::Num | Tag::Det)) =>
                {
                    at = self.g.nps[m].toks.start;
                }
                _ => break,
            }
        }
        if at > 0 && (self.toks[at - 1].tag == Tag::Adp || self.lower(at - 1) == "to") {
            at -= 1;
            // "security for peace talks": someone else's act, made
            // possible; "the product of diplomacy": it brought the noun
            // before it about.
            if let Some(before) = self.g.np_ending_at(at) {
                let head = self.lower(self.g.nps[before].head);
                if self.lex.support_nouns.contains_word(head)
                    || self.lower(at) == "of"
                        && (self.lex.origin_nouns.contains_word(head) || self.lex.patient_nouns.contains_word(head))
                {
                    return Agents::none();
                }
                if self.lower(at) == "of" && self.prevented_phrase(before) {
                    return Agents::prevented();
                }
            }
        }
        // "ended the war by bombing their positions": who does a gerund
        // after "by" is who does the clause's verb before it (unless that
        // verb is passive: "was ended by bombing" names nobody).
        if self.lower(at) == "by"
            && c == self.g.nps[n].toks.start
            && self.lower(c).ends_with("ing")
            && possessed.is_none()
        {
            let clause_verb = (0..at)
                .rev()
                .take_while(|&k| !matches!(self.lower(k), ";" | ":" | "." | "?" | "!"))
                .find_map(|k| self.g.vg_of[k]);
            if let Some(v) = clause_verb.filter(|&v| !self.g.vgs[v].passive) {
                return self.agents_of_verb(v);
            }
        }
        let Some(w) = self.vg_ending_at(at) else {
            return possessed.unwrap_or_else(Agents::generic);
        };
        // "led the UN's peace talks": the one who leads them, whoever's they are.
        if !self.verb_in(w, &self.lex.light_verbs) {
            if let Some(p) = possessed {
                return p;
            }
        }
        if self.g.vgs[w].copula || self.verb_in(w, &self.lex.copulas) {
            return Agents::generic();
        }
        if self.verb_in(w, &self.lex.prevention_verbs) {
            return Agents::prevented();
        }
        if self.verb_in(w, &self.lex.light_verbs) {
            let mut a = if self.g.vgs[w].passive {
                self.by_agent(w).map(Agents::nps).unwrap_or_default()
            } else {
                self.verb_agents(w, 1)
            };
            if self.verb_in(w, &self.lex.negative_verbs) {
                a.negated = true;
            }
            return a;
        }
        // Someone else's act: "suffered attacks", "supported the negotiations".
        Agents::none()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::parse;
    use super::*;
    use crate::terms::Database;

    /// The agents of the act word `act` in `text`, as the words of each
    /// agent phrase, with marks for negation, prevention and facilitation.
    fn agents(text: &str, act: &str) -> String {
        let (toks, g) = parse(text);
        let lex = Database::builtin().lexicon();
        let r = Relations::new(&toks, &g, lex);
        let c = toks.iter().position(|t| t.lower == act).expect("act word");
        let a = match g.vg_of[c] {
            Some(v) if g.vgs[v].main == c => r.agents_of_verb(v),
            _ => r.agents_of_noun(c),
        };
        let phrase = |n: usize| {
            toks[g.nps[n].toks.clone()]
                .iter()
                .map(|t| t.lower.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut out: Vec<String> = a.nps.iter().map(|&n| phrase(n)).collect();
        if let Some(p) = a.possessor {
            out.push(format!("poss:{}", toks[p].lower));
        }
        if let Some(k) = a.named {
            out.push(format!("named:{}", toks[k].lower));
        }
        out.extend(a.facilitators.iter().map(|&n| format!("helper:{}", phrase(n))));
        if a.negated {
            out.push("NEG".into());
        }
        if a.not_done {
            out.push("NOT-DONE".into());
        }
        if a.generic {
            out.push("GENERIC".into());
        }
        out.join(" | ")
    }

    #[test]
    fn line_by_line_is_no_agent_and_much_of_a_year_is_a_time() {
        assert_eq!(
            agents(
                "The accords were negotiated line by line by the blue helmets.",
                "negotiated"
            ),
            "the blue helmets"
        );
        assert_eq!(
            agents(
                "The blue helmets spent much of 1993 negotiating the protocols.",
                "negotiating"
            ),
            "the blue helmets"
        );
    }

    #[test]
    fn a_bare_phrase_after_an_opening_one_is_the_subject_alone() {
        assert_eq!(agents("Delegates, envoys negotiated the deal.", "negotiated"), "envoys");
        assert_eq!(agents("Today, envoys negotiated the deal.", "negotiated"), "envoys");
        // An apposition is a description: it names the subject again.
        assert_eq!(
            agents("UNMIS, the mission in Sudan, negotiated the deal.", "negotiated"),
            "unmis | the mission"
        );
    }

    #[test]
    fn an_act_that_a_verb_ends_is_over() {
        assert_eq!(
            agents(
                "Peacekeeping keeps the peace where fighting has been halted.",
                "fighting"
            ),
            "NOT-DONE"
        );
        assert_eq!(
            agents("Peacekeepers arrived after the fighting stopped.", "fighting"),
            "NOT-DONE"
        );
        assert_eq!(
            agents("Peacekeepers say fighting stops wars.", "fighting"),
            "peacekeepers"
        );
        assert_eq!(
            agents(
                "Peacekeepers arrived although the fighting had not stopped.",
                "fighting"
            ),
            "GENERIC"
        );
    }

    #[test]
    fn a_length_of_time_is_spent_by_whoever_does_the_act_after_it() {
        let act = "negotiate";
        assert_eq!(
            agents("It took the blue helmets two years to negotiate a deal.", act),
            "the blue helmets"
        );
        assert_eq!(
            agents("The blue helmets took two years to negotiate a deal.", act),
            "the blue helmets"
        );
        assert_eq!(
            agents(
                "Why did it take the blue helmets in Bosnia until November 1995 to negotiate?",
                act
            ),
            "the blue helmets"
        );
        assert_eq!(agents("It took two years to negotiate a deal.", act), "GENERIC");
        assert_eq!(
            agents(
                "It took the blue helmets in Beirut almost two years to negotiate a deal.",
                act
            ),
            "the blue helmets"
        );
        assert_eq!(
            agents("The blue helmets did not take two years to negotiate a deal.", act),
            "the blue helmets | NEG"
        );
        // A time after "since" is passed over like one after a preposition.
        assert_eq!(
            agents("Blue helmets have been sent since 1948 to negotiate deals.", act),
            "blue helmets"
        );
    }

    #[test]
    fn active_subjects_skip_modifiers_of_the_subject() {
        assert_eq!(
            agents("UN peacekeepers negotiated the Dayton Accords.", "negotiated"),
            "un peacekeepers"
        );
        assert_eq!(
            agents("The blue helmets in Bosnia negotiated a deal.", "negotiated"),
            "the blue helmets"
        );
        assert_eq!(
            agents(
                "Peacekeepers who had arrived in the spring drafted the settlement.",
                "drafted"
            ),
            "peacekeepers"
        );
        assert_eq!(
            agents("UNIFIL, which was set up in 1978, negotiated a treaty.", "negotiated"),
            "unifil"
        );
    }

    #[test]
    fn a_gerund_after_by_is_done_by_the_subject_of_the_clause() {
        assert_eq!(
            agents("UN peacekeepers ended the war by bombing rebel positions.", "bombing"),
            "un peacekeepers"
        );
        assert_eq!(
            agents("The envoys did not end the war by bombing anyone.", "bombing"),
            "the envoys | NEG"
        );
        // After a passive the gerund is the passive's agent: it does not
        // do itself.
        let passive = agents("The war was ended by bombing rebel positions.", "bombing");
        assert!(!passive.contains("bombing"), "{passive}");
    }

    #[test]
    fn a_negation_of_several_words_before_a_gerund() {
        let a = agents(
            "The missions were about refereeing a conflict, rather than stopping it.",
            "stopping",
        );
        assert!(a.contains("NEG"), "{a}");
        let a = agents("The envoys talked instead of sending troops.", "sending");
        assert!(a.contains("NEG"), "{a}");
    }

    #[test]
    fn but_rather_corrects_the_same_subjects_verb() {
        assert_eq!(
            agents(
                "These soldiers do not fight, but rather negotiate with the parties.",
                "negotiate"
            ),
            "these soldiers"
        );
        assert_eq!(
            agents(
                "These soldiers do not fight in combat, but rather focus on negotiations.",
                "focus"
            ),
            "these soldiers"
        );
        // The activity its object names ("focus on" is a light verb).
        assert_eq!(
            agents(
                "These soldiers do not fight in combat, but rather focus on negotiations.",
                "negotiations"
            ),
            "these soldiers"
        );
        // "but" alone opens a clause of its own.
        assert_eq!(
            agents("The soldiers stayed, but negotiated nothing.", "negotiated"),
            "NEG | GENERIC"
        );
    }

    #[test]
    fn relative_clauses_give_the_verb_its_own_subject() {
        assert_eq!(
            agents(
                "The mediators whom the peacekeepers escorted signed the accord.",
                "signed"
            ),
            "the mediators"
        );
        assert_eq!(
            agents(
                "The mediators whom the peacekeepers escorted signed the accord.",
                "escorted"
            ),
            "the peacekeepers"
        );
        // The object of a subject relative clause is not the next verb's subject.
        assert_eq!(
            agents("The envoys who chaired the talks then patrolled the line.", "patrolled"),
            "the envoys"
        );
        assert_eq!(
            agents(
                "The envoys who chaired the talks in Oslo later patrolled the line.",
                "patrolled"
            ),
            "the envoys"
        );
    }

    #[test]
    fn coordination_of_subjects_and_verbs() {
        assert_eq!(
            agents(
                "Both the blue helmets and the two governments signed the agreement.",
                "signed"
            ),
            "both the blue helmets | the two governments"
        );
        assert_eq!(
            agents("UNIFIL monitored the line and negotiated a treaty.", "negotiated"),
            "unifil"
        );
    }

    #[test]
    fn passives_infinitives_and_gerunds() {
        assert_eq!(
            agents("The accord was brokered by the blue helmets.", "brokered"),
            "the blue helmets"
        );
        assert_eq!(agents("The accord was brokered in 1995.", "brokered"), "");
        assert_eq!(agents("Peacekeepers were sent to end the war.", "end"), "peacekeepers");
        assert_eq!(
            agents("The envoy failed to negotiate a deal.", "negotiate"),
            "the envoy | NEG"
        );
        assert_eq!(
            agents(
                "Peacekeeping means stopping the sides from attacking each other.",
                "attacking"
            ),
            "the sides | NOT-DONE"
        );
        assert_eq!(
            agents("The force ended the fighting by moving in.", "moving"),
            "the force"
        );
        assert_eq!(
            agents("Having brokered the deal, the blue helmets left.", "brokered"),
            "the blue helmets"
        );
    }

    #[test]
    fn facilitation_and_support() {
        assert_eq!(
            agents("Peacekeepers helped the parties reach a settlement.", "reach"),
            "the parties | helper:peacekeepers"
        );
    }

    #[test]
    fn a_by_list_ends_where_a_new_clause_opens() {
        assert_eq!(
            agents(
                "The talks were mediated by Norway and the peacekeepers monitored the ceasefire.",
                "mediated"
            ),
            "norway"
        );
        assert_eq!(
            agents("The accord was brokered by Norway and the United States.", "brokered"),
            "norway | the united states"
        );
    }

    #[test]
    fn and_before_a_new_subject_joins_two_clauses() {
        assert_eq!(
            agents(
                "The envoys talk to the leaders and the peacekeepers guard the line.",
                "guard"
            ),
            "the peacekeepers"
        );
        assert_eq!(
            agents("The envoys talk to the leaders and the peacekeepers.", "talk"),
            "the envoys"
        );
        assert_eq!(
            agents("The envoys from Norway and Cuba was negotiating.", "negotiating"),
            "the envoys"
        );
        assert_eq!(agents("NATO took military action.", "action"), "nato");
    }

    #[test]
    fn act_nouns() {
        assert_eq!(agents("NATO launched air strikes.", "strikes"), "nato");
        assert_eq!(
            agents("The attacks the mission suffered were deadly.", "attacks"),
            "GENERIC"
        );
        assert_eq!(agents("Peacekeepers deterred attacks.", "attacks"), "NOT-DONE");
        // Through the phrase whose act it is.
        assert_eq!(
            agents("The force was there to prevent a new outbreak of fighting.", "fighting"),
            "NOT-DONE"
        );
        assert_eq!(
            agents("They reported a new outbreak of fighting.", "fighting"),
            "GENERIC"
        );
        // The same when the act is a gerund ("fighting between ...").
        assert_eq!(
            agents(
                "It was there to prevent an outbreak of fighting between the communities.",
                "fighting"
            ),
            "NOT-DONE"
        );
        // Done to the one it is said of.
        assert_eq!(agents("The peacekeepers were the target of attacks.", "attacks"), "");
        assert_eq!(agents("The peacekeepers were the victims of shelling.", "shelling"), "");
        assert_eq!(agents("UNIFIL's mediation failed.", "mediation"), "poss:unifil's");
        assert_eq!(
            agents("Mediation by the blue helmets failed.", "mediation"),
            "the blue helmets"
        );
    }

    #[test]
    fn act_nouns_of_someone_named_or_made_possible() {
        // A name before the act says who did it.
        assert_eq!(
            agents("Decades after the Iraqi invasion, the border is calm.", "invasion"),
            "named:iraqi"
        );
        assert_eq!(agents("The talks followed NATO bombing.", "bombing"), "named:nato");
        // A numeral is no name.
        assert_eq!(
            agents("Peacemaking is Chapter VII enforcement.", "enforcement"),
            "GENERIC"
        );
        // A participle and preposition after the act name its agent.
        assert_eq!(
            agents("Many died in ambushes blamed on the militia.", "ambushes"),
            "the militia"
        );
        assert_eq!(agents("They faced raids carried out by the army.", "raids"), "the army");
        // Conditions for an act, the product of an act: someone else's.
        assert_eq!(
            agents("The mandate was to provide security for peace talks.", "talks"),
            ""
        );
        assert_eq!(
            agents("The mission was the result of long negotiations.", "negotiations"),
            ""
        );
        // Without those, an act noun after a preposition is still generic.
        assert_eq!(
            agents("Peacemaking is the process of negotiation.", "negotiation"),
            "GENERIC"
        );
    }

    #[test]
    fn a_purpose_after_a_passive_is_the_subjects() {
        assert_eq!(
            agents("Peacekeeping operations are launched in order to end the war.", "end"),
            "peacekeeping operations"
        );
        assert_eq!(
            agents("Peacekeepers were sent by the Council in order to end the war.", "end"),
            "the council"
        );
    }

    #[test]
    fn a_purpose_after_an_adverb_is_the_objects() {
        assert_eq!(
            agents(
                "They should send blue helmets into Sudan right now to stop the war.",
                "stop"
            ),
            "blue helmets | helper:they"
        );
    }

    #[test]
    fn a_purpose_after_a_time_that_of_completes() {
        assert_eq!(
            agents(
                "The UN sent the force at the beginning of the war to stop the fighting.",
                "stop"
            ),
            "the force | helper:the un"
        );
    }

    #[test]
    fn an_act_after_with_orders_is_the_subjects() {
        assert_eq!(
            agents("The peacekeepers were flown in with orders to end the war.", "end"),
            "the peacekeepers"
        );
        assert_eq!(
            agents(
                "The first peacekeepers were flown in while the fighting was under way, with orders to end the war.",
                "end"
            ),
            "the first peacekeepers"
        );
        assert_eq!(
            agents(
                "The Council sent a battalion with a mandate to disarm the militias.",
                "disarm"
            ),
            "a battalion"
        );
        // Other nouns do the act themselves.
        assert_eq!(agents("They came with mediators to end the war.", "end"), "mediators");
    }

    #[test]
    fn a_purpose_after_sending_is_what_is_sent() {
        assert_eq!(
            agents(
                "The Council dispatched peacekeepers to Bosnia in order to stop the war.",
                "stop"
            ),
            "peacekeepers"
        );
        assert_eq!(
            agents("The UN is rushing troops to the region in a bid to end the war.", "end"),
            "troops"
        );
        // Other verbs keep their subject.
        assert_eq!(
            agents("The Council met in Geneva in order to end the war.", "end"),
            "the council"
        );
    }

    #[test]
    fn denied_complement_clauses() {
        assert_eq!(
            agents("It does not mean the blue helmets wrote the agreement.", "wrote"),
            "the blue helmets | NEG"
        );
        assert_eq!(
            agents("It does not mean that the blue helmets wrote the agreement.", "wrote"),
            "the blue helmets | NEG"
        );
        assert_eq!(
            agents("It means the blue helmets wrote the agreement.", "wrote"),
            "the blue helmets"
        );
        // A negation of two words before the verb: "no longer says".
        assert_eq!(
            agents("It no longer says the blue helmets wrote the agreement.", "wrote"),
            "the blue helmets | NEG"
        );
    }

    #[test]
    fn an_object_denied_after_a_comma_denies_the_act() {
        assert_eq!(
            agents("Peacekeepers do negotiate, just not peace deals.", "negotiate"),
            "peacekeepers | NEG"
        );
        // Another doer set against the subject is no object.
        assert_eq!(
            agents("Peacekeepers negotiated, not NATO.", "negotiated"),
            "peacekeepers"
        );
        // An object named before the comma.
        assert_eq!(
            agents("Peacekeepers negotiated the treaty, not the ceasefire.", "negotiated"),
            "peacekeepers"
        );
    }

    #[test]
    fn an_alternative_to_a_negated_verb_is_negated() {
        assert_eq!(
            agents("Peacekeepers don't invade countries or defeat armies.", "defeat"),
            "peacekeepers | NEG"
        );
        assert_eq!(
            agents("Peacekeepers cannot negotiate or sign a treaty.", "sign"),
            "peacekeepers | NEG"
        );
        // "and" adds what they do.
        assert_eq!(
            agents(
                "Peacekeepers do not take sides and negotiated the treaty.",
                "negotiated"
            ),
            "peacekeepers"
        );
        // Another clause.
        assert_eq!(
            agents(
                "Peacekeepers did not just patrol or wait; they negotiated the treaty.",
                "negotiated"
            ),
            "they"
        );
    }

    #[test]
    fn negated_subjects_and_verbs() {
        assert_eq!(
            agents("Peacekeepers did not negotiate the accord.", "negotiate"),
            "peacekeepers | NEG"
        );
        assert_eq!(
            agents("No peacekeepers negotiated the accord.", "negotiated"),
            "no peacekeepers | NEG"
        );
    }
}
