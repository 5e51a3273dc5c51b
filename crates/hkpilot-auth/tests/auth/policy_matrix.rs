//! The access policy as an explicit matrix: role × action × the resource's relation
//! to the actor, every cell written out below and asserted.
//!
//! The actor is always user `me` in department `a`; only the role changes. Cell codes:
//!
//! | code     | meaning                                                        |
//! |----------|----------------------------------------------------------------|
//! | `ok`     | allowed                                                        |
//! | `hide`   | denied as if the document did not exist (`document_not_found`) |
//! | `owner`  | readable, but only the owner may do this                       |
//! | `needDA` | needs the department administrator role                        |
//! | `needSA` | needs the system administrator role                            |
//! | `dept`   | belongs to another department                                  |
//! | `prot`   | target is a system administrator                               |
//! | `high`   | would grant a role above the actor's own                       |
//! | `self`   | administration of one's own account                            |

use hkpilot_auth::{authorize, Action, Actor, AuditScope, Denied, Resource};
use hkpilot_core::Role;

use crate::common::{actor, dept, uid};

const DOCUMENTS: &str = "
                        own_private own_shared dept_shared dept_private other_shared other_private
officer    read         ok          ok         ok          hide         hide         hide
officer    summarize    ok          ok         ok          hide         hide         hide
officer    download     ok          ok         ok          hide         hide         hide
officer    search       ok          ok         ok          hide         hide         hide
officer    delete       ok          ok         owner       hide         hide         hide
officer    share        ok          ok         owner       hide         hide         hide
dept_admin read         ok          ok         ok          hide         hide         hide
dept_admin summarize    ok          ok         ok          hide         hide         hide
dept_admin download     ok          ok         ok          hide         hide         hide
dept_admin search       ok          ok         ok          hide         hide         hide
dept_admin delete       ok          ok         owner       hide         hide         hide
dept_admin share        ok          ok         owner       hide         hide         hide
sys_admin  read         ok          ok         ok          hide         hide         hide
sys_admin  summarize    ok          ok         ok          hide         hide         hide
sys_admin  download     ok          ok         ok          hide         hide         hide
sys_admin  search       ok          ok         ok          hide         hide         hide
sys_admin  delete       ok          ok         owner       hide         hide         hide
sys_admin  share        ok          ok         owner       hide         hide         hide
";

const USERS: &str = "
                          self  dept_officer dept_admin dept_sysadmin other_officer other_admin other_sysadmin
officer    manage         needDA needDA      needDA     needDA        needDA        needDA      needDA
officer    to_officer     needDA needDA      needDA     needDA        needDA        needDA      needDA
officer    to_dept_admin  needDA needDA      needDA     needDA        needDA        needDA      needDA
officer    to_sys_admin   needDA needDA      needDA     needDA        needDA        needDA      needDA
dept_admin manage         self  ok           ok         prot          dept          dept        dept
dept_admin to_officer     self  ok           ok         prot          dept          dept        dept
dept_admin to_dept_admin  self  ok           ok         prot          dept          dept        dept
dept_admin to_sys_admin   self  high         high       prot          dept          dept        dept
sys_admin  manage         self  ok           ok         ok            ok            ok          ok
sys_admin  to_officer     self  ok           ok         ok            ok            ok          ok
sys_admin  to_dept_admin  self  ok           ok         ok            ok            ok          ok
sys_admin  to_sys_admin   self  ok           ok         ok            ok            ok          ok
";

const AUDIT: &str = "
                          own_dept other_dept all
officer    read_audit     needDA   needDA     needDA
officer    export_audit   needSA   needSA     needSA
dept_admin read_audit     ok       dept       needSA
dept_admin export_audit   needSA   needSA     needSA
sys_admin  read_audit     ok       ok         ok
sys_admin  export_audit   ok       ok         ok
";

const DEPARTMENTS: &str = "
                          own    other
officer    manage_depts   needSA needSA
dept_admin manage_depts   needSA needSA
sys_admin  manage_depts   ok     ok
";

const SYSTEM: &str = "
                          system
officer    upload         ok
officer    use_model      ok
dept_admin upload         ok
dept_admin use_model      ok
sys_admin  upload         ok
sys_admin  use_model      ok
";

const ROLES: [(&str, Role); 3] = [
    ("officer", Role::Officer),
    ("dept_admin", Role::DepartmentAdmin),
    ("sys_admin", Role::SystemAdmin),
];

fn action_named(name: &str) -> Action {
    match name {
        "read" => Action::ReadDocument,
        "summarize" => Action::SummarizeDocument,
        "download" => Action::DownloadDocument,
        "search" => Action::SearchDocument,
        "delete" => Action::DeleteDocument,
        "share" => Action::ShareDocument,
        "upload" => Action::UploadDocument,
        "use_model" => Action::UseModel,
        "manage" => Action::ManageUser,
        "to_officer" => Action::ChangeRole(Role::Officer),
        "to_dept_admin" => Action::ChangeRole(Role::DepartmentAdmin),
        "to_sys_admin" => Action::ChangeRole(Role::SystemAdmin),
        "read_audit" => Action::ReadAudit,
        "export_audit" => Action::ExportAudit,
        "manage_depts" => Action::ManageDepartments,
        other => panic!("unknown action `{other}` in a table"),
    }
}

fn code(result: &Result<(), Denied>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(Denied::DocumentNotFound) => "hide",
        Err(Denied::NotDocumentOwner) => "owner",
        Err(Denied::RoleRequired {
            needed: Role::DepartmentAdmin,
        }) => "needDA",
        Err(Denied::RoleRequired {
            needed: Role::SystemAdmin,
        }) => "needSA",
        Err(Denied::RoleRequired {
            needed: Role::Officer,
        }) => "needOfficer?",
        Err(Denied::OutsideDepartment) => "dept",
        Err(Denied::ProtectedAccount) => "prot",
        Err(Denied::RoleAboveOwn { .. }) => "high",
        Err(Denied::OwnAccount) => "self",
        Err(Denied::AccountDisabled) => "off",
        Err(Denied::WrongResource { .. }) => "wrong",
    }
}

/// The resources of each family, by column name, relative to `me` (department `a`,
/// with the given role: "self" is my own account, which has my role).
fn fixtures(family: &str, my_role: Role) -> Vec<(&'static str, Resource)> {
    let doc = |owner: &str, shared: Option<&str>| Resource::Document {
        owner: uid(owner),
        shared_with: shared.map(dept),
    };
    let user = |id: &str, d: &str, role: Role| Resource::User {
        id: uid(id),
        department: dept(d),
        role,
    };
    match family {
        "documents" => vec![
            ("own_private", doc("me", None)),
            ("own_shared", doc("me", Some("a"))),
            ("dept_shared", doc("colleague", Some("a"))),
            ("dept_private", doc("colleague", None)),
            ("other_shared", doc("outsider", Some("b"))),
            ("other_private", doc("outsider", None)),
        ],
        "users" => vec![
            ("self", user("me", "a", my_role)),
            ("dept_officer", user("a-officer", "a", Role::Officer)),
            ("dept_admin", user("a-admin", "a", Role::DepartmentAdmin)),
            ("dept_sysadmin", user("a-sys", "a", Role::SystemAdmin)),
            ("other_officer", user("b-officer", "b", Role::Officer)),
            ("other_admin", user("b-admin", "b", Role::DepartmentAdmin)),
            ("other_sysadmin", user("b-sys", "b", Role::SystemAdmin)),
        ],
        "audit" => vec![
            (
                "own_dept",
                Resource::AuditLog(AuditScope::Department(dept("a"))),
            ),
            (
                "other_dept",
                Resource::AuditLog(AuditScope::Department(dept("b"))),
            ),
            ("all", Resource::AuditLog(AuditScope::All)),
        ],
        "departments" => vec![
            ("own", Resource::Department(dept("a"))),
            ("other", Resource::Department(dept("b"))),
        ],
        "system" => vec![("system", Resource::System)],
        other => panic!("unknown family {other}"),
    }
}

const FAMILIES: [(&str, &str); 5] = [
    ("documents", DOCUMENTS),
    ("users", USERS),
    ("audit", AUDIT),
    ("departments", DEPARTMENTS),
    ("system", SYSTEM),
];

/// One parsed row: role, action, expected codes by column.
struct Row {
    role: Role,
    action: Action,
    cells: Vec<String>,
}

fn parse(table: &str) -> (Vec<String>, Vec<Row>) {
    let mut lines = table.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect();
    let rows = lines
        .map(|line| {
            let mut words = line.split_whitespace();
            let role_name = words.next().unwrap();
            let role = ROLES.iter().find(|(n, _)| *n == role_name).unwrap().1;
            let action = action_named(words.next().unwrap());
            let cells: Vec<String> = words.map(String::from).collect();
            assert_eq!(
                cells.len(),
                header.len(),
                "row `{line}` has the wrong number of cells"
            );
            Row {
                role,
                action,
                cells,
            }
        })
        .collect();
    (header, rows)
}

fn me(role: Role) -> Actor {
    actor("me", "a", role)
}

/// The actions each family's table covers, so that tables cannot silently omit a row.
fn family_of(action: Action) -> &'static str {
    match action {
        Action::ReadDocument
        | Action::SummarizeDocument
        | Action::DownloadDocument
        | Action::SearchDocument
        | Action::DeleteDocument
        | Action::ShareDocument => "documents",
        Action::ManageUser | Action::ChangeRole(_) => "users",
        Action::ReadAudit | Action::ExportAudit => "audit",
        Action::ManageDepartments => "departments",
        Action::UploadDocument | Action::UseModel => "system",
    }
}

#[test]
fn every_cell_of_the_matrix_holds() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (family, table) in FAMILIES {
        let (header, rows) = parse(table);
        // Every (role, action) of this family appears exactly once.
        for (_, role) in ROLES {
            for action in Action::all()
                .into_iter()
                .filter(|a| family_of(*a) == family)
            {
                let n = rows
                    .iter()
                    .filter(|r| r.role == role && r.action == action)
                    .count();
                assert_eq!(
                    n,
                    1,
                    "{family}: {role} × {} appears {n} times",
                    action.name()
                );
            }
        }
        for row in &rows {
            let columns = fixtures(family, row.role);
            let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
            assert_eq!(
                header, names,
                "{family}: table columns differ from the fixtures"
            );
            for ((column, resource), expected) in columns.iter().zip(&row.cells) {
                let got = code(&authorize(&me(row.role), row.action, resource));
                if got != expected {
                    failures.push(format!(
                        "{family}: {} × {} × {column}: expected {expected}, got {got}",
                        row.role,
                        row.action.name()
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 3 roles × (6×6 + 4×7 + 2×3 + 1×2 + 2×1) cells.
    assert_eq!(checked, 3 * (36 + 28 + 6 + 2 + 2));
}

#[test]
fn disabled_actors_are_denied_every_cell() {
    for (family, _) in FAMILIES {
        for (_, role) in ROLES {
            let mut disabled = me(role);
            disabled.disabled = true;
            for (column, resource) in fixtures(family, role) {
                for action in Action::all() {
                    assert_eq!(
                        authorize(&disabled, action, &resource),
                        Err(Denied::AccountDisabled),
                        "{role} × {} × {column}",
                        action.name()
                    );
                }
            }
        }
    }
}

#[test]
fn actions_on_the_wrong_kind_of_resource_are_denied() {
    for (family, _) in FAMILIES {
        for (_, role) in ROLES {
            for (column, resource) in fixtures(family, role) {
                for action in Action::all()
                    .into_iter()
                    .filter(|a| family_of(*a) != family)
                {
                    let result = authorize(&me(role), action, &resource);
                    assert_eq!(
                        code(&result),
                        "wrong",
                        "{role} × {} × {column}",
                        action.name()
                    );
                    assert!(result.unwrap_err().is_internal());
                }
            }
        }
    }
}

#[test]
fn denials_carry_stable_codes_and_advice() {
    let hidden = authorize(
        &me(Role::SystemAdmin),
        Action::ReadDocument,
        &fixtures("documents", Role::SystemAdmin)[5].1,
    )
    .unwrap_err();
    assert_eq!(hidden.code(), "document_not_found");
    assert!(hidden.conceals_existence());
    assert!(hidden.to_string().contains("ask its owner"));
    let owner = authorize(
        &me(Role::Officer),
        Action::DeleteDocument,
        &fixtures("documents", Role::Officer)[2].1,
    )
    .unwrap_err();
    assert_eq!(owner.code(), "not_document_owner");
    assert!(
        !owner.conceals_existence(),
        "a readable document's existence is no secret"
    );
    let off = Denied::AccountDisabled;
    assert!(off
        .to_string()
        .contains("ask your department administrator"));
}
