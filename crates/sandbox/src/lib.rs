//! Simulators of the services outside motcua, as real HTTP servers speaking the same protocols
//! as the real services (DESIGN §7), so that development, demonstrations and tests exercise the
//! production client code over real sockets. On one port: the national population database
//! behind the province's data-sharing platform, answering from a synthetic population of Bắc
//! Ninh province, and the payment gateways (PayGov and VNPay, [`payment`]) with a payment page,
//! test cards and callbacks that can be delayed, duplicated, lost or forged. Never deploy it: it
//! has no persistence and its control endpoints have no authentication.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = sandbox::spawn("127.0.0.1:0".parse().expect("an address")).await?;
//! println!("registry at {} (client {})", sandbox.url(), sandbox.client_id());
//! # Ok(()) }
//! ```

mod control;
pub mod payment;
pub mod population;
mod registry;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use registry::{LOOKUP_PATH, TOKEN_PATH};

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
}

impl Default for Options {
    /// Client `motcua` with secret `sandbox-secret`, tokens valid for an hour; PayGov partner
    /// `MOTCUA01` with secret `sandbox-paygov-secret`, callbacks by default to
    /// `http://127.0.0.1:8080/payments/paygov/callback`; VNPay terminal `MOTCUA01` with hash
    /// secret `sandbox-vnpay-secret`, IPN to `http://127.0.0.1:8080/payments/vnpay/callback`.
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
        }
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    url: String,
    options: Options,
    shutdown: Option<oneshot::Sender<()>>,
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

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a sandbox with the default [`Options`] on `addr` (port 0 picks a free port).
pub async fn spawn(addr: SocketAddr) -> std::io::Result<Sandbox> {
    spawn_with(addr, Options::default()).await
}

/// Starts a sandbox with `options` on `addr`.
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
    let app = registry::router(registry.clone())
        .merge(control::router(registry))
        .merge(payment::router(payments.clone()))
        .merge(payment::control_router(payments));
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Sandbox {
        url,
        options,
        shutdown: Some(shutdown),
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
    out
}
