//! Accounts: the first administrator, users and departments, signing in and out,
//! sessions and API keys. Passwords are checked on a blocking thread (Argon2id is
//! meant to be slow) and never stored or logged in clear.

use std::net::IpAddr;

use hkpilot_auth::{
    authorize, check_password_policy, csrf_token, hash_token, normalize_username, Action, ApiKey,
    Resource, Secret, ThrottleDecision,
};
use hkpilot_core::{AuditAction, Department, DepartmentId, Role, UiLang, User, UserId};
use hkpilot_store::{NewApiKey, NewUser, SessionRecord, StoreError};

use crate::{millis, now_ms, timestamp, Caller, Result, Service, ServiceError};

/// A new account, as an administrator (or `hkpilot admin`) asks for it.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub department: DepartmentId,
    pub role: Role,
    pub ui_lang: UiLang,
}

/// A successful sign-in: the session token goes in a cookie, the CSRF token in pages.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_token: String,
    pub csrf_token: String,
    pub user: User,
}

impl Service {
    /// Creates a department unless it exists (for `hkpilot admin` and first runs).
    pub async fn ensure_department(&self, department: Department) -> Result<()> {
        match self.store.create_department(department).await {
            Ok(()) | Err(StoreError::Conflict(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates a system administrator without a caller: only allowed from the
    /// command line on the server itself (`hkpilot admin create-user`).
    pub async fn create_account_unchecked(&self, account: NewAccount) -> Result<User> {
        let user = self.insert_account(account).await?;
        self.audit(
            None,
            AuditAction::UserCreated,
            vec![],
            serde_json::json!({"user": user.username, "role": user.role.as_str(), "by": "command line"}),
        )
        .await;
        Ok(user)
    }

    /// An administrator creates a user in a department they manage.
    pub async fn create_account(&self, caller: &Caller, account: NewAccount) -> Result<User> {
        let id = UserId(uuid::Uuid::new_v4().to_string());
        let target = Resource::User {
            id: id.clone(),
            department: account.department.clone(),
            role: account.role,
        };
        authorize(&caller.actor, Action::ManageUser, &target)?;
        authorize(&caller.actor, Action::ChangeRole(account.role), &target)?;
        let user = self.insert_account(account).await?;
        self.audit(
            Some(caller),
            AuditAction::UserCreated,
            vec![],
            serde_json::json!({"user": user.username, "role": user.role.as_str(), "department": user.department.0}),
        )
        .await;
        Ok(user)
    }

    async fn insert_account(&self, account: NewAccount) -> Result<User> {
        let username = normalize_username(&account.username);
        if username.is_empty()
            || username
                .chars()
                .any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(ServiceError::Invalid(
                "a username needs at least one character and no spaces".into(),
            ));
        }
        check_password_policy(&account.password, &username)?;
        let hash = self.hash_password(account.password).await?;
        Ok(self
            .store
            .create_user(NewUser {
                id: UserId(uuid::Uuid::new_v4().to_string()),
                username,
                display_name: account.display_name.trim().to_string(),
                department: account.department,
                role: account.role,
                ui_lang: account.ui_lang,
                password_hash: hash,
            })
            .await?)
    }

    async fn hash_password(&self, password: String) -> Result<String> {
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .map_err(|e| ServiceError::Internal(format!("password hashing stopped: {e}")))?
            .map_err(Into::into)
    }

    /// Users the caller may manage: everyone for a system administrator, their own
    /// department for a department administrator.
    pub async fn list_users(&self, caller: &Caller) -> Result<Vec<User>> {
        let scope = match caller.user.role {
            Role::SystemAdmin => None,
            Role::DepartmentAdmin => Some(&caller.user.department),
            Role::Officer => {
                return Err(hkpilot_auth::Denied::RoleRequired {
                    needed: Role::DepartmentAdmin,
                }
                .into())
            }
        };
        Ok(self.store.list_users(scope).await?)
    }

    pub async fn list_departments(&self) -> Result<Vec<Department>> {
        Ok(self.store.list_departments().await?)
    }

    /// Disables (or enables) a user; their sessions end at once.
    pub async fn set_disabled(&self, caller: &Caller, id: &UserId, disabled: bool) -> Result<User> {
        let _serialised = self.account_changes.lock().await;
        let user = self.store.get_user(id).await?;
        let target = Resource::User {
            id: user.id.clone(),
            department: user.department.clone(),
            role: user.role,
        };
        authorize(&caller.actor, Action::ManageUser, &target)?;
        if disabled
            && user.role == Role::SystemAdmin
            && !user.disabled
            && self.enabled_system_admins().await? <= 1
        {
            return Err(ServiceError::Conflict(
                "this is the last enabled system administrator: create another one first".into(),
            ));
        }
        self.store.set_user_disabled(id, disabled).await?;
        self.audit(
            Some(caller),
            if disabled {
                AuditAction::UserDisabled
            } else {
                AuditAction::PermissionChange
            },
            vec![],
            serde_json::json!({"user": user.username, "disabled": disabled}),
        )
        .await;
        Ok(self.store.get_user(id).await?)
    }

    /// Gives a user another role.
    pub async fn set_role(&self, caller: &Caller, id: &UserId, role: Role) -> Result<User> {
        let _serialised = self.account_changes.lock().await;
        let user = self.store.get_user(id).await?;
        let target = Resource::User {
            id: user.id.clone(),
            department: user.department.clone(),
            role: user.role,
        };
        authorize(&caller.actor, Action::ChangeRole(role), &target)?;
        // A disabled administrator is not counted, so demoting one changes nothing.
        if user.role == Role::SystemAdmin
            && !user.disabled
            && role != Role::SystemAdmin
            && self.enabled_system_admins().await? <= 1
        {
            return Err(ServiceError::Conflict(
                "this is the last enabled system administrator: create another one first".into(),
            ));
        }
        self.store.set_user_role(id, role).await?;
        self.audit(
            Some(caller),
            AuditAction::PermissionChange,
            vec![],
            serde_json::json!({"user": user.username, "from": user.role.as_str(), "to": role.as_str()}),
        )
        .await;
        Ok(self.store.get_user(id).await?)
    }

    pub(crate) async fn enabled_system_admins(&self) -> Result<usize> {
        Ok(self
            .store
            .list_users(None)
            .await?
            .iter()
            .filter(|u| u.role == Role::SystemAdmin && !u.disabled)
            .count())
    }

    /// Remembers the page language a user chose.
    pub async fn set_ui_lang(&self, caller: &Caller, lang: UiLang) -> Result<()> {
        Ok(self.store.set_user_ui_lang(&caller.user.id, lang).await?)
    }

    /// Checks a password and opens a session. Unknown users take as long as known
    /// ones, and both failures read the same, so usernames cannot be probed.
    pub async fn sign_in(&self, username: &str, password: &str, addr: IpAddr) -> Result<SignedIn> {
        let now = now_ms();
        let name = normalize_username(username);
        if let ThrottleDecision::Locked { retry_after } =
            self.throttle.check(&name, addr, timestamp(now))
        {
            return Err(ServiceError::Locked { retry_after });
        }
        let user = match self.store.get_user_by_username(&name).await {
            Ok(u) => Some(u),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let stored = match &user {
            Some(u) => Some(self.store.password_hash(&u.id).await?),
            None => None,
        };
        let hasher = self.hasher.clone();
        let pw = password.to_string();
        let ok = tokio::task::spawn_blocking(move || match stored {
            Some(h) => hasher.verify(&pw, &h),
            None => hasher.verify_dummy(&pw).map(|_| false),
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("password check stopped: {e}")))??;
        let user = match user {
            Some(u) if ok && !u.disabled => u,
            _ => {
                self.throttle.record_failure(&name, addr, timestamp(now));
                self.audit_raw(
                    None,
                    AuditAction::SignInFailed,
                    vec![],
                    serde_json::json!({"username": name}),
                    Some(addr),
                )
                .await;
                return Err(ServiceError::BadCredentials);
            }
        };
        self.throttle.record_success(&name);
        let token = Secret::generate()?;
        let policy = self.config.session;
        self.store
            .create_session(SessionRecord {
                token_hash: token.hash(),
                user: user.id.clone(),
                created_at_ms: now,
                last_seen_ms: now,
                idle_expires_at_ms: now.saturating_add(millis(policy.idle_timeout)),
                absolute_expires_at_ms: now.saturating_add(millis(policy.absolute_timeout)),
                csrf_hash: None,
            })
            .await?;
        let caller = Caller::new(user.clone(), Some(addr));
        self.audit(
            Some(&caller),
            AuditAction::SignIn,
            vec![],
            serde_json::json!({}),
        )
        .await;
        Ok(SignedIn {
            csrf_token: csrf_token(token.expose()),
            session_token: token.expose().to_string(),
            user,
        })
    }

    /// The caller behind a session token; moves its idle expiry forward.
    pub async fn session_caller(&self, token: &str, addr: Option<IpAddr>) -> Result<Caller> {
        let now = now_ms();
        let hash = hash_token(token);
        let session = match self.store.get_session(&hash, now).await {
            Ok(s) => s,
            Err(StoreError::NotFound { .. }) => return Err(ServiceError::Unauthenticated),
            Err(e) => return Err(e.into()),
        };
        let user = self.store.get_user(&session.user).await?;
        if user.disabled {
            return Err(ServiceError::Unauthenticated);
        }
        // Writing on every request would serialise reads behind the database's write
        // lock; a minute's precision is plenty for a 30-minute idle timeout.
        if now - session.last_seen_ms > 60_000 {
            let idle = now
                .saturating_add(millis(self.config.session.idle_timeout))
                .min(session.absolute_expires_at_ms);
            self.store.touch_session(&hash, now, idle).await?;
        }
        Ok(Caller::new(user, addr))
    }

    /// The caller behind a personal API key.
    pub async fn api_key_caller(&self, key: &str, addr: Option<IpAddr>) -> Result<Caller> {
        let presented =
            hkpilot_auth::PresentedApiKey::parse(key).map_err(|_| ServiceError::Unauthenticated)?;
        let record = match self.store.find_api_key(&hash_token(key)).await {
            Ok(r) if presented.matches(&r.key_hash) => r,
            Ok(_) | Err(StoreError::NotFound { .. }) => return Err(ServiceError::Unauthenticated),
            Err(e) => return Err(e.into()),
        };
        let user = self.store.get_user(&record.user).await?;
        if user.disabled {
            return Err(ServiceError::Unauthenticated);
        }
        Ok(Caller::new(user, addr))
    }

    /// Ends a session (signing out twice is fine).
    pub async fn sign_out(&self, caller: &Caller, token: &str) -> Result<()> {
        self.store.delete_session(&hash_token(token)).await?;
        self.audit(
            Some(caller),
            AuditAction::SignOut,
            vec![],
            serde_json::json!({}),
        )
        .await;
        Ok(())
    }

    /// A new personal API key; the returned text is shown once and never again.
    pub async fn create_api_key(&self, caller: &Caller, name: &str) -> Result<String> {
        let key = ApiKey::generate()?;
        self.store
            .create_api_key(NewApiKey {
                key_hash: key.hash(),
                user: caller.user.id.clone(),
                name: name.trim().to_string(),
                created_at_ms: now_ms(),
            })
            .await?;
        self.audit(
            Some(caller),
            AuditAction::ApiKeyCreated,
            vec![],
            serde_json::json!({"name": name, "key_id": key.id()}),
        )
        .await;
        Ok(key.expose())
    }

    /// The CSRF token that goes with a session token.
    pub fn csrf_for(&self, session_token: &str) -> String {
        csrf_token(session_token)
    }

    /// Whether any account exists yet.
    pub async fn has_accounts(&self) -> Result<bool> {
        Ok(self.store.count_users().await? > 0)
    }
}
