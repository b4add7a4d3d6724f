//! Serde model of the `terms/*.toml` files. See `terms/SCHEMA.md`.

use super::facts::Fact;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The five concepts every entry belongs to (or `none` for unrelated senses).
pub const CONCEPTS: &[&str] = &[
    "conflict-prevention",
    "peacemaking",
    "peacekeeping",
    "peace-enforcement",
    "peacebuilding",
];

pub const KINDS: &[&str] = &[
    "concept",
    "actor",
    "institution",
    "document",
    "mission",
    "agreement",
    "other-sense",
];

/// One file of the database. Every section is optional so that data can be
/// split across files freely.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermsFile {
    #[serde(default)]
    pub term: Vec<Term>,
    #[serde(default)]
    pub contrast: Vec<Contrast>,
    #[serde(default)]
    pub cue: Vec<CueSet>,
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
    #[serde(default)]
    pub language: Option<Language>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub concept: String,
    pub variants: Vec<String>,
    #[serde(default)]
    pub translations: BTreeMap<String, Vec<String>>,
    pub short: String,
    pub explanation: String,
    #[serde(default)]
    pub confused_with: Option<String>,
    pub sources: Vec<String>,
    /// Free-text or structured facts, each with its place in the file.
    #[serde(default)]
    pub facts: Vec<toml::Spanned<Fact>>,
    #[serde(default)]
    pub see_also: Vec<String>,
}

impl Term {
    /// Every surface form: variants, then translations.
    pub fn surface_forms(&self) -> impl Iterator<Item = &str> {
        self.variants
            .iter()
            .chain(self.translations.values().flatten())
            .map(String::as_str)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contrast {
    pub id: String,
    pub a: String,
    pub b: String,
    pub summary: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub dimension: Vec<Dimension>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    pub a: String,
    pub b: String,
}

/// A set of cue phrases that signal one concept's typical work or assets.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CueSet {
    pub id: String,
    pub concept: String,
    /// `act`, `asset`, `product` or `tactical`; see `terms/cues.toml`.
    pub role: String,
    #[serde(default = "one")]
    pub weight: f32,
    pub words: Vec<String>,
    /// When set, a word counts only if one of these follows within
    /// `within` tokens ("stop ... war": "to stop the first war").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub followed_by: Vec<String>,
    #[serde(default = "three")]
    pub within: usize,
}

fn three() -> usize {
    3
}

fn one() -> f32 {
    1.0
}

/// One diagnostic rule: which mechanism, which actors, which work.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub code: String,
    pub severity: String,
    /// `attribution` or `synonym`.
    pub mechanism: String,
    pub title: String,
    /// One teaching sentence; `{term}` and `{other}` are filled in.
    pub message: String,
    #[serde(default)]
    pub actor_concepts: Vec<String>,
    #[serde(default)]
    pub actor_kinds: Vec<String>,
    #[serde(default)]
    pub exempt_actors: Vec<String>,
    #[serde(default)]
    pub work_concept: Option<String>,
    /// Phrases that, anywhere in the clause, mean the rule does not apply
    /// ("military support to peacemaking").
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// Kinds of evidence (attribution): subject, definition, compound,
    /// possession, identity, circumstance. Empty means the first four.
    #[serde(default)]
    pub uses: Vec<String>,
    /// A definition counts only if its predicate has no cue of the actor's
    /// own concept.
    #[serde(default)]
    pub exclusive_definition: bool,
    /// Term id -> replacement words offered as quick fixes.
    #[serde(default)]
    pub replacements: BTreeMap<String, Vec<String>>,
}

/// Kinds of evidence an attribution rule may use.
pub const EVIDENCE: &[&str] = &[
    "subject",
    "definition",
    "compound",
    "possession",
    "identity",
    "circumstance",
];

impl RuleSpec {
    pub fn uses(&self, evidence: &str) -> bool {
        if self.uses.is_empty() {
            matches!(evidence, "subject" | "definition" | "compound" | "possession")
        } else {
            self.uses.iter().any(|u| u == evidence)
        }
    }
}

/// Function words and markers the clause analysis uses, as data.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    #[serde(default)]
    pub abbreviations: Vec<String>,
    #[serde(default)]
    pub contrast_markers: Vec<String>,
    #[serde(default)]
    pub negations: Vec<String>,
    #[serde(default)]
    pub subordinators: Vec<String>,
    #[serde(default)]
    pub relative_pronouns: Vec<String>,
    #[serde(default)]
    pub skippable: Vec<String>,
    #[serde(default)]
    pub actor_heads: Vec<String>,
    #[serde(default)]
    pub blockers: Vec<String>,
    #[serde(default)]
    pub passive_auxiliaries: Vec<String>,
    #[serde(default)]
    pub discussion_markers: Vec<String>,
    #[serde(default)]
    pub reporting_verbs: Vec<String>,
    #[serde(default)]
    pub prepositions: Vec<String>,
    #[serde(default)]
    pub negated_complements: Vec<String>,
    #[serde(default)]
    pub possession_verbs: Vec<String>,
    #[serde(default)]
    pub causatives: Vec<String>,
    #[serde(default)]
    pub determiners: Vec<String>,
    #[serde(default)]
    pub everyday_sense_terms: Vec<String>,
    #[serde(default)]
    pub everyday_contexts: Vec<String>,
    #[serde(default)]
    pub synonym_links: Vec<String>,
    #[serde(default)]
    pub sameness_predicates: Vec<String>,
    #[serde(default)]
    pub distinction_markers: Vec<String>,
    #[serde(default)]
    pub copulas: Vec<String>,
    #[serde(default)]
    pub anaphors: Vec<String>,
    #[serde(default)]
    pub anaphor_determiners: Vec<String>,
    #[serde(default)]
    pub anaphor_heads: Vec<String>,
    #[serde(default)]
    pub introductory: Vec<String>,
}

impl Language {
    pub fn merge(&mut self, other: Language) {
        macro_rules! merge_all {
            ($($f:ident),*) => { $( self.$f.extend(other.$f); )* };
        }
        merge_all!(
            abbreviations,
            contrast_markers,
            negations,
            subordinators,
            relative_pronouns,
            skippable,
            actor_heads,
            blockers,
            passive_auxiliaries,
            discussion_markers,
            reporting_verbs,
            prepositions,
            negated_complements,
            possession_verbs,
            causatives,
            determiners,
            everyday_sense_terms,
            everyday_contexts,
            synonym_links,
            sameness_predicates,
            distinction_markers,
            copulas,
            anaphors,
            anaphor_determiners,
            anaphor_heads,
            introductory
        );
    }
}
