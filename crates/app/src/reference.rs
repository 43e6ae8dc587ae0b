//! The reference data the portal serves, held in memory: the catalogue with its search index and
//! the working-time calendar. Loaded from the database at start (so PostgreSQL and SQLite serve
//! exactly what they store) and swapped whole when it changes, so a reader holds the lock only to clone one `Arc`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use domain::calendar::{OfficeHours, WorkCalendar};
use domain::catalogue::{Agency, Catalogue, Field, Procedure};
use domain::search::{ProcedureFilter, SearchIndex};
use storage::{Db, StorageError};

/// One consistent snapshot of the reference data.
#[derive(Debug)]
pub struct ReferenceData {
    /// The catalogue.
    pub catalogue: Catalogue,
    /// Search index over `catalogue`.
    pub index: SearchIndex,
    /// Working-time calendar.
    pub calendar: WorkCalendar,
    fields: HashMap<String, usize>,
    agencies: HashMap<String, usize>,
    procedures: HashMap<String, usize>,
}

impl ReferenceData {
    /// Builds a snapshot from a catalogue and calendar.
    pub fn new(catalogue: Catalogue, calendar: WorkCalendar) -> ReferenceData {
        let index = SearchIndex::new(&catalogue);
        let position = |codes: Vec<&String>| {
            codes
                .into_iter()
                .enumerate()
                .map(|(i, c)| (c.clone(), i))
                .collect::<HashMap<_, _>>()
        };
        ReferenceData {
            fields: position(catalogue.fields.iter().map(|f| &f.code).collect()),
            agencies: position(catalogue.agencies.iter().map(|a| &a.code).collect()),
            procedures: position(catalogue.procedures.iter().map(|p| &p.code).collect()),
            index,
            calendar,
            catalogue,
        }
    }

    /// Reads a snapshot from the database.
    pub async fn load(db: &Db, hours: OfficeHours) -> Result<ReferenceData, StorageError> {
        let catalogue = db.load_catalogue().await?;
        let days = db.all_calendar_days().await?;
        Ok(ReferenceData::new(
            catalogue,
            WorkCalendar::new(days, hours),
        ))
    }

    /// The procedure with this code.
    pub fn procedure(&self, code: &str) -> Option<&Procedure> {
        self.procedures
            .get(code)
            .and_then(|&i| self.catalogue.procedures.get(i))
    }

    /// The field with this code.
    pub fn field(&self, code: &str) -> Option<&Field> {
        self.fields
            .get(code)
            .and_then(|&i| self.catalogue.fields.get(i))
    }

    /// The agency with this code.
    pub fn agency(&self, code: &str) -> Option<&Agency> {
        self.agencies
            .get(code)
            .and_then(|&i| self.catalogue.agencies.get(i))
    }

    /// Procedures matching a query and filter, best first.
    pub fn search(&self, query: &str, filter: &ProcedureFilter) -> Vec<&Procedure> {
        self.index
            .search(&self.catalogue, query, filter)
            .into_iter()
            .filter_map(|i| self.catalogue.procedures.get(i))
            .collect()
    }
}

/// The current snapshot, replaceable at run time.
#[derive(Debug, Clone)]
pub struct SharedReference(Arc<RwLock<Arc<ReferenceData>>>);

impl SharedReference {
    /// Wraps a first snapshot.
    pub fn new(data: ReferenceData) -> SharedReference {
        SharedReference(Arc::new(RwLock::new(Arc::new(data))))
    }

    /// The snapshot in force; cheap (one reference count).
    pub fn get(&self) -> Arc<ReferenceData> {
        match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the snapshot, e.g. after an administrator edits the catalogue.
    pub fn replace(&self, data: ReferenceData) {
        let fresh = Arc::new(data);
        match self.0.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }
}

/// Reloads the reference data and swaps it in when it changed, so that `motcua seed` or
/// `motcua calendar set` run beside a serving process take effect without a restart. A failed
/// reload keeps the snapshot in force and is logged. Each process runs it for its own snapshot
/// (a job of every process, not leased: `crate::jobs`).
pub async fn reload(db: &Db, shared: &SharedReference) {
    let current = shared.get();
    match ReferenceData::load(db, *current.calendar.office_hours()).await {
        Ok(fresh) if fresh.catalogue != current.catalogue || fresh.calendar != current.calendar => {
            tracing::info!(
                procedures = fresh.catalogue.procedures.len(),
                "reference data changed; new snapshot in force"
            );
            shared.replace(fresh);
        }
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "reference data reload failed; keeping the snapshot in force")
        }
    }
}
