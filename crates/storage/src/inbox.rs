//! Officers' work lists: the dossiers a unit holds, or one officer is assigned, in the order of
//! their deadlines, read from the indexed projection columns (never the event log).

use time::OffsetDateTime;

use crate::StorageError;
use crate::db::{Db, on_db};
use crate::dossier::{DOSSIER_COLUMNS, DossierRow, StoredDossier, dossier_from_row};

/// Which dossiers an inbox shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxQuery {
    /// The unit holding the dossiers.
    pub holder_agency_code: String,
    /// Only those assigned to this officer.
    pub assigned_officer: Option<String>,
    /// Only these statuses (as the domain names them); must not be empty.
    pub statuses: Vec<String>,
    /// Only those due at or before this time (overdue and due-soon filters).
    pub due_by: Option<OffsetDateTime>,
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
    /// One page of an inbox.
    pub async fn inbox(&self, query: &InboxQuery) -> Result<InboxPage, StorageError> {
        // Placeholders: $1 unit, then the statuses, then the optional officer and due bound.
        let mut next = 2;
        let statuses: Vec<String> = query
            .statuses
            .iter()
            .map(|_| {
                let p = format!("${next}");
                next += 1;
                p
            })
            .collect();
        let mut filter = format!(
            "holder_agency_code = $1 and status in ({})",
            if statuses.is_empty() {
                "null".to_owned()
            } else {
                statuses.join(", ")
            }
        );
        if query.assigned_officer.is_some() {
            filter.push_str(&format!(" and assigned_officer = ${next}"));
            next += 1;
        }
        if query.due_by.is_some() {
            filter.push_str(&format!(" and due_at <= ${next}"));
        }
        // The page's ids are chosen first, from the index alone (dossier_holder_idx holds every
        // column the filter and the order need), and only those rows are then read whole: sorting
        // a unit's open dossiers with their state JSON cost more than the rest of the page.
        let order = "order by due_at is null, due_at, submitted_at, id";
        let list = format!(
            "select {DOSSIER_COLUMNS} from dossier where id in \
             (select id from dossier where {filter} {order} limit {} offset {}) {order}",
            query.limit.clamp(1, 500),
            query.offset.max(0)
        );
        let count = format!("select count(*) from dossier where {filter}");
        let due_by = query.due_by.map(crate::dossier::to_micros);
        let rows: Vec<DossierRow> = on_db!(self, |pool| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(list)).bind(&query.holder_agency_code);
            for s in &query.statuses {
                q = q.bind(s);
            }
            if let Some(officer) = &query.assigned_officer {
                q = q.bind(officer);
            }
            if let Some(due) = due_by {
                q = q.bind(due);
            }
            q.fetch_all(pool).await
        })?;
        let (total,): (i64,) = on_db!(self, |pool| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(count)).bind(&query.holder_agency_code);
            for s in &query.statuses {
                q = q.bind(s);
            }
            if let Some(officer) = &query.assigned_officer {
                q = q.bind(officer);
            }
            if let Some(due) = due_by {
                q = q.bind(due);
            }
            q.fetch_one(pool).await
        })?;
        Ok(InboxPage {
            items: rows.into_iter().map(dossier_from_row).collect(),
            total,
        })
    }
}
