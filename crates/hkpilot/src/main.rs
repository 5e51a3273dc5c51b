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
    let outcome = config::Settings::load(&cli).and_then(|settings| commands::run(&cli, &settings));
    match outcome {
        Ok(status) => status.exit_code(),
        Err(err) => {
            eprintln!("error[{}]: {}", err.code(), err);
            err.exit_code()
        }
    }
}
