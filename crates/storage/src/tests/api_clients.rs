//! API clients and keys: a key is found by its hash alone, revocation is immediate and scoped to
//! its client, and last use is written at most once per period.

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::api_clients::{NewApiClient, NewApiKey};
use crate::testing::TestDb;

const UNIT: &str = "000.00.03.H27";

async fn client_with_key(test: &TestDb, prefix: &str, hash: &[u8]) -> (Uuid, Uuid) {
    let client = Uuid::now_v7();
    test.db
        .create_api_client(&NewApiClient {
            id: client,
            name: "Hệ thống hộ tịch".into(),
            agency_code: Some(UNIT.into()),
            created_by: "quantri.so".into(),
        })
        .await
        .expect("client");
    let key = Uuid::now_v7();
    test.db
        .create_api_key(&NewApiKey {
            id: key,
            client_id: client,
            prefix: prefix.into(),
            secret_hash: hash.to_vec(),
            scopes: "submit_dossiers,read_own_dossiers".into(),
            expires_at: None,
        })
        .await
        .expect("key");
    (client, key)
}

#[tokio::test]
async fn a_key_is_found_by_its_hash_with_its_client_and_never_by_another_hash() {
    let test = TestDb::seeded().await.expect("db");
    let (client, key) = client_with_key(&test, "mck_abcd", &[7; 32]).await;
    let found = test
        .db
        .api_key_by_hash(&[7; 32])
        .await
        .expect("read")
        .expect("found");
    assert_eq!(found.key.id, key);
    assert_eq!(found.client.id, client);
    assert_eq!(found.client.agency_code.as_deref(), Some(UNIT));
    assert_eq!(found.key.scopes, "submit_dossiers,read_own_dossiers");
    assert!(found.key.revoked_at.is_none() && found.key.last_used_at.is_none());
    assert!(
        test.db
            .api_key_by_hash(&[8; 32])
            .await
            .expect("read")
            .is_none()
    );
    let listed = test.db.api_keys_of(client).await.expect("list");
    assert_eq!(listed.len(), 1);
    let clients = test
        .db
        .api_clients(Some(&[UNIT.to_owned()]))
        .await
        .expect("clients");
    assert_eq!(clients.len(), 1);
    assert!(
        test.db
            .api_clients(Some(&["000.00.01.H27".to_owned()]))
            .await
            .expect("clients")
            .is_empty()
    );
}

#[tokio::test]
async fn revoking_a_key_takes_effect_once_and_only_for_its_own_client() {
    let test = TestDb::seeded().await.expect("db");
    let (client, _) = client_with_key(&test, "mck_rev1", &[1; 32]).await;
    let now = OffsetDateTime::now_utc();
    assert!(
        !test
            .db
            .revoke_api_key("mck_rev1", Some(Uuid::now_v7()), now)
            .await
            .expect("other client")
    );
    assert!(
        test.db
            .revoke_api_key("mck_rev1", Some(client), now)
            .await
            .expect("revoke")
    );
    assert!(
        !test
            .db
            .revoke_api_key("mck_rev1", None, now)
            .await
            .expect("again")
    );
    let key = test
        .db
        .api_key_by_prefix("mck_rev1")
        .await
        .expect("read")
        .expect("found");
    assert!(key.revoked_at.is_some());
}

#[tokio::test]
async fn last_use_is_written_at_most_once_per_period() {
    let test = TestDb::seeded().await.expect("db");
    let (_, key) = client_with_key(&test, "mck_use1", &[2; 32]).await;
    let t0 = OffsetDateTime::now_utc();
    let every = Duration::minutes(1);
    assert!(test.db.touch_api_key(key, t0, every).await.expect("first"));
    assert!(
        !test
            .db
            .touch_api_key(key, t0 + Duration::seconds(20), every)
            .await
            .expect("soon after")
    );
    assert!(
        test.db
            .touch_api_key(key, t0 + Duration::seconds(61), every)
            .await
            .expect("a minute later")
    );
    let stored = test
        .db
        .api_key_by_prefix("mck_use1")
        .await
        .expect("read")
        .expect("found");
    let last = stored.last_used_at.expect("recorded");
    assert!((last - (t0 + Duration::seconds(61))).abs() < Duration::seconds(1));
}
