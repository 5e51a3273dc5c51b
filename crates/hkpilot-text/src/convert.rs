//! Traditional / Simplified Chinese conversion with OpenCC's phrase-level tables, writing
//! Traditional the Hong Kong way.
//!
//! OpenCC (via `ferrous-opencc`) converts scripts and Hong Kong character variants (為, 衞
//! → 衛 …) but has no Hong Kong vocabulary table (its only vocabulary table is Taiwan's,
//! which would write 軟體 and 資訊 alike). So Simplified → Traditional runs OpenCC's
//! `s2hk` and then a small Hong Kong vocabulary overlay ([`HK_VOCABULARY`]) applied only on
//! whole jieba words, so 信息 becomes 資訊 but 通信息息相关 is left alone.
//!
//! Only sentences that need it are converted: Traditional text asked for in Traditional
//! comes back byte-for-byte, and so do English and Simplified-in-Simplified.
use crate::script::script_evidence;
use crate::sentences::split_sentences;
use crate::words::jieba;
use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use hkpilot_core::Lang;
use std::sync::LazyLock;

/// Mainland words (Simplified) whose Hong Kong form differs from their plain script
/// conversion; the value is the Hong Kong Traditional word. Kept deliberately short:
/// only words that are unambiguous in government writing (质量 stays: 質量 "mass" vs
/// 質素 "quality" depends on context).
pub const HK_VOCABULARY: &[(&str, &str)] = &[
    ("信息", "資訊"),
    ("计算机", "電腦"),
    ("服务器", "伺服器"),
    ("鼠标", "滑鼠"),
    ("默认", "預設"),
    ("短信", "短訊"),
    ("出租车", "的士"),
    ("移动电话", "流動電話"),
    ("宽带", "寬頻"),
    ("视频会议", "視像會議"),
    ("博客", "網誌"),
    ("公交车", "巴士"),
];

/// Converts `text` into the script of `to`. English is returned unchanged; Chinese
/// sentences already in the target script are copied as they are.
pub fn convert(text: &str, to: Lang) -> String {
    match to {
        Lang::En => text.to_string(),
        Lang::ZhHant => convert_sentences(text, to, to_hant),
        Lang::ZhHans => convert_sentences(text, to, |s| opencc_hk2s().convert(s)),
    }
}

/// Simplified → Hong Kong Traditional for one stretch of text, vocabulary overlay included.
pub fn to_hant(text: &str) -> String {
    let converted = opencc_s2hk().convert(text);
    apply_hk_vocabulary(text, &converted)
}

/// Which sentences to convert, given the script a sentence shows and the script of the
/// whole text (for sentences of shared characters only, such as 信息科技).
#[derive(Debug, Clone, Copy)]
struct Plan {
    to: Lang,
    document: Lang,
}

impl Plan {
    fn needs(self, sentence: &str) -> bool {
        let e = script_evidence(sentence);
        let shown = match (e.trad_only > 0, e.simp_only > 0) {
            (false, false) => self.document,
            _ => e.chinese_script(),
        };
        // Only real Simplified evidence triggers s2hk: running it over Traditional text
        // would "correct" HK forms such as 平台 to 平臺.
        e.han > 0 && shown != self.to
    }
}

fn convert_sentences(text: &str, to: Lang, conv: impl Fn(&str) -> String) -> String {
    let plan = Plan {
        to,
        document: script_evidence(text).chinese_script(),
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut last = 0;
    for r in split_sentences(text) {
        let s = &text[r.clone()];
        if plan.needs(s) {
            out.push_str(&text[last..r.start]);
            out.push_str(&conv(s));
            last = r.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Replaces [`HK_VOCABULARY`] words in `converted` (the s2hk output of `source`). OpenCC's
/// tables map character to character, so positions line up char for char; the source is
/// segmented with jieba so that a key is replaced only when it does not straddle a word
/// boundary.
fn apply_hk_vocabulary(source: &str, converted: &str) -> String {
    let src: Vec<char> = source.chars().collect();
    let out: Vec<char> = converted.chars().collect();
    if src.len() != out.len() || !HK_VOCABULARY.iter().any(|(k, _)| source.contains(k)) {
        return converted.to_string();
    }
    // inner[i]: a word boundary falls between char i-1 and char i.
    let mut boundary = vec![false; src.len() + 1];
    let mut pos = 0;
    for tok in jieba().cut(source, true) {
        boundary[pos] = true;
        pos += tok.word.chars().count();
    }
    boundary[src.len()] = true;
    let keys: Vec<(Vec<char>, &str)> = HK_VOCABULARY
        .iter()
        .map(|(k, v)| (k.chars().collect(), *v))
        .collect();

    let mut result = String::with_capacity(converted.len());
    let mut i = 0;
    while i < src.len() {
        let hit = keys.iter().find(|(k, _)| {
            let end = i + k.len();
            end <= src.len()
                && src[i..end] == k[..]
                && ((boundary[i] && boundary[end]) || !boundary[i + 1..end].contains(&true))
        });
        match hit {
            Some((k, v)) => {
                result.push_str(v);
                i += k.len();
            }
            None => {
                result.push(out[i]);
                i += 1;
            }
        }
    }
    result
}

macro_rules! opencc {
    ($name:ident, $config:ident) => {
        pub(crate) fn $name() -> &'static OpenCC {
            static CONVERTER: LazyLock<OpenCC> = LazyLock::new(|| {
                OpenCC::from_config(BuiltinConfig::$config)
                    .expect("OpenCC configs and dictionaries are built into ferrous-opencc")
            });
            &CONVERTER
        }
    };
}

opencc!(opencc_s2hk, S2hk);
opencc!(opencc_hk2s, Hk2s);
opencc!(opencc_s2t, S2t);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_same_script_are_untouched() {
        assert_eq!(
            convert("Policy Address 2025.", Lang::ZhHant),
            "Policy Address 2025."
        );
        assert_eq!(convert("政府软件", Lang::En), "政府软件");
        // 平台 is the HK form; a blind s2t pass would write 平臺.
        assert_eq!(
            convert("數碼平台已經推出。", Lang::ZhHant),
            "數碼平台已經推出。"
        );
        assert_eq!(
            convert("数字平台已经推出。", Lang::ZhHans),
            "数字平台已经推出。"
        );
    }

    #[test]
    fn overlay_respects_word_boundaries() {
        assert_eq!(to_hant("政府信息"), "政府資訊");
        // 通信 | 息息相关: 信息 straddles two words and must stay.
        let out = to_hant("通信息息相关");
        assert!(!out.contains("資訊"), "{out}");
    }
}
