//! Drafts through the service: a scripted drafter that copies and cites the numbered
//! source lines it is shown (or the notes); the job stores the draft with its Markdown
//! and Word renderings and audits the model call and the creation; a source from
//! another department is not found, a draft without a model is refused, and another
//! officer cannot read someone's draft.

use std::collections::BTreeMap;
use std::sync::Arc;

use hkpilot_core::{AuditAction, DocumentId, JobKind, Lang, Role};
use hkpilot_llm::testing::{message, Reply, ScriptedBackend};
use hkpilot_llm::{ChatRequest, LlmError, Role as ChatRole};
use hkpilot_service::{draft_template, DraftRequest, ServiceError};

use crate::common::{detail, note, Env};

/// Copies up to three numbered source lines, citing each; else the notes' sentences.
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

fn memo(lang: Lang, sources: Vec<DocumentId>) -> DraftRequest {
    let template = draft_template("memo", lang).unwrap();
    // Every required field but the first, so that one is asked as a question.
    let fields: BTreeMap<String, String> = template
        .fields
        .iter()
        .filter(|f| f.required)
        .skip(1)
        .map(|f| (f.id.clone(), "資訊科技培訓 IT training".to_string()))
        .collect();
    DraftRequest {
        doc_type: "memo".into(),
        lang,
        fields,
        notes: "Nominate officers for the IT training. The course starts next month.".into(),
        sources,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_job_stores_the_draft_with_citations_and_is_audited() {
    let backend = Arc::new(ScriptedBackend::<Copier>::new(Copier));
    let mut env = Env::with_model(backend.clone());
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    env.start_jobs();
    let doc = env.ready_document(&a, note("draft")).await;
    let job = env
        .svc
        .request_draft(&a, memo(Lang::En, vec![doc.id.clone(), doc.id.clone()]))
        .await
        .unwrap();
    assert_eq!(job.kind, JobKind::Draft);
    let done = env.job_succeeds(&job.id).await;
    assert!(backend.calls() >= 1, "the model was asked");
    let result: serde_json::Value = serde_json::from_str(done.result.as_deref().unwrap()).unwrap();
    let did = result["draft"].as_str().unwrap().to_string();

    let mine = env.svc.drafts(&a).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, did);
    assert_eq!(mine[0].template, "memo");
    assert_eq!(mine[0].lang, Lang::En);
    assert_eq!(mine[0].sources.len(), 1, "duplicates dropped");
    assert_eq!(mine[0].sources[0], doc.id);

    let (record, stored) = env.svc.draft(&a, &did).await.unwrap();
    assert_eq!(record.owner, a.user.id);
    assert_eq!(stored.draft["ai_generated"], true);
    assert!(
        !stored.draft["missing_fields"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the missing required field is asked: {}",
        stored.draft
    );
    let cited: Vec<&serde_json::Value> = stored.draft["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["sentences"].as_array().unwrap())
        .flat_map(|s| s["citations"].as_array().unwrap())
        .collect();
    assert!(!cited.is_empty(), "{}", stored.draft);
    assert!(
        cited.iter().all(|c| c["span"]["doc"] == doc.id.0.as_str()),
        "citations point at the library document: {cited:?}"
    );
    assert!(!stored.markdown.trim().is_empty());
    let docx = stored.docx().unwrap();
    assert!(docx.starts_with(b"PK"), "a zip package");

    // Another officer of the same department cannot read it.
    let b = env.person("officer.b", &csb, Role::Officer).await;
    assert!(matches!(
        env.svc.draft(&b, &did).await.unwrap_err(),
        ServiceError::NotFound(_)
    ));
    assert!(env.svc.drafts(&b).await.unwrap().is_empty());

    let sys = env.person("sys.admin", &csb, Role::SystemAdmin).await;
    let log = env.document_audit(&sys, &doc.id).await;
    let call = log
        .iter()
        .find(|e| e.action == AuditAction::ModelCall)
        .expect("the model call is audited");
    let call_detail = detail(call);
    assert_eq!(call_detail["purpose"], "draft");
    let event = log
        .iter()
        .find(|e| e.action == AuditAction::DraftCreated)
        .expect("the draft is audited");
    assert_eq!(event.actor.as_ref(), Some(&a.user.id));
    let event_detail = detail(event);
    assert_eq!(event_detail["draft"], did.as_str());
    env.stop_jobs().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chinese_draft_without_sources_is_written_from_the_notes() {
    let backend = Arc::new(ScriptedBackend::<Copier>::new(Copier));
    let mut env = Env::with_model(backend);
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    env.start_jobs();
    let job = env
        .svc
        .request_draft(&a, memo(Lang::ZhHant, vec![]))
        .await
        .unwrap();
    env.job_succeeds(&job.id).await;
    let mine = env.svc.drafts(&a).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].lang, Lang::ZhHant);
    assert!(mine[0].sources.is_empty());
    let (_, stored) = env.svc.draft(&a, &mine[0].id).await.unwrap();
    assert!(
        stored.markdown.contains("資訊科技培訓"),
        "{}",
        stored.markdown
    );
    env.stop_jobs().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_must_be_readable_and_a_model_is_needed() {
    let backend = Arc::new(ScriptedBackend::<Copier>::new(Copier));
    let mut env = Env::with_model(backend);
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let dh = env.department("dh", "Department of Health", "衞生署").await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let other = env.person("officer.h", &dh, Role::Officer).await;
    env.start_jobs();
    let theirs = env.ready_document(&other, note("theirs")).await;
    let err = env
        .svc
        .request_draft(&a, memo(Lang::En, vec![theirs.id.clone()]))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");
    let err = env
        .svc
        .request_draft(
            &a,
            memo(Lang::En, vec![DocumentId("0123456789abcdef".into())]),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");
    let mut bad = memo(Lang::En, vec![]);
    bad.doc_type = "sonnet".into();
    let err = env.svc.request_draft(&a, bad).await.unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    let mut simplified = memo(Lang::ZhHant, vec![]);
    simplified.lang = Lang::ZhHans;
    let err = env.svc.request_draft(&a, simplified).await.unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    env.stop_jobs().await;

    let bare = Env::new();
    let csb = bare
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = bare.person("officer.a", &csb, Role::Officer).await;
    let err = bare
        .svc
        .request_draft(&a, memo(Lang::En, vec![]))
        .await
        .unwrap_err();
    match err {
        ServiceError::Invalid(m) => assert!(m.contains("language model"), "{m}"),
        other => panic!("{other:?}"),
    }
}
