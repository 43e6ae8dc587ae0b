//! The back-office page where unit administrators register their unit's API clients, issue keys
//! (shown once), see each key's prefix, scopes and last use, and revoke keys. There is no
//! province administrator role yet: a unit administrator of the province's root agency (the
//! agency without a parent, the provincial People's Committee) manages every client, including
//! province-wide ones. Every form carries the session's CSRF token (ASVS 3.5.1).

use app::api_keys::{self, CreateError, StoredApiClient};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{Principal, Request, Scope, parse_scopes, permits};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::edge::officer::{Officer, is_province_admin};
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;

/// One key in the list.
struct KeyRow {
    prefix: String,
    scopes: String,
    created: String,
    last_used: String,
    revoked: bool,
}

/// One client with its keys.
struct ClientRow {
    id: String,
    name: String,
    unit: String,
    revoked: bool,
    keys: Vec<KeyRow>,
}

#[derive(Template)]
#[template(path = "desk/api_clients.html")]
struct ClientsPage {
    ui: Ui,
    officer: Officer,
    clients: Vec<ClientRow>,
    scopes: Vec<&'static str>,
    /// A key just issued, shown this once.
    new_key: Option<String>,
    /// A refused form: the id of the field to fix and the message.
    error: Option<(String, String)>,
}

/// May the officer manage clients of `unit` (`None`: a province-wide client)?
fn may_manage(state: &AppState, officer: &Officer, unit: Option<&str>) -> bool {
    is_province_admin(state, officer)
        || unit.is_some_and(|u| {
            permits(
                &Principal::Officer {
                    id: &officer.id,
                    role: officer.role,
                    unit: &officer.unit,
                },
                &Request::ManageApiClients { unit: u },
            )
        })
}

pub(crate) fn when(ui: &Ui, t: Option<OffsetDateTime>) -> String {
    match t.map(|t| t.to_offset(domain::calendar::VIETNAM_OFFSET)) {
        Some(t) if ui.is_en() => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Some(t) => format!(
            "{:02}:{:02} {:02}/{:02}/{:04}",
            t.hour(),
            t.minute(),
            t.day(),
            u8::from(t.month()),
            t.year()
        ),
        None => ui.t("api_clients.admin.never").to_owned(),
    }
}

async fn page_with(
    state: &AppState,
    ui: Ui,
    officer: Officer,
    new_key: Option<String>,
    error: Option<(String, String)>,
) -> Result<Response, AppError> {
    if !may_manage(state, &officer, Some(&officer.unit)) {
        return Err(AppError::Forbidden);
    }
    let units = [officer.unit.clone()];
    let every_unit = is_province_admin(state, &officer);
    let listed =
        api_keys::clients_with_keys(&state.db, (!every_unit).then_some(&units[..])).await?;
    let mut clients = Vec::new();
    for (c, keys) in listed {
        let keys = keys
            .into_iter()
            .map(|k| KeyRow {
                prefix: k.prefix,
                scopes: k.scopes.replace(',', ", "),
                created: when(&ui, Some(k.created_at)),
                last_used: when(&ui, k.last_used_at),
                revoked: k.revoked_at.is_some(),
            })
            .collect();
        clients.push(ClientRow {
            id: c.id.simple().to_string(),
            name: c.name,
            unit: c.agency_code.unwrap_or_default(),
            revoked: c.revoked_at.is_some(),
            keys,
        });
    }
    let refused = error.is_some();
    let mut response = render(&ClientsPage {
        scopes: Scope::ISSUABLE.iter().map(|s| s.as_str()).collect(),
        ui,
        officer,
        clients,
        new_key,
        error,
    })?;
    if refused {
        *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(response)
}

/// The list of clients and keys.
pub(crate) async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
) -> Result<Response, AppError> {
    page_with(&state, ui, officer, None, None).await
}

pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// Registers a client of the officer's unit.
pub(crate) async fn create(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    if !may_manage(&state, &officer, Some(&officer.unit)) {
        return Err(AppError::Forbidden);
    }
    match api_keys::register_client(
        &state.db,
        field(&fields, "name"),
        &officer.unit,
        &officer.id,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/back-office/api-clients").into_response()),
        Err(CreateError::NoName) => {
            let error = (
                "client-name".to_owned(),
                ui.t("api_clients.admin.error_name").to_owned(),
            );
            page_with(&state, ui, officer, None, Some(error)).await
        }
        Err(CreateError::Storage(e)) => Err(e.into()),
        Err(e @ (CreateError::Scope(_) | CreateError::NoScope | CreateError::NotIssuable(_))) => {
            Err(AppError::Internal(e.to_string()))
        }
    }
}

/// The client of `id` if the officer may manage it; "not found" otherwise.
pub(crate) async fn managed(
    state: &AppState,
    officer: &Officer,
    id: &str,
) -> Result<StoredApiClient, AppError> {
    let id = Uuid::try_parse(id).map_err(|_| AppError::NotFound)?;
    let client = api_keys::client(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_manage(state, officer, client.agency_code.as_deref()) {
        Ok(client)
    } else {
        Err(AppError::NotFound)
    }
}

/// Issues a key and shows it once.
pub(crate) async fn issue(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let client = managed(&state, &officer, &id).await?;
    if client.revoked_at.is_some() {
        return Err(AppError::NotFound);
    }
    let chosen: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.as_str())
        .collect();
    let Some(scopes) = parse_scopes(&chosen.join(","))
        .ok()
        .filter(|s| !s.is_empty() && s.iter().all(|scope| scope.issuable()))
    else {
        let first = Scope::ISSUABLE.first().map_or("", |s| s.as_str());
        let error = (
            format!("scope-{}-{first}", client.id.simple()),
            ui.t("api_clients.admin.error_scopes").to_owned(),
        );
        return page_with(&state, ui, officer, None, Some(error)).await;
    };
    let issued = app::api_keys::issue(&state.db, client.id, &scopes, None).await?;
    tracing::info!(officer = %officer.id, client = %client.id, key = %issued.prefix, "API key issued");
    // The key is in this answer only; the page is not cached (no-store) so it is not kept either.
    let response = page_with(&state, ui, officer, Some(issued.key), None).await?;
    Ok(crate::edge::render::no_store(response))
}

/// Revokes a key of a client.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    officer: Officer,
    Path((id, prefix)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let client = managed(&state, &officer, &id).await?;
    api_keys::revoke(&state.db, client.id, &prefix, &officer.id).await?;
    // The next request with it is refused, not only after the remembered keys expire.
    state.verified_keys.forget_all();
    Ok(Redirect::to("/back-office/api-clients").into_response())
}
