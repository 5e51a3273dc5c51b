//! A translation as a Word document, built on `hkpilot-export`'s generic document
//! writer: shared by `hkpilot translate --format docx` and the server's download.

use super::render::{header, notes};
use super::types::{Method, OutKind, Translation};
use hkpilot_export::{DocxBlock, DocxDocument};

fn marked(text: &str, untranslated: bool) -> String {
    if untranslated {
        format!("[untranslated] {text}")
    } else {
        text.to_string()
    }
}

/// The translation as a Word document (`hkpilot translate --format docx`, the page's
/// download): the notice and settings first, then the blocks in their structure, each
/// flagged block followed by its highlighted notes.
pub fn docx_document(t: &Translation, label: &str) -> DocxDocument {
    let details = header(t)
        .iter()
        .skip(1)
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut blocks = Vec::new();
    for b in &t.blocks {
        let text = marked(&b.translation, b.method == Method::Untranslated);
        blocks.push(match &b.kind {
            OutKind::Heading { level } => DocxBlock::Heading {
                level: *level,
                text,
            },
            OutKind::Paragraph => DocxBlock::Paragraph { text },
            OutKind::ListItem {
                ordered,
                level,
                marker,
            } => DocxBlock::ListItem {
                level: *level,
                marker: if *ordered {
                    marker.clone().or(Some("1.".into()))
                } else {
                    None
                },
                text,
            },
            OutKind::Table { rows } => DocxBlock::Table {
                rows: rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| marked(&c.translation, c.untranslated))
                            .collect()
                    })
                    .collect(),
            },
            OutKind::PageBreak => DocxBlock::PageBreak,
        });
        for note in notes(b) {
            blocks.push(DocxBlock::Flag {
                text: note.replace("**", ""),
            });
        }
    }
    let title = t.title.as_deref().unwrap_or(label);
    DocxDocument {
        title: format!("Machine translation ({}): {title}", t.to.tag()),
        lang: t.to,
        notice: Some(t.notice.clone()),
        details,
        blocks,
    }
}
