//! The knowledge database: terms, contrasts, cue words, rules and function
//! words, loaded from `terms/*.toml` (embedded at build time) and validated.
//!
//! Loading never panics: every problem is returned as a [`DbError`] naming
//! the file and the entry.

mod consistency;
mod explain;
pub mod facts;
mod model;

pub use explain::{comparison_table, explain_finding, explain_markdown, hover_markdown};

pub use crate::lexicon::Language;
pub use facts::{DatedFact, Event, Fact, IsoDate, Resolution, Subject};
pub use model::{
    Contrast, CueSet, Dimension, EvidenceKind, Mechanism, Role, RuleSpec, Severity, Term, TermsFile, CONCEPTS, KINDS,
};

use crate::lexicon::{phrase_forms, Lexicon, PartOfSpeech, Phrases, Tok};

use crate::scan::{normalize_pattern, Matcher};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_terms.rs"));
}

/// The built-in files, as `(file name, TOML text)`.
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED
}

/// A problem in the database, with the file it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    pub file: String,
    pub message: String,
    /// 1-based line of the problem, when it can be located.
    pub line: Option<usize>,
    /// The field the problem is in (`kind`, `variants`, ...), when known.
    pub field: Option<String>,
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Which field a validation message is about, from its wording.
fn field_of(message: &str) -> Option<&'static str> {
    const FIELDS: &[(&str, &str)] = &[
        ("unknown kind", "kind"),
        ("unknown concept", "concept"),
        ("no variants", "variants"),
        ("empty variant", "variants"),
        ("surface form", "variants"),
        ("short definition", "short"),
        ("explanation", "explanation"),
        ("no sources", "sources"),
        ("key facts", "facts"),
        ("confused with", "confused_with"),
        ("confused_with refers", "confused_with"),
        ("see_also refers", "see_also"),
        ("severit", "severity"),
        ("mechanism", "mechanism"),
        ("evidence", "uses"),
        ("exempt actor", "exempt_actors"),
        ("replacement", "replacements"),
        ("unknown role", "role"),
        ("empty word", "words"),
        ("empty id", "id"),
        ("duplicate", "id"),
    ];
    FIELDS.iter().find(|(k, _)| message.contains(k)).map(|(_, f)| *f)
}

/// The lines of the entry whose id (or code) is `id`: its `[[` header, the
/// `id` line, and the end (exclusive), as 0-based indexes into `lines`.
fn entry_span(lines: &[&str], id: &str) -> Option<(usize, usize, usize)> {
    let start = lines.iter().position(|l| is_id_line(l, id))?;
    Some(span_from(lines, start))
}

fn is_id_line(l: &str, id: &str) -> bool {
    let l = l.trim();
    (l.starts_with("id") || l.starts_with("code")) && l.contains(&format!("\"{id}\""))
}

/// The entry around its id line `start`: back to its `[[` header and on to
/// the next one.
fn span_from(lines: &[&str], start: usize) -> (usize, usize, usize) {
    let header = (0..=start)
        .rev()
        .find(|&i| lines[i].trim_start().starts_with("[["))
        .unwrap_or(start);
    let end = (start + 1..lines.len())
        .find(|&i| lines[i].trim_start().starts_with("[["))
        .unwrap_or(lines.len());
    (header, start, end)
}

/// A file's lines and where each id is set, made once per file so that
/// locating thousands of errors stays linear.
struct Entries<'a> {
    lines: Vec<&'a str>,
    /// The first quoted value of an `id`/`code` line -> that line.
    ids: HashMap<&'a str, usize>,
}

impl<'a> Entries<'a> {
    fn new(text: &'a str) -> Entries<'a> {
        let lines: Vec<&str> = text.lines().collect();
        let mut ids = HashMap::new();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim();
            if !(t.starts_with("id") || t.starts_with("code")) {
                continue;
            }
            let mut quoted = t.split('"');
            if let (Some(_), Some(value)) = (quoted.next(), quoted.next()) {
                ids.entry(value).or_insert(i);
            }
        }
        Entries { lines, ids }
    }

    /// The 1-based line of `field` in the entry whose id (or code) is `id`.
    fn locate(&self, id: &str, field: Option<&str>) -> Option<usize> {
        let start = match self.ids.get(id) {
            Some(&i) => i,
            // An id line the index could not read: search as before.
            None => self.lines.iter().position(|l| is_id_line(l, id))?,
        };
        let (header, start, end) = span_from(&self.lines, start);
        locate_field(&self.lines, header, start, end, field)
    }
}

/// The 1-based line of the entry `id` that contains `needle`.
fn line_of(text: &str, id: &str, needle: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let (header, _, end) = entry_span(&lines, id)?;
    (header..end).find(|&i| lines[i].contains(needle)).map(|i| i + 1)
}

/// The 1-based line of `field` in an entry (its id line without one).
fn locate_field(lines: &[&str], header: usize, start: usize, end: usize, field: Option<&str>) -> Option<usize> {
    if let Some(field) = field {
        if let Some(i) = (header..end).find(|&i| {
            let l = lines[i].trim_start();
            l.starts_with(field) && l[field.len()..].trim_start().starts_with('=')
        }) {
            return Some(i + 1);
        }
    }
    Some(start + 1)
}

/// One cue form after loading: a surface form of a listed phrase.
#[derive(Debug, Clone)]
pub struct Cue {
    /// The surface form matched.
    pub phrase: String,
    /// How the listed phrase inflects (the word class it was listed as).
    pub pos: PartOfSpeech,
    pub concept: String,
    pub role: Role,
    pub weight: f32,
    /// The cue set's id, shared by its forms (there are some 5,000).
    pub set: std::sync::Arc<str>,
    /// Words one of which must follow the phrase, and within how many tokens.
    pub followers: Option<std::sync::Arc<Followers>>,
}

/// The words one of which must follow a cue phrase.
#[derive(Debug)]
pub struct Followers {
    pub words: Phrases,
    /// How many tokens after the phrase a follower may come.
    pub within: usize,
    /// Phrases inside which a follower does not count ("cold war").
    pub not_in: Phrases,
    /// Words one of which must come between the phrase and the follower
    /// (none listed: no condition).
    pub through: Phrases,
}

impl Followers {
    /// The first follower in `toks[range]` that no `not_in` phrase covers.
    pub fn find_in(&self, toks: &[Tok], range: Range<usize>) -> Option<Range<usize>> {
        let mut from = range.start;
        while let Some(w) = self.words.find_in(toks, from..range.end) {
            let covered =
                (w.start.saturating_sub(3)..=w.start).any(|s| self.not_in.at(toks, s).is_some_and(|n| s + n >= w.end));
            let passed = self.through.is_empty() || self.through.any_in(toks, range.start..w.start);
            if !covered && passed {
                return Some(w);
            }
            from = w.start + 1;
        }
        None
    }
}

/// The loaded, validated database with its matchers.
#[derive(Debug)]
pub struct Database {
    pub terms: Vec<Term>,
    pub contrasts: Vec<Contrast>,
    pub cues: Vec<Cue>,
    pub rules: Vec<RuleSpec>,
    pub language: Language,
    /// The file each term comes from (same order as `terms`): a built-in
    /// file's name, or the path of the glossary that defined it.
    origins: Vec<String>,
    /// For each cue matcher pattern, the cues it stands for.
    cue_candidates: Vec<Vec<usize>>,
    /// Surface forms of cues listed as verbs.
    verb_surfaces: HashSet<String>,
    lexicon: Lexicon,
    abbreviations: Vec<String>,
    /// Each rule's exception phrases, compiled (same order as `rules`).
    rule_exceptions: Vec<Phrases>,
    by_id: HashMap<String, usize>,
    /// Surface form (normalised) -> term index, for every variant.
    forms: Vec<(String, usize)>,
    /// The forms long enough to be recognised misspelled, with their term,
    /// by their first three letters: single words of concepts and their
    /// people ("peacemakeing"), and two-word names ("Peacebuilding
    /// Comission").
    spelled: HashMap<String, Vec<(String, usize)>>,
    term_matcher: Matcher,
    cue_matcher: Matcher,
}

/// The first three letters of a word: a slip rarely changes them.
fn spelling_prefix(word: &str) -> &str {
    &word[..word.char_indices().nth(3).map_or(word.len(), |(i, _)| i)]
}

/// The shortest form that is recognised misspelled ("peacemaker").
const MISSPELLING_MIN: usize = 10;

impl Database {
    /// The built-in database. Panics only if the embedded data is invalid,
    /// which the test suite rules out.
    pub fn builtin() -> &'static Database {
        static DB: std::sync::OnceLock<Database> = std::sync::OnceLock::new();
        DB.get_or_init(|| {
            Database::from_files(embedded_files().iter().map(|(n, t)| (n.to_string(), t.to_string()))).unwrap_or_else(
                |errs| {
                    let list: Vec<String> = errs.iter().map(ToString::to_string).collect();
                    panic!("built-in terms database is invalid:\n{}", list.join("\n"))
                },
            )
        })
    }

    /// The file term `i` comes from: a built-in file's name (`missions.toml`)
    /// or the path of a user glossary.
    pub fn origin(&self, i: usize) -> Option<&str> {
        self.origins.get(i).map(String::as_str)
    }

    /// Whether term `i` comes from a user glossary rather than the built-in files.
    pub fn from_glossary(&self, i: usize) -> bool {
        self.origin(i)
            .is_some_and(|o| !embedded_files().iter().any(|(name, _)| *name == o))
    }

    /// Parse and validate a set of files; all problems are reported together.
    pub fn from_files(files: impl IntoIterator<Item = (String, String)>) -> Result<Database, Vec<DbError>> {
        Database::from_layers(vec![files.into_iter().collect()])
    }

    /// The built-in files with user layers over them (course glossaries,
    /// project cue words). A term in a later layer with the id of an earlier
    /// one replaces it; within one layer ids must be unique.
    pub fn with_overlays(overlays: Vec<(String, String)>) -> Result<Database, Vec<DbError>> {
        let builtin = embedded_files()
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        Database::from_layers(vec![builtin, overlays])
    }

    pub fn from_layers(layers: Vec<Vec<(String, String)>>) -> Result<Database, Vec<DbError>> {
        let texts: HashMap<String, String> = layers.iter().flatten().cloned().collect();
        Database::validate(layers).map_err(|errors| {
            let mut entries: HashMap<&str, Entries<'_>> = HashMap::new();
            errors
                .into_iter()
                .map(|mut e| {
                    let field = e.field.clone().or_else(|| field_of(&e.message).map(str::to_string));
                    if e.line.is_none() {
                        let id = e.message.split('`').nth(1).unwrap_or_default().to_string();
                        e.line = texts.get_key_value(&e.file).and_then(|(file, t)| {
                            entries
                                .entry(file.as_str())
                                .or_insert_with(|| Entries::new(t))
                                .locate(&id, field.as_deref())
                        });
                    }
                    e.field = field;
                    e
                })
                .collect()
        })
    }

    fn validate(layers: Vec<Vec<(String, String)>>) -> Result<Database, Vec<DbError>> {
        let texts: HashMap<String, String> = layers.iter().flatten().cloned().collect();
        let mut errors = Vec::new();
        let mut terms: Vec<(String, Term)> = Vec::new();
        let mut contrasts = Vec::new();
        let mut cue_sets: Vec<(String, CueSet)> = Vec::new();
        let mut rules: Vec<(String, RuleSpec)> = Vec::new();
        let mut language = Language::default();
        for (layer, files) in layers.into_iter().enumerate() {
            let layer_start = terms.len();
            for (name, text) in files {
                match toml::from_str::<TermsFile>(&text) {
                    Ok(f) => {
                        for t in f.term {
                            // A later layer overrides an earlier entry with the same id.
                            if layer > 0 {
                                if let Some(i) = terms[..layer_start].iter().position(|(_, old)| old.id == t.id) {
                                    terms[i] = (name.clone(), t);
                                    continue;
                                }
                            }
                            terms.push((name.clone(), t));
                        }
                        contrasts.extend(f.contrast.into_iter().map(|c| (name.clone(), c)));
                        cue_sets.extend(f.cue.into_iter().map(|c| (name.clone(), c)));
                        rules.extend(f.rule.into_iter().map(|r| (name.clone(), r)));
                        if let Some(l) = f.language {
                            language.merge(l);
                        }
                    }
                    Err(e) => errors.push(DbError {
                        file: name.clone(),
                        line: e
                            .span()
                            .map(|sp| text[..sp.start.min(text.len())].lines().count().max(1)),
                        message: e.message().to_string(),
                        field: None,
                    }),
                }
            }
        }
        let err = |errors: &mut Vec<DbError>, file: &str, message: String| {
            errors.push(DbError {
                file: file.to_string(),
                message,
                line: None,
                field: None,
            })
        };

        // Terms: ids, kinds, concepts, variants, surface forms.
        let mut by_id = HashMap::new();
        let mut form_owner: HashMap<String, String> = HashMap::new();
        let mut forms = Vec::new();
        for (i, (file, t)) in terms.iter().enumerate() {
            if t.id.trim().is_empty() {
                err(&mut errors, file, format!("term {:?} has an empty id", t.label));
            }
            if by_id.insert(t.id.clone(), i).is_some() {
                err(&mut errors, file, format!("duplicate term id `{}`", t.id));
            }
            if !KINDS.contains(&t.kind.as_str()) {
                err(
                    &mut errors,
                    file,
                    format!(
                        "term `{}`: unknown kind `{}` (expected one of {})",
                        t.id,
                        t.kind,
                        KINDS.join(", ")
                    ),
                );
            }
            let concept_ok = CONCEPTS.contains(&t.concept.as_str()) || (t.concept == "none" && t.kind == "other-sense");
            if !concept_ok {
                err(
                    &mut errors,
                    file,
                    format!("term `{}`: unknown concept `{}`", t.id, t.concept),
                );
            }
            if t.variants.is_empty() {
                err(&mut errors, file, format!("term `{}` has no variants", t.id));
            }
            let words = t.short.split_whitespace().count();
            if words == 0 || words > 40 {
                err(
                    &mut errors,
                    file,
                    format!("term `{}`: short definition has {words} words (1 to 40 allowed)", t.id),
                );
            }
            if t.explanation.trim().is_empty() {
                err(&mut errors, file, format!("term `{}` has an empty explanation", t.id));
            }
            if t.sources.is_empty() && t.kind != "other-sense" {
                err(&mut errors, file, format!("term `{}` has no sources", t.id));
            }
            if matches!(t.kind.as_str(), "mission" | "agreement" | "document") && t.facts.is_empty() {
                err(
                    &mut errors,
                    file,
                    format!("term `{}` ({}) has no key facts", t.id, t.kind),
                );
            }
            if t.with_consent && (t.kind != "mission" || t.concept != "peace-enforcement") {
                err(
                    &mut errors,
                    file,
                    format!(
                        "term `{}` sets with_consent, which only a mission of concept peace-enforcement may",
                        t.id
                    ),
                );
            }
            if t.kind == "concept" && t.confused_with.is_none() && CONCEPTS.contains(&t.id.as_str()) {
                err(
                    &mut errors,
                    file,
                    format!("concept `{}` does not say what it is confused with", t.id),
                );
            }
            for form in t.surface_forms() {
                let n = normalize_pattern(form);
                if n.is_empty() {
                    err(&mut errors, file, format!("term `{}` has an empty variant", t.id));
                    continue;
                }
                match form_owner.get(&n) {
                    Some(owner) if owner != &t.id => err(
                        &mut errors,
                        file,
                        format!("surface form {form:?} is claimed by both `{owner}` and `{}`", t.id),
                    ),
                    Some(_) => {}
                    None => {
                        form_owner.insert(n.clone(), t.id.clone());
                        forms.push((n, i));
                    }
                }
            }
        }
        // Cross-references.
        for (file, t) in &terms {
            let refs = t
                .see_also
                .iter()
                .map(|r| ("see_also", r))
                .chain(t.confused_with.iter().map(|r| ("confused_with", r)));
            for (field, r) in refs {
                if !by_id.contains_key(r) {
                    err(
                        &mut errors,
                        file,
                        format!("term `{}`: {field} refers to unknown id `{r}`", t.id),
                    );
                }
            }
        }
        // Key facts: the same fact stated twice must agree.
        errors.extend(consistency::check(&consistency::Input {
            terms: &terms,
            contrasts: &contrasts,
            by_id: &by_id,
            form_owner: &form_owner,
            texts: &texts,
        }));
        let mut contrast_ids = HashSet::new();
        for (file, c) in &contrasts {
            if !contrast_ids.insert(c.id.clone()) {
                err(&mut errors, file, format!("duplicate contrast id `{}`", c.id));
            }
            for side in [&c.a, &c.b] {
                if !CONCEPTS.contains(&side.as_str()) {
                    err(
                        &mut errors,
                        file,
                        format!("contrast `{}` names unknown concept `{side}`", c.id),
                    );
                }
            }
        }
        // Cues: every form of every listed phrase.
        let mut cues = Vec::new();
        for (file, set) in &cue_sets {
            let set_id: std::sync::Arc<str> = set.id.as_str().into();
            // A follower matches in the singular and the plural ("stop
            // the war", "stops wars").
            let followers = (!set.followed_by.is_empty()).then(|| {
                std::sync::Arc::new(Followers {
                    words: Phrases::inflected(&set.followed_by, PartOfSpeech::Noun),
                    within: set.within,
                    not_in: Phrases::inflected(&set.not_in, PartOfSpeech::Noun),
                    through: Phrases::inflected(&set.through, PartOfSpeech::Noun),
                })
            });
            for (field, list) in [("not_in", &set.not_in), ("through", &set.through)] {
                if followers.is_none() && !list.is_empty() {
                    err(
                        &mut errors,
                        file,
                        format!("cue set `{}` has `{field}` but no `followed_by`", set.id),
                    );
                }
            }
            // A cue set signals a concept, or a topic that some rule uses as
            // its work ("ongoing-war").
            let topic = rules
                .iter()
                .any(|(_, r)| r.work_concept.as_deref() == Some(set.concept.as_str()));
            if !CONCEPTS.contains(&set.concept.as_str()) && !topic {
                err(
                    &mut errors,
                    file,
                    format!("cue set `{}`: unknown concept `{}`", set.id, set.concept),
                );
            }
            if set.verbs.is_empty() && set.nouns.is_empty() && set.words.is_empty() {
                err(&mut errors, file, format!("cue set `{}` has no words", set.id));
            }
            let lists = [
                (&set.verbs, PartOfSpeech::Verb),
                (&set.nouns, PartOfSpeech::Noun),
                (&set.words, PartOfSpeech::Fixed),
            ];
            for (list, pos) in lists {
                for w in list {
                    if normalize_pattern(w).is_empty() {
                        err(&mut errors, file, format!("cue set `{}` has an empty word", set.id));
                        continue;
                    }
                    for form in phrase_forms(w, pos) {
                        cues.push(Cue {
                            phrase: form,
                            pos,
                            concept: set.concept.clone(),
                            role: set.role,
                            weight: set.weight,
                            set: set_id.clone(),
                            followers: followers.clone(),
                        });
                    }
                }
            }
        }
        // Rules.
        let mut severities: HashMap<&str, Severity> = HashMap::new();
        for (file, r) in &rules {
            if let Some(s) = severities.insert(&r.code, r.severity) {
                if s != r.severity {
                    let message = format!(
                        "rule `{}` has two severities, `{}` and `{}`",
                        r.code,
                        s.as_str(),
                        r.severity.as_str()
                    );
                    err(&mut errors, file, message);
                }
            }
            if r.mechanism == Mechanism::Attribution && r.work_concept.is_none() {
                err(
                    &mut errors,
                    file,
                    format!("rule `{}`: attribution needs a work_concept", r.code),
                );
            }
            let topic = |c: &str| cue_sets.iter().any(|(_, set)| set.concept == c);
            for c in r.actor_concepts.iter().chain(r.work_concept.iter()) {
                if !CONCEPTS.contains(&c.as_str()) && !topic(c) {
                    err(&mut errors, file, format!("rule `{}`: unknown concept `{c}`", r.code));
                }
            }
            for k in &r.actor_kinds {
                if !KINDS.contains(&k.as_str()) {
                    err(&mut errors, file, format!("rule `{}`: unknown kind `{k}`", r.code));
                }
            }
            for id in r.replacements.keys() {
                if !by_id.contains_key(id) {
                    err(
                        &mut errors,
                        file,
                        format!("rule `{}`: replacement for unknown term `{id}`", r.code),
                    );
                }
            }
            for c in &r.subsumes {
                if !rules.iter().any(|(_, o)| o.code == *c) || *c == r.code {
                    err(
                        &mut errors,
                        file,
                        format!("rule `{}`: subsumes unknown or its own code `{c}`", r.code),
                    );
                }
            }
            for a in &r.exempt_actors {
                if !by_id.contains_key(a) {
                    err(
                        &mut errors,
                        file,
                        format!("rule `{}`: unknown exempt actor `{a}`", r.code),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let (origins, terms): (Vec<String>, Vec<Term>) = terms.into_iter().unzip();
        let rule_exceptions = rules.iter().map(|(_, r)| Phrases::new(&r.exceptions)).collect();
        let term_matcher = Matcher::new(forms.iter().map(|(f, _)| f.as_str()));
        // One matcher pattern per surface form; a form listed by several cue
        // sets keeps them all, those that need followers first.
        cues.sort_by_key(|c| c.followers.is_none());
        let mut surfaces: Vec<String> = Vec::new();
        let mut cue_candidates: Vec<Vec<usize>> = Vec::new();
        let mut by_surface: HashMap<String, usize> = HashMap::new();
        for (i, c) in cues.iter().enumerate() {
            let n = normalize_pattern(&c.phrase);
            let slot = *by_surface.entry(n.clone()).or_insert_with(|| {
                surfaces.push(n);
                cue_candidates.push(Vec::new());
                cue_candidates.len() - 1
            });
            if !cue_candidates[slot].iter().any(|&j| cues[j].set == c.set) {
                cue_candidates[slot].push(i);
            }
        }
        let cue_matcher = Matcher::new(surfaces.iter().map(String::as_str));
        let verb_surfaces = cues
            .iter()
            .filter(|c| c.pos == PartOfSpeech::Verb)
            .map(|c| normalize_pattern(&c.phrase))
            .collect();
        let abbreviations = language.abbreviations.iter().map(|a| a.to_lowercase()).collect();
        let mut spelled: HashMap<String, Vec<(String, usize)>> = HashMap::new();
        for (f, t) in forms.iter().filter(|(f, t)| {
            let words: Vec<&str> = f.split(' ').collect();
            f.chars().count() >= MISSPELLING_MIN
                && words.iter().all(|w| w.len() >= 3 && w.chars().all(char::is_alphabetic))
                && match words.len() {
                    1 => matches!(terms[*t].kind.as_str(), "concept" | "actor"),
                    // "Peacebuilding Comission": a two-word name.
                    2 => true,
                    _ => false,
                }
        }) {
            spelled
                .entry(spelling_prefix(f).to_string())
                .or_default()
                .push((f.clone(), *t));
        }
        Ok(Database {
            terms,
            origins,
            contrasts: contrasts.into_iter().map(|(_, c)| c).collect(),
            cues,
            cue_candidates,
            verb_surfaces,
            rules: rules.into_iter().map(|(_, r)| r).collect(),
            lexicon: Lexicon::new(&language),
            abbreviations,
            rule_exceptions,
            language,
            by_id,
            forms,
            spelled,
            term_matcher,
            cue_matcher,
        })
    }

    /// Whether a word starting like `word` could misspell a form (a cheap
    /// test before [`Database::misspelled`]).
    pub fn may_misspell(&self, word: &str) -> bool {
        self.spelled.contains_key(spelling_prefix(word))
    }

    /// The term a word (or two words, space-separated) misspells: one edit
    /// (two for twelve letters or more) from a form of `spelled`, with the
    /// same first three letters ("peacemakeing", "peacekeping", "peace
    /// keping" as one word, "peacebuilding comission"). `word` is lowercase;
    /// a form itself is not a misspelling, and a word as near to two terms is
    /// none. Whether the word is an English word is the caller's to check.
    pub fn misspelled(&self, word: &str) -> Option<usize> {
        let len = word.chars().count();
        if len < MISSPELLING_MIN - 1 || !word.chars().all(|c| c.is_alphabetic() || c == ' ') {
            return None;
        }
        let candidates = self.spelled.get(spelling_prefix(word))?;
        let mut best: Option<(usize, usize)> = None;
        let mut tie = false;
        for (form, t) in candidates {
            if form.chars().count().abs_diff(len) > 2 {
                continue;
            }
            let d = strsim::osa_distance(word, form);
            if d == 0 {
                return None;
            }
            let allowed = if form.chars().count() >= 12 { 2 } else { 1 };
            if d > allowed {
                continue;
            }
            match best {
                Some((bd, bt)) if d == bd && bt != *t => tie = true,
                Some((bd, _)) if d >= bd => {}
                _ => {
                    best = Some((d, *t));
                    tie = false;
                }
            }
        }
        best.filter(|_| !tie).map(|(_, t)| t)
    }

    pub(crate) fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Lowercase abbreviations after which a "." does not end a sentence.
    pub(crate) fn abbreviations(&self) -> &[String] {
        &self.abbreviations
    }

    /// Whether a surface form is a form of a cue listed as a verb.
    pub(crate) fn verb_surface(&self, form: &str) -> bool {
        self.verb_surfaces.contains(&normalize_pattern(form))
    }

    /// The cues a matcher pattern of [`Database::cue_matcher`] stands for.
    pub(crate) fn cue_candidates(&self, pattern: usize) -> &[usize] {
        &self.cue_candidates[pattern]
    }

    /// Add exception phrases to rules by code (project configuration).
    pub fn add_exceptions(&mut self, extra: &std::collections::BTreeMap<String, Vec<String>>) {
        for (i, rule) in self.rules.iter_mut().enumerate() {
            if let Some(phrases) = extra.get(&rule.code) {
                rule.exceptions.extend(phrases.iter().cloned());
                self.rule_exceptions[i] = Phrases::new(&rule.exceptions);
            }
        }
    }

    /// The compiled exception phrases of rule `i`.
    pub(crate) fn rule_exceptions(&self, i: usize) -> &Phrases {
        &self.rule_exceptions[i]
    }

    pub fn get(&self, id: &str) -> Option<&Term> {
        self.by_id.get(id).map(|&i| &self.terms[i])
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Term index for the n-th pattern of the term matcher.
    pub(crate) fn term_of_pattern(&self, pattern: usize) -> usize {
        self.forms[pattern].1
    }

    pub(crate) fn term_matcher(&self) -> &Matcher {
        &self.term_matcher
    }

    pub(crate) fn cue_matcher(&self) -> &Matcher {
        &self.cue_matcher
    }

    /// The contrast between two concepts, in either order.
    pub fn contrast(&self, a: &str, b: &str) -> Option<&Contrast> {
        self.contrasts
            .iter()
            .find(|c| (c.a == a && c.b == b) || (c.a == b && c.b == a))
    }

    /// Look a term up by any surface form or id (normalised), for `explain`.
    pub fn lookup(&self, query: &str) -> Option<&Term> {
        let n = normalize_pattern(query);
        self.forms
            .iter()
            .find(|(f, _)| *f == n)
            .map(|&(_, i)| &self.terms[i])
            .or_else(|| self.get(query.trim()))
    }

    /// Known surface forms nearest to `query`, best first, one per term.
    pub fn suggest(&self, query: &str, max: usize) -> Vec<String> {
        let n = normalize_pattern(query);
        let mut scored: Vec<(f64, &str, usize)> = self
            .forms
            .iter()
            .map(|(f, t)| (strsim::jaro_winkler(&n, f), f.as_str(), *t))
            .filter(|(s, _, _)| *s > 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let mut seen = HashSet::new();
        scored
            .into_iter()
            .filter(|(_, _, t)| seen.insert(*t))
            .take(max)
            .map(|(_, f, _)| f.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_database_is_valid() {
        let files = embedded_files().iter().map(|(n, t)| (n.to_string(), t.to_string()));
        if let Err(errors) = Database::from_files(files) {
            panic!(
                "{}",
                errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
            );
        }
    }

    fn db(extra: &str) -> Result<Database, Vec<DbError>> {
        Database::from_files([("test.toml".to_string(), extra.to_string())])
    }

    const OK_TERM: &str = r#"
[[term]]
id = "peacekeeping"
label = "Peacekeeping"
kind = "concept"
concept = "peacekeeping"
variants = ["peacekeeping", "peace-keeping"]
short = "A field presence."
explanation = "Longer."
confused_with = "peacekeeping"
sources = ["Capstone"]
"#;

    #[test]
    fn accepts_a_minimal_entry() {
        assert!(db(OK_TERM).is_ok());
    }

    #[test]
    fn a_form_one_slip_away_is_recognised() {
        let db = Database::builtin();
        let id = |w: &str| db.misspelled(w).map(|t| db.terms[t].id.clone());
        assert_eq!(id("peacemakeing").as_deref(), Some("peacemaking"));
        assert_eq!(id("peacekeping").as_deref(), Some("peacekeeping"));
        assert_eq!(
            id("peacebuilding comission").as_deref(),
            Some("peacebuilding-commission")
        );
        // A form is no slip; nor is a word far from every form, or one
        // whose first letters differ.
        assert_eq!(id("peacekeeping"), None);
        assert_eq!(id("peacefully"), None);
        assert_eq!(id("beacekeeping"), None);
    }

    #[test]
    fn a_condition_on_followers_needs_followers() {
        let cue = "[[cue]]\nid = \"c\"\nconcept = \"peacekeeping\"\nrole = \"act\"\nwords = [\"even when\"]\nthrough = [\"host\"]\n";
        let errors = db(&format!("{OK_TERM}{cue}")).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("has `through` but no `followed_by`")),
            "{errors:?}"
        );
    }

    #[test]
    fn rejects_duplicate_ids_and_surface_forms() {
        let twice = format!(
            "{OK_TERM}{}",
            OK_TERM.replace("\"peacekeeping\", \"peace-keeping\"", "\"Peace keeping\"")
        );
        let errors = db(&twice).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|e| e.contains("duplicate term id `peacekeeping`")),
            "{text:?}"
        );
        let other = twice.replacen("id = \"peacekeeping\"", "id = \"other\"", 1);
        let errors = db(&other).unwrap_err();
        assert!(
            errors.iter().any(|e| e.message.contains("claimed by both")),
            "{errors:?}"
        );
    }

    #[test]
    fn rejects_unresolved_references_empty_variants_and_long_definitions() {
        let bad = OK_TERM
            .replace("confused_with = \"peacekeeping\"", "confused_with = \"nowhere\"")
            .replace("\"peace-keeping\"", "\" - \"")
            .replace("A field presence.", &"word ".repeat(41));
        let errors = db(&bad).unwrap_err();
        let all = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        assert!(all.contains("unknown id `nowhere`"), "{all}");
        assert!(all.contains("empty variant"), "{all}");
        assert!(all.contains("41 words"), "{all}");
        // Each error names the file, the line and the field.
        let short = errors.iter().find(|e| e.message.contains("41 words")).unwrap();
        assert_eq!(
            (short.line, short.field.as_deref()),
            (Some(8), Some("short")),
            "{short:?}"
        );
        assert!(short.to_string().starts_with("test.toml:8: "), "{short}");
        let variant = errors.iter().find(|e| e.message.contains("empty variant")).unwrap();
        assert_eq!(
            (variant.line, variant.field.as_deref()),
            (Some(7), Some("variants")),
            "{variant:?}"
        );
        let reference = errors.iter().find(|e| e.message.contains("nowhere")).unwrap();
        assert_eq!(reference.line, Some(10), "{reference:?}");
    }

    const MISSION: &str = r#"
[[term]]
id = "unamir"
label = "UNAMIR"
kind = "mission"
concept = "peacekeeping"
variants = ["UNAMIR"]
short = "A mission."
explanation = "Longer."
sources = ["Security Council resolution 872 (5 October 1993)"]
facts = [
  { date = "1993-10-05", event = "established", resolution = "S/RES/872 (1993)", text = "established by {resolution} ({date})" },
  "1996: mandate ended on 8 March",
]

[[term]]
id = "arusha-accords"
label = "Arusha Accords"
kind = "agreement"
concept = "peacemaking"
variants = ["Arusha Accords"]
short = "An agreement."
explanation = "Longer."
sources = ["Security Council resolution 872 (5 October 1993)"]
facts = [
  { date = "1993-08-04", event = "signed", text = "signed in Arusha on {date}" },
  { date = "1993-10", event = "established", of = "unamir", text = "UNAMIR established in {date} to help implement them" },
]
"#;

    fn messages(errors: &[DbError]) -> String {
        errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn structured_facts_load_and_render() {
        let db = db(MISSION).unwrap_or_else(|e| panic!("{}", messages(&e)));
        let hover = hover_markdown(&db, db.get("unamir").unwrap());
        assert!(
            hover.contains("- 1993: established by Security Council resolution 872 (5 October)"),
            "{hover}"
        );
        assert!(hover.contains("- 1996: mandate ended on 8 March"), "{hover}");
    }

    #[test]
    fn rejects_a_malformed_resolution_with_its_line() {
        let bad = MISSION.replace("S/RES/872 (1993)", "S/RES/872");
        let errors = db(&bad).unwrap_err();
        assert!(
            errors[0].message.contains("not a resolution symbol"),
            "{}",
            messages(&errors)
        );
        assert_eq!(
            (errors[0].file.as_str(), errors[0].line),
            ("test.toml", Some(12)),
            "{errors:?}"
        );
    }

    #[test]
    fn rejects_a_date_that_is_not_iso_with_its_line() {
        let bad = MISSION.replace("\"1993-08-04\"", "\"4 August 1993\"");
        let errors = db(&bad).unwrap_err();
        assert!(errors[0].message.contains("not an ISO date"), "{}", messages(&errors));
        assert_eq!(errors[0].line, Some(26), "{errors:?}");
    }

    #[test]
    fn rejects_two_entries_that_state_a_founding_differently() {
        let bad = MISSION.replace(
            "{ date = \"1993-10\", event = \"established\", of = \"unamir\"",
            "{ date = \"1993-11\", event = \"established\", of = \"unamir\"",
        );
        let errors = db(&bad).unwrap_err();
        let all = messages(&errors);
        assert!(
            all.contains("test.toml:27: term `arusha-accords` says `unamir` was established November 1993")
                && all.contains("`unamir` (test.toml:12) says 5 October 1993 by S/RES/872 (1993)"),
            "{all}"
        );
        // A different founding resolution is as wrong as a different date.
        let bad = MISSION.replace(
            "of = \"unamir\", text = \"UNAMIR established in {date}",
            "of = \"unamir\", resolution = \"S/RES/873 (1993)\", text = \"UNAMIR established by {resolution} in {date}",
        );
        let all = messages(&db(&bad).unwrap_err());
        assert!(all.contains("by S/RES/873 (1993)"), "{all}");
    }

    #[test]
    fn rejects_a_citation_that_dates_a_resolution_differently() {
        let bad = MISSION.replacen("872 (5 October 1993)", "872 (6 October 1993)", 2);
        let errors = db(&bad).unwrap_err();
        let all = messages(&errors);
        assert!(
            all.contains(
                "test.toml:10: term `unamir`: its sources date Security Council resolution 872 to 6 October 1993"
            ),
            "{all}"
        );
        assert_eq!(errors.len(), 2, "{all}");
    }

    #[test]
    fn rejects_a_resolution_with_two_adoption_dates() {
        let twice = MISSION.replace(
            "  \"1996: mandate ended on 8 March\",",
            "  { date = \"1995-12-12\", resolution = \"S/RES/1029 (1995)\", text = \"{resolution} ({date}) extended it a last time\" },\n  { date = \"1995-12-13\", resolution = \"S/RES/1029 (1995)\", text = \"{resolution} ({date}) set its end\" },",
        );
        let errors = db(&twice).unwrap_err();
        let all = messages(&errors);
        assert!(
            all.contains(
                "test.toml:14: term `unamir` dates S/RES/1029 (1995) 13 December 1995, but `unamir` (test.toml:13) dates it 12 December 1995"
            ),
            "{all}"
        );
        assert_eq!(errors.len(), 1, "{all}");
    }

    #[test]
    fn rejects_facts_about_the_wrong_thing() {
        let cases = [
            ("of = \"unamir\"", "of = \"unomur\"", "unknown id `unomur`"),
            ("of = \"unamir\"", "of = \"UNAMIR\"", "write `of = \"unamir\"`"),
            (
                "event = \"signed\"",
                "event = \"issued\"",
                "event `issued` is for document entries",
            ),
        ];
        for (from, to, expected) in cases {
            let all = messages(&db(&MISSION.replace(from, to)).unwrap_err());
            assert!(all.contains(expected), "{to}: {all}");
        }
    }

    #[test]
    fn builtin_missions_agreements_and_documents_state_their_key_dates_as_fields() {
        let db = Database::builtin();
        let mut undated_foundings = Vec::new();
        for t in &db.terms {
            let own: Vec<&DatedFact> = t
                .facts
                .iter()
                .filter_map(|f| f.get_ref().dated())
                .filter(|d| d.of.is_none())
                .collect();
            let count = |e: Event| own.iter().filter(|d| d.event == Some(e)).count();
            match t.kind.as_str() {
                "mission" => {
                    assert_eq!(count(Event::Established), 1, "`{}`: one founding fact", t.id);
                    let founding = own.iter().find(|d| d.event == Some(Event::Established)).unwrap();
                    if founding.resolutions.is_empty() {
                        undated_foundings.push(t.id.as_str());
                    }
                }
                "agreement" => assert_eq!(count(Event::Signed), 1, "`{}`: one signature fact", t.id),
                "document" => assert_eq!(count(Event::Issued), 1, "`{}`: one issue fact", t.id),
                _ => {}
            }
        }
        // UNMOGIP's observers arrived before any resolution founded a mission.
        assert_eq!(undated_foundings, ["unmogip"]);
        // The hover line of a converted fact reads as it did as free text.
        let ifor = hover_markdown(db, db.get("ifor").unwrap());
        assert!(
            ifor.contains(
                "- 1995: authorised by Security Council resolution 1031 (15 December); took over from UNPROFOR on 20 December"
            ),
            "{ifor}"
        );
    }

    #[test]
    fn builtin_citations_are_read_and_agree_with_the_structured_facts() {
        let db = Database::builtin();
        let mut adopted = HashMap::new();
        for t in &db.terms {
            for d in t.facts.iter().filter_map(|f| f.get_ref().dated()) {
                for r in &d.resolutions {
                    if let Resolution::SecurityCouncil { number, .. } = r {
                        adopted.insert(*number, d.date);
                    }
                }
            }
        }
        let (mut checked, mut read) = (0, 0);
        for t in &db.terms {
            for s in t.sources.iter().chain([&t.explanation]) {
                for c in consistency::citations(s, None) {
                    read += 1;
                    if let Some(date) = adopted.get(&c.number) {
                        assert!(date.agrees_with(&c.date), "`{}`: {c:?} vs {date}", t.id);
                        checked += 1;
                    }
                }
            }
        }
        assert!(adopted.len() >= 60, "{} resolutions carried as fields", adopted.len());
        assert!(
            read >= 120 && checked >= 100,
            "{read} citations read, {checked} checked"
        );
    }

    #[test]
    fn later_layers_override_by_id() {
        let course = OK_TERM.replace("A field presence.", "Our course's own definition.");
        let db = Database::from_layers(vec![
            vec![("a.toml".into(), OK_TERM.into())],
            vec![("course.toml".into(), course)],
        ])
        .expect("an override is not a duplicate");
        assert_eq!(db.get("peacekeeping").unwrap().short, "Our course's own definition.");
        assert_eq!(db.terms.len(), 1);
    }

    #[test]
    fn reports_toml_syntax_errors_with_the_file() {
        let errors = db("[[term]\nid=").unwrap_err();
        assert_eq!(errors[0].file, "test.toml");
    }

    #[test]
    fn lookup_and_suggestions() {
        let db = Database::builtin();
        assert_eq!(db.lookup("Peace-Keeping").map(|t| t.id.as_str()), Some("peacekeeping"));
        assert!(db.lookup("peacekeepin").is_none());
        assert!(db
            .suggest("peacekeepin", 3)
            .iter()
            .any(|s| s.starts_with("peacekeeping")));
    }
}
