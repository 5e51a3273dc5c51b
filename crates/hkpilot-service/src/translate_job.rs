//! The translation job: the document's extracted text through hkpilot-draft's
//! pipeline (chunks translated concurrently, the termbase enforced, every block
//! checked and flagged), progress as chunks done of total, the result stored and
//! audited (the model call, when there was one, and the translation).

use hkpilot_core::{AuditAction, DocumentId, Job, JobProgress, UserId};
use hkpilot_draft::translate::Stage;
use hkpilot_draft::{needs_model, translate_document, TranslateOptions, TranslateProgress};
use hkpilot_store::NewTranslation;

use crate::jobs::{JobStop, ProgressTx};
use crate::translations::{termbase, TranslationRequest};
use crate::{now_ms, Service};

/// Pipeline stages as job phases (the page's words for them are keyed by these).
struct TranslateSink(ProgressTx);

impl TranslateProgress for TranslateSink {
    fn update(&self, stage: Stage, done: usize, total: usize) {
        let phase = match stage {
            Stage::Planning => "planning",
            Stage::Translating => "translating",
            Stage::Retrying => "retrying",
        };
        let _ = self.0.send(JobProgress {
            phase: phase.into(),
            done: done as u64,
            total: total as u64,
        });
    }
}

impl Service {
    pub(crate) async fn translate(
        &self,
        job: &Job,
        id: &DocumentId,
        owner: &UserId,
        request: TranslationRequest,
        department: Option<String>,
        progress: ProgressTx,
    ) -> Result<String, JobStop> {
        let document = self.job_document(owner, id).await?;
        let to = request.to;
        let model = if needs_model(&document, to) {
            Some(self.model.clone().ok_or_else(|| {
                JobStop::Failed("no language model is configured on this server".into())
            })?)
        } else {
            None
        };
        let termbase = termbase(department.as_deref());
        let opts = TranslateOptions {
            window: Some(self.config.summary_window),
            concurrency: self.config.summary_parallel.max(1),
            ..TranslateOptions::new(to)
        };
        let _ = progress.send(JobProgress {
            phase: "planning".into(),
            done: 0,
            total: 0,
        });
        let sink = TranslateSink(progress);
        // The pipeline's future is not provably `Send` (its concurrent chunks borrow
        // across a higher-ranked lifetime), so it runs on a blocking thread of its own
        // under this runtime. Dropping this job (a cancel) drops `_stop`, which ends
        // the pipeline there too.
        let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::runtime::Handle::current();
        let backend = model.clone();
        let t = tokio::task::spawn_blocking(move || {
            handle.block_on(async move {
                tokio::select! {
                    r = translate_document(&document, backend.as_deref(), &termbase, &opts, &sink) => Some(r),
                    _ = stopped => None,
                }
            })
        })
        .await
        .map_err(|e| JobStop::Failed(format!("translating stopped: {e}")))?
        .ok_or(JobStop::Cancelled)?
        .map_err(|e| JobStop::Failed(e.to_string()))?;
        if let (Some(name), Some(_)) = (&t.model, &model) {
            self.audit_raw(
                Some(job.owner.clone()),
                AuditAction::ModelCall,
                vec![id.clone()],
                serde_json::json!({
                    "model": name,
                    "purpose": "translation",
                    "to": to.tag(),
                    "chunks": t.stats.chunks,
                    "retry_chunks": t.stats.retry_chunks,
                    "prompt_tokens": t.stats.prompt_tokens,
                    "completion_tokens": t.stats.completion_tokens,
                }),
                None,
            )
            .await;
        }
        let result = serde_json::to_string(&t).map_err(|e| JobStop::Failed(e.to_string()))?;
        let stored = self
            .store
            .add_translation(NewTranslation {
                document: id.clone(),
                document_owner: owner.clone(),
                created_by: job.owner.clone(),
                to,
                options: serde_json::to_string(&request).unwrap_or_default(),
                model: t.model.clone(),
                result,
                created_at_ms: now_ms(),
            })
            .await
            .map_err(JobStop::internal)?;
        self.audit_raw(
            Some(job.owner.clone()),
            AuditAction::Translation,
            vec![id.clone()],
            serde_json::json!({
                "translation": stored.id,
                "to": to.tag(),
                "model": t.model,
                "blocks": t.stats.blocks,
                "blocks_flagged": t.stats.blocks_flagged,
                "units_untranslated": t.stats.units_untranslated,
            }),
            None,
        )
        .await;
        Ok(serde_json::json!({"translation": stored.id, "document": id.0}).to_string())
    }
}
