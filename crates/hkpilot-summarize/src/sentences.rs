//! Turns documents into the list of candidate sentences, each with the exact span,
//! page, block and section a citation needs, and its keyword terms for ranking.

use hkpilot_core::{BlockKind, Document};
use hkpilot_text::script::is_han;
use hkpilot_text::{sentences::split_sentences, words::terms};
use std::collections::HashMap;
use std::ops::Range;

/// One sentence that may be selected.
#[derive(Debug, Clone)]
pub(crate) struct Unit<'a> {
    /// Index of the document in the caller's slice.
    pub doc: usize,
    /// Index of the block in [`Document::blocks`].
    pub block: usize,
    /// Global section id (sections never span documents).
    pub section: usize,
    /// Character offsets into [`Document::text`].
    pub start: usize,
    pub end: usize,
    /// The sentence as it stands in the source (borrowed from the block's text).
    pub text: &'a str,
    /// The block's text from the sentence's start to the block's end: what a cut
    /// window may show when the sentence is shorter than the window.
    pub tail: &'a str,
    /// Ordinal among the candidates of its document (0 = first).
    pub pos_in_doc: usize,
    /// Ordinal among the candidates of its section (0 = the section's opening).
    pub pos_in_section: usize,
    /// True for the first candidate of its block (paragraph openers carry topics).
    pub first_in_block: bool,
    /// Keyword terms (from `hkpilot_text::words::terms`), as [`Vocab`] ids.
    pub terms: Vec<u32>,
}

/// Candidates plus what the documents held, for error messages.
#[derive(Debug, Default)]
pub(crate) struct Collected<'a> {
    pub units: Vec<Unit<'a>>,
    /// The terms the units' ids stand for.
    pub vocab: Vocab,
    /// Heading text of each section id (None before a document's first heading).
    pub section_heading: Vec<Option<&'a str>>,
    pub text_blocks: usize,
    pub table_blocks: usize,
    pub fragments: usize,
}

/// Collects candidate sentences from all documents in source order. Headings start
/// sections but are never candidates; page breaks are skipped; table rows are
/// candidates only when `include_tables` is set. Fragments too short to carry a
/// statement are dropped unless nothing else is left.
pub(crate) fn collect<'a>(docs: &[&'a Document], include_tables: bool) -> Collected<'a> {
    let mut out = Collected::default();
    // Short units kept aside in case the documents hold nothing longer.
    let mut fallback: Vec<Unit<'a>> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        out.section_heading.push(None);
        let mut pos = 0usize;
        let mut fallback_pos = 0usize;
        let mut in_section = 0usize;
        for block in &doc.blocks {
            let ranges: Vec<Range<usize>> = match &block.kind {
                BlockKind::PageBreak => continue,
                BlockKind::Heading { .. } => {
                    out.text_blocks += 1;
                    out.section_heading.push(Some(block.text.trim()));
                    in_section = 0;
                    continue;
                }
                BlockKind::Table { .. } => {
                    out.text_blocks += 1;
                    out.table_blocks += 1;
                    if !include_tables {
                        continue;
                    }
                    table_rows(&block.text)
                }
                BlockKind::Paragraph | BlockKind::ListItem { .. } => {
                    out.text_blocks += 1;
                    split_sentences(&block.text)
                }
            };
            let section = out.section_heading.len() - 1;
            let mut first = true;
            let mut cursor = CharCursor::default();
            for r in ranges {
                let Some(text) = block.text.get(r.clone()) else {
                    continue; // a range off a char boundary breaks the contract: skip it
                };
                let text_trimmed = text.trim();
                if text_trimmed.is_empty() {
                    continue;
                }
                // Trim again: the contract says ranges are trimmed, but a quote with
                // stray spaces would make a poor citation either way.
                let lead = text.len() - text.trim_start().len();
                let r = r.start + lead..r.start + lead + text_trimmed.len();
                let start = block.start + cursor.chars_at(&block.text, r.start);
                let end = start + text_trimmed.chars().count();
                let unit_terms = out.vocab.intern(terms(text_trimmed));
                let mut unit = Unit {
                    doc: d,
                    block: block.index,
                    section,
                    start,
                    end,
                    text: text_trimmed,
                    tail: block.text[r.start..].trim_end(),
                    pos_in_doc: pos,
                    pos_in_section: in_section,
                    first_in_block: first,
                    terms: unit_terms,
                };
                if is_statement(unit.text, unit.terms.len()) {
                    pos += 1;
                    in_section += 1;
                    first = false;
                    out.units.push(unit);
                } else {
                    out.fragments += 1;
                    if !unit.terms.is_empty() && has_letters(unit.text) {
                        unit.pos_in_doc = fallback_pos;
                        fallback_pos += 1;
                        fallback.push(unit);
                    }
                }
            }
        }
    }
    prefer_closed(&mut out.units);
    if out.units.is_empty() && !fallback.is_empty() {
        // Only short lines (a notice, a form): better to offer them than nothing.
        out.units = fallback;
    }
    out
}

/// Words that mark a heading as an overview of the whole document (English and
/// Chinese in both scripts).
const OVERVIEW_HEADINGS: &[&str] = &[
    "introduction",
    "summary",
    "overview",
    "background",
    "abstract",
    "preamble",
    "synopsis",
    "摘要",
    "概要",
    "引言",
    "前言",
    "背景",
    "簡介",
    "简介",
    "概述",
    "概覽",
    "概览",
    "總結",
    "总结",
    "導言",
    "导言",
    "撮要",
];

/// Whether a heading introduces or summarises the whole document ("1. Introduction",
/// "Executive Summary", "背景"): short, and naming one of [`OVERVIEW_HEADINGS`].
pub(crate) fn is_overview_heading(heading: &str) -> bool {
    let h = heading.to_lowercase();
    h.chars().count() <= 40 && OVERVIEW_HEADINGS.iter().any(|w| h.contains(w))
}

/// Interns terms: each distinct term gets a dense id, so that sentences keep 4-byte
/// ids rather than strings (a 1,000-page document has millions of term occurrences
/// but only tens of thousands of distinct terms).
#[derive(Debug, Default)]
pub(crate) struct Vocab {
    ids: HashMap<String, u32>,
    /// Term text by id.
    pub strings: Vec<String>,
}

impl Vocab {
    pub fn intern(&mut self, terms: Vec<String>) -> Vec<u32> {
        terms
            .into_iter()
            .map(|t| match self.ids.get(&t) {
                Some(&id) => id,
                None => {
                    let id = self.strings.len() as u32;
                    self.strings.push(t.clone());
                    self.ids.insert(t, id);
                    id
                }
            })
            .collect()
    }
}

#[cfg(test)]
thread_local! {
    static TEST_VOCAB: std::cell::RefCell<Vocab> = std::cell::RefCell::new(Vocab::default());
}

/// Test helper: ids for term strings, consistent within a test thread.
#[cfg(test)]
pub(crate) fn test_ids(terms: &[&str]) -> Vec<u32> {
    TEST_VOCAB.with(|v| {
        v.borrow_mut()
            .intern(terms.iter().map(|t| t.to_string()).collect())
    })
}

/// Test helper: the vocabulary [`test_ids`] has built on this thread.
#[cfg(test)]
pub(crate) fn test_vocab() -> Vocab {
    TEST_VOCAB.with(|v| {
        let v = v.borrow();
        Vocab {
            ids: v.ids.clone(),
            strings: v.strings.clone(),
        }
    })
}

/// Byte ranges of a table's rows (the rendered table has one row per line).
fn table_rows(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split('\n') {
        out.push(at..at + line.len());
        at += line.len() + 1;
    }
    out
}

/// Whether a sentence can carry a statement: enough keyword terms and enough words
/// (Han characters count one each, Latin words two, since a Chinese clause of six
/// characters says about as much as three English words), mostly letters rather
/// than figures, and not a line of a table of contents (no closing punctuation and a
/// page number at the end, like "Chapter II Governance 10 – 42", or a Markdown link).
fn is_statement(text: &str, n_terms: usize) -> bool {
    // A sentence ending in a colon introduces what follows ("人數如下：", "as
    // follows:"); alone it says nothing, so it is never a summary point.
    if text.trim_end().ends_with([':', '：']) {
        return false;
    }
    let closed = is_closed(text);
    // Headings glued to their page number ("… Northern Metropolis 43.") are contents
    // lines; title case alone is not enough, reports name many bodies in capitals.
    if is_title_like(text)
        && text
            .trim_end()
            .trim_end_matches('.')
            .ends_with(|c: char| c.is_ascii_digit())
    {
        return false;
    }
    // A contents line ends in its page number or has page ranges ("… 10 – 42").
    let ends_in_page_number = text.trim_end().ends_with(|c: char| c.is_ascii_digit());
    if (!closed && (ends_in_page_number || has_page_range(text))) || text.contains("](") {
        return false;
    }
    let mut han = 0usize;
    let mut latin_words = 0usize;
    let mut letters = 0usize;
    let mut visible = 0usize;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        visible += 1;
        if is_han(c) {
            han += 1;
            letters += 1;
            in_word = false;
        } else if c.is_alphabetic() {
            letters += 1;
            if !in_word {
                latin_words += 1;
            }
            in_word = true;
        } else {
            in_word = c == '\'' || c == '-';
        }
    }
    n_terms >= 2 && han + 2 * latin_words >= 8 && letters * 2 >= visible
}

/// Whether English text reads as a run of headings rather than prose: most of its
/// longer words capitalised ("Accelerate the Development of the Northern Metropolis
/// 43."), as contents pages and headings glued together by extraction are.
fn is_title_like(text: &str) -> bool {
    let (mut long, mut capital) = (0usize, 0usize);
    for word in text.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '’')) {
        let mut chars = word.chars();
        let Some(first) = chars.next() else { continue };
        if word.chars().count() < 4 || is_han(first) {
            continue;
        }
        long += 1;
        // All-capital words are acronyms ("CSTB", "HKTDC"), not title case.
        if first.is_uppercase() && chars.any(char::is_lowercase) {
            capital += 1;
        }
    }
    long >= 4 && capital * 10 >= long * 7
}

/// Whether a sentence ends as prose does (full stop, question or exclamation mark,
/// semicolon; closing quotes and brackets allowed after it). Contents lines, running
/// heads and bullet labels usually do not.
pub(crate) fn is_closed(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', ')', '）', '」', '』', '”', '’'])
        .ends_with(['.', '!', '?', '。', '！', '？', ';', '；'])
}

/// Drops unclosed units (headline-like list items, contents lines that escaped the
/// page-number test) when the documents hold enough closed prose to choose from, and
/// renumbers the positions that the ranking's priors read.
fn prefer_closed(units: &mut Vec<Unit<'_>>) {
    let closed = units.iter().filter(|u| is_closed(u.text)).count();
    if closed < MIN_CLOSED_UNITS || closed < units.len() - closed {
        return;
    }
    units.retain(|u| is_closed(u.text));
    let (mut doc, mut section) = (usize::MAX, usize::MAX);
    let mut block = (usize::MAX, usize::MAX);
    let (mut pos, mut in_section) = (0, 0);
    for u in units.iter_mut() {
        if u.doc != doc {
            (doc, pos) = (u.doc, 0);
        }
        if u.section != section {
            (section, in_section) = (u.section, 0);
        }
        u.first_in_block = (u.doc, u.block) != block;
        block = (u.doc, u.block);
        u.pos_in_doc = pos;
        u.pos_in_section = in_section;
        pos += 1;
        in_section += 1;
    }
}

/// Closed sentences needed before unclosed ones are dropped: below this a short
/// notice made of bullet labels would lose most of its content.
const MIN_CLOSED_UNITS: usize = 12;

/// Whether the text holds a range of numbers written with a dash, "10 – 42" or
/// "10-42", as contents pages and indexes do.
fn has_page_range(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|c| *c != ' ').collect();
    chars
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && matches!(w[1], '–' | '—' | '-') && w[2].is_ascii_digit())
}

fn has_letters(text: &str) -> bool {
    text.chars().any(char::is_alphabetic)
}

/// Converts increasing byte offsets of one string into character offsets in one
/// pass; restarts from the beginning if an offset goes backwards.
#[derive(Debug, Default)]
struct CharCursor {
    byte: usize,
    chars: usize,
}

impl CharCursor {
    fn chars_at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            *self = CharCursor::default();
        }
        self.chars += text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_need_words_not_figures() {
        assert!(is_statement(
            "The Bureau will review the allowance next year.",
            5
        ));
        assert!(is_statement("政府會在明年檢討有關津貼。", 4));
        assert!(!is_statement("Table 3.", 1));
        assert!(!is_statement("1,234 5,678 9,012 3,456 7,890 HK$ m", 3));
        assert!(!is_statement("見附件。", 2));
        assert!(!is_statement("近年招聘之政務主任人數如下：", 4));
        assert!(!is_statement(
            "Steadfastly Implement One Country Two Systems and Strengthen Governance 10 – 42",
            8
        ));
        assert!(!is_statement(
            "- [1. Deepen Reforms](#1-deepen-reforms) and more words here",
            6
        ));
        assert!(is_statement(
            "In 2024, 35 new schools opened in 12 districts.",
            6
        ));
    }

    #[test]
    fn cursor_counts_chars_not_bytes() {
        let s = "政府 said. 你好。";
        let mut c = CharCursor::default();
        assert_eq!(c.chars_at(s, "政府 ".len()), 3);
        assert_eq!(c.chars_at(s, "政府 said. ".len()), 9);
        assert_eq!(c.chars_at(s, 0), 0);
    }

    #[test]
    fn overview_headings_are_recognised() {
        assert!(is_overview_heading("1. Introduction"));
        assert!(is_overview_heading("EXECUTIVE SUMMARY"));
        assert!(is_overview_heading("背景"));
        assert!(!is_overview_heading("Housing supply"));
        assert!(!is_overview_heading("醫療"));
    }

    #[test]
    fn headings_run_together_are_not_prose() {
        assert!(is_title_like(
            "Accelerate the Development of the Northern Metropolis 43."
        ));
        assert!(is_title_like(
            "Deepen Reforms and Committed to People’s Livelihood 1."
        ));
        assert!(!is_title_like(
            "The Culture, Sports and Tourism Bureau (CSTB) published the Blueprint for \
             Arts and Culture last year, setting out clear directions for policy."
        ));
        assert!(!is_title_like("政府會在明年檢討有關津貼。"));
    }

    #[test]
    fn closure_follows_prose_punctuation() {
        assert!(is_closed("政府會檢討津貼。"));
        assert!(is_closed("He said \"yes.\""));
        assert!(is_closed("（見附件）；"));
        assert!(!is_closed("1. Deepen Reforms and People's Livelihood"));
        assert!(!is_closed("費用如下："));
    }

    #[test]
    fn table_rows_cover_lines() {
        let t = "a | b\nc | d";
        let rows = table_rows(t);
        assert_eq!(&t[rows[0].clone()], "a | b");
        assert_eq!(&t[rows[1].clone()], "c | d");
    }
}
