//! DOCX via zip + quick-xml: headings from paragraph styles, list items from numPr,
//! tables as tables. Parts are read through a byte limit, never trusting the sizes the
//! archive declares, so a zip bomb stops at the limit.

use crate::join::squash_spaces;
use crate::{IngestError, IngestOptions};
use hkpilot_core::{BlockKind, DocumentBuilder, DocumentMeta};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{Cursor, Read};

fn not_docx(detail: impl Into<String>) -> IngestError {
    IngestError::NotDocx {
        detail: detail.into(),
    }
}

/// Reads one part, charging its real uncompressed size against `budget`.
fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
    limit: u64,
) -> Result<Option<Vec<u8>>, IngestError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(not_docx(format!("{name}: {e}"))),
    };
    let compressed = file.compressed_size().max(1);
    let mut out = Vec::new();
    file.take(*budget + 1)
        .read_to_end(&mut out)
        .map_err(|e| not_docx(format!("{name}: {e}")))?;
    // Real documents compress XML about 10:1; 200:1 on a large part is a bomb.
    if out.len() as u64 > *budget || (out.len() > 10 << 20 && out.len() as u64 / compressed > 200) {
        return Err(IngestError::ZipBomb { limit });
    }
    *budget -= out.len() as u64;
    Ok(Some(out))
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key || a.key.local_name().as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// Style id → heading level, from styles.xml (names like "heading 1", "Title", "標題 1").
fn heading_styles(xml: &[u8]) -> HashMap<String, u8> {
    let mut map = HashMap::new();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"style" => current = attr(&e, b"styleId"),
                b"name" => {
                    if let (Some(id), Some(name)) = (&current, attr(&e, b"val")) {
                        if let Some(level) = heading_level(&name).or_else(|| heading_level(id)) {
                            map.insert(id.clone(), level);
                        }
                    }
                }
                b"outlineLvl" => {
                    if let (Some(id), Some(v)) = (&current, attr(&e, b"val")) {
                        if let Ok(n) = v.parse::<u8>() {
                            map.entry(id.clone()).or_insert(n.saturating_add(1).min(9));
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    map
}

fn heading_level(name: &str) -> Option<u8> {
    let n = name.to_lowercase().replace(' ', "");
    if n == "title" || n == "標題" {
        return Some(1);
    }
    for prefix in ["heading", "標題", "标题"] {
        if let Some(rest) = n.strip_prefix(prefix) {
            if let Ok(l) = rest.parse::<u8>() {
                return Some(l.clamp(1, 9));
            }
        }
    }
    None
}

#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    list_level: Option<u8>,
}

pub(crate) fn ingest(
    bytes: &[u8],
    opts: &IngestOptions,
    b: &mut DocumentBuilder,
    meta: &mut DocumentMeta,
) -> Result<(), IngestError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_docx(e.to_string()))?;
    let limit = opts.max_unpacked_bytes;
    let mut budget = limit;
    let styles = read_part(&mut zip, "word/styles.xml", &mut budget, limit)?
        .map(|x| heading_styles(&x))
        .unwrap_or_default();
    let body = read_part(&mut zip, "word/document.xml", &mut budget, limit)?
        .ok_or_else(|| not_docx("no word/document.xml part"))?;
    if let Some(core) = read_part(&mut zip, "docProps/core.xml", &mut budget, limit)? {
        meta.title = core_title(&core);
    }
    walk_body(&body, &styles, b)
}

fn core_title(xml: &[u8]) -> Option<String> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut in_title = false;
    loop {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => in_title = e.local_name().as_ref() == b"title",
            Ok(Event::Text(t)) if in_title => {
                let s = t.decode().ok()?.trim().to_string();
                return (!s.is_empty()).then_some(s);
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
        buf.clear();
    }
}

fn walk_body(
    xml: &[u8],
    styles: &HashMap<String, u8>,
    b: &mut DocumentBuilder,
) -> Result<(), IngestError> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut para: Option<Para> = None;
    let mut in_text = false;
    // Tables nest; each level holds its rows, the current row and the current cell text.
    let mut tables: Vec<(Vec<Vec<String>>, Vec<String>, String)> = Vec::new();
    loop {
        let ev = r
            .read_event_into(&mut buf)
            .map_err(|e| not_docx(format!("word/document.xml: {e}")))?;
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"p" => para = Some(Para::default()),
                b"pStyle" => {
                    if let Some(p) = para.as_mut() {
                        p.style = attr(&e, b"val");
                    }
                }
                b"ilvl" => {
                    if let Some(p) = para.as_mut() {
                        p.list_level =
                            Some(attr(&e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0));
                    }
                }
                b"numPr" => {
                    if let Some(p) = para.as_mut() {
                        p.list_level.get_or_insert(0);
                    }
                }
                b"t" => in_text = true,
                b"tab" => push_text(&mut para, "\t"),
                b"br" | b"cr" => push_text(&mut para, "\u{2028}"),
                b"tbl" => tables.push(Default::default()),
                b"tr" => {
                    if let Some(t) = tables.last_mut() {
                        t.1.clear();
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                let s = t.decode().map_err(|e| not_docx(e.to_string()))?;
                let s = quick_xml::escape::unescape(&s)
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| s.into_owned());
                push_text(&mut para, &s);
            }
            Event::GeneralRef(g) if in_text => {
                let name = String::from_utf8_lossy(&g).into_owned();
                let s = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    _ => g
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .unwrap_or_default(),
                };
                push_text(&mut para, &s);
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => {
                    if let Some(p) = para.take() {
                        let lines: Vec<String> = p
                            .text
                            .split('\u{2028}')
                            .map(squash_spaces)
                            .filter(|l| !l.is_empty())
                            .collect();
                        let text = lines.join("\n");
                        if let Some(t) = tables.last_mut() {
                            if !t.2.is_empty() && !text.is_empty() {
                                t.2.push('\n');
                            }
                            t.2.push_str(&text);
                        } else {
                            let heading = p
                                .style
                                .as_ref()
                                .and_then(|s| styles.get(s).copied().or_else(|| heading_level(s)));
                            let kind = match (heading, p.list_level) {
                                (Some(level), _) => BlockKind::Heading { level },
                                (None, Some(level)) => BlockKind::ListItem {
                                    ordered: false,
                                    level,
                                    marker: None,
                                },
                                _ => BlockKind::Paragraph,
                            };
                            b.push(kind, &text);
                        }
                    }
                }
                b"tc" => {
                    if let Some(t) = tables.last_mut() {
                        let cell = std::mem::take(&mut t.2);
                        t.1.push(cell);
                    }
                }
                b"tr" => {
                    if let Some(t) = tables.last_mut() {
                        let row = std::mem::take(&mut t.1);
                        t.0.push(row);
                    }
                }
                b"tbl" => {
                    if let Some((rows, _, _)) = tables.pop() {
                        if let Some(outer) = tables.last_mut() {
                            // A nested table is flattened into the enclosing cell.
                            let flat: Vec<String> =
                                rows.into_iter().map(|r| r.join(" | ")).collect();
                            outer.2.push_str(&flat.join("\n"));
                        } else {
                            b.push_table(rows);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

fn push_text(para: &mut Option<Para>, s: &str) {
    if let Some(p) = para.as_mut() {
        p.text.push_str(s);
    }
}
