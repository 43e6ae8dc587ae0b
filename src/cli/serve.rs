//! `motcua serve` (the default command): build the application layer from the configuration
//! (reference data, demonstration accounts, the personal-data vault, payment gateways, the
//! population registry), the web state (single sign-on, cookies, addresses), start the
//! background jobs and serve HTTP until a shutdown signal; and `motcua worker`, the jobs alone.

use std::io::Write as _;

use anyhow::Context as _;

use super::open;
use crate::config::{self, Config};

/// The application layer of the configuration: the database (seeded on first start), the
/// reference data, the personal-data vault, the payment gateways and the population registry.
/// Shared by `serve` and `worker`, so both run the same jobs over the same services.
pub(super) async fn application(config: &Config) -> anyhow::Result<app::App> {
    let db = open(config).await?;
    if let Some(report) = db.seed_if_empty().await? {
        println!(
            "first start: loaded {} agencies, {} procedures and {} calendar days",
            report.agencies, report.procedures, report.calendar_days
        );
    }
    let reference = app::ReferenceData::load(&db, domain::calendar::OfficeHours::default())
        .await
        .context("cannot read the reference data")?;
    let mut application = app::App::new(db, reference);
    application.vault = personal_data_vault(config)?;
    application.gateways = payment_gateways(&config.payments())?;
    if let Some(settings) = &config.registry() {
        application.registry = Some(population_registry(config, settings)?);
    }
    application.notifier = notifier(config)?;
    if !application.notifier.configured() {
        println!("notifications: not configured (no [notifications] section): no notice is sent");
    }
    application.webhooks = webhooks(config)?;
    Ok(application)
}

/// How events go to connected systems' endpoints.
fn webhooks(config: &Config) -> anyhow::Result<app::webhooks::Webhooks> {
    use integrations::webhook::{AddressPolicy, HttpWebhookSender, WebhookConfig};
    let settings = config.webhooks.clone().unwrap_or_default();
    let policy = AddressPolicy {
        allow_private: settings.allow_private_addresses.unwrap_or(false),
    };
    let mut transport = WebhookConfig {
        policy,
        ..WebhookConfig::default()
    };
    if let Some(ms) = settings.timeout_ms {
        // Well under the deliveries' ten-minute lease, so a slow receiver is never sent the
        // same event by a second process while the first still waits.
        transport.timeout = std::time::Duration::from_millis(ms.clamp(100, 60_000));
    }
    let sender = HttpWebhookSender::new(transport).context("webhooks")?;
    let mut webhooks = app::webhooks::Webhooks {
        sender: Some(std::sync::Arc::new(sender)),
        policy,
        ..app::webhooks::Webhooks::default()
    };
    if let Some(hours) = settings.give_up_after_hours {
        webhooks.give_up_after = std::time::Duration::from_secs(hours.max(1) * 3600);
    }
    Ok(webhooks)
}

/// The mail relay and SMS gateway of the configuration, and the links the notices carry.
fn notifier(config: &Config) -> anyhow::Result<app::notifications::Notifier> {
    use integrations::notify::{SmsConfig, SmsGateway, SmtpConfig, SmtpMailer, SmtpSecurity};
    let settings = config.notifications();
    let mut notifier = app::notifications::Notifier {
        public_url: config.public_url(),
        ..app::notifications::Notifier::default()
    };
    if let Some(hours) = settings.give_up_after_hours {
        notifier.give_up_after = std::time::Duration::from_secs(hours.max(1) * 3600);
    }
    if let Some(smtp) = &settings.smtp {
        let security = match smtp.security.as_deref().map(str::trim) {
            None | Some("tls") => SmtpSecurity::Tls,
            Some("starttls") => SmtpSecurity::StartTls,
            Some("plain") => SmtpSecurity::Plain,
            Some(other) => anyhow::bail!(
                "notifications.smtp.security: \"{other}\" is not tls, starttls or plain"
            ),
        };
        let mut mail = SmtpConfig::new(
            &smtp.host,
            smtp.port.unwrap_or_else(|| security.default_port()),
            security,
            &smtp.from,
        );
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            mail = mail.with_credentials(user, password);
        }
        if let Some(ms) = smtp.timeout_ms {
            mail.timeout = std::time::Duration::from_millis(ms.max(100));
        }
        let mailer = SmtpMailer::new(mail).context("notifications.smtp")?;
        notifier.mailer = Some(std::sync::Arc::new(mailer));
    }
    if let Some(sms) = &settings.sms {
        let mut gateway =
            SmsConfig::new(&sms.endpoint, &sms.api_key, &sms.secret_key, &sms.brandname);
        if let Some(ms) = sms.timeout_ms {
            gateway.timeout = std::time::Duration::from_millis(ms.max(100));
        }
        let sender = SmsGateway::new(gateway).context("notifications.sms")?;
        notifier.sms = Some(std::sync::Arc::new(sender));
    }
    Ok(notifier)
}

/// How often the standard jobs run, from the configuration.
pub(super) fn job_intervals(config: &Config) -> app::jobs::Intervals {
    let secs = |n: Option<u64>| std::time::Duration::from_secs(n.unwrap_or(60).max(5));
    app::jobs::Intervals {
        reconcile: secs(config.payments().reconcile_every_secs),
        registry_retry: secs(config.registry().and_then(|r| r.retry_every_secs)),
        notify: std::time::Duration::from_secs(
            config.notifications().every_secs.unwrap_or(2).max(1),
        ),
        ..app::jobs::Intervals::default()
    }
}

/// Serves the portal and the back office until Ctrl-C or SIGTERM, with the background jobs
/// beside it, then stops the jobs and closes the database.
pub(super) async fn run(config: Config) -> anyhow::Result<()> {
    let application = application(&config).await?;
    let db = application.db.clone();
    let (demo, demo_citizens) = if config.demo_accounts() {
        let failed = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!("cannot create the demonstration accounts: {e}")
        };
        let reference = application.reference.get();
        (
            app::accounts::officers::ensure_demo_officers(&db, &reference)
                .await
                .map_err(|e| failed(&e))?,
            app::accounts::citizens::ensure_demo_citizens(&db)
                .await
                .map_err(|e| failed(&e))?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let jobs = app::jobs::Runner::standard(
        application.clone(),
        app::jobs::process_holder(),
        job_intervals(&config),
    )
    .spawn();
    let mut state = web::AppState::new(application);
    state.attachments_dir = config.attachments_dir();
    state.public_url = config.public_url();
    state.secure_cookies = config.secure_cookies;
    state.hsts = config.secure_cookies;
    state.trusted_proxies = web::limits::TrustedProxies {
        addresses: config.trusted_proxies.clone().unwrap_or_default(),
        header: config
            .client_ip_header
            .as_deref()
            .unwrap_or("x-forwarded-for")
            .trim()
            .to_ascii_lowercase(),
    };
    state.metrics_token = config.metrics_token.as_ref().map(|t| t.expose().to_owned());
    state.officer_second_factor_required = config.officer_second_factor();
    state.payment_pages = payment_pages(&config.payments());
    if let Some(settings) = &config.oidc {
        state.sso = Some(single_sign_on(&config, settings)?);
    }
    let app = web::app(state);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    if !demo.is_empty() {
        println!(
            "first start: created demonstration officers (password \"{}\"), sign in at /back-office/sign-in",
            app::accounts::officers::DEMO_PASSWORD
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
            app::accounts::officers::DEMO_PASSWORD
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
    for job in jobs {
        job.abort();
    }
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
) -> anyhow::Result<app::personal_data::PersonalDataVault> {
    let key = match &config.personal_data_key {
        Some(hex) => app::registry::parse_key(hex.expose())
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
            app::registry::load_or_create_key(&config.personal_data_key_file()).with_context(
                || format!("cannot use {}", config.personal_data_key_file().display()),
            )?
        }
    };
    Ok(app::personal_data::PersonalDataVault::new(&key))
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
) -> anyhow::Result<app::registry::Registry> {
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
        (Some(hex), _) => app::registry::parse_key(hex.expose())
            .context("registry.hash_key must be hex, at least 32 digits")?,
        (None, true) => app::registry::load_or_create_key(&config.registry_key_file())
            .with_context(|| format!("cannot use {}", config.registry_key_file().display()))?,
        (None, false) => anyhow::bail!(
            "registry.hash_key is required with a database URL (every process needs the same key)"
        ),
    };
    let mut registry = app::registry::Registry::new(std::sync::Arc::new(client), key);
    if let Some(n) = settings.lookups_per_user {
        registry = registry.with_limit(n.max(1), app::registry::DEFAULT_LIMIT_WINDOW);
    }
    println!("population database: {endpoint}");
    Ok(registry)
}

/// Builds the payment gateway clients of the configuration.
fn payment_gateways(payments: &config::PaymentsConfig) -> anyhow::Result<app::payments::Gateways> {
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
    Ok(app::payments::Gateways::new(list))
}

/// The origins of the gateways' payment pages: the pay form redirects there, so the portal's
/// pages must allow them as form targets. PayGov's page is on the platform's own address.
fn payment_pages(payments: &config::PaymentsConfig) -> Vec<String> {
    web::payments::page_origins(
        payments
            .paygov
            .iter()
            .map(|p| p.endpoint.as_str())
            .chain(payments.vnpay.iter().map(|v| v.payment_url.as_str())),
    )
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

/// `motcua worker`: the background jobs without the web server, for deployments with several
/// web processes (each job that must run once is leased, so any number of workers and servers
/// share the work without doing any of it twice). Runs until Ctrl-C or SIGTERM.
pub(super) async fn worker(config: Config) -> anyhow::Result<()> {
    let application = application(&config).await?;
    let db = application.db.clone();
    let runner = app::jobs::Runner::standard(
        application,
        app::jobs::process_holder(),
        job_intervals(&config),
    );
    println!(
        "motcua worker is running: {}",
        runner.job_names().join(", ")
    );
    println!("database: {}", config.database_display());
    let jobs = runner.spawn();
    shutdown_signal().await;
    for job in jobs {
        job.abort();
    }
    db.close().await;
    let _ = writeln!(std::io::stdout(), "motcua worker stopped");
    Ok(())
}
