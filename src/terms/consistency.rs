//! Cross-entry checks of the key facts: two entries must never state the
//! same fact differently.
//!
//! - Structured facts (see [`super::facts`]) are keyed by what they are about
//!   (`of`, or the entry itself) and their event: every `established` fact of
//!   UNAMIR, wherever it is written, names the same resolution and date, and
//!   every `signed` fact of the Dayton Agreement the same date.
//! - A resolution has one adoption date: every structured fact that carries
//!   it, and every citation in free text ("resolution 872 (5 October
//!   1993)", "Resolution 1590 of 24 March 2005", "resolution 50 (29 May)"
//!   in a fact of 1948), must agree on it.

use super::facts::{month_number, Event, Fact, IsoDate, Resolution, Subject};
use super::{Contrast, DbError, Term};
use crate::scan::normalize_pattern;
use std::collections::HashMap;

pub(super) struct Input<'a> {
    pub terms: &'a [(String, Term)],
    pub contrasts: &'a [(String, Contrast)],
    pub by_id: &'a HashMap<String, usize>,
    /// Normalised surface form -> id of the entry that claims it.
    pub form_owner: &'a HashMap<String, String>,
    /// File name -> text, for line numbers.
    pub texts: &'a HashMap<String, String>,
}

/// Where a statement was found, for messages.
#[derive(Clone)]
struct Place {
    file: String,
    term: String,
    line: Option<usize>,
}

impl Place {
    fn describe(&self) -> String {
        match self.line {
            Some(l) => format!("`{}` ({}:{l})", self.term, self.file),
            None => format!("`{}` ({})", self.term, self.file),
        }
    }

    fn error(&self, field: &str, message: String) -> DbError {
        DbError {
            file: self.file.clone(),
            message,
            line: self.line,
            field: Some(field.to_string()),
        }
    }
}

/// What a keyed fact is about.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Entry(String),
    Named(String),
}

impl Key {
    fn describe(&self) -> String {
        match self {
            Key::Entry(id) => format!("`{id}`"),
            Key::Named(name) => name.clone(),
        }
    }
}

struct Claim {
    date: IsoDate,
    resolutions: Vec<Resolution>,
    place: Place,
}

impl Claim {
    fn describe(&self) -> String {
        let mut s = self.date.prose();
        if !self.resolutions.is_empty() {
            let list: Vec<String> = self.resolutions.iter().map(ToString::to_string).collect();
            s.push_str(&format!(" by {}", list.join(" and ")));
        }
        s
    }

    fn conflicts_with(&self, other: &Claim) -> bool {
        let mut a = self.resolutions.clone();
        let mut b = other.resolutions.clone();
        a.sort();
        b.sort();
        !self.date.agrees_with(&other.date) || (!a.is_empty() && !b.is_empty() && a != b)
    }
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

pub(super) fn check(input: &Input) -> Vec<DbError> {
    let mut errors = Vec::new();
    let mut claims: Vec<((Key, Event), Claim)> = Vec::new();
    let mut adopted: Vec<(Resolution, IsoDate, Place)> = Vec::new();
    let kind_of = |id: &str| input.by_id.get(id).map(|&i| input.terms[i].1.kind.as_str());

    for (file, t) in input.terms {
        let text = input.texts.get(file);
        for fact in &t.facts {
            let Fact::Dated(d) = fact.get_ref() else { continue };
            let place = Place {
                file: file.clone(),
                term: t.id.clone(),
                line: text.map(|s| line_at(s, fact.span().start)),
            };
            let key = match &d.of {
                None => Key::Entry(t.id.clone()),
                Some(Subject::Entry(id)) if id == &t.id => {
                    errors.push(place.error(
                        "facts",
                        format!(
                            "term `{}`: a fact with `of = \"{id}\"` is about the entry itself; leave `of` out",
                            t.id
                        ),
                    ));
                    continue;
                }
                Some(Subject::Entry(id)) => {
                    if kind_of(id).is_none() {
                        errors.push(place.error(
                            "facts",
                            format!("term `{}`: a fact is about unknown id `{id}` (`of`)", t.id),
                        ));
                        continue;
                    }
                    Key::Entry(id.clone())
                }
                Some(Subject::Named(name)) => {
                    if let Some(owner) = input.form_owner.get(&normalize_pattern(name)) {
                        errors.push(place.error(
                            "facts",
                            format!(
                                "term `{}`: `of = \"{name}\"` names an entry of the database; write `of = \"{owner}\"`",
                                t.id
                            ),
                        ));
                        continue;
                    }
                    Key::Named(normalize_pattern(name))
                }
            };
            for r in &d.resolutions {
                adopted.push((r.clone(), d.date, place.clone()));
            }
            let Some(event) = d.event else { continue };
            if let Key::Entry(id) = &key {
                let kind = kind_of(id).unwrap_or_default();
                if !event.kinds().contains(&kind) {
                    errors.push(place.error(
                        "facts",
                        format!(
                            "term `{}`: event `{}` is for {} entries, and `{id}` is a {kind}",
                            t.id,
                            event.name(),
                            event.kinds().join(" or ")
                        ),
                    ));
                    continue;
                }
            }
            claims.push((
                (key, event),
                Claim {
                    date: d.date,
                    resolutions: d.resolutions.clone(),
                    place,
                },
            ));
        }
    }

    // The same fact stated twice must agree.
    for (i, ((key, event), claim)) in claims.iter().enumerate() {
        if let Some((_, earlier)) = claims[..i]
            .iter()
            .find(|((k, e), c)| k == key && e == event && c.conflicts_with(claim))
        {
            errors.push(claim.place.error(
                "facts",
                format!(
                    "term `{}` says {} was {} {}, but {} says {}",
                    claim.place.term,
                    key.describe(),
                    event.name(),
                    claim.describe(),
                    earlier.place.describe(),
                    earlier.describe()
                ),
            ));
        }
    }

    // A resolution has one adoption date.
    let mut known: HashMap<u32, (IsoDate, Place)> = HashMap::new();
    for (i, (r, date, place)) in adopted.iter().enumerate() {
        if let Some((_, earlier, first)) = adopted[..i].iter().find(|(r2, d2, _)| r2 == r && !d2.agrees_with(date)) {
            errors.push(place.error(
                "facts",
                format!(
                    "term `{}` dates {r} {}, but {} dates it {}",
                    place.term,
                    date.prose(),
                    first.describe(),
                    earlier.prose()
                ),
            ));
        }
        if let Resolution::SecurityCouncil { number, .. } = r {
            let entry = known.entry(*number).or_insert((*date, place.clone()));
            if date.month().is_some() && entry.0.month().is_none() {
                *entry = (*date, place.clone());
            }
        }
    }

    // Citations in prose agree with the structured facts and with each other.
    let mut cited: Vec<(Citation, Place, &'static str)> = Vec::new();
    for (file, t) in input.terms {
        let mut texts: Vec<(&'static str, String, Option<u16>)> = Vec::new();
        texts.extend(t.sources.iter().map(|s| ("sources", s.clone(), None)));
        texts.push(("explanation", t.explanation.clone(), None));
        for fact in &t.facts {
            match fact.get_ref() {
                Fact::Text(s) => texts.push(("facts", s.clone(), leading_year(s))),
                Fact::Dated(d) => texts.push(("facts", d.template().to_string(), Some(d.date.year()))),
            }
        }
        for (field, text, year) in texts {
            for c in citations(&text, year) {
                let line = input.texts.get(file).and_then(|s| super::line_of(s, &t.id, &c.snippet));
                let place = Place {
                    file: file.clone(),
                    term: t.id.clone(),
                    line,
                };
                cited.push((c, place, field));
            }
        }
    }
    for (file, c) in input.contrasts {
        for s in &c.sources {
            for cit in citations(s, None) {
                let line = input
                    .texts
                    .get(file)
                    .and_then(|t| super::line_of(t, &c.id, &cit.snippet));
                let place = Place {
                    file: file.clone(),
                    term: c.id.clone(),
                    line,
                };
                cited.push((cit, place, "sources"));
            }
        }
    }
    for (i, (c, place, field)) in cited.iter().enumerate() {
        let other = known.get(&c.number).map(|(d, p)| (*d, p.clone())).or_else(|| {
            cited[..i]
                .iter()
                .find(|(c2, ..)| c2.number == c.number)
                .map(|(c2, p, _)| (c2.date, p.clone()))
        });
        if let Some((date, other_place)) = other {
            if !date.agrees_with(&c.date) {
                errors.push(place.error(
                    field,
                    format!(
                        "term `{}`: its {field} date Security Council resolution {} to {} (\"{}\"), but {} dates it {}",
                        place.term,
                        c.number,
                        c.date.prose(),
                        c.snippet,
                        other_place.describe(),
                        date.prose()
                    ),
                ));
            }
        }
    }
    errors
}

/// The year a free-text fact starts with (`"1995: ..."`).
fn leading_year(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    (b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b':')
        .then(|| s[..4].parse().ok())
        .flatten()
}

/// A Security Council resolution cited with a date in prose.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Citation {
    pub number: u32,
    pub date: IsoDate,
    /// The cited words, from the number to the end of its date.
    pub snippet: String,
}

/// A partial date read from prose: `5 October 1993`, `October 1993`,
/// `5 October`, `1993`.
type Partial = (Option<u16>, Option<u8>, Option<u8>);

/// Parse `words` as a whole date, or `None`.
fn partial_date(words: &[&str]) -> Option<Partial> {
    let year = |w: &str| (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit())).then(|| w.parse::<u16>().ok())?;
    let day = |w: &str| {
        (w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse::<u8>().ok())
            .flatten()
            .filter(|d| (1..=31).contains(d))
    };
    match *words {
        [a] => year(a)
            .map(|y| (Some(y), None, None))
            .or_else(|| Some((None, Some(month_number(a)?), None))),
        [a, b] => match (month_number(a), year(b)) {
            (Some(m), Some(y)) => Some((Some(y), Some(m), None)),
            _ => Some((None, Some(month_number(b)?), Some(day(a)?))),
        },
        [d, m, y] => Some((Some(year(y)?), Some(month_number(m)?), Some(day(d)?))),
        _ => None,
    }
}

/// The longest date at the start of `words` (after "of" or "in").
fn leading_date(words: &[&str]) -> Option<(Partial, usize)> {
    (1..=3.min(words.len()))
        .rev()
        .find_map(|n| partial_date(&words[..n]).filter(|p| p.1.is_some()).map(|p| (p, n)))
}

/// Security Council resolutions cited with a date in `text`. `year` is the
/// year of the fact the text belongs to, for dates written without one.
/// General Assembly resolutions ("General Assembly resolution 60/180",
/// "998 (ES-I)") and undated citations are skipped.
pub(super) fn citations(text: &str, year: Option<u16>) -> Vec<Citation> {
    // Words with their byte ranges; parentheses and commas are words too.
    let mut words: Vec<(&str, usize, usize)> = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices() {
        let sep = ch.is_whitespace() || matches!(ch, '(' | ')' | ',' | ';' | '.');
        if sep {
            if let Some(s) = start.take() {
                words.push((&text[s..i], s, i));
            }
            if !ch.is_whitespace() {
                words.push((&text[i..i + 1], i, i + 1));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push((&text[s..], s, text.len()));
    }
    let w = |i: usize| words.get(i).map_or("", |x| x.0);
    let is_number = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    let mut out = Vec::new();
    for i in 0..words.len() {
        if !matches!(w(i).to_lowercase().as_str(), "resolution" | "resolutions") {
            continue;
        }
        if i >= 2 && w(i - 2).eq_ignore_ascii_case("general") && w(i - 1).eq_ignore_ascii_case("assembly") {
            continue;
        }
        // (number, date, first word, last word) for each element of the list.
        let mut items: Vec<(u32, Option<Partial>, usize, usize, bool)> = Vec::new();
        let mut j = i + 1;
        while is_number(w(j)) {
            let n: u32 = w(j).parse().unwrap_or(0);
            let first = j;
            j += 1;
            let mut date = None;
            let mut from_paren = false;
            if w(j) == "(" {
                let close = (j + 1..words.len()).find(|&k| w(k) == ")");
                let Some(close) = close else { break };
                let inner: Vec<&str> = (j + 1..close).map(w).collect();
                date = partial_date(&inner);
                if date.is_none()
                    && !inner.is_empty()
                    && inner
                        .iter()
                        .all(|x| x.bytes().all(|b| b.is_ascii_uppercase() || b == b'-'))
                {
                    // "998 (ES-I)", "377 (V)": a General Assembly resolution.
                    break;
                }
                from_paren = true;
                j = close + 1;
            } else if matches!(w(j), "of" | "in") {
                let rest: Vec<&str> = (j + 1..(j + 4).min(words.len())).map(w).collect();
                if let Some((p, used)) = leading_date(&rest) {
                    date = Some(p);
                    j += 1 + used;
                }
            }
            items.push((n, date, first, j - 1, from_paren));
            if w(j) == "," {
                j += 1;
            }
            if w(j) == "and" {
                j += 1;
            }
        }
        // "resolutions 425 and 426 (19 March 1978)": one date for the list.
        let shared = match items.as_slice() {
            [init @ .., (_, Some(d), _, end, true)] if !init.is_empty() && init.iter().all(|x| x.1.is_none()) => {
                Some((*d, *end))
            }
            _ => None,
        };
        if let Some((d, end)) = shared {
            for x in &mut items {
                x.1 = Some(d);
                x.3 = end;
            }
        }
        for (number, date, first, last, _) in items {
            let Some((y, m, d)) = date else { continue };
            let Some(y) = y.or(year) else { continue };
            let Some(date) = IsoDate::new(y, m, d) else { continue };
            let snippet = text[words[first].1..words[last].2].to_string();
            out.push(Citation { number, date, snippet });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cite(text: &str, year: Option<u16>) -> Vec<(u32, String)> {
        citations(text, year)
            .into_iter()
            .map(|c| (c.number, c.date.to_string()))
            .collect()
    }

    fn pairs(v: &[(u32, &str)]) -> Vec<(u32, String)> {
        v.iter().map(|(n, d)| (*n, d.to_string())).collect()
    }

    #[test]
    fn reads_the_citation_forms_of_the_database() {
        assert_eq!(
            cite("Security Council resolution 872 (5 October 1993)", None),
            pairs(&[(872, "1993-10-05")])
        );
        assert_eq!(
            cite(
                "Security Council resolutions 598 (20 July 1987) and 619 (9 August 1988)",
                None
            ),
            pairs(&[(598, "1987-07-20"), (619, "1988-08-09")])
        );
        assert_eq!(
            cite("Security Council resolutions 425 and 426 (19 March 1978)", None),
            pairs(&[(425, "1978-03-19"), (426, "1978-03-19")])
        );
        assert_eq!(
            cite(
                "Security Council resolutions 143 (1960), 161 (1961) and 169 (1961)",
                None
            ),
            pairs(&[(143, "1960"), (161, "1961"), (169, "1961")])
        );
        assert_eq!(
            cite("Resolution 1590 of 24 March 2005 created it", None),
            pairs(&[(1590, "2005-03-24")])
        );
        assert_eq!(
            cite("Resolution 1037 of January 1996, adopted under Chapter VII", None),
            pairs(&[(1037, "1996-01")])
        );
        assert_eq!(
            cite(
                "created by Security Council resolution 350 in May 1974, following",
                None
            ),
            pairs(&[(350, "1974-05")])
        );
        assert_eq!(
            cite(
                "1950: Security Council resolutions 82 (25 June), 83 (27 June) and 84 (7 July) adopted",
                Some(1950)
            ),
            pairs(&[(82, "1950-06-25"), (83, "1950-06-27"), (84, "1950-07-07")])
        );
    }

    #[test]
    fn skips_assembly_resolutions_undated_and_unreadable_citations() {
        assert!(cite(
            "General Assembly resolutions 998, 1000 and 1001 (ES-I) (November 1956)",
            None
        )
        .is_empty());
        assert!(cite("resolution 998 (ES-I) of 4 November", Some(1956)).is_empty());
        assert!(cite("Security Council resolution 1031, not to UN peacekeepers", None).is_empty());
        assert!(cite("Security Council resolutions 82 and 83 (25 and 27 June 1950)", None).is_empty());
        assert!(
            cite("resolution 50 (29 May) provided", None).is_empty(),
            "no year to go by"
        );
        assert_eq!(
            cite(
                "General Assembly resolution 60/180 and Security Council resolutions 1645 and 1646 (20 December 2005)",
                None
            ),
            pairs(&[(1645, "2005-12-20"), (1646, "2005-12-20")])
        );
    }
}
