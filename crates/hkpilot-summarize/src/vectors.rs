//! Sparse TF-IDF sentence vectors in one flat (CSR) store: the only representation
//! the ranker and the selector need, linear in the size of the text.

use crate::sentences::Unit;

/// L2-normalised TF-IDF vectors, one per candidate, term ids sorted within a row.
#[derive(Debug, Default)]
pub(crate) struct Vectors {
    offsets: Vec<usize>,
    ids: Vec<u32>,
    weights: Vec<f32>,
    /// Number of distinct terms (the dimension).
    pub dim: usize,
    idf: Vec<f32>,
}

impl Vectors {
    /// Builds the vectors. Term frequency is dampened (1 + ln tf) so a term repeated in
    /// one sentence does not dominate it; IDF is over sentences, ln(1 + N/df), so that
    /// terms in every sentence still count a little (short documents have few
    /// sentences and plain ln(N/df) would zero most of their words).
    pub fn build(units: &[Unit<'_>]) -> Vectors {
        let dim = units
            .iter()
            .flat_map(|u| u.terms.iter())
            .map(|&t| t as usize + 1)
            .max()
            .unwrap_or(0);
        let mut rows: Vec<Vec<(u32, f32)>> = Vec::with_capacity(units.len());
        let mut df: Vec<u32> = vec![0; dim];
        for u in units {
            let mut ids = u.terms.clone();
            ids.sort_unstable();
            let mut row: Vec<(u32, f32)> = Vec::new();
            for id in ids {
                match row.last_mut() {
                    Some((last, tf)) if *last == id => *tf += 1.0,
                    _ => row.push((id, 1.0)),
                }
            }
            for &(id, _) in &row {
                df[id as usize] += 1;
            }
            rows.push(row);
        }
        let n = units.len().max(1) as f32;
        let idf: Vec<f32> = df.iter().map(|&d| (1.0 + n / d as f32).ln()).collect();
        let mut v = Vectors {
            offsets: Vec::with_capacity(units.len() + 1),
            dim,
            ..Vectors::default()
        };
        v.offsets.push(0);
        for row in rows {
            let norm: f32 = row
                .iter()
                .map(|&(id, tf)| {
                    let w = (1.0 + tf.ln()) * idf[id as usize];
                    w * w
                })
                .sum::<f32>()
                .sqrt();
            for (id, tf) in row {
                let w = (1.0 + tf.ln()) * idf[id as usize];
                v.ids.push(id);
                v.weights.push(if norm > 0.0 { w / norm } else { 0.0 });
            }
            v.offsets.push(v.ids.len());
        }
        v.idf = idf;
        v
    }

    /// The unit-length TF-IDF vector of some term ids (repeats count), with this
    /// store's IDF, as sorted (id, weight) pairs.
    pub fn vectorise(&self, mut ids: Vec<u32>) -> Vec<(u32, f32)> {
        ids.sort_unstable();
        let mut row: Vec<(u32, f32)> = Vec::new();
        for id in ids {
            match row.last_mut() {
                Some((last, tf)) if *last == id => *tf += 1.0,
                _ => row.push((id, 1.0)),
            }
        }
        for (id, w) in &mut row {
            *w = (1.0 + w.ln()) * self.idf[*id as usize];
        }
        let norm = row.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        row
    }

    /// The unit-length centroid of all rows, dense.
    pub fn centroid(&self) -> Vec<f32> {
        let mut c = vec![0.0f32; self.dim];
        for i in 0..self.len() {
            self.add_to(i, 1.0, &mut c);
        }
        let norm = c.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            c.iter_mut().for_each(|x| *x /= norm);
        }
        c
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.ids[r.clone()], &self.weights[r])
    }

    /// Cosine similarity of two rows (both are unit length): a merge of sorted ids.
    pub fn dot(&self, i: usize, j: usize) -> f32 {
        let (ai, aw) = self.row(i);
        let (bi, bw) = self.row(j);
        let (mut x, mut y, mut s) = (0, 0, 0.0);
        while x < ai.len() && y < bi.len() {
            match ai[x].cmp(&bi[y]) {
                std::cmp::Ordering::Less => x += 1,
                std::cmp::Ordering::Greater => y += 1,
                std::cmp::Ordering::Equal => {
                    s += aw[x] * bw[y];
                    x += 1;
                    y += 1;
                }
            }
        }
        s
    }

    /// Dot product of a row with a dense vector over terms.
    pub fn dot_dense(&self, i: usize, dense: &[f32]) -> f32 {
        let (ids, ws) = self.row(i);
        ids.iter()
            .zip(ws)
            .map(|(&t, &w)| w * dense[t as usize])
            .sum()
    }

    /// `dense += scale * row(i)`.
    pub fn add_to(&self, i: usize, scale: f32, dense: &mut [f32]) {
        let (ids, ws) = self.row(i);
        for (&t, &w) in ids.iter().zip(ws) {
            dense[t as usize] += scale * w;
        }
    }

    /// Squared length of a row: 1 for rows with terms, 0 for empty ones.
    pub fn self_dot(&self, i: usize) -> f32 {
        self.row(i).1.iter().map(|w| w * w).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(terms: &[&str]) -> Unit<'static> {
        Unit {
            doc: 0,
            block: 0,
            section: 0,
            start: 0,
            end: 0,
            text: "",
            tail: "",
            pos_in_doc: 0,
            pos_in_section: 0,
            first_in_block: true,
            terms: crate::sentences::test_ids(terms),
        }
    }

    #[test]
    fn rows_are_unit_length_and_similarity_is_cosine() {
        let units = [
            unit(&["housing", "supply", "supply"]),
            unit(&["housing", "supply"]),
            unit(&["房屋", "供應"]),
            unit(&[]),
        ];
        let v = Vectors::build(&units);
        assert_eq!(v.len(), 4);
        for i in 0..3 {
            assert!((v.self_dot(i) - 1.0).abs() < 1e-5);
        }
        assert_eq!(v.self_dot(3), 0.0);
        assert!(v.dot(0, 1) > 0.9);
        assert_eq!(v.dot(0, 2), 0.0);
        let mut dense = vec![0.0; v.dim];
        v.add_to(1, 1.0, &mut dense);
        assert!((v.dot_dense(0, &dense) - v.dot(0, 1)).abs() < 1e-6);
        // Re-vectorising a row's own terms gives the row back.
        let again = v.vectorise(units[1].terms.clone());
        let (ids, ws) = v.row(1);
        assert_eq!(again.iter().map(|p| p.0).collect::<Vec<_>>(), ids);
        for ((_, a), b) in again.iter().zip(ws) {
            assert!((a - b).abs() < 1e-6);
        }
        assert!(v.vectorise(Vec::new()).is_empty());
        let c = v.centroid();
        assert!((c.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);
    }
}
