//! `motcua audit`: verify the tamper-evident dossier log (every dossier's hash chain and the latest
//! checkpoint) or record a new checkpoint, from the command line and from cron.

use super::open;
use crate::config::Config;

/// The subcommands of `motcua audit`.
#[derive(clap::Subcommand)]
pub(super) enum AuditCommand {
    /// Verify every dossier's hash chain and the latest checkpoint; exit 1 naming the first
    /// broken event.
    Verify,
    /// Record a checkpoint over every event older than five minutes.
    Checkpoint,
}

/// Runs one audit subcommand; a broken chain is an error naming the first broken event.
pub(super) async fn run(cmd: AuditCommand, config: &Config) -> anyhow::Result<()> {
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
