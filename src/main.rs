//! The `motcua` command: a thin shell that reads configuration, opens the database and starts
//! the chosen task (serve the portal, migrate, reload reference data, edit the calendar).
//! Every rule lives in the crates under `crates/`; this file only wires them together.

mod config;

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use domain::calendar::{CalendarDay, DayKind};
use storage::{Db, DbOptions};
use time::Date;
use time::macros::format_description;

use crate::config::Config;

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
    /// Apply database migrations and exit.
    Migrate,
    /// Load the reference data shipped in catalog/ (agencies, procedures, holidays) into the database;
    /// with --synthetic N, then add N synthetic historical dossiers (for measuring at scale).
    Seed {
        /// Also generate N historical dossiers of the last two years across the agency tree
        /// (status mix, channels, late and on-time results, payments, look-ups), written in
        /// batches; 1,200,000 is two years of a province.
        #[arg(long, value_name = "N")]
        synthetic: Option<u64>,
        /// Seed of the synthetic history's random choices (same seed, same distribution).
        #[arg(long, default_value_t = 766)]
        random_seed: u64,
    },
    /// Show or change the legal calendar (holidays, swapped working days).
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Check or anchor the tamper-evident dossier log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Create or revoke API keys of integration clients (specialised systems, the national portal).
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Seal applicants' personal IDs still stored in clear (dossiers written before sealing
    /// existed) with the deployment's personal-data key.
    #[command(subcommand, name = "personal-data")]
    PersonalData(PersonalDataCommand),
    /// Create officer accounts from the command line: the first administrator of a production
    /// deployment (which has no demonstration accounts), who then manages the others in the
    /// back office.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Measure a running motcua over HTTP on loopback: each operation's throughput, latencies
    /// and errors beside the HTTP and storage ceilings, and the server's memory
    /// (docs/PERFORMANCE.md). `submit` and `verify` are the two halves of the crash test.
    Bench(BenchArgs),
    /// Run the simulators of outside services (the population registry behind LGSP, with a
    /// synthetic population; the PayGov and VNPay payment gateways, with test cards) for
    /// development, demonstrations and tests; never in production.
    Sandbox {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: std::net::SocketAddr,
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
    },
}

#[derive(clap::Args)]
struct BenchArgs {
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
    #[arg(long, default_value = web::desk::accounts::DEMO_PASSWORD)]
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

#[derive(Subcommand)]
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

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify every dossier's hash chain and the latest checkpoint; exit 1 naming the first
    /// broken event.
    Verify,
    /// Record a checkpoint over every event older than five minutes.
    Checkpoint,
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Register a client and print its first key once (only its hash is kept).
    Create {
        /// The client's name, e.g. "Cổng Dịch vụ công quốc gia".
        #[arg(long)]
        name: String,
        /// Identifier code of the unit it acts for; none for a province-wide client.
        #[arg(long)]
        agency: Option<String>,
        /// Comma-separated: read_catalogue, submit_dossiers, read_own_dossiers, act_on_dossiers, receive_events.
        #[arg(long)]
        scopes: String,
    },
    /// Revoke a key by its prefix (as lists show it, e.g. mck_1a2b3c4d); it stops working at once.
    Revoke {
        /// The key's prefix.
        prefix: String,
    },
}

#[derive(Subcommand)]
enum PersonalDataCommand {
    /// Seal every personal ID stored in clear; safe to run again and while serving.
    Seal,
}

#[derive(Subcommand)]
enum OfficerCommand {
    /// Create an account and print its temporary password once (only its hash is kept).
    Create {
        /// Sign-in name: lowercase letters, digits, '.', '_' or '-', 3 to 64 characters.
        #[arg(long)]
        username: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Identifier code of the unit (an agency of the catalogue).
        #[arg(long)]
        agency: String,
        /// reception, handling, leader, unit_admin or auditor.
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// List the special days of a year.
    List {
        /// The year, e.g. 2026.
        year: i32,
    },
    /// Record the government's decision for a date: KIND is holiday, compensatory or working_day.
    Set {
        /// The date, YYYY-MM-DD.
        date: String,
        /// holiday, compensatory (day off in lieu) or working_day (a swapped weekend day).
        kind: String,
        /// Vietnamese name of the day.
        name: String,
        /// English name (defaults to the Vietnamese one).
        #[arg(long)]
        name_en: Option<String>,
    },
    /// Withdraw an administrator's decision for a date and restore the shipped default.
    Unset {
        /// The date, YYYY-MM-DD.
        date: String,
    },
}

fn main() -> ExitCode {
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
    Ok(db)
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            open(&config).await?.close().await;
            println!("migrated {}", config.database_display());
            Ok(())
        }
        Command::Seed {
            synthetic,
            random_seed,
        } => {
            let db = open(&config).await?;
            let report = db.seed_reference_data().await?;
            println!(
                "loaded {} agencies, {} procedures and {} calendar days into {}",
                report.agencies,
                report.procedures,
                report.calendar_days,
                config.database_display()
            );
            let result = match synthetic {
                Some(n) => seed_synthetic(&db, n, random_seed).await,
                None => Ok(()),
            };
            db.close().await;
            result
        }
        Command::Calendar(cmd) => calendar(cmd, &config).await,
        Command::Bench(args) => bench_command(args, &config).await,
        Command::Audit(cmd) => audit(cmd, &config).await,
        Command::ApiKey(ApiKeyCommand::Create {
            name,
            agency,
            scopes,
        }) => {
            let db = open(&config).await?;
            let issued = web::api_clients::keys::create_client_with_key(
                &db,
                &name,
                agency.as_deref(),
                &scopes,
                "cli",
            )
            .await;
            db.close().await;
            let issued = issued.context("cannot create the API client")?;
            println!("{}", issued.key);
            eprintln!(
                "key {} created; it is shown only this once: store it in the client's secret store now",
                issued.prefix
            );
            Ok(())
        }
        Command::PersonalData(PersonalDataCommand::Seal) => {
            let vault = personal_data_vault(&config)?;
            let db = open(&config).await?;
            let mut sealed = 0usize;
            let outcome: anyhow::Result<()> = async {
                loop {
                    let batch = db.contacts_with_clear_personal_id(500).await?;
                    if batch.is_empty() {
                        return Ok(());
                    }
                    let mut changed = 0;
                    for (id, contact) in &batch {
                        let new = vault.seal_contact(contact);
                        let hash = web::personal_data::PersonalDataVault::stored_hash(&new);
                        if new != *contact
                            && db
                                .replace_contact(*id, contact, &new, hash.as_deref())
                                .await?
                        {
                            changed += 1;
                        }
                    }
                    sealed += changed;
                    // Rows changed by someone else meanwhile are left for the next run.
                    if changed == 0 {
                        return Ok(());
                    }
                }
            }
            .await;
            // Authenticator secrets enrolled before they were sealed.
            let secrets: anyhow::Result<usize> = async {
                let mut n = 0;
                for (id, stored) in db.officer_second_factor_secrets().await? {
                    if web::personal_data::PersonalDataVault::is_sealed(&stored) {
                        continue;
                    }
                    let new = web::desk::second_factor::sealed_secret(&vault, &id, &stored);
                    if db
                        .replace_officer_second_factor_secret(&id, &stored, &new)
                        .await?
                    {
                        n += 1;
                    }
                }
                Ok(n)
            }
            .await;
            db.close().await;
            outcome?;
            let secrets = secrets?;
            println!(
                "sealed the personal IDs of {sealed} dossiers and {secrets} officers' authenticator secrets"
            );
            Ok(())
        }
        Command::Officer(OfficerCommand::Create {
            username,
            name,
            agency,
            role,
        }) => {
            use web::desk::accounts::{AccountError, NewAccount, create_officer_account};
            let username = username.trim().to_lowercase();
            anyhow::ensure!(
                web::desk::accounts::valid_username(&username),
                "the username must have 3 to 64 of a-z, 0-9, '.', '_' and '-'"
            );
            anyhow::ensure!(
                !name.trim().is_empty() && name.chars().count() <= 200,
                "give the full name (at most 200 characters)"
            );
            let role = domain::dossier::OfficerRole::parse(role.trim()).with_context(|| {
                format!("unknown role {role:?}: reception, handling, leader, unit_admin or auditor")
            })?;
            let db = open(&config).await?;
            db.seed_if_empty().await?;
            let known = db.agency_exists(agency.trim()).await;
            let created = match known {
                Ok(true) => {
                    create_officer_account(
                        &db,
                        &NewAccount {
                            username: &username,
                            full_name: name.trim(),
                            agency_code: agency.trim(),
                            role,
                        },
                    )
                    .await
                }
                Ok(false) => {
                    db.close().await;
                    anyhow::bail!("no agency has the code {:?}", agency.trim());
                }
                Err(e) => Err(AccountError::Failed(e.into())),
            };
            db.close().await;
            let password = match created {
                Ok(p) => p,
                Err(AccountError::Taken) => anyhow::bail!("the username {username} is taken"),
                Err(AccountError::Failed(e)) => anyhow::bail!("cannot create the account: {e}"),
            };
            println!("{password}");
            eprintln!(
                "officer {username} ({}) created; the temporary password is shown only this once",
                role.as_str()
            );
            Ok(())
        }
        Command::ApiKey(ApiKeyCommand::Revoke { prefix }) => {
            let db = open(&config).await?;
            let revoked = db
                .revoke_api_key(prefix.trim(), None, time::OffsetDateTime::now_utc())
                .await;
            db.close().await;
            if revoked? {
                println!("key {} revoked", prefix.trim());
                Ok(())
            } else {
                Err(anyhow::anyhow!(
                    "no live key has the prefix {}",
                    prefix.trim()
                ))
            }
        }
        Command::Sandbox {
            listen,
            paygov_partner_code,
            paygov_secret,
            paygov_callback_url,
            vnpay_tmn_code,
            vnpay_hash_secret,
            vnpay_ipn_url,
        } => {
            let options = sandbox::Options {
                paygov_partner_code,
                paygov_secret,
                paygov_callback_url,
                vnpay_tmn_code,
                vnpay_hash_secret,
                vnpay_ipn_url,
                ..sandbox::Options::default()
            };
            sandbox::run_with(listen, options, shutdown_signal())
                .await
                .with_context(|| format!("cannot run the sandbox on {listen}"))
        }
    }
}

/// `motcua seed --synthetic N`: N historical dossiers with a progress bar, then what was written.
async fn seed_synthetic(db: &Db, n: u64, seed: u64) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(n);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} dossiers, {per_sec}, {elapsed_precise} elapsed, about {eta} left",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let plan = bench::synthetic::Plan {
        dossiers: n,
        seed,
        now: time::OffsetDateTime::now_utc(),
    };
    let summary = bench::synthetic::seed_synthetic(db, &plan, &|done| bar.set_position(done))
        .await
        .context("cannot write the synthetic history")?;
    bar.finish();
    let seconds = summary.elapsed.as_secs_f64().max(0.001);
    println!(
        "wrote {} synthetic dossiers ({} events, {} payments, {} look-ups) across {} agencies in {:.1} s: {:.0} dossiers/s",
        summary.dossiers,
        summary.events,
        summary.payments,
        summary.lookups,
        summary.agencies,
        seconds,
        summary.dossiers as f64 / seconds
    );
    let share = |count: u64| count as f64 * 100.0 / summary.dossiers.max(1) as f64;
    for (status, count) in &summary.by_status {
        println!("  status {status:<22} {count:>9} ({:.1} %)", share(*count));
    }
    for (channel, count) in &summary.by_channel {
        println!(
            "  channel {channel:<21} {count:>9} ({:.1} %)",
            share(*count)
        );
    }
    println!(
        "  results on time {} and late {}; {} planned actions refused by the rules",
        summary.on_time, summary.late, summary.refused_actions
    );
    println!(
        "  planner statistics refreshed in {:.1} s",
        summary.statistics.as_secs_f64()
    );
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let db = open(&config).await?;
    if let Some(report) = db.seed_if_empty().await? {
        println!(
            "first start: loaded {} agencies, {} procedures and {} calendar days",
            report.agencies, report.procedures, report.calendar_days
        );
    }
    let reference = web::ReferenceData::load(&db, domain::calendar::OfficeHours::default())
        .await
        .context("cannot read the reference data")?;
    let (demo, demo_citizens) = if config.demo_accounts() {
        let failed = |e| anyhow::anyhow!("cannot create the demonstration accounts: {e}");
        (
            web::desk::accounts::ensure_demo_officers(&db, &reference)
                .await
                .map_err(failed)?,
            web::account::demo::ensure_demo_citizens(&db)
                .await
                .map_err(failed)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut state = web::AppState::new(db.clone(), reference);
    state.attachments_dir = config.attachments_dir();
    state.public_url = config.public_url();
    state.secure_cookies = config.secure_cookies;
    state.officer_second_factor_required = config.officer_second_factor();
    state.vault = personal_data_vault(&config)?;
    let payments = config.payments();
    state.gateways = payment_gateways(&payments)?;
    let registry = config.registry();
    if let Some(settings) = &registry {
        state.registry = Some(population_registry(&config, settings)?);
    }
    if let Some(settings) = &config.oidc {
        state.sso = Some(single_sign_on(&config, settings)?);
    }
    let retry_lookups = tokio::spawn(web::registry::retry_periodically(
        state.clone(),
        std::time::Duration::from_secs(
            registry
                .as_ref()
                .and_then(|r| r.retry_every_secs)
                .unwrap_or(60)
                .max(5),
        ),
    ));
    let reconcile = tokio::spawn(web::payments::reconcile::run(
        state.clone(),
        std::time::Duration::from_secs(payments.reconcile_every_secs.unwrap_or(60).max(5)),
    ));
    let reload = tokio::spawn(web::reference::reload_periodically(
        db.clone(),
        state.reference.clone(),
        std::time::Duration::from_secs(60),
    ));
    let app = web::app(state);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    if !demo.is_empty() {
        println!(
            "first start: created demonstration officers (password \"{}\"), sign in at /back-office/sign-in",
            web::desk::accounts::DEMO_PASSWORD
        );
        for officer in &demo {
            println!(
                "  {:<14} {:<10} {}",
                officer.username,
                officer.role.as_str(),
                officer.unit_name
            );
        }
    }
    if !demo_citizens.is_empty() {
        println!(
            "first start: created demonstration citizens (password \"{}\"), sign in at /account/sign-in",
            web::desk::accounts::DEMO_PASSWORD
        );
        for (login, name) in &demo_citizens {
            println!("  {login:<16} {name}");
        }
    }
    println!("motcua is serving http://{address}/");
    println!("database: {}", config.database_display());
    println!("attachments: {}", config.attachments_dir().display());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server failed")?;
    reload.abort();
    reconcile.abort();
    retry_lookups.abort();
    db.close().await;
    // The terminal may be gone by now; failing to say goodbye is not a failure.
    let _ = writeln!(std::io::stdout(), "motcua stopped");
    Ok(())
}

/// The population database client of the configuration, with the key of its log's hashes.
fn personal_data_vault(config: &Config) -> anyhow::Result<web::personal_data::PersonalDataVault> {
    let key = match &config.personal_data_key {
        Some(hex) => web::registry::parse_key(hex.expose())
            .context("personal_data_key must be hex, at least 32 digits")?,
        None => {
            if !config.embedded() {
                tracing::warn!(
                    "no personal_data_key configured: using {}; every server of this database needs the same key",
                    config.personal_data_key_file().display()
                );
            }
            std::fs::create_dir_all(&config.data_dir)
                .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
            web::registry::load_or_create_key(&config.personal_data_key_file()).with_context(
                || format!("cannot use {}", config.personal_data_key_file().display()),
            )?
        }
    };
    Ok(web::personal_data::PersonalDataVault::new(&key))
}

fn single_sign_on(
    config: &Config,
    settings: &config::OidcSettings,
) -> anyhow::Result<web::account::SingleSignOn> {
    use integrations::oidc::{OidcClient, OidcConfig};
    let client = OidcClient::new(OidcConfig {
        issuer: settings.issuer.trim().to_owned(),
        client_id: settings.client_id.clone(),
        client_secret: settings.client_secret.clone(),
        redirect_url: format!("{}/account/sso/callback", config.public_url()),
        scopes: settings
            .scopes
            .clone()
            .unwrap_or_else(|| vec!["profile".into(), "email".into(), "phone".into()]),
        timeout: std::time::Duration::from_millis(settings.timeout_ms.unwrap_or(5000)),
    })
    .context("oidc: cannot build the client")?;
    Ok(web::account::SingleSignOn {
        client: std::sync::Arc::new(client),
        name: settings.name.clone().unwrap_or_else(|| "VNeID".into()),
    })
}

fn population_registry(
    config: &Config,
    settings: &config::RegistryConfig,
) -> anyhow::Result<web::registry::Registry> {
    use integrations::registry::{Credentials, HttpRegistry, HttpRegistryConfig};
    let endpoint = settings.endpoint.clone().unwrap_or_default();
    let credentials = match (
        &settings.token,
        &settings.client_id,
        &settings.client_secret,
    ) {
        (Some(token), _, _) => Credentials::Token(token.clone()),
        (None, Some(id), Some(secret)) => Credentials::Client {
            id: id.clone(),
            secret: secret.clone(),
        },
        _ => anyhow::bail!("registry: give either token, or client_id and client_secret"),
    };
    let mut client = HttpRegistryConfig::new(&endpoint, credentials);
    if let Some(ms) = settings.timeout_ms {
        client.timeout = std::time::Duration::from_millis(ms.max(100));
    }
    let client = HttpRegistry::new(client).context("registry.endpoint is not valid")?;
    let key = match (&settings.hash_key, config.embedded()) {
        (Some(hex), _) => web::registry::parse_key(hex.expose())
            .context("registry.hash_key must be hex, at least 32 digits")?,
        (None, true) => web::registry::load_or_create_key(&config.registry_key_file())
            .with_context(|| format!("cannot use {}", config.registry_key_file().display()))?,
        (None, false) => anyhow::bail!(
            "registry.hash_key is required with a database URL (every process needs the same key)"
        ),
    };
    let mut registry = web::registry::Registry::new(std::sync::Arc::new(client), key);
    if let Some(n) = settings.lookups_per_user {
        registry = registry.with_limit(n.max(1), web::registry::DEFAULT_LIMIT_WINDOW);
    }
    println!("population database: {endpoint}");
    Ok(registry)
}

/// Builds the payment gateway clients of the configuration.
fn payment_gateways(payments: &config::PaymentsConfig) -> anyhow::Result<web::payments::Gateways> {
    use integrations::payment::{PayGov, PayGovConfig, PaymentGateway, VnPay, VnPayConfig};
    let mut list: Vec<std::sync::Arc<dyn PaymentGateway>> = Vec::new();
    if let Some(p) = &payments.paygov {
        let gateway = PayGov::new(PayGovConfig::new(&p.endpoint, &p.partner_code, &p.secret))
            .context("payments.paygov is not valid")?;
        list.push(std::sync::Arc::new(gateway));
    }
    if let Some(v) = &payments.vnpay {
        let gateway = VnPay::new(VnPayConfig::new(
            &v.payment_url,
            &v.api_url,
            &v.tmn_code,
            &v.hash_secret,
        ))
        .context("payments.vnpay is not valid")?;
        list.push(std::sync::Arc::new(gateway));
    }
    // The pay form redirects to these pages, so the portal's pages must allow them as form
    // targets. PayGov's page is on the platform's own address.
    let pages = payments
        .paygov
        .iter()
        .map(|p| p.endpoint.as_str())
        .chain(payments.vnpay.iter().map(|v| v.payment_url.as_str()));
    Ok(web::payments::Gateways::new(list).with_payment_pages(pages))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

async fn bench_command(args: BenchArgs, config: &Config) -> anyhow::Result<()> {
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

async fn audit(cmd: AuditCommand, config: &Config) -> anyhow::Result<()> {
    let db = open(config).await?;
    let outcome = match cmd {
        AuditCommand::Verify => {
            let report = db.verify_audit_chain().await?;
            println!(
                "checked {} dossiers, {} events, {} checkpoints",
                report.dossiers, report.events, report.checkpoints
            );
            match report.first_broken {
                None => {
                    println!("the audit chain verifies");
                    Ok(())
                }
                Some(b) => Err(anyhow::anyhow!(
                    "the audit chain is broken at {} event {}: {}",
                    b.dossier,
                    b.seq,
                    b.reason
                )),
            }
        }
        AuditCommand::Checkpoint => {
            // Transactions in flight now commit within seconds; five minutes is far beyond that.
            let watermark = time::OffsetDateTime::now_utc() - time::Duration::minutes(5);
            let seq = db.write_checkpoint(watermark).await?;
            println!("checkpoint {seq} recorded");
            Ok(())
        }
    };
    db.close().await;
    outcome
}

fn parse_date(text: &str) -> anyhow::Result<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .with_context(|| format!("{text:?} is not a date in the form YYYY-MM-DD"))
}

async fn calendar(cmd: CalendarCommand, config: &Config) -> anyhow::Result<()> {
    let db = open(config).await?;
    match cmd {
        CalendarCommand::List { year } => {
            let first = Date::from_calendar_date(year, time::Month::January, 1)
                .with_context(|| format!("{year} is not a valid year"))?;
            let last = Date::from_calendar_date(year, time::Month::December, 31)
                .with_context(|| format!("{year} is not a valid year"))?;
            for (day, source) in db.calendar_days(first, last).await? {
                println!(
                    "{}  {:<12}  {:<8}  {}",
                    day.date,
                    day.kind.as_str(),
                    source.as_str(),
                    day.name
                );
            }
        }
        CalendarCommand::Set {
            date,
            kind,
            name,
            name_en,
        } => {
            let date = parse_date(&date)?;
            let kind = DayKind::parse(&kind).with_context(|| {
                format!("{kind:?} is not a day kind: use holiday, compensatory or working_day")
            })?;
            let day = CalendarDay {
                date,
                kind,
                name_en: name_en.unwrap_or_else(|| name.clone()),
                name,
            };
            db.set_calendar_day(&day).await?;
            println!("{} is now {} ({})", day.date, day.kind.as_str(), day.name);
        }
        CalendarCommand::Unset { date } => {
            let date = parse_date(&date)?;
            let shipped = storage::reference_data::shipped_days(date.year())?
                .into_iter()
                .find(|(d, _)| d.date == date);
            if db.unset_calendar_day(date, shipped).await? {
                println!("{date}: the administrator's decision was withdrawn");
            } else {
                println!("{date}: no administrator's decision was recorded; nothing changed");
            }
        }
    }
    db.close().await;
    Ok(())
}
