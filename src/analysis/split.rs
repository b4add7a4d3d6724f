//! Sentence segmentation over masked prose.
//!
//! Sentences never cross a block break, a blank line or the start of a list
//! item. A `.`, `!`, `?` or `…` (plus closing quotes or brackets) followed by
//! white space ends a sentence unless the next word starts in lower case, the
//! word before the period is a known abbreviation ("U.N.", "e.g.", "Dr.",
//! "No." before a number) or a single capital initial.

use std::ops::Range;

/// Longest sentence read as one (bytes). Run-on text without a sentence
/// end is cut at the last space before this, so that the analysis, which is
/// superlinear within a sentence, stays linear in the document (1 MB with
/// no full stop took minutes). No real sentence is this long.
pub const MAX_SENTENCE: usize = 3000;

/// Sentences with the index of the paragraph (block) each belongs to.
pub fn split(text: &str, breaks: &[usize], abbreviations: &[String]) -> Vec<(Range<usize>, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bounds: Vec<usize> = breaks.iter().copied().filter(|&b| b <= text.len()).collect();
    bounds.push(text.len());
    for b in bounds {
        if b > start {
            for block in blocks(text, start..b) {
                let mut sentences = Vec::new();
                split_block(text, block, abbreviations, &mut sentences);
                let id = out.last().map_or(0, |(_, b): &(Range<usize>, usize)| b + 1);
                for s in sentences {
                    for piece in cut_long(text, s) {
                        out.push((piece, id));
                    }
                }
            }
        }
        start = start.max(b);
    }
    out
}

/// Split a block at blank lines and at lines that start a list item.
fn blocks(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = r.start;
    let s = &text[r.clone()];
    let mut offset = 0;
    let mut previous: Option<&str> = None;
    for line in s.split_inclusive('\n') {
        let abs = r.start + offset;
        let trimmed = line.trim_start();
        let blank = line.trim().is_empty();
        let after_label = previous.is_some_and(|p| ends_a_line_of_its_own(p, trimmed));
        if blank || (abs > start && (crate::text::is_list_line(trimmed) || after_label)) {
            if abs > start {
                out.push(start..abs);
            }
            start = if blank { abs + line.len() } else { abs };
        }
        previous = Some(line.trim());
        offset += line.len();
    }
    if r.end > start {
        out.push(start..r.end);
    }
    out
}

/// Whether a line stands alone rather than wrapping into the next: a label
/// ending in a colon ("Synonyms:"), or a short line without final
/// punctuation followed by one that starts with a capital ("Subjects" /
/// "International Relations Peacekeeping"), as in notes, forms and
/// infoboxes. A wrapped sentence ends its lines mid-phrase instead.
fn ends_a_line_of_its_own(previous: &str, next: &str) -> bool {
    if previous.ends_with(':') {
        return true;
    }
    // Notes: "korea 1950 = UN peacekeeping" / "DPKO -> negotiated Oslo".
    if [" = ", "->", "\u{2192}", "=>"].iter().any(|m| previous.contains(m)) {
        return true;
    }
    let capital = next
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let last_word = previous.rsplit(char::is_whitespace).next().unwrap_or("").to_lowercase();
    let continues = matches!(
        last_word.as_str(),
        "the"
            | "a"
            | "an"
            | "of"
            | "and"
            | "or"
            | "to"
            | "in"
            | "by"
            | "for"
            | "with"
            | "on"
            | "at"
            | "from"
            | "that"
            | "as"
    );
    let punctuated = previous.ends_with(['.', '!', '?', ',', ';', '-', '(', '"', '\'']);
    capital && !continues && !punctuated && previous.chars().count() < 60
}

fn split_block(text: &str, r: Range<usize>, abbreviations: &[String], out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        // A table of contents' leaders ("Background ------- 3", "Korea
        // ........ 4"): four or more in a row end the entry, and the page
        // number after them belongs to no sentence.
        if matches!(c, '-' | '.' | '_' | '\u{b7}') {
            let run = chars[k..].iter().take_while(|&&(_, d)| d == c).count();
            if run >= 4 {
                push_trimmed(r.start, s, start..i, out);
                let mut e = k + run;
                while e < chars.len() && (chars[e].1.is_whitespace() || chars[e].1.is_ascii_digit()) {
                    e += 1;
                }
                start = chars.get(e).map_or(s.len(), |&(j, _)| j);
                k = e;
                continue;
            }
        }
        if matches!(c, '.' | '!' | '?' | '\u{2026}') {
            // Swallow repeated terminators and closing quotes/brackets.
            let mut e = k + 1;
            while e < chars.len()
                && matches!(
                    chars[e].1,
                    '.' | '!' | '?' | '"' | '\'' | '\u{201D}' | '\u{2019}' | ')' | ']'
                )
            {
                e += 1;
            }
            let at_end = e == chars.len();
            let followed_by_space = at_end || chars[e].1.is_whitespace();
            if followed_by_space && (at_end || ends_sentence(s, &chars, i, c, e, abbreviations)) {
                let end = if at_end { s.len() } else { chars[e].0 };
                push_trimmed(r.start, s, start..end, out);
                start = end;
            }
            k = e;
            continue;
        }
        k += 1;
    }
    if start < s.len() {
        push_trimmed(r.start, s, start..s.len(), out);
    }
}

fn ends_sentence(s: &str, chars: &[(usize, char)], i: usize, c: char, e: usize, abbreviations: &[String]) -> bool {
    // The next visible char.
    let next = chars[e..].iter().map(|&(_, c)| c).find(|c| !c.is_whitespace());
    let Some(next) = next else { return true };
    if next.is_lowercase() {
        return false;
    }
    if c != '.' {
        return true;
    }
    // The word before the period, with internal periods ("U.N", "e.g").
    let before = &s[..i];
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map_or(0, |(j, c)| j + c.len_utf8());
    let word = before[word_start..].to_lowercase();
    if word.is_empty() {
        return true;
    }
    let single_initial = word.chars().count() == 1 && before[word_start..].chars().all(char::is_uppercase);
    if single_initial {
        return false;
    }
    if abbreviations.contains(&word) {
        // "No. 5" is an abbreviation; "... said no." is not.
        if word == "no" || word == "nos" {
            return !next.is_ascii_digit();
        }
        return false;
    }
    true
}

/// A sentence in pieces of at most [`MAX_SENTENCE`] bytes, cut at white
/// space where there is some.
fn cut_long(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = r.start;
    while r.end - start > MAX_SENTENCE {
        let mut cut = start + MAX_SENTENCE;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let at = text[start..cut]
            .rfind(char::is_whitespace)
            .filter(|&p| p > 0)
            .map_or(cut, |p| start + p);
        push_trimmed(0, text, start..at, &mut out);
        start = at;
    }
    push_trimmed(0, text, start..r.end, &mut out);
    out
}

fn push_trimmed(base: usize, s: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let piece = &s[r.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if piece.trim().is_empty() {
        return;
    }
    out.push(base + r.start + lead..base + r.end - trail);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abbrevs() -> Vec<String> {
        ["u.n", "e.g", "dr", "st", "no", "i.e"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn sents<'a>(text: &'a str, breaks: &[usize]) -> Vec<&'a str> {
        split(text, breaks, &abbrevs())
            .into_iter()
            .map(|(r, _)| &text[r])
            .collect()
    }

    #[test]
    fn run_on_text_is_cut_into_bounded_pieces() {
        let text = "peacekeepers negotiated the accords and ".repeat(1000);
        let pieces = sents(&text, &[]);
        assert!(pieces.len() > 10, "{}", pieces.len());
        assert!(pieces.iter().all(|p| p.len() <= MAX_SENTENCE && !p.starts_with(' ')));
        assert_eq!(pieces.concat().len() + pieces.len() - 1, text.trim_end().len());
        // One word longer than the limit is cut anywhere (at a char boundary).
        let word = "é".repeat(MAX_SENTENCE);
        assert!(sents(&word, &[]).iter().all(|p| p.len() <= MAX_SENTENCE));
    }

    #[test]
    fn splits_on_terminators_but_not_abbreviations_or_numbers() {
        let t =
            "The U.N. sent Dr. Bunche. He met No. 5 envoys, e.g. Mr Xu. Costs rose 3.5 per cent! Why? \"Yes.\" Done";
        assert_eq!(
            sents(t, &[]),
            [
                "The U.N. sent Dr. Bunche.",
                "He met No. 5 envoys, e.g. Mr Xu.",
                "Costs rose 3.5 per cent!",
                "Why?",
                "\"Yes.\"",
                "Done"
            ]
        );
    }

    #[test]
    fn splits_on_blank_lines_list_items_and_breaks() {
        let t = "Title\nline one\n\npara two\n- item a\n- item b\n1. first";
        assert_eq!(
            sents(t, &[]),
            ["Title\nline one", "para two", "- item a", "- item b", "1. first"]
        );
        assert_eq!(sents("Heading Body text", &[7]), ["Heading", "Body text"]);
    }

    #[test]
    fn short_lines_and_labels_stand_alone() {
        assert_eq!(
            sents(
                "Synonyms:\nEstablishing rules\nSubjects\nInternational Relations Peacekeeping",
                &[]
            ),
            [
                "Synonyms:",
                "Establishing rules",
                "Subjects",
                "International Relations Peacekeeping"
            ]
        );
        // A wrapped sentence stays one.
        assert_eq!(
            sents("The force was deployed by the\nUnited Nations in 1978.", &[]),
            ["The force was deployed by the\nUnited Nations in 1978."]
        );
    }

    #[test]
    fn leaders_of_a_table_of_contents_end_its_entries() {
        assert_eq!(
            sents(
                "Contents Introduction ------ 2 The idea of peacekeeping ...... 3 Korea",
                &[]
            ),
            ["Contents Introduction", "The idea of peacekeeping", "Korea"]
        );
        // Three dots are an ellipsis, a dash or two a dash.
        assert_eq!(sents("They waited... and then -- at last -- signed.", &[]).len(), 1);
    }

    #[test]
    fn initials_do_not_end_sentences() {
        assert_eq!(
            sents("J. F. Kennedy spoke. Then", &[]),
            ["J. F. Kennedy spoke.", "Then"]
        );
    }
}
