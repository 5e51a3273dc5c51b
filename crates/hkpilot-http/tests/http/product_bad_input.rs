//! Bad input over HTTP: CSRF attempts, forged, expired and signed-out sessions,
//! oversized uploads, lying types, path-traversal and script-bearing names and text,
//! other people's ids, bad summary options, password guessing and open redirects.
//! Each gets a clear error, and nothing is stored half-way or leaked.

use std::time::Duration;

use hkpilot_auth::SessionPolicy;
use reqwest::header::{CONTENT_DISPOSITION, COOKIE, ORIGIN, REFERER, RETRY_AFTER};
use serde_json::json;

use super::product_common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_posts_need_the_csrf_token_and_this_origin() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let bob = app.sign_in(BOB).await;

    let attempts = [
        ("no token", None, None),
        ("wrong token", Some("00".repeat(32)), None),
        ("not hex", Some("<script>".to_string()), None),
        ("another session's token", Some(bob.csrf.clone()), None),
        (
            "right token, another site",
            Some(alice.csrf.clone()),
            Some("https://evil.example"),
        ),
        (
            "right token, a sandboxed page",
            Some(alice.csrf.clone()),
            Some("null"),
        ),
        (
            "right token, another port",
            Some(alice.csrf.clone()),
            Some("http://127.0.0.1:1"),
        ),
    ];
    for (what, token, origin) in attempts {
        let mut rb = app
            .post("/api/documents?file_name=note.md")
            .cookie_only(&alice)
            .body(note(what));
        if let Some(t) = token {
            rb = rb.header("x-csrf-token", t);
        }
        if let Some(o) = origin {
            rb = rb.header(ORIGIN, o);
        }
        let (code, message) = expect_error(rb.send().await.unwrap(), 403).await;
        assert_eq!(code, "csrf_failed", "{what}");
        assert!(message.contains("CSRF"), "{what}: {message}");
    }
    // A cross-site Referer (no Origin) is refused as well.
    let r = app
        .post("/api/documents?file_name=note.md")
        .session(&alice)
        .header(REFERER, "https://evil.example/page")
        .body(note("referer"))
        .send()
        .await
        .unwrap();
    let (code, _) = expect_error(r, 403).await;
    assert_eq!(code, "csrf_failed");
    // Sharing and signing out are state changes too.
    let r = app
        .delete("/api/session")
        .cookie_only(&alice)
        .send()
        .await
        .unwrap();
    expect_error(r, 403).await;

    let (_, list) = json_of(
        app.get("/api/documents")
            .session(&alice)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list, json!([]), "nothing was stored");
    assert_eq!(app.blob_files(), 0);

    // Signing in from another site's page (a "simple" cross-site post) is refused, so
    // nobody can be signed in as someone else behind their back.
    let r = app
        .post("/api/session")
        .header(ORIGIN, "https://evil.example")
        .header(reqwest::header::CONTENT_TYPE, "text/plain")
        .body(format!(
            r#"{{"username": "{BOB}", "password": "{PASSWORD}"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert!(set_cookies(r.headers()).is_empty());
    let (code, _) = expect_error(r, 403).await;
    assert_eq!(code, "csrf_failed");

    // The same request from this server's own page goes through.
    let r = app
        .post("/api/documents?file_name=note.md")
        .session(&alice)
        .header(ORIGIN, app.origin())
        .body(note("ok"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_expired_and_signed_out_sessions_stop_working() {
    let mut config = test_config();
    config.session = SessionPolicy {
        idle_timeout: Duration::from_secs(3),
        absolute_timeout: Duration::from_secs(3),
    };
    let app = App::with_config(config).await;

    // A made-up cookie: 401 on the API, sign-in on the page.
    let forged = "hkpilot_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let r = app
        .get("/api/documents")
        .header(COOKIE, forged)
        .send()
        .await
        .unwrap();
    let (code, _) = expect_error(r, 401).await;
    assert_eq!(code, "unauthenticated");
    let r = app.get("/").header(COOKIE, forged).send().await.unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    let r = app
        .get("/documents/abc?summary=x")
        .header(COOKIE, "hkpilot_session=\"<script>\"")
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    let to = location(&r);
    let next = to.strip_prefix("/login?next=").expect(&to);
    assert_eq!(percent_decode(next), "/documents/abc?summary=x");

    // Signing out ends the session on the server, not only in the browser.
    let s = app.sign_in(ALICE).await;
    let r = app.get("/api/me").session(&s).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = app.delete("/api/session").session(&s).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let cleared = set_cookies(r.headers());
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("hkpilot_session=") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    let r = app.get("/api/me").session(&s).send().await.unwrap();
    expect_error(r, 401).await;
    let r = app.get("/").session(&s).send().await.unwrap();
    assert!(is_redirect(r.status()));

    // An expired session is refused like a forged one.
    let s = app.sign_in(BOB).await;
    let r = app.get("/api/me").session(&s).send().await.unwrap();
    assert_eq!(r.status(), 200);
    tokio::time::sleep(Duration::from_millis(3300)).await;
    let r = app.get("/api/me").session(&s).send().await.unwrap();
    let (code, _) = expect_error(r, 401).await;
    assert_eq!(code, "unauthenticated");
    let r = app.get("/").session(&s).send().await.unwrap();
    assert!(is_redirect(r.status()));
    assert!(location(&r).starts_with("/login"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_uploads_are_413_and_leave_nothing_behind() {
    let mut config = test_config();
    config.max_upload_bytes = 64 * 1024;
    let app = App::with_config(config).await;
    let s = app.sign_in(ALICE).await;

    // Just over the limit (the service refuses), and far over it (the body limit of
    // the route refuses before reading it all): the same error either way.
    for size in [64 * 1024 + 1, 2 * 1024 * 1024] {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.resize(size, b'a');
        // The server answers before reading all of it and then closes the connection:
        // keep it out of the client's pool.
        let r = app
            .post("/api/documents?file_name=big.pdf")
            .session(&s)
            .header(reqwest::header::CONNECTION, "close")
            .body(bytes)
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(r).await;
        assert_eq!(status, 413, "{size}: {body}");
        assert_eq!(error_code(&body), "payload_too_large", "{size}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("64 KB"), "{size}: {message}");
    }
    // The page's form upload says the same, as a page.
    for size in [64 * 1024 + 1, 2 * 1024 * 1024] {
        let boundary = "----hkpilot-big";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n",
            s.csrf
        )
        .into_bytes();
        body.resize(body.len() + size, b'a');
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let r = app
            .post("/documents")
            .header(COOKIE, s.cookie())
            .header(reqwest::header::CONNECTION, "close")
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413, "form, {size}");
        let html = r.text().await.unwrap();
        assert!(html.contains("64 KB"), "form, {size}: {html}");
    }
    let (_, list) = json_of(app.get("/api/documents").session(&s).send().await.unwrap()).await;
    assert_eq!(list, json!([]));
    assert_eq!(
        app.blob_files(),
        0,
        "no file was kept, not even half of one"
    );

    // At the limit it is accepted.
    let mut text = note("limit");
    text.resize(64 * 1024, b' ');
    let (status, body) = app.upload_raw(&s, "at-limit.md", text).await;
    assert_eq!(status, 202, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lying_types_and_traversal_names_are_handled() {
    let app = App::start().await;
    let s = app.sign_in(ALICE).await;

    // PNG bytes under a PDF name: refused at once, with a message saying why.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 200));
    let (status, body) = app.upload_raw(&s, "x.pdf", png).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(error_code(&body), "invalid_request");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("x.pdf"), "{message}");
    assert!(message.contains("PDF"), "{message}");
    // Nor is an empty file or an old Word file stored.
    let (status, _) = app.upload_raw(&s, "empty.txt", Vec::new()).await;
    assert_eq!(status, 400);
    let (status, body) = app
        .upload_raw(
            &s,
            "old.doc",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (_, list) = json_of(app.get("/api/documents").session(&s).send().await.unwrap()).await;
    assert_eq!(list, json!([]));
    assert_eq!(app.blob_files(), 0);

    // Path traversal: only the last component is kept, as a name, never a path.
    for (name, kept) in [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("/abs/path/報告.txt", "報告.txt"),
    ] {
        let text = format!("The file was sent as {name}.\n").into_bytes();
        let (status, body) = app.upload_raw(&s, name, text).await;
        assert_eq!(status, 202, "{name}: {body}");
        assert_eq!(body["document"]["file_name"], kept, "{name}");
        let doc = body["document"]["id"].as_str().unwrap();
        let r = app
            .get(&format!("/api/documents/{doc}/file"))
            .session(&s)
            .send()
            .await
            .unwrap();
        let disposition = r.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_string();
        assert!(!disposition.contains(".."), "{disposition}");
        assert!(!disposition.contains("etc"), "{disposition}");
    }
    // Nothing was written outside the data directory.
    assert!(!app.dir.path().join("../etc/passwd").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_in_file_names_and_text_is_shown_escaped() {
    let app = App::start().await;
    let s = app.sign_in(ALICE).await;

    let name = "<img src=x onerror=alert(1)><script>alert(2).txt";
    let text = "施政報告 注意: <script>alert(\"doc\")</script> and <img src=x onerror=alert(3)> \
                and \" onmouseover=\"alert(4) end.\n\n\
                Second paragraph of the reply about the civil service.\n";
    let doc = app.ready_document(&s, name, text.as_bytes().to_vec()).await;

    for path in ["/".to_string(), format!("/documents/{doc}")] {
        let r = app.get(&path).session(&s).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("&lt;script&gt;alert("),
            "{path}: escaped: {html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}: {html}"
        );
        assert!(
            !html.contains("<script>alert"),
            "{path}: raw script: {html}"
        );
        assert!(
            !html.contains("<img src=x onerror"),
            "{path}: raw img: {html}"
        );
        if path != "/" {
            // The document's own text, in the source column.
            assert!(html.contains("alert(&quot;doc&quot;)"), "{html}");
            assert!(
                html.contains("&lt;img src=x onerror=alert(3)&gt;"),
                "{html}"
            );
            assert!(!html.contains("\" onmouseover=\"alert(4)"), "{html}");
        }
    }

    // The error page escapes too: a summary id with markup in it.
    let r = app
        .get(&format!(
            "/documents/{doc}?summary=%3Cscript%3Ealert(5)%3C%2Fscript%3E"
        ))
        .session(&s)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>alert(5)"), "{html}");

    // The download of such a name cannot break out of its header.
    let r = app
        .get(&format!("/api/documents/{doc}/file"))
        .session(&s)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    let disposition = r.headers()[CONTENT_DISPOSITION].to_str().unwrap();
    let fallback = disposition
        .split("filename=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert!(!fallback.contains(['<', '>', '"', ';']), "{disposition}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_peoples_and_unknown_ids_are_404() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let carol = app.sign_in(CAROL).await;
    let (doc, job) = app.upload(&alice, "note.md", note("ids")).await;
    app.wait_job(&alice, &job).await;

    for path in [
        format!("/api/jobs/{job}"),
        format!("/api/jobs/{job}/events"),
        "/api/jobs/00000000-0000-4000-8000-000000000000".to_string(),
        "/api/summaries/00000000-0000-4000-8000-000000000000".to_string(),
        "/api/summaries/..%2F..%2Fetc%2Fpasswd".to_string(),
        "/api/documents/not-a-document".to_string(),
        "/api/documents/not-a-document/file".to_string(),
    ] {
        let r = app.get(&path).session(&carol).send().await.unwrap();
        let (code, _) = expect_error(r, 404).await;
        assert_eq!(code, "not_found", "{path}");
    }
    let r = app
        .delete(&format!("/api/jobs/{job}"))
        .session(&carol)
        .send()
        .await
        .unwrap();
    expect_error(r, 404).await;
    let r = app
        .delete(&format!("/api/documents/{doc}"))
        .session(&carol)
        .send()
        .await
        .unwrap();
    expect_error(r, 404).await;
    // The document is still there for its owner.
    let r = app
        .get(&format!("/api/documents/{doc}"))
        .session(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // An unknown summary on the document page is the page's 404.
    let r = app
        .get(&format!("/documents/{doc}?summary=nope"))
        .session(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_summary_options_are_400_in_the_one_error_shape() {
    let app = App::start().await;
    let s = app.sign_in(ALICE).await;
    let doc = app.ready_document(&s, "note.md", note("options")).await;
    let path = format!("/api/documents/{doc}/summaries");

    let long_focus = "房屋".repeat(300);
    for (what, body, fragment) in [
        ("length banana", json!({"length": "banana"}), "banana"),
        (
            "model without a model",
            json!({"method": "model"}),
            "no language model",
        ),
        ("long focus", json!({"focus": long_focus}), "500"),
        ("unknown method", json!({"method": "magic"}), "magic"),
        ("unknown language", json!({"lang": "klingon"}), "klingon"),
        (
            "length as a number",
            json!({"length": 5}),
            "expected a string",
        ),
    ] {
        let r = app
            .post(&path)
            .session(&s)
            .json(&body)
            .send()
            .await
            .unwrap();
        let (code, message) = expect_error(r, 400).await;
        assert!(
            matches!(code.as_str(), "invalid_request" | "invalid_json"),
            "{what}: {code}"
        );
        assert!(message.contains(fragment), "{what}: {message}");
    }
    // Not JSON at all.
    let r = app
        .post(&path)
        .session(&s)
        .header("content-type", "application/json")
        .body("{length: short")
        .send()
        .await
        .unwrap();
    let (code, _) = expect_error(r, 400).await;
    assert_eq!(code, "invalid_json");
    // Sign-in and sharing take JSON the same way.
    let r = app
        .post("/api/session")
        .json(&json!({"username": ALICE}))
        .send()
        .await
        .unwrap();
    let (code, message) = expect_error(r, 400).await;
    assert_eq!(code, "invalid_json");
    assert!(message.contains("password"), "{message}");
    let r = app
        .post(&format!("/api/documents/{doc}/share"))
        .session(&s)
        .json(&json!({"shared": "yes"}))
        .send()
        .await
        .unwrap();
    expect_error(r, 400).await;

    let (_, list) = json_of(app.get(&path).session(&s).send().await.unwrap()).await;
    assert_eq!(list, json!([]), "no summary was made");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_guessing_is_throttled_with_retry_after() {
    let app = App::start().await;
    let mut last = None;
    for _ in 0..12 {
        let r = app
            .post("/api/session")
            .json(&json!({"username": ALICE, "password": "guess 猜"}))
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            last = Some(r);
            break;
        }
        expect_error(r, 401).await;
    }
    let r = last.expect("429 after repeated failures");
    let retry: u64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    let (code, _) = expect_error(r, 429).await;
    assert_eq!(code, "too_many_attempts");

    // The right password does not get through while locked, on the API or the form.
    let r = app
        .post("/api/session")
        .json(&json!({"username": ALICE, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    expect_error(r, 429).await;
    let (token, cookie) = app.login_form().await;
    let r = app
        .post("/login")
        .header(COOKIE, cookie)
        .form(&[
            ("_csrf", token.as_str()),
            ("username", ALICE),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the form again, with the reason");
    assert!(set_cookies(r.headers())
        .iter()
        .all(|c| !c.starts_with("hkpilot_session=")));
    let html = r.text().await.unwrap();
    assert!(html.contains("Too many failed sign-ins"), "{html}");

    // Someone else is not locked out.
    app.sign_in(BOB).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_never_redirects_off_the_site() {
    let app = App::start().await;
    for next in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "",
    ] {
        let (token, cookie) = app.login_form().await;
        let r = app
            .post("/login")
            .header(COOKIE, cookie)
            .form(&[
                ("_csrf", token.as_str()),
                ("username", ALICE),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{next:?}: {e}"));
        assert!(is_redirect(r.status()), "{next:?}: {}", r.status());
        assert_eq!(location(&r), "/", "{next:?}");
    }
    // A path of this site is kept.
    let (token, cookie) = app.login_form().await;
    let r = app
        .post("/login")
        .header(COOKIE, cookie)
        .form(&[
            ("_csrf", token.as_str()),
            ("username", ALICE),
            ("password", PASSWORD),
            ("next", "/documents/abc?summary=1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/documents/abc?summary=1");
    // One with characters a Location cannot carry as they are is percent-encoded.
    let (token, cookie) = app.login_form().await;
    let r = app
        .post("/login")
        .header(COOKIE, cookie)
        .form(&[
            ("_csrf", token.as_str()),
            ("username", ALICE),
            ("password", PASSWORD),
            ("next", "/documents/報告"),
        ])
        .send()
        .await
        .expect("an answer, not a dropped connection");
    assert!(is_redirect(r.status()), "{}", r.status());
    assert_eq!(location(&r), "/documents/%E5%A0%B1%E5%91%8A");

    // The language switch takes the same care with where it goes back to.
    let r = app
        .post("/settings/lang")
        .form(&[("lang", "zh-Hant"), ("back", "//evil.example")])
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()));
    assert_eq!(location(&r), "/");
}
