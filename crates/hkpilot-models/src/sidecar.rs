//! The sidecar file `<model>.gguf.json` next to a pulled model: where it came from,
//! its SHA-256 and size, and when it was pulled. Models copied in by hand have none.

use std::path::{Path, PathBuf};
#[cfg(feature = "pull")]
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

#[cfg(feature = "pull")]
use crate::error::ModelError;

/// What is recorded about a pulled model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sidecar {
    pub source_url: String,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    pub size: u64,
    /// RFC 3339, UTC.
    pub pulled_at: String,
}

/// `<model file>.json`, e.g. `model.gguf.json`.
pub fn sidecar_path(model: &Path) -> PathBuf {
    let mut name = model.file_name().unwrap_or_default().to_os_string();
    name.push(".json");
    model.with_file_name(name)
}

/// Reads a model's sidecar; a missing or unreadable one is `None` (it is advisory).
pub fn read_sidecar(model: &Path) -> Option<Sidecar> {
    let text = std::fs::read_to_string(sidecar_path(model)).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(feature = "pull")]
/// Writes the sidecar through a temporary file and a rename, so a reader never sees
/// half a JSON document.
pub(crate) fn write_sidecar(model: &Path, sidecar: &Sidecar) -> Result<(), ModelError> {
    let path = sidecar_path(model);
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(sidecar).map_err(|e| ModelError::Io {
        op: "serialise",
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    std::fs::write(&tmp, text + "\n").map_err(|e| ModelError::io("write", &tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| ModelError::io("rename", &path, e))
}

#[cfg(feature = "pull")]
/// Now as RFC 3339 in UTC, e.g. `2025-01-31T08:00:00Z`.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

#[cfg(feature = "pull")]
/// Formats seconds since the Unix epoch as RFC 3339 UTC.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = hkpilot_core::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "pull")]
    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_735_689_599), "2024-12-31T23:59:59Z");
    }

    #[test]
    fn sidecar_sits_next_to_the_model() {
        assert_eq!(
            sidecar_path(Path::new("/m/a.Q4_1.gguf")),
            Path::new("/m/a.Q4_1.gguf.json")
        );
    }
}
