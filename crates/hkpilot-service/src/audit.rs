//! The audit trail: every use case appends its event here; administrators read,
//! export and verify the hash chain.

use std::net::IpAddr;

use hkpilot_auth::{authorize, Action, AuditScope, Resource};
use hkpilot_core::{AuditAction, AuditEvent, DocumentId, Role, UserId};
use hkpilot_store::{AuditQuery, ChainStatus, NewAuditEvent};

use crate::{now_ms, Caller, Result, Service};

/// A page of the audit log as an administrator may see it.
#[derive(Debug, Clone)]
pub struct AuditExport {
    pub events: Vec<AuditEvent>,
    /// Whether the events were filtered to one department's users.
    pub department_only: bool,
}

impl Service {
    /// Appends an event for `caller`. A failure to record is logged loudly, not
    /// returned: the action itself already happened and must not be reported as failed.
    pub(crate) async fn audit(
        &self,
        caller: Option<&Caller>,
        action: AuditAction,
        documents: Vec<DocumentId>,
        detail: serde_json::Value,
    ) {
        self.audit_raw(
            caller.map(|c| c.user.id.clone()),
            action,
            documents,
            detail,
            caller.and_then(|c| c.addr),
        )
        .await;
    }

    pub(crate) async fn audit_raw(
        &self,
        actor: Option<UserId>,
        action: AuditAction,
        documents: Vec<DocumentId>,
        detail: serde_json::Value,
        addr: Option<IpAddr>,
    ) {
        let event = NewAuditEvent {
            at_ms: now_ms(),
            actor,
            action,
            documents,
            detail: detail.to_string(),
            remote_addr: addr.map(|a| a.to_string()),
        };
        if let Err(e) = self.store.append_audit(event.clone()).await {
            tracing::error!(error = %e, action = event.action.as_str(), "could not append to the audit log");
        }
    }

    fn audit_scope(caller: &Caller) -> AuditScope {
        match caller.user.role {
            Role::SystemAdmin => AuditScope::All,
            _ => AuditScope::Department(caller.user.department.clone()),
        }
    }

    /// Audit events the caller may read, oldest first after `after_seq`.
    pub async fn audit_events(
        &self,
        caller: &Caller,
        mut query: AuditQuery,
    ) -> Result<AuditExport> {
        let scope = Self::audit_scope(caller);
        authorize(
            &caller.actor,
            Action::ReadAudit,
            &Resource::AuditLog(scope.clone()),
        )?;
        let department_only = matches!(scope, AuditScope::Department(_));
        let mut events = Vec::new();
        let want = if query.limit == 0 {
            100
        } else {
            query.limit as usize
        };
        // A department administrator sees only events by their department's users:
        // filter page by page until the page is full or the log ends.
        let members: Option<Vec<UserId>> = match &scope {
            AuditScope::All => None,
            AuditScope::Department(d) => Some(
                self.store
                    .list_users(Some(d))
                    .await?
                    .into_iter()
                    .map(|u| u.id)
                    .collect(),
            ),
        };
        loop {
            let page = self.store.list_audit(query.clone()).await?;
            let last = page.last().map(|e| e.seq);
            for e in page {
                let visible = match &members {
                    None => true,
                    Some(m) => e.actor.as_ref().is_some_and(|a| m.contains(a)),
                };
                if visible && events.len() < want {
                    events.push(e);
                }
            }
            match last {
                Some(seq) if events.len() < want => query.after_seq = Some(seq),
                _ => break,
            }
        }
        Ok(AuditExport {
            events,
            department_only,
        })
    }

    /// Checks the whole chain (system administrators; `hkpilot audit verify` calls
    /// [`Service::verify_audit_unchecked`]).
    pub async fn verify_audit(&self, caller: &Caller) -> Result<ChainStatus> {
        authorize(
            &caller.actor,
            Action::ReadAudit,
            &Resource::AuditLog(AuditScope::All),
        )?;
        self.verify_audit_unchecked().await
    }

    pub async fn verify_audit_unchecked(&self) -> Result<ChainStatus> {
        Ok(self.store.verify_audit_chain().await?)
    }
}
