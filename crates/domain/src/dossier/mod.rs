//! The dossier (hồ sơ) from submission to returned result: its statuses and code, who acts on it,
//! the state machine that decides every action, the events that record them and the legal
//! deadlines they run against. Pure rules: storage persists the [`Event`]s and the
//! [`DossierState`] projection, the web layer calls [`decide`].
//!
//! # Lifecycle
//!
//! A dossier is opened by an online submission or a counter/post registration (status 1), then
//! accepted with a receipt and appointment (Form 01, status 2), refused (Form 03, status 3) or
//! sent back to be completed (Form 02). Once assigned it is processed (4); the handling officer
//! may request a supplement (5, clock stopped), fees (6), or transfer it to another agency
//! (liên thông), then proposes a result that a leader approves; the result becomes ready (9) and
//! is returned (10). The applicant may withdraw (7) until the result is ready; the agency may stop
//! processing (Form 05, status 8) and must apologise with a new date (Form 04) at least one
//! working day before a due date it will miss.
//!
//! # Transitions
//!
//! "holder" is the agency holding the dossier (the lead agency, or the agency it was transferred
//! to while there); "lead" is the receiving agency. A handling officer of the lead agency must be
//! the assigned one when an officer is assigned. Auditors and unit administrators never act.
//!
//! | action | from | who | to |
//! |---|---|---|---|
//! | submit online | (none) | the applicant | submitted |
//! | receive at counter | (none) | reception (own unit) | submitted |
//! | accept | submitted | reception of holder | accepted |
//! | refuse | submitted | reception of holder | refused |
//! | request supplement | submitted | reception of holder | supplement requested (intake, no clock) |
//! | request supplement | processing | assigned handling officer | supplement requested (clock stops) |
//! | receive supplement | supplement requested | the applicant, reception of holder | the status before |
//! | assign | accepted | reception or leader of holder; handling officer to themselves | processing |
//! | assign | processing | leader of holder | processing |
//! | transfer | processing | assigned handling officer | transferred |
//! | receive back | transferred | officer of lead or holder | processing |
//! | propose result | processing | assigned handling officer | processing |
//! | approve | processing, with a proposal | leader of holder | processing |
//! | request fees | processing | assigned handling officer | awaiting fees |
//! | record fees paid | awaiting fees | reception of holder, system | processing |
//! | mark result ready | processing, approved if the workflow has a leader step | assigned handling officer, leader of holder | result ready |
//! | return result | result ready | reception of holder; system (online only) | returned |
//! | withdraw | submitted, accepted, processing, supplement requested, awaiting fees, transferred | the applicant, reception of lead | withdrawn |
//! | stop | accepted, processing, awaiting fees, supplement requested (after acceptance) | assigned handling officer, leader of holder | stopped |
//! | apologise | accepted, processing, awaiting fees, transferred | handling officer or leader of holder | unchanged |
//! | verify identity | any but terminal, applicant not yet verified | system (population database); reception or handling of holder, with reasons (manual) | unchanged |
//!
//! Refused, withdrawn, stopped and returned are terminal.

mod action;
mod actor;
mod code;
mod deadline;
mod event;
mod identity;
mod machine;
mod offer;
mod plan;
mod state;
mod status;
pub mod tracking;

pub use action::{
    AMOUNT_MAX_VND, Action, ActionKind, Assignee, MAX_OFFICER_ID, ReturnMethod, TEXT_MAX_CHARS,
    assignee_refusal, electronic_result_refusal,
};
pub use actor::{Actor, Applicant, ApplicantKind, OfficerRole};
pub use code::{DossierCode, DossierCodeError, MAX_COUNTER};
pub use deadline::{
    DUE_SOON_WORKING_DAYS, ReceiptPlan, RecordedTimeliness, Timeliness, Urgency, apology_deadline,
    classify, due_at_close_of, plan_receipt, step_urgency, urgency,
};
pub use event::{CHANGE_KINDS, Change, Event};
pub use identity::{IdentityCheck, IdentityMethod, IdentityResult};
pub use machine::{Context, Refusal, decide};
pub use offer::offered_actions;
pub use plan::StepPlan;
pub use state::{Apology, ApplyError, DossierState, apply, replay};
pub use status::Status;

#[cfg(test)]
pub(crate) mod tests;
