//! The webhook sender against a small receiver on 127.0.0.1 over real HTTP: what arrives and how
//! it is signed, how each kind of answer (or silence) is judged, and the address checks that
//! keep motcua from calling its own network. Timeouts are short so the file runs in seconds.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{any, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use integrations::notify::SendError;
use integrations::webhook::{
    AddressError, AddressPolicy, EXCERPT_BYTES, HttpWebhookSender, WebhookAttempt, WebhookConfig,
    WebhookRequest, WebhookSender, check_endpoint, check_url, generate_secret, is_forbidden,
};
use sha2::Sha256;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::Mutex;

/// A request as the receiver got it.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Received>>>;

async fn record(log: &Log, uri: &Uri, headers: HeaderMap, body: Bytes) {
    log.lock().await.push(Received {
        path: uri.path().to_owned(),
        headers,
        body: body.to_vec(),
    });
}

/// A connected system's endpoint: `/hook` takes the event, the others answer as their names say.
async fn receiver() -> (String, Log) {
    let log = Log::default();
    let app = Router::new()
        .route(
            "/hook",
            post(
                |State(log): State<Log>, uri: Uri, headers: HeaderMap, body: Bytes| async move {
                    record(&log, &uri, headers, body).await;
                    "đã nhận"
                },
            ),
        )
        .route(
            "/fail",
            post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "database down") }),
        )
        .route("/gone", post(|| async { StatusCode::GONE }))
        .route(
            "/moved",
            post(|| async { (StatusCode::FOUND, [("location", "/elsewhere")]) }),
        )
        .route(
            "/elsewhere",
            any(
                |State(log): State<Log>, uri: Uri, headers: HeaderMap, body: Bytes| async move {
                    record(&log, &uri, headers, body).await;
                },
            ),
        )
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "too late"
            }),
        )
        .route(
            "/big",
            post(|| async { "hồ sơ ".repeat(1_000_000 / 8).into_response() }),
        )
        .with_state(log.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let address = listener.local_addr().expect("a local address");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("the receiver runs");
    });
    (format!("http://{address}"), log)
}

fn lenient() -> AddressPolicy {
    AddressPolicy {
        allow_private: true,
    }
}

fn sender(policy: AddressPolicy, timeout: Duration) -> HttpWebhookSender {
    HttpWebhookSender::new(WebhookConfig {
        policy,
        timeout,
        ..WebhookConfig::default()
    })
    .expect("a valid configuration")
}

fn request(url: String, secret: &str) -> WebhookRequest {
    WebhookRequest {
        id: "msg_2Yd8dTbYjZ4cM9o1".to_owned(),
        url,
        secret: secret.to_owned(),
        payload: r#"{"type":"dossier.received","code":"000.00.01.H10-260309-0001"}"#.to_owned(),
    }
}

async fn send_to(path: &str, timeout: Duration) -> (WebhookAttempt, Log) {
    let (base, log) = receiver().await;
    let attempt = sender(lenient(), timeout)
        .send(&request(format!("{base}{path}"), &generate_secret()))
        .await;
    (attempt, log)
}

fn header<'a>(received: &'a Received, name: &str) -> &'a str {
    received
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("the {name} header"))
}

#[tokio::test]
async fn the_receiver_gets_the_payload_with_headers_whose_signature_it_can_check() {
    let (base, log) = receiver().await;
    let secret = generate_secret();
    let sent = request(format!("{base}/hook"), &secret);
    let before = OffsetDateTime::now_utc().unix_timestamp();
    let attempt = sender(lenient(), Duration::from_secs(5)).send(&sent).await;
    let after = OffsetDateTime::now_utc().unix_timestamp();

    assert_eq!(attempt.outcome, Ok(()));
    let response = attempt.response.expect("an answer");
    assert_eq!((response.status, response.body.as_str()), (200, "đã nhận"));

    let log = log.lock().await;
    let [received] = log.as_slice() else {
        panic!("one request, got {log:?}");
    };
    assert_eq!(received.path, "/hook");
    assert_eq!(received.body, sent.payload.as_bytes());
    assert_eq!(header(received, "content-type"), "application/json");
    assert_eq!(header(received, "user-agent"), "motcua-webhooks/1");
    assert_eq!(header(received, "webhook-id"), sent.id);
    let timestamp: i64 = header(received, "webhook-timestamp")
        .parse()
        .expect("Unix seconds");
    assert!((before..=after).contains(&timestamp), "{timestamp}");

    // The receiver's check, written out from the specification rather than with motcua's code.
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("the prefix"))
        .expect("base64");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(format!("{}.{timestamp}.", sent.id).as_bytes());
    mac.update(&received.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert_eq!(header(received, "webhook-signature"), expected);
}

#[tokio::test]
async fn a_server_error_is_transient_and_its_answer_recorded() {
    let (attempt, _) = send_to("/fail", Duration::from_secs(5)).await;
    assert!(
        matches!(attempt.outcome, Err(SendError::Transient(_))),
        "{attempt:?}"
    );
    let response = attempt.response.expect("an answer");
    assert_eq!(
        (response.status, response.body.as_str()),
        (500, "database down")
    );
}

#[tokio::test]
async fn gone_is_permanent_because_the_receiver_asks_for_nothing_more() {
    let (attempt, _) = send_to("/gone", Duration::from_secs(5)).await;
    assert!(
        matches!(attempt.outcome, Err(SendError::Permanent(_))),
        "{attempt:?}"
    );
    assert_eq!(attempt.response.map(|r| r.status), Some(410));
}

#[tokio::test]
async fn a_redirection_is_not_followed_and_is_transient() {
    let (attempt, log) = send_to("/moved", Duration::from_secs(5)).await;
    assert!(
        matches!(attempt.outcome, Err(SendError::Transient(_))),
        "{attempt:?}"
    );
    assert_eq!(attempt.response.map(|r| r.status), Some(302));
    assert!(log.lock().await.is_empty(), "the other path was not called");
}

#[tokio::test]
async fn a_receiver_slower_than_the_timeout_is_transient_without_an_answer() {
    let started = std::time::Instant::now();
    let (attempt, _) = send_to("/slow", Duration::from_millis(300)).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&attempt.outcome, Err(SendError::Transient(m)) if m.contains("300 ms")),
        "{attempt:?}"
    );
    assert_eq!(attempt.response, None);
}

#[tokio::test]
async fn of_a_megabyte_answer_only_the_first_thousand_bytes_are_kept_in_whole_characters() {
    let (attempt, _) = send_to("/big", Duration::from_secs(5)).await;
    assert_eq!(attempt.outcome, Ok(()));
    let body = attempt.response.expect("an answer").body;
    assert!(
        body.len() <= EXCERPT_BYTES && body.len() > EXCERPT_BYTES - 4,
        "{}",
        body.len()
    );
    assert!(body.starts_with("hồ sơ hồ sơ") && !body.contains('\u{fffd}'));
}

#[tokio::test]
async fn a_closed_port_is_transient_without_an_answer() {
    // Bound then dropped: nothing listens there any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port")
        .local_addr()
        .expect("an address")
        .port();
    let attempt = sender(lenient(), Duration::from_secs(5))
        .send(&request(
            format!("http://127.0.0.1:{port}/hook"),
            &generate_secret(),
        ))
        .await;
    assert!(
        matches!(&attempt.outcome, Err(SendError::Transient(m)) if m.contains("no connection")),
        "{attempt:?}"
    );
    assert_eq!(attempt.response, None);
}

#[tokio::test]
async fn a_bad_secret_or_address_is_permanent_and_nothing_is_sent() {
    let (base, log) = receiver().await;
    let sender = sender(lenient(), Duration::from_secs(5));
    let attempt = sender
        .send(&request(format!("{base}/hook"), "whsec_not base64"))
        .await;
    assert!(
        matches!(attempt.outcome, Err(SendError::Permanent(_))),
        "{attempt:?}"
    );
    let attempt = sender
        .send(&request(
            "ftp://127.0.0.1/hook".to_owned(),
            &generate_secret(),
        ))
        .await;
    assert!(
        matches!(attempt.outcome, Err(SendError::Permanent(_))),
        "{attempt:?}"
    );
    assert!(log.lock().await.is_empty());
}

/// A TCP port that counts the connections made to it.
async fn counting_listener() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let port = listener.local_addr().expect("an address").port();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    (port, count)
}

#[tokio::test]
async fn a_name_that_resolves_to_loopback_is_refused_before_connecting_when_private_is_not_allowed()
{
    let (port, connections) = counting_listener().await;
    let strict = sender(AddressPolicy::default(), Duration::from_secs(5));
    // https, so that the scheme passes and the refusal is the resolver's.
    let attempt = strict
        .send(&request(
            format!("https://localhost:{port}/hook"),
            &generate_secret(),
        ))
        .await;
    assert!(
        matches!(&attempt.outcome, Err(SendError::Permanent(m)) if m.contains("not a public")),
        "{attempt:?}"
    );
    assert_eq!(attempt.response, None);
    // Plain http is refused by the address check itself.
    let attempt = strict
        .send(&request(
            format!("http://localhost:{port}/"),
            &generate_secret(),
        ))
        .await;
    assert!(
        matches!(attempt.outcome, Err(SendError::Permanent(_))),
        "{attempt:?}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(connections.load(Ordering::SeqCst), 0, "no connection made");
}

#[tokio::test]
async fn registering_localhost_is_refused_as_a_forbidden_address() {
    let error = check_endpoint("https://localhost/", AddressPolicy::default())
        .await
        .expect_err("loopback");
    assert!(
        matches!(&error, AddressError::Forbidden { host, ip } if host == "localhost" && ip.is_loopback()),
        "{error:?}"
    );
    assert_eq!(error.code(), "forbidden_address");
    assert!(
        check_endpoint("https://localhost/", lenient())
            .await
            .is_ok(),
        "allowed when private addresses are"
    );
}

#[tokio::test]
async fn registering_a_name_that_does_not_resolve_is_refused_as_unresolvable() {
    // .invalid is reserved never to resolve (RFC 6761).
    let error = check_endpoint("https://hook.motcua.invalid/", AddressPolicy::default())
        .await
        .expect_err("no such name");
    assert_eq!(error.code(), "unresolvable", "{error}");
}

#[test]
fn every_non_public_range_is_forbidden_and_public_addresses_are_not() {
    let forbidden = [
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "10.255.255.255",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "127.8.9.10",
        "169.254.169.254",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.19.255.255",
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "febf::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "64:ff9b::a00:1",
        "64:ff9b::127.0.0.1",
        "2002:7f00:1::1",
    ];
    for address in forbidden {
        let ip: IpAddr = address.parse().expect("an address");
        assert!(is_forbidden(ip), "{address} should be forbidden");
    }
    let public = [
        "8.8.8.8",
        "1.1.1.1",
        "113.160.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.15.255.255",
        "172.32.0.1",
        "192.169.0.1",
        "198.20.0.1",
        "223.255.255.255",
        "2606:4700::1111",
        "2001:4860:4860::8888",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    ];
    for address in public {
        let ip: IpAddr = address.parse().expect("an address");
        assert!(!is_forbidden(ip), "{address} should be allowed");
    }
}

#[test]
fn addresses_are_refused_with_the_code_of_their_first_fault() {
    let strict = AddressPolicy::default();
    for (url, policy, code) in [
        ("http://example.vn/hook", strict, "scheme_not_allowed"),
        ("ftp://example.vn/hook", lenient(), "scheme_not_allowed"),
        (
            "https://user:pw@example.vn/hook",
            strict,
            "credentials_in_url",
        ),
        ("https://user@example.vn/hook", strict, "credentials_in_url"),
        ("https://example.vn/hook#part", strict, "fragment_in_url"),
        ("https://127.0.0.1/", strict, "forbidden_address"),
        ("https://[::1]/", strict, "forbidden_address"),
        (
            "https://169.254.169.254/latest/meta-data/",
            strict,
            "forbidden_address",
        ),
        ("https://2130706433/", strict, "forbidden_address"),
        ("https://[::ffff:7f00:1]/", strict, "forbidden_address"),
        ("not a url", strict, "not_a_url"),
        ("/relative/hook", strict, "not_a_url"),
        ("", strict, "not_a_url"),
        ("https://", strict, "not_a_url"),
    ] {
        let error = check_url(url, policy).expect_err(url);
        assert_eq!(error.code(), code, "{url}: {error}");
    }
    let long = format!("https://example.vn/{}", "a".repeat(2000));
    assert_eq!(
        check_url(&long, strict).expect_err("too long").code(),
        "too_long"
    );
    let huge = "a".repeat(100_000);
    assert_eq!(
        check_url(&huge, strict).expect_err("too long").code(),
        "too_long"
    );
}

#[test]
fn public_https_addresses_pass_and_private_ones_only_when_allowed() {
    let strict = AddressPolicy::default();
    let url = check_url("https://hethong.bacninh.gov.vn/webhooks?k=1", strict).expect("public");
    assert_eq!(url.as_str(), "https://hethong.bacninh.gov.vn/webhooks?k=1");
    assert!(check_url("https://8.8.8.8/hook", strict).is_ok());
    assert!(check_url("https://[2606:4700::1111]/hook", strict).is_ok());
    assert!(check_url("http://127.0.0.1:9/hook", lenient()).is_ok());
    assert!(check_url("https://[::1]/", lenient()).is_ok());
    assert!(check_url("http://127.0.0.1:9/hook", strict).is_err());
}

#[test]
fn every_refusal_reads_as_a_sentence_naming_what_to_fix() {
    let error = check_url("http://example.vn/", AddressPolicy::default()).expect_err("http");
    assert_eq!(
        error.to_string(),
        "the address starts with http://; it must start with https://"
    );
    let error = check_url("https://169.254.169.254/", AddressPolicy::default()).expect_err("ip");
    assert_eq!(
        error.to_string(),
        "169.254.169.254 is not a public Internet address"
    );
    let error = AddressError::Forbidden {
        host: "intranet.example.vn".to_owned(),
        ip: "10.0.0.7".parse().expect("an address"),
    };
    assert_eq!(
        error.to_string(),
        "the host intranet.example.vn resolves to 10.0.0.7, which is not a public Internet \
         address"
    );
}
