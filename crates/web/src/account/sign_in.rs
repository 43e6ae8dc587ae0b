//! Registering, signing in and signing out on the portal. Passwords are hashed with argon2id
//! (OWASP ASVS 5.0, 11.4.2); at least 10 characters and at most 128 are asked, with no other
//! composition rule (ASVS 6.2.1, 6.2.5). Failed sign-ins are limited per account and per client,
//! as officers' are, and a name that has no account takes as long to refuse as a wrong password.

use app::accounts::citizens::{self, RegisterError};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::contact::Login;

use crate::AppState;
use crate::edge::render::render;
use crate::edge::sessions::CITIZENS;
use crate::error::AppError;
use crate::limits::{ClientAddr, minutes};
use crate::ui::{Ui, percent_encode};
use app::accounts::officers::{verify_against_nothing, verify_password};

/// Shortest password accepted.
const MIN_PASSWORD: usize = 10;
/// Longest password accepted.
const MAX_PASSWORD: usize = 128;

pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Where to go after signing in: a page of the portal, never another site or the back office.
pub(super) fn safe_next(next: &str) -> String {
    let allowed = ["/account", "/applications/", "/procedures", "/tracking"];
    if allowed.iter().any(|p| next.starts_with(p))
        && !next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        && !next.contains("//")
    {
        next.to_owned()
    } else {
        "/account".to_owned()
    }
}

#[derive(Template)]
#[template(path = "account/sign_in.html")]
struct SignInPage {
    ui: Ui,
    login: String,
    next: String,
    error: Option<String>,
    /// The identity provider's name, when single sign-on is configured.
    sso: Option<String>,
    /// Where its button goes.
    sso_href: String,
}

impl SignInPage {
    fn new(state: &AppState, ui: Ui, login: String, next: String, error: Option<String>) -> Self {
        SignInPage {
            ui,
            login,
            sso: state.sso.as_ref().map(|s| s.name.clone()),
            sso_href: format!("/account/sso?next={}", percent_encode(&next)),
            next,
            error,
        }
    }
}

/// The sign-in page again with `message`, for a refusal of single sign-on.
pub(super) fn refused(
    state: &AppState,
    ui: Ui,
    status: StatusCode,
    message: String,
    next: &str,
) -> Result<Response, AppError> {
    let mut response = render(&SignInPage::new(
        state,
        ui,
        String::new(),
        next.to_owned(),
        Some(message),
    ))?;
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    ui: Ui,
    name: String,
    login: String,
    errors: Vec<(&'static str, String)>,
}

impl RegisterPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The sign-in form.
pub async fn sign_in_page(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    render(&SignInPage::new(
        &state,
        ui,
        String::new(),
        safe_next(field(&q, "next")),
        None,
    ))
}

pub(super) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    account: &str,
    next: &str,
) -> Result<Response, AppError> {
    CITIZENS
        .start(&state.db, headers, state.secure_cookies, account, next)
        .await
}

/// Checks the login and password and starts a session.
pub async fn sign_in(
    State(state): State<AppState>,
    ui: Ui,
    client: ClientAddr,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let typed = field(&fields, "login").trim().to_owned();
    let password = field(&fields, "password").to_owned();
    let next = safe_next(field(&fields, "next"));
    let again = |status: StatusCode, error: String| -> Result<Response, AppError> {
        let mut response = render(&SignInPage::new(
            &state,
            ui.clone(),
            typed.clone(),
            next.clone(),
            Some(error),
        ))?;
        *response.status_mut() = status;
        Ok(response)
    };
    let login = match Login::parse(&typed) {
        Ok(login) => login,
        Err(problem) => {
            return again(
                StatusCode::BAD_REQUEST,
                ui.t(&format!("account.error.login_{}", problem.code()))
                    .to_owned(),
            );
        }
    };
    if password.is_empty() {
        return again(
            StatusCode::BAD_REQUEST,
            ui.t("account.error.password_missing").to_owned(),
        );
    }
    let limits = &state.limits;
    let account_key = format!("citizen:{}", login.as_str());
    let client_key = client.key();
    if let Err(wait) = limits
        .sign_in_by_account
        .check(&account_key)
        .and(limits.sign_in_by_client.check(&client_key))
    {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            ui.t_n("account.error.limited", minutes(wait)),
        );
    }
    let stored = citizens::by_login(&state.db, login.as_str()).await?;
    let verified = match stored
        .as_ref()
        .filter(|c| c.disabled_at.is_none())
        .and_then(|c| c.password_hash.as_deref())
    {
        Some(hash) => verify_password(&password, hash).await,
        None => {
            verify_against_nothing(&password).await;
            false
        }
    };
    let Some(stored) = stored.filter(|_| verified) else {
        limits.sign_in_by_account.fail(&account_key);
        limits.sign_in_by_client.fail(&client_key);
        tracing::info!("citizen sign-in refused");
        return again(
            StatusCode::UNAUTHORIZED,
            ui.t("account.error.wrong").to_owned(),
        );
    };
    limits.sign_in_by_account.clear(&account_key);
    tracing::info!(citizen = %stored.id, "citizen signed in");
    start_session(&state, &headers, &stored.id, &next).await
}

/// The registration form.
pub async fn register_page(ui: Ui) -> Result<Response, AppError> {
    render(&RegisterPage {
        ui,
        name: String::new(),
        login: String::new(),
        errors: Vec::new(),
    })
}

/// Creates an account and signs it in.
pub async fn register(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let name = field(&fields, "name").trim().to_owned();
    let typed = field(&fields, "login").trim().to_owned();
    let password = field(&fields, "password").to_owned();
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    if name.is_empty() {
        errors.push(("name", ui.t("account.error.name_missing").to_owned()));
    } else if name.chars().count() > 200 {
        errors.push(("name", ui.t("account.error.name_long").to_owned()));
    }
    let login = Login::parse(&typed);
    if let Err(problem) = &login {
        errors.push((
            "login",
            ui.t(&format!("account.error.login_{}", problem.code()))
                .to_owned(),
        ));
    }
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        errors.push(("password", ui.t("account.error.password_short").to_owned()));
    } else if length > MAX_PASSWORD {
        errors.push(("password", ui.t("account.error.password_long").to_owned()));
    }
    let (Ok(login), true) = (login, errors.is_empty()) else {
        let mut response = render(&RegisterPage {
            ui,
            name,
            login: typed,
            errors,
        })?;
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(response);
    };
    let id = match citizens::register(&state.db, &name, &login, password).await {
        Ok(id) => id,
        Err(RegisterError::LoginTaken) => {
            let mut response = render(&RegisterPage {
                errors: vec![("login", ui.t("account.error.login_taken").to_owned())],
                ui,
                name,
                login: typed,
            })?;
            *response.status_mut() = StatusCode::CONFLICT;
            return Ok(response);
        }
        Err(RegisterError::Service(e)) => return Err(e.into()),
    };
    start_session(&state, &headers, &id, "/account?welcome=1").await
}
