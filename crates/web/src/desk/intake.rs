//! Counter intake (tiếp nhận trực tiếp): one dense page on which a reception officer registers a
//! walk-in applicant's dossier (or one that came by post) and decides at once — accept with a
//! receipt and appointment (Form 01), ask to complete the papers (Form 02) or refuse (Form 03) —
//! as Decree 118/2025/NĐ-CP, Article 15, has the one-stop unit do.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::catalogue::Channel;
use domain::dossier::{Action, Applicant, ApplicantKind};
use time::OffsetDateTime;
use uuid::Uuid;

use super::Officer;
use super::dossier_page::service_error;
use super::field as value;
use crate::AppState;
use crate::dossiers::{Application, DossierService, Opening, Outcome, ServiceError};
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use crate::views::SelectOption;

#[derive(Template)]
#[template(path = "desk/intake.html")]
struct IntakePage {
    ui: Ui,
    officer: Officer,
    procedures: Vec<SelectOption>,
    /// The procedure's papers as checkboxes: value = name, label = name and form, selected =
    /// handed in.
    papers: Vec<SelectOption>,
    kinds: Vec<SelectOption>,
    channels: Vec<SelectOption>,
    decisions: Vec<SelectOption>,
    values: Vec<(String, String)>,
    errors: Vec<(&'static str, String)>,
    token: String,
    allowed: bool,
}

impl IntakePage {
    fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn error_for(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, m)| m.as_str())
    }
}

const KINDS: [(&str, ApplicantKind); 4] = [
    ("citizen", ApplicantKind::Citizen),
    ("business", ApplicantKind::Business),
    ("state_agency", ApplicantKind::StateAgency),
    ("other", ApplicantKind::Other),
];

fn build_page(
    state: &AppState,
    ui: Ui,
    officer: Officer,
    values: Vec<(String, String)>,
    errors: Vec<(&'static str, String)>,
) -> IntakePage {
    let data = state.reference.get();
    let chosen = value(&values, "procedure").to_owned();
    let mut procedures: Vec<SelectOption> = data
        .catalogue
        .procedures
        .iter()
        .filter(|p| p.agencies.contains(&officer.unit))
        .map(|p| {
            SelectOption::new(
                &p.code,
                &format!("{} – {}", ui.pick(&p.name, &p.name_en), p.code),
                Some(&chosen),
            )
        })
        .collect();
    // Alphabetical as Vietnamese readers expect, not by byte order ("Cấp" before "Chứng").
    procedures.sort_by_cached_key(|o| domain::search::fold(&o.label));
    let handed_in = super::fields_named(&values, "papers");
    let papers = data
        .procedure(&chosen)
        .map(|p| {
            p.components
                .iter()
                .map(|c| SelectOption {
                    value: c.name.clone(),
                    label: format!(
                        "{} ({}){}",
                        c.name,
                        crate::views::paper_form_text(&ui, c.form, c.count),
                        if c.required {
                            String::new()
                        } else {
                            format!(" – {}", ui.t("desk.intake.paper_optional"))
                        }
                    ),
                    selected: handed_in.contains(&c.name),
                })
                .collect()
        })
        .unwrap_or_default();
    let pick = |name: &str, options: &[&str], prefix: &str, default: &str| {
        let current = match value(&values, name) {
            "" => default.to_owned(),
            v => v.to_owned(),
        };
        options
            .iter()
            .map(|o| SelectOption::new(o, ui.t(&format!("{prefix}.{o}")), Some(&current)))
            .collect::<Vec<_>>()
    };
    let kinds = pick(
        "kind",
        &KINDS.map(|(k, _)| k),
        "desk.intake.kind",
        "citizen",
    );
    let channels = pick("channel", &["counter", "post"], "channel", "counter");
    let decisions = pick(
        "decision",
        &["accept", "request_supplement", "refuse"],
        "desk.intake.decision",
        "accept",
    );
    IntakePage {
        allowed: officer.may(&domain::access::Request::RegisterAtCounter),
        procedures,
        papers,
        kinds,
        channels,
        decisions,
        values,
        errors,
        token: forms::new_token(),
        ui,
        officer,
    }
}

fn respond(page: &IntakePage) -> Result<Response, AppError> {
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The intake page; `?procedure=` chooses the procedure whose papers to check.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let page = build_page(&state, ui, officer, q, Vec::new());
    respond(&page)
}

/// What registering a counter dossier came to.
pub(super) enum Registered {
    /// Fields at fault: (field id, message in the officer's language).
    Invalid(Vec<(&'static str, String)>),
    /// Registered now, with the decision recorded.
    Done {
        /// The new dossier's code.
        code: String,
    },
    /// The same request was handled before; the redirect recorded then.
    Replayed(storage::dossier::IdempotentResponse),
}

/// Checks the intake fields, opens the dossier at the officer's counter and records the decision
/// (acceptance in the same transaction; a request for papers or a refusal right after). Shared
/// by the intake form and the API.
pub(super) async fn register(
    state: &AppState,
    ui: &Ui,
    officer: &Officer,
    fields: &[(String, String)],
    idempotency: Option<&storage::dossier::Idempotency>,
) -> Result<Registered, AppError> {
    if !officer.may(&domain::access::Request::RegisterAtCounter) {
        return Err(AppError::Forbidden);
    }
    let data = state.reference.get();
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut error = |field: &'static str, key: &str| errors.push((field, ui.t(key).to_owned()));
    let procedure = data
        .procedure(value(fields, "procedure"))
        .filter(|p| p.agencies.contains(&officer.unit));
    if procedure.is_none() {
        error("procedure", "desk.intake.error.procedure");
    }
    let name = value(fields, "name");
    if name.is_empty() {
        error("name", "desk.intake.error.name");
    } else if name.chars().count() > 200 {
        error("name", "desk.error.too_long");
    }
    let personal_id = value(fields, "personal_id");
    let twelve_digits = personal_id.len() == 12 && personal_id.bytes().all(|b| b.is_ascii_digit());
    if !personal_id.is_empty() && !twelve_digits {
        error("personal_id", "desk.intake.error.personal_id");
    }
    let phone = value(fields, "phone");
    let phone_digits = phone.chars().filter(char::is_ascii_digit).count();
    if !phone.is_empty()
        && (!(9..=15).contains(&phone_digits)
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +.-".contains(c)))
    {
        error("phone", "desk.intake.error.phone");
    }
    if personal_id.is_empty() && phone.is_empty() {
        error("phone", "desk.intake.error.contact");
    }
    let kind = KINDS
        .iter()
        .find(|(k, _)| *k == value(fields, "kind"))
        .map(|(_, k)| *k);
    if kind.is_none() {
        error("kind", "desk.error.required");
    }
    let channel = match value(fields, "channel") {
        "post" => Channel::Post,
        _ => Channel::Counter,
    };
    let decision = value(fields, "decision").to_owned();
    let reasons = value(fields, "reasons").to_owned();
    let handed_in = super::fields_named(fields, "papers");
    // A dossier is accepted only when complete (Decree 118/2025/NĐ-CP, Art. 15); what is missing
    // is what Form 02 asks for.
    let missing: Vec<String> = procedure
        .map(|p| {
            p.missing_papers(&handed_in)
                .into_iter()
                .map(|c| c.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let incomplete = decision == "accept" && !missing.is_empty();
    match decision.as_str() {
        "accept" => {}
        "request_supplement" | "refuse" if reasons.is_empty() => {
            error("reasons", "desk.intake.error.reasons");
        }
        "request_supplement" | "refuse" => {}
        _ => error("decision", "desk.error.required"),
    }
    if incomplete {
        errors.push((
            "papers",
            ui.t("desk.intake.error.incomplete")
                .replace("{papers}", &missing.join("; ")),
        ));
    }
    let (Some(procedure), Some(kind), true) = (procedure, kind, errors.is_empty()) else {
        return Ok(Registered::Invalid(errors));
    };
    let contact = serde_json::json!({
        "personal_id": personal_id,
        "phone": phone,
        "email": value(fields, "email"),
        "address": value(fields, "address"),
        "return_method": if channel == Channel::Post { "post" } else { "counter" },
    })
    .to_string();
    let application = Application {
        procedure_code: procedure.code.clone(),
        opening: Opening::Counter {
            channel,
            accept: decision == "accept",
            papers: handed_in,
        },
        applicant: Applicant {
            // Pseudonymous: events are kept for ever and must not carry the person's identity.
            id: format!("counter:{}", Uuid::now_v7()),
            kind,
        },
        applicant_name: name.to_owned(),
        applicant_contact: Some(contact),
        phone: (!phone.is_empty()).then(|| phone.to_owned()),
        personal_id: (!personal_id.is_empty()).then(|| personal_id.to_owned()),
        papers: Vec::new(),
        from_draft: None,
        account: None,
    };
    let service = DossierService::new(&state.db, &data);
    let answer = |view: &crate::dossiers::DossierView| {
        forms::redirect_answer(&format!(
            "/back-office/dossiers/{}?done={}",
            view.stored.code,
            if decision == "accept" {
                "accept"
            } else {
                "receive"
            }
        ))
    };
    let now = OffsetDateTime::now_utc();
    let outcome = service
        .open(
            &officer.actor(),
            &application,
            now,
            idempotency.map(|i| (i, &answer as &crate::dossiers::Answer<'_>)),
        )
        .await;
    let view = match outcome {
        Ok(Outcome::Done(view)) => view,
        Ok(Outcome::Replayed(answer)) => return Ok(Registered::Replayed(answer)),
        Err(ServiceError::Refused { code, .. }) => {
            let message = ui.t(&format!("desk.refusal.{code}")).to_owned();
            return Ok(Registered::Invalid(vec![("procedure", message)]));
        }
        Err(e) => return Err(service_error(e)),
    };
    let code = view.stored.code.clone();
    let follow_up = match decision.as_str() {
        "request_supplement" => Some(Action::RequestSupplement {
            reasons,
            papers: missing,
        }),
        "refuse" => Some(Action::Refuse { reasons }),
        _ => None,
    };
    if let Some(action) = follow_up {
        service
            .act(
                &code,
                Some(view.stored.event_count),
                &officer.actor(),
                &action,
                now,
                None,
            )
            .await
            .map_err(service_error)?;
    }
    Ok(Registered::Done { code })
}

/// Registers the dossier and records the decision.
pub async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let token = forms::token_of(&fields).unwrap_or_default().to_owned();
    let idempotency = forms::idempotency(&format!("form:intake:{}", officer.id), &token, &fields);
    match register(&state, &ui, &officer, &fields, idempotency.as_ref()).await? {
        Registered::Invalid(errors) => {
            let page = build_page(&state, ui, officer, fields, errors);
            respond(&page)
        }
        Registered::Replayed(answer) => Ok(forms::replay(&answer)),
        Registered::Done { code } => {
            let done = match value(&fields, "decision") {
                "request_supplement" => "request_supplement",
                "refuse" => "refuse",
                _ => "accept",
            };
            Ok(Redirect::to(&format!("/back-office/dossiers/{code}?done={done}")).into_response())
        }
    }
}
