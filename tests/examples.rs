//! The example documents in examples/ produce exactly their expected findings.

use peace_lsp::analysis::analyze;
use peace_lsp::terms::Database;
use peace_lsp::text::Format;

fn findings(file: &str, format: Format) -> Vec<(String, String)> {
    let path = format!("{}/examples/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example exists");
    analyze(&text, format, Database::builtin())
        .findings
        .into_iter()
        .map(|f| (f.code, text[f.range].to_string()))
        .collect()
}

#[test]
fn essay_has_its_three_deliberate_mistakes_and_nothing_else() {
    let got = findings("essay.md", Format::Markdown);
    let want = [
        ("peacemaking-as-peacekeeping", "peacemaking"),
        ("terms-as-synonyms", "peacekeeping"),
        ("peacekeeping-as-peacemaking", "peacekeepers"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(c, t)| (c.to_string(), t.to_string())).collect();
    assert_eq!(got, want);
}

#[test]
fn correct_explanation_is_clean() {
    assert_eq!(findings("clean.txt", Format::Plain), Vec::<(String, String)>::new());
}
