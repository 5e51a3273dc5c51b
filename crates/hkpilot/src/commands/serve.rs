//! `hkpilot serve`: loads the configured model(s) into the embedded llama.cpp engine
//! and serves the OpenAI-compatible HTTP API until Ctrl-C or SIGTERM.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hkpilot_http::{AppState, Backends, HttpConfig, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT};
use hkpilot_llm::{LlmBackend, LlmError};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine};

use super::Status;
use crate::error::{CliError, Kind};

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
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            models: Vec::new(),
            api_keys: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            n_ctx: None,
            threads: None,
        }
    }
}

fn llm_error(e: LlmError) -> CliError {
    // A bad model path or file is the operator's to fix: exit code 2.
    let user = e.is_user_error() || matches!(e, LlmError::InvalidModelFile { .. });
    let kind = if user {
        Kind::UserInput
    } else {
        Kind::Internal
    };
    CliError::new(e.code().as_str(), kind, e.to_string())
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
    let backends = load_models(opts)?;
    let state = AppState::new(&config, backends).map_err(http_error)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
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

fn load_models(opts: &ServeOptions) -> Result<Backends, CliError> {
    let Some((first, rest)) = opts.models.split_first() else {
        return Err(CliError::usage(
            "no_model",
            "no model configured: pass --model PATH.gguf or set HKPILOT_MODEL (scripts/fetch-default-model.sh installs the default SmolLM2)",
        ));
    };
    let mut backends = Backends::single(load_one(first, opts)?);
    for path in rest {
        let engine = load_one(path, opts)?;
        let name = engine.info().name.clone();
        backends.add(name, engine).map_err(http_error)?;
    }
    Ok(backends)
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
