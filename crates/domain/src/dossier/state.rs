//! The current state of a dossier as a projection of its events: what the inbox, the tracking
//! page and the state machine read. It is rebuilt by folding the log with [`apply`], never edited.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::OffsetDateTime;

use super::action::ReturnMethod;
use super::actor::Applicant;
use super::code::DossierCode;
use super::event::{Change, Event};
use super::identity::IdentityCheck;
use super::plan::StepPlan;
use super::status::Status;
use crate::catalogue::{Channel, LegalDuration, Role};

/// An apology with a new date (Form 04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apology {
    /// When it was issued.
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// The new date promised to the applicant.
    #[serde(with = "time::serde::rfc3339")]
    pub new_due: OffsetDateTime,
    /// Why the dossier is late.
    pub reasons: String,
}

/// The projection of a dossier's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierState {
    /// Dossier code.
    pub code: DossierCode,
    /// Procedure applied for.
    pub procedure_code: String,
    /// Workflow in force at submission.
    pub workflow_code: String,
    /// Its version.
    pub workflow_version: u32,
    /// The legal duration in force at submission.
    pub duration: LegalDuration,
    /// How the dossier came in.
    pub channel: Channel,
    /// Who applied.
    pub applicant: Applicant,
    /// The receiving (lead) agency, which answers for the dossier.
    pub agency: String,
    /// The agency holding the dossier now: the lead agency, or the agency it was transferred to.
    pub holder: String,
    /// Current status.
    pub status: Status,
    /// The status to go back to when the supplement or the fees arrive.
    pub resume_status: Option<Status>,
    /// When it was submitted or registered.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// When it was accepted (Form 01).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub received_at: Option<OffsetDateTime>,
    /// When legal time started counting.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub counting_from: Option<OffsetDateTime>,
    /// The appointment date of the receipt; never changes once set.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub appointment: Option<OffsetDateTime>,
    /// The legal due time: the appointment moved later by every supplement pause. This is the
    /// deadline of Decision 766/QĐ-TTg; an apology does not move it.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub due: Option<OffsetDateTime>,
    /// The workflow steps with their due times (empty before acceptance).
    pub steps: Vec<StepPlan>,
    /// Index in `steps` of the step in progress.
    pub current_step: usize,
    /// The handling officer it is assigned to.
    pub assigned_to: Option<String>,
    /// The proposed result awaiting approval, if any.
    pub proposal: Option<String>,
    /// Whether a leader approved the proposed result.
    pub approved: bool,
    /// Supplement requests made during processing (after acceptance).
    pub supplement_requests: u32,
    /// Requests to complete the papers made at intake (before acceptance, no clock).
    pub intake_supplement_requests: u32,
    /// When the pending supplement request was made, while the clock is stopped. Kept if the
    /// dossier ends during the pause, since the clock stopped then.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub paused_at: Option<OffsetDateTime>,
    /// Working time the clock was stopped by completed supplements, in seconds.
    pub paused_seconds: i64,
    /// The apology and new date, if one was issued.
    pub apology: Option<Apology>,
    /// Fees requested so far, in VND.
    pub fees_requested_vnd: i64,
    /// Fees paid so far, in VND.
    pub fees_paid_vnd: i64,
    /// When processing ended: the first of result ready, returned, stopped, refused, withdrawn.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub processing_ended_at: Option<OffsetDateTime>,
    /// When the result was returned.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub returned_at: Option<OffsetDateTime>,
    /// How the result was returned.
    pub return_method: Option<ReturnMethod>,
    /// The latest check of the applicant's identity, if any was made.
    #[serde(default)]
    pub identity: Option<IdentityCheck>,
    /// Time of the last event.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Number of events folded, for optimistic concurrency in storage.
    pub version: u64,
}

impl DossierState {
    /// Whether legal time has started (the dossier was accepted).
    pub fn is_received(&self) -> bool {
        self.appointment.is_some()
    }

    /// The date the applicant is now promised: the apology's new date if one was issued, else
    /// the legal due time.
    pub fn effective_due(&self) -> Option<OffsetDateTime> {
        self.apology.as_ref().map(|a| a.new_due).or(self.due)
    }

    /// The step in progress, once accepted.
    pub fn current_step(&self) -> Option<&StepPlan> {
        self.steps.get(self.current_step)
    }

    /// Whether the workflow has a leader's approval step, so a result needs approval.
    pub fn requires_approval(&self) -> bool {
        self.steps.iter().any(|s| s.role == Role::Leader)
    }

    /// Moves to the first step from the current one performed by `role`, if any.
    fn advance_to(&mut self, role: Role) {
        if let Some(offset) = self
            .steps
            .iter()
            .skip(self.current_step)
            .position(|s| s.role == role)
        {
            self.current_step += offset;
        }
    }

    /// Returns to the latest step of `role` at or before the current one (a proposal sent back
    /// to the handling officer); the steps' due times stay as planned.
    fn back_to(&mut self, role: Role) {
        if let Some(index) = self
            .steps
            .iter()
            .take(self.current_step + 1)
            .rposition(|s| s.role == role)
        {
            self.current_step = index;
        }
    }

    fn end_processing(&mut self, at: OffsetDateTime) {
        if self.processing_ended_at.is_none() {
            self.processing_ended_at = Some(at);
        }
    }

    fn fold(mut self, event: &Event) -> Result<Self, ApplyError> {
        let at = event.at;
        match &event.change {
            Change::Submitted { .. } => return Err(ApplyError::AlreadyOpen),
            Change::Accepted {
                counting_from,
                appointment,
                steps,
            } => {
                self.status = Status::Accepted;
                self.received_at = Some(at);
                self.counting_from = Some(*counting_from);
                self.appointment = Some(*appointment);
                self.due = Some(*appointment);
                self.steps = steps.clone();
                self.current_step = 0;
                self.advance_to(Role::Handling);
            }
            Change::Refused { .. } => {
                self.status = Status::Refused;
                self.end_processing(at);
            }
            Change::SupplementRequested {
                at_intake, number, ..
            } => {
                self.resume_status = Some(self.status);
                self.status = Status::SupplementRequested;
                if *at_intake {
                    self.intake_supplement_requests = *number;
                } else {
                    self.supplement_requests = *number;
                    self.paused_at = Some(at);
                }
            }
            Change::SupplementReceived {
                paused_seconds,
                due,
                steps,
                apology_due,
                ..
            } => {
                self.status = self.resume_status.take().unwrap_or(Status::Processing);
                self.paused_at = None;
                self.paused_seconds = self.paused_seconds.saturating_add(*paused_seconds);
                self.due = *due;
                self.steps = steps.clone();
                if let (Some(apology), Some(new_due)) = (self.apology.as_mut(), apology_due) {
                    apology.new_due = *new_due;
                }
            }
            Change::Assigned { officer_id } => {
                self.status = Status::Processing;
                self.assigned_to = Some(officer_id.clone());
                self.proposal = None;
                self.approved = false;
                self.advance_to(Role::Handling);
            }
            Change::Transferred { to_agency, .. } => {
                self.status = Status::Transferred;
                self.holder = to_agency.clone();
                if self
                    .steps
                    .get(self.current_step + 1)
                    .is_some_and(|s| s.role == Role::Handling)
                {
                    self.current_step += 1;
                }
            }
            Change::ReturnedFromTransfer { .. } => {
                self.status = Status::Processing;
                self.holder = self.agency.clone();
            }
            Change::ResultProposed { summary } => {
                self.proposal = Some(summary.clone());
                self.approved = false;
                self.advance_to(Role::Leader);
            }
            Change::ResultApproved { .. } => {
                self.approved = true;
                self.advance_to(Role::Reception);
            }
            Change::ProposalSentBack { .. } => {
                self.proposal = None;
                self.approved = false;
                self.back_to(Role::Handling);
            }
            Change::FeesRequested { amount_vnd, .. } => {
                self.resume_status = Some(self.status);
                self.status = Status::AwaitingFees;
                self.fees_requested_vnd = self.fees_requested_vnd.saturating_add(*amount_vnd);
            }
            Change::FeesPaid { amount_vnd, .. } => {
                self.status = self.resume_status.take().unwrap_or(Status::Processing);
                self.fees_paid_vnd = self.fees_paid_vnd.saturating_add(*amount_vnd);
            }
            Change::ResultReady => {
                self.status = Status::ResultReady;
                self.end_processing(at);
                self.advance_to(Role::Reception);
            }
            Change::ResultReturned { method } => {
                self.status = Status::Returned;
                self.returned_at = Some(at);
                self.return_method = Some(*method);
                self.end_processing(at);
            }
            Change::Withdrawn { .. } => {
                self.status = Status::Withdrawn;
                self.end_processing(at);
            }
            Change::Stopped { .. } => {
                self.status = Status::Stopped;
                self.end_processing(at);
            }
            Change::Apologised { reasons, new_due } => {
                self.apology = Some(Apology {
                    issued_at: at,
                    new_due: *new_due,
                    reasons: reasons.clone(),
                });
            }
            Change::IdentityChecked { check } => self.identity = Some(check.clone()),
        }
        self.updated_at = at;
        self.version += 1;
        Ok(self)
    }
}

/// Why an event cannot be folded. Events come from [`super::decide`], so this only happens with
/// a damaged or reordered log.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApplyError {
    /// The first event of a dossier must open it.
    #[error("the first event of a dossier must be `submitted`, not `{kind}`")]
    NotOpen {
        /// Kind of the event found.
        kind: &'static str,
    },
    /// A dossier can be opened only once.
    #[error("the dossier is already open: `submitted` can only be its first event")]
    AlreadyOpen,
}

/// Folds one event into the state (`None` before the first event). Pure and deterministic: the
/// same state and event always give the same result.
pub fn apply(state: Option<DossierState>, event: &Event) -> Result<DossierState, ApplyError> {
    match (state, &event.change) {
        (Some(state), _) => state.fold(event),
        (
            None,
            Change::Submitted {
                code,
                procedure_code,
                workflow_code,
                workflow_version,
                duration,
                agency,
                channel,
                applicant,
                ..
            },
        ) => Ok(DossierState {
            code: code.clone(),
            procedure_code: procedure_code.clone(),
            workflow_code: workflow_code.clone(),
            workflow_version: *workflow_version,
            duration: *duration,
            channel: *channel,
            applicant: applicant.clone(),
            agency: agency.clone(),
            holder: agency.clone(),
            status: Status::Submitted,
            resume_status: None,
            submitted_at: event.at,
            received_at: None,
            counting_from: None,
            appointment: None,
            due: None,
            steps: Vec::new(),
            current_step: 0,
            assigned_to: None,
            proposal: None,
            approved: false,
            supplement_requests: 0,
            intake_supplement_requests: 0,
            paused_at: None,
            paused_seconds: 0,
            apology: None,
            fees_requested_vnd: 0,
            fees_paid_vnd: 0,
            processing_ended_at: None,
            returned_at: None,
            return_method: None,
            identity: None,
            updated_at: event.at,
            version: 1,
        }),
        (None, change) => Err(ApplyError::NotOpen {
            kind: change.kind(),
        }),
    }
}

/// Folds a whole log in order; `None` for an empty log.
pub fn replay<'a>(
    events: impl IntoIterator<Item = &'a Event>,
) -> Result<Option<DossierState>, ApplyError> {
    let mut state = None;
    for event in events {
        state = Some(apply(state, event)?);
    }
    Ok(state)
}
