//! Test harness: real llama.cpp engines over generated tiny GGUF models (or SmolLM2
//! when installed), a server on 127.0.0.1:0, a plain HTTP client and an SSE parser.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use hkpilot_http::{AppState, Backends, HttpConfig};
use hkpilot_llm::LlmBackend;
use hkpilot_llm_llamacpp::testing::{write_tiny_model, TinyModelSpec};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine, MetricsSnapshot};
use serde_json::Value;
use tokio::sync::oneshot;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The generated tiny model, written once per process.
pub fn tiny_model() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hkpilot-http-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        let path = dir.join("tiny.gguf");
        write_tiny_model(&path, &TinyModelSpec::default()).expect("write tiny model");
        path
    })
}

/// SmolLM2 when installed by scripts/fetch-default-model.sh (or HKPILOT_TEST_MODEL).
pub fn smollm2_path() -> Option<PathBuf> {
    let p = std::env::var_os("HKPILOT_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".models/SmolLM2-135M-Instruct.Q4_1.gguf"));
    p.is_file().then_some(p)
}

pub fn engine_config(path: &Path) -> EngineConfig {
    let mut c = EngineConfig::new(path);
    c.name = Some("tiny".into());
    c.n_ctx = 2048;
    c.n_batch = 256;
    c.n_parallel = 4;
    c.n_cache_slots = 2;
    // One thread: cargo test runs two tests at once, and two models on two spin-waiting
    // threads each oversubscribe a 2-core machine and slow every step several-fold.
    c.n_threads = Some(1);
    c
}

pub fn load(c: EngineConfig) -> Arc<LlamaEngine> {
    Arc::new(LlamaEngine::load(c).expect("load engine"))
}

/// The engine most tests share (loading is the slow part).
pub fn shared_engine() -> Arc<LlamaEngine> {
    static E: OnceLock<Arc<LlamaEngine>> = OnceLock::new();
    Arc::clone(E.get_or_init(|| load(engine_config(tiny_model()))))
}

/// An engine of the test's own with the prefix cache off: every prompt is computed
/// whole, whatever other tests did, so greedy outputs compare exactly.
pub fn uncached_engine() -> Arc<LlamaEngine> {
    let mut c = engine_config(tiny_model());
    c.prefix_cache = false;
    load(c)
}

/// A running server; dropping it shuts the server down.
pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    key: Option<String>,
    _stop: oneshot::Sender<()>,
}

impl Server {
    pub async fn start(backends: Backends, keys: Vec<String>) -> Self {
        Self::start_with(backends, keys, hkpilot_http::DEFAULT_MAX_BODY_BYTES).await
    }

    pub async fn start_with(backends: Backends, keys: Vec<String>, max_body: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let config = HttpConfig {
            bind: addr,
            api_keys: keys.clone(),
            max_body_bytes: max_body,
        };
        let state = AppState::new(&config, backends).expect("valid config");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(hkpilot_http::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Self {
            base: format!("http://{addr}"),
            client: client(),
            key: keys.into_iter().next(),
            _stop: stop,
        }
    }

    /// One engine as the only model.
    pub async fn engine(e: Arc<LlamaEngine>) -> Self {
        Self::start(Backends::single(e as Arc<dyn LlmBackend>), Vec::new()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn auth(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.key {
            Some(k) => r.bearer_auth(k),
            None => r,
        }
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.auth(self.client.post(self.url(path)).json(body))
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.auth(self.client.get(self.url(path)))
            .send()
            .await
            .expect("request")
    }

    /// POSTs and returns (status, JSON body), checking the body is JSON.
    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        json_of(self.post(path, body).await).await
    }

    pub async fn metrics_text(&self) -> String {
        let r = self.get("/metrics").await;
        assert_eq!(r.status(), 200);
        r.text().await.unwrap()
    }
}

pub fn client() -> reqwest::Client {
    // Tests talk to loopback only; never through a proxy from the environment.
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

pub async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = r.text().await.unwrap();
    assert!(
        ct.starts_with("application/json"),
        "status {status}: content-type {ct:?}, body {text:?}"
    );
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text:?}"));
    (status, v)
}

/// Asserts an OpenAI-shaped error and returns its code.
pub fn error_code(v: &Value) -> &str {
    let e = &v["error"];
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(e["type"].is_string(), "{v}");
    assert!(e.get("param").is_some(), "{v}");
    e["code"].as_str().unwrap_or_else(|| panic!("no code: {v}"))
}

/// Splits a raw SSE body into its `data:` payloads, checking each event is whole
/// UTF-8 on its own (a character split across events would fail here).
pub fn sse_events(raw: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let end = rest
            .windows(2)
            .position(|w| w == b"\n\n")
            .unwrap_or(rest.len());
        let event = &rest[..end];
        rest = &rest[(end + 2).min(rest.len())..];
        if event.is_empty() {
            continue;
        }
        let text = std::str::from_utf8(event)
            .unwrap_or_else(|e| panic!("SSE event is not valid UTF-8 ({e}): {event:?}"));
        for line in text.lines() {
            let data = line
                .strip_prefix("data: ")
                .unwrap_or_else(|| panic!("unexpected SSE line {line:?}"));
            out.push(data.to_string());
        }
    }
    out
}

/// Parses the chunks of a stream that ended with `[DONE]`.
pub fn stream_chunks(raw: &[u8]) -> Vec<Value> {
    let events = sse_events(raw);
    assert_eq!(
        events.last().map(String::as_str),
        Some("[DONE]"),
        "{events:?}"
    );
    events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap_or_else(|err| panic!("{err}: {e}")))
        .collect()
}

/// Polls until `pred` holds (the inference thread updates its counters on its own).
pub async fn wait_for(e: &LlamaEngine, what: &str, pred: impl Fn(&MetricsSnapshot) -> bool) {
    let start = Instant::now();
    loop {
        let m = e.metrics();
        if pred(&m) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}: {m:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The value of one metric line, e.g. `hkpilot_http_active_requests`.
pub fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}
