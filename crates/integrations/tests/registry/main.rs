//! The population registry client against the sandbox's simulated platform, over real HTTP on
//! a free local port: the answers a look-up can get, and how the client behaves when the
//! platform is slow, down or refuses it. Timeouts and cool-downs are a few hundred
//! milliseconds so the whole file runs in seconds.

mod credentials;
mod lookups;
mod resilience;

use std::time::Duration;

use domain::identity::PersonalId;
use integrations::registry::{
    Credentials, HttpRegistry, HttpRegistryConfig, LookupOutcome, LookupQuery, PopulationRegistry,
    RegistryError,
};
use integrations::resilience::{BreakerConfig, RetryPolicy};
use sandbox::Sandbox;
use sandbox::population::Citizen;

/// A sandbox on a free port.
async fn sandbox() -> Sandbox {
    sandbox::spawn("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts")
}

/// The client configuration the tests start from: the sandbox's credentials, 300 ms per
/// exchange, two attempts, a breaker opening after three failures for 400 ms.
fn config(sandbox: &Sandbox) -> HttpRegistryConfig {
    HttpRegistryConfig {
        timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(40),
        },
        breaker: BreakerConfig {
            failure_threshold: 3,
            cool_down: Duration::from_millis(400),
        },
        ..HttpRegistryConfig::new(
            sandbox.url(),
            Credentials::Client {
                id: sandbox.client_id().to_owned(),
                secret: sandbox.client_secret().into(),
            },
        )
    }
}

fn client(sandbox: &Sandbox) -> HttpRegistry {
    HttpRegistry::new(config(sandbox)).expect("a valid configuration")
}

/// A citizen of the synthetic population (the 40th).
fn citizen() -> Citizen {
    sandbox::population::citizens(10, 40)
        .pop()
        .expect("the population is not empty")
}

/// The query that matches `c` exactly.
fn query(c: &Citizen) -> LookupQuery {
    LookupQuery::new(c.personal_id.clone(), &c.full_name, c.birth_date)
}

async fn look_up(
    registry: &HttpRegistry,
    query: &LookupQuery,
) -> Result<LookupOutcome, RegistryError> {
    // Through the trait object, as the web layer will hold it.
    let registry: &dyn PopulationRegistry = registry;
    registry.look_up(query).await
}

/// Flips a sandbox switch: `delay?ms=N`, `down`, `up`, `revoke-tokens`.
async fn control(sandbox: &Sandbox, switch: &str) {
    let response = reqwest::Client::new()
        .post(format!("{}/_sandbox/registry/{switch}", sandbox.url()))
        .send()
        .await
        .expect("the control endpoint answers");
    assert!(
        response.status().is_success(),
        "{switch}: {}",
        response.status()
    );
}

/// The sandbox's counters: (look-ups received, token requests received).
async fn counters(sandbox: &Sandbox) -> (u64, u64) {
    let overview: serde_json::Value = reqwest::get(format!("{}/_sandbox", sandbox.url()))
        .await
        .expect("the overview answers")
        .json()
        .await
        .expect("JSON");
    let state = &overview["registry"]["state"];
    (
        state["lookups"].as_u64().expect("a count"),
        state["token_requests"].as_u64().expect("a count"),
    )
}

fn id(text: &str) -> PersonalId {
    PersonalId::parse(text).expect("a valid number")
}
