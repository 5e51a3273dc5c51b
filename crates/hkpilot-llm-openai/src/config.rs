//! The configuration of one remote backend: where it is, how to authenticate, and how
//! patient to be with it.

use std::path::PathBuf;
use std::time::Duration;

use hkpilot_llm::LlmError;
use serde::{Deserialize, Serialize};

/// One OpenAI-compatible server and model. Unknown keys are rejected so that a typo in
/// a config file fails at start-up instead of being ignored.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenAiConfig {
    /// The name callers use to pick this backend (reported as `ModelInfo::name`).
    pub name: String,
    /// The API root, usually ending in `/v1`, e.g. `http://10.0.0.5:8000/v1`.
    pub base_url: String,
    /// Sent as `Authorization: Bearer …`. Prefer `api_key_env` so the secret stays out
    /// of config files.
    #[serde(default)]
    pub api_key: Option<String>,
    /// Name of an environment variable holding the API key, read at `connect`.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// The remote model id, as listed by `GET {base_url}/models`.
    pub model: String,
    #[serde(default = "defaults::connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Limit for a whole non-streamed request, and for a streamed one to start answering.
    #[serde(default = "defaults::request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// Longest silence tolerated in the middle of a streamed answer.
    #[serde(default = "defaults::idle_timeout_ms")]
    pub idle_timeout_ms: u64,
    /// Retries after the first attempt (so `max_retries + 1` attempts in all).
    #[serde(default = "defaults::max_retries")]
    pub max_retries: u32,
    /// First back-off delay; doubled per retry, with jitter, up to `backoff_max_ms`.
    #[serde(default = "defaults::backoff_base_ms")]
    pub backoff_base_ms: u64,
    /// Longest back-off delay, and the longest `Retry-After` the backend will wait for;
    /// a server asking for longer gets a `busy` error passed on to the caller instead.
    #[serde(default = "defaults::backoff_max_ms")]
    pub backoff_max_ms: u64,
    /// Tokens per request (prompt + output); required when the server does not report
    /// the model's context length, and otherwise overrides it.
    #[serde(default)]
    pub context_length: Option<usize>,
    /// Whether `POST {base_url}/embeddings` works for this model.
    #[serde(default)]
    pub supports_embeddings: bool,
    /// Send the sampling and structured-output extensions of llama.cpp and vLLM
    /// (`top_k`, `repetition_penalty`/`repeat_penalty`, `json_schema`, `guided_json`,
    /// `grammar`). Turn off for servers that reject unknown fields, such as OpenAI's;
    /// requests that need an extension then fail with `unsupported`.
    #[serde(default = "defaults::extensions")]
    pub extensions: bool,
    /// An extra PEM CA certificate to trust, for https servers signed by a private CA
    /// that is not in the system trust store.
    #[serde(default)]
    pub ca_cert_file: Option<PathBuf>,
}

mod defaults {
    pub fn connect_timeout_ms() -> u64 {
        5_000
    }
    pub fn request_timeout_ms() -> u64 {
        300_000
    }
    pub fn idle_timeout_ms() -> u64 {
        60_000
    }
    pub fn max_retries() -> u32 {
        3
    }
    pub fn backoff_base_ms() -> u64 {
        250
    }
    pub fn backoff_max_ms() -> u64 {
        10_000
    }
    pub fn extensions() -> bool {
        true
    }
}

// Hand-written so that the API key never reaches a log line.
impl std::fmt::Debug for OpenAiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiConfig")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("api_key_env", &self.api_key_env)
            .field("model", &self.model)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .field("idle_timeout_ms", &self.idle_timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("backoff_base_ms", &self.backoff_base_ms)
            .field("backoff_max_ms", &self.backoff_max_ms)
            .field("context_length", &self.context_length)
            .field("supports_embeddings", &self.supports_embeddings)
            .field("extensions", &self.extensions)
            .field("ca_cert_file", &self.ca_cert_file)
            .finish()
    }
}

impl OpenAiConfig {
    /// A config with every optional key at its default.
    pub fn new(
        name: impl Into<String>,
        base_url: impl Into<String>,
        model: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            base_url: base_url.into(),
            api_key: None,
            api_key_env: None,
            model: model.into(),
            connect_timeout_ms: defaults::connect_timeout_ms(),
            request_timeout_ms: defaults::request_timeout_ms(),
            idle_timeout_ms: defaults::idle_timeout_ms(),
            max_retries: defaults::max_retries(),
            backoff_base_ms: defaults::backoff_base_ms(),
            backoff_max_ms: defaults::backoff_max_ms(),
            context_length: None,
            supports_embeddings: false,
            extensions: defaults::extensions(),
            ca_cert_file: None,
        }
    }

    /// Rejects values that cannot work, naming the key.
    pub fn validate(&self) -> Result<(), LlmError> {
        let bad = |m: String| {
            Err(LlmError::InvalidRequest(format!(
                "remote backend {:?}: {m}",
                self.name
            )))
        };
        if self.name.trim().is_empty() {
            return bad("name must not be empty".into());
        }
        if self.model.trim().is_empty() {
            return bad("model must name the remote model id (see GET {base_url}/models)".into());
        }
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return bad(format!(
                "base_url must start with http:// or https://, got {:?}",
                self.base_url
            ));
        }
        if reqwest::Url::parse(url).is_err() {
            return bad(format!("base_url {:?} is not a valid URL", self.base_url));
        }
        for (key, v) in [
            ("connect_timeout_ms", self.connect_timeout_ms),
            ("request_timeout_ms", self.request_timeout_ms),
            ("idle_timeout_ms", self.idle_timeout_ms),
            ("backoff_base_ms", self.backoff_base_ms),
        ] {
            if v == 0 {
                return bad(format!("{key} must be at least 1"));
            }
        }
        if self.backoff_max_ms < self.backoff_base_ms {
            return bad(format!(
                "backoff_max_ms ({}) must not be below backoff_base_ms ({})",
                self.backoff_max_ms, self.backoff_base_ms
            ));
        }
        if self.context_length == Some(0) {
            return bad("context_length must be at least 1".into());
        }
        if self.api_key.is_some() && self.api_key_env.is_some() {
            return bad("set api_key or api_key_env, not both".into());
        }
        Ok(())
    }

    /// The API key to send, reading `api_key_env` if that is how it is configured.
    pub fn resolve_api_key(&self) -> Result<Option<String>, LlmError> {
        if let Some(var) = &self.api_key_env {
            return match std::env::var(var) {
                Ok(k) if !k.trim().is_empty() => Ok(Some(k.trim().to_string())),
                _ => Err(LlmError::InvalidRequest(format!(
                    "remote backend {:?}: api_key_env names {var:?}, but that environment variable is not set or empty",
                    self.name
                ))),
            };
        }
        Ok(self.api_key.clone().filter(|k| !k.is_empty()))
    }

    /// `base_url` without a trailing slash, the prefix of `/chat/completions` etc.
    pub(crate) fn api_root(&self) -> String {
        self.base_url.trim().trim_end_matches('/').to_string()
    }

    /// The server root: `base_url` without a trailing `/v1`, where llama.cpp and vLLM
    /// put `/tokenize`, `/health` and `/props`.
    pub(crate) fn server_root(&self) -> String {
        let api = self.api_root();
        api.strip_suffix("/v1").map(str::to_string).unwrap_or(api)
    }

    pub(crate) fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
    pub(crate) fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
    pub(crate) fn idle_timeout(&self) -> Duration {
        Duration::from_millis(self.idle_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_defaults_and_rejects_unknown_keys() {
        let c: OpenAiConfig =
            serde_json::from_str(r#"{"name":"gpu","base_url":"http://h:8000/v1/","model":"qwen"}"#)
                .unwrap();
        assert_eq!(c.max_retries, 3);
        assert!(c.extensions && !c.supports_embeddings);
        assert_eq!(c.api_root(), "http://h:8000/v1");
        assert_eq!(c.server_root(), "http://h:8000");
        c.validate().unwrap();
        let e = serde_json::from_str::<OpenAiConfig>(
            r#"{"name":"gpu","base_url":"http://h","model":"m","retries":2}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("retries"), "{e}");
    }

    #[test]
    fn validation_names_the_key() {
        let mut c = OpenAiConfig::new("gpu", "ftp://h", "m");
        assert!(c.validate().unwrap_err().to_string().contains("base_url"));
        c.base_url = "http://h/v1".into();
        c.backoff_max_ms = 1;
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("backoff_max_ms"));
    }

    #[test]
    fn debug_hides_the_key() {
        let mut c = OpenAiConfig::new("gpu", "http://h/v1", "m");
        c.api_key = Some("sk-secret".into());
        assert!(!format!("{c:?}").contains("sk-secret"));
    }

    #[test]
    fn missing_key_variable_is_named() {
        let mut c = OpenAiConfig::new("gpu", "http://h/v1", "m");
        c.api_key_env = Some("HKPILOT_TEST_SURELY_UNSET_VARIABLE".into());
        let e = c.resolve_api_key().unwrap_err().to_string();
        assert!(e.contains("HKPILOT_TEST_SURELY_UNSET_VARIABLE"), "{e}");
    }
}
