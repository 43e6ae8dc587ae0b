//! The monthly report of look-ups in the national population database. The look-up itself, its
//! log and its retry are `app::registry`; what the pages that look up say about an applicant's
//! identity is at the shared edge (`crate::edge::identity`).

pub(crate) mod report;

use crate::AppState;

/// Routes of the look-up report.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/back-office/reports/registry-lookups",
        axum::routing::get(report::page),
    )
}
