//! ROUGE-1, ROUGE-2 and ROUGE-L (precision, recall, F1), computed as Google's
//! `rouge-score` package computes them.
//!
//! English is tokenised as rouge-score does with `use_stemmer=True`; Chinese (any text
//! with a Han character, unless a tokeniser is forced) character by character, as the
//! project's Python scorer did for the numbers in BENCHMARKS.md. See [`Tokenizer`].

mod tokenize;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use tokenize::{tokenize, Tokenizer};

/// Precision, recall and F1 of one ROUGE measure, each in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Score {
    /// `matched` units over the candidate's and the reference's totals; a zero total
    /// counts as one, and F1 is 0 when precision and recall both are (as rouge-score).
    fn from_counts(matched: usize, candidate_total: usize, reference_total: usize) -> Score {
        let precision = matched as f64 / candidate_total.max(1) as f64;
        let recall = matched as f64 / reference_total.max(1) as f64;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Score {
            precision,
            recall,
            f1,
        }
    }
}

/// ROUGE-1, ROUGE-2 and ROUGE-L of one candidate summary.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RougeScores {
    pub rouge1: Score,
    pub rouge2: Score,
    pub rouge_l: Score,
}

/// Scores `candidate` against one `reference`.
pub fn rouge(candidate: &str, reference: &str, tokenizer: Tokenizer) -> RougeScores {
    rouge_multi(candidate, &[reference], tokenizer)
}

/// Scores `candidate` against several references, keeping for each measure
/// separately the reference with the highest F1 (the first one on a tie), as
/// rouge-score's `score_multi` does: ROUGE-1 and ROUGE-L may come from different
/// references. [`Tokenizer::Auto`] is settled once over the candidate and all
/// references, so that every comparison uses the same tokeniser. With no references
/// every score is 0.
pub fn rouge_multi<S: AsRef<str>>(
    candidate: &str,
    references: &[S],
    tokenizer: Tokenizer,
) -> RougeScores {
    let tokenizer =
        tokenizer.resolve(std::iter::once(candidate).chain(references.iter().map(AsRef::as_ref)));
    let mut vocabulary = Vocabulary::default();
    let candidate = vocabulary.ids(candidate, tokenizer);
    let mut best: Option<RougeScores> = None;
    for reference in references {
        let reference = vocabulary.ids(reference.as_ref(), tokenizer);
        let scores = RougeScores {
            rouge1: ngram_score(&candidate, &reference, 1),
            rouge2: ngram_score(&candidate, &reference, 2),
            rouge_l: lcs_score(&candidate, &reference),
        };
        best = Some(match best {
            None => scores,
            Some(b) => RougeScores {
                rouge1: better(b.rouge1, scores.rouge1),
                rouge2: better(b.rouge2, scores.rouge2),
                rouge_l: better(b.rouge_l, scores.rouge_l),
            },
        });
    }
    best.unwrap_or_default()
}

fn better(kept: Score, new: Score) -> Score {
    if new.f1 > kept.f1 {
        new
    } else {
        kept
    }
}

/// Tokens as small integers, shared by the candidate and its references, so that
/// n-gram counting and the LCS compare integers rather than strings.
#[derive(Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
}

impl Vocabulary {
    fn ids(&mut self, text: &str, tokenizer: Tokenizer) -> Vec<u32> {
        tokenize(text, tokenizer)
            .into_iter()
            .map(|token| {
                let next = self.ids.len() as u32;
                *self.ids.entry(token).or_insert(next)
            })
            .collect()
    }
}

fn ngram_counts(tokens: &[u32], n: usize) -> HashMap<&[u32], usize> {
    let mut counts = HashMap::new();
    if tokens.len() >= n {
        for gram in tokens.windows(n) {
            *counts.entry(gram).or_insert(0) += 1;
        }
    }
    counts
}

/// ROUGE-N: clipped n-gram overlap (each n-gram counts at most as often as it occurs
/// on both sides).
fn ngram_score(candidate: &[u32], reference: &[u32], n: usize) -> Score {
    let candidate_counts = ngram_counts(candidate, n);
    let reference_counts = ngram_counts(reference, n);
    let matched = reference_counts
        .iter()
        .map(|(gram, r)| (*r).min(candidate_counts.get(gram).copied().unwrap_or(0)))
        .sum();
    Score::from_counts(
        matched,
        candidate_counts.values().sum(),
        reference_counts.values().sum(),
    )
}

/// ROUGE-L: longest common subsequence over the candidate's and reference's lengths;
/// 0 when either is empty.
fn lcs_score(candidate: &[u32], reference: &[u32]) -> Score {
    if candidate.is_empty() || reference.is_empty() {
        return Score::default();
    }
    Score::from_counts(
        lcs_len(candidate, reference),
        candidate.len(),
        reference.len(),
    )
}

/// Length of the longest common subsequence: the O(n·m) dynamic programme keeping one
/// row over the shorter sequence, so memory is O(min(n, m)).
fn lcs_len(a: &[u32], b: &[u32]) -> usize {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut row = vec![0usize; short.len() + 1];
    for &x in long {
        // `diagonal` is the previous row's value at j - 1.
        let mut diagonal = 0;
        for (j, &y) in short.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[short.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn lcs_length_by_hand() {
        assert_eq!(lcs_len(&[1, 2, 3, 4], &[2, 4]), 2);
        assert_eq!(lcs_len(&[1, 2, 3], &[3, 2, 1]), 1);
        assert_eq!(lcs_len(&[1, 3, 4, 1, 2, 1, 3], &[3, 4, 1, 2, 1, 3]), 6);
        assert_eq!(lcs_len(&[5, 6], &[7]), 0);
        // The row is kept over the shorter side whichever way round they come.
        assert_eq!(lcs_len(&[2, 4], &[1, 2, 3, 4]), 2);
    }

    #[test]
    fn ngrams_are_clipped_by_the_rarer_side() {
        // candidate "a a a", reference "a b": one unigram "a" matched, not three.
        let s = ngram_score(&[1, 1, 1], &[1, 2], 1);
        assert!(close(s.precision, 1.0 / 3.0) && close(s.recall, 0.5));
        assert!(close(s.f1, 0.4));
        // Too short for bigrams: precision and recall divide by one, F1 is 0.
        assert_eq!(ngram_score(&[1], &[1], 2), Score::default());
    }

    #[test]
    fn empty_sides_score_zero() {
        assert_eq!(
            rouge("", "the cat", Tokenizer::English),
            RougeScores::default()
        );
        assert_eq!(
            rouge("the cat", "...", Tokenizer::English),
            RougeScores::default()
        );
        assert_eq!(
            rouge_multi::<&str>("the cat", &[], Tokenizer::Auto),
            RougeScores::default()
        );
    }
}
