//! Reading an exported .docx back: the parts, checked for well-formed XML and
//! matching footnotes, and the text through HKPilot's own DOCX reader.

use hkpilot_core::{BlockKind, Document};
use hkpilot_ingest::{ingest_bytes, IngestOptions};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// The parts of the package, by name.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        parts.insert(f.name().to_string(), text);
    }
    parts
}

/// The value of attribute `key`; every attribute is checked (duplicates, quoting).
fn attr(name: &str, e: &quick_xml::events::BytesStart<'_>, key: &[u8]) -> Option<String> {
    let mut found = None;
    for a in e.attributes() {
        let a = a.unwrap_or_else(|err| panic!("{name} is not well-formed: {err}"));
        if a.key.as_ref() == key {
            found = Some(String::from_utf8(a.value.into_owned()).unwrap());
        }
    }
    found
}

/// Parses a whole part, failing on any XML error (mismatched tags, duplicate
/// attributes, more or less than one root); returns the `w:t` text of each
/// `w:footnote` by id, and the ids of the `w:footnoteReference`s in order.
pub fn parse(name: &str, xml: &str) -> (BTreeMap<i64, String>, Vec<i64>) {
    let mut r = Reader::from_str(xml);
    let (mut depth, mut roots) = (0usize, 0usize);
    let (mut notes, mut refs) = (BTreeMap::new(), Vec::new());
    let (mut note, mut in_t) = (None::<i64>, false);
    loop {
        let ev = r
            .read_event()
            .unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                roots += usize::from(depth == 0);
                let id = attr(name, e, b"w:id").map(|v| v.parse::<i64>().unwrap());
                match e.name().as_ref() {
                    b"w:footnote" => {
                        note = id;
                        notes.insert(id.unwrap(), String::new());
                    }
                    b"w:footnoteReference" => refs.push(id.unwrap()),
                    b"w:t" => in_t = matches!(ev, Event::Start(_)),
                    _ => {}
                }
                depth += usize::from(matches!(ev, Event::Start(_)));
            }
            Event::End(e) => {
                depth -= 1;
                if e.name().as_ref() == b"w:t" {
                    in_t = false;
                }
            }
            Event::Text(t) if in_t => {
                if let Some(n) = note {
                    notes.get_mut(&n).unwrap().push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(g) if in_t => {
                let s = match g.decode().unwrap().as_ref() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    other => panic!("{name}: unexpected entity {other}"),
                };
                if let Some(n) = note {
                    notes.get_mut(&n).unwrap().push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((depth, roots), (0, 1), "{name}: unbalanced or not one root");
    (notes, refs)
}

/// Checks every part, and that the text's footnote references are exactly the
/// footnotes 1..=n in order; returns the footnote texts in order.
pub fn check_package(bytes: &[u8]) -> (BTreeMap<String, String>, Vec<String>) {
    let parts = unzip(bytes);
    for name in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/_rels/document.xml.rels",
        "word/document.xml",
        "word/footnotes.xml",
        "word/styles.xml",
        "word/numbering.xml",
        "word/settings.xml",
        "docProps/core.xml",
    ] {
        assert!(parts.contains_key(name), "missing part {name}");
    }
    for (name, xml) in &parts {
        parse(name, xml);
    }
    let (_, refs) = parse("document", &parts["word/document.xml"]);
    let (notes, _) = parse("footnotes", &parts["word/footnotes.xml"]);
    assert_eq!(notes.keys().take(2).copied().collect::<Vec<_>>(), [-1, 0]);
    let real: Vec<i64> = notes.keys().copied().filter(|&id| id > 0).collect();
    assert_eq!(refs, real, "references and footnotes differ");
    assert_eq!(refs, (1..=refs.len() as i64).collect::<Vec<_>>());
    assert!(parts["word/_rels/document.xml.rels"].contains("relationships/footnotes"));
    assert!(parts["[Content_Types].xml"].contains("wordprocessingml.footnotes+xml"));
    let texts = real.iter().map(|id| notes[id].clone()).collect();
    (parts, texts)
}

pub fn read_back(bytes: &[u8]) -> Document {
    ingest_bytes(bytes, Some("summary.docx"), &IngestOptions::default()).unwrap()
}

pub fn headings(doc: &Document) -> Vec<String> {
    doc.blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Heading { .. }))
        .map(|b| b.text.clone())
        .collect()
}

/// The text of the one block containing `needle`.
pub fn block_with<'a>(doc: &'a Document, needle: &str) -> &'a str {
    let found: Vec<&str> = doc
        .blocks
        .iter()
        .map(|b| b.text.as_str())
        .filter(|t| t.contains(needle))
        .collect();
    assert_eq!(found.len(), 1, "{needle:?} in {found:?}");
    found[0]
}
