//! Fault injection: overload, outages, stalls, garbage, cut-off streams, hang-ups and
//! event streams split at every awkward byte boundary.

use std::time::Duration;

use hkpilot_llm::{
    ChatMessage, ChatRequest, ErrorCode, FinishReason, LlmBackend, StreamEvent, Usage,
};
use serde_json::json;

use super::server::*;
use crate::{config, connect, drain};

fn hello() -> ChatRequest {
    ChatRequest::new(vec![ChatMessage::user("你好")])
}

const CHAT: &str = "/v1/chat/completions";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_429_is_retried_after_the_servers_retry_after() {
    let srv = FakeServer::start(|r, n| match (r.path.as_str(), n) {
        (CHAT, 0) => with_header(
            json_reply(429, json!({"error": {"message": "slots full"}})),
            "retry-after",
            "1",
        ),
        (CHAT, _) => json_reply(200, chat_json("好")),
        _ => standard(r),
    })
    .await;
    let mut c = config(&srv.base_url());
    // Our own back-off would be a minute: only honouring Retry-After (1 s) finishes
    // inside the bound below.
    c.backoff_base_ms = 60_000;
    c.backoff_max_ms = 120_000;
    let b = connect(c).await;
    let done = tokio::time::timeout(Duration::from_secs(30), b.chat(hello()))
        .await
        .expect("Retry-After was not honoured")
        .unwrap();
    assert_eq!(done.text, "好");
    assert_eq!(srv.requests_to(CHAT).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_beyond_backoff_max_is_handed_to_the_caller_as_busy() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => with_header(
            json_reply(429, json!({"error": "busy"})),
            "retry-after",
            "7",
        ),
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let e = b.chat(hello()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Busy, "{e}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(
        srv.requests_to(CHAT).len(),
        1,
        "must not wait out a long Retry-After"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_is_retried_until_it_starts() {
    let srv = FakeServer::start(|r, n| match (r.path.as_str(), n) {
        (CHAT, 0) => text_reply(502, "text/html", "<html><h1>502 Bad Gateway</h1></html>"),
        (CHAT, 1) => json_reply(504, json!({"error": "upstream timeout"})),
        (CHAT, _) => sse_reply(&sse_body(&["早", "晨"])),
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let (texts, end) = drain(b.chat_stream(hello()).await.unwrap()).await;
    assert_eq!(texts.concat(), "早晨");
    assert!(matches!(end, Ok(StreamEvent::Done { .. })), "{end:?}");
    assert_eq!(srv.requests_to(CHAT).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_503_names_backend_url_status_and_attempts() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => json_reply(503, json!({"error": {"message": "model is loading"}})),
        _ => standard(r),
    })
    .await;
    let mut c = config(&srv.base_url());
    c.max_retries = 2;
    let b = connect(c).await;
    let e = b.chat(hello()).await.unwrap_err();
    let m = e.to_string();
    assert_eq!(e.code(), ErrorCode::BackendUnavailable, "{m}");
    for part in [
        "test-remote",
        &format!("{}/chat/completions", srv.base_url()),
        "503",
        "3 attempts",
        "model is loading",
    ] {
        assert!(m.contains(part), "{part:?} missing from: {m}");
    }
    assert_eq!(srv.requests_to(CHAT).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_server_fails_connect_naming_the_url() {
    // Port 1 (tcpmux): privileged and unused, so nothing listens there; a port freed a
    // moment ago could be handed to a test running at the same time.
    let url = "http://127.0.0.1:1/v1".to_string();
    let mut c = config(&url);
    c.max_retries = 1;
    let e = hkpilot_llm_openai::OpenAiBackend::connect(c)
        .await
        .unwrap_err();
    let m = e.to_string();
    assert_eq!(e.code(), ErrorCode::BackendUnavailable, "{m}");
    assert!(
        m.contains(&format!("{url}/models")) && m.contains("cannot connect"),
        "{m}"
    );
    assert!(m.contains("2 attempts"), "connect errors are retried: {m}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_server_times_out_with_the_backend_and_url_named() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => Reply::Hang,
        _ => standard(r),
    })
    .await;
    let mut c = config(&srv.base_url());
    c.request_timeout_ms = 1_000;
    let b = connect(c).await;
    for streamed in [false, true] {
        let e = if streamed {
            b.chat_stream(hello()).await.map(|_| ()).unwrap_err()
        } else {
            b.chat(hello()).await.map(|_| ()).unwrap_err()
        };
        let m = e.to_string();
        assert_eq!(e.code(), ErrorCode::BackendUnavailable, "{m}");
        assert!(
            m.contains("test-remote") && m.contains(CHAT) && m.contains("request_timeout_ms"),
            "{m}"
        );
    }
    // A timeout is not an overload signal: it was not retried.
    assert_eq!(srv.requests_to(CHAT).len(), 2);
    assert!(
        srv.wait_for_hangup().await,
        "the timed-out connection was not closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_stalls_midway_hits_the_idle_timeout() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => Reply::StallAfter {
            pieces: vec![delta_event("一").into_bytes()],
        },
        _ => standard(r),
    })
    .await;
    let mut c = config(&srv.base_url());
    c.idle_timeout_ms = 1_000;
    let b = connect(c).await;
    let (texts, end) = drain(b.chat_stream(hello()).await.unwrap()).await;
    assert_eq!(texts, ["一"]);
    let m = end.unwrap_err().to_string();
    assert!(m.contains("idle_timeout_ms") && m.contains(CHAT), "{m}");
    assert!(
        srv.wait_for_hangup().await,
        "the stalled connection was not closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_answers_give_clear_errors() {
    let srv = FakeServer::start(|r, n| match (r.path.as_str(), n) {
        (CHAT, 0) => text_reply(200, "text/html", "<html><body>Login required</body></html>"),
        (CHAT, 1) => json_reply(200, json!({"foo": 1})),
        (CHAT, 2) => text_reply(200, "text/html", "<html>proxy page</html>"),
        (CHAT, 3) => sse_reply("data: {not json\n\n"),
        (CHAT, _) => json_reply(200, json!([1, 2, 3])),
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let e = b.chat(hello()).await.unwrap_err().to_string();
    assert!(
        e.contains("not JSON") && e.contains("Login required") && e.contains(CHAT),
        "{e}"
    );
    let e = b.chat(hello()).await.unwrap_err().to_string();
    assert!(e.contains("neither `choices` nor `usage`"), "{e}");
    let e = b.chat_stream(hello()).await.unwrap();
    let e = drain(e).await.1.unwrap_err().to_string();
    assert!(
        e.contains("instead of an event stream") && e.contains("proxy page"),
        "{e}"
    );
    let (_, end) = drain(b.chat_stream(hello()).await.unwrap()).await;
    let e = end.unwrap_err().to_string();
    assert!(
        e.contains("stream chunk that is not JSON") && e.contains("{not json"),
        "{e}"
    );
    let e = b.chat(hello()).await.unwrap_err().to_string();
    assert!(e.contains("expected a JSON object"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_model_list_fails_connect_naming_the_url() {
    let srv = FakeServer::start(|_, _| {
        text_reply(200, "text/html", "<!doctype html><title>Welcome</title>")
    })
    .await;
    let e = hkpilot_llm_openai::OpenAiBackend::connect(config(&srv.base_url()))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("{}/models", srv.base_url())) && e.contains("Welcome"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_streams_are_errors_not_short_answers() {
    let partial = format!(
        "{}{}data: {{\"choices\":[{{\"ind",
        delta_event("甲"),
        delta_event("乙")
    );
    let p2 = partial.clone();
    let srv = FakeServer::start(move |r, n| match (r.path.as_str(), n) {
        // Connection closed (a close-delimited body ends "cleanly") before [DONE].
        (CHAT, 0) => Reply::UntilClose {
            content_type: "text/event-stream".into(),
            body: p2.clone().into_bytes(),
        },
        // Chunked body cut without its final frame.
        (CHAT, _) => Reply::Chunked {
            content_type: "text/event-stream".into(),
            pieces: vec![p2.clone().into_bytes()],
            pause: Duration::ZERO,
            end: false,
        },
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let (texts, end) = drain(b.chat_stream(hello()).await.unwrap()).await;
    assert_eq!(texts, ["甲", "乙"]);
    let e = end.unwrap_err().to_string();
    assert!(
        e.contains("ended before the server finished") && e.contains("cut off"),
        "{e}"
    );
    let (texts, end) = drain(b.chat_stream(hello()).await.unwrap()).await;
    assert_eq!(texts, ["甲", "乙"]);
    let e = end.unwrap_err().to_string();
    assert!(
        e.contains("broke mid-stream") || e.contains("ended before"),
        "{e}"
    );
    // The non-streamed collect path reports the same failure instead of a short text.
    let e = b
        .chat_stream(hello())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::BackendUnavailable);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stream_closes_the_connection() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => Reply::Endless {
            piece: delta_event("字").into_bytes(),
            pause: Duration::from_millis(5),
        },
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let mut s = b.chat_stream(hello()).await.unwrap();
    let first = s.next_event().await.unwrap().unwrap();
    assert!(matches!(first, StreamEvent::Delta { ref text, .. } if text == "字"));
    drop(s);
    assert!(
        srv.wait_for_hangup().await,
        "the server never saw the client hang up"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stream_of_a_silent_server_closes_the_connection() {
    // Nothing more arrives after the first delta, so only the reader's departure (not
    // a failed send, not the idle timeout) can end the request.
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => Reply::StallAfter {
            pieces: vec![delta_event("停").into_bytes()],
        },
        _ => standard(r),
    })
    .await;
    let mut c = config(&srv.base_url());
    c.idle_timeout_ms = 120_000;
    let b = connect(c).await;
    let mut s = b.chat_stream(hello()).await.unwrap();
    assert!(matches!(
        s.next_event().await,
        Some(Ok(StreamEvent::Delta { .. }))
    ));
    drop(s);
    assert!(
        srv.wait_for_hangup().await,
        "the server never saw the client hang up"
    );
}

/// Cuts `bytes` into pieces of 1–7 bytes in a fixed irregular pattern, so that CRLFs,
/// `data:` prefixes and the three bytes of each Han character all get split.
fn shards(bytes: &[u8]) -> Vec<Vec<u8>> {
    let sizes = [1, 2, 5, 1, 3, 7, 1, 1, 4, 2, 6];
    let mut out = Vec::new();
    let (mut i, mut k) = (0, 0);
    while i < bytes.len() {
        let n = sizes[k % sizes.len()].min(bytes.len() - i);
        out.push(bytes[i..i + n].to_vec());
        i += n;
        k += 1;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_split_at_any_byte_including_inside_characters() {
    let words = ["香港特別行政區", "政府", "，", "施政報告", "😀 ok"];
    let mut body = String::from(": keep-alive comment\r\n\r\n");
    for w in words {
        // Multi-line data (JSON may be split over several data: lines) and CRLF endings.
        let chunk =
            json!({"choices": [{"index": 0, "delta": {"content": w}, "finish_reason": null}]});
        let s = chunk.to_string();
        let (a, z) = s.split_at(s.find("\"delta\"").unwrap());
        body.push_str(&format!("data: {a}\r\ndata: {z}\r\n\r\n"));
    }
    body.push_str(
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n",
    );
    body.push_str(": usage follows\n");
    body.push_str("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":13,\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n");
    body.push_str("data: [DONE]\n\n");
    let pieces = shards(body.as_bytes());
    assert!(
        pieces.iter().any(|p| std::str::from_utf8(p).is_err()),
        "some piece must split a character"
    );
    let srv = FakeServer::start(move |r, _| match r.path.as_str() {
        CHAT => Reply::Chunked {
            content_type: "text/event-stream; charset=utf-8".into(),
            pieces: pieces.clone(),
            pause: Duration::from_millis(1),
            end: true,
        },
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let (texts, end) = drain(b.chat_stream(hello()).await.unwrap()).await;
    assert_eq!(texts, words);
    assert_eq!(
        end.unwrap(),
        StreamEvent::Done {
            finish_reason: FinishReason::Length,
            usage: Usage {
                prompt_tokens: 11,
                completion_tokens: 13,
                cached_prompt_tokens: 4
            },
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_event_mid_stream_is_passed_on() {
    let body = format!(
        "{}data: {{\"error\":{{\"message\":\"CUDA out of memory\"}}}}\n\n",
        delta_event("甲")
    );
    let srv = FakeServer::start(move |r, _| match r.path.as_str() {
        CHAT => sse_reply(&body),
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let (texts, end) = drain(b.chat_stream(hello()).await.unwrap()).await;
    assert_eq!(texts, ["甲"]);
    let e = end.unwrap_err().to_string();
    assert!(
        e.contains("CUDA out of memory") && e.contains("mid-stream"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_ignores_stream_true_still_works() {
    let srv = FakeServer::start(|r, _| match r.path.as_str() {
        CHAT => json_reply(200, chat_json("一次過")),
        _ => standard(r),
    })
    .await;
    let b = connect(config(&srv.base_url())).await;
    let (texts, end) = drain(b.chat_stream(hello()).await.unwrap()).await;
    assert_eq!(texts.concat(), "一次過");
    let StreamEvent::Done { usage, .. } = end.unwrap() else {
        panic!("no Done")
    };
    assert_eq!(usage.prompt_tokens, 5);
}
