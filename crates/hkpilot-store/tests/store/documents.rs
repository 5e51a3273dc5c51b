//! The document library: records over blobs, readable = own + shared with the
//! reader's department, summaries, and the rule that no row points at a missing blob.

use hkpilot_core::{
    content_hash, BlockKind, Document, DocumentBuilder, DocumentId, DocumentMeta, Lang,
    LangProfile, SourceFormat,
};
use hkpilot_store::{
    BlobId, DocumentRecord, DocumentState, IngestedDocument, NewSummary, Store, StoreError,
};

use crate::common::{dept, seeded, uid};

pub fn sample_document() -> Document {
    let mut b = DocumentBuilder::new();
    b.push(BlockKind::Heading { level: 1 }, "施政報告");
    b.push(
        BlockKind::Paragraph,
        "政府將推動公務員培訓。The Government will act.",
    );
    b.finish(
        false,
        DocumentMeta {
            title: Some("施政報告".into()),
            file_name: Some("施政報告.txt".into()),
            format: SourceFormat::Text,
            byte_len: 10,
            content_hash: content_hash(b"source"),
            languages: LangProfile {
                primary: Some(Lang::ZhHant),
                latin_share: 0.3,
                han_share: 0.7,
                mixed: true,
            },
            page_count: 1,
            encoding: None,
        },
    )
}

/// Stores the bytes as a blob, as an upload does, and returns the record to create.
fn upload(
    store: &dyn Store,
    owner: &str,
    file_name: &str,
    bytes: &[u8],
    at: i64,
) -> DocumentRecord {
    let original = store.blobs().put(bytes).unwrap();
    DocumentRecord {
        id: DocumentId::from_content_hash(original.as_str()),
        owner: uid(owner),
        shared_with: None,
        title: file_name.trim_end_matches(".pdf").to_string(),
        file_name: file_name.to_string(),
        format: None,
        lang: None,
        pages: 0,
        size_bytes: bytes.len() as u64,
        content_hash: original.as_str().to_string(),
        original,
        extracted: None,
        state: DocumentState::Uploaded,
        error: None,
        created_at_ms: at,
    }
}

fn ids(records: &[DocumentRecord]) -> Vec<(String, String)> {
    records
        .iter()
        .map(|r| (r.owner.0.clone(), r.file_name.clone()))
        .collect()
}

#[tokio::test]
async fn readable_means_own_or_shared_with_the_readers_department() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    let policy = upload(store, "u-chan", "施政報告.pdf", b"%PDF-1.7 policy", 1);
    let memo = upload(store, "u-chan", "memo.pdf", b"%PDF-1.7 memo", 2);
    store.create_document(policy.clone()).await.unwrap();
    store.create_document(memo.clone()).await.unwrap();

    let chan = store
        .list_readable_documents(&uid("u-chan"), &dept("csb"))
        .await
        .unwrap();
    assert_eq!(
        ids(&chan),
        [
            ("u-chan".into(), "memo.pdf".into()),
            ("u-chan".into(), "施政報告.pdf".into())
        ]
    );
    assert_eq!(chan[1], policy);
    let lee = store
        .list_readable_documents(&uid("u-lee"), &dept("csb"))
        .await
        .unwrap();
    assert!(lee.is_empty());
    assert!(store
        .get_readable_document(&policy.id, &uid("u-lee"), &dept("csb"))
        .await
        .is_err());

    store
        .share_document(&uid("u-chan"), &policy.id, Some(&dept("csb")))
        .await
        .unwrap();
    let lee = store
        .list_readable_documents(&uid("u-lee"), &dept("csb"))
        .await
        .unwrap();
    assert_eq!(ids(&lee), [("u-chan".into(), "施政報告.pdf".into())]);
    let got = store
        .get_readable_document(&policy.id, &uid("u-lee"), &dept("csb"))
        .await
        .unwrap();
    assert_eq!(got.shared_with, Some(dept("csb")));
    // Another department still sees nothing.
    assert!(store
        .list_readable_documents(&uid("u-cheung"), &dept("edb"))
        .await
        .unwrap()
        .is_empty());

    store
        .share_document(&uid("u-chan"), &policy.id, None)
        .await
        .unwrap();
    assert!(store
        .list_readable_documents(&uid("u-lee"), &dept("csb"))
        .await
        .unwrap()
        .is_empty());

    // Only the owner's record can be shared; an unknown department is refused.
    let err = store
        .share_document(&uid("u-lee"), &policy.id, Some(&dept("csb")))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let err = store
        .share_document(&uid("u-chan"), &policy.id, Some(&dept("nowhere")))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn the_same_file_from_two_officers_is_two_records_over_one_blob() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    let bytes = b"%PDF-1.7 budget speech";
    let chan = upload(store, "u-chan", "財政預算案.pdf", bytes, 1);
    let cheung = upload(store, "u-cheung", "budget.pdf", bytes, 2);
    assert_eq!(chan.original, cheung.original);
    store.create_document(chan.clone()).await.unwrap();
    store.create_document(cheung.clone()).await.unwrap();
    let err = store.create_document(chan.clone()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    // Chan's copy is deleted: the blob stays for Cheung.
    let deleted = store
        .delete_document(&uid("u-chan"), &chan.id)
        .await
        .unwrap();
    assert!(deleted.is_empty());
    assert!(store.blobs().contains(&chan.original));
    assert!(store.get_document(&uid("u-chan"), &chan.id).await.is_err());
    // The last copy takes the blob with it.
    let deleted = store
        .delete_document(&uid("u-cheung"), &cheung.id)
        .await
        .unwrap();
    assert_eq!(deleted, vec![cheung.original.clone()]);
    assert!(!store.blobs().contains(&cheung.original));
    let err = store
        .delete_document(&uid("u-cheung"), &cheung.id)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn no_record_without_its_blob() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    // The upload hit its size limit: there is no blob, so there can be no record.
    let mut writer = store.blobs().writer(8).unwrap();
    let err = writer
        .write_chunk("施政報告全文很長很長".as_bytes())
        .unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }));
    drop(writer);
    let bytes = "施政報告全文很長很長".as_bytes();
    let never_written = BlobId::of(bytes);
    let mut record = upload(store, "u-chan", "施政報告.pdf", b"other", 1);
    record.original = never_written.clone();
    record.content_hash = never_written.as_str().into();
    let err = store.create_document(record.clone()).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("not stored")),
        "{err:?}"
    );
    assert_eq!(store.blobs().temp_file_count(), 0);

    // The blob write failed half-way (the fan-out directory is blocked): same outcome.
    let blocked = b"%PDF-1.7 blocked";
    let id = BlobId::of(blocked);
    std::fs::write(store.blobs().root().join(&id.as_str()[0..2]), b"x").unwrap();
    assert!(store.blobs().put(blocked).is_err());
    record.original = id.clone();
    record.content_hash = id.as_str().into();
    assert!(store.create_document(record.clone()).await.is_err());

    assert!(store
        .list_readable_documents(&uid("u-chan"), &dept("csb"))
        .await
        .unwrap()
        .is_empty());

    // A record whose content hash is not its blob's name is refused too.
    let mut lying = upload(store, "u-chan", "a.pdf", b"a", 1);
    lying.content_hash = content_hash(b"b");
    assert!(matches!(
        store.create_document(lying).await,
        Err(StoreError::Invalid(_))
    ));
    // And an unknown owner.
    let ghost = upload(store, "u-ghost", "b.pdf", b"b", 1);
    assert!(matches!(
        store.create_document(ghost).await,
        Err(StoreError::Invalid(_))
    ));
}

#[tokio::test]
async fn ingest_marks_the_document_ready_with_its_extracted_text() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    let record = upload(store, "u-chan", "施政報告.pdf", b"%PDF-1.7 ingest", 1);
    store.create_document(record.clone()).await.unwrap();
    let owner = uid("u-chan");
    store
        .set_document_state(&owner, &record.id, DocumentState::Ingesting, None)
        .await
        .unwrap();

    let doc = sample_document();
    let missing = BlobId::of(b"never stored");
    let err = store
        .complete_ingest(
            &owner,
            &record.id,
            IngestedDocument {
                title: "x".into(),
                format: SourceFormat::Pdf,
                lang: None,
                pages: 1,
                extracted: missing,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(
        store.get_document(&owner, &record.id).await.unwrap().state,
        DocumentState::Ingesting
    );

    let extracted = store.blobs().put_document(&doc).unwrap();
    store
        .complete_ingest(
            &owner,
            &record.id,
            IngestedDocument {
                title: "二〇二四年施政報告".into(),
                format: SourceFormat::Pdf,
                lang: Some(Lang::ZhHant),
                pages: 42,
                extracted: extracted.clone(),
            },
        )
        .await
        .unwrap();
    let got = store.get_document(&owner, &record.id).await.unwrap();
    assert_eq!(got.state, DocumentState::Ready);
    assert_eq!(got.title, "二〇二四年施政報告");
    assert_eq!(
        (got.format, got.lang, got.pages),
        (Some(SourceFormat::Pdf), Some(Lang::ZhHant), 42)
    );
    assert_eq!(
        store
            .blobs()
            .get_document(got.extracted.as_ref().unwrap())
            .unwrap(),
        doc
    );

    store
        .set_document_state(
            &owner,
            &record.id,
            DocumentState::Failed,
            Some("無法讀取".into()),
        )
        .await
        .unwrap();
    let got = store.get_document(&owner, &record.id).await.unwrap();
    assert_eq!(
        (got.state, got.error.as_deref()),
        (DocumentState::Failed, Some("無法讀取"))
    );
    let err = store
        .set_document_state(&uid("u-lee"), &record.id, DocumentState::Ready, None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");

    // Deleting removes both blobs.
    let deleted = store.delete_document(&owner, &record.id).await.unwrap();
    assert_eq!(deleted.len(), 2);
    assert!(!store.blobs().contains(&extracted));
}

#[tokio::test]
async fn summaries_are_kept_per_document_newest_first_and_go_with_it() {
    let (env, _) = seeded().await;
    let store = env.store.as_ref();
    let record = upload(store, "u-chan", "施政報告.pdf", b"%PDF-1.7 sum", 1);
    store.create_document(record.clone()).await.unwrap();
    let summary = |by: &str, at: i64, text: &str| NewSummary {
        document: record.id.clone(),
        document_owner: uid("u-chan"),
        created_by: uid(by),
        options: r#"{"length":"brief","lang":"zh-Hant"}"#.into(),
        model: Some("qwen2.5-7b-instruct-q4_k_m".into()),
        result: format!(r#"{{"sentences":["{text}"]}}"#),
        created_at_ms: at,
    };
    let first = store
        .add_summary(summary("u-chan", 10, "政府將推動培訓。"))
        .await
        .unwrap();
    let second = store
        .add_summary(summary("u-lee", 20, "第二次摘要。"))
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    let history = store
        .list_summaries(&uid("u-chan"), &record.id)
        .await
        .unwrap();
    assert_eq!(history, [second.clone(), first.clone()]);
    assert_eq!(
        store.get_summary(&first.id).await.unwrap().result,
        first.result
    );

    let mut orphan = summary("u-chan", 30, "x");
    orphan.document = DocumentId("ffffffffffffffff".into());
    let err = store.add_summary(orphan).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");

    store
        .delete_document(&uid("u-chan"), &record.id)
        .await
        .unwrap();
    assert!(store.get_summary(&first.id).await.is_err());
    assert!(store
        .list_summaries(&uid("u-chan"), &record.id)
        .await
        .unwrap()
        .is_empty());
}
