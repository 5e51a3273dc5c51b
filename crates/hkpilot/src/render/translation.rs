//! A translation as a Word document ([`hkpilot_export::DocxDocument`]): the notice and
//! settings first, then the blocks in their structure, each flagged block followed by
//! its highlighted notes. Markdown and text come from `hkpilot_draft::translate::render`.

use hkpilot_draft::translate::{render, Method, OutKind};
use hkpilot_draft::Translation;
use hkpilot_export::{DocxBlock, DocxDocument};

/// The translation as a Word document: the notice and settings first, then the blocks,
/// each flagged block followed by its highlighted notes.
pub fn docx(t: &Translation, label: &str) -> DocxDocument {
    let header = render::header(t);
    let details = header
        .iter()
        .skip(1)
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut blocks = Vec::new();
    for b in &t.blocks {
        let text = if b.method == Method::Untranslated {
            format!("[untranslated] {}", b.translation)
        } else {
            b.translation.clone()
        };
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
                            .map(|c| {
                                if c.untranslated {
                                    format!("[untranslated] {}", c.translation)
                                } else {
                                    c.translation.clone()
                                }
                            })
                            .collect()
                    })
                    .collect(),
            },
            OutKind::PageBreak => DocxBlock::PageBreak,
        });
        for note in render::notes(b) {
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
