//! `peace-lsp report`: the class report in HTML, JSON, CSV and Markdown
//! from Markdown, text, .docx and .odt essays; escaping of hostile essays
//! (and a 5 MB paragraph); anonymization; damaged files. The browser test
//! in tests/e2e/report/ opens the page itself.

mod common;

use common::{run_in, TempDir};
use peace_lsp::input::fixtures::{docx, docx_paragraphs, odt_paragraphs, w_p};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// A small class: four essays in three formats, with definitions and
/// conflations, and one concept (peacebuilding) used but never defined.
fn class(dir: &TempDir) {
    dir.write(
        "class/alice.md",
        "# Peace operations\n\nPeacekeeping is the deployment of troops with the consent of the parties.\n\n\
         In 1995 the UN peacekeepers negotiated the Dayton Accords.\n\nPeacebuilding comes later.\n",
    )
    .write(
        "class/bob.txt",
        "Peacemaking means bringing the parties to an agreement.\n\nThe peacekeepers negotiated a peace treaty in 1994.\n",
    )
    .write(
        "class/carol.docx",
        docx_paragraphs(&[
            "Peace and the UN",
            "Mediators negotiate; peacekeepers monitor the agreement that others reached.",
            "Peacebuilding and peacemaking matter too.",
        ]),
    )
    .write(
        "class/dan.odt",
        odt_paragraphs(&[
            "The envoys deployed troops along the buffer zone.",
            "Later the peacekeepers negotiated the ceasefire agreement.",
        ]),
    );
}

fn json_report(dir: &TempDir, args: &[&str]) -> Value {
    let mut all = vec!["report", "--format", "json"];
    all.extend_from_slice(args);
    let out = dir.run(&all);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn json_has_the_class_totals_codes_concepts_and_essays() {
    let dir = TempDir::new("report-json");
    class(&dir);
    let v = json_report(&dir, &["class"]);
    let names: Vec<&str> = v["essays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["class/alice.md", "class/bob.txt", "class/carol.docx", "class/dan.odt"]
    );
    let formats: Vec<&str> = v["essays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["markdown", "plaintext", "docx", "odt"]);

    // The same findings as `check --format json` on the same files.
    let check = dir.run(&["check", "--format", "json", "class"]);
    let checked: Vec<Value> = serde_json::from_str(&check.stdout).unwrap();
    let mut per_file: BTreeMap<String, Vec<(u64, u64, String)>> = BTreeMap::new();
    for f in &checked {
        per_file
            .entry(f["path"].as_str().unwrap().to_string())
            .or_default()
            .push((
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            ));
    }
    for e in v["essays"].as_array().unwrap() {
        let got: Vec<(u64, u64, String)> = e["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                    f["code"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            per_file.remove(e["name"].as_str().unwrap()).unwrap_or_default(),
            "{}",
            e["name"]
        );
    }
    assert!(per_file.is_empty(), "{per_file:?}");

    let total: usize = checked.len();
    assert_eq!(v["totals"]["essays"], 4);
    assert_eq!(v["totals"]["findings"].as_u64().unwrap() as usize, total);
    // Per code: findings and essays add up from the essays.
    for c in v["codes"].as_array().unwrap() {
        let code = c["code"].as_str().unwrap();
        let per_essay: Vec<u64> = v["essays"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["per_code"][code].as_u64().unwrap_or(0))
            .collect();
        assert_eq!(c["findings"].as_u64().unwrap(), per_essay.iter().sum::<u64>(), "{code}");
        assert_eq!(
            c["essays"].as_u64().unwrap() as usize,
            per_essay.iter().filter(|n| **n > 0).count(),
            "{code}"
        );
    }
    let pk_pm = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "peacekeeping-as-peacemaking")
        .unwrap();
    assert_eq!(
        (pk_pm["findings"].as_u64(), pk_pm["essays"].as_u64()),
        (Some(3), Some(3))
    );

    // Concepts: peacekeeping and peacemaking defined once each,
    // peacebuilding used twice and never defined.
    let concept = |id: &str| {
        let c = v["concepts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["concept"] == id)
            .unwrap()
            .clone();
        (
            c["essays_using"].as_u64().unwrap(),
            c["essays_defining"].as_u64().unwrap(),
        )
    };
    assert_eq!(concept("peacekeeping").1, 1);
    assert_eq!(concept("peacemaking").1, 1);
    assert_eq!(concept("peacebuilding"), (2, 0));
    assert_eq!(v["essays"][0]["concepts"]["peacekeeping"]["defined"], true);

    // A finding in a word-processor file has its paragraph and character.
    let dan = &v["essays"][3]["findings"];
    let last = dan.as_array().unwrap().last().unwrap();
    assert_eq!(
        (last["paragraph"].as_u64(), last["character"].as_u64()),
        (Some(2), Some(11))
    );
    assert_eq!(last["place"], "paragraph 2, character 11 (line 3, column 11)");
    assert_eq!(
        last["sentence"],
        "Later the peacekeepers negotiated the ceasefire agreement."
    );
    assert_eq!(last["mark"], serde_json::json!([10, 22]));
    assert_eq!(last["fixes"][0], "Replace \"peacekeepers\" with \"peacemakers\"");
    assert_eq!(
        last["rewrite"],
        "Later the peacemakers negotiated the ceasefire agreement."
    );
}

#[test]
fn html_counts_match_the_json_and_link_each_row_to_its_section() {
    let dir = TempDir::new("report-html");
    class(&dir);
    let v = json_report(&dir, &["class"]);
    let out = dir.run(&["report", "class", "-o", "report.html"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("reported 4 essays"), "{}", out.stderr);
    let html = dir.read("report.html");
    let card = |id: &str| {
        let prefix = format!(r#"id="{id}"><span class="n">"#);
        let at = html.find(&prefix).unwrap_or_else(|| panic!("{id}"));
        let rest = &html[at + prefix.len()..];
        rest[..rest.find('<').unwrap()].replace(',', "")
    };
    assert_eq!(card("total-essays"), v["totals"]["essays"].to_string());
    assert_eq!(card("total-words"), v["totals"]["words"].to_string());
    assert_eq!(card("total-findings"), v["totals"]["findings"].to_string());
    for c in v["codes"].as_array().unwrap() {
        let bar = format!(
            r#"data-code="{}" data-findings="{}" data-essays="{}""#,
            c["code"].as_str().unwrap(),
            c["findings"],
            c["essays"]
        );
        assert_eq!(html.matches(&bar).count(), 2, "{bar}");
    }
    assert!(
        html.contains("3 of 4 essays: peacekeeping credited with peacemaking (3 findings)."),
        "headline"
    );
    assert!(html.contains(r#"<p class="callout" id="never-defined">Used but never defined by any essay: Peacebuilding (used in 2 essays).</p>"#));
    for (i, e) in v["essays"].as_array().unwrap().iter().enumerate() {
        let id = format!("essay-{}", i + 1);
        assert_eq!(e["id"], id.as_str());
        assert!(html.contains(&format!(
            r##"<tr data-target="{id}"><td data-sort="{}"><a href="#{id}">"##,
            e["name"].as_str().unwrap()
        )));
        assert!(html.contains(&format!(
            r#"<section class="essay" id="{id}" data-findings="{}">"#,
            e["findings"].as_array().unwrap().len()
        )));
    }
    // Feedback: sentence with the term marked, message, fix, explanation.
    assert!(html.contains("In 1995 the UN <mark>peacekeepers</mark> negotiated the Dayton Accords."));
    assert!(html.contains(r#"<strong>Fix:</strong> Replace &quot;peacekeepers&quot; with &quot;peacemakers&quot;: <q>In 1995 the UN peacemakers negotiated the Dayton Accords.</q>"#));
    assert!(html.contains("<h4>Why it matters</h4>"));
    assert!(html.contains("Paragraph 2, character 11 (line 3, column 11)"));
    // Self-contained: no URL the browser would fetch.
    for needle in ["http://", "https://", "src=", "@import", "url("] {
        assert!(!html.contains(needle), "{needle}");
    }
}

/// Every tag in the page is one the report writes itself.
fn tags(html: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"<(/?)([A-Za-z][A-Za-z0-9-]*)").unwrap();
    re.captures_iter(html).map(|c| c[2].to_ascii_lowercase()).collect()
}

const OWN_TAGS: &[&str] = &[
    "!doctype",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "section",
    "div",
    "span",
    "figure",
    "figcaption",
    "svg",
    "g",
    "rect",
    "text",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "button",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "mark",
    "strong",
    "em",
    "code",
    "q",
    "article",
    "footer",
    "script",
    "pre",
    "br",
];

#[test]
fn hostile_essays_stay_inert_and_a_5_mb_paragraph_renders() {
    let dir = TempDir::new("report-hostile");
    let attack = r#"<script>alert('x')</script> <img src=x onerror="alert(1)"> [click](javascript:alert(2)) "><svg onload=alert(3)> <a href="javascript:alert(4)">a</a> ${alert(5)} &lt;b&gt; </textarea><iframe src=x>"#;
    // A plain-text essay: everything is prose, so the attack is in the
    // sentence shown in context.
    dir.write(
        "class/attack.txt",
        format!("The UN peacekeepers negotiated the accord {attack} in 1995.\n"),
    );
    // Markdown with inline HTML around a finding.
    dir.write(
        "class/attack.md",
        format!("# {attack}\n\nThe UN peacekeepers negotiated <img src=x onerror=alert(6)> the accord.\n"),
    );
    // A .docx with the attack in its text.
    dir.write(
        "class/attack.docx",
        docx_paragraphs(&[&format!("The peacekeepers negotiated a treaty. {attack}")]),
    );
    // A file name that is markup.
    dir.write(
        "class/<img src=x onerror=alert(7)>.txt",
        "Blue helmets negotiated the peace agreement.\n",
    );
    // A 5 MB paragraph: the attack over and over, with one finding in the
    // middle.
    let mut big = String::with_capacity(5_300_000);
    while big.len() < 2_600_000 {
        big.push_str(attack);
        big.push(' ');
    }
    big.push_str(" The peacekeepers negotiated the treaty. ");
    while big.len() < 5_200_000 {
        big.push_str(attack);
        big.push(' ');
    }
    big.push('\n');
    dir.write("class/huge.txt", &big);

    let out = run_in(
        dir.path(),
        &["report", "class", "-o", "r.html"],
        None,
        Duration::from_secs(300),
    );
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let html = dir.read("r.html");
    assert!(out.stderr.contains("reported 5 essays"), "{}", out.stderr);
    let found: BTreeSet<String> = tags(&html);
    let unexpected: Vec<&String> = found.iter().filter(|t| !OWN_TAGS.contains(&t.as_str())).collect();
    assert!(unexpected.is_empty(), "tags the report does not write: {unexpected:?}");
    assert_eq!(html.matches("<script").count(), 1, "one script: the report's own");
    assert!(!html.contains("<img") && !html.contains("<svg onload") && !html.contains("<iframe"));
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
    // Attributes hold no student text except escaped names.
    let re = regex::Regex::new(r#"\s(on[a-z]+)\s*="#).unwrap();
    let handlers: Vec<String> = re
        .captures_iter(&html)
        .filter(|c| {
            // Escaped text shows `onerror=` after a tag's `>`, or inside a
            // quoted attribute value (an odd number of quotes since the
            // tag opened); a real handler is inside a tag, outside quotes.
            let at = c.get(0).unwrap().start();
            let (open, close) = (html[..at].rfind('<'), html[..at].rfind('>'));
            open > close && html[open.unwrap()..at].matches('"').count().is_multiple_of(2)
        })
        .map(|c| c[1].to_string())
        .collect();
    assert!(handlers.is_empty(), "event handlers in tags: {handlers:?}");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(7)&gt;.txt"));
    // The big essay: counted, its finding shown with a bounded context.
    assert!(html.contains("The <mark>peacekeepers</mark> negotiated the treaty."));
    assert!(html.len() < 3_000_000, "the page is {} bytes", html.len());

    // The other formats escape for their own syntax.
    let out = run_in(
        dir.path(),
        &["report", "class", "--format", "markdown"],
        None,
        Duration::from_secs(300),
    );
    assert!(
        !out.stdout.contains("<script") && !out.stdout.contains("<img"),
        "markdown"
    );
    let out = run_in(
        dir.path(),
        &["report", "class", "--format", "csv"],
        None,
        Duration::from_secs(300),
    );
    let rows: Vec<&str> = out.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        rows[0],
        "file,line,column,paragraph,character,note,code,severity,term,sentence,message"
    );
}

#[test]
fn csv_has_one_row_per_finding_with_positions() {
    let dir = TempDir::new("report-csv");
    class(&dir);
    let v = json_report(&dir, &["class"]);
    let out = dir.run(&["report", "class", "-o", "findings.csv"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let csv = dir.read("findings.csv");
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(
        lines.next(),
        Some("file,line,column,paragraph,character,note,code,severity,term,sentence,message")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as u64, v["totals"]["findings"].as_u64().unwrap());
    assert!(
        rows.iter().any(|r| r.starts_with(
            "class/alice.md,5,16,,,,peacekeeping-as-peacemaking,warning,peacekeepers,In 1995 the UN peacekeepers negotiated the Dayton Accords.,"
        )),
        "{csv}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with(
            "class/dan.odt,3,11,2,11,,peacekeeping-as-peacemaking,warning,peacekeepers,Later the peacekeepers negotiated the ceasefire agreement.,"
        )),
        "{csv}"
    );
}

#[test]
fn markdown_has_the_tables_and_a_section_per_essay() {
    let dir = TempDir::new("report-md");
    class(&dir);
    let out = dir.run(&["report", "class", "--format", "md"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let md = &out.stdout;
    assert!(md.starts_with("# Class report\n"));
    assert!(
        md.contains("| Peacekeeping credited with peacemaking | `peacekeeping-as-peacemaking` | 3 | 3 of 4 |"),
        "{md}"
    );
    assert!(md.contains("Used but never defined by any essay: Peacebuilding."));
    for name in [
        "class/alice\\.md",
        "class/bob\\.txt",
        "class/carol\\.docx",
        "class/dan\\.odt",
    ] {
        assert!(md.contains(&format!("\n## {name}\n")), "{name}");
    }
    assert!(
        md.contains("> In 1995 the UN **peacekeepers** negotiated the Dayton Accords\\."),
        "{md}"
    );
}

#[test]
fn anonymized_reports_name_no_file_and_the_key_goes_to_its_own_file() {
    let dir = TempDir::new("report-anon");
    class(&dir);
    let out = dir.run(&["report", "class", "--anonymize", "-o", "out/report.html"]);
    assert_eq!(
        out.code(),
        Some(2),
        "the out/ folder does not exist yet: {}",
        out.stderr
    );
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    let out = dir.run(&["report", "class", "--anonymize", "-o", "out/report.html"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains("the names to out/report-names.csv"),
        "{}",
        out.stderr
    );
    let html = dir.read("out/report.html");
    for name in ["alice", "bob", "carol", "dan", "class/"] {
        assert!(!html.contains(name), "{name} in the anonymized report");
    }
    for n in 1..=4 {
        assert!(html.contains(&format!(r#"<section class="essay" id="essay-{n}""#)));
        assert!(html.contains(&format!(">Essay {n}</a>")));
    }
    let key = dir.read("out/report-names.csv");
    let mut lines = key.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(lines.next(), Some("essay,file"));
    let rows: Vec<(String, String)> = lines
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    let numbers: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    assert_eq!(numbers, ["Essay 1", "Essay 2", "Essay 3", "Essay 4"]);
    let files: BTreeSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        files,
        BTreeSet::from(["class/alice.md", "class/bob.txt", "class/carol.docx", "class/dan.odt"])
    );

    // The key maps each number to the right essay: the JSON of an
    // anonymized run with its own key agrees with a named run.
    let named = json_report(&dir, &["class"]);
    let anon = json_report(&dir, &["class", "--anonymize", "--mapping", "key.csv"]);
    let key = dir.read("key.csv");
    for line in key.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        let (essay, file) = line.split_once(',').unwrap();
        let a = anon["essays"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == essay)
            .unwrap();
        let n = named["essays"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == file)
            .unwrap();
        assert_eq!(a["findings"], n["findings"], "{essay} = {file}");
        assert_eq!(a["words"], n["words"]);
    }
    assert_eq!(anon["anonymized"], true);
    let csv = dir
        .run(&[
            "report",
            "class",
            "--anonymize",
            "--mapping",
            "key2.csv",
            "--format",
            "csv",
        ])
        .stdout;
    assert!(!csv.contains("class/") && csv.contains("\r\nEssay "), "{csv}");

    // Without a place for the key, nothing is written.
    let out = dir.run(&["report", "class", "--anonymize"]);
    assert_eq!(out.code(), Some(2));
    assert!(
        out.stderr.contains("--anonymize needs a file for the names"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn damaged_files_are_named_and_left_out_and_the_report_still_written() {
    let dir = TempDir::new("report-damaged");
    class(&dir);
    let good = docx(&w_p("The peacekeepers negotiated the accord.", None), None);
    dir.write("class/broken.docx", &good[..good.len() / 2]);
    let out = dir.run(&["report", "class", "-o", "r.html"]);
    assert_eq!(out.code(), Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "peace-lsp: error: class/broken.docx: cannot read this Word (.docx) file: not a readable zip archive"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("reported 4 essays"), "{}", out.stderr);
    let html = dir.read("r.html");
    assert!(html.contains(r#"<ul id="not-included"><li>class/broken.docx: cannot read this Word (.docx) file"#));
    // Anonymized, the page does not name it.
    let out = dir.run(&["report", "class", "--anonymize", "-o", "a.html"]);
    assert_eq!(out.code(), Some(2));
    let html = dir.read("a.html");
    assert!(!html.contains("broken") && html.contains("1 file(s) that could not be read"));
}

#[test]
fn a_report_written_among_the_essays_is_not_read_as_one() {
    let dir = TempDir::new("report-inside");
    class(&dir);
    for _ in 0..2 {
        let out = dir.run(&["report", "class", "-o", "class/report.md"]);
        assert_eq!(out.code(), Some(0), "{}", out.stderr);
        assert!(out.stderr.contains("reported 4 essays"), "{}", out.stderr);
    }
}

#[test]
fn the_page_details_at_most_100_findings_per_essay_and_the_csv_lists_all() {
    let dir = TempDir::new("report-many");
    let many = "The peacekeepers negotiated the treaty.\n\n".repeat(120);
    dir.write("class/many.md", many);
    let out = dir.run(&["report", "class", "-o", "r.html"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let html = dir.read("r.html");
    let section = &html[html.find(r#"<section class="essay" id="essay-1""#).unwrap()..];
    assert_eq!(section.matches("<li><p class=\"where\">").count(), 100);
    assert!(section.contains("20 more findings not shown here; the CSV and JSON formats list every finding."));
    let csv = dir.run(&["report", "class", "--format", "csv"]).stdout;
    assert_eq!(
        csv.split("\r\n").filter(|l| l.starts_with("class/many.md,")).count(),
        120
    );
}
