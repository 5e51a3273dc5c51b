//! Turns a streamed HTTP response into a [`TokenStream`]: one task per request reads
//! the SSE body, forwards text as it comes, and drops the connection as soon as the
//! caller drops the stream.

use std::time::Duration;

use futures_util::StreamExt;
use hkpilot_llm::{FinishReason, LlmError, StreamEvent, StreamSender, TokenStream, Usage};
use reqwest::Response;
use serde_json::Value;

use crate::output::{check_structured, fill_usage};
use crate::sse::{SseDecoder, SseEvent};
use crate::transport::{content_type, Transport};
use crate::wire::{parse_piece, snippet, Kind, Piece};

/// How often a task waiting on a silent server checks whether its reader is gone. The
/// sender offers no "closed" future, so this bounds how long a cancelled request keeps
/// its connection open.
const CANCEL_POLL: Duration = Duration::from_millis(25);

/// Everything the reading task needs; owned, because it outlives the call.
#[derive(Debug)]
pub struct StreamJob {
    pub transport: Transport,
    pub url: String,
    pub kind: Kind,
    pub schema: Option<Value>,
    pub prompt_estimate: usize,
}

pub fn spawn(job: StreamJob, resp: Response) -> TokenStream {
    let (tx, stream) = TokenStream::channel();
    tokio::spawn(async move {
        if let Err(e) = run(&job, resp, &tx).await {
            tx.send(Err(e));
        }
    });
    stream
}

/// Resolves once the caller has dropped its [`TokenStream`].
async fn cancelled(tx: &StreamSender) {
    while !tx.is_cancelled() {
        tokio::time::sleep(CANCEL_POLL).await;
    }
}

#[derive(Default)]
struct State {
    text: String,
    finish: Option<FinishReason>,
    usage: Option<Usage>,
    chunks: usize,
}

/// `Ok(())` when the stream ended, was cancelled or the reader left; `Err` is sent on.
async fn run(job: &StreamJob, resp: Response, tx: &StreamSender) -> Result<(), LlmError> {
    let ctype = content_type(resp.headers());
    if ctype.starts_with("application/json") {
        // The server ignored `stream: true` and answered in one piece; accept that.
        let v = job.transport.read_json(resp, &job.url).await?;
        let piece =
            parse_piece(job.kind, false, v).map_err(|e| job.transport.garbage(&job.url, &e))?;
        let mut st = State::default();
        absorb(&mut st, piece, tx);
        return finish(job, st, tx);
    }
    if !ctype.starts_with("text/event-stream") && ctype != "none" {
        let body = tokio::time::timeout(job.transport.config().idle_timeout(), resp.bytes())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        return Err(job.transport.garbage(
            &job.url,
            &format!(
                "content-type {ctype} instead of an event stream: {}",
                snippet(&String::from_utf8_lossy(&body))
            ),
        ));
    }
    let idle = job.transport.config().idle_timeout();
    let mut body = resp.bytes_stream();
    let mut decoder = SseDecoder::new();
    let mut st = State::default();
    loop {
        let next = tokio::select! {
            r = tokio::time::timeout(idle, body.next()) => r,
            () = cancelled(tx) => return Ok(()),
        };
        let bytes = match next {
            Err(_) => return Err(stalled(job, idle, &st)),
            Ok(None) => return end_of_body(job, &decoder, st, tx),
            Ok(Some(Err(e))) => return Err(broken(job, &e, &st)),
            Ok(Some(Ok(b))) => b,
        };
        let events = decoder.push(&bytes).map_err(|e| {
            job.transport
                .garbage(&job.url, &format!("a broken event stream ({e})"))
        })?;
        for ev in events {
            if ev.data == "[DONE]" {
                return finish(job, st, tx);
            }
            let piece = decode_event(job, &ev)?;
            st.chunks += 1;
            if !absorb(&mut st, piece, tx) {
                return Ok(()); // the reader is gone; dropping `body` closes the connection
            }
        }
    }
}

fn decode_event(job: &StreamJob, ev: &SseEvent) -> Result<Piece, LlmError> {
    let v: Value = serde_json::from_str(&ev.data).map_err(|e| {
        job.transport.garbage(
            &job.url,
            &format!(
                "a stream chunk that is not JSON ({e}): {}",
                snippet(&ev.data)
            ),
        )
    })?;
    if ev.event == "error" {
        return Err(mid_stream_error(job, &crate::wire::error_text(&v)));
    }
    parse_piece(job.kind, true, v).map_err(|e| {
        if e.starts_with("the server reported an error") {
            mid_stream_error(job, &e)
        } else {
            job.transport.garbage(
                &job.url,
                &format!(
                    "a stream chunk it could not read ({e}): {}",
                    snippet(&ev.data)
                ),
            )
        }
    })
}

fn mid_stream_error(job: &StreamJob, msg: &str) -> LlmError {
    LlmError::BackendUnavailable(format!(
        "remote backend {:?} ({}) failed mid-stream: {msg}",
        job.transport.config().name,
        job.url
    ))
}

/// Records a piece and forwards its text; false when the reader has gone.
fn absorb(st: &mut State, piece: Piece, tx: &StreamSender) -> bool {
    if piece.finish.is_some() {
        st.finish = piece.finish;
    }
    if piece.usage.is_some() {
        st.usage = piece.usage;
    }
    if piece.text.is_empty() {
        return !tx.is_cancelled();
    }
    st.text.push_str(&piece.text);
    // The server sends text, not token ids; `tokens` stays empty (see the crate docs).
    tx.send(Ok(StreamEvent::Delta {
        text: piece.text,
        tokens: Vec::new(),
    }))
}

fn finish(job: &StreamJob, st: State, tx: &StreamSender) -> Result<(), LlmError> {
    let finish_reason = st.finish.unwrap_or(FinishReason::Stop);
    check_structured(
        &job.transport,
        &job.url,
        job.schema.as_ref(),
        &st.text,
        finish_reason,
    )?;
    let usage = fill_usage(st.usage, job.prompt_estimate, &st.text);
    tx.send(Ok(StreamEvent::Done {
        finish_reason,
        usage,
    }));
    Ok(())
}

/// The body ended. Servers end with `[DONE]`; one that closes cleanly right after a
/// finish reason is accepted too, anything else is a cut-off stream.
fn end_of_body(
    job: &StreamJob,
    decoder: &SseDecoder,
    st: State,
    tx: &StreamSender,
) -> Result<(), LlmError> {
    if st.finish.is_some() && !decoder.has_pending() {
        return finish(job, st, tx);
    }
    Err(LlmError::BackendUnavailable(format!(
        "remote backend {:?}: the stream from {} ended before the server finished it (no [DONE] after {} chunks{}); the server may have crashed or a proxy cut the connection",
        job.transport.config().name,
        job.url,
        st.chunks,
        if decoder.has_pending() { ", last event cut off" } else { "" }
    )))
}

fn stalled(job: &StreamJob, idle: Duration, st: &State) -> LlmError {
    LlmError::BackendUnavailable(format!(
        "remote backend {:?}: no data from {} for {} ms in the middle of a stream (idle_timeout_ms) after {} chunks; the server stalled",
        job.transport.config().name,
        job.url,
        idle.as_millis(),
        st.chunks
    ))
}

fn broken(job: &StreamJob, e: &reqwest::Error, st: &State) -> LlmError {
    LlmError::BackendUnavailable(format!(
        "remote backend {:?}: the connection to {} broke mid-stream after {} chunks: {}",
        job.transport.config().name,
        job.url,
        st.chunks,
        crate::transport::chain(e)
    ))
}
