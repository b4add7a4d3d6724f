//! Scoring of labelled corpora (`tests/corpus/*.jsonl`), shared by the
//! corpus test and `cargo run --example eval`. The rules are those of
//! `tests/corpus/README.md`: an expected item is matched by a finding with
//! the same code whose range overlaps the term's occurrence; every other
//! finding whose code is not in `allow` is a false positive.

use crate::analysis::{analyze, Finding};
use crate::terms::Database;
use crate::text::Format;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;

#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub id: String,
    pub format: String,
    pub text: String,
    #[serde(default)]
    pub expect: Vec<Expect>,
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Expect {
    pub code: String,
    pub term: String,
    #[serde(default)]
    pub occurrence: Option<usize>,
}

pub fn parse_jsonl(text: &str) -> Result<Vec<Item>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Byte range of the n-th (1-based) case-insensitive occurrence of `term`.
pub fn occurrence(text: &str, term: &str, n: usize) -> Option<Range<usize>> {
    let needle = term.to_lowercase();
    let mut count = 0;
    for (i, _) in text.char_indices() {
        let Some(candidate) = text.get(i..i + term.len()) else {
            continue;
        };
        if candidate.to_lowercase() == needle {
            count += 1;
            if count == n {
                return Some(i..i + term.len());
            }
        }
    }
    None
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// What happened on one item, for reports.
#[derive(Debug, Clone)]
pub struct ItemResult {
    pub id: String,
    pub missed: Vec<Expect>,
    pub false_positives: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Score {
    pub per_code: BTreeMap<String, Counts>,
    pub items: Vec<ItemResult>,
}

impl Score {
    pub fn overall(&self) -> Counts {
        let mut c = Counts::default();
        for v in self.per_code.values() {
            c.add(*v);
        }
        c
    }

    /// The per-code table in the corpus README's format.
    pub fn table(&self) -> String {
        let mut s = String::from("| code | TP | FP | FN | precision | recall |\n|---|---|---|---|---|---|\n");
        for (code, c) in &self.per_code {
            s.push_str(&format!(
                "| {code} | {} | {} | {} | {:.3} | {:.3} |\n",
                c.tp,
                c.fp,
                c.fn_,
                c.precision(),
                c.recall()
            ));
        }
        let o = self.overall();
        s.push_str(&format!(
            "| **overall** | {} | {} | {} | {:.3} | {:.3} |\n",
            o.tp,
            o.fp,
            o.fn_,
            o.precision(),
            o.recall()
        ));
        s
    }
}

/// Score a detector over items, counting only `codes`.
pub fn score_with(items: &[Item], codes: &[&str], detect: impl Fn(&Item) -> Vec<Finding>) -> Score {
    let mut score = Score::default();
    for code in codes {
        score.per_code.insert(code.to_string(), Counts::default());
    }
    for item in items {
        let findings: Vec<Finding> = detect(item)
            .into_iter()
            .filter(|f| codes.contains(&f.code.as_str()))
            .collect();
        let mut used = vec![false; findings.len()];
        let mut missed = Vec::new();
        for e in item.expect.iter().filter(|e| codes.contains(&e.code.as_str())) {
            let Some(r) = occurrence(&item.text, &e.term, e.occurrence.unwrap_or(1)) else {
                missed.push(e.clone());
                score.per_code.get_mut(&e.code).expect("code listed").fn_ += 1;
                continue;
            };
            let hit = findings
                .iter()
                .enumerate()
                .find(|(i, f)| !used[*i] && f.code == e.code && f.range.start < r.end && r.start < f.range.end);
            match hit {
                Some((i, _)) => {
                    used[i] = true;
                    score.per_code.get_mut(&e.code).expect("code listed").tp += 1;
                }
                None => {
                    missed.push(e.clone());
                    score.per_code.get_mut(&e.code).expect("code listed").fn_ += 1;
                }
            }
        }
        let mut fps = Vec::new();
        for (i, f) in findings.iter().enumerate() {
            if used[i] || item.allow.contains(&f.code) {
                continue;
            }
            // A second finding on an already matched occurrence is not a new error.
            let dup = findings
                .iter()
                .enumerate()
                .any(|(j, g)| used[j] && g.code == f.code && g.range == f.range);
            if dup {
                continue;
            }
            score.per_code.get_mut(&f.code).expect("code listed").fp += 1;
            fps.push((f.code.clone(), item.text[f.range.clone()].to_string()));
        }
        if !missed.is_empty() || !fps.is_empty() {
            score.items.push(ItemResult {
                id: item.id.clone(),
                missed,
                false_positives: fps,
            });
        }
    }
    score
}

fn item_format(item: &Item) -> Format {
    Format::from_language_id(&item.format).unwrap_or(Format::Plain)
}

/// Score peace-lsp's analysis.
pub fn score(items: &[Item], codes: &[&str], db: &Database) -> Score {
    score_with(items, codes, |item| analyze(&item.text, item_format(item), db).findings)
}

/// The naive baseline: a rule's actor term and any cue word of its work
/// concept in the same sentence (no clauses, negation, quotes or exceptions).
pub fn score_naive(items: &[Item], codes: &[&str], db: &Database) -> Score {
    score_with(items, codes, |item| {
        crate::analysis::naive(&item.text, item_format(item), db)
    })
}
