//! The project-file and glossary parsers on any text: errors, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use peace_lsp::config::Options;
use peace_lsp::terms::Database;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = Options::from_toml(Path::new(".peace-lsp.toml"), text);
    let _ = Database::with_overlays(vec![("course.toml".to_string(), text.to_string())]);
});
