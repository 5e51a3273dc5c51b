//! Plain text and Markdown, and the encoding detection shared with HTML
//! (BOM, then UTF-8, then chardetng's guess among legacy encodings such as Big5/GB18030).

use crate::join::{list_marker, push_line, squash_spaces};
use crate::IngestError;
use hkpilot_core::{BlockKind, DocumentBuilder, DocumentMeta};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Decodes text bytes; returns the text and the encoding's name.
pub(crate) fn decode(
    bytes: &[u8],
    declared: Option<&str>,
) -> Result<(String, &'static str), IngestError> {
    let (text, enc) = if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (t, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        (t.into_owned(), enc)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (s.to_owned(), encoding_rs::UTF_8)
    } else {
        let enc = declared
            .and_then(|d| encoding_rs::Encoding::for_label(d.trim().as_bytes()))
            .filter(|e| *e != encoding_rs::UTF_8)
            .unwrap_or_else(|| {
                let mut det = chardetng::EncodingDetector::new();
                det.feed(bytes, true);
                // "hk" biases toward Big5 where GBK and Big5 both fit.
                det.guess(Some(b"hk"), true)
            });
        let (t, _, _) = enc.decode(bytes);
        (t.into_owned(), enc)
    };
    let controls = text
        .chars()
        .filter(|&c| {
            c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        })
        .count();
    if controls * 20 > text.chars().count().max(1) {
        return Err(IngestError::NotText);
    }
    Ok((text, enc.name()))
}

/// Plain text: paragraphs at blank lines, wrapped lines joined, list items recognised.
pub(crate) fn ingest_text(
    bytes: &[u8],
    b: &mut DocumentBuilder,
    meta: &mut DocumentMeta,
) -> Result<(), IngestError> {
    let (text, enc) = decode(bytes, None)?;
    meta.encoding = Some(enc.to_string());
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for para in text.split("\n\n") {
        let mut acc = String::new();
        let mut item: Option<(String, bool)> = None;
        let flush =
            |acc: &mut String, item: &mut Option<(String, bool)>, b: &mut DocumentBuilder| {
                let kind = match item.take() {
                    Some((marker, ordered)) => BlockKind::ListItem {
                        ordered,
                        level: 0,
                        marker: Some(marker),
                    },
                    None => BlockKind::Paragraph,
                };
                b.push(kind, &squash_spaces(acc));
                acc.clear();
            };
        for line in para.lines() {
            if let Some((marker, ordered, rest)) = list_marker(line) {
                flush(&mut acc, &mut item, b);
                item = Some((marker, ordered));
                push_line(&mut acc, &rest);
            } else {
                push_line(&mut acc, line);
            }
        }
        flush(&mut acc, &mut item, b);
    }
    Ok(())
}

/// Markdown via pulldown-cmark with the tables extension.
pub(crate) fn ingest_markdown(
    bytes: &[u8],
    b: &mut DocumentBuilder,
    meta: &mut DocumentMeta,
) -> Result<(), IngestError> {
    let (text, enc) = decode(bytes, None)?;
    meta.encoding = Some(enc.to_string());
    let parser = Parser::new_ext(
        &text,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut buf = String::new();
    // Stack of lists: Some(start) for ordered, None for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut item_marker: Option<(String, bool)> = None;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut heading: Option<u8> = None;
    for ev in parser {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                });
                buf.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                let level = heading.take().unwrap_or(1);
                if level == 1 && meta.title.is_none() {
                    meta.title = Some(buf.trim().to_string());
                }
                b.push(BlockKind::Heading { level }, buf.trim());
                buf.clear();
            }
            Event::Start(Tag::List(start)) => {
                flush_item(b, &mut buf, &mut item_marker, &lists);
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush_item(b, &mut buf, &mut item_marker, &lists);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush_item(b, &mut buf, &mut item_marker, &lists);
                item_marker = Some(match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        *n += 1;
                        (m, true)
                    }
                    _ => ("•".to_string(), false),
                });
            }
            Event::End(TagEnd::Item) => flush_item(b, &mut buf, &mut item_marker, &lists),
            Event::Start(Tag::Paragraph) if item_marker.is_none() => buf.clear(),
            Event::End(TagEnd::Paragraph) => {
                if item_marker.is_none() {
                    b.push(BlockKind::Paragraph, buf.trim());
                    buf.clear();
                } else {
                    buf.push(' ');
                }
            }
            Event::Start(Tag::Table(_)) => {
                rows.clear();
            }
            Event::End(TagEnd::Table) => {
                b.push_table(std::mem::take(&mut rows));
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => buf.clear(),
            Event::End(TagEnd::TableCell) => {
                if let Some(r) = rows.last_mut() {
                    r.push(buf.trim().to_string());
                }
                buf.clear();
            }
            Event::Start(Tag::CodeBlock(_)) => buf.clear(),
            Event::End(TagEnd::CodeBlock) => {
                b.push(BlockKind::Paragraph, buf.trim_end());
                buf.clear();
            }
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak => push_soft_break(&mut buf),
            Event::HardBreak => buf.push('\n'),
            _ => {}
        }
    }
    if !buf.trim().is_empty() {
        b.push(BlockKind::Paragraph, buf.trim());
    }
    Ok(())
}

fn push_soft_break(buf: &mut String) {
    // A soft break is a wrapped line: join like plain text (no space between CJK).
    let mut probe = buf.clone();
    push_line(&mut probe, "x");
    if probe.ends_with(" x") {
        buf.push(' ');
    }
}

fn flush_item(
    b: &mut DocumentBuilder,
    buf: &mut String,
    marker: &mut Option<(String, bool)>,
    lists: &[Option<u64>],
) {
    if let Some((m, ordered)) = marker.take() {
        let level = lists.len().saturating_sub(1).min(u8::MAX as usize) as u8;
        b.push(
            BlockKind::ListItem {
                ordered,
                level,
                marker: Some(m),
            },
            buf.trim(),
        );
    }
    buf.clear();
}
