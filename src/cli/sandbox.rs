//! `motcua sandbox`: run the simulators of outside services (population registry, PayGov, VNPay,
//! an SMTP sink and an SMS gateway) for development, demonstrations and tests. Only the options
//! live here; the simulators are the `sandbox` crate.

use anyhow::Context as _;

use super::serve::shutdown_signal;

/// The options of `motcua sandbox`: where it listens and the credentials the simulated gateways
/// accept (the defaults match the example configuration).
#[derive(clap::Args)]
pub(super) struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: std::net::SocketAddr,
    /// Address of the SMTP sink that keeps the e-mails motcua sends.
    #[arg(long, default_value = "127.0.0.1:2525")]
    smtp_listen: std::net::SocketAddr,
    /// PayGov partner code (MaDoiTac) the simulated platform accepts.
    #[arg(long, default_value = "MOTCUA01")]
    paygov_partner_code: String,
    /// PayGov secret shared with that partner.
    #[arg(long, default_value = "sandbox-paygov-secret")]
    paygov_secret: String,
    /// Where PayGov callbacks go when an INIT message names no callback URL.
    #[arg(long, default_value = "http://127.0.0.1:8080/payments/paygov/callback")]
    paygov_callback_url: String,
    /// VNPay terminal code (vnp_TmnCode) the simulated gateway accepts.
    #[arg(long, default_value = "MOTCUA01")]
    vnpay_tmn_code: String,
    /// VNPay hash secret (vnp_HashSecret) of that terminal.
    #[arg(long, default_value = "sandbox-vnpay-secret")]
    vnpay_hash_secret: String,
    /// The merchant's VNPay IPN URL (VNPay sets it per merchant, not per request).
    #[arg(long, default_value = "http://127.0.0.1:8080/payments/vnpay/callback")]
    vnpay_ipn_url: String,
}

/// Serves the simulators until Ctrl-C or SIGTERM.
pub(super) async fn run(args: SandboxArgs) -> anyhow::Result<()> {
    let SandboxArgs {
        listen,
        smtp_listen,
        paygov_partner_code,
        paygov_secret,
        paygov_callback_url,
        vnpay_tmn_code,
        vnpay_hash_secret,
        vnpay_ipn_url,
    } = args;
    let options = sandbox::Options {
        paygov_partner_code,
        paygov_secret,
        paygov_callback_url,
        vnpay_tmn_code,
        vnpay_hash_secret,
        vnpay_ipn_url,
        smtp_addr: Some(smtp_listen),
        ..sandbox::Options::default()
    };
    sandbox::run_with(listen, options, shutdown_signal())
        .await
        .with_context(|| format!("cannot run the sandbox on {listen}"))
}
