//! `motcua api-key`: create or revoke the API keys of integration clients (specialised systems,
//! the national portal) from the command line, where the operator can store the key at once.

use anyhow::Context as _;

use super::open;
use crate::config::Config;

/// The subcommands of `motcua api-key`.
#[derive(clap::Subcommand)]
pub(super) enum ApiKeyCommand {
    /// Register a client and print its first key once (only its hash is kept).
    Create {
        /// The client's name, e.g. "Cổng Dịch vụ công quốc gia".
        #[arg(long)]
        name: String,
        /// Identifier code of the unit it acts for; none for a province-wide client.
        #[arg(long)]
        agency: Option<String>,
        /// Comma-separated: read_catalogue, submit_dossiers, read_own_dossiers, receive_events.
        #[arg(long)]
        scopes: String,
    },
    /// Revoke a key by its prefix (as lists show it, e.g. mck_1a2b3c4d); it stops working at once.
    Revoke {
        /// The key's prefix.
        prefix: String,
    },
}

/// Creates a client with its first key (printed once on stdout), or revokes a key.
pub(super) async fn run(cmd: ApiKeyCommand, config: &Config) -> anyhow::Result<()> {
    match cmd {
        ApiKeyCommand::Create {
            name,
            agency,
            scopes,
        } => {
            let db = open(config).await?;
            let issued = app::api_keys::create_client_with_key(
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
        ApiKeyCommand::Revoke { prefix } => {
            let db = open(config).await?;
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
    }
}
