//! Repository tests. Each runs on a fresh SQLite file, or on PostgreSQL in a schema of its own when
//! `TEST_DATABASE_URL` is set (CI runs the suite both ways).

mod api_clients;
mod citizens;
mod deliveries;
mod desk;
mod dossier;
mod group_commit;
mod papers;
mod payments;
mod ratings;
mod reference;
mod scratch;
