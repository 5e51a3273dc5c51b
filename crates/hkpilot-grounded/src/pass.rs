//! One model pass: numbered items in, checked and cited sentences out.
//!
//! Items are numbered 1..n inside each pass (short numbers are easier for a small
//! model to copy than document-wide ids); each number maps back to the source ids the
//! item stands for, so citations survive any number of merge levels and are always
//! checked against the source text itself, never against a note.

use crate::cite::{check_citations, parse_cited, CheckedSentence, CitedSentence, Flag};
use crate::numbered::NumberedSources;
use crate::prompt::{bullets_grammar, neutralise, user_message};
use crate::GroundedError;
use hkpilot_llm::{
    ChatMessage, ChatRequest, GenerationOptions, LlmBackend, LlmError, StructuredOutput, Usage,
};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

/// Something a pass may cite: a source sentence (map) or an earlier note (reduce).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub text: String,
    /// The source unit ids it stands for, ascending.
    pub sources: Vec<u32>,
}

/// What one pass produced.
#[derive(Debug, Clone, Default)]
pub struct PassResult {
    pub sentences: Vec<CheckedSentence>,
    pub usage: Usage,
    /// Source ids the output cited, after mapping, and those that survived the checks.
    pub cited: usize,
    pub kept: usize,
}

/// Settings every pass of a run shares.
#[derive(Debug)]
pub struct PassContext<'a> {
    pub backend: &'a dyn LlmBackend,
    pub sources: &'a NumberedSources,
    pub options: GenerationOptions,
    /// Whether to constrain output with a grammar; switched off for good the first
    /// time a backend says it cannot (a remote server without GBNF support).
    pub constrain: AtomicBool,
}

/// Most times a pass waits out a busy engine before giving up.
const BUSY_RETRIES: usize = 30;

impl PassContext<'_> {
    /// Runs one pass over `items` asking for at most `bullets` bullets.
    pub async fn run(
        &self,
        system: &str,
        items: &[Note],
        bullets: usize,
        max_tokens: u32,
    ) -> Result<PassResult, GroundedError> {
        // A pass cannot make more points than it has items to cite.
        let bullets = bullets.clamp(1, items.len().max(1));
        let messages = vec![
            ChatMessage::system(system),
            ChatMessage::user(user_message(&numbered_lines(items), bullets)),
        ];
        let grammar = StructuredOutput::Grammar(bullets_grammar(bullets, items.len()));
        let completion = self.call(messages, Some(grammar), max_tokens).await?;
        let parsed = parse_bullets(&completion.text);
        Ok(self.check(&parsed, items, completion.usage))
    }

    /// Checks parsed output against the items it was written from; repeated
    /// sentences are dropped.
    pub fn check(&self, parsed: &[CitedSentence], items: &[Note], usage: Usage) -> PassResult {
        let mut r = self.check_all(parsed, items, usage);
        dedup(&mut r.sentences);
        r.kept = r.sentences.iter().map(|s| s.ids.len()).sum();
        r
    }

    /// Like [`Self::check`] but keeps every sentence, duplicates included, so that
    /// results stay aligned with the parsed items.
    pub fn check_all(&self, parsed: &[CitedSentence], items: &[Note], usage: Usage) -> PassResult {
        let (mapped, cited) = map_ids(parsed, items);
        let allowed: HashSet<u32> = items.iter().flat_map(|n| n.sources.clone()).collect();
        let sentences = check_citations(&mapped, self.sources, &allowed);
        let kept = sentences.iter().map(|s| s.ids.len()).sum();
        PassResult {
            sentences,
            usage,
            cited,
            kept,
        }
    }

    /// One model call. `shape` constrains the output where the backend can (a
    /// backend that cannot is asked again without, and not asked again with).
    pub async fn call(
        &self,
        messages: Vec<ChatMessage>,
        shape: Option<StructuredOutput>,
        max_tokens: u32,
    ) -> Result<hkpilot_llm::Completion, GroundedError> {
        let mut busy = 0;
        loop {
            let mut options = self.options.clone();
            options.max_tokens = Some(max_tokens.max(1));
            let constrained = self.constrain.load(Ordering::Relaxed) && shape.is_some();
            if constrained {
                options.structured = shape.clone();
            }
            let request = ChatRequest {
                messages: messages.clone(),
                options,
            };
            match self.backend.chat(request).await {
                Ok(c) => return Ok(c),
                Err(LlmError::Unsupported(_)) if constrained => {
                    // The citation checks do not depend on the grammar; it only
                    // makes a local model's output tidier.
                    self.constrain.store(false, Ordering::Relaxed);
                }
                Err(LlmError::Busy { retry_after, .. }) if busy < BUSY_RETRIES => {
                    busy += 1;
                    tokio::time::sleep(retry_after).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Items as the model sees them: `[k] text` lines, numbered from 1, made inert.
pub fn numbered_lines(items: &[Note]) -> String {
    items
        .iter()
        .enumerate()
        .map(|(i, n)| format!("[{}] {}\n", i + 1, neutralise(&n.text)))
        .collect()
}

/// Model output → cited sentences, one bullet (or line) at a time, so a bullet that
/// lacks a full stop still ends where its line ends.
pub fn parse_bullets(output: &str) -> Vec<CitedSentence> {
    output
        .lines()
        .map(strip_bullet)
        .filter(|l| !l.is_empty())
        .flat_map(parse_cited)
        .filter(|s| s.text.chars().filter(|c| c.is_alphabetic()).count() >= MIN_LETTERS)
        .collect()
}

/// Letters (or Han characters) a bullet needs to be a statement rather than a stray
/// number or list label.
const MIN_LETTERS: usize = 3;

/// A line without its list marker: `- `, `* `, `• `, `1. `, `1) `.
fn strip_bullet(line: &str) -> &str {
    let t = line.trim();
    for m in ["- ", "* ", "• ", "· ", "–"] {
        if let Some(rest) = t.strip_prefix(m) {
            return rest.trim_start();
        }
    }
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && digits < 4 {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return r.trim_start();
        }
    }
    t
}

/// Pass-local numbers → source ids. A number outside 1..=n becomes id 0, which no
/// unit has, so the checker reports it as invented. Returns the mapped sentences and
/// how many source ids they cite.
fn map_ids(parsed: &[CitedSentence], items: &[Note]) -> (Vec<CitedSentence>, usize) {
    let mut cited = 0;
    let mapped = parsed
        .iter()
        .map(|s| {
            let mut ids: Vec<u32> = Vec::new();
            for &k in &s.ids {
                match (k as usize).checked_sub(1).and_then(|i| items.get(i)) {
                    Some(item) => ids.extend(&item.sources),
                    None => ids.push(0),
                }
            }
            ids.sort_unstable();
            ids.dedup();
            cited += ids.len();
            CitedSentence {
                text: s.text.clone(),
                ids,
            }
        })
        .collect();
    (mapped, cited)
}

/// Drops repeated sentences (small models loop), keeping the first.
fn dedup(sentences: &mut Vec<CheckedSentence>) {
    let mut seen = HashSet::new();
    sentences.retain(|s| seen.insert(s.text.to_lowercase()));
}

/// The notes a pass hands to the next level: its sentences that kept a citation.
pub fn notes_of(result: &PassResult) -> Vec<Note> {
    result
        .sentences
        .iter()
        .filter(|s| !s.ids.is_empty() && !s.flags.contains(&Flag::Unsupported))
        .map(|s| Note {
            text: s.text.clone(),
            sources: s.ids.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets_parse_with_and_without_full_stops() {
        let out = "- Fees rise [1]\n- 學費上調 [2, 3]\n\n* Third point. [9]\n- 1. [4]\n";
        let p = parse_bullets(out);
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!(p[0].ids, vec![1]);
        assert_eq!(p[1].ids, vec![2, 3]);
        assert_eq!(p[2].ids, vec![9]);
        assert_eq!(strip_bullet("12. Point"), "Point");
        assert_eq!(strip_bullet("2025 was a year"), "2025 was a year");
    }

    #[test]
    fn numbers_map_to_sources_and_unknown_ones_to_zero() {
        let items = vec![
            Note {
                text: "a".into(),
                sources: vec![10, 11],
            },
            Note {
                text: "b".into(),
                sources: vec![12],
            },
        ];
        let parsed = vec![CitedSentence {
            text: "x".into(),
            ids: vec![2, 1, 7],
        }];
        let (m, cited) = map_ids(&parsed, &items);
        assert_eq!(m[0].ids, vec![0, 10, 11, 12]);
        assert_eq!(cited, 4);
    }
}
