//! Recording a check of the applicant's identity (Decree 104/2022/NĐ-CP: a verified applicant
//! needs no household book): who may record which kind of check, and while the dossier is open.

use super::refusal::Refusal;
use crate::dossier::action::Action;
use crate::dossier::actor::{Actor, OfficerRole};
use crate::dossier::event::Change;
use crate::dossier::identity::{IdentityCheck, IdentityMethod, IdentityResult};
use crate::dossier::state::DossierState;

/// The rules of recording a check on an open dossier: never once the applicant is verified or
/// the dossier has ended; the database's answers are recorded by the system only; a manual
/// verification is a reception officer's of the unit holding the dossier, or, once accepted,
/// its handling officer's, with reasons, and concludes "verified" (an officer who doubts the
/// applicant refuses or stops the dossier instead, with a form).
pub(super) fn verify(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    check: &IdentityCheck,
) -> Result<Change, Refusal> {
    allowed(state, actor, action, check)?;
    Ok(Change::IdentityChecked {
        check: check.clone(),
    })
}

fn allowed(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    check: &IdentityCheck,
) -> Result<(), Refusal> {
    if state.status.is_terminal() {
        return Err(Refusal::WrongStatus {
            action: action.name(),
            status: state.status,
            rule: "an applicant's identity is checked only while the dossier is open",
        });
    }
    if state
        .identity
        .as_ref()
        .is_some_and(IdentityCheck::is_verified)
    {
        return Err(Refusal::IdentityAlreadyVerified);
    }
    match (check.method, actor) {
        (IdentityMethod::PopulationRegistry, Actor::System { .. }) => Ok(()),
        (IdentityMethod::PopulationRegistry, _) => Err(Refusal::NotPermitted {
            action: action.name(),
            actor: actor.label(),
            rule: "the population database's answers are recorded by the system only",
        }),
        (
            IdentityMethod::Manual,
            Actor::Officer {
                role: role @ (OfficerRole::Reception | OfficerRole::Handling),
                unit,
                officer_id,
            },
        ) => {
            // The handling officer works on an accepted dossier, and on their own once assigned.
            if *role == OfficerRole::Handling
                && (!state.is_received()
                    || state.assigned_to.as_ref().is_some_and(|a| a != officer_id))
            {
                return Err(Refusal::NotPermitted {
                    action: action.name(),
                    actor: actor.label(),
                    rule: "a handling officer verifies the applicant of an accepted dossier assigned to them",
                });
            }
            if *unit != state.holder {
                return Err(Refusal::OutsideUnit {
                    unit: unit.clone(),
                    holder: state.holder.clone(),
                });
            }
            if check.result != IdentityResult::Verified {
                return Err(Refusal::NotPermitted {
                    action: action.name(),
                    actor: actor.label(),
                    rule: "an officer records a manual verification, not a failed check",
                });
            }
            if check.reasons.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(Refusal::Blank { field: "reasons" });
            }
            Ok(())
        }
        (IdentityMethod::Manual, _) => Err(Refusal::NotPermitted {
            action: action.name(),
            actor: actor.label(),
            rule: "only a reception or handling officer verifies an applicant manually",
        }),
    }
}
