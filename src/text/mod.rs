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

pub mod chunks;
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
    /// environments, `\enquote{}`), sorted by start.
    pub quoted: Vec<Range<usize>>,
    /// `quoted_reach[k]`: the furthest end of `quoted[..=k]`, so a lookup
    /// is a binary search however many quotations the document holds.
    quoted_reach: Vec<usize>,
    /// Headings, list items and table cells, sorted by start: the document
    /// structure the discourse analysis reads (a heading opens a section; a
    /// list item continues its lead-in; a cell belongs to its row).
    pub blocks: Vec<Block>,
}

/// What kind of block a [`Block`] is. Paragraphs are not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading of the given level (1 is the highest).
    Heading(u8),
    ListItem,
    /// A table cell; `header` for the header row.
    Cell {
        row: u32,
        col: u32,
        header: bool,
    },
    /// A footnote: it continues the sentence it is attached to.
    Footnote,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub range: Range<usize>,
    pub kind: BlockKind,
}

impl Prose {
    /// Whether `r` lies inside a quoted range.
    pub fn in_quote(&self, r: &Range<usize>) -> bool {
        let k = self.quoted.partition_point(|q| q.start <= r.start);
        k > 0 && self.quoted_reach[k - 1] >= r.end
    }

    /// The innermost block containing byte `at`.
    pub fn block_at(&self, at: usize) -> Option<&Block> {
        let i = self.blocks.partition_point(|b| b.range.start <= at);
        self.blocks[..i]
            .iter()
            .rev()
            .take(8)
            .filter(|b| at < b.range.end)
            .min_by_key(|b| b.range.len())
    }
}

/// Extract prose. Never fails: if a markup parser panics on odd input, the
/// document is treated as plain text.
pub fn extract(source: &str, format: Format) -> Prose {
    extract_with(source, format, &[])
}

/// [`extract`] of one chunk of a Markdown document whose other chunks
/// define the link references `links` (normalised by [`link_label`],
/// sorted): "[text][ref]" is a link here too.
pub fn extract_with(source: &str, format: Format, links: &[String]) -> Prose {
    let run = || match format {
        Format::Markdown => markdown::extract(source, links),
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

/// A Markdown link reference as it is matched: case folded, white space
/// runs made one space.
pub fn link_label(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The link references a piece of Markdown defines (`[label]: url` at the
/// start of a line), normalised.
pub fn link_definitions(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines() {
        let t = line.trim_start_matches(' ');
        if line.len() - t.len() > 3 || !t.starts_with('[') || t.starts_with("[^") {
            continue;
        }
        if let Some(close) = t.find("]:") {
            out.push(link_label(&t[1..close]));
        }
    }
    out
}

/// Plain text is all prose, except lines that hold a suppression directive
/// (`peace-lsp-disable ...`), which are hidden and end a block. Lines that
/// start with a bullet or a number are list items (running on over wrapped
/// lines, up to a blank line or a lead-in ending in a colon); a short line without
/// final punctuation that stands alone (a blank line or the start before
/// it) is a heading.
fn plain(source: &str) -> Prose {
    let mut m = Mask::visible(source);
    let mut offset = 0;
    let mut previous_blank = true;
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    let mut item: Option<usize> = None;
    for (n, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let end = offset + line.trim_end().len();
        if line.trim_start().starts_with(crate::analysis::DIRECTIVE_PREFIX) {
            m.hide(offset..offset + line.len());
            m.brk(offset);
            m.brk(offset + line.len());
        } else if is_list_line(trimmed) {
            if let Some(s) = item.take() {
                m.block(s..offset, BlockKind::ListItem);
            }
            item = Some(offset + (line.len() - line.trim_start().len()));
        } else if trimmed.is_empty() || !line.starts_with(char::is_whitespace) && trimmed.ends_with(':') {
            // A blank line ends a list item; so does a lead-in for what
            // follows ("Synonyms:"), which a wrapped item line never is.
            if let Some(s) = item.take() {
                m.block(s..offset, BlockKind::ListItem);
            }
        } else if previous_blank && item.is_none() && looks_like_heading(trimmed) {
            let next_blank_or_end = lines
                .get(n + 1)
                .is_none_or(|l| l.trim().is_empty() || !looks_like_heading(l.trim()));
            if next_blank_or_end {
                m.block(offset..end, BlockKind::Heading(2));
                m.brk(offset);
                m.brk(end);
            }
        }
        previous_blank = trimmed.is_empty();
        offset += line.len();
    }
    if let Some(s) = item {
        m.block(s..source.len(), BlockKind::ListItem);
    }
    m.finish()
}

/// "- item", "* item", "• item", "1. item", "2) item", and the arrows of
/// notes ("-> item").
pub(crate) fn is_list_line(line: &str) -> bool {
    // Notes: "-> protects civilians", "=> mediated ...", "\u{2192} ...".
    if ["-> ", "=> ", "\u{2192} "].iter().any(|a| line.starts_with(a)) {
        return true;
    }
    let mut chars = line.chars();
    match chars.next() {
        Some('-' | '*' | '+' | '\u{2022}') => chars.next().is_some_and(char::is_whitespace),
        Some(c) if c.is_ascii_digit() => {
            let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
            (rest.starts_with(". ") || rest.starts_with(") ")) && line.len() - rest.len() <= 3
        }
        _ => false,
    }
}

/// A short title-like line: at most eight words, no sentence punctuation at
/// its end, starting with a capital or a digit.
fn looks_like_heading(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (1..=8).contains(&words)
        && !line.contains(": ")
        && !line.ends_with(['.', ',', ';', ':', '!', '?', '"', '\u{201D}'])
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// A byte mask over the source, built by hiding and revealing ranges.
/// Only ASCII bytes are ever written, and only over whole chars, so the
/// result is always valid UTF-8.
pub(crate) struct Mask<'a> {
    src: &'a str,
    bytes: Vec<u8>,
    pub breaks: Vec<usize>,
    pub quoted: Vec<Range<usize>>,
    pub blocks: Vec<Block>,
    /// LaTeX list items not yet closed (starts), innermost last.
    pub open_items: Vec<usize>,
}

impl<'a> Mask<'a> {
    /// Start with everything visible.
    pub fn visible(src: &'a str) -> Mask<'a> {
        Mask {
            src,
            bytes: src.as_bytes().to_vec(),
            breaks: Vec::new(),
            quoted: Vec::new(),
            blocks: Vec::new(),
            open_items: Vec::new(),
        }
    }

    /// Record a structural block.
    pub fn block(&mut self, r: Range<usize>, kind: BlockKind) {
        let r = self.clamp(r);
        if !r.is_empty() {
            self.blocks.push(Block { range: r, kind });
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
        while let Some(s) = self.open_items.pop() {
            let end = self.src.len();
            self.block(s..end, BlockKind::ListItem);
        }
        self.breaks.sort_unstable();
        self.breaks.dedup();
        self.quoted.sort_by_key(|r| r.start);
        self.blocks
            .sort_by_key(|b| (b.range.start, std::cmp::Reverse(b.range.end)));
        let text = String::from_utf8(self.bytes).unwrap_or_else(|e| {
            // Unreachable by construction; fall back to the source.
            tracing::error!("mask produced invalid UTF-8: {e}");
            self.src.to_string()
        });
        let quoted_reach = self
            .quoted
            .iter()
            .scan(0, |reach, q| {
                *reach = q.end.max(*reach);
                Some(*reach)
            })
            .collect();
        Prose {
            text,
            breaks: self.breaks,
            quoted: self.quoted,
            quoted_reach,
            blocks: self.blocks,
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
    fn in_quote_sees_a_long_quotation_that_starts_before_a_short_one() {
        let src = "0123456789012345678901234567890123456789";
        let mut m = Mask::visible(src);
        // A blockquote 0..30 holding an inline quotation 5..10.
        m.quoted.push(5..10);
        m.quoted.push(0..30);
        m.quoted.push(35..38);
        let p = m.finish();
        assert!(p.in_quote(&(6..8)));
        assert!(p.in_quote(&(20..25)), "inside the long one, after the short one ends");
        assert!(!p.in_quote(&(28..32)), "runs past the end");
        assert!(!p.in_quote(&(31..33)));
        assert!(p.in_quote(&(35..38)));
        assert!(!p.in_quote(&(38..39)));
    }

    #[test]
    fn a_plain_list_item_runs_on_to_a_blank_line_or_a_lead_in() {
        let src = "Roles:\n- Observer missions that\n  watch a line.\nSynonyms:\n- Mediation\n";
        let p = plain(src);
        let items: Vec<&str> = p
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::ListItem)
            .map(|b| src[b.range.clone()].trim_end())
            .collect();
        assert_eq!(items, ["- Observer missions that\n  watch a line.", "- Mediation"]);
    }

    #[test]
    fn lines_of_notes_that_open_with_an_arrow_are_list_items() {
        let src = "UNMISS (South Sudan)\n-> protects civilians\n\u{2192} supports elections\n";
        let p = plain(src);
        let items = p.blocks.iter().filter(|b| b.kind == BlockKind::ListItem).count();
        assert_eq!(items, 2);
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
