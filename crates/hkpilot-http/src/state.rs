//! [`AppState`]: what every handler shares (models, keys, counters), cheap to clone.

use std::sync::Arc;

use crate::auth::ApiKeys;
use crate::metrics::HttpMetrics;
use crate::{Backends, HttpConfig, HttpError};

/// The server's shared state; build it once and hand it to [`crate::router`].
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    backends: Backends,
    keys: ApiKeys,
    metrics: HttpMetrics,
    max_body_bytes: usize,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.enabled() {
            "ApiKeys(on)"
        } else {
            "ApiKeys(off)"
        })
    }
}

impl AppState {
    /// Checks the config (see [`HttpConfig::validate`]) and builds the state.
    pub fn new(config: &HttpConfig, backends: Backends) -> Result<Self, HttpError> {
        config.validate()?;
        Ok(Self {
            inner: Arc::new(Inner {
                backends,
                keys: ApiKeys::new(&config.api_keys),
                metrics: HttpMetrics::default(),
                max_body_bytes: config.max_body_bytes,
            }),
        })
    }

    pub fn backends(&self) -> &Backends {
        &self.inner.backends
    }

    pub(crate) fn keys(&self) -> &ApiKeys {
        &self.inner.keys
    }

    pub(crate) fn metrics(&self) -> &HttpMetrics {
        &self.inner.metrics
    }

    pub(crate) fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// Prometheus text of the server's counters (what `GET /metrics` serves).
    pub async fn render_metrics(&self) -> String {
        crate::metrics::render(self).await
    }
}
