//! Credentials and the access policy of HKPilot: password hashing and policy,
//! random tokens and API keys, session timeouts, CSRF checks, login throttling and the
//! one `authorize` function that says who may do what.
//!
//! Everything here is pure: no IO, no database, no HTTP framework, no clock. Time is
//! passed in as a [`Timestamp`] so that the store, the service layer and the tests
//! decide where it comes from. Secrets at rest are only ever hashes: [`hash_token`]
//! for tokens and API keys, Argon2id PHC strings for passwords.
//!
//! Text that a person types (passwords, usernames) is normalised to Unicode NFKC
//! before it is hashed or compared; see [`normalize`] for why.

pub mod csrf;
mod error;
pub mod normalize;
pub mod password;
pub mod policy;
pub mod session;
pub mod throttle;
mod time;
pub mod token;

pub use csrf::{check_origin, csrf_token, method_needs_csrf, same_origin, verify_csrf_token};
pub use error::AuthError;
pub use normalize::{normalize_password, normalize_username};
pub use password::{check_password_policy, Argon2Params, PasswordHasher};
pub use policy::{authorize, readable_by, Action, Actor, AuditScope, Denied, ReadableBy, Resource};
pub use session::{SessionPolicy, SessionState, SessionTimes};
pub use throttle::{LoginThrottle, Throttle, ThrottleDecision, ThrottlePolicy};
pub use time::Timestamp;
pub use token::{hash_token, token_matches_hash, ApiKey, PresentedApiKey, Secret};
