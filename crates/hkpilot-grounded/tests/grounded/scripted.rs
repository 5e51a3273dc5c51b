//! A scripted backend for pipeline tests: it "summarises" by copying some of the
//! numbered lines it is shown, citing each correctly (or, when told, wrongly), and
//! records every request so tests can inspect prompts, calls and concurrency.

use async_trait::async_trait;
use hkpilot_llm::{
    ChatRequest, CompletionRequest, FinishReason, Health, HealthStatus, LlmBackend, LlmError,
    ModelInfo, Role, StreamEvent, TokenStream, Usage,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How the scripted model misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Copies lines and cites them correctly.
    Faithful,
    /// Copies lines but cites numbers it was not shown.
    Invents,
    /// Copies lines and cites nothing.
    Uncited,
    /// Writes nothing.
    Silent,
    /// Fails every call.
    Fails,
    /// Faithful, but its JSON is cut off.
    BadJson,
}

#[derive(Debug)]
pub struct Scripted {
    info: ModelInfo,
    script: Script,
    pub calls: AtomicUsize,
    in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub requests: Mutex<Vec<ChatRequest>>,
}

impl Scripted {
    pub fn new(context_length: usize, script: Script) -> Self {
        Scripted {
            info: ModelInfo {
                name: "scripted".into(),
                context_length,
                train_context_length: context_length,
                chat_template: None,
                vocab_size: 1000,
                supports_embeddings: false,
                languages: vec!["en".into(), "zh".into()],
                description: "test backend".into(),
            },
            script,
            calls: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
        }
    }

    fn reply(&self, user: &str) -> String {
        let lines: Vec<(u32, &str)> = user
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix('[')?;
                let (k, text) = rest.split_once("] ")?;
                Some((k.parse().ok()?, text))
            })
            .collect();
        let want: usize = user
            .rsplit("Write at most ")
            .next()
            .and_then(|t| t.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(3);
        // Every other line, at most `want`: each pass shortens its input.
        lines
            .iter()
            .step_by(2)
            .take(want.max(1))
            .map(|(k, text)| match self.script {
                Script::Invents => format!("- {text} [{}]\n", k + 500),
                Script::Uncited => format!("- {text}\n"),
                _ => format!("- {text} [{k}]\n"),
            })
            .collect()
    }
}

impl Scripted {
    /// The structured reply: the first line as a key point, the second as an action
    /// item for the Works Bureau, the third as a figure. Malformed JSON when told.
    fn reply_json(&self, user: &str) -> String {
        if self.script == Script::BadJson {
            return "{\"key_points\": [{\"text\": \"unfinished".into();
        }
        let lines: Vec<String> = self
            .reply(user)
            .lines()
            .map(|l| l.trim_start_matches("- ").to_string())
            .collect();
        let item = |l: &String| {
            let (text, cite) = l.rsplit_once(" [").unwrap_or((l, "1]"));
            let cite: u32 = cite.trim_end_matches(']').parse().unwrap_or(1);
            (text.to_string(), cite)
        };
        let mut v = serde_json::json!({"key_points": [], "decisions": [], "figures": [],
            "action_items": [], "open_questions": []});
        for (i, l) in lines.iter().enumerate() {
            let (text, cite) = item(l);
            match i {
                1 => v["action_items"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(
                    {"text": text, "owner": "Works Bureau", "due": null, "cites": [cite]})),
                2 => v["figures"].as_array_mut().unwrap().push(serde_json::json!(
                    {"text": text, "cites": [cite]})),
                _ => v["key_points"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(
                    {"text": text, "cites": [cite]})),
            }
        }
        v.to_string()
    }
}

/// Tokens as the scripted model counts them: words, and each Han character.
pub fn count(text: &str) -> usize {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
                .max(1)
        })
        .sum()
}

#[async_trait]
impl LlmBackend for Scripted {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<TokenStream, LlmError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        // Stay in flight a moment so that concurrent passes overlap.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.requests.lock().unwrap().push(request.clone());
        if self.script == Script::Fails {
            return Err(LlmError::BackendUnavailable("scripted failure".into()));
        }
        let prompt: String = request
            .messages
            .iter()
            .map(|m| m.content.as_str())
            .collect();
        let prompt_tokens = count(&prompt);
        if prompt_tokens >= self.info.context_length {
            return Err(LlmError::ContextLengthExceeded {
                prompt_tokens,
                requested: prompt_tokens + 1,
                max_context: self.info.context_length,
            });
        }
        let user = request
            .messages
            .iter()
            .rfind(|m| m.role == Role::User)
            .map(|m| m.content.clone())
            .unwrap_or_default();
        let json = matches!(
            request.options.structured,
            Some(hkpilot_llm::StructuredOutput::JsonSchema(_))
        );
        let text = if self.script == Script::Silent {
            String::new()
        } else if json {
            self.reply_json(&user)
        } else {
            self.reply(&user)
        };
        let (tx, stream) = TokenStream::channel();
        let completion_tokens = count(&text);
        tx.send(Ok(StreamEvent::Delta {
            text,
            tokens: vec![1],
        }));
        tx.send(Ok(StreamEvent::Done {
            finish_reason: FinishReason::Stop,
            usage: Usage {
                prompt_tokens,
                completion_tokens,
                cached_prompt_tokens: 0,
            },
        }));
        Ok(stream)
    }

    async fn complete_stream(&self, _request: CompletionRequest) -> Result<TokenStream, LlmError> {
        Err(LlmError::Unsupported("completions".into()))
    }

    async fn tokenize(&self, text: &str, _special: bool) -> Result<Vec<u32>, LlmError> {
        Ok(vec![1; count(text)])
    }

    async fn health(&self) -> Health {
        Health {
            status: HealthStatus::Ready,
            active: 0,
            queued: 0,
            detail: None,
        }
    }
}
