//! Storage failures, split by what the caller can do about them: a missing row, a conflict with
//! existing data, bad reference data, or the database being unreachable.

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database could not be reached or timed out: callers show "service unavailable".
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// Migrations failed to apply.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value does not parse back into its domain type: the data was edited by hand.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The shipped or edited reference data breaks a catalogue rule.
    #[error("reference data is invalid:\n{}", .0.join("\n"))]
    InvalidReferenceData(Vec<String>),
    /// The database URL is not one motcua understands.
    #[error("unsupported database URL {0:?}: use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    /// The shared commit of a batch of creations failed, or the batch could not go on (see
    /// `group_commit`). Nothing of it was acknowledged; the caller may retry with its
    /// idempotency key (when the commit itself failed with its outcome unknown, the key is what
    /// keeps a retry from filing twice).
    #[error("group commit failed: {0}")]
    GroupCommitFailed(String),
    /// Creating the data folder failed.
    #[error("cannot prepare {path}: {source}")]
    Io {
        /// The path at fault.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StorageError::Unavailable(e)
            }
            // PostgreSQL gave up on a transaction to break a deadlock (40P01) or a serialisation
            // conflict (40001): nothing was kept and the same request may succeed when retried,
            // so it is "try again", not a fault.
            sqlx::Error::Database(ref db)
                if matches!(db.code().as_deref(), Some("40P01" | "40001")) =>
            {
                StorageError::Unavailable(e)
            }
            other => StorageError::Database(other),
        }
    }
}

impl StorageError {
    /// Whether the failure means "the database is not there right now" rather than a bug.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StorageError::Unavailable(_) | StorageError::GroupCommitFailed(_)
        )
    }

    /// Whether an insert broke a unique constraint (an e-mail or phone already registered).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StorageError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}
