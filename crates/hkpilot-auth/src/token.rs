//! Random secrets (session tokens, API key secrets), their SHA-256 hashes for storage,
//! and the API key format `hkp_<id>_<secret>`.
//!
//! Tokens are lowercase hex: URL-, cookie- and header-safe without escaping, and free
//! of `_` so the API key's separator can never appear inside a part. 32 random bytes
//! (256 bits) per secret; hashing them with plain SHA-256 (not Argon2) is right because
//! they are random, not chosen by people, so there is nothing to guess.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::AuthError;

/// Random bytes in every secret: 256 bits.
pub const SECRET_BYTES: usize = 32;

/// Random bytes in an API key's public id: enough to be unique in one installation,
/// and not secret (it is how the store finds the key's hash).
pub const API_KEY_ID_BYTES: usize = 8;

/// What every HKPilot API key starts with, so that people, log scrubbers and secret
/// scanners can recognise one.
pub const API_KEY_PREFIX: &str = "hkp_";

/// A random secret, shown to its owner once and stored only as [`hash_token`]. Its
/// `Debug` output is redacted so that it cannot leak through logs by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// 256 fresh bits from the operating system, hex-encoded (64 characters).
    pub fn generate() -> Result<Secret, AuthError> {
        random_hex(SECRET_BYTES).map(Secret)
    }

    /// The secret itself, to put in a cookie or show once to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What to store: the SHA-256 of the secret.
    pub fn hash(&self) -> String {
        hash_token(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

fn random_hex(bytes: usize) -> Result<String, AuthError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AuthError::Randomness(e.to_string()))?;
    Ok(hex::encode(buf))
}

/// SHA-256 of a token, lowercase hex: what the store keeps instead of the token, so a
/// leaked database cannot be replayed as sessions or API keys.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` hashes to `stored_hash` (hex from [`hash_token`]). The byte
/// comparison is constant-time; a malformed stored hash simply does not match.
pub fn token_matches_hash(token: &str, stored_hash: &str) -> bool {
    let Ok(stored) = hex::decode(stored_hash) else {
        return false;
    };
    let presented = Sha256::digest(token.as_bytes());
    // `ct_eq` on slices of different lengths is false without looking at contents.
    bool::from(presented.as_slice().ct_eq(&stored))
}

/// A newly created API key: a public id and a secret. The full key is shown once;
/// the store keeps [`ApiKey::id`] (to find it) and [`ApiKey::hash`] (to check it).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    id: String,
    secret: Secret,
}

impl ApiKey {
    pub fn generate() -> Result<ApiKey, AuthError> {
        Ok(ApiKey {
            id: random_hex(API_KEY_ID_BYTES)?,
            secret: Secret::generate()?,
        })
    }

    /// The public id (16 hex digits): safe to store in clear, list and log.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The full key `hkp_<id>_<secret>`, for the one time it is shown to its owner.
    pub fn expose(&self) -> String {
        format!("{API_KEY_PREFIX}{}_{}", self.id, self.secret.expose())
    }

    /// What to store: SHA-256 of the full key.
    pub fn hash(&self) -> String {
        hash_token(&self.expose())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("id", &self.id)
            .field("secret", &self.secret)
            .finish()
    }
}

/// An API key as presented in `Authorization: Bearer …`, checked for shape but not
/// yet for validity: look up [`PresentedApiKey::id`] in the store, then call
/// [`PresentedApiKey::matches`] with the stored hash.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PresentedApiKey<'a> {
    id: &'a str,
    full: &'a str,
}

impl<'a> PresentedApiKey<'a> {
    /// Parses `hkp_<16 hex>_<64 hex>`. Anything else is [`AuthError::MalformedApiKey`]
    /// (the service may then try the bootstrap keys from `HKPILOT_API_KEYS`, which have
    /// no fixed shape).
    pub fn parse(key: &'a str) -> Result<PresentedApiKey<'a>, AuthError> {
        let rest = key
            .strip_prefix(API_KEY_PREFIX)
            .ok_or(AuthError::MalformedApiKey)?;
        let (id, secret) = rest.split_once('_').ok_or(AuthError::MalformedApiKey)?;
        if !is_lower_hex(id, API_KEY_ID_BYTES * 2) || !is_lower_hex(secret, SECRET_BYTES * 2) {
            return Err(AuthError::MalformedApiKey);
        }
        Ok(PresentedApiKey { id, full: key })
    }

    /// The public id, to look the key up.
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// Whether this key is the one whose hash was stored (constant-time).
    pub fn matches(&self, stored_hash: &str) -> bool {
        token_matches_hash(self.full, stored_hash)
    }
}

impl fmt::Debug for PresentedApiKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresentedApiKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
