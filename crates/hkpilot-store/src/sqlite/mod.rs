//! [`SqliteStore`]: the embedded default. One database file, `data_dir/hkpilot.db`, in
//! WAL mode with foreign keys on, and the blob directory `data_dir/blobs`.
//!
//! rusqlite is synchronous. Statements run on tokio's blocking threads over a small
//! pool of connections rather than on one dedicated thread: in WAL mode readers do not
//! wait for the writer, so a page listing documents is not held up behind a long
//! write, and the pool stays a few lines of code (a mutex per connection). Writers
//! take the write lock up front (`BEGIN IMMEDIATE`), so two writers queue on the busy
//! timeout instead of failing when a read transaction tries to upgrade.

mod audit;
mod convert;
mod documents;
mod drafts;
mod jobs;
mod migrations;
mod sessions;
mod translations;
mod users;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, TryLockError};
use std::time::Duration;

use rusqlite::Connection;

use crate::api::Store;
use crate::blob::BlobStore;
use crate::error::{Result, StoreError};

pub use migrations::SCHEMA_VERSION;

/// Connections in the pool: enough for a few concurrent readers beside the one
/// writer SQLite allows; more would only add memory on a small machine.
const POOL_SIZE: usize = 4;

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The SQLite store. Cheap to clone (shared pool).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: Arc<Pool>,
    blobs: BlobStore,
    db_path: PathBuf,
}

impl SqliteStore {
    /// Opens or creates the store under `data_dir` and brings the schema up to date.
    /// Blocking (it may run migrations): call it before serving, or from
    /// `spawn_blocking`. Refuses a database written by a newer HKPilot.
    pub fn open(data_dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::io("create", data_dir, e))?;
        let db_path = data_dir.join("hkpilot.db");
        let mut first = open_connection(&db_path)?;
        migrations::migrate(&mut first)?;
        let mut conns = vec![Mutex::new(first)];
        for _ in 1..POOL_SIZE {
            conns.push(Mutex::new(open_connection(&db_path)?));
        }
        let blobs = BlobStore::open(data_dir.join("blobs"))?;
        Ok(SqliteStore {
            pool: Arc::new(Pool {
                conns,
                next: AtomicUsize::new(0),
            }),
            blobs,
            db_path,
        })
    }

    /// The database file.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Runs `f` with a connection on a blocking thread.
    async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || pool.with(f))
            .await
            .map_err(|e| StoreError::Internal(format!("a store task did not finish: {e}")))?
    }
}

impl Store for SqliteStore {
    fn blobs(&self) -> &BlobStore {
        &self.blobs
    }
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::CannotOpen) => StoreError::Io {
            action: "open the database",
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        },
        _ => StoreError::from(e),
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL: readers never block the writer; the default `synchronous = FULL` is kept so
    // that a committed transaction survives a power cut, not only a killed process.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Database(format!(
            "{} cannot use write-ahead logging (journal mode is {mode}); put the data directory on a local file system",
            path.display()
        )));
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// A fixed set of connections, each behind its own mutex.
#[derive(Debug)]
struct Pool {
    conns: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl Pool {
    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        // A free connection if there is one; otherwise wait for the one in turn. A
        // poisoned mutex only means a closure panicked: its transaction was rolled
        // back on unwind, so the connection is fine to reuse.
        for i in 0..n {
            match self.conns[(start + i) % n].try_lock() {
                Ok(mut conn) => return f(&mut conn),
                Err(TryLockError::Poisoned(p)) => return f(&mut p.into_inner()),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let mut conn = self.conns[start]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }
}
