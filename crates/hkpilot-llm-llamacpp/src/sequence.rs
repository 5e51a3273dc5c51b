//! One request while it holds a slot: its prompt, sampler, output text state and what
//! it fed to the model in the current step.

use hkpilot_llm::{FinishReason, LlmError, StreamEvent, StreamSender, Usage};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;

use crate::text::{StopMatcher, StopResult, Utf8Decoder};

/// A request as it travels from the caller to the inference thread.
#[derive(Debug)]
pub(crate) struct Job {
    pub prompt: Vec<LlamaToken>,
    /// Picks the token: penalties, truncation, temperature, then greedy or random.
    pub sampler: LlamaSampler,
    /// The output grammar, kept out of `sampler`: it is consulted on the token
    /// `sampler` picks first and applied to every candidate only when that token is
    /// refused (see `Scheduler::sample_constrained`).
    pub grammar: Option<LlamaSampler>,
    /// Tokens this request may generate (already capped by the context).
    pub max_new: usize,
    pub stop: Vec<String>,
    pub tx: StreamSender,
}

#[derive(Debug)]
pub(crate) struct Sequence {
    pub slot: usize,
    pub job: Job,
    /// Prompt tokens present in the KV cache (reused or computed).
    pub fed: usize,
    pub reused: usize,
    /// Sampled token not yet fed back to the model.
    pub pending: Option<LlamaToken>,
    pub generated: usize,
    /// Tokens added to the batch this step, recorded in the slot table after decode.
    pub feeding: Vec<i32>,
    /// Row of this sequence's logits in the current batch.
    pub row: Option<i32>,
    decoder: Utf8Decoder,
    stop: StopMatcher,
    /// A stop string ended the output: nothing after it may be released.
    stop_matched: bool,
}

/// What happened after a token was sampled.
pub(crate) enum Next {
    Continue,
    Finished(FinishReason),
    /// The reader is gone.
    Cancelled,
}

impl Sequence {
    pub(crate) fn new(slot: usize, job: Job, reused: usize) -> Self {
        let stop = StopMatcher::new(job.stop.clone());
        Self {
            slot,
            job,
            fed: reused,
            reused,
            pending: None,
            generated: 0,
            feeding: Vec::new(),
            row: None,
            decoder: Utf8Decoder::default(),
            stop,
            stop_matched: false,
        }
    }

    pub(crate) fn pending_utf8(&self) -> &[u8] {
        self.decoder.pending()
    }

    pub(crate) fn in_prompt(&self) -> bool {
        self.pending.is_none() && self.fed < self.job.prompt.len()
    }

    /// Handles a sampled token: its text goes out, and we decide whether to go on.
    pub(crate) fn on_token(&mut self, token: LlamaToken, is_eog: bool, piece: &[u8]) -> Next {
        self.generated += 1;
        if is_eog {
            return Next::Finished(FinishReason::Stop);
        }
        let text = self.decoder.push(piece);
        let (out, stopped) = match self.stop.push(&text) {
            StopResult::Continue(t) => (t, false),
            StopResult::Stop(t) => (t, true),
        };
        let sent = self.job.tx.send(Ok(StreamEvent::Delta {
            text: out,
            tokens: vec![token.0 as u32],
        }));
        if !sent {
            return Next::Cancelled;
        }
        if stopped {
            self.stop_matched = true;
            return Next::Finished(FinishReason::Stop);
        }
        if self.generated >= self.job.max_new {
            return Next::Finished(FinishReason::Length);
        }
        self.pending = Some(token);
        Next::Continue
    }

    /// Flushes held text and sends the final event.
    pub(crate) fn finish(&mut self, reason: FinishReason) {
        let mut tail = String::new();
        // Text after a stop string is dropped.
        if !self.stop_matched {
            let rest = self.decoder.finish();
            match self.stop.push(&rest) {
                StopResult::Continue(t) => {
                    tail.push_str(&t);
                    tail.push_str(&self.stop.finish());
                }
                StopResult::Stop(t) => tail.push_str(&t),
            }
        }
        if !tail.is_empty() {
            self.job.tx.send(Ok(StreamEvent::Delta {
                text: tail,
                tokens: Vec::new(),
            }));
        }
        self.job.tx.send(Ok(StreamEvent::Done {
            finish_reason: reason,
            usage: Usage {
                prompt_tokens: self.job.prompt.len(),
                completion_tokens: self.generated,
                cached_prompt_tokens: self.reused,
            },
        }));
    }

    pub(crate) fn fail(&self, err: LlmError) {
        self.job.tx.send(Err(err));
    }
}
