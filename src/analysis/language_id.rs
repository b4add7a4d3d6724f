//! Text in another language: the rules read English only, so a document
//! whose prose is mostly another language gets one information diagnostic
//! instead of silence. Detection by `whatlang` (trigram models shipped in
//! the crate).

use super::{Finding, Severity};

/// The code of the diagnostic on text that is not English.
pub const OTHER_LANGUAGE: &str = "other-language";

/// Below this many letters, detection is not trusted.
const MIN_LETTERS: usize = 120;
/// How much prose is sampled (bytes), so that the check stays cheap.
const SAMPLE: usize = 4096;

/// Share of the sampled letters that must be in another language before the
/// note is given: a bilingual page (English beside a translation) is checked
/// as English and gets no note.
const OTHER_SHARE: f64 = 0.7;

/// One finding on the first word when the prose is reliably and mostly not
/// English. Each line of the sample is judged on its own, so English
/// paragraphs beside translated ones count for what they are.
pub fn check(prose: &str) -> Option<Finding> {
    let mut end = SAMPLE.min(prose.len());
    while !prose.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &prose[..end];
    let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count();
    if letters(sample) < MIN_LETTERS {
        return None;
    }
    let whole = whatlang::detect(sample)?;
    if whole.lang() == whatlang::Lang::Eng || !whole.is_reliable() {
        return None;
    }
    let (mut english, mut other) = (0usize, 0usize);
    for line in sample.lines() {
        let n = letters(line);
        match whatlang::detect(line) {
            Some(info) if n >= 40 && info.lang() == whatlang::Lang::Eng => english += n,
            Some(info) if n >= 40 && info.is_reliable() => other += n,
            _ => {}
        }
    }
    if other == 0 || (other as f64) < OTHER_SHARE * (english + other) as f64 {
        return None;
    }
    let start = prose.find(|c: char| c.is_alphabetic())?;
    let end = prose[start..]
        .find(|c: char| !c.is_alphanumeric())
        .map_or(prose.len(), |e| start + e);
    Some(Finding {
        code: OTHER_LANGUAGE.to_string(),
        severity: Severity::Information,
        range: start..end,
        message: format!(
            "This text looks like {}: peace-lsp's rules read English only, so what it says about the concepts is not checked. Hover still explains the terms it knows.",
            whole.lang().eng_name()
        ),
        related: Vec::new(),
        term: None,
        fixes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_prose_gets_one_note_and_english_none() {
        let fr = "Le maintien de la paix est une technique conçue pour préserver la paix, aussi fragile soit-elle, là où les combats ont cessé, et pour aider à mettre en oeuvre les accords conclus par les artisans de la paix.";
        let f = check(fr).expect("French is detected");
        assert_eq!(f.code, OTHER_LANGUAGE);
        assert_eq!(&fr[f.range], "Le");
        let en = "Peacekeeping is a technique designed to preserve the peace, however fragile, where fighting has been halted, and to assist in implementing agreements achieved by the peacemakers.";
        assert!(check(en).is_none());
        assert!(check("Paix.").is_none(), "too short to judge");
        // English beside its translation is English with a translation.
        let both = format!("{en}\n{fr}\n");
        assert!(check(&both).is_none(), "a bilingual page is checked as English");
        let mostly_fr = format!("{fr}\n{fr}\n{fr}\n{en}\n");
        assert!(check(&mostly_fr).is_some(), "mostly French");
    }
}
