//! The application layer of motcua: every use-case lives here once, whatever door it is reached
//! through. The web edge (pages, JSON API), the command line and the bench call these plain async
//! APIs; this crate asks `domain` for every decision and `storage` for every write, and is the
//! only caller of `storage` besides the binary's set-up. Background work (reconciliation, the
//! registry retry, the applicant's notices and their delivery) runs on [`jobs`].

pub mod accounts;
pub mod api_keys;
pub mod dossiers;
pub mod drafts;
mod error;
pub mod health;
pub mod jobs;
pub mod leases;
pub mod limits;
pub mod notifications;
pub mod outbox;
pub mod payments;
pub mod personal_data;
pub mod ratings;
pub mod reference;
pub mod registry;
pub mod reports;
pub mod sessions;
pub mod webhooks;

pub use error::ServiceError;
pub use reference::{ReferenceData, SharedReference};
/// The database handle and its error, named here so the web edge needs no storage crate of its
/// own: it holds the handle and passes it to the use-cases, never querying it.
pub use storage::{Db, PaperStore, StorageError};

/// What every use-case needs: the database, the reference data in force, the personal-data
/// vault and the outside services configured. Cheap to clone (handles only).
#[derive(Clone)]
pub struct App {
    /// The database.
    pub db: Db,
    /// The reference data in force.
    pub reference: SharedReference,
    /// Seals personal IDs at rest and hashes them for look-up (`personal_data`); a random key
    /// unless the binary gives the deployment's.
    pub vault: personal_data::PersonalDataVault,
    /// The national population database; `None` (the default) when none is configured, and
    /// then applicants are simply not verified (nothing is looked up, nothing is retried).
    pub registry: Option<registry::Registry>,
    /// The online payment gateways configured; none by default.
    pub gateways: payments::Gateways,
    /// Where the applicants' notices go (mail server, SMS gateway); none by default, and then
    /// changes send nothing.
    pub notifier: outbox::Notifier,
    /// How connected systems' webhooks are sent; nothing is sent by default.
    pub webhooks: webhooks::Webhooks,
}

impl App {
    /// The application over `db` with `reference`, a random vault key and no outside services.
    pub fn new(db: Db, reference: ReferenceData) -> App {
        App {
            db,
            reference: SharedReference::new(reference),
            vault: personal_data::PersonalDataVault::random(),
            registry: None,
            gateways: payments::Gateways::default(),
            notifier: outbox::Notifier::default(),
            webhooks: webhooks::Webhooks::default(),
        }
    }
}

impl std::fmt::Debug for App {
    // The database and the vault's keys stay out of logs; the services say what they are.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("backend", &self.db.backend())
            .field("registry", &self.registry)
            .field("gateways", &self.gateways)
            .field("notifier", &self.notifier)
            .field("webhooks", &self.webhooks)
            .finish_non_exhaustive()
    }
}
