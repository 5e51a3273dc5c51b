//! Model output → sentences and the source ids they cite, then checks: ids outside
//! the chunk the model saw are dropped, each remaining citation must share terms or
//! figures with its sentence, and a sentence left with no supporting citation is
//! flagged, never presented as cited.

use crate::faithful::{check_facts, Fact};
use crate::numbered::NumberedSources;
use hkpilot_core::Citation;
use hkpilot_text::sentences::split_sentences;
use hkpilot_text::words::terms_folded;
use std::collections::HashSet;

/// A sentence of model output with the ids it cited, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedSentence {
    /// The sentence with its citation markers removed.
    pub text: String,
    pub ids: Vec<u32>,
}

/// What is wrong with a checked sentence.
#[derive(Debug, Clone, PartialEq)]
pub enum Flag {
    /// The model cited nothing for this sentence.
    NoCitation,
    /// The model cited an id it was not shown (or that does not exist); dropped.
    InventedId(u32),
    /// A cited unit shares no terms or figures with the sentence; dropped.
    UnsupportedCitation(u32),
    /// No citation of the sentence survived the checks.
    Unsupported,
    /// A figure of the sentence appears in none of its cited spans.
    FactNotInSource(Fact),
}

/// A sentence after checking: only citations that survived are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedSentence {
    pub text: String,
    /// The source ids kept, so that later merge levels can cite them again.
    pub ids: Vec<u32>,
    pub citations: Vec<Citation>,
    pub flags: Vec<Flag>,
}

impl CheckedSentence {
    /// True when the sentence has at least one supporting citation and no flags.
    pub fn is_grounded(&self) -> bool {
        !self.citations.is_empty() && self.flags.is_empty()
    }
}

/// Splits model output into sentences and pulls out citation markers: `[3]`,
/// `[3, 7]`, `[3][7]`, `[3-5]`, `【3】`, `［3］`, with ASCII or full-width digits.
/// Markers standing before a sentence's words belong to the sentence before it
/// (models write "… rose. [3] The …"), and a line made only of markers cites the
/// previous sentence.
pub fn parse_cited(output: &str) -> Vec<CitedSentence> {
    let mut out: Vec<CitedSentence> = Vec::new();
    for r in split_sentences(output) {
        let Some(raw) = output.get(r) else { continue };
        let (lead_ids, rest) = leading_markers(raw);
        let (text, ids) = strip_markers(rest);
        let text = strip_bullet(&text);
        match out.last_mut() {
            Some(prev) if !lead_ids.is_empty() && (prev.ids.is_empty() || text.is_empty()) => {
                prev.ids.extend(&lead_ids);
            }
            _ if !lead_ids.is_empty() => {
                // First sentence, or the previous one already cites: the markers
                // label this sentence, as in the `[n] text` lines the model saw.
                if text.is_empty() {
                    continue;
                }
                let mut all = lead_ids;
                all.extend(ids);
                out.push(CitedSentence { text, ids: all });
                continue;
            }
            _ => {}
        }
        if text.is_empty() {
            if let Some(prev) = out.last_mut() {
                prev.ids.extend(ids);
            }
            continue;
        }
        out.push(CitedSentence { text, ids });
    }
    for s in &mut out {
        let mut seen = HashSet::new();
        s.ids.retain(|id| seen.insert(*id));
    }
    out
}

/// Citation markers at the start of `s`, and the rest.
fn leading_markers(s: &str) -> (Vec<u32>, &str) {
    let mut ids = Vec::new();
    let mut rest = s.trim_start();
    while let Some((found, len)) = marker_at(rest) {
        ids.extend(found);
        rest = rest[len..].trim_start();
    }
    (ids, rest)
}

/// The sentence text without its markers, and the ids they held.
fn strip_markers(s: &str) -> (String, Vec<u32>) {
    let mut text = String::with_capacity(s.len());
    let mut ids = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if let Some((found, len)) = marker_at(&s[i..]) {
            ids.extend(found);
            i += len;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        text.push(c);
        i += c.len_utf8();
    }
    (tidy(&text), ids)
}

/// Collapses the spaces a removed marker leaves ("rose 5% ." → "rose 5%.").
fn tidy(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out = words.join(" ");
    for p in [" .", " ,", " ;", " :", " !", " ?", " 。", " ，"] {
        out = out.replace(p, &p[1..]);
    }
    out.trim().to_string()
}

fn strip_bullet(s: &str) -> String {
    let t = s.trim_start_matches(['-', '*', '•', '·']).trim_start();
    t.to_string()
}

/// A citation marker at the start of `s`: its ids and its length in bytes. Only
/// brackets holding digits and separators count, so "[Note]" or "[a]" stay text.
fn marker_at(s: &str) -> Option<(Vec<u32>, usize)> {
    let mut chars = s.char_indices();
    let (_, open) = chars.next()?;
    let close = match open {
        '[' => ']',
        '【' => '】',
        '［' => '］',
        _ => return None,
    };
    let mut ids = Vec::new();
    let mut num: Option<u32> = None;
    let mut range_from: Option<u32> = None;
    for (i, c) in chars {
        if let Some(d) = digit(c) {
            num = Some(num.unwrap_or(0).saturating_mul(10).saturating_add(d));
        } else if c == close || matches!(c, ',' | '，' | '、' | ';' | ' ' | '-' | '–' | '~') {
            if let Some(n) = num.take() {
                match range_from.take() {
                    // Small ranges only: "[1-9999]" is not a citation anyone means.
                    Some(a) if a < n && n - a <= 20 => ids.extend(a + 1..=n),
                    _ => ids.push(n),
                }
                if matches!(c, '-' | '–' | '~') {
                    range_from = Some(n);
                }
            }
            if c == close {
                return (!ids.is_empty()).then_some((ids, i + c.len_utf8()));
            }
        } else {
            return None;
        }
    }
    None
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Share of a sentence's terms its citations together must cover, and the terms one
/// citation must share, for the sentence to count as supported. Low on purpose: a
/// summary rewords; the check is there to catch citations pointing elsewhere.
const MIN_COVERAGE: f32 = 0.2;

/// Checks parsed sentences against the sources. `allowed` is the set of ids the model
/// was shown (its chunk, or the ids carried into a merge level); anything else is an
/// invented id and is dropped.
pub fn check_citations(
    sentences: &[CitedSentence],
    sources: &NumberedSources,
    allowed: &HashSet<u32>,
) -> Vec<CheckedSentence> {
    sentences
        .iter()
        .map(|s| check_one(s, sources, allowed))
        .collect()
}

fn check_one(
    s: &CitedSentence,
    sources: &NumberedSources,
    allowed: &HashSet<u32>,
) -> CheckedSentence {
    let mut flags = Vec::new();
    if s.ids.is_empty() {
        flags.push(Flag::NoCitation);
    }
    let sentence_terms: HashSet<String> = terms_folded(&s.text).into_iter().collect();
    let mut covered: HashSet<&String> = HashSet::new();
    let mut ids = Vec::new();
    let mut citations = Vec::new();
    for &id in &s.ids {
        let unit = match sources.get(id) {
            Some(u) if allowed.contains(&id) => u,
            _ => {
                flags.push(Flag::InventedId(id));
                continue;
            }
        };
        let unit_terms: HashSet<String> = terms_folded(unit.text()).into_iter().collect();
        let shared: Vec<&String> = sentence_terms
            .iter()
            .filter(|t| unit_terms.contains(*t))
            .collect();
        if shared.is_empty() {
            flags.push(Flag::UnsupportedCitation(id));
            continue;
        }
        covered.extend(shared);
        ids.push(id);
        citations.push(unit.citation.clone());
    }
    let coverage = covered.len() as f32 / sentence_terms.len().max(1) as f32;
    if !s.ids.is_empty() && (citations.is_empty() || coverage < MIN_COVERAGE) {
        // Weak support is no support: the claim is shown as uncited, not as cited.
        flags.push(Flag::Unsupported);
        ids.clear();
        citations.clear();
    }
    if !citations.is_empty() {
        let quotes: Vec<&str> = citations.iter().map(|c| c.quote.as_str()).collect();
        flags.extend(
            check_facts(&s.text, &quotes)
                .into_iter()
                .map(Flag::FactNotInSource),
        );
    }
    CheckedSentence {
        text: s.text.clone(),
        ids,
        citations,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_need_digits() {
        assert_eq!(marker_at("[3]x"), Some((vec![3], 3)));
        assert_eq!(marker_at("[3, 7]"), Some((vec![3, 7], 6)));
        assert_eq!(marker_at("【１２】").map(|m| m.0), Some(vec![12]));
        assert_eq!(marker_at("[2-4]").map(|m| m.0), Some(vec![2, 3, 4]));
        assert_eq!(marker_at("[Note]"), None);
        assert_eq!(marker_at("[]"), None);
        assert_eq!(marker_at("[3"), None);
    }

    #[test]
    fn tidy_closes_gaps() {
        assert_eq!(tidy("rose 5%  ."), "rose 5%.");
    }
}
