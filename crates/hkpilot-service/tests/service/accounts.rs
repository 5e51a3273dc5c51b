//! Signing in and out, throttling, disabled accounts, API keys, what the database
//! keeps of tokens, and the rule that the last system administrator stays.

use std::net::{IpAddr, Ipv4Addr};

use hkpilot_core::{Role, UiLang};
use hkpilot_service::{NewAccount, ServiceError};

use crate::common::{outcome, Env, Outcome, ADDR, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_user_read_the_same() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    env.account("chan.taiman", &csb, Role::Officer).await;

    let wrong = env
        .svc
        .sign_in("chan.taiman", "not the password at all", ADDR)
        .await
        .unwrap_err();
    let unknown = env
        .svc
        .sign_in("nobody.here", PASSWORD, ADDR)
        .await
        .unwrap_err();
    assert!(matches!(wrong, ServiceError::BadCredentials), "{wrong:?}");
    assert!(
        matches!(unknown, ServiceError::BadCredentials),
        "{unknown:?}"
    );
    assert_eq!(wrong.to_string(), unknown.to_string());

    // Usernames are compared case-insensitively.
    let signed = env
        .svc
        .sign_in("Chan.TaiMan", PASSWORD, ADDR)
        .await
        .unwrap();
    assert_eq!(signed.user.username, "chan.taiman");
    assert_eq!(signed.csrf_token, env.svc.csrf_for(&signed.session_token));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failures_lock_the_username() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    env.account("chan.taiman", &csb, Role::Officer).await;
    env.account("wong.siuming", &csb, Role::Officer).await;
    for i in 0..5 {
        let err = env
            .svc
            .sign_in("chan.taiman", &format!("guess number {i} 猜"), ADDR)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::BadCredentials),
            "try {i}: {err:?}"
        );
    }
    // Now even the right password is refused, without being checked.
    let err = env
        .svc
        .sign_in("chan.taiman", PASSWORD, ADDR)
        .await
        .unwrap_err();
    match err {
        ServiceError::Locked { retry_after } => assert!(retry_after.as_secs() >= 1),
        other => panic!("expected Locked, got {other:?}"),
    }
    // From another address too: the lock is on the username.
    let elsewhere = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20));
    assert!(matches!(
        env.svc.sign_in("CHAN.TAIMAN", PASSWORD, elsewhere).await,
        Err(ServiceError::Locked { .. })
    ));
    // A colleague behind the same address is not locked out.
    env.svc
        .sign_in("wong.siuming", PASSWORD, ADDR)
        .await
        .expect("one officer's typos do not lock the office");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_ends_sessions_keys_and_sign_ins() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let admin = env.person("csb.admin", &csb, Role::DepartmentAdmin).await;
    let officer = env.account("chan.taiman", &csb, Role::Officer).await;
    let signed = env.sign_in("chan.taiman").await;
    let caller = env
        .svc
        .session_caller(&signed.session_token, Some(ADDR))
        .await
        .unwrap();
    let key = env.svc.create_api_key(&caller, "報告腳本").await.unwrap();
    assert!(env.svc.api_key_caller(&key, Some(ADDR)).await.is_ok());

    let disabled = env
        .svc
        .set_disabled(&admin, &officer.id, true)
        .await
        .unwrap();
    assert!(disabled.disabled);
    assert!(matches!(
        env.svc
            .session_caller(&signed.session_token, Some(ADDR))
            .await,
        Err(ServiceError::Unauthenticated)
    ));
    assert!(matches!(
        env.svc.api_key_caller(&key, Some(ADDR)).await,
        Err(ServiceError::Unauthenticated)
    ));
    assert!(matches!(
        env.svc.sign_in("chan.taiman", PASSWORD, ADDR).await,
        Err(ServiceError::BadCredentials)
    ));
    // Enabled again, they sign in afresh; the old session stays ended.
    env.svc
        .set_disabled(&admin, &officer.id, false)
        .await
        .unwrap();
    assert!(matches!(
        env.svc
            .session_caller(&signed.session_token, Some(ADDR))
            .await,
        Err(ServiceError::Unauthenticated)
    ));
    env.sign_in("chan.taiman").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_only_that_session() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    env.account("chan.taiman", &csb, Role::Officer).await;
    let laptop = env.sign_in("chan.taiman").await;
    let tablet = env.sign_in("chan.taiman").await;
    assert_ne!(laptop.session_token, tablet.session_token);
    let caller = env
        .svc
        .session_caller(&laptop.session_token, None)
        .await
        .unwrap();
    env.svc
        .sign_out(&caller, &laptop.session_token)
        .await
        .unwrap();
    assert!(matches!(
        env.svc.session_caller(&laptop.session_token, None).await,
        Err(ServiceError::Unauthenticated)
    ));
    env.svc
        .sign_out(&caller, &laptop.session_token)
        .await
        .expect("signing out twice is fine");
    env.svc
        .session_caller(&tablet.session_token, None)
        .await
        .expect("the other session goes on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_work_and_forgeries_do_not() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("chan.taiman", &csb, Role::Officer).await;
    let key = env.svc.create_api_key(&a, "nightly report").await.unwrap();
    let via_key = env.svc.api_key_caller(&key, Some(ADDR)).await.unwrap();
    assert_eq!(via_key.user.id, a.user.id);
    assert_eq!(via_key.actor.role, Role::Officer);

    let signed = env.sign_in("chan.taiman").await;
    // Same shape, one character of the secret changed.
    let mut tampered = key.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    let forged = format!("hkp_{}_{}", "0".repeat(16), "a".repeat(64));
    let upper = key.to_uppercase();
    for bad in [
        tampered.as_str(),
        forged.as_str(),
        "hkp_",
        "",
        "Bearer whatever",
        upper.as_str(),
        &key[..key.len() - 1],
        // A session token is not an API key.
        signed.session_token.as_str(),
    ] {
        let err = env.svc.api_key_caller(bad, Some(ADDR)).await.unwrap_err();
        assert!(
            matches!(err, ServiceError::Unauthenticated),
            "{bad:?}: {err:?}"
        );
    }
    // And an API key is not a session token.
    assert!(matches!(
        env.svc.session_caller(&key, None).await,
        Err(ServiceError::Unauthenticated)
    ));
    assert!(matches!(
        env.svc.session_caller("not-a-session", None).await,
        Err(ServiceError::Unauthenticated)
    ));
}

/// Only hashes of session tokens and API keys reach the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_holds_no_raw_tokens() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    env.account("chan.taiman", &csb, Role::Officer).await;
    let signed = env.sign_in("chan.taiman").await;
    let caller = env
        .svc
        .session_caller(&signed.session_token, None)
        .await
        .unwrap();
    let key = env.svc.create_api_key(&caller, "script").await.unwrap();
    let secret = key.rsplit('_').next().unwrap().to_string();
    let mut scanned = 0;
    for entry in std::fs::read_dir(env.dir.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.starts_with("hkpilot.db") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        scanned += bytes.len();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&signed.session_token),
            "{name} holds a session token"
        );
        assert!(!text.contains(&secret), "{name} holds an API key's secret");
        assert!(!text.contains(PASSWORD), "{name} holds a password");
    }
    assert!(scanned > 0, "the database files were found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_system_admin_stays() {
    let env = Env::new();
    let it = env
        .department("ogcio", "Digital Policy Office", "數字政策辦公室")
        .await;
    let first = env.person("admin.one", &it, Role::SystemAdmin).await;
    let second = env.person("admin.two", &it, Role::SystemAdmin).await;

    // Nobody changes their own account.
    for r in [
        outcome(env.svc.set_disabled(&first, &first.user.id, true).await),
        outcome(
            env.svc
                .set_role(&first, &first.user.id, Role::Officer)
                .await,
        ),
    ] {
        assert_eq!(r, Outcome::Forbidden);
    }
    // With two, one may be demoted...
    env.svc
        .set_role(&first, &second.user.id, Role::DepartmentAdmin)
        .await
        .unwrap();
    // ...and then the other cannot be, even by a request that was already under way
    // for the second (whose caller still says system administrator).
    let err = env
        .svc
        .set_role(&second, &first.user.id, Role::Officer)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
    let err = env
        .svc
        .set_disabled(&second, &first.user.id, true)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
    let me = env.store.get_user(&first.user.id).await.unwrap();
    assert_eq!(me.role, Role::SystemAdmin);
    assert!(!me.disabled);

    // Promoted back, then disabled: a disabled administrator does not count either.
    env.svc
        .set_role(&first, &second.user.id, Role::SystemAdmin)
        .await
        .unwrap();
    env.svc
        .set_disabled(&first, &second.user.id, true)
        .await
        .unwrap();
    let err = env
        .svc
        .set_disabled(&second, &first.user.id, true)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
    // A disabled system administrator may still be demoted: it leaves one enabled.
    env.svc
        .set_role(&first, &second.user.id, Role::Officer)
        .await
        .expect("demoting a disabled administrator keeps the enabled one");
}

/// Two administrators disabling each other at the same moment must not both succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_keep_one_system_admin() {
    for round in 0..5 {
        let env = Env::new();
        let it = env
            .department("ogcio", "Digital Policy Office", "數字政策辦公室")
            .await;
        let first = env.person("admin.one", &it, Role::SystemAdmin).await;
        let second = env.person("admin.two", &it, Role::SystemAdmin).await;
        let (r1, r2) = tokio::join!(
            env.svc.set_disabled(&first, &second.user.id, true),
            env.svc.set_disabled(&second, &first.user.id, true),
        );
        let ok = [r1.is_ok(), r2.is_ok()].iter().filter(|o| **o).count();
        assert_eq!(ok, 1, "round {round}: {r1:?} / {r2:?}");
        let enabled = env
            .store
            .list_users(None)
            .await
            .unwrap()
            .into_iter()
            .filter(|u| u.role == Role::SystemAdmin && !u.disabled)
            .count();
        assert_eq!(enabled, 1, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn department_admins_manage_only_their_department() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let hyd = env.department("hyd", "Highways Department", "路政署").await;
    let admin = env.person("csb.admin", &csb, Role::DepartmentAdmin).await;
    let sys = env.person("sys.admin", &hyd, Role::SystemAdmin).await;
    let new = |username: &str, department: &hkpilot_core::DepartmentId, role| NewAccount {
        username: username.into(),
        display_name: "新同事".into(),
        password: PASSWORD.into(),
        department: department.clone(),
        role,
        ui_lang: UiLang::English,
    };
    let made = env
        .svc
        .create_account(&admin, new("new.officer", &csb, Role::Officer))
        .await
        .unwrap();
    assert_eq!(made.department, csb);
    for (account, want) in [
        (new("outsider", &hyd, Role::Officer), Outcome::Forbidden),
        (new("boss", &csb, Role::SystemAdmin), Outcome::Forbidden),
    ] {
        assert_eq!(outcome(env.svc.create_account(&admin, account).await), want);
    }
    assert_eq!(
        outcome(env.svc.set_disabled(&admin, &sys.user.id, true).await),
        Outcome::Forbidden
    );
    let users = env.svc.list_users(&admin).await.unwrap();
    assert!(users.iter().all(|u| u.department == csb), "{users:?}");
    assert_eq!(users.len(), 2);
    let officer = env.sign_in("new.officer").await;
    let officer = env
        .svc
        .session_caller(&officer.session_token, None)
        .await
        .unwrap();
    assert_eq!(
        outcome(env.svc.list_users(&officer).await),
        Outcome::Forbidden
    );
    // A weak password is refused with a reason, not stored.
    let mut weak = new("weak.one", &csb, Role::Officer);
    weak.password = "short".into();
    assert!(matches!(
        env.svc.create_account(&admin, weak).await,
        Err(ServiceError::Invalid(_))
    ));
}

/// What `hkpilot admin` does on the server: the last system administrator stays,
/// and a password reset ends the user's sessions and takes the new password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_line_administration_keeps_a_system_administrator() {
    let env = Env::new();
    let it = env
        .department("it", "Information Technology", "資訊科技")
        .await;
    env.account("admin", &it, Role::SystemAdmin).await;
    let refused = env.svc.set_disabled_unchecked("ADMIN", true).await;
    assert!(
        matches!(refused, Err(ServiceError::Conflict(_))),
        "{refused:?}"
    );
    assert!(matches!(
        env.svc.set_disabled_unchecked("nobody", true).await,
        Err(ServiceError::NotFound(_))
    ));
    env.account("admin2", &it, Role::SystemAdmin).await;
    let disabled = env.svc.set_disabled_unchecked("admin", true).await.unwrap();
    assert!(disabled.disabled);
    let enabled = env
        .svc
        .set_disabled_unchecked("admin", false)
        .await
        .unwrap();
    assert!(!enabled.disabled);

    let session = env.sign_in("admin2").await;
    assert!(matches!(
        env.svc
            .reset_password_unchecked("admin2", "short".into())
            .await,
        Err(ServiceError::Invalid(_))
    ));
    env.svc
        .reset_password_unchecked("admin2", "新的密碼 new password 2026".into())
        .await
        .unwrap();
    assert!(matches!(
        env.svc.session_caller(&session.session_token, None).await,
        Err(ServiceError::Unauthenticated)
    ));
    env.svc
        .sign_in(
            "admin2",
            "新的密碼 new password 2026",
            IpAddr::V4(Ipv4Addr::LOCALHOST),
        )
        .await
        .expect("the new password works");
}
