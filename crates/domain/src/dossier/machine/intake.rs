//! Intake: a dossier is opened by an online submission or a counter/post registration, then
//! accepted with a receipt and appointment (Form 01) or refused (Form 03) by reception of the
//! agency holding it (Decree 118/2025/NĐ-CP; Forms 01 and 03 of Circular 03/2025/TT-VPCP). Asking
//! to complete the papers at intake (Form 02) is in [`super::supplement`].

use time::OffsetDateTime;

use super::Context;
use super::guards::{in_holder, known_papers, not_blank, not_permitted, officer_in};
use super::refusal::{Refusal, wrong_status};
use crate::catalogue::Channel;
use crate::dossier::action::Action;
use crate::dossier::actor::{Actor, OfficerRole};
use crate::dossier::deadline::{local, plan_receipt};
use crate::dossier::event::Change;
use crate::dossier::state::DossierState;
use crate::dossier::status::Status;

/// Opens a dossier: online submission (Decree 45/2020/NĐ-CP) or counter/post registration
/// (Decree 118/2025/NĐ-CP).
pub(super) fn open(
    context: &Context<'_>,
    actor: &Actor,
    action: &Action,
    at: OffsetDateTime,
) -> Result<Change, Refusal> {
    let procedure = context.procedure;
    let mut handed_in: &[String] = &[];
    let (code, agency, channel, applicant) = match action {
        Action::SubmitOnline {
            code,
            agency,
            applicant,
        } => {
            match actor {
                Actor::Applicant { applicant_id } if *applicant_id == applicant.id => {}
                Actor::Applicant { .. } => return Err(Refusal::NotApplicant),
                _ => {
                    return Err(not_permitted(
                        action,
                        actor,
                        "only the applicant submits a dossier online",
                    ));
                }
            }
            // Information-only procedures are applied for at the counter (Decree 42/2022/NĐ-CP).
            if !procedure.service_mode.accepts_online_application()
                || !procedure.channels.contains(&Channel::Online)
            {
                return Err(Refusal::ChannelNotOffered {
                    procedure: procedure.code.clone(),
                    channel: Channel::Online,
                });
            }
            (code, agency.as_str(), Channel::Online, applicant)
        }
        Action::ReceiveAtCounter {
            code,
            channel,
            applicant,
            papers,
        } => {
            handed_in = papers;
            let o = officer_in(
                action,
                actor,
                &[OfficerRole::Reception],
                "only a reception officer receives dossiers at the counter",
            )?;
            if *channel == Channel::Online || !procedure.channels.contains(channel) {
                return Err(Refusal::ChannelNotOffered {
                    procedure: procedure.code.clone(),
                    channel: *channel,
                });
            }
            (code, o.unit, *channel, applicant)
        }
        _ => return Err(Refusal::NoDossier),
    };
    not_blank(&applicant.id, "applicant id")?;
    if !procedure.agencies.iter().any(|a| a == agency) {
        return Err(Refusal::AgencyNotCompetent {
            agency: agency.to_owned(),
            procedure: procedure.code.clone(),
        });
    }
    let today = local(at).ok_or(Refusal::OutOfCalendar)?.date();
    if !code.agency().eq_ignore_ascii_case(agency) || code.date() != today {
        return Err(Refusal::CodeMismatch {
            code: code.to_string(),
            agency: agency.to_owned(),
        });
    }
    if procedure.workflow != context.workflow.code {
        return Err(Refusal::ContextMismatch {
            expected: format!("workflow {}", procedure.workflow),
        });
    }
    known_papers(context, handed_in)?;
    Ok(Change::Submitted {
        papers: handed_in.to_vec(),
        code: code.clone(),
        procedure_code: procedure.code.clone(),
        workflow_code: context.workflow.code.clone(),
        workflow_version: context.workflow.version,
        duration: procedure.duration,
        agency: agency.to_owned(),
        channel,
        applicant: applicant.clone(),
    })
}

/// Accept the dossier as complete: the receipt and appointment (Form 01) start legal time.
pub(super) fn accept(
    state: &DossierState,
    context: &Context<'_>,
    actor: &Actor,
    action: &Action,
    at: OffsetDateTime,
) -> Result<Change, Refusal> {
    if state.status != Status::Submitted {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &[OfficerRole::Reception],
        "only a reception officer accepts a dossier",
    )?;
    in_holder(state, &o)?;
    let plan = plan_receipt(context.calendar, state.duration, context.workflow, at)
        .ok_or(Refusal::OutOfCalendar)?;
    Ok(Change::Accepted {
        counting_from: plan.counting_from,
        appointment: plan.appointment,
        steps: plan.steps,
    })
}

/// Refuse the dossier at intake (Form 03).
pub(super) fn refuse(
    state: &DossierState,
    actor: &Actor,
    action: &Action,
    reasons: &str,
) -> Result<Change, Refusal> {
    if state.status != Status::Submitted {
        return Err(wrong_status(state, action));
    }
    let o = officer_in(
        action,
        actor,
        &[OfficerRole::Reception],
        "only a reception officer refuses a dossier at intake",
    )?;
    in_holder(state, &o)?;
    not_blank(reasons, "reasons")?;
    Ok(Change::Refused {
        reasons: reasons.to_owned(),
    })
}
