//! Random secrets, their hashes, and API keys.

use std::collections::HashSet;

use hkpilot_auth::token::{API_KEY_PREFIX, SECRET_BYTES};
use hkpilot_auth::{hash_token, token_matches_hash, ApiKey, AuthError, PresentedApiKey, Secret};

#[test]
fn secrets_are_256_bit_url_safe_and_distinct() {
    let mut seen = HashSet::new();
    for _ in 0..200 {
        let s = Secret::generate().unwrap();
        let text = s.expose();
        assert_eq!(text.len(), SECRET_BYTES * 2);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert!(seen.insert(text.to_string()), "a secret repeated");
    }
}

#[test]
fn secrets_do_not_leak_through_debug() {
    let s = Secret::generate().unwrap();
    let debug = format!("{s:?}");
    assert!(!debug.contains(s.expose()), "{debug}");
    let key = ApiKey::generate().unwrap();
    let debug = format!("{key:?}");
    assert!(debug.contains(key.id()));
    let full = key.expose();
    let secret_part = full.rsplit('_').next().unwrap();
    assert!(!debug.contains(secret_part), "{debug}");
    let presented = PresentedApiKey::parse(&full).unwrap();
    assert!(!format!("{presented:?}").contains(secret_part));
}

#[test]
fn hash_token_is_sha256_hex() {
    // SHA-256 of the empty string, a published test vector.
    assert_eq!(
        hash_token(""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let s = Secret::generate().unwrap();
    assert_eq!(s.hash(), hash_token(s.expose()));
    assert!(token_matches_hash(s.expose(), &s.hash()));
    assert!(!token_matches_hash("a different token", &s.hash()));
    // Malformed or truncated stored hashes never match.
    assert!(!token_matches_hash(s.expose(), "not hex"));
    assert!(!token_matches_hash(s.expose(), &s.hash()[..62]));
    assert!(!token_matches_hash(s.expose(), ""));
}

#[test]
fn api_keys_round_trip_through_their_stored_form() {
    let key = ApiKey::generate().unwrap();
    let full = key.expose();
    assert!(full.starts_with(API_KEY_PREFIX));
    assert_eq!(full.len(), 4 + 16 + 1 + 64);
    // What the store keeps: the id in clear and the hash.
    let (stored_id, stored_hash) = (key.id().to_string(), key.hash());
    let presented = PresentedApiKey::parse(&full).unwrap();
    assert_eq!(presented.id(), stored_id);
    assert!(presented.matches(&stored_hash));
    assert_ne!(stored_hash, full);
    // Another key with the same id (forged) does not match the stored hash.
    let other = ApiKey::generate().unwrap().expose();
    let forged = format!("hkp_{stored_id}_{}", other.rsplit('_').next().unwrap());
    let forged = PresentedApiKey::parse(&forged).unwrap();
    assert_eq!(forged.id(), stored_id);
    assert!(!forged.matches(&stored_hash));
}

#[test]
fn malformed_api_keys_are_rejected_with_advice() {
    let good = ApiKey::generate().unwrap().expose();
    let cases = [
        String::new(),
        "Bearer something".to_string(),
        good.replacen("hkp_", "hkx_", 1),
        good.to_uppercase(),
        good[..good.len() - 1].to_string(),
        format!("{good}0"),
        good.replacen('_', "-", 2),
        "hkp_0123456789abcdef_密鑰".to_string(),
        "hkp__".to_string(),
    ];
    for case in &cases {
        let err = PresentedApiKey::parse(case).unwrap_err();
        assert_eq!(err, AuthError::MalformedApiKey, "{case}");
        assert!(err.is_user_error());
    }
    assert!(AuthError::MalformedApiKey
        .to_string()
        .contains("create a new one"));
}
