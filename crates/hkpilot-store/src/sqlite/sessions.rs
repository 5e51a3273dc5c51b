//! Sessions and API keys in SQLite. Only hashes are stored; the caller hashes.

use async_trait::async_trait;
use hkpilot_core::UserId;
use rusqlite::{params, OptionalExtension, Row};

use super::convert::{constraint, new_id};
use super::SqliteStore;
use crate::api::SessionStore;
use crate::error::{Result, StoreError};
use crate::records::{ApiKeyRecord, NewApiKey, SessionRecord};

fn session_from_row(r: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        token_hash: r.get("token_hash")?,
        user: UserId(r.get("user_id")?),
        created_at_ms: r.get("created_at_ms")?,
        last_seen_ms: r.get("last_seen_ms")?,
        idle_expires_at_ms: r.get("idle_expires_at_ms")?,
        absolute_expires_at_ms: r.get("absolute_expires_at_ms")?,
        csrf_hash: r.get("csrf_hash")?,
    })
}

fn key_from_row(r: &Row<'_>) -> rusqlite::Result<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: r.get("id")?,
        key_hash: r.get("key_hash")?,
        user: UserId(r.get("user_id")?),
        name: r.get("name")?,
        created_at_ms: r.get("created_at_ms")?,
        revoked_at_ms: r.get("revoked_at_ms")?,
    })
}

/// Never shown in full: a prefix is enough to tell which session an error is about.
fn short(hash: &str) -> String {
    hash.chars().take(8).collect()
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_session(&self, s: SessionRecord) -> Result<()> {
        self.run(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at_ms, last_seen_ms,
                                       idle_expires_at_ms, absolute_expires_at_ms, csrf_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    s.token_hash,
                    s.user.0,
                    s.created_at_ms,
                    s.last_seen_ms,
                    s.idle_expires_at_ms.min(s.absolute_expires_at_ms),
                    s.absolute_expires_at_ms,
                    s.csrf_hash,
                ],
            )
            .map_err(|e| {
                constraint(
                    e,
                    "a session with this token already exists",
                    &format!("user {} does not exist", s.user),
                )
            })?;
            Ok(())
        })
        .await
    }

    async fn get_session(&self, token_hash: &str, now_ms: i64) -> Result<SessionRecord> {
        let token_hash = token_hash.to_string();
        self.run(move |c| {
            c.query_row(
                "SELECT * FROM sessions WHERE token_hash = ?1
                   AND idle_expires_at_ms > ?2 AND absolute_expires_at_ms > ?2",
                params![token_hash, now_ms],
                session_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("session", short(&token_hash)))
        })
        .await
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now_ms: i64,
        idle_expires_at_ms: i64,
    ) -> Result<()> {
        let token_hash = token_hash.to_string();
        self.run(move |c| {
            let n = c.execute(
                "UPDATE sessions SET last_seen_ms = ?2,
                        idle_expires_at_ms = MIN(?3, absolute_expires_at_ms)
                 WHERE token_hash = ?1",
                params![token_hash, now_ms, idle_expires_at_ms],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("session", short(&token_hash)));
            }
            Ok(())
        })
        .await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_string();
        self.run(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
            Ok(())
        })
        .await
    }

    async fn delete_user_sessions(&self, user: &UserId) -> Result<u64> {
        let user = user.clone();
        self.run(move |c| {
            Ok(c.execute("DELETE FROM sessions WHERE user_id = ?1", [user.0])? as u64)
        })
        .await
    }

    async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64> {
        self.run(move |c| {
            Ok(c.execute(
                "DELETE FROM sessions WHERE idle_expires_at_ms <= ?1 OR absolute_expires_at_ms <= ?1",
                [now_ms],
            )? as u64)
        })
        .await
    }

    async fn create_api_key(&self, key: NewApiKey) -> Result<ApiKeyRecord> {
        self.run(move |c| {
            let record = ApiKeyRecord {
                id: new_id(),
                key_hash: key.key_hash,
                user: key.user,
                name: key.name,
                created_at_ms: key.created_at_ms,
                revoked_at_ms: None,
            };
            c.execute(
                "INSERT INTO api_keys (id, key_hash, user_id, name, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    record.id,
                    record.key_hash,
                    record.user.0,
                    record.name,
                    record.created_at_ms
                ],
            )
            .map_err(|e| {
                constraint(
                    e,
                    "an API key with this hash already exists",
                    &format!("user {} does not exist", record.user),
                )
            })?;
            Ok(record)
        })
        .await
    }

    async fn find_api_key(&self, key_hash: &str) -> Result<ApiKeyRecord> {
        let key_hash = key_hash.to_string();
        self.run(move |c| {
            c.query_row(
                "SELECT * FROM api_keys WHERE key_hash = ?1 AND revoked_at_ms IS NULL",
                [&key_hash],
                key_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("API key", short(&key_hash)))
        })
        .await
    }

    async fn list_api_keys(&self, user: &UserId) -> Result<Vec<ApiKeyRecord>> {
        let user = user.clone();
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT * FROM api_keys WHERE user_id = ?1 ORDER BY created_at_ms DESC, id",
            )?;
            let rows = stmt.query_map([user.0], key_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn revoke_api_key(&self, user: &UserId, key_id: &str, now_ms: i64) -> Result<()> {
        let user = user.clone();
        let key_id = key_id.to_string();
        self.run(move |c| {
            let n = c.execute(
                "UPDATE api_keys SET revoked_at_ms = COALESCE(revoked_at_ms, ?3)
                 WHERE id = ?1 AND user_id = ?2",
                params![key_id, user.0, now_ms],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("API key", key_id));
            }
            Ok(())
        })
        .await
    }
}
