//! A structured document (a translation, later a draft) as a Word file: the notice and
//! details first, then headings, paragraphs, list items, tables with their grid, page
//! breaks and highlighted flags, in order.

use crate::package::{core, Parts};
use crate::styles::{numbering, settings, styles, Fonts};
use crate::xml::{paragraph, style, text_run, Body, Fmt, Notes, Run};
use crate::{DocxBlock, DocxDocument};
use std::fmt::Write;

/// Width of the text between A4 margins of one inch, in twentieths of a point.
const TEXT_WIDTH: usize = 9026;

pub(crate) fn build(doc: &DocxDocument) -> Parts {
    let fonts = Fonts::for_lang(doc.lang);
    let mut body = Body::default();
    if let Some(notice) = doc.notice.as_deref().filter(|n| !n.trim().is_empty()) {
        body.para(Some(style::NOTICE), &[Run::plain(notice)]);
    }
    for (label, value) in &doc.details {
        let colon = if doc.lang.is_chinese() { "：" } else { ": " };
        body.para(
            None,
            &[
                Run::with(format!("{label}{colon}"), Fmt::BOLD),
                Run::plain(value),
            ],
        );
    }
    for block in &doc.blocks {
        match block {
            DocxBlock::Heading { level, text } => {
                // Word's outline goes deeper, but three levels are what official
                // documents use; deeper source headings stay at the third.
                let s = match level {
                    0 | 1 => style::HEADING1,
                    2 => style::HEADING2,
                    _ => style::HEADING3,
                };
                body.para(Some(s), &[Run::plain(text)]);
            }
            DocxBlock::Paragraph { text } => body.para(None, &[Run::plain(text)]),
            DocxBlock::ListItem {
                level,
                marker,
                text,
            } => match marker {
                None if *level == 0 => body.bullet(&[Run::plain(text)]),
                _ => {
                    // Written markers ("1.", "(a)") and deeper levels: the list style,
                    // indented by level, the marker as text.
                    let mark = marker.as_deref().unwrap_or("•");
                    let indent = 360 * (usize::from(*level) + 1);
                    let mut xml = format!(
                        r#"<w:p><w:pPr><w:pStyle w:val="{}"/><w:ind w:left="{indent}" w:hanging="360"/></w:pPr>"#,
                        style::LIST_BULLET
                    );
                    text_run(&mut xml, &format!("{mark} {text}"), Fmt::PLAIN);
                    xml.push_str("</w:p>");
                    body.raw(&xml);
                }
            },
            DocxBlock::Table { rows } => body.raw(&table(rows)),
            DocxBlock::PageBreak => body.raw(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#),
            DocxBlock::Flag { text } => {
                let highlight = Fmt {
                    highlight: true,
                    ..Fmt::PLAIN
                };
                body.para(None, &[Run::with(text, highlight)]);
            }
        }
    }
    let description = doc.notice.as_deref().unwrap_or("");
    Parts {
        core: core(&doc.title, doc.lang.tag(), description),
        document: body.into_part(),
        footnotes: Notes::default().into_part(),
        styles: styles(fonts),
        numbering: numbering(),
        settings: settings(fonts),
    }
}

/// A table with single borders, the first row repeated as a header on every page, and
/// every row padded to the widest; an empty paragraph follows, as Word wants one
/// between a table and what comes next.
fn table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let col = TEXT_WIDTH / width;
    let mut x = String::from(r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>"#);
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(
            x,
            r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>"#
        );
    }
    x.push_str(r#"</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>"#);
    for _ in 0..width {
        let _ = write!(x, r#"<w:gridCol w:w="{col}"/>"#);
    }
    x.push_str("</w:tblGrid>");
    for (r, row) in rows.iter().enumerate() {
        x.push_str("<w:tr>");
        if r == 0 {
            x.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        for c in 0..width {
            let _ = write!(
                x,
                r#"<w:tc><w:tcPr><w:tcW w:w="{col}" w:type="dxa"/></w:tcPr>"#
            );
            let text = row.get(c).map(String::as_str).unwrap_or("");
            let fmt = if r == 0 { Fmt::BOLD } else { Fmt::PLAIN };
            paragraph(&mut x, None, false, "", &[Run::with(text, fmt)]);
            x.push_str("</w:tc>");
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl><w:p/>");
    x
}
