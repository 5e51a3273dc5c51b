//! HTML via scraper (html5ever): headings, paragraphs, nested lists, tables, line
//! breaks; script/style/nav skipped; charset from BOM, then <meta>, then detection.

use crate::join::squash_spaces;
use crate::text::decode;
use crate::IngestError;
use hkpilot_core::{BlockKind, DocumentBuilder, DocumentMeta};
use scraper::{ElementRef, Html, Node};

fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let rest = head[at..].trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

struct Walker<'a> {
    b: &'a mut DocumentBuilder,
    buf: String,
    lists: Vec<(bool, u32)>,
}

const SKIP: &[&str] = &[
    "script", "style", "nav", "noscript", "template", "head", "svg", "iframe",
];

impl Walker<'_> {
    fn flush(&mut self, kind: BlockKind) {
        // <br> arrives as U+2028 so that source-formatting newlines can be squashed.
        let text: Vec<String> = self
            .buf
            .split('\u{2028}')
            .map(squash_spaces)
            .filter(|l| !l.is_empty())
            .collect();
        self.b.push(kind, text.join("\n").trim());
        self.buf.clear();
    }

    fn inline_text(el: ElementRef<'_>, out: &mut String) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if SKIP.contains(&name) {
                        continue;
                    }
                    if name == "br" {
                        out.push('\u{2028}');
                    } else if let Some(c) = ElementRef::wrap(child) {
                        Self::inline_text(c, out);
                    }
                }
                _ => {}
            }
        }
    }

    fn table(&mut self, el: ElementRef<'_>) {
        let mut rows = Vec::new();
        for tr in el
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr")
        {
            let mut row = Vec::new();
            for cell in tr.children().filter_map(ElementRef::wrap) {
                if matches!(cell.value().name(), "td" | "th") {
                    let mut s = String::new();
                    Self::inline_text(cell, &mut s);
                    row.push(squash_spaces(&s));
                }
            }
            rows.push(row);
        }
        self.b.push_table(rows);
    }

    fn walk(&mut self, el: ElementRef<'_>) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.buf.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if SKIP.contains(&name) {
                        continue;
                    }
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    match name {
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            self.flush(BlockKind::Paragraph);
                            let level = name.as_bytes()[1] - b'0';
                            Self::inline_text(c, &mut self.buf);
                            self.flush(BlockKind::Heading { level });
                        }
                        "ul" | "ol" => {
                            self.flush(BlockKind::Paragraph);
                            self.lists.push((name == "ol", 1));
                            self.walk(c);
                            self.lists.pop();
                        }
                        "li" => {
                            self.flush(BlockKind::Paragraph);
                            let level = self.lists.len().saturating_sub(1).min(255) as u8;
                            let (ordered, marker) = match self.lists.last_mut() {
                                Some((true, n)) => {
                                    *n += 1;
                                    (true, format!("{}.", *n - 1))
                                }
                                _ => (false, "•".to_string()),
                            };
                            // Text of the item itself; nested lists become their own items.
                            let mut nested = Vec::new();
                            for g in c.children() {
                                match ElementRef::wrap(g) {
                                    Some(ge) if matches!(ge.value().name(), "ul" | "ol") => {
                                        nested.push(ge)
                                    }
                                    Some(ge) if !SKIP.contains(&ge.value().name()) => {
                                        Self::inline_text(ge, &mut self.buf)
                                    }
                                    Some(_) => {}
                                    None => {
                                        if let Node::Text(t) = g.value() {
                                            self.buf.push_str(t);
                                        }
                                    }
                                }
                            }
                            self.flush(BlockKind::ListItem {
                                ordered,
                                level,
                                marker: Some(marker),
                            });
                            for n in nested {
                                self.lists.push((n.value().name() == "ol", 1));
                                self.walk(n);
                                self.lists.pop();
                            }
                        }
                        "table" => {
                            self.flush(BlockKind::Paragraph);
                            self.table(c);
                        }
                        "br" => self.buf.push('\u{2028}'),
                        "p" | "div" | "section" | "article" | "main" | "header" | "footer"
                        | "blockquote" | "pre" | "dd" | "dt" | "figcaption" | "address"
                        | "body" | "html" => {
                            self.flush(BlockKind::Paragraph);
                            self.walk(c);
                            self.flush(BlockKind::Paragraph);
                        }
                        _ => self.walk(c),
                    }
                }
                _ => {}
            }
        }
    }
}

pub(crate) fn ingest(
    bytes: &[u8],
    b: &mut DocumentBuilder,
    meta: &mut DocumentMeta,
) -> Result<(), IngestError> {
    let declared = meta_charset(bytes);
    let (text, enc) = decode(bytes, declared.as_deref())?;
    meta.encoding = Some(enc.to_string());
    let doc = Html::parse_document(&text);
    if let Ok(sel) = scraper::Selector::parse("title") {
        if let Some(t) = doc.select(&sel).next() {
            let t = squash_spaces(&t.text().collect::<String>());
            if !t.is_empty() {
                meta.title = Some(t);
            }
        }
    }
    let mut w = Walker {
        b,
        buf: String::new(),
        lists: Vec::new(),
    };
    w.walk(doc.root_element());
    w.flush(BlockKind::Paragraph);
    Ok(())
}
