//! Cross-site request forgery defences for state-changing requests: a synchroniser
//! token bound to the session, and an Origin/Referer same-origin check.
//!
//! The token is `HMAC-SHA256(key = session token, "hkpilot-csrf-v1")` in hex. It needs
//! no storage, changes with every sign-in, and cannot be forged by another site because
//! the session token sits in an HttpOnly cookie that no script can read. Knowing a
//! CSRF token (it is embedded in pages) tells nothing about the session token.
//!
//! The sign-in form has no session yet; it relies on [`check_origin`] (and SameSite
//! cookies). Both checks are applied together on every other state-changing request.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::AuthError;

/// Domain separation: the same session key must never produce a CSRF token that means
/// something elsewhere.
const CSRF_LABEL: &[u8] = b"hkpilot-csrf-v1";

fn mac_for(session_token: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(session_token.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(CSRF_LABEL);
    mac
}

/// The CSRF token to embed in pages (a hidden form field or a `<meta>` for htmx)
/// for the session whose secret token is `session_token`.
pub fn csrf_token(session_token: &str) -> String {
    hex::encode(mac_for(session_token).finalize().into_bytes())
}

/// Checks the CSRF token sent with a request (form field or `X-CSRF-Token` header)
/// against the session, in constant time.
pub fn verify_csrf_token(session_token: &str, presented: Option<&str>) -> Result<(), AuthError> {
    let presented = match presented.map(str::trim) {
        None | Some("") => return Err(AuthError::CsrfMissing),
        Some(p) => p,
    };
    let bytes = hex::decode(presented).map_err(|_| AuthError::CsrfMismatch)?;
    mac_for(session_token)
        .verify_slice(&bytes)
        .map_err(|_| AuthError::CsrfMismatch)
}

/// Whether requests with this HTTP method change state and so need the CSRF checks.
/// Unknown methods count as state-changing (fail closed).
pub fn method_needs_csrf(method: &str) -> bool {
    !matches!(
        method.to_ascii_uppercase().as_str(),
        "GET" | "HEAD" | "OPTIONS" | "TRACE"
    )
}

/// Whether an `Origin` header value (`scheme://host[:port]`) names this server, given
/// the request's `Host` header and the scheme it was served on (`http` or `https`).
/// Hosts compare case-insensitively and a missing port means the scheme's default, so
/// `https://HKPilot.gov.hk` matches host `hkpilot.gov.hk:443`. Anything unparsable,
/// including the literal `null` a sandboxed page sends, is not same-origin.
pub fn same_origin(origin: &str, host: &str, scheme: &str) -> bool {
    let Some(origin) = Origin::parse_url(origin) else {
        return false;
    };
    if origin.has_path {
        // A real Origin header is only scheme://authority.
        return false;
    }
    origin.matches(host, scheme)
}

/// The same-origin check for a state-changing request, from whichever header the
/// browser sent: `Origin` if present, else `Referer`. Browsers send at least one of
/// them on cross-site form posts and fetches; when both are absent (a privacy proxy,
/// or a non-browser client using an API key) the request is allowed here and the
/// synchroniser token or the API key must carry the check.
pub fn check_origin(
    origin: Option<&str>,
    referer: Option<&str>,
    host: &str,
    scheme: &str,
) -> Result<(), AuthError> {
    let (value, ok) = match (origin, referer) {
        (Some(o), _) => (o, same_origin(o, host, scheme)),
        (None, Some(r)) => (
            r,
            Origin::parse_url(r).is_some_and(|o| o.matches(host, scheme)),
        ),
        (None, None) => return Ok(()),
    };
    if ok {
        Ok(())
    } else {
        Err(AuthError::CrossOrigin {
            // Only the origin part: a Referer's path and query could hold personal data.
            origin: display_origin(value),
        })
    }
}

fn display_origin(value: &str) -> String {
    let shown: String = match value.find("://") {
        Some(i) => {
            let end = value[i + 3..]
                .find(['/', '?', '#'])
                .map_or(value.len(), |j| i + 3 + j);
            value[..end].to_string()
        }
        None => value.to_string(),
    };
    shown.chars().take(100).collect()
}

/// The parts of a URL that make its origin.
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
    has_path: bool,
}

impl Origin {
    fn parse_url(url: &str) -> Option<Origin> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        if authority.contains('@') {
            // userinfo never appears in a browser's Origin; treat as hostile.
            return None;
        }
        let (host, port) = split_host_port(authority)?;
        Some(Origin {
            scheme,
            host,
            port,
            has_path: end < rest.len(),
        })
    }

    fn matches(&self, host_header: &str, scheme: &str) -> bool {
        let scheme = scheme.to_ascii_lowercase();
        let Some((host, port)) = split_host_port(host_header.trim()) else {
            return false;
        };
        let default = default_port(&scheme);
        self.scheme == scheme
            && self.host == host
            && self.port.or(default) == port.or(default)
            && default.is_some()
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Splits `host[:port]` or `[v6]:port`; the host comes back lowercased.
fn split_host_port(authority: &str) -> Option<(String, Option<u16>)> {
    if authority.is_empty() {
        return None;
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{}]", v6.to_ascii_lowercase()), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
            None => (authority.to_ascii_lowercase(), None),
        }
    };
    if host.is_empty() || host.contains(':') && !host.starts_with('[') {
        return None;
    }
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    Some((host, port))
}
