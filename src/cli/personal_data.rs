//! `motcua personal-data`: seal the personal data written in clear before sealing existed
//! (applicants' personal IDs, officers' authenticator secrets) with the deployment's key.

use super::open;
use super::serve::personal_data_vault;
use crate::config::Config;

/// The subcommands of `motcua personal-data`.
#[derive(clap::Subcommand)]
pub(super) enum PersonalDataCommand {
    /// Seal every personal ID stored in clear; safe to run again and while serving.
    Seal,
}

/// Seals every personal ID and authenticator secret still in clear, then says how many.
pub(super) async fn run(cmd: PersonalDataCommand, config: &Config) -> anyhow::Result<()> {
    match cmd {
        PersonalDataCommand::Seal => {
            let vault = personal_data_vault(config)?;
            let db = open(config).await?;
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
                        let hash = app::personal_data::PersonalDataVault::stored_hash(&new);
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
                    if app::personal_data::PersonalDataVault::is_sealed(&stored) {
                        continue;
                    }
                    let new = app::accounts::second_factor::sealed_secret(&vault, &id, &stored);
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
    }
}
