//! Background work, in one small runner: periodic jobs (payment reconciliation, the population
//! look-up retry, the reference-data reload) and the consumers of the outbox (the applicants'
//! notices, their delivery and the outbox's pruning; national-portal sync and deadline alerts
//! to come). `motcua serve` starts the runner beside the web server; `motcua worker` runs it
//! alone, for deployments with several web processes.
//!
//! Work that must happen once however many processes run is claimed with leases in the
//! database: a periodic job runs only in the process holding its lease (`Db::claim_job`), and
//! an outbox consumer takes its messages with `Db::claim_outbox` (`for update skip locked` on
//! PostgreSQL), so two processes never do the same item twice, and a process that dies mid-job
//! lets go of it when its lease runs out. On SQLite one process owns the database and the same
//! claims simply always succeed for it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::task::JoinHandle;

use crate::App;

/// A job's work for one round.
pub type Work = Arc<dyn Fn(App) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Whether a job runs once across all processes or in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One process at a time, the one holding the job's lease.
    Exclusive,
    /// Every process, for its own state (its reference-data snapshot).
    EveryProcess,
}

/// A job run every so often.
#[derive(Clone)]
pub struct Periodic {
    /// Stable name, also the lease's key.
    pub name: &'static str,
    /// Pause between the starts of two rounds.
    pub every: Duration,
    /// Once across processes, or in each.
    pub scope: Scope,
    work: Work,
}

impl std::fmt::Debug for Periodic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Periodic")
            .field("name", &self.name)
            .field("every", &self.every)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl Periodic {
    /// A job named `name` that runs `work` every `every`.
    pub fn new<F, Fut>(name: &'static str, every: Duration, scope: Scope, work: F) -> Periodic
    where
        F: Fn(App) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Periodic {
            name,
            every,
            scope,
            work: Arc::new(move |app| Box::pin(work(app))),
        }
    }
}

pub use crate::leases::{process_holder, release_dead_holders};

/// The jobs of one process and the name it holds leases under.
#[derive(Debug)]
pub struct Runner {
    app: App,
    holder: String,
    jobs: Vec<Periodic>,
}

/// Intervals of the standard jobs, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Intervals {
    /// Payment reconciliation (asks gateways about open payments).
    pub reconcile: Duration,
    /// Population look-ups the database could not answer.
    pub registry_retry: Duration,
    /// Reference data reload.
    pub reference_reload: Duration,
    /// Composing the applicants' notices and delivering them.
    pub notify: Duration,
    /// Pruning delivered outbox messages.
    pub prune: Duration,
    /// Reminding applicants of results waiting to be collected.
    pub remind: Duration,
    /// Looking whether the officers' morning digests are due.
    pub digest: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals {
            reconcile: Duration::from_secs(60),
            registry_retry: Duration::from_secs(60),
            reference_reload: Duration::from_secs(60),
            notify: Duration::from_secs(2),
            prune: Duration::from_secs(600),
            remind: Duration::from_secs(3600),
            digest: Duration::from_secs(900),
        }
    }
}

/// Name of the payment reconciliation job.
pub const RECONCILE: &str = "payments.reconcile";
/// Name of the population look-up retry job.
pub const REGISTRY_RETRY: &str = "registry.retry";
/// Name of the reference-data reload job.
pub const REFERENCE_RELOAD: &str = "reference.reload";
/// Name of the job that turns dossier changes into the applicants' notices.
pub const NOTIFICATIONS_COMPOSE: &str = "notifications.compose";
/// Name of the job that reminds applicants of results waiting to be collected.
pub const NOTIFICATIONS_REMIND: &str = "notifications.remind";
/// Name of the job that sends officers their morning digest of dossiers due.
pub const NOTIFICATIONS_DIGEST: &str = "notifications.digest";
/// Name of the job that hands deliveries to the mail server and the SMS gateway.
pub const OUTBOX_DELIVER: &str = "outbox.deliver";
/// Name of the job that prunes delivered outbox messages.
pub const OUTBOX_PRUNE: &str = "outbox.prune";
/// Turns each dossier change into deliveries to the connected systems' endpoints that want it.
pub const WEBHOOKS_FAN_OUT: &str = "webhooks.fan_out";

impl Runner {
    /// A runner with no jobs, holding leases as `holder` (unique per process: host and pid).
    pub fn new(app: App, holder: impl Into<String>) -> Runner {
        Runner {
            app,
            holder: holder.into(),
            jobs: Vec::new(),
        }
    }

    /// The standard jobs of motcua: reconciliation when a gateway is configured, the
    /// population look-up retry when a registry is, reminders and digests when a notification
    /// channel is, delivery when that or webhooks are, and always the composing of notices and
    /// of webhook events (which close their messages when nothing is configured), the outbox's
    /// pruning and the reference-data reload.
    pub fn standard(app: App, holder: impl Into<String>, every: Intervals) -> Runner {
        let reconcile = !app.gateways.channels().is_empty();
        let registry = app.registry.is_some();
        let notify = app.notifier.configured();
        let deliver = notify || app.webhooks.sender.is_some();
        let mut runner = Runner::new(app, holder);
        if reconcile {
            runner = runner.with(Periodic::new(
                RECONCILE,
                every.reconcile,
                Scope::Exclusive,
                |app| async move {
                    crate::payments::reconcile::round(
                        &app,
                        crate::payments::reconcile::QUERY_AFTER,
                    )
                    .await;
                },
            ));
        }
        if registry {
            runner = runner.with(Periodic::new(
                REGISTRY_RETRY,
                every.registry_retry,
                // The items are claimed one by one with leases, so every process may work on
                // the queue at once without doing any item twice.
                Scope::EveryProcess,
                |app| async move {
                    match crate::registry::retry_due(&app).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(answered = n, "population look-ups retried"),
                        Err(e) => tracing::warn!(error = %e, "population look-up retry failed"),
                    }
                },
            ));
        }
        // Composing reads and writes only the database and keeps each dossier's notices in
        // the order of its changes when one process does it; sending waits on the network, so
        // every process takes part, each delivery claimed by one.
        runner = runner.with(Periodic::new(
            NOTIFICATIONS_COMPOSE,
            every.notify,
            Scope::Exclusive,
            |app| async move {
                match crate::notifications::compose_due(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(deliveries = n, "notices composed"),
                    Err(e) => tracing::warn!(error = %e, "composing notices failed"),
                }
            },
        ));
        if notify {
            runner = runner.with(Periodic::new(
                NOTIFICATIONS_REMIND,
                every.remind,
                Scope::Exclusive,
                |app| async move {
                    let now = OffsetDateTime::now_utc();
                    match crate::notifications::remind_waiting(&app, now).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(deliveries = n, "reminders to collect results"),
                        Err(e) => tracing::warn!(error = %e, "reminders failed"),
                    }
                },
            ));
            runner = runner.with(Periodic::new(
                NOTIFICATIONS_DIGEST,
                every.digest,
                Scope::Exclusive,
                |app| async move {
                    let now = OffsetDateTime::now_utc();
                    match crate::notifications::digest::send_digests(&app, now).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(officers = n, "morning digests written"),
                        Err(e) => tracing::warn!(error = %e, "morning digests failed"),
                    }
                },
            ));
        }
        // Like the notices, one process fans the changes out (in their order) and closes the
        // messages when nothing is configured, so the outbox does not grow.
        runner = runner.with(Periodic::new(
            WEBHOOKS_FAN_OUT,
            every.notify,
            Scope::Exclusive,
            |app| async move {
                match crate::webhooks::fan_out_due(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(deliveries = n, "webhook events written"),
                    Err(e) => tracing::warn!(error = %e, "writing webhook events failed"),
                }
            },
        ));
        if deliver {
            runner = runner.with(Periodic::new(
                OUTBOX_DELIVER,
                every.notify,
                Scope::EveryProcess,
                |app| async move {
                    match crate::outbox::deliver_due(&app).await {
                        Ok(r) if r == crate::outbox::Round::default() => {}
                        Ok(r) => tracing::debug!(
                            delivered = r.delivered,
                            postponed = r.postponed,
                            dead = r.dead,
                            "deliveries sent"
                        ),
                        Err(e) => tracing::warn!(error = %e, "delivery round failed"),
                    }
                },
            ));
        }
        runner = runner.with(Periodic::new(
            OUTBOX_PRUNE,
            every.prune,
            Scope::Exclusive,
            |app| async move {
                match crate::outbox::prune(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(pruned = n, "delivered outbox messages pruned"),
                    Err(e) => tracing::warn!(error = %e, "pruning the outbox failed"),
                }
            },
        ));
        runner.with(Periodic::new(
            REFERENCE_RELOAD,
            every.reference_reload,
            Scope::EveryProcess,
            |app| async move { crate::reference::reload(&app.db, &app.reference).await },
        ))
    }

    /// The same runner with one more job.
    pub fn with(mut self, job: Periodic) -> Runner {
        self.jobs.push(job);
        self
    }

    /// Names of the jobs, in the order they were added.
    pub fn job_names(&self) -> Vec<&'static str> {
        self.jobs.iter().map(|j| j.name).collect()
    }

    /// Runs one round of the job `name` now, if this process may (it holds or takes the lease
    /// of an exclusive job); whether it ran.
    pub async fn run_once(&self, name: &str) -> bool {
        match self.jobs.iter().find(|j| j.name == name) {
            Some(job) => round(&self.app, &self.holder, job).await,
            None => false,
        }
    }

    /// Starts every job on its own task; they run until the tasks are aborted. First lets go of
    /// the leases of processes of this host that died ([`release_dead_holders`]).
    pub fn spawn(self) -> Vec<JoinHandle<()>> {
        let holder = Arc::new(self.holder);
        let (released, ready) = tokio::sync::watch::channel(false);
        {
            let (app, holder) = (self.app.clone(), holder.clone());
            tokio::spawn(async move {
                match release_dead_holders(&app, &holder).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(processes = n, "leases of dead processes released"),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot release the leases of dead processes")
                    }
                }
                released.send_replace(true);
            });
        }
        self.jobs
            .into_iter()
            .map(|job| {
                let app = self.app.clone();
                let holder = holder.clone();
                let mut ready = ready.clone();
                tokio::spawn(async move {
                    // No job starts before the dead processes' leases are released.
                    let _ = ready.wait_for(|done| *done).await;
                    let mut tick = tokio::time::interval(job.every);
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    loop {
                        tick.tick().await;
                        round(&app, &holder, &job).await;
                    }
                })
            })
            .collect()
    }
}

/// One round of a job: an exclusive one only under its lease, which lasts two periods so a
/// holder renewing it each round keeps it, and one that died gives it up soon after.
async fn round(app: &App, holder: &str, job: &Periodic) -> bool {
    if job.scope == Scope::Exclusive {
        let until = OffsetDateTime::now_utc()
            + time::Duration::try_from(job.every.saturating_mul(2))
                .unwrap_or(time::Duration::MINUTE);
        match app.db.claim_job(job.name, holder, until).await {
            Ok(true) => {}
            Ok(false) => return false,
            Err(e) => {
                tracing::warn!(error = %e, job = job.name, "cannot claim the job's lease");
                return false;
            }
        }
    }
    (job.work)(app.clone()).await;
    true
}
