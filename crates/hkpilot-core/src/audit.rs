//! The audit trail: who did what, when, to which documents, from where. Pure data;
//! the hash chain that makes it tamper-evident is computed by `hkpilot-store`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::account::UserId;
use crate::document::DocumentId;

/// What was done. Persisted by name, so a name never changes meaning; actions not
/// listed here are kept as [`AuditAction::Other`] rather than refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    Upload,
    Download,
    Summary,
    Share,
    Unshare,
    Delete,
    PermissionChange,
    UserCreated,
    UserDisabled,
    ModelCall,
    ApiKeyCreated,
    ApiKeyRevoked,
    /// A document translated (the model call, if any, is its own `ModelCall` event).
    Translation,
    /// A draft written (the model call is its own `ModelCall` event).
    DraftCreated,
    Other(String),
}

const NAMED: [(AuditAction, &str); 17] = [
    (AuditAction::SignIn, "sign_in"),
    (AuditAction::SignInFailed, "sign_in_failed"),
    (AuditAction::SignOut, "sign_out"),
    (AuditAction::Upload, "upload"),
    (AuditAction::Download, "download"),
    (AuditAction::Summary, "summary"),
    (AuditAction::Share, "share"),
    (AuditAction::Unshare, "unshare"),
    (AuditAction::Delete, "delete"),
    (AuditAction::PermissionChange, "permission_change"),
    (AuditAction::UserCreated, "user_created"),
    (AuditAction::UserDisabled, "user_disabled"),
    (AuditAction::ModelCall, "model_call"),
    (AuditAction::ApiKeyCreated, "api_key_created"),
    (AuditAction::ApiKeyRevoked, "api_key_revoked"),
    (AuditAction::Translation, "translation"),
    (AuditAction::DraftCreated, "draft_created"),
];

impl AuditAction {
    /// The stable snake_case name stored, hashed and exported.
    pub fn as_str(&self) -> &str {
        if let AuditAction::Other(name) = self {
            return name;
        }
        NAMED
            .iter()
            .find(|(action, _)| action == self)
            .map(|(_, name)| *name)
            .unwrap_or("other")
    }

    /// Reads a stored name; unknown names become `Other` so that an older binary can
    /// still read (and verify) a log written by a newer one.
    pub fn parse(name: &str) -> AuditAction {
        NAMED
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(action, _)| action.clone())
            .unwrap_or_else(|| AuditAction::Other(name.to_string()))
    }
}

impl From<String> for AuditAction {
    fn from(name: String) -> Self {
        AuditAction::parse(&name)
    }
}

impl From<AuditAction> for String {
    fn from(action: AuditAction) -> Self {
        action.as_str().to_string()
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recorded event, as stored: `seq` counts from 1 without gaps and `hash` covers
/// this event's fields and `prev_hash`, the hash of the event before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: u64,
    /// Unix milliseconds.
    pub at_ms: i64,
    /// Who acted; `None` for the system itself or an unknown caller (a failed sign-in
    /// names the attempted user in `detail`, never as the actor).
    pub actor: Option<UserId>,
    pub action: AuditAction,
    /// The documents the action touched, in the order given.
    pub documents: Vec<DocumentId>,
    /// JSON text with the particulars: which spans, which model, which options.
    pub detail: String,
    /// The client's address as the server saw it.
    pub remote_addr: Option<String>,
    /// Hex SHA-256; the first event's is 64 zeros.
    pub prev_hash: String,
    pub hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_kept() {
        for (action, name) in NAMED.iter() {
            assert_eq!(action.as_str(), *name);
            assert_eq!(&AuditAction::parse(name), action);
        }
        let other = AuditAction::parse("export");
        assert_eq!(other, AuditAction::Other("export".into()));
        assert_eq!(other.as_str(), "export");
    }
}
