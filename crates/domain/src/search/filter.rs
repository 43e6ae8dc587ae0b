//! The facets a citizen narrows the procedure list with (field, level, agency, online mode,
//! Project 06 services), kept apart from text matching so lists and searches share them.

use serde::{Deserialize, Serialize};

use crate::catalogue::{Level, Procedure, ServiceMode};

/// Facets narrowing a list of procedures. The default filter lets every procedure through; each
/// facet that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcedureFilter {
    /// Only procedures of this field (lĩnh vực), by field code, e.g. "ho-tich".
    pub field: Option<String>,
    /// Only procedures settled at this level.
    pub level: Option<Level>,
    /// Only procedures this agency receives, by agency code. Procedures whose agency list still
    /// holds the `all-communes` placeholder match only that literal code, so filter a catalogue
    /// after [`Catalogue::expand_agency_placeholders`](crate::catalogue::Catalogue::expand_agency_placeholders).
    pub agency: Option<String>,
    /// Only procedures offered in this online mode.
    pub service_mode: Option<ServiceMode>,
    /// Only the essential online public services of Project 06.
    pub priority_only: bool,
}

impl ProcedureFilter {
    /// Whether no facet is set, so that every procedure matches.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether the procedure satisfies every facet that is set.
    pub fn matches(&self, procedure: &Procedure) -> bool {
        self.field.as_ref().is_none_or(|f| *f == procedure.field)
            && self.level.is_none_or(|l| l == procedure.level)
            && self
                .agency
                .as_ref()
                .is_none_or(|a| procedure.agencies.iter().any(|pa| pa == a))
            && self
                .service_mode
                .is_none_or(|m| m == procedure.service_mode)
            && (!self.priority_only || procedure.priority)
    }
}
