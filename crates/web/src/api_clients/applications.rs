//! Online application over the API: a client with `submit_dossiers` (the national portal, a
//! ministry's system taking applications on its own forms) files a dossier on behalf of an
//! applicant, with the same checks, the same paper sniffing and limits and the same dossier
//! service as the portal's own application; `read_own_dossiers` reads back what it filed.
//! `Idempotency-Key` is required (draft-ietf-httpapi-idempotency-key-header: missing → 400,
//! same key with another body → 422), so a client retrying after a lost answer never files twice.

use app::dossiers::IdempotentResponse;
use app::dossiers::{NewDossierPaper, PaperPurpose};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::access::{Principal, Request, Scope, permits};
use domain::applicant::{ApplicantDetails, ApplicantForm, ApplicantName, Intake};
use domain::catalogue::Procedure;
use domain::dossier::{Actor, Applicant, ApplicantKind, ReturnMethod};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::ApiClient;
use crate::AppState;
use crate::error::AppError;
use crate::ui::Ui;
use app::ServiceError;
use app::dossiers::{Application, DossierService, DossierView, Opening, Outcome};

/// Room for a few papers at the web upload's limit each, base64 adding a third.
pub(crate) const BODY_LIMIT: usize = 48 * 1024 * 1024;

/// A paper sent with an application.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicationPaper {
    /// The paper's name in the procedure's list (`components` of `GET /api/v1/procedures/{code}`).
    pub component: String,
    /// The file's name as the applicant had it.
    pub file_name: String,
    /// The file, base64 (standard alphabet). PDF, JPEG or PNG, sniffed by content, at most
    /// 10 MiB, as on the portal.
    pub content_base64: String,
}

/// An online application filed by a client on behalf of an applicant.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicationRequest {
    /// National procedure code; the procedure must accept online applications.
    #[schema(min_length = 1, max_length = 32)]
    pub procedure: String,
    /// Agency chosen among those settling the procedure.
    #[schema(min_length = 1, max_length = 32)]
    pub agency: String,
    /// `citizen`, `business`, `state_agency` or `other`.
    #[schema(pattern = "^ *(citizen|business|state_agency|other) *$")]
    pub applicant_kind: String,
    /// Applicant's full name or organisation, at most 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Personal ID, 12 digits (the province of registration, century and sex, year of birth and
    /// a serial number: Decree 137/2015/NĐ-CP, as the population database checks it).
    #[schema(pattern = "^ *[0-9]{12} *$")]
    pub personal_id: String,
    /// Date of birth, `YYYY-MM-DD`, agreeing with the personal ID's century and year.
    #[schema(pattern = "^ *[0-9]{4}-[0-9]{2}-[0-9]{2} *$")]
    pub birth_date: String,
    /// Phone number: a Vietnamese one, or `+` and an international one.
    #[schema(min_length = 1, max_length = 32)]
    pub phone: String,
    /// E-mail, if any.
    #[serde(default)]
    #[schema(max_length = 254)]
    pub email: String,
    /// Postal address, at most 300 characters.
    #[schema(min_length = 1, max_length = 300)]
    pub address: String,
    /// How the result goes back: `counter`, `post` or `online`.
    #[schema(pattern = "^ *(counter|post|online) *$")]
    pub return_method: String,
    /// The client's own stable reference of the applicant (letters, digits, `.`, `_`, `-`; at
    /// most 64); not personal data. The dossier's applicant becomes `api:{client}:{reference}`.
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub applicant_ref: String,
    /// The papers, one per component; every required component must be there.
    #[serde(default)]
    pub papers: Vec<ApplicationPaper>,
}

/// A dossier a client filed, as it reads it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubmittedApplication {
    /// Dossier code, for tracking and for `GET /api/v1/applications/{code}`.
    pub code: String,
    /// Status, as the domain names it.
    pub status: String,
    /// The national portal's status code.
    pub dvcqg_status: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Agency it was filed with.
    pub agency: String,
    /// Submission time, RFC 3339.
    pub submitted_at: String,
    /// Appointment: the receipt's once accepted, before that the one the receipt would carry
    /// if the dossier is accepted as filed. RFC 3339.
    pub appointment: Option<String>,
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn answer_of(
    view: &DossierView,
    procedure: &Procedure,
    data: &crate::ReferenceData,
) -> SubmittedApplication {
    let s = &view.state;
    // Decree 45/2020/NĐ-CP: an online dossier received outside office hours counts from the
    // next working day; the calendar applies it.
    let appointment = s.appointment.or_else(|| {
        data.calendar
            .appointment(view.stored.submitted_at, procedure.duration)
            .map(|t| t.assume_offset(domain::calendar::VIETNAM_OFFSET))
    });
    SubmittedApplication {
        code: view.stored.code.clone(),
        status: s.status.as_str().to_owned(),
        dvcqg_status: s.status.dvcqg_code().to_owned(),
        procedure_code: s.procedure_code.clone(),
        agency: view.stored.agency_code.clone(),
        submitted_at: rfc3339(view.stored.submitted_at),
        appointment: appointment.map(rfc3339),
    }
}

fn kind_of(text: &str) -> Option<ApplicantKind> {
    match text {
        "citizen" => Some(ApplicantKind::Citizen),
        "business" => Some(ApplicantKind::Business),
        "state_agency" => Some(ApplicantKind::StateAgency),
        "other" => Some(ApplicantKind::Other),
        _ => None,
    }
}

/// Decodes standard base64 (padding optional, whitespace ignored); `None` when malformed.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let clean: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let body = clean
        .strip_suffix(b"==")
        .or_else(|| clean.strip_suffix(b"="))
        .unwrap_or(&clean);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

fn valid_reference(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 64
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Parses the fields by the rules every door uses (`domain::applicant`, as for the portal's
/// questions); each error names its field.
fn validate(
    ui: &Ui,
    r: &ApplicationRequest,
    today: time::Date,
) -> Result<(ApplicantName, ApplicantDetails), Vec<String>> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: &str| errors.push(format!("{field}: {message}"));
    if kind_of(r.applicant_kind.trim()).is_none() {
        err("applicant_kind", ui.t("api_clients.error.applicant_kind"));
    }
    let name = ApplicantName::parse(&r.name);
    if let Err(problem) = &name {
        err("name", crate::edge::applicant::problem_message(ui, problem));
    }
    let details = ApplicantDetails::parse(
        &ApplicantForm {
            personal_id: &r.personal_id,
            birth_date: &r.birth_date,
            phone: &r.phone,
            email: &r.email,
            address: &r.address,
        },
        Intake::Online,
        today,
    );
    if let Err(problems) = &details {
        for problem in problems {
            err(
                problem.field().name(),
                crate::edge::applicant::problem_message(ui, problem),
            );
        }
    }
    let return_method = ReturnMethod::parse(r.return_method.trim());
    if return_method.is_none() {
        err("return_method", ui.t("api_clients.error.return_method"));
    }
    if !valid_reference(r.applicant_ref.trim()) {
        err("applicant_ref", ui.t("api_clients.error.applicant_ref"));
    }
    match (name, details) {
        (Ok(name), Ok(mut details)) if errors.is_empty() => {
            details.return_method = return_method;
            Ok((name, details))
        }
        _ => Err(errors),
    }
}

/// Sniffs, stores and records each paper, in the procedure's order; 422 with the paper's name
/// when one is refused, missing or not in the procedure's list.
async fn accept_papers(
    state: &AppState,
    ui: &Ui,
    procedure: &Procedure,
    papers: &[ApplicationPaper],
) -> Result<Result<Vec<NewDossierPaper>, String>, AppError> {
    let mut accepted = Vec::new();
    for p in papers {
        if !procedure.components.iter().any(|c| c.name == p.component) {
            return Ok(Err(ui.t_s("api_clients.error.unknown_paper", &p.component)));
        }
        if papers.iter().filter(|q| q.component == p.component).count() > 1 {
            return Ok(Err(ui.t_s("api_clients.error.paper_twice", &p.component)));
        }
    }
    if let Some(missing) = procedure
        .components
        .iter()
        .find(|c| c.required && !papers.iter().any(|p| p.component == c.name))
    {
        return Ok(Err(ui.t_s("api_clients.error.paper_missing", &missing.name)));
    }
    for c in &procedure.components {
        let Some(p) = papers.iter().find(|p| p.component == c.name) else {
            continue;
        };
        let Some(bytes) = base64_decode(&p.content_base64) else {
            return Ok(Err(ui.t_s("api_clients.error.base64", &p.component)));
        };
        // The same sniffing, limits and store as the portal's upload (domain::paper, ASVS
        // 5.2.1/5.2.2); the dossier's creating transaction records the content.
        match crate::edge::uploads::store_file(state, &p.file_name, bytes).await? {
            Ok(upload) => accepted.push(upload.attach_as(&c.name, PaperPurpose::Application)),
            Err(key) => return Ok(Err(format!("{}: {}", p.component, ui.t(key)))),
        }
    }
    Ok(Ok(accepted))
}

/// Submit an online dossier on behalf of an applicant (scope `submit_dossiers`).
#[utoipa::path(
    post,
    path = "/api/v1/applications",
    tag = "applications",
    security(("api_key" = [])),
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Required, at most 128 characters: a retry with the same key and body answers as the first request, with no second dossier")),
    request_body = ApplicationRequest,
    responses(
        (status = 201, description = "Filed; the dossier code and expected appointment (a retry answers the same)", body = SubmittedApplication),
        (status = 400, description = "A field is missing or wrong, or no `Idempotency-Key`; `detail` names each", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not declared `application/json`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No key, or a wrong, revoked or expired key", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks the scope `submit_dossiers`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The same key is being processed; retry", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The rules or the papers refuse it (procedure not online, agency not competent, a paper missing or of a wrong type), or the key was used with another body", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    client: ApiClient,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    if let Some(refusal) = client.missing_scope(&ui, Scope::SubmitDossiers) {
        return Ok(refusal);
    }
    let Some(idempotency) = crate::edge::idempotency::idempotency_of(
        &headers,
        format!("api:client:{}", client.id.simple()),
        &[&body],
    )
    .map_err(|e| e.refusal(&ui))?
    else {
        return Err(AppError::BadRequest(
            ui.t("api_clients.error.idempotency_key").to_owned(),
        ));
    };
    let request: ApplicationRequest = crate::edge::json_body::parse(&headers, &body, &ui)?;
    // A retry of a filed application answers as the first time before anything is checked
    // again (the papers are not stored twice, the procedure may have changed since).
    if let Some(previous) = app::dossiers::recorded_answer(&state.db, &idempotency)
        .await
        .map_err(|e| match e {
            ServiceError::KeyReused => {
                AppError::Unprocessable(ui.t("desk.error.key_reused").to_owned())
            }
            other => crate::error::AppError::from(other),
        })?
    {
        return Ok(replay(&previous));
    }
    let (name, details) = validate(&ui, &request, state.today())
        .map_err(|errors| AppError::BadRequest(errors.join(" ")))?;
    let data = state.reference.get();
    let Some(procedure) = data.procedure(request.procedure.trim()) else {
        return Err(AppError::BadRequest(format!(
            "procedure: {}",
            ui.t_s("api_clients.error.procedure", request.procedure.trim())
        )));
    };
    let papers = match accept_papers(&state, &ui, procedure, &request.papers).await? {
        Ok(papers) => papers,
        Err(detail) => return Err(AppError::Unprocessable(detail)),
    };
    let applicant_id = client.applicant_id(request.applicant_ref.trim());
    // The client files as the applicant it names: the rules let only the applicant submit
    // online, and the id ties the dossier to this client for `read_own_dossiers`.
    let actor = Actor::Applicant {
        applicant_id: applicant_id.clone(),
    };
    let application = Application {
        procedure_code: procedure.code.clone(),
        opening: Opening::Online {
            agency: request.agency.trim().to_owned(),
        },
        applicant: Applicant {
            id: applicant_id,
            kind: kind_of(request.applicant_kind.trim()).unwrap_or(ApplicantKind::Citizen),
        },
        applicant_name: name.as_str().to_owned(),
        applicant_contact: Some(app::dossiers::contact_json(&details)),
        phone: details.phone.as_ref().map(|p| p.as_str().to_owned()),
        personal_id: details.personal_id.as_ref().map(|p| p.as_str().to_owned()),
        papers,
        from_draft: None,
        // The client is the account that filed it, so "my dossiers" of a client can list it.
        account: Some(client.account()),
    };
    let answer = |view: &DossierView| IdempotentResponse {
        status: 201,
        body: serde_json::to_string(&answer_of(view, procedure, &data)).unwrap_or_default(),
    };
    let outcome = DossierService::new(&state.db, &state.vault, &data)
        .open(
            &actor,
            &application,
            OffsetDateTime::now_utc(),
            Some((&idempotency, &answer as &app::dossiers::Answer<'_>)),
        )
        .await;
    match outcome {
        Ok(Outcome::Done(view)) => {
            tracing::info!(client = %client.id, code = %view.stored.code, "dossier filed over the API");
            Ok((
                StatusCode::CREATED,
                Json(answer_of(&view, procedure, &data)),
            )
                .into_response())
        }
        Ok(Outcome::Replayed(previous)) => Ok(replay(&previous)),
        Err(ServiceError::Refused { code, .. }) => Err(AppError::Unprocessable(
            ui.t(&format!("desk.refusal.{code}")).to_owned(),
        )),
        Err(ServiceError::KeyReused) => Err(AppError::Unprocessable(
            ui.t("desk.error.key_reused").to_owned(),
        )),
        Err(ServiceError::Conflict) => {
            Err(AppError::Conflict(ui.t("desk.error.conflict").to_owned()))
        }
        Err(ServiceError::NotFound) => Err(AppError::BadRequest(format!(
            "procedure: {}",
            ui.t_s("api_clients.error.procedure", request.procedure.trim())
        ))),
        Err(e) => Err(crate::error::AppError::from(e)),
    }
}

/// The recorded answer of an earlier request with the same key.
fn replay(previous: &IdempotentResponse) -> Response {
    let status = StatusCode::from_u16(previous.status).unwrap_or(StatusCode::OK);
    (
        status,
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        previous.body.clone(),
    )
        .into_response()
}

/// Read a dossier this client filed (scope `read_own_dossiers`).
#[utoipa::path(
    get,
    path = "/api/v1/applications/{code}",
    tag = "applications",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "Dossier code")),
    responses(
        (status = 200, description = "The dossier", body = SubmittedApplication),
        (status = 401, description = "No key, or a wrong, revoked or expired key", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks the scope `read_own_dossiers`", body = crate::edge::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No dossier with this code was filed by this client", body = crate::edge::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn read(
    State(state): State<AppState>,
    ui: Ui,
    client: ApiClient,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    if let Some(refusal) = client.missing_scope(&ui, Scope::ReadOwnDossiers) {
        return Ok(refusal);
    }
    let data = state.reference.get();
    let view = DossierService::new(&state.db, &state.vault, &data)
        .get(&code)
        .await
        .map_err(crate::error::AppError::from)?;
    // Another client's dossier, or one filed at the counter, is "not found": its existence is
    // not this client's to learn (ASVS 8.2.2).
    // This route reads what the client filed, even when its key could also reach its unit's
    // dossiers: the policy must allow it and the dossier must be recorded under the client.
    let account = client.account();
    let principal = Principal::Client {
        account: &account,
        unit: client.agency_code.as_deref(),
        scopes: &client.scopes,
    };
    if !permits(&principal, &Request::ReadDossier(view.facts()))
        || view.stored.applicant_account.as_deref() != Some(account.as_str())
    {
        return Err(AppError::NotFound);
    }
    let procedure = data
        .procedure(&view.state.procedure_code)
        .ok_or(AppError::NotFound)?;
    Ok(Json(answer_of(&view, procedure, &data)).into_response())
}

#[cfg(test)]
mod tests {
    use super::base64_decode;

    #[test]
    fn base64_decodes_with_and_without_padding_and_refuses_garbage() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGVs\nbG8h").as_deref(), Some(&b"hello!"[..]));
        assert_eq!(base64_decode(""), Some(Vec::new()));
        assert_eq!(base64_decode("a"), None);
        assert_eq!(base64_decode("a*=="), None);
    }
}
