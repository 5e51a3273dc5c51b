//! The document library end to end: uploading the real bilingual PDFs, reading them
//! in a background job with progress events, an extractive summary with citations,
//! its history, downloading, and the audit trail all of it leaves.

use std::collections::HashSet;
use std::time::Duration;

use hkpilot_core::{AuditAction, JobId, JobState, Lang, Role, SourceFormat};
use hkpilot_service::{JobEvent, SummaryRequest};
use hkpilot_store::DocumentState;
use tokio::sync::broadcast;

use crate::common::{pdf, upload_of, Env, CHINESE_PDF, ENGLISH_PDF, JOB_TIMEOUT};

/// Collects the events of `job` until it ends.
async fn events_of(rx: &mut broadcast::Receiver<JobEvent>, job: &JobId) -> Vec<JobEvent> {
    let mut seen = Vec::new();
    tokio::time::timeout(JOB_TIMEOUT, async {
        loop {
            let e = rx.recv().await.expect("the event channel stays open");
            if e.job != *job {
                continue;
            }
            let end = matches!(
                e.state,
                JobState::Succeeded | JobState::Failed | JobState::Cancelled
            );
            seen.push(e);
            if end {
                break;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("job {job} did not end; events so far: {seen:?}"));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_read_summarise_download_and_audit() {
    let mut env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let mut rx = env.svc.subscribe();
    env.start_jobs();

    // Chinese: the 招聘 reply.
    let zh_bytes = pdf(CHINESE_PDF);
    let (zh, zh_job) = env
        .upload(&a, upload_of("政務主任招聘.pdf", zh_bytes.clone()))
        .await;
    let events = events_of(&mut rx, &zh_job).await;
    assert_eq!(
        events.last().unwrap().state,
        JobState::Succeeded,
        "{events:?}"
    );
    assert!(
        events.iter().all(|e| e.owner == a.user.id),
        "events carry their owner"
    );
    assert!(
        events
            .iter()
            .any(|e| e.state == JobState::Running && e.phase == "extracting" && e.total == 1),
        "a progress event for the page: {events:?}"
    );
    let view = env.svc.document(&a, &zh).await.unwrap();
    assert_eq!(view.record.state, DocumentState::Ready);
    assert_eq!(view.record.lang, Some(Lang::ZhHant));
    assert_eq!(view.record.pages, 1);
    assert_eq!(view.record.format, Some(SourceFormat::Pdf));
    assert!(view.is_owner);
    let zh_doc = view.document.expect("a ready document has its text");
    assert!(zh_doc.text.contains("政務主任"), "{}", zh_doc.text);

    // English: a three-page reply.
    let (en, en_job) = env
        .upload(&a, upload_of("ao-recruitment.pdf", pdf(ENGLISH_PDF)))
        .await;
    let events = events_of(&mut rx, &en_job).await;
    assert_eq!(
        events.last().unwrap().state,
        JobState::Succeeded,
        "{events:?}"
    );
    let en_view = env.svc.document(&a, &en).await.unwrap();
    assert_eq!(en_view.record.lang, Some(Lang::En));
    assert_eq!(en_view.record.pages, 3);
    let pages_done: HashSet<u64> = events
        .iter()
        .filter(|e| e.phase == "extracting")
        .map(|e| e.done)
        .collect();
    assert!(
        pages_done.contains(&3),
        "progress reached the last page: {events:?}"
    );

    let listed = env.svc.list_documents(&a).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, en, "newest first");

    // An extractive summary of the Chinese reply, with citations into its text.
    let job = env
        .svc
        .request_summary(
            &a,
            &zh,
            SummaryRequest {
                length: "3b".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let events = events_of(&mut rx, &job.id).await;
    let done = events.last().unwrap();
    assert_eq!(done.state, JobState::Succeeded, "{events:?}");
    let result: serde_json::Value = serde_json::from_str(done.result.as_ref().unwrap()).unwrap();
    let summary_id = result["summary"].as_str().unwrap().to_string();

    let history = env.svc.summaries(&a, &zh).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].id, summary_id);
    assert_eq!(history[0].created_by, a.user.id);
    assert_eq!(history[0].model, None);
    let (record, summary) = env.svc.summary(&a, &summary_id).await.unwrap();
    assert_eq!(record.document, zh);
    assert!(summary.ai_generated);
    assert_eq!(summary.lang, Lang::ZhHant);
    assert!(!summary.sentences.is_empty());
    assert!(summary.sentences.len() <= 3, "{summary:?}");
    for s in &summary.sentences {
        assert!(!s.citations.is_empty(), "uncited: {s:?}");
        for c in &s.citations {
            assert_eq!(c.span.doc, zh);
            assert!(!c.quote.is_empty());
            assert_eq!(zh_doc.slice(c.span.start, c.span.end), c.quote);
        }
    }

    // Downloading gives back the very bytes.
    let (rec, bytes) = env.svc.download(&a, &zh).await.unwrap();
    assert_eq!(bytes, zh_bytes);
    assert_eq!(rec.file_name, "政務主任招聘.pdf");

    let sys = env.person("sys.admin", &csb, Role::SystemAdmin).await;
    let log = env.document_audit(&sys, &zh).await;
    let actions: Vec<&AuditAction> = log.iter().map(|e| &e.action).collect();
    assert_eq!(
        actions,
        [
            &AuditAction::Upload,
            &AuditAction::Summary,
            &AuditAction::Download
        ],
        "{log:?}"
    );
    assert!(log.iter().all(|e| e.actor.as_ref() == Some(&a.user.id)));
    let summary_event: serde_json::Value = serde_json::from_str(&log[1].detail).unwrap();
    assert_eq!(summary_event["summary"], summary_id.as_str());
    assert_eq!(
        summary_event["spans"].as_array().unwrap().len(),
        summary
            .sentences
            .iter()
            .map(|s| s.citations.len())
            .sum::<usize>(),
        "the audit names every cited span"
    );
    assert_eq!(log[0].remote_addr.as_deref(), Some("10.0.0.7"));
    env.stop_jobs().await;
}

/// Many uploads at once all become ready; the scheduler keeps going after each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_uploads_all_become_ready() {
    let mut env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let b = env.person("officer.b", &csb, Role::Officer).await;
    env.start_jobs();
    let mut jobs = Vec::new();
    for i in 0..6 {
        let who = if i % 2 == 0 { &a } else { &b };
        jobs.push(env.upload(who, crate::common::note(&format!("n{i}"))).await);
    }
    for (_, job) in &jobs {
        env.job_succeeds(job).await;
    }
    for who in [&a, &b] {
        let docs = env.svc.list_documents(who).await.unwrap();
        assert_eq!(docs.len(), 3);
        assert!(docs.iter().all(|d| d.state == DocumentState::Ready));
        assert!(docs
            .iter()
            .all(|d| d.format == Some(SourceFormat::Markdown)));
    }
    // Stopping waits for nothing and returns promptly.
    tokio::time::timeout(Duration::from_secs(30), env.stop_jobs())
        .await
        .expect("the scheduler stops");
}
