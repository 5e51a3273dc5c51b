//! A summary as Markdown with footnote citations, or as plain text with page
//! references. Labels follow the summary's language.

use hkpilot_core::{Document, Lang, SentenceFlag, Summary, SummaryMethod, SummarySentence};
use std::fmt::Write;
use std::path::PathBuf;

struct Labels {
    summary: &'static str,
    page: &'static str,
    chars: &'static str,
    notice: &'static str,
    no_citation: &'static str,
    unsupported: &'static str,
    not_in_source: &'static str,
    model_notice: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            summary: "Summary",
            page: "p.",
            chars: "characters",
            notice: "AI-generated summary; every point is quoted from and linked to the source. Check it against the original before use.",
            no_citation: "no source cited",
            unsupported: "not supported by the cited source",
            not_in_source: "not found in the cited source",
            model_notice: "AI-generated summary written by a language model; each point links to the source it is based on, and points the checks could not confirm are marked. Check it against the original before use.",
        },
        Lang::ZhHant => Labels {
            summary: "摘要",
            page: "頁",
            chars: "字元",
            notice: "本摘要由人工智能生成，每一要點均引自原文並附出處。使用前請與原文核對。",
            no_citation: "未註明出處",
            unsupported: "所引原文未能支持此句",
            not_in_source: "所引原文中找不到",
            model_notice: "本摘要由人工智能語言模型撰寫，每一要點均連結所據原文，未能核實的要點已標示。使用前請與原文核對。",
        },
        Lang::ZhHans => Labels {
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
fn notice(summary: &Summary, l: &Labels) -> &'static str {
    match summary.method {
        SummaryMethod::Abstractive { .. } => l.model_notice,
        SummaryMethod::Extractive { .. } => l.notice,
    }
}

/// What the checks found, for people: "⚠ not found in the cited source: HK$3 billion".
fn flag_text(sentence: &SummarySentence, l: &Labels) -> String {
    sentence
        .flags
        .iter()
        .map(|f| match f {
            SentenceFlag::NoCitation => format!(" ⚠ {}", l.no_citation),
            SentenceFlag::Unsupported => format!(" ⚠ {}", l.unsupported),
            SentenceFlag::NotInSource { text, .. } => format!(" ⚠ {}: {text}", l.not_in_source),
        })
        .collect()
}

/// One line on how the summary was made: model, settings, source hashes.
fn provenance_line(summary: &Summary) -> String {
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

pub fn markdown(docs: &[(&PathBuf, &Document)], summary: &Summary) -> String {
    let l = labels(summary.lang);
    let mut out = String::new();
    let _ = writeln!(out, "## {}: {}\n", l.summary, title(docs));
    let _ = writeln!(out, "*{} — {}*\n", notice(summary, &l), method(summary));
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
                file_of(docs, &c.span.doc),
                l.page,
                c.span.page,
                l.chars,
                c.span.start,
                c.span.end
            );
        }
        let flags = flag_text(sentence, &l);
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

pub fn text(docs: &[(&PathBuf, &Document)], summary: &Summary) -> String {
    let l = labels(summary.lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", l.summary, title(docs));
    let _ = writeln!(out, "[{} — {}]\n", notice(summary, &l), method(summary));
    if let Some(why) = &summary.provenance.fallback {
        let _ = writeln!(out, "Note: {why}\n");
    }
    for (heading, sentence, extra) in items(summary) {
        if let Some(h) = heading {
            let _ = writeln!(out, "\n{h}:");
        }
        let pages: Vec<String> = sentence
            .citations
            .iter()
            .map(|c| format!("{} {}", l.page, c.span.page))
            .collect();
        let cited = if pages.is_empty() {
            String::new()
        } else {
            format!(" ({})", pages.join(", "))
        };
        let _ = writeln!(
            out,
            "* {}{extra}{cited}{}",
            sentence.text,
            flag_text(sentence, &l)
        );
    }
    let _ = writeln!(out, "\n{}", provenance_line(summary));
    out
}

/// Several summaries side by side: a Markdown table, one column per file, one row
/// per point, each point with its page references.
pub fn side_by_side(
    all: &[(PathBuf, Document)],
    outputs: &[crate::commands::SummaryOutput],
) -> String {
    let mut out = String::new();
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let heads: Vec<String> = outputs
        .iter()
        .map(|o| cell(&title(&crate::commands::docs_of(all, o))))
        .collect();
    let _ = writeln!(out, "| # | {} |", heads.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(heads.len()));
    let rows = outputs
        .iter()
        .map(|o| o.summary.sentences.len())
        .max()
        .unwrap_or(0);
    for r in 0..rows {
        let cells: Vec<String> = outputs
            .iter()
            .map(|o| {
                o.summary.sentences.get(r).map_or(String::new(), |s| {
                    let l = labels(o.summary.lang);
                    let pages: Vec<String> = s
                        .citations
                        .iter()
                        .map(|c| format!("{} {}", l.page, c.span.page))
                        .collect();
                    let pages = if pages.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", pages.join(", "))
                    };
                    cell(&format!("{}{pages}{}", s.text, flag_text(s, &l)))
                })
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", r + 1, cells.join(" | "));
    }
    for o in outputs {
        let _ = writeln!(
            out,
            "\n<sub>{}: {}</sub>",
            cell(&title(&crate::commands::docs_of(all, o))),
            provenance_line(&o.summary)
        );
    }
    out
}

/// One summary as a Word document (citations as footnotes).
pub fn docx(
    all: &[(PathBuf, Document)],
    outputs: &[crate::commands::SummaryOutput],
) -> Result<Vec<u8>, crate::error::CliError> {
    let [only] = outputs else {
        return Err(crate::error::CliError::usage(
            "one_summary_per_docx",
            "--format docx writes one summary per file: summarise one file, or use --together",
        ));
    };
    let sources: Vec<hkpilot_export::SourceInfo> = crate::commands::docs_of(all, only)
        .iter()
        .map(|(f, d)| hkpilot_export::SourceInfo {
            title: d.meta.title.clone().unwrap_or_default(),
            file_name: f.file_name().map(|n| n.to_string_lossy().into_owned()),
            content_hash: d.meta.content_hash.clone(),
        })
        .collect();
    hkpilot_export::summary_docx(&only.summary, &sources)
        .map_err(|e| crate::error::CliError::internal(format!("cannot write the Word file: {e}")))
}
