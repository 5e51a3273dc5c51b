//! Server counters and their Prometheus text rendering (`GET /metrics`): requests by
//! endpoint and status, tokens in and out by model, and, read from each backend at
//! scrape time, its queue depth and active requests.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use hkpilot_llm::{HealthStatus, Usage};

use crate::AppState;

#[derive(Debug, Default)]
pub(crate) struct HttpMetrics {
    /// (endpoint, status) → count. A mutex is fine: one short update per request.
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// model → (prompt tokens, completion tokens).
    tokens: Mutex<BTreeMap<String, (u64, u64)>>,
    /// Generation requests in progress, streams included until their body ends.
    active: Arc<AtomicUsize>,
}

/// Holds one unit of `active` until dropped (moved into a stream for SSE responses).
#[derive(Debug)]
pub(crate) struct ActiveGuard(Arc<AtomicUsize>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl HttpMetrics {
    pub(crate) fn active_guard(&self) -> ActiveGuard {
        self.active.fetch_add(1, Ordering::Relaxed);
        ActiveGuard(Arc::clone(&self.active))
    }

    pub(crate) fn record_request(&self, endpoint: &str, status: u16) {
        let mut m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *m.entry((endpoint.to_string(), status)).or_default() += 1;
    }

    pub(crate) fn record_usage(&self, model: &str, usage: &Usage) {
        let mut m = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let e = m.entry(model.to_string()).or_default();
        e.0 += usage.prompt_tokens as u64;
        e.1 += usage.completion_tokens as u64;
    }
}

/// Middleware counting every response by route pattern (not raw path, so scanners
/// cannot blow up the label set) and status.
pub(crate) async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    state
        .metrics()
        .record_request(&endpoint, response.status().as_u16());
    response
}

/// Escapes a Prometheus label value.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub(crate) async fn render(state: &AppState) -> String {
    let m = state.metrics();
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        out,
        "# HELP hkpilot_http_requests_total HTTP requests by endpoint and status.\n# TYPE hkpilot_http_requests_total counter"
    );
    for ((endpoint, status), n) in m.requests.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        let _ = writeln!(
            out,
            "hkpilot_http_requests_total{{endpoint=\"{}\",status=\"{status}\"}} {n}",
            label(endpoint)
        );
    }
    let _ = writeln!(
        out,
        "# HELP hkpilot_tokens_total Tokens by model and direction (in = prompt, out = generated).\n# TYPE hkpilot_tokens_total counter"
    );
    for (model, (tin, tout)) in m.tokens.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        let model = label(model);
        let _ = writeln!(
            out,
            "hkpilot_tokens_total{{model=\"{model}\",direction=\"in\"}} {tin}"
        );
        let _ = writeln!(
            out,
            "hkpilot_tokens_total{{model=\"{model}\",direction=\"out\"}} {tout}"
        );
    }
    let _ = writeln!(
        out,
        "# HELP hkpilot_http_active_requests Generation requests being served, open streams included.\n# TYPE hkpilot_http_active_requests gauge\nhkpilot_http_active_requests {}",
        m.active.load(Ordering::Relaxed)
    );
    let mut queue = String::new();
    let mut active = String::new();
    let mut up = String::new();
    for (name, backend) in state.backends().iter() {
        let h = backend.health().await;
        let name = label(name);
        let _ = writeln!(
            queue,
            "hkpilot_backend_queue_depth{{model=\"{name}\"}} {}",
            h.queued
        );
        let _ = writeln!(
            active,
            "hkpilot_backend_active_requests{{model=\"{name}\"}} {}",
            h.active
        );
        let ok = u8::from(h.status != HealthStatus::Unavailable);
        let _ = writeln!(up, "hkpilot_backend_up{{model=\"{name}\"}} {ok}");
    }
    let _ = write!(
        out,
        "# HELP hkpilot_backend_queue_depth Requests waiting for a model slot.\n# TYPE hkpilot_backend_queue_depth gauge\n{queue}\
         # HELP hkpilot_backend_active_requests Requests holding a model slot.\n# TYPE hkpilot_backend_active_requests gauge\n{active}\
         # HELP hkpilot_backend_up 1 when the backend can serve.\n# TYPE hkpilot_backend_up gauge\n{up}"
    );
    if let Some(service) = state.service() {
        let _ = writeln!(
            out,
            "# HELP hkpilot_jobs Background jobs (reading uploads, summaries) by state.\n# TYPE hkpilot_jobs gauge"
        );
        for job_state in [
            hkpilot_core::JobState::Queued,
            hkpilot_core::JobState::Running,
        ] {
            let n = service.store().count_jobs(job_state).await.unwrap_or(0);
            let _ = writeln!(out, "hkpilot_jobs{{state=\"{}\"}} {n}", job_state.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn guard_counts_down_on_drop() {
        let m = HttpMetrics::default();
        let g = m.active_guard();
        let g2 = m.active_guard();
        assert_eq!(m.active.load(Ordering::Relaxed), 2);
        drop(g);
        drop(g2);
        assert_eq!(m.active.load(Ordering::Relaxed), 0);
    }
}
