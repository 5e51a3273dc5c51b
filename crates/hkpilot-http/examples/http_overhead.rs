//! Per-request overhead of the HTTP layer: the same chat request answered by the
//! in-process `EchoBackend` directly and through the server over loopback (JSON and
//! SSE), with mean, p50 and p99 of each and of the difference.
//!
//!     cargo run -p hkpilot-http --example http_overhead -- [REQUESTS]

use std::sync::Arc;
use std::time::{Duration, Instant};

use hkpilot_http::{AppState, Backends, HttpConfig};
use hkpilot_llm::testing::EchoBackend;
use hkpilot_llm::{ChatMessage, ChatRequest, LlmBackend};
use serde_json::json;

const PROMPT: &str = "請用一句話總結這份香港政府報告。Summarise this report in one sentence.";

struct Stats {
    mean: f64,
    p50: f64,
    p99: f64,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |q: f64| ms(v[((v.len() - 1) as f64 * q).round() as usize]);
    Stats {
        mean: v.iter().copied().map(ms).sum::<f64>() / v.len() as f64,
        p50: at(0.5),
        p99: at(0.99),
    }
}

fn row(name: &str, s: &Stats, base: &Stats) {
    println!(
        "| {name:<28} | {:>7.3} | {:>7.3} | {:>7.3} | {:>+7.3} | {:>+7.3} | {:>+7.3} |",
        s.mean,
        s.p50,
        s.p99,
        s.mean - base.mean,
        s.p50 - base.p50,
        s.p99 - base.p99
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5000);
    let backend = Arc::new(EchoBackend::default());
    let request = ChatRequest::new(vec![ChatMessage::user(PROMPT)]);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = HttpConfig {
        bind: addr,
        api_keys: vec!["sk-bench".into()],
        ..HttpConfig::default()
    };
    let state = AppState::new(&config, Backends::single(backend.clone())).unwrap();
    tokio::spawn(hkpilot_http::serve(listener, state, std::future::pending()));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("http://{addr}/v1/chat/completions");
    let body =
        |stream: bool| json!({"messages": [{"role": "user", "content": PROMPT}], "stream": stream});

    // Warm-up: connection set-up, allocator, caches.
    for _ in 0..200 {
        backend.chat(request.clone()).await.unwrap();
        let r = client
            .post(&url)
            .bearer_auth("sk-bench")
            .json(&body(false))
            .send()
            .await
            .unwrap();
        r.bytes().await.unwrap();
    }

    let mut direct = Vec::with_capacity(n);
    let mut http = Vec::with_capacity(n);
    let mut sse = Vec::with_capacity(n);
    // Interleaved so that machine noise hits all three alike.
    for _ in 0..n {
        let t = Instant::now();
        let c = backend.chat(request.clone()).await.unwrap();
        direct.push(t.elapsed());
        assert_eq!(c.text, PROMPT);

        let t = Instant::now();
        let r = client
            .post(&url)
            .bearer_auth("sk-bench")
            .json(&body(false))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
        http.push(t.elapsed());

        let t = Instant::now();
        let r = client
            .post(&url)
            .bearer_auth("sk-bench")
            .json(&body(true))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
        sse.push(t.elapsed());
    }
    let base = stats(direct);
    println!(
        "{n} requests each; times in ms; the last three columns are the difference from in-process"
    );
    println!("| path                         |    mean |     p50 |     p99 |  Δ mean |   Δ p50 |   Δ p99 |");
    println!("|------------------------------|---------|---------|---------|---------|---------|---------|");
    row("in-process backend.chat", &base, &base);
    row("HTTP JSON (keep-alive, auth)", &stats(http), &base);
    row(
        &format!("HTTP SSE ({} chunks)", PROMPT.chars().count() + 3),
        &stats(sse),
        &base,
    );
}
