//! A cited document (a draft) as a Word file: title, AI notice and details first, then
//! headings and paragraphs whose runs may carry real footnotes (a citation quoting its
//! source) and highlighted flags, in order.

use crate::package::{core, Parts};
use crate::styles::{numbering, settings, styles, Fonts};
use crate::xml::{style, Body, Fmt, Notes, Run};
use crate::{DraftBlock, DraftDocx, DraftRun};

pub(crate) fn build(doc: &DraftDocx) -> Parts {
    let fonts = Fonts::for_lang(doc.lang);
    let mut body = Body::default();
    let mut notes = Notes::default();
    if !doc.title.trim().is_empty() {
        body.para(Some(style::TITLE), &[Run::plain(doc.title.as_str())]);
    }
    if let Some(notice) = doc.notice.as_deref().filter(|n| !n.trim().is_empty()) {
        body.para(Some(style::NOTICE), &[Run::plain(notice)]);
    }
    let colon = if doc.lang.is_chinese() { "：" } else { ": " };
    for (label, value) in &doc.details {
        body.para(
            None,
            &[
                Run::with(format!("{label}{colon}"), Fmt::BOLD),
                Run::plain(value.as_str()),
            ],
        );
    }
    for block in &doc.blocks {
        match block {
            DraftBlock::Heading { level, text } => {
                let s = if *level <= 1 {
                    style::HEADING1
                } else {
                    style::HEADING2
                };
                body.para(Some(s), &[Run::plain(text.as_str())]);
            }
            DraftBlock::Paragraph(runs) => {
                let runs = runs_of(runs, &mut notes);
                body.para(None, &runs);
            }
            DraftBlock::Bullet(runs) => {
                let runs = runs_of(runs, &mut notes);
                body.bullet(&runs);
            }
        }
    }
    let description = doc.notice.as_deref().unwrap_or("");
    Parts {
        core: core(&doc.title, doc.lang.tag(), description),
        document: body.into_part(),
        footnotes: notes.into_part(),
        styles: styles(fonts),
        numbering: numbering(),
        settings: settings(fonts),
    }
}

fn runs_of(runs: &[DraftRun], notes: &mut Notes) -> Vec<Run> {
    runs.iter()
        .map(|r| match r {
            DraftRun::Text(t) => Run::plain(t.as_str()),
            DraftRun::Bold(t) => Run::with(t.as_str(), Fmt::BOLD),
            DraftRun::Flag(t) => Run::with(t.as_str(), Fmt::FLAG),
            DraftRun::Footnote(t) => Run::Note(notes.add(&[Run::plain(t.as_str())])),
        })
        .collect()
}
