//! Sessions (idle and absolute expiry) and API keys.

use hkpilot_store::{NewApiKey, SessionRecord, StoreError};

use crate::common::{seeded, uid};

fn session(token: &str, user: &str) -> SessionRecord {
    SessionRecord {
        token_hash: token.into(),
        user: uid(user),
        created_at_ms: 1_000,
        last_seen_ms: 1_000,
        idle_expires_at_ms: 2_000,
        absolute_expires_at_ms: 5_000,
        csrf_hash: Some("csrf-hash".into()),
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_the_absolute_limit() {
    let (env, _) = seeded().await;
    env.store
        .create_session(session("a", "u-chan"))
        .await
        .unwrap();
    let got = env.store.get_session("a", 1_500).await.unwrap();
    assert_eq!(got.user, uid("u-chan"));
    assert_eq!(got.csrf_hash.as_deref(), Some("csrf-hash"));
    // idle expiry
    assert!(env.store.get_session("a", 2_000).await.is_err());

    // activity moves the idle expiry, but never past the absolute one
    env.store.touch_session("a", 1_900, 3_900).await.unwrap();
    let got = env.store.get_session("a", 2_500).await.unwrap();
    assert_eq!((got.last_seen_ms, got.idle_expires_at_ms), (1_900, 3_900));
    env.store.touch_session("a", 3_800, 9_000).await.unwrap();
    let got = env.store.get_session("a", 4_000).await.unwrap();
    assert_eq!(got.idle_expires_at_ms, 5_000);
    let err = env.store.get_session("a", 5_000).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");

    // Errors name at most a prefix of a token hash (they end up in logs).
    let long = "5f2b9c0e7d1a4c3b8e6f0a9d2c4b7e1f5f2b9c0e7d1a4c3b8e6f0a9d2c4b7e1f";
    let err = env.store.get_session(long, 0).await.unwrap_err();
    assert!(err.to_string().contains("5f2b9c0e"), "{err}");
    assert!(!err.to_string().contains(long), "{err}");
}

#[tokio::test]
async fn sessions_are_deleted_singly_by_user_and_when_expired() {
    let (env, _) = seeded().await;
    for (t, u) in [("a", "u-chan"), ("b", "u-chan"), ("c", "u-lee")] {
        env.store.create_session(session(t, u)).await.unwrap();
    }
    let err = env
        .store
        .create_session(session("a", "u-lee"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = env
        .store
        .create_session(session("z", "u-ghost"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");

    env.store.delete_session("a").await.unwrap();
    env.store.delete_session("a").await.unwrap(); // signing out twice is fine
    assert!(env.store.get_session("a", 1_500).await.is_err());
    assert_eq!(
        env.store
            .delete_user_sessions(&uid("u-chan"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(env.store.delete_expired_sessions(1_500).await.unwrap(), 0);
    assert_eq!(env.store.delete_expired_sessions(2_000).await.unwrap(), 1);
    assert!(env.store.touch_session("c", 2_100, 3_000).await.is_err());
}

#[tokio::test]
async fn api_keys_are_found_by_hash_until_revoked_by_their_owner() {
    let (env, _) = seeded().await;
    let key = env
        .store
        .create_api_key(NewApiKey {
            key_hash: "k-hash-1".into(),
            user: uid("u-chan"),
            name: "報告腳本".into(),
            created_at_ms: 10,
        })
        .await
        .unwrap();
    env.store
        .create_api_key(NewApiKey {
            key_hash: "k-hash-2".into(),
            user: uid("u-chan"),
            name: "second".into(),
            created_at_ms: 20,
        })
        .await
        .unwrap();
    let err = env
        .store
        .create_api_key(NewApiKey {
            key_hash: "k-hash-1".into(),
            user: uid("u-lee"),
            name: "dup".into(),
            created_at_ms: 30,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    let found = env.store.find_api_key("k-hash-1").await.unwrap();
    assert_eq!(
        (found.id.as_str(), found.name.as_str()),
        (key.id.as_str(), "報告腳本")
    );
    let listed = env.store.list_api_keys(&uid("u-chan")).await.unwrap();
    assert_eq!(
        listed.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        ["second", "報告腳本"]
    );
    // The hash never goes out in JSON.
    let json = serde_json::to_string(&found).unwrap();
    assert!(!json.contains("k-hash-1"), "{json}");

    // Someone else cannot revoke it.
    let err = env
        .store
        .revoke_api_key(&uid("u-lee"), &key.id, 50)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    env.store
        .revoke_api_key(&uid("u-chan"), &key.id, 50)
        .await
        .unwrap();
    env.store
        .revoke_api_key(&uid("u-chan"), &key.id, 60)
        .await
        .unwrap();
    assert!(env.store.find_api_key("k-hash-1").await.is_err());
    let listed = env.store.list_api_keys(&uid("u-chan")).await.unwrap();
    let revoked = listed.iter().find(|k| k.id == key.id).unwrap();
    assert_eq!(revoked.revoked_at_ms, Some(50));
}
