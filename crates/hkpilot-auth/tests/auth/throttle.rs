//! Login throttling: back-off, reset, separate keys, bounded memory, thread safety.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use hkpilot_auth::{LoginThrottle, Throttle, ThrottleDecision, ThrottlePolicy, Timestamp};

const SEC: u64 = 1000;
const MIN: u64 = 60 * SEC;

fn at(ms: u64) -> Timestamp {
    Timestamp::from_unix_millis(1_735_689_600_000 + ms)
}

fn locked(secs: u64) -> ThrottleDecision {
    ThrottleDecision::Locked {
        retry_after: Duration::from_secs(secs),
    }
}

fn office() -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3))
}

#[test]
fn five_failures_lock_then_each_further_failure_doubles_up_to_the_cap() {
    let mut t: Throttle<&str> = Throttle::new(ThrottlePolicy::per_username());
    for i in 0..4 {
        assert_eq!(
            t.record_failure("chan", at(i * SEC)),
            ThrottleDecision::Allowed,
            "failure {i}"
        );
    }
    // The fifth failure locks for one minute.
    let now = 4 * SEC;
    assert_eq!(t.record_failure("chan", at(now)), locked(60));
    assert_eq!(t.check(&"chan", at(now + 30 * SEC)), locked(30));
    // Lock ends exactly at its deadline.
    assert_eq!(t.check(&"chan", at(now + MIN)), ThrottleDecision::Allowed);
    // Each further failure (after waiting out the lock) doubles: 2, 4, 8, then 15 (cap).
    let mut now = now + MIN;
    for expected_minutes in [2, 4, 8, 15, 15, 15] {
        assert_eq!(
            t.record_failure("chan", at(now)),
            locked(expected_minutes * 60)
        );
        now += expected_minutes * MIN;
        assert_eq!(t.check(&"chan", at(now)), ThrottleDecision::Allowed);
    }
}

#[test]
fn a_quiet_period_forgets_old_failures() {
    let mut t: Throttle<&str> = Throttle::new(ThrottlePolicy::per_username());
    for i in 0..4 {
        t.record_failure("lee", at(i * SEC));
    }
    // 15 quiet minutes later the count starts again: four more failures do not lock.
    let later = 3 * SEC + 15 * MIN;
    for i in 0..4 {
        assert_eq!(
            t.record_failure("lee", at(later + i * SEC)),
            ThrottleDecision::Allowed
        );
    }
    // But 14 minutes after a lock ended is not quiet enough: the back-off continues.
    let mut t: Throttle<&str> = Throttle::new(ThrottlePolicy::per_username());
    for i in 0..5 {
        t.record_failure("wong", at(i * SEC));
    }
    let after_lock = 4 * SEC + MIN;
    assert_eq!(
        t.record_failure("wong", at(after_lock + 14 * MIN)),
        locked(120)
    );
}

#[test]
fn keys_are_independent() {
    let mut t: Throttle<&str> = Throttle::new(ThrottlePolicy::per_username());
    for i in 0..5 {
        t.record_failure("陳大文", at(i));
    }
    assert!(matches!(
        t.check(&"陳大文", at(10)),
        ThrottleDecision::Locked { .. }
    ));
    assert_eq!(t.check(&"李小明", at(10)), ThrottleDecision::Allowed);
}

#[test]
fn success_resets_the_username_but_not_the_address() {
    let policy = ThrottlePolicy {
        max_failures: 3,
        ..ThrottlePolicy::per_username()
    };
    let throttle = LoginThrottle::new(policy, policy);
    let ip = office();
    throttle.record_failure("alice", ip, at(0));
    throttle.record_failure("alice", ip, at(1));
    throttle.record_success("alice");
    // The username starts again, but the address has seen two failures already:
    // the next failure (for any user) locks the address.
    assert_eq!(
        throttle.check("alice", ip, at(2)),
        ThrottleDecision::Allowed
    );
    assert_eq!(throttle.record_failure("bob", ip, at(3)), locked(60));
    assert_eq!(
        throttle.check("alice", ip, at(4)),
        ThrottleDecision::Locked {
            retry_after: Duration::from_millis(60 * SEC - 1),
        }
    );
    // From another address alice may still try.
    let home = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9));
    assert_eq!(
        throttle.check("alice", home, at(4)),
        ThrottleDecision::Allowed
    );
}

#[test]
fn usernames_are_normalised_for_throttling() {
    let throttle = LoginThrottle::default();
    let ip = office();
    for (i, name) in [
        "ChanTaiMan",
        "chantaiman",
        "CHANTAIMAN ",
        "ｃｈａｎｔａｉｍａｎ",
    ]
    .iter()
    .enumerate()
    {
        throttle.record_failure(name, ip, at(i as u64));
    }
    assert_eq!(
        throttle.record_failure("chanTaiman", ip, at(10)),
        locked(60)
    );
    assert!(matches!(
        throttle.check("CHANTAIMAN", IpAddr::V4(Ipv4Addr::LOCALHOST), at(11)),
        ThrottleDecision::Locked { .. }
    ));
}

#[test]
fn an_office_behind_one_address_is_not_locked_by_one_officer() {
    let throttle = LoginThrottle::default();
    let ip = office();
    for i in 0..5 {
        throttle.record_failure("typo-prone", ip, at(i));
    }
    assert!(matches!(
        throttle.check("typo-prone", ip, at(10)),
        ThrottleDecision::Locked { .. }
    ));
    assert_eq!(
        throttle.check("colleague", ip, at(10)),
        ThrottleDecision::Allowed
    );
}

#[test]
fn address_spraying_locks_the_address() {
    let throttle = LoginThrottle::default();
    let ip = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));
    for i in 0..49 {
        assert_eq!(
            throttle.record_failure(&format!("user{i}"), ip, at(i)),
            ThrottleDecision::Allowed
        );
    }
    assert_eq!(throttle.record_failure("user49", ip, at(49)), locked(60));
    assert!(matches!(
        throttle.check("never-tried", ip, at(50)),
        ThrottleDecision::Locked { .. }
    ));
}

#[test]
fn ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() {
    let policy = ThrottlePolicy {
        max_failures: 2,
        ..ThrottlePolicy::per_address()
    };
    let throttle = LoginThrottle::new(ThrottlePolicy::per_username(), policy);
    let a: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
    let b: Ipv6Addr = "2001:db8:1:2:ffff::99".parse().unwrap();
    let other_net: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
    throttle.record_failure("u1", IpAddr::V6(a), at(0));
    assert_eq!(
        throttle.record_failure("u2", IpAddr::V6(b), at(1)),
        locked(60)
    );
    assert_eq!(
        throttle.check("u3", IpAddr::V6(other_net), at(2)),
        ThrottleDecision::Allowed
    );

    let v4 = Ipv4Addr::new(192, 0, 2, 1);
    throttle.record_failure("u4", IpAddr::V4(v4), at(3));
    assert_eq!(
        throttle.record_failure("u5", IpAddr::V6(v4.to_ipv6_mapped()), at(4)),
        locked(60)
    );
}

#[test]
fn memory_stays_bounded_and_forgotten_keys_go_first() {
    let policy = ThrottlePolicy {
        max_keys: 100,
        ..ThrottlePolicy::per_username()
    };
    let mut t: Throttle<String> = Throttle::new(policy);
    // One key locked recently, to show it survives eviction of stale ones.
    for i in 0..5 {
        t.record_failure("target".into(), at(20 * MIN + i));
    }
    for i in 0..99 {
        t.record_failure(format!("old{i}"), at(i));
    }
    assert_eq!(t.len(), 100);
    // Twenty minutes on, the "old" keys are forgotten and make room.
    t.record_failure("new".into(), at(21 * MIN));
    assert!(t.len() <= 100);
    assert!(matches!(
        t.check(&"target".into(), at(21 * MIN)),
        ThrottleDecision::Locked { .. }
    ));

    // Under a spray of fresh keys the table never grows past its cap.
    for i in 0..10_000u64 {
        t.record_failure(format!("spray{i}"), at(21 * MIN + i));
        assert!(t.len() <= 100, "grew to {} at {i}", t.len());
    }
    // The most recent key is always kept.
    assert!(t.len() >= 90);
}

#[test]
fn the_throttle_is_shared_safely_between_threads() {
    let throttle = Arc::new(LoginThrottle::default());
    let ip = office();
    let handles: Vec<_> = (0..8)
        .map(|n| {
            let throttle = Arc::clone(&throttle);
            std::thread::spawn(move || {
                for i in 0..100 {
                    throttle.record_failure(&format!("user{n}"), ip, at(i));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(throttle.key_counts(), (8, 1));
    for n in 0..8 {
        assert!(matches!(
            throttle.check(
                &format!("user{n}"),
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                at(100)
            ),
            ThrottleDecision::Locked { .. }
        ));
    }
}
