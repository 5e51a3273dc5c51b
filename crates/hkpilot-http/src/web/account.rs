//! Signing in and out, the language switch, and the administration pages (users,
//! the audit log).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hkpilot_auth::{hash_token, token_matches_hash, Secret};
use hkpilot_core::{DepartmentId, Role, UiLang, UserId};
use hkpilot_service::{NewAccount, ServiceError};
use hkpilot_store::{AuditQuery, ChainStatus};
use serde::Deserialize;

use super::i18n::{self, PageLang};
use super::pages::{error_page, frame, page};
use super::render::PageFrame;
use super::view::{hk_time, Names};
use crate::product::api::role_of;
use crate::product::caller::{
    cookie, origin_ok, page_lang, service_of, set_cookie, ClientAddr, PageCaller, LANG_COOKIE,
    LOGIN_CSRF_COOKIE, SESSION_COOKIE,
};
use crate::{AppState, HttpError};

/// Only paths of this site: never `//host` or a full URL (no open redirect). Browsers
/// drop tabs and newlines from a `Location` (so `/\t/evil.example` would be
/// `//evil.example`) and read `\` as `/`: any whitespace, control character or
/// backslash sends the reader to the library instead. Non-ASCII characters are
/// percent-encoded, since a `Location` header cannot carry them as they are.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            let mut out = String::with_capacity(n.len());
            for c in n.chars() {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            out
        }
        _ => "/".to_string(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

fn login_page(
    lang: PageLang,
    token: &str,
    next: &str,
    username: &str,
    error: Option<String>,
    secure: bool,
) -> Response {
    let f = PageFrame::new(lang, token.to_string(), format!("/login?next={next}"), None);
    let mut r = page(
        "login.html",
        &f,
        minijinja::context! { error => error, username => username, next => next },
    );
    if let Ok(v) = HeaderValue::from_str(&set_cookie(LOGIN_CSRF_COOKIE, token, Some(3600), secure))
    {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    let lang = page_lang(&headers, None);
    let Ok(token) = Secret::generate() else {
        return (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "no randomness available",
        )
            .into_response();
    };
    login_page(
        lang,
        token.expose(),
        &safe_next(q.next.as_deref()),
        "",
        None,
        secure,
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    username: String,
    password: String,
    next: Option<String>,
}

pub(crate) async fn login_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    addr: ClientAddr,
    Form(form): Form<LoginForm>,
) -> Response {
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    let lang = page_lang(&headers, None);
    let next = safe_next(form.next.as_deref());
    let fresh = Secret::generate()
        .map(|s| s.expose().to_string())
        .unwrap_or_default();
    // Double-submit: the form's token must match the cookie set with the form.
    let cookie_token = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    let presented = form.csrf.as_deref().unwrap_or("");
    if cookie_token.is_empty()
        || !token_matches_hash(presented, &hash_token(cookie_token))
        || !origin_ok(&headers, secure)
    {
        let msg = i18n::word(lang, "session_form_expired").to_string();
        return login_page(lang, &fresh, &next, &form.username, Some(msg), secure);
    }
    let Ok(service) = service_of(&state) else {
        return login_page(
            lang,
            &fresh,
            &next,
            &form.username,
            Some("no accounts on this server".into()),
            secure,
        );
    };
    match service
        .sign_in(&form.username, &form.password, addr.or_loopback())
        .await
    {
        Ok(signed) => {
            let mut r = Redirect::to(&next).into_response();
            for c in [
                set_cookie(SESSION_COOKIE, &signed.session_token, None, secure),
                set_cookie(LOGIN_CSRF_COOKIE, "gone", Some(0), secure),
            ] {
                if let Ok(v) = HeaderValue::from_str(&c) {
                    r.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            r
        }
        Err(ServiceError::Locked { retry_after }) => {
            let msg = format!(
                "{} ({} s)",
                i18n::word(lang, "locked_out"),
                retry_after.as_secs().max(1)
            );
            login_page(lang, &fresh, &next, &form.username, Some(msg), secure)
        }
        Err(ServiceError::BadCredentials) => {
            let msg = i18n::word(lang, "bad_credentials").to_string();
            login_page(lang, &fresh, &next, &form.username, Some(msg), secure)
        }
        Err(e) => login_page(
            lang,
            &fresh,
            &next,
            &form.username,
            Some(e.to_string()),
            secure,
        ),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Form(form): Form<CsrfForm>,
) -> Response {
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    let f = frame(&pc, "/");
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), form.csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    if let Ok(service) = service_of(&state) {
        let _ = service.sign_out(&pc.caller, &pc.session).await;
    }
    let mut r = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "gone", Some(0), secure)) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Debug, Deserialize)]
pub(crate) struct LangForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    lang: String,
    back: Option<String>,
}

/// The language switch: remembered per user when signed in, and in a cookie.
pub(crate) async fn set_lang(
    State(state): State<AppState>,
    headers: HeaderMap,
    addr: ClientAddr,
    Form(form): Form<LangForm>,
) -> Response {
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    let lang = PageLang::parse(&form.lang).unwrap_or_default();
    if !origin_ok(&headers, secure) {
        return (
            axum::http::StatusCode::FORBIDDEN,
            "cross-site request refused",
        )
            .into_response();
    }
    if let (Ok(service), Some(session)) = (service_of(&state), cookie(&headers, SESSION_COOKIE)) {
        if let Ok(caller) = service.session_caller(session, addr.0).await {
            if hkpilot_auth::verify_csrf_token(session, form.csrf.as_deref()).is_ok() {
                let ui = match lang {
                    PageLang::En => UiLang::English,
                    PageLang::ZhHant => UiLang::TraditionalChinese,
                };
                let _ = service.set_ui_lang(&caller, ui).await;
            }
        }
    }
    let mut r = Redirect::to(&safe_next(form.back.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&set_cookie(
        LANG_COOKIE,
        lang.code(),
        Some(365 * 86_400),
        secure,
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Debug, Deserialize)]
pub(crate) struct UsersQuery {
    created: Option<String>,
}

pub(crate) async fn users(
    State(state): State<AppState>,
    pc: PageCaller,
    Query(q): Query<UsersQuery>,
) -> Response {
    let f = frame(&pc, "/admin/users");
    let service = match service_of(&state) {
        Ok(s) => s,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let users = match service.list_users(&pc.caller).await {
        Ok(u) => u,
        Err(e) => return error_page(&f, pc.lang, e.into()),
    };
    let departments = service.list_departments().await.unwrap_or_default();
    let zh = pc.lang == PageLang::ZhHant;
    let me = &pc.caller.user;
    let rows: Vec<_> = users
        .iter()
        .map(|u| {
            minijinja::context! {
                id => u.id.0.clone(), username => u.username.clone(), display_name => u.display_name.clone(),
                department => u.department.0.clone(), role => u.role.as_str(), disabled => u.disabled,
                can_disable => u.id != me.id && !u.disabled && (me.role == Role::SystemAdmin || u.role != Role::SystemAdmin),
            }
        })
        .collect();
    let depts: Vec<_> = departments
        .iter()
        .filter(|d| me.role == Role::SystemAdmin || d.id == me.department)
        .map(|d| minijinja::context! { id => d.id.0.clone(), name => if zh { d.name_zh.clone() } else { d.name_en.clone() } })
        .collect();
    let mut roles = vec!["officer", "department_admin"];
    if me.role == Role::SystemAdmin {
        roles.push("system_admin");
    }
    page(
        "admin_users.html",
        &f,
        minijinja::context! {
            users => rows, departments => depts, roles => roles,
            can_add_departments => me.role == Role::SystemAdmin,
            message => q.created.map(|u| format!("{} {u}", i18n::word(pc.lang, "created"))),
        },
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewUserForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    username: String,
    display_name: String,
    password: String,
    department: String,
    role: String,
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Form(form): Form<NewUserForm>,
) -> Response {
    let f = frame(&pc, "/admin/users");
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), form.csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    let result = async {
        let role = role_of(&form.role)?;
        let service = service_of(&state)?;
        service
            .create_account(
                &pc.caller,
                NewAccount {
                    username: form.username.clone(),
                    display_name: form.display_name.clone(),
                    password: form.password.clone(),
                    department: DepartmentId(form.department.clone()),
                    role,
                    ui_lang: UiLang::default(),
                },
            )
            .await
            .map_err(HttpError::from)
    }
    .await;
    match result {
        Ok(u) => Redirect::to(&format!(
            "/admin/users?created={}",
            crate::product::caller::urlencode(&u.username)
        ))
        .into_response(),
        Err(e) => error_page(&f, pc.lang, e),
    }
}

pub(crate) async fn disable_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let f = frame(&pc, "/admin/users");
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), form.csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    let result = match service_of(&state) {
        Ok(s) => s
            .set_disabled(&pc.caller, &UserId(id), true)
            .await
            .map_err(HttpError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => error_page(&f, pc.lang, e),
    }
}

pub(crate) async fn audit(State(state): State<AppState>, pc: PageCaller) -> Response {
    let f = frame(&pc, "/admin/audit");
    let service = match service_of(&state) {
        Ok(s) => s,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let page_of = match service
        .audit_events(
            &pc.caller,
            AuditQuery {
                limit: 10_000,
                ..Default::default()
            },
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(&f, pc.lang, e.into()),
    };
    let (chain_ok, chain_message) = if pc.caller.user.role == Role::SystemAdmin {
        match service.verify_audit(&pc.caller).await {
            Ok(ChainStatus::Intact { events, .. }) => (
                true,
                format!("{} ({events})", i18n::word(pc.lang, "chain_intact")),
            ),
            Ok(ChainStatus::Broken { seq, problem }) => (
                false,
                format!("{} #{seq}: {problem}", i18n::word(pc.lang, "chain_broken")),
            ),
            Err(e) => (false, e.to_string()),
        }
    } else {
        (
            true,
            i18n::word(pc.lang, "department_events_only").to_string(),
        )
    };
    let mut names = Names::new(service);
    let mut events = Vec::new();
    for e in page_of.events.iter().rev().take(500) {
        let actor = match &e.actor {
            Some(a) => names.of(a).await,
            None => "—".to_string(),
        };
        events.push(minijinja::context! {
            seq => e.seq, at => hk_time(e.at_ms), actor => actor, action => e.action.as_str(),
            documents => e.documents.iter().map(|d| d.0.clone()).collect::<Vec<_>>().join(", "),
            detail => e.detail.clone(), address => e.remote_addr.clone().unwrap_or_default(),
        });
    }
    page(
        "admin_audit.html",
        &f,
        minijinja::context! { events => events, chain_ok => chain_ok, chain_message => chain_message },
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewDepartmentForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    id: String,
    name_en: String,
    name_zh: String,
}

pub(crate) async fn create_department(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Form(form): Form<NewDepartmentForm>,
) -> Response {
    let f = frame(&pc, "/admin/users");
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), form.csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    let department = hkpilot_core::Department {
        id: DepartmentId(form.id.trim().to_string()),
        name_en: form.name_en.trim().to_string(),
        name_zh: form.name_zh.trim().to_string(),
    };
    let result = match service_of(&state) {
        Ok(s) => s
            .create_department(&pc.caller, department)
            .await
            .map_err(HttpError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(e) => error_page(&f, pc.lang, e),
    }
}
