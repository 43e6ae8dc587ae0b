//! The PayGov and VNPay clients against the sandbox's simulated gateways over real HTTP: a
//! browser's journey through the payment page (posted as a browser would), the callback
//! received by a small merchant server standing in for motcua, the browser's return, queries,
//! refunds, and the ways callbacks and gateways go wrong. Every scenario runs for both gateways
//! (modules [`paygov`] and [`vnpay`]); timeouts and cool-downs are short so the file runs in
//! seconds.

mod paygov;
mod resilience;
mod scenarios;
mod vnpay;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use integrations::payment::{
    CallbackAck, CallbackError, GatewayKind, PayGov, PayGovConfig, PaymentGateway, PaymentOrder,
    PaymentQuery, VnPay, VnPayConfig,
};
use integrations::resilience::{BreakerConfig, RetryPolicy};
use sandbox::Sandbox;
use time::OffsetDateTime;
use tokio::sync::{Mutex, mpsc};

/// A callback as the merchant server received it.
#[derive(Debug, Clone)]
struct Received {
    query: String,
    body: Vec<u8>,
}

/// motcua's side: receives callbacks, answers them as motcua will (read, then acknowledge).
struct Merchant {
    paygov: PayGov,
    vnpay: VnPay,
    sender: mpsc::UnboundedSender<Received>,
}

async fn answer(gateway: &dyn PaymentGateway, received: &Received) -> axum::response::Response {
    let ack = match gateway.read_callback(&received.query, &received.body) {
        Ok(_) => CallbackAck::Accepted,
        Err(CallbackError::BadSignature) => CallbackAck::BadSignature,
        Err(CallbackError::Malformed(_)) => CallbackAck::Malformed,
    };
    let reply = gateway.acknowledge(ack);
    (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [("content-type", reply.content_type)],
        reply.body,
    )
        .into_response()
}

async fn paygov_callback(
    State(m): State<Arc<Merchant>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> axum::response::Response {
    let received = Received {
        query: query.unwrap_or_default(),
        body: body.to_vec(),
    };
    let reply = answer(&m.paygov, &received).await;
    let _ = m.sender.send(received);
    reply
}

async fn vnpay_ipn(
    State(m): State<Arc<Merchant>>,
    RawQuery(query): RawQuery,
) -> axum::response::Response {
    let received = Received {
        query: query.unwrap_or_default(),
        body: Vec::new(),
    };
    let reply = answer(&m.vnpay, &received).await;
    let _ = m.sender.send(received);
    reply
}

/// A gateway client, the sandbox behind it and the merchant server receiving its callbacks.
struct World {
    kind: GatewayKind,
    sandbox: Sandbox,
    gateway: Arc<dyn PaymentGateway>,
    callbacks: Mutex<mpsc::UnboundedReceiver<Received>>,
    merchant_url: String,
    browser: reqwest::Client,
}

const PAYGOV_SECRET: &str = "sandbox-paygov-secret";
const VNPAY_SECRET: &str = "sandbox-vnpay-secret";

/// Short patience: 1 s per exchange, two attempts for queries, a breaker opening after three
/// failures for 400 ms.
fn patience() -> (u64, RetryPolicy, BreakerConfig) {
    (
        1_000,
        RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(40),
        },
        BreakerConfig {
            failure_threshold: 3,
            cool_down: Duration::from_millis(400),
        },
    )
}

fn paygov_client(endpoint: &str, secret: &str) -> PayGov {
    let (timeout_ms, retry, breaker) = patience();
    PayGov::new(PayGovConfig {
        timeout_ms,
        retry,
        breaker,
        ..PayGovConfig::new(endpoint, "MOTCUA01", secret)
    })
    .expect("a valid configuration")
}

fn vnpay_client(payment_url: &str, api_url: &str, secret: &str) -> VnPay {
    let (timeout_ms, retry, breaker) = patience();
    VnPay::new(VnPayConfig {
        timeout_ms,
        retry,
        breaker,
        ..VnPayConfig::new(payment_url, api_url, "MOTCUA01", secret)
    })
    .expect("a valid configuration")
}

/// A sandbox whose callbacks go to a fresh merchant server, and a client of `kind` for it.
async fn world(kind: GatewayKind) -> World {
    world_with_secret(
        kind,
        match kind {
            GatewayKind::PayGov => PAYGOV_SECRET,
            GatewayKind::VnPay => VNPAY_SECRET,
        },
    )
    .await
}

async fn world_with_secret(kind: GatewayKind, secret: &str) -> World {
    let (sender, receiver) = mpsc::unbounded_channel();
    let merchant = Arc::new(Merchant {
        paygov: paygov_client("http://127.0.0.1:9", PAYGOV_SECRET),
        vnpay: vnpay_client("http://127.0.0.1:9", "http://127.0.0.1:9", VNPAY_SECRET),
        sender,
    });
    let app = Router::new()
        .route("/payments/paygov/callback", post(paygov_callback))
        .route("/payments/vnpay/callback", get(vnpay_ipn))
        .with_state(merchant);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let merchant_url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let sandbox = sandbox::spawn_with(
        "127.0.0.1:0".parse().expect("an address"),
        sandbox::Options {
            vnpay_ipn_url: format!("{merchant_url}/payments/vnpay/callback"),
            ..sandbox::Options::default()
        },
    )
    .await
    .expect("the sandbox starts");
    let gateway: Arc<dyn PaymentGateway> = match kind {
        GatewayKind::PayGov => Arc::new(paygov_client(&sandbox.paygov_endpoint(), secret)),
        GatewayKind::VnPay => Arc::new(vnpay_client(
            &sandbox.vnpay_payment_url(),
            &sandbox.vnpay_api_url(),
            secret,
        )),
    };
    World {
        kind,
        sandbox,
        gateway,
        callbacks: Mutex::new(receiver),
        merchant_url,
        browser: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client"),
    }
}

/// What the payer does on the payment page.
#[derive(Debug, Clone, Copy)]
enum Choice {
    Card(&'static str),
    Cancel,
}

const APPROVED: &str = sandbox::payment::TEST_CARDS[0].number;
const INSUFFICIENT_FUNDS: &str = sandbox::payment::TEST_CARDS[1].number;
const EXPIRED: &str = sandbox::payment::TEST_CARDS[2].number;

impl World {
    /// A new order of 150,000 đồng with a unique reference, opened now.
    fn order(&self) -> PaymentOrder {
        let now = OffsetDateTime::now_utc();
        let reference = format!("HS{}", uuid::Uuid::new_v4().simple())[..20].to_uppercase();
        PaymentOrder {
            reference,
            amount_vnd: 150_000,
            description: "Lệ phí đăng ký khai sinh".to_owned(),
            dossier_code: "000.00.15.H27-260309-0001".to_owned(),
            procedure_code: "1.001193".to_owned(),
            agency_code: "000.00.15.H27".to_owned(),
            payer_name: "Nguyễn Văn An".to_owned(),
            payer_ip: "203.0.113.7".to_owned(),
            return_url: format!("{}/payments/return", self.merchant_url),
            callback_url: format!("{}/payments/paygov/callback", self.merchant_url),
            created_at: now.replace_nanosecond(0).unwrap_or(now),
            language: "vi".to_owned(),
        }
    }

    fn query_of(order: &PaymentOrder) -> PaymentQuery {
        PaymentQuery {
            reference: order.reference.clone(),
            created_at: order.created_at,
            payer_ip: order.payer_ip.clone(),
        }
    }

    /// Opens the page at `url` as a browser, checks it lists the test cards, and posts the
    /// payer's choice; returns the query string of the return URL the browser is sent to.
    async fn pay_at(&self, url: &str, choice: Choice) -> String {
        let page = self
            .browser
            .get(url)
            .send()
            .await
            .expect("the page answers");
        assert_eq!(page.status(), reqwest::StatusCode::OK);
        let html = page.text().await.expect("HTML");
        for card in sandbox::payment::TEST_CARDS {
            assert!(html.contains(card.number), "the page lists {}", card.number);
        }
        let action = html
            .split("<form method=\"post\" action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a form");
        let form: Vec<(&str, &str)> = match choice {
            Choice::Card(number) => vec![("card", number), ("action", "pay")],
            Choice::Cancel => vec![("card", APPROVED), ("action", "cancel")],
        };
        let posted = self
            .browser
            .post(format!("{}{action}", self.sandbox.url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form)
                    .finish(),
            )
            .send()
            .await
            .expect("the form is posted");
        assert_eq!(posted.status(), reqwest::StatusCode::SEE_OTHER);
        let location = posted
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("a Location")
            .to_owned();
        let return_url = format!("{}/payments/return?", self.merchant_url);
        assert!(location.starts_with(&return_url), "{location}");
        location[return_url.len()..].to_owned()
    }

    /// Starts `order` and pays it with `choice`; the return's query string.
    async fn start_and_pay(&self, order: &PaymentOrder, choice: Choice) -> String {
        let started = self
            .gateway
            .start(order)
            .await
            .expect("the transaction opens");
        self.pay_at(&started.redirect_url, choice).await
    }

    /// The next callback received within `wait`, if any.
    async fn callback_within(&self, wait: Duration) -> Option<Received> {
        let mut callbacks = self.callbacks.lock().await;
        tokio::time::timeout(wait, callbacks.recv())
            .await
            .ok()
            .flatten()
    }

    async fn callback(&self) -> Received {
        self.callback_within(Duration::from_secs(5))
            .await
            .expect("a callback within 5 s")
    }

    /// Flips a payment switch of the sandbox, e.g. `callbacks?mode=lost` or `down`.
    async fn control(&self, switch: &str) {
        let response = reqwest::Client::new()
            .post(format!("{}/_sandbox/payments/{switch}", self.sandbox.url()))
            .send()
            .await
            .expect("the control endpoint answers");
        assert!(response.status().is_success(), "{switch}");
    }

    /// The sandbox's record of a transaction.
    async fn recorded(&self, reference: &str) -> serde_json::Value {
        reqwest::get(format!(
            "{}/_sandbox/payments/{}/{reference}",
            self.sandbox.url(),
            self.kind.as_str()
        ))
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON")
    }

    /// How many API calls the sandbox received.
    async fn api_calls(&self) -> u64 {
        let overview: serde_json::Value =
            reqwest::get(format!("{}/_sandbox/payments", self.sandbox.url()))
                .await
                .expect("an answer")
                .json()
                .await
                .expect("JSON");
        overview["state"]["api_calls"].as_u64().expect("a count")
    }
}
