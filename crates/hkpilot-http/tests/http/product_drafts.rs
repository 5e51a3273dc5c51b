//! Drafts over HTTP: the API flow with a scripted model (ask, follow the job, list,
//! fetch as JSON, Markdown and Word), a source another user may not read is not found
//! and someone else's draft neither, a server without a model refuses with a clear
//! message, and the Draft page: the form, and the draft shown escaped with its
//! citations linked to the cited blocks; rewriting over the API and on the Rewrite
//! page (diff, flags, AI label, script conversion without a model).

use std::sync::Arc;

use hkpilot_llm::testing::{message, Reply, ScriptedBackend};
use hkpilot_llm::{ChatRequest, LlmBackend, LlmError, Role as ChatRole};
use reqwest::header::ORIGIN;
use serde_json::{json, Value};

use crate::product_common::{expect_error, json_of, note, App, Auth, Session, ALICE, BOB, CAROL};

/// Copies up to three numbered source lines, citing each; else the notes' sentences
/// (where a test puts markup that the page must show as text).
#[derive(Debug, Clone, Copy)]
struct Copier;

fn block<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(&s[start..end])
}

impl Reply for Copier {
    fn reply(&self, request: &ChatRequest) -> Result<String, LlmError> {
        let user = message(request, ChatRole::User);
        // A rewrite: each numbered piece back under its number, "big" made "large" and
        // one figure changed (which the rewrite must flag).
        if let Some(text) = block(&user, "<text>\n", "</text>") {
            return Ok(text
                .lines()
                .filter_map(|l| {
                    let (k, body) = l.strip_prefix('[')?.split_once("] ")?;
                    let body = body.replace("big", "large").replace("30,000", "40,000");
                    Some(format!("[{k}] {body}\n"))
                })
                .collect());
        }
        if let Some(source) = block(&user, "<source>\n", "</source>") {
            return Ok(source
                .lines()
                .filter_map(|l| {
                    let (k, text) = l.strip_prefix('[')?.split_once("] ")?;
                    let k: u32 = k.parse().ok()?;
                    Some(format!("- {text} [{k}]\n"))
                })
                .take(3)
                .collect());
        }
        let notes = block(&user, "<notes>\n", "\n</notes>").unwrap_or("");
        Ok(notes
            .split_inclusive(['.', '。'])
            .map(str::trim)
            .filter(|s| s.chars().filter(|c| c.is_alphabetic()).count() >= 3)
            .take(2)
            .map(|s| format!("- {s}\n"))
            .collect())
    }
}

fn model() -> Arc<dyn LlmBackend> {
    Arc::new(ScriptedBackend::<Copier>::new(Copier))
}

fn request(sources: &[&str]) -> Value {
    json!({
        "type": "memo",
        "lang": "en",
        "fields": { "subject": "IT training 資訊科技培訓" },
        "notes": "Nominate officers for the IT training. The course starts next month.",
        "sources": sources,
    })
}

async fn ask(app: &App, s: &Session, body: &Value) -> (u16, Value) {
    json_of(
        app.post("/api/drafts")
            .session(s)
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Asks, waits for the job, and returns the draft's id.
pub(crate) async fn draft(app: &App, s: &Session, body: &Value) -> String {
    let (status, body) = ask(app, s, body).await;
    assert_eq!(status, 202, "{body}");
    let job = app.wait_job(s, body["job_id"].as_str().unwrap()).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["kind"], "draft", "{job}");
    job["result"]["draft"]
        .as_str()
        .expect("the job names the draft")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_list_and_download_over_the_api() {
    let app = App::with_model(model()).await;
    let alice = app.sign_in(ALICE).await;
    let doc = app
        .ready_document(&alice, "briefing.md", note("draft"))
        .await;
    let id = draft(&app, &alice, &request(&[&doc])).await;

    let (status, list) =
        json_of(app.get("/api/drafts").session(&alice).send().await.unwrap()).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["type"], "memo");
    assert_eq!(list[0]["lang"], "en");
    assert_eq!(list[0]["sources"], json!([doc]));
    assert_eq!(list[0]["ai_generated"], true);
    assert!(list[0].get("draft").is_none(), "{list}");

    let (status, one) = json_of(
        app.get(&format!("/api/drafts/{id}"))
            .session(&alice)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{one}");
    let d = &one["draft"];
    assert_eq!(d["ai_generated"], true);
    assert!(!d["missing_fields"].as_array().unwrap().is_empty(), "{d}");
    assert!(
        d.to_string().contains(&format!("\"doc\":\"{doc}\"")),
        "cites the source: {d}"
    );

    let md = app
        .download(
            &alice,
            &format!("/api/drafts/{id}?format=md"),
            "text/markdown",
            "md",
        )
        .await;
    assert!(!String::from_utf8(md).unwrap().trim().is_empty());
    app.download(
        &alice,
        &format!("/api/drafts/{id}?format=docx"),
        "wordprocessingml",
        "docx",
    )
    .await;

    let (code, _) = expect_error(
        app.get(&format!("/api/drafts/{id}?format=pdf"))
            .session(&alice)
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(code, "invalid_request");
    let mut bad = request(&[]);
    bad["lang"] = json!("fr");
    let (status, body) = ask(&app, &alice, &bad).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["param"], "lang", "{body}");
    let mut bad = request(&[]);
    bad["type"] = json!("sonnet");
    let (status, body) = ask(&app, &alice, &bad).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_sources_and_other_users_drafts_are_not_found() {
    let app = App::with_model(model()).await;
    let alice = app.sign_in(ALICE).await;
    let doc = app
        .ready_document(&alice, "briefing.md", note("perm"))
        .await;
    let id = draft(&app, &alice, &request(&[])).await;
    for who in [BOB, CAROL] {
        let s = app.sign_in(who).await;
        let (status, body) = ask(&app, &s, &request(&[&doc])).await;
        assert_eq!(status, 404, "{who}: {body}");
        for path in [
            format!("/api/drafts/{id}"),
            format!("/api/drafts/{id}?format=md"),
            format!("/api/drafts/{id}?format=docx"),
        ] {
            let (code, _) =
                expect_error(app.get(&path).session(&s).send().await.unwrap(), 404).await;
            assert_eq!(code, "not_found", "{who} {path}");
        }
        let (_, list) = json_of(app.get("/api/drafts").session(&s).send().await.unwrap()).await;
        assert_eq!(list, json!([]), "{who}");
    }
    let (code, _) = expect_error(app.get("/api/drafts").send().await.unwrap(), 401).await;
    assert_eq!(code, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_drafting_is_refused_clearly() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let (status, body) = ask(&app, &alice, &request(&[])).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "invalid_request", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("language model"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_draft_page_shows_the_form_and_the_draft_escaped() {
    let app = App::with_model(model()).await;
    let alice = app.sign_in(ALICE).await;
    let doc = app
        .ready_document(&alice, "briefing.md", note("page"))
        .await;

    let html = app
        .get("/draft?type=memo&lang=zh-Hant")
        .session(&alice)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"href="/draft""#), "linked in the header");
    assert!(html.contains(r#"name="field_subject""#), "{html}");
    assert!(html.contains(r#"value="zh-Hant" selected"#), "{html}");
    assert!(
        html.contains(&format!(r#"value="{doc}""#)),
        "sources offered: {html}"
    );
    assert!(
        html.contains(r#"class="required""#),
        "required fields marked"
    );

    let mut body = request(&[&doc]);
    body["notes"] = json!("Nominate officers <script>alert(1)</script> for the IT training.");
    body["fields"]["subject"] = json!("IT training <script>alert(2)</script> & 培訓");
    let id = draft(&app, &alice, &body).await;
    let list = app
        .get("/draft")
        .session(&alice)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains(&format!(r#"href="/drafts/{id}""#)),
        "listed: {list}"
    );

    let r = app
        .get(&format!("/drafts/{id}"))
        .session(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "escaped: {html}");
    assert!(!html.contains("<script>alert(2)"), "escaped: {html}");
    // The pipeline neutralises markup in notes; a field is filled in as given, and the
    // page escapes it.
    assert!(html.contains("alert(1)"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(2)"), "{html}");
    assert!(html.contains("AI-generated"), "labelled: {html}");
    assert!(
        html.contains(&format!(r#"href="/documents/{doc}#b"#)),
        "citations link to the cited block: {html}"
    );
    assert!(html.contains("Who is the memo to?"), "questions: {html}");
    assert!(html.contains(&format!("/api/drafts/{id}?format=docx")));

    let bob = app.sign_in(BOB).await;
    let r = app
        .get(&format!("/drafts/{id}"))
        .session(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

async fn rewrite(app: &App, s: &Session, text: &str, op: &str) -> (u16, Value) {
    json_of(
        app.post("/api/rewrite")
            .session(s)
            .json(&json!({ "text": text, "op": op }))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rewriting_over_the_api_shows_the_diff_and_flags_changed_figures() {
    let app = App::with_model(model()).await;
    let alice = app.sign_in(ALICE).await;
    let (status, r) = rewrite(
        &app,
        &alice,
        "The big hall opens at 9 am. The fee is HK$30,000 a year.",
        "plain",
    )
    .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["rewritten"],
        "The large hall opens at 9 am. The fee is HK$40,000 a year."
    );
    assert_eq!(r["ai_generated"], true);
    assert_eq!(r["changed"], true);
    let runs = r["diff"].as_array().unwrap();
    assert!(
        runs.iter()
            .any(|d| d["op"] == "delete" && d["text"] == "big"),
        "{r}"
    );
    assert!(
        runs.iter()
            .any(|d| d["op"] == "insert" && d["text"] == "large"),
        "{r}"
    );
    let flags = r["flags"].as_array().unwrap();
    assert!(
        flags.iter().any(|f| f["kind"] == "figure_changed"),
        "a changed figure is flagged: {r}"
    );

    // Script conversion needs no model and is not labelled AI-generated.
    let (status, r) = rewrite(&app, &alice, "資訊科技 and 軟件", "to-hans").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["rewritten"], "资讯科技 and 软件");
    assert_eq!(r["ai_generated"], false);

    // Bad input: an unknown operation, nothing to rewrite, too much text.
    let (status, r) = rewrite(&app, &alice, "Text.", "louder").await;
    assert_eq!(status, 400, "{r}");
    assert!(
        r["error"]["message"].as_str().unwrap().contains("shorten"),
        "{r}"
    );
    let (status, _) = rewrite(&app, &alice, "   ", "plain").await;
    assert_eq!(status, 400);
    let (status, r) = rewrite(&app, &alice, &"字".repeat(6_001), "plain").await;
    assert_eq!(status, 400, "{r}");
    assert!(
        r["error"]["message"].as_str().unwrap().contains("6000"),
        "{r}"
    );

    // The model call is audited (the script conversion is not a model call).
    let events = app.svc.audit_export_unchecked().await.unwrap();
    let calls: Vec<_> = events
        .iter()
        .filter(|e| e.action.as_str() == "model_call" && e.detail.contains("rewrite"))
        .collect();
    assert_eq!(calls.len(), 1, "{events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_only_script_conversion_rewrites() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let (status, r) = rewrite(&app, &alice, "The big hall.", "shorten").await;
    assert_eq!(status, 400, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no language model"),
        "{r}"
    );
    let (status, r) = rewrite(&app, &alice, "软件和信息", "to-hant").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["rewritten"], "軟件和資訊", "Hong Kong usage");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rewrite_page_opens_a_draft_and_marks_the_changes() {
    let app = App::with_model(model()).await;
    let alice = app.sign_in(ALICE).await;
    let doc = app
        .ready_document(&alice, "briefing.md", note("rewrite"))
        .await;
    let id = draft(&app, &alice, &request(&[&doc])).await;
    let html = app.page_html(&alice, &format!("/drafts/{id}")).await;
    assert!(
        html.contains(&format!(r#"href="/rewrite?draft={id}""#)),
        "{html}"
    );
    let html = app.page_html(&alice, &format!("/rewrite?draft={id}")).await;
    assert!(
        html.contains("Nominate officers"),
        "the draft's text is loaded: {html}"
    );

    // Someone else's draft cannot be opened for rewriting.
    let bob = app.sign_in(BOB).await;
    let r = app
        .get(&format!("/rewrite?draft={id}"))
        .session(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let fields = [
        ("text", "The big hall <b>opens</b> at 9 am."),
        ("op", "plain"),
        ("tone", ""),
    ];
    let r = app.post_form(&alice, "/rewrite", &fields).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("<del>big</del>"), "{html}");
    assert!(html.contains("<ins>large</ins>"), "{html}");
    assert!(!html.contains("<b>opens</b>"), "escaped: {html}");
    assert!(html.contains("AI-generated rewrite"), "labelled: {html}");

    // The page in Chinese, converting to Simplified: no AI label, words translated.
    app.set_page_lang(&alice, "zh-Hant").await;
    let fields = [
        ("text", "黃大仙區的資訊科技"),
        ("op", "to-hans"),
        ("tone", ""),
    ];
    let html = app
        .post_form(&alice, "/rewrite", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("改寫後的文字"), "{html}");
    assert!(html.contains("黄大仙区的资讯科技"), "{html}");
    assert!(!html.contains("人工智能生成的改寫"), "{html}");

    // A form without its CSRF token is refused.
    let r = app
        .post("/rewrite")
        .session(&alice)
        .header(ORIGIN, app.origin())
        .form(&[("text", "The big hall."), ("op", "plain")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
