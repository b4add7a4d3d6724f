//! Show what the analysis sees in each line of standard input: tags, noun
//! phrases, verb groups, actors, cues with their agents, and findings.
//!
//! echo "UN peacekeepers negotiated the accord." | cargo run --release --example grammar

use peace_lsp::analysis::{analyze, explain_sentence};
use peace_lsp::terms::Database;
use peace_lsp::text::Format;
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("stdin");
    let db = Database::builtin();
    let format = match std::env::args().nth(1).as_deref() {
        Some("markdown") => Format::Markdown,
        Some("latex") => Format::Latex,
        _ => Format::Plain,
    };
    print!("{}", explain_sentence(&input, format, db));
    for f in analyze(&input, format, db).findings {
        println!("=> {} on {:?}", f.code, &input[f.range]);
    }
}
