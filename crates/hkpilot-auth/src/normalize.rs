//! How typed text becomes bytes before hashing or comparing: Unicode NFKC.
//!
//! Why NFKC and not NFC: officers in Hong Kong type through Chinese input methods
//! (Cangjie, Quick, Pinyin) that switch between full-width (全形) and half-width (半形)
//! forms, so the same password can arrive as `Ａｂｃ１２３` on one machine and `Abc123`
//! on another. NFKC folds full-width forms, compatibility ideographs and ligatures to
//! their ordinary characters; NIST SP 800-63B also recommends NFKC (or NFKD) for
//! passwords. The small loss of distinct passwords is far less than the cost of
//! officers locked out by their keyboard mode.
//!
//! This choice is part of the stored hashes: changing it later would make existing
//! passwords fail for anyone whose password changes under the new form.

use unicode_normalization::UnicodeNormalization;

/// The form of a password that is checked against the policy and hashed.
pub fn normalize_password(password: &str) -> String {
    password.nfkc().collect()
}

/// The form of a username used for uniqueness, throttling and comparison with a
/// password: NFKC, lowercased (full Unicode, not only ASCII), outer spaces removed.
pub fn normalize_username(username: &str) -> String {
    let folded: String = username.nfkc().collect();
    folded.trim().to_lowercase()
}
