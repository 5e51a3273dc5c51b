//! The rules themselves (see the module documentation of `policy` for them in words).

use hkpilot_core::{DepartmentId, Role, UserId};

use super::model::{Action, Actor, AuditScope, Denied, ReadableBy, Resource};

/// Whether `actor` may take `action` on `resource`. Pure and total: every combination
/// has an answer, and anything not explicitly allowed is denied.
pub fn authorize(actor: &Actor, action: Action, resource: &Resource) -> Result<(), Denied> {
    if actor.disabled {
        return Err(Denied::AccountDisabled);
    }
    match (action, resource) {
        (
            Action::ReadDocument
            | Action::SummarizeDocument
            | Action::DownloadDocument
            | Action::SearchDocument,
            Resource::Document { owner, shared_with },
        ) => {
            if can_read(actor, owner, shared_with.as_ref()) {
                Ok(())
            } else {
                Err(Denied::DocumentNotFound)
            }
        }
        (
            Action::DeleteDocument | Action::ShareDocument,
            Resource::Document { owner, shared_with },
        ) => {
            if *owner == actor.id {
                Ok(())
            } else if can_read(actor, owner, shared_with.as_ref()) {
                Err(Denied::NotDocumentOwner)
            } else {
                // Not even its existence is revealed to someone who cannot read it.
                Err(Denied::DocumentNotFound)
            }
        }
        (Action::UploadDocument | Action::UseModel, Resource::System) => Ok(()),
        (
            Action::ManageUser,
            Resource::User {
                id,
                department,
                role,
            },
        ) => manage_user(actor, id, department, *role, None),
        (
            Action::ChangeRole(to),
            Resource::User {
                id,
                department,
                role,
            },
        ) => manage_user(actor, id, department, *role, Some(to)),
        (Action::ReadAudit, Resource::AuditLog(scope)) => match (actor.role, scope) {
            (Role::SystemAdmin, _) => Ok(()),
            (Role::DepartmentAdmin, AuditScope::Department(d)) if *d == actor.department => Ok(()),
            (Role::DepartmentAdmin, AuditScope::Department(_)) => Err(Denied::OutsideDepartment),
            (Role::DepartmentAdmin, AuditScope::All) => Err(Denied::RoleRequired {
                needed: Role::SystemAdmin,
            }),
            (Role::Officer, _) => Err(Denied::RoleRequired {
                needed: Role::DepartmentAdmin,
            }),
        },
        // Exports leave the system as files, so only system administrators make them.
        (Action::ExportAudit, Resource::AuditLog(_))
        | (Action::ManageDepartments, Resource::Department(_)) => require(actor, Role::SystemAdmin),
        (action, resource) => Err(Denied::WrongResource {
            action: action.name(),
            resource: resource.kind(),
        }),
    }
}

/// The documents `actor` may read, for list and search queries; `None` for a disabled
/// actor, who may read nothing.
pub fn readable_by(actor: &Actor) -> Option<ReadableBy> {
    (!actor.disabled).then(|| ReadableBy {
        owner: actor.id.clone(),
        department: actor.department.clone(),
    })
}

/// Ownership or sharing with the actor's department. Roles play no part: this is where
/// "administration is not content access" holds.
fn can_read(actor: &Actor, owner: &UserId, shared_with: Option<&DepartmentId>) -> bool {
    *owner == actor.id || shared_with == Some(&actor.department)
}

fn require(actor: &Actor, needed: Role) -> Result<(), Denied> {
    if actor.role >= needed {
        Ok(())
    } else {
        Err(Denied::RoleRequired { needed })
    }
}

/// Managing a user (and, with `new_role`, changing their role).
fn manage_user(
    actor: &Actor,
    target: &UserId,
    target_department: &DepartmentId,
    target_role: Role,
    new_role: Option<Role>,
) -> Result<(), Denied> {
    require(actor, Role::DepartmentAdmin)?;
    if *target == actor.id {
        return Err(Denied::OwnAccount);
    }
    if actor.role == Role::SystemAdmin {
        return Ok(());
    }
    // From here on the actor is a department administrator.
    if *target_department != actor.department {
        return Err(Denied::OutsideDepartment);
    }
    if target_role == Role::SystemAdmin {
        return Err(Denied::ProtectedAccount);
    }
    match new_role {
        Some(requested) if requested > actor.role => Err(Denied::RoleAboveOwn { requested }),
        _ => Ok(()),
    }
}
