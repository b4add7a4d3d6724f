//! LaTeX prose extraction: a small hand-written scanner (no full parser), so
//! any input is handled; unbalanced braces simply run to the end.

use super::{BlockKind, Mask, Prose};
use std::collections::HashMap;

/// Commands whose arguments are not prose; they are hidden. The inline ones
/// leave a placeholder so the surrounding sentence stays a sentence.
const INLINE_NON_PROSE: &[&str] = &[
    "cite",
    "citep",
    "citet",
    "citeauthor",
    "citeyear",
    "parencite",
    "textcite",
    "autocite",
    "footcite",
    "ref",
    "eqref",
    "pageref",
    "autoref",
    "cref",
    "Cref",
    "nameref",
    "url",
    "nolinkurl",
];
const NON_PROSE: &[&str] = &[
    "label",
    "input",
    "include",
    "includegraphics",
    "bibliography",
    "bibliographystyle",
    "usepackage",
    "RequirePackage",
    "documentclass",
    "newcommand",
    "renewcommand",
    "providecommand",
    "newenvironment",
    "renewenvironment",
    "setlength",
    "addtolength",
    "setcounter",
    "addtocounter",
    "vspace",
    "hspace",
    "graphicspath",
    "pagestyle",
    "thispagestyle",
    "geometry",
    "addbibresource",
    "printbibliography",
    "hypersetup",
    "definecolor",
    "color",
    "textcolor",
    "newtheorem",
    "DeclareMathOperator",
    "includepdf",
    "lstinputlisting",
    "verbatiminput",
    "tableofcontents",
    "maketitle",
    "newpage",
    "clearpage",
];
/// Commands whose argument is a block of its own (a break before and after).
const BLOCK_ARG: &[&str] = &[
    "part",
    "chapter",
    "section",
    "subsection",
    "subsubsection",
    "paragraph",
    "subparagraph",
    "title",
    "caption",
    "footnote",
    "footnotetext",
    "author",
    "date",
    "abstract",
];
/// Environments whose body is not prose.
const VERBATIM_ENVS: &[&str] = &[
    "verbatim",
    "Verbatim",
    "lstlisting",
    "minted",
    "comment",
    "equation",
    "equation*",
    "align",
    "align*",
    "gather",
    "gather*",
    "multline",
    "multline*",
    "eqnarray",
    "eqnarray*",
    "displaymath",
    "math",
    "tikzpicture",
    "filecontents",
    "alltt",
    "flalign",
    "flalign*",
];
const QUOTE_ENVS: &[&str] = &["quote", "quotation", "displayquote", "verse"];
/// Commands whose argument is a quotation (csquotes and friends).
const QUOTE_COMMANDS: &[&str] = &[
    "enquote",
    "textquote",
    "blockquote",
    "foreignquote",
    "hyperquote",
    "foreignblockquote",
    "hybridblockquote",
];
/// Environments that are lists: `\item` starts an item.
const LIST_ENVS: &[&str] = &["itemize", "enumerate", "description", "compactitem", "compactenum"];
/// Environments that are tables: `&` separates cells, `\\` rows.
const TABLE_ENVS: &[&str] = &["tabular", "tabular*", "tabularx", "longtable", "tabu", "tabulary"];

/// The heading level of a sectioning command.
fn heading_level(name: &str) -> Option<u8> {
    Some(match name {
        "part" | "chapter" | "title" => 1,
        "section" => 2,
        "subsection" => 3,
        "subsubsection" => 4,
        "paragraph" | "subparagraph" => 5,
        _ => return None,
    })
}

pub fn extract(src: &str) -> Prose {
    let mut m = Mask::visible(src);
    let ix = Index::new(src);
    let b = src.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        match b[i] {
            b'%' => {
                let end = line_end(b, i);
                m.hide(i..end);
                i = end;
            }
            b'{' | b'}' | b'~' => {
                m.hide(i..i + 1);
                i += 1;
            }
            b'`' if b.get(i + 1) == Some(&b'`') => {
                m.hide(i..i + 2);
                m.write(i + 1, b'"');
                i += 2;
            }
            b'\'' if b.get(i + 1) == Some(&b'\'') => {
                m.hide(i..i + 2);
                m.write(i, b'"');
                i += 2;
            }
            b'$' => {
                let display = b.get(i + 1) == Some(&b'$');
                let delim: &[u8] = if display { b"$$" } else { b"$" };
                let end = find_unescaped(b, i + delim.len(), delim).map_or(n, |e| e + delim.len());
                math(&mut m, i..end, display);
                i = end;
            }
            b'\\' => i = command(&mut m, &ix, i),
            _ => i += 1,
        }
    }
    m.finish()
}

fn math(m: &mut Mask<'_>, r: std::ops::Range<usize>, display: bool) {
    if display {
        m.hide(r.clone());
        m.brk(r.start);
        m.brk(r.end);
    } else {
        m.placeholder(r);
    }
}

fn line_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |p| from + p)
}

/// Position of `needle` at or after `from`, skipping backslash-escaped bytes.
fn find_unescaped(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut i = from;
    while i + needle.len() <= b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if &b[i..i + needle.len()] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// End (exclusive) of a balanced group opened at `open` (`{` or `[`), by
/// scanning: what [`Index::group_end`] precomputes.
fn group_end_scan(b: &[u8], open: usize) -> usize {
    let (o, c) = if b[open] == b'[' { (b'[', b']') } else { (b'{', b'}') };
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            x if x == o => depth += 1,
            x if x == c => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Handle a command starting with the backslash at `i`; returns where to go on.
fn command(m: &mut Mask<'_>, ix: &Index<'_>, i: usize) -> usize {
    let src = ix.src;
    let b = src.as_bytes();
    let n = b.len();
    let name_start = i + 1;
    let mut j = name_start;
    while j < n && b[j].is_ascii_alphabetic() {
        j += 1;
    }
    if j == name_start {
        // Control symbol: \%, \&, \\, \(, \[ ...
        match b.get(name_start) {
            Some(b'(') | Some(b'[') => {
                let display = b[name_start] == b'[';
                let close: &[u8] = if display { b"\\]" } else { b"\\)" };
                let end = find_sub(b, name_start + 1, close).map_or(n, |e| e + 2);
                math(m, i..end, display);
                return end;
            }
            Some(b'%' | b'&' | b'$' | b'#' | b'_' | b'{' | b'}') => {
                m.hide(i..i + 1);
                return i + 2;
            }
            Some(_) => {
                let end = (i + 2).min(n);
                m.hide(i..end);
                return end;
            }
            None => {
                m.hide(i..n);
                return n;
            }
        }
    }
    let name = &src[name_start..j];
    if b.get(j) == Some(&b'*') {
        j += 1;
    }
    m.hide(i..j);
    match name {
        "begin" | "end" => {
            let Some(arg_end) = (b.get(j) == Some(&b'{')).then(|| ix.group_end(j)) else {
                return j;
            };
            // Without its closing brace (unbalanced: the group runs to the
            // end) the name ends at the end, not one byte before it, which
            // may be inside a character (found by fuzzing).
            let inner_end = if b[arg_end - 1] == b'}' { arg_end - 1 } else { arg_end };
            let env = src[j + 1..inner_end.max(j + 1)].trim();
            m.hide(j..arg_end);
            m.brk(i);
            m.brk(arg_end);
            if name == "end" && LIST_ENVS.contains(&env) {
                m.close_item(i);
            }
            if name == "begin" {
                let end_tag = format!("\\end{{{env}}}");
                let body_end = ix.end_tag(env, arg_end);
                if TABLE_ENVS.contains(&env) {
                    return table(m, ix, arg_end, body_end.unwrap_or(n), env);
                }
                if VERBATIM_ENVS.contains(&env) {
                    let stop = body_end.map_or(n, |e| e + end_tag.len());
                    m.hide(arg_end..stop);
                    m.brk(stop);
                    return stop;
                }
                if QUOTE_ENVS.contains(&env) {
                    m.quoted.push(arg_end..body_end.unwrap_or(n));
                }
            }
            arg_end
        }
        "item" => {
            m.close_item(i);
            m.open_items.push(i);
            m.brk(i);
            if b.get(j) == Some(&b'[') {
                let e = ix.group_end(j);
                m.hide(j..e);
                return e;
            }
            j
        }
        "href" => {
            // \href{url}{text}: the URL is hidden, the text is prose.
            if b.get(j) == Some(&b'{') {
                let e = ix.group_end(j);
                m.hide(j..e);
                return e;
            }
            j
        }
        _ if INLINE_NON_PROSE.contains(&name) || NON_PROSE.contains(&name) => {
            let mut e = j;
            while matches!(b.get(e), Some(b'[') | Some(b'{')) {
                e = ix.group_end(e);
            }
            if INLINE_NON_PROSE.contains(&name) {
                m.placeholder(i..e);
            } else {
                m.hide(i..e);
            }
            e
        }
        _ => {
            // Optional arguments are not prose.
            let mut e = j;
            while b.get(e) == Some(&b'[') {
                let ge = ix.group_end(e);
                m.hide(e..ge);
                e = ge;
            }
            if BLOCK_ARG.contains(&name) {
                m.brk(i);
                if b.get(e) == Some(&b'{') {
                    let ge = ix.group_end(e);
                    m.brk(ge);
                    if let Some(level) = heading_level(name) {
                        m.block(i..ge, BlockKind::Heading(level));
                    } else if matches!(name, "footnote" | "footnotetext") {
                        m.block(e..ge, BlockKind::Footnote);
                    }
                }
            }
            if QUOTE_COMMANDS.contains(&name) && b.get(e) == Some(&b'{') {
                m.quoted.push(e..ix.group_end(e));
            }
            e
        }
    }
}

/// A table body from `start` to `end`: cells split at `&`, rows at `\\`,
/// each cell a block of its own. The column specification is hidden.
fn table(m: &mut Mask<'_>, ix: &Index<'_>, start: usize, end: usize, env: &str) -> usize {
    let src = ix.src;
    let b = src.as_bytes();
    let mut i = start;
    // \begin{tabularx}{width}{spec}, \begin{tabular}[pos]{spec}
    let groups = if env == "tabularx" || env == "tabular*" { 2 } else { 1 };
    for _ in 0..groups {
        while i < end && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) == Some(&b'[') {
            let e = ix.group_end(i);
            m.hide(i..e);
            i = e;
        }
        if b.get(i) == Some(&b'{') {
            let e = ix.group_end(i);
            m.hide(i..e);
            i = e;
        }
    }
    let (mut row, mut col, mut cell) = (0u32, 0u32, i);
    let close = |m: &mut Mask<'_>, cell: usize, at: usize, row: u32, col: u32| {
        m.brk(at);
        m.block(
            cell..at,
            BlockKind::Cell {
                row,
                col,
                header: row == 0,
            },
        );
    };
    while i < end {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'\\') => {
                close(m, cell, i, row, col);
                m.hide(i..i + 2);
                row += 1;
                col = 0;
                i += 2;
                cell = i;
            }
            b'\\' => i = command(m, ix, i).max(i + 1),
            b'&' => {
                close(m, cell, i, row, col);
                m.hide(i..i + 1);
                col += 1;
                i += 1;
                cell = i;
            }
            b'%' => {
                let e = line_end(b, i);
                m.hide(i..e);
                i = e;
            }
            b'{' | b'}' | b'~' => {
                m.hide(i..i + 1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    close(m, cell, end.min(b.len()), row, col);
    end
}

/// Where every group ends and every `\end{...}` is, found in one pass, so
/// that deep nesting and thousands of environments stay linear (scanning
/// from each opening to its end was quadratic on unbalanced input).
struct Index<'a> {
    src: &'a str,
    /// (opening, end) of every `{` group and every `[` group, by opening.
    braces: Vec<(usize, usize)>,
    brackets: Vec<(usize, usize)>,
    /// Environment name -> starts of its `\end{name}`, ascending.
    ends: HashMap<&'a [u8], Vec<usize>>,
}

/// Longest environment name looked up in the index.
const MAX_ENV_NAME: usize = 256;

impl<'a> Index<'a> {
    fn new(src: &'a str) -> Index<'a> {
        let b = src.as_bytes();
        let n = b.len();
        let (mut braces, mut brackets) = (Vec::new(), Vec::new());
        let (mut open_braces, mut open_brackets): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
        let mut i = 0;
        while i < n {
            match b[i] {
                b'\\' => i += 1,
                b'{' => {
                    open_braces.push(braces.len());
                    braces.push((i, n));
                }
                b'}' => {
                    if let Some(k) = open_braces.pop() {
                        braces[k].1 = i + 1;
                    }
                }
                b'[' => {
                    open_brackets.push(brackets.len());
                    brackets.push((i, n));
                }
                b']' => {
                    if let Some(k) = open_brackets.pop() {
                        brackets[k].1 = i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let mut ends: HashMap<&[u8], Vec<usize>> = HashMap::new();
        const END: &[u8] = b"\\end{";
        let mut from = 0;
        while let Some(p) = find_sub(b, from, END) {
            let name_start = p + END.len();
            let limit = (name_start + MAX_ENV_NAME + 1).min(n);
            if let Some(close) = b[name_start..limit].iter().position(|&c| c == b'}') {
                ends.entry(&b[name_start..name_start + close]).or_default().push(p);
            }
            from = p + 1;
        }
        Index {
            src,
            braces,
            brackets,
            ends,
        }
    }

    /// End (exclusive) of the balanced group opened at `open` (`{` or `[`).
    fn group_end(&self, open: usize) -> usize {
        let groups = if self.src.as_bytes()[open] == b'[' {
            &self.brackets
        } else {
            &self.braces
        };
        match groups.binary_search_by_key(&open, |g| g.0) {
            Ok(k) => groups[k].1,
            // An opening the one pass read as escaped: scan for it.
            Err(_) => group_end_scan(self.src.as_bytes(), open),
        }
    }

    /// Start of the first `\end{env}` at or after `from`.
    fn end_tag(&self, env: &str, from: usize) -> Option<usize> {
        let starts = self.ends.get(env.as_bytes())?;
        starts.get(starts.partition_point(|&p| p < from)).copied()
    }
}

fn find_sub(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

impl Mask<'_> {
    /// End the open list item (if any) at `at`.
    fn close_item(&mut self, at: usize) {
        if let Some(s) = self.open_items.pop() {
            self.block(s..at, BlockKind::ListItem);
        }
    }

    /// Write one ASCII byte over a hidden byte.
    fn write(&mut self, at: usize, byte: u8) {
        debug_assert!(byte.is_ascii());
        if self.bytes[at] == b' ' {
            self.bytes[at] = byte;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(src: &str) -> String {
        crate::text::tests::prose_words(extract(src), src)
    }

    #[test]
    fn unclosed_environment_name_ending_in_a_multibyte_char() {
        let src = "\n\t\\end{\u{FFFD}";
        assert_eq!(extract(src).text.len(), src.len());
        let src = "\\begin{é";
        assert_eq!(extract(src).text.len(), src.len());
    }

    #[test]
    fn keeps_prose_arguments_and_drops_commands_math_comments() {
        let src = "\\section{Peace-keeping} The \\emph{blue helmets}~of UNEF~I \\cite[p.~3]{hamm58} used $x^2$ force. % peacekeepers negotiated\n\\label{sec:a}Done.";
        assert_eq!(
            prose(src),
            "Peace-keeping The blue helmets of UNEF I 0 used 0 force. Done."
        );
    }

    #[test]
    fn hides_verbatim_and_display_math_and_records_quotes() {
        let src = "A.\n\\begin{verbatim}\npeacekeepers negotiated\n\\end{verbatim}\n\\[ x \\]\n\\begin{quote}\nquoted text\n\\end{quote}\nB.";
        let p = extract(src);
        assert_eq!(
            p.text.split_whitespace().collect::<Vec<_>>().join(" "),
            "A. quoted text B."
        );
        assert_eq!(p.quoted.len(), 1);
        assert!(src[p.quoted[0].clone()].contains("quoted text"));
    }

    #[test]
    fn tex_quotes_become_double_quotes_and_escapes_keep_the_char() {
        assert_eq!(
            prose("``Blessed are the peacemakers'' 50\\% \\& more"),
            "\"Blessed are the peacemakers\" 50 % & more"
        );
    }

    #[test]
    fn sections_items_tables_and_enquote() {
        let src = "\\section{Intro}\nText \\enquote{peacekeepers negotiate} here.\n\\begin{itemize}\n\\item one\n\\item two\n\\end{itemize}\n\\begin{tabular}{|l|l|}\nA & B \\\\ \\hline\nc & d \\\\\n\\end{tabular}";
        let p = extract(src);
        let kinds: Vec<(String, BlockKind)> = p
            .blocks
            .iter()
            .map(|b| {
                (
                    p.text[b.range.clone()].split_whitespace().collect::<Vec<_>>().join(" "),
                    b.kind,
                )
            })
            .collect();
        assert!(
            kinds.contains(&("Intro".to_string(), BlockKind::Heading(2))),
            "{kinds:?}"
        );
        assert!(kinds.contains(&("one".to_string(), BlockKind::ListItem)), "{kinds:?}");
        assert!(kinds.contains(&("two".to_string(), BlockKind::ListItem)), "{kinds:?}");
        assert!(
            kinds.contains(&(
                "d".to_string(),
                BlockKind::Cell {
                    row: 1,
                    col: 1,
                    header: false
                }
            )),
            "{kinds:?}"
        );
        assert_eq!(p.quoted.len(), 1);
        assert_eq!(&src[p.quoted[0].clone()], "{peacekeepers negotiate}");
        assert!(!prose(src).contains("|l|l|"), "{}", prose(src));
    }

    #[test]
    fn href_text_is_prose_and_unbalanced_input_does_not_panic() {
        assert_eq!(prose("\\href{http://un.org}{UN site} ok"), "UN site ok");
        for bad in [
            "\\emph{unclosed",
            "$unclosed",
            "\\begin{verbatim} x",
            "\\",
            "\\[",
            "\\begin",
            "%",
        ] {
            let _ = extract(bad);
        }
    }
}
