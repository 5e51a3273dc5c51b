//! A summary as Markdown with footnote citations, or as plain text with page
//! references: the CLI's `--format md` and `--format text`, here so that every front
//! end (CLI, HTTP server) gives the same bytes. Labels follow the summary's language.
//!
//! The wording is this rendering's own (the notice, "p.", "characters", the flag
//! texts), not the Word export's `labels.rs`: the two were written for different
//! readers and differ on purpose, and changing either would change its output.

use hkpilot_core::{DocumentId, Lang, SentenceFlag, Summary, SummaryMethod, SummarySentence};
use std::fmt::Write;

/// One source document of a summary, as the Markdown and plain-text renderings name
/// it.
///
/// Not [`crate::SourceInfo`], on purpose: that one is positional (`sources[i]`
/// describes `summary.documents[i]`, checked against its content hash) and carries a
/// bare file name for the Word file's sources list. These renderings instead find
/// the source of each citation by its [`DocumentId`] (a footnote names the file the
/// cited span is in), take the heading's titles in the order given, and print the
/// file exactly as the caller names it (the CLI: the path as typed). A citation of a
/// document no label has is named by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLabel {
    /// The document the label is for; citations are matched on it.
    pub id: DocumentId,
    /// In the heading ("## Summary: title · title").
    pub title: String,
    /// In every footnote citing the document.
    pub file: String,
}

impl SourceLabel {
    /// The label the CLI uses: the document's title, else the file.
    pub fn new(id: DocumentId, title: Option<&str>, file: impl Into<String>) -> Self {
        let file = file.into();
        SourceLabel {
            id,
            title: title.map_or_else(|| file.clone(), str::to_string),
            file,
        }
    }
}

/// The fixed words of one language.
struct Words {
    summary: &'static str,
    page: &'static str,
    chars: &'static str,
    notice: &'static str,
    no_citation: &'static str,
    unsupported: &'static str,
    not_in_source: &'static str,
    model_notice: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            summary: "Summary",
            page: "p.",
            chars: "characters",
            notice: "AI-generated summary; every point is quoted from and linked to the source. Check it against the original before use.",
            no_citation: "no source cited",
            unsupported: "not supported by the cited source",
            not_in_source: "not found in the cited source",
            model_notice: "AI-generated summary written by a language model; each point links to the source it is based on, and points the checks could not confirm are marked. Check it against the original before use.",
        },
        Lang::ZhHant => Words {
            summary: "摘要",
            page: "頁",
            chars: "字元",
            notice: "本摘要由人工智能生成，每一要點均引自原文並附出處。使用前請與原文核對。",
            no_citation: "未註明出處",
            unsupported: "所引原文未能支持此句",
            not_in_source: "所引原文中找不到",
            model_notice: "本摘要由人工智能語言模型撰寫，每一要點均連結所據原文，未能核實的要點已標示。使用前請與原文核對。",
        },
        Lang::ZhHans => Words {
            summary: "摘要",
            page: "页",
            chars: "字符",
            notice: "本摘要由人工智能生成，每一要点均引自原文并附出处。使用前请与原文核对。",
            no_citation: "未注明出处",
            unsupported: "所引原文未能支持此句",
            not_in_source: "所引原文中找不到",
            model_notice: "本摘要由人工智能语言模型撰写，每一要点均链接所据原文，未能核实的要点已标示。使用前请与原文核对。",
        },
    }
}

fn method(summary: &Summary) -> String {
    match &summary.method {
        SummaryMethod::Extractive { algorithm } => format!("extractive ({algorithm})"),
        SummaryMethod::Abstractive { model } => format!("abstractive ({model})"),
    }
}

/// The titles of the sources, in order, joined by " · ": what the heading names.
pub fn sources_title(sources: &[SourceLabel]) -> String {
    sources
        .iter()
        .map(|s| s.title.as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The file a footnote names for document `id`.
fn file_of(sources: &[SourceLabel], id: &DocumentId) -> String {
    sources
        .iter()
        .find(|s| &s.id == id)
        .map(|s| s.file.clone())
        .unwrap_or_else(|| id.to_string())
}

/// One structured section: its heading, its sentences, and per item the index and
/// any text shown after it.
type Section<'a> = (&'static str, Vec<&'a SummarySentence>, Vec<(usize, String)>);

/// The sentences to show, in order, each with the section heading that starts
/// before it (structured summaries) and, for action items, "(owner: …; due: …)".
fn items(summary: &Summary) -> Vec<(Option<&'static str>, &SummarySentence, String)> {
    let Some(st) = &summary.structured else {
        return summary
            .sentences
            .iter()
            .map(|s| (None, s, String::new()))
            .collect();
    };
    // Both Chinese scripts get these (Traditional) headings, as the CLI always has.
    let zh = summary.lang != Lang::En;
    let names: [&'static str; 5] = if zh {
        ["要點", "決定", "數字", "跟進事項", "待解決問題"]
    } else {
        [
            "Key points",
            "Decisions",
            "Figures",
            "Action items",
            "Open questions",
        ]
    };
    let (owner, due) = if zh {
        ("負責", "限期")
    } else {
        ("owner", "due")
    };
    let plain = |v: &[SummarySentence]| -> Vec<(usize, String)> {
        (0..v.len()).map(|i| (i, String::new())).collect()
    };
    let actions: Vec<(usize, String)> = st
        .action_items
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut parts = Vec::new();
            if let Some(o) = &a.owner {
                parts.push(format!("{owner}: {o}"));
            }
            if let Some(d) = &a.due {
                parts.push(format!("{due}: {d}"));
            }
            let extra = if parts.is_empty() {
                String::new()
            } else {
                format!(" ({})", parts.join("; "))
            };
            (i, extra)
        })
        .collect();
    let action_sentences: Vec<&SummarySentence> = st.action_items.iter().map(|a| &a.item).collect();
    let mut out = Vec::new();
    let sections: [Section<'_>; 5] = [
        (
            names[0],
            st.key_points.iter().collect(),
            plain(&st.key_points),
        ),
        (
            names[1],
            st.decisions.iter().collect(),
            plain(&st.decisions),
        ),
        (names[2], st.figures.iter().collect(), plain(&st.figures)),
        (names[3], action_sentences, actions),
        (
            names[4],
            st.open_questions.iter().collect(),
            plain(&st.open_questions),
        ),
    ];
    for (name, sentences, extras) in sections {
        for (i, extra) in extras {
            out.push(((i == 0).then_some(name), sentences[i], extra));
        }
    }
    out
}

/// The notice every rendering opens with: generated text is always labelled.
fn notice(summary: &Summary, w: &Words) -> &'static str {
    match summary.method {
        SummaryMethod::Abstractive { .. } => w.model_notice,
        SummaryMethod::Extractive { .. } => w.notice,
    }
}

/// What the checks found, for people, each flag after a space:
/// " ⚠ not found in the cited source: HK$3 billion"; empty when unflagged.
pub fn flag_text(sentence: &SummarySentence, lang: Lang) -> String {
    let w = words(lang);
    sentence
        .flags
        .iter()
        .map(|f| match f {
            SentenceFlag::NoCitation => format!(" ⚠ {}", w.no_citation),
            SentenceFlag::Unsupported => format!(" ⚠ {}", w.unsupported),
            SentenceFlag::NotInSource { text, .. } => format!(" ⚠ {}: {text}", w.not_in_source),
        })
        .collect()
}

/// The pages a sentence cites, after a space: " (p. 1, p. 3)"; empty when it cites
/// nothing.
pub fn page_refs(sentence: &SummarySentence, lang: Lang) -> String {
    let w = words(lang);
    let pages: Vec<String> = sentence
        .citations
        .iter()
        .map(|c| format!("{} {}", w.page, c.span.page))
        .collect();
    if pages.is_empty() {
        String::new()
    } else {
        format!(" ({})", pages.join(", "))
    }
}

/// One line on how the summary was made: method, settings, source hashes.
pub fn provenance_line(summary: &Summary) -> String {
    let p = &summary.provenance;
    let mut parts = vec![method(summary)];
    if !p.settings.is_empty() {
        let settings: Vec<String> = p.settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
        parts.push(settings.join(", "));
    }
    let hashes: Vec<String> = p
        .source_hashes
        .iter()
        .map(|h| h.chars().take(19).collect())
        .collect();
    if !hashes.is_empty() {
        parts.push(format!("sources {}", hashes.join(" ")));
    }
    parts.join(" · ")
}

/// The summary as Markdown: a "## Summary: …" heading naming `sources`, the
/// AI-generated notice and method, any fallback note, one bullet per sentence (under
/// "###" section headings when structured) with a footnote per citation naming the
/// cited file, page, section and character range, the flags in italics, and the
/// provenance line.
pub fn summary_markdown(summary: &Summary, sources: &[SourceLabel]) -> String {
    let w = words(summary.lang);
    let mut out = String::new();
    let _ = writeln!(out, "## {}: {}\n", w.summary, sources_title(sources));
    let _ = writeln!(out, "*{} — {}*\n", notice(summary, &w), method(summary));
    if let Some(why) = &summary.provenance.fallback {
        let _ = writeln!(out, "> **Note:** {why}\n");
    }
    let mut notes = String::new();
    let mut n = 0;
    for (heading, sentence, extra) in items(summary) {
        if let Some(h) = heading {
            let _ = writeln!(out, "\n### {h}\n");
        }
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
                file_of(sources, &c.span.doc),
                w.page,
                c.span.page,
                w.chars,
                c.span.start,
                c.span.end
            );
        }
        let flags = flag_text(sentence, summary.lang);
        let flags = if flags.is_empty() {
            flags
        } else {
            format!(" *{}*", flags.trim_start())
        };
        let _ = writeln!(out, "- {}{extra}{marks}{flags}", sentence.text);
    }
    let _ = writeln!(out, "\n<sub>{}</sub>", provenance_line(summary));
    if !notes.is_empty() {
        let _ = writeln!(out, "\n{notes}");
    }
    out
}

/// The summary as plain text: the same parts as [`summary_markdown`], with page
/// references in brackets instead of footnotes.
pub fn summary_text(summary: &Summary, sources: &[SourceLabel]) -> String {
    let w = words(summary.lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", w.summary, sources_title(sources));
    let _ = writeln!(out, "[{} — {}]\n", notice(summary, &w), method(summary));
    if let Some(why) = &summary.provenance.fallback {
        let _ = writeln!(out, "Note: {why}\n");
    }
    for (heading, sentence, extra) in items(summary) {
        if let Some(h) = heading {
            let _ = writeln!(out, "\n{h}:");
        }
        let _ = writeln!(
            out,
            "* {}{extra}{}{}",
            sentence.text,
            page_refs(sentence, summary.lang),
            flag_text(sentence, summary.lang)
        );
    }
    let _ = writeln!(out, "\n{}", provenance_line(summary));
    out
}
