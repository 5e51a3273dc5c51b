//! A draft as a Word document, built on `hkpilot-export`'s draft writer: shared by
//! `hkpilot draft --format docx` and the server's download.

use super::{flag_text, DraftLabels, SectionMode};
use crate::Draft;
use hkpilot_export::{DraftBlock, DraftDocx, DraftRun};

/// The draft as a Word document: title and notice, the questions, every section under
/// its heading with citations as footnotes and flags highlighted, then the checks,
/// sources and provenance (as `hkpilot draft --format docx` writes it).
pub fn docx_document(d: &Draft) -> DraftDocx {
    let l = DraftLabels::for_lang(d.lang);
    let zh = d.lang.is_chinese();
    let mut details: Vec<(String, String)> = Vec::new();
    let model = d.provenance.model.clone().unwrap_or_default();
    details.push((d.t(l.model), model));
    for q in &d.missing_fields {
        details.push((q.missing.label.clone(), q.prompt.clone()));
    }
    let mut blocks = Vec::new();
    if !d.preamble.trim().is_empty() {
        blocks.push(DraftBlock::Paragraph(vec![DraftRun::Text(
            d.preamble.clone(),
        )]));
    }
    for s in &d.sections {
        blocks.push(DraftBlock::Heading {
            level: 1,
            text: s.heading.clone(),
        });
        if s.mode == SectionMode::Layout || s.sentences.is_empty() {
            if !s.text.trim().is_empty() {
                blocks.push(DraftBlock::Paragraph(vec![DraftRun::Text(s.text.clone())]));
            }
        } else {
            let mut runs = Vec::new();
            for (i, sentence) in s.sentences.iter().enumerate() {
                let sep = if i > 0 && !zh { " " } else { "" };
                runs.push(DraftRun::Text(format!("{sep}{}", sentence.text)));
                for c in &sentence.citations {
                    runs.push(DraftRun::Footnote(d.citation_text(c)));
                }
                for f in flag_text(sentence, s.mode, &l) {
                    runs.push(DraftRun::Flag(format!(" [{}]", d.t(&f))));
                }
            }
            blocks.push(DraftBlock::Paragraph(runs));
        }
        if let Some(note) = &s.note {
            blocks.push(DraftBlock::Paragraph(vec![DraftRun::Flag(note.clone())]));
        }
    }
    let mut checks: Vec<String> = d.warnings.clone();
    checks.extend(
        d.term_flags
            .iter()
            .map(|t| format!("{}: {} → {}", d.t(l.term), t.found, t.expected)),
    );
    if !checks.is_empty() {
        blocks.push(DraftBlock::Heading {
            level: 2,
            text: d.t(l.checks),
        });
        for c in checks {
            blocks.push(DraftBlock::Bullet(vec![DraftRun::Flag(c)]));
        }
    }
    if !d.sources.is_empty() {
        blocks.push(DraftBlock::Heading {
            level: 2,
            text: d.t(l.sources),
        });
        for s in &d.sources {
            blocks.push(DraftBlock::Bullet(vec![DraftRun::Text(format!(
                "{} — sha256 {}",
                s.display(),
                s.content_hash
            ))]));
        }
    }
    blocks.push(DraftBlock::Heading {
        level: 2,
        text: d.t(l.provenance),
    });
    for (k, v) in &d.provenance.settings {
        blocks.push(DraftBlock::Bullet(vec![DraftRun::Text(format!(
            "{k}: {v}"
        ))]));
    }
    DraftDocx {
        title: d.title.clone(),
        lang: d.lang,
        notice: Some(if zh {
            format!("{} / AI-generated draft", d.t(l.notice))
        } else {
            l.notice.to_string()
        }),
        details,
        blocks,
    }
}
