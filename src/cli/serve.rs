//! `motcua serve` (the default command): build the application state from the configuration
//! (reference data, demonstration accounts, the personal-data vault, payment gateways, the
//! population registry, single sign-on), start the background loops and serve HTTP until a
//! shutdown signal.

use std::io::Write as _;

use anyhow::Context as _;

use super::open;
use crate::config::{self, Config};

/// Serves the portal and the back office until Ctrl-C or SIGTERM, then stops the loops and
/// closes the database.
pub(super) async fn run(config: Config) -> anyhow::Result<()> {
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

/// The personal-data vault of the configuration: sealed with `personal_data_key`, or with a key
/// kept in the data directory (created on first use) when none is configured. `personal-data
/// seal` builds the same vault.
pub(super) fn personal_data_vault(
    config: &Config,
) -> anyhow::Result<web::personal_data::PersonalDataVault> {
    let key = match config.personal_data_key.as_deref() {
        Some(hex) => web::registry::parse_key(hex)
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
        (Some(hex), _) => web::registry::parse_key(hex)
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

pub(super) async fn shutdown_signal() {
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
