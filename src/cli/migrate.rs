//! `motcua migrate`: apply the database migrations and exit, for production, where one process
//! migrates before the servers start (a server also migrates at start, for `cargo run`).

use super::open;
use crate::config::Config;

/// Opens (and so migrates) the database, then says which one.
pub(super) async fn run(config: &Config) -> anyhow::Result<()> {
    open(config).await?.close().await;
    println!("migrated {}", config.database_display());
    Ok(())
}
