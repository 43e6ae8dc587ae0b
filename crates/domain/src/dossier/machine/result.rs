//! The result (Decree 118/2025/NĐ-CP): the handling officer proposes it, a leader approves it or
//! sends it back, it becomes ready (status 9, processing ends) and is returned at the counter, by
//! post or online (status 10).

use super::guards::{
    HANDLER_OR_LEADER, in_holder, is_assignee, leader_on_proposal, not_blank, not_permitted,
    officer_in,
};
use super::refusal::{Refusal, wrong_status};
use crate::dossier::action::{Action, ReturnMethod};
use crate::dossier::actor::{Actor, OfficerRole};
use crate::dossier::event::Change;
use crate::dossier::state::DossierState;
use crate::dossier::status::Status;

/// The handling officer proposes the result (dự thảo kết quả) for approval.
pub(super) fn propose(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    summary: &str,
) -> Result<Change, Refusal> {
    if state.status != Status::Processing {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &[OfficerRole::Handling],
        "only the handling officer proposes a result",
    )?;
    in_holder(state, &o)?;
    is_assignee(state, &o)?;
    not_blank(summary, "summary")?;
    // One proposal at a time: the leader answers it (approves or sends it back) before the
    // officer proposes again, so the leader never signs a text that changed under them.
    if state.proposal.is_some() {
        return Err(Refusal::AlreadyProposed);
    }
    Ok(Change::ResultProposed {
        summary: summary.to_owned(),
    })
}

/// A leader approves and signs the proposed result.
pub(super) fn approve(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    note: Option<&str>,
) -> Result<Change, Refusal> {
    if state.status != Status::Processing {
        return Err(wrong_status(state, action));
    }
    leader_on_proposal(state, actor, action, "only a leader approves a result")?;
    Ok(Change::ResultApproved {
        note: note.map(str::to_owned),
    })
}

/// A leader sends the proposed result back to be redone, with the reasons.
pub(super) fn send_back(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    reasons: &str,
) -> Result<Change, Refusal> {
    if state.status != Status::Processing {
        return Err(wrong_status(state, action));
    }
    leader_on_proposal(
        state,
        actor,
        action,
        "only a leader sends a proposed result back",
    )?;
    not_blank(reasons, "reasons")?;
    Ok(Change::ProposalSentBack {
        reasons: reasons.to_owned(),
    })
}

/// The signed result is ready to be returned: approved first if the workflow has a leader step.
pub(super) fn mark_ready(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
) -> Result<Change, Refusal> {
    if state.status != Status::Processing {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &HANDLER_OR_LEADER,
        "only the handling officer or a leader marks the result ready",
    )?;
    in_holder(state, &o)?;
    is_assignee(state, &o)?;
    if state.requires_approval() && !state.approved {
        return Err(Refusal::NotApproved);
    }
    Ok(Change::ResultReady)
}

/// The result is handed over: by reception at the counter or by post, or delivered online by
/// the system.
pub(super) fn hand_over(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    method: ReturnMethod,
) -> Result<Change, Refusal> {
    if state.status != Status::ResultReady {
        return Err(wrong_status(state, action));
    }
    match actor {
        Actor::System { .. } if method == ReturnMethod::Online => {}
        Actor::System { .. } => {
            return Err(not_permitted(
                action,
                actor,
                "the system can only deliver a result online",
            ));
        }
        _ => {
            let o = officer_in(
                action,
                actor,
                &[OfficerRole::Reception],
                "only a reception officer returns a result",
            )?;
            in_holder(state, &o)?;
        }
    }
    Ok(Change::ResultReturned { method })
}
