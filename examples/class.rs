//! Write a generated class of essays (Markdown and .docx mixed) for the
//! class report: its benchmark (`bench/report-scale.sh`), its browser test
//! (`tests/e2e/report/`) and trying `peace-lsp report` out.
//!
//! cargo run --release --example class -- DIR [COUNT] [WORDS] [--docx-every N] [--seed N]
//!
//! COUNT essays (default 12) of about WORDS words (default 600), named after
//! invented students; every Nth essay (default 2) is a .docx, the others
//! Markdown. Essays are assembled from a bank of sentences written for this
//! generator: definitions, correct statements, neutral history, and the
//! classic conflations, each student with their own habits. The same seed
//! gives the same class.

use peace_lsp::input::fixtures::{docx, w_p};
use std::path::PathBuf;

/// Correct sentences about the field.
const CORRECT: &[&str] = &[
    "Mediators and envoys negotiate peace agreements, while peacekeepers help the parties carry them out.",
    "UNEF I patrolled the armistice lines in Sinai after the Suez crisis of 1956.",
    "The Secretary-General used his good offices to keep the talks alive.",
    "UNFICYP has watched the buffer zone in Cyprus since 1964.",
    "In Namibia, UNTAG supervised the elections that led to independence in 1990.",
    "The Brahimi Report asked for clear, credible and achievable mandates.",
    "Peacekeepers monitored the ceasefire line and reported violations to New York.",
    "The Peacebuilding Commission advises the Security Council on countries emerging from conflict.",
    "Peace enforcement under Chapter VII does not need the consent of the parties.",
    "After the Dayton Accords were signed, a NATO-led force deployed to Bosnia.",
    "Conflict prevention tries to stop disputes from turning violent in the first place.",
    "Blue helmets in Lebanon patrol the area south of the Litani river.",
    "The consent of the main parties is the first principle of UN peacekeeping.",
    "UNAVEM II verified the ceasefire in Angola, but the war resumed after the 1992 elections.",
    "Whereas mediators negotiate a settlement, peacekeepers monitor the ceasefire that follows it.",
];

/// Neutral sentences (no concept terms), for length.
const NEUTRAL: &[&str] = &[
    "The Cold War shaped what the Security Council could agree on for four decades.",
    "Historians still disagree about why some missions succeeded and others failed.",
    "Funding has always been a problem, and many member states pay late.",
    "Local populations often judged the missions by whether markets and schools reopened.",
    "The number of troops contributed by developing countries grew sharply after 2000.",
    "Reports from the field were slow to reach the decision makers.",
    "Several sources for this essay come from the UN's own archives.",
    "The situation on the ground changed faster than the mandates did.",
    "This case shows how much depends on the political will of the great powers.",
    "Many soldiers served several tours in difficult conditions.",
];

/// Definitions, with the share of students (percent) who write each: this
/// class never defines conflict prevention, though it uses the term.
const DEFINITIONS: &[(&str, u64)] = &[
    ("Peacekeeping is the deployment of a UN presence in the field with the consent of the parties.", 60),
    ("Peacemaking means bringing hostile parties to agreement by peaceful means such as negotiation and mediation.", 45),
    ("Peacebuilding refers to long-term work on the causes of a conflict so that fighting does not return.", 30),
    ("Peace enforcement is the use of military force, authorised by the Security Council, without the consent of the parties.", 35),
];

/// Conflations, one list per misconception (what students get wrong).
const MISTAKES: &[&[&str]] = &[
    &[
        "In 1995 the UN peacekeepers negotiated the Dayton Accords.",
        "The blue helmets brokered the peace agreement between the two governments.",
        "UNIFIL peacekeepers drafted the treaty that ended the civil war.",
    ],
    &[
        "Peacemaking troops were deployed to patrol the buffer zone.",
        "The mediators deployed soldiers along the ceasefire line.",
    ],
    &[
        "Peacekeeping, also known as peacemaking, began in 1948.",
        "Peacemaking and peacekeeping mean the same thing.",
    ],
    &[
        "Peacekeeping is when soldiers fight a war against one side.",
        "The Korean War of 1950 was the first big UN peacekeeping operation.",
    ],
    &["Peacemaking is the bombing of an aggressor until it gives up."],
    &["The Peacebuilding Commission sent troops to patrol the border."],
    &["Peacekeepers were sent in to win the war before any ceasefire existed."],
];

const FIRST: &[&str] = &[
    "Amira", "Ben", "Chloe", "Dmitri", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kofi", "Lena", "Mateo",
    "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wen", "Yusuf", "Zoe",
];
const LAST: &[&str] = &[
    "Haddad",
    "Okafor",
    "Lindqvist",
    "Petrov",
    "Yilmaz",
    "Nakamura",
    "Moreau",
    "Silva",
    "Kowalski",
    "Mensah",
    "Novak",
    "Brennan",
    "Costa",
    "Ibrahim",
    "Larsen",
    "Schmidt",
    "Tanaka",
    "Dubois",
];
const TOPICS: &[&str] = &[
    "Peace operations after the Cold War",
    "From Suez to Sinai: the first UN force",
    "Why peacekeeping needs consent",
    "Mediation and the end of wars",
    "What the Brahimi Report changed",
    "Cyprus: a line held, a dispute unsettled",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// One essay: a title and paragraphs of sentences.
fn essay(rng: &mut Rng, target: usize) -> (String, Vec<String>) {
    let title = rng.pick(TOPICS).to_string();
    // The student's habits: which concepts they define, which mistakes
    // they make, and how often.
    let defines: Vec<&str> = DEFINITIONS
        .iter()
        .filter(|(_, percent)| rng.chance(*percent))
        .map(|(d, _)| *d)
        .collect();
    let mistakes: Vec<&[&str]> = MISTAKES
        .iter()
        .enumerate()
        .filter(|(i, _)| rng.chance(if *i < 3 { 35 } else { 12 }))
        .map(|(_, m)| *m)
        .collect();
    let mut paragraphs: Vec<Vec<&str>> = Vec::new();
    let mut count = words(&title) + defines.iter().map(|d| words(d)).sum::<usize>();
    while count < target {
        let mut p: Vec<&str> = Vec::new();
        for _ in 0..4 + rng.below(3) {
            let s = if rng.chance(45) {
                rng.pick(CORRECT)
            } else {
                rng.pick(NEUTRAL)
            };
            count += words(s);
            p.push(s);
        }
        paragraphs.push(p);
    }
    // Definitions open the essay; each habitual mistake appears once or
    // twice somewhere.
    paragraphs[0].splice(0..0, defines.iter().copied());
    for m in mistakes {
        for _ in 0..1 + rng.below(2) {
            let p = rng.below(paragraphs.len());
            let at = rng.below(paragraphs[p].len() + 1);
            let s = rng.pick(m);
            paragraphs[p].insert(at, s);
        }
    }
    let paragraphs = paragraphs.into_iter().map(|p| p.join(" ")).collect();
    (title, paragraphs)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let (mut docx_every, mut seed) = (2usize, 2026u64);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--docx-every" => docx_every = it.next().and_then(|v| v.parse().ok()).unwrap_or(2),
            "--seed" => seed = it.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            _ => positional.push(a.clone()),
        }
    }
    let Some(dir) = positional.first().map(PathBuf::from) else {
        eprintln!("usage: cargo run --release --example class -- DIR [COUNT] [WORDS] [--docx-every N] [--seed N]");
        std::process::exit(2);
    };
    let count: usize = positional.get(1).and_then(|v| v.parse().ok()).unwrap_or(12);
    let target: usize = positional.get(2).and_then(|v| v.parse().ok()).unwrap_or(600);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| {
        eprintln!("class: cannot create {}: {e}", dir.display());
        std::process::exit(2)
    });
    let mut rng = Rng(seed.max(1));
    let (mut md, mut dx) = (0, 0);
    for i in 0..count {
        let name = format!(
            "{:03}-{}-{}",
            i + 1,
            FIRST[i % FIRST.len()].to_lowercase(),
            LAST[(i * 7 + i / FIRST.len()) % LAST.len()].to_lowercase()
        );
        let (title, paragraphs) = essay(&mut rng, target);
        let (path, bytes) = if docx_every > 0 && (i + 1) % docx_every == 0 {
            dx += 1;
            let mut body = w_p(&title, Some("Heading1"));
            for p in &paragraphs {
                body.push_str(&w_p(p, None));
            }
            (dir.join(format!("{name}.docx")), docx(&body, None))
        } else {
            md += 1;
            let mut text = format!("# {title}\n\n");
            for p in &paragraphs {
                text.push_str(p);
                text.push_str("\n\n");
            }
            (dir.join(format!("{name}.md")), text.into_bytes())
        };
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("class: cannot write {}: {e}", path.display());
            std::process::exit(2);
        }
    }
    eprintln!(
        "class: wrote {count} essays of about {target} words to {} ({md} Markdown, {dx} .docx)",
        dir.display()
    );
}
