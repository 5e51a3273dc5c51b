//! A summary as Markdown with footnote citations, or as plain text with page
//! references (both written by `hkpilot-export`, which the server shares), several
//! side by side, or one as a Word file.

use hkpilot_core::{Document, Summary};
use hkpilot_export::markdown::{flag_text, page_refs, provenance_line, sources_title};
use hkpilot_export::{summary_markdown, summary_text, SourceLabel};
use std::fmt::Write;
use std::path::PathBuf;

/// How the renderings name each file: its title, else the path as given, and the
/// path in every footnote.
fn sources(docs: &[(&PathBuf, &Document)]) -> Vec<SourceLabel> {
    docs.iter()
        .map(|(f, d)| {
            SourceLabel::new(
                d.id.clone(),
                d.meta.title.as_deref(),
                f.display().to_string(),
            )
        })
        .collect()
}

pub fn markdown(docs: &[(&PathBuf, &Document)], summary: &Summary) -> String {
    summary_markdown(summary, &sources(docs))
}

pub fn text(docs: &[(&PathBuf, &Document)], summary: &Summary) -> String {
    summary_text(summary, &sources(docs))
}

/// Several summaries side by side: a Markdown table, one column per file, one row
/// per point, each point with its page references.
pub fn side_by_side(
    all: &[(PathBuf, Document)],
    outputs: &[crate::commands::SummaryOutput],
) -> String {
    let mut out = String::new();
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let title = |o: &crate::commands::SummaryOutput| {
        cell(&sources_title(&sources(&crate::commands::docs_of(all, o))))
    };
    let heads: Vec<String> = outputs.iter().map(title).collect();
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
                    let lang = o.summary.lang;
                    cell(&format!(
                        "{}{}{}",
                        s.text,
                        page_refs(s, lang),
                        flag_text(s, lang)
                    ))
                })
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", r + 1, cells.join(" | "));
    }
    for o in outputs {
        let _ = writeln!(
            out,
            "\n<sub>{}: {}</sub>",
            title(o),
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
