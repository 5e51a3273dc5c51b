//! Integration tests of the remote backend against real HTTP servers on loopback:
//! scripted misbehaving servers (`faults`, `mapping`) and HKPilot's own
//! OpenAI-compatible server over the embedded llama.cpp engine (`real`).

mod remote {
    pub mod faults;
    pub mod mapping;
    pub mod real;
    pub mod server;
}

use hkpilot_llm::{StreamEvent, TokenStream};
use hkpilot_llm_openai::{OpenAiBackend, OpenAiConfig};

/// A config for a test server: fast back-off so retry tests stay short.
pub fn config(base_url: &str) -> OpenAiConfig {
    let mut c = OpenAiConfig::new("test-remote", base_url, "m");
    c.backoff_base_ms = 1;
    c.backoff_max_ms = 20;
    c.request_timeout_ms = 20_000;
    c.idle_timeout_ms = 20_000;
    c
}

pub async fn connect(c: OpenAiConfig) -> OpenAiBackend {
    OpenAiBackend::connect(c)
        .await
        .expect("connect to the test server")
}

/// Reads a stream to its end: the texts of the deltas, and how it ended.
pub async fn drain(
    mut s: TokenStream,
) -> (Vec<String>, Result<StreamEvent, hkpilot_llm::LlmError>) {
    let mut texts = Vec::new();
    while let Some(ev) = s.next_event().await {
        match ev {
            Ok(StreamEvent::Delta { text, .. }) => texts.push(text),
            Ok(done @ StreamEvent::Done { .. }) => return (texts, Ok(done)),
            Err(e) => return (texts, Err(e)),
        }
    }
    panic!("stream closed without Done or an error after {texts:?}");
}
