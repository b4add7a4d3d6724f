//! The incremental analysis against a fresh one: random edits of every size,
//! across paragraph, list, table and heading boundaries, with emoji and
//! CRLF line ends, and after each the cached result must equal a full
//! analysis of the same text.

use peace_lsp::analysis::{analyze, Analysis, Incremental, Severity};
use peace_lsp::terms::Database;
use peace_lsp::text::Format;

/// A small generator, the same on every run (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

const MARKDOWN: &str = "# Peacekeeping in Lebanon\n\nUNIFIL was set up in 1978. It patrols the Blue Line.\n\nThe force negotiated a ceasefire in 2006.\n\n## Roles\n\nPeacekeepers:\n\n- monitor the ceasefire\n- negotiated the peace agreement\n\n| Actor | Work |\n|---|---|\n| Peacekeepers | mediated the accord |\n\nThe Darfur Peace Agreement (DPA) failed. The DPA was signed in 2006.\n\nSee [the charter][un] for details.\n\n[un]: https://un.org\n\n<!-- peace-lsp-disable-next-line peacekeeping-as-peacemaking -->\nThe blue helmets brokered the deal.\n\nPeacemaking, also known as peacekeeping, ends wars.\n";

const LATEX: &str = "\\section{Peace enforcement}\n\nThe peacekeepers negotiated the Dayton Accords. They also mediated talks.\n\n\\begin{itemize}\n\\item UNPROFOR brokered the truce.\n\n\\item It signed the agreement.\n\\end{itemize}\n\n% peace-lsp-disable-next-line peacekeeping-as-peacemaking\nThe mission negotiated a deal. \\enquote{Peacekeepers negotiated peace}, a student wrote.\n";

const PLAIN: &str = "Peacekeeping and peacemaking\n\nThe peacekeepers negotiated the peace agreement. They then mediated between the parties.\n\nThe force signed the accord.\n\nPeacemaking means sending troops to fight.\n";

/// Pieces an edit inserts: words that make and unmake findings, block
/// structure, pronouns, emoji, CRLF and markup that opens and closes.
const PIECES: &[&str] = &[
    "\n",
    "\n\n",
    "\r\n",
    "\r\n\r\n",
    "# ",
    "## Peacekeepers\n",
    "- ",
    "| ",
    "They ",
    "It ",
    "The force ",
    "peacekeepers ",
    "negotiated the peace agreement",
    "mediated ",
    "UNIFIL ",
    "peacemaking ",
    " (DPA)",
    "```\n",
    "<!-- ",
    " -->",
    "[un]",
    "[x]: y\n",
    "\\item ",
    "\\begin{quote}",
    "\\end{quote}",
    "{",
    "}",
    "$",
    "🕊️",
    "é",
    ". ",
    ":",
    "not ",
];

fn same(a: &Analysis, b: &Analysis) -> bool {
    a.terms == b.terms && a.findings == b.findings && a.stopped_at == b.stopped_at
}

fn edit(rng: &mut Rng, text: &mut String) {
    let mut a = rng.below(text.len() + 1);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    // Mostly small edits (typing, deleting a word), sometimes a paragraph.
    let span = match rng.below(10) {
        0..=5 => rng.below(3),
        6..=8 => rng.below(40),
        _ => rng.below(400),
    };
    let mut b = (a + span).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    let insert: String = match rng.below(10) {
        0..=3 => String::new(),
        4..=8 => (0..1 + rng.below(3)).map(|_| PIECES[rng.below(PIECES.len())]).collect(),
        // A piece of the document moved elsewhere.
        _ => {
            let mut c = rng.below(text.len() + 1);
            while !text.is_char_boundary(c) {
                c -= 1;
            }
            let mut d = (c + rng.below(200)).min(text.len());
            while !text.is_char_boundary(d) {
                d += 1;
            }
            text[c..d].to_string()
        }
    };
    text.replace_range(a..b, &insert);
}

fn run(start: &str, format: Format, edits: usize, seed: u64) {
    let db = Database::builtin();
    let mut rng = Rng(seed);
    let mut text = start.to_string();
    let mut cache = Incremental::new();
    for step in 0..edits {
        edit(&mut rng, &mut text);
        if text.len() > 6 * start.len() || text.len() < start.len() / 4 {
            text = start.to_string();
        }
        let got = cache.update(&text, format, db, &mut |_| {}, &|| false);
        let want = analyze(&text, format, db);
        assert!(
            same(&got, &want),
            "{format:?} step {step}: incremental and fresh analysis differ\ntext: {text:?}\nincremental: {:#?}\nfresh: {:#?}",
            got.findings,
            want.findings
        );
        // Hand the result back as the server does (mostly), or a list that
        // levels changed (severities set, codes turned off), or nothing.
        match rng.below(4) {
            0 => {}
            1 | 2 => cache.recycle(got),
            _ => {
                let mut findings = got.findings;
                findings.iter_mut().step_by(3).for_each(|f| f.severity = Severity::Hint);
                let mut k = 0;
                findings.retain(|_| {
                    k += 1;
                    k % 4 != 0
                });
                findings.reverse();
                cache.recycle(Analysis {
                    findings,
                    ..Analysis::default()
                });
            }
        }
    }
}

#[test]
fn ten_thousand_random_edits_match_a_fresh_analysis() {
    run(MARKDOWN, Format::Markdown, 6000, 0x9e37_79b9_7f4a_7c15);
    run(LATEX, Format::Latex, 2000, 0x2545_f491_4f6c_dd1d);
    run(PLAIN, Format::Plain, 2000, 0x1234_5678_9abc_def1);
}

/// `n` Markdown paragraphs, each "Paragraph {i}: " and `body`.
fn paragraphs(n: usize, body: &str) -> String {
    (0..n).map(|i| format!("Paragraph {i}: {body}\n\n")).collect()
}

/// Where `word` first occurs in the second half of `text`.
fn middle(text: &str, word: &str) -> usize {
    let at = text.len() / 2;
    text[at..].find(word).map_or(at, |i| at + i)
}

/// A Markdown update through `cache`.
fn update(cache: &mut Incremental, text: &str) -> Analysis {
    cache.update(text, Format::Markdown, Database::builtin(), &mut |_| {}, &|| false)
}

#[test]
fn an_edit_in_one_paragraph_analyses_only_what_it_changes() {
    let db = Database::builtin();
    let mut text = paragraphs(
        200,
        "UN peacekeepers monitored the ceasefire line. They reported to the Security Council.",
    );
    let mut cache = Incremental::new();
    let first = update(&mut cache, &text);
    assert_eq!(cache.last_analysed_bytes, text.len());
    let at = middle(&text, "monitored");
    text.insert_str(at, "negotiated a peace agreement and ");
    let second = update(&mut cache, &text);
    assert!(
        cache.last_analysed_bytes < 400,
        "an edit re-analysed {} bytes",
        cache.last_analysed_bytes
    );
    assert_eq!(
        second.findings.len(),
        first.findings.len() + 1,
        "{:#?}",
        second.findings
    );
    assert!(same(&second, &analyze(&text, Format::Markdown, db)));
}

#[test]
fn findings_handed_back_are_moved_into_place_but_for_the_edited_chunks() {
    let db = Database::builtin();
    let mut text = paragraphs(100, "UN peacekeepers negotiated the peace agreement.");
    let mut cache = Incremental::new();
    let first = update(&mut cache, &text);
    assert!(first.findings.len() >= 100, "{:#?}", first.findings);
    let n = first.findings.len();
    let at = middle(&text, "negotiated");
    text.insert_str(at, "quickly ");
    cache.recycle(first);
    let second = update(&mut cache, &text);
    assert!(
        cache.last_recycled < n && cache.last_recycled + 3 >= n,
        "{} of {n} findings recycled",
        cache.last_recycled
    );
    assert!(same(&second, &analyze(&text, Format::Markdown, db)));
    // Nothing handed back: nothing recycled, the same result.
    text.insert_str(at, "very ");
    let third = update(&mut cache, &text);
    assert_eq!(cache.last_recycled, 0);
    assert!(same(&third, &analyze(&text, Format::Markdown, db)));
}
