//! Session lifetime: an idle timeout (no request for a while) and an absolute timeout
//! (since sign-in, however active), checked as a pure function of the time given.

use std::time::Duration;

use crate::error::AuthError;
use crate::time::Timestamp;

/// How long sessions live. Both limits apply; whichever comes first ends the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ends a session nobody has used for this long (an unattended desk).
    pub idle_timeout: Duration,
    /// Ends every session this long after sign-in (a stolen cookie stops working).
    pub absolute_timeout: Duration,
}

impl Default for SessionPolicy {
    /// 30 minutes idle, 12 hours absolute: a working day with breaks, no more.
    fn default() -> Self {
        SessionPolicy {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
        }
    }
}

impl SessionPolicy {
    /// For start-up validation of the configuration.
    pub fn validate(&self) -> Result<(), AuthError> {
        if self.idle_timeout.is_zero() || self.absolute_timeout.is_zero() {
            return Err(AuthError::InvalidSettings(
                "session timeouts must be longer than zero".into(),
            ));
        }
        if self.idle_timeout > self.absolute_timeout {
            return Err(AuthError::InvalidSettings(format!(
                "the idle session timeout ({} s) is longer than the absolute one ({} s); \
                 make it shorter or equal",
                self.idle_timeout.as_secs(),
                self.absolute_timeout.as_secs()
            )));
        }
        Ok(())
    }
}

/// Whether a session may still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Valid,
    /// Unused for longer than the idle timeout: sign in again.
    IdleExpired,
    /// Older than the absolute timeout: sign in again. Reported in preference to
    /// `IdleExpired` when both apply, since it is the one that cannot be avoided.
    AbsoluteExpired,
}

/// The two times a stored session needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

impl SessionTimes {
    /// A session signed in at `now`.
    pub fn new(now: Timestamp) -> SessionTimes {
        SessionTimes {
            created_at: now,
            last_seen_at: now,
        }
    }

    /// A session expires at the exact moment a limit is reached (elapsed ≥ limit).
    /// A `now` earlier than the stored times (a clock stepped back) counts as no time
    /// elapsed rather than as an error.
    pub fn check(&self, policy: &SessionPolicy, now: Timestamp) -> SessionState {
        if now.saturating_since(self.created_at) >= policy.absolute_timeout {
            SessionState::AbsoluteExpired
        } else if now.saturating_since(self.last_seen_at) >= policy.idle_timeout {
            SessionState::IdleExpired
        } else {
            SessionState::Valid
        }
    }

    /// Records activity at `now`; never moves `last_seen_at` backwards. Call only after
    /// [`SessionTimes::check`] said `Valid`: touching cannot revive an expired session,
    /// but the caller should not store one either.
    pub fn touch(&mut self, now: Timestamp) {
        self.last_seen_at = self.last_seen_at.max(now);
    }

    /// When the session will expire if unused from now on (for a cookie's `Max-Age`
    /// or the page's "you will be signed out" notice).
    pub fn expires_at(&self, policy: &SessionPolicy) -> Timestamp {
        let idle = self.last_seen_at.saturating_add(policy.idle_timeout);
        let absolute = self.created_at.saturating_add(policy.absolute_timeout);
        idle.min(absolute)
    }
}
