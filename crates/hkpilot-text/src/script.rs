//! Script and language detection: Latin vs Han, and Traditional vs Simplified Han.
//!
//! Traditional and Simplified share most characters (政府, 的, 人), so the script is
//! decided only by characters that exist in one script alone; those sets come from the
//! OpenCC conversion tables (see `tables`), not from a hand list.
use crate::tables::tables;
use hkpilot_core::{Lang, LangProfile};

/// One Han character carries roughly as much text as three Latin letters (an English
/// word averages ~5 letters, a Chinese word ~1.7 characters), so shares are weighed
/// before the primary language is chosen.
const HAN_WEIGHT: f32 = 3.0;

/// The smaller side must reach this share (after weighting) for text to count as mixed.
const MIXED_SHARE: f32 = 0.2;

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Letter counts behind a [`LangProfile`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptEvidence {
    /// ASCII and full-width Latin letters.
    pub latin: usize,
    /// Han characters of either script.
    pub han: usize,
    /// Han characters that exist only in Traditional script (們, 這, 說).
    pub trad_only: usize,
    /// Han characters that exist only in Simplified script (们, 这, 说).
    pub simp_only: usize,
}

impl ScriptEvidence {
    /// The Chinese script the Han text is written in. With no evidence either way
    /// (all shared characters) the answer is Traditional, HKPilot's home script.
    pub fn chinese_script(&self) -> Lang {
        if self.simp_only > self.trad_only {
            Lang::ZhHans
        } else {
            Lang::ZhHant
        }
    }

    /// True when both Chinese scripts appear in earnest (a Simplified quotation in a
    /// Traditional paper), not a stray character.
    pub fn scripts_mixed(&self) -> bool {
        let (t, s) = (self.trad_only as f32, self.simp_only as f32);
        self.trad_only >= 2 && self.simp_only >= 2 && t.min(s) / (t + s) >= MIXED_SHARE
    }
}

/// Counts the letters of each script in `text`.
pub fn script_evidence(text: &str) -> ScriptEvidence {
    let t = tables();
    let mut e = ScriptEvidence::default();
    for c in text.chars() {
        if c.is_ascii_alphabetic() || matches!(c, 'Ａ'..='Ｚ' | 'ａ'..='ｚ') {
            e.latin += 1;
        } else if is_han(c) {
            e.han += 1;
            if t.trad_only.contains(&c) {
                e.trad_only += 1;
            } else if t.simp_only.contains(&c) {
                e.simp_only += 1;
            }
        }
    }
    e
}

/// The language profile of `text`. `primary` is English or the Chinese script shown by
/// the evidence; `mixed` is set when English and Chinese both make up a real part of the
/// text, and also when Traditional and Simplified are both present in earnest (see
/// [`ScriptEvidence::scripts_mixed`]); use [`script_evidence`] to tell the two apart.
pub fn detect_lang(text: &str) -> LangProfile {
    let e = script_evidence(text);
    let total = (e.latin + e.han) as f32;
    if total == 0.0 {
        return LangProfile {
            primary: None,
            latin_share: 0.0,
            han_share: 0.0,
            mixed: false,
        };
    }
    let han_w = e.han as f32 * HAN_WEIGHT;
    let latin_w = e.latin as f32;
    let primary = if han_w >= latin_w {
        e.chinese_script()
    } else {
        Lang::En
    };
    LangProfile {
        primary: Some(primary),
        latin_share: e.latin as f32 / total,
        han_share: e.han as f32 / total,
        mixed: han_w.min(latin_w) / (han_w + latin_w) >= MIXED_SHARE || e.scripts_mixed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighs_han_against_latin() {
        // Eight Han characters outweigh a 13-letter English name inside a Chinese sentence.
        let p = detect_lang("行政長官發表 Policy Address 施政報告");
        assert_eq!(p.primary, Some(Lang::ZhHant));
        assert!(p.mixed);
        let p = detect_lang(
            "The Chief Executive, Mr Lee (李先生), delivered the Policy Address today.",
        );
        assert_eq!(p.primary, Some(Lang::En));
    }

    #[test]
    fn no_letters_means_no_language() {
        let p = detect_lang("123 456 —— 。。");
        assert_eq!(p.primary, None);
        assert!(!p.mixed);
    }

    #[test]
    fn shared_characters_default_to_traditional() {
        assert_eq!(detect_lang("政府").primary, Some(Lang::ZhHant));
    }
}
