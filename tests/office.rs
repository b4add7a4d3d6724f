//! Word (.docx) and OpenDocument (.odt) input of `check`: findings with
//! their paragraph and character in every output format, standard input
//! with a filename, and damaged files (truncated, zip bomb, no document
//! part) reported by name while the other files are still checked.

mod common;

use common::{run_in, zip_bomb, TempDir};
use peace_lsp::input::fixtures::{docx, docx_paragraphs, odt_paragraphs, w_p, zip};
use serde_json::Value;
use std::time::Duration;

/// A heading, a clean paragraph and a paragraph with one
/// `peacekeeping-as-peacemaking` finding ("peacekeepers", character 5).
const PARAGRAPHS: [&str; 3] = [
    "The UN and peace",
    "Mediators negotiate; peacekeepers monitor the agreement.",
    "The peacekeepers negotiated the Dayton Accords.",
];

#[test]
fn check_reports_docx_and_odt_findings_with_paragraph_and_character() {
    let dir = TempDir::new("office-human");
    dir.write("a.docx", docx_paragraphs(&PARAGRAPHS))
        .write("b.odt", odt_paragraphs(&PARAGRAPHS))
        .write("c.md", "# Notes\n\nThe peacekeepers negotiated the Dayton Accords.\n");
    let out = dir.run(&["check", "."]);
    assert_eq!(out.code(), Some(1), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    // Paragraph 3 is line 5 of the extracted text (paragraphs are separated
    // by blank lines).
    assert!(
        lines[0].starts_with("a.docx:5:5: warning[peacekeeping-as-peacemaking]: ")
            && lines[0].ends_with(" (paragraph 3, character 5)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("b.odt:5:5: warning[peacekeeping-as-peacemaking]: ")
            && lines[1].ends_with(" (paragraph 3, character 5)"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("c.md:3:5: ") && !lines[2].contains("(paragraph"),
        "{}",
        lines[2]
    );
    assert!(out.stderr.contains("checked 3 files"), "{}", out.stderr);
}

/// Line, column, footnote, paragraph, character, flagged text.
type Place<'a> = (u64, u64, Option<u64>, u64, u64, &'a str);

#[test]
fn check_json_sarif_and_github_carry_the_paragraph() {
    let dir = TempDir::new("office-formats");
    let notes = r#"<w:footnote w:id="7"><w:p><w:r><w:t>Later, the peacekeepers negotiated a peace treaty.</w:t></w:r></w:p></w:footnote>"#;
    let body = [
        w_p(PARAGRAPHS[0], Some("Heading1")),
        r#"<w:p><w:r><w:t>A claim.</w:t></w:r><w:r><w:footnoteReference w:id="7"/></w:r></w:p>"#.to_string(),
        w_p(PARAGRAPHS[2], None),
    ]
    .concat();
    dir.write("essay.docx", docx(&body, Some(notes)));

    let out = dir.run(&["check", "--format", "json", "essay.docx"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<Place> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["footnote"].as_u64(),
                f["paragraph"].as_u64().unwrap(),
                f["character"].as_u64().unwrap(),
                f["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (5, 5, None, 3, 5, "peacekeepers"),
            (7, 12, Some(1), 1, 12, "peacekeepers")
        ]
    );

    let out = dir.run(&["check", "--format", "sarif", "essay.docx"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .expect("the SARIF schema compiles offline");
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results[0]["properties"]["paragraph"], 3);
    assert_eq!(results[0]["properties"]["character"], 5);
    assert_eq!(results[1]["properties"]["footnote"], 1);
    assert!(results[1]["message"]["text"]
        .as_str()
        .unwrap()
        .ends_with("(footnote 1, character 12)"));

    let out = dir.run(&["check", "--format", "github", "essay.docx"]);
    assert!(
        out.stdout
            .lines()
            .next()
            .unwrap()
            .ends_with("(paragraph 3, character 5)"),
        "{}",
        out.stdout
    );
}

#[test]
fn check_reads_a_docx_from_stdin_with_its_filename() {
    let dir = TempDir::new("office-stdin");
    let bytes = docx_paragraphs(&PARAGRAPHS);
    let out = run_in(
        dir.path(),
        &["check", "--stdin", "--stdin-filename", "draft.docx"],
        Some(&bytes),
        Duration::from_secs(30),
    );
    assert_eq!(out.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("draft.docx:5:5: warning[peacekeeping-as-peacemaking]")
            && out.stdout.trim_end().ends_with("(paragraph 3, character 5)"),
        "{}",
        out.stdout
    );
    // The same bytes without the filename are not text.
    let out = run_in(dir.path(), &["check", "--stdin"], Some(&bytes), Duration::from_secs(30));
    assert_eq!(out.code(), Some(2));
    assert!(
        out.stderr.contains("binary") || out.stderr.contains("UTF-8"),
        "{}",
        out.stderr
    );
}

#[test]
fn damaged_word_files_are_named_and_the_others_still_checked() {
    let dir = TempDir::new("office-damaged");
    let good = docx_paragraphs(&PARAGRAPHS);
    let w_ns = peace_lsp::input::fixtures::W_NS;
    let small_doc = format!("<w:document xmlns:w=\"{w_ns}\"><w:body/></w:document>");
    dir.write("1-good.docx", &good)
        .write("2-truncated.docx", &good[..good.len() * 2 / 3])
        // An honest bomb: the entry says it is 1 GiB.
        .write("3-bomb.docx", zip_bomb("word/document.xml", 1 << 30, 1 << 30, &[]))
        // A lying bomb: it says 2 KiB and expands to 1 GiB.
        .write(
            "4-lying-bomb.docx",
            zip_bomb("word/document.xml", 1 << 30, 2048, &[("_rels/.rels", b"".as_slice())]),
        )
        .write(
            "5-no-document.docx",
            zip(&[("word/styles.xml", small_doc.as_bytes())], &[]),
        )
        .write("6-good.odt", odt_paragraphs(&PARAGRAPHS))
        .write("7-essay.md", "The peacekeepers negotiated the Dayton Accords.\n");
    let out = run_in(dir.path(), &["check", "."], None, Duration::from_secs(120));
    assert_eq!(out.code(), Some(2), "{}\n{}", out.stdout, out.stderr);
    let reported: Vec<&str> = out.stdout.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(reported, ["1-good.docx", "6-good.odt", "7-essay.md"], "{}", out.stdout);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("peace-lsp: error: "))
        .collect();
    assert_eq!(errors.len(), 4, "{}", out.stderr);
    assert!(
        errors[0].starts_with("2-truncated.docx: cannot read this Word (.docx) file: not a readable zip archive"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with(
            "3-bomb.docx: cannot read this Word (.docx) file: word/document.xml expands to more than 128 MiB"
        ),
        "{}",
        errors[1]
    );
    // The lying entry is stopped by the cap or by its checksum, never read whole.
    assert!(
        errors[2].starts_with("4-lying-bomb.docx: cannot read this Word (.docx) file: "),
        "{}",
        errors[2]
    );
    assert_eq!(
        errors[3],
        "5-no-document.docx: cannot read this Word (.docx) file: not a Word document: it has no main document part (word/document.xml)"
    );
    assert!(out.stderr.contains("checked 3 files"), "{}", out.stderr);
    assert!(out.stderr.contains("4 errors"), "{}", out.stderr);
}

#[test]
fn max_document_bytes_applies_to_the_extracted_text_and_language_to_text_files_only() {
    let dir = TempDir::new("office-limits");
    dir.write(".peace-lsp.toml", "max-document-bytes = 60\n")
        // 63 bytes of text in a file of more than a kilobyte: skipped.
        .write(
            "long.docx",
            docx_paragraphs(&["The peacekeepers negotiated the Dayton Accords in 1995, really."]),
        )
        // 46 bytes of text: checked, although the file is larger than 60 bytes.
        .write(
            "short.docx",
            docx_paragraphs(&["The peacekeepers negotiated the Dayton Accords."]),
        );
    let out = dir.run(&["check", "--language", "markdown", "."]);
    assert_eq!(out.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("peace-lsp: note: skipping long.docx: 63 bytes"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.starts_with("short.docx:1:5: "), "{}", out.stdout);
}

#[test]
fn word_files_over_256_mib_are_refused_unread() {
    let dir = TempDir::new("office-huge");
    dir.write("ok.md", "Mediators negotiate.\n");
    // A sparse file: no disk space used.
    let f = std::fs::File::create(dir.path().join("huge.docx")).unwrap();
    f.set_len(257 * 1024 * 1024).unwrap();
    drop(f);
    let out = dir.run(&["check", "."]);
    assert_eq!(out.code(), Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "peace-lsp: error: huge.docx: 269484032 bytes is more than the 256 MiB a word-processor file may have"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("checked 1 file"), "{}", out.stderr);
}
