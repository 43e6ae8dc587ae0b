//! The `motcua` command line: the clap definitions of the command and its subcommands, and the
//! dispatch from a parsed command to the file of its family (`serve`, `seed`, `bench`, …). Kept
//! apart from `main.rs` so that each family can be read, and changed, without the others; every
//! rule still lives in the crates under `crates/`, these files only wire them together.

mod api_key;
mod audit;
mod bench;
mod calendar;
mod migrate;
mod officer;
mod personal_data;
mod sandbox;
mod seed;
mod serve;

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use storage::{Db, DbOptions};

use crate::config::{self, Config};

/// Administrative-procedure information system of a Vietnamese province: the public service
/// portal and the electronic one-stop back office in one program.
#[derive(Parser)]
#[command(name = "motcua", version, about)]
struct Cli {
    /// A TOML configuration file (default: ./motcua.toml when it exists).
    #[arg(long, global = true, env = "MOTCUA_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal and the back office (the default).
    Serve,
    /// Run the background jobs (payment reconciliation, population look-up retries, reference
    /// data reload) without serving HTTP, beside one or more `serve` processes.
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Load the reference data shipped in catalog/ (agencies, procedures, holidays) into the database;
    /// with --synthetic N, then add N synthetic historical dossiers (for measuring at scale).
    Seed(seed::SeedArgs),
    /// Show or change the legal calendar (holidays, swapped working days).
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Check or anchor the tamper-evident dossier log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Create or revoke API keys of integration clients (specialised systems, the national portal).
    #[command(subcommand, name = "api-key")]
    ApiKey(api_key::ApiKeyCommand),
    /// Seal applicants' personal IDs still stored in clear (dossiers written before sealing
    /// existed) with the deployment's personal-data key.
    #[command(subcommand, name = "personal-data")]
    PersonalData(personal_data::PersonalDataCommand),
    /// Create officer accounts from the command line: the first administrator of a production
    /// deployment (which has no demonstration accounts), who then manages the others in the
    /// back office.
    #[command(subcommand)]
    Officer(officer::OfficerCommand),
    /// Measure a running motcua over HTTP on loopback: each operation's throughput, latencies
    /// and errors beside the HTTP and storage ceilings, and the server's memory
    /// (docs/PERFORMANCE.md). `submit` and `verify` are the two halves of the crash test.
    Bench(bench::BenchArgs),
    /// Run the simulators of outside services (the population registry behind LGSP, with a
    /// synthetic population; the PayGov and VNPay payment gateways, with test cards) for
    /// development, demonstrations and tests; never in production.
    Sandbox(sandbox::SandboxArgs),
}

/// Parses the command line, reads the configuration and runs the command on a Tokio runtime;
/// exit code 2 for an invalid configuration, 1 for a failed command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("motcua: invalid configuration: {e:#}");
            return ExitCode::from(2);
        }
    };
    config::init_tracing(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("motcua: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Opens and migrates the configured database: what every command but `bench` and `sandbox`
/// starts with.
async fn open(config: &Config) -> anyhow::Result<Db> {
    config.prepare_data_dir()?;
    let mut options = DbOptions::new(config.database_url());
    if let Some(connections) = config.database_connections {
        anyhow::ensure!(
            connections >= 1,
            "database_connections must be at least 1 (MOTCUA_DATABASE_CONNECTIONS)"
        );
        options.max_connections = connections;
    }
    let db = Db::connect(&options)
        .await
        .with_context(|| format!("cannot open the database {}", config.database_display()))?;
    db.migrate().await.context("cannot migrate the database")?;
    // The data step of migration 0016: only the application knows the rule that fills it.
    let recorded = app::dossiers::record_missing_timeliness(&db)
        .await
        .context("cannot record the timeliness of older dossiers")?;
    if recorded > 0 {
        println!("recorded the timeliness of {recorded} dossiers written before it was kept");
    }
    Ok(db)
}

/// Runs one command to its end; `main` turns the error into the exit code.
async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve::run(config).await,
        Command::Worker => serve::worker(config).await,
        Command::Migrate => migrate::run(&config).await,
        Command::Seed(args) => seed::run(args, &config).await,
        Command::Calendar(cmd) => calendar::run(cmd, &config).await,
        Command::Bench(args) => bench::run(args, &config).await,
        Command::Audit(cmd) => audit::run(cmd, &config).await,
        Command::ApiKey(cmd) => api_key::run(cmd, &config).await,
        Command::PersonalData(cmd) => personal_data::run(cmd, &config).await,
        Command::Officer(cmd) => officer::run(cmd, &config).await,
        Command::Sandbox(args) => sandbox::run(args).await,
    }
}
