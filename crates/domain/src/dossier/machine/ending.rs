//! A dossier that ends without its result: the applicant withdraws it (status 7), or the agency
//! stops processing it (Form 05, status 8).

use super::guards::{
    HANDLER_OR_LEADER, in_holder, is_assignee, not_blank, officer_in, own_applicant,
};
use super::refusal::{Refusal, wrong_status};
use crate::dossier::action::Action;
use crate::dossier::actor::{Actor, OfficerRole};
use crate::dossier::event::Change;
use crate::dossier::state::DossierState;
use crate::dossier::status::Status;

/// Withdrawal (rút hồ sơ): the applicant may withdraw until the result is ready, online or by a
/// written request the counter records.
pub(super) fn withdraw(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    reasons: &str,
) -> Result<Change, Refusal> {
    if !matches!(
        state.status,
        Status::Submitted
            | Status::Accepted
            | Status::Processing
            | Status::SupplementRequested
            | Status::AwaitingFees
            | Status::Transferred
    ) {
        return Err(wrong_status(state, action));
    }
    match own_applicant(state, actor) {
        Some(own) => own?,
        None => {
            let o = officer_in(
                action,
                actor,
                &[OfficerRole::Reception],
                "a withdrawal is made by the applicant, or recorded by a reception officer of the receiving agency",
            )?;
            if o.unit != state.agency {
                return Err(Refusal::OutsideUnit {
                    unit: o.unit.to_owned(),
                    holder: state.agency.clone(),
                });
            }
        }
    }
    Ok(Change::Withdrawn {
        reasons: reasons.to_owned(),
    })
}

/// Stopping (Form 05 of Circular 03/2025/TT-VPCP, thông báo dừng giải quyết hồ sơ): once the
/// dossier is accepted and before its result is ready.
pub(super) fn stop(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    reasons: &str,
) -> Result<Change, Refusal> {
    let status = state.status;
    let accepted_pause = status == Status::SupplementRequested && state.is_received();
    if !(matches!(
        status,
        Status::Accepted | Status::Processing | Status::AwaitingFees
    ) || accepted_pause)
    {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &HANDLER_OR_LEADER,
        "only the handling officer or a leader stops processing",
    )?;
    in_holder(state, &o)?;
    is_assignee(state, &o)?;
    not_blank(reasons, "reasons")?;
    Ok(Change::Stopped {
        reasons: reasons.to_owned(),
    })
}
