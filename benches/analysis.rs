//! Criterion benchmarks of the analysis core on a 1 MB Markdown essay built
//! from the example documents. Run: `cargo bench --bench analysis`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use peace_lsp::analysis::{analyze, find_terms, Incremental};
use peace_lsp::terms::Database;
use peace_lsp::text::{extract, Format};

/// About 1 MB of Markdown: the example essay and the clean text, repeated
/// under numbered headings.
fn essay_1mb() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let essay = std::fs::read_to_string(format!("{dir}/essay.md")).expect("examples/essay.md");
    let body = essay.split("\n---\n").last().unwrap_or(&essay).to_string();
    let clean = std::fs::read_to_string(format!("{dir}/clean.txt")).expect("examples/clean.txt");
    let mut out = String::from("---\ntitle: benchmark\n---\n");
    let mut i = 0;
    while out.len() < 1_000_000 {
        i += 1;
        out.push_str(&format!("\n## Part {i}\n\n{body}\n\n{clean}\n"));
    }
    out
}

fn bench(c: &mut Criterion) {
    let db = Database::builtin();
    let text = essay_1mb();
    let mut g = c.benchmark_group("essay_1mb");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("analyze", |b| {
        b.iter(|| analyze(black_box(&text), Format::Markdown, db))
    });
    // The incremental path: one character typed in the middle of a
    // paragraph, the cache warm from the version before (each iteration
    // types the next character, as an editor sends them).
    g.bench_function("edit_one_char", |b| {
        let mut cache = Incremental::new();
        let mut doc = text.clone();
        cache.update(&doc, Format::Markdown, db, &mut |_| {}, &|| false);
        let mid = doc.len() / 2;
        let mut at = doc[mid..].find(". ").map_or(mid, |i| mid + i + 2);
        b.iter(|| {
            doc.insert(at, 'x');
            at += 1;
            cache.update(black_box(&doc), Format::Markdown, db, &mut |_| {}, &|| false)
        })
    });
    // The same as the server does it: each result handed back to the cache
    // for the next edit to reuse.
    g.bench_function("edit_one_char_recycled", |b| {
        let mut cache = Incremental::new();
        let mut doc = text.clone();
        let first = cache.update(&doc, Format::Markdown, db, &mut |_| {}, &|| false);
        cache.recycle(first);
        let mid = doc.len() / 2;
        let mut at = doc[mid..].find(". ").map_or(mid, |i| mid + i + 2);
        b.iter(|| {
            doc.insert(at, 'x');
            at += 1;
            let a = cache.update(black_box(&doc), Format::Markdown, db, &mut |_| {}, &|| false);
            black_box(a.findings.len());
            cache.recycle(a);
        })
    });
    g.bench_function("extract_markdown", |b| {
        b.iter(|| extract(black_box(&text), Format::Markdown))
    });
    g.bench_function("find_terms", |b| {
        b.iter(|| find_terms(black_box(&text), Format::Markdown, db))
    });
    g.finish();
    c.bench_function("database_load", |b| {
        let files: Vec<(String, String)> = peace_lsp::terms::embedded_files()
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        b.iter(|| Database::from_files(black_box(files.clone())).expect("valid"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
