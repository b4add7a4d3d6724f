//! Word tokens with byte offsets.

use std::ops::Range;

/// Universal part-of-speech tags (Universal Dependencies' UPOS), as the
/// tagger in `analysis::grammar` assigns them. `X` until a sentence is tagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tag {
    Noun,
    Propn,
    Verb,
    Aux,
    Adj,
    Adv,
    Adp,
    Det,
    Pron,
    Num,
    Part,
    Cconj,
    Sconj,
    Punct,
    Sym,
    Intj,
    #[default]
    X,
}

impl Tag {
    /// A word that can head a noun phrase.
    pub fn is_nominal(self) -> bool {
        matches!(self, Tag::Noun | Tag::Propn | Tag::Pron | Tag::Num)
    }

    pub fn is_verbal(self) -> bool {
        matches!(self, Tag::Verb | Tag::Aux)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tag::Noun => "NOUN",
            Tag::Propn => "PROPN",
            Tag::Verb => "VERB",
            Tag::Aux => "AUX",
            Tag::Adj => "ADJ",
            Tag::Adv => "ADV",
            Tag::Adp => "ADP",
            Tag::Det => "DET",
            Tag::Pron => "PRON",
            Tag::Num => "NUM",
            Tag::Part => "PART",
            Tag::Cconj => "CCONJ",
            Tag::Sconj => "SCONJ",
            Tag::Punct => "PUNCT",
            Tag::Sym => "SYM",
            Tag::Intj => "INTJ",
            Tag::X => "X",
        }
    }

    pub fn parse(s: &str) -> Option<Tag> {
        Some(match s {
            "NOUN" => Tag::Noun,
            "PROPN" => Tag::Propn,
            "VERB" => Tag::Verb,
            "AUX" => Tag::Aux,
            "ADJ" => Tag::Adj,
            "ADV" => Tag::Adv,
            "ADP" => Tag::Adp,
            "DET" => Tag::Det,
            "PRON" => Tag::Pron,
            "NUM" => Tag::Num,
            "PART" => Tag::Part,
            "CCONJ" => Tag::Cconj,
            "SCONJ" => Tag::Sconj,
            "PUNCT" => Tag::Punct,
            "SYM" => Tag::Sym,
            "INTJ" => Tag::Intj,
            "X" => Tag::X,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Tok {
    pub range: Range<usize>,
    /// Lowercase text, curly apostrophes straightened, dashes as `-`.
    pub lower: String,
    /// [`word_key`] of `lower`: phrase lists look tokens up by it, so a
    /// token's text is hashed once, not once per list.
    pub key: u64,
    /// Written with a capital first letter.
    pub capital: bool,
    pub word: bool,
    /// Part of speech, once tagged.
    pub tag: Tag,
}

/// The hash of a token's lowercase text, as kept in [`Tok::key`].
pub fn word_key(lower: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    lower.hash(&mut h);
    h.finish()
}

impl Tok {
    /// Rewrite the token's lowercase text (a chat spelling read as the
    /// word it stands for), keeping its key in step.
    pub fn set_lower(&mut self, lower: &str) {
        self.lower = lower.to_string();
        self.key = word_key(lower);
    }
}

/// A word's lowercase form, curly apostrophes straightened and Unicode
/// hyphens written `-`; one allocation for the common ASCII word.
fn lowercase(w: &str) -> String {
    if w.is_ascii() {
        return w.to_ascii_lowercase();
    }
    w.to_lowercase()
        .chars()
        .map(|c| match c {
            '\u{2019}' => '\'',
            '\u{2010}' | '\u{2011}' => '-',
            c => c,
        })
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// A pronoun with a verb attached ("it's", "they're", "we've"): the
/// pronoun and the verb the ending stands for. "'s" after a noun is a
/// possessive and stays ("it's been" is "it has been", set once the next
/// word is read).
fn contraction(lower: &str) -> Option<(&str, &'static str)> {
    let (stem, ending) = lower.split_at(lower.rfind('\'')?);
    let verb = match ending {
        "'s" if matches!(
            stem,
            "it" | "that" | "there" | "what" | "he" | "she" | "who" | "here" | "where"
        ) =>
        {
            "is"
        }
        "'re" => "are",
        "'m" => "am",
        "'ve" => "have",
        "'ll" => "will",
        "'d" => "would",
        _ => return None,
    };
    let pronoun = matches!(
        stem,
        "i" | "you" | "we" | "they" | "he" | "she" | "it" | "that" | "there" | "who" | "what" | "here" | "where"
    );
    (pronoun && !stem.is_empty()).then_some((stem, verb))
}

/// Split `text[range]` into word and punctuation tokens (whitespace dropped).
/// A word keeps internal apostrophes ("didn't", "UNEF's") and hyphens between
/// letters ("non-coercive", "peace-keeping"), so a compound is one word; a
/// pronoun with a verb attached ("it's", "they're") is two.
pub fn tokenize(text: &str, range: Range<usize>) -> Vec<Tok> {
    let mut out = Vec::new();
    let s = &text[range.clone()];
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let start = range.start + i;
        if is_word_char(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                let next_is_letter = || s[j + d.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric);
                let next_is_digit = || s[j + d.len_utf8()..].chars().next().is_some_and(|c| c.is_ascii_digit());
                // "1,200" and "3.5" are one number.
                let in_number = matches!(d, ',' | '.')
                    && s[i..j].chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
                    && next_is_digit();
                // "peacekeepers' mandate": a plural possessive keeps its apostrophe.
                let plural_possessive = is_apostrophe(d)
                    && s[i..j].ends_with(['s', 'S'])
                    && s[j + d.len_utf8()..].chars().next().is_none_or(char::is_whitespace);
                let joiner = (is_apostrophe(d) || is_hyphen(d)) && next_is_letter() || in_number || plural_possessive;
                if is_word_char(d) || joiner {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            let lower = lowercase(&s[i..end]);
            // "it's", "they're": a pronoun and its verb are two words.
            if let Some((stem, verb)) = contraction(&lower) {
                let cut = start + stem.len();
                out.push(Tok {
                    range: start..cut,
                    key: word_key(stem),
                    lower: stem.to_string(),
                    capital: c.is_uppercase(),
                    word: true,
                    tag: Tag::X,
                });
                out.push(Tok {
                    range: cut..range.start + end,
                    key: word_key(verb),
                    lower: verb.to_string(),
                    capital: false,
                    word: true,
                    tag: Tag::X,
                });
                continue;
            }
            out.push(Tok {
                range: start..range.start + end,
                key: word_key(&lower),
                lower,
                capital: c.is_uppercase(),
                word: true,
                tag: Tag::X,
            });
        } else {
            let lower = match c {
                '\u{2019}' | '\u{2018}' => "'".to_string(),
                '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => "\"".to_string(),
                '\u{2013}' | '\u{2014}' | '\u{2012}' | '\u{2015}' => "-".to_string(),
                c => c.to_string(),
            };
            out.push(Tok {
                range: start..start + c.len_utf8(),
                key: word_key(&lower),
                lower,
                capital: false,
                word: false,
                tag: Tag::Punct,
            });
        }
    }
    // "it's been": "has", before a past participle of "be".
    for k in 1..out.len() {
        let written = &text[out[k - 1].range.clone()];
        if out[k].lower == "been" && out[k - 1].lower == "is" && written.len() <= 4 && !written.starts_with(['i', 'I'])
        {
            out[k - 1].set_lower("has");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_words_apostrophes_hyphens_and_punctuation() {
        let text =
            "UNEF II\u{2019}s blue-helmets didn't \u{201C}negotiate\u{201D} \u{2014} non-coercive - x 1,200, 3.5.";
        let toks: Vec<String> = tokenize(text, 0..text.len()).into_iter().map(|t| t.lower).collect();
        assert_eq!(
            toks,
            [
                "unef",
                "ii's",
                "blue-helmets",
                "didn't",
                "\"",
                "negotiate",
                "\"",
                "-",
                "non-coercive",
                "-",
                "x",
                "1,200",
                ",",
                "3.5",
                "."
            ]
        );
    }

    #[test]
    fn a_pronoun_and_its_attached_verb_are_two_words() {
        let text = "It\u{2019}s when they're sent; it's been years. UNEF's role.";
        let toks = tokenize(text, 0..text.len());
        let words: Vec<(&str, &str)> = toks
            .iter()
            .map(|t| (t.lower.as_str(), &text[t.range.clone()]))
            .collect();
        assert_eq!(
            words,
            [
                ("it", "It"),
                ("is", "\u{2019}s"),
                ("when", "when"),
                ("they", "they"),
                ("are", "'re"),
                ("sent", "sent"),
                (";", ";"),
                ("it", "it"),
                ("has", "'s"),
                ("been", "been"),
                ("years", "years"),
                (".", "."),
                ("unef's", "UNEF's"),
                ("role", "role"),
                (".", "."),
            ]
        );
    }

    #[test]
    fn offsets_point_into_the_source() {
        let text = "ab  c-d.";
        let toks = tokenize(text, 2..text.len());
        assert_eq!(toks[0].range, 4..7);
        assert_eq!(&text[toks[1].range.clone()], ".");
    }
}
