//! Session idle and absolute timeouts.

use std::time::Duration;

use hkpilot_auth::{AuthError, SessionPolicy, SessionState, SessionTimes, Timestamp};

const MIN: u64 = 60_000;

fn at(minutes: u64) -> Timestamp {
    // An arbitrary, realistic epoch offset (2025) so nothing relies on starting at zero.
    Timestamp::from_unix_millis(1_735_689_600_000 + minutes * MIN)
}

#[test]
fn defaults_are_thirty_minutes_idle_twelve_hours_absolute() {
    let p = SessionPolicy::default();
    assert_eq!(p.idle_timeout, Duration::from_secs(30 * 60));
    assert_eq!(p.absolute_timeout, Duration::from_secs(12 * 3600));
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn idle_timeout_ends_an_unused_session_at_the_boundary() {
    let p = SessionPolicy::default();
    let s = SessionTimes::new(at(0));
    assert_eq!(s.check(&p, at(0)), SessionState::Valid);
    assert_eq!(s.check(&p, at(29)), SessionState::Valid);
    let just_before = Timestamp::from_unix_millis(at(30).as_unix_millis() - 1);
    assert_eq!(s.check(&p, just_before), SessionState::Valid);
    assert_eq!(s.check(&p, at(30)), SessionState::IdleExpired);
}

#[test]
fn touching_extends_idle_but_not_absolute() {
    let p = SessionPolicy::default();
    let mut s = SessionTimes::new(at(0));
    // Active every 20 minutes for a whole day.
    let mut t = 0;
    while t + 20 < 12 * 60 {
        t += 20;
        assert_eq!(s.check(&p, at(t)), SessionState::Valid, "minute {t}");
        s.touch(at(t));
    }
    assert_eq!(s.check(&p, at(12 * 60)), SessionState::AbsoluteExpired);
    // Absolute wins when both have passed.
    assert_eq!(s.check(&p, at(24 * 60)), SessionState::AbsoluteExpired);
}

#[test]
fn touch_never_moves_backwards_and_clock_skew_is_harmless() {
    let p = SessionPolicy::default();
    let mut s = SessionTimes::new(at(10));
    s.touch(at(5));
    assert_eq!(s.last_seen_at, at(10));
    // A clock stepped back before sign-in: no time elapsed, still valid.
    assert_eq!(s.check(&p, at(0)), SessionState::Valid);
}

#[test]
fn expires_at_is_the_earlier_limit() {
    let p = SessionPolicy::default();
    let mut s = SessionTimes::new(at(0));
    assert_eq!(s.expires_at(&p), at(30));
    s.touch(at(12 * 60 - 10));
    assert_eq!(s.expires_at(&p), at(12 * 60));
}

#[test]
fn inconsistent_policies_are_rejected() {
    let bad = SessionPolicy {
        idle_timeout: Duration::from_secs(13 * 3600),
        absolute_timeout: Duration::from_secs(12 * 3600),
    };
    let err = bad.validate().unwrap_err();
    assert!(
        matches!(err, AuthError::InvalidSettings(ref m) if m.contains("shorter")),
        "{err}"
    );
    let zero = SessionPolicy {
        idle_timeout: Duration::ZERO,
        ..SessionPolicy::default()
    };
    assert!(zero.validate().is_err());
}
