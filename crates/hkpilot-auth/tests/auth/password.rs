//! Password policy, hashing, verification and rehash detection.

use hkpilot_auth::password::{MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS};
use hkpilot_auth::{
    check_password_policy, normalize_password, Argon2Params, AuthError, PasswordHasher,
};

use crate::common::cheap_hasher;

#[test]
fn policy_counts_characters_not_bytes() {
    // 11 Chinese characters are 33 bytes but still too short.
    let eleven = "香港特別行政區政府公務";
    assert_eq!(eleven.chars().count(), 11);
    assert_eq!(
        check_password_policy(eleven, "chantaiman"),
        Err(AuthError::PasswordTooShort {
            min: 12,
            actual: 11
        })
    );
    let twelve = "香港特別行政區政府公務員";
    assert_eq!(check_password_policy(twelve, "chantaiman"), Ok(()));
    assert_eq!(MIN_PASSWORD_CHARS, 12);
}

#[test]
fn policy_rejects_weak_and_huge_passwords() {
    assert_eq!(
        check_password_policy("aaaaaaaaaaaaaaaa", "someone"),
        Err(AuthError::PasswordOneCharacter)
    );
    assert_eq!(
        check_password_policy("密密密密密密密密密密密密", "someone"),
        Err(AuthError::PasswordOneCharacter)
    );
    // Equal to the username in any case or width.
    assert_eq!(
        check_password_policy("ChanTaiMan2024", "chantaiman2024"),
        Err(AuthError::PasswordIsUsername)
    );
    assert_eq!(
        check_password_policy("陳大文的帳戶名稱很長很長", "陳大文的帳戶名稱很長很長"),
        Err(AuthError::PasswordIsUsername)
    );
    let huge = "x1".repeat(MAX_PASSWORD_BYTES / 2 + 1);
    assert_eq!(
        check_password_policy(&huge, "someone"),
        Err(AuthError::PasswordTooLong { max_bytes: 1024 })
    );
    // Exactly at the limit is fine.
    let at_limit = "ab".repeat(MAX_PASSWORD_BYTES / 2);
    assert_eq!(check_password_policy(&at_limit, "someone"), Ok(()));
}

#[test]
fn policy_errors_are_user_errors_with_advice() {
    let err = check_password_policy("short", "u").unwrap_err();
    assert!(err.is_user_error());
    let msg = err.to_string();
    assert!(msg.contains("at least 12"), "{msg}");
    assert!(msg.contains("Chinese character"), "{msg}");
}

#[test]
fn hash_then_verify_round_trips_and_rejects_wrong_passwords() {
    let hasher = cheap_hasher();
    let password = "我的密碼是維多利亞港2024";
    let hash = hasher.hash(password).unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{hash}");
    assert!(hasher.verify(password, &hash).unwrap());
    assert!(!hasher.verify("我的密碼是維多利亞港2025", &hash).unwrap());
    assert!(!hasher.verify("", &hash).unwrap());
    // Salted: hashing twice gives two different strings that both verify.
    let again = hasher.hash(password).unwrap();
    assert_ne!(hash, again);
    assert!(hasher.verify(password, &again).unwrap());
}

#[test]
fn full_width_and_half_width_passwords_are_the_same_password() {
    // A Chinese IME in full-width mode turns ASCII into U+FF01..U+FF5E.
    let half = "Harbour-View-2024";
    let full = "Ｈａｒｂｏｕｒ－Ｖｉｅｗ－２０２４";
    assert_eq!(normalize_password(full), half);
    let hasher = cheap_hasher();
    let hash = hasher.hash(half).unwrap();
    assert!(hasher.verify(full, &hash).unwrap());
    // A decomposed accent (e + U+0301) equals the precomposed é.
    let hash = hasher.hash("caf\u{e9} au lait 2024").unwrap();
    assert!(hasher.verify("cafe\u{301} au lait 2024", &hash).unwrap());
    // CJK compatibility ideograph U+F900 folds to U+8C48.
    let hash = hasher.hash("\u{8c48}豉油雞翼好好味呀").unwrap();
    assert!(hasher.verify("\u{f900}豉油雞翼好好味呀", &hash).unwrap());
}

#[test]
fn verify_rejects_oversized_input_before_hashing() {
    let hasher = cheap_hasher();
    let hash = hasher.hash("reasonable password").unwrap();
    let huge = "a".repeat(10_000);
    assert_eq!(
        hasher.verify(&huge, &hash),
        Err(AuthError::PasswordTooLong { max_bytes: 1024 })
    );
    assert!(hasher.hash(&huge).is_err());
}

#[test]
fn unreadable_stored_hashes_are_internal_errors() {
    let hasher = cheap_hasher();
    for stored in ["", "plain text", "$argon2id$v=19$m=8,t=1,p=1$bad"] {
        let err = hasher.verify("whatever password", stored).unwrap_err();
        assert!(
            matches!(err, AuthError::StoredHashInvalid(_)),
            "{stored}: {err:?}"
        );
        assert!(!err.is_user_error());
    }
    // An argon2i hash (not made by us) is refused rather than accepted.
    let argon2i =
        "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert!(matches!(
        hasher.verify("whatever password", argon2i),
        Err(AuthError::StoredHashInvalid(_))
    ));
}

#[test]
fn needs_rehash_when_parameters_change() {
    let old = cheap_hasher();
    let hash = old.hash("correct horse battery").unwrap();
    assert!(!old.needs_rehash(&hash));

    let stronger = PasswordHasher::new(Argon2Params {
        memory_kib: 16,
        ..Argon2Params::insecure_for_tests()
    })
    .unwrap();
    assert!(stronger.needs_rehash(&hash));
    // The old hash still verifies under the new hasher: its parameters travel with it.
    assert!(stronger.verify("correct horse battery", &hash).unwrap());
    let fresh = stronger.hash("correct horse battery").unwrap();
    assert!(!stronger.needs_rehash(&fresh));
    assert!(stronger.needs_rehash("not a hash"));
}

#[test]
fn default_parameters_follow_owasp_and_work() {
    let params = Argon2Params::default();
    assert_eq!(
        (params.memory_kib, params.iterations, params.parallelism),
        (19 * 1024, 2, 1)
    );
    let hasher = PasswordHasher::new(params).unwrap();
    let hash = hasher.hash("長而易記的句子比亂碼更安全").unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(hasher.verify("長而易記的句子比亂碼更安全", &hash).unwrap());
}

#[test]
fn invalid_parameters_are_configuration_errors() {
    let err = PasswordHasher::new(Argon2Params {
        memory_kib: 1,
        iterations: 0,
        parallelism: 1,
    })
    .unwrap_err();
    assert!(matches!(err, AuthError::InvalidSettings(_)), "{err:?}");
    assert!(!err.is_user_error());
}

#[test]
fn dummy_verification_never_succeeds() {
    let hasher = cheap_hasher();
    assert_eq!(
        hasher.verify_dummy("hkpilot dummy password for absent users"),
        Ok(false)
    );
    assert_eq!(hasher.verify_dummy("anything at all"), Ok(false));
}
