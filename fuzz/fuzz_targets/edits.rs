//! Incremental edits give the text a fresh open of the result gives, and
//! positions round-trip.
#![no_main]
use libfuzzer_sys::fuzz_target;
use peace_lsp::document::{Document, Encoding, Pos};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest).into_owned();
    let (initial, edits) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i));
    let enc = if seed & 1 == 0 { Encoding::Utf8 } else { Encoding::Utf16 };
    let mut doc = Document::new(initial, 1, "plaintext");
    let mut expected = initial.to_string();
    for (k, piece) in edits.split('\u{1}').enumerate() {
        let len = expected.len();
        let a = (seed as usize * 7 + k * 13) % (len + 1);
        let b = (a + k * 5) % (len + 1);
        let (a, b) = (a.min(b), a.max(b));
        let (mut a, mut b) = (a, b);
        while !expected.is_char_boundary(a) {
            a -= 1;
        }
        while !expected.is_char_boundary(b) {
            b += 1;
        }
        // No position points between the two bytes of a CRLF.
        let inside_crlf = |i: usize| i > 0 && expected[..i].ends_with('\r') && expected[i..].starts_with('\n');
        if inside_crlf(a) {
            a -= 1;
        }
        if inside_crlf(b) {
            b += 1;
        }
        let start = doc.position(a, enc);
        let end = doc.position(b, enc);
        assert_eq!(doc.offset(start, enc), a);
        doc.edit(start, end, piece, enc);
        expected.replace_range(a..b, piece);
        assert_eq!(doc.text(), expected);
    }
    let fresh = Document::new(&expected, 2, "plaintext");
    let end = fresh.len_bytes();
    assert_eq!(fresh.position(end, enc), doc.position(end, enc));
    let _ = Pos { line: 0, character: 0 };
});
