//! Action forms of the dossier page: each post is parsed into a `domain::dossier::Action`, checked
//! by the rules through the dossier service and recorded once, however often it is sent (the
//! form's one-time token). A refusal shows the page again with the officer's words kept and the
//! reason in their language.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::calendar::OfficeHours;
use domain::dossier::{Action, ActionKind, ReturnMethod};
use domain::payment::ledger::PaymentChannel;
use time::OffsetDateTime;

use super::dossier_page::{Attempt, load, render_page};
use super::field as value;
use crate::AppState;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use app::ServiceError;
use app::dossiers::{DossierService, Outcome};

/// Longest free text kept in an event (a form's reasons fit easily).
const MAX_TEXT: usize = domain::dossier::TEXT_MAX_CHARS;

/// Reads the posted form into an action, or the fields at fault with message keys.
fn parse(
    name: &str,
    fields: &[(String, String)],
    hours: &OfficeHours,
) -> Result<Action, Vec<(&'static str, &'static str)>> {
    let errors = std::cell::RefCell::new(Vec::new());
    let text = |field: &'static str, required: bool| -> String {
        let v = value(fields, field);
        if required && v.is_empty() {
            errors.borrow_mut().push((field, "desk.error.required"));
        } else if v.chars().count() > MAX_TEXT {
            errors.borrow_mut().push((field, "desk.error.too_long"));
        }
        v.to_owned()
    };
    let optional = |v: String| (!v.is_empty()).then_some(v);
    let amount = || {
        let amount = value(fields, "amount_vnd").replace(['.', ',', ' '], "");
        match amount.parse::<i64>() {
            Ok(n) if n > 0 => n,
            _ => {
                errors
                    .borrow_mut()
                    .push(("amount_vnd", "desk.error.amount"));
                0
            }
        }
    };
    let unknown = || vec![("action", "desk.error.unknown_action")];
    let Some(kind) = ActionKind::from_name(name) else {
        return Err(unknown());
    };
    let action = match kind {
        // A dossier is opened by the application or the counter's intake, not from its page.
        ActionKind::SubmitOnline | ActionKind::ReceiveAtCounter => return Err(unknown()),
        ActionKind::Accept => Action::Accept,
        ActionKind::Refuse => Action::Refuse {
            reasons: text("reasons", true),
        },
        ActionKind::RequestSupplement => Action::RequestSupplement {
            reasons: text("reasons", true),
            papers: super::fields_named(fields, "papers"),
        },
        ActionKind::ReceiveSupplement => Action::ReceiveSupplement {
            note: optional(text("note", false)),
        },
        ActionKind::Assign => Action::Assign {
            officer_id: text("officer_id", true),
        },
        ActionKind::Transfer => Action::Transfer {
            to_agency: text("to_agency", true),
            note: text("note", true),
        },
        ActionKind::ReceiveBack => Action::ReceiveBack {
            note: optional(text("note", false)),
        },
        ActionKind::ProposeResult => Action::ProposeResult {
            summary: text("summary", true),
        },
        ActionKind::Approve => Action::Approve {
            note: optional(text("note", false)),
        },
        ActionKind::SendBack => Action::SendBack {
            reasons: text("reasons", true),
        },
        ActionKind::RequestFees => Action::RequestFees {
            amount_vnd: amount(),
            note: text("note", true),
        },
        ActionKind::RecordFeesPaid => Action::RecordFeesPaid {
            amount_vnd: amount(),
            reference: text("reference", true),
        },
        ActionKind::MarkResultReady => Action::MarkResultReady,
        ActionKind::ReturnResult => match ReturnMethod::parse(value(fields, "method")) {
            Some(method) => Action::ReturnResult { method },
            None => {
                errors.borrow_mut().push(("method", "desk.error.required"));
                Action::ReturnResult {
                    method: ReturnMethod::Counter,
                }
            }
        },
        ActionKind::Apologise => {
            let reasons = text("reasons", true);
            let new_due = time::Date::parse(
                value(fields, "new_due"),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .ok()
            .map(|day| domain::dossier::due_at_close_of(hours, day));
            match new_due {
                Some(new_due) => Action::Apologise { reasons, new_due },
                None => {
                    errors.borrow_mut().push(("new_due", "desk.error.date"));
                    Action::Apologise {
                        reasons,
                        new_due: OffsetDateTime::UNIX_EPOCH,
                    }
                }
            }
        }
        ActionKind::Stop => Action::Stop {
            reasons: text("reasons", true),
        },
        ActionKind::Withdraw => Action::Withdraw {
            reasons: text("reasons", true),
        },
        ActionKind::VerifyIdentity => Action::VerifyIdentity {
            check: domain::dossier::IdentityCheck::manual(&text("reasons", true)),
        },
    };
    let errors = errors.into_inner();
    if errors.is_empty() {
        Ok(action)
    } else {
        Err(errors)
    }
}

/// Handles an action form.
pub async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let name = value(&fields, "action").to_owned();
    let data = state.reference.get();
    // Not one's unit: the same "not found" as a code that does not exist.
    let view = load(&state, &data, &officer, &code).await?;
    super::dossier_page::may_act(&officer, &view)?;
    let refused = |errors: Vec<(String, String)>| Attempt {
        action: name.clone(),
        fields: fields.clone(),
        errors,
        reveal_personal_id: false,
    };
    let action = match parse(&name, &fields, data.calendar.office_hours()) {
        Ok(action) => action,
        Err(errors) => {
            let errors = errors
                .into_iter()
                .map(|(f, key)| (format!("{name}-{f}"), ui.t(key).to_owned()))
                .collect();
            return render_page(&state, ui, officer, &code, refused(errors), None).await;
        }
    };
    let version = value(&fields, "version").parse::<i64>().ok();
    let location = format!("/back-office/dossiers/{}?done={name}", view.stored.code);
    let idempotency = forms::token_of(&fields).and_then(|token| {
        forms::idempotency(&format!("form:action:{}", view.stored.code), token, &fields)
    });
    let answer_location = location.clone();
    let answer = move |_: &app::dossiers::DossierView| forms::redirect_answer(&answer_location);
    super::may_record_counter_payment(&officer, &view, &action)?;
    // The ledger row of money taken at the counter is written by the service, whatever door.
    let channel = PaymentChannel::parse(value(&fields, "channel"))
        .filter(|c| !c.is_online())
        .unwrap_or(PaymentChannel::Cash);
    let service = DossierService::new(&state.db, &state.vault, &data).counter_channel(channel);
    let outcome = service
        .act(
            &view.stored.code,
            version,
            &officer.actor(),
            &action,
            OffsetDateTime::now_utc(),
            idempotency
                .as_ref()
                .map(|i| (i, &answer as &app::dossiers::Answer<'_>)),
        )
        .await;
    match outcome {
        Ok(Outcome::Done(_)) => Ok(Redirect::to(&location).into_response()),
        Ok(Outcome::Replayed(answer)) => Ok(forms::replay(&answer)),
        Err(ServiceError::Refused { code, .. }) => {
            let message = ui.t(&format!("desk.refusal.{code}")).to_owned();
            render_page(
                &state,
                ui,
                officer,
                &code_of(&view),
                refused(vec![(format!("{name}-action"), message)]),
                None,
            )
            .await
        }
        Err(ServiceError::Conflict) => {
            let message = ui.t("desk.error.conflict").to_owned();
            render_page(
                &state,
                ui,
                officer,
                &code_of(&view),
                refused(vec![(format!("{name}-action"), message)]),
                None,
            )
            .await
        }
        Err(ServiceError::KeyReused) => Err(AppError::BadRequest(
            ui.t("desk.error.key_reused").to_owned(),
        )),
        Err(e) => Err(crate::error::AppError::from(e)),
    }
}

fn code_of(view: &app::dossiers::DossierView) -> String {
    view.stored.code.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_refusal_without_reasons_names_the_reasons_field() {
        let errors = parse(
            "refuse",
            &pairs(&[("reasons", "  ")]),
            &OfficeHours::default(),
        )
        .expect_err("refused");
        assert_eq!(errors, vec![("reasons", "desk.error.required")]);
    }

    #[test]
    fn fee_amounts_accept_grouping_dots_and_refuse_zero() {
        let ok = parse(
            "request_fees",
            &pairs(&[("amount_vnd", "1.200.000"), ("note", "lệ phí")]),
            &OfficeHours::default(),
        );
        assert!(matches!(
            ok,
            Ok(Action::RequestFees {
                amount_vnd: 1_200_000,
                ..
            })
        ));
        let zero = parse(
            "request_fees",
            &pairs(&[("amount_vnd", "0"), ("note", "x")]),
            &OfficeHours::default(),
        );
        assert_eq!(
            zero.expect_err("refused"),
            vec![("amount_vnd", "desk.error.amount")]
        );
    }

    #[test]
    fn an_apology_needs_a_real_date() {
        let bad = parse(
            "apologise",
            &pairs(&[("reasons", "x"), ("new_due", "31/02/2026")]),
            &OfficeHours::default(),
        );
        assert_eq!(
            bad.expect_err("refused"),
            vec![("new_due", "desk.error.date")]
        );
        let good = parse(
            "apologise",
            &pairs(&[("reasons", "x"), ("new_due", "2026-12-09")]),
            &OfficeHours::default(),
        );
        assert!(matches!(good, Ok(Action::Apologise { .. })));
    }

    #[test]
    fn an_unknown_action_is_refused() {
        assert!(parse("delete_everything", &[], &OfficeHours::default()).is_err());
    }

    #[test]
    fn an_action_that_opens_a_dossier_is_refused_as_unknown_on_a_dossier_page() {
        for name in ["submit_online", "receive_at_counter"] {
            assert_eq!(
                parse(name, &[], &OfficeHours::default()).expect_err("refused"),
                vec![("action", "desk.error.unknown_action")]
            );
        }
    }
}
