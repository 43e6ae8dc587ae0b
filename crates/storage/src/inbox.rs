//! Officers' work lists: the dossiers a unit holds, or one officer is assigned, in the order of
//! their deadlines, read from the indexed projection columns (never the event log).

use domain::dossier::Status;
use time::OffsetDateTime;

use crate::StorageError;
use crate::db::{Db, on_db};
use crate::dossier::{DOSSIER_COLUMNS, DossierRow, StoredDossier, dossier_from_row};

/// Which dossiers an inbox shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct InboxQuery {
    /// The unit holding the dossiers.
    pub holder_agency_code: String,
    /// Only those assigned to this officer.
    pub assigned_officer: Option<String>,
    /// Only these statuses (as the domain names them); must not be empty.
    pub statuses: Vec<String>,
    /// Only those overdue by this time as the domain recorded it, `overdue_after` (the due-soon
    /// filter, which also shows those already overdue; a clock stopped within the deadline is
    /// not due).
    pub due_by: Option<OffsetDateTime>,
    /// Only those overdue at this moment, as the domain recorded it in `overdue_after`
    /// (`domain::dossier::RecordedTimeliness`): a dossier waiting for a supplement requested
    /// within its deadline is not overdue, whatever its due time.
    pub overdue_at: Option<OffsetDateTime>,
    /// Page size.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// A page of an inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxPage {
    /// The dossiers, soonest due first; those without a due date (not yet accepted) last, oldest
    /// first.
    pub items: Vec<StoredDossier>,
    /// How many match in all.
    pub total: i64,
}

impl Db {
    /// One page of an inbox and how many dossiers it holds in all, read together.
    pub async fn inbox(&self, query: &InboxQuery) -> Result<InboxPage, StorageError> {
        let (items, total) = tokio::try_join!(self.inbox_items(query), self.inbox_count(query))?;
        Ok(InboxPage { items, total })
    }

    /// The dossiers of one page of an inbox, in its order.
    pub async fn inbox_items(
        &self,
        query: &InboxQuery,
    ) -> Result<Vec<StoredDossier>, StorageError> {
        let InboxStatements { list, statuses, .. } = statements(query);
        let due_by = query.due_by.map(crate::dossier::to_micros);
        let overdue_at = query.overdue_at.map(crate::dossier::to_micros);
        let rows: Vec<DossierRow> = on_db!(self, |pool| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(list)).bind(&query.holder_agency_code);
            for s in statuses {
                q = q.bind(s);
            }
            if let Some(officer) = &query.assigned_officer {
                q = q.bind(officer);
            }
            if let Some(due) = due_by {
                q = q.bind(due);
            }
            if let Some(moment) = overdue_at {
                q = q.bind(moment);
            }
            q.fetch_all(pool).await
        })?;
        Ok(rows.into_iter().map(dossier_from_row).collect())
    }

    /// How many dossiers an inbox holds in all (its page and offset aside).
    pub async fn inbox_count(&self, query: &InboxQuery) -> Result<i64, StorageError> {
        let InboxStatements {
            count, statuses, ..
        } = statements(query);
        let due_by = query.due_by.map(crate::dossier::to_micros);
        let overdue_at = query.overdue_at.map(crate::dossier::to_micros);
        let (total,): (i64,) = on_db!(self, |pool| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(count)).bind(&query.holder_agency_code);
            for s in statuses {
                q = q.bind(s);
            }
            if let Some(officer) = &query.assigned_officer {
                q = q.bind(officer);
            }
            if let Some(due) = due_by {
                q = q.bind(due);
            }
            if let Some(moment) = overdue_at {
                q = q.bind(moment);
            }
            q.fetch_one(pool).await
        })?;
        Ok(total)
    }
}

/// An inbox's two statements (its page and its count), and the statuses to bind after the unit.
pub(crate) struct InboxStatements<'q> {
    pub(crate) list: String,
    pub(crate) count: String,
    pub(crate) statuses: &'q [String],
}

pub(crate) fn statements(query: &InboxQuery) -> InboxStatements<'_> {
    // The open statuses (the default view) are written as literals, so that both planners can
    // use the partial index of migration 0014, which holds only open dossiers in the inbox's
    // order: a page then reads fifty index entries instead of sorting all the unit's open
    // dossiers. Other sets are bound: $1 the unit, then the statuses, then the optional officer
    // and due bound.
    let literal = is_every_open_status(&query.statuses);
    let mut next = 2;
    let mut filter = if literal {
        format!("holder_agency_code = $1 and {}", open_status_condition())
    } else if query.statuses.is_empty() {
        "holder_agency_code = $1 and status in (null)".to_owned()
    } else {
        let placeholders: Vec<String> = query
            .statuses
            .iter()
            .map(|_| {
                next += 1;
                format!("${}", next - 1)
            })
            .collect();
        format!(
            "holder_agency_code = $1 and status in ({})",
            placeholders.join(", ")
        )
    };
    if query.assigned_officer.is_some() {
        filter.push_str(&format!(" and assigned_officer = ${next}"));
        next += 1;
    }
    if query.due_by.is_some() {
        filter.push_str(&format!(" and overdue_after <= ${next}"));
        next += 1;
    }
    if query.overdue_at.is_some() {
        filter.push_str(&format!(" and overdue_after < ${next}"));
    }
    // The page's ids are chosen first, from an index alone, and only those rows are then read
    // whole: sorting a unit's open dossiers with their state JSON cost more than the rest of the
    // page.
    let order = "order by due_at is null, due_at, submitted_at, id";
    InboxStatements {
        list: format!(
            "select {DOSSIER_COLUMNS} from dossier where id in \
             (select id from dossier where {filter} {order} limit {} offset {}) {order}",
            query.limit.clamp(1, 500),
            query.offset.max(0)
        ),
        count: format!("select count(*) from dossier where {filter}"),
        statuses: if literal { &[] } else { &query.statuses },
    }
}

/// Whether an inbox asks for exactly the open statuses (the default view), in any order.
fn is_every_open_status(statuses: &[String]) -> bool {
    statuses.len() == Status::OPEN.len()
        && Status::OPEN
            .iter()
            .all(|open| statuses.iter().any(|s| s == open.as_str()))
}

/// `status in ('submitted', …)`: the open statuses as literals, in code order, exactly as the
/// condition of migration 0014's partial index `dossier_open_queue_idx` is written. SQLite uses
/// a partial index only when the query's condition repeats the index's term for term, and
/// PostgreSQL cannot prove a bound parameter matches it; the statuses are the domain's own
/// names, never input.
pub(crate) fn open_status_condition() -> String {
    let names: Vec<String> = Status::OPEN
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("status in ({})", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::open_status_condition;

    #[test]
    fn the_inbox_names_the_open_statuses_as_the_partial_index_does_on_both_databases() {
        let condition = format!("where {};", open_status_condition());
        for migration in [
            include_str!("../migrations/sqlite/0014_open_inbox_index.sql"),
            include_str!("../migrations/postgres/0014_open_inbox_index.sql"),
        ] {
            assert!(migration.contains(&condition), "{condition}");
        }
    }
}
