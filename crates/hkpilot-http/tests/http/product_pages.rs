//! The server-rendered page over HTTP: sign-in first (with the form's double-submit
//! token), English or Traditional Chinese from the browser and then from the user's
//! remembered choice, the no-script upload and summary forms, signing out, and the
//! headers that keep pages uncached, unframed and script-safe.

use std::time::{Duration, Instant};

use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, ORIGIN};
use reqwest::Response;

use super::product_common::*;

/// Signs in through the form and returns the session (its CSRF token read off the
/// library page).
async fn form_sign_in(app: &App, username: &str) -> Session {
    let (token, login_cookie) = app.login_form().await;
    let r = app
        .post("/login")
        .header(COOKIE, &login_cookie)
        .header(ORIGIN, app.origin())
        .form(&[
            ("_csrf", token.as_str()),
            ("username", username),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    assert_eq!(location(&r), "/");
    let cookies = set_cookies(r.headers());
    let session = cookies
        .iter()
        .find(|c| c.starts_with("hkpilot_session="))
        .unwrap_or_else(|| panic!("no session cookie: {cookies:?}"))
        .clone();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"));
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("hkpilot_login_csrf=") && c.contains("Max-Age=0")),
        "the form's token is spent: {cookies:?}"
    );
    let token = cookie_value(&session, "hkpilot_session").unwrap();
    let html = page(
        app.get("/")
            .header(COOKIE, format!("hkpilot_session={token}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let csrf = hidden_field(&html, "_csrf").expect("the page carries its CSRF token");
    Session {
        token,
        set_cookie: session,
        csrf,
        user: serde_json::Value::Null,
    }
}

/// The HTML of a 200 page, checking the page headers.
async fn page(r: Response) -> String {
    assert_eq!(r.status(), 200, "{}", r.url());
    page_headers(&r);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    r.text().await.unwrap()
}

/// The headers every page and API answer carries.
fn page_headers(r: &Response) {
    let h = r.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("no CSP on {}", r.url()))
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(h["x-frame-options"], "DENY", "{}", r.url());
    assert_eq!(h["x-content-type-options"], "nosniff", "{}", r.url());
    assert_eq!(h[CACHE_CONTROL], "no-store", "{}", r.url());
    assert!(h.contains_key("referrer-policy"), "{}", r.url());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_need_a_session_and_sign_in_goes_back_where_you_were() {
    let app = App::start().await;

    let r = app.get("/").send().await.unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    let to = location(&r);
    let next = to
        .strip_prefix("/login?next=")
        .unwrap_or_else(|| panic!("{to}"));
    assert_eq!(percent_decode(next), "/");
    for path in ["/documents/abc", "/admin/users", "/admin/audit"] {
        let r = app.get(path).send().await.unwrap();
        assert!(is_redirect(r.status()), "{path}: {}", r.status());
        assert_eq!(
            percent_decode(location(&r).strip_prefix("/login?next=").unwrap()),
            path
        );
    }

    // The form carries its own token, in a cookie and a field.
    let r = app
        .get("/login?next=%2Fdocuments%2Fabc")
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(r.headers());
    let login_cookie = cookies
        .iter()
        .find(|c| c.starts_with("hkpilot_login_csrf="))
        .expect("login CSRF cookie");
    assert!(login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Strict"));
    let html = page(r).await;
    assert_eq!(
        hidden_field(&html, "next").as_deref(),
        Some("/documents/abc")
    );
    let field = hidden_field(&html, "_csrf").unwrap();
    assert_eq!(
        cookie_value(login_cookie, "hkpilot_login_csrf").as_deref(),
        Some(field.as_str())
    );

    // Without the cookie, with another form's token, or from another site: the form
    // again, no session.
    let (token, cookie) = app.login_form().await;
    let (other_token, _) = app.login_form().await;
    let tries: [(&str, Option<&str>, &str, Option<&str>); 4] = [
        ("no cookie", None, token.as_str(), None),
        ("no field", Some(cookie.as_str()), "", None),
        (
            "another form's token",
            Some(cookie.as_str()),
            other_token.as_str(),
            None,
        ),
        (
            "another site",
            Some(cookie.as_str()),
            token.as_str(),
            Some("https://evil.example"),
        ),
    ];
    for (what, cookie, field, origin) in tries {
        let mut rb = app.post("/login").form(&[
            ("_csrf", field),
            ("username", ALICE),
            ("password", PASSWORD),
            ("next", "/"),
        ]);
        if let Some(c) = cookie {
            rb = rb.header(COOKIE, c);
        }
        if let Some(o) = origin {
            rb = rb.header(ORIGIN, o);
        }
        let r = rb.send().await.unwrap();
        assert_eq!(r.status(), 200, "{what}");
        assert!(
            set_cookies(r.headers())
                .iter()
                .all(|c| !c.starts_with("hkpilot_session=")),
            "{what}: no session"
        );
        let html = r.text().await.unwrap();
        assert!(html.contains("sign-in form expired"), "{what}: {html}");
    }

    // A wrong password: the form again, with the reason and the username kept.
    let (token, cookie) = app.login_form().await;
    let r = app
        .post("/login")
        .header(COOKIE, cookie)
        .form(&[
            ("_csrf", token.as_str()),
            ("username", ALICE),
            ("password", "wrong 錯"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Wrong username or password."), "{html}");
    assert!(html.contains("value=\"alice\""), "{html}");

    // The right one: to the library, signed in.
    let s = form_sign_in(&app, ALICE).await;
    let html = page(app.get("/").session(&s).send().await.unwrap()).await;
    assert!(html.contains("alice 陳大文"), "{html}");
    assert!(html.contains("<h1>Library</h1>"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_page_follows_the_browser_language() {
    let app = App::start().await;
    for (accept, chinese) in [
        (Some("zh-HK"), true),
        (Some("zh-HK,zh;q=0.9,en;q=0.8"), true),
        (Some("zh-TW"), true),
        (Some("en-GB,en;q=0.9"), false),
        (Some("en-US,zh-HK;q=0.5"), false),
        (None, false),
    ] {
        let mut rb = app.get("/login");
        if let Some(a) = accept {
            rb = rb.header("accept-language", a);
        }
        let html = page(rb.send().await.unwrap()).await;
        if chinese {
            assert!(html.contains("<html lang=\"zh-Hant\">"), "{accept:?}");
            assert!(html.contains("登入"), "{accept:?}: {html}");
            assert!(html.contains("用戶名稱"), "{accept:?}");
            assert!(!html.contains(">Sign in<"), "{accept:?}");
        } else {
            assert!(html.contains("<html lang=\"en\">"), "{accept:?}");
            assert!(html.contains("Sign in"), "{accept:?}");
            assert!(!html.contains("登入"), "{accept:?}: {html}");
        }
    }
    // The language cookie (set by the switch) wins over the browser.
    let html = page(
        app.get("/login")
            .header("accept-language", "en")
            .header(COOKIE, "hkpilot_lang=zh-Hant")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("登入"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_is_remembered_per_user() {
    let app = App::start().await;
    let s = form_sign_in(&app, ALICE).await;
    let html = page(app.get("/").session(&s).send().await.unwrap()).await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(
        html.contains(">繁體中文</button>"),
        "the switch offers Chinese"
    );

    // Cross-site: refused, nothing remembered.
    let r = app
        .post("/settings/lang")
        .header(COOKIE, s.cookie())
        .header(ORIGIN, "https://evil.example")
        .form(&[
            ("_csrf", s.csrf.as_str()),
            ("lang", "zh-Hant"),
            ("back", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Without the session's token: the browser's cookie changes, the account does not.
    let r = app
        .post("/settings/lang")
        .header(COOKIE, s.cookie())
        .form(&[("_csrf", "00"), ("lang", "zh-Hant"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()));
    let (_, me) = json_of(app.get("/api/me").session(&s).send().await.unwrap()).await;
    assert_eq!(me["ui_lang"], "en", "{me}");

    // From the page itself.
    let r = app
        .post("/settings/lang")
        .header(COOKIE, s.cookie())
        .header(ORIGIN, app.origin())
        .form(&[
            ("_csrf", s.csrf.as_str()),
            ("lang", "zh-Hant"),
            ("back", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    assert_eq!(location(&r), "/");
    assert!(set_cookies(r.headers())
        .iter()
        .any(|c| c.starts_with("hkpilot_lang=zh-Hant")));
    let (_, me) = json_of(app.get("/api/me").session(&s).send().await.unwrap()).await;
    assert_eq!(me["ui_lang"], "zh-Hant", "{me}");

    // The next page is Chinese with only the session cookie, even if the browser
    // prefers English; so is a new session on another machine.
    let html = page(
        app.get("/")
            .session(&s)
            .header("accept-language", "en")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("<html lang=\"zh-Hant\">"), "{html}");
    assert!(html.contains("<h1>文件庫</h1>"), "{html}");
    assert!(
        html.contains(">English</button>"),
        "the switch offers English"
    );
    let again = app.sign_in(ALICE).await;
    let html = page(app.get("/").session(&again).send().await.unwrap()).await;
    assert!(html.contains("<h1>文件庫</h1>"));
    // Others keep theirs.
    let bob = app.sign_in(BOB).await;
    let html = page(app.get("/").session(&bob).send().await.unwrap()).await;
    assert!(html.contains("<h1>Library</h1>"));
}

/// A `multipart/form-data` body of text fields and files, as a browser sends it.
fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----hkpilot-test-boundary-7d3a";
    let mut body = Vec::new();
    for (name, file_name, bytes) in fields {
        body.extend(format!("--{boundary}\r\n").bytes());
        match file_name {
            Some(f) => body.extend(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .bytes(),
            ),
            None => body
                .extend(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Polls the library (over the API) until every document is ready.
async fn wait_ready(app: &App, s: &Session, count: usize) -> Vec<serde_json::Value> {
    let start = Instant::now();
    loop {
        let (_, list) = json_of(app.get("/api/documents").session(s).send().await.unwrap()).await;
        let list = list.as_array().unwrap().clone();
        if list.len() == count && list.iter().all(|d| d["state"] == "ready") {
            return list;
        }
        assert!(start.elapsed() < JOB_TIMEOUT, "not ready: {list:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_summarise_and_read_through_the_forms() {
    let app = App::start().await;
    let s = form_sign_in(&app, CAROL).await;
    let zh = pdf(CHINESE_PDF);

    // Without the session's token the upload is refused and nothing is stored.
    let (ct, body) = multipart(&[("file", Some("回覆.pdf"), &zh)]);
    let r = app
        .post("/documents")
        .header(COOKIE, s.cookie())
        .header(CONTENT_TYPE, ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("CSRF"));
    assert_eq!(app.blob_files(), 0);

    // Two files at once, from the page.
    let note = note("form");
    let (ct, body) = multipart(&[
        ("_csrf", None, s.csrf.as_bytes()),
        ("file", Some("回覆.pdf"), &zh),
        ("file", Some("簡報.md"), &note),
    ]);
    let r = app
        .post("/documents")
        .header(COOKIE, s.cookie())
        .header(ORIGIN, app.origin())
        .header(CONTENT_TYPE, ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    assert_eq!(location(&r), "/");
    let docs = wait_ready(&app, &s, 2).await;
    let doc = docs.iter().find(|d| d["file_name"] == "回覆.pdf").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Carol reads Chinese: the library and the document are in Chinese.
    let html = page(app.get("/").session(&s).send().await.unwrap()).await;
    assert!(html.contains("<h1>文件庫</h1>"), "{html}");
    assert!(
        html.contains("回覆.pdf") && html.contains("簡報.md"),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/documents/{doc}\"")),
        "{html}"
    );
    let html = page(
        app.get(&format!("/documents/{doc}"))
            .session(&s)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("尚未有摘要"), "no summary yet: {html}");
    assert!(html.contains("id=\"p3\""), "page 3 is marked: {html}");
    assert!(
        html.contains("aria-labelledby=\"source-h\" lang=\"zh-Hant\""),
        "the source is marked as Traditional Chinese (a BCP 47 tag): {html}"
    );
    assert!(html.contains("公務員"), "{html}");

    // Ask for a summary with the form, then read it beside the source.
    let r = app
        .post(&format!("/documents/{doc}/summaries"))
        .header(COOKIE, s.cookie())
        .header(ORIGIN, app.origin())
        .form(&[
            ("_csrf", s.csrf.as_str()),
            ("method", "extractive"),
            ("length", "short"),
            ("lang", ""),
            ("focus", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    assert_eq!(location(&r), format!("/documents/{doc}"));
    let start = Instant::now();
    let html = loop {
        let html = page(
            app.get(&format!("/documents/{doc}"))
                .session(&s)
                .send()
                .await
                .unwrap(),
        )
        .await;
        if html.contains("id=\"summary-text\"") {
            break html;
        }
        assert!(start.elapsed() < JOB_TIMEOUT, "no summary: {html}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(html.contains("人工智能生成"), "AI-generated label: {html}");
    assert!(
        html.contains("class=\"cite\""),
        "clickable citations: {html}"
    );
    // Each citation points at a block of the source shown on the same page.
    let mut cited = 0;
    for part in html.split("class=\"cite\" href=\"#b").skip(1) {
        let block = &part[..part.find('"').unwrap()];
        assert!(
            html.contains(&format!("id=\"b{block}\"")),
            "citation to missing block b{block}"
        );
        cited += 1;
    }
    assert!(cited > 0);
    assert!(html.contains("?format=md") && html.contains("?format=docx"));

    // A form without the token is refused as the page's error.
    let r = app
        .post(&format!("/documents/{doc}/summaries"))
        .header(COOKIE, s.cookie())
        .form(&[("length", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Signing out from the page ends the session.
    let r = app
        .post("/logout")
        .header(COOKIE, s.cookie())
        .header(ORIGIN, app.origin())
        .form(&[("_csrf", s.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()));
    assert_eq!(location(&r), "/login");
    let r = app.get("/").session(&s).send().await.unwrap();
    assert!(is_redirect(r.status()));
    assert!(location(&r).starts_with("/login"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_on_pages_and_the_api_and_assets_cached_long() {
    let app = App::start().await;
    let s = app.sign_in(ALICE).await;

    page(app.get("/login").send().await.unwrap()).await;
    let html = page(app.get("/").session(&s).send().await.unwrap()).await;
    let r = app.get("/api/documents").session(&s).send().await.unwrap();
    page_headers(&r);
    let r = app.get("/api/documents").send().await.unwrap();
    assert_eq!(r.status(), 401);
    page_headers(&r);
    let r = app.get("/").send().await.unwrap();
    assert!(is_redirect(r.status()));
    page_headers(&r);

    // The page names its assets with a version, and they are cached for a year.
    let css_link = html
        .split("href=\"/assets/app.css?v=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a versioned stylesheet");
    assert!(!css_link.is_empty());
    for (path, kind) in [
        (format!("/assets/app.css?v={css_link}"), "text/css"),
        ("/assets/app.js".to_string(), "text/javascript"),
    ] {
        let r = app.get(&path).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(kind));
        let cache = r.headers()[CACHE_CONTROL].to_str().unwrap();
        assert!(cache.contains("max-age=31536000"), "{path}: {cache}");
        assert!(!cache.contains("no-store"), "{path}: {cache}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert!(!r.text().await.unwrap().is_empty());
    }
}
