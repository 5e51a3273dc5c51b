//! What `hkpilot admin` does on the server itself, where whoever runs the command
//! already controls the data directory: no caller, but every change is audited as
//! made "by command line".

use hkpilot_auth::check_password_policy;
use hkpilot_core::{AuditAction, Role, User};

use crate::{Result, Service, ServiceError};

impl Service {
    /// Every user, sorted by username.
    pub async fn all_users_unchecked(&self) -> Result<Vec<User>> {
        Ok(self.store.list_users(None).await?)
    }

    async fn user_named(&self, username: &str) -> Result<User> {
        let name = hkpilot_auth::normalize_username(username);
        self.store.get_user_by_username(&name).await.map_err(|_| {
            ServiceError::NotFound(format!(
                "no user {username:?}: `hkpilot admin list-users` shows who exists"
            ))
        })
    }

    /// Disables or enables a user by name.
    pub async fn set_disabled_unchecked(&self, username: &str, disabled: bool) -> Result<User> {
        let _serialised = self.account_changes.lock().await;
        let user = self.user_named(username).await?;
        if disabled
            && !user.disabled
            && user.role == Role::SystemAdmin
            && self.enabled_system_admins().await? <= 1
        {
            return Err(ServiceError::Conflict(
                "this is the last enabled system administrator: create another one first".into(),
            ));
        }
        self.store.set_user_disabled(&user.id, disabled).await?;
        self.audit_raw(
            None,
            if disabled {
                AuditAction::UserDisabled
            } else {
                AuditAction::PermissionChange
            },
            vec![],
            serde_json::json!({"user": user.username, "disabled": disabled, "by": "command line"}),
            None,
        )
        .await;
        Ok(self.store.get_user(&user.id).await?)
    }

    /// Sets a new password and ends the user's sessions.
    pub async fn reset_password_unchecked(&self, username: &str, password: String) -> Result<()> {
        let user = self.user_named(username).await?;
        check_password_policy(&password, &user.username)?;
        let hasher = self.hasher.clone();
        let hash = tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .map_err(|e| ServiceError::Internal(format!("password hashing stopped: {e}")))??;
        self.store.set_password_hash(&user.id, hash).await?;
        self.store.delete_user_sessions(&user.id).await?;
        self.audit_raw(
            None,
            AuditAction::PermissionChange,
            vec![],
            serde_json::json!({"user": user.username, "password": "reset", "by": "command line"}),
            None,
        )
        .await;
        Ok(())
    }

    /// The whole audit log, oldest first (`hkpilot audit export`).
    pub async fn audit_export_unchecked(&self) -> Result<Vec<hkpilot_core::AuditEvent>> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .list_audit(hkpilot_store::AuditQuery {
                    after_seq: after,
                    limit: 10_000,
                    ..Default::default()
                })
                .await?;
            let Some(last) = page.last().map(|e| e.seq) else {
                break;
            };
            out.extend(page);
            after = Some(last);
        }
        Ok(out)
    }
}

impl Service {
    /// A system administrator adds a department (ids are short, lowercase, stable).
    pub async fn create_department(
        &self,
        caller: &crate::Caller,
        department: hkpilot_core::Department,
    ) -> Result<()> {
        hkpilot_auth::authorize(
            &caller.actor,
            hkpilot_auth::Action::ManageDepartments,
            &hkpilot_auth::Resource::Department(department.id.clone()),
        )?;
        let id = department.id.0.trim();
        if id.is_empty()
            || id.len() > 32
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            return Err(ServiceError::Invalid(
                "a department id is 1–32 lowercase letters, digits, '-' or '_' (e.g. csb, hyd)"
                    .into(),
            ));
        }
        if department.name_en.trim().is_empty() || department.name_zh.trim().is_empty() {
            return Err(ServiceError::Invalid(
                "give the department's name in English and in Chinese".into(),
            ));
        }
        self.store.create_department(department.clone()).await?;
        self.audit(
            Some(caller),
            AuditAction::PermissionChange,
            vec![],
            serde_json::json!({"department_created": department.id.0, "name_en": department.name_en, "name_zh": department.name_zh}),
        )
        .await;
        Ok(())
    }
}
