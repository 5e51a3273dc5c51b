//! Integration tests of hkpilot-store, through the `Store` traits as the service uses
//! them (`Arc<dyn Store>`), over SQLite in a temporary data directory.

#[path = "store/common.rs"]
mod common;

#[path = "store/audit.rs"]
mod audit;
#[path = "store/blobs.rs"]
mod blobs;
#[path = "store/documents.rs"]
mod documents;
#[path = "store/drafts.rs"]
mod drafts;
#[path = "store/jobs.rs"]
mod jobs;
#[path = "store/migrations.rs"]
mod migrations;
#[path = "store/sessions.rs"]
mod sessions;
#[path = "store/translations.rs"]
mod translations;
#[path = "store/users.rs"]
mod users;
