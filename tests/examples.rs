//! The example documents in examples/ produce exactly their expected
//! findings: `essay.md` its three deliberate mistakes, `clean.txt` none, and
//! every `<file>.expected.json` sidecar the findings it lists (code, term,
//! occurrence), nothing more.

use peace_lsp::analysis::analyze;
use peace_lsp::eval::occurrence;
use peace_lsp::terms::Database;
use peace_lsp::text::Format;
use std::path::{Path, PathBuf};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn findings(path: &Path) -> (String, Vec<(String, std::ops::Range<usize>)>) {
    let text = std::fs::read_to_string(path).expect("example exists");
    let format = Format::detect(None, Some(path));
    let found = analyze(&text, format, Database::builtin())
        .findings
        .into_iter()
        .map(|f| (f.code, f.range))
        .collect();
    (text, found)
}

#[test]
fn essay_has_its_three_deliberate_mistakes_and_nothing_else() {
    let (text, got) = findings(&examples().join("essay.md"));
    let got: Vec<(String, &str)> = got.into_iter().map(|(c, r)| (c, &text[r])).collect();
    let want = [
        ("peacemaking-as-peacekeeping".to_string(), "peacemaking"),
        ("terms-as-synonyms".to_string(), "peacekeeping"),
        ("peacekeeping-as-peacemaking".to_string(), "peacekeepers"),
    ];
    assert_eq!(got, want);
}

#[test]
fn correct_explanation_is_clean() {
    let (_, got) = findings(&examples().join("clean.txt"));
    assert!(got.is_empty(), "{got:?}");
}

#[derive(serde::Deserialize)]
struct Expected {
    code: String,
    term: String,
    occurrence: usize,
}

#[test]
fn long_examples_match_their_sidecars() {
    let mut checked = 0;
    for entry in std::fs::read_dir(examples()).expect("examples/") {
        let sidecar = entry.expect("entry").path();
        let Some(name) = sidecar
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".expected.json"))
        else {
            continue;
        };
        let doc = examples().join(name);
        let expected: Vec<Expected> =
            serde_json::from_str(&std::fs::read_to_string(&sidecar).expect("sidecar")).expect("sidecar parses");
        let (text, got) = findings(&doc);
        let mut want: Vec<(String, std::ops::Range<usize>)> = expected
            .iter()
            .map(|e| {
                let r = occurrence(&text, &e.term, e.occurrence)
                    .unwrap_or_else(|| panic!("{name}: no occurrence {} of {:?}", e.occurrence, e.term));
                (e.code.clone(), r)
            })
            .collect();
        want.sort_by_key(|(_, r)| r.start);
        let show = |v: &[(String, std::ops::Range<usize>)]| -> Vec<String> {
            v.iter()
                .map(|(c, r)| format!("{c} on {:?} at {}", &text[r.clone()], r.start))
                .collect()
        };
        assert_eq!(show(&got), show(&want), "{name}");
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} sidecars found");
}
