//! The document library: uploading (stored first, read by a background job), listing
//! what the caller may read, opening, downloading, sharing and deleting.

use hkpilot_auth::{authorize, Action, Resource};
use hkpilot_core::{content_hash, AuditAction, Document, DocumentId, JobKind};
use std::sync::Arc;

use hkpilot_store::{BlobId, DocumentRecord, DocumentState, NewJob, StoreError};

use crate::jobs::{JobParams, PRIORITY_INGEST};
use crate::{now_ms, Caller, Result, Service, ServiceError};

/// Parsed documents kept in memory for the pages that show them.
pub(crate) const DOCUMENT_CACHE: usize = 32;

/// A file as the user sent it.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the browser or client gave; only a hint, never a path.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A document as its reader sees it: the record and, once read, its structure.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub record: DocumentRecord,
    pub document: Option<Arc<Document>>,
    /// Whether the caller may share, unshare and delete it (its owner).
    pub is_owner: bool,
}

/// The last path component of a client's file name, without control characters,
/// at most 200 characters: what the library shows and downloads use.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_string();
    if cleaned.is_empty() {
        "document".to_string()
    } else {
        cleaned
    }
}

fn title_of(file_name: &str) -> String {
    match file_name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => file_name.to_string(),
    }
}

impl Service {
    /// Stores an upload and queues reading it. The file is written (atomically) before
    /// its record, so no record ever points at a missing or partial file.
    pub async fn upload(
        &self,
        caller: &Caller,
        upload: Upload,
    ) -> Result<(DocumentRecord, hkpilot_core::Job)> {
        authorize(&caller.actor, Action::UploadDocument, &Resource::System)?;
        let limit = self.config.max_upload_bytes;
        if upload.bytes.len() as u64 > limit {
            return Err(ServiceError::TooLarge { limit });
        }
        let file_name = clean_file_name(&upload.file_name);
        // Refuse what cannot be read now, not minutes later in the job: the format is
        // decided by the bytes, whatever the name claims.
        let format = hkpilot_ingest::detect_format(&upload.bytes, Some(&file_name))
            .map_err(|e| ServiceError::Invalid(format!("{file_name}: {e}")))?;
        let hash = content_hash(&upload.bytes);
        let id = DocumentId::from_content_hash(&hash);
        let mut replaced_failed = false;
        match self.store.get_document(&caller.user.id, &id).await {
            // A failed reading is retried by uploading the file again, as its message
            // says: the failed record (which has no summaries) makes way for the new one.
            Ok(existing) if existing.state == DocumentState::Failed => {
                match self.store.delete_document(&caller.user.id, &id).await {
                    Ok(_) | Err(StoreError::NotFound { .. }) => replaced_failed = true,
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(existing) => {
                return Err(ServiceError::Conflict(format!(
                    "you have already uploaded this file as {:?}",
                    existing.file_name
                )))
            }
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let store = self.store.clone();
        let size = upload.bytes.len() as u64;
        let bytes = upload.bytes;
        let original = tokio::task::spawn_blocking(move || store.blobs().put(&bytes))
            .await
            .map_err(|e| ServiceError::Internal(format!("storing the upload stopped: {e}")))??;
        let record = DocumentRecord {
            id: id.clone(),
            owner: caller.user.id.clone(),
            shared_with: None,
            title: title_of(&file_name),
            file_name,
            format: Some(format),
            lang: None,
            pages: 0,
            size_bytes: size,
            content_hash: hash,
            original,
            extracted: None,
            state: DocumentState::Uploaded,
            error: None,
            created_at_ms: now_ms(),
        };
        self.store.create_document(record.clone()).await?;
        let params = JobParams::Ingest {
            document: id.clone(),
            owner: caller.user.id.clone(),
        };
        let queued = self
            .store
            .enqueue_job(NewJob {
                kind: JobKind::Ingest,
                owner: caller.user.id.clone(),
                priority: PRIORITY_INGEST,
                params: serde_json::to_string(&params)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
            })
            .await;
        let job = match queued {
            Ok(job) => job,
            Err(e) => {
                // Without its job the record would stay "uploaded" for ever: take it
                // back, so that the upload failed as a whole and can simply be retried.
                let _ = self.store.delete_document(&caller.user.id, &id).await;
                return Err(e.into());
            }
        };
        self.wake.notify_one();
        self.audit(
            Some(caller),
            AuditAction::Upload,
            vec![id],
            serde_json::json!({"file_name": record.file_name, "bytes": size, "job": job.id.0, "replaced_failed": replaced_failed}),
        )
        .await;
        Ok((record, job))
    }

    /// Every document the caller may read: their own and those shared with their
    /// department, newest first.
    pub async fn list_documents(&self, caller: &Caller) -> Result<Vec<DocumentRecord>> {
        let docs = self
            .store
            .list_readable_documents(&caller.user.id, &caller.user.department)
            .await?;
        // The store's query and the policy must agree; the policy has the last word.
        Ok(docs
            .into_iter()
            .filter(|d| authorize(&caller.actor, Action::ReadDocument, &resource(d)).is_ok())
            .collect())
    }

    /// The record the caller sees under `id`, after the policy allows `action`.
    pub(crate) async fn readable(
        &self,
        caller: &Caller,
        id: &DocumentId,
        action: Action,
    ) -> Result<DocumentRecord> {
        let record = match self
            .store
            .get_readable_document(id, &caller.user.id, &caller.user.department)
            .await
        {
            Ok(r) => r,
            Err(StoreError::NotFound { .. }) => return Err(not_found(id)),
            Err(e) => return Err(e.into()),
        };
        authorize(&caller.actor, action, &resource(&record)).map_err(|d| {
            if d.conceals_existence() {
                not_found(id)
            } else {
                d.into()
            }
        })?;
        Ok(record)
    }

    /// Opens a document: its record and, once read, its blocks and pages.
    pub async fn document(&self, caller: &Caller, id: &DocumentId) -> Result<DocumentView> {
        let record = self.readable(caller, id, Action::ReadDocument).await?;
        let document = match &record.extracted {
            Some(blob) => Some(self.extracted(blob).await?),
            None => None,
        };
        Ok(DocumentView {
            is_owner: record.owner == caller.user.id,
            record,
            document,
        })
    }

    /// An extracted document, from the cache or the blob store. Blobs are
    /// content-addressed and never change, so a cached copy is never stale.
    pub(crate) async fn extracted(&self, blob: &BlobId) -> Result<Arc<Document>> {
        if let Some(d) = self
            .documents
            .lock()
            .ok()
            .and_then(|c| c.get(blob).cloned())
        {
            return Ok(d);
        }
        let store = self.store.clone();
        let id = blob.clone();
        let document = Arc::new(
            tokio::task::spawn_blocking(move || store.blobs().get_document(&id))
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))??,
        );
        if let Ok(mut cache) = self.documents.lock() {
            // A small cache, emptied when full: the documents being read right now
            // are the ones that come back.
            if cache.len() >= DOCUMENT_CACHE {
                cache.clear();
            }
            cache.insert(blob.clone(), document.clone());
        }
        Ok(document)
    }

    /// The original file, for download.
    pub async fn download(
        &self,
        caller: &Caller,
        id: &DocumentId,
    ) -> Result<(DocumentRecord, Vec<u8>)> {
        let record = self.readable(caller, id, Action::DownloadDocument).await?;
        let store = self.store.clone();
        let blob = record.original.clone();
        let bytes = tokio::task::spawn_blocking(move || store.blobs().read(&blob))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??;
        self.audit(
            Some(caller),
            AuditAction::Download,
            vec![record.id.clone()],
            serde_json::json!({"file_name": record.file_name, "owner": record.owner.0}),
        )
        .await;
        Ok((record, bytes))
    }

    /// Shares the caller's own document with their department, or stops sharing it.
    pub async fn share(
        &self,
        caller: &Caller,
        id: &DocumentId,
        shared: bool,
    ) -> Result<DocumentRecord> {
        let record = self.readable(caller, id, Action::ShareDocument).await?;
        let department = shared.then(|| caller.user.department.clone());
        self.store
            .share_document(&record.owner, id, department.as_ref())
            .await?;
        self.audit(
            Some(caller),
            if shared {
                AuditAction::Share
            } else {
                AuditAction::Unshare
            },
            vec![id.clone()],
            serde_json::json!({"department": caller.user.department.0}),
        )
        .await;
        Ok(self.store.get_document(&record.owner, id).await?)
    }

    /// Deletes the caller's own document, its summaries, and files nobody else uses.
    pub async fn delete_document(&self, caller: &Caller, id: &DocumentId) -> Result<()> {
        let record = self.readable(caller, id, Action::DeleteDocument).await?;
        self.store.delete_document(&record.owner, id).await?;
        self.audit(
            Some(caller),
            AuditAction::Delete,
            vec![id.clone()],
            serde_json::json!({"file_name": record.file_name}),
        )
        .await;
        Ok(())
    }
}

pub(crate) fn resource(d: &DocumentRecord) -> Resource {
    Resource::Document {
        owner: d.owner.clone(),
        shared_with: d.shared_with.clone(),
    }
}

pub(crate) fn not_found(id: &DocumentId) -> ServiceError {
    ServiceError::NotFound(format!(
        "no document {id} that you may read: check the link, or ask its owner to share it with your department"
    ))
}
