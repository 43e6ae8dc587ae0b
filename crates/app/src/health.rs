//! What operators and load balancers ask of a running process: whether its database answers,
//! which engine it is, and the counts storage keeps for the metrics page.

use storage::Db;

use crate::ServiceError;

/// Whether the database answers a trivial query.
pub async fn ping(db: &Db) -> Result<(), ServiceError> {
    Ok(db.ping().await?)
}

/// `sqlite` or `postgres`.
pub fn backend(db: &Db) -> &'static str {
    db.backend().as_str()
}

/// Shared commits made since start, and the dossier creations they carried.
pub fn group_commit_counts(db: &Db) -> (u64, u64) {
    db.group_commit_counts()
}
