//! Markdown for a terminal: what `peace-lsp explain` prints when its output
//! is a terminal. Bold and italic become ANSI styles (stripped again by
//! `anstream` under `NO_COLOR`), paragraphs and list items are wrapped to the
//! terminal's width, tables are laid out in aligned columns with their cells
//! wrapped, and links show their address after the text. Piped output stays
//! Markdown (see `run_explain`).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const BOLD: &str = "\x1b[1m";
const NOT_BOLD: &str = "\x1b[22m";
const ITALIC: &str = "\x1b[3m";
const NOT_ITALIC: &str = "\x1b[23m";
const UNDERLINE: &str = "\x1b[4m";
const NOT_UNDERLINE: &str = "\x1b[24m";

/// The width to wrap at: `COLUMNS`, else the terminal's, else 80; kept
/// between 40 and 100 columns so that lines stay readable.
pub fn width() -> usize {
    let w = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(terminal_columns)
        .unwrap_or(80);
    w.clamp(40, 100)
}

#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    // SAFETY: TIOCGWINSZ fills a winsize; any failure leaves ws_col at 0.
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    (ok && ws.ws_col > 0).then_some(usize::from(ws.ws_col))
}

#[cfg(not(unix))]
fn terminal_columns() -> Option<usize> {
    None
}

#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Style {
    bold: bool,
    italic: bool,
    underline: bool,
}

impl Style {
    fn open(self, out: &mut String) {
        if self.bold {
            out.push_str(BOLD);
        }
        if self.italic {
            out.push_str(ITALIC);
        }
        if self.underline {
            out.push_str(UNDERLINE);
        }
    }

    fn close(self, out: &mut String) {
        if self.underline {
            out.push_str(NOT_UNDERLINE);
        }
        if self.italic {
            out.push_str(NOT_ITALIC);
        }
        if self.bold {
            out.push_str(NOT_BOLD);
        }
    }
}

/// A word: pieces of text in their styles, never split across lines.
type Word = Vec<(String, Style)>;

fn word_width(w: &Word) -> usize {
    w.iter().map(|(t, _)| t.chars().count()).sum()
}

/// Inline text being collected: words, and whether the last piece ended in
/// the middle of a word (so that `**peace**keeping` stays one word).
#[derive(Default)]
struct Inline {
    words: Vec<Word>,
    open: bool,
    /// Hard line breaks: indexes into `words` before which a line ends.
    breaks: Vec<usize>,
}

impl Inline {
    fn push(&mut self, text: &str, style: Style) {
        let mut first = true;
        for part in text.split(char::is_whitespace) {
            if !first {
                self.open = false;
            }
            first = false;
            if part.is_empty() {
                continue;
            }
            if self.open {
                self.words
                    .last_mut()
                    .expect("an open word")
                    .push((part.to_string(), style));
            } else {
                self.words.push(vec![(part.to_string(), style)]);
            }
            self.open = true;
        }
    }

    fn space(&mut self) {
        self.open = false;
    }

    fn hard_break(&mut self) {
        self.open = false;
        self.breaks.push(self.words.len());
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn plain_width(&self) -> usize {
        self.words.iter().map(word_width).sum::<usize>() + self.words.len().saturating_sub(1)
    }

    fn longest_word(&self) -> usize {
        self.words.iter().map(word_width).max().unwrap_or(0)
    }

    /// The lines of this text wrapped to `width` columns, each with its
    /// visible width (styles open and close within a line).
    fn wrap(&self, width: usize) -> Vec<(String, usize)> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut used = 0;
        let mut empty = true;
        for (i, word) in self.words.iter().enumerate() {
            let w = word_width(word);
            let forced = self.breaks.contains(&i);
            if !empty && (forced || used + 1 + w > width) {
                lines.push((std::mem::take(&mut line), used));
                used = 0;
                empty = true;
            }
            if !empty {
                line.push(' ');
                used += 1;
            }
            for (text, style) in word {
                style.open(&mut line);
                line.push_str(text);
                style.close(&mut line);
            }
            used += w;
            empty = false;
        }
        if !empty {
            lines.push((line, used));
        }
        lines
    }
}

/// A block on its way out: its text and the prefixes of its first and later
/// lines (list bullets, quote bars).
struct Writer {
    out: String,
    width: usize,
    /// Set once a block was written: the next one starts after a blank line.
    blank_before_next: bool,
}

impl Writer {
    fn block(&mut self, inline: &Inline, first: &str, rest: &str, blank: bool) {
        if inline.is_empty() {
            return;
        }
        if self.blank_before_next && blank {
            self.out.push('\n');
        }
        let avail = self.width.saturating_sub(first.chars().count()).max(20);
        for (i, (line, _)) in inline.wrap(avail).into_iter().enumerate() {
            self.out.push_str(if i == 0 { first } else { rest });
            self.out.push_str(&line);
            self.out.push('\n');
        }
        self.blank_before_next = true;
    }

    fn raw_lines(&mut self, text: &str, prefix: &str) {
        if self.blank_before_next {
            self.out.push('\n');
        }
        for line in text.trim_end_matches('\n').lines() {
            self.out.push_str(prefix);
            self.out.push_str(line);
            self.out.push('\n');
        }
        self.blank_before_next = true;
    }

    fn table(&mut self, prefix: &str, head: &[Inline], rows: &[Vec<Inline>]) {
        let columns = std::iter::once(head.len())
            .chain(rows.iter().map(Vec::len))
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        fn cell(row: &[Inline], c: usize) -> Option<&Inline> {
            row.get(c)
        }
        let all_rows = || std::iter::once(head).chain(rows.iter().map(Vec::as_slice));
        let natural: Vec<usize> = (0..columns)
            .map(|c| {
                all_rows()
                    .filter_map(|r| cell(r, c))
                    .map(Inline::plain_width)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let floor: Vec<usize> = (0..columns)
            .map(|c| {
                all_rows()
                    .filter_map(|r| cell(r, c))
                    .map(Inline::longest_word)
                    .max()
                    .unwrap_or(0)
                    .clamp(1, 12)
            })
            .collect();
        let avail = self
            .width
            .saturating_sub(prefix.chars().count() + 3 * (columns - 1))
            .max(columns * 8);
        let mut widths = natural.clone();
        for (w, f) in widths.iter_mut().zip(&floor) {
            *w = (*w).max(*f);
        }
        // Narrow the widest column, one column at a time, until the table fits.
        while widths.iter().sum::<usize>() > avail {
            let (i, _) = widths
                .iter()
                .enumerate()
                .filter(|(i, w)| **w > floor[*i].max(8))
                .max_by_key(|(_, w)| **w)
                .unwrap_or((usize::MAX, &0));
            if i == usize::MAX {
                break;
            }
            widths[i] -= 1;
        }
        if self.blank_before_next {
            self.out.push('\n');
        }
        let empty = Inline::default();
        let render_row = |out: &mut String, row: &[Inline], bold: bool| -> usize {
            let wrapped: Vec<Vec<(String, usize)>> = (0..columns)
                .map(|c| cell(row, c).unwrap_or(&empty).wrap(widths[c]))
                .collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for l in 0..height {
                let mut line = String::from(prefix);
                for (c, lines) in wrapped.iter().enumerate() {
                    if c > 0 {
                        line.push_str(" │ ");
                    }
                    let (text, used) = lines.get(l).map_or(("", 0), |(t, u)| (t.as_str(), *u));
                    if bold && !text.is_empty() {
                        line.push_str(BOLD);
                        line.push_str(text);
                        line.push_str(NOT_BOLD);
                    } else {
                        line.push_str(text);
                    }
                    if c + 1 < columns {
                        line.push_str(&" ".repeat(widths[c].saturating_sub(used)));
                    }
                }
                out.push_str(line.trim_end_matches(' '));
                out.push('\n');
            }
            height
        };
        let rule = |out: &mut String| {
            out.push_str(prefix);
            let parts: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            out.push_str(&parts.join("─┼─"));
            out.push('\n');
        };
        let mut out = std::mem::take(&mut self.out);
        render_row(&mut out, head, true);
        rule(&mut out);
        let tall = rows
            .iter()
            .any(|r| (0..columns).any(|c| cell(r, c).is_some_and(|i| i.plain_width() > widths[c])));
        for (i, row) in rows.iter().enumerate() {
            if tall && i > 0 {
                out.push_str(prefix);
                let parts: Vec<String> = widths.iter().map(|w| "╌".repeat(*w)).collect();
                out.push_str(&parts.join("╌┼╌"));
                out.push('\n');
            }
            render_row(&mut out, row, false);
        }
        self.out = out;
        self.blank_before_next = true;
    }
}

/// Markdown rendered for a terminal `width` columns wide, with ANSI styles.
pub fn render(markdown: &str, width: usize) -> String {
    let mut w = Writer {
        out: String::new(),
        width,
        blank_before_next: false,
    };
    let mut style = Style::default();
    let mut inline = Inline::default();
    // Open lists: the next number of an ordered list, None for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    // The prefix of the current list item's first line, once per item.
    let mut item_first: Option<String> = None;
    let mut quote = 0usize;
    let mut link: Vec<String> = Vec::new();
    let mut code_block: Option<String> = None;
    let mut table: Option<(Vec<Inline>, Vec<Vec<Inline>>, bool)> = None;

    let indent = |lists: &[Option<u64>], quote: usize| -> String { "│ ".repeat(quote) + &"   ".repeat(lists.len()) };

    // Write the collected inline text as one block.
    macro_rules! flush {
        ($blank:expr) => {{
            let rest = indent(&lists, quote);
            let first = item_first.take().unwrap_or_else(|| rest.clone());
            w.block(&inline, &first, &rest, $blank);
            inline = Inline::default();
        }};
    }

    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => {
                // The first paragraph of a list item goes on its bullet's
                // line; any other after a blank line.
                let blank = item_first.is_none() || lists.is_empty();
                flush!(blank);
            }
            Event::Start(Tag::Heading { .. }) => {
                style.bold = true;
            }
            Event::End(TagEnd::Heading(level)) => {
                style.bold = false;
                if level == HeadingLevel::H1 {
                    for word in &mut inline.words {
                        for (_, s) in word.iter_mut() {
                            s.underline = true;
                        }
                    }
                }
                flush!(true);
            }
            Event::Start(Tag::List(start)) => {
                if !inline.is_empty() {
                    flush!(false);
                }
                if lists.is_empty() && w.blank_before_next {
                    // A blank line before a list, none between its items.
                    w.out.push('\n');
                    w.blank_before_next = false;
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                if !inline.is_empty() {
                    flush!(false);
                }
                let outer = "│ ".repeat(quote) + &"   ".repeat(lists.len().saturating_sub(1));
                let bullet = match lists.last_mut() {
                    Some(Some(n)) => {
                        let b = format!("{n}. ");
                        *n += 1;
                        b
                    }
                    _ => " • ".to_string(),
                };
                item_first = Some(format!("{outer}{bullet:<3}"));
            }
            Event::End(TagEnd::Item) => flush!(false),
            Event::Start(Tag::BlockQuote(_)) => quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote = quote.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => code_block = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(code) = code_block.take() {
                    let prefix = indent(&lists, quote) + "    ";
                    w.raw_lines(&code, &prefix);
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), Vec::new(), false)),
            Event::Start(Tag::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.2 = true;
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.2 = false;
                }
            }
            Event::Start(Tag::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.1.push(Vec::new());
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(t) = table.as_mut() {
                    let cell = std::mem::take(&mut inline);
                    if t.2 {
                        t.0.push(cell);
                    } else if let Some(row) = t.1.last_mut() {
                        row.push(cell);
                    }
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((head, rows, _)) = table.take() {
                    w.table(&indent(&lists, quote), &head, &rows);
                }
            }
            Event::Start(Tag::Strong) => style.bold = true,
            Event::End(TagEnd::Strong) => style.bold = false,
            Event::Start(Tag::Emphasis) => style.italic = true,
            Event::End(TagEnd::Emphasis) => style.italic = false,
            Event::Start(Tag::Link { dest_url, .. }) => link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.pop() {
                    let shown = inline
                        .words
                        .last()
                        .map(|w| w.iter().map(|(t, _)| t.as_str()).collect::<String>());
                    if !url.is_empty() && !url.starts_with('#') && shown.as_deref() != Some(url.as_str()) {
                        inline.space();
                        inline.push(&format!("({url})"), Style::default());
                    }
                }
            }
            Event::Text(t) => match code_block.as_mut() {
                Some(code) => code.push_str(&t),
                None => inline.push(&t, style),
            },
            Event::Code(t) => inline.push(&t, Style { italic: false, ..style }),
            Event::InlineHtml(t) | Event::Html(t) => inline.push(&t, style),
            Event::SoftBreak => inline.space(),
            Event::HardBreak => inline.hard_break(),
            Event::Rule => {
                if w.blank_before_next {
                    w.out.push('\n');
                }
                w.out.push_str(&"─".repeat(width.min(60)));
                w.out.push('\n');
                w.blank_before_next = true;
            }
            _ => {}
        }
    }
    if !inline.is_empty() {
        let rest = indent(&lists, quote);
        w.block(&inline, &rest, &rest, true);
    }
    w.out
}

/// The text without its ANSI styles (what a reader sees).
pub fn strip_styles(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(md: &str, width: usize) -> String {
        strip_styles(&render(md, width))
    }

    #[test]
    fn bold_and_italic_become_ansi_styles_without_markers() {
        let out = render("**Peacekeeping** · concept, _not_ peacemaking", 80);
        assert!(out.contains("\x1b[1mPeacekeeping\x1b[22m"), "{out:?}");
        assert!(out.contains("\x1b[3mnot\x1b[23m"), "{out:?}");
        assert!(!out.contains("**") && !out.contains('_'), "{out:?}");
        assert_eq!(strip_styles(&out), "Peacekeeping · concept, not peacemaking\n");
    }

    #[test]
    fn style_inside_a_word_keeps_the_word_whole() {
        assert_eq!(plain("**peace**keeping and more", 80), "peacekeeping and more\n");
    }

    #[test]
    fn paragraphs_wrap_to_the_width_and_are_separated_by_a_blank_line() {
        let text = "word ".repeat(30);
        let out = plain(&format!("{text}\n\nsecond paragraph"), 40);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{out}");
        assert!(lines.len() >= 5, "{out}");
        let blank = lines.iter().position(|l| l.is_empty()).expect("a blank line");
        assert_eq!(lines[blank + 1], "second paragraph");
        // Soft line breaks inside a paragraph are spaces.
        assert_eq!(plain("one\ntwo", 80), "one two\n");
    }

    #[test]
    fn list_items_get_bullets_and_a_hanging_indent() {
        let out = plain(
            "**Sources**\n\n- UN Charter, Chapter VI and Chapter VII of the Charter of the United Nations\n- Brahimi Report",
            40,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "Sources");
        assert_eq!(lines[1], "");
        assert!(lines[2].starts_with(" • UN Charter"), "{out}");
        assert!(lines[3].starts_with("   ") && !lines[3].starts_with("    "), "{out}");
        assert!(lines.iter().any(|l| l.starts_with(" • Brahimi Report")), "{out}");
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{out}");
        let numbered = plain("1. first\n2. second", 80);
        assert_eq!(numbered, "1. first\n2. second\n");
    }

    #[test]
    fn a_table_is_laid_out_in_aligned_columns() {
        let md = "| | Peacekeeping | Peacemaking |\n|---|---|---|\n| Who | blue helmets | mediators |\n| Consent | needed | sought |";
        let out = plain(md, 80);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert!(!out.contains('|'), "no Markdown pipes: {out}");
        // The column separators line up on every line.
        let bars: Vec<Vec<usize>> = lines
            .iter()
            .map(|l| {
                l.char_indices()
                    .filter(|(_, c)| *c == '│' || *c == '┼')
                    .map(|(i, _)| l[..i].chars().count())
                    .collect()
            })
            .collect();
        assert!(bars.iter().all(|b| b == &bars[0] && b.len() == 2), "{out}\n{bars:?}");
        assert!(lines[1].chars().all(|c| c == '─' || c == '┼'), "{out}");
        assert!(lines[2].starts_with("Who     │ blue helmets │ mediators"), "{out}");
        // The header is bold.
        assert!(render(md, 80).contains("\x1b[1mPeacekeeping\x1b[22m"));
    }

    #[test]
    fn a_wide_table_wraps_its_cells_within_the_width() {
        let long = "the consent of the main parties to the conflict, impartiality and the non-use of force except in self-defence";
        let md = format!("| | A | B |\n|---|---|---|\n| Principles | {long} | {long} |\n| Who | x | y |");
        let out = plain(&md, 60);
        assert!(out.lines().all(|l| l.chars().count() <= 60), "{out}");
        assert!(out.lines().count() > 6, "cells wrapped over several lines: {out}");
        // Every word of the cell is still there, in order.
        let words: Vec<&str> = out
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect();
        assert!(words.windows(3).any(|w| w == ["the", "consent", "of"]), "{out}");
        assert!(out.contains("╌"), "rows of several lines are ruled apart: {out}");
    }

    #[test]
    fn headings_links_and_code() {
        let out = render("# Title (`code`)\n\nSee [the rule](https://example.org/r).", 80);
        assert!(out.contains("\x1b[1m\x1b[4mTitle\x1b[24m\x1b[22m"), "{out:?}");
        assert_eq!(
            strip_styles(&out),
            "Title (code)\n\nSee the rule (https://example.org/r).\n"
        );
    }

    #[test]
    fn explanation_of_a_real_term_renders_without_markdown_syntax() {
        let db = crate::terms::Database::builtin();
        let t = db.lookup("peacekeeping").expect("peacekeeping is known");
        let md = crate::terms::explain_markdown(db, t);
        assert!(
            md.contains("**") && md.contains("|---|"),
            "the Markdown has bold and a table"
        );
        let out = plain(&md, 72);
        assert!(!out.contains("**") && !out.contains("|---|"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() <= 72), "{out}");
        assert!(out.contains("─┼─"), "the comparison table is drawn: {out}");
        assert!(out.contains("Peacekeeping"), "{out}");
    }
}
