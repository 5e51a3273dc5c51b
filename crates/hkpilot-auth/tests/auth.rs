//! Integration tests of hkpilot-auth, one binary: passwords, tokens, sessions, CSRF,
//! throttling and the access policy (as a matrix and as properties).

#[path = "auth/common.rs"]
mod common;
#[path = "auth/csrf.rs"]
mod csrf;
#[path = "auth/password.rs"]
mod password;
#[path = "auth/policy_matrix.rs"]
mod policy_matrix;
#[path = "auth/policy_props.rs"]
mod policy_props;
#[path = "auth/session.rs"]
mod session;
#[path = "auth/throttle.rs"]
mod throttle;
#[path = "auth/token.rs"]
mod token;
