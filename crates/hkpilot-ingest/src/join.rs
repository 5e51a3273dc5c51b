//! Joining wrapped lines back into paragraphs: no space between Chinese characters,
//! English end-of-line hyphenation repaired, compound hyphens kept.

use hkpilot_text::script::is_han;

/// Full-width punctuation and other characters after/before which no space is needed.
pub(crate) fn is_cjk_like(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2E80..=0x2FDF | 0x3040..=0x30FF | 0x3100..=0x312F | 0xFE30..=0xFE4F)
        || matches!(
            c,
            '、' | '。'
                | '，'
                | '；'
                | '：'
                | '「'
                | '」'
                | '『'
                | '』'
                | '（'
                | '）'
                | '—'
                | '…'
        )
}

/// Prefixes whose hyphen is part of the word ("well-known"), not a line-break hyphen.
const COMPOUND_PREFIXES: &[&str] = &[
    "well", "self", "non", "co", "cross", "long", "short", "high", "low", "full", "part", "ex",
    "anti", "multi", "inter", "pre", "post", "semi", "sub", "e", "cyber", "mid", "one", "two",
    "three", "four", "five", "year", "day", "all", "half", "re", "over", "under", "user", "x",
];

/// Appends `next` (one wrapped line) to `acc` (the paragraph so far).
pub(crate) fn push_line(acc: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    if acc.is_empty() {
        acc.push_str(next);
        return;
    }
    let last = acc.chars().next_back().unwrap_or(' ');
    let first = next.chars().next().unwrap_or(' ');
    if last == '-' && first.is_lowercase() {
        let mut chars = acc.chars().rev();
        chars.next();
        let before = chars.next().unwrap_or(' ');
        if before.is_alphabetic() {
            let word: String = acc[..acc.len() - 1]
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
                .to_lowercase();
            if !COMPOUND_PREFIXES.contains(&word.as_str()) {
                acc.pop();
            }
            acc.push_str(next);
            return;
        }
    }
    if is_cjk_like(last) || is_cjk_like(first) || last == '/' {
        acc.push_str(next);
    } else {
        acc.push(' ');
        acc.push_str(next);
    }
}

/// Collapses runs of whitespace to one space; a run with a line break between two
/// Chinese characters is a wrapped line and becomes nothing.
pub(crate) fn squash_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    let mut newline = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending = !out.is_empty();
            newline |= c == '\n' || c == '\r';
        } else {
            if pending {
                let last = out.chars().next_back().unwrap_or(' ');
                if !(newline && is_cjk_like(last) && is_cjk_like(c)) {
                    out.push(' ');
                }
                pending = false;
            }
            newline = false;
            out.push(c);
        }
    }
    out
}

/// A list marker at the start of `s` ("1.", "(a)", "•", "(i)", "一、", "（一）"):
/// returns (marker, ordered, rest).
pub(crate) fn list_marker(s: &str) -> Option<(String, bool, String)> {
    let s = s.trim_start();
    let first = s.chars().next()?;
    if matches!(
        first,
        '•' | '·'
            | '‧'
            | '●'
            | '○'
            | '■'
            | '□'
            | '◆'
            | '▪'
            | '–'
            | '-'
            | '*'
            | '\u{F0B7}'
            | '➢'
            | '✓'
    ) {
        let rest = s[first.len_utf8()..].trim_start();
        if rest.is_empty() || (first == '-' && !s[1..].starts_with(' ')) {
            return None;
        }
        return Some((first.to_string(), false, rest.to_string()));
    }
    let chinese_num = |c: char| "一二三四五六七八九十百".contains(c);
    let mut end = None;
    if first == '(' || first == '（' {
        let close = if first == '(' { ')' } else { '）' };
        if let Some(i) = s.find(close) {
            let inner = &s[first.len_utf8()..i];
            let n = inner.chars().count();
            if (1..=4).contains(&n)
                && (inner.chars().all(|c| c.is_ascii_digit())
                    || (n <= 2 && inner.chars().all(|c| c.is_ascii_lowercase()))
                    || inner.chars().all(|c| "ivxlc".contains(c))
                    || inner.chars().all(chinese_num))
            {
                end = Some(i + close.len_utf8());
            }
        }
    } else if chinese_num(first) {
        let n: usize = s
            .chars()
            .take_while(|&c| chinese_num(c))
            .map(char::len_utf8)
            .sum();
        if s[n..].starts_with('、') {
            end = Some(n + '、'.len_utf8());
        }
    } else if first.is_ascii_digit() {
        let n = s
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .count();
        let marker = &s[..n];
        if n <= 6 && marker.ends_with('.') && s[n..].starts_with(|c: char| c.is_whitespace()) {
            end = Some(n);
        } else if n <= 3 && s[n..].starts_with(')') {
            end = Some(n + 1);
        }
    } else if first.is_ascii_lowercase()
        && s[1..].starts_with(['.', ')'])
        && s[2..].starts_with(' ')
    {
        end = Some(2);
    }
    let end = end?;
    let rest = s[end..].trim_start();
    if rest.is_empty() {
        return None;
    }
    Some((s[..end].to_string(), true, rest.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lines() {
        let mut p = String::new();
        for l in [
            "公務員事務局",
            "回覆如下。",
            "The recom-",
            "mendation is well-",
            "known under Cap.",
            "123.",
        ] {
            push_line(&mut p, l);
        }
        assert_eq!(
            p,
            "公務員事務局回覆如下。The recommendation is well-known under Cap. 123."
        );
    }

    #[test]
    fn markers() {
        for (s, m) in [
            ("1. Item", "1."),
            ("(a) x", "(a)"),
            ("• y", "•"),
            ("(iv) z", "(iv)"),
            ("一、 甲", "一、"),
            ("（一）乙", "（一）"),
            ("2.1. sub", "2.1."),
        ] {
            assert_eq!(list_marker(s).unwrap().0, m, "{s}");
        }
        assert!(list_marker("2015/16").is_none());
        assert!(list_marker("Cap. 123").is_none());
        assert!(list_marker("1.5 million").is_none());
    }
}
