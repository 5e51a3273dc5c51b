//! The binary's error type and the one table that maps every error code to an exit
//! code. Library errors keep their own codes; this is where they meet the shell.

use std::fmt;
use std::process::ExitCode;

/// Whether the person running the command can fix the problem themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad flags, a bad config file, or a file that cannot be read as a document.
    UserInput,
    /// Something went wrong on our side (IO, a bug).
    Internal,
}

/// An error that ends a command.
#[derive(Debug)]
pub struct CliError {
    code: &'static str,
    kind: Kind,
    message: String,
}

impl CliError {
    pub fn new(code: &'static str, kind: Kind, message: impl Into<String>) -> Self {
        CliError {
            code,
            kind,
            message: message.into(),
        }
    }

    pub fn usage(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Kind::UserInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("internal", Kind::Internal, message)
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn exit_code(&self) -> ExitCode {
        exit_code_for(self.kind)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// The exit code table: 2 for anything the user can fix, 1 for the rest.
pub fn exit_code_for(kind: Kind) -> ExitCode {
    match kind {
        Kind::UserInput => ExitCode::from(2),
        Kind::Internal => ExitCode::from(1),
    }
}

impl From<hkpilot_ingest::IngestError> for CliError {
    fn from(e: hkpilot_ingest::IngestError) -> Self {
        let kind = if e.is_user_error() {
            Kind::UserInput
        } else {
            Kind::Internal
        };
        CliError::new(e.code(), kind, e.to_string())
    }
}

impl From<hkpilot_summarize::SummarizeError> for CliError {
    fn from(e: hkpilot_summarize::SummarizeError) -> Self {
        let kind = if e.is_user_error() {
            Kind::UserInput
        } else {
            Kind::Internal
        };
        CliError::new(e.code(), kind, e.to_string())
    }
}

impl From<hkpilot_eval::EvalError> for CliError {
    fn from(e: hkpilot_eval::EvalError) -> Self {
        let kind = if e.is_user_error() {
            Kind::UserInput
        } else {
            Kind::Internal
        };
        CliError::new(e.code(), kind, e.to_string())
    }
}
