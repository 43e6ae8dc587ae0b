//! Which actions to offer an actor on a dossier. Pages show only the forms the rules would
//! accept, so an officer never fills in a form only to be refused for their role or the state;
//! the answer comes from [`decide`] itself, so it can never drift from the rules.

use time::{Duration, OffsetDateTime};

use super::action::{Action, ReturnMethod};
use super::actor::Actor;
use super::machine::{Context, decide};
use super::state::DossierState;

/// The actions on an existing dossier, in the order a page lists them, as
/// [`Action::name`] writes them.
pub const ACTION_NAMES: [&str; 18] = [
    "accept",
    "refuse",
    "request_supplement",
    "receive_supplement",
    "assign",
    "transfer",
    "receive_back",
    "propose_result",
    "approve",
    "send_back",
    "request_fees",
    "record_fees_paid",
    "mark_result_ready",
    "return_result",
    "apologise",
    "stop",
    "withdraw",
    "verify_identity",
];

/// A representative action of each kind, with placeholder details that every rule accepts, so
/// that [`decide`] answers only for the kind, the actor and the state.
fn sample(name: &str, state: &DossierState, actor: &Actor, at: OffsetDateTime) -> Option<Action> {
    let text = || "-".to_owned();
    Some(match name {
        "accept" => Action::Accept,
        "refuse" => Action::Refuse { reasons: text() },
        "request_supplement" => Action::RequestSupplement {
            reasons: text(),
            papers: Vec::new(),
        },
        "receive_supplement" => Action::ReceiveSupplement { note: None },
        "assign" => Action::Assign {
            officer_id: match actor {
                Actor::Officer { officer_id, .. } => officer_id.clone(),
                _ => text(),
            },
        },
        "transfer" => Action::Transfer {
            // Any agency other than the holder: which one is the officer's choice.
            to_agency: format!("{}-other", state.holder),
            note: text(),
        },
        "receive_back" => Action::ReceiveBack { note: None },
        "propose_result" => Action::ProposeResult { summary: text() },
        "approve" => Action::Approve { note: None },
        "send_back" => Action::SendBack { reasons: text() },
        "request_fees" => Action::RequestFees {
            amount_vnd: 1,
            note: text(),
        },
        "record_fees_paid" => Action::RecordFeesPaid {
            amount_vnd: (state.fees_requested_vnd - state.fees_paid_vnd).max(1),
            reference: text(),
        },
        "mark_result_ready" => Action::MarkResultReady,
        "return_result" => Action::ReturnResult {
            method: ReturnMethod::Counter,
        },
        "apologise" => Action::Apologise {
            reasons: text(),
            new_due: state.effective_due().unwrap_or(at) + Duration::days(30),
        },
        "stop" => Action::Stop { reasons: text() },
        "withdraw" => Action::Withdraw { reasons: text() },
        "verify_identity" => Action::VerifyIdentity {
            check: super::identity::IdentityCheck::manual(&text()),
        },
        _ => return None,
    })
}

/// The names of the actions `actor` may take on the dossier at `at`.
pub fn offered_actions(
    state: &DossierState,
    context: &Context<'_>,
    actor: &Actor,
    at: OffsetDateTime,
) -> Vec<&'static str> {
    ACTION_NAMES
        .into_iter()
        .filter(|name| {
            sample(name, state, actor, at)
                .is_some_and(|action| decide(Some(state), context, actor, &action, at).is_ok())
        })
        .collect()
}
