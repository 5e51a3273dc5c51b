//! Translations over HTTP: the API flow with a scripted model (ask, follow the job,
//! list, fetch as JSON, Markdown and Word), errors and concealment (another user's or
//! department's document is not found), a server without a model (only Traditional ↔
//! Simplified), and the document page: the Translate form, the running job's progress
//! box, the translation side by side with flagged blocks marked and text escaped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hkpilot_llm::testing::{message, Reply, ScriptedBackend};
use hkpilot_llm::{ChatRequest, LlmBackend, LlmError, Role as ChatRole};
use reqwest::header::{COOKIE, ORIGIN};
use serde_json::{json, Value};

use crate::product_common::{
    expect_error, is_redirect, json_of, location, note, App, Auth, Session, ALICE, BOB, CAROL,
    JOB_TIMEOUT,
};

/// Answers each numbered source line with `answer(line)`, as `[k] …`.
#[derive(Clone, Copy)]
struct Lines(fn(&str) -> String);

impl std::fmt::Debug for Lines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lines")
    }
}

impl Reply for Lines {
    fn reply(&self, request: &ChatRequest) -> Result<String, LlmError> {
        let user = message(request, ChatRole::User);
        let inside = match (user.find("<source>"), user.find("</source>")) {
            (Some(a), Some(b)) if a < b => &user[a + "<source>".len()..b],
            _ => "",
        };
        Ok(inside
            .lines()
            .filter_map(|l| {
                let (k, text) = l.strip_prefix('[')?.split_once("] ")?;
                let k: u32 = k.parse().ok()?;
                Some(format!("[{k}] {}\n", (self.0)(text)))
            })
            .collect())
    }
}

/// A sentence per source sentence, figures dropped (so blocks with figures are
/// flagged), with markup in it that the page must show as text.
fn with_markup(line: &str) -> String {
    let n = line.matches(['.', '?', '!']).count().max(1);
    "譯文<img src=x onerror=alert(1)>句子。".repeat(n)
}

fn model(delay_ms: u64) -> Arc<dyn LlmBackend> {
    Arc::new(
        ScriptedBackend::<Lines>::new(Lines(with_markup))
            .with_delay(Duration::from_millis(delay_ms)),
    )
}

/// A Traditional Chinese note without English.
fn chinese_note(tag: &str) -> Vec<u8> {
    format!("# 資訊科技培訓 {tag}\n\n公務員事務局將舉辦資訊科技培訓課程。各部門應提名員工參加。\n")
        .into_bytes()
}

/// `POST /api/documents/{doc}/translations`; returns (status, body).
async fn ask(app: &App, s: &Session, doc: &str, to: &str) -> (u16, Value) {
    json_of(
        app.post(&format!("/api/documents/{doc}/translations"))
            .session(s)
            .json(&json!({ "to": to }))
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Asks, waits for the job, and returns the translation's id.
async fn translate(app: &App, s: &Session, doc: &str, to: &str) -> String {
    let (status, body) = ask(app, s, doc, to).await;
    assert_eq!(status, 202, "{body}");
    let job = app.wait_job(s, body["job_id"].as_str().unwrap()).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["kind"], "translate", "{job}");
    job["result"]["translation"]
        .as_str()
        .expect("the job names the translation")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn translate_list_and_download_over_the_api() {
    let app = App::with_model(model(0)).await;
    let alice = app.sign_in(ALICE).await;
    let doc = app.ready_document(&alice, "briefing.md", note("api")).await;
    let id = translate(&app, &alice, &doc, "zh-Hant").await;

    let (status, list) = json_of(
        app.get(&format!("/api/documents/{doc}/translations"))
            .session(&alice)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["to"], "zh-Hant");
    assert_eq!(list[0]["model"], "scripted");
    assert_eq!(list[0]["ai_generated"], true);
    assert!(list[0].get("translation").is_none(), "{list}");

    let (status, one) = json_of(
        app.get(&format!("/api/translations/{id}"))
            .session(&alice)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{one}");
    let t = &one["translation"];
    assert_eq!(t["ai_generated"], true);
    assert_eq!(t["to"], "zh-Hant");
    let blocks = t["blocks"].as_array().unwrap();
    assert!(blocks.len() >= 3, "{t}");
    assert!(
        blocks
            .iter()
            .any(|b| b["method"] == "model" && b["translation"].as_str().unwrap().contains("譯文")),
        "{t}"
    );

    let md = app
        .download(
            &alice,
            &format!("/api/translations/{id}?format=md"),
            "text/markdown",
            "md",
        )
        .await;
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("> "), "labelled first: {md}");
    assert!(md.contains("譯文"), "{md}");

    app.download(
        &alice,
        &format!("/api/translations/{id}?format=docx"),
        "wordprocessingml",
        "docx",
    )
    .await;

    let (code, _) = expect_error(
        app.get(&format!("/api/translations/{id}?format=pdf"))
            .session(&alice)
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(code, "invalid_request");
    let (status, body) = ask(&app, &alice, &doc, "fr").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["param"], "to", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_users_translations_are_not_found() {
    let app = App::with_model(model(0)).await;
    let alice = app.sign_in(ALICE).await;
    let doc = app
        .ready_document(&alice, "briefing.md", note("perm"))
        .await;
    let id = translate(&app, &alice, &doc, "en").await;
    for who in [BOB, CAROL] {
        let s = app.sign_in(who).await;
        let (status, body) = ask(&app, &s, &doc, "zh-Hant").await;
        assert_eq!(status, 404, "{who}: {body}");
        for path in [
            format!("/api/documents/{doc}/translations"),
            format!("/api/translations/{id}"),
            format!("/api/translations/{id}?format=md"),
            format!("/api/translations/{id}?format=docx"),
        ] {
            let (code, _) =
                expect_error(app.get(&path).session(&s).send().await.unwrap(), 404).await;
            assert_eq!(code, "not_found", "{who} {path}");
        }
        let r = app
            .get(&format!("/documents/{doc}?translation={id}"))
            .session(&s)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{who}");
    }
    let (code, _) = expect_error(
        app.get(&format!("/api/translations/{id}"))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    assert_eq!(code, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_only_the_script_changes() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let mixed = app
        .ready_document(&alice, "briefing.md", note("nomodel"))
        .await;
    let (status, body) = ask(&app, &alice, &mixed, "zh-Hant").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "invalid_request", "{body}");

    let zh = app
        .ready_document(&alice, "通告.md", chinese_note("hans"))
        .await;
    let id = translate(&app, &alice, &zh, "zh-Hans").await;
    let (status, one) = json_of(
        app.get(&format!("/api/translations/{id}"))
            .session(&alice)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["model"], Value::Null);
    let text = one["translation"].to_string();
    assert!(text.contains("公务员事务局"), "{text}");

    let html = app
        .get(&format!("/documents/{zh}"))
        .session(&alice)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("only conversion between Traditional and Simplified Chinese"),
        "{html}"
    );
    assert!(html.contains("script conversion only (no model)"), "{html}");

    // In Chinese, the label is Chinese too (the pipeline writes it in English).
    app.set_page_lang(&alice, "zh-Hant").await;
    let html = app.page_html(&alice, &format!("/documents/{zh}")).await;
    assert!(
        html.contains("自動轉換為简体中文（不需語言模型）"),
        "{html}"
    );
    assert!(!html.contains("Automatic conversion from"), "{html}");
}

/// The document page until `done(html)`, or panics after [`JOB_TIMEOUT`].
async fn page_until(app: &App, s: &Session, path: &str, done: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let r = app.get(path).session(s).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        if done(&html) {
            return html;
        }
        assert!(start.elapsed() < JOB_TIMEOUT, "never: {html}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_translates_and_shows_the_result_beside_the_source() {
    let app = App::with_model(model(200)).await;
    let alice = app.sign_in(ALICE).await;
    let doc = app
        .ready_document(&alice, "briefing.md", note("page"))
        .await;
    let path = format!("/documents/{doc}");
    let html = page_until(&app, &alice, &path, |_| true).await;
    assert!(
        html.contains(&format!("action=\"/documents/{doc}/translations\"")),
        "{html}"
    );
    assert!(
        html.contains("简体中文") && html.contains("繁體中文"),
        "{html}"
    );
    assert!(html.contains("No translation yet"), "{html}");

    // A form post without its CSRF token is refused.
    let r = app
        .post(&format!("/documents/{doc}/translations"))
        .header(COOKIE, alice.cookie())
        .header(ORIGIN, app.origin())
        .form(&[("to", "zh-Hant")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let r = app
        .post(&format!("/documents/{doc}/translations"))
        .header(COOKIE, alice.cookie())
        .header(ORIGIN, app.origin())
        .form(&[("_csrf", alice.csrf.as_str()), ("to", "zh-Hant")])
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    assert_eq!(location(&r), path);
    // While it runs, the page has a progress box for the job.
    let running = page_until(&app, &alice, &path, |_| true).await;
    assert!(
        running.contains("data-job=") || running.contains("id=\"translation-text\""),
        "{running}"
    );

    let html = page_until(&app, &alice, &path, |h| {
        h.contains("id=\"translation-text\"")
    })
    .await;
    assert!(html.contains("Machine translation"), "labelled: {html}");
    assert!(html.contains("AI-generated"), "{html}");
    assert!(html.contains("translated by scripted"), "{html}");
    // Source and translation side by side, the model's markup shown as text.
    assert!(
        html.contains("The Civil Service Bureau recruited 26"),
        "{html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<img src=x"), "{html}");
    // The paragraph whose figures went missing is flagged.
    assert!(html.contains(" flagged\""), "{html}");
    assert!(html.contains("⚠ Check"), "{html}");
    let tid = html
        .split("/api/translations/")
        .nth(1)
        .and_then(|r| r.split('?').next())
        .expect("download links")
        .to_string();
    assert!(html.contains(&format!("/api/translations/{tid}?format=md")));
    assert!(html.contains(&format!("/api/translations/{tid}?format=docx")));

    // A second translation: the newest is shown, both are listed.
    let second = translate(&app, &alice, &doc, "en").await;
    let html = page_until(&app, &alice, &path, |h| h.contains(&second)).await;
    assert!(html.contains("Earlier translations"), "{html}");
    assert!(html.contains(&format!("?translation={tid}")), "{html}");
    assert!(html.contains(&format!("?translation={second}")), "{html}");
    let older = page_until(&app, &alice, &format!("{path}?translation={tid}"), |_| true).await;
    assert!(
        older.contains(&format!("/api/translations/{tid}?format=md")),
        "{older}"
    );

    // A translation of another document is not shown on this one's page.
    let other = app.ready_document(&alice, "other.md", note("other")).await;
    let r = app
        .get(&format!("/documents/{other}?translation={tid}"))
        .session(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // In Chinese, the page's words are Chinese.
    let carol_doc = {
        let carol = app.sign_in(CAROL).await;
        let d = app
            .ready_document(&carol, "通告.md", chinese_note("zh-page"))
            .await;
        translate(&app, &carol, &d, "zh-Hans").await;
        (carol, d)
    };
    let html = page_until(
        &app,
        &carol_doc.0,
        &format!("/documents/{}", carol_doc.1),
        |_| true,
    )
    .await;
    assert!(html.contains("機器翻譯"), "{html}");
    assert!(html.contains("只轉換字體"), "{html}");
}
