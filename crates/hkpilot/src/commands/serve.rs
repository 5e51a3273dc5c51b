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
    /// Requests each engine decodes together; the engine's default if None.
    pub parallel: Option<u32>,
    /// Tokens per decode step; the engine's default if None.
    pub batch_size: Option<u32>,
    /// One KV stream per parallel request (`EngineConfig::kv_unified = false`).
    pub kv_streams: bool,
    pub flash_attention: bool,
    /// Remote OpenAI-compatible servers (config `[[remote]]`), served by name.
    pub remotes: Vec<hkpilot_llm_openai::OpenAiConfig>,
    /// The backend that answers requests naming no model, when not the first local one.
    pub default_name: Option<String>,
    /// `--data-dir`: the database, uploaded files and extracted text.
    pub data_dir: PathBuf,
    pub max_upload_bytes: u64,
    pub secure_cookies: bool,
    pub workers: usize,
    /// Tokens one model pass of a summary may use; half the engine's context if None.
    pub summary_window: Option<usize>,
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
    // Listen before the slow part (loading models, opening the store), answering
    // probes with "loading" meanwhile: an orchestrator then sees a live process that
    // is not ready yet, rather than a refused connection.
    let socket = std::net::TcpListener::bind(config.bind)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| {
            CliError::usage(
                "bind_failed",
                format!(
                    "cannot listen on {}: {e}; choose another --port or stop the program using it",
                    config.bind
                ),
            )
        })?;
    let addr = socket
        .local_addr()
        .map_err(|e| CliError::internal(format!("cannot read the bound address: {e}")))?;
    let (loaded_tx, loaded_rx) = tokio::sync::oneshot::channel::<()>();
    let mut loading = {
        let probe_socket = socket
            .try_clone()
            .map_err(|e| CliError::internal(format!("cannot share the listening socket: {e}")))?;
        let _entered = runtime.enter();
        let listener = tokio::net::TcpListener::from_std(probe_socket)
            .map_err(|e| CliError::internal(format!("cannot listen: {e}")))?;
        runtime.spawn(hkpilot_http::serve_while_loading(listener, async move {
            // Loaded, or failed to load (the sender is dropped): stop either way.
            let _ = loaded_rx.await;
        }))
    };
    eprintln!("hkpilot serve: on {addr}, /readyz says \"loading\" until the models are ready");
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
    let model = backends
        .resolve(None)
        .map(|(_, b)| b.clone())
        .map_err(http_error)?;
    let service = runtime.block_on(open_service(opts, model))?;
    let state = AppState::with_service(&config, backends, service.clone(), opts.secure_cookies)
        .map_err(http_error)?;
    let (stop_jobs, jobs_stopped) = tokio::sync::watch::channel(false);
    let _ = loaded_tx.send(());
    // Idle connections close at once; a client still sending a request gets a few
    // seconds, so that no connection can hold the start back.
    // (The timer is made inside the runtime: created outside, it panics.)
    let stopped = runtime.block_on(async {
        tokio::time::timeout(std::time::Duration::from_secs(5), &mut loading).await
    });
    match stopped {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => eprintln!("hkpilot serve: answering while loading: {e}"),
        Ok(Err(e)) => eprintln!("hkpilot serve: answering while loading stopped: {e}"),
        Err(_) => {
            loading.abort();
            eprintln!("hkpilot serve: closed connections still open 5 s after loading");
        }
    }
    let jobs = runtime.spawn(service.run_jobs(jobs_stopped, std::time::Duration::from_secs(20)));
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(socket)
            .map_err(|e| CliError::internal(format!("cannot listen: {e}")))?;
        let models = state.backends().names().join(", ");
        let auth = if opts.api_keys.is_empty() {
            "off (loopback only)"
        } else {
            "on"
        };
        // The one stdout line: scripts wait for it and read the address from it.
        println!("listening on http://{addr} (web page at http://{addr}/; OpenAI API at http://{addr}/v1; models: {models}; API keys: {auth})");
        let served = hkpilot_http::serve(listener, state, shutdown_signal())
            .await
            .map_err(|e| CliError::internal(format!("the HTTP server failed: {e}")));
        // Jobs get a grace period to finish; what is still running then is queued
        // again at the next start.
        let _ = stop_jobs.send(true);
        if let Ok(Err(e)) = jobs.await {
            eprintln!("hkpilot serve: background jobs: {e}");
        }
        served
    })?;
    eprintln!("hkpilot serve: stopped");
    Ok(Status::default())
}

/// The product side: the store under the data directory and the service over it,
/// summarising with the default model.
async fn open_service(
    opts: &ServeOptions,
    model: Arc<dyn LlmBackend>,
) -> Result<Arc<hkpilot_service::Service>, CliError> {
    let store = hkpilot_store::SqliteStore::open(&opts.data_dir).map_err(|e| {
        CliError::usage(
            "data_dir_unusable",
            format!(
                "cannot open the data directory {}: {e}",
                opts.data_dir.display()
            ),
        )
    })?;
    // One pass gets half the engine's cells, so two can run beside chat requests; with
    // KV streams a request has only its own stream.
    let n_ctx = opts.n_ctx.unwrap_or(4096) as usize;
    let per_request = if opts.kv_streams {
        n_ctx / opts.parallel.unwrap_or(4).max(1) as usize
    } else {
        n_ctx / 2
    };
    let config = hkpilot_service::ServiceConfig {
        max_upload_bytes: opts.max_upload_bytes,
        workers: opts.workers,
        summary_window: opts
            .summary_window
            .unwrap_or(per_request.clamp(512, 4096).min(n_ctx)),
        summary_parallel: 2,
        ..Default::default()
    };
    let service = hkpilot_service::Service::new(Arc::new(store), config, Some(model))
        .map_err(|e| CliError::usage("invalid_config", e.to_string()))?;
    if !service.has_accounts().await.unwrap_or(true) {
        eprintln!(
            "hkpilot serve: no accounts yet; create the first administrator with\n  \
             hkpilot admin create-user --username admin --department it --role system_admin"
        );
    }
    Ok(service)
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
    if let Some(n) = opts.parallel {
        config.n_parallel = n;
    }
    if let Some(n) = opts.batch_size {
        config.n_batch = n;
    }
    config.kv_unified = !opts.kv_streams;
    config.flash_attention = opts.flash_attention;
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
