//! The scenarios against the simulated VNPay gateway (2.1.0).

use integrations::payment::{GatewayKind, GatewayOutcome};

use super::*;

const KIND: GatewayKind = GatewayKind::VnPay;

#[tokio::test]
async fn an_approved_card_is_paid_by_return_ipn_and_querydr() {
    scenarios::an_approved_card_is_paid_by_return_callback_and_query(KIND).await;
}

#[tokio::test]
async fn a_card_without_funds_fails_with_code_51_and_querydr_status_02() {
    scenarios::a_declined_card_fails(KIND, INSUFFICIENT_FUNDS, "51", "02").await;
}

#[tokio::test]
async fn an_expired_card_fails_with_code_99_and_querydr_status_02() {
    scenarios::a_declined_card_fails(KIND, EXPIRED, "99", "02").await;
}

#[tokio::test]
async fn a_cancelled_payment_is_cancelled_in_ipn_and_return_and_failed_in_querydr() {
    // querydr does not tell a cancellation from another failure.
    scenarios::a_cancelled_payment_is_cancelled(
        KIND,
        |o| matches!(o, GatewayOutcome::Failed { code, .. } if code == "02"),
    )
    .await;
}

#[tokio::test]
async fn a_duplicated_ipn_arrives_twice_with_identical_reports() {
    scenarios::a_duplicated_callback_arrives_twice_with_identical_reports(KIND).await;
}

#[tokio::test]
async fn a_lost_ipn_leaves_querydr_saying_paid() {
    scenarios::a_lost_callback_leaves_the_query_saying_paid(KIND).await;
}

#[tokio::test]
async fn a_delayed_ipn_comes_after_its_delay_and_agrees_with_querydr() {
    scenarios::a_delayed_callback_comes_after_its_delay(KIND).await;
}

#[tokio::test]
async fn an_ipn_with_a_corrupted_hash_is_a_bad_signature() {
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
async fn a_wrong_hash_secret_makes_querydr_a_bad_signature() {
    scenarios::a_wrong_secret_is_a_bad_signature(KIND).await;
}

#[tokio::test]
async fn a_transaction_is_unknown_until_the_browser_reaches_the_page_then_pending() {
    let w = world(KIND).await;
    let order = w.order();
    let started = w.gateway.start(&order).await.expect("a URL");
    assert_eq!(started.gateway_transaction, None);
    let before = w
        .gateway
        .query(&World::query_of(&order))
        .await
        .expect("an answer");
    assert_eq!(before.outcome, GatewayOutcome::NotFound);
    let page = w
        .browser
        .get(&started.redirect_url)
        .send()
        .await
        .expect("the page");
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let after = w
        .gateway
        .query(&World::query_of(&order))
        .await
        .expect("an answer");
    assert_eq!(after.outcome, GatewayOutcome::Pending);
    assert_eq!(after.amount_vnd, order.amount_vnd);
}

#[tokio::test]
async fn a_payment_url_altered_by_the_browser_is_refused_by_the_gateway() {
    let w = world(KIND).await;
    let started = w.gateway.start(&w.order()).await.expect("a URL");
    let altered = started
        .redirect_url
        .replace("vnp_Amount=15000000", "vnp_Amount=100");
    let page = w.browser.get(&altered).send().await.expect("an answer");
    assert_eq!(page.status(), reqwest::StatusCode::BAD_REQUEST);
}
