//! Entities across sentences and the document structure around a sentence.
//!
//! - A pronoun that opens a sentence ("They ...") refers to the subject of
//!   the sentence before, if that subject agrees in number; when the subject
//!   there is not an actor ("the two governments"), the pronoun is not one
//!   either. A chain of pronoun subjects carries the actor on.
//! - A description ("the force", "these troops") refers to the latest actor
//!   named in the last three sentences of the section.
//! - A heading opens a section; an actor named alone in a heading, or in a
//!   lead-in ending with a colon, is the topic of the list items that follow
//!   it; a table cell's topic is the actor in its row's first cell or its
//!   column's header.
//!
//! The state is a handful of recent entries, so the cost per sentence is
//! constant.

use crate::terms::Database;
use crate::text::{BlockKind, Prose};
use std::ops::Range;

/// How many sentences back a description may reach.
const DESCRIPTION_REACH: usize = 3;

/// An actor named somewhere in the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub term: usize,
    pub range: Range<usize>,
    pub plural: bool,
    /// A mission or institution, which writers also call "they".
    pub collective: bool,
    /// Named in its everyday or another sense (a family "peacemaker", the
    /// Colt Peacemaker): what refers back to it is not the field's actor.
    pub other_sense: bool,
    /// The words of the phrase, white space folded: what a finding on it
    /// says, also from a later chunk that no longer has its text.
    pub surface: String,
}

impl Entity {
    pub fn new(term: usize, range: Range<usize>, db: &Database, text: &str) -> Entity {
        let words = text[range.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
        Entity::from_words(term, range, db, words)
    }

    /// An entity from its words (`surface`) rather than the text.
    pub fn from_words(term: usize, range: Range<usize>, db: &Database, surface: String) -> Entity {
        Entity {
            plural: is_plural(db, term, &surface),
            collective: matches!(db.terms[term].kind.as_str(), "mission" | "institution"),
            other_sense: false,
            term,
            range,
            surface,
        }
    }
}

/// Offsets at or above this stand for a range in an earlier chunk (see
/// [`crate::analysis::incremental`]): `EXTERNAL | back << 32 | offset`,
/// `back` chunks before the current one, `offset` bytes into it.
pub const EXTERNAL: usize = 1 << 62;

/// Whether a range lies in an earlier chunk.
pub fn is_external(r: &Range<usize>) -> bool {
    r.start >= EXTERNAL
}

/// A range of the chunk being left, or of one before it, as seen from the
/// next chunk.
pub fn carry_range(r: &mut Range<usize>) {
    let step = |x: usize| {
        if x >= EXTERNAL {
            x + (1 << 32)
        } else {
            EXTERNAL | 1 << 32 | x
        }
    };
    *r = step(r.start)..step(r.end);
}

fn is_plural(db: &Database, term: usize, surface: &str) -> bool {
    let t = &db.terms[term];
    t.kind == "actor" && surface.to_lowercase().ends_with('s')
}

/// Whether an anaphor of the given number can stand for the actor: "they"
/// for plural actors and, informally, for missions and institutions; "it"
/// for anything singular.
pub fn agrees(db: &Database, term: usize, surface: &str, plural: bool, pronoun: bool) -> bool {
    let t = &db.terms[term];
    let actor_plural = is_plural(db, term, surface);
    let collective = matches!(t.kind.as_str(), "mission" | "institution");
    if plural {
        actor_plural || (pronoun && collective)
    } else {
        !actor_plural
    }
}

/// The lowercase words of a heading or a cell, apostrophes kept ("don't").
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// What the structure around a sentence supplies.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Context {
    #[default]
    None,
    /// A list item or table cell about this actor: what it says without a
    /// subject is said of the actor.
    Topic(Entity),
}

#[derive(Debug, Clone, PartialEq)]
struct Center {
    sentence: usize,
    entity: Option<Entity>,
    plural: bool,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Discourse {
    sentence: usize,
    /// The paragraph of the current sentence: pronouns do not reach across
    /// a paragraph break (descriptions do, within the section).
    paragraph: usize,
    /// Subjects of the latest sentences, newest last.
    centers: Vec<Center>,
    /// Actors named in the latest sentences, newest last.
    recent: Vec<(usize, Entity)>,
    /// The section's heading topic, and where the section starts.
    heading: Option<Entity>,
    /// A lead-in ending with a colon, for the list items after it.
    lead_in: Option<Entity>,
    /// The last lead-in addresses the reader and names no actor ("Follow
    /// this process:"): its items are instructions, not about the heading.
    lead_instructs: bool,
    /// Table topics: (table cell row start, row) -> the first cell's actor;
    /// (column) -> the header's actor.
    row_topic: Option<(u32, Entity)>,
    column_topics: Vec<(u32, Entity)>,
    /// Columns whose header sets their cells against the row's term ("Not
    /// to be confused with", "Unlike"): those cells are not about it.
    contrast_columns: Vec<u32>,
    /// Columns whose header announces mistakes ("Common mistake"): their
    /// cells quote errors, they do not make them.
    mistake_columns: Vec<u32>,
    /// The structure of the sentence being analysed.
    current: Context,
    /// A heading or lead-in that announces mistakes ("Common errors:",
    /// "## Five sentences ... and what is wrong with them"): what follows
    /// under it quotes errors, it does not make them.
    discussing: bool,
    /// The current sentence is under such a heading or lead-in.
    pub under_discussion: bool,
}

impl Discourse {
    pub fn new() -> Discourse {
        Discourse::default()
    }

    /// Move to the sentence at `range`: open a section at a heading, end a
    /// list, and work out the sentence's context.
    pub fn enter(&mut self, prose: &Prose, range: &Range<usize>, paragraph: usize) {
        self.sentence += 1;
        let block_at = prose.block_at(range.start);
        let block = block_at.map(|b| b.kind);
        // A footnote continues its sentence; a new paragraph does not.
        if paragraph != self.paragraph {
            self.paragraph = paragraph;
            if block != Some(BlockKind::Footnote) {
                self.centers.clear();
            }
        }
        self.current = Context::None;
        self.under_discussion = self.discussing
            && matches!(block, Some(BlockKind::ListItem | BlockKind::Cell { .. }) | None)
            || matches!(block, Some(BlockKind::Cell { col, header: false, .. }) if self.mistake_columns.contains(&col));
        if !matches!(block, Some(BlockKind::Cell { .. } | BlockKind::Footnote)) {
            // Out of a table: its rows and columns are not this block's.
            self.row_topic = None;
            self.column_topics.clear();
            self.contrast_columns.clear();
            self.mistake_columns.clear();
        }
        match block {
            Some(BlockKind::Heading(_)) => {
                self.discussing = false;
                self.centers.clear();
                self.recent.clear();
                self.heading = None;
                self.lead_in = None;
                self.lead_instructs = false;
                self.column_topics.clear();
                self.contrast_columns.clear();
                self.mistake_columns.clear();
            }
            // Only an item's first sentence leaves its subject to the
            // lead-in or heading; what follows it in the item is prose of
            // its own ("1. Discuss the video. On the board write ...").
            Some(BlockKind::ListItem)
                if block_at.is_some_and(|b| {
                    !prose.text[b.range.start..range.start.max(b.range.start)]
                        .chars()
                        .any(char::is_alphabetic)
                }) =>
            {
                let heading = self.heading.clone().filter(|_| !self.lead_instructs);
                if let Some(e) = self.lead_in.clone().or(heading) {
                    self.current = Context::Topic(e);
                }
            }
            Some(BlockKind::Cell { row, col, header }) => {
                if header {
                    self.column_topics.retain(|(c, _)| *c != col);
                    self.contrast_columns.retain(|c| *c != col);
                    self.mistake_columns.retain(|c| *c != col);
                } else if col > 0 && !self.contrast_columns.contains(&col) {
                    // A row is about the actor in its first cell; a column
                    // header names what is compared, not who acts.
                    let row_topic = self
                        .row_topic
                        .as_ref()
                        .filter(|(r, _)| *r == row)
                        .map(|(_, e)| e.clone());
                    if let Some(e) = row_topic {
                        self.current = Context::Topic(e);
                    }
                } else {
                    self.row_topic = None;
                }
                if row == 0 && !header {
                    self.column_topics.clear();
                }
            }
            Some(BlockKind::Footnote | BlockKind::ListItem) => {}
            None => {
                self.lead_in = None;
                self.lead_instructs = false;
            }
        }
    }

    /// Leave a chunk: the state as the next chunk sees it, in a form that
    /// does not depend on where the chunks are (ranges relative to their
    /// chunk, sentences counted back from the current one), so that two
    /// runs reaching a chunk with the same state compare equal.
    pub fn carry(&mut self) {
        const NOW: usize = 1 << 40;
        // What no later sentence can reach: descriptions reach a few
        // sentences back, an opening pronoun only the last one.
        let now = self.sentence;
        self.recent.retain(|(s, _)| s + DESCRIPTION_REACH > now);
        let keep = self.centers.len().saturating_sub(1);
        self.centers.drain(..keep);
        let back = |s: &mut usize| *s = (*s + NOW).saturating_sub(self.sentence);
        for c in &mut self.centers {
            back(&mut c.sentence);
            if let Some(e) = &mut c.entity {
                carry_range(&mut e.range);
            }
        }
        for (s, e) in &mut self.recent {
            back(s);
            carry_range(&mut e.range);
        }
        let entities = self
            .heading
            .iter_mut()
            .chain(self.lead_in.iter_mut())
            .chain(self.row_topic.iter_mut().map(|(_, e)| e))
            .chain(self.column_topics.iter_mut().map(|(_, e)| e));
        for e in entities {
            carry_range(&mut e.range);
        }
        self.sentence = NOW;
        // Kept in the cache for every chunk: no spare capacity.
        self.centers.shrink_to_fit();
        self.recent.shrink_to_fit();
        self.column_topics.shrink_to_fit();
        self.contrast_columns.shrink_to_fit();
        self.mistake_columns.shrink_to_fit();
        // The next chunk opens a paragraph of its own.
        self.paragraph = usize::MAX;
        self.current = Context::None;
        self.under_discussion = false;
    }

    pub fn context(&self, _at: usize) -> Context {
        self.current.clone()
    }

    /// The sentence being entered has a topic from the structure.
    pub fn has_topic(&self) -> bool {
        self.current != Context::None
    }

    /// Something a pronoun or description could refer to.
    pub fn has_candidates(&self) -> bool {
        self.centers.last().is_some_and(|c| c.entity.is_some()) || !self.recent.is_empty()
    }

    /// Record what sentence `s` (source bytes `range`) showed: its center,
    /// the actors it names, and, for headings, lead-ins and cells, the
    /// topic of what follows (`lead`: the actor a lead-in's main clause names
    /// last; `instructs`: the sentence is addressed to the reader, an
    /// imperative or a clause whose subject is "you", "we" or "I").
    pub fn record(
        &mut self,
        prose: &Prose,
        range: &Range<usize>,
        center: Option<(Option<Entity>, bool)>,
        named: Vec<Entity>,
        lead: Option<Entity>,
        instructs: bool,
    ) {
        let block = prose.block_at(range.start).map(|b| b.kind);
        let colon = prose.text[range.clone()].trim_end().ends_with(':');
        let lower = prose.text[range.clone()].to_lowercase();
        // "What went wrong in Rwanda?" tells what failed in history; it does
        // not announce writers' mistakes.
        let lower = lower.replace("went wrong", "");
        let announces = [
            "mistake",
            "error",
            "wrong",
            "misconception",
            "myth",
            "incorrect",
            "penalise",
            "penalize",
            "confusion",
            "\u{274C}",
        ]
        .iter()
        .any(|w| lower.contains(w));
        match block {
            Some(BlockKind::Heading(_)) => self.discussing = announces,
            None if lower.trim_end().ends_with(':') => self.discussing = announces,
            None if !announces => self.discussing = false,
            _ => {}
        }
        // One actor named, perhaps twice ("Role of peacekeepers": the role
        // phrase and the peacekeepers are the same actor).
        let only = named
            .first()
            .filter(|first| named.iter().all(|e| e.term == first.term))
            .cloned();
        match block {
            // "## What peacekeepers do not do": not a topic to credit.
            Some(BlockKind::Heading(_)) => {
                let negated = words(&prose.text[range.clone()])
                    .any(|w| matches!(w.as_str(), "not" | "never" | "no" | "don't" | "dont") || w.ends_with("n't"));
                self.heading = if negated { None } else { only.clone() };
            }
            Some(BlockKind::Cell { row, col, header }) => {
                if header {
                    if let Some(e) = only.clone() {
                        self.column_topics.push((col, e));
                    }
                    let contrast = words(&prose.text[range.clone()]).any(|w| {
                        matches!(
                            w.as_str(),
                            "not"
                                | "unlike"
                                | "confused"
                                | "confuse"
                                | "versus"
                                | "vs"
                                | "differs"
                                | "different"
                                | "contrast"
                        ) || w.ends_with("n't")
                    });
                    // "Negotiated by", "Brokered by": the cells name who did
                    // the header's act, someone other than the row's actor.
                    let agent = words(&prose.text[range.clone()]).last().is_some_and(|w| w == "by");
                    if contrast || agent {
                        self.contrast_columns.push(col);
                    }
                    if announces {
                        self.mistake_columns.push(col);
                    }
                } else if col == 0 {
                    self.row_topic = only.clone().map(|e| (row, e));
                } else if self.row_topic.as_ref().is_none_or(|(r, _)| *r != row) && self.column_topics.is_empty() {
                    // "| 1992 | UNITAF (Somalia) | UN peacekeeping |": after
                    // cells that name no actor (a year, a number), the first
                    // that names one is the row's topic, unless the headers
                    // name what each column is about ("| | Peacekeeping |
                    // Peace enforcement |").
                    if let Some(e) = only.clone() {
                        self.row_topic = Some((row, e));
                    }
                }
            }
            // An item that ends with a colon leads in the items after it
            // ("5. On the board write the sections:" then "1. ...").
            Some(BlockKind::ListItem) if colon => {
                self.lead_instructs = lead.is_none() && instructs;
                self.lead_in = lead;
            }
            Some(BlockKind::ListItem | BlockKind::Footnote) => {}
            None => {
                self.lead_instructs = colon && lead.is_none() && instructs;
                self.lead_in = if colon { lead } else { None };
            }
        }
        let center = match center {
            Some((entity, plural)) => Center {
                sentence: self.sentence,
                entity,
                plural,
            },
            // No subject found: an actor alone in a heading is what follows
            // is about ("## UNIFIL" then "It was set up in 1978").
            None => Center {
                sentence: self.sentence,
                plural: only.as_ref().is_some_and(|e| e.plural),
                entity: only.filter(|_| matches!(block, Some(BlockKind::Heading(_)))),
            },
        };
        self.centers.push(center);
        if self.centers.len() > 4 {
            self.centers.remove(0);
        }
        for e in named {
            self.recent.push((self.sentence, e));
        }
        let keep_from = self.recent.len().saturating_sub(8);
        self.recent.drain(..keep_from);
    }

    /// The actor an opening pronoun stands for: the last sentence's subject,
    /// if it agrees in number.
    pub fn resolve_pronoun(&self, plural: bool) -> Option<Entity> {
        let last = self.centers.last().filter(|c| c.sentence + 1 == self.sentence)?;
        let e = last.entity.as_ref()?;
        // The subject phrase's number: "peacekeeping operations ... They".
        let agrees = if plural {
            last.plural || e.plural || e.collective
        } else {
            !last.plural
        };
        agrees.then(|| e.clone())
    }

    /// The actor a description ("the force") stands for: the latest actor
    /// named in the last few sentences of the section.
    pub fn resolve_description(&self, head: &str, db: &Database) -> Option<Entity> {
        // "the department", "the commission" are bodies; "the force", "the
        // mission", "these troops" are missions or the people in them.
        let body = matches!(
            head,
            "department" | "departments" | "commission" | "body" | "organisation" | "organization"
        );
        self.recent
            .iter()
            .rev()
            .take_while(|(s, _)| s + DESCRIPTION_REACH >= self.sentence)
            .map(|(_, e)| e)
            .find(|e| {
                let kind = db.terms[e.term].kind.as_str();
                if body {
                    kind == "institution"
                } else if matches!(head, "mission" | "missions" | "operation" | "operations") {
                    // "the missions" are missions, not mediators or a concept.
                    kind == "mission"
                } else if matches!(
                    head,
                    "force"
                        | "forces"
                        | "troops"
                        | "soldiers"
                        | "battalion"
                        | "battalions"
                        | "contingent"
                        | "contingents"
                ) {
                    // An armed body is a mission or its soldiers, never the
                    // mediators or envoys named before ("I name the mediator
                    // ... even if the force wears blue helmets").
                    kind == "mission"
                        || matches!(kind, "actor" | "concept")
                            && matches!(db.terms[e.term].concept.as_str(), "peacekeeping" | "peace-enforcement")
                } else {
                    matches!(kind, "mission" | "actor" | "concept")
                }
            })
            .cloned()
    }
}
