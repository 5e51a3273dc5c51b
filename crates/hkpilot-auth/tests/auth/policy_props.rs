//! Properties of the access policy over random actors and resources drawn from small
//! pools (so that ids and departments collide often and every rule is exercised).

use hkpilot_auth::{authorize, readable_by, Action, Actor, AuditScope, Denied, Resource};
use hkpilot_core::{DepartmentId, Role, UserId};
use proptest::prelude::*;

const USERS: [&str; 4] = ["陳大文", "lee", "wong", "admin"];
const DEPTS: [&str; 3] = ["csb", "hkpf", "房屋署"];

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::Officer),
        Just(Role::DepartmentAdmin),
        Just(Role::SystemAdmin)
    ]
}

fn user_id() -> impl Strategy<Value = UserId> {
    prop::sample::select(&USERS[..]).prop_map(|s| UserId(s.to_string()))
}

fn dept_id() -> impl Strategy<Value = DepartmentId> {
    prop::sample::select(&DEPTS[..]).prop_map(|s| DepartmentId(s.to_string()))
}

fn actor() -> impl Strategy<Value = Actor> {
    (user_id(), dept_id(), role(), prop::bool::weighted(0.2)).prop_map(
        |(id, department, role, disabled)| Actor {
            id,
            department,
            role,
            disabled,
        },
    )
}

fn document() -> impl Strategy<Value = Resource> {
    (user_id(), prop::option::of(dept_id()))
        .prop_map(|(owner, shared_with)| Resource::Document { owner, shared_with })
}

fn resource() -> impl Strategy<Value = Resource> {
    prop_oneof![
        document(),
        (user_id(), dept_id(), role()).prop_map(|(id, department, role)| Resource::User {
            id,
            department,
            role
        }),
        dept_id().prop_map(Resource::Department),
        prop_oneof![
            dept_id().prop_map(AuditScope::Department),
            Just(AuditScope::All)
        ]
        .prop_map(Resource::AuditLog),
        Just(Resource::System),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop::sample::select(Action::all())
}

const READ_LIKE: [Action; 4] = [
    Action::ReadDocument,
    Action::SummarizeDocument,
    Action::DownloadDocument,
    Action::SearchDocument,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Nobody, whatever their role, reads a document that is neither theirs nor shared
    /// with their department; and everyone enabled reads those that are.
    #[test]
    fn reading_is_exactly_ownership_or_department_sharing(actor in actor(), doc in document()) {
        let Resource::Document { owner, shared_with } = &doc else { unreachable!() };
        let entitled = !actor.disabled
            && (*owner == actor.id || shared_with.as_ref() == Some(&actor.department));
        for action in READ_LIKE {
            prop_assert_eq!(authorize(&actor, action, &doc).is_ok(), entitled);
        }
        // The store's list filter agrees with the per-document decision.
        let listed = readable_by(&actor).is_some_and(|f| f.admits(owner, shared_with.as_ref()));
        prop_assert_eq!(listed, entitled);
    }

    /// Changing a document needs ownership: no role substitutes for it.
    #[test]
    fn only_owners_delete_or_share(actor in actor(), doc in document()) {
        let Resource::Document { owner, .. } = &doc else { unreachable!() };
        for action in [Action::DeleteDocument, Action::ShareDocument] {
            let allowed = authorize(&actor, action, &doc).is_ok();
            prop_assert_eq!(allowed, !actor.disabled && *owner == actor.id);
        }
    }

    /// Whoever may not read a document learns nothing about it from any document action.
    #[test]
    fn unreadable_documents_are_concealed(actor in actor(), doc in document(), action in action()) {
        let readable = authorize(&actor, Action::ReadDocument, &doc).is_ok();
        if let Err(denied) = authorize(&actor, action, &doc) {
            if !actor.disabled && !readable && denied != (Denied::WrongResource { action: action.name(), resource: "document" }) {
                prop_assert!(denied.conceals_existence(), "{:?}", denied);
            }
            if readable {
                prop_assert!(!denied.conceals_existence());
            }
        }
    }

    /// A disabled actor is refused everything.
    #[test]
    fn disabled_means_nothing(mut actor in actor(), action in action(), resource in resource()) {
        actor.disabled = true;
        prop_assert_eq!(authorize(&actor, action, &resource), Err(Denied::AccountDisabled));
        prop_assert!(readable_by(&actor).is_none());
    }

    /// Roles are ordered by reach: whatever a lower role may do, a higher one may too
    /// (same person, same department).
    #[test]
    fn higher_roles_can_do_what_lower_ones_can(actor in actor(), action in action(), resource in resource()) {
        let with = |role| Actor { role, ..actor.clone() };
        let officer = authorize(&with(Role::Officer), action, &resource).is_ok();
        let dept_admin = authorize(&with(Role::DepartmentAdmin), action, &resource).is_ok();
        let sys_admin = authorize(&with(Role::SystemAdmin), action, &resource).is_ok();
        prop_assert!(!officer || dept_admin, "officer may but department admin may not");
        prop_assert!(!dept_admin || sys_admin, "department admin may but system admin may not");
    }

    /// Only system administrators create, change or promote system administrators, and
    /// department administrators act only within their department.
    #[test]
    fn administration_stays_within_its_reach(actor in actor(), action in action(), resource in resource()) {
        if let (Ok(()), Resource::User { id, department, role }) = (authorize(&actor, action, &resource), &resource) {
            prop_assert!(actor.role >= Role::DepartmentAdmin);
            prop_assert_ne!(id, &actor.id, "nobody administers their own account");
            if actor.role != Role::SystemAdmin {
                prop_assert_eq!(department, &actor.department);
                prop_assert_ne!(*role, Role::SystemAdmin);
                prop_assert_ne!(action, Action::ChangeRole(Role::SystemAdmin));
            }
        }
    }
}
