//! Traditional / Simplified Chinese conversion.
// PLACEHOLDER: replaced by the text crate's real implementation.
use hkpilot_core::Lang;

pub fn convert(text: &str, _to: Lang) -> String {
    text.to_string()
}
