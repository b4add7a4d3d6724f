#!/usr/bin/env python3
"""Validate the peace-lsp knowledge base in this folder (see SCHEMA.md).

Usage:  python3 terms/validate.py [DIR]

Checks every *.toml file except the analysis data (cues.toml, rules.toml,
language.toml, or any file without [[term]]/[[contrast]] tables), which have
their own format. Standard library only (Python 3.11+, tomllib).
Exit status 0 when there are no errors; warnings are printed but do not fail.

What is checked:
  * only [[term]] and [[contrast]] tables; only the fields of SCHEMA.md
  * required fields and their types; non-empty strings and lists
  * ids: kebab-case, unique across all files (terms and contrasts)
  * kind in the schema's list; concept one of the five ids, `none` exactly
    for kind other-sense; the five concept ids exist as concept entries
  * confused_with: a concept id, required on concept entries, not the
    entry's own concept
  * facts required for mission, agreement and document; each a string that
    starts "YYYY:" or a table { date, text, resolution, event, of } (ISO date,
    resolution symbols S/RES/NNN (YYYY), A/RES/NN/NNN or A/RES/NNN (SESSION),
    {resolution} and {date} shown in the text, year fitting the symbols)
  * the same fact is never stated differently: facts with the same subject
    (`of` or the entry) and event agree; a resolution has one adoption date;
    Security Council resolutions cited with a date in sources, explanations
    and fact texts agree with both (the same checks as src/terms/consistency.rs)
  * short: at most 40 words; explanation: 2 to 5 sentences
  * surface forms (variants + translations), normalised as the matcher does
    (case-insensitive; hyphens, dashes and runs of spaces equivalent;
    typographic apostrophes folded), unique across entries; no generic form
  * see_also ids resolve (and are not the entry itself)
  * contrasts: concept ids valid and different; dimensions complete; the
    peacemaking-vs-peacekeeping contrast has exactly the ten required
    dimensions in order; each dimension side is one sentence
  * citations: paragraph or page numbers the domain reference marks as
    recalled/unverified must carry "(approx.)"
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

CONCEPTS = ["conflict-prevention", "peacemaking", "peacekeeping", "peace-enforcement", "peacebuilding"]
KINDS = ["concept", "actor", "institution", "document", "mission", "agreement", "other-sense"]
FACTS_REQUIRED = {"mission", "agreement", "document"}
TERM_FIELDS_REQUIRED = ["id", "label", "kind", "concept", "variants", "short", "explanation", "sources"]
TERM_FIELDS_OPTIONAL = ["translations", "confused_with", "facts", "see_also"]
CONTRAST_FIELDS = ["id", "a", "b", "summary", "sources", "dimension"]
TRANSLATION_LANGS = {"fr", "es"}
SKIP_FILES = {"cues.toml", "rules.toml", "language.toml"}  # analysis data, own format

PM_PK_DIMENSIONS = [
    "Purpose and goals",
    "Conflict resolution vs conflict management",
    "Level of involvement",
    "Military presence",
    "Mediation vs monitoring",
    "Negotiated settlements",
    "Authority and structure",
    "Timing and context",
    "Participatory approach",
    "Resource allocation",
]

# Forms too generic to claim as a variant (normalised).
GENERIC_FORMS = {
    "peace", "war", "force", "forces", "mission", "missions", "operation", "operations",
    "observer", "observers", "troops", "soldier", "soldiers", "accord", "accords",
    "agreement", "agreements", "treaty", "treaties", "oslo", "dayton", "belfast", "arusha",
    "rome", "paris", "lome", "lomé", "camp", "un", "united nations", "council", "commission",
    "fund", "office", "department", "chapter", "article", "report", "doctrine", "agenda",
    "supplement", "declaration of principles", "summary study", "mediation", "negotiation",
    "un command", "united nations command", "implementation force", "stabilization force",
    "stabilisation force", "gulf war", "fib", "msu", "unc", "unosom", "minus",
}

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FACT = re.compile(r"^\d{4}(?:[–-]\d{2,4})?: \S")
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"
APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'"}

# Abbreviations that would confuse a naive sentence splitter.
ABBREVIATIONS = ["e.g.", "i.e.", "etc.", "para.", "paras.", "art.", "arts.", "ch.", "chs.",
                 "sect.", "p.", "pp.", "vs.", "no.", "st.", "mr.", "dr.", "u.s.", "u.n.", "cf.", "approx."]


def normalise(form: str) -> str:
    s = unicodedata.normalize("NFC", form)
    for k, v in APOSTROPHES.items():
        s = s.replace(k, v)
    s = s.casefold()
    s = re.sub("[" + re.escape(HYPHENS) + r"\s]+", " ", s)
    return s.strip()


def word_count(text: str) -> int:
    return len(text.split())


def sentences(text: str) -> list[str]:
    protected = text
    for abbr in ABBREVIATIONS:
        protected = re.sub(r"(?i)(?<![A-Za-z])" + re.escape(abbr), lambda m: m.group(0).replace(".", "\0"), protected)
    # single-letter initials such as "L. Brahimi"
    protected = re.sub(r"\b([A-Z])\.(?=\s+[A-Z])", "\\1\0", protected)
    parts = re.split(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])", protected.strip())
    return [p.replace("\0", ".") for p in parts if p.strip()]


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"ERROR   {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"warning {where}: {msg}")


def is_str(v) -> bool:
    return isinstance(v, str) and v.strip() != ""


def is_str_list(v, allow_empty=False) -> bool:
    return isinstance(v, list) and (allow_empty or len(v) > 0) and all(is_str(x) for x in v)


# Unverified ([R]) locations in the domain reference: pattern -> description.
# (Brahimi paras. 10-13 and 48-50 and the Supplement's paras. 33 and 36 were
# checked for issue 14 and need no hedge.)
UNVERIFIED_CITATIONS = [
    (re.compile(r"Capstone.*\bpp?\.\s*(?!18\b)\d+"), "Capstone page numbers other than p. 18 are unverified"),
    (re.compile(r"Galtung.*\bpp?\.\s*\d+"), "Galtung page range is unverified"),
]


def check_citation(where: str, cite: str, rep: Report) -> None:
    for pat, why in UNVERIFIED_CITATIONS:
        if pat.search(cite) and "(approx.)" not in cite:
            rep.err(where, f"citation {cite!r}: {why}; add \"(approx.)\" or drop the number")


# ---- structured facts (see SCHEMA.md, "Structured facts") ------------------

FACT_FIELDS = {"date", "text", "resolution", "event", "of"}
EVENTS = {"established": {"mission", "institution"}, "ended": {"mission", "institution"},
          "signed": {"agreement"}, "initialled": {"agreement"}, "issued": {"document"}}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
ROMAN = {r: n for n, r in enumerate(
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
     "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII",
     "XXIX", "XXX"], start=1)}
SC_RES = re.compile(r"^S/RES/([1-9]\d{0,3}) \((\d{4})\)$")
GA_RES = re.compile(r"^A/RES/([1-9]\d{0,3})/([1-9]\d{0,3})(?: [A-Z])?$")
GA_OLD_RES = re.compile(r"^A/RES/([1-9]\d{0,3}) \(((?:ES-|S-)?)([IVX]+)\)$")


def parse_date(s):
    """(year, month, day) with None for missing parts, or None if invalid."""
    m = ISO_DATE.match(s) if isinstance(s, str) else None
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2) and int(m.group(2)), m.group(3) and int(m.group(3))
    if mo is not None and not 1 <= mo <= 12:
        return None
    if d is not None:
        import calendar
        if not 1 <= d <= calendar.monthrange(y, mo)[1]:
            return None
    return (y, mo, d)


def dates_agree(a, b) -> bool:
    return all(x is None or y is None or x == y for x, y in zip(a, b)) and a[0] == b[0]


def fmt_date(d) -> str:
    y, m, day = d
    return "-".join([f"{y:04d}"] + ([f"{m:02d}"] if m else []) + ([f"{day:02d}"] if day else []))


def resolution_fits_year(sym: str, year: int):
    """True/False when the symbol is valid, None when it is malformed."""
    if m := SC_RES.match(sym):
        return int(m.group(2)) == year and int(m.group(2)) >= 1946
    if m := GA_RES.match(sym):
        session = int(m.group(1))
        return year in (1945 + session, 1946 + session) if session >= 31 else None
    if m := GA_OLD_RES.match(sym):
        n = ROMAN.get(m.group(3))
        if n is None:
            return None
        return True if m.group(2) else year in (1945 + n, 1946 + n)
    return None


def check_structured_fact(where: str, f: dict, rep: Report) -> None:
    for k in f:
        if k not in FACT_FIELDS:
            rep.err(where, f"fact has unknown field {k!r}")
    date = parse_date(f.get("date"))
    if date is None:
        rep.err(where, f"fact date {f.get('date')!r} is not an ISO date (YYYY, YYYY-MM, YYYY-MM-DD)")
        return
    text = f.get("text")
    if not is_str(text):
        rep.err(where, "fact text must be a non-empty string")
        return
    if re.match(r"^\d{4}:", text):
        rep.err(where, f"fact text starts with a year: {text!r}")
    res = f.get("resolution", [])
    res = [res] if isinstance(res, str) else res
    if not isinstance(res, list) or not all(isinstance(r, str) for r in res) or ("resolution" in f and not res):
        rep.err(where, f"fact resolution must be a symbol or a non-empty list of symbols: {f.get('resolution')!r}")
        res = []
    for r in res:
        fits = resolution_fits_year(r, date[0])
        if fits is None:
            rep.err(where, f"{r!r} is not a resolution symbol (S/RES/NNN (YYYY), A/RES/NN/NNN, A/RES/NNN (SESSION))")
        elif not fits:
            rep.err(where, f"resolution {r} cannot have been adopted on {fmt_date(date)}")
    rest = text.replace("{resolution}", "", 1).replace("{date}", "", 1)
    if "{" in rest or "}" in rest:
        rep.err(where, f"fact text has an unknown or repeated placeholder: {text!r}")
    if bool(res) != ("{resolution}" in text):
        rep.err(where, f"fact text must show {{resolution}} exactly when the fact has one: {text!r}")
    if (date[1] is not None) != ("{date}" in text):
        rep.err(where, f"fact text must show {{date}} exactly when the date has a month: {text!r}")
    ev = f.get("event")
    if ev is not None and ev not in EVENTS:
        rep.err(where, f"fact event {ev!r} not in {sorted(EVENTS)}")
    if "of" in f and ev is None:
        rep.err(where, "a fact with `of` needs an `event`")


def sc_citations(text: str, year):
    """(number, (y, m, d)) for Security Council resolutions cited with a date."""
    words = re.findall(r"[^\s(),;.]+|[(),;.]", text)
    out = []
    i = 0
    w = lambda k: words[k] if k < len(words) else ""

    def partial(ws):
        isyear = lambda x: re.fullmatch(r"\d{4}", x) is not None
        isday = lambda x: re.fullmatch(r"\d{1,2}", x) is not None and 1 <= int(x) <= 31
        month = lambda x: MONTHS.index(x.lower()) + 1 if x.lower() in MONTHS else None
        if len(ws) == 1:
            if isyear(ws[0]):
                return (int(ws[0]), None, None)
            return (None, month(ws[0]), None) if month(ws[0]) else None
        if len(ws) == 2:
            if month(ws[0]) and isyear(ws[1]):
                return (int(ws[1]), month(ws[0]), None)
            return (None, month(ws[1]), int(ws[0])) if month(ws[1]) and isday(ws[0]) else None
        if len(ws) == 3 and isday(ws[0]) and month(ws[1]) and isyear(ws[2]):
            return (int(ws[2]), month(ws[1]), int(ws[0]))
        return None

    for i in range(len(words)):
        if w(i).lower() not in ("resolution", "resolutions"):
            continue
        if i >= 2 and w(i - 2).lower() == "general" and w(i - 1).lower() == "assembly":
            continue
        items = []
        j = i + 1
        while re.fullmatch(r"\d{1,4}", w(j)):
            n, j, date, paren = int(w(j)), j + 1, None, False
            if w(j) == "(":
                close = next((k for k in range(j + 1, len(words)) if words[k] == ")"), None)
                if close is None:
                    break
                inner = words[j + 1:close]
                date = partial(inner)
                if date is None and inner and all(re.fullmatch(r"[A-Z-]+", x) for x in inner):
                    break
                paren, j = True, close + 1
            elif w(j) in ("of", "in"):
                for k in (3, 2, 1):
                    p = partial(words[j + 1:j + 1 + k])
                    if p and p[1] is not None:
                        date, j = p, j + 1 + k
                        break
            items.append([n, date, paren])
            if w(j) == ",":
                j += 1
            if w(j) == "and":
                j += 1
        if len(items) > 1 and items[-1][1] and items[-1][2] and all(x[1] is None for x in items[:-1]):
            for x in items:
                x[1] = items[-1][1]
        for n, date, _ in items:
            if date is None:
                continue
            y = date[0] if date[0] is not None else year
            if y is None:
                continue
            full = (y, date[1], date[2])
            if parse_date(fmt_date(full)) is None:
                continue
            out.append((n, full))
    return out


def check_fact_consistency(terms, contrasts, form_owner, rep: Report) -> None:
    kinds = {t.get("id"): t.get("kind") for _, t in terms}
    claims = {}      # (subject, event) -> (date, sorted resolutions, where)
    adopted = {}     # resolution -> (date, where)
    known_sc = {}    # SC number -> (date, where)
    for fname, t in terms:
        tid = t.get("id", "?")
        facts = t.get("facts") if isinstance(t.get("facts"), list) else []
        for f in facts:
            if not isinstance(f, dict) or parse_date(f.get("date")) is None:
                continue
            date = parse_date(f["date"])
            where = f"{fname}:{tid}"
            of = f.get("of")
            if of is None:
                subject = tid
            elif KEBAB.match(of):
                if of not in kinds:
                    rep.err(where, f"fact is about unknown id {of!r}")
                    continue
                if of == tid:
                    rep.err(where, "a fact with `of` set to the entry itself: leave `of` out")
                    continue
                subject = of
            else:
                owner = form_owner.get(normalise(of))
                if owner:
                    rep.err(where, f"of = {of!r} names an entry of the database; write of = {owner!r}")
                    continue
                subject = "name:" + normalise(of)
            res = f.get("resolution", [])
            res = sorted([res] if isinstance(res, str) else [r for r in res if isinstance(r, str)])
            for r in res:
                if r in adopted and not dates_agree(adopted[r][0], date):
                    rep.err(where, f"dates {r} {fmt_date(date)}, but {adopted[r][1]} dates it {fmt_date(adopted[r][0])}")
                adopted.setdefault(r, (date, where))
                if m := SC_RES.match(r):
                    prev = known_sc.get(int(m.group(1)))
                    if prev is None or (prev[0][1] is None and date[1] is not None):
                        known_sc[int(m.group(1))] = (date, where)
            ev = f.get("event")
            if ev not in EVENTS:
                continue
            if not subject.startswith("name:") and kinds.get(subject) not in EVENTS[ev]:
                rep.err(where, f"event {ev!r} is for {sorted(EVENTS[ev])} entries, and {subject!r} is a {kinds.get(subject)}")
                continue
            key = (subject, ev)
            if key in claims:
                d0, r0, w0 = claims[key]
                if not dates_agree(d0, date) or (r0 and res and r0 != res):
                    desc = lambda d, r: fmt_date(d) + (" by " + " and ".join(r) if r else "")
                    rep.err(where, f"says {subject} was {ev} {desc(date, res)}, but {w0} says {desc(d0, r0)}")
            else:
                claims[key] = (date, res, where)
    cited = {}
    texts = []
    for fname, t in terms:
        where = f"{fname}:{t.get('id', '?')}"
        for src in t.get("sources", []) if isinstance(t.get("sources"), list) else []:
            texts.append((where, src, None))
        if is_str(t.get("explanation")):
            texts.append((where, t["explanation"], None))
        for f in t.get("facts", []) if isinstance(t.get("facts"), list) else []:
            if isinstance(f, str):
                m = re.match(r"^(\d{4}):", f)
                texts.append((where, f, int(m.group(1)) if m else None))
            elif isinstance(f, dict) and is_str(f.get("text")) and parse_date(f.get("date")):
                texts.append((where, f["text"], parse_date(f["date"])[0]))
    for fname, c in contrasts:
        for src in c.get("sources", []) if isinstance(c.get("sources"), list) else []:
            texts.append((f"{fname}:{c.get('id', '?')}", src, None))
    for where, text, year in texts:
        if not isinstance(text, str):
            continue
        for n, date in sc_citations(text, year):
            other = known_sc.get(n) or cited.get(n)
            if other and not dates_agree(other[0], date):
                rep.err(where, f"cites Security Council resolution {n} as {fmt_date(date)}, but {other[1]} dates it {fmt_date(other[0])}")
            cited.setdefault(n, (date, where))


def check_sentence_text(where: str, text: str, lo: int, hi: int, rep: Report) -> None:
    n = len(sentences(text))
    if not lo <= n <= hi:
        rep.err(where, f"{n} sentences (expected {lo}-{hi})")
    if not text.rstrip().endswith((".", "!", "?", "\"", "”")):
        rep.err(where, "does not end with sentence punctuation")
    for abbr in ABBREVIATIONS:
        if re.search(r"(?i)(?<![A-Za-z])" + re.escape(abbr), text):
            rep.warn(where, f"contains abbreviation {abbr!r}; a sentence counter may miscount")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    rep = Report()
    terms: list[tuple[str, dict]] = []
    contrasts: list[tuple[str, dict]] = []

    files = sorted(p for p in folder.glob("*.toml") if p.name not in SKIP_FILES)
    if not files:
        rep.err(str(folder), "no .toml files")
    for path in files:
        try:
            raw = path.read_bytes()
            raw.decode("utf-8")
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            rep.err(path.name, f"cannot parse: {e}")
            continue
        if "term" not in data and "contrast" not in data:
            rep.warn(path.name, "no [[term]] or [[contrast]] tables; skipped (analysis data?)")
            continue
        for key in data:
            if key not in ("term", "contrast"):
                rep.err(path.name, f"unexpected top-level key {key!r}")
        for t in data.get("term", []):
            terms.append((path.name, t))
        for c in data.get("contrast", []):
            contrasts.append((path.name, c))

    # ---- ids -----------------------------------------------------------
    ids: dict[str, str] = {}
    for fname, t in terms + contrasts:
        tid = t.get("id")
        if not is_str(tid):
            rep.err(fname, f"entry without a string id: {t.get('label', t)!r}")
            continue
        if not KEBAB.match(tid):
            rep.err(f"{fname}:{tid}", "id is not kebab-case")
        if tid in ids:
            rep.err(f"{fname}:{tid}", f"duplicate id (also in {ids[tid]})")
        ids[tid] = fname
    term_ids = {t["id"] for _, t in terms if is_str(t.get("id"))}

    # ---- terms ---------------------------------------------------------
    form_owner: dict[str, str] = {}
    for fname, t in terms:
        tid = t.get("id", "?")
        where = f"{fname}:{tid}"
        for f in t:
            if f not in TERM_FIELDS_REQUIRED and f not in TERM_FIELDS_OPTIONAL:
                rep.err(where, f"unknown field {f!r}")
        for f in TERM_FIELDS_REQUIRED:
            if f not in t:
                rep.err(where, f"missing required field {f!r}")
        for f in ("id", "label", "kind", "concept", "short", "explanation"):
            if f in t and not is_str(t[f]):
                rep.err(where, f"{f} must be a non-empty string")
        kind = t.get("kind")
        concept = t.get("concept")
        if kind not in KINDS:
            rep.err(where, f"kind {kind!r} not in {KINDS}")
        if kind == "other-sense":
            if concept != "none":
                rep.err(where, "other-sense entries must have concept = \"none\"")
        elif concept not in CONCEPTS:
            rep.err(where, f"concept {concept!r} not one of {CONCEPTS}")

        cw = t.get("confused_with")
        if kind == "concept" and cw is None:
            rep.err(where, "concept entries must set confused_with")
        if cw is not None:
            if cw not in CONCEPTS:
                rep.err(where, f"confused_with {cw!r} is not a concept id")
            elif cw == concept:
                rep.err(where, "confused_with equals the entry's own concept")

        if "variants" in t and not is_str_list(t["variants"]):
            rep.err(where, "variants must be a non-empty list of non-empty strings")
        if "sources" in t and not is_str_list(t["sources"]):
            rep.err(where, "sources must be a non-empty list of non-empty strings")
        for s in t.get("sources", []) if isinstance(t.get("sources"), list) else []:
            if isinstance(s, str):
                check_citation(where, s, rep)

        if kind in FACTS_REQUIRED and "facts" not in t:
            rep.err(where, f"facts are required for kind {kind}")
        if "facts" in t:
            if not isinstance(t["facts"], list) or not t["facts"]:
                rep.err(where, "facts must be a non-empty list")
            else:
                for fact in t["facts"]:
                    if isinstance(fact, dict):
                        check_structured_fact(where, fact, rep)
                    elif not is_str(fact):
                        rep.err(where, f"a fact must be a string or a table: {fact!r}")
                    elif not FACT.match(fact):
                        rep.err(where, f"fact does not start with 'YYYY: ': {fact!r}")

        if "see_also" in t:
            if not is_str_list(t["see_also"], allow_empty=True):
                rep.err(where, "see_also must be a list of strings")
            else:
                for ref in t["see_also"]:
                    if ref not in term_ids:
                        rep.err(where, f"see_also id {ref!r} does not exist")
                    elif ref == tid:
                        rep.err(where, "see_also refers to the entry itself")
                dup = [r for r, n in Counter(t["see_also"]).items() if n > 1]
                if dup:
                    rep.warn(where, f"see_also repeats {dup}")

        if is_str(t.get("short")):
            n = word_count(t["short"])
            if n > 40:
                rep.err(where, f"short has {n} words (max 40)")
        if is_str(t.get("explanation")):
            check_sentence_text(f"{where} explanation", t["explanation"], 2, 5, rep)

        # surface forms
        forms: list[str] = []
        if is_str_list(t.get("variants")):
            forms += t["variants"]
        tr = t.get("translations")
        if tr is not None:
            if not isinstance(tr, dict) or not tr:
                rep.err(where, "translations must be a table { fr = [..], es = [..] }")
            else:
                for lang, vals in tr.items():
                    if lang not in TRANSLATION_LANGS:
                        rep.err(where, f"translation language {lang!r} not in {sorted(TRANSLATION_LANGS)}")
                    if not is_str_list(vals):
                        rep.err(where, f"translations.{lang} must be a non-empty list of strings")
                    else:
                        forms += vals
        seen_here: set[str] = set()
        for form in forms:
            if form != form.strip():
                rep.err(where, f"form {form!r} has leading/trailing whitespace")
            key = normalise(form)
            if not key:
                rep.err(where, f"form {form!r} is empty after normalisation")
                continue
            if key in GENERIC_FORMS:
                rep.err(where, f"form {form!r} is too generic to claim")
            if key in seen_here:
                continue  # same form written twice for readers: allowed within one entry
            seen_here.add(key)
            if key in form_owner and form_owner[key] != tid:
                rep.err(where, f"form {form!r} already claimed by {form_owner[key]!r}")
            else:
                form_owner[key] = tid

    check_fact_consistency(terms, contrasts, form_owner, rep)

    for c in CONCEPTS:
        entry = next((t for _, t in terms if t.get("id") == c), None)
        if entry is None:
            rep.err("concepts", f"no entry for concept id {c!r}")
        elif entry.get("kind") != "concept" or entry.get("concept") != c:
            rep.err(f"concepts:{c}", "must be kind concept with concept equal to its id")

    # ---- contrasts -----------------------------------------------------
    for fname, c in contrasts:
        cid = c.get("id", "?")
        where = f"{fname}:{cid}"
        for f in c:
            if f not in CONTRAST_FIELDS:
                rep.err(where, f"unknown field {f!r}")
        for f in CONTRAST_FIELDS:
            if f not in c:
                rep.err(where, f"missing field {f!r}")
        a, b = c.get("a"), c.get("b")
        for side in (a, b):
            if side not in CONCEPTS:
                rep.err(where, f"{side!r} is not a concept id")
        if a == b:
            rep.err(where, "a and b are the same concept")
        if is_str(c.get("summary")):
            check_sentence_text(f"{where} summary", c["summary"], 1, 2, rep)
        else:
            rep.err(where, "summary must be a non-empty string")
        if not is_str_list(c.get("sources")):
            rep.err(where, "sources must be a non-empty list of strings")
        else:
            for s in c["sources"]:
                check_citation(where, s, rep)
        dims = c.get("dimension", [])
        if not isinstance(dims, list) or not dims:
            rep.err(where, "needs at least one [[contrast.dimension]]")
            dims = []
        names = []
        for i, d in enumerate(dims):
            dwhere = f"{where} dimension {i + 1}"
            for f in d:
                if f not in ("name", "a", "b"):
                    rep.err(dwhere, f"unknown field {f!r}")
            for f in ("name", "a", "b"):
                if not is_str(d.get(f)):
                    rep.err(dwhere, f"{f} must be a non-empty string")
            names.append(d.get("name"))
            for f in ("a", "b"):
                if is_str(d.get(f)):
                    check_sentence_text(f"{dwhere} ({d.get('name')}) {f}", d[f], 1, 1, rep)
        if len(set(names)) != len(names):
            rep.err(where, "duplicate dimension names")
        if cid == "peacemaking-vs-peacekeeping":
            if (a, b) != ("peacemaking", "peacekeeping"):
                rep.err(where, "a must be peacemaking and b peacekeeping")
            if names != PM_PK_DIMENSIONS:
                rep.err(where, f"dimensions must be exactly, in order: {PM_PK_DIMENSIONS}; got {names}")
        elif not 4 <= len(dims) <= 5:
            rep.warn(where, f"{len(dims)} dimensions (4-5 expected)")
    required_contrasts = {"peacemaking-vs-peacekeeping", "peacekeeping-vs-peace-enforcement", "peacekeeping-vs-peacebuilding"}
    missing = required_contrasts - {c.get("id") for _, c in contrasts}
    if missing:
        rep.err("contrasts", f"missing contrasts {sorted(missing)}")

    # ---- report --------------------------------------------------------
    for line in rep.warnings + rep.errors:
        print(line)
    kinds = Counter(t.get("kind") for _, t in terms)
    per_file = defaultdict(int)
    for fname, _ in terms:
        per_file[fname] += 1
    print()
    print(f"{len(terms)} terms in {len(files)} files, {len(contrasts)} contrasts, {len(form_owner)} distinct surface forms")
    print("by kind:   " + ", ".join(f"{k}={kinds[k]}" for k in KINDS))
    print("by file:   " + ", ".join(f"{f}={n}" for f, n in sorted(per_file.items())))
    print(f"{len(rep.errors)} error(s), {len(rep.warnings)} warning(s)")
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
