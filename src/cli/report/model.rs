//! The data of a class report: one [`Essay`] per file, made from the same
//! analysis and configuration as `check`, and the class totals over them.
//! Every output format (HTML, JSON, CSV, Markdown) renders this.

use super::define::{defined_concepts, sentence_around};
use crate::analysis::{Severity, DIRECTIVE_PREFIX};
use crate::cli::output::Located;
use crate::cli::Loaded;
use crate::config::Config;
use crate::terms::{Database, CONCEPTS};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

#[derive(Debug, Clone, Serialize)]
pub struct ClassReport {
    pub title: String,
    /// "peace-lsp 0.1.0".
    pub generator: String,
    pub anonymized: bool,
    pub totals: Totals,
    /// Every rule that was on for some essay, in the rule table's order,
    /// then any other code found.
    pub codes: Vec<CodeStat>,
    /// The five concepts, in their usual order.
    pub concepts: Vec<ConceptStat>,
    pub essays: Vec<Essay>,
    /// Files not in the report and why (skipped as too large, or unreadable);
    /// without their names when the report is anonymized.
    pub not_included: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub essays: usize,
    pub words: usize,
    pub findings: usize,
    pub essays_with_findings: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeStat {
    pub code: String,
    pub title: String,
    /// The most severe level it was reported at, else the rule's default.
    pub severity: String,
    pub findings: usize,
    /// Essays with at least one such finding.
    pub essays: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConceptStat {
    pub concept: String,
    pub label: String,
    /// Essays that mention any term of the concept.
    pub essays_using: usize,
    /// Mentions of its terms in all essays.
    pub mentions: usize,
    /// Essays with a definitional sentence for one of its concept terms.
    pub essays_defining: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Essay {
    /// 1-based, the order of the report.
    pub number: usize,
    /// The HTML anchor, `essay-N`.
    pub id: String,
    /// The path, or "Essay N" when anonymized.
    pub name: String,
    /// `markdown`, `latex`, `plaintext`, `docx` or `odt`.
    pub format: String,
    pub words: usize,
    /// Findings per code (codes with none left out).
    pub per_code: BTreeMap<String, usize>,
    /// Per concept: mentions of its terms and whether it is defined.
    pub concepts: BTreeMap<String, ConceptUse>,
    pub findings: Vec<EssayFinding>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct ConceptUse {
    pub mentions: usize,
    pub defined: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EssayFinding {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// For a word-processor file: the note it is in, and the paragraph
    /// and character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endnote: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub character: Option<usize>,
    /// Where, in words: "line 25, column 56", or "paragraph 3, character 5
    /// (line 5, column 5)" in a word-processor file.
    pub place: String,
    pub code: String,
    pub severity: String,
    pub title: String,
    /// The flagged words.
    pub term: String,
    /// The teaching message.
    pub message: String,
    /// The quick fixes' titles (the editor's "ignore" fixes left out).
    pub fixes: Vec<String>,
    /// The sentence with the first fix applied, when it applies inside it.
    pub rewrite: Option<String>,
    /// The sentence around the finding, white space collapsed.
    pub sentence: String,
    /// Character offsets of the flagged words in `sentence`.
    pub mark: [usize; 2],
}

impl EssayFinding {
    /// The note, as "footnote 2", if the finding is in one.
    pub fn note(&self) -> Option<String> {
        self.footnote
            .map(|n| format!("footnote {n}"))
            .or_else(|| self.endnote.map(|n| format!("endnote {n}")))
    }
}

/// Words of prose: runs of letters and digits (with inner apostrophes and
/// hyphens) that have a letter.
pub fn count_words(prose: &str) -> usize {
    prose
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-'))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// `s` with white space runs collapsed to one space, and the character
/// offsets of byte range `mark` (relative to `s`) in the result.
fn collapse(s: &str, mark: Range<usize>) -> (String, [usize; 2]) {
    let mut out = String::with_capacity(s.len());
    let (mut a, mut b) = (None, None);
    let mut chars = 0;
    let mut space = false;
    for (i, c) in s.char_indices() {
        if i == mark.start {
            a = Some(chars + usize::from(space && !out.is_empty()));
        }
        if i == mark.end {
            b = Some(chars);
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        space = false;
        out.push(c);
        chars += 1;
    }
    let a = a.unwrap_or(chars);
    let b = b.unwrap_or(chars).max(a);
    (out, [a, b])
}

/// The title of a code, from the rule table.
pub fn code_title(db: &Database, code: &str) -> String {
    if code == crate::analysis::UNUSED_SUPPRESSION {
        return "Suppression comment that suppresses nothing".to_string();
    }
    let mut titles: Vec<&str> = Vec::new();
    for r in db.rules.iter().filter(|r| r.code == code) {
        if !titles.contains(&r.title.as_str()) {
            titles.push(&r.title);
        }
    }
    if titles.is_empty() {
        code.to_string()
    } else {
        titles.join("; ")
    }
}

/// One finding for the report: its place, sentence, message and fixes.
fn essay_finding(text: &str, prose: &str, l: &Located, db: &Database) -> EssayFinding {
    let f = &l.finding;
    let sentence = sentence_around(prose, f.range.clone());
    let src = &text[sentence.clone()];
    let rel = f.range.start.saturating_sub(sentence.start)..f.range.end.min(sentence.end) - sentence.start;
    let (collapsed, mark) = collapse(src, rel);
    let teaching: Vec<&crate::analysis::Fix> = f
        .fixes
        .iter()
        .filter(|fix| !fix.edits.iter().any(|e| e.text.contains(DIRECTIVE_PREFIX)))
        .collect();
    let rewrite = teaching.first().and_then(|fix| {
        let inside = fix
            .edits
            .iter()
            .all(|e| sentence.start <= e.range.start && e.range.end <= sentence.end);
        if !inside || fix.edits.is_empty() {
            return None;
        }
        let mut edits: Vec<&crate::analysis::Edit> = fix.edits.iter().collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut s = src.to_string();
        for e in edits {
            let r = e.range.start - sentence.start..e.range.end - sentence.start;
            if s.is_char_boundary(r.start) && s.is_char_boundary(r.end) && r.start <= r.end {
                s.replace_range(r, &e.text);
            }
        }
        Some(collapse(&s, 0..0).0)
    });
    let (place, footnote, endnote, paragraph, character) = match &l.position {
        Some(p) => {
            let (mut foot, mut end) = (None, None);
            match p.place.note {
                Some((crate::input::NoteKind::Footnote, n)) => foot = Some(n),
                Some((crate::input::NoteKind::Endnote, n)) => end = Some(n),
                None => {}
            }
            (
                format!("{} (line {}, column {})", p.describe(), l.span.line, l.span.column),
                foot,
                end,
                Some(p.place.paragraph),
                Some(p.character),
            )
        }
        None => (
            format!("line {}, column {}", l.span.line, l.span.column),
            None,
            None,
            None,
            None,
        ),
    };
    EssayFinding {
        line: l.span.line,
        column: l.span.column,
        end_line: l.span.end_line,
        end_column: l.span.end_column,
        footnote,
        endnote,
        paragraph,
        character,
        place,
        code: f.code.clone(),
        severity: f.severity.as_str().to_string(),
        title: code_title(db, &f.code),
        term: l.text.clone(),
        message: f.message.clone(),
        fixes: teaching.iter().map(|fix| fix.title.clone()).collect(),
        rewrite,
        sentence: collapsed,
        mark,
    }
}

/// Analyse one essay with its configuration (as `check` does) and gather
/// what the report shows of it. `number`, `id` and `name` are set later.
pub fn essay(loaded: &Loaded, format: &str, config: &Config) -> Essay {
    let db: &Database = &config.db;
    let analysis = config.analyze(&loaded.text, loaded.format);
    let mut located = Located::all(&loaded.text, analysis.findings.clone());
    if let Some(p) = &loaded.paragraphs {
        Located::set_positions(&mut located, &loaded.text, p);
    }
    let prose = crate::text::extract(&loaded.text, loaded.format).text;
    let defined = defined_concepts(&prose, &analysis.terms, db);
    let mut concepts: BTreeMap<String, ConceptUse> = BTreeMap::new();
    for hit in &analysis.terms {
        let Some(term) = db.terms.get(hit.term) else { continue };
        if CONCEPTS.contains(&term.concept.as_str()) {
            concepts.entry(term.concept.clone()).or_default().mentions += 1;
        }
    }
    for c in defined {
        concepts.entry(c).or_default().defined = true;
    }
    let mut per_code: BTreeMap<String, usize> = BTreeMap::new();
    for l in &located {
        *per_code.entry(l.finding.code.clone()).or_default() += 1;
    }
    Essay {
        number: 0,
        id: String::new(),
        name: String::new(),
        format: format.to_string(),
        words: count_words(&prose),
        per_code,
        concepts,
        findings: located
            .iter()
            .map(|l| essay_finding(&loaded.text, &prose, l, db))
            .collect(),
    }
}

/// Class totals, per-code and per-concept statistics over the essays.
/// `rules`: the codes to list (in order) with their default severity.
pub fn summarize(
    essays: &[Essay],
    rules: &[(String, String)],
    db: &Database,
) -> (Totals, Vec<CodeStat>, Vec<ConceptStat>) {
    let totals = Totals {
        essays: essays.len(),
        words: essays.iter().map(|e| e.words).sum(),
        findings: essays.iter().map(|e| e.findings.len()).sum(),
        essays_with_findings: essays.iter().filter(|e| !e.findings.is_empty()).count(),
    };
    let mut codes: Vec<CodeStat> = rules
        .iter()
        .map(|(code, severity)| CodeStat {
            code: code.clone(),
            title: code_title(db, code),
            severity: severity.clone(),
            findings: 0,
            essays: 0,
        })
        .collect();
    let mut worst: BTreeMap<String, Severity> = BTreeMap::new();
    for e in essays {
        for f in &e.findings {
            let s = Severity::parse(&f.severity).unwrap_or(Severity::Hint);
            let w = worst.entry(f.code.clone()).or_insert(s);
            *w = (*w).min(s);
        }
        for (code, n) in &e.per_code {
            let i = match codes.iter().position(|c| &c.code == code) {
                Some(i) => i,
                None => {
                    codes.push(CodeStat {
                        code: code.clone(),
                        title: code_title(db, code),
                        severity: String::new(),
                        findings: 0,
                        essays: 0,
                    });
                    codes.len() - 1
                }
            };
            codes[i].findings += n;
            codes[i].essays += 1;
        }
    }
    for c in &mut codes {
        if let Some(w) = worst.get(&c.code) {
            c.severity = w.as_str().to_string();
        }
    }
    let concepts = CONCEPTS
        .iter()
        .map(|&concept| ConceptStat {
            concept: concept.to_string(),
            label: db.get(concept).map_or_else(|| concept.to_string(), |t| t.label.clone()),
            essays_using: essays
                .iter()
                .filter(|e| e.concepts.get(concept).is_some_and(|u| u.mentions > 0))
                .count(),
            mentions: essays
                .iter()
                .filter_map(|e| e.concepts.get(concept))
                .map(|u| u.mentions)
                .sum(),
            essays_defining: essays
                .iter()
                .filter(|e| e.concepts.get(concept).is_some_and(|u| u.defined))
                .count(),
        })
        .collect();
    (totals, codes, concepts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Format;

    fn loaded(text: &str) -> Loaded {
        Loaded {
            text: text.to_string(),
            format: Format::Markdown,
            paragraphs: None,
        }
    }

    #[test]
    fn words_are_counted_in_prose() {
        assert_eq!(count_words("The UN's blue-helmets, 1956: UNEF I.  0  "), 5);
        let prose = crate::text::extract("# Title\n\nSee `code here` and $x$.\n", Format::Markdown).text;
        assert_eq!(count_words(&prose), 3);
    }

    #[test]
    fn collapse_keeps_the_mark_on_the_words() {
        let s = "The  UN\n peacekeepers   negotiated.";
        let at = s.find("peacekeepers").unwrap();
        let (c, m) = collapse(s, at..at + 12);
        assert_eq!(c, "The UN peacekeepers negotiated.");
        assert_eq!(
            c.chars().skip(m[0]).take(m[1] - m[0]).collect::<String>(),
            "peacekeepers"
        );
        let s = "été peacekeepers";
        let at = s.find("peace").unwrap();
        let (c, m) = collapse(s, at..s.len());
        assert_eq!((c.as_str(), m), ("été peacekeepers", [4, 16]));
    }

    #[test]
    fn an_essay_has_its_findings_in_context_with_message_fix_and_rewrite() {
        let text = "# Essay\n\nPeacekeeping is the deployment of troops with consent. \
                    In 1995 the **UN peacekeepers** negotiated the Dayton Accords, \
                    which ended the war.\n\nPeacebuilding comes after.\n";
        let e = essay(&loaded(text), "markdown", &Config::default());
        assert_eq!(
            e.per_code,
            BTreeMap::from([("peacekeeping-as-peacemaking".to_string(), 1)])
        );
        let f = &e.findings[0];
        assert_eq!(f.term, "peacekeepers");
        assert_eq!(
            f.sentence,
            "In 1995 the **UN peacekeepers** negotiated the Dayton Accords, which ended the war."
        );
        let marked: String = f.sentence.chars().skip(f.mark[0]).take(f.mark[1] - f.mark[0]).collect();
        assert_eq!(marked, "peacekeepers");
        assert_eq!(f.place, format!("line 3, column {}", f.column));
        assert!(f.message.contains("peacemaking"), "{}", f.message);
        assert_eq!(f.fixes[0], "Replace \"peacekeepers\" with \"peacemakers\"");
        assert!(f.fixes.iter().all(|t| !t.starts_with("Ignore")), "{:?}", f.fixes);
        assert_eq!(
            f.rewrite.as_deref(),
            Some("In 1995 the **UN peacemakers** negotiated the Dayton Accords, which ended the war.")
        );
        assert_eq!(f.title, "Peacekeeping credited with peacemaking");
        // Concepts: peacekeeping defined and mentioned twice (term and
        // actor), peacebuilding mentioned, not defined.
        assert_eq!(
            e.concepts.get("peacekeeping"),
            Some(&ConceptUse {
                mentions: 2,
                defined: true
            })
        );
        assert_eq!(
            e.concepts.get("peacebuilding"),
            Some(&ConceptUse {
                mentions: 1,
                defined: false
            })
        );
        assert_eq!(e.words, 24);
    }

    #[test]
    fn class_statistics_count_findings_and_essays_per_code_and_concept() {
        let db = Database::builtin();
        let config = Config::default();
        let bad = "UN peacekeepers negotiated the Dayton Accords. Later, peacekeepers negotiated a treaty.\n";
        let essays = vec![
            essay(&loaded(bad), "markdown", &config),
            essay(
                &loaded("Peacekeeping is monitoring a ceasefire.\n"),
                "markdown",
                &config,
            ),
            essay(&loaded("Nothing here.\n"), "markdown", &config),
        ];
        let rules = vec![
            ("peacekeeping-as-peacemaking".to_string(), "warning".to_string()),
            ("terms-as-synonyms".to_string(), "warning".to_string()),
        ];
        let (totals, codes, concepts) = summarize(&essays, &rules, db);
        assert_eq!((totals.essays, totals.findings, totals.essays_with_findings), (3, 2, 1));
        assert_eq!(totals.words, essays.iter().map(|e| e.words).sum::<usize>());
        let got: Vec<(&str, usize, usize)> = codes.iter().map(|c| (c.code.as_str(), c.findings, c.essays)).collect();
        assert_eq!(
            got,
            [("peacekeeping-as-peacemaking", 2, 1), ("terms-as-synonyms", 0, 0)]
        );
        let pk = concepts.iter().find(|c| c.concept == "peacekeeping").unwrap();
        assert_eq!((pk.essays_using, pk.mentions, pk.essays_defining), (2, 3, 1));
        assert_eq!(pk.label, "Peacekeeping");
        assert_eq!(concepts.len(), 5);
    }
}
