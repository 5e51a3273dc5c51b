//! Translations of stored documents: asked for as a job (a model is needed unless
//! only the Chinese script changes), kept with their target language, listed as a
//! document's history, read under the same rules as the document itself.

use std::sync::OnceLock;

use hkpilot_auth::{authorize, Action, Resource};
use hkpilot_core::{DocumentId, Job, JobKind, Lang};
use hkpilot_draft::{needs_model, Termbase, Translation};
use hkpilot_store::{DocumentState, NewJob, StoreError, TranslationRecord};
use serde::{Deserialize, Serialize};

use crate::jobs::{JobParams, PRIORITY_SUMMARY};
use crate::{Caller, Result, Service, ServiceError};

/// What the reader asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranslationRequest {
    /// The language to translate into.
    pub to: Lang,
}

/// The starter termbase, parsed once; a department's scope is selected per job.
pub(crate) fn termbase(department: Option<&str>) -> Termbase {
    static STARTER: OnceLock<Termbase> = OnceLock::new();
    STARTER
        .get_or_init(Termbase::starter)
        .clone()
        .with_department(department)
}

impl Service {
    /// Queues a translation of a document the caller may read. A model is needed (and
    /// the caller must be allowed to use it) unless the document is already in the
    /// target language, when only its Chinese script is converted.
    pub async fn request_translation(
        &self,
        caller: &Caller,
        id: &DocumentId,
        request: TranslationRequest,
    ) -> Result<Job> {
        let record = self.readable(caller, id, Action::SummarizeDocument).await?;
        if record.state != DocumentState::Ready {
            return Err(ServiceError::Conflict(format!(
                "the document is {}, not ready: wait until it has been read",
                record.state.as_str()
            )));
        }
        let blob = record
            .extracted
            .clone()
            .ok_or_else(|| ServiceError::Conflict("the document has not been read yet".into()))?;
        let document = self.extracted(&blob).await?;
        if needs_model(&document, request.to) {
            authorize(&caller.actor, Action::UseModel, &Resource::System)?;
            if self.model.is_none() {
                return Err(ServiceError::Invalid(format!(
                    "translating this document into {} needs a language model, and none is configured on this server: ask the administrator to start it with --model (converting between Traditional and Simplified Chinese needs none)",
                    request.to.tag()
                )));
            }
        }
        let params = JobParams::Translate {
            document: id.clone(),
            owner: record.owner.clone(),
            request,
            department: Some(caller.user.department.0.clone()),
        };
        let job = self
            .store
            .enqueue_job(NewJob {
                kind: JobKind::Translate,
                owner: caller.user.id.clone(),
                priority: PRIORITY_SUMMARY,
                params: serde_json::to_string(&params)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
            })
            .await?;
        self.wake.notify_one();
        Ok(job)
    }

    /// A document's translations, newest first.
    pub async fn translations(
        &self,
        caller: &Caller,
        id: &DocumentId,
    ) -> Result<Vec<TranslationRecord>> {
        let record = self.readable(caller, id, Action::ReadDocument).await?;
        Ok(self.store.list_translations(&record.owner, id).await?)
    }

    /// One translation, if its document record is readable by the caller (the same
    /// rule as [`Service::summary`]: the very record it belongs to must be readable).
    pub async fn translation(
        &self,
        caller: &Caller,
        translation_id: &str,
    ) -> Result<(TranslationRecord, Translation)> {
        let gone =
            || ServiceError::NotFound(format!("no translation {translation_id} that you may read"));
        let record = match self.store.get_translation(translation_id).await {
            Ok(r) => r,
            Err(StoreError::NotFound { .. }) => return Err(gone()),
            Err(e) => return Err(e.into()),
        };
        let doc = match self
            .store
            .get_document(&record.document_owner, &record.document)
            .await
        {
            Ok(d) => d,
            Err(StoreError::NotFound { .. }) => return Err(gone()),
            Err(e) => return Err(e.into()),
        };
        authorize(
            &caller.actor,
            Action::ReadDocument,
            &crate::library::resource(&doc),
        )
        .map_err(|_| gone())?;
        let translation: Translation = serde_json::from_str(&record.result).map_err(|e| {
            ServiceError::Internal(format!(
                "stored translation {translation_id} is unreadable: {e}"
            ))
        })?;
        Ok((record, translation))
    }
}
