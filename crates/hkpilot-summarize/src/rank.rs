//! Sentence salience: continuous LexRank over the full sentence graph, computed
//! exactly in linear time, blended with section centrality and a position prior.
//!
//! LexRank's graph has an edge between every pair of sentences weighted by their
//! cosine similarity: n² edges, too many for a 1,000-page report. But with unit
//! TF-IDF rows stacked in a matrix V, the similarity matrix is S = VVᵀ − I (no
//! self-loops), so S·x = V(Vᵀx) − x costs two passes over the non-zeros of V. The
//! power iteration of the damped random walk therefore never builds the graph, and
//! the result is the same stationary distribution LexRank would compute.

use crate::sentences::Unit;
use crate::vectors::Vectors;

/// How the ranker and selector weigh their evidence. The defaults were tuned on the
/// GovReport and LCSTS evaluation sets (see BENCH_NOTES.md); change them only with
/// a measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Weight of global (whole-input) LexRank centrality.
    pub centrality: f32,
    /// Weight of centrality within the sentence's own section.
    pub section: f32,
    /// Weight of the position prior (earlier sentences of a document score higher:
    /// government papers front-load their conclusions).
    pub position: f32,
    /// How fast the position prior decays: prior = 1 / (1 + pos / scale)^½.
    pub position_scale: f32,
    /// Weight of the section position prior, 1 / (1 + position in section)^½: the
    /// opening of every section is a candidate whatever its place in the document.
    pub section_position: f32,
    /// Bonus for the first sentence of a paragraph (topic sentences).
    pub opener: f32,
    /// Redundancy penalty: gain is multiplied by (1 − redundancy × max similarity to
    /// the sentences already chosen).
    pub redundancy: f32,
    /// Section coverage: gain is divided by (1 + section_repeat × sentences already
    /// chosen from the same section), so the summary spreads over sections.
    pub section_repeat: f32,
    /// With a character budget, gain is divided by length^length_exponent, so a long
    /// sentence must earn its space (0 = ignore length, 1 = gain per character).
    pub length_exponent: f32,
    /// For a headline-sized character budget (one cut sentence): weight of the
    /// sentence's salience against how central its visible part is.
    pub headline_prior: f32,
    /// Damping factor of the LexRank random walk.
    pub damping: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            centrality: 1.0,
            section: 0.5,
            position: 4.0,
            position_scale: 2.0,
            section_position: 0.5,
            opener: 0.2,
            redundancy: 0.3,
            section_repeat: 0.5,
            length_exponent: 0.0,
            headline_prior: 0.5,
            damping: 0.85,
        }
    }
}

/// Salience of every candidate, in [0, ~3]; higher is more summary-worthy.
pub(crate) fn salience(units: &[Unit<'_>], vectors: &Vectors, w: &Weights) -> Vec<f32> {
    let global = normalise(lexrank(vectors, w.damping, 50));
    let local = normalise(section_centrality(units, vectors));
    units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let prior = 1.0 / (1.0 + u.pos_in_doc as f32 / w.position_scale.max(1e-3)).sqrt();
            let section_prior = 1.0 / (1.0 + u.pos_in_section as f32).sqrt();
            let opener = if u.first_in_block { w.opener } else { 0.0 };
            w.centrality * global[i]
                + w.section * local[i]
                + w.position * prior
                + w.section_position * section_prior
                + opener
        })
        .collect()
}

/// Continuous LexRank (Erkan & Radev 2004, without the threshold) by power iteration
/// on the factorised similarity matrix: O(non-zeros) per iteration, no graph built.
pub(crate) fn lexrank(v: &Vectors, damping: f32, max_iter: usize) -> Vec<f32> {
    let n = v.len();
    if n == 0 {
        return Vec::new();
    }
    // Degrees: d_i = Σ_j S_ij = v_i · Σ_j v_j − v_i · v_i.
    let mut total = vec![0.0f32; v.dim];
    for i in 0..n {
        v.add_to(i, 1.0, &mut total);
    }
    let sq: Vec<f32> = (0..n).map(|i| v.self_dot(i)).collect();
    let deg: Vec<f32> = (0..n)
        .map(|i| (v.dot_dense(i, &total) - sq[i]).max(0.0))
        .collect();
    let uniform = 1.0 / n as f32;
    let mut p = vec![uniform; n];
    let mut z = vec![0.0f32; v.dim];
    let mut y = vec![0.0f32; n];
    for _ in 0..max_iter {
        // y = D⁻¹ p (isolated sentences pass nothing on); z = Vᵀ y.
        z.iter_mut().for_each(|x| *x = 0.0);
        for i in 0..n {
            y[i] = if deg[i] > 1e-12 { p[i] / deg[i] } else { 0.0 };
            v.add_to(i, y[i], &mut z);
        }
        // p' = (1 − d)/n + d · (V z − y ∘ diag); mass lost at isolated nodes is
        // spread uniformly, as a teleport, so p stays a distribution.
        let mut next: Vec<f32> = (0..n)
            .map(|i| damping * (v.dot_dense(i, &z) - y[i] * sq[i]).max(0.0))
            .collect();
        let kept: f32 = next.iter().sum();
        let teleport = (1.0 - kept) / n as f32;
        next.iter_mut().for_each(|x| *x += teleport);
        let change: f32 = next.iter().zip(&p).map(|(a, b)| (a - b).abs()).sum();
        p = next;
        if change < 1e-6 {
            break;
        }
    }
    p
}

/// Centrality of each sentence within its own section: its mean similarity to the
/// section's other sentences. Sections are contiguous runs of candidates, so one
/// dense buffer is filled and cleared per section: linear overall.
fn section_centrality(units: &[Unit<'_>], v: &Vectors) -> Vec<f32> {
    let mut out = vec![0.0f32; units.len()];
    let mut centroid = vec![0.0f32; v.dim];
    let mut start = 0;
    while start < units.len() {
        let mut end = start + 1;
        while end < units.len() && units[end].section == units[start].section {
            end += 1;
        }
        let size = end - start;
        if size > 1 {
            for i in start..end {
                v.add_to(i, 1.0, &mut centroid);
            }
            for (i, o) in out.iter_mut().enumerate().take(end).skip(start) {
                *o = (v.dot_dense(i, &centroid) - v.self_dot(i)) / (size - 1) as f32;
            }
            // Zero exactly the touched terms (subtracting would leave float residue
            // in the next section's centroid).
            for i in start..end {
                v.row(i).0.iter().for_each(|&t| centroid[t as usize] = 0.0);
            }
        }
        start = end;
    }
    out
}

/// Scales scores into [0, 1] by their maximum.
fn normalise(mut xs: Vec<f32>) -> Vec<f32> {
    let max = xs.iter().copied().fold(0.0f32, f32::max);
    if max > 0.0 {
        xs.iter_mut().for_each(|x| *x /= max);
    }
    xs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(section: usize, terms: &[&str]) -> Unit<'static> {
        Unit {
            doc: 0,
            block: 0,
            section,
            start: 0,
            end: 0,
            text: "",
            tail: "",
            pos_in_doc: 0,
            pos_in_section: 0,
            first_in_block: false,
            terms: crate::sentences::test_ids(terms),
        }
    }

    /// The factorised iteration must agree with LexRank on an explicit graph.
    #[test]
    fn matches_explicit_graph_lexrank() {
        let units = [
            unit(0, &["housing", "supply", "land"]),
            unit(0, &["housing", "land", "flats"]),
            unit(0, &["land", "supply"]),
            unit(0, &["transport", "rail"]),
            unit(0, &["rail", "housing"]),
        ];
        let v = Vectors::build(&units);
        let fast = lexrank(&v, 0.85, 200);
        let n = units.len();
        let s: Vec<Vec<f32>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| if i == j { 0.0 } else { v.dot(i, j) })
                    .collect()
            })
            .collect();
        let deg: Vec<f32> = s.iter().map(|r| r.iter().sum()).collect();
        let mut p = vec![1.0 / n as f32; n];
        for _ in 0..200 {
            p = (0..n)
                .map(|j| {
                    0.15 / n as f32 + 0.85 * (0..n).map(|i| p[i] * s[i][j] / deg[i]).sum::<f32>()
                })
                .collect();
        }
        for (a, b) in fast.iter().zip(&p) {
            assert!((a - b).abs() < 1e-4, "{fast:?} vs {p:?}");
        }
        // The sentence sharing most with the others ranks above the outlier.
        assert!(fast[0] > fast[3]);
    }

    #[test]
    fn section_centrality_stays_inside_sections() {
        let units = [
            unit(0, &["housing", "supply"]),
            unit(0, &["housing", "supply"]),
            unit(1, &["housing", "supply"]),
            unit(1, &["rail", "transport"]),
        ];
        let v = Vectors::build(&units);
        let c = section_centrality(&units, &v);
        assert!(c[0] > 0.9 && c[1] > 0.9);
        assert!(c[2] < 1e-6 && c[3] < 1e-6);
    }
}
