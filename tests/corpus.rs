//! Scores the labelled corpus (tests/corpus/, copied from the shared
//! corpus) with the rules of tests/corpus/README.md and prints the per-code
//! table. Fails below the agreed thresholds for the codes implemented so far.

use peace_lsp::eval::{parse_jsonl, score};
use peace_lsp::terms::Database;

/// The codes this release implements.
const CODES: &[&str] = &[
    "peacekeeping-as-peacemaking",
    "peacemaking-as-peacekeeping",
    "terms-as-synonyms",
];

const MIN_PRECISION: f64 = 0.85;
/// Not an issue requirement; a guard against silent regressions.
const MIN_RECALL: f64 = 0.75;

#[test]
fn public_corpus_precision_and_recall() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/conflations.jsonl"))
        .expect("corpus file");
    let items = parse_jsonl(&text).expect("corpus parses");
    assert!(items.len() >= 300, "corpus has {} items", items.len());
    let s = score(&items, CODES, Database::builtin());
    println!("{}", s.table());
    for r in &s.items {
        for m in &r.missed {
            println!("missed {} {} on {:?}", r.id, m.code, m.term);
        }
        for (code, t) in &r.false_positives {
            println!("false positive {} {code} on {t:?}", r.id);
        }
    }
    let o = s.overall();
    assert!(
        o.precision() >= MIN_PRECISION,
        "overall precision {:.3} < {MIN_PRECISION}",
        o.precision()
    );
    assert!(
        o.recall() >= MIN_RECALL,
        "overall recall {:.3} < {MIN_RECALL}",
        o.recall()
    );
}

#[test]
fn scoring_counts_overlap_codes_and_allow_lists() {
    use peace_lsp::analysis::{Finding, Severity};
    use peace_lsp::eval::{score_with, Item};
    let item: Item = serde_json::from_str(
        r#"{"id":"t","format":"plaintext","text":"a peacekeepers b peacekeepers","expect":[{"code":"x","term":"peacekeepers","occurrence":2}],"allow":["y"],"kind":"positive"}"#,
    )
    .unwrap();
    let f = |code: &str, r: std::ops::Range<usize>| Finding {
        code: code.into(),
        severity: Severity::Warning,
        range: r,
        message: String::new(),
        related: vec![],
        term: None,
        fixes: vec![],
    };
    // On the second occurrence: a true positive. On the first: a false positive.
    let s = score_with(std::slice::from_ref(&item), &["x", "y"], |_| {
        vec![f("x", 17..29), f("x", 2..14), f("y", 2..14)]
    });
    let x = s.per_code["x"];
    assert_eq!((x.tp, x.fp, x.fn_), (1, 1, 0));
    assert_eq!(s.per_code["y"].fp, 0, "allowed code is not a false positive");
    // Nothing found: one false negative.
    let s = score_with(&[item], &["x"], |_| vec![]);
    assert_eq!(s.per_code["x"].fn_, 1);
}

/// tests/corpus/dev.jsonl and dev2.jsonl to dev5.jsonl were each written
/// independently of the rules (by a writer who saw only the corpus README and
/// the domain reference, never the code or the other corpora). Each was first
/// scored untouched (dev: precision 0.925, recall 0.765; dev2: 0.957, 0.611;
/// dev3: 0.935, 0.795; dev4: 0.906, 0.842; dev5: 0.959, 0.904) and has guided
/// general fixes since, so they are regression guards here, not held-out
/// measures.
#[test]
fn dev_corpora_regression_guard() {
    for name in ["dev.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl"] {
        let path = format!("{}/tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("dev corpus");
        let items = parse_jsonl(&text).expect("dev corpus parses");
        let s = score(&items, CODES, Database::builtin());
        println!("{name}\n{}", s.table());
        let o = s.overall();
        assert!(o.precision() >= 0.95, "{name}: precision {:.3}", o.precision());
        assert!(o.recall() >= 0.85, "{name}: recall {:.3}", o.recall());
    }
}
