//! `hkpilot admin`: accounts managed on the server itself (the first administrator
//! above all). Whoever can run it controls the data directory anyway; each change is
//! still written to the audit log.

use std::io::BufRead;
use std::sync::Arc;

use hkpilot_core::{Department, DepartmentId, Role, UiLang};
use hkpilot_service::{NewAccount, Service, ServiceConfig};

use super::Status;
use crate::cli::{AdminAction, AdminArgs, OutputFormat};
use crate::config::Settings;
use crate::error::CliError;

pub(super) fn service_error(e: hkpilot_service::ServiceError) -> CliError {
    if e.is_user_error() {
        CliError::usage(e.code(), e.to_string())
    } else {
        CliError::internal(e.to_string())
    }
}

/// The service over the data directory, without a model.
pub(super) async fn open(settings: &Settings) -> Result<Arc<Service>, CliError> {
    let store = hkpilot_store::SqliteStore::open(&settings.data_dir).map_err(|e| {
        CliError::usage(
            "data_dir_unusable",
            format!(
                "cannot open the data directory {}: {e}",
                settings.data_dir.display()
            ),
        )
    })?;
    Service::new(Arc::new(store), ServiceConfig::default(), None).map_err(service_error)
}

/// The password from HKPILOT_PASSWORD, else the first line of standard input.
fn read_password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var("HKPILOT_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        CliError::internal(format!("cannot read the password from standard input: {e}"))
    })?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        return Err(CliError::usage(
            "password_missing",
            "no password: set HKPILOT_PASSWORD or pipe it on standard input",
        ));
    }
    Ok(p)
}

pub fn run(args: &AdminArgs, settings: &Settings) -> Result<Status, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let service = open(settings).await?;
        match &args.action {
            AdminAction::CreateUser {
                username,
                display_name,
                department,
                role,
                department_name_en,
                department_name_zh,
            } => {
                let role = Role::parse(role).ok_or_else(|| {
                    CliError::usage(
                        "invalid_role",
                        "--role must be officer, department_admin or system_admin",
                    )
                })?;
                let password = read_password()?;
                service
                    .ensure_department(Department {
                        id: DepartmentId(department.clone()),
                        name_en: department_name_en
                            .clone()
                            .unwrap_or_else(|| department.clone()),
                        name_zh: department_name_zh
                            .clone()
                            .unwrap_or_else(|| department.clone()),
                    })
                    .await
                    .map_err(service_error)?;
                let user = service
                    .create_account_unchecked(NewAccount {
                        username: username.clone(),
                        display_name: display_name.clone().unwrap_or_else(|| username.clone()),
                        password,
                        department: DepartmentId(department.clone()),
                        role,
                        ui_lang: UiLang::default(),
                    })
                    .await
                    .map_err(service_error)?;
                print(args.format, &[user])
            }
            AdminAction::ListUsers => {
                let users = service.all_users_unchecked().await.map_err(service_error)?;
                print(args.format, &users)
            }
            AdminAction::DisableUser { username } | AdminAction::EnableUser { username } => {
                let disabled = matches!(args.action, AdminAction::DisableUser { .. });
                let user = service
                    .set_disabled_unchecked(username, disabled)
                    .await
                    .map_err(service_error)?;
                print(args.format, &[user])
            }
            AdminAction::ResetPassword { username } => {
                let password = read_password()?;
                service
                    .reset_password_unchecked(username, password)
                    .await
                    .map_err(service_error)?;
                eprintln!("password of {username} reset; their sessions have ended");
                Ok(Status::default())
            }
        }
    })
}

fn print(format: OutputFormat, users: &[hkpilot_core::User]) -> Result<Status, CliError> {
    match format {
        OutputFormat::Json => {
            let json = serde_json::to_string_pretty(users)
                .map_err(|e| CliError::internal(e.to_string()))?;
            println!("{json}");
        }
        OutputFormat::Md | OutputFormat::Text => {
            if format == OutputFormat::Md {
                println!("| username | name | department | role | status |\n|---|---|---|---|---|");
            }
            for u in users {
                let status = if u.disabled { "disabled" } else { "active" };
                if format == OutputFormat::Md {
                    println!(
                        "| {} | {} | {} | {} | {status} |",
                        u.username, u.display_name, u.department, u.role
                    );
                } else {
                    println!(
                        "{}\t{}\t{}\t{}\t{status}",
                        u.username, u.display_name, u.department, u.role
                    );
                }
            }
        }
    }
    Ok(Status::default())
}
