//! Command-line arguments. Every setting is also an `HKPILOT_*` environment variable
//! and a config-file key (see `config.rs`); flags win over the environment, which
//! wins over the file.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "hkpilot",
    version,
    about = "HKPilot: a self-hosted, bilingual (English / 中文) document assistant",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    /// Configuration file (TOML). Settings: file < environment < flags.
    #[arg(long, env = "HKPILOT_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Where HKPilot keeps its data (documents, index, database).
    #[arg(long, env = "HKPILOT_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Largest input file accepted, in bytes.
    #[arg(long, env = "HKPILOT_MAX_FILE_BYTES", global = true, value_name = "BYTES")]
    pub max_file_bytes: Option<u64>,

    /// Largest number of pages read from one PDF.
    #[arg(long, env = "HKPILOT_MAX_PAGES", global = true, value_name = "N")]
    pub max_pages: Option<u32>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read documents (PDF, DOCX, HTML, Markdown, text) and print their structure.
    Ingest(IngestArgs),
    /// Summarise documents, every sentence cited to its place in the source.
    Summarize(SummarizeArgs),
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Markdown, for people.
    Md,
    /// JSON, stable, for scripts.
    Json,
    /// Plain text.
    Text,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files to read.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "md", env = "HKPILOT_FORMAT")]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct SummarizeArgs {
    /// Files to summarise; each gets its own summary unless --together is given.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Summary length: brief, standard, detailed, a number of sentences (e.g. 5) or of
    /// characters (e.g. 300c).
    #[arg(long, env = "HKPILOT_SUMMARY_LENGTH", value_name = "LENGTH")]
    pub length: Option<String>,

    /// Output language/script: en, zh-Hant or zh-Hans. Chinese sentences are converted
    /// to the requested script; without a model, English sentences stay English.
    #[arg(long, env = "HKPILOT_SUMMARY_LANG", value_name = "LANG")]
    pub lang: Option<String>,

    /// Summarise all files together as one collection.
    #[arg(long)]
    pub together: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "md", env = "HKPILOT_FORMAT")]
    pub format: OutputFormat,
}
