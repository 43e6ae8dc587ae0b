//! Processing an accepted dossier: assigning it to a handling officer (phân công), sending it to
//! another agency for its part and taking it back (liên thông), asking for fees and recording
//! their payment (status 6), and apologising with a new date when it will be late (Form 04).
//! Supplements are in [`super::supplement`], the result in [`super::result`].

use time::OffsetDateTime;

use super::Context;
use super::guards::{
    ACTING_ROLES, HANDLER_OR_LEADER, in_holder, is_assignee, not_blank, not_permitted, officer_in,
};
use super::refusal::{Refusal, wrong_status};
use crate::dossier::action::Action;
use crate::dossier::actor::{Actor, OfficerRole};
use crate::dossier::deadline::{apology_deadline, local};
use crate::dossier::event::Change;
use crate::dossier::state::DossierState;
use crate::dossier::status::Status;

/// Assignment (phân công): the counter forwards, a leader assigns or reassigns, a handling
/// officer may take an unassigned dossier.
pub(super) fn assign(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    officer_id: &str,
) -> Result<Change, Refusal> {
    let o = match state.status {
        Status::Accepted => officer_in(
            action,
            actor,
            &ACTING_ROLES,
            "only officers assign dossiers",
        )?,
        Status::Processing => officer_in(
            action,
            actor,
            &[OfficerRole::Leader],
            "only a leader reassigns a dossier being processed",
        )?,
        _ => return Err(wrong_status(state, action)),
    };
    in_holder(state, &o)?;
    not_blank(officer_id, "officer id")?;
    if o.role == OfficerRole::Handling && officer_id != o.id {
        return Err(not_permitted(
            action,
            actor,
            "a handling officer can only take a dossier for themselves; a leader assigns it to others",
        ));
    }
    Ok(Change::Assigned {
        officer_id: officer_id.to_owned(),
    })
}

/// Send the dossier to another agency for its part (liên thông, Decree 118/2025/NĐ-CP).
pub(super) fn transfer(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    to_agency: &str,
    note: &str,
) -> Result<Change, Refusal> {
    if state.status != Status::Processing {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &[OfficerRole::Handling],
        "only the handling officer transfers a dossier to another agency",
    )?;
    in_holder(state, &o)?;
    is_assignee(state, &o)?;
    not_blank(to_agency, "receiving agency")?;
    if to_agency == state.holder {
        return Err(Refusal::TransferToHolder);
    }
    Ok(Change::Transferred {
        to_agency: to_agency.to_owned(),
        note: note.to_owned(),
    })
}

/// The other agency's part is done and the dossier is back with the lead agency.
pub(super) fn receive_back(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    note: Option<&str>,
) -> Result<Change, Refusal> {
    if state.status != Status::Transferred {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &ACTING_ROLES,
        "only an officer of the lead agency or of the agency holding the dossier records its return",
    )?;
    if o.unit != state.agency {
        in_holder(state, &o)?;
    }
    Ok(Change::ReturnedFromTransfer {
        note: note.map(str::to_owned),
    })
}

/// Ask the applicant to pay fees or fulfil financial obligations (status 6).
pub(super) fn request_fees(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    amount_vnd: i64,
    note: &str,
) -> Result<Change, Refusal> {
    if state.status != Status::Processing {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &[OfficerRole::Handling],
        "only the handling officer requests fees",
    )?;
    in_holder(state, &o)?;
    is_assignee(state, &o)?;
    if amount_vnd <= 0 {
        return Err(Refusal::Amount);
    }
    Ok(Change::FeesRequested {
        amount_vnd,
        note: note.to_owned(),
    })
}

/// Payment of the requested fees was confirmed, by the counter or the payment platform.
pub(super) fn record_fees_paid(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    amount_vnd: i64,
    reference: &str,
) -> Result<Change, Refusal> {
    if state.status != Status::AwaitingFees {
        return Err(wrong_status(state, action));
    }
    if !matches!(actor, Actor::System { .. }) {
        let o = officer_in(
            action,
            actor,
            &[OfficerRole::Reception],
            "payments are recorded by a reception officer or confirmed by the payment platform",
        )?;
        in_holder(state, &o)?;
    }
    if amount_vnd <= 0 {
        return Err(Refusal::Amount);
    }
    not_blank(reference, "payment reference")?;
    Ok(Change::FeesPaid {
        amount_vnd,
        reference: reference.to_owned(),
    })
}

/// Apology and new date (Form 04): at least one working day before the due date, and the date
/// is set again only once (Decree 61/2018/NĐ-CP Art. 19(4) as amended by Decree 107/2021/NĐ-CP,
/// carried into Decree 118/2025/NĐ-CP; recalled, to verify).
pub(super) fn apologise(
    state: &DossierState,
    context: &Context<'_>,
    actor: &Actor,
    action: &Action,
    reasons: &str,
    new_due: OffsetDateTime,
    at: OffsetDateTime,
) -> Result<Change, Refusal> {
    if !matches!(
        state.status,
        Status::Accepted | Status::Processing | Status::AwaitingFees | Status::Transferred
    ) {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &HANDLER_OR_LEADER,
        "only the handling officer or a leader of the agency holding the dossier apologises",
    )?;
    in_holder(state, &o)?;
    is_assignee(state, &o)?;
    not_blank(reasons, "reasons")?;
    if state.apology.is_some() {
        return Err(Refusal::ApologyRepeated);
    }
    let deadline = apology_deadline(context.calendar, state).ok_or(Refusal::OutOfCalendar)?;
    if local(at).ok_or(Refusal::OutOfCalendar)?.date() > deadline {
        return Err(Refusal::ApologyTooLate { deadline });
    }
    if state.due.is_none_or(|due| new_due <= due) {
        return Err(Refusal::NewDateNotLater);
    }
    Ok(Change::Apologised {
        reasons: reasons.to_owned(),
        new_due,
    })
}
