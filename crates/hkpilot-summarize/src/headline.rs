//! Headline-sized budgets: when the most salient sentence is longer than the whole
//! character budget, the summary is one cut sentence. Which sentence, and which of
//! its clauses to start from, is chosen so that the part shown says the most:
//! leading clauses such as "日前，" or "In a statement on Monday," spend the budget on
//! nothing.

use crate::rank::Weights;
use crate::select::Choice;
use crate::sentences::{Unit, Vocab};
use crate::vectors::Vectors;
use hkpilot_text::script::is_han;

/// How many of the most salient sentences compete for the cut.
const CANDIDATES: usize = 2;
/// How many clause openings of each sentence are tried.
const CLAUSES: usize = 3;

/// The best cut window: among the most salient sentences and their first clause
/// openings, the one whose visible part is closest to the document's centroid,
/// plus a prior for how early in its document the clause starts (counted in
/// clauses, which is what a cut budget spends).
pub(crate) fn best_window(
    units: &[Unit<'_>],
    vocab: &Vocab,
    vectors: &Vectors,
    salience: &[f32],
    max_chars: usize,
    w: &Weights,
) -> Option<Choice> {
    let mut order: Vec<usize> = (0..units.len()).collect();
    let top = CANDIDATES.min(order.len());
    if top == 0 {
        return None;
    }
    // Partial sort: linear, whatever the document's length.
    order.select_nth_unstable_by(top - 1, |&a, &b| {
        salience[b].total_cmp(&salience[a]).then(a.cmp(&b))
    });
    order.truncate(top);
    let centroid = vectors.centroid();
    // Clause ordinal of each candidate's first clause within its document.
    let mut first_clause = vec![0usize; units.len()];
    let mut counted = 0usize;
    for (i, u) in units.iter().enumerate() {
        if i > 0 && units[i - 1].doc != u.doc {
            counted = 0;
        }
        first_clause[i] = counted;
        counted += clause_starts(u.text).len();
    }
    let mut best: Option<(f32, Choice)> = None;
    for &u in &order {
        let text = units[u].text;
        for (k, skip) in clause_starts(text).into_iter().take(CLAUSES).enumerate() {
            // The window runs on past the sentence's end within its paragraph, as a
            // reader's eye would.
            let from = byte_at(units[u].tail, skip);
            let (shown, _) = clip(&units[u].tail[from..], max_chars);
            let v = vectors.vectorise(window_terms(units, vocab, u, shown));
            let fit: f32 = v.iter().map(|&(t, x)| x * centroid[t as usize]).sum();
            let ordinal = (first_clause[u] + k) as f32;
            let score = fit + w.headline_prior / (1.0 + ordinal / 3.0).sqrt();
            let choice = Choice {
                unit: u,
                skip,
                clip: Some(max_chars),
            };
            if best
                .as_ref()
                .is_none_or(|(s, c)| score > *s || (score == *s && u < c.unit))
            {
                best = Some((score, choice));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// The terms of a window of text starting in sentence `u`: the terms of `u` and of
/// the sentences after it in the same block that appear in the window. Looking the
/// already-segmented terms up in the window, instead of segmenting every window
/// again, keeps headline budgets as cheap as the rest; a stemmed English term that
/// is not a substring of its word is missed, which only blurs the score.
fn window_terms(units: &[Unit<'_>], vocab: &Vocab, u: usize, shown: &str) -> Vec<u32> {
    let lower = shown.to_lowercase();
    let end = units[u].start + units[u].tail.chars().count();
    let mut out = Vec::new();
    for next in &units[u..] {
        if next.block != units[u].block || next.doc != units[u].doc || next.start >= end {
            break;
        }
        for &id in &next.terms {
            if lower.contains(vocab.strings[id as usize].as_str()) {
                out.push(id);
            }
        }
    }
    out
}

/// Byte offset of the `ch`-th character.
pub(crate) fn byte_at(text: &str, ch: usize) -> usize {
    text.char_indices().nth(ch).map_or(text.len(), |(b, _)| b)
}

/// Character offsets where a clause of `text` starts: 0, and after each comma,
/// semicolon or colon (Chinese or Latin) that is followed by more text.
fn clause_starts(text: &str) -> Vec<usize> {
    let mut out = vec![0];
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '，' | ',' | '；' | ';' | '：' | ':' | '、') {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if j < chars.len() {
                out.push(j);
            }
        }
    }
    out
}

/// Cuts a sentence to at most `max` characters including the ellipsis that marks the
/// cut: at the last space for Latin text (no half words), anywhere for Chinese.
/// Returns the kept text and whether it was cut.
pub(crate) fn clip(text: &str, max: usize) -> (&str, bool) {
    if text.chars().count() <= max {
        return (text, false);
    }
    let keep = max.saturating_sub(1).max(1).min(max);
    let byte = text.char_indices().nth(keep).map_or(text.len(), |(b, _)| b);
    let mut cut = &text[..byte];
    let next_is_word = text[byte..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() && !is_han(c));
    if next_is_word {
        if let Some(space) = cut.rfind(char::is_whitespace) {
            if space > 0 {
                cut = &cut[..space];
            }
        }
    }
    // A one-character budget has no room for the ellipsis.
    (cut.trim_end(), max > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_whole_words_and_the_budget() {
        let (cut, clipped) = clip("The Bureau will review allowances.", 20);
        assert!(clipped);
        assert_eq!(cut, "The Bureau will");
        let (cut, clipped) = clip("政府會在明年檢討有關津貼。", 6);
        assert!(clipped);
        assert_eq!(cut, "政府會在明");
        assert_eq!(clip("short", 10), ("short", false));
        let (cut, _) = clip("abcdef", 1);
        assert_eq!(cut.chars().count(), 1);
    }

    #[test]
    fn window_terms_come_from_the_sentences_it_shows() {
        let mut vocab = Vocab::default();
        let mut unit =
            |start: usize, text: &'static str, tail: &'static str, terms: &[&str]| Unit {
                doc: 0,
                block: 0,
                section: 0,
                start,
                end: start + text.chars().count(),
                text,
                tail,
                pos_in_doc: 0,
                pos_in_section: 0,
                first_in_block: true,
                terms: vocab.intern(terms.iter().map(|t| t.to_string()).collect()),
            };
        let units = [
            unit(
                0,
                "日前，政府公布房屋政策。",
                "日前，政府公布房屋政策。交通費用下調。",
                &["日前", "政府", "公布", "房屋", "政策"],
            ),
            unit(
                12,
                "交通費用下調。",
                "交通費用下調。",
                &["交通", "費用", "下調"],
            ),
        ];
        let shown = "政府公布房屋政策。交通";
        let got = window_terms(&units, &vocab, 0, shown);
        // Ids are given in order of first appearance: 日前 = 0, 政府 = 1, … 交通 = 5.
        assert_eq!(got, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn clauses_start_after_commas_of_both_scripts() {
        assert_eq!(clause_starts("日前，方舟子發文。"), vec![0, 3]);
        assert_eq!(
            clause_starts("On Monday, the Bureau said: yes"),
            vec![0, 11, 28]
        );
        assert_eq!(clause_starts("trailing,"), vec![0]);
    }
}
