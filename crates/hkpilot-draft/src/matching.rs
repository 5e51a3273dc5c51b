//! Text normalised for term matching, with the way back to the original byte offsets.
//!
//! English: runs of whitespace become one space, curly apostrophes straight ones, odd
//! hyphens plain ones, and (for case-insensitive patterns) letters lower case; a match
//! must start and end at word boundaries (a Han character counts as a boundary, so
//! `教育局Education Bureau` still matches). Chinese: the text is folded to Simplified with
//! `hkpilot-text`'s converter (Traditional and Simplified spellings of a term meet), and
//! full-width brackets become ASCII ones; OpenCC keeps the character count, so every
//! folded character maps back to one original character.

use hkpilot_core::Lang;
use hkpilot_text::script::is_han;

/// A normalised copy of a text.
#[derive(Debug)]
pub(crate) struct Normalised {
    pub text: String,
    /// Per character of `text`: (its byte offset in `text`, original start, original end).
    map: Vec<(usize, usize, usize)>,
    orig_len: usize,
}

fn fold_punct(c: char) -> char {
    match c {
        '（' => '(',
        '）' => ')',
        '’' | '‘' | '`' => '\'',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => '-',
        _ => c,
    }
}

fn lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

/// Normalises a pattern (a term or alias) the way [`Normalised::english`] does a text.
pub(crate) fn norm_en(s: &str, lowercase: bool) -> String {
    Normalised::english(s.trim(), lowercase).text
}

/// Folds a Chinese pattern the way [`Normalised::chinese`] folds a text.
pub(crate) fn fold_zh(s: &str) -> String {
    Normalised::chinese(s.trim()).text
}

/// Brackets folded only, script kept.
pub(crate) fn raw_zh(s: &str) -> String {
    s.trim().chars().map(fold_punct).collect()
}

impl Normalised {
    pub fn english(text: &str, lowercase: bool) -> Self {
        let mut out = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len());
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if c.is_whitespace() {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = iter.peek() {
                    if !d.is_whitespace() {
                        break;
                    }
                    end = j + d.len_utf8();
                    iter.next();
                }
                map.push((out.len(), i, end));
                out.push(' ');
                continue;
            }
            let len = c.len_utf8();
            let c = fold_punct(c);
            let c = if lowercase { lower(c) } else { c };
            map.push((out.len(), i, i + len));
            out.push(c);
        }
        Normalised {
            text: out,
            map,
            orig_len: text.len(),
        }
    }

    /// Folded to Simplified, brackets folded.
    pub fn chinese(text: &str) -> Self {
        let folded = hkpilot_text::convert::convert(text, Lang::ZhHans);
        let source = if folded.chars().count() == text.chars().count() {
            folded
        } else {
            text.to_string()
        };
        Self::aligned(text, source.chars().map(fold_punct))
    }

    /// Script kept, brackets folded.
    pub fn raw_chinese(text: &str) -> Self {
        Self::aligned(text, text.chars().map(fold_punct))
    }

    /// `chars` has one character for each character of `text`.
    fn aligned(text: &str, chars: impl Iterator<Item = char>) -> Self {
        let mut out = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len());
        for ((i, c), f) in text.char_indices().zip(chars) {
            map.push((out.len(), i, i + c.len_utf8()));
            out.push(f);
        }
        Normalised {
            text: out,
            map,
            orig_len: text.len(),
        }
    }

    fn char_index(&self, byte: usize) -> usize {
        self.map.partition_point(|&(b, _, _)| b < byte)
    }

    /// The original byte range of the normalised byte range `start..end`.
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.char_index(start);
        let last = self.char_index(end);
        let s = self.map.get(first).map_or(self.orig_len, |m| m.1);
        let e = if last == 0 {
            s
        } else {
            self.map.get(last - 1).map_or(self.orig_len, |m| m.2)
        };
        (s, e)
    }

    /// Every occurrence of `pattern` (already normalised), as original byte ranges.
    /// `english` asks for word boundaries; `plural` lets an English match run on over
    /// a plural `s` / `es`.
    pub fn find(&self, pattern: &str, english: bool, plural: bool) -> Vec<(usize, usize)> {
        if pattern.is_empty() {
            return Vec::new();
        }
        let word = |c: char| c.is_alphanumeric() && !is_han(c);
        let starts_word = pattern.chars().next().is_some_and(word);
        let ends_word = pattern.chars().next_back().is_some_and(word);
        let mut out = Vec::new();
        for (s, m) in self.text.match_indices(pattern) {
            let mut e = s + m.len();
            if english {
                if starts_word && self.text[..s].chars().next_back().is_some_and(word) {
                    continue;
                }
                if ends_word {
                    let rest = &self.text[e..];
                    let boundary = |r: &str| !r.chars().next().is_some_and(word);
                    if plural {
                        if let Some(suffix) = ["es", "s"]
                            .into_iter()
                            .find(|x| rest.starts_with(x) && boundary(&rest[x.len()..]))
                        {
                            e += suffix.len();
                        }
                    }
                    if !boundary(&self.text[e..]) {
                        continue;
                    }
                }
            }
            out.push(self.original(s, e));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_maps_back_through_collapsed_space() {
        let text = "The  Education\nBureau’s reply";
        let n = Normalised::english(text, true);
        assert_eq!(n.text, "the education bureau's reply");
        let hits = n.find("education bureau", true, false);
        assert_eq!(hits.len(), 1);
        let (s, e) = hits[0];
        assert_eq!(&text[s..e], "Education\nBureau");
        assert!(n.find("education bur", true, false).is_empty());
        assert_eq!(
            Normalised::english("two District Councils.", true).find(
                "district council",
                true,
                true
            ),
            vec![(4, 21)]
        );
    }

    #[test]
    fn chinese_folds_scripts_and_brackets() {
        let text = "根據个人资料（私隐）条例，教育局";
        let n = Normalised::chinese(text);
        let pat = fold_zh("個人資料(私隱)條例");
        let hits = n.find(&pat, false, false);
        assert_eq!(hits.len(), 1, "{}", n.text);
        let (s, e) = hits[0];
        assert_eq!(&text[s..e], "个人资料（私隐）条例");
    }
}
