//! Which actions to offer an actor on a dossier. Pages show only the forms the rules would
//! accept, so an officer never fills in a form only to be refused for their role or the state;
//! the answer comes from [`decide`] itself, so it can never drift from the rules.

use time::{Duration, OffsetDateTime};

use super::action::{Action, ActionKind, ReturnMethod};
use super::actor::Actor;
use super::machine::{Context, decide};
use super::state::DossierState;

/// A representative action of `kind`, with placeholder details that every rule accepts, so
/// that [`decide`] answers only for the kind, the actor and the state. The opening kinds repeat
/// the dossier's own facts: the rules refuse them because the dossier exists, which is the answer
/// wanted.
pub(super) fn sample(
    kind: ActionKind,
    state: &DossierState,
    actor: &Actor,
    at: OffsetDateTime,
) -> Action {
    let text = || "-".to_owned();
    match kind {
        ActionKind::SubmitOnline => Action::SubmitOnline {
            code: state.code.clone(),
            agency: state.agency.clone(),
            applicant: state.applicant.clone(),
        },
        ActionKind::ReceiveAtCounter => Action::ReceiveAtCounter {
            code: state.code.clone(),
            channel: state.channel,
            applicant: state.applicant.clone(),
            papers: Vec::new(),
        },
        ActionKind::Accept => Action::Accept,
        ActionKind::Refuse => Action::Refuse { reasons: text() },
        ActionKind::RequestSupplement => Action::RequestSupplement {
            reasons: text(),
            papers: Vec::new(),
        },
        ActionKind::ReceiveSupplement => Action::ReceiveSupplement { note: None },
        ActionKind::Assign => Action::Assign {
            officer_id: match actor {
                Actor::Officer { officer_id, .. } => officer_id.clone(),
                _ => text(),
            },
        },
        ActionKind::Transfer => Action::Transfer {
            // Any agency other than the holder: which one is the officer's choice.
            to_agency: format!("{}-other", state.holder),
            note: text(),
        },
        ActionKind::ReceiveBack => Action::ReceiveBack { note: None },
        ActionKind::ProposeResult => Action::ProposeResult { summary: text() },
        ActionKind::Approve => Action::Approve { note: None },
        ActionKind::SendBack => Action::SendBack { reasons: text() },
        ActionKind::RequestFees => Action::RequestFees {
            amount_vnd: 1,
            note: text(),
        },
        ActionKind::RecordFeesPaid => Action::RecordFeesPaid {
            amount_vnd: (state.fees_requested_vnd - state.fees_paid_vnd).max(1),
            reference: text(),
        },
        ActionKind::MarkResultReady => Action::MarkResultReady,
        ActionKind::ReturnResult => Action::ReturnResult {
            method: ReturnMethod::Counter,
        },
        ActionKind::Apologise => Action::Apologise {
            reasons: text(),
            new_due: state.effective_due().unwrap_or(at) + Duration::days(30),
        },
        ActionKind::Stop => Action::Stop { reasons: text() },
        ActionKind::Withdraw => Action::Withdraw { reasons: text() },
        ActionKind::VerifyIdentity => Action::VerifyIdentity {
            check: super::identity::IdentityCheck::manual(&text()),
        },
    }
}

/// The actions `actor` may take on the dossier at `at`, in the order a page lists them
/// ([`ActionKind::ALL`]).
pub fn offered_actions(
    state: &DossierState,
    context: &Context<'_>,
    actor: &Actor,
    at: OffsetDateTime,
) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|&kind| {
            let action = sample(kind, state, actor, at);
            decide(Some(state), context, actor, &action, at).is_ok()
        })
        .collect()
}
