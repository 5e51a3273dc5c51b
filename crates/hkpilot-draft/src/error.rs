//! Errors of the drafting data layer, with stable codes for the API and the CLI.
//!
//! Every error about a file names the file (a path, or `builtin:<name>` for the data
//! compiled into the binary) and, where it can, the template field or termbase entry
//! at fault, so that an administrator can fix it without reading code.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file is not valid TOML, or does not have the template's shape.
    #[error("{file}: not a valid template: {message}")]
    TemplateSyntax { file: String, message: String },

    /// The file parsed, but a field of the template is wrong.
    #[error("{file}: template '{template}': {field}: {message}")]
    TemplateInvalid {
        file: String,
        template: String,
        /// The path of the faulty field, as in `sections[2].heading`.
        field: String,
        message: String,
    },

    /// Two files of the same source (one directory, or the built-in set) define one id.
    #[error("template id '{id}' is defined twice: in {first} and in {second}")]
    DuplicateTemplate {
        id: String,
        first: String,
        second: String,
    },

    #[error("no template '{0}'; list the templates to see the ids available")]
    UnknownTemplate(String),

    /// The file is not valid TOML, or does not have the termbase's shape.
    #[error("{file}: not a valid termbase: {message}")]
    TermbaseSyntax { file: String, message: String },

    /// An entry parsed, but a value in it is wrong.
    #[error("{file}: {entry}: {message}")]
    TermInvalid {
        file: String,
        /// `term[12] (Education Bureau)`.
        entry: String,
        message: String,
    },

    /// Two entries in one scope give the same term different renderings.
    #[error("conflicting termbase entries ({scope}): {first} and {second}: {detail}; keep one, or move one into a department's scope")]
    TermConflict {
        /// `global scope`, or `department EDB`.
        scope: String,
        /// `starter.toml term[12] (Education Bureau → 教育局)`.
        first: String,
        second: String,
        detail: String,
    },
}

impl DraftError {
    /// A stable machine-readable code; messages may change, codes do not.
    pub fn code(&self) -> &'static str {
        match self {
            DraftError::Io { .. } => "io_error",
            DraftError::TemplateSyntax { .. } => "template_syntax",
            DraftError::TemplateInvalid { .. } => "template_invalid",
            DraftError::DuplicateTemplate { .. } => "duplicate_template",
            DraftError::UnknownTemplate(_) => "unknown_template",
            DraftError::TermbaseSyntax { .. } => "termbase_syntax",
            DraftError::TermInvalid { .. } => "termbase_invalid",
            DraftError::TermConflict { .. } => "termbase_conflict",
        }
    }

    /// True when the user or administrator can fix the cause (a file or an id), which
    /// is every error here except failing to read a file that exists.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, DraftError::Io { source, .. } if source.kind() != std::io::ErrorKind::NotFound)
    }
}
