//! Permissions as seen over HTTP: a document another department may not read is 404
//! (never 403) everywhere it could show up, sharing opens it to the owner's department
//! only, only the owner shares, and only administrators read users and the audit log.

use serde_json::{json, Value};

use super::product_common::*;

/// The statuses of everything a reader could try on a document.
async fn statuses(app: &App, s: &Session, doc: &str) -> Vec<(String, u16)> {
    let mut out = Vec::new();
    for path in [
        format!("/api/documents/{doc}"),
        format!("/api/documents/{doc}/file"),
        format!("/api/documents/{doc}/summaries"),
        format!("/documents/{doc}"),
    ] {
        let r = app.get(&path).session(s).send().await.unwrap();
        out.push((path, r.status().as_u16()));
    }
    out
}

fn all(statuses: &[(String, u16)], want: u16) -> bool {
    statuses.iter().all(|(_, s)| *s == want)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_departments_get_404_and_colleagues_read_after_sharing() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let bob = app.sign_in(BOB).await;
    let carol = app.sign_in(CAROL).await;

    let doc = app
        .ready_document(&alice, "機密 briefing.md", note("perm"))
        .await;
    let summary = app.summary(&alice, &doc, json!({"length": "short"})).await;

    let got = statuses(&app, &alice, &doc).await;
    assert!(all(&got, 200), "the owner reads everything: {got:?}");

    // Not shared: nobody else, in either department, learns it exists.
    for (who, s) in [("bob", &bob), ("carol", &carol)] {
        let got = statuses(&app, s, &doc).await;
        assert!(all(&got, 404), "{who}: {got:?}");
    }
    let r = app
        .get(&format!("/api/documents/{doc}"))
        .session(&carol)
        .send()
        .await
        .unwrap();
    let (code, message) = expect_error(r, 404).await;
    assert_eq!(code, "not_found");
    assert!(
        !message.contains("機密"),
        "the name does not leak: {message}"
    );
    let r = app
        .get(&format!("/documents/{doc}"))
        .session(&carol)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("找不到"),
        "carol's page is in Chinese: {html}"
    );
    assert!(!html.contains("機密"), "{html}");

    // Summaries, asking for one, and sharing are refused alike.
    let r = app
        .get(&format!("/api/summaries/{summary}"))
        .session(&carol)
        .send()
        .await
        .unwrap();
    expect_error(r, 404).await;
    let r = app
        .post(&format!("/api/documents/{doc}/summaries"))
        .session(&carol)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_error(r, 404).await;
    let r = app
        .post(&format!("/api/documents/{doc}/share"))
        .session(&carol)
        .json(&json!({"shared": true}))
        .send()
        .await
        .unwrap();
    expect_error(r, 404).await;

    // The owner shares with the department.
    let (status, shared) = json_of(
        app.post(&format!("/api/documents/{doc}/share"))
            .session(&alice)
            .json(&json!({"shared": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{shared}");
    assert_eq!(shared["shared_with"], "csb");

    let got = statuses(&app, &bob, &doc).await;
    assert!(all(&got, 200), "a colleague reads it now: {got:?}");
    let (_, list) = json_of(
        app.get("/api/documents")
            .session(&bob)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let r = app
        .get(&format!("/api/summaries/{summary}?format=md"))
        .session(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Carol's department still sees nothing.
    let got = statuses(&app, &carol, &doc).await;
    assert!(all(&got, 404), "carol after sharing: {got:?}");
    let (_, list) = json_of(
        app.get("/api/documents")
            .session(&carol)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list, json!([]));

    // Only the owner shares or unshares: a colleague who can read it is refused.
    let r = app
        .post(&format!("/api/documents/{doc}/share"))
        .session(&bob)
        .json(&json!({"shared": false}))
        .send()
        .await
        .unwrap();
    let (code, _) = expect_error(r, 403).await;
    assert_eq!(code, "forbidden");
    let r = app
        .delete(&format!("/api/documents/{doc}"))
        .session(&bob)
        .send()
        .await
        .unwrap();
    expect_error(r, 403).await;

    // Unsharing closes it again.
    let (status, _) = json_of(
        app.post(&format!("/api/documents/{doc}/share"))
            .session(&alice)
            .json(&json!({"shared": false}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let got = statuses(&app, &bob, &doc).await;
    assert!(all(&got, 404), "bob after unsharing: {got:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_the_audit_log_are_for_administrators() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let root = app.sign_in(ROOT).await;
    app.ready_document(&alice, "note.md", note("audit")).await;

    for path in ["/api/users", "/api/audit", "/api/audit/verify"] {
        let r = app.get(path).session(&alice).send().await.unwrap();
        let (code, _) = expect_error(r, 403).await;
        assert_eq!(code, "forbidden", "{path}");
    }
    let r = app
        .post("/api/users")
        .session(&alice)
        .json(&json!({
            "username": "mallory", "display_name": "M", "password": PASSWORD,
            "department": "csb", "role": "system_admin"
        }))
        .send()
        .await
        .unwrap();
    expect_error(r, 403).await;
    // The admin pages too (as the page's error, not a redirect).
    for path in ["/admin/users", "/admin/audit"] {
        let r = app.get(path).session(&alice).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }

    let (status, users) = json_of(app.get("/api/users").session(&root).send().await.unwrap()).await;
    assert_eq!(status, 200, "{users}");
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    for who in [ALICE, BOB, CAROL, ROOT] {
        assert!(names.contains(&who), "{names:?}");
    }

    let (status, events) =
        json_of(app.get("/api/audit").session(&root).send().await.unwrap()).await;
    assert_eq!(status, 200, "{events}");
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"sign_in"), "{actions:?}");
    assert!(actions.contains(&"upload"), "{actions:?}");
    let sign_in = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "sign_in")
        .unwrap();
    assert_eq!(
        sign_in["remote_addr"], "127.0.0.1",
        "the address comes from the connection: {sign_in}"
    );

    let (status, verify) = json_of(
        app.get("/api/audit/verify")
            .session(&root)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{verify}");
    assert_eq!(verify["intact"], true, "{verify}");
    assert!(verify["events"].as_u64().unwrap() >= 3, "{verify}");

    // Bad parameters get the one error shape too.
    for path in [
        "/api/audit?limit=lots",
        "/api/audit?after=-1",
        "/api/audit?format=xml",
    ] {
        let r = app.get(path).session(&root).send().await.unwrap();
        let (code, _) = expect_error(r, 400).await;
        assert_eq!(code, "invalid_request", "{path}");
    }

    let r = app
        .get("/api/audit?format=jsonl")
        .session(&root)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    let body = r.text().await.unwrap();
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), actions.len());

    let r = app.get("/admin/audit").session(&root).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("The audit chain is intact"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_administrators_add_departments_from_the_users_page() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let root = app.sign_in(ROOT).await;
    let form = [
        ("id", "edu-two"),
        ("name_en", "Education Bureau (Schools)"),
        ("name_zh", "教育局（學校）"),
    ];
    // An officer's post with a valid token is still refused.
    let r = app
        .post("/admin/departments")
        .header("cookie", alice.cookie())
        .header("origin", app.origin())
        .form(&[form[0], form[1], form[2], ("_csrf", alice.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Without the token, even the administrator is refused.
    let r = app
        .post("/admin/departments")
        .header("cookie", root.cookie())
        .header("origin", app.origin())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let page = app
        .get("/admin/users")
        .session(&root)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("edu-two"), "not created yet");
    let r = app
        .post("/admin/departments")
        .header("cookie", root.cookie())
        .header("origin", app.origin())
        .form(&[form[0], form[1], form[2], ("_csrf", root.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(is_redirect(r.status()), "{}", r.status());
    let page = app
        .get("/admin/users")
        .session(&root)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("edu-two"),
        "the new department is offered for new users"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_change_within_reach_and_the_last_system_administrator_stays() {
    let app = App::start().await;
    let alice = app.sign_in(ALICE).await;
    let root = app.sign_in(ROOT).await;
    let bob_id = app.sign_in(BOB).await.user["id"]
        .as_str()
        .unwrap()
        .to_string();
    let root_id = root.user["id"].as_str().unwrap().to_string();
    let role = |r: &str| json!({ "role": r });
    // An officer changes no one's role.
    let r = app
        .post(&format!("/api/users/{bob_id}/role"))
        .session(&alice)
        .json(&role("department_admin"))
        .send()
        .await
        .unwrap();
    expect_error(r, 403).await;
    // Unknown roles are a 400 in the one error shape.
    let r = app
        .post(&format!("/api/users/{bob_id}/role"))
        .session(&root)
        .json(&role("emperor"))
        .send()
        .await
        .unwrap();
    let (code, _) = expect_error(r, 400).await;
    assert_eq!(code, "invalid_request");
    // The system administrator promotes Bob.
    let (status, user) = json_of(
        app.post(&format!("/api/users/{bob_id}/role"))
            .session(&root)
            .json(&role("department_admin"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["role"], "department_admin");
    // Nobody demotes the only system administrator (themselves included).
    let r = app
        .post(&format!("/api/users/{root_id}/role"))
        .session(&root)
        .json(&role("officer"))
        .send()
        .await
        .unwrap();
    assert!(
        r.status() == 403 || r.status() == 409,
        "the last system administrator was demoted: {}",
        r.status()
    );
    let (_, me) = json_of(app.get("/api/me").session(&root).send().await.unwrap()).await;
    assert_eq!(me["role"], "system_admin");
}
