//! Typed configuration: one struct, resolved once at start-up from the config file,
//! the `HKPILOT_*` environment and the flags (in that order of precedence, lowest
//! first), and validated before any work starts.

use crate::cli::{Cli, Command, ModelAction, ModelArgs};
use crate::error::CliError;
use hkpilot_core::Lang;
use hkpilot_summarize::Length;
use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

/// What may appear in the config file. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub models_dir: Option<PathBuf>,
    /// Model names or GGUF paths; the first is the default.
    #[serde(default)]
    pub model: Vec<String>,
    #[serde(default)]
    pub ingest: IngestFileConfig,
    #[serde(default)]
    pub summarize: SummarizeFileConfig,
    #[serde(default)]
    pub translate: TranslateFileConfig,
    #[serde(default)]
    pub draft: DraftFileConfig,
    #[serde(default)]
    pub server: ServerFileConfig,
    #[serde(default)]
    pub models: ModelsFileConfig,
    /// Remote OpenAI-compatible servers, served beside the local models by name.
    #[serde(default)]
    pub remote: Vec<hkpilot_llm_openai::OpenAiConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerFileConfig {
    pub bind: Option<IpAddr>,
    pub port: Option<u16>,
    /// Accepted API keys; `HKPILOT_API_KEYS` replaces them when set.
    #[serde(default)]
    pub api_keys: Vec<String>,
    pub max_body_bytes: Option<usize>,
    pub ctx_size: Option<u32>,
    pub threads: Option<u32>,
    pub parallel: Option<u32>,
    pub batch_size: Option<u32>,
    pub kv_streams: Option<bool>,
    pub flash_attention: Option<bool>,
    pub max_upload_mb: Option<u64>,
    pub secure_cookies: Option<bool>,
    pub workers: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelsFileConfig {
    pub hf_endpoint: Option<String>,
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
    pub window: Option<usize>,
    pub parallel: Option<usize>,
    pub seed: Option<u64>,
}

/// `[translate]`: defaults for `hkpilot translate` (its flags and `HKPILOT_TRANSLATE_*`
/// variables win).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslateFileConfig {
    pub to: Option<String>,
    pub window: Option<usize>,
    pub chunk_tokens: Option<usize>,
    pub parallel: Option<usize>,
    pub seed: Option<u64>,
    #[serde(default)]
    pub termbase: Vec<PathBuf>,
    pub department: Option<String>,
}

/// `[draft]`: defaults for `hkpilot draft` (and the window and seed of `hkpilot
/// rewrite`); their flags and `HKPILOT_DRAFT_*` variables win.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftFileConfig {
    pub lang: Option<String>,
    pub window: Option<usize>,
    pub parallel: Option<usize>,
    pub sentences: Option<usize>,
    pub seed: Option<u64>,
    /// Directories of administrators' templates.
    #[serde(default)]
    pub templates: Vec<PathBuf>,
    #[serde(default)]
    pub termbase: Vec<PathBuf>,
    pub department: Option<String>,
}

/// The resolved settings every command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Configured models directory; None = `<data_dir>/models` plus `./.models`.
    pub models_dir: Option<PathBuf>,
    /// Model names or paths, the default first.
    pub models: Vec<String>,
    pub server: ServerSettings,
    pub hf_endpoint: Option<String>,
    pub max_file_bytes: u64,
    pub max_pages: u32,
    pub summary_length: Length,
    pub summary_lang: Option<Lang>,
    /// Tokens one model pass may use; the pipeline's default when None.
    pub summary_window: Option<usize>,
    /// Chunks summarised at once.
    pub summary_parallel: usize,
    pub summary_seed: u64,
    /// The `[translate]` table, merged with the flags by the command.
    pub translate: TranslateFileConfig,
    /// The `[draft]` table, merged with the flags by `draft` and `rewrite`.
    pub draft: DraftFileConfig,
}

/// How `hkpilot serve` listens and what it serves besides the local models.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind: IpAddr,
    pub port: u16,
    pub api_keys: Vec<String>,
    pub max_body_bytes: usize,
    pub ctx_size: Option<u32>,
    pub threads: Option<u32>,
    /// Requests a local model decodes together; the engine's default if None.
    pub parallel: Option<u32>,
    /// Tokens per decode step; the engine's default if None.
    pub batch_size: Option<u32>,
    /// One KV stream per parallel request instead of a shared pool.
    pub kv_streams: bool,
    pub flash_attention: bool,
    pub remotes: Vec<hkpilot_llm_openai::OpenAiConfig>,
    /// Largest upload the page and the API accept.
    pub max_upload_bytes: u64,
    pub secure_cookies: bool,
    /// Background jobs run at once.
    pub workers: usize,
}

/// Default limit on input size: large enough for a 1,000-page scanned report.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
pub const DEFAULT_MAX_PAGES: u32 = 5_000;
/// Chunks in flight at once on machines with more than two cores: enough to keep the
/// engine's batch busy without holding many 4k-token windows of KV cache.
pub const DEFAULT_SUMMARY_PARALLEL: usize = 4;

/// Chunks summarised at once when nothing says otherwise: [`DEFAULT_SUMMARY_PARALLEL`],
/// but one on machines with two physical cores or fewer, where batching four chunks
/// gains nothing (decoding is compute-bound) and one at a time measured 13–15 % faster
/// end to end on the Policy Address (BENCHMARKS.md, "Grounded summaries").
pub fn default_summary_parallel() -> usize {
    if hkpilot_llm_llamacpp::physical_cores() <= 2 {
        1
    } else {
        DEFAULT_SUMMARY_PARALLEL
    }
}

impl Settings {
    pub fn load(cli: &Cli) -> Result<Settings, CliError> {
        let file = match &cli.config {
            Some(path) => read_file_config(path)?,
            None => FileConfig::default(),
        };
        let (window_flag, parallel_flag, seed_flag) = match &cli.command {
            Command::Summarize(a) => (a.window, a.parallel, a.seed),
            _ => (None, None, None),
        };
        let summary_window = window_flag.or(file.summarize.window);
        let summary_parallel = parallel_flag
            .or(file.summarize.parallel)
            .unwrap_or_else(default_summary_parallel);
        if summary_parallel == 0 {
            return Err(CliError::usage(
                "invalid_parallel",
                "the number of chunks summarised at once (--parallel, [summarize] parallel) must be at least 1",
            ));
        }
        let summary_seed = seed_flag.or(file.summarize.seed).unwrap_or(0);
        let (length_flag, lang_flag) = match &cli.command {
            Command::Summarize(a) => (a.length.clone(), a.lang.clone()),
            // `eval` reads its own --length and --lang: a dataset run must not depend
            // on the operator's summary settings.
            Command::Ingest(_)
            | Command::Serve(_)
            | Command::Model(_)
            | Command::Eval(_)
            | Command::Translate(_)
            | Command::Draft(_)
            | Command::Rewrite(_)
            | Command::Admin(_)
            | Command::Audit(_) => (None, None),
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
        let server = server_settings(cli, &file.server, file.remote)?;
        let hf_endpoint = match &cli.command {
            Command::Model(ModelArgs {
                action: ModelAction::Pull(p),
                ..
            }) => p.hf_endpoint.clone(),
            _ => None,
        }
        .or(file.models.hf_endpoint);
        let models = if cli.model.is_empty() {
            file.model
        } else {
            cli.model.clone()
        };
        let models: Vec<String> = models
            .into_iter()
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        Ok(Settings {
            data_dir,
            models_dir: cli.models_dir.clone().or(file.models_dir),
            models,
            server,
            hf_endpoint,
            max_file_bytes,
            max_pages,
            summary_length,
            summary_lang,
            summary_window,
            summary_parallel,
            summary_seed,
            translate: file.translate,
            draft: file.draft,
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

/// Server settings: flags (and their `HKPILOT_*` variables) over the `[server]` table.
/// API keys come from `HKPILOT_API_KEYS` (comma-separated) or the file, never a flag,
/// so that they stay out of process listings and shell history.
fn server_settings(
    cli: &Cli,
    file: &ServerFileConfig,
    remotes: Vec<hkpilot_llm_openai::OpenAiConfig>,
) -> Result<ServerSettings, CliError> {
    let args = match &cli.command {
        Command::Serve(a) => Some(a),
        _ => None,
    };
    let api_keys = match std::env::var("HKPILOT_API_KEYS") {
        Ok(v) => v.split(',').map(|k| k.trim().to_string()).collect(),
        Err(_) => file.api_keys.clone(),
    };
    let api_keys: Vec<String> = api_keys.into_iter().filter(|k| !k.is_empty()).collect();
    // `--threads` is a `serve` flag (clap reads its variable there), but every command
    // that runs a model (summarize, translate, draft, eval) honours HKPILOT_THREADS too.
    let env_threads = match std::env::var("HKPILOT_THREADS") {
        Ok(v) if args.is_none() => Some(v.trim().parse::<u32>().map_err(|_| {
            CliError::usage(
                "invalid_config",
                format!("HKPILOT_THREADS must be a whole number of threads, not {v:?}"),
            )
        })?),
        _ => None,
    };
    let max_body_bytes = file
        .max_body_bytes
        .unwrap_or(hkpilot_http::DEFAULT_MAX_BODY_BYTES);
    if max_body_bytes == 0 {
        return Err(CliError::usage(
            "invalid_config",
            "server.max_body_bytes must be greater than zero",
        ));
    }
    let max_upload_mb = args
        .and_then(|a| a.max_upload_mb)
        .or(file.max_upload_mb)
        .unwrap_or(100);
    let workers = args.and_then(|a| a.workers).or(file.workers).unwrap_or(2);
    let parallel = args.and_then(|a| a.parallel).or(file.parallel);
    let batch_size = args.and_then(|a| a.batch_size).or(file.batch_size);
    if parallel == Some(0) || batch_size == Some(0) {
        return Err(CliError::usage(
            "invalid_config",
            "server.parallel and server.batch_size must be greater than zero",
        ));
    }
    if max_upload_mb == 0 || workers == 0 {
        return Err(CliError::usage(
            "invalid_config",
            "server.max_upload_mb and server.workers must be greater than zero",
        ));
    }
    Ok(ServerSettings {
        bind: args
            .and_then(|a| a.bind)
            .or(file.bind)
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        port: args
            .and_then(|a| a.port)
            .or(file.port)
            .unwrap_or(hkpilot_http::DEFAULT_PORT),
        api_keys,
        max_body_bytes,
        ctx_size: args.and_then(|a| a.ctx_size).or(file.ctx_size),
        threads: args
            .and_then(|a| a.threads)
            .or(env_threads)
            .or(file.threads),
        parallel,
        batch_size,
        kv_streams: args.is_some_and(|a| a.kv_streams) || file.kv_streams.unwrap_or(false),
        flash_attention: args.is_some_and(|a| a.flash_attention)
            || file.flash_attention.unwrap_or(false),
        remotes,
        max_upload_bytes: max_upload_mb.saturating_mul(1024 * 1024),
        secure_cookies: args.is_some_and(|a| a.secure_cookies)
            || file.secure_cookies.unwrap_or(false),
        workers,
    })
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

#[cfg(test)]
mod tests {
    use super::FileConfig;

    /// hkpilot.example.toml with every commented-out setting switched on.
    fn example_with_settings_on() -> String {
        let text = include_str!("../../../hkpilot.example.toml");
        let mut out = String::new();
        for line in text.lines() {
            let setting = line.strip_prefix("# ").filter(|rest| {
                let key: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                (!key.is_empty() && rest[key.len()..].starts_with(" = ")) || rest.starts_with("[[")
            });
            match setting {
                Some(rest) => out.push_str(rest),
                None if line.starts_with('#') => continue,
                None => out.push_str(line),
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn every_key_in_the_example_config_is_accepted() {
        let text = example_with_settings_on();
        let parsed: FileConfig = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("hkpilot.example.toml is out of date: {e}\n{text}"));
        assert_eq!(parsed.server.port, Some(8080));
        assert_eq!(parsed.remote.len(), 1);
        assert_eq!(parsed.remote[0].name, "vllm-qwen");
        assert_eq!(parsed.model, vec!["SmolLM2-135M-Instruct.Q4_1".to_string()]);
    }
}
