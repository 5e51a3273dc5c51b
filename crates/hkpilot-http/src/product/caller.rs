//! Who is calling the product API or the page: a personal API key, or a session
//! cookie (with the CSRF checks on anything that changes state).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use hkpilot_auth::{check_origin, method_needs_csrf, verify_csrf_token};
use hkpilot_service::{Caller, Service, ServiceError};

use crate::auth::bearer;
use crate::web::i18n::PageLang;
use crate::{AppState, HttpError};

pub(crate) const SESSION_COOKIE: &str = "hkpilot_session";
pub(crate) const LANG_COOKIE: &str = "hkpilot_lang";
/// Double-submit token for the sign-in form, before any session exists.
pub(crate) const LOGIN_CSRF_COOKIE: &str = "hkpilot_login_csrf";

/// The value of cookie `name`.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`, `Secure` when asked.
pub(crate) fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: Option<u64>,
    secure: bool,
) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The client's address, when the server was started with connection info.
pub(crate) fn client_addr(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

pub(crate) fn service_of(state: &AppState) -> Result<&Arc<Service>, HttpError> {
    state.service().ok_or_else(|| HttpError::NotFound {
        method: "request".into(),
        path: "/api (the server runs without a data directory)".into(),
    })
}

/// The same-origin check of a state-changing browser request.
pub(crate) fn check_same_origin(parts: &Parts, secure: bool) -> Result<(), HttpError> {
    if origin_ok(&parts.headers, secure) {
        Ok(())
    } else {
        Err(HttpError::Csrf)
    }
}

/// Whether a request's `Origin` (or `Referer`) is this server.
pub(crate) fn origin_ok(headers: &HeaderMap, secure: bool) -> bool {
    let get = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok());
    let host = get(header::HOST).unwrap_or("");
    let scheme = if secure { "https" } else { "http" };
    check_origin(get(header::ORIGIN), get(header::REFERER), host, scheme).is_ok()
}

/// A caller of `/api/`: by `Authorization: Bearer <personal key>`, or by the page's
/// session cookie plus `X-CSRF-Token` on state-changing methods.
#[derive(Debug)]
pub(crate) struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let service = service_of(state)?;
        let addr = client_addr(parts);
        if let Some(key) = bearer(&parts.headers) {
            return Ok(ApiCaller(service.api_key_caller(key, addr).await?));
        }
        let session =
            cookie(&parts.headers, SESSION_COOKIE).ok_or(ServiceError::Unauthenticated)?;
        let caller = service.session_caller(session, addr).await?;
        if method_needs_csrf(parts.method.as_str()) {
            let secure = state.product().is_some_and(|p| p.secure_cookies);
            check_same_origin(parts, secure)?;
            let presented = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            verify_csrf_token(session, presented).map_err(|_| HttpError::Csrf)?;
        }
        Ok(ApiCaller(caller))
    }
}

/// A signed-in reader of the page. Forms check their `_csrf` field with
/// [`PageCaller::check_form`]; a missing or expired session redirects to sign-in.
#[derive(Debug)]
pub(crate) struct PageCaller {
    pub caller: Caller,
    pub session: String,
    pub csrf: String,
    pub lang: PageLang,
}

impl PageCaller {
    /// The CSRF checks of a form post: same origin, and the session's token.
    pub fn check_form(
        &self,
        parts_origin_ok: bool,
        presented: Option<&str>,
    ) -> Result<(), HttpError> {
        if !parts_origin_ok {
            return Err(HttpError::Csrf);
        }
        verify_csrf_token(&self.session, presented).map_err(|_| HttpError::Csrf)
    }
}

/// Sends the reader to sign in, then back to where they were going.
#[derive(Debug)]
pub(crate) struct SignInFirst(pub String);

impl axum::response::IntoResponse for SignInFirst {
    fn into_response(self) -> axum::response::Response {
        let target = format!("/login?next={}", urlencode(&self.0));
        axum::response::Redirect::to(&target).into_response()
    }
}

/// Percent-encodes everything but unreserved characters.
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The page language for a request: the user's choice, else the cookie, else the
/// browser's preference.
pub(crate) fn page_lang(headers: &HeaderMap, caller: Option<&Caller>) -> PageLang {
    if let Some(c) = caller {
        return match c.user.ui_lang {
            hkpilot_core::UiLang::English => PageLang::En,
            hkpilot_core::UiLang::TraditionalChinese => PageLang::ZhHant,
        };
    }
    if let Some(l) = cookie(headers, LANG_COOKIE).and_then(PageLang::parse) {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(PageLang::from_accept_language)
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let service = service_of(state).map_err(IntoResponse::into_response)?;
        let here = parts
            .uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string());
        let Some(session) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(SignInFirst(here).into_response());
        };
        let caller = match service.session_caller(session, client_addr(parts)).await {
            Ok(c) => c,
            Err(ServiceError::Unauthenticated) => return Err(SignInFirst(here).into_response()),
            Err(e) => return Err(HttpError::from(e).into_response()),
        };
        let lang = page_lang(&parts.headers, Some(&caller));
        Ok(PageCaller {
            csrf: service.csrf_for(session),
            session: session.to_string(),
            caller,
            lang,
        })
    }
}

/// The client's address, if known (never rejects).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_addr(parts)))
    }
}

impl ClientAddr {
    /// For throttling: unknown clients (in-process tests) count as loopback.
    pub fn or_loopback(self) -> IpAddr {
        self.0.unwrap_or(IpAddr::from([127, 0, 0, 1]))
    }
}
