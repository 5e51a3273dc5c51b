//! Hong Kong usage check for Traditional Chinese output: words written the Mainland or
//! Taiwan way where Hong Kong official writing has its own word (信息 → 資訊,
//! 軟體 → 軟件).
//!
//! The table has two parts. The Mainland forms come from `hkpilot-text`'s
//! [`HK_VOCABULARY`](hkpilot_text::convert::HK_VOCABULARY) (the overlay its
//! Simplified → Traditional conversion applies), each key converted character by
//! character to Traditional script, so the converter and this check never disagree.
//! Taiwan forms, and a few Mainland ones the overlay leaves out, are listed here. Pairs
//! whose right form depends on meaning are marked [`UsageLevel::Review`]: 質量 is
//! "quality" on the Mainland but "mass" in Hong Kong, 計算機 a computer there but a
//! calculator here. 數據 / 資料 is deliberately absent: both are Hong Kong usage.
//!
//! A form is flagged only when it is a word of its own or lies inside one word (jieba's
//! segmentation, as in the converter), so 通信息息相關 is not read as 信息.

use hkpilot_core::Lang;
use serde::Serialize;
use std::sync::LazyLock;

/// How sure the check is that the form is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageLevel {
    /// Not Hong Kong usage: replace.
    Replace,
    /// Wrong in one meaning, right in another: a person should look.
    Review,
}

/// One non-Hong Kong form and its Hong Kong equivalent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsagePair {
    /// The form to flag, in Traditional script.
    pub found: String,
    pub preferred: String,
    pub level: UsageLevel,
    pub note: String,
}

/// A non-Hong Kong form found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageHit {
    pub found: String,
    pub preferred: String,
    /// Byte offset of `found` in the text.
    pub offset: usize,
    pub level: UsageLevel,
    pub note: String,
}

use UsageLevel::{Replace, Review};

/// Forms not covered by `HK_VOCABULARY`, and level overrides for some that are.
const OWN_PAIRS: &[(&str, &str, UsageLevel, &str)] = &[
    ("軟體", "軟件", Replace, "Taiwan usage"),
    ("硬體", "硬件", Replace, "Taiwan usage"),
    ("網路", "網絡", Replace, "Taiwan usage"),
    ("網際網路", "互聯網", Replace, "Taiwan usage"),
    ("數位", "數碼", Replace, "Taiwan usage"),
    ("人工智慧", "人工智能", Replace, "Taiwan usage"),
    ("行動電話", "流動電話", Replace, "Taiwan usage"),
    ("簡訊", "短訊", Replace, "Taiwan usage"),
    ("部落格", "網誌", Replace, "Taiwan usage"),
    ("計程車", "的士", Replace, "Taiwan usage"),
    ("印表機", "打印機", Replace, "Taiwan usage"),
    ("公車", "巴士", Replace, "Taiwan usage"),
    ("腳踏車", "單車", Replace, "Taiwan usage"),
    ("自行車", "單車", Replace, "Mainland usage"),
    (
        "摩托車",
        "電單車",
        Replace,
        "Mainland usage; 電單車 is the legal term in Hong Kong",
    ),
    (
        "視頻",
        "影片／視像",
        Review,
        "Mainland usage: 影片 for a video clip, 視像 for video calls and conferencing",
    ),
    (
        "質量",
        "質素",
        Review,
        "質素 where it means quality; 質量 is right where it means mass",
    ),
    (
        "計算機",
        "電腦",
        Review,
        "電腦 where it means a computer; in Hong Kong 計算機 is a calculator",
    ),
    (
        "線上",
        "網上",
        Review,
        "Taiwan usage for online services (網上申請); keep 線上 in other senses",
    ),
    ("螢幕", "屏幕", Review, "Taiwan usage for a screen"),
];

/// The table the check uses: `HK_VOCABULARY` in Traditional script, then our own pairs
/// (which win where both list a form). Longest forms first.
pub fn hk_usage_table() -> &'static [UsagePair] {
    static TABLE: LazyLock<Vec<UsagePair>> = LazyLock::new(|| {
        let mut out: Vec<UsagePair> = OWN_PAIRS
            .iter()
            .map(|&(found, preferred, level, note)| UsagePair {
                found: found.into(),
                preferred: preferred.into(),
                level,
                note: note.into(),
            })
            .collect();
        for (simp, hk) in hkpilot_text::convert::HK_VOCABULARY {
            let found = char_by_char_traditional(simp);
            if found == *hk || out.iter().any(|p| p.found == found) {
                continue;
            }
            out.push(UsagePair {
                found,
                preferred: hk.to_string(),
                level: Replace,
                note: "Mainland usage".into(),
            });
        }
        out.sort_by_key(|p| std::cmp::Reverse(p.found.chars().count()));
        out
    });
    &TABLE
}

/// Traditional script for `simp` without the vocabulary overlay: the overlay applies
/// only to whole words, so converting one character at a time leaves just the script
/// conversion.
fn char_by_char_traditional(simp: &str) -> String {
    let mut buf = [0u8; 4];
    simp.chars()
        .map(|c| hkpilot_text::convert::to_hant(c.encode_utf8(&mut buf)))
        .collect()
}

/// Non-Hong Kong forms in `text`, in text order. Run it on Traditional Chinese output
/// (the forms are in Traditional script; convert Simplified text first).
pub fn check_hk_usage(text: &str) -> Vec<UsageHit> {
    let table = hk_usage_table();
    if !table.iter().any(|p| text.contains(p.found.as_str())) {
        return Vec::new();
    }
    // Character index of every byte offset that starts a character, and the word
    // boundaries (by character index) from jieba.
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let n = starts.len();
    let char_at = |byte: usize| starts.partition_point(|&b| b < byte);
    let mut boundary = vec![false; n + 1];
    let mut pos = 0;
    for word in hkpilot_text::words::segment_chinese(text) {
        boundary[pos] = true;
        pos += word.chars().count();
    }
    boundary[n.min(pos)] = true;
    boundary[n] = true;

    let mut taken = vec![false; n];
    let mut hits = Vec::new();
    for p in table {
        for (byte, _) in text.match_indices(p.found.as_str()) {
            let i = char_at(byte);
            let end = i + p.found.chars().count();
            if taken[i..end].iter().any(|&t| t) {
                continue;
            }
            let whole = boundary[i] && boundary[end];
            let inside_one = !boundary[i + 1..end].contains(&true);
            if !(whole || inside_one) {
                continue;
            }
            taken[i..end].iter_mut().for_each(|t| *t = true);
            hits.push(UsageHit {
                found: p.found.clone(),
                preferred: p.preferred.clone(),
                offset: byte,
                level: p.level,
                note: p.note.clone(),
            });
        }
    }
    hits.sort_by_key(|h| h.offset);
    hits
}

/// `text` with every [`UsageLevel::Replace`] hit replaced by its Hong Kong form
/// (review hits are left for a person).
pub fn apply_hk_usage(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for h in check_hk_usage(text) {
        if h.level != Replace {
            continue;
        }
        out.push_str(&text[last..h.offset]);
        out.push_str(&h.preferred);
        last = h.offset + h.found.len();
    }
    out.push_str(&text[last..]);
    out
}

/// Whether a text in `lang` should be checked for Hong Kong usage.
pub fn applies_to(lang: Lang) -> bool {
    lang == Lang::ZhHant
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_covers_the_converters_overlay() {
        let t = hk_usage_table();
        for (simp, hk) in hkpilot_text::convert::HK_VOCABULARY {
            let trad = char_by_char_traditional(simp);
            // Present, with the overlay's Hong Kong form unless our own pair overrides it.
            assert!(
                t.iter().any(|p| p.found == trad),
                "{simp} → {trad} ({hk}) missing"
            );
        }
        assert!(t.iter().any(|p| p.found == "信息" && p.preferred == "資訊"));
        assert!(t
            .iter()
            .any(|p| p.found == "服務器" && p.preferred == "伺服器"));
        let calc = t.iter().find(|p| p.found == "計算機").unwrap();
        assert_eq!(calc.level, Review);
    }

    #[test]
    fn respects_word_boundaries() {
        assert!(check_hk_usage("通信息息相關").is_empty());
        let hits = check_hk_usage("政府信息科技");
        assert_eq!(hits.len(), 1, "{hits:?}");
    }

    #[test]
    fn replaces_only_sure_forms() {
        assert_eq!(apply_hk_usage("新軟體的質量"), "新軟件的質量");
    }
}
