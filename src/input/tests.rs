use super::fixtures::{docx, odt, w_p, zip};
use super::*;

fn paragraphs(e: &Extracted) -> Vec<&str> {
    e.text.split("\n\n").collect()
}

fn place(e: &Extracted, needle: &str) -> String {
    let at = e
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", e.text));
    e.paragraphs.locate(&e.text, at).unwrap().describe()
}

#[test]
fn office_formats_are_known_by_extension() {
    assert_eq!(Office::from_path(Path::new("a/Essay.DOCX")), Some(Office::Docx));
    assert_eq!(Office::from_path(Path::new("b.odt")), Some(Office::Odt));
    assert_eq!(Office::from_path(Path::new("macros.docm")), Some(Office::Docx));
    assert_eq!(Office::from_path(Path::new("c.doc")), None);
    assert_eq!(Office::from_path(Path::new("d.md")), None);
}

#[test]
fn docx_keeps_paragraphs_headings_lists_tables_and_footnotes() {
    let body = [
        w_p("Peace operations", Some("Heading1")),
        // A paragraph in three runs, with a tab, a line break, an entity
        // and a footnote reference.
        r#"<w:p><w:r><w:t xml:space="preserve">UN peacekeepers </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>monitor</w:t></w:r><w:r><w:tab/><w:t>a ceasefire &amp; report.</w:t><w:br/><w:t>Next line.</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>"#.to_string(),
        // An empty paragraph: neither kept nor counted.
        "<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr></w:p><w:p/>".to_string(),
        // A list item.
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>First item.</w:t></w:r></w:p>"#.to_string(),
        // A table of two cells.
        r#"<w:tbl><w:tblPr/><w:tr><w:tc><w:tcPr/><w:p><w:r><w:t>Cell one.</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Cell two.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#.to_string(),
        // A hyperlink and a content control: their text is kept.
        r#"<w:p><w:hyperlink r:id="rId2" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:r><w:t>A link</w:t></w:r></w:hyperlink><w:sdt><w:sdtContent><w:r><w:t> and a control.</w:t></w:r></w:sdtContent></w:sdt></w:p>"#.to_string(),
    ]
    .concat();
    let notes = r#"<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> See the Capstone Doctrine.</w:t></w:r></w:p></w:footnote>"#;
    let e = extract(Office::Docx, &docx(&body, Some(notes))).unwrap();
    assert_eq!(
        paragraphs(&e),
        [
            "Peace operations",
            "UN peacekeepers monitor\ta ceasefire & report.\nNext line.",
            "First item.",
            "Cell one.",
            "Cell two.",
            "A link and a control.",
            " See the Capstone Doctrine.",
        ]
    );
    assert_eq!(place(&e, "Peace operations"), "paragraph 1, character 1");
    assert_eq!(place(&e, "peacekeepers"), "paragraph 2, character 4");
    assert_eq!(place(&e, "Next line"), "paragraph 2, character 47");
    assert_eq!(place(&e, "First item"), "paragraph 3, character 1");
    assert_eq!(place(&e, "Cell two"), "paragraph 5, character 1");
    assert_eq!(place(&e, "Capstone"), "footnote 1, character 10");
    assert_eq!(e.paragraphs.len(), 7);
}

#[test]
fn docx_skips_deletions_comments_fields_hidden_text_and_tables_of_contents() {
    let body = concat!(
        // Tracked changes: the deletion goes, the insertion stays.
        r#"<w:p><w:r><w:t xml:space="preserve">Mediators </w:t></w:r><w:del w:id="1" w:author="T"><w:r><w:delText>never </w:delText></w:r></w:del><w:ins w:id="2" w:author="T"><w:r><w:t xml:space="preserve">often </w:t></w:r></w:ins><w:r><w:t>negotiate.</w:t></w:r></w:p>"#,
        // A move: only the destination counts.
        r#"<w:p><w:moveFrom w:id="3" w:author="T"><w:r><w:t>Moved away.</w:t></w:r></w:moveFrom><w:moveTo w:id="4" w:author="T"><w:r><w:t>Moved here.</w:t></w:r></w:moveTo></w:p>"#,
        // Comments: the anchors and reference carry no text.
        r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Commented text.</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>"#,
        // A field: the instruction goes, the result stays.
        r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://un.org" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>the UN site</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#,
        // Hidden text.
        r#"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>Hidden.</w:t></w:r><w:r><w:t>Shown.</w:t></w:r></w:p>"#,
        // A table of contents.
        r#"<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Contents 1</w:t></w:r></w:p></w:sdtContent></w:sdt>"#,
        // Alternate content: the choice's text box, not its fallback copy.
        r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>In a box.</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>In a box.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>Around the box.</w:t></w:r></w:p>"#,
        // An equation.
        r#"<w:p><w:r><w:t xml:space="preserve">So </w:t></w:r><m:oMath><m:r><m:t>x=1</m:t></m:r></m:oMath><w:r><w:t xml:space="preserve"> holds.</w:t></w:r></w:p>"#,
    );
    let e = extract(Office::Docx, &docx(body, None)).unwrap();
    assert_eq!(
        paragraphs(&e),
        [
            "Mediators often negotiate.",
            "Moved here.",
            "Commented text.",
            "the UN site",
            "Shown.",
            "In a box.",
            "Around the box.",
            "So  holds.",
        ]
    );
}

#[test]
fn docx_main_part_comes_from_the_package_relationships() {
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/main/doc.xml"/></Relationships>"#;
    let doc = format!(
        r#"<w:document xmlns:w="{}"><w:body>{}</w:body></w:document>"#,
        fixtures::W_NS,
        w_p("Elsewhere.", None)
    );
    let bytes = zip(
        &[("_rels/.rels", rels.as_bytes()), ("main/doc.xml", doc.as_bytes())],
        &[],
    );
    assert_eq!(extract(Office::Docx, &bytes).unwrap().text, "Elsewhere.");
}

#[test]
fn docx_headers_footers_and_comments_parts_are_not_read() {
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let doc_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="h" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="c" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;
    let part = |root: &str, text: &str| {
        format!(
            r#"<w:{root} xmlns:w="{}">{}</w:{root}>"#,
            fixtures::W_NS,
            w_p(text, None)
        )
    };
    let doc = format!(
        r#"<w:document xmlns:w="{}"><w:body>{}</w:body></w:document>"#,
        fixtures::W_NS,
        w_p("The body.", None)
    );
    let header = part("hdr", "Jane Student, class 3B");
    let comments = part("comments", "Teacher: see me.");
    let bytes = zip(
        &[
            ("_rels/.rels", rels.as_bytes()),
            ("word/document.xml", doc.as_bytes()),
            ("word/_rels/document.xml.rels", doc_rels.as_bytes()),
            ("word/header1.xml", header.as_bytes()),
            ("word/comments.xml", comments.as_bytes()),
        ],
        &[],
    );
    assert_eq!(extract(Office::Docx, &bytes).unwrap().text, "The body.");
}

#[test]
fn docx_errors_say_what_is_wrong() {
    let good = fixtures::docx_paragraphs(&["Peacekeeping is a technique."]);
    let truncated = &good[..good.len() / 2];
    let e = extract(Office::Docx, truncated).unwrap_err();
    assert!(e.contains("not a readable zip archive"), "{e}");

    let e = extract(Office::Docx, b"this is plain text").unwrap_err();
    assert!(e.contains("not a readable zip archive"), "{e}");

    let no_document = zip(&[("word/styles.xml", b"<w:styles/>")], &[]);
    let e = extract(Office::Docx, &no_document).unwrap_err();
    assert_eq!(
        e,
        "not a Word document: it has no main document part (word/document.xml)"
    );

    let broken_xml = zip(&[("word/document.xml", b"<w:document><w:body></w:p>")], &[]);
    let e = extract(Office::Docx, &broken_xml).unwrap_err();
    assert!(e.starts_with("word/document.xml is not well-formed XML"), "{e}");

    let latin1 = zip(&[("word/document.xml", b"<w:document>\xe9</w:document>")], &[]);
    let e = extract(Office::Docx, &latin1).unwrap_err();
    assert!(e.contains("not UTF-8"), "{e}");
}

#[test]
fn odt_keeps_paragraphs_headings_lists_tables_and_notes() {
    let body = concat!(
        r#"<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/></text:sequence-decls>"#,
        r#"<text:h text:outline-level="1">Peace operations</text:h>"#,
        "<text:p>UN  peacekeepers\n   monitor<text:s text:c=\"2\"/>a<text:tab/>ceasefire &amp; report.",
        r#"<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>See the Capstone Doctrine.</text:p></text:note-body></text:note>"#,
        "<text:line-break/>Next line.</text:p>",
        "<text:p/>",
        r#"<text:list><text:list-item><text:p>First item.</text:p></text:list-item></text:list>"#,
        r#"<table:table><table:table-row><table:table-cell><text:p>Cell one.</text:p></table:table-cell><table:table-cell><text:p>Cell <text:span>two</text:span>.</text:p></table:table-cell></table:table-row></table:table>"#,
        r#"<text:p>End.<text:note text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>An endnote.</text:p><text:p>Its second paragraph.</text:p></text:note-body></text:note></text:p>"#,
    );
    let e = extract(Office::Odt, &odt(body)).unwrap();
    assert_eq!(
        paragraphs(&e),
        [
            "Peace operations",
            "UN peacekeepers monitor  a\tceasefire & report.\nNext line.",
            "First item.",
            "Cell one.",
            "Cell two.",
            "End.",
            "See the Capstone Doctrine.",
            "An endnote.",
            "Its second paragraph.",
        ]
    );
    assert_eq!(place(&e, "peacekeepers"), "paragraph 2, character 4");
    assert_eq!(place(&e, "Cell two"), "paragraph 5, character 1");
    assert_eq!(place(&e, "Capstone"), "footnote 1, character 9");
    assert_eq!(place(&e, "An endnote"), "endnote 1, character 1");
    assert_eq!(place(&e, "second paragraph"), "endnote 1, paragraph 2, character 5");
}

#[test]
fn odt_skips_tracked_deletions_comments_indexes_and_image_descriptions() {
    let body = concat!(
        r#"<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info><dc:creator>T</dc:creator></office:change-info><text:p>Deleted words.</text:p></text:deletion></text:changed-region></text:tracked-changes>"#,
        r#"<text:table-of-content><text:index-body><text:p>Contents 1</text:p></text:index-body></text:table-of-content>"#,
        r#"<text:p>Mediators <text:change text:change-id="c1"/>negotiate.<office:annotation><dc:creator>Teacher</dc:creator><text:p>A comment.</text:p></office:annotation></text:p>"#,
        r#"<text:p><draw:frame><svg:title>A photo of blue helmets</svg:title><svg:desc>Long description.</svg:desc><draw:text-box><text:p>Caption in a box.</text:p></draw:text-box></draw:frame>After the frame.</text:p>"#,
    );
    let e = extract(Office::Odt, &odt(body)).unwrap();
    assert_eq!(
        paragraphs(&e),
        ["Mediators negotiate.", "Caption in a box.", "After the frame."]
    );
}

#[test]
fn odt_errors_say_what_is_wrong() {
    let e = extract(
        Office::Odt,
        &zip(
            &[("mimetype", b"application/vnd.oasis.opendocument.text")],
            &["mimetype"],
        ),
    )
    .unwrap_err();
    assert_eq!(e, "not an OpenDocument text: it has no content part (content.xml)");
    let sheet = zip(
        &[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".as_slice()),
            ("content.xml", b"<x/>".as_slice()),
        ],
        &["mimetype"],
    );
    let e = extract(Office::Odt, &sheet).unwrap_err();
    assert!(e.contains("not an OpenDocument text document"), "{e}");
}

#[test]
fn locate_counts_characters_not_bytes() {
    let e = extract(
        Office::Docx,
        &fixtures::docx_paragraphs(&["Été 1956: UNEF.", "Ça va: UNEF."]),
    )
    .unwrap();
    assert_eq!(place(&e, "UNEF."), "paragraph 1, character 11");
    let second = e.text.rfind("UNEF").unwrap();
    assert_eq!(
        e.paragraphs.locate(&e.text, second).unwrap().describe(),
        "paragraph 2, character 8"
    );
}
