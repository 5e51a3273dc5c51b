//! Health of a remote server: its `/health` (llama.cpp, vLLM, TGI, SGLang) or, for
//! servers without one (OpenAI, Ollama), whether `GET /models` answers.

use std::time::Duration;

use hkpilot_llm::{Health, HealthStatus};
use reqwest::Method;

use crate::transport::Transport;
use crate::wire::error_body_text;

pub async fn check(t: &Transport) -> Health {
    let cfg = t.config();
    // A health check must answer quickly even when generation requests may take minutes.
    let limit = cfg.request_timeout().min(Duration::from_secs(10));
    let url = format!("{}/health", cfg.server_root());
    let (status, detail) = match t.probe(Method::GET, &url, None, limit).await {
        Ok((s, _)) if s.is_success() => (HealthStatus::Ready, None),
        Ok((s, _)) if s.as_u16() == 404 || s.as_u16() == 405 => {
            let models = format!("{}/models", cfg.api_root());
            match t.probe(Method::GET, &models, None, limit).await {
                Ok((s, _)) if s.is_success() => (HealthStatus::Ready, None),
                Ok((s, body)) => (
                    HealthStatus::Unavailable,
                    Some(format!(
                        "{models} answered HTTP {s}: {}",
                        error_body_text(&body)
                    )),
                ),
                Err(e) => (HealthStatus::Unavailable, Some(format!("{models}: {e}"))),
            }
        }
        // llama.cpp answers 503 while it loads the model.
        Ok((s, body)) => (
            HealthStatus::Unavailable,
            Some(format!(
                "{url} answered HTTP {s}: {}",
                error_body_text(&body)
            )),
        ),
        Err(e) => (HealthStatus::Unavailable, Some(format!("{url}: {e}"))),
    };
    Health {
        status,
        // Remote servers do not report their queue in a common form.
        active: 0,
        queued: 0,
        detail: detail.map(|d| format!("remote backend {:?}: {d}", cfg.name)),
    }
}
