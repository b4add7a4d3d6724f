//! Term matching over normalised prose.
//!
//! Text and patterns are normalised the same way (Unicode lowercase, curly
//! apostrophes to `'`, every run of whitespace and hyphens to one space), and
//! an aho-corasick automaton (leftmost-longest) finds patterns in the
//! normalised text. Every normalised byte remembers the original byte range it
//! came from, so matches are reported in original byte offsets. Word
//! boundaries are checked after the match: a match that starts or ends inside
//! a word is rejected and the next shorter pattern at the same start is tried.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use std::ops::Range;

/// Normalised text with a map back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`: start of the original char it came from.
    starts: Vec<u32>,
    /// For each byte of `text`: end of the original char (or run) it came from.
    ends: Vec<u32>,
}

#[cfg(test)]
mod nfc_tests {
    use super::*;

    #[test]
    fn decomposed_text_matches_precomposed_patterns() {
        let m = Matcher::new(["opération de maintien de la paix"]);
        let text = "Une ope\u{301}ration de maintien de la paix.";
        let hits = m.find(&Normalized::new(text));
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].range.clone()], "ope\u{301}ration de maintien de la paix");
    }
}

fn is_fold_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{00AD}')
}

impl Normalized {
    pub fn new(original: &str) -> Normalized {
        let mut text = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(original.len());
        let mut ends = Vec::with_capacity(original.len());
        let mut in_space = false;
        let mut chars = original.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let mut end = (i + c.len_utf8()) as u32;
            // A letter with combining marks after it ("e" + U+0301) is
            // composed (NFC), so it matches the precomposed pattern; the
            // composed char maps back to the whole sequence.
            let combining = |n: char| !n.is_ascii() && unicode_normalization::char::canonical_combining_class(n) != 0;
            if chars.peek().is_some_and(|&(_, n)| combining(n)) && !is_fold_space(c) {
                let mut segment = String::from(c);
                while let Some(&(j, n)) = chars.peek() {
                    if !combining(n) {
                        break;
                    }
                    segment.push(n);
                    end = (j + n.len_utf8()) as u32;
                    chars.next();
                }
                if segment.len() > c.len_utf8() {
                    use unicode_normalization::UnicodeNormalization;
                    in_space = false;
                    let before = text.len();
                    text.extend(segment.nfc().flat_map(char::to_lowercase));
                    for _ in before..text.len() {
                        starts.push(i as u32);
                        ends.push(end);
                    }
                    continue;
                }
            }
            if is_fold_space(c) {
                if in_space {
                    // Extend the run that the single space stands for.
                    *ends.last_mut().expect("run has a byte") = end;
                } else {
                    text.push(' ');
                    starts.push(i as u32);
                    ends.push(end);
                    in_space = true;
                }
                continue;
            }
            in_space = false;
            let before = text.len();
            match c {
                '\u{2019}' | '\u{2018}' | '\u{02BC}' => text.push('\''),
                c if c.is_ascii() => text.push(c.to_ascii_lowercase()),
                c => text.extend(c.to_lowercase()),
            }
            for _ in before..text.len() {
                starts.push(i as u32);
                ends.push(end);
            }
        }
        Normalized { text, starts, ends }
    }

    /// Original byte range of a normalised byte range.
    pub fn original(&self, r: Range<usize>) -> Range<usize> {
        if r.start >= r.end {
            let at = self
                .starts
                .get(r.start)
                .map_or_else(|| self.ends.last().copied().unwrap_or(0) as usize, |&s| s as usize);
            return at..at;
        }
        self.starts[r.start] as usize..self.ends[r.end - 1] as usize
    }
}

/// Normalise a pattern the way text is normalised, without the offset map.
pub fn normalize_pattern(p: &str) -> String {
    Normalized::new(p).text.trim().to_string()
}

/// A match in original byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub range: Range<usize>,
    /// Index into the pattern list given to [`Matcher::new`].
    pub pattern: usize,
}

/// Leftmost-longest whole-word matcher over normalised text.
pub struct Matcher {
    ac: AhoCorasick,
    /// Automaton pattern index -> caller's pattern index.
    ids: Vec<usize>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher").field("patterns", &self.ids.len()).finish()
    }
}

/// The byte ranges of the maximal runs of chars that `keep` accepts
/// ("words" for whatever a word is to the caller).
pub fn runs(text: &str, keep: impl Fn(char) -> bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (keep(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    out.extend(start.map(|s| s..text.len()));
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Matcher {
    /// Build from patterns; empty patterns (after normalisation) are skipped,
    /// and a pattern repeated keeps its first index.
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Matcher {
        let mut seen = std::collections::HashSet::new();
        let mut norm = Vec::new();
        let mut ids = Vec::new();
        for (i, p) in patterns.into_iter().enumerate() {
            let n = normalize_pattern(p);
            if !n.is_empty() && seen.insert(n.clone()) {
                norm.push(n);
                ids.push(i);
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(&norm)
            .expect("aho-corasick automaton builds");
        Matcher { ac, ids }
    }

    /// All whole-word, non-overlapping matches, leftmost-longest.
    pub fn find(&self, norm: &Normalized) -> Vec<Match> {
        let hay = norm.text.as_str();
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < hay.len() {
            let Some(m) = self.ac.find(Input::new(hay).span(pos..hay.len())) else {
                break;
            };
            match self.whole_word_at(hay, m.start(), m.end(), m.pattern().as_usize()) {
                Some((end, pat)) => {
                    out.push(Match {
                        range: norm.original(m.start()..end),
                        pattern: self.ids[pat],
                    });
                    pos = end;
                }
                None => {
                    // Resume at the next char after the rejected start.
                    pos = m.start() + hay[m.start()..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        out
    }

    /// The longest pattern starting at `start` that ends on a word boundary
    /// (trying shorter ones when the longest fails), if the start is one too.
    fn whole_word_at(&self, hay: &str, start: usize, mut end: usize, mut pat: usize) -> Option<(usize, usize)> {
        if hay[..start].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        loop {
            if !hay[end..].chars().next().is_some_and(is_word_char) {
                return Some((end, pat));
            }
            // Try shorter patterns anchored at the same start.
            let mut shorter = end - 1;
            while !hay.is_char_boundary(shorter) {
                shorter -= 1;
            }
            if shorter <= start {
                return None;
            }
            let input = Input::new(hay).range(start..shorter).anchored(Anchored::Yes);
            let m = self.ac.find(input)?;
            end = m.end();
            pat = m.pattern().as_usize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(m: &Matcher, text: &str) -> Vec<String> {
        m.find(&Normalized::new(text))
            .into_iter()
            .map(|m| text[m.range].to_string())
            .collect()
    }

    #[test]
    fn folds_case_hyphens_spaces_and_apostrophes() {
        let m = Matcher::new(["peacekeeping", "peace keeping", "blue helmets", "member's"]);
        assert_eq!(
            words(&m, "Peace-keeping, PEACE  KEEPING and Blue\nHelmets; Member\u{2019}s"),
            ["Peace-keeping", "PEACE  KEEPING", "Blue\nHelmets", "Member\u{2019}s"]
        );
    }

    #[test]
    fn rejects_matches_inside_words() {
        let m = Matcher::new(["peacekeeping", "unifil"]);
        assert!(words(&m, "peacekeepingly UNIFILed xunifil").is_empty());
        assert_eq!(words(&m, "(UNIFIL) peacekeeping."), ["UNIFIL", "peacekeeping"]);
    }

    #[test]
    fn runs_of_accepted_chars() {
        assert_eq!(runs("a bc  déf", |c| !c.is_whitespace()), [0..1, 2..4, 6..10]);
        assert_eq!(runs("peace-keping", char::is_alphabetic), [0..5, 6..12]);
        assert!(runs("", char::is_alphabetic).is_empty());
    }

    #[test]
    fn falls_back_to_shorter_pattern_at_same_start() {
        let m = Matcher::new(["unef", "unef i", "unef ii"]);
        assert_eq!(
            words(&m, "UNEF I and UNEF II and UNEF III"),
            ["UNEF I", "UNEF II", "UNEF"]
        );
        let m = Matcher::new(["un peacemaker", "peacemakers"]);
        assert_eq!(words(&m, "UN peacemakers"), ["peacemakers"]);
    }

    #[test]
    fn longest_match_wins() {
        let m = Matcher::new(["chapter vi", "chapter vi and a half", "chapter vii"]);
        assert_eq!(
            words(&m, "Chapter VI and a half, Chapter VII, Chapter VI."),
            ["Chapter VI and a half", "Chapter VII", "Chapter VI"]
        );
    }

    #[test]
    fn maps_offsets_through_multibyte_lowercase() {
        // 'İ' lowercases to two chars; offsets must still land on the original.
        let m = Matcher::new(["rétablissement de la paix"]);
        let text = "İİ RÉTABLISSEMENT DE LA PAIX!";
        assert_eq!(words(&m, text), ["RÉTABLISSEMENT DE LA PAIX"]);
    }

    #[test]
    fn empty_patterns_are_ignored() {
        let m = Matcher::new(["", " - ", "x"]);
        assert_eq!(words(&m, "a x b"), ["x"]);
    }
}
