//! Chooses sentences under the length budget: greedy, with a redundancy penalty and
//! a section-coverage discount (MMR-style), evaluated lazily so that long
//! documents cost O(n log n) rather than O(n × summary length).

use crate::headline;
use crate::length::Budget;
use crate::rank::Weights;
use crate::sentences::{Unit, Vocab};
use crate::vectors::Vectors;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One chosen sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Choice {
    /// Index into the candidate list.
    pub unit: usize,
    /// Characters skipped at the start of the sentence (a cut sentence may start
    /// at a later clause).
    pub skip: usize,
    /// Keep only this many characters (a sentence longer than the whole character
    /// budget, cut so that the summary is not empty).
    pub clip: Option<usize>,
}

#[derive(Debug, PartialEq)]
struct Entry {
    gain: f32,
    unit: usize,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Higher gain first; on ties the earlier sentence wins, for determinism.
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.unit.cmp(&self.unit))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Selects sentences and returns them in source order.
///
/// Every factor of the gain only shrinks as the selection grows (similarity to the
/// chosen set rises, section counts rise, the remaining budget falls), so a stale
/// gain is an upper bound and lazy re-evaluation picks exactly what the plain
/// greedy loop would.
///
/// `spread[s]` says whether section `s` takes the coverage discount. Overview
/// sections do not: the untitled opening of a document (before its first heading)
/// and sections headed Introduction, Summary, Background and the like are where
/// government papers summarise themselves, so several sentences from them are not
/// "piling on one section".
pub(crate) fn select(
    units: &[Unit<'_>],
    vocab: &Vocab,
    vectors: &Vectors,
    salience: &[f32],
    spread: &[bool],
    budget: Budget,
    w: &Weights,
) -> Vec<Choice> {
    let n = units.len();
    let lens: Vec<usize> = units.iter().map(|u| u.end - u.start).collect();
    if let Some(max) = budget.max_chars {
        // When the most salient sentence alone is longer than the whole budget (a
        // headline-sized budget), the summary is one cut sentence: whatever fits
        // instead is less salient, so it carries less per character.
        let best = (0..n).max_by(|&a, &b| salience[a].total_cmp(&salience[b]).then(b.cmp(&a)));
        if best.is_some_and(|b| lens[b] > max) {
            if let Some(window) = headline::best_window(units, vocab, vectors, salience, max, w) {
                return vec![window];
            }
        }
    }
    let sections = units.iter().map(|u| u.section + 1).max().unwrap_or(0);
    let mut section_count = vec![0u32; sections];
    let mut max_sim = vec![0.0f32; n];
    let mut checked = vec![0usize; n];
    let mut chosen: Vec<usize> = Vec::new();
    let mut used = 0usize;

    let gain = |i: usize, max_sim: f32, section_count: &[u32]| -> f32 {
        let novelty = (1.0 - w.redundancy * max_sim).max(0.0);
        let section = units[i].section;
        let repeat = if spread.get(section).copied().unwrap_or(true) {
            w.section_repeat
        } else {
            0.0
        };
        let coverage = 1.0 + repeat * section_count[section] as f32;
        let mut g = salience[i].max(0.0) * novelty / coverage;
        if budget.max_chars.is_some() {
            g /= (lens[i].max(1) as f32).powf(w.length_exponent);
        }
        g
    };

    let mut heap: BinaryHeap<Entry> = (0..n)
        .map(|i| Entry {
            gain: gain(i, 0.0, &section_count),
            unit: i,
        })
        .collect();
    while chosen.len() < budget.max_sentences {
        let Some(Entry { unit: i, .. }) = heap.pop() else {
            break;
        };
        if let Some(max) = budget.max_chars {
            let sep = usize::from(!chosen.is_empty());
            if used + sep + lens[i] > max {
                continue; // the remaining budget only shrinks: it will never fit
            }
        }
        for &c in &chosen[checked[i]..] {
            max_sim[i] = max_sim[i].max(vectors.dot(i, c));
        }
        checked[i] = chosen.len();
        let g = gain(i, max_sim[i], &section_count);
        if heap.peek().is_some_and(|top| top.gain > g) {
            heap.push(Entry { gain: g, unit: i });
            continue;
        }
        used += usize::from(!chosen.is_empty()) + lens[i];
        section_count[units[i].section] += 1;
        chosen.push(i);
    }

    let mut out: Vec<Choice> = chosen
        .into_iter()
        .map(|unit| Choice {
            unit,
            skip: 0,
            clip: None,
        })
        .collect();
    out.sort_by_key(|c| c.unit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentences::test_vocab;

    fn unit(section: usize, len: usize, terms: &[&str]) -> Unit<'static> {
        Unit {
            doc: 0,
            block: 0,
            section,
            start: 0,
            end: len,
            text: "",
            tail: "",
            pos_in_doc: 0,
            pos_in_section: 0,
            first_in_block: false,
            terms: crate::sentences::test_ids(terms),
        }
    }

    fn budget(max_sentences: usize, max_chars: Option<usize>) -> Budget {
        Budget {
            max_sentences,
            max_chars,
        }
    }

    #[test]
    fn skips_near_duplicates_and_spreads_over_sections() {
        let units = [
            unit(0, 40, &["housing", "supply", "land"]),
            unit(0, 40, &["housing", "supply", "land"]),
            unit(0, 40, &["housing", "supply", "flats"]),
            unit(1, 40, &["transport", "rail", "bus"]),
        ];
        let v = Vectors::build(&units);
        let sal = [1.0, 0.99, 0.9, 0.5];
        let w = Weights {
            redundancy: 0.7,
            section_repeat: 0.5,
            ..Weights::default()
        };
        let picked = select(
            &units,
            &Vocab::default(),
            &v,
            &sal,
            &[true; 4],
            budget(2, None),
            &w,
        );
        let ids: Vec<usize> = picked.iter().map(|c| c.unit).collect();
        assert_eq!(ids, vec![0, 3]);
    }

    #[test]
    fn respects_character_budget_and_clips_when_nothing_fits() {
        let units = [
            unit(0, 50, &["a1", "b1"]),
            unit(0, 30, &["a2", "b2"]),
            unit(1, 30, &["a3", "b3"]),
        ];
        let v = Vectors::build(&units);
        let sal = [1.0, 0.8, 0.7];
        // 50 + 1 + 30 fills 81 exactly; a third sentence cannot fit.
        let picked = select(
            &units,
            &test_vocab(),
            &v,
            &sal,
            &[true; 4],
            budget(3, Some(81)),
            &Weights::default(),
        );
        let total: usize =
            picked.iter().map(|c| units[c.unit].end).sum::<usize>() + picked.len() - 1;
        assert!(total <= 81, "{picked:?}");
        assert_eq!(picked.len(), 2);
        let clipped = select(
            &units,
            &test_vocab(),
            &v,
            &sal,
            &[true; 4],
            budget(3, Some(10)),
            &Weights::default(),
        );
        assert_eq!(clipped.len(), 1);
        assert_eq!(clipped[0].clip, Some(10));
        // Only the most salient sentence is cut: a long but minor one is skipped.
        let units = [unit(0, 50, &["a1", "b1"]), unit(0, 20, &["a2", "b2"])];
        let v = Vectors::build(&units);
        let picked = select(
            &units,
            &test_vocab(),
            &v,
            &[0.5, 0.9],
            &[true; 4],
            budget(3, Some(25)),
            &Weights::default(),
        );
        assert_eq!(
            picked,
            vec![Choice {
                unit: 1,
                skip: 0,
                clip: None
            }]
        );
    }

    #[test]
    fn lazy_greedy_equals_plain_greedy() {
        let words = ["a", "b", "c", "d", "e", "f", "g"];
        let units: Vec<Unit<'static>> = (0..30)
            .map(|i| {
                let t: Vec<&str> = (0..3).map(|k| words[(i * 3 + k * i) % 7]).collect();
                unit(i % 4, 20 + i % 9, &t)
            })
            .collect();
        let v = Vectors::build(&units);
        let sal: Vec<f32> = (0..30)
            .map(|i| ((i * 37) % 11) as f32 / 10.0 + 0.05)
            .collect();
        let w = Weights {
            redundancy: 0.6,
            section_repeat: 0.4,
            ..Weights::default()
        };
        let lazy = select(
            &units,
            &Vocab::default(),
            &v,
            &sal,
            &[true; 4],
            budget(8, None),
            &w,
        );
        // Plain greedy, recomputing every gain every round.
        let mut chosen: Vec<usize> = Vec::new();
        let mut count = [0u32; 4];
        for _ in 0..8 {
            let best = (0..30)
                .filter(|i| !chosen.contains(i))
                .map(|i| {
                    let ms = chosen.iter().map(|&c| v.dot(i, c)).fold(0.0f32, f32::max);
                    let g = sal[i] * (1.0 - w.redundancy * ms).max(0.0)
                        / (1.0 + w.section_repeat * count[units[i].section] as f32);
                    (g, i)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
                .unwrap();
            count[units[best.1].section] += 1;
            chosen.push(best.1);
        }
        chosen.sort_unstable();
        let lazy: Vec<usize> = lazy.iter().map(|c| c.unit).collect();
        assert_eq!(lazy, chosen);
    }
}
