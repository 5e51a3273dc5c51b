//! Rewriting a piece of text (shorten, expand, plainer, more formal, a tone, grammar,
//! Traditional ↔ Simplified) for the signed-in officer: answered at once rather than
//! queued, so the text is capped to what the model rewrites in seconds, not minutes.

use hkpilot_auth::{authorize, Action, Resource};
use hkpilot_core::AuditAction;
use hkpilot_draft::{rewrite_text, Rewrite, RewriteOp, RewriteOptions};

use crate::{Caller, Result, Service, ServiceError};

/// Characters one rewrite accepts (about two pages); longer text is rewritten in parts.
pub const MAX_REWRITE_CHARS: usize = 6_000;

impl Service {
    /// Rewrites `text` with `op` (as typed: `shorten`, `tone:warmer`, `to-hans`, ...).
    /// Script conversion needs no model; every other operation does, and its model call
    /// is audited.
    pub async fn rewrite(&self, caller: &Caller, text: &str, op: &str) -> Result<Rewrite> {
        let op: RewriteOp = op
            .parse()
            .map_err(|e: hkpilot_draft::rewrite::RewriteError| {
                ServiceError::Invalid(e.to_string())
            })?;
        let chars = text.chars().count();
        if text.trim().is_empty() {
            return Err(ServiceError::Invalid(
                "there is no text to rewrite: paste or type some".into(),
            ));
        }
        if chars > MAX_REWRITE_CHARS {
            return Err(ServiceError::Invalid(format!(
                "the text has {chars} characters; one rewrite takes at most {MAX_REWRITE_CHARS}: rewrite it a few paragraphs at a time"
            )));
        }
        if !op.needs_model() {
            return hkpilot_draft::convert_script(text, &op)
                .map_err(|e| ServiceError::Invalid(e.to_string()));
        }
        authorize(&caller.actor, Action::UseModel, &Resource::System)?;
        let model = self.model.clone().ok_or_else(|| {
            ServiceError::Invalid(
                "no language model is configured on this server: only to-hant and to-hans work without one".into(),
            )
        })?;
        let opts = RewriteOptions {
            window: Some(self.config.summary_window),
            ..RewriteOptions::default()
        };
        // The pipeline's future is not provably `Send` (as for drafts): it runs on a
        // blocking thread under this runtime. If the caller goes away, `_stop` drops and
        // the rewrite stops using the model.
        let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::runtime::Handle::current();
        let backend = model.clone();
        let owned_text = text.to_string();
        let owned_op = op.clone();
        let result = tokio::task::spawn_blocking(move || {
            handle.block_on(async {
                tokio::select! {
                    r = rewrite_text(&owned_text, &owned_op, backend.as_ref(), &opts) => Some(r),
                    _ = stopped => None,
                }
            })
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("the rewrite stopped: {e}")))?
        .ok_or_else(|| ServiceError::Internal("the rewrite was cancelled".into()))?;
        let rewrite = result.map_err(|e| {
            if e.is_user_error() {
                ServiceError::Invalid(e.to_string())
            } else {
                ServiceError::Internal(e.to_string())
            }
        })?;
        self.audit(
            Some(caller),
            AuditAction::ModelCall,
            Vec::new(),
            serde_json::json!({
                "model": rewrite.model.clone().unwrap_or_else(|| model.info().name.clone()),
                "purpose": "rewrite",
                "op": op.to_string(),
                "chars": chars,
                "flags": rewrite.flags.len(),
            }),
        )
        .await;
        Ok(rewrite)
    }
}
