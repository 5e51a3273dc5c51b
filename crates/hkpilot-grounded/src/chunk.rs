//! Splits numbered units into chunks along the documents' structure, sized by the
//! model's own token count.
//!
//! Whole sections are packed while they fit; a section too big for one chunk is
//! split at paragraph (block) boundaries, and a paragraph too big at sentence
//! boundaries. A sentence is never cut: one larger than the budget becomes a chunk of
//! its own, so a citation always points at whole sentences. Every unit's tokens are
//! counted once and group costs come from prefix sums, so the cost is linear.

use crate::numbered::{render_unit, SourceUnit};
use crate::GroundedError;
use hkpilot_llm::LlmBackend;
use std::ops::Range;

/// A run of consecutive units (indices into the slice given to the chunker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub units: Range<usize>,
    /// Tokens of the chunk's rendered lines, as the model counts them.
    pub tokens: usize,
}

/// Chunks `units` under `budget` tokens of their rendered `[id] text` lines, counted by
/// `backend.count_tokens` (the model's real tokenizer, not an estimate). Counting line
/// by line can differ from counting the joined text by a token at a line boundary;
/// callers leave that margin in the budget.
pub async fn chunk_units(
    units: &[SourceUnit],
    budget: usize,
    backend: &dyn LlmBackend,
) -> Result<Vec<Chunk>, GroundedError> {
    if budget == 0 {
        return Err(GroundedError::InvalidBudget(budget));
    }
    // Counted concurrently: a remote backend answers each in a round trip, and the
    // local engine tokenizes without decoding, so ordering does not matter.
    let counts = futures_util::future::join_all(
        units
            .iter()
            .map(|u| async move { backend.count_tokens(&render_unit(u)).await }),
    )
    .await;
    let costs = counts.into_iter().collect::<Result<Vec<_>, _>>()?;
    chunk_by_costs(units, &costs, budget)
}

/// The packing itself, for callers that already know each unit's token cost.
pub fn chunk_by_costs(
    units: &[SourceUnit],
    costs: &[usize],
    budget: usize,
) -> Result<Vec<Chunk>, GroundedError> {
    if budget == 0 {
        return Err(GroundedError::InvalidBudget(budget));
    }
    let mut prefix = Vec::with_capacity(costs.len() + 1);
    prefix.push(0usize);
    for c in costs.iter().take(units.len()) {
        prefix.push(prefix.last().copied().unwrap_or(0) + c);
    }
    let packer = Packer {
        units,
        prefix: &prefix,
        budget,
    };
    let mut out = Vec::new();
    let mut cur = None;
    packer.pack(0..prefix.len() - 1, Level::Section, &mut out, &mut cur);
    out.extend(cur);
    Ok(out)
}

/// The structural levels a chunk boundary may fall on, coarsest first.
#[derive(Debug, Clone, Copy)]
enum Level {
    Section,
    Block,
    Sentence,
}

#[derive(Debug)]
struct Packer<'a> {
    units: &'a [SourceUnit],
    prefix: &'a [usize],
    budget: usize,
}

impl Packer<'_> {
    fn cost(&self, r: &Range<usize>) -> usize {
        self.prefix[r.end] - self.prefix[r.start]
    }

    /// Whether units `a` and `b` belong to the same group at `level`.
    fn same(&self, level: Level, a: usize, b: usize) -> bool {
        let (x, y) = (&self.units[a], &self.units[b]);
        match level {
            Level::Section => x.section == y.section,
            Level::Block => x.doc == y.doc && x.citation.span.block == y.citation.span.block,
            Level::Sentence => false,
        }
    }

    fn pack(
        &self,
        range: Range<usize>,
        level: Level,
        out: &mut Vec<Chunk>,
        cur: &mut Option<Chunk>,
    ) {
        let mut start = range.start;
        while start < range.end {
            let mut end = start + 1;
            while end < range.end && self.same(level, start, end) {
                end += 1;
            }
            let group = start..end;
            let cost = self.cost(&group);
            match cur {
                Some(c) if c.tokens + cost <= self.budget => {
                    c.units.end = end;
                    c.tokens += cost;
                }
                _ if cost <= self.budget || matches!(level, Level::Sentence) => {
                    out.extend(cur.take());
                    *cur = Some(Chunk {
                        units: group,
                        tokens: cost,
                    });
                }
                _ => {
                    out.extend(cur.take());
                    let finer = match level {
                        Level::Section => Level::Block,
                        _ => Level::Sentence,
                    };
                    self.pack(group, finer, out, cur);
                }
            }
            start = end;
        }
    }
}
