//! Typed configuration: one struct, resolved once at start-up from the config file,
//! the `HKPILOT_*` environment and the flags (in that order of precedence, lowest
//! first), and validated before any work starts.

use crate::cli::{Cli, Command};
use crate::error::CliError;
use hkpilot_core::Lang;
use hkpilot_summarize::Length;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What may appear in the config file. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    #[serde(default)]
    pub ingest: IngestFileConfig,
    #[serde(default)]
    pub summarize: SummarizeFileConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestFileConfig {
    pub max_file_bytes: Option<u64>,
    pub max_pages: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummarizeFileConfig {
    pub length: Option<String>,
    pub lang: Option<String>,
}

/// The resolved settings every command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub max_file_bytes: u64,
    pub max_pages: u32,
    pub summary_length: Length,
    pub summary_lang: Option<Lang>,
}

/// Default limit on input size: large enough for a 1,000-page scanned report.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
pub const DEFAULT_MAX_PAGES: u32 = 5_000;

impl Settings {
    pub fn load(cli: &Cli) -> Result<Settings, CliError> {
        let file = match &cli.config {
            Some(path) => read_file_config(path)?,
            None => FileConfig::default(),
        };
        let (length_flag, lang_flag) = match &cli.command {
            Command::Summarize(a) => (a.length.clone(), a.lang.clone()),
            Command::Ingest(_) => (None, None),
        };
        let length_text = length_flag
            .or(file.summarize.length)
            .unwrap_or_else(|| "standard".to_string());
        let summary_length = length_text.parse::<Length>().map_err(|e| {
            CliError::usage("invalid_length", format!("invalid summary length: {e}"))
        })?;
        let summary_lang = lang_flag
            .or(file.summarize.lang)
            .map(|s| s.parse::<Lang>())
            .transpose()
            .map_err(|e| CliError::usage("invalid_lang", e.to_string()))?;
        let max_file_bytes = cli
            .max_file_bytes
            .or(file.ingest.max_file_bytes)
            .unwrap_or(DEFAULT_MAX_FILE_BYTES);
        let max_pages = cli
            .max_pages
            .or(file.ingest.max_pages)
            .unwrap_or(DEFAULT_MAX_PAGES);
        if max_file_bytes == 0 || max_pages == 0 {
            return Err(CliError::usage(
                "invalid_config",
                "max_file_bytes and max_pages must be greater than zero",
            ));
        }
        let data_dir = cli
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(default_data_dir);
        Ok(Settings {
            data_dir,
            max_file_bytes,
            max_pages,
            summary_length,
            summary_lang,
        })
    }

    pub fn ingest_options(&self) -> hkpilot_ingest::IngestOptions {
        hkpilot_ingest::IngestOptions {
            max_bytes: self.max_file_bytes,
            max_pages: self.max_pages,
            ..Default::default()
        }
    }
}

fn read_file_config(path: &Path) -> Result<FileConfig, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(
            "config_unreadable",
            format!("cannot read config file {}: {e}", path.display()),
        )
    })?;
    toml::from_str(&text).map_err(|e| {
        CliError::usage(
            "invalid_config",
            format!(
                "config file {} is not valid: {e}\nSee hkpilot.example.toml for the keys.",
                path.display()
            ),
        )
    })
}

/// `$XDG_DATA_HOME/hkpilot`, else `~/.local/share/hkpilot`, else `./hkpilot-data`.
fn default_data_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("hkpilot");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".local/share/hkpilot");
    }
    PathBuf::from("hkpilot-data")
}
