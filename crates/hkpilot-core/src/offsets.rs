//! Conversions between byte offsets (what Rust slices use) and character offsets
//! (what HKPilot stores and shows).

/// Number of characters in `s[..byte]`. `byte` must be on a char boundary.
pub fn byte_to_char(s: &str, byte: usize) -> usize {
    s[..byte].chars().count()
}

/// Byte offset of the `ch`-th character of `s`, or `s.len()` past the end.
pub fn char_to_byte(s: &str, ch: usize) -> usize {
    s.char_indices().nth(ch).map_or(s.len(), |(b, _)| b)
}

/// Slice `s` by character offsets, clamped to the string.
pub fn slice_chars(s: &str, start: usize, end: usize) -> &str {
    let b0 = char_to_byte(s, start);
    let b1 = char_to_byte(s, end.max(start));
    &s[b0..b1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_script_offsets() {
        let s = "政府 said 你好.";
        assert_eq!(byte_to_char(s, "政府".len()), 2);
        assert_eq!(char_to_byte(s, 2), "政府".len());
        assert_eq!(slice_chars(s, 8, 10), "你好");
        assert_eq!(slice_chars(s, 8, 100), "你好.");
        assert_eq!(char_to_byte(s, 100), s.len());
    }
}
