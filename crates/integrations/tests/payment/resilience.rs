//! A gateway that is down or unreachable: a quick "unavailable", retries only for queries, and
//! the circuit breaker sparing the gateway once it has failed enough.

use std::time::Instant;

use integrations::payment::{GatewayKind, PaymentError};
use integrations::resilience::CircuitState;

use super::*;

#[tokio::test]
async fn a_paygov_platform_that_is_down_is_unavailable_and_then_held_back_by_the_breaker() {
    let w = world(GatewayKind::PayGov).await;
    let client = paygov_client(&w.sandbox.paygov_endpoint(), PAYGOV_SECRET);
    w.control("down").await;
    let order = w.order();
    // A query is tried twice (two failures); an INIT once (the third opens the breaker).
    assert_eq!(
        client.query(&World::query_of(&order)).await,
        Err(PaymentError::Unavailable("HTTP 503".to_owned()))
    );
    assert_eq!(w.api_calls().await, 2);
    assert!(matches!(
        client.start(&order).await,
        Err(PaymentError::Unavailable(_))
    ));
    assert_eq!(w.api_calls().await, 3);
    assert!(matches!(client.circuit(), CircuitState::Open { .. }));

    // Held back: no call reaches the platform, and the answer is immediate.
    let started = Instant::now();
    let held = client.query(&World::query_of(&order)).await;
    assert!(
        matches!(&held, Err(PaymentError::Unavailable(m)) if m.contains("held back")),
        "{held:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(50));
    assert_eq!(w.api_calls().await, 3);

    // Back up and after the cool-down, a trial closes the breaker.
    w.control("up").await;
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(client.start(&order).await.is_ok());
    assert_eq!(client.circuit(), CircuitState::Closed);
}

#[tokio::test]
async fn a_vnpay_api_that_is_down_makes_querydr_unavailable_after_two_attempts() {
    let w = world(GatewayKind::VnPay).await;
    w.control("down").await;
    let result = w.gateway.query(&World::query_of(&w.order())).await;
    assert_eq!(
        result,
        Err(PaymentError::Unavailable("HTTP 503".to_owned()))
    );
    assert!(result.as_ref().is_err_and(PaymentError::retryable));
    assert_eq!(w.api_calls().await, 2);
}

#[tokio::test]
async fn an_unreachable_gateway_is_unavailable_quickly() {
    // A port nobody listens on: the connection is refused at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("an address").port();
    drop(listener);
    let client = vnpay_client(
        &format!("http://127.0.0.1:{port}/paymentv2/vpcpay.html"),
        &format!("http://127.0.0.1:{port}/merchant_webapi/api/transaction"),
        VNPAY_SECRET,
    );
    let query = PaymentQuery {
        reference: "HS1".to_owned(),
        created_at: OffsetDateTime::now_utc(),
        payer_ip: "127.0.0.1".to_owned(),
    };
    let started = Instant::now();
    for _ in 0..3 {
        assert!(matches!(
            client.query(&query).await,
            Err(PaymentError::Unavailable(_))
        ));
    }
    assert!(matches!(client.circuit(), CircuitState::Open { .. }));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
