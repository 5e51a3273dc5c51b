//! Streaming responses: a backend [`TokenStream`] becomes OpenAI's server-sent events,
//! `data: {chunk}` … `data: [DONE]`.
//!
//! The SSE body owns the token stream, so when a client disconnects hyper drops the
//! body, the token stream is dropped with it, and the backend stops computing.
//!
//! A request can wait a long time before its first token (queued behind others, or a
//! long prompt being computed), so the stream sends an SSE comment every few seconds:
//! proxies with idle timeouts keep the connection, and clients ignore comments.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use hkpilot_llm::{LlmError, StreamEvent, TokenStream};
use serde::Serialize;

use crate::metrics::ActiveGuard;
use crate::wire::chat::{ChatChunk, ChunkChoice, Delta};
use crate::wire::completions::{TextChoice, TextChunk};
use crate::wire::{chunk_usage, finish_reason, ChunkUsage, UsageWire};
use crate::{AppState, HttpError};

/// Which OpenAI chunk shape to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    Chat,
    Text,
}

/// Everything a stream needs besides the tokens.
#[derive(Debug)]
pub(crate) struct StreamCtx {
    pub id: String,
    pub created: u64,
    pub model: String,
    pub flavour: Flavour,
    pub include_usage: bool,
    pub state: AppState,
    /// Keeps the request counted as active until the body ends or is dropped; held
    /// only for its `Drop`.
    #[allow(dead_code)]
    pub guard: ActiveGuard,
}

struct Pump {
    tokens: TokenStream,
    ctx: StreamCtx,
    pending: VecDeque<Event>,
    finished: bool,
}

pub(crate) fn respond(tokens: TokenStream, ctx: StreamCtx) -> Response {
    let mut pump = Pump {
        tokens,
        ctx,
        pending: VecDeque::new(),
        finished: false,
    };
    if pump.ctx.flavour == Flavour::Chat {
        // OpenAI opens a chat stream with the role and empty content.
        let first = pump.chunk(
            Delta {
                role: Some("assistant"),
                content: Some(""),
            },
            "",
            None,
        );
        pump.pending.push_back(first);
    }
    let body = futures_util::stream::unfold(pump, |mut pump| async move {
        let event = pump.next().await?;
        Some((Ok::<_, Infallible>(event), pump))
    });
    Sse::new(body)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE_EVERY))
        .into_response()
}

/// Under the 30–60 s idle timeouts common in reverse proxies and load balancers.
const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(10);

fn json_event<T: Serialize>(value: &T) -> Event {
    // Our chunk types always serialise; the fallback keeps the stream well-formed.
    let text = serde_json::to_string(value).unwrap_or_else(|e| {
        format!("{{\"error\":{{\"message\":\"cannot encode chunk: {e}\",\"type\":\"server_error\",\"param\":null,\"code\":\"internal\"}}}}")
    });
    Event::default().data(text)
}

impl Pump {
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Some(e);
            }
            if self.finished {
                return None;
            }
            match self.tokens.next_event().await {
                Some(Ok(StreamEvent::Delta { text, .. })) => {
                    if !text.is_empty() {
                        let ev = self.chunk(
                            Delta {
                                role: None,
                                content: Some(&text),
                            },
                            &text,
                            None,
                        );
                        self.pending.push_back(ev);
                    }
                }
                Some(Ok(StreamEvent::Done {
                    finish_reason: reason,
                    usage,
                })) => {
                    self.finished = true;
                    self.ctx
                        .state
                        .metrics()
                        .record_usage(&self.ctx.model, &usage);
                    let last = self.chunk(Delta::default(), "", Some(finish_reason(reason)));
                    self.pending.push_back(last);
                    if self.ctx.include_usage {
                        let usage = self.usage_chunk(UsageWire::from(&usage));
                        self.pending.push_back(usage);
                    }
                    self.pending.push_back(Event::default().data("[DONE]"));
                }
                Some(Err(e)) => self.fail(e),
                None => self.fail(LlmError::BackendUnavailable(
                    "the model stopped without finishing the reply; check the server logs".into(),
                )),
            }
        }
    }

    /// An error after the response has started: OpenAI clients raise on a data event
    /// holding `error`, so it goes out in the usual error shape and the stream ends.
    fn fail(&mut self, e: LlmError) {
        self.finished = true;
        let err = HttpError::from(e);
        tracing::warn!(code = err.code(), "stream failed: {err}");
        self.pending.push_back(json_event(&err.body()));
    }

    fn chunk(&self, delta: Delta<'_>, text: &str, finish: Option<&'static str>) -> Event {
        let c = &self.ctx;
        match c.flavour {
            Flavour::Chat => json_event(&ChatChunk {
                id: &c.id,
                object: "chat.completion.chunk",
                created: c.created,
                model: &c.model,
                system_fingerprint: None,
                choices: vec![ChunkChoice {
                    index: 0,
                    delta,
                    logprobs: None,
                    finish_reason: finish,
                }],
                usage: chunk_usage(c.include_usage),
            }),
            Flavour::Text => json_event(&TextChunk {
                id: &c.id,
                object: "text_completion",
                created: c.created,
                model: &c.model,
                system_fingerprint: None,
                choices: vec![TextChoice {
                    text: text.into(),
                    index: 0,
                    logprobs: None,
                    finish_reason: finish,
                }],
                usage: chunk_usage(c.include_usage),
            }),
        }
    }

    /// The extra last chunk of `include_usage`: no choices, just usage.
    fn usage_chunk(&self, usage: UsageWire) -> Event {
        let c = &self.ctx;
        let usage = Some(ChunkUsage::Some(usage));
        match c.flavour {
            Flavour::Chat => json_event(&ChatChunk {
                id: &c.id,
                object: "chat.completion.chunk",
                created: c.created,
                model: &c.model,
                system_fingerprint: None,
                choices: Vec::new(),
                usage,
            }),
            Flavour::Text => json_event(&TextChunk {
                id: &c.id,
                object: "text_completion",
                created: c.created,
                model: &c.model,
                system_fingerprint: None,
                choices: Vec::new(),
                usage,
            }),
        }
    }
}
