//! Translations through the service: a scripted model that answers the translation
//! prompt's numbered lines; the job stores a translation with every block and audits
//! the model call and the translation; without a model English → Chinese is refused
//! but Traditional → Simplified runs; another department's officer sees nothing.

use std::sync::Arc;

use hkpilot_core::{AuditAction, JobKind, JobState, Lang, Role};
use hkpilot_draft::translate::Method;
use hkpilot_llm::testing::{message, Reply, ScriptedBackend};
use hkpilot_llm::{ChatRequest, LlmError, Role as ChatRole};
use hkpilot_service::{ServiceError, TranslationRequest};
use hkpilot_store::AuditQuery;

use crate::common::{detail, note, outcome, upload_of, Env, Outcome};

/// Answers every `[k] text` line inside `<source>` with a Chinese sentence per source
/// sentence, keeping the line's figures, as `[k] …`.
#[derive(Debug, Clone, Copy)]
struct LineTranslator;

impl Reply for LineTranslator {
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
                let sentences = text.matches(['.', '?', '!']).count().max(1);
                let figures: Vec<&str> = text
                    .split(|c: char| !c.is_ascii_digit() && c != '/')
                    .filter(|f| f.chars().any(|c| c.is_ascii_digit()))
                    .collect();
                Some(format!(
                    "[{k}] {}{}\n",
                    "這是翻譯完成的句子。".repeat(sentences),
                    figures.join("、")
                ))
            })
            .collect())
    }
}

fn to(lang: Lang) -> TranslationRequest {
    TranslationRequest { to: lang }
}

/// A Traditional Chinese note (no English), distinct per `tag`.
fn chinese_note(tag: &str) -> hkpilot_service::Upload {
    upload_of(
        &format!("通告-{tag}.md"),
        format!(
            "# 資訊科技培訓 {tag}\n\n\
             公務員事務局將於下月舉辦資訊科技培訓課程。各部門應提名員工參加。\n\n\
             - 報名截止日期為十二月四日。\n"
        )
        .into_bytes(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_translation_job_stores_every_block_and_is_audited() {
    let backend = Arc::new(ScriptedBackend::<LineTranslator>::new(LineTranslator));
    let mut env = Env::with_model(backend.clone());
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    env.start_jobs();
    let doc = env.ready_document(&a, note("translate")).await;
    let job = env
        .svc
        .request_translation(&a, &doc.id, to(Lang::ZhHant))
        .await
        .unwrap();
    assert_eq!(job.kind, JobKind::Translate);
    let done = env.job_succeeds(&job.id).await;
    assert!(backend.calls() >= 1, "the model was asked");
    // Progress was reported as chunks done of total.
    assert!(
        ["translating", "retrying"].contains(&done.progress.phase.as_str()),
        "{:?}",
        done.progress
    );
    assert!(done.progress.total >= 1 && done.progress.done == done.progress.total);
    let result: serde_json::Value = serde_json::from_str(done.result.as_deref().unwrap()).unwrap();
    let tid = result["translation"].as_str().unwrap().to_string();

    let history = env.svc.translations(&a, &doc.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].id, tid);
    assert_eq!(history[0].to, Lang::ZhHant);
    assert_eq!(history[0].model.as_deref(), Some("scripted"));

    let (record, t) = env.svc.translation(&a, &tid).await.unwrap();
    assert_eq!(record.created_by, a.user.id);
    assert!(t.ai_generated);
    assert_eq!(t.to, Lang::ZhHant);
    let source = env
        .svc
        .document(&a, &doc.id)
        .await
        .unwrap()
        .document
        .unwrap();
    assert_eq!(t.blocks.len(), source.blocks.len(), "every block: {t:?}");
    for (b, s) in t.blocks.iter().zip(&source.blocks) {
        assert_eq!(b.index, s.index);
        assert!(
            !b.translation.trim().is_empty() || s.text.trim().is_empty(),
            "{b:?}"
        );
    }
    let english = t
        .blocks
        .iter()
        .find(|b| b.source.contains("Civil Service Bureau recruited"))
        .expect("the English paragraph");
    assert_eq!(english.method, Method::Model);
    assert!(english.translation.contains("翻譯"), "{english:?}");
    let chinese = t
        .blocks
        .iter()
        .find(|b| b.source.contains("政務主任"))
        .expect("the Chinese paragraph");
    assert_eq!(chinese.method, Method::Kept, "{chinese:?}");

    let sys = env.person("sys.admin", &csb, Role::SystemAdmin).await;
    let log = env.document_audit(&sys, &doc.id).await;
    let call = log
        .iter()
        .find(|e| e.action == AuditAction::ModelCall)
        .expect("the model call is audited");
    let call_detail = detail(call);
    assert_eq!(call_detail["model"], "scripted");
    assert_eq!(call_detail["purpose"], "translation");
    let event = log
        .iter()
        .find(|e| e.action == AuditAction::Translation)
        .expect("the translation is audited");
    assert_eq!(event.actor.as_ref(), Some(&a.user.id));
    let event_detail = detail(event);
    assert_eq!(event_detail["translation"], tid.as_str());
    assert_eq!(event_detail["to"], "zh-Hant");
    env.stop_jobs().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_only_script_conversion_is_offered() {
    let mut env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    env.start_jobs();
    let mixed = env.ready_document(&a, note("no-model")).await;
    let err = env
        .svc
        .request_translation(&a, &mixed.id, to(Lang::ZhHant))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("--model"), "{err}");
    let err = env
        .svc
        .request_translation(&a, &mixed.id, to(Lang::En))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");

    let zh = env.ready_document(&a, chinese_note("hans")).await;
    let job = env
        .svc
        .request_translation(&a, &zh.id, to(Lang::ZhHans))
        .await
        .unwrap();
    let done = env.job_succeeds(&job.id).await;
    let tid = serde_json::from_str::<serde_json::Value>(done.result.as_deref().unwrap()).unwrap()
        ["translation"]
        .as_str()
        .unwrap()
        .to_string();
    let (record, t) = env.svc.translation(&a, &tid).await.unwrap();
    assert_eq!(record.model, None);
    assert_eq!(t.model, None);
    assert_eq!(t.to, Lang::ZhHans);
    let all: String = t.blocks.iter().map(|b| b.translation.as_str()).collect();
    assert!(all.contains("资讯") || all.contains("信息"), "{all}");
    assert!(all.contains("公务员事务局"), "{all}");
    assert!(!all.contains("務"), "{all}");

    let sys = env.person("sys.admin", &csb, Role::SystemAdmin).await;
    let log = env
        .svc
        .audit_events(
            &sys,
            AuditQuery {
                document: Some(zh.id.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .events;
    assert!(log.iter().any(|e| e.action == AuditAction::Translation));
    assert!(
        !log.iter().any(|e| e.action == AuditAction::ModelCall),
        "no model was called: {log:?}"
    );
    env.stop_jobs().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn translations_follow_the_documents_reading_rules() {
    let mut env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let edb = env.department("edb", "Education Bureau", "教育局").await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let b = env.person("officer.b", &csb, Role::Officer).await;
    let c = env.person("officer.c", &edb, Role::Officer).await;
    env.start_jobs();
    let doc = env.ready_document(&a, chinese_note("perm")).await;
    let job = env
        .svc
        .request_translation(&a, &doc.id, to(Lang::ZhHans))
        .await
        .unwrap();
    let done = env.job_succeeds(&job.id).await;
    assert_eq!(done.state, JobState::Succeeded);
    let tid = env.svc.translations(&a, &doc.id).await.unwrap()[0]
        .id
        .clone();

    // Not shared: a colleague and another department see nothing, as not found.
    for who in [&b, &c] {
        assert_eq!(
            outcome(
                env.svc
                    .request_translation(who, &doc.id, to(Lang::ZhHans))
                    .await
            ),
            Outcome::NotFound
        );
        assert_eq!(
            outcome(env.svc.translations(who, &doc.id).await),
            Outcome::NotFound
        );
        assert_eq!(
            outcome(env.svc.translation(who, &tid).await),
            Outcome::NotFound
        );
    }
    // Shared with the department: the colleague reads it, the other department still
    // does not.
    env.svc.share(&a, &doc.id, true).await.unwrap();
    assert_eq!(env.svc.translations(&b, &doc.id).await.unwrap().len(), 1);
    assert!(env.svc.translation(&b, &tid).await.is_ok());
    assert_eq!(
        outcome(env.svc.translation(&c, &tid).await),
        Outcome::NotFound
    );
    assert_eq!(
        outcome(env.svc.request_translation(&c, &doc.id, to(Lang::En)).await),
        Outcome::NotFound
    );
    assert_eq!(
        outcome(env.svc.translation(&a, "no-such-translation").await),
        Outcome::NotFound
    );
    env.stop_jobs().await;
}
