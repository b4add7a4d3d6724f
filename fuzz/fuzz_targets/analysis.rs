//! Extraction and analysis of any text in every format: never panics,
//! every range inside the text on char boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;
use peace_lsp::analysis::{analyze, find_terms};
use peace_lsp::terms::Database;
use peace_lsp::text::Format;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let format = [Format::Markdown, Format::Latex, Format::Plain][which as usize % 3];
    let text = String::from_utf8_lossy(rest);
    let db = Database::builtin();
    let a = analyze(&text, format, db);
    for f in &a.findings {
        assert!(f.range.end <= text.len() && text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
    }
    let terms = find_terms(&text, format, db);
    assert_eq!(terms.len(), a.terms.len());
});
