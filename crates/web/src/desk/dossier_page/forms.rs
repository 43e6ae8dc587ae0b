//! The action forms of the dossier page: one for each action the rules would accept from this
//! officer now, with its fields, the officer's words kept after a refusal and the errors next to
//! the fields at fault. The posts are read by [`crate::desk::actions`] and, for the result with
//! its file, [`crate::desk::result`].

use domain::dossier::{ActionKind, Context, DossierState, offered_actions};
use domain::payment::ledger::PaymentChannel;
use time::OffsetDateTime;

use super::Attempt;
use crate::AppState;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use crate::views::SelectOption;
use app::ReferenceData;

/// One action form.
pub(super) struct ActionForm {
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    /// Field id prefix, unique on the page.
    pub(super) id: String,
    /// A fresh one-time token.
    pub(super) token: String,
    pub(super) fields: Vec<FormField>,
    /// Where it posts, and whether as `multipart/form-data` (a file goes with it).
    pub(super) target: &'static str,
    pub(super) multipart: bool,
}

pub(super) enum FieldKind {
    Text,
    LongText,
    Number,
    Date,
    Select(Vec<SelectOption>),
    /// A group of checkboxes posted under the field's name.
    Checkboxes(Vec<SelectOption>),
    /// A file upload.
    File,
}

pub(super) struct FormField {
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) kind: FieldKind,
    pub(super) value: String,
    pub(super) required: bool,
    pub(super) error: Option<String>,
}

/// The actions the rules would accept from `officer` on the dossier now; none when its
/// procedure or workflow version is no longer in the catalogue.
pub(super) fn offered(
    data: &ReferenceData,
    procedure: Option<&domain::catalogue::Procedure>,
    workflow: Option<&domain::catalogue::Workflow>,
    s: &DossierState,
    officer: &Officer,
    now: OffsetDateTime,
) -> Vec<ActionKind> {
    match procedure.zip(workflow) {
        Some((procedure, workflow)) => offered_actions(
            s,
            &Context {
                procedure,
                workflow,
                calendar: &data.calendar,
            },
            &officer.actor(),
            now,
        ),
        None => Vec::new(),
    }
}

/// The unit's handling officers and leaders, whom a dossier can be assigned to.
fn role_options(
    ui: &Ui,
    colleagues: &[app::accounts::officers::StoredOfficer],
    current: &str,
) -> Vec<SelectOption> {
    colleagues
        .iter()
        .filter(|o| o.role == "handling" || o.role == "leader")
        .map(|o| {
            SelectOption::new(
                &o.id,
                &format!(
                    "{} – {}",
                    o.full_name,
                    ui.t(&format!("desk.role.{}", o.role))
                ),
                Some(current),
            )
        })
        .collect()
}

/// One field of `action`'s form, with what the officer typed and its error after a refusal.
fn field(
    ui: &Ui,
    attempt: &Attempt,
    action: &str,
    name: &'static str,
    kind: FieldKind,
    required: bool,
) -> FormField {
    let error = (attempt.action == action)
        .then(|| {
            attempt
                .errors
                .iter()
                .find(|(f, _)| f == &format!("{action}-{name}"))
                .map(|(_, m)| m.clone())
        })
        .flatten();
    FormField {
        name,
        label: ui.t(&format!("desk.field.{name}")),
        value: attempt.value(action, name),
        kind,
        required,
        error,
    }
}

/// The forms of the actions `kinds`, in that order.
#[expect(
    clippy::too_many_arguments,
    reason = "each is one thing the forms show; a struct would only rename them"
)]
pub(super) async fn action_forms(
    state: &AppState,
    ui: &Ui,
    data: &ReferenceData,
    procedure: Option<&domain::catalogue::Procedure>,
    officer: &Officer,
    kinds: &[ActionKind],
    attempt: &Attempt,
    suggested_fee: Option<i64>,
    result_file_required: bool,
) -> Result<Vec<ActionForm>, AppError> {
    let colleagues = if kinds.contains(&ActionKind::Assign) {
        app::accounts::officers::of_unit(&state.db, &officer.unit).await?
    } else {
        Vec::new()
    };
    let mut forms_out = Vec::new();
    for &kind in kinds {
        let name = kind.name();
        let f = |n: &'static str, kind: FieldKind, required: bool| {
            field(ui, attempt, name, n, kind, required)
        };
        let fields = match kind {
            ActionKind::Refuse
            | ActionKind::Stop
            | ActionKind::Withdraw
            | ActionKind::SendBack
            | ActionKind::VerifyIdentity => {
                vec![f("reasons", FieldKind::LongText, true)]
            }
            ActionKind::RequestSupplement => {
                let chosen = attempt.values(name, "papers");
                let options = procedure
                    .map(|p| {
                        p.components
                            .iter()
                            .map(|c| SelectOption {
                                value: c.name.clone(),
                                label: format!(
                                    "{} ({})",
                                    c.name,
                                    crate::views::paper_form_text(ui, c.form, c.count)
                                ),
                                selected: chosen.contains(&c.name),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                vec![
                    f("papers", FieldKind::Checkboxes(options), false),
                    f("reasons", FieldKind::LongText, true),
                ]
            }
            ActionKind::ReceiveSupplement | ActionKind::ReceiveBack | ActionKind::Approve => {
                vec![f("note", FieldKind::LongText, false)]
            }
            ActionKind::Assign => {
                let current = attempt.value(name, "officer_id");
                vec![f(
                    "officer_id",
                    FieldKind::Select(role_options(ui, &colleagues, &current)),
                    true,
                )]
            }
            ActionKind::Transfer => {
                let current = attempt.value(name, "to_agency");
                let mut options: Vec<SelectOption> = data
                    .catalogue
                    .agencies
                    .iter()
                    .filter(|a| a.code != officer.unit)
                    .map(|a| {
                        SelectOption::new(&a.code, ui.pick(&a.name, &a.name_en), Some(&current))
                    })
                    .collect();
                options.sort_by_cached_key(|o| domain::search::fold(&o.label));
                vec![
                    f("to_agency", FieldKind::Select(options), true),
                    f("note", FieldKind::LongText, true),
                ]
            }
            ActionKind::ProposeResult => vec![f("summary", FieldKind::LongText, true)],
            ActionKind::RequestFees => {
                let mut amount = f("amount_vnd", FieldKind::Number, true);
                // What the catalogue's rules give for this application, for the officer to
                // confirm or correct (pages, copies, an exemption proven or not).
                if amount.value.is_empty()
                    && let Some(fee) = suggested_fee
                {
                    amount.value = fee.to_string();
                }
                vec![amount, f("note", FieldKind::Text, true)]
            }
            ActionKind::RecordFeesPaid => {
                let current = attempt.value(name, "channel");
                let options = [PaymentChannel::Cash, PaymentChannel::CardTerminal]
                    .iter()
                    .map(|c| {
                        SelectOption::new(
                            c.as_str(),
                            ui.t(&format!("payment.channel.{}", c.as_str())),
                            Some(&current),
                        )
                    })
                    .collect();
                vec![
                    f("amount_vnd", FieldKind::Number, true),
                    f("channel", FieldKind::Select(options), true),
                    f("reference", FieldKind::Text, true),
                ]
            }
            ActionKind::ReturnResult => {
                let current = attempt.value(name, "method");
                let options = ["counter", "post", "online"]
                    .iter()
                    .map(|m| {
                        SelectOption::new(
                            m,
                            ui.t(&format!("desk.return_method.{m}")),
                            Some(&current),
                        )
                    })
                    .collect();
                vec![f("method", FieldKind::Select(options), true)]
            }
            ActionKind::Apologise => vec![
                f("reasons", FieldKind::LongText, true),
                f("new_due", FieldKind::Date, true),
            ],
            ActionKind::MarkResultReady => {
                vec![f("result_file", FieldKind::File, result_file_required)]
            }
            ActionKind::Accept => Vec::new(),
            // Never offered on an existing dossier: the rules refuse them there.
            ActionKind::SubmitOnline | ActionKind::ReceiveAtCounter => Vec::new(),
        };
        let multipart = kind == ActionKind::MarkResultReady;
        forms_out.push(ActionForm {
            name,
            label: ui.t(&format!("desk.action.{name}")),
            id: name.replace('_', "-"),
            token: forms::new_token(),
            fields,
            target: if multipart { "result" } else { "actions" },
            multipart,
        });
    }
    Ok(forms_out)
}

#[cfg(test)]
mod tests {
    use domain::dossier::ActionKind;

    use crate::i18n::{Lang, has};

    // The forms' labels and the notices after an action are looked up by keys built from the
    // action's name, which the test of literal keys cannot see.
    #[test]
    fn every_action_on_a_dossier_has_its_label_and_notice_in_both_languages() {
        let missing: Vec<String> = ActionKind::ALL
            .into_iter()
            .filter(|kind| !kind.opens_dossier())
            .flat_map(|kind| {
                [
                    format!("desk.action.{}", kind.name()),
                    format!("desk.done.{}", kind.name()),
                ]
            })
            .flat_map(|key| [(Lang::Vi, key.clone()), (Lang::En, key)])
            .filter(|(lang, key)| !has(*lang, key))
            .map(|(lang, key)| format!("{}: {key}", lang.code()))
            .collect();
        assert!(missing.is_empty(), "missing texts: {missing:?}");
    }
}
