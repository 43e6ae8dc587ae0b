//! The checks every phase of a dossier's life repeats: who the actor is (an officer of which role
//! and unit, the assigned one, the applicant themselves), that a text is not blank and that the
//! papers named are the procedure's. Written once so that a rule about who may act reads the same
//! in every action.

use super::Context;
use super::refusal::Refusal;
use crate::dossier::action::Action;
use crate::dossier::actor::{Actor, OfficerRole};
use crate::dossier::state::DossierState;

/// The roles that act on dossiers; auditors and unit administrators only read them.
pub(super) const ACTING_ROLES: [OfficerRole; 3] = [
    OfficerRole::Reception,
    OfficerRole::Handling,
    OfficerRole::Leader,
];
pub(super) const HANDLER_OR_LEADER: [OfficerRole; 2] = [OfficerRole::Handling, OfficerRole::Leader];

/// An officer acting: id, role, unit.
pub(super) struct Officer<'a> {
    pub(super) id: &'a str,
    pub(super) role: OfficerRole,
    pub(super) unit: &'a str,
}

pub(super) fn officer(actor: &Actor) -> Option<Officer<'_>> {
    match actor {
        Actor::Officer {
            officer_id,
            role,
            unit,
        } => Some(Officer {
            id: officer_id,
            role: *role,
            unit,
        }),
        _ => None,
    }
}

pub(super) fn not_permitted(action: &Action, actor: &Actor, rule: &'static str) -> Refusal {
    Refusal::NotPermitted {
        action: action.name(),
        actor: actor.label(),
        rule,
    }
}

/// The officer, if their role is one of `roles`.
pub(super) fn officer_in<'a>(
    action: &Action,
    actor: &'a Actor,
    roles: &[OfficerRole],
    rule: &'static str,
) -> Result<Officer<'a>, Refusal> {
    match officer(actor) {
        Some(o) if roles.contains(&o.role) => Ok(o),
        _ => Err(not_permitted(action, actor, rule)),
    }
}

/// A leader answering the proposal that awaits them (approving it or sending it back): a leader
/// of the holding unit, with a proposed result not yet approved.
pub(super) fn leader_on_proposal(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    rule: &'static str,
) -> Result<(), Refusal> {
    let o = officer_in(action, actor, &[OfficerRole::Leader], rule)?;
    in_holder(state, &o)?;
    if state.proposal.is_none() || state.approved {
        return Err(Refusal::NothingToApprove);
    }
    Ok(())
}

/// The officer's unit must hold the dossier (the lead agency, or the agency it is transferred
/// to while it is there).
pub(super) fn in_holder(state: &DossierState, officer: &Officer<'_>) -> Result<(), Refusal> {
    if officer.unit == state.holder {
        Ok(())
    } else {
        Err(Refusal::OutsideUnit {
            unit: officer.unit.to_owned(),
            holder: state.holder.clone(),
        })
    }
}

/// A handling officer of the lead agency must be the one assigned, if any.
pub(super) fn is_assignee(state: &DossierState, officer: &Officer<'_>) -> Result<(), Refusal> {
    let lead = state.holder == state.agency;
    match &state.assigned_to {
        Some(assigned)
            if lead && officer.role == OfficerRole::Handling && assigned != officer.id =>
        {
            Err(Refusal::NotAssignee)
        }
        _ => Ok(()),
    }
}

/// For an applicant actor, whether the dossier is theirs; `None` for anyone else.
pub(super) fn own_applicant(state: &DossierState, actor: &Actor) -> Option<Result<(), Refusal>> {
    match actor {
        Actor::Applicant { applicant_id } => Some(if *applicant_id == state.applicant.id {
            Ok(())
        } else {
            Err(Refusal::NotApplicant)
        }),
        _ => None,
    }
}

/// Every text of the action within [`crate::dossier::TEXT_MAX_CHARS`] and its amount within
/// [`crate::dossier::AMOUNT_MAX_VND`], whoever acts and whatever the status.
pub(super) fn within_limits(action: &Action) -> Result<(), Refusal> {
    if let Some((field, _)) = action
        .texts()
        .into_iter()
        .find(|(_, text)| text.chars().count() > crate::dossier::TEXT_MAX_CHARS)
    {
        return Err(Refusal::TooLong { field });
    }
    if action
        .amount_vnd()
        .is_some_and(|a| a > crate::dossier::AMOUNT_MAX_VND)
    {
        return Err(Refusal::AmountTooLarge);
    }
    Ok(())
}

pub(super) fn not_blank(text: &str, field: &'static str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        Err(Refusal::Blank { field })
    } else {
        Ok(())
    }
}

/// Every paper named must be one of the procedure's papers (thành phần hồ sơ published under
/// Decree 63/2010/NĐ-CP, Art. 8): a receipt or a request can list only what the procedure asks.
pub(super) fn known_papers(context: &Context<'_>, names: &[String]) -> Result<(), Refusal> {
    match names
        .iter()
        .find(|n| !context.procedure.components.iter().any(|c| &c.name == *n))
    {
        Some(name) => Err(Refusal::UnknownPaper { name: name.clone() }),
        None => Ok(()),
    }
}
