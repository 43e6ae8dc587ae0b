//! The scenarios against the simulated national payment platform (PayGov).

use integrations::payment::{GatewayKind, GatewayOutcome};

use super::*;

const KIND: GatewayKind = GatewayKind::PayGov;

#[tokio::test]
async fn an_approved_card_is_paid_by_return_callback_and_query() {
    scenarios::an_approved_card_is_paid_by_return_callback_and_query(KIND).await;
}

#[tokio::test]
async fn a_card_without_funds_fails_with_code_51_in_callback_and_query() {
    scenarios::a_declined_card_fails(KIND, INSUFFICIENT_FUNDS, "51", "51").await;
}

#[tokio::test]
async fn an_expired_card_fails_with_code_54_in_callback_and_query() {
    scenarios::a_declined_card_fails(KIND, EXPIRED, "54", "54").await;
}

#[tokio::test]
async fn a_cancelled_payment_is_cancelled_in_callback_return_and_query() {
    scenarios::a_cancelled_payment_is_cancelled(KIND, |o| *o == GatewayOutcome::Cancelled).await;
}

#[tokio::test]
async fn a_duplicated_callback_arrives_twice_with_identical_reports() {
    scenarios::a_duplicated_callback_arrives_twice_with_identical_reports(KIND).await;
}

#[tokio::test]
async fn a_lost_callback_leaves_the_query_saying_paid() {
    scenarios::a_lost_callback_leaves_the_query_saying_paid(KIND).await;
}

#[tokio::test]
async fn a_delayed_callback_comes_after_its_delay_and_agrees_with_the_query() {
    scenarios::a_delayed_callback_comes_after_its_delay(KIND).await;
}

#[tokio::test]
async fn a_callback_with_a_corrupted_checksum_is_a_bad_signature() {
    scenarios::a_callback_with_a_corrupted_checksum_is_a_bad_signature(KIND).await;
}

#[tokio::test]
async fn partial_refunds_are_accepted_up_to_the_amount_paid() {
    scenarios::partial_refunds_are_accepted_up_to_the_amount_paid(KIND).await;
}

#[tokio::test]
async fn a_full_refund_asked_twice_with_one_reference_is_made_once() {
    scenarios::a_full_refund_is_made_once(KIND).await;
}

#[tokio::test]
async fn an_unpaid_transaction_cannot_be_refunded() {
    scenarios::an_unpaid_transaction_cannot_be_refunded(KIND).await;
}

#[tokio::test]
async fn a_wrong_secret_makes_the_init_a_bad_signature() {
    scenarios::a_wrong_secret_is_a_bad_signature(KIND).await;
}

#[tokio::test]
async fn an_opened_transaction_is_pending_and_an_unknown_one_not_found() {
    let w = world(KIND).await;
    let order = w.order();
    let started = w.gateway.start(&order).await.expect("opened");
    assert!(started.gateway_transaction.is_some());
    let pending = w
        .gateway
        .query(&World::query_of(&order))
        .await
        .expect("an answer");
    assert_eq!(pending.outcome, GatewayOutcome::Pending);
    let unknown = w.order();
    let answer = w
        .gateway
        .query(&World::query_of(&unknown))
        .await
        .expect("an answer");
    assert_eq!(answer.outcome, GatewayOutcome::NotFound);
    // The same reference cannot be opened twice.
    assert!(matches!(
        w.gateway.start(&order).await,
        Err(integrations::payment::PaymentError::Rejected { code, .. }) if code == "4"
    ));
}
