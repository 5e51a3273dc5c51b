//! Who is acting: users, departments and roles. Pure data; credentials and the access
//! policy live in `hkpilot-auth`, persistence in `hkpilot-store`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A user's stable id (opaque text, e.g. a UUID); never reused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub String);

/// A department's stable id, e.g. `"csb"`: short, lowercase, chosen by an administrator.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DepartmentId(pub String);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for DepartmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a user may do beyond their own documents. Ordered by reach: each role can do
/// everything the one before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Works with their own documents and those shared with their department.
    Officer,
    /// Also manages the users of their own department and reads its audit trail.
    DepartmentAdmin,
    /// Manages every user and department, reads and exports the whole audit log.
    SystemAdmin,
}

impl Role {
    /// The stable name used in config, the CLI and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::DepartmentAdmin => "department_admin",
            Role::SystemAdmin => "system_admin",
        }
    }

    /// Parses [`Role::as_str`]'s names.
    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "officer" => Some(Role::Officer),
            "department_admin" => Some(Role::DepartmentAdmin),
            "system_admin" => Some(Role::SystemAdmin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The user interface language a person chose (remembered per user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum UiLang {
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "zh-Hant")]
    TraditionalChinese,
}

/// A person who can sign in. The password hash is not part of it: only the store and
/// the credential checks ever see that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    /// Sign-in name, unique, compared case-insensitively.
    pub username: String,
    pub display_name: String,
    pub department: DepartmentId,
    pub role: Role,
    pub ui_lang: UiLang,
    /// A disabled user cannot sign in and their API keys stop working.
    pub disabled: bool,
}

/// A department: users belong to exactly one, documents can be shared with one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: DepartmentId,
    /// Names in both languages, shown in the page.
    pub name_en: String,
    pub name_zh: String,
}
