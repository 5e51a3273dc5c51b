//! Chunking: consecutive sentences grouped under a token budget, for map-reduce
//! summarising and embedding.
use crate::tokens::estimate_tokens;
use std::ops::Range;

/// Groups `sentences` (byte ranges into `text`, in order, as from `split_sentences`) into
/// chunks whose estimated token count stays within `budget`. Each chunk spans from its
/// first sentence's start to its last sentence's end. A sentence larger than the budget
/// becomes a chunk of its own rather than being cut mid-sentence, so a citation can
/// always point at whole sentences.
pub fn chunk_by_budget(text: &str, sentences: &[Range<usize>], budget: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut current: Option<(Range<usize>, usize)> = None;
    for s in sentences {
        let cost = estimate_tokens(&text[s.clone()]);
        current = match current {
            Some((r, used)) if used + cost <= budget => Some((r.start..s.end, used + cost)),
            Some((r, _)) => {
                out.push(r);
                Some((s.clone(), cost))
            }
            None => Some((s.clone(), cost)),
        };
    }
    out.extend(current.map(|(r, _)| r));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentences::split_sentences;

    #[test]
    fn groups_and_never_splits_a_sentence() {
        let text = "One two three. Four five six. Seven eight nine.";
        let s = split_sentences(text);
        let all = chunk_by_budget(text, &s, 1000);
        assert_eq!(all, vec![0..text.len()]);
        let each = chunk_by_budget(text, &s, 1);
        assert_eq!(each, s);
        assert!(chunk_by_budget(text, &[], 10).is_empty());
    }
}
