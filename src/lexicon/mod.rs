//! The leaf of the crate: word tokens, phrase lists, English word forms and
//! the function-word data of `terms/language.toml`, compiled. Everything above
//! (terms, scan, analysis) may use it; it uses nothing of the crate.

mod forms;
mod language;
mod phrases;
mod tokens;

pub use forms::{noun_forms, phrase_forms, verb_forms, PartOfSpeech};
pub use language::{Language, Lexicon};
pub use phrases::Phrases;
pub use tokens::{tokenize, Tag, Tok};
