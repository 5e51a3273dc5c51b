//! Integration tests of the service layer: permissions as a role × action matrix, the
//! document library end to end on real bilingual PDFs, bad input, accounts and
//! sessions, jobs across restarts and cancelling, the audit log, model summaries, and
//! translations.

#[path = "service/common.rs"]
mod common;

#[path = "service/accounts.rs"]
mod accounts;
#[path = "service/audit.rs"]
mod audit;
#[path = "service/bad_input.rs"]
mod bad_input;
#[path = "service/drafts.rs"]
mod drafts;
#[path = "service/jobs.rs"]
mod jobs;
#[path = "service/library.rs"]
mod library;
#[path = "service/model.rs"]
mod model;
#[path = "service/permissions.rs"]
mod permissions;
#[path = "service/translations.rs"]
mod translations;
