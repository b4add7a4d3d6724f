//! English word forms from a lemma, by the `english` crate (Wiktionary data):
//! knowledge lists a verb once ("negotiate") and finds every inflection
//! ("negotiates", "negotiated", "negotiating").

use english::{English, Form, Number, Person, Tense};

/// How a phrase of a word list inflects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartOfSpeech {
    /// The first word is a verb: "hammer out" -> "hammered out".
    Verb,
    /// The last word is a noun: "air strike" -> "air strikes".
    Noun,
    /// Written as is.
    Fixed,
}

/// Irregular pasts the `english` crate gives as regular: (lemma, past).
const CRATE_MISSES: &[(&str, &str)] = &[("lead", "led"), ("mislead", "misled")];

/// The forms of a verb: lemma, third person singular, past, past participle,
/// present participle, plus the British doubled-consonant spellings
/// ("initialled", "labelled") when the crate gives the American ones.
pub fn verb_forms(lemma: &str) -> Vec<String> {
    let lemma = lemma.trim().to_lowercase();
    let mut out = vec![lemma.clone()];
    let forms = [
        (Tense::Present, Form::Finite),
        (Tense::Past, Form::Finite),
        (Tense::Past, Form::Participle),
        (Tense::Present, Form::Participle),
    ];
    // Every person and number: "am", "are", "is"; "was", "were".
    for (tense, form) in forms {
        for person in [Person::First, Person::Second, Person::Third] {
            for number in [Number::Singular, Number::Plural] {
                out.push(English::verb(&lemma, &person, &number, &tense, &form).to_lowercase());
            }
        }
    }
    // The crate's data inflects the metal ("leaded"); the verb is "led".
    if let Some((_, past)) = CRATE_MISSES.iter().find(|(l, _)| *l == lemma) {
        out.retain(|f| !f.ends_with("ed") || f.as_str() == *past);
        out.push(past.to_string());
    }
    // British spelling doubles a final l: "initialed" / "initialled".
    if lemma.ends_with('l') && !lemma.ends_with("ll") {
        for suffix in ["ed", "ing"] {
            let american = format!("{lemma}{suffix}");
            if out.contains(&american) {
                out.push(format!("{lemma}l{suffix}"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Singular and plural of a noun.
pub fn noun_forms(lemma: &str) -> Vec<String> {
    let lemma = lemma.trim().to_lowercase();
    let plural = English::noun(&lemma, &Number::Plural).to_lowercase();
    let mut out = vec![lemma, plural];
    out.dedup();
    out
}

/// Words that can stand in an object's determiner slot: a verb phrase
/// listed with an article ("strike a bargain") is written with any of them
/// ("struck the bargain", "struck their bargain").
const DETERMINERS: &[&str] = &["a", "an", "the", "their", "its", "his", "her", "this", "that"];

/// The object's determiner slot of a verb phrase: the first word after the
/// verb when it is an article.
fn object_determiners<'a>(words: &[&'a str]) -> Vec<Vec<&'a str>> {
    match words.get(1) {
        Some(w) if ["a", "an", "the"].contains(&w.to_lowercase().as_str()) => DETERMINERS
            .iter()
            .map(|d| {
                let mut v = words.to_vec();
                v[1] = d;
                v
            })
            .collect(),
        _ => vec![words.to_vec()],
    }
}

/// Every surface form of a phrase whose first word (verbs) or head noun
/// (nouns: the last word, or the word before "of") inflects. A verb phrase's object article takes any determiner.
pub fn phrase_forms(phrase: &str, pos: PartOfSpeech) -> Vec<String> {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    match pos {
        PartOfSpeech::Fixed => vec![words.join(" ").to_lowercase()],
        PartOfSpeech::Verb => {
            let mut out: Vec<String> = verb_forms(first)
                .into_iter()
                .flat_map(|f| {
                    object_determiners(&words).into_iter().map(move |variant| {
                        std::iter::once(f.as_str())
                            .chain(variant[1..].iter().copied())
                            .collect::<Vec<_>>()
                            .join(" ")
                            .to_lowercase()
                    })
                })
                .collect();
            out.sort();
            out.dedup();
            out
        }
        PartOfSpeech::Noun => {
            // "use of military force": the head stands before "of", and
            // "uses of military force" is the plural ("use of military
            // forces" is a use of troops, another thing).
            let head = words
                .iter()
                .position(|w| w.eq_ignore_ascii_case("of"))
                .filter(|&k| k > 0)
                .map_or(words.len() - 1, |k| k - 1);
            noun_forms(words[head])
                .into_iter()
                .map(|f| {
                    let mut v = words.clone();
                    v[head] = f.as_str();
                    v.join(" ").to_lowercase()
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_regular_irregular_and_british() {
        assert_eq!(
            verb_forms("negotiate"),
            ["negotiate", "negotiated", "negotiates", "negotiating"]
        );
        let fight = verb_forms("fight");
        assert!(fight.contains(&"fought".to_string()) && fight.contains(&"fighting".to_string()));
        let initial = verb_forms("initial");
        assert!(initial.contains(&"initialled".to_string()) && initial.contains(&"initialed".to_string()));
        assert!(verb_forms("patrol").contains(&"patrolled".to_string()));
        assert_eq!(verb_forms("lead"), ["lead", "leading", "leads", "led"]);
    }

    #[test]
    fn be_has_every_form() {
        let be = verb_forms("be");
        for f in ["am", "are", "is", "was", "were", "been", "being"] {
            assert!(be.contains(&f.to_string()), "{f} in {be:?}");
        }
    }

    #[test]
    fn nouns_and_phrases() {
        assert_eq!(noun_forms("air strike"), ["air strike", "air strikes"]);
        assert_eq!(
            phrase_forms("hammer out", PartOfSpeech::Verb),
            ["hammer out", "hammered out", "hammering out", "hammers out"]
        );
        assert_eq!(
            phrase_forms("military action", PartOfSpeech::Noun),
            ["military action", "military actions"]
        );
        assert_eq!(phrase_forms("Chapter VII", PartOfSpeech::Fixed), ["chapter vii"]);
        assert_eq!(
            phrase_forms("use of military force", PartOfSpeech::Noun),
            ["use of military force", "uses of military force"]
        );
    }

    #[test]
    fn a_verb_phrases_object_article_takes_any_determiner() {
        let forms = phrase_forms("strike a bargain", PartOfSpeech::Verb);
        for f in ["struck the bargain", "strikes their bargain", "striking a bargain"] {
            assert!(forms.contains(&f.to_string()), "{f} in {forms:?}");
        }
        // Only the object's slot varies, and only an article opens it.
        let end = phrase_forms("bring the war to an end", PartOfSpeech::Verb);
        assert!(end.contains(&"brought its war to an end".to_string()));
        assert!(!end.contains(&"brought the war to the end".to_string()));
        assert_eq!(phrase_forms("stand between", PartOfSpeech::Verb).len(), 4);
    }
}
