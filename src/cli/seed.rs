//! `motcua seed`: load the reference data shipped in catalog/ into the database, and with
//! `--synthetic N` add N synthetic historical dossiers to measure the system at a province's scale.

use anyhow::Context as _;
use storage::Db;

use super::open;
use crate::config::Config;

/// The options of `motcua seed`.
#[derive(clap::Args)]
pub(super) struct SeedArgs {
    /// Also generate N historical dossiers of the last two years across the agency tree
    /// (status mix, channels, late and on-time results, payments, look-ups), written in
    /// batches; 1,200,000 is two years of a province.
    #[arg(long, value_name = "N")]
    synthetic: Option<u64>,
    /// Seed of the synthetic history's random choices (same seed, same distribution).
    #[arg(long, default_value_t = 766)]
    random_seed: u64,
}

/// Loads the reference data, then the synthetic history when asked.
pub(super) async fn run(args: SeedArgs, config: &Config) -> anyhow::Result<()> {
    let SeedArgs {
        synthetic,
        random_seed,
    } = args;
    let db = open(config).await?;
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
        "wrote {} synthetic dossiers ({} events, {} payments, {} look-ups, {} ratings) across {} agencies in {:.1} s: {:.0} dossiers/s",
        summary.dossiers,
        summary.events,
        summary.payments,
        summary.lookups,
        summary.ratings,
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
