//! Login throttling against password guessing: per key, after a number of failures,
//! the key is locked for a period that doubles with each further failure, up to a
//! cap. Keys are the (normalised) username and, separately, the client's address.
//!
//! In memory and bounded: a restart forgets the counters, which costs an attacker a
//! restart they cannot cause. Time is passed in, so every rule is testable exactly.
//!
//! How the server uses it: call [`LoginThrottle::check`] before verifying a password
//! and refuse (HTTP 429 with `Retry-After`) when locked, without verifying and without
//! recording a failure; otherwise verify, then record the outcome.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::normalize::normalize_username;
use crate::time::Timestamp;

/// The rules for one kind of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed before the first lock.
    pub max_failures: u32,
    /// A key is forgotten after this long without failures once any lock has ended,
    /// so a person who mistyped yesterday starts fresh today.
    pub quiet_period: Duration,
    /// Length of the first lock; each further failure doubles it.
    pub base_lockout: Duration,
    /// Longest lock.
    pub max_lockout: Duration,
    /// Most keys remembered; beyond this, forgotten keys go first, then the least
    /// recently active (memory stays bounded even under a spray of usernames).
    pub max_keys: usize,
}

impl ThrottlePolicy {
    /// Per username: 5 failures, then locks of 1, 2, 4, 8, 15, 15… minutes per further
    /// failure; forgotten after 15 quiet minutes.
    pub fn per_username() -> ThrottlePolicy {
        ThrottlePolicy {
            max_failures: 5,
            quiet_period: Duration::from_secs(15 * 60),
            base_lockout: Duration::from_secs(60),
            max_lockout: Duration::from_secs(15 * 60),
            max_keys: 100_000,
        }
    }

    /// Per client address: the same back-off but after 50 failures, because a whole
    /// government office often reaches the server through one proxy or NAT address and
    /// one officer's typos must not lock out their colleagues.
    pub fn per_address() -> ThrottlePolicy {
        ThrottlePolicy {
            max_failures: 50,
            ..ThrottlePolicy::per_username()
        }
    }

    fn lockout_after(&self, failures: u32) -> Option<Duration> {
        let beyond = failures.checked_sub(self.max_failures)?;
        // Doubling more than 32 times overflows any sane cap; saturate instead.
        let factor = 1u32.checked_shl(beyond).unwrap_or(u32::MAX);
        Some(
            self.base_lockout
                .saturating_mul(factor)
                .min(self.max_lockout),
        )
    }
}

/// Whether a sign-in attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleDecision {
    Allowed,
    /// Refuse without checking the password; the client may try again after this long.
    Locked {
        retry_after: Duration,
    },
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Timestamp,
    locked_until: Timestamp,
}

impl Entry {
    /// Whether the quiet period has passed since the last failure and any lock.
    fn forgotten(&self, policy: &ThrottlePolicy, now: Timestamp) -> bool {
        let since = self.last_failure.max(self.locked_until);
        now.saturating_since(since) >= policy.quiet_period
    }
}

/// Failure counters for one kind of key. Not synchronised: see [`LoginThrottle`].
#[derive(Debug)]
pub struct Throttle<K> {
    policy: ThrottlePolicy,
    entries: HashMap<K, Entry>,
}

impl<K: Eq + Hash + Clone> Throttle<K> {
    pub fn new(policy: ThrottlePolicy) -> Throttle<K> {
        Throttle {
            policy,
            entries: HashMap::new(),
        }
    }

    pub fn policy(&self) -> &ThrottlePolicy {
        &self.policy
    }

    /// Number of keys remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn check(&self, key: &K, now: Timestamp) -> ThrottleDecision {
        match self.entries.get(key) {
            Some(e) if e.locked_until > now => ThrottleDecision::Locked {
                retry_after: e.locked_until.saturating_since(now),
            },
            _ => ThrottleDecision::Allowed,
        }
    }

    /// Counts a failed attempt and answers whether the key is now locked.
    pub fn record_failure(&mut self, key: K, now: Timestamp) -> ThrottleDecision {
        if !self.entries.contains_key(&key) {
            self.make_room(now);
        }
        let policy = self.policy;
        let entry = self.entries.entry(key.clone()).or_insert(Entry {
            failures: 0,
            last_failure: now,
            locked_until: Timestamp(0),
        });
        if entry.forgotten(&policy, now) {
            entry.failures = 0;
        }
        entry.failures = entry.failures.saturating_add(1);
        entry.last_failure = entry.last_failure.max(now);
        if let Some(lock) = policy.lockout_after(entry.failures) {
            entry.locked_until = entry.locked_until.max(now.saturating_add(lock));
        }
        self.check(&key, now)
    }

    /// Forgets a key (after a successful sign-in).
    pub fn reset(&mut self, key: &K) {
        self.entries.remove(key);
    }

    /// Keeps the table under `max_keys` before a new key goes in: first drop keys whose
    /// quiet period has passed (they would be forgotten anyway), then, if still full,
    /// the least recently active tenth. Dropping a tenth at once makes the sort's cost
    /// amortised over many insertions.
    fn make_room(&mut self, now: Timestamp) {
        let cap = self.policy.max_keys.max(1);
        if self.entries.len() < cap {
            return;
        }
        let policy = self.policy;
        self.entries.retain(|_, e| !e.forgotten(&policy, now));
        if self.entries.len() < cap {
            return;
        }
        let mut by_age: Vec<(Timestamp, K)> = self
            .entries
            .iter()
            .map(|(k, e)| (e.last_failure.max(e.locked_until), k.clone()))
            .collect();
        by_age.sort_unstable_by_key(|(t, _)| *t);
        let target = cap - cap.div_ceil(10);
        let excess = self.entries.len() - target.min(self.entries.len());
        for (_, key) in by_age.into_iter().take(excess.max(1)) {
            self.entries.remove(&key);
        }
    }
}

/// The key for a client address. IPv6 clients usually hold a whole /64, so they are
/// counted per /64; IPv4-mapped IPv6 addresses count as the IPv4 address they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressKey(IpAddr);

impl AddressKey {
    pub fn new(addr: IpAddr) -> AddressKey {
        match addr {
            IpAddr::V4(_) => AddressKey(addr),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressKey(IpAddr::V4(v4)),
                None => {
                    let mut segments = v6.segments();
                    segments[4..].fill(0);
                    AddressKey(IpAddr::V6(segments.into()))
                }
            },
        }
    }
}

#[derive(Debug)]
struct Tables {
    usernames: Throttle<String>,
    addresses: Throttle<AddressKey>,
}

/// The server's sign-in throttle: per username and per address, behind one mutex
/// (each call is a few hash-map operations, so contention is negligible).
#[derive(Debug)]
pub struct LoginThrottle {
    tables: Mutex<Tables>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(
            ThrottlePolicy::per_username(),
            ThrottlePolicy::per_address(),
        )
    }
}

impl LoginThrottle {
    pub fn new(per_username: ThrottlePolicy, per_address: ThrottlePolicy) -> LoginThrottle {
        LoginThrottle {
            tables: Mutex::new(Tables {
                usernames: Throttle::new(per_username),
                addresses: Throttle::new(per_address),
            }),
        }
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        // A panic while holding the lock leaves counters that are merely stale, never
        // unsafe; keep throttling rather than failing every sign-in.
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a sign-in for `username` from `addr` may be attempted now. Usernames are
    /// normalised ([`normalize_username`]), so `CHAN` and `chan` share a counter, and
    /// unknown usernames are counted like real ones (nothing reveals which exist).
    /// When both keys are locked, the longer wait is reported.
    pub fn check(&self, username: &str, addr: IpAddr, now: Timestamp) -> ThrottleDecision {
        let t = self.tables();
        combine(
            t.usernames.check(&normalize_username(username), now),
            t.addresses.check(&AddressKey::new(addr), now),
        )
    }

    /// Records a failed sign-in against both keys; answers whether the attempt after
    /// this one must wait.
    pub fn record_failure(&self, username: &str, addr: IpAddr, now: Timestamp) -> ThrottleDecision {
        let mut t = self.tables();
        let user = t
            .usernames
            .record_failure(normalize_username(username), now);
        let address = t.addresses.record_failure(AddressKey::new(addr), now);
        combine(user, address)
    }

    /// Records a successful sign-in: the username's counter is cleared. The address's
    /// counter is not, or an attacker holding one valid account could clear it between
    /// guesses at other accounts.
    pub fn record_success(&self, username: &str) {
        self.tables().usernames.reset(&normalize_username(username));
    }

    /// Keys remembered (usernames, addresses), for metrics.
    pub fn key_counts(&self) -> (usize, usize) {
        let t = self.tables();
        (t.usernames.len(), t.addresses.len())
    }
}

fn combine(a: ThrottleDecision, b: ThrottleDecision) -> ThrottleDecision {
    match (a, b) {
        (ThrottleDecision::Allowed, other) | (other, ThrottleDecision::Allowed) => other,
        (
            ThrottleDecision::Locked { retry_after: x },
            ThrottleDecision::Locked { retry_after: y },
        ) => ThrottleDecision::Locked {
            retry_after: x.max(y),
        },
    }
}
