//! Why the rules refuse an action: the [`Refusal`] the web layer translates by its code, and the
//! sentence saying in which statuses each action is allowed.

use thiserror::Error;
use time::Date;

use crate::catalogue::Channel;
use crate::dossier::action::Action;
use crate::dossier::state::DossierState;
use crate::dossier::status::Status;

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
    /// A money amount above [`crate::dossier::AMOUNT_MAX_VND`].
    #[error("the amount must be at most {} VND", crate::dossier::AMOUNT_MAX_VND)]
    AmountTooLarge,
    /// A text longer than [`crate::dossier::TEXT_MAX_CHARS`].
    #[error(
        "the {field} must be at most {} characters",
        crate::dossier::TEXT_MAX_CHARS
    )]
    TooLong {
        /// Which text.
        field: &'static str,
    },
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
            Refusal::AmountTooLarge => "amount_too_large",
            Refusal::TooLong { .. } => "too_long",
            Refusal::TimeBeforeLastEvent => "time_before_last_event",
            Refusal::OutOfCalendar => "out_of_calendar",
            Refusal::IdentityAlreadyVerified => "identity_already_verified",
        }
    }
}

/// The refusal of `action` in the dossier's current status, with the rule it breaks.
pub(super) fn wrong_status(state: &DossierState, action: &Action) -> Refusal {
    Refusal::WrongStatus {
        action: action.name(),
        status: state.status,
        rule: status_rule(action),
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
