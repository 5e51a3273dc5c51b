//! Languages and scripts HKPilot reads and writes.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A written language HKPilot can produce. Chinese is split by script because the
/// script is what an officer asks for ("reply in Traditional Chinese").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-Hant")]
    ZhHant,
    #[serde(rename = "zh-Hans")]
    ZhHans,
}

impl Lang {
    /// The BCP 47 tag, as used on the command line and in JSON.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHant => "zh-Hant",
            Lang::ZhHans => "zh-Hans",
        }
    }

    pub fn is_chinese(self) -> bool {
        matches!(self, Lang::ZhHant | Lang::ZhHans)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// Error for a language tag HKPilot does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown language '{}': use en, zh-Hant or zh-Hans",
            self.0
        )
    }
}

impl std::error::Error for UnknownLang {}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Accepts the canonical tags and the common spellings officers type
    /// (`zh-HK`, `zh-TW`, `zh-CN`, `tc`, `sc`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-gb" | "en-us" | "en-hk" | "english" => Ok(Lang::En),
            "zh-hant" | "zh-hk" | "zh-tw" | "zh-mo" | "tc" | "hant" | "zh" => Ok(Lang::ZhHant),
            "zh-hans" | "zh-cn" | "zh-sg" | "sc" | "hans" => Ok(Lang::ZhHans),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

/// What languages a piece of text is written in, by share of its letters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LangProfile {
    /// The language with the largest share, if the text has any letters at all.
    pub primary: Option<Lang>,
    /// Share of Latin letters among all letters (0..=1).
    pub latin_share: f32,
    /// Share of Han characters among all letters (0..=1).
    pub han_share: f32,
    /// True when both English and Chinese make up a real part of the text.
    pub mixed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_spellings() {
        assert_eq!("zh-HK".parse::<Lang>().unwrap(), Lang::ZhHant);
        assert_eq!("zh_CN".parse::<Lang>().unwrap(), Lang::ZhHans);
        assert_eq!("EN".parse::<Lang>().unwrap(), Lang::En);
        let err = "fr".parse::<Lang>().unwrap_err();
        assert!(err.to_string().contains("zh-Hant"));
    }

    #[test]
    fn tag_round_trips() {
        for lang in [Lang::En, Lang::ZhHant, Lang::ZhHans] {
            assert_eq!(lang.tag().parse::<Lang>().unwrap(), lang);
        }
    }
}
