//! Simulators of the services outside motcua, as real HTTP servers speaking the same protocols
//! as the real services (DESIGN §7), so that development, demonstrations and tests exercise the
//! production client code over real sockets. On one port: the national population database
//! behind the province's data-sharing platform, answering from a synthetic population of Bắc
//! Ninh province, the payment gateways (PayGov and VNPay, [`payment`]) with a payment page,
//! test cards and callbacks that can be delayed, duplicated, lost or forged, and an SMS brandname
//! gateway speaking eSMS.vn's API. Beside that port, an SMTP sink on a port of its own; both
//! sinks keep what they receive for a page ([`messages`]). Never deploy it: it has no
//! persistence and its control endpoints have no authentication.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = sandbox::spawn("127.0.0.1:0".parse().expect("an address")).await?;
//! println!("registry at {} (client {})", sandbox.url(), sandbox.client_id());
//! println!("SMTP sink at {}", sandbox.smtp_addr());
//! # Ok(()) }
//! ```

mod control;
pub mod messages;
pub mod payment;
pub mod population;
mod registry;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use registry::{LOOKUP_PATH, TOKEN_PATH};

/// Where `motcua sandbox` ([`run`], [`run_with`]) puts the SMTP sink when
/// [`Options::smtp_addr`] does not say: 127.0.0.1:2525 (an unprivileged port, local only).
pub const DEFAULT_SMTP_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 2525);

/// The credentials and settings of a sandbox's simulated services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The OAuth client id the simulated platform accepts.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// How long an issued token stays valid.
    pub token_lifetime: Duration,
    /// PayGov `MaDoiTac` the simulated platform accepts.
    pub paygov_partner_code: String,
    /// PayGov's secret shared with that partner (last field of every checksum).
    pub paygov_secret: String,
    /// Where PayGov callbacks go when an INIT message names no `UrlThongBao`.
    pub paygov_callback_url: String,
    /// VNPay `vnp_TmnCode` the simulated gateway accepts.
    pub vnpay_tmn_code: String,
    /// VNPay `vnp_HashSecret` of that merchant.
    pub vnpay_hash_secret: String,
    /// The merchant's IPN URL (VNPay sets it per merchant, not per request).
    pub vnpay_ipn_url: String,
    /// Where the SMTP sink listens. `None`: [`run`] and [`run_with`] (`motcua sandbox`) use
    /// [`DEFAULT_SMTP_ADDR`]; [`spawn`] and [`spawn_with`] a free port on the HTTP address's
    /// IP, so that tests running side by side do not collide.
    pub smtp_addr: Option<SocketAddr>,
    /// eSMS `ApiKey` the simulated SMS gateway accepts.
    pub sms_api_key: String,
    /// eSMS `SecretKey` of that key.
    pub sms_secret_key: String,
    /// The one `Brandname` registered at the simulated gateway.
    pub sms_brandname: String,
}

impl Default for Options {
    /// Client `motcua` with secret `sandbox-secret`, tokens valid for an hour; PayGov partner
    /// `MOTCUA01` with secret `sandbox-paygov-secret`, callbacks by default to
    /// `http://127.0.0.1:8080/payments/paygov/callback`; VNPay terminal `MOTCUA01` with hash
    /// secret `sandbox-vnpay-secret`, IPN to `http://127.0.0.1:8080/payments/vnpay/callback`;
    /// the SMTP sink where [`Options::smtp_addr`] says; SMS api key `sandbox-sms-key`, secret
    /// key `sandbox-sms-secret`, brandname `MOTCUA`.
    fn default() -> Self {
        Self {
            client_id: "motcua".to_owned(),
            client_secret: "sandbox-secret".to_owned(),
            token_lifetime: Duration::from_secs(3600),
            paygov_partner_code: "MOTCUA01".to_owned(),
            paygov_secret: "sandbox-paygov-secret".to_owned(),
            paygov_callback_url: "http://127.0.0.1:8080/payments/paygov/callback".to_owned(),
            vnpay_tmn_code: "MOTCUA01".to_owned(),
            vnpay_hash_secret: "sandbox-vnpay-secret".to_owned(),
            vnpay_ipn_url: "http://127.0.0.1:8080/payments/vnpay/callback".to_owned(),
            smtp_addr: None,
            sms_api_key: "sandbox-sms-key".to_owned(),
            sms_secret_key: "sandbox-sms-secret".to_owned(),
            sms_brandname: "MOTCUA".to_owned(),
        }
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    url: String,
    smtp_addr: SocketAddr,
    options: Options,
    /// Set to true to stop both servers (dropping it does too).
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Sandbox {
    /// The base URL, `http://ip:port`, without a trailing slash: the endpoint to configure in
    /// the population registry client.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The client id the simulated platform accepts.
    pub fn client_id(&self) -> &str {
        &self.options.client_id
    }

    /// The client secret the simulated platform accepts.
    pub fn client_secret(&self) -> &str {
        &self.options.client_secret
    }

    /// The options the sandbox runs with (credentials, secrets, callback URLs).
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The PayGov endpoint to configure in the PayGov client (`{url}/paygov`).
    pub fn paygov_endpoint(&self) -> String {
        format!("{}{}", self.url, payment::PAYGOV_ENDPOINT_PATH)
    }

    /// VNPay's payment URL to configure in the VNPay client.
    pub fn vnpay_payment_url(&self) -> String {
        format!("{}{}", self.url, payment::VNPAY_PAYMENT_PATH)
    }

    /// VNPay's merchant web API URL to configure in the VNPay client.
    pub fn vnpay_api_url(&self) -> String {
        format!("{}{}", self.url, payment::VNPAY_API_PATH)
    }

    /// Where the SMTP sink listens (plain SMTP, no TLS, no authentication).
    pub fn smtp_addr(&self) -> SocketAddr {
        self.smtp_addr
    }

    /// The SMS gateway's endpoint to configure in the SMS client (`{url}/esms`).
    pub fn sms_endpoint(&self) -> String {
        format!("{}{}", self.url, messages::SMS_ENDPOINT_PATH)
    }

    /// The page of received messages (`{url}/_sandbox/messages`; `.json` gives them as JSON).
    pub fn messages_url(&self) -> String {
        format!("{}{}", self.url, messages::MESSAGES_PATH)
    }

    /// Stops the servers and waits for them to finish.
    pub async fn stop(mut self) -> std::io::Result<()> {
        self.shutdown.send_replace(true);
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Starts a sandbox with the default [`Options`] on `addr` (port 0 picks a free port).
pub async fn spawn(addr: SocketAddr) -> std::io::Result<Sandbox> {
    spawn_with(addr, Options::default()).await
}

/// Starts a sandbox with `options`: HTTP on `addr`, the SMTP sink on [`Options::smtp_addr`] or
/// else a free port on `addr`'s IP.
pub async fn spawn_with(addr: SocketAddr, options: Options) -> std::io::Result<Sandbox> {
    let registry = Arc::new(registry::Registry::new(
        options.client_id.clone(),
        options.client_secret.clone(),
        options.token_lifetime,
    ));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let url = format!("http://{}", listener.local_addr()?);
    // The payment pages link to the sandbox itself, so its address is known first.
    let payments = Arc::new(payment::Payments::new(url.clone(), &options));
    let smtp_listener = tokio::net::TcpListener::bind(
        options
            .smtp_addr
            .unwrap_or_else(|| SocketAddr::new(addr.ip(), 0)),
    )
    .await?;
    let smtp_addr = smtp_listener.local_addr()?;
    let messages = Arc::new(messages::Messages::new(smtp_addr, &options));
    let app = registry::router(registry.clone())
        .merge(control::router(registry))
        .merge(payment::router(payments.clone()))
        .merge(payment::control_router(payments))
        .merge(messages::router(messages.clone()));
    let (shutdown, stopped) = watch::channel(false);
    let smtp = tokio::spawn(messages::smtp::serve(
        smtp_listener,
        messages,
        stopped.clone(),
    ));
    let task = tokio::spawn(async move {
        let mut stopped = stopped;
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                // Also when the sender is gone (the sandbox was dropped).
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await;
        // The SMTP sink stops on the same signal.
        smtp.await.map_err(std::io::Error::other)?;
        served
    });
    Ok(Sandbox {
        url,
        smtp_addr,
        options,
        shutdown,
        task: Some(task),
    })
}

/// `motcua sandbox`: starts the sandbox on `addr` with the default [`Options`], prints how to
/// use it, and serves until `shutdown` completes.
pub async fn run(addr: SocketAddr, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    run_with(addr, Options::default(), shutdown).await
}

/// `motcua sandbox` with `options`: starts the sandbox on `addr`, prints how to use it (the
/// registry's credentials and a few sample citizens, the payment gateways' endpoints, codes,
/// secrets and test cards), and serves until `shutdown` completes.
pub async fn run_with(
    addr: SocketAddr,
    options: Options,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let options = Options {
        smtp_addr: options.smtp_addr.or(Some(DEFAULT_SMTP_ADDR)),
        ..options
    };
    let sandbox = spawn_with(addr, options).await?;
    print!("{}", banner(&sandbox));
    shutdown.await;
    sandbox.stop().await
}

/// What `motcua sandbox` prints: where things are, whom to look up, how to pay.
fn banner(sandbox: &Sandbox) -> String {
    use std::fmt::Write as _;
    let url = sandbox.url();
    let mut out = String::new();
    let _ = writeln!(out, "motcua sandbox is serving {url}");
    let _ = writeln!(
        out,
        "population registry (LGSP): token {url}{TOKEN_PATH}, look-up {url}{LOOKUP_PATH}"
    );
    let _ = writeln!(
        out,
        "  client id \"{}\", secret \"{}\"; {} synthetic citizens of {}",
        sandbox.client_id(),
        sandbox.client_secret(),
        population::size(),
        population::PROVINCE.1
    );
    let _ = writeln!(
        out,
        "  control: POST {url}/_sandbox/registry/{{delay?ms=N|down|up|revoke-tokens|reset}}, GET {url}/_sandbox"
    );
    let _ = writeln!(
        out,
        "  more citizens: GET {url}/_sandbox/registry/citizens?household=0&count=20"
    );
    let _ = writeln!(
        out,
        "sample citizens (number, name, birth date, sex, household role, ward):"
    );
    for c in population::citizens(0, 8) {
        let _ = writeln!(
            out,
            "  {}  {:<24} {:02}/{:02}/{}  {:<3}  {:<7} {}",
            c.personal_id,
            c.full_name,
            c.birth_date.day(),
            u8::from(c.birth_date.month()),
            c.birth_date.year(),
            match c.sex {
                domain::identity::Sex::Male => "nam",
                domain::identity::Sex::Female => "nữ",
            },
            c.relationship,
            c.permanent.commune_name
        );
    }
    let o = sandbox.options();
    let _ = writeln!(out, "payment gateways:");
    let _ = writeln!(
        out,
        "  PayGov: endpoint {}, messages POST {url}{}",
        sandbox.paygov_endpoint(),
        payment::PAYGOV_MESSAGE_PATH
    );
    let _ = writeln!(
        out,
        "    partner code \"{}\", secret \"{}\"; callbacks to the INIT's UrlThongBao, else {}",
        o.paygov_partner_code, o.paygov_secret, o.paygov_callback_url
    );
    let _ = writeln!(
        out,
        "  VNPay 2.1.0: payment URL {}, API {}",
        sandbox.vnpay_payment_url(),
        sandbox.vnpay_api_url()
    );
    let _ = writeln!(
        out,
        "    tmn code \"{}\", hash secret \"{}\"; IPN to {}",
        o.vnpay_tmn_code, o.vnpay_hash_secret, o.vnpay_ipn_url
    );
    let _ = writeln!(out, "  test cards (any name, no OTP):");
    for card in payment::TEST_CARDS {
        let _ = writeln!(
            out,
            "    {:<20} {} {} issued {}  {}",
            card.number,
            card.bank,
            card.holder,
            card.issued,
            match card.outcome {
                payment::CardOutcome::Approved => "approved",
                payment::CardOutcome::InsufficientFunds => "declined: insufficient funds",
                payment::CardOutcome::Expired => "declined: expired card",
            }
        );
    }
    let _ = writeln!(
        out,
        "  control: POST {url}/_sandbox/payments/callbacks?mode={{normal|delayed&seconds=N|duplicated|lost|bad-signature}},"
    );
    let _ = writeln!(
        out,
        "           POST {url}/_sandbox/payments/{{down|up|reset}}, GET {url}/_sandbox/payments"
    );
    let _ = writeln!(out, "messages (nothing reaches a real mailbox or phone):");
    let _ = writeln!(
        out,
        "  SMTP sink: {} (plain SMTP: no TLS, no authentication)",
        sandbox.smtp_addr()
    );
    let _ = writeln!(
        out,
        "  SMS gateway (eSMS.vn API): endpoint {}, send POST {url}{}",
        sandbox.sms_endpoint(),
        messages::SMS_SEND_PATH
    );
    let _ = writeln!(
        out,
        "    api key \"{}\", secret key \"{}\", brandname \"{}\"",
        o.sms_api_key, o.sms_secret_key, o.sms_brandname
    );
    let _ = writeln!(
        out,
        "  received: GET {} (page), {}.json",
        sandbox.messages_url(),
        sandbox.messages_url()
    );
    let _ = writeln!(
        out,
        "  control: POST {url}/_sandbox/messages/{{down|up|slow?ms=N|reject|accept|reset|clear}}[?sink=smtp|sms]"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn start() -> Sandbox {
        spawn("127.0.0.1:0".parse().expect("an address"))
            .await
            .expect("the sandbox starts")
    }

    #[tokio::test]
    async fn the_banner_tells_where_the_sinks_are_and_what_the_sms_gateway_accepts() {
        let sandbox = start().await;
        let text = banner(&sandbox);
        assert!(
            text.contains(&format!("SMTP sink: {} (plain SMTP", sandbox.smtp_addr())),
            "{text}"
        );
        assert!(
            text.contains(&format!("endpoint {}", sandbox.sms_endpoint())),
            "{text}"
        );
        assert!(
            text.contains(
                "api key \"sandbox-sms-key\", secret key \"sandbox-sms-secret\", brandname \"MOTCUA\""
            ),
            "{text}"
        );
        assert!(
            text.contains("/_sandbox/messages/{down|up|slow?ms=N|reject|accept|reset|clear}"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn sandboxes_spawned_side_by_side_take_their_own_smtp_ports() {
        let (first, second) = (start().await, start().await);
        assert_ne!(first.smtp_addr(), second.smtp_addr());
        assert_ne!(first.smtp_addr().port(), 0);
    }
}
