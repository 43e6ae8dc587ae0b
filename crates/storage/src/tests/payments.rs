//! The payment ledger: one payment per intent token, guarded status changes that a racing
//! report loses, refunds that cannot exceed what was paid twice over, and the report rows.

use domain::payment::ledger::{PaymentChannel, PaymentStatus};
use time::OffsetDateTime;

use super::dossier::{create, done};
use crate::payments::{NewPayment, NewPaymentEvent, NewRefund, PaymentChange, Recorded};
use crate::testing::TestDb;

fn intent(code: &str, reference: &str, token: &str) -> NewPayment {
    NewPayment {
        reference: reference.into(),
        dossier_code: code.into(),
        channel: PaymentChannel::VnPay,
        amount_vnd: 25_000,
        status: PaymentStatus::Created,
        intent_token: Some(token.into()),
        receipt_key: "k".into(),
        recorded_by: None,
        receipt_number: None,
        paid_at: None,
    }
}

fn paid_change(from: PaymentStatus) -> PaymentChange {
    PaymentChange {
        from,
        to: PaymentStatus::Paid,
        gateway_transaction: Some("T1".into()),
        bank_code: Some("NCB".into()),
        paid_at: Some(OffsetDateTime::now_utc()),
    }
}

#[tokio::test]
async fn the_same_intent_token_records_one_payment() {
    let test = TestDb::seeded().await.expect("db");
    let code = done(create(&test.db, None).await).code;
    let first = test
        .db
        .record_payment(&intent(&code, "MC1", "tok"))
        .await
        .expect("first");
    let second = test
        .db
        .record_payment(&intent(&code, "MC2", "tok"))
        .await
        .expect("second");
    assert!(matches!(first, Recorded::New(ref p) if p.reference == "MC1"));
    assert!(matches!(second, Recorded::Existing(ref p) if p.reference == "MC1"));
    assert_eq!(test.db.payments_of(&code).await.expect("list").len(), 1);
}

#[tokio::test]
async fn a_status_change_applies_only_from_the_status_read() {
    let test = TestDb::seeded().await.expect("db");
    let code = done(create(&test.db, None).await).code;
    test.db
        .record_payment(&intent(&code, "MC1", "tok"))
        .await
        .expect("intent");
    assert!(
        test.db
            .payment_started("MC1", None, "http://gw/pay")
            .await
            .expect("start")
    );
    // Two reports read "pending" and race: one wins, the other must re-read.
    assert!(
        test.db
            .change_payment("MC1", &paid_change(PaymentStatus::Pending))
            .await
            .expect("win")
    );
    assert!(
        !test
            .db
            .change_payment("MC1", &paid_change(PaymentStatus::Pending))
            .await
            .expect("lose")
    );
    let p = test.db.payment("MC1").await.expect("read").expect("found");
    assert_eq!(p.status, PaymentStatus::Paid);
    assert_eq!(p.gateway_transaction.as_deref(), Some("T1"));
    assert_eq!(p.gateway_url.as_deref(), Some("http://gw/pay"));
    assert!(p.paid_at.is_some());
    assert!(
        test.db
            .open_payments(OffsetDateTime::now_utc(), 10)
            .await
            .expect("open")
            .is_empty()
    );
}

#[tokio::test]
async fn a_refund_applies_once_and_is_kept_with_the_payment() {
    let test = TestDb::seeded().await.expect("db");
    let code = done(create(&test.db, None).await).code;
    test.db
        .record_payment(&intent(&code, "MC1", "tok"))
        .await
        .expect("intent");
    test.db
        .change_payment("MC1", &paid_change(PaymentStatus::Created))
        .await
        .expect("paid");
    let refund = NewRefund {
        refund_reference: "R1".into(),
        payment_reference: "MC1".into(),
        amount_vnd: 25_000,
        reason: "thu nhầm".into(),
        requested_by: "leader".into(),
        accepted: true,
        message: "ok".into(),
    };
    assert!(
        test.db
            .record_refund(&refund, PaymentStatus::Paid, 0, PaymentStatus::Refunded)
            .await
            .expect("refund")
    );
    let again = NewRefund {
        refund_reference: "R2".into(),
        ..refund
    };
    assert!(
        !test
            .db
            .record_refund(&again, PaymentStatus::Paid, 0, PaymentStatus::Refunded)
            .await
            .expect("stale")
    );
    let p = test.db.payment("MC1").await.expect("read").expect("found");
    assert_eq!(
        (p.status, p.refunded_vnd),
        (PaymentStatus::Refunded, 25_000)
    );
}

#[tokio::test]
async fn paid_payments_come_back_with_their_dossier_for_the_report_and_refused_reports_are_kept() {
    let test = TestDb::seeded().await.expect("db");
    let dossier = done(create(&test.db, None).await);
    test.db
        .record_payment(&intent(&dossier.code, "MC1", "tok"))
        .await
        .expect("intent");
    test.db
        .change_payment("MC1", &paid_change(PaymentStatus::Created))
        .await
        .expect("paid");
    let now = OffsetDateTime::now_utc();
    let rows = test
        .db
        .paid_payments(now - time::Duration::days(1), now + time::Duration::days(1))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].procedure_code, dossier.procedure_code);
    assert_eq!(rows[0].amount_vnd, 25_000);
    test.db
        .log_payment_event(&NewPaymentEvent {
            reference: None,
            channel: PaymentChannel::VnPay,
            source: "callback",
            verdict: "bad_signature",
            detail: "forged".into(),
        })
        .await
        .expect("log");
    let refused = test.db.refused_payment_events(10).await.expect("refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].verdict, "bad_signature");
}
