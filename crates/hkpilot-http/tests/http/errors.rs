//! Every error path answers in OpenAI's JSON error shape with the right status.

use std::sync::Arc;

use hkpilot_http::Backends;
use hkpilot_llm::LlmBackend;
use serde_json::json;

use crate::common::*;

fn chat(content: &str) -> serde_json::Value {
    json!({"model": "tiny", "messages": [{"role": "user", "content": content}], "max_tokens": 4})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_are_required_when_configured() {
    let b = Backends::single(shared_engine() as Arc<dyn LlmBackend>);
    let s = Server::start(b, vec!["sk-first".into(), "sk-second".into()]).await;
    let c = client();
    for path in ["/v1/models", "/metrics"] {
        let r = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        let (status, v) = json_of(r).await;
        assert_eq!((status, error_code(&v)), (401, "missing_api_key"), "{path}");
    }
    let r = c
        .post(s.url("/v1/chat/completions"))
        .bearer_auth("sk-firs")
        .json(&chat("hi"))
        .send()
        .await
        .unwrap();
    let (status, v) = json_of(r).await;
    assert_eq!((status, error_code(&v)), (401, "invalid_api_key"));
    assert_eq!(v["error"]["type"], "authentication_error");
    // Either key works; probes need none.
    let r = c
        .get(s.url("/v1/models"))
        .bearer_auth("sk-second")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        s.post("/v1/chat/completions", &chat("hi")).await.status(),
        200
    );
    assert_eq!(c.get(s.url("/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(c.get(s.url("/readyz")).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_get_json_errors() {
    let s = Server::engine(shared_engine()).await;
    let c = client();
    let send = |body: &'static str| {
        c.post(s.url("/v1/chat/completions"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let (status, v) = json_of(send("{\"messages\": [").await.unwrap()).await;
    assert_eq!((status, error_code(&v)), (400, "invalid_json"));
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 1 column"),
        "serde's message is passed on: {v}"
    );
    let (status, v) = json_of(send("{\"model\": \"tiny\"}").await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing field `messages`"),
        "{v}"
    );
    let (status, v) = json_of(send("").await.unwrap()).await;
    assert_eq!((status, error_code(&v)), (400, "invalid_json"));
    let (status, v) = json_of(send("{\"messages\": \"hi\"}").await.unwrap()).await;
    assert_eq!((status, error_code(&v)), (400, "invalid_json"));
    // Bad values inside well-formed JSON.
    let (status, v) = s
        .post_json(
            "/v1/chat/completions",
            &json!({"messages": [{"role": "user", "content": "x"}], "temperature": -1}),
        )
        .await;
    assert_eq!((status, error_code(&v)), (400, "invalid_request"));
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("temperature"));
    let (status, v) = s
        .post_json("/v1/embeddings", &json!({"input": [[1, 2, 3]]}))
        .await;
    assert_eq!((status, error_code(&v)), (400, "unsupported"));
    assert_eq!(v["error"]["param"], "input");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413_json() {
    let b = Backends::single(shared_engine() as Arc<dyn LlmBackend>);
    let s = Server::start_with(b, Vec::new(), 4096).await;
    let big = "香港".repeat(2000);
    let (status, v) = s.post_json("/v1/chat/completions", &chat(&big)).await;
    assert_eq!((status, error_code(&v)), (413, "payload_too_large"));
    assert!(
        v["error"]["message"].as_str().unwrap().contains("4096"),
        "{v}"
    );
    // Under the limit still works.
    let (status, _) = s.post_json("/v1/chat/completions", &chat("香港")).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_model_route_and_method() {
    let s = Server::engine(shared_engine()).await;
    let mut body = chat("hi");
    body["model"] = json!("gpt-4o");
    let (status, v) = s.post_json("/v1/chat/completions", &body).await;
    assert_eq!((status, error_code(&v)), (404, "model_not_found"));
    assert_eq!(v["error"]["param"], "model");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("tiny"),
        "names what exists: {v}"
    );
    let (status, v) = s
        .post_json("/v1/embeddings", &json!({"model": "nope", "input": "x"}))
        .await;
    assert_eq!((status, error_code(&v)), (404, "model_not_found"));

    let (status, v) = json_of(s.get("/v1/nothing").await).await;
    assert_eq!((status, error_code(&v)), (404, "not_found"));
    let (status, v) = json_of(s.get("/v1/chat/completions").await).await;
    assert_eq!((status, error_code(&v)), (405, "method_not_allowed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_long_prompt_and_huge_max_tokens_are_400() {
    let s = Server::engine(shared_engine()).await;
    // ~3,000 tokens against a 2,048-token context.
    let long = "香港特別行政區政府 housing policy report ".repeat(300);
    let (status, v) = s.post_json("/v1/chat/completions", &chat(&long)).await;
    assert_eq!(
        (status, error_code(&v)),
        (400, "context_length_exceeded"),
        "{v}"
    );
    assert!(
        v["error"]["message"].as_str().unwrap().contains("2048"),
        "{v}"
    );
    let mut sb = chat(&long);
    sb["stream"] = json!(true);
    let (status, v) = s.post_json("/v1/chat/completions", &sb).await;
    assert_eq!(
        (status, error_code(&v)),
        (400, "context_length_exceeded"),
        "streamed too"
    );

    let mut body = chat("hi");
    body["max_tokens"] = json!(1_000_000_000u64);
    let (status, v) = s.post_json("/v1/chat/completions", &body).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["param"], "max_tokens");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the maximum is 2047"),
        "{v}"
    );
    let (status, v) = s
        .post_json(
            "/v1/completions",
            &json!({"prompt": "x", "max_completion_tokens": 10_000_000_000_000u64}),
        )
        .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["error"]["param"], "max_completion_tokens");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_options_are_named() {
    let s = Server::engine(shared_engine()).await;
    for (extra, param) in [
        (json!({"n": 3}), "n"),
        (json!({"frequency_penalty": 0.5}), "frequency_penalty"),
        (json!({"logprobs": true}), "logprobs"),
        (
            json!({"tools": [{"type": "function", "function": {"name": "f"}}]}),
            "tools",
        ),
    ] {
        let mut body = chat("hi");
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, v) = s.post_json("/v1/chat/completions", &body).await;
        assert_eq!((status, error_code(&v)), (400, "unsupported"), "{extra}");
        assert_eq!(v["error"]["param"], param);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_models_load_probes_answer_and_requests_get_503_loading() {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.set_nonblocking(true).unwrap();
    let addr = socket.local_addr().unwrap();
    let probe = tokio::net::TcpListener::from_std(socket.try_clone().unwrap()).unwrap();
    let (loaded, loaded_rx) = tokio::sync::oneshot::channel::<()>();
    let loading = tokio::spawn(hkpilot_http::serve_while_loading(probe, async move {
        let _ = loaded_rx.await;
    }));
    let c = client();
    let url = |path: &str| format!("http://{addr}{path}");
    let (status, v) = json_of(c.get(url("/healthz")).send().await.unwrap()).await;
    assert_eq!((status, v["status"].as_str()), (200, Some("ok")), "{v}");
    let (status, v) = json_of(c.get(url("/readyz")).send().await.unwrap()).await;
    assert_eq!(
        (status, v["status"].as_str()),
        (503, Some("loading")),
        "{v}"
    );
    for r in [
        c.get(url("/v1/models")).send().await.unwrap(),
        c.post(url("/v1/chat/completions"))
            .json(&chat("你好"))
            .send()
            .await
            .unwrap(),
        c.get(url("/")).send().await.unwrap(),
    ] {
        assert_eq!(r.headers()["retry-after"], "5");
        let (status, v) = json_of(r).await;
        assert_eq!((status, error_code(&v)), (503, "loading_models"), "{v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("retry"),
            "{v}"
        );
    }
    // Loaded: the loading server stops and the same socket serves the real one.
    loaded.send(()).unwrap();
    loading.await.unwrap().unwrap();
    let listener = tokio::net::TcpListener::from_std(socket).unwrap();
    let state = hkpilot_http::AppState::new(
        &hkpilot_http::HttpConfig {
            bind: addr,
            api_keys: vec![],
            max_body_bytes: hkpilot_http::DEFAULT_MAX_BODY_BYTES,
        },
        Backends::single(shared_engine() as Arc<dyn LlmBackend>),
    )
    .unwrap();
    tokio::spawn(hkpilot_http::serve(listener, state, std::future::pending()));
    // A new client: the old one's pooled connections were closed by the loading server.
    let (status, v) = json_of(client().get(url("/readyz")).send().await.unwrap()).await;
    assert_eq!((status, v["status"].as_str()), (200, Some("ready")), "{v}");
}
