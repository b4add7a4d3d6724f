//! Print the per-code precision/recall table for a corpus file, beside the
//! figures of a naive co-occurrence rule.
//!
//! cargo run --release --example eval -- [tests/corpus/conflations.jsonl] [--misses]

use peace_lsp::eval::{parse_jsonl, score, score_naive};
use peace_lsp::terms::Database;

const CODES: &[&str] = &[
    "peacekeeping-as-peacemaking",
    "peacemaking-as-peacekeeping",
    "terms-as-synonyms",
    "peacekeeping-as-enforcement",
    "peacemaking-as-enforcement",
    "peacebuilding-as-peacekeeping",
    "peacekeeping-before-ceasefire",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_misses = args.iter().any(|a| a == "--misses");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "tests/corpus/conflations.jsonl".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("eval: cannot read {path}: {e}");
        std::process::exit(2)
    });
    let items = parse_jsonl(&text).unwrap_or_else(|e| {
        eprintln!("eval: {path}: {e}");
        std::process::exit(2)
    });
    let db = Database::builtin();
    let ours = score(&items, CODES, db);
    let naive = score_naive(&items, CODES, db);
    println!("{} items from {path}\n\n## peace-lsp\n\n{}\n## naive baseline (term + other concept's cue in the same sentence)\n\n{}", items.len(), ours.table(), naive.table());
    if show_misses {
        for r in &ours.items {
            let item = items.iter().find(|i| i.id == r.id).expect("item");
            println!("\n{} [{}] {}", r.id, item.kind, item.text.replace('\n', " "));
            for m in &r.missed {
                println!("  MISSED {} on {:?}", m.code, m.term);
            }
            for (code, text) in &r.false_positives {
                println!("  FALSE  {code} on {text:?}");
            }
        }
    }
}
