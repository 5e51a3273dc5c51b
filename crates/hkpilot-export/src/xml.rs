//! WordprocessingML writing: escaping, runs and paragraphs, the body of
//! `document.xml` and the footnotes of `footnotes.xml`.

use std::borrow::Cow;
use std::fmt::Write;

pub(crate) const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub(crate) const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(crate) const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// Paragraph style ids, defined in `styles.xml`.
pub(crate) mod style {
    pub const TITLE: &str = "Title";
    pub const HEADING1: &str = "Heading1";
    pub const HEADING2: &str = "Heading2";
    pub const HEADING3: &str = "Heading3";
    pub const NOTICE: &str = "AINotice";
    pub const LIST_BULLET: &str = "ListBullet";
    pub const FOOTNOTE_TEXT: &str = "FootnoteText";
    pub const FOOTNOTE_REFERENCE: &str = "FootnoteReference";
}

/// `s` made safe for XML character data and attribute values: characters XML 1.0
/// cannot hold at all (most C0 controls, U+FFFE, U+FFFF) are dropped, and `<`, `>`,
/// `&`, `"` and `'` are escaped.
pub(crate) fn escape(s: &str) -> String {
    let clean: Cow<'_, str> = if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    };
    quick_xml::escape::escape(clean.as_ref()).into_owned()
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Direct character formatting of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fmt {
    pub bold: bool,
    pub italic: bool,
    /// Yellow highlight, for flags an officer must not miss.
    pub highlight: bool,
}

impl Fmt {
    pub const PLAIN: Fmt = Fmt {
        bold: false,
        italic: false,
        highlight: false,
    };
    pub const BOLD: Fmt = Fmt {
        bold: true,
        italic: false,
        highlight: false,
    };
    pub const FLAG: Fmt = Fmt {
        bold: true,
        italic: false,
        highlight: true,
    };
}

/// One piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Run {
    Text(String, Fmt),
    /// A footnote reference mark in the text, pointing at the footnote with this id.
    Note(u32),
}

impl Run {
    pub fn plain(s: impl Into<String>) -> Run {
        Run::Text(s.into(), Fmt::PLAIN)
    }

    pub fn with(s: impl Into<String>, fmt: Fmt) -> Run {
        Run::Text(s.into(), fmt)
    }
}

/// Writes one paragraph; `bullet` makes it an item of the bullet list (numbering 1).
pub(crate) fn paragraph(
    out: &mut String,
    style: Option<&str>,
    bullet: bool,
    lead: &str,
    runs: &[Run],
) {
    out.push_str("<w:p>");
    if style.is_some() || bullet {
        out.push_str("<w:pPr>");
        if let Some(s) = style {
            let _ = write!(out, r#"<w:pStyle w:val="{s}"/>"#);
        }
        if bullet {
            out.push_str(r#"<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>"#);
        }
        out.push_str("</w:pPr>");
    }
    out.push_str(lead);
    for run in runs {
        match run {
            Run::Text(text, fmt) => text_run(out, text, *fmt),
            Run::Note(id) => {
                let _ = write!(
                    out,
                    r#"<w:r><w:rPr><w:rStyle w:val="{}"/></w:rPr><w:footnoteReference w:id="{id}"/></w:r>"#,
                    style::FOOTNOTE_REFERENCE
                );
            }
        }
    }
    out.push_str("</w:p>");
}

/// A run of text; line breaks and tabs become `w:br` and `w:tab`.
pub(crate) fn text_run(out: &mut String, text: &str, fmt: Fmt) {
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    if fmt != Fmt::PLAIN {
        out.push_str("<w:rPr>");
        if fmt.bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        if fmt.italic {
            out.push_str("<w:i/><w:iCs/>");
        }
        if fmt.highlight {
            out.push_str(r#"<w:highlight w:val="yellow"/>"#);
        }
        out.push_str("</w:rPr>");
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                let _ = write!(out, r#"<w:t xml:space="preserve">{}</w:t>"#, escape(piece));
            }
        }
    }
    out.push_str("</w:r>");
}

/// The paragraphs of `document.xml`'s body, in order.
#[derive(Debug, Default)]
pub(crate) struct Body {
    xml: String,
}

impl Body {
    pub fn para(&mut self, style: Option<&str>, runs: &[Run]) {
        paragraph(&mut self.xml, style, false, "", runs);
    }

    pub fn bullet(&mut self, runs: &[Run]) {
        paragraph(&mut self.xml, Some(style::LIST_BULLET), true, "", runs);
    }

    /// Appends body XML written elsewhere (tables, page breaks).
    pub fn raw(&mut self, xml: &str) {
        self.xml.push_str(xml);
    }

    /// The whole `document.xml` part: the body, then an A4 section with 1-inch margins.
    pub fn into_part(self) -> String {
        format!(
            concat!(
                "{decl}<w:document xmlns:w=\"{w}\" xmlns:r=\"{r}\"><w:body>{body}",
                "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>",
                "<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" ",
                "w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr>",
                "</w:body></w:document>"
            ),
            decl = XML_DECL,
            w = W_NS,
            r = R_NS,
            body = self.xml
        )
    }
}

/// The footnotes of `footnotes.xml`, numbered from 1 in the order they are added.
#[derive(Debug)]
pub(crate) struct Notes {
    xml: String,
    next: u32,
}

impl Default for Notes {
    fn default() -> Self {
        Notes {
            xml: String::new(),
            next: 1,
        }
    }
}

impl Notes {
    /// Adds a one-paragraph footnote and returns its id, for a [`Run::Note`].
    pub fn add(&mut self, runs: &[Run]) -> u32 {
        let id = self.next;
        self.next += 1;
        let _ = write!(self.xml, r#"<w:footnote w:id="{id}">"#);
        let mark = format!(
            r#"<w:r><w:rPr><w:rStyle w:val="{}"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>"#,
            style::FOOTNOTE_REFERENCE
        );
        paragraph(
            &mut self.xml,
            Some(style::FOOTNOTE_TEXT),
            false,
            &mark,
            runs,
        );
        self.xml.push_str("</w:footnote>");
        id
    }

    /// The whole `footnotes.xml` part, led by the separator (-1) and continuation
    /// separator (0) footnotes that Word expects.
    pub fn into_part(self) -> String {
        let sep = |kind: &str, id: i32, el: &str| {
            format!(
                concat!(
                    r#"<w:footnote w:type="{kind}" w:id="{id}"><w:p><w:pPr>"#,
                    r#"<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>"#,
                    r#"<w:r><w:{el}/></w:r></w:p></w:footnote>"#
                ),
                kind = kind,
                id = id,
                el = el
            )
        };
        format!(
            "{XML_DECL}<w:footnotes xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\">{}{}{}</w:footnotes>",
            sep("separator", -1, "separator"),
            sep("continuationSeparator", 0, "continuationSeparator"),
            self.xml
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_characters_xml_cannot_hold() {
        assert_eq!(
            escape(r#"a<b & "c" 'd'>"#),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(escape("x\u{0}y\u{1b}z\u{FFFF}"), "xyz");
        assert_eq!(escape("中文 HK$3"), "中文 HK$3");
    }

    #[test]
    fn breaks_and_tabs_become_elements() {
        let mut out = String::new();
        text_run(&mut out, "a\r\nb\tc", Fmt::PLAIN);
        assert_eq!(
            out,
            r#"<w:r><w:t xml:space="preserve">a</w:t><w:br/><w:t xml:space="preserve">b</w:t><w:tab/><w:t xml:space="preserve">c</w:t></w:r>"#
        );
    }

    #[test]
    fn footnotes_are_numbered_from_one() {
        let mut notes = Notes::default();
        assert_eq!(notes.add(&[Run::plain("first")]), 1);
        assert_eq!(notes.add(&[Run::plain("second")]), 2);
        let part = notes.into_part();
        assert!(part.contains(r#"w:id="-1""#) && part.contains(r#"w:id="0""#));
        assert!(part.contains(r#"<w:footnote w:id="2">"#));
    }
}
