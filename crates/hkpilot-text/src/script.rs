//! Script and language detection.
// PLACEHOLDER: replaced by the text crate's real implementation.
use hkpilot_core::{Lang, LangProfile};

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

pub fn detect_lang(text: &str) -> LangProfile {
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count() as f32;
    let han = text.chars().filter(|c| is_han(*c)).count() as f32;
    let total = latin + han;
    if total == 0.0 {
        return LangProfile { primary: None, latin_share: 0.0, han_share: 0.0, mixed: false };
    }
    LangProfile {
        primary: Some(if han * 3.0 >= latin { Lang::ZhHant } else { Lang::En }),
        latin_share: latin / total,
        han_share: han / total,
        mixed: latin / total > 0.2 && han / total > 0.2,
    }
}
