//! Small key–value facts about the database itself (for example whether the shipped reference
//! data has been loaded), so start-up can decide what to do without guessing from table contents.

use time::OffsetDateTime;

use crate::StorageError;
use crate::db::{Db, Tx, exec_tx, on_db};

impl Db {
    /// The value stored under a key.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StorageError> {
        let row: Option<(String,)> = on_db!(self, |pool| {
            sqlx::query_as("select value from app_meta where key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|r| r.0))
    }
}

impl Tx {
    pub(crate) async fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        let now = OffsetDateTime::now_utc();
        exec_tx!(self, |c| {
            sqlx::query(
                "insert into app_meta (key, value, updated_at) values ($1, $2, $3) \
                 on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(now)
            .execute(c)
            .await
        })?;
        Ok(())
    }
}
