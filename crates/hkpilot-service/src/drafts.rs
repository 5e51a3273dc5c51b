//! Drafts written from a template: asked for as a job (a model is always needed),
//! citing only documents the caller may read and that are ready, kept per owner with
//! their Markdown and Word renderings, readable by their owner alone.

use std::collections::BTreeMap;

use hkpilot_auth::{authorize, Action, Resource};
use hkpilot_core::{DocumentId, Job, JobKind, Lang, UserId};
use hkpilot_draft::{Template, TemplateLibrary};
use hkpilot_store::{DocumentState, DraftRecord, NewJob, StoreError};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::jobs::{JobParams, PRIORITY_SUMMARY};
use crate::{Caller, Result, Service, ServiceError};

/// Source documents one draft may use at most.
pub const MAX_DRAFT_SOURCES: usize = 20;
/// Characters of notes accepted.
pub const MAX_DRAFT_NOTES: usize = 20_000;
/// Drafts listed under "My drafts".
const DRAFT_LIST_LIMIT: u32 = 200;

/// What the officer asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRequest {
    /// The template type (`memo`, `letter`, ...).
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The language to draft in (`en` or `zh-Hant`).
    pub lang: Lang,
    /// The template's fields, by id.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub notes: String,
    /// Library documents to draft from and cite.
    #[serde(default)]
    pub sources: Vec<DocumentId>,
}

/// One source of a queued draft: the library id and the record's owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSourceRef {
    pub document: DocumentId,
    pub owner: UserId,
}

/// A stored draft as the job wrote it: the draft itself (JSON), its Markdown and its
/// Word file (base64), rendered once so reading never needs the template again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredDraft {
    pub draft: serde_json::Value,
    pub markdown: String,
    pub docx_base64: String,
}

impl StoredDraft {
    pub fn docx(&self) -> Result<Vec<u8>> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&self.docx_base64)
            .map_err(|e| ServiceError::Internal(format!("the stored Word file is unreadable: {e}")))
    }
}

/// The built-in templates, parsed once.
pub fn templates() -> &'static TemplateLibrary {
    static LIBRARY: OnceLock<TemplateLibrary> = OnceLock::new();
    LIBRARY.get_or_init(TemplateLibrary::builtin)
}

/// The languages drafts are written in.
pub const DRAFT_LANGS: [Lang; 2] = [Lang::En, Lang::ZhHant];

/// The template of a type in a language, or `Invalid` naming the types.
pub fn draft_template(doc_type: &str, lang: Lang) -> Result<&'static Template> {
    if !DRAFT_LANGS.contains(&lang) {
        return Err(ServiceError::Invalid(format!(
            "drafts are written in en or zh-Hant, not {}",
            lang.tag()
        )));
    }
    let library = templates();
    library.find(doc_type, lang).ok_or_else(|| {
        ServiceError::Invalid(format!(
            "no {} template of type '{doc_type}'; the types are: {}",
            lang.tag(),
            library.doc_types().join(", ")
        ))
    })
}

impl Service {
    /// Queues a draft. The caller must be allowed to use the model and one must be
    /// configured; every source must be a ready document the caller may read (one
    /// they may not read is reported as not found).
    pub async fn request_draft(&self, caller: &Caller, request: DraftRequest) -> Result<Job> {
        authorize(&caller.actor, Action::UseModel, &Resource::System)?;
        if self.model.is_none() {
            return Err(ServiceError::Invalid(
                "drafting needs a language model, and none is configured on this server: ask the administrator to start it with --model".into(),
            ));
        }
        draft_template(&request.doc_type, request.lang)?;
        if request.notes.chars().count() > MAX_DRAFT_NOTES {
            return Err(ServiceError::Invalid(format!(
                "the notes are longer than {MAX_DRAFT_NOTES} characters"
            )));
        }
        let mut request = request;
        let mut seen = std::collections::HashSet::new();
        request.sources.retain(|d| seen.insert(d.clone()));
        if request.sources.len() > MAX_DRAFT_SOURCES {
            return Err(ServiceError::Invalid(format!(
                "a draft may use at most {MAX_DRAFT_SOURCES} source documents"
            )));
        }
        let mut sources = Vec::with_capacity(request.sources.len());
        for id in &request.sources {
            let record = self.readable(caller, id, Action::ReadDocument).await?;
            if record.state != DocumentState::Ready || record.extracted.is_none() {
                return Err(ServiceError::Conflict(format!(
                    "the document {id} is {}, not ready: wait until it has been read",
                    record.state.as_str()
                )));
            }
            sources.push(DraftSourceRef {
                document: id.clone(),
                owner: record.owner,
            });
        }
        let params = JobParams::Draft {
            request,
            sources,
            department: Some(caller.user.department.0.clone()),
        };
        let job = self
            .store
            .enqueue_job(NewJob {
                kind: JobKind::Draft,
                owner: caller.user.id.clone(),
                priority: PRIORITY_SUMMARY,
                params: serde_json::to_string(&params)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
            })
            .await?;
        self.wake.notify_one();
        Ok(job)
    }

    /// The caller's drafts, newest first.
    pub async fn drafts(&self, caller: &Caller) -> Result<Vec<DraftRecord>> {
        Ok(self
            .store
            .list_drafts(&caller.user.id, DRAFT_LIST_LIMIT)
            .await?)
    }

    /// One of the caller's drafts (anyone else's is reported as not found).
    pub async fn draft(
        &self,
        caller: &Caller,
        draft_id: &str,
    ) -> Result<(DraftRecord, StoredDraft)> {
        let gone = || ServiceError::NotFound(format!("no draft {draft_id} of yours"));
        let record = match self.store.get_draft(draft_id).await {
            Ok(r) => r,
            Err(StoreError::NotFound { .. }) => return Err(gone()),
            Err(e) => return Err(e.into()),
        };
        if record.owner != caller.user.id {
            return Err(gone());
        }
        let stored: StoredDraft = serde_json::from_str(&record.result).map_err(|e| {
            ServiceError::Internal(format!("stored draft {draft_id} is unreadable: {e}"))
        })?;
        Ok((record, stored))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_type_has_both_languages() {
        let lib = templates();
        let types = lib.doc_types();
        assert_eq!(types.len(), 8, "{types:?}");
        for t in types {
            for lang in DRAFT_LANGS {
                assert!(draft_template(t, lang).is_ok(), "{t} {}", lang.tag());
            }
        }
        assert!(draft_template("memo", Lang::ZhHans).is_err());
        assert!(draft_template("nonsense", Lang::En).is_err());
    }
}
