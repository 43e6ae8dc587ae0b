//! The dossier state machine: whether an actor may perform an action on a dossier in its current
//! state, and which events record it. Every check (status × role × unit) lives here so that the
//! web pages, the API and the workers enforce the same law.

use thiserror::Error;
use time::{Date, OffsetDateTime};

use super::action::{Action, ReturnMethod};
use super::actor::{Actor, OfficerRole};
use super::deadline::{apology_deadline, extend_for_supplement, local, plan_receipt};
use super::event::{Change, Event};
use super::state::DossierState;
use super::status::Status;
use crate::calendar::WorkCalendar;
use crate::catalogue::{Channel, Procedure, Workflow};

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

/// Why an action was refused: an English message (`Display`) and a stable machine code
/// ([`Refusal::code`]) that the web layer translates.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    /// The action needs a dossier and there is none.
    #[error(
        "there is no such dossier yet: it must first be submitted online or received at the counter"
    )]
    NoDossier,
    /// The action opens a dossier and one exists.
    #[error("the dossier already exists")]
    AlreadyOpen,
    /// Not allowed in the dossier's status.
    #[error("{rule}; the dossier is {}", .status.describe())]
    WrongStatus {
        /// The action refused.
        action: &'static str,
        /// The dossier's status.
        status: Status,
        /// The rule, as a sentence.
        rule: &'static str,
    },
    /// Not allowed to this kind of actor or role.
    #[error("{rule}")]
    NotPermitted {
        /// The action refused.
        action: &'static str,
        /// The actor's kind or role.
        actor: &'static str,
        /// The rule, as a sentence.
        rule: &'static str,
    },
    /// The officer's unit does not hold the dossier.
    #[error("the dossier is held by {holder}, not by the officer's unit {unit}")]
    OutsideUnit {
        /// The officer's unit.
        unit: String,
        /// The unit holding the dossier.
        holder: String,
    },
    /// Another officer is assigned.
    #[error("the dossier is assigned to another officer")]
    NotAssignee,
    /// An applicant acting on someone else's dossier.
    #[error("only the applicant who submitted the dossier can act on it")]
    NotApplicant,
    /// A required text is blank.
    #[error("the {field} must not be blank")]
    Blank {
        /// Which text.
        field: &'static str,
    },
    /// The procedure is not offered through this channel.
    #[error("procedure {procedure} cannot be lodged {}", channel_words(*.channel))]
    ChannelNotOffered {
        /// The procedure.
        procedure: String,
        /// The channel asked for.
        channel: Channel,
    },
    /// The agency does not settle the procedure.
    #[error("agency {agency} does not settle procedure {procedure}")]
    AgencyNotCompetent {
        /// The agency.
        agency: String,
        /// The procedure.
        procedure: String,
    },
    /// The dossier code was generated for another agency or day.
    #[error("the dossier code {code} was not generated for agency {agency} on the day of receipt")]
    CodeMismatch {
        /// The code given.
        code: String,
        /// The receiving agency.
        agency: String,
    },
    /// The procedure or workflow given is not the one the dossier was submitted under.
    #[error("the procedure or workflow given is not the one of the dossier ({expected})")]
    ContextMismatch {
        /// What the dossier records.
        expected: String,
    },
    /// Past the last day for an apology.
    #[error(
        "an apology must be issued at least one working day before the due date, by {deadline}"
    )]
    ApologyTooLate {
        /// The last day it could be issued.
        deadline: Date,
    },
    /// An apology was already issued.
    #[error("an apology with a new date was already issued; the date can be set again only once")]
    ApologyRepeated,
    /// The apology's new date does not postpone the due date.
    #[error("the new date must be later than the current due date")]
    NewDateNotLater,
    /// Nothing to approve.
    #[error("there is no proposed result awaiting approval")]
    NothingToApprove,
    /// A result was already proposed and awaits the leader.
    #[error(
        "a proposed result already awaits a leader's approval; the leader approves it or sends it back"
    )]
    AlreadyProposed,
    /// A paper named that is not in the procedure's list of papers.
    #[error("\"{name}\" is not one of the papers of this procedure")]
    UnknownPaper {
        /// The name given.
        name: String,
    },
    /// The result needs approval first.
    #[error("the proposed result must be approved by a leader before the result is ready")]
    NotApproved,
    /// A transfer to the agency holding the dossier.
    #[error("a dossier cannot be transferred to the agency that already holds it")]
    TransferToHolder,
    /// A money amount of zero or less.
    #[error("the amount must be above zero")]
    Amount,
    /// The action is dated before the last event.
    #[error("the action is dated before the dossier's last event")]
    TimeBeforeLastEvent,
    /// A date outside the calendar's range.
    #[error("the date is outside the range the calendar can count")]
    OutOfCalendar,
    /// The applicant is already verified; nothing is left to check.
    #[error("the applicant's identity is already verified")]
    IdentityAlreadyVerified,
}

fn channel_words(channel: Channel) -> &'static str {
    match channel {
        Channel::Counter => "at the counter",
        Channel::Online => "online",
        Channel::Post => "by post",
    }
}

impl Refusal {
    /// Stable machine code for translation and the API.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NoDossier => "no_dossier",
            Refusal::AlreadyOpen => "already_open",
            Refusal::WrongStatus { .. } => "wrong_status",
            Refusal::NotPermitted { .. } => "not_permitted",
            Refusal::OutsideUnit { .. } => "outside_unit",
            Refusal::NotAssignee => "not_assignee",
            Refusal::NotApplicant => "not_applicant",
            Refusal::Blank { .. } => "blank",
            Refusal::ChannelNotOffered { .. } => "channel_not_offered",
            Refusal::AgencyNotCompetent { .. } => "agency_not_competent",
            Refusal::CodeMismatch { .. } => "code_mismatch",
            Refusal::ContextMismatch { .. } => "context_mismatch",
            Refusal::ApologyTooLate { .. } => "apology_too_late",
            Refusal::ApologyRepeated => "apology_repeated",
            Refusal::NewDateNotLater => "new_date_not_later",
            Refusal::NothingToApprove => "nothing_to_approve",
            Refusal::AlreadyProposed => "already_proposed",
            Refusal::UnknownPaper { .. } => "unknown_paper",
            Refusal::NotApproved => "not_approved",
            Refusal::TransferToHolder => "transfer_to_holder",
            Refusal::Amount => "amount",
            Refusal::TimeBeforeLastEvent => "time_before_last_event",
            Refusal::OutOfCalendar => "out_of_calendar",
            Refusal::IdentityAlreadyVerified => "identity_already_verified",
        }
    }
}

/// The sentence that says in which statuses an action is allowed.
fn status_rule(action: &Action) -> &'static str {
    match action {
        Action::SubmitOnline { .. } | Action::ReceiveAtCounter { .. } => {
            "the dossier already exists"
        }
        Action::Accept => "a dossier can only be accepted while it awaits acceptance",
        Action::Refuse { .. } => {
            "a dossier can only be refused at intake, while it awaits acceptance; later its processing is stopped instead (Form 05)"
        }
        Action::RequestSupplement { .. } => {
            "a supplement can only be requested while the dossier awaits acceptance or is being processed"
        }
        Action::ReceiveSupplement { .. } => {
            "a supplement can only be received while one is requested"
        }
        Action::Assign { .. } => {
            "a dossier can only be assigned once accepted and while it is being processed"
        }
        Action::Transfer { .. } => {
            "a dossier can only be transferred to another agency while it is being processed"
        }
        Action::ReceiveBack { .. } => {
            "a dossier can only be received back while it is with another agency"
        }
        Action::ProposeResult { .. } => {
            "a result can only be proposed while the dossier is being processed"
        }
        Action::Approve { .. } | Action::SendBack { .. } => {
            "a result can only be approved or sent back while the dossier is being processed"
        }
        Action::RequestFees { .. } => {
            "fees can only be requested while the dossier is being processed"
        }
        Action::RecordFeesPaid { .. } => "fees can only be recorded as paid while they are awaited",
        Action::MarkResultReady => {
            "a result can only be marked ready while the dossier is being processed"
        }
        Action::ReturnResult { .. } => "a result can only be returned once it is ready",
        Action::Withdraw { .. } => "a dossier can only be withdrawn before its result is ready",
        Action::Stop { .. } => {
            "processing can only be stopped once the dossier is accepted and before its result is ready"
        }
        Action::Apologise { .. } => {
            "an apology can only be issued while an accepted dossier is in progress and its clock is running"
        }
        Action::VerifyIdentity { .. } => {
            "an applicant's identity is checked only while the dossier is open"
        }
    }
}

/// An officer acting: id, role, unit.
struct Officer<'a> {
    id: &'a str,
    role: OfficerRole,
    unit: &'a str,
}

fn officer(actor: &Actor) -> Option<Officer<'_>> {
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

fn not_permitted(action: &Action, actor: &Actor, rule: &'static str) -> Refusal {
    Refusal::NotPermitted {
        action: action.name(),
        actor: actor.label(),
        rule,
    }
}

/// The officer, if their role is one of `roles`.
fn officer_in<'a>(
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

/// The officer's unit must hold the dossier (the lead agency, or the agency it is transferred
/// to while it is there).
/// A leader answering the proposal that awaits them (approving it or sending it back): a leader
/// of the holding unit, with a proposed result not yet approved.
fn leader_on_proposal(
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

fn in_holder(state: &DossierState, officer: &Officer<'_>) -> Result<(), Refusal> {
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
fn is_assignee(state: &DossierState, officer: &Officer<'_>) -> Result<(), Refusal> {
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

fn own_applicant(state: &DossierState, actor: &Actor) -> Option<Result<(), Refusal>> {
    match actor {
        Actor::Applicant { applicant_id } => Some(if *applicant_id == state.applicant.id {
            Ok(())
        } else {
            Err(Refusal::NotApplicant)
        }),
        _ => None,
    }
}

fn not_blank(text: &str, field: &'static str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        Err(Refusal::Blank { field })
    } else {
        Ok(())
    }
}

const ACTING_ROLES: [OfficerRole; 3] = [
    OfficerRole::Reception,
    OfficerRole::Handling,
    OfficerRole::Leader,
];
const HANDLER_OR_LEADER: [OfficerRole; 2] = [OfficerRole::Handling, OfficerRole::Leader];

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
        None => open(context, actor, action, at)?,
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

/// Every paper named must be one of the procedure's papers (thành phần hồ sơ published under
/// Decree 63/2010/NĐ-CP, Art. 8): a receipt or a request can list only what the procedure asks.
fn known_papers(context: &Context<'_>, names: &[String]) -> Result<(), Refusal> {
    match names
        .iter()
        .find(|n| !context.procedure.components.iter().any(|c| &c.name == *n))
    {
        Some(name) => Err(Refusal::UnknownPaper { name: name.clone() }),
        None => Ok(()),
    }
}

/// Opens a dossier: online submission (Decree 45/2020/NĐ-CP) or counter/post registration
/// (Decree 118/2025/NĐ-CP).
fn open(
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

fn step(
    state: &DossierState,
    context: &Context<'_>,
    actor: &Actor,
    action: &Action,
    at: OffsetDateTime,
) -> Result<Change, Refusal> {
    use Status as S;
    let status = state.status;
    let wrong_status = || Refusal::WrongStatus {
        action: action.name(),
        status,
        rule: status_rule(action),
    };
    let calendar: &WorkCalendar = context.calendar;
    match action {
        Action::SubmitOnline { .. } | Action::ReceiveAtCounter { .. } => Err(Refusal::AlreadyOpen),

        // Intake (Decree 118/2025/NĐ-CP; Forms 01 and 03 of Circular 03/2025/TT-VPCP).
        Action::Accept => {
            if status != S::Submitted {
                return Err(wrong_status());
            }
            let o = officer_in(
                action,
                actor,
                &[OfficerRole::Reception],
                "only a reception officer accepts a dossier",
            )?;
            in_holder(state, &o)?;
            let plan = plan_receipt(calendar, state.duration, context.workflow, at)
                .ok_or(Refusal::OutOfCalendar)?;
            Ok(Change::Accepted {
                counting_from: plan.counting_from,
                appointment: plan.appointment,
                steps: plan.steps,
            })
        }
        Action::Refuse { reasons } => {
            if status != S::Submitted {
                return Err(wrong_status());
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
                reasons: reasons.clone(),
            })
        }

        // Supplements (Form 02): at intake the applicant is guided once; during processing the
        // clock stops. A second request during processing is allowed but makes the dossier
        // overdue (Decision 766/QĐ-TTg, indicator 2.1).
        Action::RequestSupplement { reasons, papers } => {
            let at_intake = match status {
                S::Submitted => {
                    let o = officer_in(
                        action,
                        actor,
                        &[OfficerRole::Reception],
                        "at intake only a reception officer asks to complete the papers",
                    )?;
                    in_holder(state, &o)?;
                    true
                }
                S::Processing => {
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
                _ => return Err(wrong_status()),
            };
            not_blank(reasons, "reasons")?;
            let number = if at_intake {
                state.intake_supplement_requests + 1
            } else {
                state.supplement_requests + 1
            };
            known_papers(context, papers)?;
            Ok(Change::SupplementRequested {
                papers: papers.clone(),
                reasons: reasons.clone(),
                at_intake,
                number,
            })
        }
        Action::ReceiveSupplement { note } => {
            if status != S::SupplementRequested {
                return Err(wrong_status());
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
                extend_for_supplement(calendar, state, at).ok_or(Refusal::OutOfCalendar)?;
            Ok(Change::SupplementReceived {
                note: note.clone(),
                paused_seconds: extension.paused_seconds,
                due: extension.due,
                steps: extension.steps,
                apology_due: extension.apology_due,
            })
        }

        // Assignment (phân công): the counter forwards, a leader assigns or reassigns, a handling
        // officer may take an unassigned dossier.
        Action::Assign { officer_id } => {
            let o = match status {
                S::Accepted => officer_in(
                    action,
                    actor,
                    &ACTING_ROLES,
                    "only officers assign dossiers",
                )?,
                S::Processing => officer_in(
                    action,
                    actor,
                    &[OfficerRole::Leader],
                    "only a leader reassigns a dossier being processed",
                )?,
                _ => return Err(wrong_status()),
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
                officer_id: officer_id.clone(),
            })
        }

        // Inter-agency procedures (liên thông, Decree 118/2025/NĐ-CP).
        Action::Transfer { to_agency, note } => {
            if status != S::Processing {
                return Err(wrong_status());
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
            if *to_agency == state.holder {
                return Err(Refusal::TransferToHolder);
            }
            Ok(Change::Transferred {
                to_agency: to_agency.clone(),
                note: note.clone(),
            })
        }
        Action::ReceiveBack { note } => {
            if status != S::Transferred {
                return Err(wrong_status());
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
            Ok(Change::ReturnedFromTransfer { note: note.clone() })
        }

        // Result: proposal, approval, readiness (Decree 118/2025/NĐ-CP).
        Action::ProposeResult { summary } => {
            if status != S::Processing {
                return Err(wrong_status());
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
            // One proposal at a time: the leader answers it (approves or sends it back) before
            // the officer proposes again, so the leader never signs a text that changed under them.
            if state.proposal.is_some() {
                return Err(Refusal::AlreadyProposed);
            }
            Ok(Change::ResultProposed {
                summary: summary.clone(),
            })
        }
        Action::Approve { note } => {
            if status != S::Processing {
                return Err(wrong_status());
            }
            leader_on_proposal(state, actor, action, "only a leader approves a result")?;
            Ok(Change::ResultApproved { note: note.clone() })
        }
        Action::SendBack { reasons } => {
            if status != S::Processing {
                return Err(wrong_status());
            }
            leader_on_proposal(
                state,
                actor,
                action,
                "only a leader sends a proposed result back",
            )?;
            not_blank(reasons, "reasons")?;
            Ok(Change::ProposalSentBack {
                reasons: reasons.clone(),
            })
        }
        Action::MarkResultReady => {
            if status != S::Processing {
                return Err(wrong_status());
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

        // Financial obligations (status 6).
        Action::RequestFees { amount_vnd, note } => {
            if status != S::Processing {
                return Err(wrong_status());
            }
            let o = officer_in(
                action,
                actor,
                &[OfficerRole::Handling],
                "only the handling officer requests fees",
            )?;
            in_holder(state, &o)?;
            is_assignee(state, &o)?;
            if *amount_vnd <= 0 {
                return Err(Refusal::Amount);
            }
            Ok(Change::FeesRequested {
                amount_vnd: *amount_vnd,
                note: note.clone(),
            })
        }
        Action::RecordFeesPaid {
            amount_vnd,
            reference,
        } => {
            if status != S::AwaitingFees {
                return Err(wrong_status());
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
            if *amount_vnd <= 0 {
                return Err(Refusal::Amount);
            }
            not_blank(reference, "payment reference")?;
            Ok(Change::FeesPaid {
                amount_vnd: *amount_vnd,
                reference: reference.clone(),
            })
        }

        // Return of the result: at the counter, by post or online (Decree 118/2025/NĐ-CP).
        Action::ReturnResult { method } => {
            if status != S::ResultReady {
                return Err(wrong_status());
            }
            match actor {
                Actor::System { .. } if *method == ReturnMethod::Online => {}
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
            Ok(Change::ResultReturned { method: *method })
        }

        // Withdrawal (status 7): the applicant may withdraw until the result is ready, online or
        // by a written request the counter records.
        Action::Withdraw { reasons } => {
            if !matches!(
                status,
                S::Submitted
                    | S::Accepted
                    | S::Processing
                    | S::SupplementRequested
                    | S::AwaitingFees
                    | S::Transferred
            ) {
                return Err(wrong_status());
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
                reasons: reasons.clone(),
            })
        }

        // Stopping (Form 05 of Circular 03/2025/TT-VPCP, thông báo dừng giải quyết hồ sơ).
        Action::Stop { reasons } => {
            let accepted_pause = status == S::SupplementRequested && state.is_received();
            if !(matches!(status, S::Accepted | S::Processing | S::AwaitingFees) || accepted_pause)
            {
                return Err(wrong_status());
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
                reasons: reasons.clone(),
            })
        }

        // Apology and new date (Form 04): at least one working day before the due date, and
        // the date is set again only once (Decree 61/2018/NĐ-CP Art. 19(4) as amended by Decree
        // 107/2021/NĐ-CP, carried into Decree 118/2025/NĐ-CP; recalled, to verify).
        Action::Apologise { reasons, new_due } => {
            if !matches!(
                status,
                S::Accepted | S::Processing | S::AwaitingFees | S::Transferred
            ) {
                return Err(wrong_status());
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
            let deadline = apology_deadline(calendar, state).ok_or(Refusal::OutOfCalendar)?;
            if local(at).ok_or(Refusal::OutOfCalendar)?.date() > deadline {
                return Err(Refusal::ApologyTooLate { deadline });
            }
            if state.due.is_none_or(|due| *new_due <= due) {
                return Err(Refusal::NewDateNotLater);
            }
            Ok(Change::Apologised {
                reasons: reasons.clone(),
                new_due: *new_due,
            })
        }

        // Decree 104/2022/NĐ-CP: a verified applicant needs no household book (see identity.rs).
        Action::VerifyIdentity { check } => {
            super::identity::check(state, actor, action, check)?;
            Ok(Change::IdentityChecked {
                check: check.clone(),
            })
        }
    }
}
