//! Supplements (Form 02, phiếu yêu cầu bổ sung, hoàn thiện hồ sơ): at intake the applicant is
//! guided once; during processing the clock stops until the papers arrive. A second request during
//! processing is allowed but makes the dossier overdue (Decision 766/QĐ-TTg, indicator 2.1).

use time::OffsetDateTime;

use super::Context;
use super::guards::{in_holder, is_assignee, known_papers, not_blank, officer_in, own_applicant};
use super::refusal::{Refusal, wrong_status};
use crate::dossier::action::Action;
use crate::dossier::actor::{Actor, OfficerRole};
use crate::dossier::deadline::extend_for_supplement;
use crate::dossier::event::Change;
use crate::dossier::state::DossierState;
use crate::dossier::status::Status;

/// Ask the applicant to complete the papers: reception at intake, the assigned handling officer
/// during processing.
pub(super) fn request(
    state: &DossierState,
    context: &Context<'_>,
    actor: &Actor,
    action: &Action,
    reasons: &str,
    papers: &[String],
) -> Result<Change, Refusal> {
    let at_intake = match state.status {
        Status::Submitted => {
            let o = officer_in(
                action,
                actor,
                &[OfficerRole::Reception],
                "at intake only a reception officer asks to complete the papers",
            )?;
            in_holder(state, &o)?;
            true
        }
        Status::Processing => {
            let o = officer_in(
                action,
                actor,
                &[OfficerRole::Handling],
                "during processing only the handling officer requests a supplement",
            )?;
            in_holder(state, &o)?;
            is_assignee(state, &o)?;
            false
        }
        _ => return Err(wrong_status(state, action)),
    };
    not_blank(reasons, "reasons")?;
    let number = if at_intake {
        state.intake_supplement_requests + 1
    } else {
        state.supplement_requests + 1
    };
    known_papers(context, papers)?;
    Ok(Change::SupplementRequested {
        papers: papers.to_vec(),
        reasons: reasons.to_owned(),
        at_intake,
        number,
    })
}

/// The completed papers arrived, online from the applicant or at the counter; the clock runs
/// again with the time it stood still added to the due dates.
pub(super) fn receive(
    state: &DossierState,
    context: &Context<'_>,
    actor: &Actor,
    action: &Action,
    note: Option<&str>,
    at: OffsetDateTime,
) -> Result<Change, Refusal> {
    if state.status != Status::SupplementRequested {
        return Err(wrong_status(state, action));
    }
    match own_applicant(state, actor) {
        Some(own) => own?,
        None => {
            let o = officer_in(
                action,
                actor,
                &[OfficerRole::Reception],
                "a supplement is handed in by the applicant online or received by a reception officer",
            )?;
            in_holder(state, &o)?;
        }
    }
    let extension =
        extend_for_supplement(context.calendar, state, at).ok_or(Refusal::OutOfCalendar)?;
    Ok(Change::SupplementReceived {
        note: note.map(str::to_owned),
        paused_seconds: extension.paused_seconds,
        due: extension.due,
        steps: extension.steps,
        apology_due: extension.apology_due,
    })
}
