//! Analysis by chunks, and the cache that makes an edit cost its chunk.
//!
//! A document is cut into chunks ([`crate::text::chunks`]: paragraphs, list
//! items, headings, LaTeX paragraphs, whatever can be read afresh). Each
//! chunk is extracted, matched and analysed on its own, with two things
//! from the rest of the document:
//!
//! - the *state* the chunk before hands on ([`State`]: the discourse, that
//!   is the actors a pronoun or description may stand for, the section's
//!   heading topic, a lead-in, table topics, and a glossary's headword),
//!   written so that it does not depend on where the chunks are: ranges
//!   relative to their chunk (`discourse::EXTERNAL`), sentences counted back;
//! - the document's *globals* ([`Globals`]): the acronyms it defines as
//!   something else and, in Markdown, the link references it defines.
//!
//! The whole document's findings are the chunks' findings put back in
//! place, then what spans chunks: one finding per phrase, the language note
//! and the suppression comments.
//!
//! [`Incremental`] keeps each chunk's result with the state it handed on.
//! After an edit it finds the changed bytes (common prefix and suffix), cuts
//! again around them, analyses the new chunks, and then the chunks after
//! them only until one receives the same state as before: from there on
//! every result stands. A full analysis ([`super::analyze`]) is the same
//! walk with an empty cache, so the two agree by construction; a test of
//! random edits holds them to it.

use super::discourse::{Discourse, EXTERNAL};
use super::mechanism::synonym::Lists;
use super::sentence::{is_actor_like, Sentence};
use super::suppress::{self, Directive};
use super::{
    acronyms, language_id, mechanism, overlaps, reported, rule_ids, split, term_hits, Analysis, Finding, TermHit,
};
use crate::lexicon::tokenize;
use crate::scan::Normalized;
use crate::terms::Database;
use crate::text::{self, chunks, Format};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// What the analysis shows of each sentence it reads (for development).
pub type Trace<'a> = dyn FnMut(&Sentence<'_>) + 'a;
/// Whether to stop before the next sentence.
pub type Stop<'a> = dyn Fn() -> bool + Sync + 'a;

/// What a chunk hands on to the next.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    discourse: Discourse,
    lists: Lists,
}

/// What every chunk reads of the whole document.
#[derive(Debug, Clone, PartialEq)]
struct Globals {
    /// Markdown link references defined somewhere (sorted, normalised).
    links: Vec<String>,
    /// Acronyms defined somewhere as something other than the term.
    redefined: Vec<String>,
    /// The document's line ending (for the suppression fix).
    newline: &'static str,
}

/// One chunk's cached result; ranges relative to the chunk, or
/// `EXTERNAL`-coded for a phrase in an earlier chunk.
#[derive(Debug, Default)]
struct Entry {
    /// Link references the chunk defines (Markdown).
    links: Vec<String>,
    /// Acronyms the chunk defines as something else; `None` until known.
    redefined: Option<Vec<String>>,
    /// The analysis; `None` until made.
    done: Option<Done>,
}

#[derive(Debug)]
struct Done {
    /// Shared with the chunk before when equal (most chunks hand on what
    /// they received).
    out: Arc<State>,
    terms: Vec<TermHit>,
    findings: Vec<Finding>,
    directives: Vec<Directive>,
    /// The chunk's prose, kept only near the start (the language check
    /// reads the first few kilobytes).
    head: Option<String>,
    /// Where the chunk started when its findings were last put in place.
    placed_at: Option<usize>,
    /// A guess read a list whose findings depend on a headword it did
    /// not know (see `Guess`).
    blind: bool,
}

/// A chunk extracted and matched, ready for its sentences.
struct Prepared {
    prose: text::Prose,
    terms: Vec<TermHit>,
    cues: Vec<crate::scan::Match>,
}

/// How much prose the language check reads.
const LANGUAGE_SAMPLE: usize = 4096;

/// The cache of one document's analysis (see the module docs).
#[derive(Debug, Default)]
pub struct Incremental {
    /// The text analysed last, its format and database (by address).
    text: String,
    /// A buffer for the next text (the one before last, its memory reused).
    spare: String,
    format: Option<Format>,
    db: usize,
    starts: Vec<usize>,
    entries: Vec<Entry>,
    globals: Globals,
    /// The language note, made from the chunks near the start.
    language: Option<Finding>,
    /// Findings handed back from an earlier result ([`Incremental::recycle`]).
    recycled: Vec<Finding>,
    /// The term list of an earlier result, for its memory.
    spare_terms: Vec<TermHit>,
    /// Bytes of the chunks analysed by the last update (for tests and
    /// benchmarks: how incremental it was).
    pub last_analysed_bytes: usize,
    /// Findings the last update took from those handed back.
    pub last_recycled: usize,
    /// Chunks the last update took from the guess of another thread.
    pub last_guessed: usize,
    /// Whether a fresh text is read in two halves at once.
    pub(super) split: Split,
}

/// Whether an update that reads every chunk reads the second half on
/// another thread (see [`Guess`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Split {
    /// At the half of the bytes, when the text is 4 to 256 KiB and the
    /// helper thread is free.
    #[default]
    Halfway,
    /// On one thread: the trace sees every sentence.
    Never,
    /// Tests: at this chunk, on one thread (the guess first).
    #[cfg_attr(not(test), allow(dead_code))]
    At(usize),
}

impl Default for Globals {
    fn default() -> Globals {
        Globals {
            links: Vec::new(),
            redefined: Vec::new(),
            newline: "\n",
        }
    }
}

impl Incremental {
    pub fn new() -> Incremental {
        Incremental::default()
    }

    /// Analyse `source`, reusing what the previous call on this cache
    /// analysed. Equal to [`super::analyze`] of the same text.
    pub fn update(
        &mut self,
        source: &str,
        format: Format,
        db: &Database,
        trace: &mut Trace<'_>,
        stop: &Stop<'_>,
    ) -> Analysis {
        self.update_with(|text| text.push_str(source), format, db, trace, stop)
    }

    /// [`Incremental::update`] of the text that `fill` writes into an empty
    /// string: the cache's own buffer from the update before last, so an
    /// editor's rope is copied once, into memory already in place. The text
    /// is [`Incremental::text`] afterwards.
    pub fn update_with(
        &mut self,
        fill: impl FnOnce(&mut String),
        format: Format,
        db: &Database,
        trace: &mut Trace<'_>,
        stop: &Stop<'_>,
    ) -> Analysis {
        let mut new = std::mem::take(&mut self.spare);
        new.clear();
        fill(&mut new);
        let analysis = self.analyse(&new, format, db, trace, stop);
        // The old text's buffer is the next update's.
        self.spare = std::mem::replace(&mut self.text, new);
        if analysis.stopped_at.is_some() {
            // Start afresh next time.
            self.entries.clear();
            self.starts.clear();
        }
        analysis
    }

    /// Hand back an earlier result (the last one, when its owner no longer
    /// needs it): the next update moves the findings it would make again
    /// into place instead of copying them from the chunks, drops the rest,
    /// and writes its terms into the old list's memory. A finding is taken
    /// only when it equals, field for field, what the chunk found there, so
    /// any list is safe to give.
    pub fn recycle(&mut self, analysis: Analysis) {
        self.recycled = analysis.findings;
        self.spare_terms = analysis.terms;
    }

    /// The text of the last update.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn analyse(
        &mut self,
        source: &str,
        format: Format,
        db: &Database,
        trace: &mut Trace<'_>,
        stop: &Stop<'_>,
    ) -> Analysis {
        let db_id = db as *const Database as usize;
        if self.format != Some(format) || self.db != db_id {
            *self = Incremental {
                format: Some(format),
                db: db_id,
                split: self.split,
                ..Incremental::default()
            };
        }
        // The bytes that changed, in the new text, and how the length moved.
        let old = std::mem::take(&mut self.text);
        let prefix = common_prefix(old.as_bytes(), source.as_bytes());
        let suffix = common_suffix(&old.as_bytes()[prefix..], &source.as_bytes()[prefix..]);
        let changed = prefix..source.len() - suffix;
        let delta = source.len() as isize - old.len() as isize;
        let fresh_start = self.entries.is_empty();
        let starts = if fresh_start {
            chunks::chunk_starts(source, format)
        } else {
            chunks::rechunk(&self.starts, source, format, changed.clone(), delta)
        };
        // Kept for the next update's buffer (the caller puts the new text
        // in its place).
        self.text = old;
        // Chunks before the change and after it keep their entries.
        let (n, m) = (starts.len(), self.starts.len());
        let old_len = (source.len() as isize - delta) as usize;
        let mut lead = 0;
        while !fresh_start
            && lead < n.min(m)
            && starts[lead] == self.starts[lead]
            && end_of(&starts, lead, source.len()) <= changed.start
            && end_of(&self.starts, lead, old_len) == end_of(&starts, lead, source.len())
        {
            lead += 1;
        }
        let mut tail = 0;
        while !fresh_start
            && tail < (n - lead).min(m - lead)
            && starts[n - 1 - tail] >= changed.end
            && self.starts[m - 1 - tail].checked_add_signed(delta) == Some(starts[n - 1 - tail])
        {
            tail += 1;
        }
        // What the chunk before the kept tail handed on, before the edit.
        let seam: Option<Arc<State>> = (tail > 0 && m - tail > 0)
            .then(|| self.entries[m - tail - 1].done.as_ref().map(|d| d.out.clone()))
            .flatten();
        let mut entries = std::mem::take(&mut self.entries);
        let kept_tail = entries.split_off(m - tail);
        entries.truncate(lead);
        entries.extend((lead..n - tail).map(|_| Entry::default()));
        entries.extend(kept_tail);
        self.starts = starts;
        self.entries = entries;
        let chunk = |i: usize| self.starts[i]..end_of(&self.starts, i, source.len());

        // Globals: link references first (extraction reads them), then the
        // acronyms (read from the extracted chunks).
        let mut prepared: rustc_hash::FxHashMap<usize, Prepared> = Default::default();
        if format == Format::Markdown {
            for i in lead..n - tail {
                self.entries[i].links = text::link_definitions(&source[chunk(i)]);
            }
        }
        let mut links: Vec<String> = self.entries.iter().flat_map(|e| e.links.iter().cloned()).collect();
        links.sort();
        links.dedup();
        let newline = suppress::newline(source);
        let mut invalid_all = links != self.globals.links || newline != self.globals.newline;
        if invalid_all {
            self.globals.links = links;
            self.globals.newline = newline;
            for e in &mut self.entries {
                e.redefined = None;
            }
        }
        // A text read whole is prepared in two halves at once when the
        // helper thread is free (see `Guess`).
        let long = self.split == Split::Halfway && PARALLEL_BYTES.contains(&source.len());
        let mut helper = (long && (fresh_start || invalid_all)).then(Helper::claim).flatten();
        let todo: Vec<usize> = (0..n).filter(|&i| self.entries[i].redefined.is_none()).collect();
        let globals = &self.globals;
        let prepare_chunks = |todo: &[usize]| -> Vec<(usize, Vec<String>, Option<Prepared>)> {
            todo.iter()
                .map(|&i| {
                    // An acronym is defined in brackets: a chunk without
                    // one defines none (and is not prepared twice, nor held).
                    if !source[chunk(i)].contains('(') {
                        return (i, Vec::new(), None);
                    }
                    let p = prepare(&source[chunk(i)], format, db, &globals.links);
                    (i, acronyms::redefined(&p.prose.text, &p.terms), Some(p))
                })
                .collect()
        };
        let ready = match (&helper, halfway(&self.starts, source.len())) {
            (Some(helper), Some(k)) => {
                let (first, second) = todo.split_at(todo.partition_point(|&i| i < k));
                let mut theirs = Vec::new();
                let slot = &mut theirs;
                let prepare_chunks = &prepare_chunks;
                let mut ours = helper.0.pool.in_place_scope(|scope| {
                    scope.spawn(move |_| *slot = prepare_chunks(second));
                    prepare_chunks(first)
                });
                ours.append(&mut theirs);
                ours
            }
            _ => prepare_chunks(&todo),
        };
        for (i, redefined, p) in ready {
            self.entries[i].redefined = Some(redefined);
            if let Some(p) = p {
                prepared.insert(i, p);
            }
        }
        let mut redefined: Vec<String> = self
            .entries
            .iter()
            .flat_map(|e| e.redefined.iter().flatten().cloned())
            .collect();
        redefined.sort();
        redefined.dedup();
        if redefined != self.globals.redefined {
            self.globals.redefined = redefined;
            invalid_all = true;
        }

        // The walk: analyse what changed, then on until the state agrees.
        let ctx = Ctx {
            source,
            format,
            db,
            globals: &self.globals,
            starts: &self.starts,
            invalid_all,
            last_new: n - tail,
            tail,
            seam,
        };
        let mut walk = Walk {
            entering_changed: false,
            head_changed: fresh_start,
            analysed: 0,
            stopped_at: None,
        };
        // When every chunk is to be read (an open) and the helper thread is
        // free, it reads the second half while this one reads the first:
        // it starts a few chunks early with nothing handed on, and its
        // results are taken where it entered a chunk with the state the
        // walk hands on there (see `Guess`).
        let all = fresh_start || invalid_all;
        if long && all && helper.is_none() {
            helper = Helper::claim();
        }
        let split = match self.split {
            Split::Never => None,
            Split::At(k) => Some(k).filter(|&k| all && k < n),
            Split::Halfway => helper.as_ref().and_then(|_| halfway(&self.starts, source.len())),
        };
        self.last_guessed = 0;
        let mut language = None;
        match split {
            Some(k) => {
                // The prepared chunks of the second half are the guess's.
                let theirs: Vec<(usize, Prepared)> = (k..n).filter_map(|i| Some((i, prepared.remove(&i)?))).collect();
                let first_done = AtomicBool::new(false);
                let entries = &mut self.entries;
                let mut guess = match &helper {
                    Some(helper) => {
                        let mut made = None;
                        let slot = &mut made;
                        let (ctx, first_done) = (&ctx, &first_done);
                        helper.0.pool.in_place_scope(|scope| {
                            scope.spawn(move |_| *slot = Some(Guess::make(ctx, k, theirs, first_done, stop)));
                            walk.walk(ctx, entries, 0..k, &mut prepared, None, trace, stop);
                            first_done.store(true, Ordering::Release);
                            // While the guess goes on: the language check,
                            // when the first half holds all it reads.
                            if walk.stopped_at.is_none() && ctx.starts[k] >= LANGUAGE_SAMPLE {
                                language = Some(language_note(entries, ctx));
                            }
                        });
                        made.unwrap_or_else(|| Guess::none(k))
                    }
                    None => {
                        // Tests: the guess first, then the walk, on one thread.
                        let guess = Guess::make(&ctx, k, theirs, &first_done, stop);
                        walk.walk(&ctx, entries, 0..k, &mut prepared, None, trace, stop);
                        guess
                    }
                };
                drop(helper);
                if walk.stopped_at.is_none() {
                    walk.walk(&ctx, entries, k..n, &mut prepared, Some(&mut guess), trace, stop);
                }
                self.last_guessed = guess.taken;
            }
            None => walk.walk(&ctx, &mut self.entries, 0..n, &mut prepared, None, trace, stop),
        }
        let Walk {
            head_changed,
            analysed,
            stopped_at,
            ..
        } = walk;
        self.last_analysed_bytes = analysed;
        if head_changed {
            self.language = language.unwrap_or_else(|| language_note(&self.entries, &ctx));
        }
        self.assemble(source, format, db, stopped_at)
    }

    /// The document's analysis from the chunks' results.
    fn assemble(&mut self, source: &str, format: Format, db: &Database, stopped_at: Option<usize>) -> Analysis {
        let mut terms = std::mem::take(&mut self.spare_terms);
        terms.clear();
        let mut findings = Vec::new();
        let mut directives = Vec::new();
        // Handed-back findings, by where they start.
        let mut pool: Vec<Option<Finding>> = std::mem::take(&mut self.recycled).into_iter().map(Some).collect();
        let mut by_start: Vec<(usize, usize)> = pool
            .iter()
            .enumerate()
            .filter_map(|(k, f)| Some((f.as_ref()?.range.start, k)))
            .collect();
        by_start.sort_unstable();
        let starts = &self.starts;
        for (i, e) in self.entries.iter_mut().enumerate() {
            let Some(d) = &mut e.done else {
                break; // stopped here
            };
            let start = starts[i];
            let end = starts.get(i + 1).copied().unwrap_or(source.len());
            // Where the chunk stood when the handed-back findings were
            // placed (its text is the same: its result was kept).
            let before = d.placed_at.replace(start);
            let candidates = match before {
                // (Most chunks find nothing: no search for them.)
                Some(o) if !d.findings.is_empty() => {
                    let from = by_start.partition_point(|x| x.0 < o);
                    let to = by_start.partition_point(|x| x.0 <= o + (end - start));
                    &by_start[from..to]
                }
                _ => &[][..],
            };
            terms.extend(d.terms.iter().map(|t| TermHit {
                range: t.range.start + start..t.range.end + start,
                term: t.term,
            }));
            for f in &d.findings {
                // One that points into an earlier chunk moves with it, not
                // with this one: placed afresh.
                let inside = ranges(f).all(|r| r.start < EXTERNAL && r.end < EXTERNAL);
                let external = f.range.start >= EXTERNAL;
                let reused = match before {
                    Some(o) if inside => take_equal(&mut pool, candidates, f, o, start),
                    _ => None,
                };
                let f = reused.unwrap_or_else(|| {
                    let mut f = f.clone();
                    ranges_mut(&mut f).for_each(|r| *r = place(starts, i, r.clone()));
                    // A finding on a phrase of an earlier chunk gets its
                    // suppression fix here, where that chunk's text is.
                    if external {
                        f.fixes
                            .push(suppress::ignore_fix(source, format, &f, self.globals.newline));
                    }
                    f
                });
                findings.push(f);
            }
            directives.extend(d.directives.iter().map(|x| {
                let mut x = x.clone();
                x.range = x.range.start + start..x.range.end + start;
                x
            }));
        }
        self.last_recycled = pool.iter().filter(|f| f.is_none()).count();
        // What was not taken is freed here, off the caller's way.
        drop(pool);
        findings.sort_by(|a, b| (a.range.start, a.range.end, &a.code).cmp(&(b.range.start, b.range.end, &b.code)));
        findings.dedup_by(|a, b| a.code == b.code && a.range == b.range);
        mechanism::drop_subsumed(db, 0, &mut findings);
        findings.extend(self.language.clone());
        let findings = suppress::filter(source, findings, &directives);
        Analysis {
            terms,
            findings,
            stopped_at,
        }
    }
}

/// What every chunk of one update reads.
struct Ctx<'a> {
    source: &'a str,
    format: Format,
    db: &'a Database,
    globals: &'a Globals,
    starts: &'a [usize],
    /// Every chunk is read again (the globals changed).
    invalid_all: bool,
    /// The first chunk kept after the edit, and how many were kept there.
    last_new: usize,
    tail: usize,
    /// What the chunk before the kept tail handed on, before the edit.
    seam: Option<Arc<State>>,
}

impl Ctx<'_> {
    fn chunk(&self, i: usize) -> Range<usize> {
        self.starts[i]..end_of(self.starts, i, self.source.len())
    }

    /// Read chunk `i` after a chunk that handed on `entering` (nothing:
    /// the start of the document).
    fn step(
        &self,
        i: usize,
        prepared: Option<Prepared>,
        entering: Option<Arc<State>>,
        trace: &mut Trace<'_>,
        stop: &Stop<'_>,
    ) -> Result<Done, usize> {
        let r = self.chunk(i);
        let mut state = entering.as_deref().cloned().unwrap_or_default();
        let p = prepared.unwrap_or_else(|| prepare(&self.source[r.clone()], self.format, self.db, &self.globals.links));
        let result = analyse_chunk(
            &self.source[r.clone()],
            p,
            self.format,
            self.db,
            self.globals,
            &mut state,
            trace,
            stop,
        );
        let mut done = result.map_err(|at| r.start + at)?;
        done.blind = state.lists.take_blind();
        state.discourse.carry();
        state.lists.carry();
        if r.start >= LANGUAGE_SAMPLE {
            done.head = None;
        }
        done.out = match entering {
            Some(e) if *e == state => e,
            _ => Arc::new(state),
        };
        Ok(done)
    }
}

/// The walk of one update over the chunks (see the module docs).
struct Walk {
    /// The chunk just read handed on something else than before.
    entering_changed: bool,
    /// A chunk near the start was read (the language check reads them).
    head_changed: bool,
    /// Bytes of the chunks read.
    analysed: usize,
    /// Where `stop` stopped it.
    stopped_at: Option<usize>,
}

impl Walk {
    /// Walk over the chunks `range`, taking from `guess` what it read with
    /// the same state handed on.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        ctx: &Ctx<'_>,
        entries: &mut [Entry],
        range: Range<usize>,
        prepared: &mut rustc_hash::FxHashMap<usize, Prepared>,
        mut guess: Option<&mut Guess>,
        trace: &mut Trace<'_>,
        stop: &Stop<'_>,
    ) {
        for i in range {
            if i == ctx.last_new && ctx.tail > 0 {
                // The first kept chunk after the edit was analysed after
                // another chunk than the one before it now: compare what
                // the two handed on.
                let before = match i {
                    0 => None,
                    _ => entries[i - 1].done.as_ref().map(|d| &*d.out),
                };
                let default = State::default();
                self.entering_changed = before.unwrap_or(&default) != ctx.seam.as_deref().unwrap_or(&default);
            }
            let redo = ctx.invalid_all || self.entering_changed || entries[i].done.is_none();
            if !redo {
                if i >= ctx.last_new {
                    return; // everything after stands
                }
                continue;
            }
            let entering = match i {
                0 => None,
                _ => entries[i - 1].done.as_ref().map(|d| Arc::clone(&d.out)),
            };
            let r = ctx.chunk(i);
            self.analysed += r.len();
            self.head_changed |= r.start < LANGUAGE_SAMPLE;
            let guessed = guess.as_deref_mut().and_then(|g| g.take(i, entering.as_ref()));
            let result = match guessed {
                Some(done) => Ok(done),
                None => ctx.step(i, prepared.remove(&i), entering, trace, stop),
            };
            match result {
                Ok(done) => {
                    let previous = entries[i].done.take().map(|d| d.out);
                    self.entering_changed = previous.as_deref() != Some(&*done.out);
                    entries[i].done = Some(done);
                }
                Err(at) => {
                    // Stopped: what is cached no longer holds together.
                    self.stopped_at = Some(at);
                    entries[i].done = None;
                    return;
                }
            }
        }
    }
}

/// The chunks of the second half read on another thread, from a few chunks
/// before it with nothing handed on: what a chunk hands on depends on the
/// chunks just before it (actors named a few sentences back, the section's
/// heading), so by the half it is most often what the walk hands on there.
/// A chunk's result is taken only when it was read with the state the walk
/// hands on to it, so a wrong guess costs time, never correctness.
struct Guess {
    from: usize,
    /// For chunks `from..`: the state each entered with, and its result.
    read: Vec<Option<(Option<Arc<State>>, Done)>>,
    /// How many the walk took.
    taken: usize,
}

/// The thread that reads the second half of a text read whole, for one
/// text at a time: a process has at most one thread more than those that
/// call the analysis, and a caller never waits for another's guess.
pub(super) struct Helper {
    pool: rayon::ThreadPool,
    busy: AtomicBool,
}

static HELPER: OnceLock<Option<Helper>> = OnceLock::new();

/// The helper, claimed for one update; released when dropped.
struct Claim(&'static Helper);

impl Drop for Claim {
    fn drop(&mut self) {
        self.0.busy.store(false, Ordering::Release);
    }
}

impl Helper {
    /// Start the helper's thread (none on a machine with one core).
    pub(super) fn start() -> Option<&'static Helper> {
        HELPER
            .get_or_init(|| {
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                if cores < 2 {
                    return None;
                }
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .thread_name(|_| "peace-lsp-guess".into())
                    .build()
                    .ok()?;
                Some(Helper {
                    pool,
                    busy: AtomicBool::new(false),
                })
            })
            .as_ref()
    }

    /// The helper, when there is one and no other update has it.
    fn claim() -> Option<Claim> {
        let helper = Helper::start()?;
        helper
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        Some(Claim(helper))
    }
}

/// Chunks the guess reads before the half, to pick up what they hand on.
const GUESS_LEAD: usize = 3;

/// The sizes of text read in two halves. Below, the second thread costs
/// more than it saves. Above, every later edit pays for the cache built
/// by two threads (its memory in two arenas, interleaved): at 1 MB an
/// open read in halves took 158 ms instead of 290, but each keystroke
/// after it 1.02 ms instead of 0.90 (`cargo bench --bench analysis`).
const PARALLEL_BYTES: Range<usize> = 4 << 10..256 << 10;

impl Guess {
    /// Read chunks `from..` (after `GUESS_LEAD` before them), unless
    /// `first_done` says the first half was read before this started.
    fn make(
        ctx: &Ctx<'_>,
        from: usize,
        prepared: Vec<(usize, Prepared)>,
        first_done: &AtomicBool,
        stop: &Stop<'_>,
    ) -> Guess {
        let mut guess = Guess::none(from);
        if first_done.load(Ordering::Acquire) {
            return guess;
        }
        let mut prepared = prepared.into_iter().peekable();
        // Nothing handed on but a headword for synonym lists, not known.
        let mut entering = Some(Arc::new(State {
            lists: Lists::unknown_headword(),
            ..State::default()
        }));
        for i in from.saturating_sub(GUESS_LEAD)..ctx.starts.len() {
            let p = prepared.next_if(|(j, _)| *j == i).map(|(_, p)| p);
            let Ok(done) = ctx.step(i, p, entering.clone(), &mut |_| {}, stop) else {
                break;
            };
            let out = Arc::clone(&done.out);
            if i >= from {
                guess.read.push(Some((entering, done)));
            }
            entering = Some(out);
        }
        guess
    }

    /// A guess of nothing for chunks `from..`.
    fn none(from: usize) -> Guess {
        Guess {
            from,
            read: Vec::new(),
            taken: 0,
        }
    }

    /// The result of chunk `i` when it was read after the same state (but
    /// for a headword it did not know and did not need).
    fn take(&mut self, i: usize, entering: Option<&Arc<State>>) -> Option<Done> {
        let slot = self.read.get_mut(i.checked_sub(self.from)?)?;
        let default = State::default();
        let known = entering.map_or(&default, |e| &**e);
        let (guessed, done) = slot.as_ref()?;
        let guessed = guessed.as_deref().unwrap_or(&default);
        if done.blind || guessed.discourse != known.discourse || !guessed.lists.stands_for(&known.lists) {
            return None;
        }
        self.taken += 1;
        let (_, mut done) = slot.take()?;
        let mut out = Arc::unwrap_or_clone(done.out);
        out.lists.resolve(&known.lists);
        done.out = match entering {
            Some(e) if **e == out => Arc::clone(e),
            _ => Arc::new(out),
        };
        Some(done)
    }
}

/// The note on a text in another language, from the prose of the chunks
/// near the start.
fn language_note(entries: &[Entry], ctx: &Ctx<'_>) -> Option<Finding> {
    let head: String = entries
        .iter()
        .map_while(|e| e.done.as_ref())
        .filter_map(|d| d.head.as_deref())
        .collect();
    language_id::check(&head).map(|mut f| {
        let fix = suppress::ignore_fix(ctx.source, ctx.format, &f, ctx.globals.newline);
        f.fixes.push(fix);
        f
    })
}

/// The chunk where the first half of the bytes ends, when there are
/// chunks on both sides.
fn halfway(starts: &[usize], len: usize) -> Option<usize> {
    let k = starts.partition_point(|&s| s < len / 2);
    (k > 0 && k < starts.len()).then_some(k)
}

/// Where chunk `i` ends, in a text of `len` bytes cut at `starts`.
fn end_of(starts: &[usize], i: usize, len: usize) -> usize {
    starts.get(i + 1).copied().unwrap_or(len)
}

/// A range of chunk `i`'s results in document offsets (`starts` are the
/// chunks' starts).
fn place(starts: &[usize], i: usize, r: Range<usize>) -> Range<usize> {
    let one = |x: usize| {
        if x >= EXTERNAL {
            let back = (x - EXTERNAL) >> 32;
            let offset = (x - EXTERNAL) & 0xffff_ffff;
            starts[i.saturating_sub(back)] + offset
        } else {
            starts[i] + x
        }
    };
    one(r.start)..one(r.end)
}

/// Every range a finding holds: its own, its related ones, its fixes'.
fn ranges(f: &Finding) -> impl Iterator<Item = &Range<usize>> {
    std::iter::once(&f.range)
        .chain(f.related.iter().map(|r| &r.range))
        .chain(f.fixes.iter().flat_map(|x| x.edits.iter().map(|e| &e.range)))
}

fn ranges_mut(f: &mut Finding) -> impl Iterator<Item = &mut Range<usize>> {
    std::iter::once(&mut f.range)
        .chain(f.related.iter_mut().map(|r| &mut r.range))
        .chain(
            f.fixes
                .iter_mut()
                .flat_map(|x| x.edits.iter_mut().map(|e| &mut e.range)),
        )
}

/// Take from `pool` (among `candidates`, as (start, index)) a finding that
/// equals `f` of a chunk placed at `old`, moved to the chunk's place now,
/// `new`. Ranges move with wrapping arithmetic, so a candidate that is not
/// it moves back exactly.
fn take_equal(
    pool: &mut [Option<Finding>],
    candidates: &[(usize, usize)],
    f: &Finding,
    old: usize,
    new: usize,
) -> Option<Finding> {
    let shift = |g: &mut Finding, from: usize, to: usize| {
        ranges_mut(g)
            .for_each(|r| *r = r.start.wrapping_sub(from).wrapping_add(to)..r.end.wrapping_sub(from).wrapping_add(to));
    };
    for &(_, k) in candidates {
        let Some(g) = pool[k].as_mut() else { continue };
        // Levels may have changed its severity since: the chunk's stands.
        let severity = std::mem::replace(&mut g.severity, f.severity);
        shift(g, old, 0);
        if g == f {
            shift(g, 0, new);
            return pool[k].take();
        }
        shift(g, 0, old);
        g.severity = severity;
    }
    None
}

/// Extract and match one chunk.
fn prepare(source: &str, format: Format, db: &Database, links: &[String]) -> Prepared {
    let prose = text::extract_with(source, format, links);
    let norm = Normalized::new(&prose.text);
    let ids = rule_ids(&prose.text, db);
    let terms = term_hits(&norm, db, &ids);
    let mut cues = db.cue_matcher().find(&norm);
    cues.retain(|c| !overlaps(&ids, &c.range));
    Prepared { prose, terms, cues }
}

/// The sentences of one chunk, with the state handed on from the chunk
/// before (updated in place). `Err` with the offset of the first sentence
/// not read when `stop` says so.
#[allow(clippy::too_many_arguments)]
fn analyse_chunk(
    source: &str,
    p: Prepared,
    format: Format,
    db: &Database,
    globals: &Globals,
    state: &mut State,
    trace: &mut Trace<'_>,
    stop: &Stop<'_>,
) -> Result<Done, usize> {
    let Prepared { prose, mut terms, cues } = p;
    acronyms::drop(&prose.text, &mut terms, &globals.redefined);
    let lex = db.lexicon();
    let sentences = split::split(&prose.text, &prose.breaks, db.abbreviations());
    let mut findings = Vec::new();
    let State { discourse, lists } = state;
    let (mut ti, mut ci) = (0, 0);
    let mut corrected_blocks: rustc_hash::FxHashMap<usize, bool> = Default::default();
    for (s, block) in sentences.iter().cloned() {
        if stop() {
            return Err(s.start);
        }
        // Hits are sorted by start; take those inside this sentence.
        while ti < terms.len() && terms[ti].range.start < s.start {
            ti += 1;
        }
        while ci < cues.len() && cues[ci].range.start < s.start {
            ci += 1;
        }
        let t_end = ti + terms[ti..].partition_point(|t| t.range.start < s.end);
        let c_end = ci + cues[ci..].partition_point(|c| c.range.start < s.end);
        discourse.enter(&prose, &s, block);
        let heading = matches!(
            prose.block_at(s.start).map(|b| b.kind),
            Some(text::BlockKind::Heading(_))
        );
        lists.sentence(&prose.text, s.clone(), &terms[ti..t_end], heading, db, &mut findings);
        // A lead-in ("Write the sections:") decides what its items are
        // about, even with no term in it.
        let needed = t_end > ti
            || prose.text[s.clone()].trim_end().ends_with(':')
            || discourse.has_topic()
            || discourse.has_candidates() && super::mentions_anaphor(&prose.text[s.clone()], lex);
        if !needed {
            discourse.record(&prose, &s, Some((None, false)), Vec::new(), None, false);
            continue;
        }
        let sentence = Sentence::new(&prose, s.clone(), &terms[ti..t_end], &cues[ci..c_end], discourse, db);
        trace(&sentence);
        let before = findings.len();
        mechanism::check(&sentence, &mut findings);
        // A claim reported ("my draft said that ...") and corrected in the
        // same paragraph ("... was a mistake") is discussed, not made.
        if findings.len() > before && sentence.reports_claim() {
            // Once per block: with one per sentence, a long paragraph of
            // reported claims was quadratic.
            let corrected = *corrected_blocks.entry(block).or_insert_with(|| {
                // Sentences come in block order.
                let lo = sentences.partition_point(|(_, b)| *b < block);
                let hi = sentences.partition_point(|(_, b)| *b <= block);
                sentences[lo..hi].iter().any(|(r, _)| {
                    let toks = tokenize(&prose.text, r.clone());
                    lex.discussion_markers.any_in(&toks, 0..toks.len()) || reported::elliptical_denial(&toks, lex)
                })
            });
            if corrected {
                findings.truncate(before);
            }
        }
        let named: Vec<usize> = (0..sentence.actors.len())
            .filter(|&a| {
                let act = &sentence.actors[a];
                act.here && !act.modifier && is_actor_like(&db.terms[act.term])
            })
            .collect();
        // A question about one actor is what its answer is about: "Q: What
        // is peacekeeping? A: It is when ...".
        let asked = named
            .first()
            .filter(|&&a| {
                sentence.asks
                    && named
                        .iter()
                        .all(|&b| sentence.actors[b].term == sentence.actors[a].term)
            })
            .map(|&a| {
                let e = sentence.entity(a);
                let plural = e.plural;
                (Some(e), plural)
            });
        let center = asked.or_else(|| {
            sentence.center().map(|(actor, plural)| {
                // The subject's number is its head's: "peacekeeping operations" are plural.
                let entity = actor.map(|a| {
                    let mut e = sentence.entity(a);
                    e.plural |= plural;
                    e
                });
                (entity, plural)
            })
        });
        // A lead-in's topic is in its main clause: "Before UN peacekeepers
        // are deployed, these conditions must be met:" is about conditions.
        let opening = sentence.opening_clause();
        let lead = named
            .iter()
            .rev()
            .find(|&&a| !opening.contains(&sentence.actors[a].toks.start))
            .map(|&a| sentence.entity(a));
        let named = named.into_iter().map(|a| sentence.entity(a)).collect();
        // Only a lead-in's address to the reader matters.
        let instructs = prose.text[s.clone()].trim_end().ends_with(':') && sentence.addresses_reader();
        discourse.record(&prose, &s, center, named, lead, instructs);
    }
    for f in findings.iter_mut().filter(|f| f.range.start < EXTERNAL) {
        let fix = suppress::ignore_fix(source, format, f, globals.newline);
        f.fixes.push(fix);
    }
    Ok(Done {
        out: Arc::default(),
        terms,
        findings,
        directives: suppress::directives(source, format),
        head: Some(prose.text),
        placed_at: None,
        blind: false,
    })
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    // Whole blocks first: slice equality is a memcmp.
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + 64 <= n && a[n - i - 64..n - i] == b[n - i - 64..n - i] {
        i += 64;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analysis, the chunks guessed and the number of chunks.
    fn read(text: &str, format: Format, db: &Database, split: Split) -> (Analysis, usize, usize) {
        let mut cache = Incremental {
            split,
            ..Incremental::default()
        };
        let a = cache.update(text, format, db, &mut |_| {}, &|| false);
        (a, cache.last_guessed, cache.starts.len())
    }

    const DOCS: [(&str, Format); 4] = [
        (include_str!("../../examples/essay-markdown.md"), Format::Markdown),
        (include_str!("../../examples/chapter.tex"), Format::Latex),
        (include_str!("../../examples/exam-answer.txt"), Format::Plain),
        (include_str!("../../examples/essay.md"), Format::Markdown),
    ];

    #[test]
    fn reading_in_two_halves_at_any_chunk_gives_the_one_thread_result() {
        let db = Database::builtin();
        let mut taken = 0;
        for (text, format) in DOCS {
            let (one, _, n) = read(text, format, db, Split::Never);
            assert!(n > 5, "{n} chunks");
            for k in 0..n {
                let (two, guessed, _) = read(text, format, db, Split::At(k));
                assert_eq!(two.terms, one.terms, "split at chunk {k} of {n}");
                assert_eq!(two.findings, one.findings, "split at chunk {k} of {n}");
                assert_eq!(two.stopped_at, None);
                taken += guessed;
            }
        }
        // The guess is right often enough to be worth its thread.
        assert!(taken > 0);
    }

    #[test]
    fn what_only_earlier_chunks_know_is_never_guessed() {
        let db = Database::builtin();
        // The heading names the actor of the list item, five chunks on; the
        // headword of the synonym list is the first term, six chunks back.
        let texts = [
            "# UNFICYP\n\nThe island was split before peacekeeping began.\n\nTalks went on for years.\n\nThe buffer zone stayed calm.\n\nTourists came back.\n\nWhat it did:\n\n- negotiated the peace agreement in 1974\n",
            "Peacebuilding is the long work after a war ends.\n\nIt rebuilds courts and schools.\n\nDonors pay for much of it.\n\nLocal groups lead the best of it.\n\nElections come later.\n\nSynonyms: peacemaking, reconstruction.\n",
        ];
        for text in texts {
            let (one, _, n) = read(text, Format::Markdown, db, Split::Never);
            assert_eq!(one.findings.len(), 1, "{:?}", one.findings);
            for k in 0..n {
                let (two, _, _) = read(text, Format::Markdown, db, Split::At(k));
                assert_eq!(two.findings, one.findings, "split at chunk {k} of {n}");
            }
        }
    }

    #[test]
    fn halfway_needs_chunks_on_both_sides() {
        assert_eq!(halfway(&[0, 10, 20, 30], 40), Some(2));
        assert_eq!(halfway(&[0], 40), None);
        assert_eq!(halfway(&[0, 39], 40), Some(1));
    }
}
