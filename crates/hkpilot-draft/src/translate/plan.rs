//! Planning a translation: blocks into units (a heading, a paragraph, a list item, a
//! table cell), each routed to the model or kept, units cut into segments at sentence
//! ends, and segments packed into chunks under a token budget counted by the model's
//! own tokenizer.

use hkpilot_core::{BlockKind, Document, Lang};
use hkpilot_llm::{LlmBackend, LlmError};
use hkpilot_text::script::{detect_lang, script_evidence};
use hkpilot_text::sentences::split_sentences;

/// Most lines in one chunk: small models lose count of longer numbered lists.
pub(crate) const MAX_LINES: usize = 12;

/// What happens to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Written in the other language: the model translates it.
    Model,
    /// Already in the target language (Chinese is converted to the target script).
    Kept,
    /// No letters at all (figures, codes): copied as it is.
    Copied,
}

/// One piece of text translated as a whole.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// Position of its block in the document's blocks.
    pub block: usize,
    /// For a table cell: (row, column).
    pub cell: Option<(usize, usize)>,
    pub text: String,
    /// The language the unit is written in, when it has letters.
    pub lang: Option<Lang>,
    pub route: Route,
}

/// Part of a unit sent to the model: whole sentences, in order.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub text: String,
    pub tokens: usize,
}

/// One line of a chunk: segment `seg` of unit `unit`.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub unit: usize,
    pub seg: usize,
    pub text: String,
}

/// Lines translated in one model call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chunk {
    pub lines: Vec<Line>,
    pub tokens: usize,
}

/// The units of a document, in block order (table cells row by row).
pub(crate) fn units(doc: &Document, to: Lang) -> Vec<Unit> {
    // Chinese that shows neither script (38万港元, 政府) is in the document's script.
    let script = doc
        .meta
        .languages
        .primary
        .filter(|l| l.is_chinese())
        .unwrap_or(Lang::ZhHant);
    let unit = |block, cell, text: &str| unit(block, cell, text, to, script);
    let mut out = Vec::new();
    for (i, b) in doc.blocks.iter().enumerate() {
        match &b.kind {
            BlockKind::PageBreak => {}
            BlockKind::Table { rows } => {
                for (r, row) in rows.iter().enumerate() {
                    for (c, cell) in row.iter().enumerate() {
                        if !cell.text.trim().is_empty() {
                            out.push(unit(i, Some((r, c)), &cell.text));
                        }
                    }
                }
            }
            _ => {
                if !b.text.trim().is_empty() {
                    out.push(unit(i, None, &b.text));
                }
            }
        }
    }
    out
}

fn unit(block: usize, cell: Option<(usize, usize)>, text: &str, to: Lang, script: Lang) -> Unit {
    let mut lang = detect_lang(text).primary;
    let e = script_evidence(text);
    if lang.is_some_and(Lang::is_chinese) && e.trad_only == 0 && e.simp_only == 0 {
        lang = Some(script);
    }
    let route = match lang {
        None => Route::Copied,
        Some(l) if l.is_chinese() == to.is_chinese() => Route::Kept,
        Some(_) => Route::Model,
    };
    Unit {
        block,
        cell,
        text: text.trim().to_string(),
        lang,
        route,
    }
}

/// `text` as segments of at most `budget` tokens: the whole text when it fits, else
/// consecutive sentences grouped under the budget (a sentence longer than the budget
/// is a segment of its own, never cut).
pub(crate) async fn segment(
    text: &str,
    budget: usize,
    backend: &dyn LlmBackend,
) -> Result<Vec<Segment>, LlmError> {
    let whole = backend.count_tokens(text).await?;
    if whole <= budget {
        return Ok(vec![Segment {
            text: text.to_string(),
            tokens: whole,
        }]);
    }
    let mut out: Vec<Segment> = Vec::new();
    let mut current: Option<Segment> = None;
    for r in split_sentences(text) {
        let s = &text[r];
        let tokens = backend.count_tokens(s).await?;
        current = match current.take() {
            Some(mut c) if c.tokens + tokens <= budget => {
                let joined = format!("{}{}{}", c.text, joiner(s), s);
                c.tokens += tokens;
                c.text = joined;
                Some(c)
            }
            Some(c) => {
                out.push(c);
                Some(Segment {
                    text: s.to_string(),
                    tokens,
                })
            }
            None => Some(Segment {
                text: s.to_string(),
                tokens,
            }),
        };
    }
    out.extend(current);
    if out.is_empty() {
        out.push(Segment {
            text: text.to_string(),
            tokens: whole,
        });
    }
    Ok(out)
}

/// What goes between two pieces of text when they are put back together: nothing
/// before Chinese, a space before anything else.
pub(crate) fn joiner(next: &str) -> &'static str {
    match next.chars().next() {
        Some(c) if hkpilot_text::script::is_han(c) || is_cjk_punct(c) => "",
        _ => " ",
    }
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

/// Joins translated pieces of one unit in the target language.
pub(crate) fn join(pieces: &[String], to: Lang) -> String {
    let mut out = String::new();
    for p in pieces.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        if !out.is_empty() && !to.is_chinese() {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

/// Packs segments into chunks of at most `budget` tokens and [`MAX_LINES`] lines, in
/// the order given. A segment larger than the budget is a chunk of its own.
pub(crate) fn pack<'a>(
    segments: impl IntoIterator<Item = (usize, usize, &'a Segment)>,
    budget: usize,
) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut current = Chunk::default();
    for (unit, seg, s) in segments {
        let full = current.lines.len() >= MAX_LINES || current.tokens + s.tokens > budget;
        if full && !current.lines.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.tokens += s.tokens;
        current.lines.push(Line {
            unit,
            seg,
            text: s.text.clone(),
        });
    }
    if !current.lines.is_empty() {
        out.push(current);
    }
    out
}

/// Sentences of `text` as the completeness check counts them: a Chinese semicolon
/// ends a clause, not a sentence an English translation would keep apart.
pub(crate) fn sentence_count(text: &str) -> usize {
    split_sentences(&text.replace('；', ";")).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(text: &str, tokens: usize) -> Segment {
        Segment {
            text: text.into(),
            tokens,
        }
    }

    #[test]
    fn packs_under_the_budget_and_keeps_large_segments_whole() {
        let s = [seg("a", 40), seg("b", 50), seg("c", 200), seg("d", 10)];
        let chunks = pack(s.iter().enumerate().map(|(i, s)| (i, 0, s)), 100);
        let lines: Vec<Vec<&str>> = chunks
            .iter()
            .map(|c| c.lines.iter().map(|l| l.text.as_str()).collect())
            .collect();
        assert_eq!(lines, vec![vec!["a", "b"], vec!["c"], vec!["d"]]);
    }

    #[test]
    fn joins_by_target_language() {
        let p = ["One.".to_string(), "Two.".to_string()];
        assert_eq!(join(&p, Lang::En), "One. Two.");
        let p = ["一。".to_string(), "二。".to_string()];
        assert_eq!(join(&p, Lang::ZhHant), "一。二。");
        assert_eq!(sentence_count("甲；乙。丙。"), 2);
    }
}
