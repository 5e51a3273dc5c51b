//! Why a file is not a usable GGUF model. Messages complete the sentence "the model
//! file X …", so callers can name the file in front.

/// What is wrong with a GGUF file (the file's path is added by the caller).
#[derive(Debug, thiserror::Error)]
pub enum GgufError {
    #[error("is not a GGUF model: it {found}")]
    NotGguf { found: String },
    #[error("uses GGUF version {0}, which is not supported (versions 2 and 3 are)")]
    UnsupportedVersion(u32),
    #[error("is truncated: its header ends early, at byte {at} of {size}")]
    TruncatedHeader { at: u64, size: u64 },
    #[error("is truncated: {size} bytes on disk, but its tensors need {needed}")]
    TruncatedData { size: u64, needed: u64 },
    #[error("is damaged: {reason} (at byte {at})")]
    Corrupt { at: u64, reason: String },
    #[error("cannot be read: {0}")]
    Io(#[from] std::io::Error),
}

impl GgufError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            GgufError::NotGguf { .. } => "not_gguf",
            GgufError::UnsupportedVersion(_) => "unsupported_gguf_version",
            GgufError::TruncatedHeader { .. } | GgufError::TruncatedData { .. } => {
                "truncated_model_file"
            }
            GgufError::Corrupt { .. } => "corrupt_model_file",
            GgufError::Io(_) => "io_error",
        }
    }
}

/// Says what a file that lacks the GGUF magic looks like instead, for the message.
pub(crate) fn describe_non_gguf(prefix: &[u8]) -> String {
    if prefix.len() < 4 {
        return format!("is too short to be a model ({} bytes)", prefix.len());
    }
    let text = String::from_utf8_lossy(prefix).to_ascii_lowercase();
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return "looks like an HTML or XML page (an error or login page?), not model weights"
            .into();
    }
    if trimmed.starts_with('{') {
        return "looks like JSON (an error response or a model config?), not model weights".into();
    }
    if prefix.starts_with(b"PK") {
        return "is a zip archive (a wheel or a zipped model?); extract the .gguf file from it"
            .into();
    }
    let hex: Vec<String> = prefix.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("starts with bytes {} instead of \"GGUF\"", hex.join(" "))
}
