//! `StoreError`: what went wrong in persistence, user errors apart from internal ones.

use std::io;
use std::path::{Path, PathBuf};

/// Result alias used throughout the crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Every error the store returns. The first group is caused by the request (the
/// service maps them to 404, 409, 400, 413, 507); the rest are faults of the
/// installation or of the store itself. No database driver type appears here, so
/// that another implementation can return the same errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },

    /// Something with the same unique key exists, or the thing is not in a state
    /// that allows the change (a finished job cannot be cancelled).
    #[error("{0}")]
    Conflict(String),

    /// The request names something that does not exist or breaks a rule.
    #[error("{0}")]
    Invalid(String),

    #[error("the file is larger than the limit of {limit} bytes; upload a smaller file or ask an administrator to raise the limit")]
    TooLarge { limit: u64 },

    /// The disk (or the database) is full. Nothing was stored.
    #[error("the disk is full while writing {}: free disk space under the data directory and try again; nothing was stored", path.display())]
    Full { path: PathBuf },

    /// The database was written by a newer HKPilot.
    #[error("the database was created by a newer HKPilot (schema version {found}, this build knows up to {supported}); run the newer version or restore a backup made before the upgrade")]
    SchemaTooNew { found: u32, supported: u32 },

    // ---- internal ----
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },

    #[error("database error: {0}")]
    Database(String),

    /// A stored value that cannot be read back (an unknown state name, bad JSON).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),

    /// The blocking task running a statement panicked or was cancelled.
    #[error("internal store error: {0}")]
    Internal(String),
}

impl StoreError {
    /// A stable snake_case code for logs and the HTTP error body.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not_found",
            StoreError::Conflict(_) => "conflict",
            StoreError::Invalid(_) => "invalid",
            StoreError::TooLarge { .. } => "too_large",
            StoreError::Full { .. } => "storage_full",
            StoreError::SchemaTooNew { .. } => "schema_too_new",
            StoreError::Io { .. } => "io_error",
            StoreError::Database(_) => "database_error",
            StoreError::Corrupt(_) => "corrupt_data",
            StoreError::Internal(_) => "internal_error",
        }
    }

    /// Whether the caller's request caused it (as opposed to a fault to log and alert on).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            StoreError::NotFound { .. }
                | StoreError::Conflict(_)
                | StoreError::Invalid(_)
                | StoreError::TooLarge { .. }
        )
    }

    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }

    /// Wraps a file-system error, turning "no space left" into [`StoreError::Full`]
    /// so that the message tells the operator what to do.
    pub(crate) fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        if is_disk_full(&source) {
            StoreError::Full {
                path: path.to_path_buf(),
            }
        } else {
            StoreError::Io {
                action,
                path: path.to_path_buf(),
                source,
            }
        }
    }
}

/// ENOSPC and EDQUOT (quota) both mean "free some space".
fn is_disk_full(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_full_becomes_full_with_guidance() {
        let err = StoreError::io(
            "write",
            Path::new("/data/blobs/x"),
            io::Error::from(io::ErrorKind::StorageFull),
        );
        assert_eq!(err.code(), "storage_full");
        assert!(err.to_string().contains("free disk space"), "{err}");
        let other = StoreError::io(
            "write",
            Path::new("/x"),
            io::Error::from(io::ErrorKind::PermissionDenied),
        );
        assert_eq!(other.code(), "io_error");
        assert!(!other.is_user_error());
    }
}
