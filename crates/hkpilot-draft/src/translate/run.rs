//! One translation run against the model: its settings and counters, chunks sent
//! `concurrency` at a time (buffered, answers in order), one call per chunk with the
//! lines grammar, busy engines waited out, failures turned into pieces.

use super::checks::Piece;
use super::plan::{Chunk, Unit};
use super::prompt::{lines_grammar, parse_answer, system_message, user_message};
use super::{
    prompt_glossary, Stage, TranslateError, TranslateOptions, TranslateProgress,
    DEFAULT_CHUNK_TOKENS, DEFAULT_TRANSLATE_WINDOW,
};
use crate::termbase::Termbase;
use futures_util::stream::{self, StreamExt};
use hkpilot_core::Lang;
use hkpilot_llm::StructuredOutput;
use hkpilot_llm::{ChatMessage, ChatRequest, GenerationOptions, LlmBackend, LlmError};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// One run's model settings and counters.
#[derive(Debug)]
pub(crate) struct Run<'a> {
    pub(super) backend: &'a dyn LlmBackend,
    pub(super) termbase: &'a Termbase,
    pub(super) to: Lang,
    pub(super) system: String,
    pub window: usize,
    pub budget: usize,
    pub(super) concurrency: usize,
    pub options: GenerationOptions,
    pub(super) constrain: AtomicBool,
    pub chunks: AtomicUsize,
    pub retry_chunks: AtomicUsize,
    pub prompt_tokens: AtomicUsize,
    pub completion_tokens: AtomicUsize,
    pub(super) answered: AtomicUsize,
    pub(super) first_error: Mutex<Option<LlmError>>,
}

/// Most times a call waits out a busy engine before giving up.
const BUSY_RETRIES: usize = 30;

impl<'a> Run<'a> {
    pub(super) async fn new(
        backend: &'a dyn LlmBackend,
        termbase: &'a Termbase,
        opts: &TranslateOptions,
    ) -> Result<Run<'a>, TranslateError> {
        let system = system_message(opts.to);
        let context = backend.info().context_length.max(1);
        let window = opts.window.unwrap_or(DEFAULT_TRANSLATE_WINDOW).min(context);
        let instructions = backend.count_tokens(&system).await? + 64;
        if window < instructions + 96 {
            return Err(TranslateError::WindowTooSmall {
                window,
                instructions,
            });
        }
        // The lines, about three times as many tokens of answer, and the glossary.
        let derived = ((window - instructions) / 4).clamp(16, DEFAULT_CHUNK_TOKENS);
        let budget = opts.chunk_tokens.unwrap_or(derived).max(8);
        Ok(Run {
            backend,
            termbase,
            to: opts.to,
            system,
            window,
            budget,
            concurrency: opts.concurrency.max(1),
            options: GenerationOptions {
                seed: Some(opts.seed),
                ..GenerationOptions::default()
            },
            constrain: AtomicBool::new(true),
            chunks: AtomicUsize::new(0),
            retry_chunks: AtomicUsize::new(0),
            prompt_tokens: AtomicUsize::new(0),
            completion_tokens: AtomicUsize::new(0),
            answered: AtomicUsize::new(0),
            first_error: Mutex::new(None),
        })
    }

    pub fn model_name(&self) -> String {
        self.backend.info().name.clone()
    }

    /// Runs chunks `concurrency` at a time; returns, per unit, one piece per segment.
    pub(super) async fn run_chunks(
        &self,
        chunks: &[Chunk],
        units: &[Unit],
        stage: Stage,
        progress: &dyn TranslateProgress,
    ) -> Vec<Vec<Piece>> {
        let done = AtomicUsize::new(0);
        let total = chunks.len();
        progress.update(stage, 0, total);
        let answers: Vec<Vec<Piece>> = stream::iter(chunks.iter().map(|c| async {
            let r = self.run_chunk(c, units).await;
            progress.update(stage, done.fetch_add(1, Ordering::Relaxed) + 1, total);
            r
        }))
        .buffered(self.concurrency)
        .collect()
        .await;
        self.chunks.fetch_add(total, Ordering::Relaxed);
        let mut out: Vec<Vec<Piece>> = vec![Vec::new(); units.len()];
        for (chunk, answer) in chunks.iter().zip(answers) {
            for (line, piece) in chunk.lines.iter().zip(answer) {
                let v = &mut out[line.unit];
                if v.len() <= line.seg {
                    v.resize(line.seg + 1, Piece::Missing);
                }
                v[line.seg] = piece;
            }
        }
        out
    }

    /// One model call: the chunk's lines in, one piece per line out.
    async fn run_chunk(&self, chunk: &Chunk, units: &[Unit]) -> Vec<Piece> {
        let n = chunk.lines.len();
        let mut hits = Vec::new();
        for l in &chunk.lines {
            let lang = units[l.unit].lang.unwrap_or(Lang::En);
            hits.extend(self.termbase.find_terms(&l.text, lang));
        }
        let glossary = prompt_glossary(&hits, self.to);
        let texts: Vec<&str> = chunk.lines.iter().map(|l| l.text.as_str()).collect();
        let user = user_message(&texts, &glossary, self.to);
        let messages = vec![ChatMessage::system(&self.system), ChatMessage::user(user)];
        let prompt = match self.prompt_tokens_of(&messages).await {
            Ok(p) => p,
            Err(e) => return self.failed(e, n),
        };
        let room = self.window.saturating_sub(prompt).max(32);
        // Room for the answer: Chinese takes more tokens than English in most
        // vocabularies (three times as many in an English-only one), English fewer.
        let per = if self.to.is_chinese() { 3.0 } else { 1.5 };
        let want = (chunk.tokens as f32 * per) as usize + 24 * n + 16;
        match self
            .call(messages, lines_grammar(n), want.min(room) as u32)
            .await
        {
            Ok(c) => {
                self.answered.fetch_add(1, Ordering::Relaxed);
                self.prompt_tokens
                    .fetch_add(c.usage.prompt_tokens, Ordering::Relaxed);
                self.completion_tokens
                    .fetch_add(c.usage.completion_tokens, Ordering::Relaxed);
                parse_answer(&c.text, n)
                    .into_iter()
                    .map(|t| t.map_or(Piece::Missing, Piece::Text))
                    .collect()
            }
            Err(e) => self.failed(e, n),
        }
    }

    async fn prompt_tokens_of(&self, messages: &[ChatMessage]) -> Result<usize, LlmError> {
        let mut n = 0;
        for m in messages {
            // A few tokens per message for the chat template's markers.
            n += self.backend.count_tokens(&m.content).await? + 8;
        }
        Ok(n)
    }

    fn failed(&self, e: LlmError, n: usize) -> Vec<Piece> {
        let msg = e.to_string();
        self.first_error.lock().unwrap().get_or_insert(e);
        vec![Piece::Failed(msg); n]
    }

    /// A call with the lines grammar where the backend takes one (a backend that
    /// cannot is asked again without, and not asked again with), waiting out `busy`.
    async fn call(
        &self,
        messages: Vec<ChatMessage>,
        grammar: String,
        max_tokens: u32,
    ) -> Result<hkpilot_llm::Completion, LlmError> {
        let mut busy = 0;
        loop {
            let mut options = self.options.clone();
            options.max_tokens = Some(max_tokens.max(1));
            let constrained = self.constrain.load(Ordering::Relaxed);
            if constrained {
                options.structured = Some(StructuredOutput::Grammar(grammar.clone()));
            }
            let request = ChatRequest {
                messages: messages.clone(),
                options,
            };
            match self.backend.chat(request).await {
                Ok(c) => return Ok(c),
                Err(LlmError::Unsupported(_)) if constrained => {
                    self.constrain.store(false, Ordering::Relaxed);
                }
                Err(LlmError::Busy { retry_after, .. }) if busy < BUSY_RETRIES => {
                    busy += 1;
                    tokio::time::sleep(retry_after).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}
