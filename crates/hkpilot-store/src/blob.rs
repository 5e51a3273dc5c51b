//! Content-addressed files on disk: original uploads and extracted documents, named
//! by the SHA-256 of their bytes under `blobs/ab/cd/abcd…`.
//!
//! A blob is written to a temporary file in `blobs/.tmp` (on the same file system, so
//! the final rename is atomic), synced, then renamed into place and the directory
//! synced. A reader therefore sees a whole blob or none, a crash leaves at most a
//! stray temporary file (cleaned at the next open), and a failed write — a full disk,
//! a size limit — removes its temporary file and stores nothing. Reads do not re-hash:
//! the name was checked when the blob was written.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use hkpilot_core::Document;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use crate::error::{Result, StoreError};

/// Temporary files older than this are left by a process that died; younger ones may
/// belong to an upload in progress in another process on the same data directory
/// (the `hkpilot admin` CLI opening the store while the server runs).
const STALE_TEMP_AGE: Duration = Duration::from_secs(3600);

/// A blob's name: 64 lowercase hex digits of the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BlobId(String);

impl BlobId {
    /// Checks the form, so that an id read from anywhere can never name a path
    /// outside the blob directory.
    pub fn parse(hex: &str) -> Result<BlobId> {
        let ok = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(BlobId(hex.to_string()))
        } else {
            Err(StoreError::Invalid(format!(
                "{hex:?} is not a blob id (64 lowercase hex digits)"
            )))
        }
    }

    /// The id the given bytes are stored under.
    pub fn of(bytes: &[u8]) -> BlobId {
        BlobId(hex::encode(Sha256::digest(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BlobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for BlobId {
    type Error = StoreError;
    fn try_from(hex: String) -> Result<BlobId> {
        BlobId::parse(&hex)
    }
}

impl From<BlobId> for String {
    fn from(id: BlobId) -> String {
        id.0
    }
}

/// The blob directory. Cheap to clone; all methods block (call them from
/// `spawn_blocking` in async code).
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
    tmp: PathBuf,
}

impl BlobStore {
    /// Opens (creating if needed) the blob directory `root` and removes temporary
    /// files left by a process that died mid-write.
    pub fn open(root: impl Into<PathBuf>) -> Result<BlobStore> {
        let root = root.into();
        let tmp = root.join(".tmp");
        fs::create_dir_all(&tmp).map_err(|e| StoreError::io("create", &tmp, e))?;
        let store = BlobStore { root, tmp };
        store.remove_stale_temp_files();
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob lives: two levels of fan-out keep directories small.
    pub fn path(&self, id: &BlobId) -> PathBuf {
        let hex = id.as_str();
        self.root.join(&hex[0..2]).join(&hex[2..4]).join(hex)
    }

    pub fn contains(&self, id: &BlobId) -> bool {
        self.path(id).is_file()
    }

    /// Stores bytes held in memory.
    pub fn put(&self, bytes: &[u8]) -> Result<BlobId> {
        let mut writer = self.writer(u64::MAX)?;
        writer.write_chunk(bytes)?;
        writer.finish()
    }

    /// A writer for a stream of chunks (an upload), refusing more than `max_bytes`.
    pub fn writer(&self, max_bytes: u64) -> Result<BlobWriter> {
        let file = tempfile::Builder::new()
            .prefix("blob-")
            .tempfile_in(&self.tmp)
            .map_err(|e| StoreError::io("create a temporary file in", &self.tmp, e))?;
        Ok(BlobWriter {
            store: self.clone(),
            file: Some(file),
            hasher: Sha256::new(),
            written: 0,
            max_bytes,
            failed: None,
        })
    }

    /// The whole blob; `NotFound` if it is not stored.
    pub fn read(&self, id: &BlobId) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open_file(id)?
            .read_to_end(&mut bytes)
            .map_err(|e| StoreError::io("read", &self.path(id), e))?;
        Ok(bytes)
    }

    /// The blob as an open file, for streaming a download.
    pub fn open_file(&self, id: &BlobId) -> Result<File> {
        let path = self.path(id);
        File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => StoreError::not_found("blob", id),
            _ => StoreError::io("open", &path, e),
        })
    }

    /// Stores an extracted document as JSON.
    pub fn put_document(&self, document: &Document) -> Result<BlobId> {
        let json = serde_json::to_vec(document)
            .map_err(|e| StoreError::Internal(format!("cannot serialise a document: {e}")))?;
        self.put(&json)
    }

    /// Reads back what [`BlobStore::put_document`] stored.
    pub fn get_document(&self, id: &BlobId) -> Result<Document> {
        let bytes = self.read(id)?;
        serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::Corrupt(format!("blob {id} is not a document: {e}")))
    }

    /// Removes a blob; `false` if it was not there. Callers delete only blobs that
    /// [`crate::DocumentStore::delete_document`] reported as no longer used.
    pub fn delete(&self, id: &BlobId) -> Result<bool> {
        let path = self.path(id);
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::io("delete", &path, e)),
        }
    }

    /// The number of temporary files present (for tests and diagnostics).
    pub fn temp_file_count(&self) -> usize {
        fs::read_dir(&self.tmp).map(|d| d.count()).unwrap_or(0)
    }

    fn remove_stale_temp_files(&self) {
        let Ok(entries) = fs::read_dir(&self.tmp) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .map(|t| now.duration_since(t).unwrap_or_default() > STALE_TEMP_AGE)
                .unwrap_or(false);
            if old {
                if let Err(e) = fs::remove_file(entry.path()) {
                    tracing::warn!(path = %entry.path().display(), error = %e, "cannot remove a stale temporary blob");
                }
            }
        }
    }
}

/// Writes one blob in chunks. Nothing is visible until [`BlobWriter::finish`]; on
/// any error, or if the writer is dropped unfinished, the temporary file is removed.
#[derive(Debug)]
pub struct BlobWriter {
    store: BlobStore,
    file: Option<NamedTempFile>,
    hasher: Sha256,
    written: u64,
    max_bytes: u64,
    /// The first error; later calls repeat it instead of writing on.
    failed: Option<FailedWith>,
}

#[derive(Debug, Clone, Copy)]
enum FailedWith {
    TooLarge,
    Full,
    Io,
}

impl BlobWriter {
    /// Bytes accepted so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Appends a chunk. Past the limit it returns `TooLarge` and discards the
    /// temporary file at once, so an oversized upload stops using disk immediately.
    pub fn write_chunk(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(failed) = self.failed {
            return Err(self.repeat(failed));
        }
        if self.written.saturating_add(chunk.len() as u64) > self.max_bytes {
            return Err(self.fail(FailedWith::TooLarge, None));
        }
        let file = self
            .file
            .as_mut()
            .expect("present until finished or failed");
        if let Err(e) = file.write_all(chunk) {
            let path = file.path().to_path_buf();
            let err = StoreError::io("write", &path, e);
            let kind = if matches!(err, StoreError::Full { .. }) {
                FailedWith::Full
            } else {
                FailedWith::Io
            };
            return Err(self.fail(kind, Some(err)));
        }
        self.hasher.update(chunk);
        self.written += chunk.len() as u64;
        Ok(())
    }

    /// Syncs the data and moves it into place; returns its id. If the same bytes are
    /// already stored, the copy is discarded and the existing blob kept.
    pub fn finish(mut self) -> Result<BlobId> {
        if let Some(failed) = self.failed {
            return Err(self.repeat(failed));
        }
        let file = self.file.take().expect("present until finished or failed");
        file.as_file()
            .sync_all()
            .map_err(|e| StoreError::io("sync", file.path(), e))?;
        let id = BlobId(hex::encode(std::mem::take(&mut self.hasher).finalize()));
        let target = self.store.path(&id);
        if target.is_file() {
            return Ok(id); // dropping `file` removes the duplicate
        }
        let dir = target.parent().expect("blob paths have a parent");
        fs::create_dir_all(dir).map_err(|e| StoreError::io("create", dir, e))?;
        file.persist(&target)
            .map_err(|e| StoreError::io("move into place", &target, e.error))?;
        // The rename is durable only once the directory entry is on disk.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(id)
    }

    fn fail(&mut self, kind: FailedWith, err: Option<StoreError>) -> StoreError {
        self.failed = Some(kind);
        self.file = None; // removes the temporary file
        err.unwrap_or_else(|| self.repeat(kind))
    }

    fn repeat(&self, kind: FailedWith) -> StoreError {
        match kind {
            FailedWith::TooLarge => StoreError::TooLarge {
                limit: self.max_bytes,
            },
            FailedWith::Full => StoreError::Full {
                path: self.store.tmp.clone(),
            },
            FailedWith::Io => StoreError::Io {
                action: "write",
                path: self.store.tmp.clone(),
                source: io::Error::other("an earlier write to this blob failed"),
            },
        }
    }
}

/// For `io::copy` from a reader; errors come back as `io::Error` with the
/// [`StoreError`] inside (`finish` reports the same error again).
impl Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_chunk(buf).map_err(io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
