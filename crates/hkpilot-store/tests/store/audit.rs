//! The audit log: append-only, hash-chained, filtered listing, tamper detection.

use hkpilot_core::{AuditAction, DocumentId};
use hkpilot_store::audit_chain::GENESIS_HASH;
use hkpilot_store::{AuditQuery, ChainStatus, NewAuditEvent};

use crate::common::{open, uid, Env};

fn event(at_ms: i64, actor: Option<&str>, action: AuditAction, docs: &[&str]) -> NewAuditEvent {
    NewAuditEvent {
        at_ms,
        actor: actor.map(uid),
        action,
        documents: docs.iter().map(|d| DocumentId(d.to_string())).collect(),
        detail: r#"{"spans":[[0,12]],"model":"qwen2.5","file":"施政報告.pdf"}"#.into(),
        remote_addr: Some("10.0.0.7".into()),
    }
}

/// Five events: sign-in, upload, summary, download by 陳大文; a failed sign-in.
async fn five(env: &Env) {
    let s = env.store.as_ref();
    s.append_audit(event(1_000, Some("陳大文"), AuditAction::SignIn, &[]))
        .await
        .unwrap();
    s.append_audit(event(2_000, Some("陳大文"), AuditAction::Upload, &["d1"]))
        .await
        .unwrap();
    s.append_audit(event(
        3_000,
        Some("陳大文"),
        AuditAction::Summary,
        &["d1", "d2"],
    ))
    .await
    .unwrap();
    s.append_audit(event(4_000, Some("李小明"), AuditAction::Download, &["d2"]))
        .await
        .unwrap();
    s.append_audit(event(5_000, None, AuditAction::SignInFailed, &[]))
        .await
        .unwrap();
}

#[tokio::test]
async fn events_are_numbered_and_linked() {
    let env = open();
    let s = env.store.as_ref();
    assert_eq!(
        s.verify_audit_chain().await.unwrap(),
        ChainStatus::Intact {
            events: 0,
            head: GENESIS_HASH.into()
        }
    );
    let first = s
        .append_audit(event(1, Some("u"), AuditAction::SignIn, &[]))
        .await
        .unwrap();
    let second = s
        .append_audit(event(
            2,
            Some("u"),
            AuditAction::Other("export".into()),
            &["d"],
        ))
        .await
        .unwrap();
    assert_eq!((first.seq, second.seq), (1, 2));
    assert_eq!(first.prev_hash, GENESIS_HASH);
    assert_eq!(second.prev_hash, first.hash);
    assert_eq!(
        s.verify_audit_chain().await.unwrap(),
        ChainStatus::Intact {
            events: 2,
            head: second.hash.clone()
        }
    );
    let listed = s.list_audit(AuditQuery::default()).await.unwrap();
    assert_eq!(listed, [first, second]);
    assert_eq!(listed[1].action, AuditAction::Other("export".into()));
}

#[tokio::test]
async fn events_are_filtered_and_paged() {
    let env = open();
    five(&env).await;
    let s = env.store.as_ref();
    let seqs =
        |events: Vec<hkpilot_core::AuditEvent>| events.iter().map(|e| e.seq).collect::<Vec<_>>();

    let by_actor = s
        .list_audit(AuditQuery {
            actor: Some(uid("陳大文")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(seqs(by_actor), [1, 2, 3]);
    let by_doc = s
        .list_audit(AuditQuery {
            document: Some(DocumentId("d2".into())),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(seqs(by_doc), [3, 4]);
    let by_time = s
        .list_audit(AuditQuery {
            from_ms: Some(2_000),
            to_ms: Some(4_000),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(seqs(by_time), [2, 3]);
    let page1 = s
        .list_audit(AuditQuery {
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    let page2 = s
        .list_audit(AuditQuery {
            limit: 2,
            after_seq: Some(page1.last().unwrap().seq),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((seqs(page1), seqs(page2)), (vec![1, 2], vec![3, 4]));
    let failed = s
        .list_audit(AuditQuery {
            after_seq: Some(4),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(failed[0].actor, None);
    assert_eq!(failed[0].action, AuditAction::SignInFailed);
}

#[tokio::test]
async fn the_database_refuses_updates_and_deletes() {
    let env = open();
    five(&env).await;
    let raw = env.raw();
    for sql in [
        "UPDATE audit_log SET detail = '{}' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 5",
        "DELETE FROM audit_documents",
    ] {
        let err = raw.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert!(matches!(
        env.store.verify_audit_chain().await.unwrap(),
        ChainStatus::Intact { events: 5, .. }
    ));
}

fn drop_triggers(raw: &rusqlite::Connection) {
    raw.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
}

async fn broken_at(env: &Env) -> (u64, String) {
    match env.store.verify_audit_chain().await.unwrap() {
        ChainStatus::Broken { seq, problem } => (seq, problem),
        intact => panic!("tampering not detected: {intact:?}"),
    }
}

#[tokio::test]
async fn an_edited_event_is_detected() {
    let env = open();
    five(&env).await;
    let raw = env.raw();
    drop_triggers(&raw);
    raw.execute(
        "UPDATE audit_log SET detail = '{\"file\":\"另一份文件.pdf\"}' WHERE seq = 3",
        [],
    )
    .unwrap();
    let (seq, problem) = broken_at(&env).await;
    assert_eq!(seq, 3);
    assert!(problem.contains("altered"), "{problem}");
}

#[tokio::test]
async fn a_changed_actor_is_detected_even_with_a_recomputed_hash() {
    let env = open();
    five(&env).await;
    let raw = env.raw();
    drop_triggers(&raw);
    // The forger rewrites event 2 consistently (actor and hash), but cannot fix event
    // 3's link without rewriting everything after it.
    let e2 = &env
        .store
        .list_audit(AuditQuery {
            after_seq: Some(1),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()[0];
    let forged = NewAuditEvent {
        at_ms: e2.at_ms,
        actor: Some(uid("someone-else")),
        action: e2.action.clone(),
        documents: e2.documents.clone(),
        detail: e2.detail.clone(),
        remote_addr: e2.remote_addr.clone(),
    };
    let hash = hkpilot_store::audit_chain::event_hash(&e2.prev_hash, 2, &forged);
    raw.execute(
        "UPDATE audit_log SET actor = 'someone-else', hash = ?1 WHERE seq = 2",
        [&hash],
    )
    .unwrap();
    let (seq, problem) = broken_at(&env).await;
    assert_eq!(seq, 3);
    assert!(problem.contains("prev_hash"), "{problem}");
}

#[tokio::test]
async fn a_deleted_event_is_detected() {
    let env = open();
    five(&env).await;
    let raw = env.raw();
    drop_triggers(&raw);
    raw.execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM audit_log WHERE seq = 2;")
        .unwrap();
    let (seq, problem) = broken_at(&env).await;
    assert_eq!(seq, 3);
    assert!(problem.contains("deleted"), "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_keep_one_chain() {
    let env = open();
    let mut tasks = Vec::new();
    for t in 0..4 {
        let store = env.store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..15 {
                store
                    .append_audit(event(
                        i,
                        Some(&format!("user-{t}")),
                        AuditAction::ModelCall,
                        &[],
                    ))
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert!(matches!(
        env.store.verify_audit_chain().await.unwrap(),
        ChainStatus::Intact { events: 60, .. }
    ));
}
