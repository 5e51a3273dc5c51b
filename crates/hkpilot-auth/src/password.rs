//! Passwords: the minimum policy for new passwords, Argon2id hashing into PHC strings,
//! constant-time verification and the "rehash on next sign-in" check.
//!
//! Every function normalises with [`normalize_password`] first, so hashing and
//! verifying always see the same bytes whatever input method typed them.

use std::sync::OnceLock;

use argon2::password_hash::{self, PasswordHash, PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AuthError;
use crate::normalize::{normalize_password, normalize_username};

/// Fewest characters (Unicode scalar values after NFKC) a new password may have. Twelve
/// Latin letters or twelve Chinese characters: one rule that every officer can predict.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Most bytes (UTF-8, before and after normalisation) a password may have. Hashing cost
/// grows with input length only slightly, but normalising and hashing a megabyte per
/// sign-in attempt is an easy denial of service; 1024 bytes is far beyond any real
/// passphrase.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Output length of the Argon2id hash in bytes.
const HASH_LEN: usize = 32;

/// Salt length in bytes (the PHC string stores it base64-encoded).
const SALT_LEN: usize = 16;

/// Argon2id cost parameters. Stored inside every PHC string, so old hashes keep
/// verifying after these change; [`PasswordHasher::needs_rehash`] tells the service to
/// re-hash at the next successful sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over memory (`t`).
    pub iterations: u32,
    /// Lanes (`p`).
    pub parallelism: u32,
}

impl Default for Argon2Params {
    /// OWASP's first recommended Argon2id configuration: m = 19 MiB, t = 2, p = 1
    /// (about 20–40 ms per hash on a server core, so sign-in stays quick while each
    /// offline guess costs 19 MiB of memory).
    fn default() -> Self {
        Argon2Params {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl Argon2Params {
    /// The cheapest parameters Argon2 accepts. For tests only: a hash made with these
    /// is trivial to brute-force.
    pub fn insecure_for_tests() -> Self {
        Argon2Params {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        }
    }

    fn to_argon2(self) -> Result<Params, AuthError> {
        Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(HASH_LEN),
        )
        .map_err(|e| {
            AuthError::InvalidSettings(format!(
                "Argon2 parameters m={} KiB, t={}, p={} are not valid ({e}); memory must be at \
                 least 8 KiB per lane and t, p at least 1",
                self.memory_kib, self.iterations, self.parallelism
            ))
        })
    }
}

/// Checks a new password against the minimum policy. Applied when a password is set
/// or changed, never at sign-in (an old password that predates the policy still works).
///
/// Order matters for the messages: the length limit comes first so that a huge input
/// is rejected before it is normalised.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), AuthError> {
    check_length_bytes(password)?;
    let normalized = normalize_password(password);
    check_length_bytes(&normalized)?;
    let chars = normalized.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AuthError::PasswordTooShort {
            min: MIN_PASSWORD_CHARS,
            actual: chars,
        });
    }
    let mut it = normalized.chars();
    if let Some(first) = it.next() {
        if it.all(|c| c == first) {
            return Err(AuthError::PasswordOneCharacter);
        }
    }
    // Compared in the username's folded form so `ChanTaiMan` cannot use `chantaiman`.
    if normalize_username(&normalized) == normalize_username(username) {
        return Err(AuthError::PasswordIsUsername);
    }
    Ok(())
}

fn check_length_bytes(password: &str) -> Result<(), AuthError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AuthError::PasswordTooLong {
            max_bytes: MAX_PASSWORD_BYTES,
        });
    }
    Ok(())
}

/// Hashes and verifies passwords with one set of Argon2id parameters.
#[derive(Debug)]
pub struct PasswordHasher {
    params: Argon2Params,
    argon2: Argon2<'static>,
    /// A hash of a fixed password, made on first use, for [`PasswordHasher::verify_dummy`].
    dummy: OnceLock<String>,
}

impl PasswordHasher {
    /// Fails only for parameters Argon2 rejects (a configuration error).
    pub fn new(params: Argon2Params) -> Result<PasswordHasher, AuthError> {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.to_argon2()?);
        Ok(PasswordHasher {
            params,
            argon2,
            dummy: OnceLock::new(),
        })
    }

    pub fn params(&self) -> Argon2Params {
        self.params
    }

    /// Hashes a password (which should have passed [`check_password_policy`]) into a
    /// PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, with a fresh
    /// random salt each time.
    pub fn hash(&self, password: &str) -> Result<String, AuthError> {
        check_length_bytes(password)?;
        let normalized = normalize_password(password);
        check_length_bytes(&normalized)?;
        let mut salt_bytes = [0u8; SALT_LEN];
        getrandom::fill(&mut salt_bytes).map_err(|e| AuthError::Randomness(e.to_string()))?;
        let salt = password_hash::SaltString::encode_b64(&salt_bytes)
            .map_err(|e| AuthError::Hashing(e.to_string()))?;
        let hash = self
            .argon2
            .hash_password(normalized.as_bytes(), &salt)
            .map_err(|e| AuthError::Hashing(e.to_string()))?;
        Ok(hash.to_string())
    }

    /// Whether `password` matches the stored PHC string. A wrong password is `Ok(false)`;
    /// an unreadable stored hash is an internal error. The comparison is constant-time
    /// (inside the argon2 crate), and the hash's own parameters are used, so hashes made
    /// under older parameters still verify.
    pub fn verify(&self, password: &str, stored: &str) -> Result<bool, AuthError> {
        check_length_bytes(password)?;
        let normalized = normalize_password(password);
        check_length_bytes(&normalized)?;
        let parsed =
            PasswordHash::new(stored).map_err(|e| AuthError::StoredHashInvalid(e.to_string()))?;
        if parsed.algorithm != Algorithm::Argon2id.ident() {
            // Only Argon2id is ever written; anything else in the store was not made here.
            return Err(AuthError::StoredHashInvalid(format!(
                "algorithm `{}` instead of argon2id",
                parsed.algorithm
            )));
        }
        if parsed.salt.is_none() || parsed.hash.is_none() {
            // Otherwise the argon2 crate would report a plain mismatch and hide the fault.
            return Err(AuthError::StoredHashInvalid(
                "the salt or the hash part is missing".into(),
            ));
        }
        match self.argon2.verify_password(normalized.as_bytes(), &parsed) {
            Ok(()) => Ok(true),
            Err(password_hash::Error::Password) => Ok(false),
            Err(e) => Err(AuthError::StoredHashInvalid(e.to_string())),
        }
    }

    /// Spends the same work as [`PasswordHasher::verify`] and always answers `false`.
    /// Call it when the username does not exist, so that the response time does not
    /// tell an attacker which usernames are real.
    pub fn verify_dummy(&self, password: &str) -> Result<bool, AuthError> {
        let dummy = match self.dummy.get() {
            Some(hash) => hash,
            None => {
                let hash = self.hash("hkpilot dummy password for absent users")?;
                self.dummy.get_or_init(|| hash)
            }
        };
        // The dummy password is never a real credential, so the answer is fixed.
        self.verify(password, dummy).map(|_| false)
    }

    /// Whether a stored hash was made with other parameters than this hasher's (or is
    /// unreadable), so the service should store a fresh hash after the next successful
    /// sign-in, when it has the plain password in hand.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return true;
        };
        if parsed.algorithm != Algorithm::Argon2id.ident()
            || parsed.version != Some(Version::V0x13.into())
        {
            return true;
        }
        match Params::try_from(&parsed) {
            Ok(p) => {
                p.m_cost() != self.params.memory_kib
                    || p.t_cost() != self.params.iterations
                    || p.p_cost() != self.params.parallelism
                    || p.output_len() != Some(HASH_LEN)
            }
            Err(_) => true,
        }
    }
}
