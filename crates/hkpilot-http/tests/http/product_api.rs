//! The product API end to end over HTTP: signing in, uploading English and Traditional
//! Chinese PDFs, following the reading job by polling and by SSE, the library, a
//! document's structure, summaries in JSON, Markdown and Word, downloads with Chinese
//! file names, and personal API keys on `/api` and `/v1`.

use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, WWW_AUTHENTICATE};
use serde_json::{json, Value};

use super::product_common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_credentials_the_api_is_401_and_sign_in_sets_a_strict_cookie() {
    let app = App::start().await;

    let r = app.get("/api/documents").send().await.unwrap();
    assert_eq!(
        r.headers()
            .get(WWW_AUTHENTICATE)
            .map(|v| v.to_str().unwrap()),
        Some("Bearer")
    );
    let (code, _) = expect_error(r, 401).await;
    assert_eq!(code, "unauthenticated");

    // A wrong password reads like an unknown user.
    let r = app
        .post("/api/session")
        .json(&json!({"username": ALICE, "password": "wrong password 錯"}))
        .send()
        .await
        .unwrap();
    let (code, _) = expect_error(r, 401).await;
    assert_eq!(code, "bad_credentials");
    let r = app
        .post("/api/session")
        .json(&json!({"username": "nobody", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (code, _) = expect_error(r, 401).await;
    assert_eq!(code, "bad_credentials");

    let s = app.sign_in(ALICE).await;
    let attrs: Vec<&str> = s.set_cookie.split(';').map(str::trim).collect();
    assert!(attrs.contains(&"HttpOnly"), "{}", s.set_cookie);
    assert!(attrs.contains(&"SameSite=Strict"), "{}", s.set_cookie);
    assert!(attrs.contains(&"Path=/"), "{}", s.set_cookie);
    // Served over plain HTTP in the test: no `Secure`, or the browser would drop it.
    assert!(!attrs.contains(&"Secure"), "{}", s.set_cookie);
    assert!(s.token.len() >= 32, "a long random token: {}", s.token);
    assert!(
        s.csrf.len() >= 32 && s.csrf.chars().all(|c| c.is_ascii_hexdigit()),
        "{}",
        s.csrf
    );
    assert_eq!(s.user["username"], ALICE);
    assert_eq!(s.user["role"], "officer");

    let (status, me) = json_of(app.get("/api/me").session(&s).send().await.unwrap()).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["username"], ALICE);
    assert_eq!(me["department"], "csb");

    let (status, list) = json_of(app.get("/api/documents").session(&s).send().await.unwrap()).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list, json!([]));
}

/// Reads an SSE stream to its end (the server closes it after the final state).
async fn job_events(app: &App, s: &Session, job: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/jobs/{job}/events"))
        .session(s)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()[CONTENT_TYPE].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/event-stream"), "{ct}");
    let raw = tokio::time::timeout(JOB_TIMEOUT, r.text())
        .await
        .expect("the event stream ends once the job has")
        .unwrap();
    sse_data(&raw)
        .iter()
        .map(|d| serde_json::from_str(d).unwrap_or_else(|e| panic!("{e}: {d}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chinese_and_english_pdfs_are_read_summarised_and_downloaded() {
    let app = App::start().await;
    let s = app.sign_in(ALICE).await;

    // Traditional Chinese, under a Chinese file name, followed over SSE.
    let zh_name = "公務員事務局 回覆 第49號.pdf";
    let zh_bytes = pdf(CHINESE_PDF);
    let (status, accepted) = app.upload_raw(&s, zh_name, zh_bytes.clone()).await;
    assert_eq!(status, 202, "{accepted}");
    let zh_job = accepted["job_id"].as_str().unwrap().to_string();
    let zh_doc = accepted["document"]["id"].as_str().unwrap().to_string();
    assert_eq!(accepted["document"]["file_name"], zh_name);
    assert_eq!(accepted["document"]["format"], "pdf");
    assert_eq!(accepted["document"]["size_bytes"], zh_bytes.len());
    let events = job_events(&app, &s, &zh_job).await;
    assert!(!events.is_empty());
    for e in &events {
        assert_eq!(e["job"], zh_job.as_str(), "only this job's events: {e}");
    }
    let last = events.last().unwrap();
    assert_eq!(last["state"], "succeeded", "{events:?}");
    for e in &events[..events.len() - 1] {
        let state = e["state"].as_str().unwrap();
        assert!(
            matches!(state, "queued" | "running"),
            "only the last event is final: {events:?}"
        );
    }
    // Subscribing to a job that has ended gives its final state at once, then ends.
    let again = job_events(&app, &s, &zh_job).await;
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["state"], "succeeded");
    let job = app.wait_job(&s, &zh_job).await;
    assert_eq!(job["kind"], "ingest");
    assert_eq!(job["state"], "succeeded");
    assert!(job["finished_at_ms"].as_i64().is_some(), "{job}");

    // English, followed by polling.
    let en_bytes = pdf(ENGLISH_PDF);
    let en_doc = app
        .ready_document(&s, "LegCo reply 7.pdf", en_bytes.clone())
        .await;

    let (status, list) = json_of(app.get("/api/documents").session(&s).send().await.unwrap()).await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let by_id = |id: &str| list.iter().find(|d| d["id"] == id).unwrap().clone();
    let zh = by_id(&zh_doc);
    assert_eq!(zh["state"], "ready", "{zh}");
    assert_eq!(zh["lang"], "zh-Hant", "{zh}");
    assert_eq!(zh["pages"], 3, "{zh}");
    assert_eq!(zh["file_name"], zh_name);
    assert!(
        zh["title"].as_str().is_some_and(|t| !t.is_empty()),
        "a title from the document or its name: {zh}"
    );
    let en = by_id(&en_doc);
    assert_eq!(en["state"], "ready", "{en}");
    assert_eq!(en["lang"], "en", "{en}");

    // The structure, page by page.
    let (status, detail) = json_of(
        app.get(&format!("/api/documents/{zh_doc}"))
            .session(&s)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    let blocks = detail["blocks"].as_array().expect("blocks once read");
    assert!(blocks.len() > 3, "{detail}");
    let text: String = blocks
        .iter()
        .map(|b| b["text"].as_str().unwrap_or(""))
        .collect();
    assert!(text.contains("公務員"), "Chinese text survives: {text}");
    let last_page = blocks.iter().filter_map(|b| b["page"].as_u64()).max();
    assert_eq!(last_page, Some(3));

    // A summary of each, as a job; Chinese first.
    let zh_summary = app.summary(&s, &zh_doc, json!({"length": "short"})).await;
    let (status, history) = json_of(
        app.get(&format!("/api/documents/{zh_doc}/summaries"))
            .session(&s)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    assert_eq!(history[0]["document"], zh_doc.as_str());
    assert!(history[0].get("summary").is_none(), "lists stay light");

    let (status, one) = json_of(
        app.get(&format!("/api/summaries/{zh_summary}?format=json"))
            .session(&s)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{one}");
    let summary = &one["summary"];
    assert_eq!(summary["lang"], "zh-Hant", "{one}");
    assert_eq!(summary["ai_generated"], true);
    let sentences = summary["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty(), "{one}");
    assert!(
        sentences
            .iter()
            .all(|s| !s["citations"].as_array().unwrap().is_empty()),
        "every extractive sentence is cited: {one}"
    );

    let r = app
        .get(&format!("/api/summaries/{zh_summary}?format=md"))
        .session(&s)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    let md = r.text().await.unwrap();
    assert!(md.contains("本摘要由人工智能生成"), "AI notice: {md}");
    assert!(md.contains("[^1]:"), "footnotes: {md}");
    assert!(md.contains(zh_name), "footnotes name the file: {md}");

    app.download(
        &s,
        &format!("/api/summaries/{zh_summary}?format=docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    )
    .await;

    let r = app
        .get(&format!("/api/summaries/{zh_summary}?format=pdf"))
        .session(&s)
        .send()
        .await
        .unwrap();
    let (code, message) = expect_error(r, 400).await;
    assert_eq!(code, "invalid_request");
    assert!(message.contains("json, md or docx"), "{message}");

    let en_summary = app.summary(&s, &en_doc, json!({})).await;
    let md = app
        .get(&format!("/api/summaries/{en_summary}?format=md"))
        .session(&s)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(md.contains("AI-generated summary"), "{md}");
    assert!(md.contains("[^1]:"), "{md}");

    // The original comes back byte for byte, under its Chinese name.
    let r = app
        .get(&format!("/api/documents/{zh_doc}/file"))
        .session(&s)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/pdf");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let disposition = r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let encoded = disposition
        .split("filename*=UTF-8''")
        .nth(1)
        .unwrap_or_else(|| panic!("no UTF-8 name: {disposition}"));
    assert_eq!(percent_decode(encoded), zh_name, "{disposition}");
    assert!(
        disposition.contains("filename=\""),
        "an ASCII fallback for old clients: {disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), zh_bytes.as_slice());

    let r = app
        .get(&format!("/api/documents/{en_doc}/file"))
        .session(&s)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("filename=\"LegCo reply 7.pdf\""));
    assert_eq!(r.bytes().await.unwrap().as_ref(), en_bytes.as_slice());

    // The same file twice is a conflict, not a second copy.
    let (status, body) = app.upload_raw(&s, "again.pdf", en_bytes).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "conflict");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_api_keys_work_on_api_and_v1_once_accounts_exist() {
    let app = App::empty(test_config()).await;

    // A first run with no accounts: the model is open on loopback.
    let r = app.get("/v1/models").send().await.unwrap();
    assert_eq!(r.status(), 200);

    let csb = app
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    app.account(
        ALICE,
        &csb,
        hkpilot_core::Role::Officer,
        hkpilot_core::UiLang::English,
    )
    .await;

    // Now the model is behind the accounts too.
    let r = app.get("/v1/models").send().await.unwrap();
    let (code, _) = expect_error(r, 401).await;
    assert_eq!(code, "missing_api_key");

    let s = app.sign_in(ALICE).await;
    let key = app.api_key(&s).await;

    let (status, models) = json_of(app.get("/v1/models").key(&key).send().await.unwrap()).await;
    assert_eq!(status, 200, "{models}");
    assert_eq!(models["data"][0]["id"], "echo", "{models}");

    let r = app
        .get("/v1/models")
        .key("hkp_not-a-real-key")
        .send()
        .await
        .unwrap();
    let (code, _) = expect_error(r, 401).await;
    assert_eq!(code, "invalid_api_key");

    let (status, me) = json_of(app.get("/api/me").key(&key).send().await.unwrap()).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["username"], ALICE);

    // A key needs no CSRF token: no browser sends it on its own.
    let (status, accepted) = json_of(
        app.post("/api/documents?file_name=note.md")
            .key(&key)
            .body(note("key"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    let (status, list) = json_of(app.get("/api/documents").key(&key).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    // A wrong or made-up key gets nothing.
    for bad in ["hkp_0000000000000000_ffffffffffffffffffffffff", "garbage"] {
        let r = app.get("/api/documents").key(bad).send().await.unwrap();
        let (code, _) = expect_error(r, 401).await;
        assert_eq!(code, "unauthenticated", "{bad}");
    }

    // Another person's key sees their own (empty) library.
    let bob_dept = app.department("edb", "Education Bureau", "教育局").await;
    app.account(
        BOB,
        &bob_dept,
        hkpilot_core::Role::Officer,
        hkpilot_core::UiLang::English,
    )
    .await;
    let bob = app.sign_in(BOB).await;
    let bob_key = app.api_key(&bob).await;
    assert_ne!(bob_key, key);
    let (_, list) = json_of(
        app.get("/api/documents")
            .key(&bob_key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list, json!([]));

    // Creating a key is audited, and the key itself is never logged.
    let events = app.svc.audit_export_unchecked().await.unwrap();
    let created: Vec<_> = events
        .iter()
        .filter(|e| e.action.as_str() == "api_key_created")
        .collect();
    assert_eq!(created.len(), 2, "{events:?}");
    for e in &events {
        assert!(!e.detail.contains(&key), "{e:?}");
    }
}
