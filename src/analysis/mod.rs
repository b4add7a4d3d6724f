//! The analysis core: text in, findings out. Knows nothing of LSP.
//!
//! `source -> prose (text::extract) -> term and cue matches (scan) ->
//! sentences (split) -> tagged tokens, phrases and relations (grammar) ->
//! actors across sentences (discourse) -> evidence -> rule mechanisms ->
//! findings`, all with byte ranges into the source. Analysis never fails:
//! odd input yields fewer findings, never an error.

mod acronyms;
pub mod aids;
pub(crate) mod discourse;
pub mod evidence;
mod fixes;
pub mod grammar;
pub mod incremental;
mod language_id;
pub mod mechanism;
mod reported;
pub mod sentence;
mod split;
mod suppress;

pub use crate::terms::Severity;
pub use language_id::OTHER_LANGUAGE;
pub use suppress::{next_line_comment, DIRECTIVE_PREFIX, UNUSED_SUPPRESSION};

use crate::lexicon::{tokenize, Lexicon};
use crate::scan::Normalized;
use crate::terms::Database;
use crate::text::{self, Format};
pub use incremental::{Incremental, Stop, Trace};
use std::ops::Range;

/// A recognised term in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermHit {
    pub range: Range<usize>,
    /// Index into `Database::terms`.
    pub term: usize,
}

/// A pointer from a finding to the words that triggered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub range: Range<usize>,
    pub message: String,
}

/// One text edit, in source byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// A quick fix: a title and the edits that carry it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

/// One diagnostic, in source byte offsets.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: String,
    pub related: Vec<Related>,
    /// The flagged term, when the finding is on one.
    pub term: Option<usize>,
    /// Quick fixes, best first.
    pub fixes: Vec<Fix>,
}

#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub terms: Vec<TermHit>,
    pub findings: Vec<Finding>,
    /// Where the analysis stopped because its caller asked it to (the
    /// start of the first sentence not read); `None` when it read all.
    pub stopped_at: Option<usize>,
}

impl Analysis {
    /// The term whose range contains `offset` (ends inclusive, so a cursor
    /// just after a word still finds it).
    pub fn term_at(&self, offset: usize) -> Option<&TermHit> {
        let i = self.terms.partition_point(|t| t.range.end < offset);
        self.terms
            .get(i)
            .filter(|t| t.range.start <= offset && offset <= t.range.end)
    }
}

/// Whether a sentence has a word that can refer back to an actor named
/// before ("they", "the force", "these troops"). A quick scan, so that
/// sentences without a term stay cheap.
fn mentions_anaphor(sentence: &str, lex: &Lexicon) -> bool {
    let (mut previous, mut word) = (String::new(), String::new());
    for w in sentence.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        word.clear();
        word.extend(w.chars().flat_map(char::to_lowercase));
        if lex.plural_pronouns.contains_word(&word)
            || lex.singular_pronouns.contains_word(&word)
            || lex.actor_nouns.contains_word(&word) && lex.anaphor_determiners.contains_word(&previous)
        {
            return true;
        }
        std::mem::swap(&mut previous, &mut word);
    }
    false
}

/// Find the terms in a document (no rules): what hover needs.
pub fn find_terms(source: &str, format: Format, db: &Database) -> Vec<TermHit> {
    let prose = text::extract(source, format);
    let norm = Normalized::new(&prose.text);
    term_hits(&norm, db, &rule_ids(&prose.text, db))
}

fn term_hits(norm: &Normalized, db: &Database, skip: &[Range<usize>]) -> Vec<TermHit> {
    let mut hits: Vec<TermHit> = db
        .term_matcher()
        .find(norm)
        .into_iter()
        .filter(|m| !overlaps(skip, &m.range))
        .map(|m| TermHit {
            range: m.range,
            term: db.term_of_pattern(m.pattern),
        })
        .collect();
    let misspelled = misspelled_terms(norm, db, &hits, skip);
    if !misspelled.is_empty() {
        // A misspelled name takes the place of the term inside it
        // ("Peacebuilding" in "Peacebuilding Comission").
        hits.retain(|h| {
            !misspelled
                .iter()
                .any(|m| m.range.start <= h.range.start && h.range.end <= m.range.end)
        });
        hits.extend(misspelled);
        hits.sort_by_key(|h| (h.range.start, h.range.end));
    }
    hits
}

/// Concept and actor terms written with a slip of spelling ("Peacemakeing",
/// "peace-keping"): words no form matched that the database recognises as
/// one misspelled, also when "peace" is written apart from the rest.
fn misspelled_terms(norm: &Normalized, db: &Database, hits: &[TermHit], skip: &[Range<usize>]) -> Vec<TermHit> {
    let text = norm.text.as_str();
    let words = crate::scan::runs(text, char::is_alphabetic);
    // Hits are sorted by start: whether one covers a word is a search.
    let covered = |r: &Range<usize>| {
        let range = norm.original(r.clone());
        let i = hits.partition_point(|h| h.range.end <= range.start);
        overlaps(skip, &range) || hits.get(i).is_some_and(|h| h.range.start < range.end)
    };
    // A slip makes a word that is neither English nor a term's own word.
    let known = |w: &str| {
        w.split(' ')
            .all(|part| grammar::tagger::knows(part) || db.lookup(part).is_some())
    };
    let mut out = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let w = words[k].clone();
        let next = words.get(k + 1).filter(|n| n.start == w.end + 1).cloned();
        k += 1;
        if !db.may_misspell(&text[w.clone()]) {
            continue;
        }
        // "peacebuilding comission": a two-word name with a slip in its
        // second word (the first may be a term of its own).
        // (A slip makes a word no lexicon knows: test that first, it is cheap.)
        if let Some(n) = next.clone().filter(|n| !known(&text[n.clone()]) && !covered(n)) {
            let pair = &text[w.start..n.end];
            if let Some(term) = db.misspelled(pair) {
                out.push(TermHit {
                    range: norm.original(w.start..n.end),
                    term,
                });
                k += 1;
                continue;
            }
        }
        // "peace keping": the halves written apart.
        let joined = next.filter(|n| &text[w.clone()] == "peace" && !known(&text[n.clone()]) && !covered(n));
        let (span, word) = match &joined {
            Some(n) => (w.start..n.end, format!("peace{}", &text[n.clone()])),
            None if w.len() >= 9 && !known(&text[w.clone()]) && !covered(&w) => {
                (w.clone(), text[w.clone()].to_string())
            }
            None => continue,
        };
        let Some(term) = db.misspelled(&word) else {
            continue;
        };
        if joined.is_some() {
            k += 1;
        }
        out.push(TermHit {
            range: norm.original(span),
            term,
        });
    }
    out
}

/// Rule ids written as words ("peacekeeping-as-peacemaking" in a sentence
/// about the tool, or a table cell): names, not uses of the terms in them.
/// Sorted by start.
fn rule_ids(text: &str, db: &Database) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut codes: Vec<&str> = db
        .rules
        .iter()
        .map(|r| r.code.as_str())
        .filter(|c| c.contains('-'))
        .collect();
    codes.dedup();
    for code in codes {
        for (i, _) in text.match_indices(code) {
            let end = i + code.len();
            let before = text[..i].chars().next_back().is_some_and(is_word);
            let after = text[end..].chars().next().is_some_and(is_word);
            if !before && !after {
                out.push(i..end);
            }
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

fn overlaps(sorted: &[Range<usize>], r: &Range<usize>) -> bool {
    let i = sorted.partition_point(|s| s.end <= r.start);
    sorted.get(i).is_some_and(|s| s.start < r.end)
}

/// Build what every analysis needs (the built-in database and its
/// matchers, the tagger's model, the language detector, the helper thread
/// that reads second halves) by analysing a text long enough to be read in
/// two halves: the server runs this on a thread of its own at start-up, so
/// the first document opened does not pay for it (nor for the helper's
/// first read: its stack, its memory).
pub fn warm_up() {
    let db = Database::builtin();
    let paragraph = "UN peacekeepers negotiated the ceasefire. They patrol the line.\n\n";
    analyze(&paragraph.repeat(64), Format::Markdown, db);
    language_id::check("Les casques bleus surveillent la ligne de cessez-le-feu depuis des années, et ils ne négocient pas la paix entre les parties au conflit, contrairement aux médiateurs envoyés par le Secrétaire général.");
}

/// Full analysis of a document.
pub fn analyze(source: &str, format: Format, db: &Database) -> Analysis {
    analyze_traced(source, format, db, &mut |_| {}, &|| false)
}

/// Full analysis that stops before a sentence when `stop` says so (a work
/// budget, or a newer version of the document); see [`Analysis::stopped_at`].
pub fn analyze_until(source: &str, format: Format, db: &Database, stop: &incremental::Stop<'_>) -> Analysis {
    analyze_traced(source, format, db, &mut |_| {}, stop)
}

/// What the analysis sees in each sentence it reads: tags, phrases, actors,
/// cues and their agents. For development (`examples/grammar.rs`).
#[doc(hidden)]
pub fn explain_sentence(source: &str, format: Format, db: &Database) -> String {
    let mut out = String::new();
    let mut one_thread = Incremental::new();
    one_thread.split = incremental::Split::Never;
    one_thread.update(source, format, db, &mut |s| out.push_str(&s.dump()), &|| false);
    out
}

fn analyze_traced(
    source: &str,
    format: Format,
    db: &Database,
    trace: &mut incremental::Trace<'_>,
    stop: &incremental::Stop<'_>,
) -> Analysis {
    Incremental::new().update(source, format, db, trace, stop)
}

/// The naive baseline the README compares against: a rule's actor term and
/// any cue of its work concept in the same sentence, or (synonym rules) two
/// concepts and any gloss word in one sentence. No clauses, negation,
/// quotation or exceptions. Used only for evaluation.
pub fn naive(source: &str, format: Format, db: &Database) -> Vec<Finding> {
    let prose = text::extract(source, format);
    let norm = Normalized::new(&prose.text);
    let ids = rule_ids(&prose.text, db);
    let terms = term_hits(&norm, db, &ids);
    let mut cues = db.cue_matcher().find(&norm);
    cues.retain(|c| !overlaps(&ids, &c.range));
    let lex = db.lexicon();
    let mut out = Vec::new();
    for (s, _) in split::split(&prose.text, &prose.breaks, db.abbreviations()) {
        let inside = |r: &Range<usize>| s.start <= r.start && r.end <= s.end;
        let ts: Vec<&TermHit> = terms.iter().filter(|t| inside(&t.range)).collect();
        for rule in &db.rules {
            let severity = rule.severity;
            let is_actor = |t: &TermHit| {
                let term = &db.terms[t.term];
                rule.actor_concepts.contains(&term.concept) && rule.actor_kinds.contains(&term.kind)
            };
            let mut push = |t: &TermHit| {
                out.push(Finding {
                    code: rule.code.clone(),
                    severity,
                    range: t.range.clone(),
                    message: String::new(),
                    related: Vec::new(),
                    term: Some(t.term),
                    fixes: Vec::new(),
                })
            };
            if rule.mechanism == crate::terms::Mechanism::Synonym {
                let toks = tokenize(&prose.text, s.clone());
                let linked = lex.synonym_links.any_in(&toks, 0..toks.len())
                    || lex.sameness_predicates.any_in(&toks, 0..toks.len());
                let actors: Vec<&&TermHit> = ts.iter().filter(|t| is_actor(t)).collect();
                if linked
                    && actors
                        .iter()
                        .any(|b| db.terms[b.term].concept != db.terms[actors[0].term].concept)
                {
                    push(actors[0]);
                }
                continue;
            }
            let work = rule.work_concept.as_deref().unwrap_or_default();
            let has_cue = cues
                .iter()
                .any(|c| inside(&c.range) && db.cue_candidates(c.pattern).iter().any(|&i| db.cues[i].concept == work));
            if has_cue {
                ts.iter().filter(|t| is_actor(t)).for_each(|t| push(t));
            }
        }
    }
    out
}

/// The replacement word shaped like the flagged text: its case, its number
/// and its "peace" hyphenation ("Peace-keepers" + "peacemaker" ->
/// "Peace-makers"; "blue helmets" + "mediator" -> "mediators").
pub fn inflect(original: &str, replacement: &str) -> String {
    let lower = original.to_lowercase();
    let mut r = replacement.to_string();
    let acronym = r.chars().any(char::is_uppercase);
    let last = lower.split_whitespace().last().unwrap_or("");
    if !acronym && last.ends_with('s') && !last.ends_with("ss") && !r.ends_with('s') {
        r = match r.strip_suffix('y') {
            Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
            _ => format!("{r}s"),
        };
    }
    for sep in ["-", " "] {
        if lower.starts_with(&format!("peace{sep}")) {
            if let Some(rest) = r.strip_prefix("peace") {
                let rest = rest.trim_start_matches([' ', '-']);
                r = format!("peace{sep}{rest}");
            }
        }
    }
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    if !acronym && letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return r.to_uppercase();
    }
    if !acronym && original.chars().next().is_some_and(char::is_uppercase) {
        let mut c = r.chars();
        if let Some(first) = c.next() {
            return first.to_uppercase().chain(c).collect();
        }
    }
    r
}

#[cfg(test)]
mod tests;
