//! Key facts of a term: free text (`"1995: ..."`) or a table whose date,
//! resolutions and event are typed fields, so that the database test can
//! check that two entries never state the same fact differently.
//!
//! ```toml
//! facts = [
//!   { date = "1995-03-31", event = "established", resolution = "S/RES/983 (1995)", text = "set up by {resolution} ({date})" },
//!   "1999: mandate ended on 28 February after China vetoed its extension",
//! ]
//! ```
//!
//! (TOML keeps an inline table on one line.)
//!
//! Every value is parsed once, when the file is deserialized; a malformed
//! date or resolution symbol is a TOML error with the file and line.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English name of month `m` (1-based).
pub fn month_name(m: u8) -> &'static str {
    MONTHS[usize::from(m.clamp(1, 12)) - 1]
}

/// The month numbered by an English month name (`"March"` -> 3).
pub fn month_number(name: &str) -> Option<u8> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// A calendar date at year, month or day precision, written in ISO 8601:
/// `1995`, `1995-03` or `1995-03-31`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsoDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => 31,
    }
}

impl IsoDate {
    /// A date, or `None` when the month or day does not exist.
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Option<IsoDate> {
        let valid = match (month, day) {
            (None, None) => true,
            (Some(m), None) => (1..=12).contains(&m),
            (Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(year, m),
            (None, Some(_)) => false,
        };
        (valid && (1000..=2999).contains(&year)).then_some(IsoDate { year, month, day })
    }

    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn month(&self) -> Option<u8> {
        self.month
    }

    pub fn day(&self) -> Option<u8> {
        self.day
    }

    /// Whether two dates can name the same day: equal wherever both are
    /// precise (`1993-10` agrees with `1993-10-05`, not with `1993-11`).
    pub fn agrees_with(&self, other: &IsoDate) -> bool {
        let same = |a: Option<u8>, b: Option<u8>| a.is_none() || b.is_none() || a == b;
        self.year == other.year && same(self.month, other.month) && same(self.day, other.day)
    }

    /// Day and month in prose, as the hover writes them after the year:
    /// `31 March`, `March`, or nothing for a bare year.
    pub fn day_month(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {}", month_name(m)),
            (Some(m), None) => month_name(m).to_string(),
            _ => String::new(),
        }
    }

    /// The whole date in prose: `31 March 1995`, `March 1995`, `1995`.
    pub fn prose(&self) -> String {
        let dm = self.day_month();
        if dm.is_empty() {
            self.year.to_string()
        } else {
            format!("{dm} {}", self.year)
        }
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl FromStr for IsoDate {
    type Err = String;

    fn from_str(s: &str) -> Result<IsoDate, String> {
        let bad = || format!("`{s}` is not an ISO date: write YYYY, YYYY-MM or YYYY-MM-DD (\"1995-03-31\")");
        let parts: Vec<&str> = s.split('-').collect();
        let widths_ok = matches!(parts.as_slice(), [y, rest @ ..] if y.len() == 4 && rest.len() <= 2
            && rest.iter().all(|p| p.len() == 2));
        if !widths_ok || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        let year: u16 = parts[0].parse().map_err(|_| bad())?;
        let month = parts.get(1).map(|m| m.parse::<u8>()).transpose().map_err(|_| bad())?;
        let day = parts.get(2).map(|d| d.parse::<u8>()).transpose().map_err(|_| bad())?;
        IsoDate::new(year, month, day).ok_or_else(|| format!("`{s}` is not a calendar date"))
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IsoDate, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// Roman numerals I to XXX, for General Assembly sessions before 1976.
fn roman(s: &str) -> Option<u16> {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    const TENS: [&str; 4] = ["", "X", "XX", "XXX"];
    let n = (1..=30u16).find(|n| {
        let (t, o) = (usize::from(n / 10), usize::from(n % 10));
        format!("{}{}", TENS[t], ONES[o]) == s
    })?;
    Some(n)
}

/// A UN resolution, by its document symbol.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resolution {
    /// `S/RES/983 (1995)`.
    SecurityCouncil { number: u32, year: u16 },
    /// `A/RES/70/262`, `A/RES/72/262 C`: from the 31st session (1976) on.
    Assembly {
        session: u16,
        number: u32,
        part: Option<char>,
    },
    /// `A/RES/1000 (ES-I)`, `A/RES/181 (II)`: before the 31st session, the
    /// number is followed by the session (`ES-` emergency special, `S-`
    /// special).
    AssemblyBefore1976 { number: u32, session: String },
}

impl Resolution {
    /// `Security Council` or `General Assembly`.
    pub fn body(&self) -> &'static str {
        match self {
            Resolution::SecurityCouncil { .. } => "Security Council",
            _ => "General Assembly",
        }
    }

    /// The number as prose cites it: `983`, `70/262`, `1000 (ES-I)`.
    pub fn short(&self) -> String {
        match self {
            Resolution::SecurityCouncil { number, .. } => number.to_string(),
            Resolution::Assembly { session, number, part } => match part {
                Some(p) => format!("{session}/{number} {p}"),
                None => format!("{session}/{number}"),
            },
            Resolution::AssemblyBefore1976 { number, session } => format!("{number} ({session})"),
        }
    }

    /// Whether a resolution with this symbol can have been adopted in `year`.
    pub fn fits_year(&self, year: u16) -> bool {
        match self {
            Resolution::SecurityCouncil { year: y, .. } => *y == year,
            // A regular session opens in September and runs into the next year.
            Resolution::Assembly { session, .. } => year == 1945 + session || year == 1946 + session,
            Resolution::AssemblyBefore1976 { session, .. } => {
                roman(session).is_none_or(|n| year == 1945 + n || year == 1946 + n)
            }
        }
    }
}

impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resolution::SecurityCouncil { number, year } => write!(f, "S/RES/{number} ({year})"),
            _ => write!(f, "A/RES/{}", self.short()),
        }
    }
}

fn number(s: &str) -> Option<u32> {
    (!s.is_empty() && !s.starts_with('0') && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl FromStr for Resolution {
    type Err = String;

    fn from_str(s: &str) -> Result<Resolution, String> {
        let bad = || {
            format!(
                "`{s}` is not a resolution symbol: write a Security Council resolution as \
                 S/RES/NNN (YYYY) and a General Assembly resolution as A/RES/NN/NNN or, \
                 before 1976, A/RES/NNN (SESSION)"
            )
        };
        let parens = |rest: &str| -> Option<(String, String)> {
            let (head, tail) = rest.split_once(" (")?;
            let inner = tail.strip_suffix(')')?;
            Some((head.to_string(), inner.to_string()))
        };
        if let Some(rest) = s.strip_prefix("S/RES/") {
            let (n, y) = parens(rest).ok_or_else(bad)?;
            let number = number(&n).ok_or_else(bad)?;
            let year: u16 = (y.len() == 4).then(|| y.parse().ok()).flatten().ok_or_else(bad)?;
            if !(1946..=2999).contains(&year) {
                return Err(format!(
                    "`{s}`: the Security Council adopted its first resolution in 1946"
                ));
            }
            return Ok(Resolution::SecurityCouncil { number, year });
        }
        let rest = s.strip_prefix("A/RES/").ok_or_else(bad)?;
        if let Some((session, tail)) = rest.split_once('/') {
            let (n, part) = match tail.split_once(' ') {
                Some((n, p)) if p.len() == 1 && p.bytes().all(|b| b.is_ascii_uppercase()) => (n, p.chars().next()),
                Some(_) => return Err(bad()),
                None => (tail, None),
            };
            let session = number(session).and_then(|n| u16::try_from(n).ok()).ok_or_else(bad)?;
            if session < 31 {
                return Err(format!(
                    "`{s}`: General Assembly resolutions before the 31st session (1976) are written \
                     A/RES/NNN (SESSION), as in A/RES/1000 (ES-I)"
                ));
            }
            let number = number(n).ok_or_else(bad)?;
            return Ok(Resolution::Assembly { session, number, part });
        }
        let (n, session) = parens(rest).ok_or_else(bad)?;
        let numeral = session
            .strip_prefix("ES-")
            .or_else(|| session.strip_prefix("S-"))
            .unwrap_or(&session);
        if roman(numeral).is_none() {
            return Err(bad());
        }
        let number = number(&n).ok_or_else(bad)?;
        Ok(Resolution::AssemblyBefore1976 { number, session })
    }
}

impl<'de> Deserialize<'de> for Resolution {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Resolution, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// Resolutions in prose: `Security Council resolutions 425 and 426`,
/// `General Assembly resolution 70/262 and Security Council resolution 2282`.
pub fn resolutions_prose(list: &[Resolution]) -> String {
    fn and_list(items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for r in list {
        match groups.last_mut() {
            Some((body, numbers)) if *body == r.body() => numbers.push(r.short()),
            _ => groups.push((r.body(), vec![r.short()])),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(body, numbers)| {
            let noun = if numbers.len() > 1 { "resolutions" } else { "resolution" };
            format!("{body} {noun} {}", and_list(&numbers))
        })
        .collect();
    parts.join(" and ")
}

/// What a structured fact records, so that two facts about the same thing
/// can be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// A mission, force or body was created or authorised (its founding
    /// resolution, when it has one).
    Established,
    /// A mission's mandate ended.
    Ended,
    /// An agreement was signed (or, for the Good Friday Agreement, reached).
    Signed,
    /// An agreement was initialled before its signature.
    Initialled,
    /// A document was issued or approved.
    Issued,
}

impl Event {
    pub fn name(self) -> &'static str {
        match self {
            Event::Established => "established",
            Event::Ended => "ended",
            Event::Signed => "signed",
            Event::Initialled => "initialled",
            Event::Issued => "issued",
        }
    }

    /// The kinds of entry this event can be about.
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            Event::Established | Event::Ended => &["mission", "institution"],
            Event::Signed | Event::Initialled => &["agreement"],
            Event::Issued => &["document"],
        }
    }
}

/// Whom a fact is about, when not the entry that states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// Another entry, by id (`of = "unamir"`).
    Entry(String),
    /// Something the database has no entry for, by name
    /// (`of = "Lusaka Protocol"`).
    Named(String),
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

impl<'de> Deserialize<'de> for Subject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Subject, D::Error> {
        let s = String::deserialize(d)?;
        let s = s.trim();
        if s.is_empty() {
            return Err(de::Error::custom("`of` is empty: give an entry id or a name"));
        }
        Ok(if is_id(s) {
            Subject::Entry(s.to_string())
        } else {
            Subject::Named(s.split_whitespace().collect::<Vec<_>>().join(" "))
        })
    }
}

/// A fact with typed fields. Its `text` is the hover line after the year and
/// names the fields as `{resolution}` and `{date}`, so that no number is
/// written twice.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedFact {
    pub date: IsoDate,
    /// Adopted on `date` (a fact with resolutions is dated by them).
    pub resolutions: Vec<Resolution>,
    pub event: Option<Event>,
    /// What the fact is about, when it is not the entry itself.
    pub of: Option<Subject>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatedFact {
    date: IsoDate,
    text: String,
    #[serde(default, deserialize_with = "one_or_many")]
    resolution: Vec<Resolution>,
    #[serde(default)]
    event: Option<Event>,
    #[serde(default)]
    of: Option<Subject>,
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Resolution>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<Resolution>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a resolution symbol or a list of them")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(vec![s.parse().map_err(E::custom)?])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(r) = seq.next_element()? {
                out.push(r);
            }
            if out.is_empty() {
                return Err(de::Error::custom("`resolution` is an empty list"));
            }
            Ok(out)
        }
    }
    d.deserialize_any(V)
}

const PLACEHOLDERS: [&str; 2] = ["{resolution}", "{date}"];

impl TryFrom<RawDatedFact> for DatedFact {
    type Error = String;

    fn try_from(raw: RawDatedFact) -> Result<DatedFact, String> {
        let text = raw.text.trim().to_string();
        if text.is_empty() {
            return Err("fact `text` is empty".into());
        }
        let b = text.as_bytes();
        if b.len() > 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b':' {
            return Err(format!(
                "fact text {text:?} starts with a year: the year comes from `date = \"{}\"`",
                raw.date
            ));
        }
        let mut rest = text.clone();
        for p in PLACEHOLDERS {
            if rest.matches(p).count() > 1 {
                return Err(format!("fact text {text:?} uses {p} twice"));
            }
            rest = rest.replace(p, "");
        }
        if rest.contains(['{', '}']) {
            return Err(format!(
                "fact text {text:?} has an unknown placeholder (only {{resolution}} and {{date}})"
            ));
        }
        let shows = |p: &str| text.contains(p);
        match (raw.resolution.is_empty(), shows("{resolution}")) {
            (false, false) => {
                return Err(format!(
                    "fact text {text:?} must show its resolution: write {{resolution}} where it goes"
                ))
            }
            (true, true) => return Err(format!("fact text {text:?} shows {{resolution}} but the fact has none")),
            _ => {}
        }
        let precise = raw.date.month().is_some();
        if precise && !shows("{date}") {
            return Err(format!(
                "fact text {text:?} must show its date {}: write {{date}} where it goes",
                raw.date
            ));
        }
        if !precise && shows("{date}") {
            return Err(format!(
                "fact text {text:?} shows {{date}} but `date = \"{}\"` is only a year (the hover shows it first)",
                raw.date
            ));
        }
        for r in &raw.resolution {
            if !r.fits_year(raw.date.year()) {
                return Err(format!(
                    "resolution {r} cannot have been adopted on {}: a fact with resolutions is dated by them",
                    raw.date
                ));
            }
        }
        if raw.of.is_some() && raw.event.is_none() {
            return Err("a fact with `of` needs an `event` (established, ended, signed, initialled, issued)".into());
        }
        Ok(DatedFact {
            date: raw.date,
            resolutions: raw.resolution,
            event: raw.event,
            of: raw.of,
            text,
        })
    }
}

impl<'de> Deserialize<'de> for DatedFact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DatedFact, D::Error> {
        DatedFact::try_from(RawDatedFact::deserialize(d)?).map_err(de::Error::custom)
    }
}

impl DatedFact {
    /// The text as written, with its placeholders.
    pub fn template(&self) -> &str {
        &self.text
    }

    /// The text with the fields filled in.
    pub fn text(&self) -> String {
        self.text
            .replace("{resolution}", &resolutions_prose(&self.resolutions))
            .replace("{date}", &self.date.day_month())
    }
}

/// One key fact.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// `"1995: established ..."`: free text starting with the year.
    Text(String),
    Dated(DatedFact),
}

impl Fact {
    /// The hover line: `1995: established by Security Council resolution 983 (31 March)`.
    pub fn render(&self) -> String {
        match self {
            Fact::Text(s) => s.clone(),
            Fact::Dated(d) => format!("{}: {}", d.date.year(), d.text()),
        }
    }

    pub fn dated(&self) -> Option<&DatedFact> {
        match self {
            Fact::Dated(d) => Some(d),
            Fact::Text(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Fact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fact, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fact;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fact: a string \"YYYY: ...\" or a table { date, text, resolution, event, of }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Fact, E> {
                Ok(Fact::Text(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fact, A::Error> {
                DatedFact::deserialize(de::value::MapAccessDeserializer::new(map)).map(Fact::Dated)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_at_three_precisions_and_reject_the_rest() {
        assert_eq!("1995-03-31".parse::<IsoDate>().unwrap().prose(), "31 March 1995");
        assert_eq!("1995-03".parse::<IsoDate>().unwrap().day_month(), "March");
        assert_eq!("1995".parse::<IsoDate>().unwrap().to_string(), "1995");
        assert_eq!("2000-02-29".parse::<IsoDate>().unwrap().to_string(), "2000-02-29");
        for bad in [
            "31 March 1995",
            "1995-3-31",
            "95-03-31",
            "1995/03/31",
            "1995-13",
            "1995-02-29",
            "1995-04-31",
            "1995-03-31T00:00",
            "",
        ] {
            assert!(bad.parse::<IsoDate>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn dates_agree_at_their_common_precision() {
        let d = |s: &str| s.parse::<IsoDate>().unwrap();
        assert!(d("1993-10").agrees_with(&d("1993-10-05")));
        assert!(d("1993").agrees_with(&d("1993-10-05")));
        assert!(!d("1993-11").agrees_with(&d("1993-10-05")));
        assert!(!d("1993-10-06").agrees_with(&d("1993-10-05")));
        assert!(!d("1994").agrees_with(&d("1993-10-05")));
    }

    #[test]
    fn resolution_symbols() {
        let r = |s: &str| s.parse::<Resolution>();
        assert_eq!(r("S/RES/983 (1995)").unwrap().to_string(), "S/RES/983 (1995)");
        assert_eq!(r("A/RES/70/262").unwrap().short(), "70/262");
        assert_eq!(r("A/RES/72/262 C").unwrap().short(), "72/262 C");
        assert_eq!(r("A/RES/1000 (ES-I)").unwrap().short(), "1000 (ES-I)");
        assert_eq!(r("A/RES/181 (II)").unwrap().to_string(), "A/RES/181 (II)");
        for bad in [
            "S/RES/983",
            "S/RES/983(1995)",
            "S/RES/0983 (1995)",
            "S/RES/983 (95)",
            "S/RES/9 (1945)",
            "resolution 983",
            "A/RES/12/181",
            "A/RES/1000 (ES-XL)",
            "A/RES/70/262 c",
            "SC/RES/983 (1995)",
        ] {
            assert!(r(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(r("S/RES/983 (1995)").unwrap().fits_year(1995));
        assert!(!r("S/RES/983 (1995)").unwrap().fits_year(1996));
        assert!(r("A/RES/70/262").unwrap().fits_year(2016));
        assert!(!r("A/RES/70/262").unwrap().fits_year(2020));
    }

    #[test]
    fn resolutions_read_as_prose() {
        let list = |v: &[&str]| v.iter().map(|s| s.parse().unwrap()).collect::<Vec<Resolution>>();
        assert_eq!(
            resolutions_prose(&list(&["S/RES/425 (1978)", "S/RES/426 (1978)"])),
            "Security Council resolutions 425 and 426"
        );
        assert_eq!(
            resolutions_prose(&list(&["A/RES/70/262", "S/RES/2282 (2016)"])),
            "General Assembly resolution 70/262 and Security Council resolution 2282"
        );
        assert_eq!(
            resolutions_prose(&list(&["A/RES/1000 (ES-I)"])),
            "General Assembly resolution 1000 (ES-I)"
        );
    }

    #[derive(Deserialize)]
    struct Doc {
        facts: Vec<Fact>,
    }

    fn facts(toml_text: &str) -> Result<Vec<Fact>, String> {
        toml::from_str::<Doc>(toml_text)
            .map(|d| d.facts)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_structured_fact_renders_like_free_text() {
        let f = facts(
            r#"facts = [
              { date = "1995-03-31", event = "established", resolution = "S/RES/983 (1995)", text = "renamed by {resolution} ({date})" },
              "1999: mandate ended",
            ]"#,
        )
        .unwrap();
        assert_eq!(
            f[0].render(),
            "1995: renamed by Security Council resolution 983 (31 March)"
        );
        assert_eq!(f[1].render(), "1999: mandate ended");
        let d = f[0].dated().unwrap();
        assert_eq!(d.event, Some(Event::Established));
        assert_eq!(d.template(), "renamed by {resolution} ({date})");
    }

    #[test]
    fn malformed_facts_are_errors() {
        let cases = [
            (r#"{ date = "31 March 1995", text = "x {date}" }"#, "not an ISO date"),
            (
                r#"{ date = "1995-03-31", text = "by {resolution} ({date})", resolution = "S/RES/983" }"#,
                "not a resolution symbol",
            ),
            (
                r#"{ date = "1995-03-31", text = "by {resolution} ({date})", resolution = "S/RES/983 (1996)" }"#,
                "cannot have been adopted",
            ),
            (
                r#"{ date = "1995-03-31", text = "established", resolution = "S/RES/983 (1995)" }"#,
                "must show its resolution",
            ),
            (r#"{ date = "1995-03-31", text = "established" }"#, "must show its date"),
            (r#"{ date = "1995", text = "established on {date}" }"#, "only a year"),
            (r#"{ date = "1995", text = "1995: established" }"#, "starts with a year"),
            (
                r#"{ date = "1995", text = "established {when}" }"#,
                "unknown placeholder",
            ),
            (
                r#"{ date = "1995", text = "established", event = "founded" }"#,
                "unknown variant",
            ),
            (
                r#"{ date = "1995", text = "established", of = "unamir" }"#,
                "needs an `event`",
            ),
            (
                r#"{ date = "1995", text = "established", dates = "1995" }"#,
                "unknown field",
            ),
        ];
        for (fact, expected) in cases {
            let err = facts(&format!("facts = [{fact}]")).unwrap_err();
            assert!(err.contains(expected), "{fact}: {err}");
        }
    }

    #[test]
    fn subjects_are_ids_or_names() {
        let f = facts(
            r#"facts = [
              { date = "1994-11-20", event = "signed", of = "Lusaka  Protocol", text = "signed on {date}" },
              { date = "1993-10", event = "established", of = "unamir", text = "UNAMIR set up in {date}" },
            ]"#,
        )
        .unwrap();
        assert_eq!(f[0].dated().unwrap().of, Some(Subject::Named("Lusaka Protocol".into())));
        assert_eq!(f[1].dated().unwrap().of, Some(Subject::Entry("unamir".into())));
    }
}
