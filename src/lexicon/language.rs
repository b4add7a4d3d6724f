//! The function-word data of `terms/language.toml` and its compiled form.
//!
//! Word *classes* (noun, verb, determiner, preposition ...) come from the
//! part-of-speech tagger, not from lists. What is listed here is meaning the
//! tagger cannot give: which verbs report, prevent or support someone else's
//! act, which words negate, contrast, gloss or discuss. Verb lists hold
//! lemmas; every inflection is matched.

use super::forms::PartOfSpeech;
use super::phrases::Phrases;
use super::tokens::Tok;
use serde::Deserialize;

macro_rules! language_lists {
    ($( $(#[$doc:meta])* $field:ident: $pos:ident ),* $(,)?) => {
        /// Serde model of `[language]` tables. Every list is optional so that
        /// data can be split across files and extended by user glossaries.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Language {
            $( $(#[$doc])* #[serde(default)] pub $field: Vec<String>, )*
        }

        impl Language {
            /// Append another file's lists to these.
            pub fn merge(&mut self, other: Language) {
                $( self.$field.extend(other.$field); )*
            }
        }

        /// The lists of [`Language`], compiled to phrase matchers (verb
        /// lemmas expanded to every form).
        #[derive(Debug, Clone, Default)]
        pub struct Lexicon {
            $( $(#[$doc])* pub $field: Phrases, )*
        }

        impl Lexicon {
            pub fn new(l: &Language) -> Lexicon {
                Lexicon {
                    $( $field: Phrases::inflected(&l.$field, PartOfSpeech::$pos), )*
                }
            }
        }
    };
}

language_lists! {
    /// A "." after one of these does not end a sentence.
    abbreviations: Fixed,
    /// Open a contrasting clause; work is never attributed across one.
    contrast_markers: Fixed,
    /// Negate the phrase they stand in.
    negations: Fixed,
    /// Verbs whose subject did not do what follows ("failed to", "refused to").
    negative_verbs: Verb,
    /// Adjectives whose subject does not do what follows ("unable to
    /// negotiate", "powerless to stop").
    negative_adjectives: Fixed,
    /// Prefixes that negate a compound: "non-coercive", "anti-war".
    negative_prefixes: Fixed,
    /// Open a relative clause.
    relative_pronouns: Fixed,
    /// Set phrases that comment on a whole sentence ("in my view", "of
    /// course"): adverbs, never the start of a noun phrase.
    sentence_adverbials: Fixed,
    /// Pronouns that refer back to a plural actor.
    plural_pronouns: Fixed,
    /// Pronouns that refer back to a singular actor.
    singular_pronouns: Fixed,
    /// Before an actor noun, make a phrase that refers back ("the force").
    anaphor_determiners: Fixed,
    /// Nouns that name an actor of a concept when they follow its term
    /// ("peacekeeping troops") or refer back to one ("the force").
    actor_nouns: Noun,
    /// Actor nouns that never refer back to an actor of ours: a coalition,
    /// an alliance or an army is a body of states or a party to the war.
    coalition_nouns: Noun,
    /// Nouns of time ("Later that year it ..."): an introductory phrase.
    time_nouns: Noun,
    /// Nouns of place ("sent to the region in 1993 to ..."): a phrase of
    /// place between a verb and its purpose.
    place_nouns: Noun,
    /// What an actor or concept does or is for ("the peacekeepers' main tool").
    role_nouns: Noun,
    /// "uses peacekeepers to defeat": the object does the act that follows.
    instrument_verbs: Verb,
    /// "the use of X to V": X is used by whoever uses it.
    instrument_nouns: Noun,
    /// "sent in with orders to end the war": the act after one of these is
    /// the work of whoever holds it, the clause's subject.
    mandate_nouns: Noun,
    /// "Korea was the first UN peacekeeping war": a noun after the term that
    /// names a case of it, so the phrase calls the case by the term.
    case_nouns: Noun,
    /// "told to prepare to fight", "ready to defend themselves": the act
    /// after these is prepared for, not done.
    readiness_verbs: Verb,
    /// "provided security for peace talks", "support for the negotiations":
    /// an act after one of these (and a preposition) is someone else's,
    /// which the phrase only makes possible.
    support_nouns: Noun,
    /// "ONUMOZ was the outcome of long diplomacy": an act after one of
    /// these and "of" brought the subject about; the subject did not do it.
    origin_nouns: Noun,
    /// The parties to a conflict: named after an actor and before a
    /// possessive, they own what it names ("the parties ... their
    /// negotiators").
    party_nouns: Noun,
    /// "the fighting stopped", "fighting ceased": said of an act with no
    /// object, these end it.
    cessation_verbs: Verb,
    /// "took three years to negotiate": a length of time after one of these
    /// is spent by whoever does the act that follows.
    duration_verbs: Verb,
    /// "make": a verb whose object and a word after it say what it makes
    /// the object do or be ("make the agreement last").
    make_verbs: Verb,
    /// "last", "hold": after "make" and its object, the object is made to
    /// endure, not made ("make that agreement last").
    causative_results: Fixed,
    /// "were the target of attacks", "the victims of shelling": an act
    /// after one of these and "of" is done to the subject, by someone else.
    patient_nouns: Noun,
    /// "ambushes blamed on the militia", "raids carried out by the army": after
    /// an act noun, the participle and preposition that name its agent.
    agent_participles: Fixed,
    /// "were deployed", "sent in": the one sent does the work.
    deployment_verbs: Verb,
    /// "served as a peacemaker in Lebanon, at checkpoints": the role named
    /// after "as" holds the post where the subject served.
    service_verbs: Verb,
    /// "X tried to negotiate": the subject does the act that follows.
    subject_control_verbs: Verb,
    /// "X helped the parties negotiate": the subject facilitates the object's
    /// act, which counts as the subject's own work.
    facilitation_verbs: Verb,
    /// "X protected the mediators who negotiated": the act belongs to the
    /// object, the subject only supports it.
    support_verbs: Verb,
    /// "mediated and followed by peacekeepers": the agent after "by" of one
    /// of these only came next; the act before it is someone else's.
    sequence_verbs: Verb,
    /// "X stopped the sides from attacking", "deterred attacks": the act is
    /// prevented, and is not the subject's.
    prevention_verbs: Verb,
    /// "X launched air strikes", "led the talks": the subject performs the
    /// activity named by the object noun.
    light_verbs: Verb,
    /// "X had 1,200 soldiers", "commanded a battalion": the object is the
    /// subject's own asset.
    possession_verbs: Verb,
    /// "be", "get": with a past participle, a passive.
    passive_auxiliaries: Verb,
    /// Verbs that report someone else's claim.
    reporting_verbs: Verb,
    /// Sources a claim is reported from without the writer taking it on ("a
    /// student who writes that ...", "some accounts describe ... as").
    generic_sources: Noun,
    /// Verbs of naming: passive and hedged, they report a name others give
    /// ("is often called", "is sometimes described as").
    naming_verbs: Verb,
    /// Adverbs that, on a passive verb of naming, make it a report of usage.
    naming_hedges: Fixed,
    /// After a negation, open a clause the negation governs ("does not mean
    /// that ...").
    negated_complements: Verb,
    /// Show that the writer is discussing a claim, not making it.
    discussion_markers: Fixed,
    /// Between two concept terms, present them as one.
    synonym_links: Fixed,
    /// After "X and Y", present the two as one ("mean the same").
    sameness_predicates: Fixed,
    /// Make a pair of terms a distinction, not a gloss.
    distinction_markers: Fixed,
    /// Introduce a definition of their subject ("means", "refers to").
    copulas: Verb,
    /// Link a subject to what it is called, like "be" ("remains").
    linking_verbs: Verb,
    /// Define their object when "as" follows ("define peacemaking as").
    defining_verbs: Verb,
    /// Introduce the members of a class ("includes", "such as").
    classifiers: Fixed,
    /// Words naming the people around a writer: with one, "peacemaker" is
    /// the everyday sense ("Mum is the peacemaker in our house").
    everyday_contexts: Fixed,
    /// The terms that have an everyday sense.
    everyday_sense_terms: Fixed,
    /// After a negative word, make it affirm: "nothing other than",
    /// "no less than".
    exceptives: Fixed,
}

impl Lexicon {
    /// A negation token: a listed word or phrase, or a word ending in "n't".
    pub fn is_negation(&self, toks: &[Tok], i: usize) -> bool {
        if toks[i].lower.ends_with("n't") {
            return true;
        }
        // "is nothing other than construction": an exceptive after the
        // negative word turns it into an assertion.
        self.negations
            .at(toks, i)
            .is_some_and(|len| self.exceptives.at(toks, i + len).is_none())
    }
}
