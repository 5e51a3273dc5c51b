//! The access policy: one pure function, [`authorize`], decides whether an actor may
//! take an action on a resource. The service layer calls it before every use case;
//! the store uses [`readable_by`] so that lists and searches apply the same rule.
//!
//! The rules, in words (the tests hold them as a role × action × resource matrix):
//!
//! - **Disabled accounts** may do nothing at all.
//! - **Documents** are read, searched, summarised and downloaded by their owner and,
//!   when shared with a department, by that department's users. Nobody else, whatever
//!   their role.
//! - **Only the owner** shares, unshares or deletes a document. Department and system
//!   administrators cannot, even in their own department: they could otherwise act on
//!   documents they may not read, and officers should be able to predict exactly who
//!   can change what they uploaded. To take an officer's access away, an administrator
//!   disables the account; documents shared with the department stay readable there.
//! - **Administration is not content access.** System administrators manage every user
//!   and department and read and export the whole audit log, yet they cannot read a
//!   document that was not shared with their department, exactly as any officer. An
//!   officer who uploads a file can rely on that.
//! - **Department administrators** manage the users of their own department (create,
//!   disable, reset, change role) and read that department's audit trail. They can
//!   never grant the system administrator role and never act on a system administrator.
//! - **Nobody manages their own account** through the administration actions (no
//!   self-disable, no self-demotion or promotion): another administrator does that, so
//!   the last administrator cannot lock everyone out by accident. The service must also
//!   refuse to demote or disable the last enabled system administrator (that needs a
//!   count from the store, so it is not decided here).
//! - Everyone enabled may upload documents and use the model.
//! - An action named with a resource of the wrong kind is denied (a bug in the caller,
//!   and failing closed is the safe answer).
//!
//! When a document may not be read, the denial is [`Denied::DocumentNotFound`], which
//! [`Denied::conceals_existence`] marks for the HTTP layer to answer 404: another
//! user's document ids must not be probeable.

mod model;
mod rules;

pub use model::{Action, Actor, AuditScope, Denied, ReadableBy, Resource};
pub use rules::{authorize, readable_by};
