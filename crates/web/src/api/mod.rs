//! The JSON API under `/api/v1` for integration clients (the national portal, specialised
//! systems, mobile apps) and its OpenAPI document at `/api/openapi.json`. The API serves the
//! same reference snapshot and the same search as the pages, so both always agree.

mod dto;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::AppState;
use crate::edge::problem::Problem;
use crate::error::AppError;
use crate::params::{self, CatalogueQuery};
use crate::ui::Ui;
pub use dto::*;

/// Default page size of list endpoints.
const DEFAULT_PER_PAGE: usize = 20;

/// The OpenAPI description of every route under `/api/v1`.
#[allow(deprecated)] // it describes the deprecated query-string tracking too
#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        description = "Public-service portal and one-stop back office of a Vietnamese province. \
                       Error responses are RFC 9457 problem documents in the language of \
                       `Accept-Language` (vi or en; Vietnamese by default).",
        version = "1.0.0",
        license(name = "MIT")
    ),
    paths(
        list_procedures,
        get_procedure,
        list_fields,
        list_agencies,
        list_calendar_days,
        crate::tracking::api_post,
        crate::tracking::api,
        crate::desk::api::register,
        crate::desk::api::get_dossier,
        crate::desk::api::act,
        crate::api_clients::applications::submit,
        crate::api_clients::applications::read,
        crate::api_clients::webhooks::api::list,
        crate::api_clients::webhooks::api::create,
        crate::api_clients::webhooks::api::remove,
        crate::api_clients::webhooks::api::deliveries,
        crate::api_clients::webhooks::api::replay
    ),
    components(schemas(
        ProcedureList,
        ProcedureSummary,
        ProcedureDetail,
        DurationDto,
        FeeDto,
        FeeTierDto,
        ComponentDto,
        AgencyRef,
        FieldDto,
        AgencyDto,
        CalendarDayDto,
        crate::tracking::TrackedDossier,
        crate::tracking::TrackingQuery,
        crate::tracking::TrackedEvent,
        crate::desk::api::OfficerDossier,
        crate::desk::api::ActionRequest,
        crate::desk::api::CounterRegistration,
        crate::api_clients::ApplicationRequest,
        crate::api_clients::ApplicationPaper,
        crate::api_clients::SubmittedApplication,
        crate::api_clients::NewEndpoint,
        crate::api_clients::EndpointDto,
        crate::api_clients::EndpointList,
        crate::api_clients::DeliveryDto,
        crate::api_clients::DeliveryList,
        Problem
    )),
    tags((name = "catalogue", description = "Procedures, fields and agencies"),
         (name = "calendar", description = "The legal working-day calendar"),
         (name = "dossiers", description = "Dossiers: public tracking, and reading and acting for signed-in officers"),
         (name = "applications", description = "Online applications filed by API clients (specialised systems, the national portal) with an API key"),
         (name = "webhooks", description = "Dossier events POSTed to connected systems' endpoints, signed as the Standard Webhooks specification describes (webhook-id, webhook-timestamp, webhook-signature: v1 HMAC-SHA256 over id.timestamp.body with the endpoint's whsec_ secret). Body: {\"type\": \"dossier.changed\", \"timestamp\", \"data\": {\"code\", \"status\", \"dvcqg_status\", \"changes\", \"unit\", \"holder\"}}; no personal data")),
    modifiers(&ApiKeyScheme)
)]
pub struct ApiDoc;

/// Declares the `api_key` security scheme: `Authorization: Bearer <key>` with a key issued in
/// the back office or by `motcua api-key create`.
struct ApiKeyScheme;

impl utoipa::Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API key (`mck_…`) issued to the client; what it may do is the key's scopes.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Routes of the API and its document.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/procedures", get(list_procedures))
        .route("/api/v1/procedures/{code}", get(get_procedure))
        .route("/api/v1/fields", get(list_fields))
        .route("/api/v1/agencies", get(list_agencies))
        .route("/api/v1/calendar", get(list_calendar_days))
}

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// Search and filter procedures, best match first.
///
/// Free text matches the way Vietnamese is typed: with or without diacritics, in any case,
/// `d` for `đ`, `i` for `y`. An empty query lists everything the filters allow, essential
/// (Project 06) services first.
#[utoipa::path(
    get,
    path = "/api/v1/procedures",
    tag = "catalogue",
    params(ProcedureQueryDoc),
    responses(
        (status = 200, description = "Matching procedures, best first", body = ProcedureList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json")
    )
)]
async fn list_procedures(
    State(state): State<AppState>,
    ui: Ui,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<ProcedureList>, AppError> {
    let data = state.reference.get();
    let query = CatalogueQuery::parse(&pairs, &data, &ui, DEFAULT_PER_PAGE)
        .map_err(AppError::BadRequest)?;
    let found = data.search(&query.q, &query.filter);
    let total = found.len();
    let items = found
        .into_iter()
        .skip((query.page - 1).saturating_mul(query.per_page))
        .take(query.per_page)
        .map(ProcedureSummary::from)
        .collect();
    Ok(Json(ProcedureList {
        items,
        total,
        page: query.page,
        per_page: query.per_page,
    }))
}

/// One procedure with everything published about it.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{code}",
    tag = "catalogue",
    params(("code" = String, Path, description = "National procedure code, e.g. 1.000894")),
    responses(
        (status = 200, description = "The procedure", body = ProcedureDetail),
        (status = 404, description = "No procedure has this code", body = Problem, content_type = "application/problem+json")
    )
)]
async fn get_procedure(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ProcedureDetail>, AppError> {
    let data = state.reference.get();
    let p = data.procedure(&code).ok_or(AppError::NotFound)?;
    Ok(Json(ProcedureDetail::new(p, &data)))
}

/// Every field (lĩnh vực) of procedures.
#[utoipa::path(
    get,
    path = "/api/v1/fields",
    tag = "catalogue",
    responses((status = 200, description = "Fields in display order", body = [FieldDto]))
)]
async fn list_fields(State(state): State<AppState>) -> Json<Vec<FieldDto>> {
    let data = state.reference.get();
    Json(data.catalogue.fields.iter().map(FieldDto::from).collect())
}

/// The agency tree of the province.
#[utoipa::path(
    get,
    path = "/api/v1/agencies",
    tag = "catalogue",
    responses((status = 200, description = "Agencies, parents before children", body = [AgencyDto]))
)]
async fn list_agencies(State(state): State<AppState>) -> Json<Vec<AgencyDto>> {
    let data = state.reference.get();
    Json(
        data.catalogue
            .agencies
            .iter()
            .map(AgencyDto::from)
            .collect(),
    )
}

/// Days of a year that differ from "Monday to Friday is a working day".
#[utoipa::path(
    get,
    path = "/api/v1/calendar",
    tag = "calendar",
    params(("year" = Option<i32>, Query, minimum = 1900, maximum = 2200, description = "Calendar year, 1900 to 2200; the current year in Vietnam when absent")),
    responses(
        (status = 200, description = "Holidays, days off in lieu and swapped working days", body = [CalendarDayDto]),
        (status = 400, description = "The year is invalid", body = Problem, content_type = "application/problem+json")
    )
)]
async fn list_calendar_days(
    State(state): State<AppState>,
    ui: Ui,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Vec<CalendarDayDto>>, AppError> {
    let year =
        params::parse_year(&pairs, &ui, state.today().year()).map_err(AppError::BadRequest)?;
    let (first, last) = params::year_bounds(year)
        .ok_or_else(|| AppError::BadRequest(ui.t_s("query_error.year", &year.to_string())))?;
    let days = app::reports::calendar_days(&state.db, first, last).await?;
    Ok(Json(
        days.into_iter()
            .map(|(d, source)| CalendarDayDto::new(&d, source))
            .collect(),
    ))
}
