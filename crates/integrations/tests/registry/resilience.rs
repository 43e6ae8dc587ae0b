//! A slow or absent platform: bounded retries, a timeout error, the circuit opening and closing
//! again after the cool-down.

use std::time::Duration;

use integrations::resilience::CircuitState;

use super::*;

#[tokio::test]
async fn a_platform_slower_than_the_client_timeout_gives_a_timeout_after_the_bounded_retries() {
    let sandbox = sandbox().await;
    let registry = client(&sandbox);
    let c = citizen();
    // A first look-up while the platform is quick, so the token is already held.
    assert!(matches!(
        look_up(&registry, &query(&c)).await,
        Ok(LookupOutcome::Verified(_))
    ));
    control(&sandbox, "delay?ms=1500").await;
    let started = std::time::Instant::now();
    assert_eq!(
        look_up(&registry, &query(&c)).await,
        Err(RegistryError::Timeout {
            after: Duration::from_millis(300)
        })
    );
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1200), "gave up after {took:?}");
    assert_eq!(counters(&sandbox).await.0, 1 + 2, "two attempts");
}

#[tokio::test]
async fn a_platform_that_is_down_is_unavailable_after_the_bounded_retries() {
    let sandbox = sandbox().await;
    control(&sandbox, "down").await;
    let registry = client(&sandbox);
    let outcome = look_up(&registry, &query(&citizen())).await;
    assert!(
        matches!(&outcome, Err(RegistryError::Unavailable { detail }) if detail == "HTTP 503"),
        "{outcome:?}"
    );
    assert_eq!(
        counters(&sandbox).await,
        (0, 2),
        "two token attempts, no more"
    );
}

#[tokio::test]
async fn a_platform_down_then_back_opens_the_circuit_then_closes_it_after_the_cool_down() {
    let sandbox = sandbox().await;
    let registry = client(&sandbox);
    let c = citizen();
    assert!(matches!(
        look_up(&registry, &query(&c)).await,
        Ok(LookupOutcome::Verified(_))
    ));
    control(&sandbox, "down").await;

    // Two failed attempts, then a third failure opens the breaker (threshold 3).
    assert!(matches!(
        look_up(&registry, &query(&c)).await,
        Err(RegistryError::Unavailable { .. })
    ));
    let second = look_up(&registry, &query(&c)).await;
    assert!(
        matches!(second, Err(RegistryError::CircuitOpen { .. })),
        "{second:?}"
    );
    assert!(matches!(registry.circuit(), CircuitState::Open { .. }));
    let (lookups_when_opened, _) = counters(&sandbox).await;
    assert_eq!(lookups_when_opened, 1 + 3);

    // While open, calls fail at once and never reach the platform, even once it is back.
    control(&sandbox, "up").await;
    let started = std::time::Instant::now();
    let held = look_up(&registry, &query(&c)).await;
    assert!(
        matches!(held, Err(RegistryError::CircuitOpen { retry_in }) if retry_in <= Duration::from_millis(400)),
        "{held:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(100));
    assert_eq!(counters(&sandbox).await.0, lookups_when_opened);

    // After the cool-down a trial goes through, succeeds and closes the circuit.
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(registry.circuit(), CircuitState::HalfOpen);
    assert!(matches!(
        look_up(&registry, &query(&c)).await,
        Ok(LookupOutcome::Verified(_))
    ));
    assert_eq!(registry.circuit(), CircuitState::Closed);
    assert_eq!(counters(&sandbox).await.0, lookups_when_opened + 1);
}
