//! Choosing the source lines a section is drafted from: all of them when they fit the
//! window, else the lines sharing the most (IDF-weighted) terms with the section's
//! purpose and the officer's notes, put back in source order.

use hkpilot_grounded::numbered::{render_unit, NumberedSources};
use hkpilot_text::tokens::estimate_tokens;
use hkpilot_text::words::terms_folded;
use std::collections::{HashMap, HashSet};

/// Per-unit terms and costs, computed once per draft and shared by its sections.
#[derive(Debug)]
pub struct SourceIndex {
    terms: Vec<HashSet<String>>,
    /// Estimated prompt tokens of each unit's line, with a margin.
    costs: Vec<usize>,
    idf: HashMap<String, f32>,
}

impl SourceIndex {
    pub fn new(sources: &NumberedSources) -> SourceIndex {
        let terms: Vec<HashSet<String>> = sources
            .units
            .iter()
            .map(|u| terms_folded(u.text()).into_iter().collect())
            .collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for t in &terms {
            for w in t {
                *df.entry(w.as_str()).or_default() += 1;
            }
        }
        let n = terms.len().max(1) as f32;
        let idf = df
            .into_iter()
            .map(|(w, d)| (w.to_string(), (1.0 + n / d as f32).ln()))
            .collect();
        let costs = sources
            .units
            .iter()
            // The estimate is calibrated on one tokenizer; others may cost more.
            .map(|u| estimate_tokens(&render_unit(u)) * 5 / 4 + 2)
            .collect();
        SourceIndex { terms, costs, idf }
    }

    /// Estimated tokens of every line together.
    pub fn total_cost(&self) -> usize {
        self.costs.iter().sum()
    }

    /// Indices of the units to show for a section described by `query`, in source
    /// order, costing at most `budget` tokens. Units are ranked by the IDF weight of
    /// the terms they share with the query (ties and units sharing nothing go in
    /// source order, so an unmatched section still sees the opening of the sources).
    pub fn select(&self, query: &str, budget: usize) -> Vec<usize> {
        let n = self.costs.len();
        if self.total_cost() <= budget {
            return (0..n).collect();
        }
        let q: HashSet<String> = terms_folded(query).into_iter().collect();
        let mut scored: Vec<(f32, usize)> = (0..n)
            .map(|i| {
                let s: f32 = self.terms[i]
                    .iter()
                    .filter(|t| q.contains(*t))
                    .map(|t| self.idf.get(t).copied().unwrap_or(0.0))
                    .sum();
                (s, i)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut used = 0;
        let mut chosen = Vec::new();
        for (_, i) in scored {
            if used + self.costs[i] > budget {
                continue;
            }
            used += self.costs[i];
            chosen.push(i);
        }
        chosen.sort_unstable();
        chosen
    }

    /// The ranking order of `chosen` by relevance to `query`, least relevant first:
    /// what to drop when the real token count says the estimate was too low.
    pub fn least_relevant_first(&self, query: &str, chosen: &[usize]) -> Vec<usize> {
        let q: HashSet<String> = terms_folded(query).into_iter().collect();
        let mut v: Vec<(f32, usize)> = chosen
            .iter()
            .map(|&i| {
                let s: f32 = self.terms[i]
                    .iter()
                    .filter(|t| q.contains(*t))
                    .map(|t| self.idf.get(t).copied().unwrap_or(0.0))
                    .sum();
                (s, i)
            })
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        v.into_iter().map(|(_, i)| i).collect()
    }
}
