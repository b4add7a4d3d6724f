//! Markdown prose extraction with pulldown-cmark's offset iterator.

use super::{BlockKind, Mask, Prose};
use pulldown_cmark::{BrokenLink, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub fn extract(src: &str, links: &[String]) -> Prose {
    let mut m = Mask::hidden(src);
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_MATH
        | Options::ENABLE_DEFINITION_LIST;
    // Depth inside containers whose text is not prose (code, HTML, metadata).
    let mut hidden_depth = 0usize;
    let mut quote_starts = Vec::new();
    // Table position: (row, column, in the header).
    let (mut row, mut col, mut header) = (0u32, 0u32, false);
    // A reference defined in another chunk of the document is a link.
    let known = |link: BrokenLink<'_>| {
        links
            .binary_search(&super::link_label(&link.reference))
            .is_ok()
            .then_some((CowStr::Borrowed(""), CowStr::Borrowed("")))
    };
    let parser = Parser::new_with_broken_link_callback(src, opts, (!links.is_empty()).then_some(known));
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(tag) => {
                m.brk_if_block(&tag, range.start);
                match tag {
                    Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => hidden_depth += 1,
                    Tag::BlockQuote(_) => quote_starts.push(range.start),
                    Tag::Heading { level, .. } => m.block(range.clone(), BlockKind::Heading(heading_level(level))),
                    Tag::Item => m.block(range.clone(), BlockKind::ListItem),
                    Tag::FootnoteDefinition(_) => m.block(range.clone(), BlockKind::Footnote),
                    Tag::Table(_) => row = 0,
                    Tag::TableHead => {
                        header = true;
                        col = 0;
                    }
                    Tag::TableRow => {
                        row += 1;
                        col = 0;
                        header = false;
                    }
                    Tag::TableCell => {
                        m.block(range.clone(), BlockKind::Cell { row, col, header });
                        col += 1;
                    }
                    _ => {}
                }
            }
            Event::End(end) => {
                match end {
                    TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => {
                        hidden_depth = hidden_depth.saturating_sub(1)
                    }
                    TagEnd::BlockQuote(_) => {
                        if let Some(s) = quote_starts.pop() {
                            m.quoted.push(s..range.end);
                        }
                    }
                    _ => {}
                }
                if is_block_end(&end) {
                    m.brk(range.end);
                }
            }
            Event::Text(_) if hidden_depth == 0 => m.reveal(range),
            Event::Code(_) | Event::InlineMath(_) | Event::InlineHtml(_) | Event::FootnoteReference(_) => {
                m.placeholder(range)
            }
            Event::DisplayMath(_) => {
                m.brk(range.start);
                m.brk(range.end);
            }
            Event::SoftBreak | Event::HardBreak => {}
            _ => {}
        }
    }
    m.finish()
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_)
    )
}

impl Mask<'_> {
    fn brk_if_block(&mut self, tag: &Tag<'_>, at: usize) {
        if matches!(
            tag,
            Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::Item
                | Tag::TableCell
                | Tag::TableRow
                | Tag::TableHead
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::BlockQuote(_)
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::MetadataBlock(_)
        ) {
            self.brk(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(src: &str) -> String {
        crate::text::tests::prose_words(extract(src, &[]), src)
    }

    #[test]
    fn keeps_prose_and_drops_code_html_urls_front_matter() {
        let src = "---\ntitle: peacekeeping\n---\n# Heading *one*\n\nSee [the UN](https://un.org/peacekeeping) and `peacekeeping` here.\n\n```\npeacekeepers negotiated\n```\n\n    indented code\n\n<!-- peacekeepers -->\n<div>html</div>\n\n- item **bold**\n\n| a | b |\n|---|---|\n| cell | $x$ |\n";
        assert_eq!(prose(src), "Heading one See the UN and 0 here. item bold a b cell 0");
    }

    #[test]
    fn records_blockquotes_as_quoted_and_blocks_as_breaks() {
        let src = "# Title\nBody text.\n\n> quoted words\n";
        let p = extract(src, &[]);
        assert_eq!(p.quoted.len(), 1);
        assert_eq!(&src[p.quoted[0].clone()], "> quoted words\n");
        // A break separates the heading from the paragraph that follows it.
        assert!(p.breaks.iter().any(|&b| b > 0 && b <= src.find("Body").unwrap()));
    }

    #[test]
    fn records_headings_items_and_table_cells() {
        let src = "# Title\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n";
        let p = extract(src, &[]);
        let kinds: Vec<(String, BlockKind)> = p
            .blocks
            .iter()
            .map(|b| (src[b.range.clone()].trim().to_string(), b.kind))
            .collect();
        assert_eq!(kinds[0], ("# Title".to_string(), BlockKind::Heading(1)));
        assert_eq!(kinds[1], ("- one".to_string(), BlockKind::ListItem));
        assert!(kinds.contains(&(
            "d".to_string(),
            BlockKind::Cell {
                row: 1,
                col: 1,
                header: false
            }
        )));
        assert!(kinds.contains(&(
            "a".to_string(),
            BlockKind::Cell {
                row: 0,
                col: 0,
                header: true
            }
        )));
    }

    #[test]
    fn a_reference_defined_in_another_chunk_is_a_link() {
        let src = "See [the UN][un] here.";
        let words = |links: &[String]| crate::text::tests::prose_words(extract(src, links), src);
        assert_eq!(words(&["un".to_string()]), "See the UN here.");
        // Without the definition the brackets are text, as in a document
        // that defines nothing.
        assert_eq!(words(&[]), "See [the UN][un] here.");
    }

    #[test]
    fn image_alt_text_is_prose_but_url_is_not() {
        assert_eq!(prose("![blue helmets](http://x/y.png)"), "blue helmets");
    }
}
