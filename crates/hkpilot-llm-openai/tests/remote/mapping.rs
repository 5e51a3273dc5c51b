//! What goes on the wire and what is read back: options, authentication, structured
//! output checks, embeddings, token counting, model discovery and health.

use std::sync::Arc;

use hkpilot_llm::{
    ChatMessage, ChatRequest, CompletionRequest, ErrorCode, GenerationOptions, HealthStatus,
    LlmBackend, StructuredOutput,
};
use serde_json::json;

use super::server::*;
use crate::{config, connect, drain};

const CHAT: &str = "/v1/chat/completions";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_api_key_and_usage_request_reach_the_server() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => sse_reply(&sse_body(&["ok"])),
        "/v1/completions" => json_reply(
            200,
            json!({"choices": [{"index": 0, "text": " world", "finish_reason": "length"}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1}}),
        ),
        _ => standard(r),
    })
    .await;
    let var = "HKPILOT_TEST_REMOTE_KEY_OPTIONS";
    std::env::set_var(var, "sk-from-env");
    let mut c = config(&srv.base_url());
    c.api_key_env = Some(var.into());
    let b = connect(c).await;
    let mut req = ChatRequest::new(vec![ChatMessage::system("簡潔"), ChatMessage::user("你好")]);
    req.options = GenerationOptions {
        max_tokens: Some(12),
        temperature: 0.7,
        top_p: 0.8,
        top_k: 20,
        seed: Some(9),
        stop: vec!["。".into()],
        repetition_penalty: 1.2,
        structured: None,
    };
    let (texts, _) = drain(b.chat_stream(req).await.unwrap()).await;
    assert_eq!(texts, ["ok"]);
    let sent = &srv.requests_to(CHAT)[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.headers["authorization"], "Bearer sk-from-env");
    let j = sent.json();
    assert_eq!(j["model"], "m");
    assert_eq!(
        j["messages"][0],
        json!({"role": "system", "content": "簡潔"})
    );
    assert_eq!(
        (
            j["stream"].clone(),
            j["stream_options"]["include_usage"].clone()
        ),
        (json!(true), json!(true))
    );
    assert_eq!(
        (
            j["max_tokens"].clone(),
            j["top_k"].clone(),
            j["seed"].clone()
        ),
        (json!(12), json!(20), json!(9))
    );
    assert_eq!(j["stop"], json!(["。"]));
    for (k, want) in [
        ("temperature", 0.7),
        ("top_p", 0.8),
        ("repetition_penalty", 1.2),
        ("repeat_penalty", 1.2),
    ] {
        assert!(
            (j[k].as_f64().unwrap() - want).abs() < 1e-6,
            "{k}: {}",
            j[k]
        );
    }
    let done = b.complete(CompletionRequest::new("hello")).await.unwrap();
    assert_eq!(
        (done.text.as_str(), done.finish_reason),
        (" world", hkpilot_llm::FinishReason::Length)
    );
    let j = srv.requests_to("/v1/completions")[0].json();
    assert_eq!(
        (j["prompt"].clone(), j["stream"].clone()),
        (json!("hello"), json!(false))
    );
    assert!(
        j.get("top_k").is_none(),
        "top_k 0 means off and is not sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_mode_refuses_extensions_instead_of_dropping_them() {
    let srv = FakeServer::start(|r, _| standard(r)).await;
    let mut c = config(&srv.base_url());
    c.extensions = false;
    let b = connect(c).await;
    let mut req = ChatRequest::new(vec![ChatMessage::user("x")]);
    req.options.top_k = 5;
    let e = b.chat(req).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    assert!(e.to_string().contains("top_k"));
    assert!(srv.requests_to(CHAT).is_empty());
}

fn schema() -> serde_json::Value {
    json!({"type": "object", "properties": {"區": {"type": "string"}, "n": {"type": "integer"}}, "required": ["區", "n"]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_output_is_requested_and_checked() {
    let srv = FakeServer::start(|r, n| match (r.path.as_str(), n) {
        (CHAT, 0) => json_reply(200, chat_json(r#"{"區": "中西區", "n": 1}"#)),
        (CHAT, 1) => json_reply(200, chat_json("Sure! Here is the JSON you asked for.")),
        (CHAT, 2) => json_reply(200, chat_json(r#"{"區": "灣仔"}"#)),
        (CHAT, _) => sse_reply(&sse_body(&["{\"n\": ", "\"one\"}"])),
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let mut req = ChatRequest::new(vec![ChatMessage::user("JSON please")]);
    req.options.structured = Some(StructuredOutput::JsonSchema(schema()));
    let ok = b.chat(req.clone()).await.unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ok.text).unwrap()["區"],
        "中西區"
    );
    let sent = srv.requests_to(CHAT)[0].json();
    assert_eq!(sent["response_format"]["type"], "json_schema");
    assert_eq!(sent["response_format"]["json_schema"]["schema"], schema());
    assert_eq!(
        sent["json_schema"],
        schema(),
        "llama.cpp's extension is sent too"
    );
    for _ in 0..2 {
        let e = b.chat(req.clone()).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
        assert!(
            e.to_string().contains("did not honour the JSON schema"),
            "{e}"
        );
    }
    let (_, end) = drain(b.chat_stream(req).await.unwrap()).await;
    let e = end.unwrap_err();
    assert!(e.to_string().contains("does not match"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeddings_come_back_in_input_order() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        "/v1/embeddings" => json_reply(
            200,
            json!({"object": "list", "data": [
                {"object": "embedding", "index": 1, "embedding": [0.0, 1.0]},
                {"object": "embedding", "index": 0, "embedding": [1.0, 0.0]}]}),
        ),
        _ => standard(r),
    })
    .await;
    let mut c = config(&srv.base_url());
    let off = connect(c.clone()).await;
    let e = off.embed(&["a".into()]).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
    assert!(srv.requests_to("/v1/embeddings").is_empty());
    c.supports_embeddings = true;
    let b = connect(c).await;
    assert!(b.info().supports_embeddings);
    let v = b.embed(&["香港".into(), "Hong Kong".into()]).await.unwrap();
    assert_eq!(v, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
    assert_eq!(
        srv.requests_to("/v1/embeddings")[0].json()["input"],
        json!(["香港", "Hong Kong"])
    );
    let e = b
        .embed(&["only".into(), "three".into(), "inputs".into()])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("2 embeddings for 3 inputs"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_counts_are_exact_with_a_server_tokenizer_and_say_so_without() {
    let with = FakeServer::start(|r, _| match r.path.as_str() {
        "/tokenize" => {
            let n = r.json()["content"].as_str().unwrap().chars().count();
            json_reply(200, json!({"tokens": (0..n as u32).collect::<Vec<_>>()}))
        }
        _ => standard(r),
    })
    .await;
    let b = connect(config(&with.base_url())).await;
    assert!(b.has_server_tokenizer());
    assert!(b
        .info()
        .description
        .contains(&format!("exact via http://{}/tokenize", with.addr)));
    assert_eq!(b.count_tokens("政府總部").await.unwrap(), 4);
    assert_eq!(b.tokenize("ab", true).await.unwrap(), vec![0, 1]);
    assert_eq!(
        with.requests_to("/tokenize").last().unwrap().json()["add_special"],
        true
    );

    let without = FakeServer::start(|r, _| standard(r)).await;
    let b = connect(config(&without.base_url())).await;
    assert!(!b.has_server_tokenizer());
    assert!(
        b.info().description.contains("ESTIMATED"),
        "{}",
        b.info().description
    );
    let text = "The Chief Executive delivered the Policy Address. 行政長官發表施政報告。";
    assert_eq!(
        b.count_tokens(text).await.unwrap(),
        hkpilot_text::tokens::estimate_tokens(text)
    );
    let e = b.tokenize(text, false).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported, "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_length_comes_from_the_server_or_the_config_never_a_guess() {
    // llama.cpp style: no length in /v1/models, n_ctx in /props, n_ctx_train in meta.
    let llama = FakeServer::start(|r, _| match r.path.as_str() {
        "/v1/models" => json_reply(
            200,
            json!({"object": "list", "data": [
            {"id": "other"}, {"id": "m", "meta": {"n_ctx_train": 8192, "n_vocab": 49152}}]}),
        ),
        "/props" => json_reply(200, json!({"default_generation_settings": {"n_ctx": 2048}})),
        _ => standard(r),
    })
    .await;
    let b = connect(config(&llama.base_url())).await;
    let i = b.info();
    assert_eq!(
        (i.context_length, i.train_context_length, i.vocab_size),
        (2048, 8192, 49152)
    );
    assert_eq!(i.name, "test-remote");

    let silent = FakeServer::start(|r, _| match r.path.as_str() {
        "/v1/models" => json_reply(200, json!({"data": [{"id": "m"}]})),
        _ => standard(r),
    })
    .await;
    let e = hkpilot_llm_openai::OpenAiBackend::connect(config(&silent.base_url()))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("set context_length"), "{e}");
    let mut c = config(&silent.base_url());
    c.context_length = Some(1000);
    assert_eq!(connect(c).await.info().context_length, 1000);

    let mut c = config(&llama.base_url());
    c.model = "missing".into();
    let e = hkpilot_llm_openai::OpenAiBackend::connect(c)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ModelNotFound);
    assert!(e.to_string().contains("\"other\", \"m\""), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reads_health_or_falls_back_to_the_model_list() {
    let srv = FakeServer::start(|r, n| match (r.path.as_str(), n) {
        ("/health", 0) => json_reply(200, json!({"status": "ok"})),
        ("/health", 1) => json_reply(503, json!({"error": {"message": "Loading model"}})),
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    assert_eq!(b.health().await.status, HealthStatus::Ready);
    let h = b.health().await;
    assert_eq!(h.status, HealthStatus::Unavailable);
    assert!(h.detail.unwrap().contains("Loading model"));
    // Third call: /health is 404 now, so the model list decides.
    assert_eq!(b.health().await.status, HealthStatus::Ready);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_backend_serves_concurrent_requests_through_clones() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => {
            let said = r.json()["messages"][0]["content"]
                .as_str()
                .unwrap()
                .to_string();
            json_reply(200, chat_json(&said))
        }
        _ => standard(r),
    })
    .await;
    let shared: Arc<dyn LlmBackend> = connect(config(&srv.base_url())).await.into();
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let b = Arc::clone(&shared);
            tokio::spawn(async move {
                let r = b
                    .chat(ChatRequest::new(vec![ChatMessage::user(format!("第{i}"))]))
                    .await;
                (i, r.unwrap().text)
            })
        })
        .collect();
    for t in tasks {
        let (i, text) = t.await.unwrap();
        assert_eq!(text, format!("第{i}"));
    }
}
