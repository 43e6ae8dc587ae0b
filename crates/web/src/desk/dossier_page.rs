//! The dossier as an officer sees it: the key facts and deadlines, the applicant, the papers,
//! the workflow steps with their due times, the full timeline, the forms issued, and a form for
//! each action the rules would accept from this officer now.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::dossier::{
    ActionKind, Actor, Context, DossierState, Event, Status, offered_actions, urgency,
};
use domain::payment::ledger::{PaymentChannel, PaymentStatus};
use time::OffsetDateTime;

use super::Officer;
use crate::AppState;
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use crate::views::{SelectOption, local_datetime};
use app::ReferenceData;
use app::dossiers::{DossierService, DossierView};

/// What an officer typed into an action form that was refused, to show it again.
#[derive(Debug, Default, Clone)]
pub struct Attempt {
    /// The action tried.
    pub action: String,
    /// Every field as typed.
    pub fields: Vec<(String, String)>,
    /// Errors: (field id, message).
    pub errors: Vec<(String, String)>,
    /// The officer asked to see the applicant's personal ID whole, and it was recorded.
    pub reveal_personal_id: bool,
}

impl Attempt {
    fn value(&self, action: &str, name: &str) -> String {
        if self.action != action {
            return String::new();
        }
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn values(&self, action: &str, name: &str) -> Vec<String> {
        if self.action != action {
            return Vec::new();
        }
        super::fields_named(&self.fields, name)
    }
}

struct Fact {
    label: &'static str,
    value: String,
}

struct StepRow {
    name: String,
    role: &'static str,
    due: String,
    current: bool,
}

struct TimelineRow {
    at: String,
    who: String,
    what: &'static str,
    detail: Option<String>,
}

struct FormLink {
    label: &'static str,
    href: String,
}

/// One action form.
struct ActionForm {
    name: &'static str,
    label: &'static str,
    /// Field id prefix, unique on the page.
    id: String,
    /// A fresh one-time token.
    token: String,
    fields: Vec<FormField>,
    /// Where it posts, and whether as `multipart/form-data` (a file goes with it).
    target: &'static str,
    multipart: bool,
}

enum FieldKind {
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

struct FormField {
    name: &'static str,
    label: &'static str,
    kind: FieldKind,
    value: String,
    required: bool,
    error: Option<String>,
}

struct PaperRow {
    name: String,
    href: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "desk/dossier.html")]
struct DossierPage {
    ui: Ui,
    officer: Officer,
    code: String,
    version: i64,
    procedure: String,
    status: &'static str,
    mark: Option<(&'static str, &'static str)>,
    facts: Vec<Fact>,
    applicant: Vec<Fact>,
    papers: Vec<PaperRow>,
    steps: Vec<StepRow>,
    timeline: Vec<TimelineRow>,
    documents: Vec<FormLink>,
    actions: Vec<ActionForm>,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
    payments: Vec<PaymentRow>,
    /// The personal-ID panel, when the applicant gave one.
    identity: Option<super::personal_id::Panel>,
}

/// A payment of the dossier, with the refund form when the officer may refund it.
struct PaymentRow {
    reference: String,
    channel: &'static str,
    amount: String,
    status: &'static str,
    at: String,
    receipt_href: Option<String>,
    /// (action URL, amount left to refund) when this officer may refund it.
    refund: Option<(String, i64)>,
}

/// The officer may see the dossier (the policy: their unit received it or holds it now).
pub fn may_see(officer: &Officer, view: &DossierView) -> bool {
    officer.may(&domain::access::Request::ReadDossier(view.facts()))
}

/// The officer may act on the dossier at all (an acting role of a unit that reaches it); which
/// action is then the rules' question.
pub fn may_act(officer: &Officer, view: &DossierView) -> Result<(), AppError> {
    if officer.may(&domain::access::Request::ActOnDossier(view.facts())) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Reads a dossier for an officer; `NotFound` when it does not exist or is not theirs to see, so
/// that codes of other units' dossiers are not confirmed.
pub async fn load(
    state: &AppState,
    data: &ReferenceData,
    officer: &Officer,
    code: &str,
) -> Result<DossierView, AppError> {
    let service = DossierService::new(&state.db, &state.vault, data);
    let view = service
        .get(code)
        .await
        .map_err(crate::error::AppError::from)?;
    if !may_see(officer, &view) {
        return Err(AppError::NotFound);
    }
    Ok(view)
}

fn actor_text(ui: &Ui, actor: &Actor) -> String {
    match actor {
        Actor::Officer {
            officer_id, role, ..
        } => format!(
            "{} ({officer_id})",
            ui.t(&format!("desk.role.{}", role.as_str()))
        ),
        Actor::Applicant { .. } => ui.t("desk.actor.applicant").to_owned(),
        Actor::System { job } => format!("{} ({job})", ui.t("desk.actor.system")),
    }
}

/// The free-text part of an event (reasons, note, summary, officer, agency), if any; coded
/// values (how a result was returned) in the page's language.
fn event_detail(ui: &Ui, event: &Event) -> Option<String> {
    if let domain::dossier::Change::IdentityChecked { check } = &event.change {
        return Some(crate::registry::status_text(ui, Some(check)));
    }
    let value = serde_json::to_value(&event.change).ok()?;
    let parts: Vec<String> = [
        "reasons",
        "note",
        "summary",
        "officer_id",
        "to_agency",
        "reference",
        "amount_vnd",
        "method",
        "papers",
    ]
    .iter()
    .filter_map(|k| match value.get(*k)? {
        serde_json::Value::String(s) if *k == "method" => {
            Some(ui.t(&format!("desk.return_method.{s}")).to_owned())
        }
        serde_json::Value::Array(items) if !items.is_empty() => Some(
            items
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// What the catalogue's rules make this dossier's fees: one page and one copy, the channel it
/// came by, the reductions in force the day it was submitted, and the exemption the applicant
/// claimed (Law 97/2015/QH13, Art. 10; the officer checks its proof before relying on it).
fn catalogue_fees(
    procedure: &domain::catalogue::Procedure,
    view: &DossierView,
) -> domain::payment::fees::FeeAssessment {
    use domain::catalogue::{ApplicantCategory, Channel};
    let channel = if view.stored.channel == Channel::Online.as_str() {
        Channel::Online
    } else {
        Channel::Counter
    };
    let on = view
        .stored
        .submitted_at
        .to_offset(domain::calendar::VIETNAM_OFFSET)
        .date();
    let mut basis = domain::payment::fees::FeeBasis::simple(channel, on);
    basis.categories.extend(
        app::dossiers::ApplicantDetails::from_contact(view.stored.applicant_contact.as_deref())
            .and_then(|d| d.fee_exemption)
            .as_deref()
            .and_then(ApplicantCategory::parse),
    );
    domain::payment::fees::assess(procedure, &basis)
}

/// "10.000 đ (giảm 50 %)", "0 đ (miễn: người cao tuổi)".
fn fees_text(ui: &Ui, a: &domain::payment::fees::FeeAssessment) -> String {
    use domain::payment::fees::LineAdjustment;
    let why: Vec<String> = a
        .lines
        .iter()
        .filter_map(|l| match &l.adjustment {
            LineAdjustment::None => None,
            LineAdjustment::Exempt(c) => Some(ui.t_s(
                "desk.dossier.fees_exempt",
                ui.t(&format!("apply.fee_exemption.{}", c.as_str())),
            )),
            LineAdjustment::OnlineDiscount { percent, .. } => {
                Some(ui.t_s("desk.dossier.fees_discount", &percent.to_string()))
            }
        })
        .collect();
    if why.is_empty() {
        ui.money(a.total_vnd)
    } else {
        format!("{} ({})", ui.money(a.total_vnd), why.join("; "))
    }
}

/// Contact details as the application recorded them (JSON), or the plain line of older records;
/// the personal ID masked unless `reveal`.
fn contact_facts(ui: &Ui, contact: Option<&str>, reveal: bool) -> Vec<Fact> {
    let Some(contact) = contact.filter(|c| !c.trim().is_empty()) else {
        return Vec::new();
    };
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(contact) {
        Ok(map) => [
            ("personal_id", "desk.applicant.personal_id"),
            ("birth_date", "desk.applicant.birth_date"),
            ("phone", "desk.applicant.phone"),
            ("email", "desk.applicant.email"),
            ("address", "desk.applicant.address"),
            ("fee_exemption", "desk.applicant.fee_exemption"),
        ]
        .iter()
        .filter_map(|(k, label)| {
            let v = map.get(*k)?.as_str()?.trim();
            let shown = match (*k, v.split('-').collect::<Vec<_>>().as_slice()) {
                // Stored as ISO; read as people in Vietnam write dates.
                ("birth_date", [y, m, d]) if !ui.is_en() => format!("{d}/{m}/{y}"),
                ("fee_exemption", _) => ui.t(&format!("apply.fee_exemption.{v}")).to_owned(),
                ("personal_id", _) if !reveal => app::personal_data::masked(v),
                _ => v.to_owned(),
            };
            (!v.is_empty()).then(|| Fact {
                label: ui.t(label),
                value: shown,
            })
        })
        .collect(),
        Err(_) => vec![Fact {
            label: ui.t("desk.applicant.contact"),
            value: contact.to_owned(),
        }],
    }
}

fn documents_of(view: &DossierView) -> Vec<(&'static str, &'static str)> {
    let s = &view.state;
    let mut out = Vec::new();
    if s.appointment.is_some() {
        out.push(("receipt", "desk.documents.receipt"));
    }
    if s.supplement_requests + s.intake_supplement_requests > 0 {
        out.push(("supplement", "desk.documents.supplement"));
    }
    if s.status == Status::Refused {
        out.push(("refusal", "desk.documents.refusal"));
    }
    if s.apology.is_some() {
        out.push(("apology", "desk.documents.apology"));
    }
    if s.status == Status::Stopped {
        out.push(("stop", "desk.documents.stop"));
    }
    out
}

fn role_options(
    ui: &Ui,
    colleagues: &[storage::officers::StoredOfficer],
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

#[expect(
    clippy::too_many_arguments,
    reason = "each is one thing the forms show; a struct would only rename them"
)]
async fn action_forms(
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
        state.db.officers_of(&officer.unit).await?
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

/// Renders the dossier page, with a refused attempt's answers and errors when there is one.
pub async fn render_page(
    state: &AppState,
    ui: Ui,
    officer: Officer,
    code: &str,
    attempt: Attempt,
    done: Option<&'static str>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let view = load(state, &data, &officer, code).await?;
    let service = DossierService::new(&state.db, &state.vault, &data);
    let events = service
        .timeline(&view)
        .await
        .map_err(crate::error::AppError::from)?;
    let procedure = data.procedure(&view.state.procedure_code);
    let now = OffsetDateTime::now_utc();
    let s: &DossierState = &view.state;
    let offered = match procedure.zip(
        data.catalogue
            .workflows
            .iter()
            .find(|w| w.code == s.workflow_code && w.version == s.workflow_version),
    ) {
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
    };
    let mut facts = vec![
        Fact {
            label: ui.t("desk.dossier.channel"),
            value: ui.t(&format!("channel.{}", view.stored.channel)).to_owned(),
        },
        Fact {
            label: ui.t("desk.dossier.submitted"),
            value: local_datetime(&ui, view.stored.submitted_at),
        },
    ];
    if let Some(r) = s.received_at {
        facts.push(Fact {
            label: ui.t("desk.dossier.received"),
            value: local_datetime(&ui, r),
        });
    }
    if let Some(a) = s.appointment {
        facts.push(Fact {
            label: ui.t("desk.dossier.appointment"),
            value: local_datetime(&ui, a),
        });
    }
    if let Some(d) = s.due.filter(|d| Some(*d) != s.appointment) {
        facts.push(Fact {
            label: ui.t("desk.dossier.due"),
            value: local_datetime(&ui, d),
        });
    }
    if let Some(apology) = &s.apology {
        facts.push(Fact {
            label: ui.t("desk.dossier.new_due"),
            value: local_datetime(&ui, apology.new_due),
        });
    }
    if let Some(holder) = data.agency(&s.holder) {
        facts.push(Fact {
            label: ui.t("desk.dossier.holder"),
            value: ui.pick(&holder.name, &holder.name_en).to_owned(),
        });
    }
    if let Some(assignee) = &s.assigned_to {
        facts.push(Fact {
            label: ui.t("desk.dossier.assigned"),
            value: assignee.clone(),
        });
    }
    let assessed = procedure.map(|p| catalogue_fees(p, &view));
    if let Some(a) = &assessed
        && a.lines.iter().any(|l| l.gross_vnd > 0)
    {
        facts.push(Fact {
            label: ui.t("desk.dossier.fees_catalogue"),
            value: fees_text(&ui, a),
        });
    }
    if s.fees_requested_vnd > 0 {
        facts.push(Fact {
            label: ui.t("desk.dossier.fees"),
            value: format!(
                "{} / {}",
                ui.money(s.fees_paid_vnd),
                ui.money(s.fees_requested_vnd)
            ),
        });
    }
    let mut applicant = vec![Fact {
        label: ui.t("desk.applicant.name"),
        value: view.stored.applicant_name.clone(),
    }];
    applicant.extend(contact_facts(
        &ui,
        view.stored.applicant_contact.as_deref(),
        attempt.reveal_personal_id,
    ));
    // Counter intake and online applications write different contact JSON; both name it so.
    let has_personal_id = view
        .stored
        .applicant_contact
        .as_deref()
        .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
        .and_then(|c| {
            c.get("personal_id")?
                .as_str()
                .map(|id| !id.trim().is_empty())
        })
        .unwrap_or(false);
    let identity = if has_personal_id {
        Some(
            super::personal_id::panel(state, &ui, &view.stored.code, attempt.reveal_personal_id)
                .await?,
        )
    } else {
        None
    };
    applicant.push(Fact {
        label: ui.t("registry.status.label"),
        value: crate::registry::status_text(&ui, s.identity.as_ref()),
    });
    let workflow_steps = data
        .catalogue
        .workflows
        .iter()
        .find(|w| w.code == s.workflow_code && w.version == s.workflow_version);
    let steps = s
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| StepRow {
            name: workflow_steps
                .and_then(|w| w.steps.iter().find(|ws| ws.code == step.code))
                .map_or_else(
                    || step.code.clone(),
                    |ws| ui.pick(&ws.name, &ws.name_en).to_owned(),
                ),
            role: ui.t(&format!(
                "desk.role.{}",
                domain::dossier::OfficerRole::from(step.role).as_str()
            )),
            due: local_datetime(&ui, step.due),
            current: i == s.current_step && s.processing_ended_at.is_none() && s.is_received(),
        })
        .collect();
    let timeline = events
        .iter()
        .map(|e| TimelineRow {
            at: local_datetime(&ui, e.at),
            who: actor_text(&ui, &e.actor),
            what: ui.t(&format!("dossier_event.{}", e.kind())),
            detail: event_detail(&ui, e),
        })
        .collect();
    let documents = documents_of(&view)
        .into_iter()
        .map(|(form, label)| FormLink {
            label: ui.t(label),
            href: format!("/back-office/dossiers/{}/forms/{form}", view.stored.code),
        })
        .collect();
    let papers = super::documents::paper_rows(state, &ui, &view)
        .await?
        .into_iter()
        .map(|(name, href, detail)| PaperRow { name, href, detail })
        .collect();
    let actions = action_forms(
        state,
        &ui,
        &data,
        procedure,
        &officer,
        &offered,
        &attempt,
        assessed
            .as_ref()
            .map(|a| a.total_vnd)
            .filter(|amount| *amount > 0),
        super::result::file_required(&view),
    )
    .await?;
    let may_refund = officer.may(&domain::access::Request::RefundPayment(view.facts()));
    let payments = state
        .db
        .payments_of(&view.stored.code)
        .await?
        .into_iter()
        .filter(|p| p.status != PaymentStatus::Created)
        .map(|p| PaymentRow {
            refund: (may_refund && p.status == PaymentStatus::Paid).then(|| {
                (
                    format!(
                        "/back-office/dossiers/{}/payments/{}/refund",
                        view.stored.code, p.reference
                    ),
                    p.amount_vnd - p.refunded_vnd,
                )
            }),
            receipt_href: matches!(p.status, PaymentStatus::Paid | PaymentStatus::Refunded)
                .then(|| crate::payments::online::receipt_href(&p)),
            channel: ui.t(&format!("payment.channel.{}", p.channel.as_str())),
            amount: ui.money(p.amount_vnd),
            status: ui.t(&format!("payment.status.{}", p.status.as_str())),
            at: local_datetime(&ui, p.paid_at.unwrap_or(p.updated_at)),
            reference: p.reference,
        })
        .collect();
    let status = ui.t(&format!("dossier_status.{}", s.status.as_str()));
    let mark = urgency(&data.calendar, s, now).map(|u| super::inbox::mark(&ui, u));
    let page = DossierPage {
        code: view.stored.code.clone(),
        version: view.stored.event_count,
        procedure: procedure.map_or_else(
            || s.procedure_code.clone(),
            |p| ui.pick(&p.name, &p.name_en).to_owned(),
        ),
        status,
        mark,
        facts,
        applicant,
        papers,
        steps,
        timeline,
        documents,
        actions,
        errors: attempt.errors.clone(),
        done: done.map(|action| ui.t(&format!("desk.done.{action}"))),
        payments,
        identity,
        ui,
        officer,
    };
    let html = page.render()?;
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, axum::response::Html(html)).into_response())
}

/// The dossier page.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let done =
        q.iter()
            .find(|(k, _)| k == "done")
            .and_then(|(_, v)| match ActionKind::from_name(v) {
                Some(kind) if !kind.opens_dossier() => Some(kind.name()),
                // Registering at the counter and refunding a payment have their own forms.
                _ => ["receive", "refund"].into_iter().find(|n| *n == v.as_str()),
            });
    render_page(&state, ui, officer, &code, Attempt::default(), done).await
}
