//! Users and departments.

use hkpilot_core::{Department, Role, UiLang};
use hkpilot_store::{SessionRecord, StoreError};

use crate::common::{dept, new_user, open, seeded, uid};

#[tokio::test]
async fn usernames_are_unique_and_found_case_insensitively() {
    let (env, users) = seeded().await;
    assert_eq!(users[0].display_name, "陳大文");
    assert_eq!(users[0].username, "Chan.TaiMan");
    for spelling in ["chan.taiman", "CHAN.TAIMAN", " Chan.TaiMan "] {
        let found = env.store.get_user_by_username(spelling).await.unwrap();
        assert_eq!(found.id, uid("u-chan"), "{spelling}");
    }
    let chinese = env.store.get_user_by_username("張美玲").await.unwrap();
    assert_eq!(chinese.department, dept("edb"));

    let err = env
        .store
        .create_user(new_user("u-other", "CHAN.taiman", "另一個陳大文", "csb"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(err.is_user_error());
    let err = env
        .store
        .create_user(new_user("u-chan", "someone.else", "某人", "csb"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(env.store.count_users().await.unwrap(), 3);
}

#[tokio::test]
async fn a_user_needs_an_existing_department_and_a_name() {
    let env = open();
    assert_eq!(env.store.count_users().await.unwrap(), 0);
    let err = env
        .store
        .create_user(new_user("u1", "wong", "黃志明", "nowhere"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("nowhere")),
        "{err:?}"
    );
    let err = env
        .store
        .create_user(new_user("u1", "  ", "空白", "nowhere"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(env.store.count_users().await.unwrap(), 0);
}

#[tokio::test]
async fn departments_round_trip_in_both_languages() {
    let (env, _) = seeded().await;
    let csb = env.store.get_department(&dept("csb")).await.unwrap();
    assert_eq!(csb.name_zh, "公務員事務局");
    let all = env.store.list_departments().await.unwrap();
    assert_eq!(
        all.iter().map(|d| d.id.0.as_str()).collect::<Vec<_>>(),
        ["csb", "edb"]
    );
    let err = env
        .store
        .create_department(Department {
            id: dept("csb"),
            name_en: "Again".into(),
            name_zh: "重複".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = env.store.get_department(&dept("lcsd")).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[tokio::test]
async fn users_are_listed_by_department_and_updated() {
    let (env, _) = seeded().await;
    let csb: Vec<_> = env
        .store
        .list_users(Some(&dept("csb")))
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.display_name)
        .collect();
    assert_eq!(csb, ["陳大文", "李小明"]);
    assert_eq!(env.store.list_users(None).await.unwrap().len(), 3);

    let id = uid("u-lee");
    env.store
        .set_user_role(&id, Role::DepartmentAdmin)
        .await
        .unwrap();
    env.store
        .set_user_ui_lang(&id, UiLang::English)
        .await
        .unwrap();
    env.store
        .set_password_hash(&id, "$argon2id$new".into())
        .await
        .unwrap();
    let user = env.store.get_user(&id).await.unwrap();
    assert_eq!(user.role, Role::DepartmentAdmin);
    assert_eq!(user.ui_lang, UiLang::English);
    assert_eq!(env.store.password_hash(&id).await.unwrap(), "$argon2id$new");

    let err = env
        .store
        .set_user_role(&uid("u-ghost"), Role::SystemAdmin)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions() {
    let (env, _) = seeded().await;
    let id = uid("u-chan");
    env.store
        .create_session(SessionRecord {
            token_hash: "t-hash".into(),
            user: id.clone(),
            created_at_ms: 0,
            last_seen_ms: 0,
            idle_expires_at_ms: 1_000,
            absolute_expires_at_ms: 10_000,
            csrf_hash: None,
        })
        .await
        .unwrap();
    env.store.set_user_disabled(&id, true).await.unwrap();
    assert!(env.store.get_user(&id).await.unwrap().disabled);
    assert!(env.store.get_session("t-hash", 1).await.is_err());
    env.store.set_user_disabled(&id, false).await.unwrap();
    assert!(!env.store.get_user(&id).await.unwrap().disabled);
}
