//! The one error type of this crate: what a person did wrong (and how to fix it) apart
//! from what went wrong inside the server.

use thiserror::Error;

/// Errors of credential handling. [`AuthError::is_user_error`] separates what the
/// person can fix (shown to them as written) from internal faults (logged; the person
/// sees a generic message). No variant ever carries a password, token or key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    // ---- user errors -------------------------------------------------------------
    #[error(
        "the password is too short: it has {actual} characters and needs at least {min}; \
         each Chinese character or letter counts as one, so a short phrase of words works well"
    )]
    PasswordTooShort { min: usize, actual: usize },

    #[error(
        "the password is too long: it may be at most {max_bytes} bytes (about 340 Chinese \
         characters or 1024 letters); choose a shorter one"
    )]
    PasswordTooLong { max_bytes: usize },

    #[error("the password repeats a single character; choose one with different characters")]
    PasswordOneCharacter,

    #[error("the password is the same as the username; choose a password that differs from it")]
    PasswordIsUsername,

    #[error(
        "the API key is not in HKPilot's format (it starts with `hkp_`); copy the whole key \
         as it was shown when it was created, or create a new one"
    )]
    MalformedApiKey,

    #[error("the form's security token is missing; reload the page and submit the form again")]
    CsrfMissing,

    #[error(
        "the form's security token does not match this session (the page may be from an \
         earlier sign-in); reload the page and submit the form again"
    )]
    CsrfMismatch,

    #[error("the request came from another site ({origin}); open HKPilot directly and try again")]
    CrossOrigin { origin: String },

    // ---- internal errors ---------------------------------------------------------
    #[error("internal error: invalid credential settings: {0}; fix the configuration")]
    InvalidSettings(String),

    #[error("internal error: password hashing failed: {0}")]
    Hashing(String),

    #[error(
        "internal error: a stored password hash cannot be read ({0}); an administrator \
         should reset this user's password"
    )]
    StoredHashInvalid(String),

    #[error("internal error: the operating system's random number generator failed: {0}")]
    Randomness(String),
}

impl AuthError {
    /// True for mistakes the person can fix (a weak password, a stale form, a wrongly
    /// copied key); false for faults of the server or its configuration.
    pub fn is_user_error(&self) -> bool {
        match self {
            AuthError::PasswordTooShort { .. }
            | AuthError::PasswordTooLong { .. }
            | AuthError::PasswordOneCharacter
            | AuthError::PasswordIsUsername
            | AuthError::MalformedApiKey
            | AuthError::CsrfMissing
            | AuthError::CsrfMismatch
            | AuthError::CrossOrigin { .. } => true,
            AuthError::InvalidSettings(_)
            | AuthError::Hashing(_)
            | AuthError::StoredHashInvalid(_)
            | AuthError::Randomness(_) => false,
        }
    }
}
