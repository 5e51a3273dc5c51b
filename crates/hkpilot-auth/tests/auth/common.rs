//! Shared fixtures: a cheap password hasher and a few actors.

use hkpilot_auth::{Actor, Argon2Params, PasswordHasher};
use hkpilot_core::{DepartmentId, Role, UserId};

/// Argon2 at its minimum cost, so that tests hash in microseconds.
pub fn cheap_hasher() -> PasswordHasher {
    PasswordHasher::new(Argon2Params::insecure_for_tests()).unwrap()
}

pub fn uid(s: &str) -> UserId {
    UserId(s.to_string())
}

pub fn dept(s: &str) -> DepartmentId {
    DepartmentId(s.to_string())
}

pub fn actor(id: &str, department: &str, role: Role) -> Actor {
    Actor {
        id: uid(id),
        department: dept(department),
        role,
        disabled: false,
    }
}
