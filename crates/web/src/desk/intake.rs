//! Counter intake (tiếp nhận trực tiếp): one dense page on which a reception officer registers a
//! walk-in applicant's dossier (or one that came by post) and decides at once — accept with a
//! receipt and appointment (Form 01), ask to complete the papers (Form 02) or refuse (Form 03) —
//! as Decree 118/2025/NĐ-CP, Article 15, has the one-stop unit do.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::applicant::{
    ApplicantDetails, ApplicantForm, ApplicantName, ApplicantProblem, Intake, identity,
    typed_personal_id,
};
use domain::catalogue::Channel;
use domain::dossier::{
    Action, Applicant, ApplicantKind, IdentityCheck, IdentityResult, ReturnMethod,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::field as value;
use crate::AppState;
use crate::edge::officer::Officer;
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use crate::views::SelectOption;
use app::ServiceError;
use app::dossiers::{Application, DossierService, Opening, Outcome};

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
    /// Whether a population database is configured (the look-up button is shown).
    registry: bool,
    /// The result of the last look-up: (`success`, `warning` or `info`, message).
    lookup_notice: Option<(&'static str, String)>,
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
    let verified = value(&values, "registry_result") == "verified";
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
                        if app::registry::spared(c, verified) {
                            format!(" – {}", ui.t("registry.intake.paper_spared"))
                        } else if c.required {
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
        registry: state.registry.is_some(),
        lookup_notice: None,
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
    Replayed(app::dossiers::IdempotentResponse),
}

/// Checks the intake fields, opens the dossier at the officer's counter and records the decision
/// (acceptance in the same transaction; a request for papers or a refusal right after). Shared
/// by the intake form and the API.
pub(super) async fn register(
    state: &AppState,
    ui: &Ui,
    officer: &Officer,
    fields: &[(String, String)],
    idempotency: Option<&app::dossiers::Idempotency>,
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
    // The rules every door uses (`domain::applicant`); at the counter the personal ID or a
    // phone number is enough, the officer having the person and their papers in front of them.
    let name = match ApplicantName::parse(value(fields, "name")) {
        Ok(name) => Some(name),
        Err(ApplicantProblem::NameMissing) => {
            error("name", "desk.intake.error.name");
            None
        }
        Err(problem) => {
            error("name", &crate::edge::applicant::problem_key(&problem));
            None
        }
    };
    let details = ApplicantDetails::parse(
        &ApplicantForm {
            personal_id: value(fields, "personal_id"),
            birth_date: value(fields, "birth_date"),
            phone: value(fields, "phone"),
            email: value(fields, "email"),
            address: value(fields, "address"),
        },
        Intake::Counter,
        state.today(),
    );
    if let Err(problems) = &details {
        for problem in problems {
            error(
                problem.field().name(),
                &crate::edge::applicant::problem_key(problem),
            );
        }
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
    let identity = looked_up(state, officer, fields).await?;
    let verified = identity.as_ref().is_some_and(|c| c.is_verified());
    // A dossier is accepted only when complete (Decree 118/2025/NĐ-CP, Art. 15); what is missing
    // is what Form 02 asks for.
    let missing: Vec<String> = procedure
        .map(|p| {
            p.missing_papers(&handed_in)
                .into_iter()
                .filter(|c| !app::registry::spared(c, verified))
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
        // Checked before the dossier is opened: the refusal or request follows in a second
        // step, which must not then be refused for its length (`domain::dossier::TEXT_MAX_CHARS`).
        "request_supplement" | "refuse"
            if reasons.chars().count() > domain::dossier::TEXT_MAX_CHARS =>
        {
            error("reasons", "desk.error.too_long");
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
    let (Some(procedure), Some(kind), Some(name), Ok(mut details), true) =
        (procedure, kind, name, details, errors.is_empty())
    else {
        return Ok(Registered::Invalid(errors));
    };
    details.return_method = Some(if channel == Channel::Post {
        ReturnMethod::Post
    } else {
        ReturnMethod::Counter
    });
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
        applicant_name: name.as_str().to_owned(),
        applicant_contact: Some(app::dossiers::contact_json(&details)),
        phone: details.phone.as_ref().map(|p| p.as_str().to_owned()),
        personal_id: details.personal_id.as_ref().map(|p| p.as_str().to_owned()),
        papers: Vec::new(),
        from_draft: None,
        account: None,
    };
    let service = DossierService::new(&state.db, &state.vault, &data);
    let answer = |view: &app::dossiers::DossierView| {
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
        .open_checked(
            &officer.actor(),
            &application,
            identity.as_ref(),
            now,
            idempotency.map(|i| (i, &answer as &app::dossiers::Answer<'_>)),
        )
        .await;
    let view = match outcome {
        Ok(Outcome::Done(view)) => view,
        Ok(Outcome::Replayed(answer)) => return Ok(Registered::Replayed(answer)),
        Err(ServiceError::Refused { code, .. }) => {
            let message = ui.t(&format!("desk.refusal.{code}")).to_owned();
            return Ok(Registered::Invalid(vec![("procedure", message)]));
        }
        // The same form (or idempotency key) sent again with other answers: the first one was
        // registered and stays as it was.
        Err(ServiceError::KeyReused) => {
            return Err(AppError::Unprocessable(
                ui.t("desk.error.key_reused").to_owned(),
            ));
        }
        Err(e) => return Err(crate::error::AppError::from(e)),
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
            .map_err(crate::error::AppError::from)?;
    }
    Ok(Registered::Done { code })
}

/// The population database's answer a counter look-up of this officer obtained for the number
/// on the form (the form carries the look-up's id; the log proves who made it, for which unit,
/// for which number and what came back, so the form cannot claim a verification it did not get).
async fn looked_up(
    state: &AppState,
    officer: &Officer,
    fields: &[(String, String)],
) -> Result<Option<IdentityCheck>, AppError> {
    let (Some(registry), Ok(id), Ok(personal_id)) = (
        state.registry.as_ref(),
        Uuid::parse_str(value(fields, "registry_lookup")),
        typed_personal_id(value(fields, "personal_id")),
    ) else {
        return Ok(None);
    };
    let Some(lookup) = app::registry::recorded_lookup(&state.db, id).await? else {
        return Ok(None);
    };
    let fresh = OffsetDateTime::now_utc() - lookup.looked_up_at < time::Duration::hours(2);
    if lookup.requested_by != officer.id
        || lookup.agency_code != officer.unit
        || lookup.personal_id_hash != registry.personal_id_hash(&personal_id)
        || !fresh
    {
        return Ok(None);
    }
    Ok(Some(IdentityCheck::registry(
        match lookup.result.as_str() {
            "verified" => IdentityResult::Verified,
            "mismatch" => IdentityResult::Mismatch,
            "not_found" => IdentityResult::NotFound,
            _ => IdentityResult::Unavailable,
        },
    )))
}

/// "Look up" on the intake form: checks the applicant in the population database and shows the
/// form again with everything typed kept, the name and permanent address filled in from the
/// record on a match, and the answer above the applicant's fields.
async fn lookup(
    state: &AppState,
    ui: Ui,
    officer: Officer,
    fields: Vec<(String, String)>,
) -> Result<Response, AppError> {
    use app::registry::{Answer, Lookup, Purpose, Requester, look_up};
    if !officer.may(&domain::access::Request::RegisterAtCounter) {
        return Err(AppError::Forbidden);
    }
    let mut values: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| !["lookup", "registry_lookup", "registry_result"].contains(&k.as_str()))
        .collect();
    let Some(registry) = state.registry.clone() else {
        let mut page = build_page(state, ui, officer, values, Vec::new());
        page.lookup_notice = Some((
            "info",
            page.ui.t("registry.intake.not_configured").to_owned(),
        ));
        return respond(&page);
    };
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    // The name as the registry is asked with it and the dossier will keep it.
    let name = match ApplicantName::parse(value(&values, "name")) {
        Ok(name) => name.as_str().to_owned(),
        Err(ApplicantProblem::NameMissing) => {
            errors.push(("name", ui.t("desk.intake.error.name").to_owned()));
            String::new()
        }
        Err(problem) => {
            errors.push((
                "name",
                crate::edge::applicant::problem_message(&ui, &problem).to_owned(),
            ));
            String::new()
        }
    };
    // The population database needs both, agreeing (`domain::applicant::identity`).
    let checked = match identity(
        value(&values, "personal_id"),
        value(&values, "birth_date"),
        state.today(),
    ) {
        Ok((id, birth)) => Some((id, birth.date())),
        Err(problems) => {
            for problem in &problems {
                let message = match problem {
                    ApplicantProblem::BirthMissing => ui.t("registry.intake.birth_needed"),
                    other => crate::edge::applicant::problem_message(&ui, other),
                };
                errors.push((problem.field().name(), message.to_owned()));
            }
            None
        }
    };
    let (Some((personal_id, birth)), true) = (checked, errors.is_empty()) else {
        let page = build_page(state, ui, officer, values, errors);
        return respond(&page);
    };
    let (id, answer) = look_up(
        state,
        &registry,
        Lookup {
            requester: Requester::Officer(&officer.id),
            agency: &officer.unit,
            dossier_code: None,
            purpose: Purpose::CounterIntake,
            personal_id: &personal_id,
            full_name: &name,
            birth_date: birth,
        },
    )
    .await
    .map_err(|e| crate::edge::identity::lookup_error(&ui, e))?;
    let set = |values: &mut Vec<(String, String)>, key: &str, v: String| {
        values.retain(|(k, _)| k != key);
        values.push((key.to_owned(), v));
    };
    set(&mut values, "registry_lookup", id.to_string());
    set(
        &mut values,
        "registry_result",
        answer.result().as_str().to_owned(),
    );
    let notice = match &answer {
        Answer::Verified(person) => {
            set(&mut values, "name", person.full_name.clone());
            if value(&values, "address").is_empty() {
                set(&mut values, "address", person.permanent_address.one_line());
            }
            let head = person
                .household_head
                .as_ref()
                .map(|h| {
                    format!(
                        " {} {} ({}).",
                        ui.t("registry.intake.household_head"),
                        h.full_name,
                        h.relationship
                    )
                })
                .unwrap_or_default();
            (
                "success",
                format!(
                    "{} {}: {}.{head}",
                    ui.t("registry.intake.verified"),
                    ui.t("registry.intake.permanent_address"),
                    person.permanent_address.one_line()
                ),
            )
        }
        Answer::Mismatch { name, birth_date } => {
            if *name {
                errors.push(("name", ui.t("registry.error.name_mismatch").to_owned()));
            }
            if *birth_date || !*name {
                errors.push((
                    "birth_date",
                    ui.t("registry.error.birth_mismatch").to_owned(),
                ));
            }
            ("warning", ui.t("registry.intake.mismatch").to_owned())
        }
        Answer::NotFound => {
            errors.push(("personal_id", ui.t("registry.error.not_found").to_owned()));
            ("warning", ui.t("registry.intake.mismatch").to_owned())
        }
        Answer::Unavailable { .. } => ("warning", ui.t("registry.intake.unavailable").to_owned()),
    };
    let mut page = build_page(state, ui, officer, values, errors);
    page.lookup_notice = Some((notice.0, notice.1));
    respond(&page)
}

/// Registers the dossier and records the decision, or looks the applicant up.
pub async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    if !value(&fields, "lookup").is_empty() {
        return lookup(&state, ui, officer, fields).await;
    }
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
