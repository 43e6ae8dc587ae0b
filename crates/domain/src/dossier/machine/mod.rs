//! The dossier state machine: whether an actor may perform an action on a dossier in its current
//! state, and which events record it. Every check (status × role × unit) lives here so that the
//! web pages, the API and the workers enforce the same law.
//!
//! [`decide`] is the entry: the checks common to every action, then one function per action,
//! grouped by the phase of a dossier's life it belongs to (see the transition table of
//! [`super`]): [`intake`], [`supplement`], [`processing`], [`result`] and [`ending`]; the
//! checks they share are in [`guards`], the refusals in [`refusal`].

mod ending;
mod guards;
mod identity;
mod intake;
mod processing;
mod refusal;
mod result;
mod supplement;

use time::OffsetDateTime;

use super::action::Action;
use super::actor::Actor;
use super::event::{Change, Event};
use super::state::DossierState;
use crate::calendar::WorkCalendar;
use crate::catalogue::{Procedure, Workflow};
use guards::{ACTING_ROLES, not_permitted, officer};

pub use refusal::Refusal;

/// What [`decide`] needs besides the dossier: the procedure and the workflow version the dossier
/// was submitted under, and the province's calendar.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The procedure applied for.
    pub procedure: &'a Procedure,
    /// The workflow in force at submission (the version the dossier records).
    pub workflow: &'a Workflow,
    /// The legal calendar.
    pub calendar: &'a WorkCalendar,
}

/// Decides whether `actor` may perform `action` at `at` on the dossier `state` (`None` when the
/// action opens a new dossier), and returns the events that record it.
///
/// Refused actions change nothing. Time is a parameter: the caller passes the clock's reading.
/// See the module documentation of [`super`] for the transition table.
pub fn decide(
    state: Option<&DossierState>,
    context: &Context<'_>,
    actor: &Actor,
    action: &Action,
    at: OffsetDateTime,
) -> Result<Vec<Event>, Refusal> {
    guards::within_limits(action)?;
    // Auditors and unit administrators read dossiers but never act on them.
    if let Some(o) = officer(actor)
        && !ACTING_ROLES.contains(&o.role)
    {
        return Err(not_permitted(
            action,
            actor,
            "auditors and unit administrators can read dossiers but never act on them",
        ));
    }
    let change = match state {
        None => intake::open(context, actor, action, at)?,
        Some(state) => {
            if at < state.updated_at {
                return Err(Refusal::TimeBeforeLastEvent);
            }
            check_context(state, context)?;
            step(state, context, actor, action, at)?
        }
    };
    Ok(vec![Event {
        at,
        actor: actor.clone(),
        change,
    }])
}

fn check_context(state: &DossierState, context: &Context<'_>) -> Result<(), Refusal> {
    if context.procedure.code == state.procedure_code
        && context.workflow.code == state.workflow_code
        && context.workflow.version == state.workflow_version
    {
        Ok(())
    } else {
        Err(Refusal::ContextMismatch {
            expected: format!(
                "procedure {}, workflow {} version {}",
                state.procedure_code, state.workflow_code, state.workflow_version
            ),
        })
    }
}

/// An action on an existing dossier: each goes to the rules of its phase.
fn step(
    state: &DossierState,
    context: &Context<'_>,
    actor: &Actor,
    action: &Action,
    at: OffsetDateTime,
) -> Result<Change, Refusal> {
    match action {
        Action::SubmitOnline { .. } | Action::ReceiveAtCounter { .. } => Err(Refusal::AlreadyOpen),
        Action::Accept => intake::accept(state, context, actor, action, at),
        Action::Refuse { reasons } => intake::refuse(state, actor, action, reasons),
        Action::RequestSupplement { reasons, papers } => {
            supplement::request(state, context, actor, action, reasons, papers)
        }
        Action::ReceiveSupplement { note } => {
            supplement::receive(state, context, actor, action, note.as_deref(), at)
        }
        Action::Assign { officer_id } => processing::assign(state, actor, action, officer_id),
        Action::Transfer { to_agency, note } => {
            processing::transfer(state, actor, action, to_agency, note)
        }
        Action::ReceiveBack { note } => {
            processing::receive_back(state, actor, action, note.as_deref())
        }
        Action::RequestFees { amount_vnd, note } => {
            processing::request_fees(state, actor, action, *amount_vnd, note)
        }
        Action::RecordFeesPaid {
            amount_vnd,
            reference,
        } => processing::record_fees_paid(state, actor, action, *amount_vnd, reference),
        Action::Apologise { reasons, new_due } => {
            processing::apologise(state, context, actor, action, reasons, *new_due, at)
        }
        Action::ProposeResult { summary } => result::propose(state, actor, action, summary),
        Action::Approve { note } => result::approve(state, actor, action, note.as_deref()),
        Action::SendBack { reasons } => result::send_back(state, actor, action, reasons),
        Action::MarkResultReady => result::mark_ready(state, actor, action),
        Action::ReturnResult { method } => result::hand_over(state, actor, action, *method),
        Action::Withdraw { reasons } => ending::withdraw(state, actor, action, reasons),
        Action::Stop { reasons } => ending::stop(state, actor, action, reasons),
        Action::VerifyIdentity { check } => identity::verify(state, actor, action, check),
    }
}
