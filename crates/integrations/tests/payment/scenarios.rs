//! The journeys every gateway must support, written once and run for each (see [`super::paygov`]
//! and [`super::vnpay`]); what differs between the protocols is passed in.

use std::time::Duration;

use integrations::payment::{
    CallbackError, GatewayKind, GatewayOutcome, GatewayReport, PaymentError, RefundOrder,
};

use super::*;

/// Approved card: the return and the callback read as paid with the same report, the merchant's
/// acknowledgement reached the gateway, and a query agrees.
pub async fn an_approved_card_is_paid_by_return_callback_and_query(kind: GatewayKind) {
    let w = world(kind).await;
    let order = w.order();
    let returned = w.start_and_pay(&order, Choice::Card(APPROVED)).await;
    let by_return = w
        .gateway
        .read_callback(&returned, b"")
        .expect("a valid return");
    assert_eq!(by_return.outcome, GatewayOutcome::Paid);
    assert_eq!(by_return.reference, order.reference);
    assert_eq!(by_return.amount_vnd, 150_000);
    assert_eq!(by_return.bank_code.as_deref(), Some("NCB"));
    assert!(by_return.gateway_transaction.is_some());
    let paid_at = by_return.paid_at.expect("a payment time");
    assert!((paid_at - OffsetDateTime::now_utc()).abs() < time::Duration::seconds(10));

    let callback = w.callback().await;
    let by_callback = w
        .gateway
        .read_callback(&callback.query, &callback.body)
        .expect("a valid callback");
    assert_eq!(by_callback, by_return);

    let queried = w
        .gateway
        .query(&World::query_of(&order))
        .await
        .expect("an answer");
    assert_eq!(queried, by_return);

    // The acknowledgement motcua gave is what the gateway recorded.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let recorded = w.recorded(&order.reference).await;
    let delivery = &recorded["deliveries"][0];
    assert_eq!(delivery["status"], 200);
    let expected_ack = match kind {
        GatewayKind::PayGov => "\"MaLoi\":\"00\"",
        GatewayKind::VnPay => "\"RspCode\":\"00\"",
    };
    assert!(
        delivery["answer"]
            .as_str()
            .is_some_and(|a| a.contains(expected_ack)),
        "{delivery}"
    );
}

/// A declined card: the callback says failed with the gateway's code; the query says failed too
/// (with `query_code`, which for VNPay is the transaction status).
pub async fn a_declined_card_fails(
    kind: GatewayKind,
    card: &'static str,
    code: &str,
    query_code: &str,
) {
    let w = world(kind).await;
    let order = w.order();
    let returned = w.start_and_pay(&order, Choice::Card(card)).await;
    let callback = w.callback().await;
    let report = w
        .gateway
        .read_callback(&callback.query, &callback.body)
        .expect("a valid callback");
    assert!(
        matches!(&report.outcome, GatewayOutcome::Failed { code: c, message } if c == code && !message.is_empty()),
        "{report:?}"
    );
    assert_eq!(report.paid_at, None);
    assert_eq!(w.gateway.read_callback(&returned, b""), Ok(report));
    let queried = w
        .gateway
        .query(&World::query_of(&order))
        .await
        .expect("an answer");
    assert!(
        matches!(&queried.outcome, GatewayOutcome::Failed { code: c, .. } if c == query_code),
        "{queried:?}"
    );
}

/// The payer cancels: the callback and the return say cancelled; the query says `queried`.
pub async fn a_cancelled_payment_is_cancelled(
    kind: GatewayKind,
    queried: fn(&GatewayOutcome) -> bool,
) {
    let w = world(kind).await;
    let order = w.order();
    let returned = w.start_and_pay(&order, Choice::Cancel).await;
    let callback = w.callback().await;
    let report = w
        .gateway
        .read_callback(&callback.query, &callback.body)
        .expect("a valid callback");
    assert_eq!(report.outcome, GatewayOutcome::Cancelled);
    assert_eq!(w.gateway.read_callback(&returned, b""), Ok(report));
    let answer = w
        .gateway
        .query(&World::query_of(&order))
        .await
        .expect("an answer");
    assert!(queried(&answer.outcome), "{answer:?}");
}

/// Duplicated callbacks arrive twice and read as the same report.
pub async fn a_duplicated_callback_arrives_twice_with_identical_reports(kind: GatewayKind) {
    let w = world(kind).await;
    w.control("callbacks?mode=duplicated").await;
    let order = w.order();
    w.start_and_pay(&order, Choice::Card(APPROVED)).await;
    let first = w.callback().await;
    let second = w.callback().await;
    let read = |r: &Received| w.gateway.read_callback(&r.query, &r.body).expect("valid");
    assert_eq!(read(&first), read(&second));
    assert_eq!(read(&first).outcome, GatewayOutcome::Paid);
    assert!(
        w.callback_within(Duration::from_millis(300))
            .await
            .is_none(),
        "only two"
    );
}

/// A lost callback never comes; the query still says paid.
pub async fn a_lost_callback_leaves_the_query_saying_paid(kind: GatewayKind) {
    let w = world(kind).await;
    w.control("callbacks?mode=lost").await;
    let order = w.order();
    w.start_and_pay(&order, Choice::Card(APPROVED)).await;
    assert!(
        w.callback_within(Duration::from_millis(500))
            .await
            .is_none()
    );
    let queried = w
        .gateway
        .query(&World::query_of(&order))
        .await
        .expect("an answer");
    assert_eq!(queried.outcome, GatewayOutcome::Paid);
    assert_eq!(queried.amount_vnd, order.amount_vnd);
}

/// A delayed callback comes after its delay; meanwhile the query already says paid.
pub async fn a_delayed_callback_comes_after_its_delay(kind: GatewayKind) {
    let w = world(kind).await;
    w.control("callbacks?mode=delayed&seconds=1").await;
    let order = w.order();
    w.start_and_pay(&order, Choice::Card(APPROVED)).await;
    assert!(
        w.callback_within(Duration::from_millis(500))
            .await
            .is_none()
    );
    let queried = w
        .gateway
        .query(&World::query_of(&order))
        .await
        .expect("an answer");
    assert_eq!(queried.outcome, GatewayOutcome::Paid);
    let late = w.callback().await;
    assert_eq!(
        w.gateway.read_callback(&late.query, &late.body),
        Ok(queried)
    );
}

/// A callback with a corrupted checksum is refused as a bad signature, and the gateway is told
/// so; the browser's return is still good.
pub async fn a_callback_with_a_corrupted_checksum_is_a_bad_signature(kind: GatewayKind) {
    let w = world(kind).await;
    w.control("callbacks?mode=bad-signature").await;
    let order = w.order();
    let returned = w.start_and_pay(&order, Choice::Card(APPROVED)).await;
    let forged = w.callback().await;
    assert_eq!(
        w.gateway.read_callback(&forged.query, &forged.body),
        Err(CallbackError::BadSignature)
    );
    assert!(w.gateway.read_callback(&returned, b"").is_ok());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let answer = w.recorded(&order.reference).await["deliveries"][0]["answer"].clone();
    assert!(
        answer.as_str().is_some_and(|a| a.contains("\"97\"")),
        "{answer}"
    );
}

fn refund_order(
    paid: &GatewayReport,
    order: &PaymentOrder,
    amount: i64,
    full: bool,
    reference: &str,
) -> RefundOrder {
    RefundOrder {
        reference: order.reference.clone(),
        gateway_transaction: paid.gateway_transaction.clone(),
        amount_vnd: amount,
        full,
        reason: "Nộp thừa lệ phí".to_owned(),
        requested_by: "ketoan01".to_owned(),
        paid_at: paid.paid_at.expect("paid"),
        created_at: order.created_at,
        refund_reference: reference.to_owned(),
    }
}

/// Partial refunds up to the amount paid are accepted, one more is refused, and the sandbox
/// records them.
pub async fn partial_refunds_are_accepted_up_to_the_amount_paid(kind: GatewayKind) {
    let w = world(kind).await;
    let order = w.order();
    let returned = w.start_and_pay(&order, Choice::Card(APPROVED)).await;
    let paid = w.gateway.read_callback(&returned, b"").expect("valid");
    let first = w
        .gateway
        .refund(&refund_order(&paid, &order, 50_000, false, "HT1"))
        .await
        .expect("an answer");
    assert!(first.accepted, "{first:?}");
    assert_eq!(first.refund_reference, "HT1");
    assert!(first.gateway_transaction.is_some());
    let rest = w
        .gateway
        .refund(&refund_order(&paid, &order, 100_000, false, "HT2"))
        .await
        .expect("an answer");
    assert!(rest.accepted, "{rest:?}");
    let too_much = w
        .gateway
        .refund(&refund_order(&paid, &order, 1_000, false, "HT3"))
        .await
        .expect("an answer");
    assert!(!too_much.accepted, "{too_much:?}");
    let recorded = w.recorded(&order.reference).await;
    assert_eq!(recorded["refunds"].as_array().map(Vec::len), Some(2));
}

/// A full refund of a paid transaction is accepted once; the same refund reference again
/// refunds nothing more.
pub async fn a_full_refund_is_made_once(kind: GatewayKind) {
    let w = world(kind).await;
    let order = w.order();
    let returned = w.start_and_pay(&order, Choice::Card(APPROVED)).await;
    let paid = w.gateway.read_callback(&returned, b"").expect("valid");
    let refund = refund_order(&paid, &order, 150_000, true, "HTFULL");
    let first = w.gateway.refund(&refund).await.expect("an answer");
    assert!(first.accepted, "{first:?}");
    let again = w.gateway.refund(&refund).await.expect("an answer");
    // PayGov repeats its first answer; VNPay refuses the repeated request id (94).
    match kind {
        GatewayKind::PayGov => assert_eq!(again, first),
        GatewayKind::VnPay => assert!(!again.accepted && again.code == "94", "{again:?}"),
    }
    let recorded = w.recorded(&order.reference).await;
    assert_eq!(recorded["refunds"].as_array().map(Vec::len), Some(1));
}

/// A transaction that was not paid cannot be refunded.
pub async fn an_unpaid_transaction_cannot_be_refunded(kind: GatewayKind) {
    let w = world(kind).await;
    let order = w.order();
    let returned = w
        .start_and_pay(&order, Choice::Card(INSUFFICIENT_FUNDS))
        .await;
    let failed = w.gateway.read_callback(&returned, b"").expect("valid");
    let refund = RefundOrder {
        paid_at: order.created_at,
        ..refund_order(
            &GatewayReport {
                paid_at: Some(order.created_at),
                ..failed
            },
            &order,
            150_000,
            true,
            "HTX",
        )
    };
    let answer = w.gateway.refund(&refund).await.expect("an answer");
    assert!(!answer.accepted, "{answer:?}");
}

/// A client whose secret differs from the gateway's gets a bad-signature error, not a payment.
pub async fn a_wrong_secret_is_a_bad_signature(kind: GatewayKind) {
    let w = world_with_secret(kind, "not-the-secret").await;
    let order = w.order();
    let result = match kind {
        GatewayKind::PayGov => w.gateway.start(&order).await.map(|_| ()),
        GatewayKind::VnPay => w.gateway.query(&World::query_of(&order)).await.map(|_| ()),
    };
    assert_eq!(result, Err(PaymentError::BadSignature));
}
