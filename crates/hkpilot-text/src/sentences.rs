//! Sentence segmentation for English, Chinese and text that mixes them.
//!
//! Rules, in order of precedence:
//! - a blank line always ends a sentence; a single newline does not by itself (callers
//!   pass normalised text where hard-wrapped lines are already joined), except after a
//!   Markdown heading line (`# …`) or before a bullet item (`- `, `* `, `• `);
//! - `1.` opening a line (a list enumerator, also `- [1.`) is no sentence end;
//! - Chinese 。！？； end a sentence wherever they stand. ；is included because official
//!   Chinese strings independent clauses together with it, and without it sentences run to
//!   hundreds of characters, which breaks extractive budgets; the ASCII `;` is *not* a
//!   terminator, since English uses it inside sentences ("(a) …; and (b) …");
//! - English `.` `!` `?` `…` end a sentence only when followed by whitespace (or a Han
//!   character, or the end) and the next word does not start in lower case; `.` also
//!   respects decimals (3.5%), initials (J. K. Smith) and abbreviations (Mr., e.g.,
//!   Cap. 123, para. 5.2);
//! - closing quotes and brackets right after a terminator belong to that sentence
//!   (「……。」, `said "no."`).
use std::ops::Range;

/// Titles and Latin abbreviations that never end a sentence.
const ALWAYS_CONTINUE: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "hon", "rev", "sr", "jr", "st", "gen", "col", "lt", "sgt",
    "capt", "gov", "govt", "e.g", "i.e", "cf", "vs", "viz", "approx", "co", "dept", "messrs",
    // "Ord." is written before a number or a capitalised word ("Ord. No. 4"); a sentence
    // that ends on the ordinance's name spells out "Ordinance".
    "ord",
];

/// Abbreviations used before a number ("Cap. 123", "s. 3", "para. 5.2"): they continue
/// only when a number or an opening bracket follows, because "no." and "art." are also
/// ordinary words that can end a sentence.
const BEFORE_NUMBER: &[&str] = &[
    "no", "nos", "cap", "para", "paras", "s", "ss", "art", "arts", "sec", "secs", "fig", "figs",
    "vol", "vols", "p", "pp", "ch", "cl", "reg", "sch", "item", "annex", "r", "rr",
];

/// Characters that close a quotation or bracket and stay with the sentence they follow.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        ')' | ']'
            | '}'
            | '"'
            | '\''
            | '”'
            | '’'
            | '」'
            | '』'
            | '）'
            | '】'
            | '〕'
            | '》'
            | '〉'
            | '］'
            | '｝'
            | '〗'
            | '»'
    )
}

/// Characters that open a quotation or bracket (stripped before an abbreviation check).
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '"' | '\'' | '“' | '‘' | '「' | '『' | '（' | '【' | '《'
    )
}

fn is_cjk_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '｡')
}

fn is_latin_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Byte ranges of the sentences in `text`: trimmed of surrounding whitespace, in order,
/// non-overlapping, never empty, always on char boundaries.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let next = i + c.len_utf8();
        if c == '\n' {
            let line = &text[line_start..i];
            line_start = next;
            if let Some(after) = blank_line_end(text, next) {
                push_trimmed(text, start, i, &mut out);
                start = after;
                i = after;
                line_start = after;
                continue;
            }
            if line.trim_start().starts_with('#') || starts_with_bullet(&text[next..]) {
                push_trimmed(text, start, i, &mut out);
                start = next;
                i = next;
                continue;
            }
        }
        let end = if is_cjk_terminator(c) {
            Some(absorb_closers(text, absorb_terminators(text, next)))
        } else if is_latin_terminator(c) {
            latin_boundary(text, i, c)
        } else {
            None
        };
        match end {
            Some(end) => {
                push_trimmed(text, start, end, &mut out);
                start = end;
                i = end;
            }
            None => i = next,
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

/// True if `rest` (the start of a line) opens a bullet item.
fn starts_with_bullet(rest: &str) -> bool {
    let mut it = rest.trim_start_matches([' ', '\t']).chars();
    matches!(
        (it.next(), it.next()),
        (
            Some('-' | '*' | '+' | '•' | '·' | '‧' | '▪' | '●'),
            Some(' ' | '\t')
        )
    )
}

/// True if the number ending at `word_start` opens its line, like "1." or "- [12.".
fn is_enumerator(text: &str, word_start: usize, word: &str) -> bool {
    let line_start = text[..word_start].rfind('\n').map_or(0, |j| j + 1);
    (1..=3).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_digit())
        && text[line_start..word_start]
            .chars()
            .all(|ch| ch.is_whitespace() || matches!(ch, '-' | '*' | '+' | '#' | '>' | '[' | '('))
}

/// If a blank line starts at `from` (just after a newline), the byte where the text after
/// it resumes.
fn blank_line_end(text: &str, from: usize) -> Option<usize> {
    let rest = &text[from..];
    let ws = rest.len() - rest.trim_start().len();
    rest[..ws].contains('\n').then_some(from + ws)
}

fn absorb_terminators(text: &str, mut i: usize) -> usize {
    while let Some(c) = text[i..].chars().next() {
        if is_cjk_terminator(c) || is_latin_terminator(c) {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

fn absorb_closers(text: &str, mut i: usize) -> usize {
    while let Some(c) = text[i..].chars().next() {
        if is_closer(c) {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// Decides whether the Latin terminator `c` at byte `i` ends a sentence; returns the end
/// of the sentence (after any further terminators and closers) if it does.
fn latin_boundary(text: &str, i: usize, c: char) -> Option<usize> {
    let before = &text[..i];
    let after_c = i + c.len_utf8();
    if c == '.' {
        let prev_digit = before
            .chars()
            .next_back()
            .is_some_and(|p| p.is_ascii_digit());
        let next_digit = text[after_c..]
            .chars()
            .next()
            .is_some_and(|n| n.is_ascii_digit());
        if prev_digit && next_digit {
            return None; // 3.5%, HK$1.5, para. 5.2
        }
    }
    let end = absorb_closers(text, absorb_terminators(text, after_c));
    let rest = &text[end..];
    let Some(first) = rest.chars().next() else {
        return Some(end);
    };
    if crate::script::is_han(first) || is_cjk_punct(first) {
        return Some(end); // "…in English.接著是中文"
    }
    if !first.is_whitespace() {
        return None; // e.g., gov.hk, U.S.A, wait...what
    }
    let next_word = rest.trim_start();
    let Some(n) = next_word.chars().next() else {
        return Some(end);
    };
    if n.is_lowercase() {
        return None; // "etc. and", "Wait... then"
    }
    let dots = text[i..end]
        .chars()
        .filter(|&d| d == '.' || d == '…')
        .count();
    if c == '.' && dots == 1 {
        let word = word_before(before);
        if is_abbreviation(word, n) || is_enumerator(text, i - word.len(), word) {
            return None;
        }
    }
    Some(end)
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20)
}

/// The word that ends at a '.', without leading quotes or brackets.
fn word_before(before: &str) -> &str {
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, ch)| {
            ch.is_whitespace()
                || crate::script::is_han(ch)
                || is_cjk_punct(ch)
                || is_cjk_terminator(ch)
        })
        .map_or(0, |(j, ch)| j + ch.len_utf8());
    before[start..].trim_start_matches(is_opener)
}

/// True if `word` followed by '.' and then a word starting with `next` is an
/// abbreviation rather than a sentence end.
fn is_abbreviation(word: &str, next: char) -> bool {
    let lower = word.to_lowercase();
    let mut chars = word.chars();
    let initial = matches!((chars.next(), chars.next()), (Some(a), None) if a.is_uppercase());
    if initial && !BEFORE_NUMBER.contains(&lower.as_str()) {
        return true; // J. K. Smith
    }
    if ALWAYS_CONTINUE.contains(&lower.as_str()) {
        return true;
    }
    BEFORE_NUMBER.contains(&lower.as_str()) && (next.is_ascii_digit() || next == '(')
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(start + lead..end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn abbreviation_classes() {
        assert_eq!(
            split("See s. 3 and Art. 23. We like art. It helps."),
            ["See s. 3 and Art. 23.", "We like art.", "It helps."]
        );
        assert_eq!(
            split("He said no. Then he left."),
            ["He said no.", "Then he left."]
        );
        assert_eq!(split("Refer to No. 5. Done."), ["Refer to No. 5.", "Done."]);
    }

    #[test]
    fn blank_line_breaks_but_single_newline_does_not() {
        assert_eq!(
            split("Heading\n\nBody text\ncontinues"),
            ["Heading", "Body text\ncontinues"]
        );
        assert_eq!(split("甲\r\n  \r\n乙"), ["甲", "乙"]);
        assert_eq!(split("# Title\nBody. More"), ["# Title", "Body.", "More"]);
        assert_eq!(split("Items:\n- one\n- two"), ["Items:", "- one", "- two"]);
    }

    #[test]
    fn enumerators_open_items() {
        assert_eq!(
            split("1. Deepen reforms\n2. Grow"),
            ["1. Deepen reforms\n2. Grow"]
        );
        assert_eq!(split("- [1. Housing](#h)"), ["- [1. Housing](#h)"]);
        assert_eq!(
            split("It rose in 2025. Then fell."),
            ["It rose in 2025.", "Then fell."]
        );
    }
}
