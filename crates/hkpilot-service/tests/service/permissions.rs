//! Who may do what to a document, through the service: a role × action matrix before
//! and after sharing and after deletion, plus the rule that a document one may not
//! read is indistinguishable from one that does not exist.

use hkpilot_core::{DocumentId, JobState, Role};
use hkpilot_service::{Caller, SummaryRequest};

use crate::common::{outcome, pdf, upload_of, Env, Outcome, CHINESE_PDF};

const Y: Outcome = Outcome::Allowed;
const NF: Outcome = Outcome::NotFound;
const FB: Outcome = Outcome::Forbidden;

/// The actions of one row, in the order of the table's columns.
const ACTIONS: [&str; 7] = [
    "list",
    "document",
    "download",
    "summaries",
    "summary",
    "request_summary",
    "share",
];

struct People {
    a: Caller,
    b: Caller,
    c: Caller,
    csb_admin: Caller,
    sys_admin: Caller,
}

impl People {
    fn get(&self, name: &str) -> &Caller {
        match name {
            "A (owner)" => &self.a,
            "B (csb)" => &self.b,
            "C (hyd)" => &self.c,
            "csb dept admin" => &self.csb_admin,
            "system admin" => &self.sys_admin,
            other => panic!("no {other} in the table"),
        }
    }
}

/// Tries every action of [`ACTIONS`] as `caller`. `shared` is the document's sharing
/// state; `share` asks for it unchanged when done by the owner, and for the opposite
/// otherwise (publishing a private document, withdrawing a shared one).
async fn row(
    env: &Env,
    caller: &Caller,
    id: &DocumentId,
    summary_id: &str,
    shared: bool,
    is_owner: bool,
) -> [Outcome; 7] {
    let svc = &env.svc;
    let listed = svc
        .list_documents(caller)
        .await
        .expect("anyone may list their library")
        .iter()
        .any(|d| d.id == *id);
    let share_to = if is_owner { shared } else { !shared };
    [
        if listed { Y } else { NF },
        outcome(svc.document(caller, id).await),
        outcome(svc.download(caller, id).await),
        outcome(svc.summaries(caller, id).await),
        outcome(svc.summary(caller, summary_id).await),
        outcome(
            svc.request_summary(caller, id, SummaryRequest::default())
                .await,
        ),
        outcome(svc.share(caller, id, share_to).await),
    ]
}

async fn check_table(
    env: &Env,
    people: &People,
    id: &DocumentId,
    summary_id: &str,
    shared: bool,
    phase: &str,
    table: &[(&str, [Outcome; 7])],
) {
    let mut wrong = Vec::new();
    for (who, expected) in table {
        let got = row(
            env,
            people.get(who),
            id,
            summary_id,
            shared,
            *who == "A (owner)",
        )
        .await;
        for ((action, want), got) in ACTIONS.iter().zip(expected).zip(got) {
            if *want != got {
                wrong.push(format!(
                    "{phase}: {who} {action}: expected {want:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_by_action_matrix() {
    let mut env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let hyd = env.department("hyd", "Highways Department", "路政署").await;
    let ogcio = env
        .department("ogcio", "Digital Policy Office", "數字政策辦公室")
        .await;
    let people = People {
        a: env.person("officer.a", &csb, Role::Officer).await,
        b: env.person("officer.b", &csb, Role::Officer).await,
        c: env.person("officer.c", &hyd, Role::Officer).await,
        csb_admin: env.person("csb.admin", &csb, Role::DepartmentAdmin).await,
        sys_admin: env.person("sys.admin", &ogcio, Role::SystemAdmin).await,
    };

    env.start_jobs();
    let record = env
        .ready_document(&people.a, upload_of("招聘政務主任.pdf", pdf(CHINESE_PDF)))
        .await;
    let id = record.id.clone();
    let job = env
        .svc
        .request_summary(&people.a, &id, SummaryRequest::default())
        .await
        .unwrap();
    env.job_succeeds(&job.id).await;
    // The matrix only queues summaries; nothing needs to run them.
    env.stop_jobs().await;
    let summary_id = env.svc.summaries(&people.a, &id).await.unwrap()[0]
        .id
        .clone();

    #[rustfmt::skip]
    let private: &[(&str, [Outcome; 7])] = &[
        //                   list document download summaries summary request share
        ("A (owner)",       [Y,   Y,       Y,       Y,        Y,      Y,      Y ]),
        ("B (csb)",         [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
        ("C (hyd)",         [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
        ("csb dept admin",  [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
        ("system admin",    [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
    ];
    check_table(&env, &people, &id, &summary_id, false, "private", private).await;
    // Nobody but the owner can delete it, and those who cannot see it are told it
    // does not exist.
    for (who, want) in [
        ("B (csb)", NF),
        ("C (hyd)", NF),
        ("csb dept admin", NF),
        ("system admin", NF),
    ] {
        let got = outcome(env.svc.delete_document(people.get(who), &id).await);
        assert_eq!(got, want, "private: {who} delete_document");
    }

    env.svc.share(&people.a, &id, true).await.unwrap();
    #[rustfmt::skip]
    let shared: &[(&str, [Outcome; 7])] = &[
        //                   list document download summaries summary request share
        ("A (owner)",       [Y,   Y,       Y,       Y,        Y,      Y,      Y ]),
        ("B (csb)",         [Y,   Y,       Y,       Y,        Y,      Y,      FB]),
        ("C (hyd)",         [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
        ("csb dept admin",  [Y,   Y,       Y,       Y,        Y,      Y,      FB]),
        ("system admin",    [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
    ];
    check_table(
        &env,
        &people,
        &id,
        &summary_id,
        true,
        "shared with csb",
        shared,
    )
    .await;
    for (who, want) in [
        ("B (csb)", FB),
        ("C (hyd)", NF),
        ("csb dept admin", FB),
        ("system admin", NF),
    ] {
        let got = outcome(env.svc.delete_document(people.get(who), &id).await);
        assert_eq!(got, want, "shared: {who} delete_document");
    }
    // Nothing in the matrix changed the document behind the owner's back.
    let still = env.svc.document(&people.a, &id).await.unwrap().record;
    assert_eq!(still.shared_with, Some(csb.clone()));
    assert_eq!(still.file_name, "招聘政務主任.pdf");

    // Summaries colleagues asked for were queued under their own names.
    let b_jobs = env.svc.jobs(&people.b, 10).await.unwrap();
    assert_eq!(b_jobs.len(), 1);
    assert_eq!(b_jobs[0].state, JobState::Queued);
    assert!(env.svc.jobs(&people.c, 10).await.unwrap().is_empty());

    // The owner deletes it; then it is gone for everyone, the owner included.
    assert_eq!(outcome(env.svc.delete_document(&people.a, &id).await), Y);
    #[rustfmt::skip]
    let deleted: &[(&str, [Outcome; 7])] = &[
        //                   list document download summaries summary request share
        ("A (owner)",       [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
        ("B (csb)",         [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
        ("C (hyd)",         [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
        ("csb dept admin",  [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
        ("system admin",    [NF,  NF,      NF,      NF,       NF,     NF,     NF]),
    ];
    check_table(&env, &people, &id, &summary_id, true, "deleted", deleted).await;
    assert_eq!(outcome(env.svc.delete_document(&people.a, &id).await), NF);
}

/// An id one may not read answers exactly like an id that does not exist, so ids
/// cannot be probed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_and_missing_documents_look_the_same() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let hyd = env.department("hyd", "Highways Department", "路政署").await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let c = env.person("officer.c", &hyd, Role::Officer).await;
    let (id, _) = env.upload(&a, crate::common::note("private")).await;
    let missing = DocumentId("0123456789abcdef".into());

    let existing = env.svc.download(&c, &id).await.unwrap_err();
    let absent = env.svc.download(&c, &missing).await.unwrap_err();
    assert_eq!(existing.code(), "not_found");
    assert_eq!(existing.code(), absent.code());
    assert_eq!(
        existing.to_string().replace(&id.0, "ID"),
        absent.to_string().replace(&missing.0, "ID")
    );
    // Same for the owner-only actions: not "you are not the owner".
    let existing = env.svc.delete_document(&c, &id).await.unwrap_err();
    let absent = env.svc.delete_document(&c, &missing).await.unwrap_err();
    assert_eq!(
        existing.to_string().replace(&id.0, "ID"),
        absent.to_string().replace(&missing.0, "ID")
    );
}

/// Jobs are their owner's: another user can neither see nor cancel them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_are_private_to_their_owner() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let b = env.person("officer.b", &csb, Role::Officer).await;
    let admin = env.person("sys.admin", &csb, Role::SystemAdmin).await;
    let (_, job) = env.upload(&a, crate::common::note("jobs")).await;
    for other in [&b, &admin] {
        assert_eq!(outcome(env.svc.job(other, &job).await), NF);
        assert_eq!(outcome(env.svc.cancel_job(other, &job).await), NF);
        assert!(env.svc.jobs(other, 10).await.unwrap().is_empty());
    }
    assert_eq!(
        env.store.get_job(&job).await.unwrap().state,
        JobState::Queued,
        "nobody else's cancel reached the job"
    );
    assert_eq!(outcome(env.svc.job(&a, &job).await), Y);
}

/// Two officers upload the same file: each gets their own record. When A shares her
/// copy, B can read A's summaries of it, and never sees A's private copy's summaries
/// through his own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_file_uploaded_twice_keeps_records_apart() {
    let mut env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let b = env.person("officer.b", &csb, Role::Officer).await;
    env.start_jobs();
    let ra = env.ready_document(&a, crate::common::note("same")).await;
    let rb = env.ready_document(&b, crate::common::note("same")).await;
    assert_eq!(ra.id, rb.id, "the id comes from the content");
    assert_ne!(ra.owner, rb.owner);

    let job = env
        .svc
        .request_summary(&a, &ra.id, SummaryRequest::default())
        .await
        .unwrap();
    env.job_succeeds(&job.id).await;
    let a_summary = env.svc.summaries(&a, &ra.id).await.unwrap()[0].id.clone();

    // Private: B's own record has no summaries, and A's summary is hidden from B.
    assert!(env.svc.summaries(&b, &rb.id).await.unwrap().is_empty());
    assert_eq!(outcome(env.svc.summary(&b, &a_summary).await), NF);

    // Shared: B may now read A's summary of A's copy.
    env.svc.share(&a, &ra.id, true).await.unwrap();
    let (record, summary) = env.svc.summary(&b, &a_summary).await.unwrap();
    assert_eq!(record.document_owner, a.user.id);
    assert!(!summary.sentences.is_empty());

    // B deleting his copy leaves A's untouched (and its file, which they share).
    env.svc.delete_document(&b, &rb.id).await.unwrap();
    let (rec, bytes) = env.svc.download(&a, &ra.id).await.unwrap();
    assert_eq!(rec.owner, a.user.id);
    assert_eq!(bytes, crate::common::note("same").bytes);
    env.stop_jobs().await;
}
