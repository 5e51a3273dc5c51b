//! The audit log in SQLite: append in one write transaction (read the head, hash,
//! insert), list with filters, verify by streaming the whole log through
//! [`ChainChecker`]. Triggers in the schema refuse UPDATE and DELETE.

use async_trait::async_trait;
use hkpilot_core::{AuditAction, AuditEvent, DocumentId, UserId};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};

use super::SqliteStore;
use crate::api::AuditStore;
use crate::audit_chain::{
    event_hash, AuditQuery, ChainChecker, ChainStatus, NewAuditEvent, GENESIS_HASH,
};
use crate::error::{Result, StoreError};

fn event_from_row(r: &Row<'_>) -> rusqlite::Result<AuditEvent> {
    let documents: String = r.get("documents")?;
    let documents: Vec<String> = serde_json::from_str(&documents).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("audit documents are not a JSON list: {e}").into(),
        )
    })?;
    Ok(AuditEvent {
        seq: r.get::<_, i64>("seq")? as u64,
        at_ms: r.get("at_ms")?,
        actor: r.get::<_, Option<String>>("actor")?.map(UserId),
        action: AuditAction::parse(&r.get::<_, String>("action")?),
        documents: documents.into_iter().map(DocumentId).collect(),
        detail: r.get("detail")?,
        remote_addr: r.get("remote_addr")?,
        prev_hash: r.get("prev_hash")?,
        hash: r.get("hash")?,
    })
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, event: NewAuditEvent) -> Result<AuditEvent> {
        self.run(move |c| {
            // IMMEDIATE: the head read and the insert happen under the write lock, so
            // two appends can never both link to the same predecessor.
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let head: Option<(i64, String)> = tx
                .query_row(
                    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (seq, prev_hash) = match head {
                Some((seq, hash)) => (seq as u64 + 1, hash),
                None => (1, GENESIS_HASH.to_string()),
            };
            let hash = event_hash(&prev_hash, seq, &event);
            let documents_json = serde_json::to_string(
                &event
                    .documents
                    .iter()
                    .map(|d| d.0.as_str())
                    .collect::<Vec<_>>(),
            )
            .map_err(|e| StoreError::Internal(e.to_string()))?;
            tx.execute(
                "INSERT INTO audit_log (seq, at_ms, actor, action, documents, detail,
                                        remote_addr, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    seq as i64,
                    event.at_ms,
                    event.actor.as_ref().map(|a| &a.0),
                    event.action.as_str(),
                    documents_json,
                    event.detail,
                    event.remote_addr,
                    prev_hash,
                    hash,
                ],
            )?;
            for document in &event.documents {
                tx.execute(
                    "INSERT OR IGNORE INTO audit_documents (document_id, seq) VALUES (?1, ?2)",
                    params![document.0, seq as i64],
                )?;
            }
            tx.commit()?;
            Ok(AuditEvent {
                seq,
                at_ms: event.at_ms,
                actor: event.actor,
                action: event.action,
                documents: event.documents,
                detail: event.detail,
                remote_addr: event.remote_addr,
                prev_hash,
                hash,
            })
        })
        .await
    }

    async fn list_audit(&self, query: AuditQuery) -> Result<Vec<AuditEvent>> {
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT * FROM audit_log a
                 WHERE (?1 IS NULL OR a.actor = ?1)
                   AND (?2 IS NULL OR a.seq IN (SELECT seq FROM audit_documents WHERE document_id = ?2))
                   AND (?3 IS NULL OR a.at_ms >= ?3)
                   AND (?4 IS NULL OR a.at_ms < ?4)
                   AND a.seq > ?5
                 ORDER BY a.seq LIMIT ?6",
            )?;
            let rows = stmt.query_map(
                params![
                    query.actor.as_ref().map(|a| &a.0),
                    query.document.as_ref().map(|d| &d.0),
                    query.from_ms,
                    query.to_ms,
                    query.after_seq.unwrap_or(0) as i64,
                    query.effective_limit(),
                ],
                event_from_row,
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn verify_audit_chain(&self) -> Result<ChainStatus> {
        self.run(|c| {
            // One read transaction: a consistent snapshot even while events are appended.
            let tx = c.transaction()?;
            let mut checker = ChainChecker::default();
            {
                let mut stmt = tx.prepare("SELECT * FROM audit_log ORDER BY seq")?;
                let mut rows = stmt.query([])?;
                while let Some(row) = rows.next()? {
                    let seq = row.get::<_, i64>("seq")? as u64;
                    let event = match event_from_row(row) {
                        Ok(event) => event,
                        Err(e) => {
                            return Ok(ChainStatus::Broken {
                                seq,
                                problem: format!("the event cannot be read: {e}"),
                            })
                        }
                    };
                    if let Err(problem) = checker.check(&event) {
                        return Ok(ChainStatus::Broken { seq, problem });
                    }
                }
            }
            tx.finish()?;
            Ok(checker.finish())
        })
        .await
    }
}
