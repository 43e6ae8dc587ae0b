//! The timeliness a dossier's projection keeps for reports and inboxes, as the domain decides it
//! (`domain::dossier::RecordedTimeliness`, Decision 766/QĐ-TTg indicator 2.1): written with every
//! change by the dossier service, and filled in once for dossiers written before the columns
//! existed (migration 0016).

use domain::dossier::{DossierState, RecordedTimeliness};
use storage::Db;

use crate::ServiceError;

/// Rows read and written per round of the fill-in: small enough for SQLite's writer to let
/// requests through between rounds.
const BATCH: i64 = 500;

/// Fills in the timeliness of every dossier that has none yet, from its stored state, and
/// returns how many it recorded. Every command that opens the database runs it after the
/// migrations, so reports never count an upgraded database's older dossiers as unjudged; it
/// reads nothing but an empty partial index once they are done.
pub async fn record_missing_timeliness(db: &Db) -> Result<u64, ServiceError> {
    let mut recorded = 0;
    loop {
        let rows = db.dossiers_without_timeliness(BATCH).await?;
        if rows.is_empty() {
            return Ok(recorded);
        }
        for row in rows {
            let state: DossierState = serde_json::from_str(&row.state).map_err(|e| {
                ServiceError::Corrupt(format!("dossier {}: its state does not read: {e}", row.id))
            })?;
            let timeliness = RecordedTimeliness::of(&state);
            db.record_timeliness(row.id, timeliness.label(), timeliness.overdue_after())
                .await?;
            recorded += 1;
        }
    }
}
