//! `motcua officer`: create officer accounts from the command line, for the first administrator
//! of a production deployment (which has no demonstration accounts).

use anyhow::Context as _;

use super::open;
use crate::config::Config;

/// The subcommands of `motcua officer`.
#[derive(clap::Subcommand)]
pub(super) enum OfficerCommand {
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

/// Creates the account and prints its temporary password once on stdout.
pub(super) async fn run(cmd: OfficerCommand, config: &Config) -> anyhow::Result<()> {
    match cmd {
        OfficerCommand::Create {
            username,
            name,
            agency,
            role,
        } => {
            use app::accounts::officers::{AccountError, NewAccount, create_officer_account};
            let username = username.trim().to_lowercase();
            anyhow::ensure!(
                app::accounts::officers::valid_username(&username),
                "the username must have 3 to 64 of a-z, 0-9, '.', '_' and '-'"
            );
            anyhow::ensure!(
                !name.trim().is_empty() && name.chars().count() <= 200,
                "give the full name (at most 200 characters)"
            );
            let role = domain::dossier::OfficerRole::parse(role.trim()).with_context(|| {
                format!("unknown role {role:?}: reception, handling, leader, unit_admin or auditor")
            })?;
            let db = open(config).await?;
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
    }
}
