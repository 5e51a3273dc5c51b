//! Conversions between rows and domain values, and from SQLite errors to
//! [`StoreError`] (so that no rusqlite type leaves this module tree).

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use hkpilot_core::UiLang;
use rusqlite::ErrorCode;

use crate::error::StoreError;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, why) = &e {
            return StoreError::Corrupt(why.to_string());
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::Full {
                path: PathBuf::from("hkpilot.db"),
            },
            _ => StoreError::Database(e.to_string()),
        }
    }
}

/// Maps constraint violations to user errors: a duplicate key to `Conflict`, a
/// reference to something missing to `Invalid`; anything else as usual.
pub(crate) fn constraint(e: rusqlite::Error, conflict: &str, missing: &str) -> StoreError {
    // Extended result codes: SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY, _FOREIGNKEY.
    const UNIQUE: i32 = 2067;
    const PRIMARY_KEY: i32 = 1555;
    const FOREIGN_KEY: i32 = 787;
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        match f.extended_code {
            UNIQUE | PRIMARY_KEY => return StoreError::Conflict(conflict.to_string()),
            FOREIGN_KEY => return StoreError::Invalid(missing.to_string()),
            _ => {}
        }
    }
    StoreError::from(e)
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub(crate) fn ui_lang_str(lang: UiLang) -> &'static str {
    match lang {
        UiLang::English => "en",
        UiLang::TraditionalChinese => "zh-Hant",
    }
}

pub(crate) fn ui_lang_parse(s: &str) -> rusqlite::Result<UiLang> {
    match s {
        "en" => Ok(UiLang::English),
        "zh-Hant" => Ok(UiLang::TraditionalChinese),
        other => Err(corrupt("ui_lang", other)),
    }
}

/// A stored value this build cannot read, as a row-mapping error.
pub(crate) fn corrupt(column: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown {column} {value:?}").into(),
    )
}

/// Reads a u64 stored as SQLite's signed integer.
pub(crate) fn u64_col(row: &rusqlite::Row<'_>, idx: &str) -> rusqlite::Result<u64> {
    Ok(row.get::<_, i64>(idx)?.max(0) as u64)
}

/// A row of a per-document output table (`summaries`, `translations`) by id, or
/// `NotFound` naming `what`. `table` is always one of our own constant names.
pub(super) fn output_by_id<T>(
    c: &rusqlite::Connection,
    table: &'static str,
    what: &'static str,
    id: &str,
    from_row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> crate::error::Result<T> {
    use rusqlite::OptionalExtension;
    c.query_row(
        &format!("SELECT * FROM {table} WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| crate::error::StoreError::not_found(what, id))
}

/// The rows of a per-document output table for one document record, newest first.
pub(super) fn outputs_of_document<T>(
    c: &rusqlite::Connection,
    table: &'static str,
    owner: &str,
    document: &str,
    from_row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> crate::error::Result<Vec<T>> {
    let mut stmt = c.prepare(&format!(
        "SELECT * FROM {table} WHERE document_owner = ?1 AND document_id = ?2
         ORDER BY created_at_ms DESC, rowid DESC"
    ))?;
    let rows = stmt.query_map(rusqlite::params![owner, document], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
