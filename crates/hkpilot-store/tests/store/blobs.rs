//! The content-addressed blob store: atomic writes, size limits, failures that leave
//! nothing behind.

use std::io::Write;

use hkpilot_store::{BlobId, BlobStore, StoreError};

fn blob_store() -> (tempfile::TempDir, BlobStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(dir.path().join("blobs")).unwrap();
    (dir, store)
}

#[test]
fn blobs_are_named_by_their_sha256_under_two_fan_out_levels() {
    let (_dir, blobs) = blob_store();
    let bytes = "施政報告 2024：第一章".as_bytes();
    let id = blobs.put(bytes).unwrap();
    assert_eq!(id.as_str(), hkpilot_core::content_hash(bytes));
    assert_eq!(id, BlobId::of(bytes));
    let path = blobs.path(&id);
    let rel = path.strip_prefix(blobs.root()).unwrap();
    let parts: Vec<_> = rel
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    assert_eq!(parts, [&id.as_str()[0..2], &id.as_str()[2..4], id.as_str()]);
    assert_eq!(blobs.read(&id).unwrap(), bytes);
    assert!(blobs.contains(&id));
    // The same bytes again: same id, still one file, no temporary left.
    assert_eq!(blobs.put(bytes).unwrap(), id);
    assert_eq!(blobs.temp_file_count(), 0);
    assert!(blobs.delete(&id).unwrap());
    assert!(!blobs.delete(&id).unwrap());
    let err = blobs.read(&id).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

#[test]
fn a_streamed_blob_equals_the_whole_and_io_copy_works() {
    let (_dir, blobs) = blob_store();
    let data: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let mut writer = blobs.writer(data.len() as u64).unwrap();
    for chunk in data.chunks(7_919) {
        writer.write_chunk(chunk).unwrap();
    }
    assert_eq!(writer.written(), data.len() as u64);
    let id = writer.finish().unwrap();
    assert_eq!(id, BlobId::of(&data));

    let mut writer = blobs.writer(u64::MAX).unwrap();
    std::io::copy(&mut &data[..], &mut writer).unwrap();
    writer.flush().unwrap();
    assert_eq!(writer.finish().unwrap(), id);
    assert_eq!(blobs.read(&id).unwrap(), data);
}

#[test]
fn going_over_the_limit_aborts_and_removes_the_temporary_file() {
    let (_dir, blobs) = blob_store();
    let mut writer = blobs.writer(10).unwrap();
    writer.write_chunk(b"12345").unwrap();
    assert_eq!(blobs.temp_file_count(), 1);
    let err = writer.write_chunk(b"678901").unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { limit: 10 }), "{err:?}");
    assert!(err.is_user_error());
    assert_eq!(blobs.temp_file_count(), 0, "aborted at once");
    // Later calls repeat the error instead of writing on.
    assert!(matches!(
        writer.write_chunk(b"x"),
        Err(StoreError::TooLarge { .. })
    ));
    assert!(matches!(writer.finish(), Err(StoreError::TooLarge { .. })));
    assert_eq!(blobs.temp_file_count(), 0);
    assert!(!blobs.contains(&BlobId::of(b"12345")));

    // Exactly at the limit is fine.
    let mut writer = blobs.writer(10).unwrap();
    writer.write_chunk(b"1234567890").unwrap();
    writer.finish().unwrap();
}

#[test]
fn a_dropped_writer_leaves_nothing() {
    let (_dir, blobs) = blob_store();
    let mut writer = blobs.writer(1_000).unwrap();
    writer.write_chunk("上載中斷".as_bytes()).unwrap();
    drop(writer);
    assert_eq!(blobs.temp_file_count(), 0);
    assert!(!blobs.contains(&BlobId::of("上載中斷".as_bytes())));
}

#[test]
fn a_failed_move_into_place_leaves_no_partial_blob() {
    let (_dir, blobs) = blob_store();
    let bytes = b"blocked";
    let id = BlobId::of(bytes);
    // A file where the first fan-out directory should be: the rename cannot happen.
    std::fs::write(blobs.root().join(&id.as_str()[0..2]), b"in the way").unwrap();
    let err = blobs.put(bytes).unwrap_err();
    assert_eq!(err.code(), "io_error", "{err:?}");
    assert!(!err.is_user_error());
    assert!(!blobs.contains(&id));
    assert_eq!(blobs.temp_file_count(), 0);
}

#[test]
fn blob_ids_cannot_name_other_paths() {
    for bad in [
        "../../etc/passwd",
        "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
        "abc",
        "",
    ] {
        assert!(BlobId::parse(bad).is_err(), "{bad}");
    }
    let good = BlobId::of(b"x");
    assert_eq!(BlobId::parse(good.as_str()).unwrap(), good);
    let json = serde_json::to_string(&good).unwrap();
    assert_eq!(serde_json::from_str::<BlobId>(&json).unwrap(), good);
    assert!(serde_json::from_str::<BlobId>("\"../x\"").is_err());
}

#[test]
fn documents_round_trip_as_json_blobs() {
    let (_dir, blobs) = blob_store();
    let doc = crate::documents::sample_document();
    let id = blobs.put_document(&doc).unwrap();
    assert_eq!(blobs.get_document(&id).unwrap(), doc);
    let not_json = blobs.put(b"not json").unwrap();
    let err = blobs.get_document(&not_json).unwrap_err();
    assert_eq!(err.code(), "corrupt_data");
}
