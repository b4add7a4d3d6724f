//! Markup extraction: turns a document into prose the analysis can read.
//!
//! The result is a *mask* of the source: a string of exactly the same byte
//! length in which everything that is not prose (code, math, URLs, markup,
//! comments) is replaced by ASCII spaces, so every byte offset in the prose is
//! the byte offset in the original document. Where something is removed from
//! inside a sentence (inline code, inline math, a citation) a neutral
//! placeholder word ([`PLACEHOLDER`]) is left so the sentence stays a sentence.
//! Block structure (paragraphs, headings, list items, table cells) is returned
//! as `breaks`: offsets that no sentence may span.

mod latex;
mod markdown;

use std::ops::Range;
use std::path::Path;

/// The byte written where inline non-prose was removed.
pub const PLACEHOLDER: u8 = b'0';

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Markdown,
    Latex,
    Plain,
}

impl Format {
    /// From an LSP `languageId` (or a Neovim filetype).
    pub fn from_language_id(id: &str) -> Option<Format> {
        Some(match id.to_ascii_lowercase().as_str() {
            "markdown" | "md" | "mdx" | "quarto" | "rmd" | "rmarkdown" => Format::Markdown,
            "latex" | "tex" | "plaintex" | "context" | "bibtex" => Format::Latex,
            "plaintext" | "text" | "txt" | "plain" => Format::Plain,
            _ => return None,
        })
    }

    /// From a file name's extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "md" | "markdown" | "mdown" | "mkd" | "mdx" | "qmd" | "rmd" => Format::Markdown,
            "tex" | "latex" | "ltx" | "sty" | "cls" => Format::Latex,
            "txt" | "text" => Format::Plain,
            _ => return None,
        })
    }

    /// LSP language id first, file extension second, plain text last.
    pub fn detect(language_id: Option<&str>, path: Option<&Path>) -> Format {
        language_id
            .and_then(Format::from_language_id)
            .or_else(|| path.and_then(Format::from_path))
            .unwrap_or(Format::Plain)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Latex => "latex",
            Format::Plain => "plaintext",
        }
    }
}

/// Prose view of a document. `text.len()` equals the source length.
#[derive(Debug, Clone)]
pub struct Prose {
    pub text: String,
    /// Sorted offsets that separate blocks: no sentence spans one.
    pub breaks: Vec<usize>,
    /// Ranges the writer quotes rather than asserts (blockquotes, quote
    /// environments).
    pub quoted: Vec<Range<usize>>,
}

/// Extract prose. Never fails: if a markup parser panics on odd input, the
/// document is treated as plain text.
pub fn extract(source: &str, format: Format) -> Prose {
    let run = || match format {
        Format::Markdown => markdown::extract(source),
        Format::Latex => latex::extract(source),
        Format::Plain => plain(source),
    };
    match std::panic::catch_unwind(run) {
        Ok(p) => {
            debug_assert_eq!(p.text.len(), source.len());
            p
        }
        Err(_) => {
            tracing::warn!(
                "{} extraction failed; treating the document as plain text",
                format.name()
            );
            plain(source)
        }
    }
}

/// Plain text is all prose, except lines that hold a suppression directive
/// (`peace-lsp-disable ...`), which are hidden and end a block.
fn plain(source: &str) -> Prose {
    let mut m = Mask::visible(source);
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        if line.trim_start().starts_with(crate::analysis::DIRECTIVE_PREFIX) {
            m.hide(offset..offset + line.len());
            m.brk(offset);
            m.brk(offset + line.len());
        }
        offset += line.len();
    }
    m.finish()
}

/// A byte mask over the source, built by hiding and revealing ranges.
/// Only ASCII bytes are ever written, and only over whole chars, so the
/// result is always valid UTF-8.
pub(crate) struct Mask<'a> {
    src: &'a str,
    bytes: Vec<u8>,
    pub breaks: Vec<usize>,
    pub quoted: Vec<Range<usize>>,
}

impl<'a> Mask<'a> {
    /// Start with everything visible.
    pub fn visible(src: &'a str) -> Mask<'a> {
        Mask {
            src,
            bytes: src.as_bytes().to_vec(),
            breaks: Vec::new(),
            quoted: Vec::new(),
        }
    }

    /// Start with everything hidden (line breaks kept).
    pub fn hidden(src: &'a str) -> Mask<'a> {
        let mut m = Mask::visible(src);
        m.hide(0..src.len());
        m
    }

    fn clamp(&self, r: Range<usize>) -> Range<usize> {
        let mut s = r.start.min(self.src.len());
        let mut e = r.end.min(self.src.len()).max(s);
        while !self.src.is_char_boundary(s) {
            s -= 1;
        }
        while !self.src.is_char_boundary(e) {
            e += 1;
        }
        s..e
    }

    /// Replace a range with spaces (newlines kept, so line structure stays).
    pub fn hide(&mut self, r: Range<usize>) {
        let r = self.clamp(r);
        let src = self.src.as_bytes();
        for i in r {
            self.bytes[i] = if src[i] == b'\n' || src[i] == b'\r' {
                src[i]
            } else {
                b' '
            };
        }
    }

    /// Hide a range and leave a placeholder word in it.
    pub fn placeholder(&mut self, r: Range<usize>) {
        let r = self.clamp(r);
        if r.is_empty() {
            return;
        }
        self.hide(r.clone());
        // Put the placeholder on the first byte that is not a line break.
        if let Some(i) = r.clone().find(|&i| self.bytes[i] == b' ') {
            self.bytes[i] = PLACEHOLDER;
        }
    }

    /// Copy the original bytes back.
    pub fn reveal(&mut self, r: Range<usize>) {
        let r = self.clamp(r);
        self.bytes[r.clone()].copy_from_slice(&self.src.as_bytes()[r]);
    }

    pub fn brk(&mut self, at: usize) {
        self.breaks.push(at.min(self.src.len()));
    }

    pub fn finish(mut self) -> Prose {
        self.breaks.sort_unstable();
        self.breaks.dedup();
        self.quoted.sort_by_key(|r| r.start);
        let text = String::from_utf8(self.bytes).unwrap_or_else(|e| {
            // Unreachable by construction; fall back to the source.
            tracing::error!("mask produced invalid UTF-8: {e}");
            self.src.to_string()
        });
        Prose {
            text,
            breaks: self.breaks,
            quoted: self.quoted,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The prose of an extraction as words joined by single spaces; checks
    /// the mask kept the source's length.
    pub(crate) fn prose_words(p: Prose, src: &str) -> String {
        assert_eq!(p.text.len(), src.len());
        p.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn detects_format_from_language_id_then_extension() {
        assert_eq!(Format::detect(Some("tex"), None), Format::Latex);
        assert_eq!(Format::detect(Some("latex"), None), Format::Latex);
        assert_eq!(Format::detect(Some("text"), Some(Path::new("a.md"))), Format::Plain);
        assert_eq!(Format::detect(Some("weird"), Some(Path::new("a.md"))), Format::Markdown);
        assert_eq!(Format::detect(None, Some(Path::new("ch1.tex"))), Format::Latex);
        assert_eq!(Format::detect(None, None), Format::Plain);
    }

    #[test]
    fn mask_keeps_length_and_utf8() {
        let src = "a😀b\r\nc";
        let mut m = Mask::visible(src);
        m.hide(1..3); // inside the emoji: widened to the whole char
        m.placeholder(0..1);
        let p = m.finish();
        assert_eq!(p.text.len(), src.len());
        assert_eq!(p.text, "0    b\r\nc");
    }
}
