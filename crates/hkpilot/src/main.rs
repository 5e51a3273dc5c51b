//! `hkpilot`: the command-line entry point. Parses arguments, loads configuration,
//! runs a command and maps its outcome to an exit code scripts can rely on
//! (0 success, 2 bad usage or bad input, 1 anything else).

mod cli;
mod commands;
mod config;
mod error;
mod progress;
mod render;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with exit 0, usage errors with 2.
            let code = e.exit_code();
            let _ = e.print();
            return ExitCode::from(code.clamp(0, 255) as u8);
        }
    };
    init_logging(&cli);
    let outcome = config::Settings::load(&cli).and_then(|settings| commands::run(&cli, &settings));
    match outcome {
        Ok(status) => status.exit_code(),
        Err(err) => {
            eprintln!("error[{}]: {}", err.code(), err);
            err.exit_code()
        }
    }
}

/// Logs go to stderr: `HKPILOT_LOG` filters them (EnvFilter syntax, e.g. `info` or
/// `hkpilot_service=debug`; default `info` for `serve`, `warn` otherwise) and
/// `HKPILOT_LOG_FORMAT=json` writes one JSON object per line for log collectors.
fn init_logging(cli: &cli::Cli) {
    use tracing_subscriber::EnvFilter;
    let default = if matches!(cli.command, cli::Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    let filter = EnvFilter::try_from_env("HKPILOT_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = std::env::var("HKPILOT_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    // A second initialisation (never expected) is ignored rather than fatal.
    let _ = if json {
        builder.json().with_current_span(false).try_init()
    } else {
        builder.with_ansi(false).try_init()
    };
}
