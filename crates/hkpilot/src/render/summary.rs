//! A summary as Markdown with footnote citations, or as plain text with page
//! references. Labels follow the summary's language.

use hkpilot_core::{Document, Lang, Summary, SummaryMethod};
use std::fmt::Write;
use std::path::PathBuf;

struct Labels {
    summary: &'static str,
    page: &'static str,
    chars: &'static str,
    notice: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            summary: "Summary",
            page: "p.",
            chars: "characters",
            notice: "AI-generated summary; every point is quoted from and linked to the source. Check it against the original before use.",
        },
        Lang::ZhHant => Labels {
            summary: "摘要",
            page: "頁",
            chars: "字元",
            notice: "本摘要由人工智能生成，每一要點均引自原文並附出處。使用前請與原文核對。",
        },
        Lang::ZhHans => Labels {
            summary: "摘要",
            page: "页",
            chars: "字符",
            notice: "本摘要由人工智能生成，每一要点均引自原文并附出处。使用前请与原文核对。",
        },
    }
}

fn method(summary: &Summary) -> String {
    match &summary.method {
        SummaryMethod::Extractive { algorithm } => format!("extractive ({algorithm})"),
        SummaryMethod::Abstractive { model } => format!("abstractive ({model})"),
    }
}

fn title(docs: &[(&PathBuf, &Document)]) -> String {
    docs.iter()
        .map(|(f, d)| {
            d.meta
                .title
                .clone()
                .unwrap_or_else(|| f.display().to_string())
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn file_of(docs: &[(&PathBuf, &Document)], id: &hkpilot_core::DocumentId) -> String {
    docs.iter()
        .find(|(_, d)| &d.id == id)
        .map(|(f, _)| f.display().to_string())
        .unwrap_or_else(|| id.to_string())
}

pub fn markdown(docs: &[(&PathBuf, &Document)], summary: &Summary) -> String {
    let l = labels(summary.lang);
    let mut out = String::new();
    let _ = writeln!(out, "## {}: {}\n", l.summary, title(docs));
    let _ = writeln!(out, "*{} — {}*\n", l.notice, method(summary));
    let mut notes = String::new();
    let mut n = 0;
    for sentence in &summary.sentences {
        let mut marks = String::new();
        for c in &sentence.citations {
            n += 1;
            let _ = write!(marks, "[^{n}]");
            let section = c
                .section
                .as_ref()
                .map(|s| format!(", § {s}"))
                .unwrap_or_default();
            let _ = writeln!(
                notes,
                "[^{n}]: {}, {} {}{section}, {} {}–{}",
                file_of(docs, &c.span.doc),
                l.page,
                c.span.page,
                l.chars,
                c.span.start,
                c.span.end
            );
        }
        let _ = writeln!(out, "- {}{marks}", sentence.text);
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "\n{notes}");
    }
    out
}

pub fn text(docs: &[(&PathBuf, &Document)], summary: &Summary) -> String {
    let l = labels(summary.lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", l.summary, title(docs));
    let _ = writeln!(out, "[{} — {}]\n", l.notice, method(summary));
    for sentence in &summary.sentences {
        let pages: Vec<String> = sentence
            .citations
            .iter()
            .map(|c| format!("{} {}", l.page, c.span.page))
            .collect();
        let _ = writeln!(out, "* {} ({})", sentence.text, pages.join(", "));
    }
    out
}
