//! Open documents: a ropey rope per document, and every conversion between
//! LSP positions and byte offsets. No other module converts positions.
//!
//! Lines break only at `\n`, `\r\n` and `\r` (ropey's `cr_lines` feature
//! without the Unicode line breaks), as LSP requires. A `character` past the
//! end of a line clamps to the line end (before its terminator); a line past
//! the end of the document clamps to the end; a UTF-16 `character` inside a
//! surrogate pair maps to the start of the char that holds it.

use ropey::Rope;
use std::ops::Range;

/// The negotiated `positionEncoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

/// A position as plain numbers (LSP-free, so the core stays LSP-free).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub character: u32,
}

#[derive(Debug, Clone)]
pub struct Document {
    rope: Rope,
    pub version: i32,
    pub language_id: String,
}

impl Document {
    pub fn new(text: &str, version: i32, language_id: &str) -> Document {
        Document {
            rope: Rope::from_str(text),
            version,
            language_id: language_id.to_string(),
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// Append the whole text to `buf` (no allocation when it has room).
    /// A buffer that must grow gets the text's length and a sixteenth more
    /// (room for typing), not the doubling a `String` grows by: two such
    /// buffers are kept per open document.
    pub fn write_text(&self, buf: &mut String) {
        let len = self.rope.len_bytes();
        if buf.capacity() - buf.len() < len {
            buf.reserve_exact(len + len / 16);
        }
        for chunk in self.rope.chunks() {
            buf.push_str(chunk);
        }
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Replace the whole text.
    pub fn set_text(&mut self, text: &str) {
        self.rope = Rope::from_str(text);
    }

    /// Apply an incremental edit; the range is clamped and ordered.
    pub fn edit(&mut self, start: Pos, end: Pos, text: &str, enc: Encoding) {
        let a = self.char_of(start, enc);
        let b = self.char_of(end, enc);
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        self.rope.remove(a..b);
        self.rope.insert(a, text);
    }

    /// Byte offset of a position (clamped).
    pub fn offset(&self, pos: Pos, enc: Encoding) -> usize {
        self.rope.char_to_byte(self.char_of(pos, enc))
    }

    /// Char index of a position (clamped).
    fn char_of(&self, pos: Pos, enc: Encoding) -> usize {
        let rope = &self.rope;
        let line = pos.line as usize;
        if line >= rope.len_lines() {
            return rope.len_chars();
        }
        let line_start = rope.line_to_char(line);
        let content_end = line_start + line_content_chars(rope, line);
        let col = pos.character as usize;
        match enc {
            Encoding::Utf8 => {
                let start_byte = rope.char_to_byte(line_start);
                let end_byte = rope.char_to_byte(content_end);
                let byte = (start_byte + col).min(end_byte);
                // byte_to_char rounds down to the char holding the byte.
                rope.byte_to_char(byte)
            }
            Encoding::Utf16 => {
                let start_cu = rope.char_to_utf16_cu(line_start);
                let end_cu = rope.char_to_utf16_cu(content_end);
                let cu = (start_cu + col).min(end_cu);
                // utf16_cu_to_char rounds down inside a surrogate pair.
                rope.utf16_cu_to_char(cu)
            }
        }
    }

    /// Position of a byte offset (clamped; an offset inside a char maps to
    /// that char's start).
    pub fn position(&self, offset: usize, enc: Encoding) -> Pos {
        let rope = &self.rope;
        let offset = offset.min(rope.len_bytes());
        let ch = rope.byte_to_char(offset);
        let line = rope.char_to_line(ch);
        let line_start = rope.line_to_char(line);
        let character = match enc {
            Encoding::Utf8 => rope.char_to_byte(ch) - rope.char_to_byte(line_start),
            Encoding::Utf16 => rope.char_to_utf16_cu(ch) - rope.char_to_utf16_cu(line_start),
        };
        Pos {
            line: line as u32,
            character: character as u32,
        }
    }

    pub fn range(&self, r: Range<usize>, enc: Encoding) -> (Pos, Pos) {
        (self.position(r.start, enc), self.position(r.end, enc))
    }

    /// Character (Unicode scalar) column of a byte offset, for the CLI.
    pub fn char_column(&self, offset: usize) -> (usize, usize) {
        let rope = &self.rope;
        let ch = rope.byte_to_char(offset.min(rope.len_bytes()));
        let line = rope.char_to_line(ch);
        (line, ch - rope.line_to_char(line))
    }
}

/// The positions of many byte offsets of `text` at once, in one pass over
/// the text (for a publish of many diagnostics: a rope lookup each costs
/// more). `offsets` must be sorted; the result is in their order and equal
/// to [`Document::position`] of each.
pub fn positions(text: &str, offsets: &[usize], enc: Encoding) -> Vec<Pos> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(offsets.len());
    // The line and the column of byte `at`.
    let (mut line, mut at, mut column) = (0usize, 0usize, 0usize);
    for &offset in offsets {
        let mut offset = offset.min(b.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        debug_assert!(offset >= at, "offsets must be sorted");
        let offset = offset.max(at);
        let seg = &b[at..offset];
        // Line breaks: \n, and \r not followed by \n (looking past the
        // segment: a \r\n cut in two ends its line only after the \n).
        let lone_cr = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
        let mut breaks = memchr::memchr_iter(b'\n', seg).count();
        if memchr::memchr(b'\r', seg).is_some() {
            breaks += memchr::memchr_iter(b'\r', seg).filter(|&i| lone_cr(at + i)).count();
        }
        if breaks > 0 {
            line += breaks;
            // The last break in the segment (a \r is one only when lone).
            let mut end = seg.len();
            let last = loop {
                match memchr::memrchr2(b'\n', b'\r', &seg[..end]) {
                    Some(i) if seg[i] == b'\n' || lone_cr(at + i) => break at + i,
                    Some(i) => end = i,
                    None => unreachable!("a segment with a break has a last one"),
                }
            };
            column = units(&b[last + 1..offset], enc);
        } else {
            // Same line: only the new stretch is counted (a paragraph is
            // often one long line).
            column += units(seg, enc);
        }
        at = offset;
        out.push(Pos {
            line: line as u32,
            character: column as u32,
        });
    }
    out
}

/// Code units of a stretch of UTF-8 (whole characters) in `enc`: for
/// UTF-16 one per character, two for those outside the BMP (four-byte
/// sequences), counted on the bytes.
fn units(s: &[u8], enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 if s.is_ascii() => s.len(),
        Encoding::Utf16 => s
            .iter()
            .map(|&c| usize::from(c & 0xC0 != 0x80) + usize::from(c >= 0xF0))
            .sum(),
    }
}

/// Chars on a line, without its terminator.
fn line_content_chars(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut n = slice.len_chars();
    if n > 0 && slice.char(n - 1) == '\n' {
        n -= 1;
        if n > 0 && slice.char(n - 1) == '\r' {
            n -= 1;
        }
    } else if n > 0 && slice.char(n - 1) == '\r' {
        n -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    #[test]
    fn positions_at_once_equal_positions_one_by_one() {
        let text = "a\r\nb\rc\n\n🕊️ é x\r\n\r\nlast é🕊️";
        let offsets: Vec<usize> = (0..=text.len()).filter(|&o| text.is_char_boundary(o)).collect();
        let doc = Document::new(text, 1, "markdown");
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let one: Vec<Pos> = offsets.iter().map(|&o| doc.position(o, enc)).collect();
            assert_eq!(positions(text, &offsets, enc), one, "{enc:?}");
            // Sparse offsets too (whole lines, and a \r\n's halves, skipped).
            for step in [2, 3, 5, 7] {
                for skip in 0..step {
                    let sparse: Vec<usize> = offsets.iter().copied().skip(skip).step_by(step).collect();
                    let one: Vec<Pos> = sparse.iter().map(|&o| doc.position(o, enc)).collect();
                    assert_eq!(positions(text, &sparse, enc), one, "{enc:?} every {step} from {skip}");
                }
            }
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn p(line: u32, character: u32) -> Pos {
        Pos { line, character }
    }

    #[test]
    fn emoji_line_in_utf16_and_utf8() {
        let d = Document::new("😀 peacekeepers\n", 1, "plaintext");
        let off = d.offset(p(0, 3), Encoding::Utf16);
        assert_eq!(off, 5, "emoji is 2 UTF-16 units + space");
        assert_eq!(d.offset(p(0, 5), Encoding::Utf8), 5, "emoji is 4 bytes + space");
        assert_eq!(d.position(5, Encoding::Utf16), p(0, 3));
        assert_eq!(d.position(5, Encoding::Utf8), p(0, 5));
    }

    #[test]
    fn surrogate_pair_and_past_line_end_clamp() {
        let d = Document::new("a😀b\r\nxy", 1, "plaintext");
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(d.offset(p(0, 2), Encoding::Utf16), 1);
        // Past the end of a CRLF line: before the terminator.
        assert_eq!(d.offset(p(0, 99), Encoding::Utf16), 6);
        assert_eq!(d.offset(p(0, 99), Encoding::Utf8), 6);
        // Past the last line: end of document.
        assert_eq!(d.offset(p(9, 0), Encoding::Utf16), d.len_bytes());
        // Inside a UTF-8 sequence: the char's start.
        assert_eq!(d.offset(p(0, 3), Encoding::Utf8), 1);
    }

    #[test]
    fn only_lf_crlf_and_cr_break_lines() {
        let d = Document::new("a\u{2028}b\u{85}c\rd\r\ne\nf", 1, "plaintext");
        assert_eq!(d.rope().len_lines(), 4);
        assert_eq!(d.position(d.text().find('d').unwrap(), Encoding::Utf16), p(1, 0));
        assert_eq!(d.position(d.text().find('c').unwrap(), Encoding::Utf16), p(0, 4));
    }

    #[test]
    fn incremental_edits() {
        let mut d = Document::new("hello world", 1, "plaintext");
        d.edit(p(0, 6), p(0, 11), "peace", Encoding::Utf16);
        assert_eq!(d.text(), "hello peace");
        d.edit(p(0, 5), p(0, 0), "", Encoding::Utf16); // reversed range is ordered
        assert_eq!(d.text(), " peace");
        d.edit(p(5, 0), p(5, 0), "!", Encoding::Utf16); // past the end appends
        assert_eq!(d.text(), " peace!");
    }

    fn utf16_reference(text: &str, offset: usize) -> Pos {
        let before = &text[..offset];
        // LSP line breaks: \r\n, \r, \n.
        let mut line = 0;
        let mut line_start = 0;
        let bytes = before.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line += 1;
                line_start = i + 1;
            }
            i += 1;
        }
        let col = before[line_start..].encode_utf16().count();
        Pos {
            line,
            character: col as u32,
        }
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a",
            "peace",
            " ",
            "\n",
            "\r\n",
            "\r",
            "😀",
            "👩\u{200D}👩\u{200D}👧",
            "e\u{301}",
            "漢字",
            "\u{2028}",
            "\u{2029}",
            "\u{85}",
            "é",
            "\t",
        ]);
        prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn position_matches_reference_and_round_trips(text in text_strategy(), pick in 0usize..1000) {
            let d = Document::new(&text, 1, "plaintext");
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let off = boundaries[pick % boundaries.len()];
            // A \r\n pair is one terminator: the offset between them has no position of its own.
            prop_assume!(!(off > 0 && text.as_bytes()[off - 1] == b'\r' && text.as_bytes().get(off) == Some(&b'\n')));
            let pos16 = d.position(off, Encoding::Utf16);
            prop_assert_eq!(pos16, utf16_reference(&text, off));
            prop_assert_eq!(d.offset(pos16, Encoding::Utf16), off);
            let pos8 = d.position(off, Encoding::Utf8);
            prop_assert_eq!(d.offset(pos8, Encoding::Utf8), off);
        }

        #[test]
        fn any_position_maps_to_a_char_boundary(text in text_strategy(), line in 0u32..12, ch in 0u32..60) {
            let d = Document::new(&text, 1, "plaintext");
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let off = d.offset(p(line, ch), enc);
                prop_assert!(text.is_char_boundary(off));
                // Never lands on a line terminator's far side.
                let back = d.position(off, enc);
                prop_assert!(back.line <= line);
            }
        }

        #[test]
        fn edits_match_string_splicing(text in text_strategy(), a in 0usize..1000, b in 0usize..1000, ins in text_strategy()) {
            let mut d = Document::new(&text, 1, "plaintext");
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let (mut x, mut y) = (boundaries[a % boundaries.len()], boundaries[b % boundaries.len()]);
            if x > y { std::mem::swap(&mut x, &mut y); }
            prop_assume!(!(x > 0 && text.as_bytes()[x - 1] == b'\r' && text.as_bytes().get(x) == Some(&b'\n')));
            prop_assume!(!(y > 0 && text.as_bytes()[y - 1] == b'\r' && text.as_bytes().get(y) == Some(&b'\n')));
            let (s, e) = (d.position(x, Encoding::Utf16), d.position(y, Encoding::Utf16));
            d.edit(s, e, &ins, Encoding::Utf16);
            let expected = format!("{}{}{}", &text[..x], ins, &text[y..]);
            prop_assert_eq!(d.text(), expected);
        }
    }
}
