//! The happy paths: models, probes, chat and completions (plain and streamed),
//! embeddings, structured output, model routing and metrics.

use std::sync::Arc;

use hkpilot_http::Backends;
use hkpilot_llm::structured::validate;
use hkpilot_llm::testing::EchoBackend;
use hkpilot_llm::LlmBackend;
use serde_json::{json, Value};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_and_probes() {
    let s = Server::engine(shared_engine()).await;
    let (status, v) = json_of(s.get("/v1/models").await).await;
    assert_eq!(status, 200);
    assert_eq!(v["object"], "list");
    assert_eq!(v["data"][0]["id"], "tiny");
    assert_eq!(v["data"][0]["object"], "model");
    assert_eq!(v["data"][0]["context_length"], 2048);
    let (status, v) = json_of(s.get("/v1/models/tiny").await).await;
    assert_eq!((status, v["id"].as_str()), (200, Some("tiny")));
    let (status, v) = json_of(s.get("/v1/models/gpt-4o").await).await;
    assert_eq!((status, error_code(&v)), (404, "model_not_found"));

    let (status, v) = json_of(s.get("/healthz").await).await;
    assert_eq!((status, v["status"].as_str()), (200, Some("ok")));
    let (status, v) = json_of(s.get("/readyz").await).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "ready");
    assert_eq!(v["models"][0]["model"], "tiny");
}

fn chat_body(stream: bool) -> Value {
    json!({
        "model": "tiny",
        "messages": [
            {"role": "system", "content": "你是一個樂於助人的助手。"},
            {"role": "user", "content": "請用繁體中文總結香港特別行政區政府的文件。"}
        ],
        "max_tokens": 48,
        "temperature": 0,
        "stream": stream,
        "stream_options": {"include_usage": true}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_streamed_matches_plain_and_keeps_utf8_whole() {
    // Greedy output may differ between a prompt computed whole and one served from the
    // prefix cache (float sums depend on the batch shape), and other tests' requests
    // change what a shared engine has cached: a private engine without the cache
    // computes both compared prompts whole.
    let s = Server::engine(uncached_engine()).await;
    let (status, plain) = s.post_json("/v1/chat/completions", &chat_body(false)).await;
    assert_eq!(status, 200, "{plain}");
    assert_eq!(plain["object"], "chat.completion");
    assert!(plain["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(plain["model"], "tiny");
    let choice = &plain["choices"][0];
    assert_eq!(choice["message"]["role"], "assistant");
    let text = choice["message"]["content"].as_str().unwrap().to_string();
    let usage = &plain["usage"];
    assert!(usage["prompt_tokens"].as_u64().unwrap() > 10, "{usage}");
    let out = usage["completion_tokens"].as_u64().unwrap();
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + out
    );
    match choice["finish_reason"].as_str().unwrap() {
        "length" => assert_eq!(out, 48),
        "stop" => assert!(out < 48),
        other => panic!("finish_reason {other}"),
    }

    let r = s.post("/v1/chat/completions", &chat_body(true)).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let raw = r.bytes().await.unwrap();
    // Checks every event is whole UTF-8 on its own.
    let chunks = stream_chunks(&raw);
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let mut streamed = String::new();
    for c in &chunks {
        assert_eq!(c["object"], "chat.completion.chunk");
        assert_eq!(c["id"], chunks[0]["id"]);
        if let Some(choice) = c["choices"].get(0) {
            assert!(c["usage"].is_null(), "usage only on the last chunk: {c}");
            if let Some(t) = choice["delta"]["content"].as_str() {
                streamed.push_str(t);
            }
        }
    }
    assert_eq!(streamed, text, "greedy stream must equal the plain reply");
    let finish = &chunks[chunks.len() - 2];
    assert_eq!(
        finish["choices"][0]["finish_reason"],
        choice["finish_reason"]
    );
    let last = chunks.last().unwrap();
    assert_eq!(last["choices"], json!([]));
    assert_eq!(
        last["usage"]["completion_tokens"],
        usage["completion_tokens"]
    );
    assert_eq!(last["usage"]["prompt_tokens"], usage["prompt_tokens"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_plain_and_streamed() {
    // A private engine without the prefix cache, as above.
    let s = Server::engine(uncached_engine()).await;
    let body = json!({"model": "tiny", "prompt": "香港特別行政區政府的文件摘要", "max_tokens": 24});
    let (status, plain) = s.post_json("/v1/completions", &body).await;
    assert_eq!(status, 200, "{plain}");
    assert_eq!(plain["object"], "text_completion");
    let text = plain["choices"][0]["text"].as_str().unwrap();
    let out = plain["usage"]["completion_tokens"].as_u64().unwrap();
    let finish = plain["choices"][0]["finish_reason"].clone();
    assert!(
        (finish == "length" && out == 24) || (finish == "stop" && out < 24),
        "{plain}"
    );

    let mut sb = body.clone();
    sb["stream"] = json!(true);
    let r = s.post("/v1/completions", &sb).await;
    assert_eq!(r.status(), 200);
    let chunks = stream_chunks(&r.bytes().await.unwrap());
    let streamed: String = chunks
        .iter()
        .map(|c| c["choices"][0]["text"].as_str().unwrap())
        .collect();
    assert_eq!(streamed, text);
    assert!(
        chunks.iter().all(|c| c.get("usage").is_none()),
        "no usage without include_usage"
    );
    assert_eq!(
        chunks.last().unwrap()["choices"][0]["finish_reason"],
        finish
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeddings_string_array_and_base64() {
    let s = Server::engine(shared_engine()).await;
    let (status, one) = s
        .post_json(
            "/v1/embeddings",
            &json!({"model": "tiny", "input": "香港政府"}),
        )
        .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["object"], "list");
    let v1: Vec<f64> = serde_json::from_value(one["data"][0]["embedding"].clone()).unwrap();
    assert_eq!(v1.len(), 64, "tiny model's embedding width");
    assert!(one["usage"]["prompt_tokens"].as_u64().unwrap() > 0);

    let (status, many) = s
        .post_json(
            "/v1/embeddings",
            &json!({"input": ["香港政府", "housing policy report"], "encoding_format": "base64"}),
        )
        .await;
    assert_eq!(status, 200, "{many}");
    assert_eq!(many["data"].as_array().unwrap().len(), 2);
    assert_eq!(many["data"][1]["index"], 1);
    let b64 = many["data"][0]["embedding"].as_str().unwrap();
    let decoded = decode_f32_base64(b64);
    assert_eq!(decoded.len(), v1.len());
    for (a, b) in decoded.iter().zip(&v1) {
        assert!((f64::from(*a) - b).abs() < 1e-6, "{a} vs {b}");
    }
}

/// Test-side base64 decoder, written independently of the server's encoder.
fn decode_f32_base64(s: &str) -> Vec<f32> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("bad base64 byte {c}"),
    };
    let mut bytes = Vec::new();
    for quad in s.as_bytes().chunks(4) {
        let data: Vec<u8> = quad.iter().copied().filter(|c| *c != b'=').collect();
        let mut n = 0u32;
        for (i, c) in data.iter().enumerate() {
            n |= u32::from(val(*c)) << (18 - 6 * i);
        }
        let full = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        bytes.extend_from_slice(&full[..data.len() - 1]);
    }
    bytes
        .chunks(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_output_parses_against_its_schema() {
    let s = Server::engine(shared_engine()).await;
    let schema = json!({"type": "object", "properties": {
        "title": {"type": "string", "maxLength": 16},
        "lang": {"enum": ["en", "zh-Hant"]},
        "points": {"type": "array", "items": {"type": "string", "maxLength": 8}, "maxItems": 3},
        "urgent": {"type": "boolean"}
    }, "required": ["title", "lang", "urgent"]});
    for (i, prompt) in [
        "Summarise the housing report as JSON.",
        "以JSON格式摘要這份文件。",
    ]
    .iter()
    .enumerate()
    {
        let body = json!({
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 400,
            "temperature": if i == 0 { 0.0 } else { 1.0 },
            "seed": 7,
            "response_format": {"type": "json_schema", "json_schema": {"name": "summary", "schema": schema}}
        });
        let (status, v) = s.post_json("/v1/chat/completions", &body).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["choices"][0]["finish_reason"], "stop", "{v}");
        let content = v["choices"][0]["message"]["content"].as_str().unwrap();
        let parsed: Value =
            serde_json::from_str(content).unwrap_or_else(|e| panic!("{e}: {content:?}"));
        validate(&parsed, &schema).unwrap_or_else(|e| panic!("{e}: {parsed}"));
    }
    // JSON mode: when the model finishes, the reply is a JSON object.
    let body = json!({
        "messages": [{"role": "user", "content": "JSON please"}],
        "max_tokens": 300,
        "response_format": {"type": "json_object"}
    });
    let (status, v) = s.post_json("/v1/chat/completions", &body).await;
    assert_eq!(status, 200, "{v}");
    let content = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(content.trim_start().starts_with('{'), "{content:?}");
    if v["choices"][0]["finish_reason"] == "stop" {
        let parsed: Value = serde_json::from_str(content).unwrap();
        assert!(parsed.is_object());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_field_routes_between_backends() {
    let mut b = Backends::single(shared_engine() as Arc<dyn LlmBackend>);
    b.add("echo", Arc::new(EchoBackend::default())).unwrap();
    let s = Server::start(b, Vec::new()).await;
    let (_, list) = json_of(s.get("/v1/models").await).await;
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["tiny", "echo"]);
    let ask = |model: Option<&str>| {
        let mut body =
            json!({"messages": [{"role": "user", "content": "回聲 echo"}], "max_tokens": 8});
        if let Some(m) = model {
            body["model"] = json!(m);
        }
        body
    };
    let (status, v) = s
        .post_json("/v1/chat/completions", &ask(Some("echo")))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["model"], "echo");
    assert_eq!(v["choices"][0]["message"]["content"], "回聲 echo");
    // No model: the default (the first one added).
    let (status, v) = s.post_json("/v1/chat/completions", &ask(None)).await;
    assert_eq!((status, v["model"].as_str()), (200, Some("tiny")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_and_tokens() {
    let s = Server::engine(shared_engine()).await;
    let body = json!({"prompt": "Hong Kong", "max_tokens": 5});
    let (status, done) = s.post_json("/v1/completions", &body).await;
    assert_eq!(status, 200, "{done}");
    let out = done["usage"]["completion_tokens"].as_f64().unwrap();
    assert!(out > 0.0);
    assert_eq!(
        s.post("/v1/completions", &json!({"prompt": 5}))
            .await
            .status(),
        400
    );
    let text = s.metrics_text().await;
    let req = |status: &str| {
        metric(
            &text,
            &format!(
                "hkpilot_http_requests_total{{endpoint=\"/v1/completions\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(req("200"), Some(1.0), "{text}");
    assert_eq!(req("400"), Some(1.0), "{text}");
    assert_eq!(
        metric(
            &text,
            "hkpilot_tokens_total{model=\"tiny\",direction=\"out\"}"
        ),
        Some(out),
        "{text}"
    );
    assert!(
        metric(
            &text,
            "hkpilot_tokens_total{model=\"tiny\",direction=\"in\"}"
        )
        .unwrap()
            > 0.0
    );
    assert!(
        text.contains("# TYPE hkpilot_backend_queue_depth gauge"),
        "{text}"
    );
    assert!(
        metric(&text, "hkpilot_backend_queue_depth{model=\"tiny\"}").is_some(),
        "{text}"
    );
    assert!(metric(&text, "hkpilot_backend_active_requests{model=\"tiny\"}").is_some());
    assert_eq!(metric(&text, "hkpilot_http_active_requests"), Some(0.0));
    assert_eq!(
        metric(&text, "hkpilot_backend_up{model=\"tiny\"}"),
        Some(1.0)
    );
}
