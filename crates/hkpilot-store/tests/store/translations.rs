//! Translations: kept per document record, newest first, Chinese text and the target
//! language round-tripped, refused for a missing document, deleted with the record,
//! and added to an older database by a new migration.

use hkpilot_core::{DocumentId, Lang};
use hkpilot_store::{
    DocumentRecord, DocumentState, NewTranslation, SqliteStore, Store, StoreError, TranslationStore,
};

use crate::common::{open, seeded, uid};

async fn document(store: &dyn Store, owner: &str, bytes: &[u8]) -> DocumentRecord {
    let original = store.blobs().put(bytes).unwrap();
    let record = DocumentRecord {
        id: DocumentId::from_content_hash(original.as_str()),
        owner: uid(owner),
        shared_with: None,
        title: "施政報告".into(),
        file_name: "施政報告.md".into(),
        format: None,
        lang: None,
        pages: 1,
        size_bytes: bytes.len() as u64,
        content_hash: original.as_str().to_string(),
        original,
        extracted: None,
        state: DocumentState::Uploaded,
        error: None,
        created_at_ms: 1,
    };
    store.create_document(record.clone()).await.unwrap();
    record
}

fn translation(record: &DocumentRecord, by: &str, at: i64, to: Lang, text: &str) -> NewTranslation {
    NewTranslation {
        document: record.id.clone(),
        document_owner: record.owner.clone(),
        created_by: uid(by),
        to,
        options: format!(r#"{{"to":"{}"}}"#, to.tag()),
        model: Some("qwen 千問".into()),
        result: serde_json::json!({ "blocks": [{ "translation": text }] }).to_string(),
        created_at_ms: at,
    }
}

#[tokio::test]
async fn translations_are_kept_per_document_newest_first_with_chinese_intact() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    let record = document(store, "u-chan", "# 施政報告\n\n政府將推動培訓。".as_bytes()).await;
    let zh = "行政長官於二〇二四年十月發表《施政報告》，提出「搶人才」措施；衞生署、資訊科技。";
    let first = store
        .add_translation(translation(&record, "u-chan", 10, Lang::ZhHant, zh))
        .await
        .unwrap();
    let second = store
        .add_translation(translation(
            &record,
            "u-lee",
            20,
            Lang::En,
            "The Policy Address.",
        ))
        .await
        .unwrap();
    assert_ne!(first.id, second.id);

    let got = store.get_translation(&first.id).await.unwrap();
    assert_eq!(got, first);
    assert_eq!(got.to, Lang::ZhHant);
    assert_eq!(got.model.as_deref(), Some("qwen 千問"));
    let v: serde_json::Value = serde_json::from_str(&got.result).unwrap();
    assert_eq!(v["blocks"][0]["translation"], zh);

    let history = store
        .list_translations(&uid("u-chan"), &record.id)
        .await
        .unwrap();
    assert_eq!(history, [second.clone(), first.clone()]);
    // Another owner's record of the same id has none.
    assert!(store
        .list_translations(&uid("u-lee"), &record.id)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_translation_needs_its_document_and_goes_with_it() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    let record = document(store, "u-chan", b"delete me").await;
    let t = store
        .add_translation(translation(&record, "u-chan", 5, Lang::ZhHans, "简体"))
        .await
        .unwrap();

    let mut orphan = translation(&record, "u-chan", 6, Lang::En, "x");
    orphan.document = DocumentId("ffffffffffffffff".into());
    let err = store.add_translation(orphan).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let err = store
        .add_translation(translation(&record, "u-nobody", 6, Lang::En, "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");

    let err = store.get_translation("no-such-id").await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");

    store
        .delete_document(&uid("u-chan"), &record.id)
        .await
        .unwrap();
    assert!(matches!(
        store.get_translation(&t.id).await.unwrap_err(),
        StoreError::NotFound { .. }
    ));
}

#[tokio::test]
async fn an_older_database_gets_the_translations_table() {
    let env = open();
    // Make the database look as version 1 left it (later tables gone too).
    env.raw()
        .execute_batch(
            "DROP TABLE translations; DROP TABLE drafts;
             DELETE FROM schema_migrations WHERE version >= 2;",
        )
        .unwrap();
    let raw = env.raw();
    drop(env.store);
    drop(env.sqlite);
    let again = SqliteStore::open(env.dir.path()).unwrap();
    let n: u32 = raw
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'translations'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    assert!(again
        .list_translations(&uid("u-chan"), &DocumentId("0123456789abcdef".into()))
        .await
        .unwrap()
        .is_empty());
}
