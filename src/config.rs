//! Configuration: compiled-in defaults (so `cargo run` needs nothing), then an optional TOML file,
//! then `MOTCUA_*` environment variables, each layer overriding the one before. Keys and
//! secrets are [`Secret`]s, so printing a configuration never prints them; they are never
//! serialised either (`skip_serializing`: the compiled-in defaults, the only thing serialised,
//! hold none).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use integrations::Secret;
use serde::{Deserialize, Serialize};

/// Settings of one motcua process.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to serve on (`MOTCUA_LISTEN`).
    pub listen: SocketAddr,
    /// Folder for the embedded database and the attachment store (`MOTCUA_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…` (`MOTCUA_DATABASE_URL`); default: SQLite in the data folder.
    pub database_url: Option<String>,
    /// Most connections the server reads with (`MOTCUA_DATABASE_CONNECTIONS`); default 16 on
    /// PostgreSQL, where every connection reads and writes and each is a server process, and on
    /// SQLite four readers per core (writes go through one more connection of their own).
    pub database_connections: Option<u32>,
    /// Log filter in `tracing` syntax (`MOTCUA_LOG`), e.g. `info,web=debug`.
    pub log: String,
    /// Address the public reaches the portal at (`MOTCUA_PUBLIC_URL`), printed in the QR codes
    /// of forms; default: the listening address over http.
    pub public_url: Option<String>,
    /// Mark session cookies `Secure` (`MOTCUA_SECURE_COOKIES`): set it when served over TLS. It
    /// also sends `Strict-Transport-Security` (a year), so browsers never use plain http again.
    pub secure_cookies: bool,
    /// Addresses of the reverse proxies in front of motcua (`MOTCUA_TRUSTED_PROXIES`, e.g.
    /// `["10.0.0.2"]`): from them alone, the client's address is read from
    /// [`Config::client_ip_header`], for the limits on failed sign-ins and look-ups. Default:
    /// none, and the TCP peer is the client.
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
    /// The header those proxies put the client's address in (`MOTCUA_CLIENT_IP_HEADER`);
    /// default `X-Forwarded-For`, the right-most address not a trusted proxy's being taken.
    pub client_ip_header: Option<String>,
    /// Bearer token that `/metrics` asks for (`MOTCUA_METRICS_TOKEN`). Default: none, and
    /// `/metrics` answers only requests from the machine itself (loopback).
    #[serde(skip_serializing)]
    pub metrics_token: Option<Secret>,
    /// Create demonstration officer accounts on first start (`MOTCUA_DEMO_ACCOUNTS`); default:
    /// only for the embedded SQLite database, never when a database URL is configured.
    pub demo_accounts: Option<bool>,
    /// Officers must enrol an authenticator app before using the back office
    /// (`MOTCUA_OFFICER_SECOND_FACTOR`); default: required, except where demonstration
    /// accounts are created (the embedded default), whose passwords are public anyway.
    pub officer_second_factor: Option<bool>,
    /// Secret that seals applicants' personal IDs at rest and keys their look-up hash, in hex,
    /// at least 32 digits (`MOTCUA_PERSONAL_DATA_KEY`); every process of a deployment needs the
    /// same one, kept apart from the database's backups. Default: generated into
    /// `<data_dir>/personal-data.key` on first start.
    #[serde(skip_serializing)]
    pub personal_data_key: Option<Secret>,
    /// Online payment gateways (`[payments]` in motcua.toml). Absent: the embedded default uses
    /// the gateways of `motcua sandbox` on 127.0.0.1:8090; a configured database uses none until
    /// the province writes its own.
    pub payments: Option<PaymentsConfig>,
    /// The national population database through the province's LGSP (`[registry]` in
    /// motcua.toml, `MOTCUA_REGISTRY_*`). Absent: the embedded default looks up in `motcua
    /// sandbox` on 127.0.0.1:8090; a configured database looks up nowhere until configured.
    pub registry: Option<RegistryConfig>,
    /// Single sign-on for citizens through an OpenID Connect provider, such as the national
    /// portal's accounts or VNeID (`[oidc]` in motcua.toml, `MOTCUA_OIDC_*`). Absent: citizens
    /// sign in with a password only.
    pub oidc: Option<OidcSettings>,
    /// Notices to applicants by e-mail and SMS (`[notifications]` in motcua.toml). Absent: the
    /// embedded default sends to the SMTP sink and SMS gateway of `motcua sandbox`
    /// (127.0.0.1:2525 and 127.0.0.1:8090); a configured database sends nothing until the
    /// province names its servers.
    pub notifications: Option<NotificationsConfig>,
    /// Events to connected systems' endpoints (`[webhooks]` in motcua.toml). Absent: sent, to
    /// public addresses only, tried for 72 hours.
    pub webhooks: Option<WebhooksConfig>,
}

/// The `[webhooks]` section: how events are sent to the endpoints API clients register.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Let endpoints be on loopback, private or link-local addresses, and over plain HTTP
    /// (a receiver inside the province's own network, tests); default false, because otherwise
    /// a client could make the server call its neighbours (server-side request forgery).
    pub allow_private_addresses: Option<bool>,
    /// Hours an event is tried before it is given up; default 72.
    pub give_up_after_hours: Option<u64>,
    /// Longest wait for one receiver's answer, in milliseconds; default 10000, at most 60000.
    pub timeout_ms: Option<u64>,
}

/// The `[notifications]` section: the mail relay and the SMS brandname gateway.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationsConfig {
    /// The mail relay (`[notifications.smtp]`); absent: no e-mail.
    pub smtp: Option<SmtpSettings>,
    /// The SMS gateway (`[notifications.sms]`); absent: no SMS.
    pub sms: Option<SmsSettings>,
    /// Hours a notice is tried before it is given up; default 48.
    pub give_up_after_hours: Option<u64>,
    /// Seconds between two rounds of composing and sending; default 2.
    pub every_secs: Option<u64>,
}

/// `[notifications.smtp]`: where the mail relay is and how to use it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Host name of the relay.
    pub host: String,
    /// Port; default by `security`: 465, 587, or 25.
    pub port: Option<u16>,
    /// `tls` (SMTPS, the default), `starttls`, or `plain` (only for the local sandbox).
    pub security: Option<String>,
    /// User name, when the relay asks for one.
    pub username: Option<String>,
    /// Its password.
    #[serde(skip_serializing)]
    pub password: Option<Secret>,
    /// The sender, e.g. `Cổng dịch vụ công <no-reply@dichvucong.example.gov.vn>`.
    pub from: String,
    /// Longest wait for one exchange, in milliseconds; default 30000.
    pub timeout_ms: Option<u64>,
}

/// `[notifications.sms]`: the SMS brandname gateway (eSMS's JSON API).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    /// Base URL of the gateway, e.g. `https://rest.esms.vn`.
    pub endpoint: String,
    /// `ApiKey` issued by the gateway.
    pub api_key: String,
    /// `SecretKey` issued with it.
    #[serde(skip_serializing)]
    pub secret_key: Secret,
    /// The registered sender name.
    pub brandname: String,
    /// Longest wait for one exchange, in milliseconds; default 10000.
    pub timeout_ms: Option<u64>,
}

impl NotificationsConfig {
    /// The SMTP sink and SMS gateway of `motcua sandbox` with its default credentials (its
    /// banner prints the same), for the embedded default and demonstrations.
    pub fn sandbox(smtp: &str, http: &str) -> Self {
        let (host, port) = smtp.rsplit_once(':').unwrap_or((smtp, "2525"));
        NotificationsConfig {
            smtp: Some(SmtpSettings {
                host: host.to_owned(),
                port: port.parse().ok(),
                security: Some("plain".into()),
                username: None,
                password: None,
                from: "Cổng dịch vụ công – sandbox <no-reply@motcua.invalid>".into(),
                timeout_ms: Some(5000),
            }),
            sms: Some(SmsSettings {
                endpoint: format!("{http}/esms"),
                api_key: "sandbox-sms-key".into(),
                secret_key: "sandbox-sms-secret".into(),
                brandname: "MOTCUA".into(),
                timeout_ms: Some(5000),
            }),
            give_up_after_hours: None,
            every_secs: None,
        }
    }
}

/// The `[oidc]` section: how motcua is registered with the identity provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    /// Issuer URL, exactly as the provider's metadata spells it (`MOTCUA_OIDC_ISSUER`).
    pub issuer: String,
    /// Client id issued by the provider (`MOTCUA_OIDC_CLIENT_ID`).
    pub client_id: String,
    /// Its secret (`MOTCUA_OIDC_CLIENT_SECRET`).
    #[serde(skip_serializing)]
    pub client_secret: Secret,
    /// The provider's name on the sign-in button; default "VNeID".
    pub name: Option<String>,
    /// Scopes asked for besides `openid`; default profile, email and phone.
    pub scopes: Option<Vec<String>>,
    /// Longest wait for one call to the provider, in milliseconds; default 5000.
    pub timeout_ms: Option<u64>,
}

/// `MOTCUA_OIDC_*` variables, read into `[oidc]`.
const OIDC_ENV_KEYS: [&str; 5] = ["issuer", "client_id", "client_secret", "name", "timeout_ms"];

/// The `[registry]` section: where the population database's gateway is and how to use it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryConfig {
    /// Base URL of the LGSP gateway (`MOTCUA_REGISTRY_ENDPOINT`); empty: no look-ups.
    pub endpoint: Option<String>,
    /// OAuth client id issued by the platform (`MOTCUA_REGISTRY_CLIENT_ID`).
    pub client_id: Option<String>,
    /// Its secret (`MOTCUA_REGISTRY_CLIENT_SECRET`).
    #[serde(skip_serializing)]
    pub client_secret: Option<Secret>,
    /// A long-lived bearer token instead of client credentials (`MOTCUA_REGISTRY_TOKEN`).
    #[serde(skip_serializing)]
    pub token: Option<Secret>,
    /// Longest wait for one exchange, in milliseconds; default 5000.
    pub timeout_ms: Option<u64>,
    /// Key of the look-up log's HMAC-SHA256 of personal IDs, in hex, at least 32 digits
    /// (`MOTCUA_REGISTRY_HASH_KEY`); every process of a deployment needs the same one. Default,
    /// for the embedded database only: generated into `<data_dir>/registry-hash.key`.
    #[serde(skip_serializing)]
    pub hash_key: Option<Secret>,
    /// Look-ups one user may make in ten minutes; default 30.
    pub lookups_per_user: Option<usize>,
    /// Seconds between two rounds of retrying look-ups that got no answer; default 60.
    pub retry_every_secs: Option<u64>,
}

impl RegistryConfig {
    /// The registry of `motcua sandbox` with its default credentials (its banner prints the
    /// same), for the embedded default and demonstrations.
    pub fn sandbox(base: &str) -> Self {
        RegistryConfig {
            endpoint: Some(base.to_owned()),
            client_id: Some("motcua".into()),
            client_secret: Some("sandbox-secret".into()),
            ..RegistryConfig::default()
        }
    }
}

/// `MOTCUA_REGISTRY_*` variables, read into `[registry]`.
const REGISTRY_ENV_KEYS: [&str; 8] = [
    "endpoint",
    "client_id",
    "client_secret",
    "token",
    "timeout_ms",
    "hash_key",
    "lookups_per_user",
    "retry_every_secs",
];

/// The `[payments]` section: each gateway the province has a contract with.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentsConfig {
    /// The national payment platform (`[payments.paygov]`).
    pub paygov: Option<PayGovSettings>,
    /// VNPay (`[payments.vnpay]`).
    pub vnpay: Option<VnPaySettings>,
    /// Seconds between two reconciliation rounds of payments left pending; default 60.
    pub reconcile_every_secs: Option<u64>,
}

/// How to reach the national payment platform.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayGovSettings {
    /// Base URL of the platform.
    pub endpoint: String,
    /// motcua's partner code (`MaDoiTac`).
    pub partner_code: String,
    /// The shared secret of the checksums.
    #[serde(skip_serializing)]
    pub secret: Secret,
}

/// How to reach VNPay.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VnPaySettings {
    /// The payment page (`vpcpay.html`).
    pub payment_url: String,
    /// The merchant API (query and refund).
    pub api_url: String,
    /// motcua's terminal code (`vnp_TmnCode`).
    pub tmn_code: String,
    /// The HMAC-SHA512 secret (`vnp_HashSecret`).
    #[serde(skip_serializing)]
    pub hash_secret: Secret,
}

impl PaymentsConfig {
    /// The gateways of `motcua sandbox` with its default codes and secrets (its start-up banner
    /// prints the same), for the embedded default and demonstrations.
    pub fn sandbox(base: &str) -> Self {
        PaymentsConfig {
            paygov: Some(PayGovSettings {
                endpoint: format!("{base}/paygov"),
                partner_code: "MOTCUA01".into(),
                secret: "sandbox-paygov-secret".into(),
            }),
            vnpay: Some(VnPaySettings {
                payment_url: format!("{base}/vnpay/paymentv2/vpcpay.html"),
                api_url: format!("{base}/vnpay/merchant_webapi/api/transaction"),
                tmn_code: "MOTCUA01".into(),
                hash_secret: "sandbox-vnpay-secret".into(),
            }),
            reconcile_every_secs: None,
        }
    }
}

/// Keys read from `MOTCUA_*` variables; other variables with the prefix (set for other tools,
/// or by a typo) are ignored rather than fatal.
const ENV_KEYS: [&str; 13] = [
    "listen",
    "data_dir",
    "database_url",
    "database_connections",
    "log",
    "public_url",
    "secure_cookies",
    "trusted_proxies",
    "client_ip_header",
    "metrics_token",
    "demo_accounts",
    "officer_second_factor",
    "personal_data_key",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            database_connections: None,
            log: "info".into(),
            public_url: None,
            secure_cookies: false,
            trusted_proxies: None,
            client_ip_header: None,
            metrics_token: None,
            demo_accounts: None,
            officer_second_factor: None,
            personal_data_key: None,
            payments: None,
            registry: None,
            oidc: None,
            notifications: None,
            webhooks: None,
        }
    }
}

impl Config {
    /// Reads defaults, then the file, then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} not found",
                    path.display()
                );
                figment = figment.merge(Toml::file_exact(path));
            }
            None => figment = figment.merge(Toml::file("motcua.toml")),
        }
        figment
            .merge(Env::prefixed("MOTCUA_").only(&ENV_KEYS))
            .merge(
                Env::prefixed("MOTCUA_REGISTRY_")
                    .only(&REGISTRY_ENV_KEYS)
                    .map(|k| format!("registry.{k}").into()),
            )
            .merge(
                Env::prefixed("MOTCUA_OIDC_")
                    .only(&OIDC_ENV_KEYS)
                    .map(|k| format!("oidc.{k}").into()),
            )
            .extract()
            .context("check motcua.toml and the MOTCUA_* environment variables")
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => format!("sqlite://{}", self.data_dir.join("motcua.db").display()),
        }
    }

    /// The database for people to read: the file path, or the URL without its password.
    pub fn database_display(&self) -> String {
        let url = self.database_url();
        if let Some(path) = url.strip_prefix("sqlite://") {
            return path.to_owned();
        }
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                let credentials = &url[scheme + 3..at];
                match credentials.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                    None => url,
                }
            }
            _ => url,
        }
    }

    /// The public address printed in forms' QR codes.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
            _ => format!("http://{}", self.listen),
        }
    }

    /// Whether to create the demonstration accounts.
    pub fn demo_accounts(&self) -> bool {
        self.demo_accounts.unwrap_or_else(|| {
            self.database_url
                .as_deref()
                .is_none_or(|u| u.trim().is_empty())
        })
    }

    /// The payment gateways in force: the configured ones, or the sandbox's for the embedded
    /// default.
    pub fn payments(&self) -> PaymentsConfig {
        match &self.payments {
            Some(p) => p.clone(),
            None if self.demo_accounts() => PaymentsConfig::sandbox("http://127.0.0.1:8090"),
            None => PaymentsConfig::default(),
        }
    }

    /// Whether officers must use a second factor.
    pub fn officer_second_factor(&self) -> bool {
        self.officer_second_factor
            .unwrap_or_else(|| !self.demo_accounts())
    }

    /// Whether this is the embedded default (SQLite in the data folder, no database URL).
    pub fn embedded(&self) -> bool {
        self.database_url
            .as_deref()
            .is_none_or(|u| u.trim().is_empty())
    }

    /// The population database settings in force: the configured ones, or the sandbox's for
    /// the embedded default; `None` when look-ups are off.
    pub fn registry(&self) -> Option<RegistryConfig> {
        let settings = match &self.registry {
            Some(r) => r.clone(),
            None if self.embedded() => RegistryConfig::sandbox("http://127.0.0.1:8090"),
            None => return None,
        };
        settings
            .endpoint
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty())
            .then_some(settings)
    }

    /// The notification settings in force: the configured ones, or the sandbox's for the
    /// embedded default; nothing to send otherwise.
    pub fn notifications(&self) -> NotificationsConfig {
        match &self.notifications {
            Some(n) => n.clone(),
            None if self.embedded() => {
                NotificationsConfig::sandbox("127.0.0.1:2525", "http://127.0.0.1:8090")
            }
            None => NotificationsConfig::default(),
        }
    }

    /// Where the embedded default keeps the generated key of the look-up log's hashes.
    pub fn registry_key_file(&self) -> PathBuf {
        self.data_dir.join("registry-hash.key")
    }

    /// Where the generated personal-data key is kept when none is configured.
    pub fn personal_data_key_file(&self) -> PathBuf {
        self.data_dir.join("personal-data.key")
    }

    /// Where uploaded papers are stored (content-addressed files).
    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }

    /// Creates the data folder and the attachment store.
    pub fn prepare_data_dir(&self) -> anyhow::Result<()> {
        let dir = self.attachments_dir();
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))
    }
}

/// Logs to standard error, filtered by `filter`.
pub fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_database_is_sqlite_in_the_data_folder() {
        let config = Config::default();
        assert_eq!(config.database_url(), "sqlite://data/motcua.db");
        assert_eq!(config.database_display(), "data/motcua.db");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn the_embedded_default_looks_up_in_the_sandbox_and_a_configured_database_nowhere() {
        let embedded = Config::default().registry().expect("sandbox registry");
        assert_eq!(embedded.endpoint.as_deref(), Some("http://127.0.0.1:8090"));
        assert_eq!(embedded.client_id.as_deref(), Some("motcua"));
        let production = Config {
            database_url: Some("postgres://db/motcua".into()),
            ..Config::default()
        };
        assert!(production.registry().is_none());
        let switched_off = Config {
            registry: Some(RegistryConfig::default()),
            ..Config::default()
        };
        assert!(switched_off.registry().is_none());
    }

    #[test]
    fn a_postgres_password_is_never_displayed() {
        let config = Config {
            database_url: Some("postgres://motcua:s3cret@db.local:5432/motcua".into()),
            ..Config::default()
        };
        assert_eq!(
            config.database_display(),
            "postgres://motcua:***@db.local:5432/motcua"
        );
    }

    #[test]
    fn no_secret_of_the_configuration_shows_in_its_debug_output() {
        let mut payments = PaymentsConfig::sandbox("http://127.0.0.1:8090");
        if let Some(p) = payments.paygov.as_mut() {
            p.secret = "s3cret-paygov".into();
        }
        if let Some(v) = payments.vnpay.as_mut() {
            v.hash_secret = "s3cret-vnpay".into();
        }
        let config = Config {
            personal_data_key: Some("s3cret-personal".into()),
            payments: Some(payments),
            registry: Some(RegistryConfig {
                client_secret: Some("s3cret-client".into()),
                token: Some("s3cret-token".into()),
                hash_key: Some("s3cret-hash".into()),
                ..RegistryConfig::sandbox("http://127.0.0.1:8090")
            }),
            oidc: Some(OidcSettings {
                issuer: "https://id.example".into(),
                client_id: "motcua".into(),
                client_secret: "s3cret-oidc".into(),
                name: None,
                scopes: None,
                timeout_ms: None,
            }),
            ..Config::default()
        };
        let shown = format!("{config:?} {config:#?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("MOTCUA01") && shown.contains("motcua"));
    }

    #[test]
    fn secrets_are_read_from_the_configuration_file() {
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("motcua.toml");
        std::fs::write(
            &path,
            "personal_data_key = \"00112233445566778899aabbccddeeff\"\n\
             [payments.paygov]\n\
             endpoint = \"http://127.0.0.1:8090/paygov\"\n\
             partner_code = \"MOTCUA01\"\n\
             secret = \"s3cret-paygov\"\n",
        )
        .expect("written");
        let config = Config::load(Some(&path)).expect("a valid configuration");
        assert_eq!(
            config.personal_data_key.as_ref().map(Secret::expose),
            Some("00112233445566778899aabbccddeeff")
        );
        let paygov = config.payments.and_then(|p| p.paygov).expect("paygov");
        assert_eq!(paygov.secret.expose(), "s3cret-paygov");
    }
}
