//! Word segmentation and keyword terms.
// PLACEHOLDER: replaced by the text crate's real implementation.
use crate::script::is_han;

pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric() || is_han(c)) {
        if w.len() > 2 {
            out.push(w.to_lowercase());
        }
    }
    out.extend(text.chars().filter(|c| is_han(*c)).map(|c| c.to_string()));
    out
}
