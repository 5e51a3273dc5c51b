//! `hkpilot audit verify|export`: check the audit log's hash chain, or write it out
//! as JSON Lines.

use std::io::Write;

use hkpilot_store::ChainStatus;

use super::admin::{open, service_error};
use super::summarize::write_atomically;
use super::Status;
use crate::cli::{AuditAction, AuditArgs};
use crate::config::Settings;
use crate::error::{CliError, Kind};

pub fn run(args: &AuditArgs, settings: &Settings) -> Result<Status, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let service = open(settings).await?;
        match &args.action {
            AuditAction::Verify => match service.verify_audit_unchecked().await.map_err(service_error)? {
                ChainStatus::Intact { events, head } => {
                    println!("audit log intact: {events} events, head {head}");
                    Ok(Status::default())
                }
                ChainStatus::Broken { seq, problem } => Err(CliError::new(
                    "audit_chain_broken",
                    Kind::Internal,
                    format!("the audit log was altered at event {seq}: {problem}; keep a copy of the data directory for investigation"),
                )),
            },
            AuditAction::Export { output } => {
                let events = service.audit_export_unchecked().await.map_err(service_error)?;
                let mut body = Vec::new();
                for e in &events {
                    serde_json::to_writer(&mut body, e).map_err(|e| CliError::internal(e.to_string()))?;
                    body.push(b'\n');
                }
                match output {
                    Some(path) => {
                        write_atomically(path, &body)?;
                        eprintln!("{} events written to {}", events.len(), path.display());
                    }
                    None => std::io::stdout()
                        .write_all(&body)
                        .map_err(|e| CliError::internal(format!("cannot write: {e}")))?,
                }
                Ok(Status::default())
            }
        }
    })
}
