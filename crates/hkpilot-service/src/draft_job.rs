//! The drafting job: the chosen sources' extracted text and the officer's notes and
//! fields through hkpilot-draft's compose pipeline, the result rendered as Markdown
//! and Word, stored, and audited (the model call and the draft's creation).

use base64::Engine as _;
use std::sync::Arc;

use hkpilot_core::{AuditAction, Document, Job, JobProgress};
use hkpilot_draft::{compose_draft, DraftInput, DraftOptions};
use hkpilot_store::NewDraft;

use crate::drafts::{draft_template, DraftRequest, DraftSourceRef, StoredDraft};
use crate::jobs::{JobStop, ProgressTx};
use crate::translations::termbase;
use crate::{now_ms, Service};

impl Service {
    pub(crate) async fn compose(
        &self,
        job: &Job,
        request: DraftRequest,
        sources: Vec<DraftSourceRef>,
        department: Option<String>,
        progress: ProgressTx,
    ) -> Result<String, JobStop> {
        let model = self.model.clone().ok_or_else(|| {
            JobStop::Failed("no language model is configured on this server".into())
        })?;
        let template = draft_template(&request.doc_type, request.lang)?;
        let _ = progress.send(JobProgress {
            phase: "reading".into(),
            done: 0,
            total: sources.len() as u64,
        });
        let mut documents: Vec<Arc<Document>> = Vec::with_capacity(sources.len());
        for s in &sources {
            let record = self
                .store
                .get_document(&s.owner, &s.document)
                .await
                .map_err(|e| JobStop::Failed(format!("source {}: {e}", s.document)))?;
            let blob = record.extracted.clone().ok_or_else(|| {
                JobStop::Failed(format!("source {} has not been read yet", s.document))
            })?;
            documents.push(self.extracted(&blob).await?);
        }
        let termbase = termbase(department.as_deref());
        let opts = DraftOptions {
            window: Some(self.config.summary_window),
            concurrency: self.config.summary_parallel.max(1),
            ..Default::default()
        };
        let _ = progress.send(JobProgress {
            phase: "drafting".into(),
            done: 0,
            total: 0,
        });
        // As for translations: the pipeline's future is not provably `Send`, so it runs
        // on a blocking thread under this runtime; a cancel drops `_stop`.
        let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::runtime::Handle::current();
        let backend = model.clone();
        let req = request.clone();
        let draft = tokio::task::spawn_blocking(move || {
            let refs: Vec<&Document> = documents.iter().map(|d| d.as_ref()).collect();
            let input = DraftInput {
                template,
                lang: req.lang,
                notes: &req.notes,
                fields: &req.fields,
                documents: &refs,
                termbase: &termbase,
            };
            handle.block_on(async {
                tokio::select! {
                    r = compose_draft(&input, backend.as_ref(), &opts) => Some(r),
                    _ = stopped => None,
                }
            })
        })
        .await
        .map_err(|e| JobStop::Failed(format!("drafting stopped: {e}")))?
        .ok_or(JobStop::Cancelled)?
        .map_err(|e| JobStop::Failed(e.to_string()))?;
        let cited: Vec<_> = sources.iter().map(|s| s.document.clone()).collect();
        let model_name = draft
            .provenance
            .model
            .clone()
            .unwrap_or_else(|| model.info().name.clone());
        self.audit_raw(
            Some(job.owner.clone()),
            AuditAction::ModelCall,
            cited.clone(),
            serde_json::json!({
                "model": model_name,
                "purpose": "draft",
                "template": draft.template,
                "sections": draft.sections.len(),
            }),
            None,
        )
        .await;
        let docx = hkpilot_export::draft_docx(&hkpilot_draft::compose::docx_document(&draft))
            .map_err(|e| JobStop::Failed(format!("cannot write the Word file: {e}")))?;
        let stored = StoredDraft {
            draft: serde_json::to_value(&draft).map_err(JobStop::internal)?,
            markdown: draft.to_markdown(),
            docx_base64: base64::engine::general_purpose::STANDARD.encode(&docx),
        };
        let record = self
            .store
            .add_draft(NewDraft {
                owner: job.owner.clone(),
                template: request.doc_type.clone(),
                lang: request.lang,
                title: draft.title.clone(),
                sources: cited.clone(),
                request: serde_json::to_string(&request).unwrap_or_default(),
                model: Some(model_name.clone()),
                result: serde_json::to_string(&stored).map_err(JobStop::internal)?,
                created_at_ms: now_ms(),
            })
            .await
            .map_err(JobStop::internal)?;
        let flagged = draft
            .sections
            .iter()
            .flat_map(|s| &s.sentences)
            .filter(|s| !s.flags.is_empty())
            .count();
        self.audit_raw(
            Some(job.owner.clone()),
            AuditAction::DraftCreated,
            cited,
            serde_json::json!({
                "draft": record.id,
                "template": draft.template,
                "lang": request.lang.tag(),
                "model": model_name,
                "missing_fields": draft.missing_fields.len(),
                "sentences_flagged": flagged,
            }),
            None,
        )
        .await;
        Ok(serde_json::json!({"draft": record.id}).to_string())
    }
}
