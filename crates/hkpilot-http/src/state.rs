//! [`AppState`]: what every handler shares (models, keys, counters), cheap to clone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use hkpilot_service::Service;

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
    product: Option<Product>,
}

/// The product side (`/api/`, the page): present when the server has a data directory.
#[derive(Debug)]
pub(crate) struct Product {
    pub service: Arc<Service>,
    /// Mark cookies `Secure` (the server is reached over HTTPS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// Set once an account is known to exist; from then on `/v1` needs a key.
    pub accounts_exist: AtomicBool,
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
                product: None,
            }),
        })
    }

    /// [`AppState::new`] with the product API and page, served by `service`.
    pub fn with_service(
        config: &HttpConfig,
        backends: Backends,
        service: Arc<Service>,
        secure_cookies: bool,
    ) -> Result<Self, HttpError> {
        config.validate()?;
        Ok(Self {
            inner: Arc::new(Inner {
                backends,
                keys: ApiKeys::new(&config.api_keys),
                metrics: HttpMetrics::default(),
                max_body_bytes: config.max_body_bytes,
                product: Some(Product {
                    service,
                    secure_cookies,
                    accounts_exist: AtomicBool::new(false),
                }),
            }),
        })
    }

    pub(crate) fn product(&self) -> Option<&Product> {
        self.inner.product.as_ref()
    }

    /// The service, when the product side is on.
    pub fn service(&self) -> Option<&Arc<Service>> {
        self.product().map(|p| &p.service)
    }

    /// Whether `/v1` must see a key even without bootstrap keys: once accounts exist,
    /// the model is behind them too.
    pub(crate) async fn accounts_exist(&self) -> bool {
        let Some(p) = self.product() else {
            return false;
        };
        if p.accounts_exist.load(Ordering::Relaxed) {
            return true;
        }
        let exist = p.service.has_accounts().await.unwrap_or(true);
        if exist {
            p.accounts_exist.store(true, Ordering::Relaxed);
        }
        exist
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
