//! The nouns and verbs of the access policy: who acts, on what, doing what, and why
//! a request was refused.

use hkpilot_core::{DepartmentId, Role, User, UserId};
use thiserror::Error;

/// Who is acting, as far as the policy needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub department: DepartmentId,
    pub role: Role,
    pub disabled: bool,
}

impl From<&User> for Actor {
    fn from(user: &User) -> Actor {
        Actor {
            id: user.id.clone(),
            department: user.department.clone(),
            role: user.role,
            disabled: user.disabled,
        }
    }
}

/// Which part of the audit log is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditScope {
    /// Events by users of one department.
    Department(DepartmentId),
    /// Everything.
    All,
}

/// What an action is applied to, with the facts the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// A stored document: who uploaded it and which department (if any) it is shared with.
    Document {
        owner: UserId,
        shared_with: Option<DepartmentId>,
    },
    /// A user account. For creating an account, the new id with the department and
    /// role it is to have, so the same rules cover creation.
    User {
        id: UserId,
        department: DepartmentId,
        role: Role,
    },
    /// A department (to create, rename or remove it).
    Department(DepartmentId),
    /// Part of the audit log.
    AuditLog(AuditScope),
    /// The installation itself: the document library to upload into, the model.
    System,
}

impl Resource {
    /// A short name for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Resource::Document { .. } => "document",
            Resource::User { .. } => "user",
            Resource::Department(_) => "department",
            Resource::AuditLog(_) => "audit log",
            Resource::System => "system",
        }
    }
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ReadDocument,
    SummarizeDocument,
    DownloadDocument,
    /// Include the document in search results (checked per result).
    SearchDocument,
    DeleteDocument,
    /// Share with the owner's department, or withdraw the sharing. The service always
    /// shares with the actor's own department; there is no sharing elsewhere.
    ShareDocument,
    /// Upload into one's own library (on [`Resource::System`]).
    UploadDocument,
    /// Create, disable, enable, reset the password of, or edit a user.
    ManageUser,
    /// Give a user this role.
    ChangeRole(Role),
    ReadAudit,
    ExportAudit,
    ManageDepartments,
    /// Send text to the language model (on [`Resource::System`]).
    UseModel,
}

impl Action {
    /// Every action, with `ChangeRole` once per role: for exhaustive tests and docs.
    pub fn all() -> Vec<Action> {
        vec![
            Action::ReadDocument,
            Action::SummarizeDocument,
            Action::DownloadDocument,
            Action::SearchDocument,
            Action::DeleteDocument,
            Action::ShareDocument,
            Action::UploadDocument,
            Action::ManageUser,
            Action::ChangeRole(Role::Officer),
            Action::ChangeRole(Role::DepartmentAdmin),
            Action::ChangeRole(Role::SystemAdmin),
            Action::ReadAudit,
            Action::ExportAudit,
            Action::ManageDepartments,
            Action::UseModel,
        ]
    }

    /// A stable name for audit events and messages.
    pub fn name(self) -> &'static str {
        match self {
            Action::ReadDocument => "read_document",
            Action::SummarizeDocument => "summarize_document",
            Action::DownloadDocument => "download_document",
            Action::SearchDocument => "search_document",
            Action::DeleteDocument => "delete_document",
            Action::ShareDocument => "share_document",
            Action::UploadDocument => "upload_document",
            Action::ManageUser => "manage_user",
            Action::ChangeRole(Role::Officer) => "change_role_officer",
            Action::ChangeRole(Role::DepartmentAdmin) => "change_role_department_admin",
            Action::ChangeRole(Role::SystemAdmin) => "change_role_system_admin",
            Action::ReadAudit => "read_audit",
            Action::ExportAudit => "export_audit",
            Action::ManageDepartments => "manage_departments",
            Action::UseModel => "use_model",
        }
    }
}

/// Why a request was refused. Messages are for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Denied {
    #[error("this account is disabled; ask your department administrator to enable it")]
    AccountDisabled,

    #[error(
        "no such document, or it is not shared with you; ask its owner to share it with \
         your department"
    )]
    DocumentNotFound,

    #[error(
        "only the person who uploaded this document can share, unshare or delete it; ask them"
    )]
    NotDocumentOwner,

    #[error("this needs the {needed} role; ask an administrator if you need it")]
    RoleRequired { needed: Role },

    #[error(
        "this user or record belongs to another department; its own department \
         administrator or a system administrator can do this"
    )]
    OutsideDepartment,

    #[error("system administrator accounts can only be changed by a system administrator")]
    ProtectedAccount,

    #[error(
        "you cannot give the {requested} role, which is above your own; ask a system administrator"
    )]
    RoleAboveOwn { requested: Role },

    #[error("you cannot change your own account this way; ask another administrator")]
    OwnAccount,

    #[error("internal error: `{action}` does not apply to a {resource}")]
    WrongResource {
        action: &'static str,
        resource: &'static str,
    },
}

impl Denied {
    /// A stable code for the API's error body and audit events.
    pub fn code(&self) -> &'static str {
        match self {
            Denied::AccountDisabled => "account_disabled",
            Denied::DocumentNotFound => "document_not_found",
            Denied::NotDocumentOwner => "not_document_owner",
            Denied::RoleRequired { .. } => "role_required",
            Denied::OutsideDepartment => "outside_department",
            Denied::ProtectedAccount => "protected_account",
            Denied::RoleAboveOwn { .. } => "role_above_own",
            Denied::OwnAccount => "own_account",
            Denied::WrongResource { .. } => "wrong_resource",
        }
    }

    /// Whether the HTTP layer should answer as if the resource did not exist (404)
    /// rather than forbidden (403), so that ids of documents a person may not read
    /// reveal nothing.
    pub fn conceals_existence(&self) -> bool {
        matches!(self, Denied::DocumentNotFound)
    }

    /// Whether this is a bug in the caller rather than a person's lack of rights.
    pub fn is_internal(&self) -> bool {
        matches!(self, Denied::WrongResource { .. })
    }
}

/// The documents an actor may read, as a filter the store can turn into a query
/// (`owner = ? OR shared_with = ?`). Built only by [`crate::readable_by`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadableBy {
    pub owner: UserId,
    pub department: DepartmentId,
}

impl ReadableBy {
    /// The same rule [`crate::authorize`] applies to reading one document.
    pub fn admits(&self, owner: &UserId, shared_with: Option<&DepartmentId>) -> bool {
        *owner == self.owner || shared_with == Some(&self.department)
    }
}
