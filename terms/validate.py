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
  * facts required for mission, agreement and document; each starts "YYYY:"
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
UNVERIFIED_CITATIONS = [
    (re.compile(r"A/55/305.*para(?:s)?\.\s*(?:13\b|4[89]\b|50\b)"), "Brahimi paras. 13 and 48-50 are unverified"),
    (re.compile(r"Capstone.*\bpp?\.\s*(?!18\b)\d+"), "Capstone page numbers other than p. 18 are unverified"),
    (re.compile(r"Galtung.*\bpp?\.\s*\d+"), "Galtung page range is unverified"),
    (re.compile(r"A/50/60.*para(?:s)?\.\s*3[3-6]\b(?!–46)"), "Supplement paras. 33-36 (principles passage) are unverified"),
]


def check_citation(where: str, cite: str, rep: Report) -> None:
    for pat, why in UNVERIFIED_CITATIONS:
        if pat.search(cite) and "(approx.)" not in cite:
            rep.err(where, f"citation {cite!r}: {why}; add \"(approx.)\" or drop the number")


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
            if not is_str_list(t["facts"]):
                rep.err(where, "facts must be a non-empty list of non-empty strings")
            else:
                for fact in t["facts"]:
                    if not FACT.match(fact):
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
