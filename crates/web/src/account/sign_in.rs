//! Registering, signing in and signing out on the portal. Passwords are hashed with argon2id
//! (OWASP ASVS 5.0, 11.4.2) and chosen under `domain::password` (length, not guessable, no
//! composition rule). Failed sign-ins are limited as officers' are (`limits`), a name that has no
//! account takes as long to refuse as a wrong password, registrations are limited per client,
//! and both forms carry a token (`edge::form_token`) so no other site can post them.

use app::accounts::citizens::{self, RegisterError};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::contact::Login;

use crate::AppState;
use crate::edge::form_token::{self, FormToken};
use crate::edge::render::{render, retry_after};
use crate::edge::sessions::CITIZENS;
use crate::error::AppError;
use crate::limits::{ClientAddr, Side, minutes};
use crate::ui::{Ui, percent_encode};
use app::accounts::officers::{verify_against_nothing, verify_password};

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
    /// The form's token (`edge::form_token`).
    csrf: String,
}

impl SignInPage {
    fn new(
        state: &AppState,
        ui: Ui,
        login: String,
        next: String,
        error: Option<String>,
        token: &FormToken,
    ) -> Self {
        SignInPage {
            ui,
            login,
            csrf: token.value.clone(),
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
    let token = FormToken::fresh(state.secure_cookies);
    let mut response = render(&SignInPage::new(
        state,
        ui,
        String::new(),
        next.to_owned(),
        Some(message),
        &token,
    ))?;
    *response.status_mut() = status;
    token.attach(&mut response);
    Ok(response)
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    ui: Ui,
    name: String,
    login: String,
    errors: Vec<(&'static str, String)>,
    /// The form's token (`edge::form_token`).
    csrf: String,
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
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let token = FormToken::for_page(&headers, state.secure_cookies);
    let mut response = render(&SignInPage::new(
        &state,
        ui,
        String::new(),
        safe_next(field(&q, "next")),
        None,
        &token,
    ))?;
    token.attach(&mut response);
    Ok(response)
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
    let (carried, token) = form_token::for_post(&headers, &fields, state.secure_cookies);
    let again = |status: StatusCode, error: String| -> Result<Response, AppError> {
        let mut response = render(&SignInPage::new(
            &state,
            ui.clone(),
            typed.clone(),
            next.clone(),
            Some(error),
            &token,
        ))?;
        *response.status_mut() = status;
        token.attach(&mut response);
        Ok(response)
    };
    if !carried {
        return again(
            StatusCode::FORBIDDEN,
            ui.t("account.error.form_expired").to_owned(),
        );
    }
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
    if let Err(wait) = limits.sign_in_allowed(Side::Citizen, login.as_str(), &client) {
        let response = again(
            StatusCode::TOO_MANY_REQUESTS,
            ui.t_n("account.error.limited", minutes(wait)),
        )?;
        return Ok(retry_after(response, wait));
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
        limits.sign_in_failed(Side::Citizen, login.as_str(), &client);
        tracing::info!("citizen sign-in refused");
        return again(
            StatusCode::UNAUTHORIZED,
            ui.t("account.error.wrong").to_owned(),
        );
    };
    limits.sign_in_succeeded(Side::Citizen, login.as_str(), &client);
    tracing::info!(citizen = %stored.id, "citizen signed in");
    start_session(&state, &headers, &stored.id, &next).await
}

/// The registration form.
pub async fn register_page(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let token = FormToken::for_page(&headers, state.secure_cookies);
    let mut response = render(&RegisterPage {
        ui,
        name: String::new(),
        login: String::new(),
        errors: Vec::new(),
        csrf: token.value.clone(),
    })?;
    token.attach(&mut response);
    Ok(response)
}

/// Creates an account and signs it in.
pub async fn register(
    State(state): State<AppState>,
    ui: Ui,
    client: ClientAddr,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let name = field(&fields, "name").trim().to_owned();
    let typed = field(&fields, "login").trim().to_owned();
    let password = field(&fields, "password").to_owned();
    let (carried, token) = form_token::for_post(&headers, &fields, state.secure_cookies);
    let again = |name: String,
                 login: String,
                 errors: Vec<(&'static str, String)>,
                 status: StatusCode|
     -> Result<Response, AppError> {
        let mut response = render(&RegisterPage {
            ui: ui.clone(),
            name,
            login,
            errors,
            csrf: token.value.clone(),
        })?;
        *response.status_mut() = status;
        token.attach(&mut response);
        Ok(response)
    };
    if !carried {
        let errors = vec![("name", ui.t("account.error.form_expired").to_owned())];
        return again(name, typed, errors, StatusCode::FORBIDDEN);
    }
    if let Err(wait) = state.limits.registration_allowed(&client) {
        let errors = vec![(
            "login",
            ui.t_n("account.error.registrations_limited", minutes(wait)),
        )];
        let response = again(name, typed, errors, StatusCode::TOO_MANY_REQUESTS)?;
        return Ok(retry_after(response, wait));
    }
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
    if let Err(problem) = domain::password::check(&password, &[&name, &typed]) {
        errors.push((
            "password",
            ui.t(&format!("account.error.password_{}", problem.code()))
                .to_owned(),
        ));
    }
    let (Ok(login), true) = (login, errors.is_empty()) else {
        return again(name, typed, errors, StatusCode::BAD_REQUEST);
    };
    // Every attempt that reaches the accounts counts, taken or not, so that asking which phone
    // numbers have an account is as slow as making accounts.
    state.limits.registration_counted(&client);
    let id = match citizens::register(&state.db, &name, &login, password).await {
        Ok(id) => id,
        Err(RegisterError::LoginTaken) => {
            let errors = vec![("login", ui.t("account.error.login_taken").to_owned())];
            return again(name, typed, errors, StatusCode::CONFLICT);
        }
        Err(RegisterError::Service(e)) => return Err(e.into()),
    };
    start_session(&state, &headers, &id, "/account?welcome=1").await
}
