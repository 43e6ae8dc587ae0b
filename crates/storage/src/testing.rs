//! A fresh, migrated database per test: a temporary SQLite file by default, or, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, a schema of its own on it, so the same test
//! suite proves every feature on both engines.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Db, DbOptions, StorageError};

/// A database that lives as long as the value.
pub struct TestDb {
    /// The database.
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestDb {
    /// An empty, migrated database.
    pub async fn new() -> Result<TestDb, StorageError> {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => {
                let schema = format!(
                    "test_{}_{}_{}",
                    std::process::id(),
                    time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000,
                    COUNTER.fetch_add(1, Ordering::Relaxed)
                );
                let mut options = DbOptions::new(url);
                options.schema = Some(schema);
                options.max_connections = 4;
                let db = Db::connect(&options).await?;
                db.migrate().await?;
                Ok(TestDb { db, _dir: None })
            }
            _ => {
                let dir = tempfile::tempdir().map_err(|source| StorageError::Io {
                    path: "temporary folder".into(),
                    source,
                })?;
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let mut options = DbOptions::new(url);
                options.max_connections = 4;
                let db = Db::connect(&options).await?;
                db.migrate().await?;
                Ok(TestDb {
                    db,
                    _dir: Some(dir),
                })
            }
        }
    }

    /// Runs a raw statement, for tests that break the database on purpose (fault injection).
    pub async fn execute_raw(&self, statement: &str) -> Result<(), StorageError> {
        let statement = sqlx::AssertSqlSafe(statement.to_owned());
        match &self.db {
            Db::Sqlite(pools) => sqlx::query(statement)
                .execute(&pools.writer)
                .await
                .map(|_| ()),
            Db::Postgres(pools) => sqlx::query(statement)
                .execute(&pools.writer)
                .await
                .map(|_| ()),
        }
        .map_err(StorageError::from)
    }

    /// A migrated database with the shipped reference data loaded.
    pub async fn seeded() -> Result<TestDb, StorageError> {
        let test = TestDb::new().await?;
        test.db.seed_reference_data().await?;
        Ok(test)
    }
}

/// Records an active handling officer `id` of `unit` once, so that tests can assign dossiers to
/// them (an assignment names an officer who exists and can handle the dossier).
pub async fn handling_officer(db: &Db, id: &str, unit: &str) -> Result<(), StorageError> {
    if db.officer_by_id(id).await?.is_some() {
        return Ok(());
    }
    db.create_officer(&crate::officers::NewOfficer {
        id: id.into(),
        username: format!("xuly.{id}"),
        full_name: "Chuyên viên thử".into(),
        agency_code: unit.into(),
        role: "handling".into(),
        password_hash: "$argon2id$placeholder".into(),
    })
    .await
}
