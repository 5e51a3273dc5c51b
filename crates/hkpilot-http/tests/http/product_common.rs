//! Harness for the product API and the page: a service over a fresh SQLite store in a
//! temporary directory, its job scheduler running, the whole app served on
//! 127.0.0.1:0 (so connection info and cookies go over a real socket), people in two
//! departments, and helpers to sign in, upload and wait (with a timeout) for jobs.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hkpilot_auth::Argon2Params;
use hkpilot_core::{Department, DepartmentId, Role, UiLang};
use hkpilot_http::{AppState, Backends, HttpConfig};
use hkpilot_llm::testing::EchoBackend;
use hkpilot_llm::LlmBackend;
use hkpilot_service::{NewAccount, Service, ServiceConfig};
use hkpilot_store::{SqliteStore, Store};
use reqwest::header::{
    HeaderMap, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE,
};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::sync::{oneshot, watch};

/// Everyone's password in these tests.
pub const PASSWORD: &str = "correct horse battery 馬 staple";

/// How long a job may take before a test gives up on it.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(120);

/// A small English reply to a Legislative Council question.
pub const ENGLISH_PDF: &str = "csb-reply-07.pdf";
/// A Traditional Chinese reply, three pages.
pub const CHINESE_PDF: &str = "csb-reply-49.pdf";

/// One of the government PDFs shared by the project's tests.
pub fn pdf(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/hk-gov-pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A short bilingual Markdown note, distinct per `tag`.
pub fn note(tag: &str) -> Vec<u8> {
    format!(
        "# 公務員事務局簡報 {tag}\n\n\
         The Civil Service Bureau recruited 26 Administrative Officers in 2020/21. \
         Each officer is assigned to a bureau or department after induction training.\n\n\
         二零二零/二一年度共招聘二十六名政務主任。每位政務主任完成入職培訓後，\
         會被派往不同的決策局或部門工作。\n"
    )
    .into_bytes()
}

/// The people every app has: `alice` and `bob` (officers) and `root` (system
/// administrator) in the Civil Service Bureau, `carol` (officer) in Education.
pub const ALICE: &str = "alice";
pub const BOB: &str = "bob";
pub const CAROL: &str = "carol";
pub const ROOT: &str = "root";

/// The app, served; dropping it stops the server and the scheduler.
pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    pub svc: Arc<Service>,
    pub dir: TempDir,
    _stop: oneshot::Sender<()>,
    _jobs: watch::Sender<bool>,
}

pub fn test_config() -> ServiceConfig {
    ServiceConfig {
        argon2: Argon2Params::insecure_for_tests(),
        ..Default::default()
    }
}

impl App {
    /// The app with the people above.
    pub async fn start() -> App {
        App::with_config(test_config()).await
    }

    pub async fn with_config(config: ServiceConfig) -> App {
        App::people(App::empty(config).await).await
    }

    /// Adds the departments and people every app has.
    async fn people(app: App) -> App {
        let csb = app
            .department("csb", "Civil Service Bureau", "公務員事務局")
            .await;
        let edb = app.department("edb", "Education Bureau", "教育局").await;
        app.account(ALICE, &csb, Role::Officer, UiLang::English)
            .await;
        app.account(BOB, &csb, Role::Officer, UiLang::English).await;
        app.account(ROOT, &csb, Role::SystemAdmin, UiLang::English)
            .await;
        app.account(CAROL, &edb, Role::Officer, UiLang::TraditionalChinese)
            .await;
        app
    }

    /// The app with the people above and `model` for the service's model work
    /// (model summaries, translations), as `hkpilot serve --model` gives it.
    pub async fn with_model(model: Arc<dyn LlmBackend>) -> App {
        App::people(App::build(test_config(), Some(model)).await).await
    }

    /// The app without any account.
    pub async fn empty(config: ServiceConfig) -> App {
        App::build(config, None).await
    }

    async fn build(config: ServiceConfig, model: Option<Arc<dyn LlmBackend>>) -> App {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).expect("store opens"));
        let svc = Service::new(store, config, model).expect("valid service config");
        let (jobs, jobs_rx) = watch::channel(false);
        tokio::spawn(svc.clone().run_jobs(jobs_rx, Duration::from_secs(5)));

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let config = HttpConfig {
            bind: addr,
            api_keys: Vec::new(),
            max_body_bytes: hkpilot_http::DEFAULT_MAX_BODY_BYTES,
        };
        let backends = Backends::single(Arc::new(EchoBackend::default()) as Arc<dyn LlmBackend>);
        let state =
            AppState::with_service(&config, backends, svc.clone(), false).expect("valid config");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(hkpilot_http::serve(listener, state, async {
            let _ = stopped.await;
        }));
        App {
            base: format!("http://{addr}"),
            client: client(),
            svc,
            dir,
            _stop: stop,
            _jobs: jobs,
        }
    }

    pub async fn department(&self, id: &str, name_en: &str, name_zh: &str) -> DepartmentId {
        let id = DepartmentId(id.to_string());
        self.svc
            .ensure_department(Department {
                id: id.clone(),
                name_en: name_en.into(),
                name_zh: name_zh.into(),
            })
            .await
            .expect("department created");
        id
    }

    pub async fn account(
        &self,
        username: &str,
        department: &DepartmentId,
        role: Role,
        ui_lang: UiLang,
    ) -> hkpilot_core::User {
        self.svc
            .create_account_unchecked(NewAccount {
                username: username.into(),
                display_name: format!("{username} 陳大文"),
                password: PASSWORD.into(),
                department: department.clone(),
                role,
                ui_lang,
            })
            .await
            .expect("account created")
    }

    /// Files under the blob store (half-written ones included): what uploads left on
    /// disk.
    pub fn blob_files(&self) -> usize {
        fn count(p: &Path) -> usize {
            match std::fs::read_dir(p) {
                Ok(entries) => entries
                    .flatten()
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() {
                            count(&path)
                        } else {
                            1
                        }
                    })
                    .sum(),
                Err(_) => 0,
            }
        }
        count(&self.dir.path().join("blobs"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// This server's origin, as a browser on its page sends it.
    pub fn origin(&self) -> String {
        self.base.clone()
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.url(path))
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.client.delete(self.url(path))
    }

    /// `POST /api/session`; panics unless it succeeds.
    pub async fn sign_in(&self, username: &str) -> Session {
        let r = self
            .post("/api/session")
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let cookies = set_cookies(r.headers());
        let (status, body) = json_of(r).await;
        assert_eq!(status, 200, "sign-in of {username}: {body}");
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with("hkpilot_session="))
            .unwrap_or_else(|| panic!("no session cookie in {cookies:?}"))
            .clone();
        Session {
            token: cookie_value(&cookie, "hkpilot_session").unwrap(),
            set_cookie: cookie,
            csrf: body["csrf_token"].as_str().expect("csrf_token").to_string(),
            user: body["user"].clone(),
        }
    }

    /// A personal API key of `session`'s user.
    pub async fn api_key(&self, s: &Session) -> String {
        let (status, body) = json_of(
            self.post("/api/me/api-keys")
                .session(s)
                .json(&json!({"name": "script 腳本"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let key = body["key"].as_str().expect("key").to_string();
        assert!(key.starts_with("hkp_"), "{key}");
        key
    }

    /// `POST /api/documents?file_name=…` with the raw file; returns (status, body).
    pub async fn upload_raw(&self, s: &Session, file_name: &str, bytes: Vec<u8>) -> (u16, Value) {
        let r = self
            .post("/api/documents")
            .query(&[("file_name", file_name)])
            .session(s)
            .body(bytes)
            .send()
            .await
            .unwrap();
        json_of(r).await
    }

    /// Uploads and returns (document id, job id), checking the 202.
    pub async fn upload(&self, s: &Session, file_name: &str, bytes: Vec<u8>) -> (String, String) {
        let (status, body) = self.upload_raw(s, file_name, bytes).await;
        assert_eq!(status, 202, "upload of {file_name}: {body}");
        (
            body["document"]["id"].as_str().expect("document id").into(),
            body["job_id"].as_str().expect("job id").into(),
        )
    }

    /// Polls `GET /api/jobs/{id}` until the job has ended, or panics after
    /// [`JOB_TIMEOUT`].
    pub async fn wait_job(&self, s: &Session, job: &str) -> Value {
        let start = Instant::now();
        loop {
            let (status, body) = json_of(
                self.get(&format!("/api/jobs/{job}"))
                    .session(s)
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            let state = body["state"].as_str().expect("state");
            if matches!(state, "succeeded" | "failed" | "cancelled") {
                return body;
            }
            assert!(
                start.elapsed() < JOB_TIMEOUT,
                "job {job} still {state} after {JOB_TIMEOUT:?}: {body}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Uploads, waits until read, and returns the document's id.
    pub async fn ready_document(&self, s: &Session, file_name: &str, bytes: Vec<u8>) -> String {
        let (doc, job) = self.upload(s, file_name, bytes).await;
        let job = self.wait_job(s, &job).await;
        assert_eq!(job["state"], "succeeded", "{job}");
        doc
    }

    /// Asks for an extractive summary, waits for it and returns the summary's id.
    pub async fn summary(&self, s: &Session, doc: &str, request: Value) -> String {
        let (status, body) = json_of(
            self.post(&format!("/api/documents/{doc}/summaries"))
                .session(s)
                .json(&request)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 202, "{body}");
        let job = self
            .wait_job(s, body["job_id"].as_str().expect("job id"))
            .await;
        assert_eq!(job["state"], "succeeded", "{job}");
        let (status, list) = json_of(
            self.get(&format!("/api/documents/{doc}/summaries"))
                .session(s)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{list}");
        list[0]["id"].as_str().expect("summary id").to_string()
    }

    /// The HTML of a page as `s` sees it (any status).
    pub async fn page_html(&self, s: &Session, path: &str) -> String {
        self.get(path)
            .session(s)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Downloads `path` as `s`: a 200 whose Content-Type contains `content_type` and whose
    /// Content-Disposition names a `.{extension}` file; returns the body (a Word file
    /// is checked to be a zip).
    pub async fn download(
        &self,
        s: &Session,
        path: &str,
        content_type: &str,
        extension: &str,
    ) -> Vec<u8> {
        let r = self.get(path).session(s).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let header = |name| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (ct, cd) = (header(CONTENT_TYPE), header(CONTENT_DISPOSITION));
        assert!(ct.contains(content_type), "{path}: Content-Type {ct}");
        assert!(cd.contains(&format!(".{extension}")), "{path}: {cd}");
        let body = r.bytes().await.unwrap().to_vec();
        if extension == "docx" {
            assert!(body.starts_with(b"PK"), "{path}: a Word file is a zip");
        }
        body
    }

    /// Switches `s`'s page language (`en` or `zh-Hant`) through the page's form.
    pub async fn set_page_lang(&self, s: &Session, lang: &str) {
        let r = self
            .post("/settings/lang")
            .header(COOKIE, s.cookie())
            .header(ORIGIN, self.origin())
            .form(&[("_csrf", s.csrf.as_str()), ("lang", lang), ("back", "/")])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
    }

    /// Posts a page form as `s` from the page's own origin, CSRF token included.
    pub async fn post_form(&self, s: &Session, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", s.csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(path)
            .session(s)
            .header(ORIGIN, self.origin())
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// The sign-in form: (its `_csrf` token, the login-CSRF cookie pair).
    pub async fn login_form(&self) -> (String, String) {
        let r = self.get("/login").send().await.unwrap();
        assert_eq!(r.status(), 200);
        let cookie = set_cookies(r.headers())
            .into_iter()
            .find(|c| c.starts_with("hkpilot_login_csrf="))
            .expect("login CSRF cookie");
        let html = r.text().await.unwrap();
        let token = hidden_field(&html, "_csrf").expect("_csrf field");
        let pair = cookie.split(';').next().unwrap().to_string();
        (token, pair)
    }
}

/// A signed-in session of the page or API.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session cookie's value.
    pub token: String,
    /// The whole `Set-Cookie` the server sent.
    pub set_cookie: String,
    pub csrf: String,
    pub user: Value,
}

impl Session {
    /// `hkpilot_session=<token>`.
    pub fn cookie(&self) -> String {
        format!("hkpilot_session={}", self.token)
    }
}

/// How a request authenticates.
pub trait Auth {
    /// The session cookie and its CSRF token (what the page's script sends).
    fn session(self, s: &Session) -> Self;
    /// The session cookie only.
    fn cookie_only(self, s: &Session) -> Self;
    /// `Authorization: Bearer <key>`.
    fn key(self, key: &str) -> Self;
}

impl Auth for RequestBuilder {
    fn session(self, s: &Session) -> Self {
        self.header(COOKIE, s.cookie())
            .header("x-csrf-token", &s.csrf)
    }

    fn cookie_only(self, s: &Session) -> Self {
        self.header(COOKIE, s.cookie())
    }

    fn key(self, key: &str) -> Self {
        self.bearer_auth(key)
    }
}

/// A client for loopback: no proxy, no redirects followed (tests look at them), no
/// cookie jar (tests send cookies by hand).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// (status, JSON body), checking the body is JSON.
pub async fn json_of(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = r.text().await.unwrap();
    assert!(
        ct.starts_with("application/json"),
        "status {status}: content-type {ct:?}, body {text:?}"
    );
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text:?}"));
    (status, v)
}

/// Asserts the one error shape (`{"error": {message, type, param, code}}`) and
/// returns its code.
pub fn error_code(v: &Value) -> &str {
    let e = &v["error"];
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(e["type"].is_string(), "{v}");
    e["code"].as_str().unwrap_or_else(|| panic!("no code: {v}"))
}

/// Expects a JSON error with `status` and returns (code, message).
pub async fn expect_error(r: Response, status: u16) -> (String, String) {
    let (got, body) = json_of(r).await;
    assert_eq!(got, status, "{body}");
    let code = error_code(&body).to_string();
    (code, body["error"]["message"].as_str().unwrap().to_string())
}

/// Every `Set-Cookie` of a response.
pub fn set_cookies(h: &HeaderMap) -> Vec<String> {
    h.get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// The value of cookie `name` in a `Set-Cookie` line.
pub fn cookie_value(set_cookie: &str, name: &str) -> Option<String> {
    let first = set_cookie.split(';').next()?;
    let (k, v) = first.split_once('=')?;
    (k.trim() == name).then(|| v.trim().to_string())
}

/// The `Location` of a redirect.
pub fn location(r: &Response) -> String {
    r.headers()
        .get(LOCATION)
        .unwrap_or_else(|| panic!("no Location on {}", r.status()))
        .to_str()
        .unwrap()
        .to_string()
}

/// Whether `r` is a redirect (303 or 307, as axum's `Redirect` sends).
pub fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 302 | 303 | 307)
}

/// The value of `<input … name="{name}" value="…">` in a page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html_unescape(&html[start..start + end]))
}

/// Undoes the templates' HTML escaping of an attribute value.
pub fn html_unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Percent-decodes a query value (enough for the redirects these tests see).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Splits an SSE body into its `data:` payloads (comments and keep-alives skipped).
pub fn sse_data(raw: &str) -> Vec<String> {
    raw.split("\n\n")
        .flat_map(|event| event.lines())
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|d| d.trim_start().to_string())
        .collect()
}
