//! `model pull`: downloads a GGUF model into the store. The file is written as
//! `<name>.gguf.part`, resumed after interruptions, checked (SHA-256 when given, GGUF
//! header always) and only then renamed into place, so a half-written or invalid file
//! is never visible as a model.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::error::ModelError;
use crate::fetch::{hash_file, remove_if_exists, Attempt, AttemptError};
use crate::gguf::read_header;
use crate::sidecar::{now_rfc3339, write_sidecar, Sidecar};
use crate::source::{check_file_name, PullSource, DEFAULT_HF_ENDPOINT};
use crate::store::{model_name, ModelStore, PART_SUFFIX};

/// What to pull.
#[derive(Debug, Clone, Default)]
pub struct PullRequest {
    /// An http(s) URL, `owner/repo:file.gguf` or `hf://owner/repo/file.gguf`.
    pub source: String,
    /// Expected SHA-256 (hex); the download is deleted when it differs.
    pub sha256: Option<String>,
    /// File name in the store; defaults to the source's file name.
    pub file_name: Option<String>,
    /// Download again even when the file is already installed.
    pub force: bool,
}

/// How to pull.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// Base URL for hub sources (`HKPILOT_HF_ENDPOINT`), for mirrors.
    pub hf_endpoint: String,
    /// Bearer token sent to the hub only (gated repositories).
    pub hf_token: Option<String>,
    /// Automatic resumes after a broken connection before giving up.
    pub retries: u32,
    /// Wait before the first automatic resume; doubled each time.
    pub retry_delay: Duration,
    pub connect_timeout: Duration,
    /// Longest silence while reading the body before the attempt is abandoned.
    pub read_timeout: Duration,
}

impl Default for PullOptions {
    fn default() -> Self {
        PullOptions {
            hf_endpoint: DEFAULT_HF_ENDPOINT.to_string(),
            hf_token: None,
            retries: 3,
            retry_delay: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(120),
        }
    }
}

/// What happens during a pull, for progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullEvent {
    /// A transfer started; `resumed_from > 0` when continuing a partial download.
    Started {
        url: String,
        total: Option<u64>,
        resumed_from: u64,
    },
    /// Bytes of the whole file now on disk.
    Progress { done: u64, total: Option<u64> },
    /// The partial download was dropped and the transfer starts from zero.
    Restarted { reason: String },
    /// The connection broke; resuming automatically.
    Retrying { attempt: u32, error: String },
    /// Download complete; checking the checksum and the GGUF header.
    Verifying,
}

/// A pulled (or already present) model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pulled {
    pub name: String,
    pub file: PathBuf,
    pub size: u64,
    pub sha256: Option<String>,
    pub source_url: String,
    /// True when the file was already installed and nothing was downloaded.
    pub already_present: bool,
    /// Bytes that were already on disk from an earlier, interrupted pull.
    pub resumed_from: u64,
}

/// Pulls a model into `store`'s directory, reporting progress through `on_event`.
pub async fn pull(
    store: &ModelStore,
    req: &PullRequest,
    opts: &PullOptions,
    on_event: &mut (dyn FnMut(&PullEvent) + Send),
) -> Result<Pulled, ModelError> {
    let expected = req.sha256.as_deref().map(normalise_sha).transpose()?;
    let source = PullSource::parse(&req.source, &opts.hf_endpoint)?;
    let file_name = req.file_name.clone().unwrap_or(source.file_name.clone());
    check_file_name(&file_name).map_err(|reason| ModelError::InvalidSource {
        input: req.source.clone(),
        reason,
    })?;
    let dir = store.dir();
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| ModelError::io("create the models directory", dir, e))?;
    let dest = dir.join(&file_name);
    if !req.force && tokio::fs::try_exists(&dest).await.unwrap_or(false) {
        return already_present(dest, &source, expected).await;
    }
    let part = dir.join(format!("{file_name}{PART_SUFFIX}"));
    // Two pulls of one file would append to the same `.part` and interleave bytes;
    // the second one is refused while the first holds the lock.
    let _lock = PullLock::acquire(&dir.join(format!("{file_name}{PART_SUFFIX}.lock")), &dest)?;
    let client = client(opts)?;
    let attempt = Attempt {
        client: &client,
        url: &source.url,
        part: &part,
        token: opts.hf_token.as_deref().filter(|_| source.from_hub),
    };
    // Bytes left by an earlier pull; reported as reused unless the transfer restarts.
    let earlier = tokio::fs::metadata(&part).await.map_or(0, |m| m.len());
    let mut restarted = false;
    let mut events = |e: &PullEvent| {
        restarted |= matches!(e, PullEvent::Restarted { .. });
        on_event(e);
    };
    let mut retries = 0;
    let transfer = loop {
        match attempt.run(&mut events).await {
            Ok(t) => break t,
            Err(AttemptError::StartOver(reason)) if retries < opts.retries.max(1) => {
                retries += 1;
                events(&PullEvent::Restarted { reason });
            }
            Err(AttemptError::Interrupted(e)) if retries < opts.retries => {
                retries += 1;
                events(&PullEvent::Retrying {
                    attempt: retries,
                    error: e.to_string(),
                });
                tokio::time::sleep(opts.retry_delay * 2u32.saturating_pow(retries - 1)).await;
            }
            Err(AttemptError::StartOver(reason)) => {
                return Err(ModelError::Download {
                    url: source.url.clone(),
                    detail: reason,
                })
            }
            Err(AttemptError::Interrupted(e) | AttemptError::Fatal(e)) => return Err(e),
        }
    };
    events(&PullEvent::Verifying);
    let resumed_from = if restarted { 0 } else { earlier };
    if let Some(expected) = expected.filter(|e| *e != transfer.sha256) {
        remove_if_exists(&part).await?;
        return Err(ModelError::ChecksumMismatch {
            url: source.url.clone(),
            expected,
            actual: transfer.sha256,
        });
    }
    let check_path = part.clone();
    let checked = tokio::task::spawn_blocking(move || read_header(&check_path))
        .await
        .map_err(|e| ModelError::Download {
            url: source.url.clone(),
            detail: format!("the header check failed to run: {e}"),
        })?;
    if let Err(e) = checked {
        remove_if_exists(&part).await?;
        return Err(ModelError::InvalidDownload {
            url: source.url.clone(),
            source: e,
        });
    }
    // The sidecar goes first: once the model appears under its name, its record is
    // already there.
    write_sidecar(
        &dest,
        &Sidecar {
            source_url: source.url.clone(),
            sha256: transfer.sha256.clone(),
            size: transfer.size,
            pulled_at: now_rfc3339(),
        },
    )?;
    tokio::fs::rename(&part, &dest)
        .await
        .map_err(|e| ModelError::io("move the download into place at", &dest, e))?;
    sync_dir(dir).await;
    Ok(Pulled {
        name: model_name(&dest),
        file: dest,
        size: transfer.size,
        sha256: Some(transfer.sha256),
        source_url: source.url,
        already_present: false,
        resumed_from,
    })
}

/// An advisory lock on `<file>.part.lock`, held for the whole pull (the OS releases it
/// if the process dies, so a killed pull never blocks the next one).
struct PullLock {
    path: PathBuf,
    _file: std::fs::File,
}

impl PullLock {
    fn acquire(path: &Path, dest: &Path) -> Result<PullLock, ModelError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| ModelError::io("create the pull lock", path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(PullLock {
                path: path.to_path_buf(),
                _file: file,
            }),
            Err(std::fs::TryLockError::WouldBlock) => Err(ModelError::PullInProgress {
                file: dest.to_path_buf(),
                lock: path.to_path_buf(),
            }),
            Err(std::fs::TryLockError::Error(e)) => Err(ModelError::io("lock", path, e)),
        }
    }
}

impl Drop for PullLock {
    fn drop(&mut self) {
        // Removed while still locked, so a pull that starts now makes a fresh file.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The same as [`pull`], on a private single-threaded runtime, for callers without one.
pub fn pull_blocking(
    store: &ModelStore,
    req: &PullRequest,
    opts: &PullOptions,
    on_event: &mut (dyn FnMut(&PullEvent) + Send),
) -> Result<Pulled, ModelError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ModelError::Download {
            url: req.source.clone(),
            detail: format!("cannot start the download runtime: {e}"),
        })?;
    rt.block_on(pull(store, req, opts, on_event))
}

async fn already_present(
    dest: PathBuf,
    source: &PullSource,
    expected: Option<String>,
) -> Result<Pulled, ModelError> {
    let size = tokio::fs::metadata(&dest)
        .await
        .map_err(|e| ModelError::io("read", &dest, e))?
        .len();
    let sha256 = match expected {
        Some(expected) => {
            let actual = hash_file(&dest).await?;
            if actual != expected {
                return Err(ModelError::Exists {
                    path: dest,
                    reason: format!("its sha256 is {actual}, not {expected}"),
                });
            }
            Some(actual)
        }
        None => crate::sidecar::read_sidecar(&dest).map(|s| s.sha256),
    };
    Ok(Pulled {
        name: model_name(&dest),
        file: dest,
        size,
        sha256,
        source_url: source.url.clone(),
        already_present: true,
        resumed_from: 0,
    })
}

fn normalise_sha(given: &str) -> Result<String, ModelError> {
    let s = given.trim().to_ascii_lowercase();
    let s = s.strip_prefix("sha256:").unwrap_or(&s).to_string();
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s)
    } else {
        Err(ModelError::InvalidChecksumArg {
            given: given.to_string(),
        })
    }
}

fn client(opts: &PullOptions) -> Result<reqwest::Client, ModelError> {
    reqwest::Client::builder()
        .user_agent(concat!("hkpilot/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(opts.connect_timeout)
        .read_timeout(opts.read_timeout)
        .build()
        .map_err(|e| ModelError::Download {
            url: opts.hf_endpoint.clone(),
            detail: format!("cannot set up the HTTP client: {e}"),
        })
}

/// Makes the rename durable; best effort, as not every platform can open directories.
async fn sync_dir(dir: &std::path::Path) {
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
}
