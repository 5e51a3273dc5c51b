//! HTTP with the policy a remote model needs: timeouts, retries with exponential
//! back-off and jitter on overload and connect failures, `Retry-After`, and one place
//! that turns HTTP failures into [`LlmError`]s naming the backend and the URL.
//!
//! Retries happen only before a 2xx answer arrives; once a stream has started, nothing
//! is retried (tokens already handed to the caller cannot be taken back).

use std::error::Error as _;
use std::hash::BuildHasher;
use std::time::Duration;

use hkpilot_llm::LlmError;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

use crate::wire::{error_body_text, snippet};
use crate::OpenAiConfig;

/// Statuses that mean "overloaded or restarting, try again": the request never ran.
const RETRYABLE: [StatusCode; 4] = [
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
    StatusCode::GATEWAY_TIMEOUT,
];

/// How long a response may take: all of it, or only its headers (streams, whose body
/// is watched by the idle timeout instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Whole,
    Headers,
}

#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    cfg: OpenAiConfig,
    auth: Option<HeaderValue>,
}

enum AttemptError {
    Timeout,
    Http(reqwest::Error),
}

impl Transport {
    pub fn new(cfg: &OpenAiConfig, api_key: Option<&str>) -> Result<Self, LlmError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout())
            .user_agent(concat!("hkpilot/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &cfg.ca_cert_file {
            let pem = std::fs::read(path).map_err(|e| {
                LlmError::InvalidRequest(format!(
                    "remote backend {:?}: cannot read ca_cert_file {}: {e}",
                    cfg.name,
                    path.display()
                ))
            })?;
            let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
                LlmError::InvalidRequest(format!(
                    "remote backend {:?}: ca_cert_file {} is not a PEM certificate: {e}",
                    cfg.name,
                    path.display()
                ))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder.build().map_err(|e| {
            LlmError::Internal(format!("building the HTTP client failed: {}", chain(&e)))
        })?;
        let auth = match api_key {
            Some(k) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {k}")).map_err(|_| {
                    LlmError::InvalidRequest(format!(
                        "remote backend {:?}: the API key contains characters not allowed in an HTTP header",
                        cfg.name
                    ))
                })?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        Ok(Self {
            client,
            cfg: cfg.clone(),
            auth,
        })
    }

    pub fn config(&self) -> &OpenAiConfig {
        &self.cfg
    }

    fn request(&self, method: Method, url: &str, body: Option<&Value>) -> reqwest::RequestBuilder {
        let mut r = self.client.request(method, url);
        if let Some(a) = &self.auth {
            r = r.header(AUTHORIZATION, a.clone());
        }
        if let Some(b) = body {
            r = r
                .header(CONTENT_TYPE, "application/json")
                .body(b.to_string());
        }
        r
    }

    async fn attempt(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        wait: Wait,
        limit: Duration,
    ) -> Result<Response, AttemptError> {
        let req = self.request(method, url, body);
        match wait {
            Wait::Whole => req.timeout(limit).send().await.map_err(|e| {
                if e.is_timeout() && !e.is_connect() {
                    AttemptError::Timeout
                } else {
                    AttemptError::Http(e)
                }
            }),
            Wait::Headers => match tokio::time::timeout(limit, req.send()).await {
                Ok(r) => r.map_err(AttemptError::Http),
                Err(_) => Err(AttemptError::Timeout),
            },
        }
    }

    /// Sends with retries and returns the first 2xx response.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        wait: Wait,
    ) -> Result<Response, LlmError> {
        let attempts = self.cfg.max_retries + 1;
        let max_wait = Duration::from_millis(self.cfg.backoff_max_ms);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= attempts;
            let limit = self.cfg.request_timeout();
            match self.attempt(method.clone(), url, body, wait, limit).await {
                Ok(resp) if resp.status().is_success() => return Ok(resp),
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = parse_retry_after(resp.headers());
                    let too_long = retry_after.is_some_and(|d| d > max_wait);
                    if RETRYABLE.contains(&status) && !last && !too_long {
                        let delay = retry_after.unwrap_or_else(|| self.backoff(attempt));
                        tracing::warn!(backend = %self.cfg.name, %url, %status, attempt,
                            delay_ms = delay.as_millis() as u64, "remote model overloaded; retrying");
                        drop(resp);
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    let body = read_error_body(resp, limit).await;
                    let wait_hint = retry_after.unwrap_or_else(|| self.backoff(attempt));
                    return Err(self.status_error(status, &body, url, attempt, wait_hint));
                }
                Err(AttemptError::Http(e)) if e.is_connect() && !last => {
                    let delay = self.backoff(attempt);
                    tracing::warn!(backend = %self.cfg.name, %url, attempt, error = %chain(&e),
                        "cannot connect to the remote model; retrying");
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(self.transport_error(e, url, attempt, limit)),
            }
        }
    }

    /// Sends with retries and reads a JSON body.
    pub async fn json(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Value, LlmError> {
        let resp = self.send(method, url, body, Wait::Whole).await?;
        self.read_json(resp, url).await
    }

    /// Reads a successful response as JSON, with a clear error for anything else.
    pub async fn read_json(&self, resp: Response, url: &str) -> Result<Value, LlmError> {
        let ctype = content_type(resp.headers());
        let bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let e = if e.is_timeout() {
                    AttemptError::Timeout
                } else {
                    AttemptError::Http(e)
                };
                return Err(self.transport_error(e, url, 1, self.cfg.request_timeout()));
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| {
            self.garbage(
                url,
                &format!(
                    "a body that is not JSON (content-type {ctype}, {e}): {}",
                    snippet(&String::from_utf8_lossy(&bytes))
                ),
            )
        })
    }

    /// One attempt, any status: for optional endpoints probed once (`/tokenize`,
    /// `/health`, `/props`). `Err` says why the server could not be reached.
    pub async fn probe(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        limit: Duration,
    ) -> Result<(StatusCode, Vec<u8>), String> {
        let resp = match self.attempt(method, url, body, Wait::Whole, limit).await {
            Ok(r) => r,
            Err(AttemptError::Timeout) => {
                return Err(format!("no answer within {} ms", limit.as_millis()))
            }
            Err(AttemptError::Http(e)) => return Err(chain(&e)),
        };
        let status = resp.status();
        match resp.bytes().await {
            Ok(b) => Ok((status, b.to_vec())),
            Err(e) => Err(chain(&e)),
        }
    }

    /// An error for a 2xx answer whose content makes no sense.
    pub fn garbage(&self, url: &str, what: &str) -> LlmError {
        LlmError::BackendUnavailable(format!(
            "remote backend {:?} ({url}) answered with {what}; is base_url the OpenAI-compatible API root (usually ending in /v1)?",
            self.cfg.name
        ))
    }

    /// Equal jitter: half the exponential delay for sure, the other half at random, so
    /// many clients retrying together spread out.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.cfg.backoff_base_ms.max(1);
        let exp = base.saturating_mul(1u64 << (attempt.saturating_sub(1)).min(32));
        let d = exp.min(self.cfg.backoff_max_ms);
        let random = std::collections::hash_map::RandomState::new().hash_one(attempt);
        Duration::from_millis(d / 2 + random % (d / 2 + 1))
    }

    fn status_error(
        &self,
        status: StatusCode,
        body: &[u8],
        url: &str,
        attempts: u32,
        retry_after: Duration,
    ) -> LlmError {
        let name = &self.cfg.name;
        let msg = error_body_text(body);
        let tried = if attempts > 1 {
            format!(" after {attempts} attempts")
        } else {
            String::new()
        };
        match status.as_u16() {
            429 => {
                tracing::warn!(backend = %name, %url, %msg, "remote model still busy{tried}");
                LlmError::Busy {
                    retry_after,
                    queued: 0,
                }
            }
            400 | 413 | 422 => LlmError::InvalidRequest(format!(
                "remote backend {name:?} ({url}) rejected the request with HTTP {status}: {msg}"
            )),
            401 | 403 => LlmError::BackendUnavailable(format!(
                "remote backend {name:?} ({url}) refused the credentials (HTTP {status}: {msg}); check api_key or api_key_env"
            )),
            404 if msg.to_lowercase().contains("model") => LlmError::ModelNotFound {
                name: self.cfg.model.clone(),
                hint: format!(
                    "remote backend {name:?} ({url}) answered HTTP 404: {msg}; check `model` against GET {}/models",
                    self.cfg.api_root()
                ),
            },
            404 | 405 | 501 => LlmError::Unsupported(format!(
                "remote backend {name:?} has no {url} (HTTP {status}: {msg}); is base_url the API root, usually ending in /v1?"
            )),
            _ => LlmError::BackendUnavailable(format!(
                "remote backend {name:?} ({url}) answered HTTP {status}{tried}: {msg}"
            )),
        }
    }

    fn transport_error(
        &self,
        e: AttemptError,
        url: &str,
        attempts: u32,
        limit: Duration,
    ) -> LlmError {
        let name = &self.cfg.name;
        let tried = if attempts > 1 {
            format!(" after {attempts} attempts")
        } else {
            String::new()
        };
        LlmError::BackendUnavailable(match e {
            AttemptError::Timeout => format!(
                "remote backend {name:?}: no complete answer from {url} within {} ms (request_timeout_ms){tried}; the server may be overloaded or stuck",
                limit.as_millis()
            ),
            AttemptError::Http(e) if e.is_connect() => format!(
                "remote backend {name:?}: cannot connect to {url}{tried}: {}; check base_url and that the server is running",
                chain(&e)
            ),
            AttemptError::Http(e) => format!(
                "remote backend {name:?}: the request to {url} failed{tried}: {}",
                chain(&e)
            ),
        })
    }
}

/// Best effort: an error body that cannot be read still leaves the status to report.
async fn read_error_body(resp: Response, limit: Duration) -> Vec<u8> {
    match tokio::time::timeout(limit, resp.bytes()).await {
        Ok(Ok(b)) => b.to_vec(),
        _ => Vec::new(),
    }
}

pub fn content_type(h: &HeaderMap) -> String {
    h.get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_ascii_lowercase()
}

/// `Retry-After` as delta-seconds (integer or decimal). The HTTP-date form is not
/// used by model servers and falls back to our own back-off.
pub fn parse_retry_after(h: &HeaderMap) -> Option<Duration> {
    let s = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let secs: f64 = s.parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

/// An error and its causes on one line: reqwest's own message alone rarely says why.
pub fn chain(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        assert_eq!(parse_retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("0.5"));
        assert_eq!(parse_retry_after(&h), Some(Duration::from_millis(500)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(parse_retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("-1"));
        assert_eq!(parse_retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_within_bounds() {
        let mut c = OpenAiConfig::new("t", "http://127.0.0.1:1/v1", "m");
        c.backoff_base_ms = 100;
        c.backoff_max_ms = 1_000;
        let t = Transport::new(&c, None).unwrap();
        for attempt in 1..40 {
            let full = (100u64 << (attempt - 1).min(32)).min(1_000);
            let d = t.backoff(attempt).as_millis() as u64;
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d} ms");
        }
    }
}
