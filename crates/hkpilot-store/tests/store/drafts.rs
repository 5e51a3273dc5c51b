//! Drafts: kept per owner, newest first, Chinese text, the language and the cited
//! documents round-tripped, refused for a missing owner, and added to an older
//! database by a new migration.

use hkpilot_core::{DocumentId, Lang};
use hkpilot_store::{DraftStore, NewDraft, SqliteStore, StoreError};

use crate::common::{open, seeded, uid};

fn draft(owner: &str, at: i64, lang: Lang, text: &str, sources: &[&str]) -> NewDraft {
    NewDraft {
        owner: uid(owner),
        template: "memo".into(),
        lang,
        title: "內部備忘錄".into(),
        sources: sources.iter().map(|s| DocumentId(s.to_string())).collect(),
        request: serde_json::json!({ "fields": { "subject": "人才培訓" }, "notes": "請簡潔" })
            .to_string(),
        model: Some("qwen 千問".into()),
        result: serde_json::json!({ "markdown": text }).to_string(),
        created_at_ms: at,
    }
}

#[tokio::test]
async fn drafts_are_kept_per_owner_newest_first_with_chinese_intact() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    let zh = "行政長官於二〇二四年十月發表《施政報告》，提出「搶人才」措施；衞生署、資訊科技。";
    let first = store
        .add_draft(draft(
            "u-chan",
            10,
            Lang::ZhHant,
            zh,
            &["0123456789abcdef", "fedcba9876543210"],
        ))
        .await
        .unwrap();
    let second = store
        .add_draft(draft("u-chan", 20, Lang::En, "A memo.", &[]))
        .await
        .unwrap();
    store
        .add_draft(draft("u-lee", 30, Lang::En, "Not Chan's.", &[]))
        .await
        .unwrap();
    assert_ne!(first.id, second.id);

    let got = store.get_draft(&first.id).await.unwrap();
    assert_eq!(got, first);
    assert_eq!(got.lang, Lang::ZhHant);
    assert_eq!(got.title, "內部備忘錄");
    assert_eq!(
        got.sources,
        [
            DocumentId("0123456789abcdef".into()),
            DocumentId("fedcba9876543210".into())
        ]
    );
    let v: serde_json::Value = serde_json::from_str(&got.result).unwrap();
    assert_eq!(v["markdown"], zh);
    let r: serde_json::Value = serde_json::from_str(&got.request).unwrap();
    assert_eq!(r["fields"]["subject"], "人才培訓");

    let mine = store.list_drafts(&uid("u-chan"), 50).await.unwrap();
    assert_eq!(mine, [second.clone(), first.clone()]);
    assert_eq!(
        store.list_drafts(&uid("u-chan"), 1).await.unwrap(),
        [second]
    );
    assert_eq!(store.list_drafts(&uid("u-lee"), 50).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_draft_needs_its_owner() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    let err = store
        .add_draft(draft("u-nobody", 1, Lang::En, "x", &[]))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let err = store.get_draft("no-such-id").await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn an_older_database_gets_the_drafts_table() {
    let env = open();
    env.raw()
        .execute_batch("DROP TABLE drafts; DELETE FROM schema_migrations WHERE version >= 3;")
        .unwrap();
    let raw = env.raw();
    drop(env.store);
    drop(env.sqlite);
    let again = SqliteStore::open(env.dir.path()).unwrap();
    let n: u32 = raw
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'drafts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    assert!(again
        .list_drafts(&uid("u-chan"), 10)
        .await
        .unwrap()
        .is_empty());
}
