//! Shared fixtures: a store in a temporary directory, seeded with two departments and
//! three users (two in the same department).

use std::sync::Arc;

use hkpilot_core::{Department, DepartmentId, Role, UiLang, User, UserId};
use hkpilot_store::{NewUser, SqliteStore, Store};
use tempfile::TempDir;

#[derive(Debug)]
pub struct Env {
    pub dir: TempDir,
    pub sqlite: SqliteStore,
    pub store: Arc<dyn Store>,
}

impl Env {
    /// A raw connection to the database, for what the store's API does not allow.
    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("hkpilot.db")).unwrap()
    }
}

pub fn open() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(dir.path()).unwrap();
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    Env { dir, sqlite, store }
}

pub fn uid(s: &str) -> UserId {
    UserId(s.to_string())
}

pub fn dept(s: &str) -> DepartmentId {
    DepartmentId(s.to_string())
}

pub fn new_user(id: &str, username: &str, display: &str, department: &str) -> NewUser {
    NewUser {
        id: uid(id),
        username: username.to_string(),
        display_name: display.to_string(),
        department: dept(department),
        role: Role::Officer,
        ui_lang: UiLang::TraditionalChinese,
        password_hash: format!("$argon2id$v=19$stub-{id}"),
    }
}

/// Departments `csb` and `edb`; users `u-chan` and `u-lee` in csb, `u-cheung` in edb.
pub async fn seeded() -> (Env, Vec<User>) {
    let env = open();
    for (id, en, zh) in [
        ("csb", "Civil Service Bureau", "公務員事務局"),
        ("edb", "Education Bureau", "教育局"),
    ] {
        env.store
            .create_department(Department {
                id: dept(id),
                name_en: en.into(),
                name_zh: zh.into(),
            })
            .await
            .unwrap();
    }
    let mut users = Vec::new();
    for (id, name, display, department) in [
        ("u-chan", "Chan.TaiMan", "陳大文", "csb"),
        ("u-lee", "lee.siuming", "李小明", "csb"),
        ("u-cheung", "張美玲", "張美玲", "edb"),
    ] {
        users.push(
            env.store
                .create_user(new_user(id, name, display, department))
                .await
                .unwrap(),
        );
    }
    (env, users)
}
