//! The facts recorded in a dossier's append-only log. Each event carries everything its
//! projection needs (including dates computed with the calendar at the time), so folding the log
//! with [`super::apply`] needs no catalogue or calendar and gives the same state for ever.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::action::ReturnMethod;
use super::actor::{Actor, Applicant};
use super::code::DossierCode;
use super::identity::IdentityCheck;
use super::plan::StepPlan;
use crate::catalogue::{Channel, LegalDuration};

/// One entry of a dossier's log: when, who, and what changed. Storage adds the hash chain, the
/// idempotency key and the sequence number around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who did it.
    pub actor: Actor,
    /// What happened.
    pub change: Change,
}

impl Event {
    /// Stable kind string stored beside the payload (e.g. `"supplement_requested"`).
    pub fn kind(&self) -> &'static str {
        self.change.kind()
    }
}

/// What an event changed. Serialised with a `kind` tag in snake case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The dossier was opened: submitted online or registered at the counter.
    Submitted {
        /// Its code.
        code: DossierCode,
        /// Code of the procedure applied for.
        procedure_code: String,
        /// Code of the workflow in force.
        workflow_code: String,
        /// Version of the workflow in force.
        workflow_version: u32,
        /// The procedure's legal duration in force.
        duration: LegalDuration,
        /// The receiving (lead) agency.
        agency: String,
        /// How it came in.
        channel: Channel,
        /// Who applied.
        applicant: Applicant,
        /// Papers handed in on paper at the counter, by their names in the procedure's list
        /// (online papers are files attached to the dossier instead).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        papers: Vec<String>,
    },
    /// Accepted (Form 01): legal time starts.
    Accepted {
        /// When legal time starts counting (the receipt, or the next opening of the office).
        #[serde(with = "time::serde::rfc3339")]
        counting_from: OffsetDateTime,
        /// The appointment date written on the receipt (ngày hẹn trả).
        #[serde(with = "time::serde::rfc3339")]
        appointment: OffsetDateTime,
        /// The workflow steps with their due times.
        steps: Vec<StepPlan>,
    },
    /// Refused at intake (Form 03).
    Refused {
        /// Reasons on the form.
        reasons: String,
    },
    /// The applicant was asked to complete the papers (Form 02).
    SupplementRequested {
        /// Reasons on the form.
        reasons: String,
        /// Whether it was at intake (before acceptance, no clock) rather than during processing.
        at_intake: bool,
        /// How many such requests of the same kind, this one included. A second request during
        /// processing makes the dossier overdue (Decision 766/QĐ-TTg).
        number: u32,
        /// The papers to add, by their names in the procedure's list.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        papers: Vec<String>,
    },
    /// The completed papers arrived; the clock runs again with the deadlines moved.
    SupplementReceived {
        /// What was supplied.
        note: Option<String>,
        /// Working time the clock was stopped, in seconds (0 at intake).
        paused_seconds: i64,
        /// The new due time (None at intake, before acceptance).
        #[serde(default, with = "time::serde::rfc3339::option")]
        due: Option<OffsetDateTime>,
        /// The steps with their new due times.
        steps: Vec<StepPlan>,
        /// The new date promised by an earlier apology, moved likewise.
        #[serde(default, with = "time::serde::rfc3339::option")]
        apology_due: Option<OffsetDateTime>,
    },
    /// Given to a handling officer.
    Assigned {
        /// The officer.
        officer_id: String,
    },
    /// Sent to another agency (liên thông).
    Transferred {
        /// The other agency.
        to_agency: String,
        /// What is asked of it.
        note: String,
    },
    /// Back from the other agency.
    ReturnedFromTransfer {
        /// What it concluded.
        note: Option<String>,
    },
    /// A result was proposed for approval.
    ResultProposed {
        /// The proposed outcome.
        summary: String,
    },
    /// A leader approved the proposed result.
    ResultApproved {
        /// Remarks.
        note: Option<String>,
    },
    /// A leader sent the proposed result back to be redone.
    ProposalSentBack {
        /// What to change.
        reasons: String,
    },
    /// Fees were requested.
    FeesRequested {
        /// Amount in VND.
        amount_vnd: i64,
        /// What for.
        note: String,
    },
    /// Fees were paid.
    FeesPaid {
        /// Amount in VND.
        amount_vnd: i64,
        /// Receipt or transaction reference.
        reference: String,
    },
    /// The result is ready (status 9); processing ended.
    ResultReady,
    /// The result was returned (status 10).
    ResultReturned {
        /// How.
        method: ReturnMethod,
    },
    /// Withdrawn by the applicant.
    Withdrawn {
        /// Reasons given.
        reasons: String,
    },
    /// Processing stopped (Form 05).
    Stopped {
        /// Reasons on the form.
        reasons: String,
    },
    /// An apology with a new date was issued (Form 04).
    Apologised {
        /// Reasons on the form.
        reasons: String,
        /// The new date promised to the applicant.
        #[serde(with = "time::serde::rfc3339")]
        new_due: OffsetDateTime,
    },
    /// The applicant's identity was checked (population database or an officer).
    IdentityChecked {
        /// The check.
        check: IdentityCheck,
    },
}

/// Every [`Change::kind`], in the order of a dossier's life: what a connected system may
/// subscribe to (`crate::webhook`). A test keeps it equal to the kinds the changes print.
pub const CHANGE_KINDS: [&str; 19] = [
    "submitted",
    "accepted",
    "refused",
    "supplement_requested",
    "supplement_received",
    "assigned",
    "transferred",
    "returned_from_transfer",
    "result_proposed",
    "result_approved",
    "proposal_sent_back",
    "fees_requested",
    "fees_paid",
    "result_ready",
    "result_returned",
    "withdrawn",
    "stopped",
    "apologised",
    "identity_checked",
];

impl Change {
    /// Stable kind string, the same as the serialised `kind` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Submitted { .. } => "submitted",
            Change::Accepted { .. } => "accepted",
            Change::Refused { .. } => "refused",
            Change::SupplementRequested { .. } => "supplement_requested",
            Change::SupplementReceived { .. } => "supplement_received",
            Change::Assigned { .. } => "assigned",
            Change::Transferred { .. } => "transferred",
            Change::ReturnedFromTransfer { .. } => "returned_from_transfer",
            Change::ResultProposed { .. } => "result_proposed",
            Change::ResultApproved { .. } => "result_approved",
            Change::ProposalSentBack { .. } => "proposal_sent_back",
            Change::FeesRequested { .. } => "fees_requested",
            Change::FeesPaid { .. } => "fees_paid",
            Change::ResultReady => "result_ready",
            Change::ResultReturned { .. } => "result_returned",
            Change::Withdrawn { .. } => "withdrawn",
            Change::Stopped { .. } => "stopped",
            Change::Apologised { .. } => "apologised",
            Change::IdentityChecked { .. } => "identity_checked",
        }
    }
}
