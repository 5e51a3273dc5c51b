//! Document records and summaries in SQLite, and the rule that keeps rows and blobs
//! consistent: a row is inserted only after checking, under the write lock, that its
//! blobs exist, and blobs are deleted only under the same lock once no row uses them.

use async_trait::async_trait;
use hkpilot_core::{DepartmentId, DocumentId, Lang, SourceFormat, UserId};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::convert::{constraint, corrupt, new_id, output_by_id, outputs_of_document, u64_col};
use super::SqliteStore;
use crate::api::DocumentStore;
use crate::blob::{BlobId, BlobStore};
use crate::error::{Result, StoreError};
use crate::records::{DocumentRecord, DocumentState, IngestedDocument, NewSummary, SummaryRecord};

const FORMATS: [SourceFormat; 5] = [
    SourceFormat::Pdf,
    SourceFormat::Docx,
    SourceFormat::Html,
    SourceFormat::Markdown,
    SourceFormat::Text,
];

fn blob_col(r: &Row<'_>, col: &str) -> rusqlite::Result<BlobId> {
    let hex: String = r.get(col)?;
    BlobId::parse(&hex).map_err(|_| corrupt(col, &hex))
}

fn document_from_row(r: &Row<'_>) -> rusqlite::Result<DocumentRecord> {
    let format: Option<String> = r.get("format")?;
    let format = match format {
        None => None,
        Some(name) => Some(
            FORMATS
                .into_iter()
                .find(|f| f.name() == name)
                .ok_or_else(|| corrupt("format", &name))?,
        ),
    };
    let lang: Option<String> = r.get("lang")?;
    let lang = match lang {
        None => None,
        Some(tag) => Some(tag.parse::<Lang>().map_err(|_| corrupt("lang", &tag))?),
    };
    let state: String = r.get("state")?;
    let extracted: Option<String> = r.get("extracted_blob")?;
    Ok(DocumentRecord {
        id: DocumentId(r.get("id")?),
        owner: UserId(r.get("owner")?),
        shared_with: r.get::<_, Option<String>>("shared_with")?.map(DepartmentId),
        title: r.get("title")?,
        file_name: r.get("file_name")?,
        format,
        lang,
        pages: r.get("pages")?,
        size_bytes: u64_col(r, "size_bytes")?,
        content_hash: r.get("content_hash")?,
        original: blob_col(r, "original_blob")?,
        extracted: match extracted {
            None => None,
            Some(hex) => Some(BlobId::parse(&hex).map_err(|_| corrupt("extracted_blob", &hex))?),
        },
        state: DocumentState::parse(&state).ok_or_else(|| corrupt("state", &state))?,
        error: r.get("error")?,
        created_at_ms: r.get("created_at_ms")?,
    })
}

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<SummaryRecord> {
    Ok(SummaryRecord {
        id: r.get("id")?,
        document: DocumentId(r.get("document_id")?),
        document_owner: UserId(r.get("document_owner")?),
        created_by: UserId(r.get("created_by")?),
        options: r.get("options")?,
        model: r.get("model")?,
        result: r.get("result")?,
        created_at_ms: r.get("created_at_ms")?,
    })
}

fn require_blob(blobs: &BlobStore, id: &BlobId, what: &str) -> Result<()> {
    if blobs.contains(id) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "the {what} blob {id} is not stored; write it before the record"
        )))
    }
}

fn not_found(owner: &UserId, id: &DocumentId) -> StoreError {
    StoreError::not_found("document", format!("{id} of {owner}"))
}

fn blob_in_use(c: &Connection, id: &BlobId) -> Result<bool> {
    Ok(c.query_row(
        "SELECT 1 FROM documents WHERE original_blob = ?1 OR extracted_blob = ?1 LIMIT 1",
        [id.as_str()],
        |_| Ok(()),
    )
    .optional()?
    .is_some())
}

#[async_trait]
impl DocumentStore for SqliteStore {
    async fn create_document(&self, d: DocumentRecord) -> Result<()> {
        if d.content_hash != d.original.as_str() {
            return Err(StoreError::Invalid(
                "content_hash must be the original blob's id".into(),
            ));
        }
        let blobs = self.blobs.clone();
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Checked under the write lock, so a concurrent delete cannot remove the
            // blob between this check and the commit.
            require_blob(&blobs, &d.original, "original")?;
            if let Some(extracted) = &d.extracted {
                require_blob(&blobs, extracted, "extracted")?;
            }
            tx.execute(
                "INSERT INTO documents (owner, id, shared_with, title, file_name, format, lang,
                    pages, size_bytes, content_hash, original_blob, extracted_blob, state,
                    error, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    d.owner.0,
                    d.id.0,
                    d.shared_with.as_ref().map(|s| &s.0),
                    d.title,
                    d.file_name,
                    d.format.map(|f| f.name()),
                    d.lang.map(|l| l.tag()),
                    d.pages,
                    d.size_bytes as i64,
                    d.content_hash,
                    d.original.as_str(),
                    d.extracted.as_ref().map(|b| b.as_str()),
                    d.state.as_str(),
                    d.error,
                    d.created_at_ms,
                ],
            )
            .map_err(|e| {
                constraint(
                    e,
                    &format!("you have already uploaded this file (document {})", d.id),
                    "the owner or the department shared with does not exist",
                )
            })?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn get_document(&self, owner: &UserId, id: &DocumentId) -> Result<DocumentRecord> {
        let (owner, id) = (owner.clone(), id.clone());
        self.run(move |c| {
            c.query_row(
                "SELECT * FROM documents WHERE owner = ?1 AND id = ?2",
                params![owner.0, id.0],
                document_from_row,
            )
            .optional()?
            .ok_or_else(|| not_found(&owner, &id))
        })
        .await
    }

    async fn get_readable_document(
        &self,
        id: &DocumentId,
        user: &UserId,
        department: &DepartmentId,
    ) -> Result<DocumentRecord> {
        let (id, user, department) = (id.clone(), user.clone(), department.clone());
        self.run(move |c| {
            c.query_row(
                "SELECT * FROM documents WHERE id = ?1 AND (owner = ?2 OR shared_with = ?3)
                 ORDER BY owner = ?2 DESC, created_at_ms LIMIT 1",
                params![id.0, user.0, department.0],
                document_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("document", &id))
        })
        .await
    }

    async fn list_readable_documents(
        &self,
        user: &UserId,
        department: &DepartmentId,
    ) -> Result<Vec<DocumentRecord>> {
        let (user, department) = (user.clone(), department.clone());
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT * FROM documents WHERE owner = ?1 OR shared_with = ?2
                 ORDER BY created_at_ms DESC, id, owner",
            )?;
            let rows = stmt.query_map(params![user.0, department.0], document_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn set_document_state(
        &self,
        owner: &UserId,
        id: &DocumentId,
        state: DocumentState,
        error: Option<String>,
    ) -> Result<()> {
        let (owner, id) = (owner.clone(), id.clone());
        self.run(move |c| {
            let n = c.execute(
                "UPDATE documents SET state = ?3, error = ?4 WHERE owner = ?1 AND id = ?2",
                params![owner.0, id.0, state.as_str(), error],
            )?;
            if n == 0 {
                return Err(not_found(&owner, &id));
            }
            Ok(())
        })
        .await
    }

    async fn complete_ingest(
        &self,
        owner: &UserId,
        id: &DocumentId,
        ingested: IngestedDocument,
    ) -> Result<()> {
        let (owner, id) = (owner.clone(), id.clone());
        let blobs = self.blobs.clone();
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            require_blob(&blobs, &ingested.extracted, "extracted")?;
            let n = tx.execute(
                "UPDATE documents SET title = ?3, format = ?4, lang = ?5, pages = ?6,
                        extracted_blob = ?7, state = 'ready', error = NULL
                 WHERE owner = ?1 AND id = ?2",
                params![
                    owner.0,
                    id.0,
                    ingested.title,
                    ingested.format.name(),
                    ingested.lang.map(|l| l.tag()),
                    ingested.pages,
                    ingested.extracted.as_str(),
                ],
            )?;
            if n == 0 {
                return Err(not_found(&owner, &id));
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn share_document(
        &self,
        owner: &UserId,
        id: &DocumentId,
        department: Option<&DepartmentId>,
    ) -> Result<()> {
        let (owner, id) = (owner.clone(), id.clone());
        let department = department.map(|d| d.0.clone());
        self.run(move |c| {
            let n = c
                .execute(
                    "UPDATE documents SET shared_with = ?3 WHERE owner = ?1 AND id = ?2",
                    params![owner.0, id.0, department],
                )
                .map_err(|e| constraint(e, "", "the department does not exist"))?;
            if n == 0 {
                return Err(not_found(&owner, &id));
            }
            Ok(())
        })
        .await
    }

    async fn delete_document(&self, owner: &UserId, id: &DocumentId) -> Result<Vec<BlobId>> {
        let (owner, id) = (owner.clone(), id.clone());
        let blobs = self.blobs.clone();
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let record = tx
                .query_row(
                    "SELECT * FROM documents WHERE owner = ?1 AND id = ?2",
                    params![owner.0, id.0],
                    document_from_row,
                )
                .optional()?
                .ok_or_else(|| not_found(&owner, &id))?;
            tx.execute(
                "DELETE FROM documents WHERE owner = ?1 AND id = ?2",
                params![owner.0, id.0],
            )?;
            let mut deleted = Vec::new();
            for blob in std::iter::once(record.original).chain(record.extracted) {
                // Deleted while the write lock is held: a concurrent upload of the same
                // bytes either committed before (and keeps the blob in use) or will
                // find it missing and fail cleanly.
                if !blob_in_use(&tx, &blob)? && blobs.delete(&blob)? {
                    deleted.push(blob);
                }
            }
            tx.commit()?;
            Ok(deleted)
        })
        .await
    }

    async fn add_summary(&self, s: NewSummary) -> Result<SummaryRecord> {
        self.run(move |c| {
            let record = SummaryRecord {
                id: new_id(),
                document: s.document,
                document_owner: s.document_owner,
                created_by: s.created_by,
                options: s.options,
                model: s.model,
                result: s.result,
                created_at_ms: s.created_at_ms,
            };
            c.execute(
                "INSERT INTO summaries (id, document_owner, document_id, created_by, options,
                                        model, result, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    record.id,
                    record.document_owner.0,
                    record.document.0,
                    record.created_by.0,
                    record.options,
                    record.model,
                    record.result,
                    record.created_at_ms,
                ],
            )
            .map_err(|e| {
                constraint(
                    e,
                    "a summary with this id already exists",
                    &format!(
                        "document {} of {} or user {} does not exist",
                        record.document, record.document_owner, record.created_by
                    ),
                )
            })?;
            Ok(record)
        })
        .await
    }

    async fn get_summary(&self, id: &str) -> Result<SummaryRecord> {
        let id = id.to_string();
        self.run(move |c| output_by_id(c, "summaries", "summary", &id, summary_from_row))
            .await
    }

    async fn list_summaries(
        &self,
        owner: &UserId,
        document: &DocumentId,
    ) -> Result<Vec<SummaryRecord>> {
        let (owner, document) = (owner.clone(), document.clone());
        self.run(move |c| {
            outputs_of_document(c, "summaries", &owner.0, &document.0, summary_from_row)
        })
        .await
    }
}
