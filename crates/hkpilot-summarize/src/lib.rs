//! Summarising pipelines. For now the extractive summariser: it needs no model, works
//! on English, Chinese and mixed text, and cites the exact span of every sentence.
//!
//! The pipeline: `sentences` lists candidate sentences with their spans and
//! sections (headings define sections and are never candidates; page breaks and,
//! by default, tables are skipped; fragments are dropped); `vectors` gives each a
//! sparse TF-IDF vector over `hkpilot_text::words::terms`; `rank` scores them by
//! continuous LexRank over the full sentence graph (computed exactly in linear time
//! without building the graph), centrality within their section, and position
//! priors in the document and in the section; `select` picks sentences greedily
//! (lazily evaluated) under the [`Length`] budget with a redundancy penalty and a
//! section-coverage discount that spares overview sections (preamble,
//! Introduction, Summary, 摘要…); for a headline-sized character budget `headline`
//! picks the cut window. The result is put back in source order, converted to the
//! requested Chinese script, and cited.

mod error;
mod headline;
mod length;
mod rank;
mod select;
mod sentences;
mod vectors;

pub use error::SummarizeError;
pub use length::Length;
pub use rank::Weights;

use hkpilot_core::{
    BlockKind, Citation, Document, Lang, Span, Summary, SummaryMethod, SummarySentence,
};
use hkpilot_text::{convert::convert, script::detect_lang, script::is_han};

/// Name recorded in [`SummaryMethod::Extractive`].
pub const EXTRACTIVE_ALGORITHM: &str = "lexrank-sections-mmr";

/// Options of [`summarize_extractive`].
#[derive(Debug, Clone, Default)]
pub struct ExtractiveOptions {
    /// How long the summary should be.
    pub length: Length,
    /// Output script for Chinese sentences: `ZhHant` or `ZhHans` converts every
    /// selected Chinese sentence; `En` or `None` leaves sentences as written
    /// (an extractive summary cannot translate). Citations always quote the source.
    pub lang: Option<Lang>,
    /// Let table rows compete as sentences (off by default: rows are rarely
    /// statements and read badly out of their table).
    pub include_tables: bool,
    /// Ranking weights; the defaults are the measured ones.
    pub weights: Weights,
}

/// Summarises one or more documents together by selecting their most central,
/// least redundant sentences, spread over their sections, in source order
/// (documents in the order given). Each sentence cites its own document.
pub fn summarize_extractive(
    docs: &[&Document],
    opts: &ExtractiveOptions,
) -> Result<Summary, SummarizeError> {
    if docs.is_empty() {
        return Err(SummarizeError::NoDocuments);
    }
    opts.length.validate()?;
    let mut collected = sentences::collect(docs, opts.include_tables);
    if collected.units.is_empty() && !opts.include_tables && collected.table_blocks > 0 {
        // A reply made only of tables (common in answers to LegCo questions) still
        // deserves a summary: its rows are its content.
        collected = sentences::collect(docs, true);
    }
    if collected.units.is_empty() {
        return Err(nothing_to_summarise(&collected));
    }
    let units = &collected.units;
    let vectors = vectors::Vectors::build(units);
    let salience = rank::salience(units, &vectors, &opts.weights);
    let budget = opts.length.budget(units.len());
    let spread: Vec<bool> = collected
        .section_heading
        .iter()
        .map(|h| h.is_some_and(|h| !sentences::is_overview_heading(h)))
        .collect();
    let mut choices = select::select(
        units,
        &collected.vocab,
        &vectors,
        &salience,
        &spread,
        budget,
        &opts.weights,
    );

    let mut sentences: Vec<SummarySentence> = Vec::with_capacity(choices.len());
    for choice in &choices {
        sentences.push(cite(docs, &collected, choice, opts.lang));
    }
    // Script conversion may change a sentence's length; keep the ceiling a ceiling by
    // dropping the least salient sentences until the text fits again.
    if let Some(max) = budget.max_chars {
        while sentences.len() > 1 && joined_chars(&sentences) > max {
            let worst = (0..choices.len())
                .min_by(|&a, &b| salience[choices[a].unit].total_cmp(&salience[choices[b].unit]))
                .unwrap_or(0);
            choices.remove(worst);
            sentences.remove(worst);
        }
        if let [only] = sentences.as_mut_slice() {
            if only.text.chars().count() > max {
                // One sentence that conversion lengthened: cut its text again.
                only.text = if max > 1 {
                    only.text.chars().take(max - 1).chain(['…']).collect()
                } else {
                    only.text.chars().take(max).collect()
                };
            }
        }
    }
    let lang = summary_lang(docs, &sentences, opts.lang);
    Ok(Summary {
        documents: docs.iter().map(|d| d.id.clone()).collect(),
        method: SummaryMethod::Extractive {
            algorithm: EXTRACTIVE_ALGORITHM.to_string(),
        },
        lang,
        sentences,
        ai_generated: true,
        structured: None,
        provenance: hkpilot_core::Provenance {
            source_hashes: docs.iter().map(|d| d.meta.content_hash.clone()).collect(),
            ..Default::default()
        },
    })
}

/// Builds the summary sentence and its citation for one choice.
fn cite(
    docs: &[&Document],
    collected: &sentences::Collected<'_>,
    choice: &select::Choice,
    lang: Option<Lang>,
) -> SummarySentence {
    let unit = &collected.units[choice.unit];
    let doc = docs[unit.doc];
    let (quote, clipped) = match choice.clip {
        // A cut window may run past the sentence, within its block.
        Some(max) => headline::clip(&unit.tail[headline::byte_at(unit.tail, choice.skip)..], max),
        None => (unit.text, false),
    };
    let start = unit.start + choice.skip;
    let end = start + quote.chars().count();
    // A table row reads better without its empty cells; the quote keeps them so that
    // it stays the exact source text.
    let shown = if matches!(doc.blocks[unit.block].kind, BlockKind::Table { .. }) {
        std::borrow::Cow::Owned(without_empty_cells(quote))
    } else {
        std::borrow::Cow::Borrowed(quote)
    };
    let mut text = match lang {
        Some(l) if l.is_chinese() && shown.chars().any(is_han) => convert(&shown, l),
        _ => shown.into_owned(),
    };
    if clipped {
        text.push('…');
    }
    SummarySentence {
        text,
        citations: vec![Citation {
            span: Span {
                doc: doc.id.clone(),
                start,
                end,
                page: doc.page_at(start),
                block: unit.block,
            },
            quote: quote.to_string(),
            section: collected.section_heading[unit.section].map(str::to_string),
        }],
        flags: Vec::new(),
    }
}

/// A rendered table row ("a | b |  | 3") with its blank cells left out ("a | b | 3").
fn without_empty_cells(row: &str) -> String {
    row.split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Characters of the summary as [`Summary::text`] joins it (an upper bound: one
/// separator counted between every two sentences).
fn joined_chars(sentences: &[SummarySentence]) -> usize {
    let text: usize = sentences.iter().map(|s| s.text.chars().count()).sum();
    text + sentences.len().saturating_sub(1)
}

/// The language the summary is actually written in: the requested Chinese script
/// when there is Chinese to convert; English when Latin letters dominate; otherwise
/// the Chinese script the source documents were detected in at ingestion (more
/// evidence than a few sentences), falling back to detecting the summary itself.
fn summary_lang(
    docs: &[&Document],
    sentences: &[SummarySentence],
    requested: Option<Lang>,
) -> Lang {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in sentences.iter().flat_map(|s| s.text.chars()) {
        if is_han(c) {
            han += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    match requested {
        Some(l) if l.is_chinese() && han > 0 => l,
        _ if han == 0 || latin > 2 * han => Lang::En,
        _ => docs
            .iter()
            .filter_map(|d| d.meta.languages.primary)
            .find(|l| l.is_chinese())
            .or_else(|| {
                let joined: String = sentences.iter().map(|s| s.text.as_str()).collect();
                detect_lang(&joined).primary
            })
            .unwrap_or(Lang::ZhHant),
    }
}

/// The error for documents without a single candidate sentence, saying what they
/// did contain.
fn nothing_to_summarise(c: &sentences::Collected<'_>) -> SummarizeError {
    if c.text_blocks == 0 {
        return SummarizeError::EmptyDocument;
    }
    let what = if c.table_blocks > 0 && c.fragments == 0 {
        "tables"
    } else if c.table_blocks > 0 {
        "tables, headings, numbers or fragments"
    } else {
        "headings, numbers or fragments"
    };
    SummarizeError::NoSentences {
        what: what.to_string(),
    }
}
