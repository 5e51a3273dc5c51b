//! The audit trail as administrators see it: the chain verifies, officers may not
//! read it, and a department administrator sees only their department's users.

use std::collections::HashSet;

use hkpilot_core::{AuditAction, Role};
use hkpilot_store::{AuditQuery, ChainStatus};

use crate::common::{note, outcome, Env, Outcome};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_reads_the_audit_log_and_what_they_see() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let hyd = env.department("hyd", "Highways Department", "路政署").await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let c = env.person("officer.c", &hyd, Role::Officer).await;
    let csb_admin = env.person("csb.admin", &csb, Role::DepartmentAdmin).await;
    let hyd_admin = env.person("hyd.admin", &hyd, Role::DepartmentAdmin).await;
    let sys = env.person("sys.admin", &hyd, Role::SystemAdmin).await;

    let (a_doc, _) = env.upload(&a, note("csb")).await;
    let (c_doc, _) = env.upload(&c, note("hyd")).await;
    env.svc.share(&a, &a_doc, true).await.unwrap();
    env.svc.download(&c, &c_doc).await.unwrap();
    // A failed sign-in has no actor: only system administrators see it.
    let _ = env
        .svc
        .sign_in("officer.a", "wrong password 錯誤", crate::common::ADDR)
        .await;

    // Officers may not read or verify the log.
    for officer in [&a, &c] {
        assert_eq!(
            outcome(env.svc.audit_events(officer, AuditQuery::default()).await),
            Outcome::Forbidden
        );
        assert_eq!(
            outcome(env.svc.verify_audit(officer).await),
            Outcome::Forbidden
        );
    }
    // Verifying is for system administrators only.
    assert_eq!(
        outcome(env.svc.verify_audit(&csb_admin).await),
        Outcome::Forbidden
    );

    let all = env
        .svc
        .audit_events(&sys, AuditQuery::default())
        .await
        .unwrap();
    assert!(!all.department_only);
    let status = env.svc.verify_audit(&sys).await.unwrap();
    match status {
        ChainStatus::Intact { events, ref head } => {
            assert_eq!(events, all.events.len() as u64);
            assert_eq!(*head, all.events.last().unwrap().hash);
        }
        other => panic!("a fresh log is intact: {other:?}"),
    }
    assert_eq!(env.svc.verify_audit_unchecked().await.unwrap(), status);
    let actions: HashSet<&str> = all.events.iter().map(|e| e.action.as_str()).collect();
    for needed in [
        "user_created",
        "sign_in",
        "sign_in_failed",
        "upload",
        "share",
        "download",
    ] {
        assert!(
            actions.contains(needed),
            "{needed} missing from {actions:?}"
        );
    }
    let seqs: Vec<u64> = all.events.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first");

    let csb_ids: HashSet<_> = [&a, &csb_admin].iter().map(|p| p.user.id.clone()).collect();
    let csb_view = env
        .svc
        .audit_events(&csb_admin, AuditQuery::default())
        .await
        .unwrap();
    assert!(csb_view.department_only);
    assert!(!csb_view.events.is_empty());
    for e in &csb_view.events {
        let actor = e
            .actor
            .as_ref()
            .expect("events without an actor are not shown");
        assert!(csb_ids.contains(actor), "{e:?} is not by a csb user");
    }
    let csb_actions: Vec<&AuditAction> = csb_view.events.iter().map(|e| &e.action).collect();
    assert!(csb_actions.contains(&&AuditAction::Upload));
    assert!(csb_actions.contains(&&AuditAction::Share));
    assert!(
        !csb_actions.contains(&&AuditAction::Download),
        "C's download is hyd's"
    );
    assert!(csb_view
        .events
        .iter()
        .all(|e| !e.documents.contains(&c_doc)));

    let hyd_view = env
        .svc
        .audit_events(&hyd_admin, AuditQuery::default())
        .await
        .unwrap();
    assert!(hyd_view.events.iter().all(|e| {
        e.actor
            .as_ref()
            .is_some_and(|u| *u == c.user.id || *u == hyd_admin.user.id || *u == sys.user.id)
    }));
    assert!(hyd_view
        .events
        .iter()
        .all(|e| !e.documents.contains(&a_doc)));

    // Paging: a department administrator's page is full even when the first rows of
    // the log belong to other departments.
    let page = env
        .svc
        .audit_events(
            &csb_admin,
            AuditQuery {
                limit: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.events.len(), 2);
    assert_eq!(page.events[..], csb_view.events[..2]);
    let next = env
        .svc
        .audit_events(
            &csb_admin,
            AuditQuery {
                limit: 2,
                after_seq: Some(page.events[1].seq),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        next.events[..],
        csb_view.events[2..4.min(csb_view.events.len())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_system_administrators_add_departments_and_it_is_audited() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let officer = env.person("officer.a", &csb, Role::Officer).await;
    let dept_admin = env.person("csb.admin", &csb, Role::DepartmentAdmin).await;
    let sys = env.person("sys.admin", &csb, Role::SystemAdmin).await;
    let edb = || hkpilot_core::Department {
        id: hkpilot_core::DepartmentId("edb".into()),
        name_en: "Education Bureau".into(),
        name_zh: "教育局".into(),
    };
    assert_eq!(
        outcome(env.svc.create_department(&officer, edb()).await),
        Outcome::Forbidden
    );
    assert_eq!(
        outcome(env.svc.create_department(&dept_admin, edb()).await),
        Outcome::Forbidden
    );
    let mut bad = edb();
    bad.id = hkpilot_core::DepartmentId("../EDB".into());
    assert!(matches!(
        env.svc.create_department(&sys, bad).await,
        Err(hkpilot_service::ServiceError::Invalid(_))
    ));
    env.svc.create_department(&sys, edb()).await.unwrap();
    let names: Vec<String> = env
        .svc
        .list_departments()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name_zh)
        .collect();
    assert!(names.contains(&"教育局".to_string()), "{names:?}");
    assert!(matches!(
        env.svc.create_department(&sys, edb()).await,
        Err(hkpilot_service::ServiceError::Conflict(_))
    ));
    let log = env
        .svc
        .audit_events(&sys, AuditQuery::default())
        .await
        .unwrap();
    assert!(log
        .events
        .iter()
        .any(|e| e.action == AuditAction::PermissionChange && e.detail.contains("edb")));
}
