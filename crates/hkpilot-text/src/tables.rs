//! Character tables derived once, at first use, from OpenCC's conversion dictionaries.
//!
//! Rather than a hand-written list of "Traditional" and "Simplified" characters, every
//! Han character in the Basic Multilingual Plane is run through the same OpenCC
//! converters that `convert` uses: a character that Simplified→Traditional changes is a
//! Simplified form, one that Traditional(HK)→Simplified changes is a Traditional form.
//! The tables follow the converter crate's data (OpenCC, Apache-2.0) automatically.
use crate::convert::{opencc_hk2s, opencc_s2t};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Simplified characters whose OpenCC entry lists the character itself among its
/// Traditional forms (e.g. 干 → 幹 乾 干, 台 → 臺 檯 颱 台): they are everyday Traditional
/// characters too (HK writes 平台, 干涉), so they are no evidence of Simplified script.
/// Generated from OpenCC STCharacters.txt (keys whose value list contains the key but does
/// not start with it); the converter API only exposes the first candidate.
const SIMPLIFIED_ALSO_TRADITIONAL: &str = "㐹万丑丰于云亘仆价伙余佣党准几凶划占厂厘台叶吁吃后咨咸唇夸尸岩岳帘干广征愿托挂据斗朴杠杰极柜涂涌淀游熏皂确种筑胜腊腌膻苹范荐虫蚝蜡蝎跖辟适郁采里";

/// The same for TSCharacters.txt: Traditional characters that are also standard
/// Simplified characters (乾隆, 於 as a surname).
const TRADITIONAL_ALSO_SIMPLIFIED: &str = "乾剋夥徵於薹麽";

/// Han ranges scanned: CJK Unified Ideographs, Extension A and the compatibility block.
/// The supplementary planes hold almost no characters that differ between the scripts.
const SCANNED: [(u32, u32); 3] = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)];

#[derive(Debug)]
pub(crate) struct ScriptTables {
    /// Traditional (including HK variant) → Simplified, one character to one character.
    pub t2s: HashMap<char, char>,
    /// Characters written only in Traditional script.
    pub trad_only: HashSet<char>,
    /// Characters written only in Simplified script.
    pub simp_only: HashSet<char>,
}

pub(crate) fn tables() -> &'static ScriptTables {
    static TABLES: LazyLock<ScriptTables> = LazyLock::new(build);
    &TABLES
}

fn build() -> ScriptTables {
    let chars: Vec<char> = SCANNED
        .iter()
        .flat_map(|&(lo, hi)| (lo..=hi).filter_map(char::from_u32))
        .collect();
    // One newline-separated string per direction: phrase entries never span a newline,
    // so each line converts as a lone character, and one call is far cheaper than 28k.
    let joined: String = chars.iter().flat_map(|&c| [c, '\n']).collect();
    let to_simp = opencc_hk2s().convert(&joined);
    let to_trad = opencc_s2t().convert(&joined);
    let also_trad: HashSet<char> = SIMPLIFIED_ALSO_TRADITIONAL.chars().collect();
    let also_simp: HashSet<char> = TRADITIONAL_ALSO_SIMPLIFIED.chars().collect();

    let mut t2s = HashMap::new();
    let mut trad_only = HashSet::new();
    let mut simp_only = HashSet::new();
    for ((&c, s), t) in chars
        .iter()
        .zip(to_simp.split('\n'))
        .zip(to_trad.split('\n'))
    {
        let s = single(s);
        let t = single(t);
        let changed_by_t2s = s.is_some_and(|s| s != c);
        let changed_by_s2t = t.is_some_and(|t| t != c);
        if let Some(s) = s.filter(|&s| s != c) {
            t2s.insert(c, s);
        }
        if changed_by_t2s && !changed_by_s2t && !also_simp.contains(&c) {
            trad_only.insert(c);
        }
        if changed_by_s2t && !changed_by_t2s && !also_trad.contains(&c) {
            simp_only.insert(c);
        }
    }
    ScriptTables {
        t2s,
        trad_only,
        simp_only,
    }
}

/// The character of a one-character string (OpenCC maps characters one to one; anything
/// else is ignored rather than trusted).
fn single(s: &str) -> Option<char> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_large_and_disjoint() {
        let t = tables();
        // OpenCC has ~2,500 one-script characters each way; a broken derivation yields 0.
        assert!(t.trad_only.len() > 2000, "{}", t.trad_only.len());
        assert!(t.simp_only.len() > 2000, "{}", t.simp_only.len());
        assert!(t.trad_only.is_disjoint(&t.simp_only));
    }

    #[test]
    fn classic_pairs_are_classified() {
        let t = tables();
        for c in "們這說會國發體報東".chars() {
            assert!(t.trad_only.contains(&c), "{c} should be Traditional-only");
        }
        for c in "们这说会国发体报东".chars() {
            assert!(t.simp_only.contains(&c), "{c} should be Simplified-only");
        }
        // Shared or ambiguous characters are evidence of neither script.
        for c in "台干后里的人政府".chars() {
            assert!(
                !t.trad_only.contains(&c) && !t.simp_only.contains(&c),
                "{c}"
            );
        }
        assert_eq!(t.t2s.get(&'報'), Some(&'报'));
        // HK variant forms map too (為 is the HK form of 爲).
        assert_eq!(t.t2s.get(&'為'), Some(&'为'));
    }
}
