//! Serde model of the `terms/*.toml` files. See `terms/SCHEMA.md`.

use super::facts::Fact;
use crate::lexicon::Language;
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
    /// A force outside the UN deployed with the parties' acceptance to carry
    /// out an agreement (IFOR, KFOR): "a NATO-led peacekeeping force" is
    /// common, loose usage; only calling it UN peacekeeping is an error.
    #[serde(default)]
    pub with_consent: bool,
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
    pub role: Role,
    #[serde(default = "one")]
    pub weight: f32,
    /// Verb lemmas or phrases whose first word is a verb: every form matches
    /// ("negotiate": "negotiated", "negotiating"; "use force": "using force").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verbs: Vec<String>,
    /// Noun lemmas or phrases whose last word is a noun: singular and plural
    /// match ("air strike": "air strikes").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nouns: Vec<String>,
    /// Phrases matched exactly as written (adjectives, adverbs, fixed phrases).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    /// When set, a phrase counts only if one of these follows within
    /// `within` tokens ("stop ... war": "to stop the first war").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub followed_by: Vec<String>,
    #[serde(default = "three")]
    pub within: usize,
    /// A follower inside one of these phrases does not count: "during the
    /// Cold War" names a period, not a war being fought.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_in: Vec<String>,
    /// When set, one of these must come between the phrase and its
    /// follower: "even when ... the government ... says no".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub through: Vec<String>,
}

/// What a cue phrase is to its concept; see `terms/cues.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Something an agent does.
    Act,
    /// People or things that belong to the concept (troops, a buffer zone).
    Asset,
    /// What the work produces (an accord); strengthens an act.
    Product,
    /// An object that makes an act the legitimate work of the other concept
    /// ("negotiated access").
    Tactical,
    /// A case or place that stands for the concept ("Desert Storm").
    Anchor,
    /// A circumstance of the sentence ("before any ceasefire").
    Circumstance,
    /// Where the act happens, when the place itself says the concept (the
    /// theatre of a coalition war: "sent to Korea"). Unlike a circumstance
    /// it counts only as the actor's own place: right after the actor or on
    /// a verb the actor does or is sent by, never merely near the actor.
    Place,
}

fn three() -> usize {
    3
}

fn one() -> f32 {
    1.0
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    #[serde(alias = "warn")]
    Warning,
    #[serde(alias = "info")]
    Information,
    Hint,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" | "warn" => Severity::Warning,
            "information" | "info" => Severity::Information,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// How a rule finds its mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
    /// An actor of one concept credited with another concept's work.
    Attribution,
    /// Two concepts presented as one.
    Synonym,
}

/// A kind of evidence an attribution rule may use; one file each under
/// `src/analysis/evidence/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// The actor is the agent of an act ("peacekeepers negotiated").
    Subject,
    /// The actor is defined by the work ("X is/means ...").
    Definition,
    /// The actor next to an asset or act ("peacemaking troops").
    Compound,
    /// The actor owns an asset ("its own battalion").
    Possession,
    /// A case of the work concept is called the actor ("Desert Storm was a
    /// peacekeeping operation").
    Identity,
    /// The actor with a circumstance ("sent in before any ceasefire").
    Circumstance,
    /// The work's concept presented as a kind of the actor's ("peacekeeping
    /// takes many forms, including peace enforcement").
    Classification,
}

/// One diagnostic rule: which mechanism, which actors, which work.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub code: String,
    pub severity: Severity,
    pub mechanism: Mechanism,
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
    /// Kinds of evidence (attribution). Empty means subject, definition,
    /// compound and possession.
    #[serde(default)]
    pub uses: Vec<EvidenceKind>,
    /// A definition counts only if its predicate has no cue of the actor's
    /// own concept.
    #[serde(default)]
    pub exclusive_definition: bool,
    /// Term id -> replacement words offered as quick fixes.
    #[serde(default)]
    pub replacements: BTreeMap<String, Vec<String>>,
    /// Codes this rule's finding replaces on the same phrase in the same
    /// sentence: one finding per actor phrase, the more specific one.
    #[serde(default)]
    pub subsumes: Vec<String>,
}

impl RuleSpec {
    pub fn uses(&self, evidence: EvidenceKind) -> bool {
        if self.uses.is_empty() {
            matches!(
                evidence,
                EvidenceKind::Subject | EvidenceKind::Definition | EvidenceKind::Compound | EvidenceKind::Possession
            )
        } else {
            self.uses.contains(&evidence)
        }
    }
}
