//! The unit administrator's page of officer accounts (quản trị tài khoản cán bộ): create an
//! account with a role in the unit, change its role, disable it (its sessions end at once) or
//! enable it again, issue a new temporary password, and remove a lost authenticator app. The
//! administrator of the province's root agency manages every unit's accounts. New and reset
//! passwords are generated, shown once and never stored in clear; administrators cannot lock
//! themselves out by disabling or demoting their own account.

use app::accounts::officers::StoredOfficer;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Request;
use domain::dossier::OfficerRole;

use super::field;
use crate::AppState;
use crate::edge::officer::Officer;
use crate::edge::officer::is_province_admin;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;
use app::ServiceError;
use app::accounts::administration::{self, AccountChange};
use app::accounts::officers::{AccountError, NewAccount, create_officer_account, valid_username};

/// One account in the list.
struct OfficerRow {
    id: String,
    name: String,
    unit_name: String,
    role: OfficerRole,
    second_factor: bool,
    disabled: bool,
    is_self: bool,
}

/// A password just issued, shown this once.
struct Issued {
    username: String,
    password: String,
}

#[derive(Template)]
#[template(path = "desk/officers.html")]
struct OfficersPage {
    ui: Ui,
    officer: Officer,
    rows: Vec<OfficerRow>,
    roles: Vec<OfficerRole>,
    /// Units the administrator may create accounts in: (code, name).
    units: Vec<(String, String)>,
    issued: Option<Issued>,
    /// Errors of the creation form: (field, message).
    errors: Vec<(&'static str, String)>,
    /// What was typed into the creation form.
    typed: NewForm,
}

impl OfficersPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn role_label(&self, role: &OfficerRole) -> &'static str {
        self.ui.t(&format!("desk.role.{}", role.as_str()))
    }
}

#[derive(Default)]
struct NewForm {
    username: String,
    full_name: String,
    unit: String,
    role: String,
}

fn manages_all(state: &AppState, officer: &Officer) -> bool {
    is_province_admin(state, officer)
}

fn may_manage(state: &AppState, officer: &Officer, unit: &str) -> bool {
    manages_all(state, officer) || officer.may(&Request::ManageOfficers { unit })
}

fn unit_name(state: &AppState, code: &str) -> String {
    state
        .reference
        .get()
        .catalogue
        .agencies
        .iter()
        .find(|a| a.code == code)
        .map_or_else(|| code.to_owned(), |a| a.name.clone())
}

async fn page_with(
    state: &AppState,
    ui: Ui,
    officer: Officer,
    issued: Option<Issued>,
    errors: Vec<(&'static str, String)>,
    typed: NewForm,
) -> Result<Response, AppError> {
    if !may_manage(state, &officer, &officer.unit) {
        return Err(AppError::Forbidden);
    }
    let all = manages_all(state, &officer);
    let stored =
        app::accounts::officers::directory(&state.db, (!all).then_some(officer.unit.as_str()))
            .await?;
    let rows = stored
        .into_iter()
        .filter_map(|o| {
            Some(OfficerRow {
                role: OfficerRole::parse(&o.role)?,
                unit_name: unit_name(state, &o.agency_code),
                is_self: o.id == officer.id,
                second_factor: o.totp_secret.is_some(),
                disabled: o.disabled_at.is_some(),
                name: o.full_name,
                id: o.id,
            })
        })
        .collect();
    let units = if all {
        state
            .reference
            .get()
            .catalogue
            .agencies
            .iter()
            .map(|a| (a.code.clone(), a.name.clone()))
            .collect()
    } else {
        vec![(officer.unit.clone(), unit_name(state, &officer.unit))]
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let has_secret = issued.is_some();
    let mut response = render(&OfficersPage {
        ui,
        officer,
        rows,
        roles: OfficerRole::ALL.to_vec(),
        units,
        issued,
        errors,
        typed,
    })?;
    *response.status_mut() = status;
    Ok(if has_secret {
        crate::edge::render::no_store(response)
    } else {
        response
    })
}

/// The list and the creation form.
pub(crate) async fn page(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
) -> Result<Response, AppError> {
    page_with(&state, ui, officer, None, Vec::new(), NewForm::default()).await
}

/// Creates an account and shows its temporary password once.
pub(crate) async fn create(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    if !may_manage(&state, &officer, &officer.unit) {
        return Err(AppError::Forbidden);
    }
    let typed = NewForm {
        username: field(&fields, "username").to_lowercase(),
        full_name: field(&fields, "full_name").to_owned(),
        unit: field(&fields, "unit").to_owned(),
        role: field(&fields, "role").to_owned(),
    };
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    if !valid_username(&typed.username) {
        errors.push(("username", ui.t("desk.officers.error_username").to_owned()));
    }
    if typed.full_name.is_empty() || typed.full_name.chars().count() > 200 {
        errors.push(("full_name", ui.t("desk.officers.error_name").to_owned()));
    }
    let unit_known = state
        .reference
        .get()
        .catalogue
        .agencies
        .iter()
        .any(|a| a.code == typed.unit);
    if !unit_known || !may_manage(&state, &officer, &typed.unit) {
        errors.push(("unit", ui.t("desk.officers.error_unit").to_owned()));
    }
    let role = OfficerRole::parse(&typed.role);
    if role.is_none() {
        errors.push(("role", ui.t("desk.officers.error_role").to_owned()));
    }
    let (Some(role), true) = (role, errors.is_empty()) else {
        return page_with(&state, ui, officer, None, errors, typed).await;
    };
    let created = create_officer_account(
        &state.db,
        &NewAccount {
            username: &typed.username,
            full_name: &typed.full_name,
            agency_code: &typed.unit,
            role,
        },
    )
    .await;
    let password = match created {
        Ok(password) => password,
        Err(AccountError::Taken) => {
            let errors = vec![("username", ui.t("desk.officers.error_taken").to_owned())];
            return page_with(&state, ui, officer, None, errors, typed).await;
        }
        Err(AccountError::Failed(e)) => return Err(e.into()),
    };
    tracing::info!(admin = %officer.id, officer = %typed.username, role = role.as_str(), "officer account created");
    let issued = Issued {
        username: typed.username,
        password,
    };
    page_with(
        &state,
        ui,
        officer,
        Some(issued),
        Vec::new(),
        NewForm::default(),
    )
    .await
}

/// The account of `id` if the administrator manages its unit; "not found" otherwise, so other
/// units' accounts are not even confirmed to exist.
async fn managed(state: &AppState, admin: &Officer, id: &str) -> Result<StoredOfficer, AppError> {
    let stored = app::accounts::officers::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_manage(state, admin, &stored.agency_code) {
        Ok(stored)
    } else {
        Err(AppError::NotFound)
    }
}

/// A change refused on one's own account reads as the page's error; the rest as usual.
fn refusal(ui: &Ui, e: ServiceError) -> AppError {
    match e {
        ServiceError::Refused {
            code: "own_account",
            ..
        } => AppError::BadRequest(ui.t("desk.officers.error_self").to_owned()),
        other => other.into(),
    }
}

/// Makes a change to a managed account and goes back to the list.
async fn apply(
    state: &AppState,
    ui: &Ui,
    admin: &Officer,
    target: &StoredOfficer,
    change: AccountChange,
) -> Result<Response, AppError> {
    administration::change(&state.db, &admin.id, target, change)
        .await
        .map_err(|e| refusal(ui, e))?;
    Ok(back())
}

fn back() -> Response {
    Redirect::to("/back-office/officers").into_response()
}

/// Gives an account another role (its sessions end).
pub(crate) async fn change_role(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let target = managed(&state, &officer, &id).await?;
    let role = OfficerRole::parse(field(&fields, "role"))
        .ok_or_else(|| AppError::BadRequest(ui.t("desk.officers.error_role").to_owned()))?;
    apply(&state, &ui, &officer, &target, AccountChange::Role(role)).await
}

/// Disables an account; its sessions end at once.
pub(crate) async fn disable(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let target = managed(&state, &officer, &id).await?;
    apply(&state, &ui, &officer, &target, AccountChange::Disable).await
}

/// Lets a disabled account sign in again.
pub(crate) async fn enable(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let target = managed(&state, &officer, &id).await?;
    apply(&state, &ui, &officer, &target, AccountChange::Enable).await
}

/// Removes the account's authenticator app (a lost phone): the officer enrols a new one at
/// the next sign-in where the configuration requires it.
pub(crate) async fn reset_second_factor(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let target = managed(&state, &officer, &id).await?;
    apply(
        &state,
        &ui,
        &officer,
        &target,
        AccountChange::RemoveSecondFactor,
    )
    .await
}

/// Issues a new temporary password, shown once; the account's sessions end.
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    ui: Ui,
    officer: Officer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    officer.check_csrf(&fields)?;
    let target = managed(&state, &officer, &id).await?;
    let password = administration::reset_password(&state.db, &officer.id, &target)
        .await
        .map_err(|e| refusal(&ui, e))?;
    let issued = Issued {
        username: target.username,
        password,
    };
    page_with(
        &state,
        ui,
        officer,
        Some(issued),
        Vec::new(),
        NewForm::default(),
    )
    .await
}
