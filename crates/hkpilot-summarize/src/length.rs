//! How long a summary should be: named presets that grow with the document, or an
//! exact number of sentences or characters.

use crate::error::SummarizeError;
use std::fmt;
use std::str::FromStr;

/// The length target of a summary.
///
/// Parsed from text (config files, flags) as:
/// - `brief`, `standard`, `detailed` (case-insensitive; `short` and `long` are
///   accepted for brief and detailed);
/// - `N` — exactly N sentences (fewer when the document has fewer), e.g. `5`;
/// - `Nc` or `Nchars` — at most N characters of summary text (the sentences as
///   [`hkpilot_core::Summary::text`] joins them), e.g. `600c`;
/// - `Nw` or `Nwords` — about N words (a Chinese character counts as a word);
/// - `Nb` or `Nbullets` — N bullet points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Length {
    /// A few sentences: what to read in thirty seconds.
    Brief,
    /// About a paragraph or two for a short paper, a page for a long report.
    #[default]
    Standard,
    /// Enough to cover every part of a long report.
    Detailed,
    /// Exactly this many sentences (or all, if the document has fewer).
    Sentences(usize),
    /// At most this many characters.
    Chars(usize),
    /// About this many words; a Chinese character counts as one word.
    Words(usize),
    /// This many bullet points (one sentence each).
    Bullets(usize),
}

/// A length target from its number, for parsing suffixed targets.
type MakeLength = fn(usize) -> Length;

/// Characters per English word including its space, for turning a word target into
/// a character ceiling when a selector can only count characters.
const CHARS_PER_WORD: usize = 6;

/// What the selector must respect, once the length target meets a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    pub max_sentences: usize,
    /// Character ceiling on the joined summary text, if any.
    pub max_chars: Option<usize>,
}

/// Presets grow with the square root of the number of candidate sentences, so a
/// one-page letter gets two or three sentences and a 300-page report a page or two,
/// never a fixed fraction (10% of a 1,000-page report is unreadable). The
/// (factor, minimum, maximum) triples are monotone from brief to detailed, so
/// brief ≤ standard ≤ detailed holds for every document.
const BRIEF: (f64, usize, usize) = (0.5, 1, 8);
const STANDARD: (f64, usize, usize) = (1.0, 2, 25);
const DETAILED: (f64, usize, usize) = (2.0, 3, 60);

impl Length {
    /// The budget for a document with `candidates` selectable sentences.
    pub(crate) fn budget(self, candidates: usize) -> Budget {
        let scaled = |(factor, min, max): (f64, usize, usize)| {
            let k = (factor * (candidates as f64).sqrt()).round() as usize;
            k.clamp(min, max).min(candidates)
        };
        match self {
            Length::Brief => Budget {
                max_sentences: scaled(BRIEF),
                max_chars: None,
            },
            Length::Standard => Budget {
                max_sentences: scaled(STANDARD),
                max_chars: None,
            },
            Length::Detailed => Budget {
                max_sentences: scaled(DETAILED),
                max_chars: None,
            },
            Length::Sentences(n) => Budget {
                max_sentences: n.min(candidates),
                max_chars: None,
            },
            Length::Chars(n) => Budget {
                max_sentences: candidates,
                max_chars: Some(n),
            },
            Length::Words(n) => Budget {
                max_sentences: candidates,
                max_chars: Some(n.saturating_mul(CHARS_PER_WORD)),
            },
            Length::Bullets(n) => Budget {
                max_sentences: n.min(candidates),
                max_chars: None,
            },
        }
    }

    /// How many sentences (or bullet points) a summary of a document with
    /// `candidates` sentences should have; what a model is asked to write.
    pub fn target_sentences(self, candidates: usize) -> usize {
        let b = self.budget(candidates);
        match b.max_chars {
            // One summary sentence is about 150 characters of English.
            Some(c) => (c / 150).clamp(1, candidates.max(1)),
            None => b.max_sentences.max(1),
        }
    }

    /// Rejects targets that can only produce an empty summary.
    pub(crate) fn validate(self) -> Result<(), SummarizeError> {
        match self {
            Length::Sentences(0) | Length::Chars(0) | Length::Words(0) | Length::Bullets(0) => {
                Err(SummarizeError::InvalidLength(self.to_string()))
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Brief => f.write_str("brief"),
            Length::Standard => f.write_str("standard"),
            Length::Detailed => f.write_str("detailed"),
            Length::Sentences(n) => write!(f, "{n}"),
            Length::Chars(n) => write!(f, "{n}c"),
            Length::Words(n) => write!(f, "{n}w"),
            Length::Bullets(n) => write!(f, "{n}b"),
        }
    }
}

impl FromStr for Length {
    type Err = SummarizeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let bad = || SummarizeError::InvalidLength(s.to_string());
        let length = match t.as_str() {
            "brief" | "short" => Length::Brief,
            "standard" | "medium" => Length::Standard,
            "detailed" | "long" => Length::Detailed,
            _ => {
                // Longest suffixes first, so "words" is not read as "…s".
                let units: [(&str, MakeLength); 7] = [
                    ("chars", Length::Chars),
                    ("words", Length::Words),
                    ("bullets", Length::Bullets),
                    ("c", Length::Chars),
                    ("w", Length::Words),
                    ("b", Length::Bullets),
                    ("", Length::Sentences),
                ];
                let (digits, make) = units
                    .iter()
                    .find_map(|(suffix, make)| t.strip_suffix(suffix).map(|d| (d, *make)))
                    .ok_or_else(bad)?;
                let n: usize = digits.trim().parse().map_err(|_| bad())?;
                make(n)
            }
        };
        length.validate()?;
        Ok(length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays() {
        for (text, want) in [
            ("brief", Length::Brief),
            ("Standard", Length::Standard),
            ("LONG", Length::Detailed),
            ("7", Length::Sentences(7)),
            ("600c", Length::Chars(600)),
            ("600 chars", Length::Chars(600)),
            ("200w", Length::Words(200)),
            ("200 words", Length::Words(200)),
            ("5b", Length::Bullets(5)),
            ("5 bullets", Length::Bullets(5)),
        ] {
            assert_eq!(text.parse::<Length>().unwrap(), want, "{text}");
            assert_eq!(want.to_string().parse::<Length>().unwrap(), want);
        }
        for bad in ["", "0", "0c", "0w", "0b", "-3", "lots", "5x", "w"] {
            let err = bad.parse::<Length>().unwrap_err();
            assert_eq!(err.code(), "invalid_length", "{bad}");
        }
    }

    #[test]
    fn presets_are_ordered_and_grow_sublinearly() {
        let mut last_standard = 0;
        for n in [0, 1, 2, 5, 10, 50, 100, 1_000, 30_000] {
            let b = Length::Brief.budget(n).max_sentences;
            let s = Length::Standard.budget(n).max_sentences;
            let d = Length::Detailed.budget(n).max_sentences;
            assert!(b <= s && s <= d, "{n}: {b} {s} {d}");
            assert!(d <= n);
            assert!(s >= last_standard);
            last_standard = s;
        }
        assert!(Length::Detailed.budget(30_000).max_sentences <= 60);
        assert!(Length::Brief.budget(100).max_sentences >= 3);
    }

    #[test]
    fn exact_targets_pass_through() {
        assert_eq!(Length::Sentences(4).budget(10).max_sentences, 4);
        assert_eq!(Length::Sentences(40).budget(10).max_sentences, 10);
        assert_eq!(Length::Chars(120).budget(10).max_chars, Some(120));
        assert_eq!(Length::Bullets(3).budget(10).max_sentences, 3);
        assert_eq!(Length::Words(100).budget(10).max_chars, Some(600));
        assert_eq!(Length::Bullets(3).target_sentences(10), 3);
        assert_eq!(Length::Chars(450).target_sentences(10), 3);
    }
}
