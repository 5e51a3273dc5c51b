//! Which tokens each KV sequence holds, and where a new prompt should start from.
//!
//! With a unified KV cache a cell can belong to several sequences, so llama.cpp's
//! `seq_cp` shares a prefix without copying tensors; with one KV stream per sequence it
//! copies the source's whole stream (the caller then trims the copy to the prefix).
//! Every slot (sequence id) remembers the exact tokens at positions `0..len` of its KV.
//! A free slot keeps its tokens after its request ends, so the next request with the
//! same beginning reuses them.

/// Where a new request gets its KV from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placement {
    /// The slot the request will run in.
    pub slot: usize,
    /// Prompt tokens already present (in `slot` itself, or copied from `copy_from`).
    pub reused: usize,
    /// Another slot whose first `reused` cells are shared into `slot`.
    pub copy_from: Option<usize>,
}

#[derive(Debug, Default, Clone)]
struct Slot {
    tokens: Vec<i32>,
    busy: bool,
    last_used: u64,
}

#[derive(Debug)]
pub(crate) struct SlotTable {
    slots: Vec<Slot>,
    clock: u64,
}

pub(crate) fn common_prefix(a: &[i32], b: &[i32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

impl SlotTable {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            slots: vec![Slot::default(); n],
            clock: 0,
        }
    }

    pub(crate) fn has_free(&self) -> bool {
        self.slots.iter().any(|s| !s.busy)
    }

    /// Chooses a free slot for `prompt` and marks it busy. At least one prompt token is
    /// always left to compute: its logits start generation. A prefix in another slot
    /// is copied only when at least `min_copy` tokens long.
    /// Without `reuse` every prompt is computed from scratch (for comparisons).
    pub(crate) fn place(
        &mut self,
        prompt: &[i32],
        reuse: bool,
        min_copy: usize,
    ) -> Option<Placement> {
        let max_reuse = if reuse {
            prompt.len().saturating_sub(1)
        } else {
            0
        };
        let lcp = |s: &Slot| common_prefix(&s.tokens, prompt).min(max_reuse);
        // Best free slot to continue in place: longest match, then most recently used.
        let in_place = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.busy)
            .map(|(i, s)| (lcp(s), s.last_used, i))
            .max()?;
        // Best source anywhere (a live sequence may hold the prefix we want).
        let source = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, s)| (lcp(s), i))
            .max()
            .unwrap_or((0, in_place.2));
        // The free slot whose cached tokens are worth least: shortest match, then least
        // recently used, then lowest id (keeps busy slots together; with KV streams
        // llama.cpp batches consecutive sequence ids in one pass).
        let cheapest = |exclude: usize| {
            self.slots
                .iter()
                .enumerate()
                .filter(|(i, s)| !s.busy && *i != exclude)
                .map(|(i, s)| (lcp(s), s.last_used, i))
                .min()
                .map_or(in_place.2, |v| v.2)
        };
        self.clock += 1;
        let placement = if source.0 > in_place.0 && source.0 >= min_copy.max(1) {
            Placement {
                slot: cheapest(source.1),
                reused: source.0,
                copy_from: Some(source.1),
            }
        } else if in_place.0 > 0 {
            Placement {
                slot: in_place.2,
                reused: in_place.0,
                copy_from: None,
            }
        } else {
            // Nothing to reuse: keep the more valuable caches.
            Placement {
                slot: cheapest(usize::MAX),
                reused: 0,
                copy_from: None,
            }
        };
        let s = &mut self.slots[placement.slot];
        s.busy = true;
        s.last_used = self.clock;
        s.tokens = prompt[..placement.reused].to_vec();
        Some(placement)
    }

    /// The longest prefix of `prompt` present in any slot's KV right now.
    pub(crate) fn best_prefix(&self, prompt: &[i32]) -> usize {
        self.slots
            .iter()
            .map(|s| common_prefix(&s.tokens, prompt))
            .max()
            .unwrap_or(0)
    }

    /// Records tokens now in the KV of `slot` (appended at its end).
    pub(crate) fn extend(&mut self, slot: usize, tokens: &[i32]) {
        self.slots[slot].tokens.extend_from_slice(tokens);
    }

    pub(crate) fn len(&self, slot: usize) -> usize {
        self.slots[slot].tokens.len()
    }

    /// The request in `slot` ended; its KV stays as a cache.
    pub(crate) fn release(&mut self, slot: usize) {
        self.clock += 1;
        let s = &mut self.slots[slot];
        s.busy = false;
        s.last_used = self.clock;
    }

    /// Forgets the cached tokens of `slot` (its KV was removed).
    pub(crate) fn forget(&mut self, slot: usize) {
        self.slots[slot].tokens.clear();
    }

    /// A free slot holding cached cells, least recently used first: what to evict when
    /// the KV cache is full.
    pub(crate) fn eviction_candidate(&self) -> Option<usize> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.busy && !s.tokens.is_empty())
            .min_by_key(|(_, s)| s.last_used)
            .map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_in_place_then_copies_from_live() {
        let mut t = SlotTable::new(3);
        let a = t.place(&[1, 2, 3, 4], true, 1).unwrap();
        assert_eq!((a.reused, a.copy_from), (0, None));
        t.extend(a.slot, &[1, 2, 3, 4]);
        // Same prefix while `a` is live: copy from it.
        let b = t.place(&[1, 2, 3, 9], true, 1).unwrap();
        assert_eq!((b.reused, b.copy_from), (3, Some(a.slot)));
        assert_ne!(b.slot, a.slot);
        t.extend(b.slot, &[9]);
        t.release(a.slot);
        // `a` is free and holds the longest match: continue in place.
        let c = t.place(&[1, 2, 3, 4, 5], true, 1).unwrap();
        assert_eq!((c.slot, c.reused, c.copy_from), (a.slot, 4, None));
        // Never reuse the whole prompt: the last token must be computed for logits.
        t.release(c.slot);
        let d = t.place(&[1, 2, 3, 4], true, 1).unwrap();
        assert_eq!(d.reused, 3);
    }

    #[test]
    fn fresh_prompts_take_the_least_valuable_lowest_slot() {
        let mut t = SlotTable::new(4);
        let a = t.place(&[1, 2, 3], true, 1).unwrap();
        assert_eq!(a.slot, 0);
        t.extend(a.slot, &[1, 2, 3]);
        let b = t.place(&[7, 8], true, 1).unwrap();
        assert_eq!((b.slot, b.reused), (1, 0));
        t.extend(b.slot, &[7, 8]);
        t.release(a.slot);
        t.release(b.slot);
        // Unused slots before cached ones, then least recently used.
        let c = t.place(&[9, 9], true, 1).unwrap();
        assert_eq!((c.slot, c.reused), (2, 0));
        // A shared prefix shorter than min_copy is not copied from a live slot.
        let mut u = SlotTable::new(2);
        let live = u.place(&[1, 2, 3, 4], true, 1).unwrap();
        u.extend(live.slot, &[1, 2, 3, 4]);
        let short = u.place(&[1, 2, 3, 9], true, 8).unwrap();
        assert_eq!((short.reused, short.copy_from), (0, None));
    }

    #[test]
    fn full_table_places_nothing() {
        let mut t = SlotTable::new(1);
        assert!(t.place(&[1], true, 1).is_some());
        assert!(t.place(&[1], true, 1).is_none());
        assert!(!t.has_free());
    }
}
