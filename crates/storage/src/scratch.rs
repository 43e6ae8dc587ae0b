//! The storage ceiling that `motcua bench` measures: rows committed one per durable transaction
//! into a scratch table of the same database, over the same connection settings as the server
//! (WAL and synchronous FULL on SQLite), so the figure is the limit every acknowledged write of
//! the portal lives under. The table is the bench's alone and is dropped after the run.

use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, exec_db, exec_tx};

/// Name of the scratch table; nothing else in the schema uses it.
pub const SCRATCH_TABLE: &str = "bench_insert";

impl Db {
    /// Creates the scratch table when it is missing.
    pub async fn create_scratch_table(&self) -> Result<(), StorageError> {
        exec_db!(self, |pool| sqlx::query(
            "create table if not exists bench_insert \
             (id text primary key, recorded_at text not null, payload text not null)"
        )
        .execute(pool)
        .await)?;
        Ok(())
    }

    /// Inserts one row in a transaction of its own and commits it, as a dossier submission
    /// commits: the write lock taken at once on SQLite, and the commit synced before returning.
    pub async fn insert_scratch_row(
        &self,
        recorded_at: &str,
        payload: &str,
    ) -> Result<(), StorageError> {
        let mut tx = self.begin().await?;
        exec_tx!(&mut tx, |c| sqlx::query(
            "insert into bench_insert (id, recorded_at, payload) values ($1, $2, $3)"
        )
        // Time-ordered keys, as the dossiers' ids are: random keys would measure index-page
        // churn rather than the commit.
        .bind(Uuid::now_v7().to_string())
        .bind(recorded_at)
        .bind(payload)
        .execute(c)
        .await)?;
        tx.commit().await
    }

    /// Drops the scratch table.
    pub async fn drop_scratch_table(&self) -> Result<(), StorageError> {
        exec_db!(self, |pool| sqlx::query(
            "drop table if exists bench_insert"
        )
        .execute(pool)
        .await)?;
        Ok(())
    }
}

#[cfg(test)]
impl Db {
    /// The scratch table's payloads, in insertion order (tests of the group commit).
    pub(crate) async fn scratch_payloads(&self) -> Result<Vec<String>, StorageError> {
        Ok(crate::db::on_db!(self, |pool| sqlx::query_scalar(
            "select payload from bench_insert order by id"
        )
        .fetch_all(pool)
        .await)?)
    }
}

#[cfg(test)]
impl crate::db::Tx {
    /// Inserts one scratch row in this transaction (tests of the group commit).
    pub(crate) async fn insert_scratch(&mut self, payload: &str) -> Result<(), StorageError> {
        exec_tx!(self, |c| sqlx::query(
            "insert into bench_insert (id, recorded_at, payload) values ($1, $2, $3)"
        )
        .bind(Uuid::now_v7().to_string())
        .bind("2026-11-28T00:00:00Z")
        .bind(payload)
        .execute(c)
        .await)?;
        Ok(())
    }
}
