//! Users and departments in SQLite.

use async_trait::async_trait;
use hkpilot_core::{Department, DepartmentId, Role, UiLang, User, UserId};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};

use super::convert::{constraint, corrupt, now_ms, ui_lang_parse, ui_lang_str};
use super::SqliteStore;
use crate::api::UserStore;
use crate::error::{Result, StoreError};
use crate::records::NewUser;

const USER_COLUMNS: &str = "id, username, display_name, department, role, ui_lang, disabled";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get("role")?;
    let ui_lang: String = row.get("ui_lang")?;
    Ok(User {
        id: UserId(row.get("id")?),
        username: row.get("username")?,
        display_name: row.get("display_name")?,
        department: DepartmentId(row.get("department")?),
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        ui_lang: ui_lang_parse(&ui_lang)?,
        disabled: row.get("disabled")?,
    })
}

/// The key usernames are unique and looked up by: trimmed, lower-cased with Unicode's
/// rules (Chinese names are unaffected).
fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

impl SqliteStore {
    /// Runs one `UPDATE users … WHERE id = ?` and reports an unknown id as `NotFound`.
    async fn update_user(
        &self,
        id: &UserId,
        sql: &'static str,
        value: rusqlite::types::Value,
    ) -> Result<()> {
        let id = id.clone();
        self.run(move |c| {
            let n = c.execute(sql, params![value, id.0])?;
            if n == 0 {
                return Err(StoreError::not_found("user", &id));
            }
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_department(&self, department: Department) -> Result<()> {
        self.run(move |c| {
            c.execute(
                "INSERT INTO departments (id, name_en, name_zh) VALUES (?1, ?2, ?3)",
                params![department.id.0, department.name_en, department.name_zh],
            )
            .map_err(|e| {
                constraint(
                    e,
                    &format!("department {} already exists", department.id),
                    "",
                )
            })?;
            Ok(())
        })
        .await
    }

    async fn get_department(&self, id: &DepartmentId) -> Result<Department> {
        let id = id.clone();
        self.run(move |c| {
            c.query_row(
                "SELECT id, name_en, name_zh FROM departments WHERE id = ?1",
                [&id.0],
                |r| {
                    Ok(Department {
                        id: DepartmentId(r.get(0)?),
                        name_en: r.get(1)?,
                        name_zh: r.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("department", &id))
        })
        .await
    }

    async fn list_departments(&self) -> Result<Vec<Department>> {
        self.run(|c| {
            let mut stmt = c.prepare("SELECT id, name_en, name_zh FROM departments ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(Department {
                    id: DepartmentId(r.get(0)?),
                    name_en: r.get(1)?,
                    name_zh: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn create_user(&self, user: NewUser) -> Result<User> {
        let key = username_key(&user.username);
        if key.is_empty() {
            return Err(StoreError::Invalid("the username is empty".into()));
        }
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let department_exists = tx
                .query_row(
                    "SELECT 1 FROM departments WHERE id = ?1",
                    [&user.department.0],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !department_exists {
                return Err(StoreError::Invalid(format!(
                    "department {} does not exist; create it first",
                    user.department
                )));
            }
            tx.execute(
                "INSERT INTO users (id, username, username_key, display_name, department, role,
                                    ui_lang, disabled, password_hash, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9)",
                params![
                    user.id.0,
                    user.username.trim(),
                    key,
                    user.display_name,
                    user.department.0,
                    user.role.as_str(),
                    ui_lang_str(user.ui_lang),
                    user.password_hash,
                    now_ms(),
                ],
            )
            .map_err(|e| {
                constraint(
                    e,
                    &format!(
                        "the username {:?} or user id is already taken",
                        user.username
                    ),
                    "the department does not exist",
                )
            })?;
            let created = tx.query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                [&user.id.0],
                user_from_row,
            )?;
            tx.commit()?;
            Ok(created)
        })
        .await
    }

    async fn get_user(&self, id: &UserId) -> Result<User> {
        let id = id.clone();
        self.run(move |c| {
            c.query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                [&id.0],
                user_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("user", &id))
        })
        .await
    }

    async fn get_user_by_username(&self, username: &str) -> Result<User> {
        let key = username_key(username);
        let shown = username.to_string();
        self.run(move |c| {
            c.query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE username_key = ?1"),
                [&key],
                user_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("user", shown))
        })
        .await
    }

    async fn list_users(&self, department: Option<&DepartmentId>) -> Result<Vec<User>> {
        let department = department.map(|d| d.0.clone());
        self.run(move |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {USER_COLUMNS} FROM users
                 WHERE ?1 IS NULL OR department = ?1 ORDER BY username_key"
            ))?;
            let rows = stmt.query_map([department], user_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn count_users(&self) -> Result<u64> {
        self.run(|c| {
            let n: i64 = c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
            Ok(n as u64)
        })
        .await
    }

    async fn password_hash(&self, id: &UserId) -> Result<String> {
        let id = id.clone();
        self.run(move |c| {
            c.query_row(
                "SELECT password_hash FROM users WHERE id = ?1",
                [&id.0],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("user", &id))
        })
        .await
    }

    async fn set_password_hash(&self, id: &UserId, password_hash: String) -> Result<()> {
        self.update_user(
            id,
            "UPDATE users SET password_hash = ?1 WHERE id = ?2",
            password_hash.into(),
        )
        .await
    }

    async fn set_user_role(&self, id: &UserId, role: Role) -> Result<()> {
        self.update_user(
            id,
            "UPDATE users SET role = ?1 WHERE id = ?2",
            role.as_str().to_string().into(),
        )
        .await
    }

    async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<()> {
        let id = id.clone();
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "UPDATE users SET disabled = ?1 WHERE id = ?2",
                params![disabled, id.0],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("user", &id));
            }
            if disabled {
                tx.execute("DELETE FROM sessions WHERE user_id = ?1", [&id.0])?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn set_user_ui_lang(&self, id: &UserId, ui_lang: UiLang) -> Result<()> {
        self.update_user(
            id,
            "UPDATE users SET ui_lang = ?1 WHERE id = ?2",
            ui_lang_str(ui_lang).to_string().into(),
        )
        .await
    }
}
