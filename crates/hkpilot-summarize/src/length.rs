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
///   [`hkpilot_core::Summary::text`] joins them), e.g. `600c`.
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
}

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
        }
    }

    /// Rejects targets that can only produce an empty summary.
    pub(crate) fn validate(self) -> Result<(), SummarizeError> {
        match self {
            Length::Sentences(0) | Length::Chars(0) => {
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
                let (digits, chars) = if let Some(d) = t.strip_suffix("chars") {
                    (d, true)
                } else if let Some(d) = t.strip_suffix('c') {
                    (d, true)
                } else {
                    (t.as_str(), false)
                };
                let n: usize = digits.trim().parse().map_err(|_| bad())?;
                if chars {
                    Length::Chars(n)
                } else {
                    Length::Sentences(n)
                }
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
        ] {
            assert_eq!(text.parse::<Length>().unwrap(), want, "{text}");
            assert_eq!(want.to_string().parse::<Length>().unwrap(), want);
        }
        for bad in ["", "0", "0c", "-3", "lots", "5x"] {
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
    }
}
