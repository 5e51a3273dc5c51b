//! [`HttpConfig`]: what the binary tells the server (address, keys, limits), and the
//! rule that a server reachable from other machines must have keys.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::HttpError;

/// Default limit on request bodies: room for a long document pasted into a prompt.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Default port when the operator names none.
pub const DEFAULT_PORT: u16 = 8080;

/// Server settings. The binary resolves them from flags, `HKPILOT_*` variables and the
/// config file; this crate never reads the environment.
#[derive(Clone)]
pub struct HttpConfig {
    /// Where the binary binds its listener. Only [`HttpConfig::validate`] reads it here.
    pub bind: SocketAddr,
    /// Accepted `Authorization: Bearer` keys. Empty = no authentication, which is only
    /// allowed on loopback binds (see [`requires_keys`]).
    pub api_keys: Vec<String>,
    /// Largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
}

impl std::fmt::Debug for HttpConfig {
    // Keys never reach logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpConfig")
            .field("bind", &self.bind)
            .field(
                "api_keys",
                &format_args!("[{} redacted]", self.api_keys.len()),
            )
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT),
            api_keys: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// True when a server bound to `bind` can be reached from other machines and so must
/// not run without API keys.
pub fn requires_keys(bind: &SocketAddr) -> bool {
    !bind.ip().is_loopback()
}

impl HttpConfig {
    /// Checks the settings before the server starts.
    pub fn validate(&self) -> Result<(), HttpError> {
        if let Some(i) = self.api_keys.iter().position(|k| k.trim().is_empty()) {
            return Err(HttpError::Config(format!(
                "API key number {} is empty; remove the stray comma from HKPILOT_API_KEYS",
                i + 1
            )));
        }
        if self.api_keys.is_empty() && requires_keys(&self.bind) {
            return Err(HttpError::Config(format!(
                "binding {} exposes the server beyond this machine, so API keys are required; set HKPILOT_API_KEYS or bind to 127.0.0.1",
                self.bind
            )));
        }
        if self.max_body_bytes < 1024 {
            return Err(HttpError::Config(format!(
                "max_body_bytes is {}; at least 1024 is needed for any request",
                self.max_body_bytes
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_binds_may_run_without_keys() {
        assert!(!requires_keys(&"127.0.0.1:8080".parse().unwrap()));
        assert!(!requires_keys(&"[::1]:8080".parse().unwrap()));
        assert!(requires_keys(&"0.0.0.0:8080".parse().unwrap()));
        assert!(requires_keys(&"192.168.1.5:8080".parse().unwrap()));
        assert!(requires_keys(&"[::]:8080".parse().unwrap()));
    }

    #[test]
    fn validate_rejects_open_public_binds_and_empty_keys() {
        let mut c = HttpConfig {
            bind: "0.0.0.0:80".parse().unwrap(),
            ..HttpConfig::default()
        };
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("HKPILOT_API_KEYS"), "{e}");
        c.api_keys = vec!["k1".into(), " ".into()];
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("number 2 is empty"), "{e}");
        c.api_keys = vec!["k1".into()];
        c.validate().unwrap();
        assert!(!format!("{c:?}").contains("k1"));
    }
}
