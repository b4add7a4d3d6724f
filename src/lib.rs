//! peace-lsp: a language server for writing about international peace
//! operations. See ARCHITECTURE.md for the module map and invariants.

#![deny(clippy::print_stdout)]

pub mod analysis;
pub mod cli;
pub mod config;
pub mod document;
#[doc(hidden)]
pub mod eval;
pub mod input;
pub mod lexicon;
pub mod scan;
pub mod server;
pub mod terms;
pub mod text;
