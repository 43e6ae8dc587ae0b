//! Simulators of the services outside motcua, as real HTTP servers speaking the same protocols
//! as the real services (DESIGN §7), so that development, demonstrations and tests exercise the
//! production client code over real sockets. The first is the national population database
//! behind the province's data-sharing platform, answering from a synthetic population of Bắc
//! Ninh province. Never deploy it: it has no persistence and its control endpoints have no
//! authentication.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = sandbox::spawn("127.0.0.1:0".parse().expect("an address")).await?;
//! println!("registry at {} (client {})", sandbox.url(), sandbox.client_id());
//! # Ok(()) }
//! ```

mod control;
pub mod population;
mod registry;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use registry::{LOOKUP_PATH, TOKEN_PATH};

/// The client credentials and token lifetime of a sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The OAuth client id the simulated platform accepts.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// How long an issued token stays valid.
    pub token_lifetime: Duration,
}

impl Default for Options {
    /// Client `motcua` with secret `sandbox-secret`; tokens valid for an hour.
    fn default() -> Self {
        Self {
            client_id: "motcua".to_owned(),
            client_secret: "sandbox-secret".to_owned(),
            token_lifetime: Duration::from_secs(3600),
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
    let app = registry::router(registry.clone()).merge(control::router(registry));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let url = format!("http://{}", listener.local_addr()?);
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

/// `motcua sandbox`: starts the sandbox on `addr`, prints how to use it and a few sample
/// citizens, and serves until `shutdown` completes.
pub async fn run(addr: SocketAddr, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    let sandbox = spawn(addr).await?;
    print!("{}", banner(&sandbox));
    shutdown.await;
    sandbox.stop().await
}

/// What `motcua sandbox` prints: where things are and whom to look up.
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
    out
}
