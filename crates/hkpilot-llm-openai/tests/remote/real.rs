//! The real path: HKPilot's own OpenAI-compatible server (`hkpilot-http`) on loopback,
//! serving the embedded llama.cpp engine, reached through the remote backend. Greedy
//! output must be the same text the engine gives in-process for the same request.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hkpilot_http::{AppState, Backends, HttpConfig};
use hkpilot_llm::{
    ChatMessage, ChatRequest, Completion, CompletionRequest, FinishReason, GenerationOptions,
    HealthStatus, LlmBackend, StreamEvent, StructuredOutput,
};
use hkpilot_llm_llamacpp::testing::{write_tiny_model, TinyModelSpec};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine};
use hkpilot_llm_openai::OpenAiBackend;
use serde_json::json;
use tokio::sync::oneshot;

use crate::{config, connect, drain};

fn tiny_model() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hkpilot-openai-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        let path = dir.join("tiny.gguf");
        write_tiny_model(&path, &TinyModelSpec::default()).expect("write tiny model");
        path
    })
}

/// SmolLM2 when installed (scripts fetch it into .models/), or `HKPILOT_TEST_MODEL`.
fn smollm2() -> Option<PathBuf> {
    let p = std::env::var_os("HKPILOT_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../.models/SmolLM2-135M-Instruct.Q4_1.gguf")
        });
    p.is_file().then_some(p)
}

fn load(path: &Path) -> Arc<LlamaEngine> {
    let mut c = EngineConfig::new(path);
    c.n_ctx = 2048;
    c.n_batch = 256;
    c.n_parallel = 2;
    c.n_cache_slots = 2;
    // One thread: cargo test runs two tests at once, and two models on two spin-waiting
    // threads each oversubscribe a 2-core machine and slow every step several-fold.
    c.n_threads = Some(1);
    Arc::new(LlamaEngine::load(c).expect("load engine"))
}

/// One engine per process: loading is the slow part, and engines own their threads,
/// so tests on different runtimes can share one.
fn tiny_engine() -> Arc<LlamaEngine> {
    static E: OnceLock<Arc<LlamaEngine>> = OnceLock::new();
    Arc::clone(E.get_or_init(|| load(tiny_model())))
}

/// A running hkpilot-http server; dropping it shuts the server down.
struct Served {
    remote: OpenAiBackend,
    _stop: oneshot::Sender<()>,
}

async fn serve(name: &str, engine: Arc<LlamaEngine>) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let http = HttpConfig {
        bind: addr,
        ..HttpConfig::default()
    };
    let backend: Arc<dyn LlmBackend> = engine;
    let state = AppState::new(&http, Backends::new(name, backend)).expect("server state");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(hkpilot_http::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let mut c = config(&format!("http://{addr}/v1"));
    c.name = format!("remote-{name}");
    c.model = name.to_string();
    c.supports_embeddings = true;
    c.request_timeout_ms = 120_000;
    c.idle_timeout_ms = 60_000;
    Served {
        remote: connect(c).await,
        _stop: stop,
    }
}

fn greedy(max_tokens: u32) -> GenerationOptions {
    GenerationOptions {
        max_tokens: Some(max_tokens),
        ..GenerationOptions::default()
    }
}

fn bilingual_chat(max_tokens: u32) -> ChatRequest {
    ChatRequest {
        messages: vec![
            ChatMessage::system("You are a helpful assistant. 請用繁體中文回答。"),
            ChatMessage::user("What does the Policy Address say about housing? 房屋政策是甚麼？"),
        ],
        options: greedy(max_tokens),
    }
}

/// Same text, same ending, same token counts: the remote hop changes nothing.
fn assert_same(local: &Completion, remote: &Completion, what: &str) {
    assert_eq!(remote.text, local.text, "{what}: text differs");
    assert_eq!(remote.finish_reason, local.finish_reason, "{what}");
    assert_eq!(
        remote.usage.completion_tokens, local.usage.completion_tokens,
        "{what}"
    );
    assert_eq!(
        remote.usage.prompt_tokens, local.usage.prompt_tokens,
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_server_reports_the_model_and_stays_healthy() {
    let engine = tiny_engine();
    let s = serve("tiny", Arc::clone(&engine)).await;
    let info = s.remote.info();
    assert_eq!(info.name, "remote-tiny");
    assert_eq!(info.context_length, engine.info().context_length);
    assert!(info.supports_embeddings);
    assert_eq!(s.remote.health().await.status, HealthStatus::Ready);
    // Exact when the server tokenizes, otherwise the documented estimate, never a mix.
    let text = "行政長官發表施政報告 The Chief Executive";
    let n = s.remote.count_tokens(text).await.unwrap();
    if s.remote.has_server_tokenizer() {
        assert_eq!(n, engine.count_tokens(text).await.unwrap());
    } else {
        assert!(info.description.contains("ESTIMATED"));
        assert_eq!(n, hkpilot_text::tokens::estimate_tokens(text));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_server_greedy_chat_equals_the_in_process_engine() {
    let mut models = vec![("tiny", tiny_engine())];
    match smollm2() {
        Some(p) => models.push(("smollm2", load(&p))),
        None => eprintln!("SmolLM2 not installed (.models/SmolLM2-135M-Instruct.Q4_1.gguf): checked the tiny model only"),
    }
    for (name, engine) in models {
        let s = serve(name, Arc::clone(&engine)).await;
        let req = bilingual_chat(32);
        let local = engine.chat(req.clone()).await.unwrap();
        assert!(
            !local.text.is_empty(),
            "{name}: the engine produced nothing to compare"
        );
        let remote = s.remote.chat(req.clone()).await.unwrap();
        assert_same(&local, &remote, &format!("{name} chat"));
        let (deltas, end) = drain(s.remote.chat_stream(req).await.unwrap()).await;
        assert_eq!(deltas.concat(), local.text, "{name} streamed chat");
        let Ok(StreamEvent::Done {
            finish_reason,
            usage,
        }) = end
        else {
            panic!("{name}: stream ended with {end:?}")
        };
        assert_eq!(
            (finish_reason, usage.completion_tokens),
            (local.finish_reason, local.usage.completion_tokens)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_server_greedy_completion_equals_the_in_process_engine() {
    let engine = tiny_engine();
    let s = serve("tiny", Arc::clone(&engine)).await;
    let req = CompletionRequest {
        prompt: "香港特別行政區政府 The Government of the Hong Kong SAR".into(),
        options: GenerationOptions {
            stop: vec!["\n\n".into()],
            ..greedy(24)
        },
    };
    let local = engine.complete(req.clone()).await.unwrap();
    let remote = s.remote.complete(req.clone()).await.unwrap();
    assert_same(&local, &remote, "completion");
    let streamed = s
        .remote
        .complete_stream(req)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_same(&local, &streamed, "streamed completion");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_server_structured_output_matches_the_schema_and_the_engine() {
    let engine = tiny_engine();
    let s = serve("tiny", Arc::clone(&engine)).await;
    let schema = json!({"type": "object", "properties": {
        "lang": {"enum": ["en", "zh-Hant"]},
        "ok": {"type": "boolean"},
        "title": {"type": "string", "maxLength": 8}
    }, "required": ["lang", "ok", "title"]});
    let mut req = bilingual_chat(200);
    req.options.structured = Some(StructuredOutput::JsonSchema(schema.clone()));
    let local = engine.chat(req.clone()).await.unwrap();
    let remote = s.remote.chat(req.clone()).await.unwrap();
    assert_eq!(remote.finish_reason, FinishReason::Stop, "{}", remote.text);
    let v: serde_json::Value = serde_json::from_str(&remote.text).unwrap();
    hkpilot_llm::structured::validate(&v, &schema).unwrap();
    assert_same(&local, &remote, "structured chat");
    let streamed = s
        .remote
        .chat_stream(req)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(streamed.text, local.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_server_embeddings_equal_the_engines() {
    let engine = tiny_engine();
    let s = serve("tiny", Arc::clone(&engine)).await;
    let inputs = vec![
        "房屋供應".to_string(),
        "housing supply".to_string(),
        "".to_string(),
    ];
    let local = engine.embed(&inputs).await;
    let remote = s.remote.embed(&inputs).await;
    match (local, remote) {
        (Ok(l), Ok(r)) => {
            assert_eq!(r.len(), 3);
            for (a, b) in l.iter().zip(&r) {
                assert_eq!(a.len(), b.len());
                assert!(
                    a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-6),
                    "vectors differ"
                );
            }
        }
        // The engine refuses something (e.g. the empty input): the remote says so too.
        (Err(l), Err(r)) => assert_eq!(l.code(), r.code(), "{l} / {r}"),
        (l, r) => panic!("engine {l:?} but remote {r:?}"),
    }
    let two = s.remote.embed(&inputs[..2]).await.unwrap();
    assert_eq!(two.len(), 2);
    assert_ne!(two[0], two[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_server_dropping_a_stream_cancels_the_generation() {
    let engine = tiny_engine();
    let s = serve("tiny", Arc::clone(&engine)).await;
    let before = engine.metrics().requests_cancelled;
    // As long as the context allows, so that only cancellation can end it in time.
    let room = engine.info().context_length.saturating_sub(200).max(64) as u32;
    let req = bilingual_chat(room);
    let mut stream = s.remote.chat_stream(req).await.unwrap();
    let first = stream.next_event().await.unwrap().unwrap();
    assert!(matches!(first, StreamEvent::Delta { .. }), "{first:?}");
    drop(stream);
    // Bounded wait for the engine to see the cancellation travel back over HTTP.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while engine.metrics().requests_cancelled == before {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the engine never saw the cancellation"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
