//! What a rewrite changed: a diff at the level a reader sees changes — words in
//! English, characters in Chinese — as a list of equal / insert / delete operations
//! that reconstruct both texts exactly, and as Markdown (~~deleted~~ **inserted**).
//!
//! Tokens: each Han character (and each CJK or full-width punctuation mark) is a token;
//! a run of letters or digits (with inner apostrophes, hyphens, dots and commas, so
//! "don't", "well-being", "3.5" and "30,000" stay whole) is a token; a run of
//! whitespace is a token; any other character is a token. The diff itself is
//! `similar`'s Myers algorithm over those tokens; adjacent operations of one kind are
//! merged.

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// What one piece of the diff does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    /// In both texts.
    Equal,
    /// Only in the new text.
    Insert,
    /// Only in the old text.
    Delete,
}

/// One piece of the diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffOp {
    #[serde(rename = "op")]
    pub kind: DiffKind,
    pub text: String,
}

/// The longest a diff may search before settling for a coarser answer (still exact:
/// both texts are always reconstructed).
const DEADLINE: Duration = Duration::from_secs(2);

/// The diff of `old` → `new`. Concatenating the `equal` and `delete` texts gives
/// `old`; the `equal` and `insert` texts give `new`.
pub fn diff_text(old: &str, new: &str) -> Vec<DiffOp> {
    let a = tokens(old);
    let b = tokens(new);
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        &a,
        &b,
        Some(Instant::now() + DEADLINE),
    );
    let mut out: Vec<DiffOp> = Vec::new();
    let mut push = |kind: DiffKind, parts: &[&str]| {
        let text: String = parts.concat();
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(&text),
            _ => out.push(DiffOp { kind, text }),
        }
    };
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => push(DiffKind::Equal, &a[old_range]),
            similar::DiffTag::Delete => push(DiffKind::Delete, &a[old_range]),
            similar::DiffTag::Insert => push(DiffKind::Insert, &b[new_range]),
            similar::DiffTag::Replace => {
                push(DiffKind::Delete, &a[old_range]);
                push(DiffKind::Insert, &b[new_range]);
            }
        }
    }
    out
}

/// The old text of a diff.
pub fn old_text(ops: &[DiffOp]) -> String {
    ops.iter()
        .filter(|o| o.kind != DiffKind::Insert)
        .map(|o| o.text.as_str())
        .collect()
}

/// The new text of a diff.
pub fn new_text(ops: &[DiffOp]) -> String {
    ops.iter()
        .filter(|o| o.kind != DiffKind::Delete)
        .map(|o| o.text.as_str())
        .collect()
}

/// Whether anything changed.
pub fn has_changes(ops: &[DiffOp]) -> bool {
    ops.iter().any(|o| o.kind != DiffKind::Equal)
}

/// The diff as Markdown: deletions as `~~text~~`, insertions as `**text**`, the rest
/// as it is. Markdown's own marks in the text are escaped, and whitespace at the
/// edges of a change is kept outside the marks so that they render.
pub fn diff_markdown(ops: &[DiffOp]) -> String {
    let mut out = String::new();
    for op in ops {
        let mark = match op.kind {
            DiffKind::Equal => {
                out.push_str(&escape(&op.text));
                continue;
            }
            DiffKind::Delete => "~~",
            DiffKind::Insert => "**",
        };
        // Line by line: emphasis cannot span a paragraph break.
        for (i, line) in op.text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let core = line.trim();
            if core.is_empty() {
                out.push_str(line);
                continue;
            }
            let lead = &line[..line.len() - line.trim_start().len()];
            let trail = &line[line.trim_end().len()..];
            out.push_str(lead);
            out.push_str(mark);
            out.push_str(&escape(core));
            out.push_str(mark);
            out.push_str(trail);
        }
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The diff tokens of `text` (see the module documentation); they concatenate to it.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((start, c)) = it.next() {
        let mut end = start + c.len_utf8();
        if c.is_whitespace() {
            while let Some(&(i, d)) = it.peek() {
                if !d.is_whitespace() {
                    break;
                }
                end = i + d.len_utf8();
                it.next();
            }
        } else if is_wordy(c) {
            while let Some(&(i, d)) = it.peek() {
                if is_wordy(d) {
                    end = i + d.len_utf8();
                    it.next();
                    continue;
                }
                // An inner joiner followed by a word character stays in the word.
                if matches!(d, '\'' | '’' | '-' | '.' | ',') {
                    let rest = &text[i + d.len_utf8()..];
                    if rest.chars().next().is_some_and(is_wordy) {
                        end = i + d.len_utf8();
                        it.next();
                        continue;
                    }
                }
                break;
            }
        }
        out.push(&text[start..end]);
    }
    out
}

/// Letters and digits that form words; Han characters are tokens of their own.
fn is_wordy(c: char) -> bool {
    c.is_alphanumeric() && !hkpilot_text::script::is_han(c) && !is_cjk_other(c)
}

/// Kana, Hangul and the like: treated as characters, as Han is.
fn is_cjk_other(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3100..=0x312F | 0xAC00..=0xD7AF | 0xFF00..=0xFFEF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_diffed_by_word() {
        let ops = diff_text(
            "The fee will rise to $30,000 next year.",
            "The fee will increase to $30,000 in 2026.",
        );
        assert!(ops.contains(&DiffOp {
            kind: DiffKind::Delete,
            text: "rise".into()
        }));
        assert!(ops.contains(&DiffOp {
            kind: DiffKind::Insert,
            text: "increase".into()
        }));
        assert!(ops
            .iter()
            .any(|o| o.kind == DiffKind::Equal && o.text.contains("$30,000")));
    }

    #[test]
    fn chinese_is_diffed_by_character() {
        let ops = diff_text("政府发布了新的信息。", "政府發布了新的資訊。");
        assert_eq!(old_text(&ops), "政府发布了新的信息。");
        assert_eq!(new_text(&ops), "政府發布了新的資訊。");
        assert!(ops
            .iter()
            .any(|o| o.kind == DiffKind::Equal && o.text == "政府"));
        assert!(ops
            .iter()
            .any(|o| o.kind == DiffKind::Delete && o.text == "发"));
    }

    #[test]
    fn markdown_marks_changes() {
        let ops = diff_text("a big cat", "a small cat");
        assert_eq!(diff_markdown(&ops), "a ~~big~~**small** cat");
        let ops = diff_text("x *y*", "x *z*");
        assert!(diff_markdown(&ops).contains("\\*"));
    }

    #[test]
    fn tokens_keep_numbers_and_contractions_whole() {
        assert_eq!(
            tokens("don't pay 3.5% of 30,000 元"),
            ["don't", " ", "pay", " ", "3.5", "%", " ", "of", " ", "30,000", " ", "元"]
        );
    }
}
