//! Webhooks to connected systems over real sockets, through the production sender: a receiver
//! on 127.0.0.1 gets each change of its unit's dossiers once, signed; with the
//! receiver failing the events wait and come when it answers; 410 Gone removes the endpoint; a
//! replay comes with the same webhook-id; a client without a key in force for
//! `receive_events`, or another unit's client, gets nothing; and private addresses are refused
//! unless the deployment allows them.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use app::App;
use app::webhooks::Webhooks;
use axum::http::{HeaderMap, StatusCode};
use domain::access::Scope;
use domain::dossier::{Actor, OfficerRole};
use domain::webhook::EventFilter;
use integrations::webhook::{AddressPolicy, HttpWebhookSender, WebhookConfig};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

mod support;

use support::{application, commune_procedure, walk_in};

/// What the receiver got: the three Standard Webhooks headers and the body.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// A receiver on a real socket answering with the status it is told.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    answer: Arc<AtomicU16>,
    body: Arc<Mutex<String>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let got = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(AtomicU16::new(200));
        let body = Arc::new(Mutex::new("thanks".to_owned()));
        let (got_in, answer_in, body_in) = (got.clone(), answer.clone(), body.clone());
        let app = axum::Router::new().route(
            "/events",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (got, answer, text) = (got_in.clone(), answer_in.clone(), body_in.clone());
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    got.lock().expect("lock").push(Received {
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body,
                    });
                    let status = StatusCode::from_u16(answer.load(Ordering::SeqCst))
                        .unwrap_or(StatusCode::OK);
                    let text = text.lock().expect("lock").clone();
                    (status, text)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/events", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url,
            got,
            answer,
            body,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    fn answer(&self, status: u16) {
        self.answer.store(status, Ordering::SeqCst);
    }

    fn answer_with(&self, status: u16, body: &str) {
        self.answer(status);
        *self.body.lock().expect("lock") = body.to_owned();
    }
}

/// The app sending webhooks with the production sender, private addresses allowed (the
/// receiver is on loopback).
fn sending(mut app: App) -> App {
    let policy = AddressPolicy {
        allow_private: true,
    };
    app.webhooks = Webhooks {
        sender: Some(Arc::new(
            HttpWebhookSender::new(WebhookConfig {
                policy,
                timeout: std::time::Duration::from_secs(5),
                ..WebhookConfig::default()
            })
            .expect("sender"),
        )),
        policy,
        ..Webhooks::default()
    };
    app
}

/// A client of `unit` (province-wide when `None`) with a key of `scopes`.
async fn client(app: &App, unit: &str, scopes: &[Scope]) -> Uuid {
    let id = app::api_keys::register_client(&app.db, "Hệ thống hộ tịch", unit, "test")
        .await
        .expect("client");
    app::api_keys::issue(&app.db, id, scopes, None)
        .await
        .expect("key");
    id
}

fn reception(unit: &str) -> Actor {
    Actor::Officer {
        officer_id: "r1".into(),
        role: OfficerRole::Reception,
        unit: unit.into(),
    }
}

/// Writes and sends what is due, as if it were `at` (or now, when that is later: what was just
/// written is due).
async fn deliver(app: &App, at: OffsetDateTime) -> app::outbox::Round {
    app::webhooks::fan_out_due_as(app, "test")
        .await
        .expect("fan out");
    let at = at.max(OffsetDateTime::now_utc());
    app::outbox::deliver_due_at(app, "test", at)
        .await
        .expect("deliver")
}

fn body(received: &Received) -> Value {
    serde_json::from_str(&received.body).expect("JSON body")
}

#[tokio::test]
async fn each_change_of_the_units_dossiers_reaches_the_receiver_once_and_signed() {
    let (_db, app) = application().await;
    let app = sending(app);
    let procedure = commune_procedure(&app);
    let unit = procedure.agencies[0].clone();
    let receiver = Receiver::start().await;
    let id = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    let registered = app::webhooks::register(&app, id, &receiver.url, EventFilter::all(), "test")
        .await
        .expect("registered");
    assert!(registered.secret.starts_with("whsec_"));

    let view = walk_in(
        &app,
        &procedure,
        &reception(&unit),
        1,
        OffsetDateTime::now_utc(),
        None,
    )
    .await;
    let round = deliver(&app, OffsetDateTime::now_utc()).await;
    assert_eq!(round.delivered, 1, "{round:?}");
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    let event = body(&got[0]);
    assert_eq!(event["type"], "dossier.changed");
    assert_eq!(event["data"]["code"], view.stored.code.as_str());
    assert_eq!(event["data"]["unit"], unit.as_str());
    assert_eq!(event["data"]["status"], view.state.status.as_str());
    assert!(
        event["data"]["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c == "accepted")
    );
    // No personal data travels: the name and the personal ID stay behind the API.
    assert!(!got[0].body.contains("Lê Văn"));
    assert!(!got[0].body.contains("0010900"));
    // Signed as the specification says, with the secret shown at registration.
    let timestamp: i64 = got[0].timestamp.parse().expect("Unix seconds");
    assert!((OffsetDateTime::now_utc().unix_timestamp() - timestamp).abs() < 60);
    let expected =
        integrations::webhook::sign(&registered.secret, &got[0].id, timestamp, &got[0].body)
            .expect("sign");
    assert_eq!(got[0].signature, expected);

    // Recorded with the receiver's answer, and nothing more to send.
    let listed = app::webhooks::deliveries(&app, id, registered.endpoint.id, 1, 10)
        .await
        .expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, "delivered");
    assert_eq!(listed[0].response_status, Some(200));
    assert_eq!(listed[0].response_body.as_deref(), Some("thanks"));
    assert_eq!(got[0].id, format!("msg_{}", listed[0].id.simple()));
    assert_eq!(
        deliver(&app, OffsetDateTime::now_utc()).await,
        app::outbox::Round::default()
    );
    assert_eq!(receiver.received().len(), 1, "sent once");
}

#[tokio::test]
async fn a_failing_receiver_gets_the_events_later_with_the_same_ids() {
    let (_db, app) = application().await;
    let app = sending(app);
    let procedure = commune_procedure(&app);
    let unit = procedure.agencies[0].clone();
    let receiver = Receiver::start().await;
    let id = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    let endpoint = app::webhooks::register(&app, id, &receiver.url, EventFilter::all(), "test")
        .await
        .expect("registered")
        .endpoint;
    // An answer no text column takes as it is (PostgreSQL refuses NUL) is kept readable.
    receiver.answer_with(503, "busy\0 try later");
    let now = OffsetDateTime::now_utc();
    let first = walk_in(&app, &procedure, &reception(&unit), 1, now, None).await;
    let round = deliver(&app, now).await;
    assert_eq!(round.postponed, 1, "{round:?}");
    let failed = app::webhooks::deliveries(&app, id, endpoint.id, 1, 10)
        .await
        .expect("listed");
    assert_eq!(failed[0].status, "pending");
    assert_eq!(failed[0].attempts, 1);
    assert_eq!(failed[0].response_status, Some(503));
    assert_eq!(
        failed[0].response_body.as_deref(),
        Some("busy\u{fffd} try later")
    );
    assert!(failed[0].last_error.is_some());

    // A second change of another dossier goes on; the receiver comes back an hour later.
    walk_in(&app, &procedure, &reception(&unit), 2, now, None).await;
    receiver.answer(200);
    let later = now + time::Duration::hours(1);
    let round = deliver(&app, later).await;
    assert_eq!(round.delivered, 2, "{round:?}");
    let got = receiver.received();
    // The failed attempt, then both events (sent together, in either order).
    assert_eq!(got.len(), 3);
    let retried: Vec<&Received> = got[1..].iter().filter(|r| r.id == got[0].id).collect();
    assert_eq!(retried.len(), 1, "a retry carries the same webhook-id");
    assert_eq!(retried[0].body, got[0].body);
    assert_eq!(body(retried[0])["data"]["code"], first.stored.code.as_str());
}

#[tokio::test]
async fn a_receiver_that_answers_gone_has_its_endpoint_removed() {
    let (_db, app) = application().await;
    let app = sending(app);
    let procedure = commune_procedure(&app);
    let unit = procedure.agencies[0].clone();
    let receiver = Receiver::start().await;
    let id = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    let endpoint = app::webhooks::register(&app, id, &receiver.url, EventFilter::all(), "test")
        .await
        .expect("registered")
        .endpoint;
    receiver.answer(410);
    walk_in(
        &app,
        &procedure,
        &reception(&unit),
        1,
        OffsetDateTime::now_utc(),
        None,
    )
    .await;
    let round = deliver(&app, OffsetDateTime::now_utc()).await;
    assert_eq!(round.dead, 1, "{round:?}");
    let now = app::webhooks::endpoint_of(&app, id, endpoint.id)
        .await
        .expect("endpoint");
    assert!(!now.active());
    assert_eq!(now.disabled_by.as_deref(), Some(app::webhooks::GONE));
    // Nothing more is written for it, nor sent.
    walk_in(
        &app,
        &procedure,
        &reception(&unit),
        2,
        OffsetDateTime::now_utc(),
        None,
    )
    .await;
    deliver(&app, OffsetDateTime::now_utc()).await;
    assert_eq!(receiver.received().len(), 1);
    let written = app::webhooks::deliveries(&app, id, endpoint.id, 1, 10)
        .await
        .expect("listed");
    assert_eq!(written.len(), 1);
}

#[tokio::test]
async fn a_replay_sends_a_delivered_event_again_with_the_same_id_and_records_who_asked() {
    let (_db, app) = application().await;
    let app = sending(app);
    let procedure = commune_procedure(&app);
    let unit = procedure.agencies[0].clone();
    let receiver = Receiver::start().await;
    let id = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    let endpoint = app::webhooks::register(&app, id, &receiver.url, EventFilter::all(), "test")
        .await
        .expect("registered")
        .endpoint;
    walk_in(
        &app,
        &procedure,
        &reception(&unit),
        1,
        OffsetDateTime::now_utc(),
        None,
    )
    .await;
    deliver(&app, OffsetDateTime::now_utc()).await;
    let delivery = app::webhooks::deliveries(&app, id, endpoint.id, 1, 10)
        .await
        .expect("listed")[0]
        .clone();

    // Another client cannot replay it, nor see it.
    let other = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    assert!(matches!(
        app::webhooks::replay(&app, other, delivery.id, "api:other").await,
        Err(app::ServiceError::NotFound)
    ));

    app::webhooks::replay(&app, id, delivery.id, "api:client")
        .await
        .expect("replayed");
    assert!(
        matches!(
            app::webhooks::replay(&app, id, delivery.id, "api:client").await,
            Err(app::ServiceError::Refused {
                code: "still_pending",
                ..
            })
        ),
        "a pending delivery is not replayed twice"
    );
    deliver(&app, OffsetDateTime::now_utc()).await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].id, got[1].id);
    assert_eq!(got[0].body, got[1].body);
    let after = app
        .db
        .delivery(delivery.id)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(after.status, "delivered");
    assert_eq!(after.retried_by.as_deref(), Some("api:client"));
}

#[tokio::test]
async fn only_clients_of_the_unit_with_a_key_for_events_and_wanting_the_change_receive_it() {
    let (_db, app) = application().await;
    let app = sending(app);
    let procedure = commune_procedure(&app);
    let unit = procedure.agencies[0].clone();
    let other_unit = app
        .reference
        .get()
        .catalogue
        .agencies
        .iter()
        .map(|a| a.code.clone())
        .find(|c| *c != unit)
        .expect("another agency");
    let receiver = Receiver::start().await;
    let register = |client: Uuid, events: EventFilter| {
        let (app, url) = (&app, receiver.url.clone());
        async move {
            app::webhooks::register(app, client, &url, events, "test")
                .await
                .expect("registered")
        }
    };
    // No key with the scope; another unit; wanting only results; revoked key.
    let without_scope = client(&app, &unit, &[Scope::ReadOwnDossiers]).await;
    register(without_scope, EventFilter::all()).await;
    let elsewhere = client(&app, &other_unit, &[Scope::ReceiveEvents]).await;
    register(elsewhere, EventFilter::all()).await;
    let results_only = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    register(
        results_only,
        EventFilter::parse(["result_ready"]).expect("kind"),
    )
    .await;
    let revoked = app::api_keys::register_client(&app.db, "revoked", &unit, "test")
        .await
        .expect("client");
    let key = app::api_keys::issue(&app.db, revoked, &[Scope::ReceiveEvents], None)
        .await
        .expect("key");
    register(revoked, EventFilter::all()).await;
    app::api_keys::revoke(&app.db, revoked, &key.prefix, "test")
        .await
        .expect("revoked");
    // The one that receives it.
    let receiving = client(&app, &unit, &[Scope::ReceiveEvents]).await;
    let endpoint = register(receiving, EventFilter::parse(["accepted"]).expect("kind"))
        .await
        .endpoint;

    walk_in(
        &app,
        &procedure,
        &reception(&unit),
        1,
        OffsetDateTime::now_utc(),
        None,
    )
    .await;
    let round = deliver(&app, OffsetDateTime::now_utc()).await;
    assert_eq!(round.delivered, 1, "{round:?}");
    let listed = app::webhooks::deliveries(&app, receiving, endpoint.id, 1, 10)
        .await
        .expect("listed");
    assert_eq!(listed.len(), 1);
}

#[tokio::test]
async fn private_and_plain_addresses_are_refused_unless_the_deployment_allows_them() {
    let (_db, app) = application().await;
    let mut app = sending(app);
    app.webhooks.policy = AddressPolicy::default();
    let procedure = commune_procedure(&app);
    let id = client(&app, &procedure.agencies[0], &[Scope::ReceiveEvents]).await;
    for (url, code) in [
        ("http://hooks.example.vn/events", "scheme_not_allowed"),
        ("https://127.0.0.1/events", "forbidden_address"),
        (
            "https://169.254.169.254/latest/meta-data",
            "forbidden_address",
        ),
        ("https://[::1]/events", "forbidden_address"),
        ("https://localhost/events", "forbidden_address"),
        (
            "https://user:pw@hooks.example.vn/events",
            "credentials_in_url",
        ),
        ("hooks.example.vn/events", "not_a_url"),
    ] {
        match app::webhooks::register(&app, id, url, EventFilter::all(), "test").await {
            Err(app::ServiceError::Refused { code: got, .. }) => assert_eq!(got, code, "{url}"),
            other => panic!("{url} was not refused: {other:?}"),
        }
    }
    assert!(
        app::webhooks::endpoints(&app, id)
            .await
            .expect("listed")
            .is_empty()
    );
}
