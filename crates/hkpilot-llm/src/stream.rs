//! The token stream a backend hands back, and the sending half backends write into.
//!
//! Dropping a [`TokenStream`] is how a caller cancels: backends check
//! [`StreamSender::is_cancelled`] between decode steps and free the sequence.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc;

use crate::{Completion, LlmError, StreamEvent};

/// Receiving half: a `futures_core::Stream` of events, ending after `Done` or an error.
#[derive(Debug)]
pub struct TokenStream {
    rx: mpsc::UnboundedReceiver<Result<StreamEvent, LlmError>>,
}

/// Sending half, owned by the backend. Unbounded on purpose: the inference thread must
/// never block on a slow reader, and a stream is bounded by its `max_tokens` anyway.
#[derive(Debug, Clone)]
pub struct StreamSender {
    tx: mpsc::UnboundedSender<Result<StreamEvent, LlmError>>,
}

/// A connected pair.
pub fn channel() -> (StreamSender, TokenStream) {
    let (tx, rx) = mpsc::unbounded_channel();
    (StreamSender { tx }, TokenStream { rx })
}

impl StreamSender {
    /// Returns false when the reader is gone (the request was cancelled).
    pub fn send(&self, event: Result<StreamEvent, LlmError>) -> bool {
        self.tx.send(event).is_ok()
    }
    pub fn is_cancelled(&self) -> bool {
        self.tx.is_closed()
    }
}

impl TokenStream {
    pub fn channel() -> (StreamSender, TokenStream) {
        channel()
    }

    /// Next event; `None` once the stream is over.
    pub async fn next_event(&mut self) -> Option<Result<StreamEvent, LlmError>> {
        self.rx.recv().await
    }

    /// Blocking variant for non-async callers (never call it inside a runtime thread).
    pub fn blocking_next_event(&mut self) -> Option<Result<StreamEvent, LlmError>> {
        self.rx.blocking_recv()
    }

    /// Reads the stream to its end and joins the text.
    pub async fn collect(mut self) -> Result<Completion, LlmError> {
        let mut acc = Accumulator::default();
        while let Some(ev) = self.next_event().await {
            if let Some(done) = acc.push(ev?) {
                return Ok(done);
            }
        }
        Err(acc.unterminated())
    }

    /// Blocking variant of [`TokenStream::collect`].
    pub fn blocking_collect(mut self) -> Result<Completion, LlmError> {
        let mut acc = Accumulator::default();
        while let Some(ev) = self.blocking_next_event() {
            if let Some(done) = acc.push(ev?) {
                return Ok(done);
            }
        }
        Err(acc.unterminated())
    }
}

#[derive(Default)]
struct Accumulator {
    text: String,
    tokens: Vec<u32>,
}

impl Accumulator {
    fn push(&mut self, ev: StreamEvent) -> Option<Completion> {
        match ev {
            StreamEvent::Delta { text, tokens } => {
                self.text.push_str(&text);
                self.tokens.extend(tokens);
                None
            }
            StreamEvent::Done {
                finish_reason,
                usage,
            } => Some(Completion {
                text: std::mem::take(&mut self.text),
                tokens: std::mem::take(&mut self.tokens),
                finish_reason,
                usage,
            }),
        }
    }
    fn unterminated(&self) -> LlmError {
        LlmError::BackendUnavailable(
            "the backend closed the stream without finishing it; check the server logs".into(),
        )
    }
}

impl futures_core::Stream for TokenStream {
    type Item = Result<StreamEvent, LlmError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}
