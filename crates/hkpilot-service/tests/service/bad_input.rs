//! Uploads that must be refused or fail cleanly: empty, oversize, lying about their
//! type, corrupt inside a correct header, with path-traversal or HTML in their names,
//! and the same file twice.

use hkpilot_core::{content_hash, DocumentId, JobState, Role};
use hkpilot_service::{ServiceConfig, ServiceError, SummaryRequest, Upload};
use hkpilot_store::{BlobId, DocumentState};

use crate::common::{note, pdf, test_config, upload_of, Env, CHINESE_PDF};

/// Files under the blob directory (temporary files included).
fn blob_files(env: &Env) -> usize {
    fn walk(p: &std::path::Path) -> usize {
        std::fs::read_dir(p)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() {
                            walk(&path)
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&env.dir.path().join("blobs"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_and_oversize_uploads_store_nothing() {
    let env = Env::with_config(ServiceConfig {
        max_upload_bytes: 4096,
        ..test_config()
    });
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;

    let err = env
        .svc
        .upload(&a, upload_of("empty.txt", Vec::new()))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    assert!(
        err.to_string().contains("empty.txt"),
        "names the file: {err}"
    );

    let big = pdf(CHINESE_PDF);
    assert!(big.len() > 4096);
    let err = env
        .svc
        .upload(&a, upload_of("big.pdf", big.clone()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::TooLarge { limit: 4096 }),
        "{err:?}"
    );
    assert_eq!(err.code(), "payload_too_large");

    // One byte over the limit is refused, exactly the limit is accepted.
    let over = vec![b'a'; 4097];
    assert!(matches!(
        env.svc.upload(&a, upload_of("over.txt", over)).await,
        Err(ServiceError::TooLarge { .. })
    ));

    assert!(env.svc.list_documents(&a).await.unwrap().is_empty());
    assert!(env.svc.jobs(&a, 10).await.unwrap().is_empty());
    let blob = BlobId::parse(&content_hash(&big)).unwrap();
    assert!(!env.store.blobs().contains(&blob));
    assert_eq!(blob_files(&env), 0, "no blob or temporary file left");

    let mut exact = "香港".repeat(4096 / 6).into_bytes();
    exact.resize(4096, b'.');
    env.svc
        .upload(&a, upload_of("exact.txt", exact))
        .await
        .expect("an upload of exactly the limit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_png_named_pdf_is_refused_up_front() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend((0..2000u32).map(|i| (i * 7 % 251) as u8));
    let err = env
        .svc
        .upload(&a, upload_of("report.pdf", png))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("report.pdf"), "{err}");
    assert!(env.svc.list_documents(&a).await.unwrap().is_empty());
    assert_eq!(blob_files(&env), 0);
}

/// A file whose header is right but whose body is not fails in its ingest job; the
/// document is marked failed with a reason, and cannot be summarised.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupt_files_fail_their_ingest_job_with_a_reason() {
    let mut env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    env.start_jobs();

    let mut fake_pdf = b"%PDF-1.7\n".to_vec();
    fake_pdf.extend(std::iter::repeat_n(b"\x00\xff garbage obj endobj ", 200).flatten());
    // A "docx" that is a zip header followed by junk.
    let mut fake_docx = b"PK\x03\x04".to_vec();
    fake_docx.extend(std::iter::repeat_n(0xA5u8, 5000));

    for (name, bytes) in [("報告.pdf", fake_pdf), ("report.docx", fake_docx)] {
        let (id, job) = env.upload(&a, upload_of(name, bytes)).await;
        let job = env.wait_job(&job).await;
        assert_eq!(job.state, JobState::Failed, "{name}: {job:?}");
        let error = job.error.clone().expect("a failed job says why");
        assert!(!error.is_empty());
        let record = env.svc.document(&a, &id).await.unwrap().record;
        assert_eq!(record.state, DocumentState::Failed, "{name}");
        assert_eq!(record.error.as_deref(), Some(error.as_str()), "{name}");
        assert!(record.extracted.is_none());
        let err = env
            .svc
            .request_summary(&a, &id, SummaryRequest::default())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Conflict(_)), "{name}: {err:?}");
    }
    env.stop_jobs().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_names_are_cleaned_not_rewritten() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let cases: [(&str, &str); 5] = [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\system.ini.txt", "system.ini.txt"),
        (
            "<script>alert('x')</script>.txt",
            // The last path component: '/' in "</script>" is a separator.
            "script>.txt",
        ),
        (
            "<img src=x onerror=alert(1)>.md",
            "<img src=x onerror=alert(1)>.md",
        ),
        ("施政報告\u{0}\u{7}\n.txt", "施政報告.txt"),
    ];
    for (i, (given, stored)) in cases.iter().enumerate() {
        let upload = Upload {
            file_name: given.to_string(),
            bytes: format!("第 {i} 份文件。Document number {i}.").into_bytes(),
        };
        let (record, _) = env.svc.upload(&a, upload).await.unwrap();
        assert_eq!(record.file_name, *stored, "{given:?}");
        // What is stored is what is listed and downloaded.
        let (rec, _) = env.svc.download(&a, &record.id).await.unwrap();
        assert_eq!(rec.file_name, *stored);
    }
    // A name that is nothing but a path or dots still gets a usable name.
    let (record, _) = env
        .svc
        .upload(&a, upload_of("../..", b"just dots".to_vec()))
        .await
        .unwrap();
    assert_eq!(record.file_name, "document");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_file_twice_is_a_conflict() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let b = env.person("officer.b", &csb, Role::Officer).await;
    env.upload(&a, note("dup")).await;
    let mut again = note("dup");
    again.file_name = "another name.md".into();
    let err = env.svc.upload(&a, again).await.unwrap_err();
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("briefing-dup.md"), "{err}");
    assert_eq!(env.svc.list_documents(&a).await.unwrap().len(), 1);
    assert_eq!(
        env.svc.jobs(&a, 10).await.unwrap().len(),
        1,
        "no second job"
    );
    // A colleague uploading the same bytes gets a record of their own.
    env.upload(&b, note("dup")).await;
    assert_eq!(env.svc.list_documents(&b).await.unwrap().len(), 1);
}

/// A failed reading can be retried by uploading the file again, as its message says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_document_can_be_uploaded_again() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let (id, job) = env.upload(&a, note("retry")).await;
    // Cancelled before any scheduler ran it: the document is failed, not stuck.
    let cancelled = env.svc.cancel_job(&a, &job).await.unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    let record = env.svc.document(&a, &id).await.unwrap().record;
    assert_eq!(record.state, DocumentState::Failed);
    let why = record.error.unwrap();
    assert!(why.contains("upload the file again"), "{why}");
    let (again, job2) = env
        .svc
        .upload(&a, note("retry"))
        .await
        .expect("uploading again replaces the failed record");
    assert_eq!(again.id, id);
    assert_eq!(again.state, DocumentState::Uploaded);
    assert_ne!(job2.id, job);
    let docs = env.svc.list_documents(&a).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].state, DocumentState::Uploaded);
    assert_eq!(docs[0].id, DocumentId(id.0.clone()));
}
