//! The platform refusing motcua: a configuration problem, reported as such at once, without
//! retries and without opening the circuit.

use integrations::resilience::CircuitState;

use super::*;

#[tokio::test]
async fn a_wrong_client_secret_is_a_credentials_error_without_retries() {
    let sandbox = sandbox().await;
    let registry = HttpRegistry::new(HttpRegistryConfig {
        credentials: Credentials::Client {
            id: sandbox.client_id().to_owned(),
            secret: "not-the-secret".into(),
        },
        ..config(&sandbox)
    })
    .expect("a valid configuration");
    for _ in 0..4 {
        assert_eq!(
            look_up(&registry, &query(&citizen())).await,
            Err(RegistryError::Credentials)
        );
    }
    assert_eq!(
        counters(&sandbox).await,
        (0, 4),
        "one token request per look-up, no look-up"
    );
    assert_eq!(
        registry.circuit(),
        CircuitState::Closed,
        "the platform is up"
    );
}

#[tokio::test]
async fn a_long_lived_token_the_platform_does_not_know_is_a_credentials_error() {
    let sandbox = sandbox().await;
    let registry = HttpRegistry::new(HttpRegistryConfig {
        credentials: Credentials::Token("made-up".into()),
        ..config(&sandbox)
    })
    .expect("a valid configuration");
    assert_eq!(
        look_up(&registry, &query(&citizen())).await,
        Err(RegistryError::Credentials)
    );
    assert_eq!(counters(&sandbox).await, (1, 0));
}

#[tokio::test]
async fn a_revoked_token_is_replaced_once_and_the_look_up_goes_through() {
    let sandbox = sandbox().await;
    let registry = client(&sandbox);
    let c = citizen();
    assert!(matches!(
        look_up(&registry, &query(&c)).await,
        Ok(LookupOutcome::Verified(_))
    ));
    assert!(matches!(
        look_up(&registry, &query(&c)).await,
        Ok(LookupOutcome::Verified(_))
    ));
    assert_eq!(counters(&sandbox).await, (2, 1), "the token is reused");
    control(&sandbox, "revoke-tokens").await;
    assert!(matches!(
        look_up(&registry, &query(&c)).await,
        Ok(LookupOutcome::Verified(_))
    ));
    assert_eq!(
        counters(&sandbox).await,
        (4, 2),
        "refused once, new token, asked again"
    );
}
