//! The plan fixed when a dossier is accepted: its workflow's steps, each with its due time. The
//! acceptance event carries it and the state keeps it, so both read it from here.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::catalogue::Role;

/// One workflow step of a dossier with its due time: the step's share of the legal duration,
/// accumulated from the start of legal time (Decree 118/2025/NĐ-CP: each step of the internal
/// procedure has its own time limit, shown on the control slip, Form 06 of Circular
/// 03/2025/TT-VPCP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepPlan {
    /// The step's code in the workflow.
    pub code: String,
    /// Who performs it.
    pub role: Role,
    /// When the step must be done (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub due: OffsetDateTime,
}
