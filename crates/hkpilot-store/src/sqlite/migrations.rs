//! The schema, as numbered migrations applied in order, each in its own transaction
//! and recorded in `schema_migrations`. A migration, once released, never changes:
//! fixes are new migrations appended to [`MIGRATIONS`].

use rusqlite::{Connection, TransactionBehavior};

use super::convert::now_ms;
use crate::error::{Result, StoreError};

/// (version, name, SQL). Versions count from 1 without gaps.
const MIGRATIONS: &[(u32, &str, &str)] = &[
    (1, "initial schema", V1),
    (2, "translations", V2),
    (3, "drafts", V3),
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

const V1: &str = r#"
CREATE TABLE departments (
    id      TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_zh TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    -- the username lower-cased by Rust's full Unicode rules (SQLite's only folds ASCII)
    username_key  TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    department    TEXT NOT NULL REFERENCES departments(id),
    role          TEXT NOT NULL,
    ui_lang       TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX users_department ON users(department);

CREATE TABLE sessions (
    token_hash             TEXT PRIMARY KEY,
    user_id                TEXT NOT NULL REFERENCES users(id),
    created_at_ms          INTEGER NOT NULL,
    last_seen_ms           INTEGER NOT NULL,
    idle_expires_at_ms     INTEGER NOT NULL,
    absolute_expires_at_ms INTEGER NOT NULL,
    csrf_hash              TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    key_hash      TEXT NOT NULL UNIQUE,
    user_id       TEXT NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
) STRICT;
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE documents (
    owner          TEXT NOT NULL REFERENCES users(id),
    id             TEXT NOT NULL,
    shared_with    TEXT REFERENCES departments(id),
    title          TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    format         TEXT,
    lang           TEXT,
    pages          INTEGER NOT NULL,
    size_bytes     INTEGER NOT NULL,
    content_hash   TEXT NOT NULL,
    original_blob  TEXT NOT NULL,
    extracted_blob TEXT,
    state          TEXT NOT NULL,
    error          TEXT,
    created_at_ms  INTEGER NOT NULL,
    PRIMARY KEY (owner, id)
) STRICT;
CREATE INDEX documents_shared ON documents(shared_with);
CREATE INDEX documents_id ON documents(id);
CREATE INDEX documents_original ON documents(original_blob);
CREATE INDEX documents_extracted ON documents(extracted_blob);

CREATE TABLE summaries (
    id             TEXT PRIMARY KEY,
    document_owner TEXT NOT NULL,
    document_id    TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users(id),
    options        TEXT NOT NULL,
    model          TEXT,
    result         TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    FOREIGN KEY (document_owner, document_id) REFERENCES documents(owner, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX summaries_document ON summaries(document_owner, document_id, created_at_ms);

-- Owners are not foreign keys: jobs of bootstrap API-key callers have no user row.
CREATE TABLE jobs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    owner            TEXT NOT NULL,
    priority         INTEGER NOT NULL,
    state            TEXT NOT NULL,
    params           TEXT NOT NULL,
    phase            TEXT NOT NULL DEFAULT '',
    done             INTEGER NOT NULL DEFAULT 0,
    total            INTEGER NOT NULL DEFAULT 0,
    result           TEXT,
    error            TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at_ms    INTEGER NOT NULL,
    started_at_ms    INTEGER,
    finished_at_ms   INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- increases with every claim: the fairness rule serves the owner claimed longest ago
    claim_order      INTEGER
) STRICT;
CREATE INDEX jobs_state ON jobs(state, priority);
CREATE INDEX jobs_owner_state ON jobs(owner, state);
CREATE INDEX jobs_owner_claim ON jobs(owner, claim_order);
CREATE INDEX jobs_claim ON jobs(claim_order);

-- Actors are not foreign keys: the log outlives accounts and records unknown callers.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    actor       TEXT,
    action      TEXT NOT NULL,
    documents   TEXT NOT NULL,
    detail      TEXT NOT NULL,
    remote_addr TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;
CREATE INDEX audit_actor ON audit_log(actor, seq);
CREATE INDEX audit_at ON audit_log(at_ms);
-- For filtering by document; the hashed copy is audit_log.documents.
CREATE TABLE audit_documents (
    document_id TEXT NOT NULL,
    seq         INTEGER NOT NULL REFERENCES audit_log(seq),
    PRIMARY KEY (document_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_documents_no_update BEFORE UPDATE ON audit_documents
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_documents_no_delete BEFORE DELETE ON audit_documents
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// Translations of stored documents. A table of their own rather than a generic
/// "outputs" table keyed by kind: like `summaries`, each row belongs to one owner's
/// record of a document (and goes with it), but it also has a target language that
/// the page and the API list by, and its JSON has its own shape; typed columns keep
/// both queryable and checked, and a later kind of output gets its own table the same
/// way. The language is its BCP 47 tag (`en`, `zh-Hant`, `zh-Hans`).
const V2: &str = r#"
CREATE TABLE translations (
    id             TEXT PRIMARY KEY,
    document_owner TEXT NOT NULL,
    document_id    TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users(id),
    target_lang    TEXT NOT NULL,
    options        TEXT NOT NULL,
    model          TEXT,
    result         TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    FOREIGN KEY (document_owner, document_id) REFERENCES documents(owner, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX translations_document ON translations(document_owner, document_id, created_at_ms);
"#;

/// Drafts written from a template. Unlike summaries and translations a draft belongs
/// to its owner, not to a document: it may cite several documents or none, so the
/// cited ids are kept as a JSON list (`sources`) and it is not deleted with any of
/// them (a citation to a deleted document simply no longer resolves). The template
/// type and language are typed columns so the list can show them without parsing.
const V3: &str = r#"
CREATE TABLE drafts (
    id            TEXT PRIMARY KEY,
    owner         TEXT NOT NULL REFERENCES users(id),
    template      TEXT NOT NULL,
    lang          TEXT NOT NULL,
    title         TEXT NOT NULL,
    sources       TEXT NOT NULL,
    request       TEXT NOT NULL,
    model         TEXT,
    result        TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX drafts_owner ON drafts(owner, created_at_ms);
"#;

/// Brings the database to [`SCHEMA_VERSION`], or refuses one that is newer.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version       INTEGER PRIMARY KEY,
            name          TEXT NOT NULL,
            applied_at_ms INTEGER NOT NULL
        ) STRICT",
    )?;
    for &(version, name, sql) in MIGRATIONS {
        // IMMEDIATE: a second process opening the same directory waits here and then
        // sees the migration done, instead of applying it twice.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = current_version(&tx)?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found: current,
                supported: SCHEMA_VERSION,
            });
        }
        if version <= current {
            continue;
        }
        tx.execute_batch(sql).map_err(|e| {
            StoreError::Database(format!("migration {version} ({name}) failed: {e}"))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, now_ms()],
        )?;
        tx.commit()?;
        tracing::info!(version, name, "applied a database migration");
    }
    // A database newer than every migration we know is refused even when there was
    // nothing to apply.
    let current = current_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}
