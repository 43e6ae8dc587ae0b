//! The only crate of motcua that speaks SQL. One [`Db`] runs the same statements on SQLite (the
//! embedded default) and PostgreSQL (production), so every feature works on both and a test suite
//! proves it. Repositories live in one module per concept; each writes its SQL once with `$N`
//! placeholders, and a `match` on the backend says so where the dialects differ.

pub mod api_clients;
mod audit;
mod calendar;
mod catalogue;
pub mod citizens;
mod db;
pub mod deliveries;
pub mod dossier;
mod error;
pub mod inbox;
pub mod jobs;
mod meta;
pub mod officers;
pub mod papers;
pub mod payments;
pub mod personal_data_views;
pub mod ratings;
pub mod reference_data;
pub mod registry_lookups;
pub mod reports;
pub mod scratch;
pub mod sessions;
pub mod synthetic;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
#[cfg(test)]
mod tests;
pub mod webhooks;

pub use audit::{AuditReport, BrokenLink};
pub use calendar::DaySource;
pub use db::{Backend, Db, DbOptions};
pub use error::StorageError;
pub use papers::PaperStore;
pub use reference_data::SeedReport;
