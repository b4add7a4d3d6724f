use super::*;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("peace-lsp-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn parses_a_full_project_file() {
    let text = r#"
# course settings
max-document-bytes = 2000000
debounce-ms = 150
include = ["**/*.md"]
exclude = ["drafts/**"]
glossaries = ["course/terms.toml"]

[rules]
peacekeeping-as-peacemaking = "error"
terms-as-synonyms = "off"

[exceptions]
peacekeeping-as-peacemaking = ["good offices of the force commander"]

[[cue]]
id = "course-pm"
concept = "peacemaking"
role = "act"
words = ["shuttled between"]
"#;
    let o = Options::from_toml(Path::new(".peace-lsp.toml"), text).expect("valid");
    assert_eq!(o.max_document_bytes, Some(2_000_000));
    assert_eq!(o.rules["terms-as-synonyms"], "off");
    assert_eq!(o.cue[0].words, ["shuttled between"]);
}

#[test]
fn errors_name_the_line_and_the_problem() {
    let p = Path::new("x/.peace-lsp.toml");
    let e = Options::from_toml(p, "\n[rules]\nterms-as-synonyms = \"loud\"\n").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.contains("loud") && e.message.contains("warning"), "{e}");
    let e = Options::from_toml(p, "max-documnet-bytes = 3\n").unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(
        e.to_string()
            .starts_with("x/.peace-lsp.toml:1: unknown setting `max-documnet-bytes`"),
        "{e}"
    );
    let e = Options::from_toml(p, "[rules]\nno-such-rule = \"off\"\n").unwrap_err();
    assert_eq!(e.line, Some(2), "{e}");
    let e = Options::from_toml(p, "a = [\n").unwrap_err();
    assert!(e.line.is_some(), "{e}");
}

#[test]
fn editor_settings_tolerate_null_unknown_keys_and_camel_case() {
    assert_eq!(
        Options::from_json(&serde_json::Value::Null).unwrap(),
        Options::default()
    );
    let o =
        Options::from_json(&serde_json::json!({"maxDocumentBytes": 5, "server": {"path": "x"}, "rules": {}})).unwrap();
    assert_eq!(o.max_document_bytes, Some(5));
    assert!(Options::from_json(&serde_json::json!({"rules": {"terms-as-synonyms": 3}})).is_err());
}

#[test]
fn project_file_overrides_editor_settings() {
    let editor = Options {
        max_document_bytes: Some(1),
        rules: [("terms-as-synonyms".to_string(), "error".to_string())].into(),
        ..Options::default()
    };
    let project = Options {
        rules: [("terms-as-synonyms".to_string(), "hint".to_string())].into(),
        ..Options::default()
    };
    let merged = project.over(&editor);
    assert_eq!(merged.max_document_bytes, Some(1));
    assert_eq!(merged.rules["terms-as-synonyms"], "hint");
}

#[test]
fn finds_the_nearest_project_file_up_to_the_root() {
    let root = tmp("find");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join(FILE_NAME), "").unwrap();
    assert_eq!(
        find_project_file(&root.join("a/b/essay.md"), Some(&root)),
        Some(root.join(FILE_NAME))
    );
    std::fs::write(root.join("a").join(FILE_NAME), "").unwrap();
    assert_eq!(
        find_project_file(&root.join("a/b/essay.md"), Some(&root)),
        Some(root.join("a").join(FILE_NAME))
    );
    assert_eq!(
        find_project_file(&root.join("a/b/essay.md"), Some(&root.join("a/b"))),
        None
    );
}

#[test]
fn levels_drop_or_change_findings() {
    let dir = tmp("levels");
    std::fs::write(
        dir.join(FILE_NAME),
        "[rules]\npeacekeeping-as-peacemaking = \"error\"\nterms-as-synonyms = \"off\"\n",
    )
    .unwrap();
    let c = Config::for_path(&dir.join("essay.txt"), Some(&dir), &Options::default()).unwrap();
    let text = "Peacekeeping, also known as peacemaking, matters. UN peacekeepers negotiated the Dayton Accords.";
    let a = crate::analysis::analyze(text, crate::text::Format::Plain, &c.db);
    let out = c.apply(a.findings);
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].code.as_str(), out[0].severity),
        ("peacekeeping-as-peacemaking", Severity::Error)
    );
}

#[test]
fn glossaries_and_cue_words_extend_the_database() {
    let dir = tmp("glossary");
    std::fs::create_dir_all(dir.join("course")).unwrap();
    std::fs::write(
        dir.join("course/terms.toml"),
        r#"
[[term]]
id = "minurca"
label = "MINURCA"
kind = "mission"
concept = "peacekeeping"
variants = ["MINURCA"]
short = "UN mission in the Central African Republic, 1998 to 2000."
explanation = "Our course's example of a small mission."
sources = ["Course reader, week 3"]
facts = ["1998: established"]

[[term]]
id = "peacekeeping"
label = "Peacekeeping (course definition)"
kind = "concept"
concept = "peacekeeping"
variants = ["peacekeeping", "peace-keeping", "peace keeping"]
short = "Our course's own wording."
explanation = "Overrides the built-in entry."
confused_with = "peacemaking"
sources = ["Course reader, week 1"]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join(FILE_NAME),
        "glossaries = [\"course/terms.toml\"]\n\n[[cue]]\nid = \"course\"\nconcept = \"peacemaking\"\nrole = \"act\"\nwords = [\"shuttled between the capitals\"]\n",
    )
    .unwrap();
    let c = Config::for_path(&dir.join("essay.md"), Some(&dir), &Options::default()).unwrap();
    assert_eq!(c.db.get("peacekeeping").unwrap().short, "Our course's own wording.");
    assert!(c.db.lookup("MINURCA").is_some());
    assert_eq!(c.watched.len(), 2, "the project file and its glossary");
    let text = "MINURCA shuttled between the capitals for a year.";
    let a = crate::analysis::analyze(text, crate::text::Format::Plain, &c.db);
    assert_eq!(
        a.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        ["peacekeeping-as-peacemaking"]
    );
}

#[test]
fn a_bad_glossary_is_reported_with_its_file_line_and_field() {
    let dir = tmp("badglossary");
    std::fs::write(dir.join("g.toml"), "[[term]]\nid = \"x\"\nlabel = \"X\"\nkind = \"weapon\"\nconcept = \"peacekeeping\"\nvariants = [\"x-term\"]\nshort = \"s\"\nexplanation = \"e\"\nsources = [\"s\"]\n").unwrap();
    std::fs::write(dir.join(FILE_NAME), "glossaries = [\"g.toml\"]\n").unwrap();
    let e = Config::for_path(&dir.join("essay.md"), Some(&dir), &Options::default()).unwrap_err();
    assert!(e.file.ends_with("g.toml"), "{e}");
    assert_eq!(e.line, Some(4), "{e}");
    assert!(
        e.message.contains("field `kind`") && e.message.contains("weapon"),
        "{e}"
    );
    std::fs::write(dir.join(FILE_NAME), "glossaries = [\"missing.toml\"]\n").unwrap();
    let e = Config::for_path(&dir.join("essay.md"), Some(&dir), &Options::default()).unwrap_err();
    assert!(e.message.contains("cannot read glossary"), "{e}");
    assert_eq!(e.line, Some(1), "{e}");
}

#[test]
fn turn_off_keeps_comments_and_formatting() {
    let text = "# my settings\n[rules]\n# strict about synonyms\nterms-as-synonyms   =   \"error\"\n";
    let out = turn_off(text, "peacekeeping-as-peacemaking").unwrap();
    assert!(
        out.starts_with("# my settings\n[rules]\n# strict about synonyms\nterms-as-synonyms   =   \"error\"\n"),
        "{out}"
    );
    assert!(out.contains("peacekeeping-as-peacemaking = \"off\""), "{out}");
    assert_eq!(
        turn_off("", "terms-as-synonyms").unwrap(),
        "[rules]\nterms-as-synonyms = \"off\"\n"
    );
    let o = Options::from_toml(Path::new("t"), &out).expect("still valid");
    assert_eq!(o.rules["peacekeeping-as-peacemaking"], "off");
}

#[test]
fn analyze_applies_the_levels() {
    let text = "UN peacekeepers negotiated the Dayton Accords.";
    let default = Config::default().analyze(text, Format::Plain);
    assert!(default
        .findings
        .iter()
        .any(|f| f.code == "peacekeeping-as-peacemaking" && f.severity == Severity::Warning));
    let options = Options::from_toml(
        Path::new("/p/.peace-lsp.toml"),
        "[rules]\npeacekeeping-as-peacemaking = \"error\"\n",
    )
    .unwrap();
    let config = Config::build(&options, Path::new("/p"), None).unwrap();
    let raised = config.analyze(text, Format::Plain);
    assert!(raised
        .findings
        .iter()
        .all(|f| f.code != "peacekeeping-as-peacemaking" || f.severity == Severity::Error));
    assert!(raised.findings.iter().any(|f| f.code == "peacekeeping-as-peacemaking"));
    let off = Options::from_toml(
        Path::new("/p/.peace-lsp.toml"),
        "[rules]\npeacekeeping-as-peacemaking = \"off\"\n",
    )
    .unwrap();
    let config = Config::build(&off, Path::new("/p"), None).unwrap();
    let a = config.analyze(text, Format::Plain);
    assert!(a.findings.iter().all(|f| f.code != "peacekeeping-as-peacemaking"));
    assert_eq!(a.terms, default.terms, "terms are found whatever the levels");
}

#[test]
fn aids_options_from_the_project_file_and_the_editor() {
    assert_eq!(Config::default().aids, Aids::default());
    assert!(Aids::default().completion && Aids::default().semantic_tokens && !Aids::default().summary_lens);
    let file = Options::from_toml(
        Path::new("/p/.peace-lsp.toml"),
        "completion = false\ncompletion-citations = false\nsemantic-tokens = false\nsummary-lens = true\n",
    )
    .unwrap();
    let c = Config::build(&file, Path::new("/p"), None).unwrap();
    assert_eq!(
        c.aids,
        Aids {
            completion: false,
            completion_citations: false,
            semantic_tokens: false,
            summary_lens: true
        }
    );
    let editor = Options::from_json(
        &serde_json::json!({"summaryLens": true, "semanticTokens": false, "completionCitations": false}),
    )
    .unwrap();
    let c = Config::build(&editor, Path::new("/p"), None).unwrap();
    assert!(c.aids.summary_lens && !c.aids.semantic_tokens && !c.aids.completion_citations && c.aids.completion);
    // The project file wins over the editor, key by key.
    let merged = Options::from_toml(Path::new("/p/.peace-lsp.toml"), "summary-lens = false\n")
        .unwrap()
        .over(&editor);
    let c = Config::build(&merged, Path::new("/p"), None).unwrap();
    assert!(!c.aids.summary_lens && !c.aids.semantic_tokens);
}
