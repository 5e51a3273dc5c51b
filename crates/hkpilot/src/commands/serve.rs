//! `hkpilot serve`: loads the configured model(s) into the embedded llama.cpp engine
//! and serves the OpenAI-compatible HTTP API until Ctrl-C or SIGTERM.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hkpilot_http::{AppState, Backends, HttpConfig};
use hkpilot_llm::LlmBackend;
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine};

use super::backend::llm_error;
use super::Status;
use crate::error::CliError;

/// Everything `serve` needs, resolved by the CLI from flags < env < config file.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `--bind` / `HKPILOT_BIND`; loopback by default.
    pub bind: IpAddr,
    /// `--port` / `HKPILOT_PORT`; 0 picks a free port (the chosen one is printed).
    pub port: u16,
    /// `--model` / `HKPILOT_MODEL`: GGUF files; the first answers requests naming no
    /// model. Each is served under its file stem.
    pub models: Vec<PathBuf>,
    /// `HKPILOT_API_KEYS`, split on commas by the CLI. Empty = no auth (loopback only).
    pub api_keys: Vec<String>,
    pub max_body_bytes: usize,
    /// KV cells per engine (prompt + output of all live requests); engine default if None.
    pub n_ctx: Option<u32>,
    /// Inference threads per engine; physical cores if None.
    pub threads: Option<u32>,
    /// Remote OpenAI-compatible servers (config `[[remote]]`), served by name.
    pub remotes: Vec<hkpilot_llm_openai::OpenAiConfig>,
    /// The backend that answers requests naming no model, when not the first local one.
    pub default_name: Option<String>,
}

fn http_error(e: hkpilot_http::HttpError) -> CliError {
    CliError::usage(e.code(), e.to_string())
}

pub fn run(opts: &ServeOptions) -> Result<Status, CliError> {
    let config = HttpConfig {
        bind: SocketAddr::new(opts.bind, opts.port),
        api_keys: opts.api_keys.clone(),
        max_body_bytes: opts.max_body_bytes,
    };
    // Before the slow model load: a refused bind/key combination fails at once.
    config.validate().map_err(http_error)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
    let mut loaded = load_models(opts)?;
    for remote in &opts.remotes {
        eprintln!(
            "hkpilot serve: connecting to {} at {}",
            remote.name, remote.base_url
        );
        let backend = runtime
            .block_on(hkpilot_llm_openai::OpenAiBackend::connect(remote.clone()))
            .map_err(llm_error)?;
        loaded.push((remote.name.clone(), Arc::new(backend)));
    }
    let mut loaded = loaded.into_iter();
    let Some((first_name, first)) = loaded.next() else {
        return Err(CliError::usage(
            "no_model",
            "no model configured: pass --model PATH.gguf, set HKPILOT_MODEL, or add a [[remote]] server to the config (scripts/setup.sh installs the default SmolLM2)",
        ));
    };
    let mut backends = Backends::new(first_name, first);
    for (name, backend) in loaded {
        backends.add(name, backend).map_err(http_error)?;
    }
    if let Some(name) = &opts.default_name {
        backends.set_default(name).map_err(http_error)?;
    }
    let state = AppState::new(&config, backends).map_err(http_error)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| {
                CliError::usage(
                    "bind_failed",
                    format!(
                        "cannot listen on {}: {e}; choose another --port or stop the program using it",
                        config.bind
                    ),
                )
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::internal(format!("cannot read the bound address: {e}")))?;
        let models = state.backends().names().join(", ");
        let auth = if opts.api_keys.is_empty() {
            "off (loopback only)"
        } else {
            "on"
        };
        // The one stdout line: scripts wait for it and read the address from it.
        println!("listening on http://{addr} (OpenAI API at http://{addr}/v1; models: {models}; API keys: {auth})");
        hkpilot_http::serve(listener, state, shutdown_signal())
            .await
            .map_err(|e| CliError::internal(format!("the HTTP server failed: {e}")))
    })?;
    eprintln!("hkpilot serve: stopped");
    Ok(Status::default())
}

/// A backend and the name requests use for it.
type NamedBackend = (String, Arc<dyn LlmBackend>);

/// Loads every local GGUF model, each named by its engine (the file stem).
fn load_models(opts: &ServeOptions) -> Result<Vec<NamedBackend>, CliError> {
    opts.models
        .iter()
        .map(|path| {
            let engine = load_one(path, opts)?;
            Ok((engine.info().name.clone(), engine))
        })
        .collect()
}

fn load_one(path: &Path, opts: &ServeOptions) -> Result<Arc<dyn LlmBackend>, CliError> {
    let mut config = EngineConfig::new(path);
    if let Some(n) = opts.n_ctx {
        config.n_ctx = n;
    }
    config.n_threads = opts.threads;
    eprintln!("hkpilot serve: loading {}", path.display());
    let engine = LlamaEngine::load(config).map_err(llm_error)?;
    Ok(Arc::new(engine))
}

/// Completes on Ctrl-C or (on Unix) SIGTERM, which is how containers stop us.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            // Without a SIGTERM handler, Ctrl-C still works.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    eprintln!("hkpilot serve: shutting down, finishing open requests");
}
