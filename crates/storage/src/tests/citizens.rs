//! Citizens' accounts: one account per e-mail, phone or provider subject, sessions that end
//! with the account, and drafts that belong to it.

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::citizens::NewCitizen;
use crate::sessions::SessionKind;
use crate::testing::TestDb;

fn citizen(id: &str, email: Option<&str>, phone: Option<&str>) -> NewCitizen {
    NewCitizen {
        id: id.into(),
        full_name: "Trần Thị Mai".into(),
        email: email.map(str::to_owned),
        phone: phone.map(str::to_owned),
        password_hash: Some("$argon2id$placeholder".into()),
        oidc: None,
    }
}

#[tokio::test]
async fn an_email_or_phone_registers_one_account_only_and_signs_in_by_either() {
    let test = TestDb::new().await.expect("db");
    let db = &test.db;
    db.create_citizen(&citizen(
        "citizen:a",
        Some("mai@example.vn"),
        Some("0912345678"),
    ))
    .await
    .expect("create");
    for (id, email, phone) in [
        ("citizen:b", Some("mai@example.vn"), None),
        ("citizen:c", None, Some("0912345678")),
    ] {
        let err = db
            .create_citizen(&citizen(id, email, phone))
            .await
            .expect_err("taken");
        assert!(err.is_unique_violation(), "{err}");
    }
    for login in ["mai@example.vn", "0912345678"] {
        let found = db
            .citizen_by_login(login)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(found.id, "citizen:a");
    }
    assert!(
        db.citizen_by_login("other@example.vn")
            .await
            .expect("read")
            .is_none()
    );

    let sso = NewCitizen {
        oidc: Some(("https://id.example".into(), "sub-1".into())),
        password_hash: None,
        ..citizen("citizen:d", None, None)
    };
    db.create_citizen(&sso).await.expect("sso account");
    let found = db
        .citizen_by_oidc("https://id.example", "sub-1")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(found.id, "citizen:d");
    assert_eq!(found.password_hash, None);
}

#[tokio::test]
async fn a_citizen_session_reads_back_and_ends_when_deleted() {
    let test = TestDb::new().await.expect("db");
    let db = &test.db;
    db.create_citizen(&citizen("citizen:a", Some("a@example.vn"), None))
        .await
        .expect("create");
    let now = OffsetDateTime::now_utc();
    db.create_session(
        SessionKind::Citizen,
        b"token-hash",
        "citizen:a",
        "csrf",
        now,
        now + Duration::hours(12),
    )
    .await
    .expect("session");
    let session = db
        .citizen_session(b"token-hash")
        .await
        .expect("read")
        .expect("live");
    assert_eq!(session.citizen.id, "citizen:a");
    assert_eq!(session.csrf_token, "csrf");
    assert!(
        db.session(b"token-hash").await.expect("read").is_none(),
        "a citizen's token is no officer's session"
    );
    db.delete_session(SessionKind::Citizen, b"token-hash")
        .await
        .expect("delete");
    assert!(
        db.citizen_session(b"token-hash")
            .await
            .expect("read")
            .is_none()
    );
}

#[tokio::test]
async fn an_accounts_drafts_are_listed_for_it_alone() {
    let test = TestDb::seeded().await.expect("db");
    let db = &test.db;
    db.create_citizen(&citizen("citizen:a", Some("a@example.vn"), None))
        .await
        .expect("create");
    let mine = Uuid::new_v4();
    db.create_draft(mine, "1.000894", "{}", Some("citizen:a"))
        .await
        .expect("draft");
    db.create_draft(Uuid::new_v4(), "1.000894", "{}", None)
        .await
        .expect("anonymous draft");
    let drafts = db.drafts_of_account("citizen:a").await.expect("list");
    assert_eq!(drafts.iter().map(|d| d.id).collect::<Vec<_>>(), vec![mine]);
    assert_eq!(
        db.draft(mine)
            .await
            .expect("read")
            .expect("found")
            .citizen_id
            .as_deref(),
        Some("citizen:a")
    );
    assert!(
        db.drafts_of_account("citizen:b")
            .await
            .expect("list")
            .is_empty()
    );
    assert!(
        db.dossiers_of_account("citizen:a", 50)
            .await
            .expect("list")
            .is_empty()
    );
}
