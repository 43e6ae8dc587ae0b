//! `motcua bench`: measure a running motcua over HTTP (docs/PERFORMANCE.md), or run either half
//! of the crash test. The measuring is the `bench` crate; this file holds its options and prints
//! its results.

use anyhow::Context as _;

use crate::config::Config;

/// The options of `motcua bench`, shared by its modes.
#[derive(clap::Args)]
pub(super) struct BenchArgs {
    #[command(subcommand)]
    mode: Option<BenchMode>,
    /// Base URL of the running server.
    #[arg(long, global = true, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Seconds the whole run lasts (shared by its phases); for `submit`, how long it submits.
    #[arg(long, global = true, default_value_t = 20)]
    duration: u64,
    /// Concurrent connections.
    #[arg(long, global = true, default_value_t = 16)]
    concurrency: usize,
    /// Most requests of each phase.
    #[arg(long, global = true, default_value_t = 100_000)]
    max_requests: u64,
    /// An API key with submit_dossiers and read_own_dossiers (`motcua api-key create`); without
    /// it, submissions, reads and tracking are skipped.
    #[arg(
        long,
        global = true,
        env = "MOTCUA_BENCH_API_KEY",
        hide_env_values = true
    )]
    api_key: Option<String>,
    /// National code of the procedure the submissions file (online, papers required).
    #[arg(long, global = true, default_value = "1.001193")]
    procedure: String,
    /// Officer whose inbox is read (a demonstration officer by default).
    #[arg(long, default_value = "tiepnhan.xa")]
    officer: String,
    /// That officer's password.
    #[arg(long, default_value = app::accounts::officers::DEMO_PASSWORD)]
    password: String,
    /// Officer who reads the reports (a leader, unit administrator or auditor; the same
    /// password), a demonstration leader by default.
    #[arg(long, default_value = "lanhdao.xa")]
    reports_officer: String,
    /// The server's database, for the storage ceiling (default: the configuration's, i.e. the
    /// embedded SQLite file of MOTCUA_DATA_DIR, or MOTCUA_DATABASE_URL).
    #[arg(long)]
    database_url: Option<String>,
    /// The server's process id, for its memory (default: the motcua on the URL's port).
    #[arg(long)]
    server_pid: Option<u32>,
    /// Write the report as JSON to this file too.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

/// What `motcua bench` does: measure (no mode), or one half of the crash test.
#[derive(clap::Subcommand)]
enum BenchMode {
    /// Crash test, first half: submit under load for --duration seconds and append every
    /// acknowledged submission (code, idempotency key, body) to the ledger as it is answered.
    Submit {
        /// The ledger file (JSON lines), appended to.
        #[arg(long)]
        ledger: std::path::PathBuf,
    },
    /// Crash test, second half: every code of the ledger reads back, every request sent again
    /// with its key answers the same code, no code was given twice; exit 1 otherwise.
    Verify {
        /// The ledger file written by `submit`.
        #[arg(long)]
        ledger: std::path::PathBuf,
    },
}

/// Runs the chosen mode; fails when the crash test finds a submission lost or duplicated.
pub(super) async fn run(args: BenchArgs, config: &Config) -> anyhow::Result<()> {
    let duration = std::time::Duration::from_secs(args.duration.max(1));
    let bounds = bench::driver::Bounds {
        concurrency: args.concurrency.max(1),
        duration,
        max_requests: args.max_requests,
    };
    let api_key = || {
        args.api_key
            .clone()
            .context("an API key is required: --api-key or MOTCUA_BENCH_API_KEY")
    };
    match &args.mode {
        Some(BenchMode::Submit { ledger }) => {
            let key = api_key()?;
            let m =
                bench::ledger::submit_to_ledger(&args.url, &key, &args.procedure, ledger, bounds)
                    .await?;
            println!(
                "acknowledged {} submissions in {:.1} s ({:.0}/s), {} failed{}",
                m.ok,
                m.seconds,
                m.per_second,
                m.errors,
                m.first_error
                    .map(|e| format!(" (first: {e})"))
                    .unwrap_or_default()
            );
            Ok(())
        }
        Some(BenchMode::Verify { ledger }) => {
            let key = api_key()?;
            let verdict =
                bench::ledger::verify(&args.url, &key, ledger, bounds.concurrency).await?;
            println!(
                "{} acknowledged submissions: {} codes given twice, {} missing, {} retries answered differently",
                verdict.acknowledged,
                verdict.duplicate_codes.len(),
                verdict.missing.len(),
                verdict.retries_differ.len()
            );
            for line in verdict
                .duplicate_codes
                .iter()
                .map(|c| format!("code given twice: {c}"))
                .chain(verdict.missing.iter().map(|m| format!("missing: {m}")))
                .chain(verdict.retries_differ.iter().map(|r| format!("retry: {r}")))
                .take(20)
            {
                println!("  {line}");
            }
            if verdict.passed() {
                println!(
                    "every acknowledged submission is there once, and retries did not duplicate"
                );
                Ok(())
            } else {
                Err(anyhow::anyhow!(
                    "acknowledged submissions were lost or duplicated"
                ))
            }
        }
        None => {
            let options = bench::Options {
                url: args.url.clone(),
                duration,
                max_requests: args.max_requests,
                concurrency: bounds.concurrency,
                api_key: args.api_key.clone(),
                procedure: args.procedure.clone(),
                officer: args.officer.clone(),
                password: args.password.clone(),
                reports_officer: args.reports_officer.clone(),
                database_url: Some(
                    args.database_url
                        .clone()
                        .unwrap_or_else(|| config.database_url()),
                ),
                server_pid: args.server_pid,
                json: args.json.clone(),
            };
            let report = bench::run(&options).await?;
            print!("{}", report.table());
            Ok(())
        }
    }
}
