//! Chunks: a document cut where its analysis can start afresh.
//!
//! A chunk starts at a line that follows a blank line, outside anything that
//! may run over a blank line (a fenced code block, an HTML comment or raw
//! HTML block, front matter, a LaTeX environment, group or display math),
//! and that does not continue the block before it (an indented line, a
//! Markdown definition). Chunks partition the document: chunk `i` runs from
//! `starts[i]` to `starts[i + 1]` (or the end), and the first starts at 0.
//!
//! Whether a line starts a chunk depends only on the text before it (back
//! to the previous start) and its first byte, and the scan starts afresh at
//! every start. So after an edit the cut is found again from the last start
//! before the edit until a start past it that the old cut also had: what
//! follows is the old cut, moved by the edit's change of length
//! ([`rechunk`]). A test holds that to cutting the new text from scratch.

use super::Format;
use std::ops::Range;

/// Where the chunks of `src` start (the first at 0).
pub fn chunk_starts(src: &str, format: Format) -> Vec<usize> {
    let mut starts = vec![0];
    let mut at = 0;
    while let Some(next) = next_start(src, format, at) {
        starts.push(next);
        at = next;
    }
    starts
}

/// The chunk starts of a document after an edit: `old` are the starts
/// before it, `changed` the bytes of `new` that differ from the old text
/// (everything before `changed.start` and after `changed.end` is as it
/// was), `delta` the change of length (new minus old).
pub fn rechunk(old: &[usize], new: &str, format: Format, changed: Range<usize>, delta: isize) -> Vec<usize> {
    // Restart from the last start whose decision read no changed byte: a
    // start's decision reads the text before it and its own first byte.
    let k = old.partition_point(|&s| s < changed.start).saturating_sub(1);
    let mut starts = old[..=k.min(old.len().saturating_sub(1))].to_vec();
    if starts.is_empty() {
        starts.push(0);
    }
    let shift = |s: usize| s.checked_add_signed(delta);
    // The old starts past the edit, in new offsets, to meet again.
    let old_end = changed.end.checked_add_signed(-delta).unwrap_or(0);
    let later = old.partition_point(|&s| s <= old_end);
    let mut at = *starts.last().unwrap_or(&0);
    let mut j = later;
    while let Some(next) = next_start(new, format, at) {
        starts.push(next);
        at = next;
        if next >= changed.end {
            // Skip old starts the new scan has passed.
            while j < old.len() && shift(old[j]).is_some_and(|s| s < next) {
                j += 1;
            }
            if j < old.len() && shift(old[j]) == Some(next) {
                starts.extend(old[j + 1..].iter().filter_map(|&s| shift(s)));
                return starts;
            }
        }
    }
    starts
}

/// The start of the chunk after the one that starts at `from`, if any.
pub fn next_start(src: &str, format: Format, from: usize) -> Option<usize> {
    match format {
        Format::Latex => latex_next(src.as_bytes(), from),
        Format::Markdown => markdown_next(src, from),
        Format::Plain => lines_next(src, from, |_, _| true),
    }
}

fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b.is_ascii_whitespace())
}

/// Lines of `src` from `from`, with their start offsets.
fn lines_from(src: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut at = from;
    src[from..].split_inclusive('\n').map(move |line| {
        let start = at;
        at += line.len();
        (start, line)
    })
}

/// Plain text and the shared line logic: a non-blank line that does not
/// start with white space, after a blank line, for which `neutral` (fed
/// every line in turn) says the state allows a start.
fn lines_next(src: &str, from: usize, mut neutral: impl FnMut(usize, &str) -> bool) -> Option<usize> {
    let mut previous_blank = false;
    for (start, line) in lines_from(src, from) {
        let first = line.as_bytes()[0];
        if start > from && previous_blank && !is_blank(line) && !first.is_ascii_whitespace() && neutral(start, "") {
            return Some(start);
        }
        neutral(start, line);
        previous_blank = is_blank(line);
    }
    None
}

/// Markdown: outside fences, HTML comments, raw HTML blocks and front
/// matter; a line opening with `:` continues a definition.
fn markdown_next(src: &str, from: usize) -> Option<usize> {
    #[derive(PartialEq)]
    enum Open {
        None,
        Front(&'static str),
        Fence(u8, usize),
        Comment,
        Raw(&'static str),
    }
    let mut open = Open::None;
    let mut first = from == 0;
    lines_next(src, from, |start, line| {
        if line.is_empty() {
            // Asked whether the line at `start` may start a chunk.
            return open == Open::None && src.as_bytes()[start] != b':';
        }
        let content = line.trim_end_matches(['\n', '\r']);
        let t = content.trim_start();
        if std::mem::take(&mut first) {
            if content == "---" {
                open = Open::Front("---");
                return true;
            } else if content == "+++" {
                open = Open::Front("+++");
                return true;
            }
        }
        match open {
            Open::Front(close) => {
                if content == close || close == "---" && content == "..." {
                    open = Open::None;
                }
            }
            Open::Fence(c, n) => {
                let run = t.bytes().take_while(|&b| b == c).count();
                if run >= n && t[run..].trim().is_empty() {
                    open = Open::None;
                }
            }
            Open::Comment => {
                if t.contains("-->") {
                    open = Open::None;
                }
            }
            Open::Raw(close) => {
                if t.to_ascii_lowercase().contains(close) {
                    open = Open::None;
                }
            }
            Open::None => {
                let fence = t.bytes().next().filter(|&b| b == b'`' || b == b'~');
                let run = fence.map_or(0, |c| t.bytes().take_while(|&b| b == c).count());
                if let Some(c) = fence.filter(|_| run >= 3) {
                    open = Open::Fence(c, run);
                } else if t.rfind("<!--").is_some_and(|i| !t[i..].contains("-->")) {
                    open = Open::Comment;
                } else {
                    let lower = t.get(..10).unwrap_or(t).to_ascii_lowercase();
                    for (tag, close) in [
                        ("<pre", "</pre>"),
                        ("<script", "</script>"),
                        ("<style", "</style>"),
                        ("<textarea", "</textarea>"),
                    ] {
                        if lower.starts_with(tag) && !t.to_ascii_lowercase().contains(close) {
                            open = Open::Raw(close);
                        }
                    }
                }
            }
        }
        true
    })
}

/// LaTeX: outside groups, environments (but `document`), math and
/// comments; verbatim environments are skipped whole.
fn latex_next(b: &[u8], from: usize) -> Option<usize> {
    let n = b.len();
    let (mut depth, mut envs, mut math) = (0usize, 0usize, None::<&[u8]>);
    let mut i = from;
    while i < n {
        match b[i] {
            b'%' => {
                while i < n && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\\' => {
                let name_end = (i + 1..n).find(|&j| !b[j].is_ascii_alphabetic()).unwrap_or(n);
                let name = &b[i + 1..name_end];
                if name.is_empty() {
                    // An escaped character, or \[ \] \( \) math.
                    match b.get(i + 1) {
                        Some(b'[') if math.is_none() => math = Some(b"\\]"),
                        Some(b'(') if math.is_none() => math = Some(b"\\)"),
                        Some(b']') if math == Some(b"\\]") => math = None,
                        Some(b')') if math == Some(b"\\)") => math = None,
                        _ => {}
                    }
                    i += 2;
                    continue;
                }
                if name == b"begin" || name == b"end" {
                    let env = group_word(b, name_end);
                    if let Some((env, after)) = env {
                        if env != b"document" {
                            if name == b"begin" {
                                if is_verbatim(env) {
                                    // Skip to its end (or the end of the text).
                                    let mut close = b"\\end{".to_vec();
                                    close.extend_from_slice(env);
                                    close.push(b'}');
                                    i = find(b, after, &close).map_or(n, |p| p + close.len());
                                    continue;
                                }
                                envs += 1;
                            } else {
                                envs = envs.saturating_sub(1);
                            }
                        }
                        i = after;
                        continue;
                    }
                }
                if name == b"verb" {
                    // \verb|...|: to the closing delimiter on the line.
                    if let Some(&d) = b.get(name_end) {
                        let mut j = name_end + 1;
                        while j < n && b[j] != d && b[j] != b'\n' {
                            j += 1;
                        }
                        i = j + 1;
                        continue;
                    }
                }
                i = name_end;
                continue;
            }
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'$' => {
                let display = b.get(i + 1) == Some(&b'$');
                let delim: &[u8] = if display { b"$$" } else { b"$" };
                match math {
                    None => math = Some(delim),
                    Some(open) if open == delim => math = None,
                    Some(_) => {}
                }
                i += delim.len();
                continue;
            }
            b'\n' => {
                // A blank line, then a line that starts a chunk.
                let mut j = i + 1;
                let mut blank = false;
                loop {
                    let line_end = (j..n).find(|&k| b[k] == b'\n').unwrap_or(n);
                    if line_end < n && b[j..line_end].iter().all(u8::is_ascii_whitespace) {
                        blank = true;
                        j = line_end + 1;
                    } else {
                        break;
                    }
                }
                if blank && j < n && !b[j].is_ascii_whitespace() && depth == 0 && envs == 0 && math.is_none() {
                    return Some(j);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_verbatim(env: &[u8]) -> bool {
    matches!(
        env,
        b"verbatim" | b"Verbatim" | b"lstlisting" | b"minted" | b"comment" | b"filecontents" | b"alltt"
    )
}

/// The word in braces at `at` (`{itemize}`) and the offset after it.
fn group_word(b: &[u8], at: usize) -> Option<(&[u8], usize)> {
    if b.get(at) != Some(&b'{') {
        return None;
    }
    let close = (at + 1..b.len().min(at + 64)).find(|&j| b[j] == b'}' || b[j] == b'\n')?;
    (b[close] == b'}').then(|| (&b[at + 1..close], close + 1))
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(src: &str, format: Format) -> Vec<&str> {
        let s = chunk_starts(src, format);
        s.iter()
            .enumerate()
            .map(|(i, &a)| &src[a..s.get(i + 1).copied().unwrap_or(src.len())])
            .collect()
    }

    #[test]
    fn paragraphs_are_chunks_but_fences_comments_and_indented_lines_are_not_cut() {
        let src = "# Title\n\nOne.\nStill one.\n\n```\ncode\n\nmore code\n```\n\n<!-- a\n\nb -->\n\n- item\n\n  continued\n\nTwo.\n";
        assert_eq!(
            pieces(src, Format::Markdown),
            [
                "# Title\n\n",
                "One.\nStill one.\n\n",
                "```\ncode\n\nmore code\n```\n\n",
                "<!-- a\n\nb -->\n\n",
                "- item\n\n  continued\n\n",
                "Two.\n"
            ]
        );
    }

    #[test]
    fn front_matter_is_one_chunk_only_at_the_start() {
        let src = "---\ntitle: x\n\ny: z\n---\n\nText.\n\n---\n\nMore.\n";
        assert_eq!(
            pieces(src, Format::Markdown),
            ["---\ntitle: x\n\ny: z\n---\n\n", "Text.\n\n", "---\n\n", "More.\n"]
        );
    }

    #[test]
    fn latex_cuts_only_outside_environments_groups_and_math() {
        let src = "\\begin{document}\nOne.\n\n\\begin{quote}\nA.\n\nB.\n\\end{quote}\n\n\\footnote{x\n\ny}\n\n$a\n\nb$ Two.\n\n\\begin{verbatim}\n\\end{quote}\n\nz\n\\end{verbatim}\n\nThree.\n% comment {\n\n\\end{document}\n";
        assert_eq!(
            pieces(src, Format::Latex),
            [
                "\\begin{document}\nOne.\n\n",
                "\\begin{quote}\nA.\n\nB.\n\\end{quote}\n\n",
                "\\footnote{x\n\ny}\n\n",
                "$a\n\nb$ Two.\n\n",
                "\\begin{verbatim}\n\\end{quote}\n\nz\n\\end{verbatim}\n\n",
                "Three.\n% comment {\n\n",
                "\\end{document}\n"
            ]
        );
    }

    #[test]
    fn plain_text_cuts_at_blank_lines_and_crlf() {
        assert_eq!(
            pieces("a\r\n\r\nb\n\n\n  c\n\nd", Format::Plain),
            ["a\r\n\r\n", "b\n\n\n  c\n\n", "d"]
        );
    }

    /// A small generator, so the test needs no crate and is the same on
    /// every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    #[test]
    fn rechunking_after_an_edit_equals_cutting_from_scratch() {
        let bits = [
            "\n",
            "\n\n",
            "# H\n",
            "```\n",
            "<!-- ",
            " -->",
            "- a\n",
            "  b",
            "word ",
            "\\begin{quote}",
            "\\end{quote}",
            "{",
            "}",
            "$",
            "\r\n",
            ":",
            "---\n",
            "é",
            "\\verb|x|",
        ];
        for format in [Format::Markdown, Format::Latex, Format::Plain] {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            let mut text = String::from("Start.\n\nA paragraph.\n\nAnother one.\n");
            let mut starts = chunk_starts(&text, format);
            for _ in 0..3000 {
                let mut a = rng.next(text.len() + 1);
                while !text.is_char_boundary(a) {
                    a -= 1;
                }
                let mut b = (a + rng.next(12)).min(text.len());
                while !text.is_char_boundary(b) {
                    b -= 1;
                }
                let insert: String = (0..rng.next(3)).map(|_| bits[rng.next(bits.len())]).collect();
                let delta = insert.len() as isize - (b - a) as isize;
                text.replace_range(a..b, &insert);
                starts = rechunk(&starts, &text, format, a..a + insert.len(), delta);
                assert_eq!(starts, chunk_starts(&text, format), "{format:?} {text:?}");
                if text.len() > 3000 {
                    text.truncate(100);
                    while !text.is_empty() && !text.is_char_boundary(text.len()) {
                        text.pop();
                    }
                    starts = chunk_starts(&text, format);
                }
            }
        }
    }
}
