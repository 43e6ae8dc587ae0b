//! Configuration: compiled-in defaults (so `cargo run` needs nothing), then an optional TOML file,
//! then `MOTCUA_*` environment variables, each layer overriding the one before.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
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
    /// Log filter in `tracing` syntax (`MOTCUA_LOG`), e.g. `info,web=debug`.
    pub log: String,
    /// Address the public reaches the portal at (`MOTCUA_PUBLIC_URL`), printed in the QR codes
    /// of forms; default: the listening address over http.
    pub public_url: Option<String>,
    /// Mark session cookies `Secure` (`MOTCUA_SECURE_COOKIES`): set it when served over TLS.
    pub secure_cookies: bool,
    /// Create demonstration officer accounts on first start (`MOTCUA_DEMO_ACCOUNTS`); default:
    /// only for the embedded SQLite database, never when a database URL is configured.
    pub demo_accounts: Option<bool>,
}

/// Keys read from `MOTCUA_*` variables; other variables with the prefix (set for other tools,
/// or by a typo) are ignored rather than fatal.
const ENV_KEYS: [&str; 7] = [
    "listen",
    "data_dir",
    "database_url",
    "log",
    "public_url",
    "secure_cookies",
    "demo_accounts",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            log: "info".into(),
            public_url: None,
            secure_cookies: false,
            demo_accounts: None,
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
}
