//! Word segmentation and keyword terms for statistics (TF-IDF, LexRank, BM25).
//!
//! Chinese goes through jieba (`jieba-rs`, MIT, with its bundled Simplified dictionary).
//! Traditional text is segmented by mapping each character to its Simplified form with
//! OpenCC's one-to-one character table, cutting that string, and slicing the *original*
//! text at the same character offsets: the mapping preserves the character count by
//! construction, so every token maps back exactly and 施政報告 comes out as a word.
//! English words are lower-cased, stop words dropped and stemmed with Snowball (Porter 2)
//! English; numbers are kept as terms.
use crate::script::is_han;
use crate::tables::tables;
use crate::{lexicon, stopwords};
use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashSet;
use std::sync::LazyLock;

/// The process-wide segmenter; loading the dictionary takes a few hundred milliseconds,
/// so it happens once.
pub(crate) fn jieba() -> &'static Jieba {
    static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
        let mut j = Jieba::new();
        for w in lexicon::HK_WORDS {
            // No frequency given: jieba picks one just high enough to keep the word whole.
            j.add_word(w, None, None);
        }
        j
    });
    &JIEBA
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
    &STEMMER
}

fn english_stop() -> &'static HashSet<&'static str> {
    static SET: LazyLock<HashSet<&str>> =
        LazyLock::new(|| stopwords::ENGLISH.iter().copied().collect());
    &SET
}

fn chinese_stop() -> &'static HashSet<&'static str> {
    static SET: LazyLock<HashSet<&str>> =
        LazyLock::new(|| stopwords::CHINESE.iter().copied().collect());
    &SET
}

/// Keyword terms of `text` in reading order: English stems, numbers and Chinese words in
/// the script they were written in.
pub fn terms(text: &str) -> Vec<String> {
    collect_terms(text, false)
}

/// Like [`terms`], but Chinese words are folded to Simplified so that a Traditional
/// document and a Simplified query share terms (for a cross-script search index).
pub fn terms_folded(text: &str) -> Vec<String> {
    collect_terms(text, true)
}

/// Chinese words of `text` (a run of Han characters, or any text: non-Han characters are
/// passed through jieba's own handling) as slices of `text`.
pub fn segment_chinese(text: &str) -> Vec<&str> {
    let simp = to_simplified_chars(text);
    let mut out = Vec::new();
    let mut byte = 0;
    let mut chars = text.char_indices();
    for tok in jieba().cut(&simp, true) {
        let n = tok.word.chars().count();
        let start = byte;
        for _ in 0..n {
            if let Some((_, c)) = chars.next() {
                byte += c.len_utf8();
            }
        }
        out.push(&text[start..byte]);
    }
    out
}

/// Maps each Traditional character to its Simplified form, one char for one char.
fn to_simplified_chars(text: &str) -> String {
    let t2s = &tables().t2s;
    text.chars().map(|c| *t2s.get(&c).unwrap_or(&c)).collect()
}

fn collect_terms(text: &str, fold: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = if is_han(c) {
            let run = run_len(rest, is_han);
            chinese_terms(&rest[..run], fold, &mut out);
            run
        } else if is_word_char(c) {
            let run = latin_word_len(rest);
            english_term(&rest[..run], &mut out);
            run
        } else {
            c.len_utf8()
        };
        rest = &rest[len..];
    }
    out
}

fn run_len(s: &str, pred: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !pred(c))
        .map_or(s.len(), |(i, _)| i)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Length of a Latin word or number at the start of `s`: letters and digits, plus
/// apostrophes inside words (government's) and '.'/',' between digits (1.5, 10,000).
fn latin_word_len(s: &str) -> usize {
    let mut end = 0;
    let mut prev: Option<char> = None;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        let joins = match c {
            '\'' | '’' => {
                prev.is_some_and(char::is_alphabetic) && next.is_some_and(char::is_alphabetic)
            }
            '.' | ',' => {
                prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit())
            }
            _ => is_word_char(c),
        };
        if !joins {
            break;
        }
        end = i + c.len_utf8();
        prev = Some(c);
    }
    end.max(s.chars().next().map_or(0, char::len_utf8))
}

fn english_term(word: &str, out: &mut Vec<String>) {
    // Full-width Latin (Ｈ Ｋ １) folds to ASCII so both spellings count as one term.
    let mut w: String = word
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '’' => '\'',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    if w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        // Numbers are terms as written, minus thousands separators.
        w.retain(|c| c != ',');
        out.push(w);
        return;
    }
    if let Some(stripped) = w.strip_suffix("'s") {
        w.truncate(stripped.len());
    }
    if w.chars().count() < 2 || english_stop().contains(w.as_str()) {
        return;
    }
    out.push(stemmer().stem(&w).into_owned());
}

/// Chinese terms of a run of Han characters.
///
/// jieba's HMM joins unknown characters into new words, and sometimes glues a function
/// character onto a neighbour (房屋局|将 → 局将). A token the dictionary does not know is
/// therefore stripped of single-character stop words at either end.
fn chinese_terms(run: &str, fold: bool, out: &mut Vec<String>) {
    let simp = to_simplified_chars(run);
    let stop = chinese_stop();
    // Byte offset of every char of `run` (and its end): jieba reports char positions,
    // which are the same in both scripts, byte positions are not.
    let offsets: Vec<usize> = run
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(run.len()))
        .collect();
    for tok in jieba().cut(&simp, true) {
        let (lead, trail) = stop_edges(tok.word);
        let (first, last) = (tok.start + lead, tok.end - trail);
        let word: String = tok.word.chars().skip(lead).take(last - first).collect();
        if word.is_empty() || stop.contains(word.as_str()) {
            continue;
        }
        out.push(if fold {
            word
        } else {
            run[offsets[first]..offsets[last]].to_string()
        });
    }
}

/// Single-character stop words (counted in chars) at the start and end of a word that
/// jieba's HMM made up; dictionary words are left whole.
fn stop_edges(word: &str) -> (usize, usize) {
    let n = word.chars().count();
    if n < 2 || jieba().has_word(word) {
        return (0, 0);
    }
    let stop = chinese_stop();
    let is_stop =
        |c: Option<char>| c.is_some_and(|c| stop.contains(c.encode_utf8(&mut [0; 4]) as &str));
    let lead = usize::from(is_stop(word.chars().next()));
    let trail = usize::from(n - lead > 1 && is_stop(word.chars().next_back()));
    (lead, trail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_numbers_and_possessives() {
        assert_eq!(latin_word_len("1,000 people"), 5);
        assert_eq!(latin_word_len("government's plan"), 12);
        assert_eq!(latin_word_len("3.5%"), 3);
        assert_eq!(
            terms("The Government's 10,000 flats"),
            ["govern", "10000", "flat"]
        );
    }

    #[test]
    fn traditional_segments_like_simplified() {
        let trad = segment_chinese("政府公布施政報告");
        let simp = segment_chinese("政府公布施政报告");
        let lens = |v: &[&str]| v.iter().map(|t| t.chars().count()).collect::<Vec<_>>();
        assert_eq!(lens(&trad), lens(&simp));
        assert!(trad.contains(&"施政報告"), "{trad:?}");
    }

    #[test]
    fn hk_bureaux_are_words_and_glued_stop_characters_are_cut() {
        let t = terms("房屋局將增加供應，運輸及物流局亦會跟進。");
        assert!(t.iter().any(|w| w == "房屋局"), "{t:?}");
        assert!(t.iter().any(|w| w == "運輸及物流局"), "{t:?}");
        assert!(!t.iter().any(|w| w.contains('將')), "{t:?}");
        // A made-up (HMM) word loses glued stop characters; dictionary words stay whole.
        assert_eq!(stop_edges("局将"), (0, 1));
        assert_eq!(stop_edges("的确"), (0, 0));
        assert_eq!(stop_edges("将"), (0, 0));
    }
}
