//! ROUGE tokenisers: rouge-score's default English tokeniser (with stemming) and the
//! character tokeniser the project's Python scorer used for Chinese.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

/// How texts are cut into ROUGE tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tokenizer {
    /// [`Tokenizer::Chinese`] when any of the texts compared holds a CJK Unified
    /// Ideograph (U+4E00–U+9FFF), otherwise [`Tokenizer::English`]. One Han character
    /// is enough, so mixed text is scored as Chinese.
    #[default]
    Auto,
    /// rouge-score's default tokeniser with `use_stemmer=True`: lower-case, every run
    /// of characters other than `a-z0-9` is a separator, and tokens longer than three
    /// characters are stemmed. The stemmer is Snowball English (Porter 2), not NLTK's
    /// Porter, so a few words stem differently (see the crate documentation).
    English,
    /// The character tokeniser of the project's reference scorer
    /// (`shared/tools/extractive_baselines.py`, `CharTok`): every character in
    /// U+4E00–U+9FFF is a token and so is every run of ASCII letters and digits, case
    /// kept and nothing stemmed; everything else (punctuation, other scripts) is
    /// dropped.
    Chinese,
}

impl Tokenizer {
    /// Settles [`Tokenizer::Auto`] for a set of texts to be compared with each other;
    /// the other variants are returned as they are.
    pub fn resolve<'a>(self, texts: impl IntoIterator<Item = &'a str>) -> Tokenizer {
        match self {
            Tokenizer::Auto => {
                if texts.into_iter().any(|t| t.chars().any(is_cjk_ideograph)) {
                    Tokenizer::Chinese
                } else {
                    Tokenizer::English
                }
            }
            other => other,
        }
    }
}

/// The range the reference scorer's character tokeniser matches (`[\u4e00-\u9fff]`).
fn is_cjk_ideograph(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
    &STEMMER
}

/// Cuts `text` into ROUGE tokens; [`Tokenizer::Auto`] is settled on `text` alone.
pub fn tokenize(text: &str, tokenizer: Tokenizer) -> Vec<String> {
    match tokenizer.resolve([text]) {
        Tokenizer::Chinese => chinese_tokens(text),
        _ => english_tokens(text),
    }
}

fn english_tokens(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|t| !t.is_empty())
        .map(|t| {
            // rouge-score stems only tokens of more than three characters.
            if t.len() > 3 {
                stemmer().stem(t).into_owned()
            } else {
                t.to_owned()
            }
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn chinese_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            tokens.push(std::mem::take(&mut run));
        }
        if is_cjk_ideograph(c) {
            tokens.push(c.to_string());
        }
    }
    if !run.is_empty() {
        tokens.push(run);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_lowercases_splits_and_stems_long_tokens_only() {
        assert_eq!(
            tokenize(
                "The Officer's reports, 2024-25: running!",
                Tokenizer::English
            ),
            ["the", "offic", "s", "report", "2024", "25", "run"]
        );
        // Three characters or fewer are never stemmed ("ran", "was" stay as they are).
        assert_eq!(
            tokenize("was ran cats", Tokenizer::English),
            ["was", "ran", "cat"]
        );
        // Letters outside a-z are separators, as in rouge-score.
        assert_eq!(
            tokenize("café naïve", Tokenizer::English),
            ["caf", "na", "ve"]
        );
    }

    #[test]
    fn chinese_is_one_token_per_character_and_ascii_runs() {
        assert_eq!(
            tokenize("施政報告2025，HK Gov。", Tokenizer::Chinese),
            ["施", "政", "報", "告", "2025", "HK", "Gov"]
        );
        // Full-width digits, kana and Extension A characters are not tokens.
        assert_eq!(tokenize("１２かな㐀中", Tokenizer::Chinese), ["中"]);
    }

    #[test]
    fn auto_picks_chinese_when_any_text_has_han() {
        assert_eq!(
            Tokenizer::Auto.resolve(["plain English"]),
            Tokenizer::English
        );
        assert_eq!(
            Tokenizer::Auto.resolve(["plain English", "香港"]),
            Tokenizer::Chinese
        );
        assert_eq!(Tokenizer::English.resolve(["香港"]), Tokenizer::English);
        assert_eq!(
            tokenize("Mr Chan 陳", Tokenizer::Auto),
            ["Mr", "Chan", "陳"]
        );
    }
}
