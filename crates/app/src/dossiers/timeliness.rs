//! The timeliness a dossier's projection keeps for reports and inboxes, as the domain decides it
//! (`domain::dossier::RecordedTimeliness`, Decision 766/QĐ-TTg indicator 2.1): written with every
//! change by the dossier service, and filled in once for dossiers written before the columns
//! existed (migration 0016).

use domain::dossier::{DossierState, RecordedTimeliness};
use storage::Db;

use crate::ServiceError;

/// Rows read and written per round, each round one transaction.
const BATCH: i64 = 500;

/// Fills in the timeliness of every dossier that has none yet, from its stored state, and
/// returns how many it recorded. Every command that opens the database runs it after the
/// migrations, before serving, so reports never count an upgraded database's older dossiers as
/// unjudged; once they are done it reads nothing but an empty partial index. A state that does
/// not read is logged and passed over (its row keeps no timeliness, and the report counts it
/// nowhere) rather than keeping the whole service from starting.
///
/// Upgrading to the release that adds the columns (migration 0016) stops every process of the
/// older release first: one still writing dossiers would leave their columns as they were.
pub async fn record_missing_timeliness(db: &Db) -> Result<u64, ServiceError> {
    let mut recorded = 0;
    let mut after = None;
    loop {
        let rows = db.dossiers_without_timeliness(after, BATCH).await?;
        let Some(last) = rows.last() else {
            return Ok(recorded);
        };
        after = Some(last.id);
        let mut judged = Vec::with_capacity(rows.len());
        for row in &rows {
            match serde_json::from_str::<DossierState>(&row.state) {
                Ok(state) => {
                    let timeliness = RecordedTimeliness::of(&state);
                    judged.push((row.id, timeliness.label(), timeliness.overdue_after()));
                }
                Err(e) => {
                    tracing::warn!(dossier = %row.id, error = %e, "a dossier's state does not read; its timeliness is not recorded");
                }
            }
        }
        recorded += db.record_timeliness(&judged).await?;
    }
}
