//! Office Open XML word-processing documents (.docx).
//!
//! The package's relationships name the main document part (usually
//! `word/document.xml`) and its footnotes and endnotes parts. Text is the
//! content of `w:t` elements in runs, with `w:tab`, `w:br` and
//! non-breaking hyphens; everything a reader of the printed document does
//! not see is left out: tracked deletions (`w:del`, `w:moveFrom`), field
//! instructions, hidden runs (`w:vanish`), the fallback copy of
//! alternate content, equations, and tables of contents.

use super::package::Package;
use super::{resolve_ref, xml_error, Builder, Extracted, NoteKind};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;
use std::collections::HashMap;

/// WordprocessingML, transitional and strict.
const W: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const MATH: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    let mut pkg = Package::open(bytes)?;
    let main = main_part(&mut pkg)?;
    let Some(xml) = pkg.text(&main)? else {
        return Err(format!(
            "not a Word document: its main document part ({main}) is missing"
        ));
    };
    let body = walk(&xml, &main, false)?;

    // Footnotes and endnotes, from the main part's relationships.
    let rels = rels_path(&main);
    let targets = match pkg.text(&rels)? {
        Some(xml) => relationships(&xml, &rels)?,
        None => Vec::new(),
    };
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let mut notes: HashMap<(NoteKind, String), Vec<String>> = HashMap::new();
    for (kind, suffix) in [(NoteKind::Footnote, "/footnotes"), (NoteKind::Endnote, "/endnotes")] {
        for (ty, target) in &targets {
            if !ty.ends_with(suffix) {
                continue;
            }
            let part = resolve_target(dir, target);
            if let Some(xml) = pkg.text(&part)? {
                for (id, text) in walk(&xml, &part, true)?.paragraphs {
                    if let Some(id) = id {
                        notes.entry((kind, id)).or_default().push(text);
                    }
                }
            }
        }
    }

    let mut b = Builder::default();
    for (_, text) in &body.paragraphs {
        b.body(text);
    }
    // Footnotes, then endnotes, each numbered in the order the body cites them.
    let mut seen = std::collections::HashSet::new();
    let cited: Vec<&(NoteKind, String)> = body.refs.iter().filter(|r| seen.insert(*r)).collect();
    for kind in [NoteKind::Footnote, NoteKind::Endnote] {
        let mut n = 0;
        for r in cited.iter().filter(|r| r.0 == kind) {
            if let Some(paragraphs) = notes.get(*r) {
                n += 1;
                b.note(kind, n, paragraphs);
            }
        }
    }
    Ok(b.finish())
}

/// The main document part, from `_rels/.rels` (`word/document.xml` when the
/// package does not say).
fn main_part(pkg: &mut Package<'_>) -> Result<String, String> {
    let fallback = "word/document.xml".to_string();
    let Some(xml) = pkg.text("_rels/.rels")? else {
        return if pkg.has(&fallback) {
            Ok(fallback)
        } else {
            Err("not a Word document: it has no main document part (word/document.xml)".to_string())
        };
    };
    let main = relationships(&xml, "_rels/.rels")?
        .into_iter()
        .find(|(ty, _)| ty.ends_with("/officeDocument"))
        .map(|(_, target)| resolve_target("", &target));
    match main {
        Some(m) => Ok(m),
        None if pkg.has(&fallback) => Ok(fallback),
        None => Err("not a Word document: it has no main document part (word/document.xml)".to_string()),
    }
}

/// `word/document.xml` -> `word/_rels/document.xml.rels`.
fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship target relative to `dir` as a part name (no leading `/`,
/// `..` resolved).
fn resolve_target(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// `(Type, Target)` of every internal relationship in a `.rels` part.
fn relationships(xml: &str, part: &str) -> Result<Vec<(String, String)>, String> {
    let mut reader = NsReader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|e| xml_error(part, e))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let (mut ty, mut target, mut external) = (String::new(), String::new(), false);
                for a in e.attributes().flatten() {
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| xml_error(part, e))?
                        .into_owned();
                    match a.key.local_name().as_ref() {
                        "Type" => ty = value,
                        "Target" => target = value,
                        "TargetMode" => external = value == "External",
                        _ => {}
                    }
                }
                if !external {
                    out.push((ty, target));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The paragraphs of a part (with the id of the note each is in, for a
/// notes part) and, for the body, the notes it cites in order.
#[derive(Default)]
struct Walked {
    paragraphs: Vec<(Option<String>, String)>,
    refs: Vec<(NoteKind, String)>,
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.into_owned())
}

/// Walk a WordprocessingML part. `notes`: the part holds `w:footnote` /
/// `w:endnote` elements, whose ids label their paragraphs.
fn walk(xml: &str, part: &str, notes: bool) -> Result<Walked, String> {
    let mut reader = NsReader::from_str(xml);
    let mut out = Walked::default();
    // Open paragraphs (a text box's paragraphs sit inside another's run).
    let mut open: Vec<String> = Vec::new();
    // Depth inside an element whose content is left out.
    let mut skip = 0usize;
    // Inside `w:t`.
    let mut in_t = 0usize;
    // Open runs: whether each is hidden; and whether we are in a run's
    // properties.
    let mut runs: Vec<bool> = Vec::new();
    let mut in_rpr = false;
    // Open content controls: whether each is a table of contents.
    let mut sdts: Vec<bool> = Vec::new();
    let mut note: Option<String> = None;

    loop {
        let (ns, event) = reader.read_resolved_event().map_err(|e| xml_error(part, e))?;
        let ns: Option<&str> = match ns {
            ResolveResult::Bound(Namespace(n)) => Some(n),
            _ => None,
        };
        let is_w = ns.is_some_and(|n| W.contains(&n));
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                if skip > 0 {
                    skip += 1;
                    continue;
                }
                let local = e.local_name();
                let local = local.as_ref();
                if ns == Some(MC) && local == "Fallback" || ns == Some(MATH) && matches!(local, "oMath" | "oMathPara") {
                    skip = 1;
                    continue;
                }
                if !is_w {
                    continue;
                }
                match local {
                    "del" | "moveFrom" | "instrText" | "delText" | "delInstrText" | "pPr" | "sectPr" => skip = 1,
                    "footnote" | "endnote" if notes => {
                        let special = attr(&e, "type").is_some_and(|t| {
                            matches!(t.as_str(), "separator" | "continuationSeparator" | "continuationNotice")
                        });
                        if special {
                            skip = 1;
                        } else {
                            note = attr(&e, "id");
                        }
                    }
                    "p" => open.push(String::new()),
                    "t" => in_t += 1,
                    "r" => runs.push(false),
                    "rPr" if !runs.is_empty() => in_rpr = true,
                    "sdt" => sdts.push(false),
                    "sdtContent" if sdts.last() == Some(&true) => skip = 1,
                    _ => {}
                }
            }
            Event::End(e) => {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if !is_w {
                    continue;
                }
                match e.local_name().as_ref() {
                    "p" => {
                        if let Some(text) = open.pop() {
                            out.paragraphs.push((note.clone(), text));
                        }
                    }
                    "t" => in_t = in_t.saturating_sub(1),
                    "r" => {
                        runs.pop();
                    }
                    "rPr" => in_rpr = false,
                    "sdt" => {
                        sdts.pop();
                    }
                    "footnote" | "endnote" => note = None,
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip > 0 || !is_w {
                    continue;
                }
                let hidden = runs.last() == Some(&true);
                let text = match e.local_name().as_ref() {
                    "tab" | "ptab" if !runs.is_empty() => "\t",
                    "br" | "cr" if !runs.is_empty() => "\n",
                    "noBreakHyphen" => "-",
                    "p" => {
                        // An empty paragraph: nothing to keep.
                        continue;
                    }
                    "vanish" if in_rpr => {
                        let on = attr(&e, "val").is_none_or(|v| !matches!(v.as_str(), "0" | "false" | "off"));
                        if let Some(h) = runs.last_mut() {
                            *h = on;
                        }
                        continue;
                    }
                    "docPartGallery" => {
                        if attr(&e, "val").is_some_and(|v| v == "Table of Contents") {
                            if let Some(t) = sdts.last_mut() {
                                *t = true;
                            }
                        }
                        continue;
                    }
                    "footnoteReference" | "endnoteReference" if !notes => {
                        let kind = if e.local_name().as_ref() == "footnoteReference" {
                            NoteKind::Footnote
                        } else {
                            NoteKind::Endnote
                        };
                        if let Some(id) = attr(&e, "id") {
                            out.refs.push((kind, id));
                        }
                        continue;
                    }
                    _ => continue,
                };
                if !hidden {
                    if let Some(p) = open.last_mut() {
                        p.push_str(text);
                    }
                }
            }
            Event::Text(t) if skip == 0 && in_t > 0 && runs.last() != Some(&true) => {
                if let Some(p) = open.last_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if skip == 0 && in_t > 0 && runs.last() != Some(&true) => {
                if let Some(p) = open.last_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if skip == 0 && in_t > 0 && runs.last() != Some(&true) => {
                if let (Some(p), Some(c)) = (open.last_mut(), resolve_ref(&r)) {
                    p.push(c);
                }
            }
            _ => {}
        }
    }
    // Paragraphs left open by a truncated part still count.
    while let Some(text) = open.pop() {
        out.paragraphs.push((note.clone(), text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_targets_resolve_to_part_names() {
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve_target("", "/word/document2.xml"), "word/document2.xml");
        assert_eq!(resolve_target("word", "footnotes.xml"), "word/footnotes.xml");
        assert_eq!(resolve_target("word", "../notes/f.xml"), "notes/f.xml");
        assert_eq!(rels_path("word/document.xml"), "word/_rels/document.xml.rels");
    }
}
