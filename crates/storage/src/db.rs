//! The database handle: one enum over SQLite and PostgreSQL pools, so the rest of the program
//! never branches on the engine. Connection options carry the durability and integrity settings
//! the design asks for (WAL, foreign keys, full fsync on commit, busy timeout).
//!
//! Reads and writes use separate pools. SQLite lets one writer in at a time, and a connection
//! that finds the write lock taken sleeps in SQLite's busy handler (1, 2, 5, 10 … 100 ms between
//! tries) rather than queueing: with sixteen writers that made the slowest submission wait over a
//! second while the disk sat idle. So on SQLite every write goes through a pool of **one** writer
//! connection, whose queue is fair (first come, first served), and reads use the other
//! connections, which WAL never blocks. On PostgreSQL, which queues lock waiters itself, both
//! names point at the same pool.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::StorageError;
use crate::dossier::group_commit::GroupCommit;

/// A PostgreSQL connection idle longer than this is pinged before use.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(2);

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Runs the same expression against the readers' pool of a [`Db`], for reads: a write belongs
/// in [`exec_db!`] or a transaction, which use the writer. The SQL inside must be written once,
/// with `$N` placeholders, valid on both engines.
macro_rules! on_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pools) => {
                let $p = &pools.readers;
                $body
            }
            $crate::db::Db::Postgres(pools) => {
                let $p = &pools.readers;
                $body
            }
        }
    };
}
pub(crate) use on_db;

/// Same as [`on_db!`] for an open transaction; `$c` is a `&mut` connection.
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

/// Runs a statement on whichever engine a [`Db`] holds and returns the rows it affected
/// (the engines' result types differ, the count does not).
macro_rules! exec_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pools) => {
                let $p = &pools.writer;
                $body.map(|r| r.rows_affected())
            }
            $crate::db::Db::Postgres(pools) => {
                let $p = &pools.writer;
                $body.map(|r| r.rows_affected())
            }
        }
    };
}
pub(crate) use exec_db;

/// Same as [`exec_db!`] inside an open transaction.
macro_rules! exec_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body.map(|r| r.rows_affected())
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body.map(|r| r.rows_affected())
            }
        }
    };
}
pub(crate) use exec_tx;

/// Which engine a [`Db`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Name for logs and health output.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// How to open a database.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    pub url: String,
    /// Most connections the pool opens.
    pub max_connections: u32,
    /// How long a request waits for a connection before the database counts as unavailable.
    pub acquire_timeout: Duration,
    /// PostgreSQL only: a schema to create and use instead of `public` (tests use one each).
    pub schema: Option<String>,
}

/// Readers an embedded SQLite database opens per core unless configured. Each reader is a thread
/// of sqlx's with a page cache of its own, and what those threads allocate stays with the
/// allocator's per-thread arenas. On the two cores of docs/PERFORMANCE.md at 1.2 million
/// dossiers, eight readers served 22,871 dossier reads a second against sixteen's 23,326 (inbox
/// p99 16.8 ms both) while the server's peak memory under the bench fell from 181.5 to 141.3 MiB;
/// four served 15,653 reads a second (inbox p99 22.1 ms). Other core counts are not measured.
const SQLITE_READERS_PER_CORE: u32 = 4;

/// Connections to PostgreSQL unless configured; each is a server process.
const POSTGRES_CONNECTIONS: u32 = 16;

impl DbOptions {
    /// Defaults for a URL.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        let max_connections = if url.starts_with("sqlite:") {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            u32::try_from(cores)
                .unwrap_or(u32::MAX)
                .saturating_mul(SQLITE_READERS_PER_CORE)
                .clamp(4, 64)
        } else {
            POSTGRES_CONNECTIONS
        };
        DbOptions {
            url,
            max_connections,
            acquire_timeout: Duration::from_secs(5),
            schema: None,
        }
    }
}

/// The database: pools on one of the two supported engines.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite pools.
    Sqlite(Pools<sqlx::Sqlite>),
    /// PostgreSQL pools.
    Postgres(Pools<sqlx::Postgres>),
}

/// The connections of one database: those that read, the one(s) that write, and the batch that
/// concurrent dossier creations share (see [`crate::dossier::group_commit`]).
#[derive(Debug)]
pub struct Pools<DB: sqlx::Database> {
    pub(crate) readers: sqlx::Pool<DB>,
    pub(crate) writer: sqlx::Pool<DB>,
    pub(crate) group: std::sync::Arc<GroupCommit>,
}

// Derived `Clone` would ask `DB: Clone`, which the engine markers are not.
impl<DB: sqlx::Database> Clone for Pools<DB> {
    fn clone(&self) -> Self {
        Pools {
            readers: self.readers.clone(),
            writer: self.writer.clone(),
            group: self.group.clone(),
        }
    }
}

/// An open write transaction on either engine.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), StorageError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl Db {
    /// Opens (and for SQLite creates, with its folder) the database a URL names.
    pub async fn connect(options: &DbOptions) -> Result<Db, StorageError> {
        let url = options.url.as_str();
        if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                // WAL lets readers run beside the one writer; FULL syncs the WAL at every
                // commit, so an acknowledged write survives a power cut, not only a crash.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            if let Some(parent) = connect.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|source| StorageError::Io {
                    path: parent.display().to_string(),
                    source,
                })?;
            }
            // The writer connects first, so it is the one that creates the file and turns WAL on
            // before any reader opens it.
            // No ping before each acquire: a connection to a local file does not go stale, and
            // the ping is one more round trip to SQLite's worker thread on every request.
            let writer: SqlitePool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .test_before_acquire(false)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect.clone())
                .await?;
            let readers = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .test_before_acquire(false)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect)
                .await?;
            Ok(Db::Sqlite(Pools {
                readers,
                writer,
                group: Default::default(),
            }))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut connect = PgConnectOptions::from_str(url)?.application_name("motcua");
            if let Some(schema) = &options.schema {
                let bootstrap = PgPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect.clone())
                    .await?;
                // Schema names come from configuration or tests, never from requests; they are
                // still restricted to plain identifiers before being spliced into DDL.
                if schema.is_empty()
                    || !schema
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return Err(StorageError::UnsupportedUrl(format!(
                        "schema {schema:?} must be lowercase letters, digits and _"
                    )));
                }
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "create schema if not exists {schema}"
                )))
                .execute(&bootstrap)
                .await?;
                bootstrap.close().await;
                connect = connect.options([("search_path", schema.as_str())]);
            }
            // sqlx pings every connection before handing it out: one more network round trip
            // for each query (without it, dossier reads went from 8,139 to 8,613 a second,
            // docs/PERFORMANCE.md). A connection in steady use is alive; one idle for a while
            // (the server may have restarted meanwhile) is still checked.
            let pool: PgPool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PING_WHEN_IDLE_FOR {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .connect_with(connect)
                .await?;
            Ok(Db::Postgres(Pools {
                readers: pool.clone(),
                writer: pool,
                group: Default::default(),
            }))
        } else {
            Err(StorageError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration of this engine's tree that has not run yet.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        match self {
            Db::Sqlite(pools) => SQLITE_MIGRATIONS.run(&pools.writer).await?,
            Db::Postgres(pools) => POSTGRES_MIGRATIONS.run(&pools.writer).await?,
        }
        Ok(())
    }

    /// A cheap round trip, for health checks. It reads, so a long write queue does not make
    /// the service look down (nor, on SQLite, does it notice a writer that is stuck: writes
    /// then fail with "unavailable" after the acquire timeout, and `/metrics` shows them).
    pub async fn ping(&self) -> Result<(), StorageError> {
        on_db!(self, |pool| sqlx::query("select 1")
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection; used at shutdown so SQLite checkpoints its WAL (the writer
    /// closes last, after the readers, so its close is the one that checkpoints).
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pools) => {
                pools.readers.close().await;
                pools.writer.close().await;
            }
            Db::Postgres(pools) => pools.writer.close().await,
        }
    }

    /// How many shared commits the group commit has made, and how many dossier creations they
    /// carried, since start: their ratio is the mean batch size `/metrics` shows.
    pub fn group_commit_counts(&self) -> (u64, u64) {
        self.group_commit().counts()
    }

    pub(crate) fn group_commit(&self) -> &std::sync::Arc<GroupCommit> {
        match self {
            Db::Sqlite(pools) => &pools.group,
            Db::Postgres(pools) => &pools.group,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`)
    /// so two writers never deadlock upgrading a read lock.
    pub(crate) async fn begin(&self) -> Result<Tx, StorageError> {
        Ok(match self {
            Db::Sqlite(pools) => Tx::Sqlite(pools.writer.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pools) => Tx::Postgres(pools.writer.begin().await?),
        })
    }

    /// Tables and their columns (name, nullable), sorted, as the engine reports them. Used by the
    /// test that keeps both migration trees in step.
    pub async fn schema_outline(&self) -> Result<Vec<(String, String, bool)>, StorageError> {
        let rows: Vec<(String, String, bool)> = match self {
            Db::Sqlite(Pools { readers: pool, .. }) => {
                sqlx::query_as(
                    "select m.name, p.name, p.\"notnull\" = 0 and p.pk = 0 \
                     from sqlite_master m join pragma_table_info(m.name) p \
                     where m.type = 'table' and m.name not like 'sqlite_%' \
                       and m.name not like '_sqlx%' order by m.name, p.name",
                )
                .fetch_all(pool)
                .await?
            }
            Db::Postgres(Pools { readers: pool, .. }) => {
                sqlx::query_as(
                    "select table_name::text, column_name::text, is_nullable = 'YES' \
                     from information_schema.columns \
                     where table_schema = current_schema() and table_name not like '_sqlx%' \
                     order by table_name, column_name",
                )
                .fetch_all(pool)
                .await?
            }
        };
        Ok(rows)
    }
}
