//! Officers' sign-in and sessions, on the mechanics of [`crate::edge::sessions`] shared with
//! citizens' ([`OFFICERS`] says how they differ). A session is a random token in an HttpOnly,
//! SameSite=Strict cookie whose SHA-256 alone is stored, with an idle and an absolute timeout;
//! signing in makes a new token (no fixation), signing out deletes it on the server, and
//! disabling an officer ends their sessions at once (the session look-up joins on active
//! accounts). Every form of a session carries its CSRF token as well. An officer who enrolled an
//! authenticator app gives its current code with the password; where the configuration requires
//! it, an officer without one is kept on the enrolment page until they have one.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Form, Router};

use crate::AppState;
use crate::edge::form_token::{self, FormToken};
use crate::edge::officer::Officer;
use crate::edge::render::render;
use crate::edge::sessions::{self, OFFICERS};
use crate::error::AppError;
use crate::limits::{ClientAddr, Side, minutes};
use crate::ui::Ui;

pub use crate::edge::sessions::CSRF_FIELD;

/// Cookie holding the session token.
pub const SESSION_COOKIE: &str = OFFICERS.cookie;

/// Routes of signing in and out.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/back-office/sign-in",
            axum::routing::get(sign_in_page).post(sign_in),
        )
        .route(
            "/back-office/sign-out",
            axum::routing::post(sessions::sign_out::<Officer>),
        )
}

#[derive(askama::Template)]
#[template(path = "desk/sign_in.html")]
struct SignInPage {
    ui: Ui,
    username: String,
    next: String,
    error: Option<String>,
    /// The form's token (`edge::form_token`).
    csrf: String,
}

/// Where to go after signing in: a back-office page, nothing else.
fn safe_next(next: &str) -> String {
    if next.starts_with("/back-office")
        && !next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        next.to_owned()
    } else {
        "/back-office/inbox".to_owned()
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

async fn sign_in_page(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let token = FormToken::for_page(&headers, state.secure_cookies);
    let mut response = render(&SignInPage {
        ui,
        username: String::new(),
        next: safe_next(field(&q, "next")),
        error: None,
        csrf: token.value.clone(),
    })?;
    token.attach(&mut response);
    Ok(response)
}

async fn sign_in(
    State(state): State<AppState>,
    ui: Ui,
    client: ClientAddr,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let username = field(&fields, "username").trim().to_lowercase();
    let password = field(&fields, "password").to_owned();
    let code = field(&fields, "code").trim().to_owned();
    let next = safe_next(field(&fields, "next"));
    let (carried, token) = form_token::for_post(&headers, &fields, state.secure_cookies);
    // The page again, with the status a program can tell refusals by.
    let again = |status: StatusCode, error: String| -> Result<Response, AppError> {
        let mut response = render(&SignInPage {
            ui: ui.clone(),
            username: username.clone(),
            next: next.clone(),
            error: Some(error),
            csrf: token.value.clone(),
        })?;
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
    if username.is_empty() || password.is_empty() {
        return again(
            StatusCode::BAD_REQUEST,
            ui.t("desk.sign_in.error_missing").to_owned(),
        );
    }
    let limits = &state.limits;
    if let Err(wait) = limits.sign_in_allowed(Side::Officer, &username, &client) {
        let response = again(
            StatusCode::TOO_MANY_REQUESTS,
            ui.t_n("desk.sign_in.error_limited", minutes(wait)),
        )?;
        return Ok(crate::edge::render::retry_after(response, wait));
    }
    let stored = app::accounts::officers::by_username(&state.db, &username).await?;
    let verified = match &stored {
        Some(o) if o.disabled_at.is_none() => {
            app::accounts::officers::verify_password(&password, &o.password_hash).await
        }
        // Hash anyway, so a missing account takes as long as a wrong password.
        _ => {
            app::accounts::officers::verify_against_nothing(&password).await;
            false
        }
    };
    let Some(stored) = stored.filter(|_| verified) else {
        limits.sign_in_failed(Side::Officer, &username, &client);
        tracing::info!("officer sign-in refused");
        return again(
            StatusCode::UNAUTHORIZED,
            ui.t("desk.sign_in.error_wrong").to_owned(),
        );
    };
    if let Some(secret) = &stored.totp_secret {
        if code.is_empty() {
            return again(
                StatusCode::UNAUTHORIZED,
                ui.t("desk.sign_in.error_code_missing").to_owned(),
            );
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let fresh = app::accounts::second_factor::spend_code(
            &state.db,
            &state.vault,
            &stored.id,
            secret,
            &code,
            now,
        )
        .await?;
        if !fresh {
            limits.sign_in_failed(Side::Officer, &username, &client);
            tracing::info!(officer = %stored.id, "officer sign-in refused: second factor");
            return again(
                StatusCode::UNAUTHORIZED,
                ui.t("desk.sign_in.error_code_wrong").to_owned(),
            );
        }
    }
    limits.sign_in_succeeded(Side::Officer, &username, &client);
    tracing::info!(officer = %stored.id, "officer signed in");
    OFFICERS
        .start(&state.db, &headers, state.secure_cookies, &stored.id, &next)
        .await
}
