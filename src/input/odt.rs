//! OpenDocument text documents (.odt).
//!
//! The text is in `content.xml`, under `office:body/office:text`: `text:p`
//! and `text:h` paragraphs (in lists, tables, sections and text boxes alike),
//! with `text:s` (spaces), `text:tab` and `text:line-break`. White space in
//! the XML collapses to one space, as ODF specifies. Footnotes and endnotes
//! (`text:note`) sit inside the paragraph that cites them; their paragraphs
//! go after the body. Left out: tracked changes (the deleted text lives in
//! `text:tracked-changes`), comments (`office:annotation`), the note
//! citation numbers, image titles and descriptions, and generated indexes
//! (tables of contents and the like).

use super::package::Package;
use super::{resolve_ref, xml_error, Builder, Extracted, NoteKind};
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;

const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
const SVG: &str = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0";

/// A paragraph being read, with ODF's white-space state.
#[derive(Default)]
struct Para {
    text: String,
    /// The last character added was collapsible white space (or the
    /// paragraph is still empty): further white space is dropped.
    space: bool,
}

impl Para {
    fn new() -> Para {
        Para {
            text: String::new(),
            space: true,
        }
    }

    /// Text content: runs of white space become one space.
    fn push_collapsing(&mut self, s: &str) {
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !self.space {
                    self.text.push(' ');
                    self.space = true;
                }
            } else {
                self.text.push(c);
                self.space = false;
            }
        }
    }

    /// An explicit character (`text:s`, `text:tab`, `text:line-break`).
    fn push_literal(&mut self, s: &str) {
        self.text.push_str(s);
        self.space = false;
    }
}

/// An open `text:note`: its kind and the paragraphs of its body so far.
struct Note {
    kind: NoteKind,
    paragraphs: Vec<String>,
}

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    let mut pkg = Package::open(bytes)?;
    let Some(xml) = pkg.text("content.xml")? else {
        return Err("not an OpenDocument text: it has no content part (content.xml)".to_string());
    };
    if let Some(mime) = pkg.text("mimetype")? {
        let mime = mime.trim();
        if !mime.starts_with("application/vnd.oasis.opendocument.text") {
            return Err(format!("not an OpenDocument text document (its mimetype is {mime})"));
        }
    }
    walk(&xml)
}

fn walk(xml: &str) -> Result<Extracted, String> {
    let part = "content.xml";
    let mut reader = NsReader::from_str(xml);
    let mut b = Builder::default();
    let mut open: Vec<Para> = Vec::new();
    let mut skip = 0usize;
    let mut in_body = 0usize;
    let mut notes: Vec<Note> = Vec::new();
    // Finished notes in citation order, numbered per kind afterwards.
    let mut done: Vec<Note> = Vec::new();

    loop {
        let (ns, event) = reader.read_resolved_event().map_err(|e| xml_error(part, e))?;
        let ns: Option<&str> = match ns {
            ResolveResult::Bound(Namespace(n)) => Some(n),
            _ => None,
        };
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                if skip > 0 {
                    skip += 1;
                    continue;
                }
                let local = e.local_name();
                let local = local.as_ref();
                if ns == Some(OFFICE) && local == "text" {
                    in_body += 1;
                    continue;
                }
                if in_body == 0 {
                    continue;
                }
                let skipped = match ns {
                    Some(OFFICE) => local == "annotation",
                    Some(SVG) => matches!(local, "title" | "desc"),
                    Some(TEXT) => matches!(
                        local,
                        "tracked-changes"
                            | "note-citation"
                            | "table-of-content"
                            | "illustration-index"
                            | "table-index"
                            | "object-index"
                            | "user-index"
                            | "alphabetical-index"
                            | "bibliography"
                            | "sequence-decls"
                            | "variable-decls"
                            | "user-field-decls"
                    ),
                    _ => false,
                };
                if skipped {
                    skip = 1;
                    continue;
                }
                if ns != Some(TEXT) {
                    continue;
                }
                match local {
                    "p" | "h" => open.push(Para::new()),
                    "note" => {
                        let kind = match e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == "note-class")
                        {
                            Some(a) if a.value == "endnote" => NoteKind::Endnote,
                            _ => NoteKind::Footnote,
                        };
                        notes.push(Note {
                            kind,
                            paragraphs: Vec::new(),
                        });
                    }
                    // Spans, links, fields: their text is the paragraph's.
                    _ => {}
                }
            }
            Event::End(e) => {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let local = e.local_name();
                let local = local.as_ref();
                if ns == Some(OFFICE) && local == "text" {
                    in_body = in_body.saturating_sub(1);
                    continue;
                }
                if in_body == 0 || ns != Some(TEXT) {
                    continue;
                }
                match local {
                    "p" | "h" => {
                        if let Some(p) = open.pop() {
                            finish_paragraph(p, &mut notes, &mut b);
                        }
                    }
                    "note" => {
                        if let Some(n) = notes.pop() {
                            done.push(n);
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip > 0 || in_body == 0 || ns != Some(TEXT) {
                    continue;
                }
                let Some(p) = open.last_mut() else { continue };
                match e.local_name().as_ref() {
                    "s" => {
                        let n = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == "c")
                            .and_then(|a| a.value.trim().parse::<usize>().ok())
                            .unwrap_or(1)
                            .clamp(1, 1000);
                        p.push_literal(&" ".repeat(n));
                    }
                    "tab" => p.push_literal("\t"),
                    "line-break" => {
                        p.push_literal("\n");
                        // White space after a line break is dropped, like at
                        // the start of a paragraph.
                        p.space = true;
                    }
                    _ => {}
                }
            }
            Event::Text(t) if skip == 0 && in_body > 0 => {
                if let Some(p) = open.last_mut() {
                    p.push_collapsing(&t.xml10_content());
                }
            }
            Event::CData(t) if skip == 0 && in_body > 0 => {
                if let Some(p) = open.last_mut() {
                    p.push_collapsing(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if skip == 0 && in_body > 0 => {
                if let (Some(p), Some(c)) = (open.last_mut(), resolve_ref(&r)) {
                    p.push_collapsing(c.encode_utf8(&mut [0; 4]));
                }
            }
            _ => {}
        }
    }
    while let Some(p) = open.pop() {
        finish_paragraph(p, &mut notes, &mut b);
    }
    done.append(&mut notes);
    let mut numbers = [0usize; 2];
    for kind in [NoteKind::Footnote, NoteKind::Endnote] {
        for n in done.iter().filter(|n| n.kind == kind) {
            let i = kind as usize;
            numbers[i] += 1;
            b.note(kind, numbers[i], &n.paragraphs);
        }
    }
    Ok(b.finish())
}

/// A closed paragraph goes to the innermost open note, else to the body.
/// Trailing collapsible white space is dropped.
fn finish_paragraph(mut p: Para, notes: &mut [Note], b: &mut Builder) {
    if p.space && p.text.ends_with(' ') {
        p.text.pop();
    }
    match notes.last_mut() {
        Some(n) => n.paragraphs.push(p.text),
        None => b.body(&p.text),
    }
}
