//! Behaviour under load and disconnects, on dedicated real engines with one slot.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_mid_stream_frees_the_slot() {
    let mut c = engine_config(tiny_model());
    c.n_parallel = 1;
    c.n_ctx = 4096;
    let e = load(c);
    let s = Server::engine(e.clone()).await;
    let body = json!({
        "messages": [{"role": "user", "content": "講一個很長的香港故事。Tell a long story."}],
        "max_tokens": 4000,
        "stream": true
    });
    let mut r = s.post("/v1/chat/completions", &body).await;
    assert_eq!(r.status(), 200);
    let mut got = 0;
    while got < 3 {
        let chunk = r.chunk().await.unwrap().expect("stream ended early");
        got += chunk.iter().filter(|b| **b == b'\n').count() / 2;
    }
    wait_for(&e, "the stream to hold the slot", |m| m.active == 1).await;
    // Hang up: the response (and its connection) go away mid-stream.
    drop(r);
    wait_for(&e, "the engine to cancel", |m| {
        m.requests_cancelled == 1 && m.active == 0 && m.queued == 0
    })
    .await;
    assert!(e.metrics().generated_tokens < 4000, "{:?}", e.metrics());
    // The server's own gauge drops once the body is gone.
    let mut text = s.metrics_text().await;
    for _ in 0..100 {
        if metric(&text, "hkpilot_http_active_requests") == Some(0.0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        text = s.metrics_text().await;
    }
    assert_eq!(
        metric(&text, "hkpilot_http_active_requests"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        metric(&text, "hkpilot_backend_active_requests{model=\"tiny\"}"),
        Some(0.0)
    );
    // The one slot serves the next caller at once.
    let (status, v) = s
        .post_json(
            "/v1/completions",
            &json!({"prompt": "香港", "max_tokens": 4}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(e.metrics().requests_cancelled, 1);

    // A plain (non-streamed) request whose client gives up is cancelled too: hyper
    // drops the handler's future, and with it the token stream.
    let plain = json!({"prompt": "A very long report", "max_tokens": 4000});
    let before = e.metrics().generated_tokens;
    let err = s
        .client
        .post(s.url("/v1/completions"))
        .json(&plain)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("the client times out first");
    assert!(err.is_timeout(), "{err}");
    wait_for(&e, "the engine to cancel the plain request", |m| {
        m.requests_cancelled == 2 && m.active == 0
    })
    .await;
    assert!(e.metrics().generated_tokens - before < 4000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_answers_busy_with_retry_after_while_serving() {
    let mut c = engine_config(tiny_model());
    c.n_parallel = 1;
    c.queue_capacity = 1;
    c.retry_after = Duration::from_millis(1500);
    let e = load(c);
    let s = Server::engine(e.clone()).await;
    let requests = (0..8).map(|i| {
        let body = json!({
            "prompt": format!("第{i}份文件 document {i}"),
            "max_tokens": 1000
        });
        let s = &s;
        async move {
            let r = s.post("/v1/completions", &body).await;
            let retry = r
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            let (status, v) = json_of(r).await;
            (status, retry, v)
        }
    });
    let results = join_all(requests).await;
    let mut ok = 0;
    let mut busy = 0;
    for (status, retry, v) in &results {
        match status {
            200 => {
                ok += 1;
                assert!(v["usage"]["completion_tokens"].as_u64().unwrap() > 0, "{v}");
            }
            503 => {
                busy += 1;
                assert_eq!(error_code(v), "busy");
                assert_eq!(v["error"]["type"], "server_busy");
                assert_eq!(retry.as_deref(), Some("2"), "1.5 s rounds up: {v}");
            }
            other => panic!("unexpected status {other}: {v}"),
        }
    }
    assert!(
        busy >= 1,
        "a full queue must refuse some of 8 requests: {results:?}"
    );
    assert!(ok >= 1, "the engine must keep serving: {results:?}");
    assert_eq!(e.metrics().busy_rejections, busy as u64);
    // Afterwards the server is ready and serves again.
    wait_for(&e, "idle", |m| m.active == 0 && m.queued == 0).await;
    let (status, _) = json_of(s.get("/readyz").await).await;
    assert_eq!(status, 200);
    let (status, v) = s
        .post_json("/v1/completions", &json!({"prompt": "ok", "max_tokens": 2}))
        .await;
    assert_eq!(status, 200, "{v}");
}
