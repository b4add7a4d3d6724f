//! Word (.docx) and OpenDocument (.odt) files as text the analysis can read.
//!
//! A word-processor file is a zip package of XML parts. [`extract`] turns
//! one into plain text, one paragraph per block (paragraphs separated by a
//! blank line, so no sentence crosses two), and a [`Paragraphs`] map that
//! tells, for any byte offset of that text, which paragraph of the document
//! it is in and at which character: what a teacher looking at the file in
//! Word or LibreOffice can find.
//!
//! Kept: body paragraphs, headings, list items, table cells, text boxes, and
//! footnotes and endnotes (after the body, in the order the body cites
//! them). Skipped: tracked deletions and moves away, comments, field codes,
//! tables of contents, equations, and empty paragraphs (which are not
//! counted either). Headers and footers are not read.
//!
//! Untrusted input never panics and never takes unbounded memory: see
//! [`package`] for the limits.

mod docx;
#[doc(hidden)]
pub mod fixtures;
mod odt;
pub mod package;

use std::path::Path;

/// The word-processor formats read here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Office {
    /// Office Open XML, `.docx` (Word, LibreOffice, Google Docs, Pages export).
    Docx,
    /// OpenDocument Text, `.odt` (LibreOffice, Word, Google Docs).
    Odt,
}

impl Office {
    /// From a file name's extension.
    pub fn from_path(path: &Path) -> Option<Office> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "docx" | "docm" => Some(Office::Docx),
            "odt" => Some(Office::Odt),
            _ => None,
        }
    }

    /// What a user calls the format, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Office::Docx => "Word (.docx)",
            Office::Odt => "OpenDocument (.odt)",
        }
    }
}

/// Which kind of note a paragraph belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoteKind {
    Footnote,
    Endnote,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Footnote => "footnote",
            NoteKind::Endnote => "endnote",
        }
    }
}

/// Where a paragraph of the extracted text is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The note it is in (kind and number, 1-based, in citation order), or
    /// `None` for the body.
    pub note: Option<(NoteKind, usize)>,
    /// 1-based: the paragraph's number in the body, or within its note.
    /// Empty paragraphs are not counted.
    pub paragraph: usize,
}

/// A position in the document: a paragraph and a character in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub place: Place,
    /// 1-based, in characters (Unicode scalar values) from the paragraph's start.
    pub character: usize,
}

impl Position {
    /// "paragraph 3, character 12", "footnote 2, character 5", or
    /// "footnote 2, paragraph 2, character 5" for a later paragraph of a note.
    pub fn describe(&self) -> String {
        match self.place.note {
            None => format!("paragraph {}, character {}", self.place.paragraph, self.character),
            Some((kind, n)) if self.place.paragraph == 1 => {
                format!("{} {n}, character {}", kind.as_str(), self.character)
            }
            Some((kind, n)) => format!(
                "{} {n}, paragraph {}, character {}",
                kind.as_str(),
                self.place.paragraph,
                self.character
            ),
        }
    }
}

/// The paragraphs of an extracted text: where each starts and where it is
/// in the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraphs {
    /// Byte offsets into the extracted text, ascending.
    starts: Vec<usize>,
    places: Vec<Place>,
}

impl Paragraphs {
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The position of a byte offset of `text` (the extracted text this map
    /// was made with), or `None` before the first paragraph.
    pub fn locate(&self, text: &str, offset: usize) -> Option<Position> {
        let i = self.starts.partition_point(|&s| s <= offset).checked_sub(1)?;
        let start = self.starts[i];
        let end = offset.min(text.len());
        let character = text.get(start..end).map_or(0, |s| s.chars().count()) + 1;
        Some(Position {
            place: self.places[i],
            character,
        })
    }
}

/// The text of a word-processor file and its paragraph map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Paragraphs separated by blank lines; a line break inside a paragraph
    /// is a single `\n`, a tab a `\t`.
    pub text: String,
    pub paragraphs: Paragraphs,
}

/// Collects paragraphs in document order, numbering them.
#[derive(Default)]
struct Builder {
    out: Extracted,
    body: usize,
}

impl Builder {
    /// Add a body paragraph; whitespace-only paragraphs are dropped.
    fn body(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.body += 1;
        self.push(
            text,
            Place {
                note: None,
                paragraph: self.body,
            },
        );
    }

    /// Add the paragraphs of one note (numbered within it).
    fn note(&mut self, kind: NoteKind, number: usize, paragraphs: &[String]) {
        for (i, p) in paragraphs.iter().filter(|p| !p.trim().is_empty()).enumerate() {
            self.push(
                p,
                Place {
                    note: Some((kind, number)),
                    paragraph: i + 1,
                },
            );
        }
    }

    fn push(&mut self, text: &str, place: Place) {
        if !self.out.text.is_empty() {
            self.out.text.push_str("\n\n");
        }
        self.out.paragraphs.starts.push(self.out.text.len());
        self.out.paragraphs.places.push(place);
        self.out.text.push_str(text);
    }

    fn finish(self) -> Extracted {
        self.out
    }
}

/// Extract the text of a word-processor file. The error says what is wrong
/// (for a message after the file's name): not a zip archive, a part missing,
/// a part too large, malformed XML.
pub fn extract(kind: Office, bytes: &[u8]) -> Result<Extracted, String> {
    let run = || match kind {
        Office::Docx => docx::extract(bytes),
        Office::Odt => odt::extract(bytes),
    };
    // Never let odd input take the process down.
    std::panic::catch_unwind(run).unwrap_or_else(|_| Err("the file could not be read (internal error)".to_string()))
}

/// The text of an XML reference (`&amp;`, `&#233;`), or `None` for an
/// entity this reader does not know (only the predefined ones exist in
/// these formats).
fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    quick_xml::escape::resolve_predefined_entity(r).and_then(|s| s.chars().next())
}

/// An XML error as a message naming the part.
fn xml_error(part: &str, e: impl std::fmt::Display) -> String {
    format!("{part} is not well-formed XML ({e})")
}

#[cfg(test)]
mod tests;
