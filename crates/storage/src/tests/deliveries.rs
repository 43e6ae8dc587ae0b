//! The order rule of deliveries: per dossier, channel and recipient.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::deliveries::{DeliveryOutcome, NewDelivery};
use crate::testing::TestDb;

fn delivery(dossier: Uuid, channel: &str, recipient: &str, at: OffsetDateTime) -> NewDelivery {
    NewDelivery {
        id: Uuid::now_v7(),
        dossier_id: Some(dossier),
        channel: channel.into(),
        recipient: recipient.into(),
        notice: "received".into(),
        lang: "vi".into(),
        subject: "s".into(),
        body: "b".into(),
        html: None,
        give_up_at: at + time::Duration::days(2),
    }
}

#[tokio::test]
async fn a_delivery_waits_behind_an_earlier_one_to_its_recipient_but_not_behind_anothers() {
    let test = TestDb::new().await.expect("test db");
    let db = &test.db;
    let at = OffsetDateTime::now_utc();
    let dossier = Uuid::now_v7();
    // Two changes of one dossier, each to two endpoints (and an e-mail for the second).
    let first = [
        delivery(dossier, "webhook", "endpoint-a", at),
        delivery(dossier, "webhook", "endpoint-b", at),
    ];
    let second = [
        delivery(dossier, "webhook", "endpoint-a", at),
        delivery(dossier, "webhook", "endpoint-b", at),
        delivery(dossier, "email", "lan@example.vn", at),
    ];
    assert!(
        db.fan_out(Uuid::now_v7(), None, &first, at)
            .await
            .expect("first")
    );
    assert!(
        db.fan_out(Uuid::now_v7(), None, &second, at)
            .await
            .expect("second")
    );
    let until = at + time::Duration::minutes(10);
    let claimed = db
        .claim_deliveries("webhook", "p1", at, until, 10)
        .await
        .expect("claim");
    let ids: Vec<Uuid> = claimed.iter().map(|d| d.id).collect();
    assert_eq!(
        ids,
        [first[0].id, first[1].id],
        "only each recipient's first"
    );

    // Endpoint a fails and waits; b's second goes on without waiting for a's.
    db.record_deliveries(&[
        DeliveryOutcome::Failed {
            id: first[0].id,
            error: "503".into(),
            next: at + time::Duration::hours(1),
            answer: None,
        },
        DeliveryOutcome::Sent {
            id: first[1].id,
            at,
            answer: None,
        },
    ])
    .await
    .expect("recorded");
    let claimed = db
        .claim_deliveries("webhook", "p1", at, until, 10)
        .await
        .expect("claim");
    let ids: Vec<Uuid> = claimed.iter().map(|d| d.id).collect();
    assert_eq!(ids, [second[1].id], "a's second waits behind a's first");
    db.record_deliveries(&[DeliveryOutcome::Sent {
        id: second[1].id,
        at,
        answer: None,
    }])
    .await
    .expect("recorded");
    let later = at + time::Duration::hours(2);
    let claimed = db
        .claim_deliveries(
            "webhook",
            "p2",
            later,
            later + time::Duration::minutes(10),
            10,
        )
        .await
        .expect("claim");
    let ids: Vec<Uuid> = claimed.iter().map(|d| d.id).collect();
    assert_eq!(
        ids,
        [first[0].id],
        "then a's first again, still before its second"
    );
    // The e-mail of the dossier is its own queue.
    let mail = db
        .claim_deliveries("email", "p1", at, until, 10)
        .await
        .expect("claim");
    assert_eq!(mail.len(), 1);
}
