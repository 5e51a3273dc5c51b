//! Opening a data directory: schema versions, WAL, refusing a newer database.

use hkpilot_store::{SqliteStore, StoreError, UserStore, SCHEMA_VERSION};

use crate::common::open;

#[tokio::test]
async fn a_new_directory_gets_the_current_schema_in_wal_mode() {
    let env = open();
    assert!(env.dir.path().join("hkpilot.db").is_file());
    assert!(env.dir.path().join("blobs").is_dir());
    let raw = env.raw();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let versions: Vec<u32> = raw
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, (1..=SCHEMA_VERSION).collect::<Vec<_>>());

    // Reopening applies nothing twice and keeps the data.
    env.store.count_users().await.unwrap();
    drop(env.store);
    drop(env.sqlite);
    let again = SqliteStore::open(env.dir.path()).unwrap();
    assert_eq!(again.count_users().await.unwrap(), 0);
    let n: u32 = raw
        .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, SCHEMA_VERSION);
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let env = open();
    env.raw()
        .execute(
            "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, 'future', 0)",
            [SCHEMA_VERSION + 1],
        )
        .unwrap();
    let err = SqliteStore::open(env.dir.path()).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found, supported }
            if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer HKPilot"), "{err}");
}

#[test]
fn a_data_directory_that_cannot_be_created_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = SqliteStore::open(&file.join("data")).unwrap_err();
    assert_eq!(err.code(), "io_error", "{err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}
