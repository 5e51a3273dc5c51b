//! CSRF synchroniser tokens and the same-origin check.

use hkpilot_auth::{
    check_origin, csrf_token, method_needs_csrf, same_origin, verify_csrf_token, AuthError, Secret,
};

#[test]
fn token_is_bound_to_its_session() {
    let a = Secret::generate().unwrap();
    let b = Secret::generate().unwrap();
    let token_a = csrf_token(a.expose());
    assert_eq!(token_a.len(), 64);
    assert_eq!(token_a, csrf_token(a.expose()), "stable for one session");
    assert_ne!(token_a, csrf_token(b.expose()));
    assert_eq!(verify_csrf_token(a.expose(), Some(&token_a)), Ok(()));
    // Surrounding whitespace from a form field is tolerated.
    assert_eq!(
        verify_csrf_token(a.expose(), Some(&format!(" {token_a}\n"))),
        Ok(())
    );
    assert_eq!(
        verify_csrf_token(b.expose(), Some(&token_a)),
        Err(AuthError::CsrfMismatch)
    );
}

#[test]
fn token_is_not_the_session_token_or_its_stored_hash() {
    let s = Secret::generate().unwrap();
    let t = csrf_token(s.expose());
    assert_ne!(t, s.expose());
    assert_ne!(t, s.hash());
}

#[test]
fn missing_and_garbled_tokens_are_refused() {
    let s = Secret::generate().unwrap();
    let good = csrf_token(s.expose());
    // One hex digit changed, whatever the token's digits are (a replace of a digit the
    // token may not contain would sometimes leave it valid).
    let first = good.chars().next().unwrap();
    let changed = format!("{}{}", if first == '0' { '1' } else { '0' }, &good[1..]);
    assert_eq!(
        verify_csrf_token(s.expose(), None),
        Err(AuthError::CsrfMissing)
    );
    assert_eq!(
        verify_csrf_token(s.expose(), Some("  ")),
        Err(AuthError::CsrfMissing)
    );
    for bad in [
        "zz",
        "00",
        &good[..63],
        &good[..62],
        &changed,
        &changed.to_uppercase(),
    ] {
        assert_eq!(
            verify_csrf_token(s.expose(), Some(bad)),
            Err(AuthError::CsrfMismatch),
            "{bad}"
        );
    }
    let msg = AuthError::CsrfMismatch.to_string();
    assert!(msg.contains("reload the page"), "{msg}");
}

#[test]
fn only_unsafe_methods_need_the_check() {
    for m in ["GET", "get", "HEAD", "OPTIONS", "TRACE"] {
        assert!(!method_needs_csrf(m), "{m}");
    }
    for m in ["POST", "put", "PATCH", "DELETE", "PROPFIND", ""] {
        assert!(method_needs_csrf(m), "{m}");
    }
}

#[test]
fn same_origin_cases() {
    // (origin, host header, scheme, expected)
    let cases = [
        ("https://hkpilot.gov.hk", "hkpilot.gov.hk", "https", true),
        ("https://HKPilot.GOV.hk", "hkpilot.gov.hk", "https", true),
        (
            "https://hkpilot.gov.hk:443",
            "hkpilot.gov.hk",
            "https",
            true,
        ),
        (
            "https://hkpilot.gov.hk",
            "hkpilot.gov.hk:443",
            "https",
            true,
        ),
        ("http://127.0.0.1:8080", "127.0.0.1:8080", "http", true),
        ("http://[::1]:8080", "[::1]:8080", "http", true),
        ("http://[::1]", "[::1]:80", "http", true),
        // Different scheme, host, port or a look-alike suffix.
        ("http://hkpilot.gov.hk", "hkpilot.gov.hk", "https", false),
        ("https://evil.example", "hkpilot.gov.hk", "https", false),
        (
            "https://hkpilot.gov.hk.evil.example",
            "hkpilot.gov.hk",
            "https",
            false,
        ),
        (
            "https://hkpilot.gov.hk:8443",
            "hkpilot.gov.hk",
            "https",
            false,
        ),
        ("http://127.0.0.1:8081", "127.0.0.1:8080", "http", false),
        // Not an origin at all.
        ("null", "hkpilot.gov.hk", "https", false),
        ("", "hkpilot.gov.hk", "https", false),
        (
            "https://user@hkpilot.gov.hk",
            "hkpilot.gov.hk",
            "https",
            false,
        ),
        (
            "https://hkpilot.gov.hk/path",
            "hkpilot.gov.hk",
            "https",
            false,
        ),
        ("ftp://hkpilot.gov.hk", "hkpilot.gov.hk", "ftp", false),
        (
            "https://hkpilot.gov.hk:99999",
            "hkpilot.gov.hk",
            "https",
            false,
        ),
        ("https://", "", "https", false),
    ];
    for (origin, host, scheme, expected) in cases {
        assert_eq!(
            same_origin(origin, host, scheme),
            expected,
            "{origin} vs {host} ({scheme})"
        );
    }
}

#[test]
fn check_origin_prefers_origin_then_referer() {
    let host = "hkpilot.gov.hk";
    assert_eq!(
        check_origin(Some("https://hkpilot.gov.hk"), None, host, "https"),
        Ok(())
    );
    assert_eq!(
        check_origin(
            None,
            Some("https://hkpilot.gov.hk/documents/42?lang=zh-Hant"),
            host,
            "https"
        ),
        Ok(())
    );
    // Origin present and foreign: the (same-origin) Referer cannot rescue it.
    let err = check_origin(
        Some("https://evil.example"),
        Some("https://hkpilot.gov.hk/"),
        host,
        "https",
    )
    .unwrap_err();
    assert_eq!(
        err,
        AuthError::CrossOrigin {
            origin: "https://evil.example".into()
        }
    );
    assert!(err.is_user_error());
    // A foreign Referer is reported without its path or query (they may hold personal data).
    let err = check_origin(
        None,
        Some("https://evil.example/phish?id=陳大文"),
        host,
        "https",
    )
    .unwrap_err();
    assert_eq!(
        err,
        AuthError::CrossOrigin {
            origin: "https://evil.example".into()
        }
    );
    // Neither header: left to the token or API key.
    assert_eq!(check_origin(None, None, host, "https"), Ok(()));
    assert!(check_origin(Some("null"), None, host, "https").is_err());
}
