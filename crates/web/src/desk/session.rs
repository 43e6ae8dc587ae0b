//! Officers' sign-in and sessions, on the mechanics of [`crate::sessions`] shared with
//! citizens' ([`OFFICERS`] says how they differ). A session is a random token in an HttpOnly,
//! SameSite=Strict cookie whose SHA-256 alone is stored, with an idle and an absolute timeout;
//! signing in makes a new token (no fixation), signing out deletes it on the server, and
//! disabling an officer ends their sessions at once (the session look-up joins on active
//! accounts). Every form of a session carries its CSRF token as well. An officer who enrolled an
//! authenticator app gives its current code with the password; where the configuration requires
//! it, an officer without one is kept on the enrolment page until they have one.

use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router};
use domain::dossier::{Actor, OfficerRole};
use storage::officers::StoredOfficer;

use crate::AppState;
use crate::error::AppError;
use crate::limits::{ClientAddr, minutes};
use crate::portal::render;
use crate::sessions::{self, OFFICERS, SessionPlace, SignedIn};
use crate::ui::Ui;

pub use crate::sessions::CSRF_FIELD;

/// Cookie holding the session token.
pub const SESSION_COOKIE: &str = OFFICERS.cookie;

/// The signed-in officer of a back-office request.
#[derive(Debug, Clone)]
pub struct Officer {
    /// Account id, recorded as the actor of events.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Role in the unit.
    pub role: OfficerRole,
    /// The token every form of this session must carry.
    pub csrf: String,
    /// Whether the officer has enrolled an authenticator app.
    pub second_factor: bool,
}

impl Officer {
    /// The officer as the authorisation policy knows them.
    pub fn principal(&self) -> domain::access::Principal<'_> {
        domain::access::Principal::Officer {
            id: &self.id,
            role: self.role,
            unit: &self.unit,
        }
    }

    /// Whether the policy lets this officer do `request`.
    pub fn may(&self, request: &domain::access::Request<'_>) -> bool {
        domain::access::permits(&self.principal(), request)
    }

    /// The officer as the dossier rules know them.
    pub fn actor(&self) -> Actor {
        Actor::Officer {
            officer_id: self.id.clone(),
            role: self.role,
            unit: self.unit.clone(),
        }
    }

    /// The role's name in the page's language.
    pub fn role_label(&self, ui: &Ui) -> &'static str {
        ui.t(&format!("desk.role.{}", self.role.as_str()))
    }

    /// Whether the officer manages their unit's accounts (the link in the officer bar).
    pub fn may_manage_officers(&self) -> bool {
        self.may(&domain::access::Request::ManageOfficers { unit: &self.unit })
    }

    /// Whether the officer reads the province's reports (the link in the officer bar).
    pub fn may_read_reports(&self) -> bool {
        self.may(&domain::access::Request::ReadReports)
    }

    /// Refuses a post that does not carry this session's CSRF token.
    pub fn check_csrf(&self, fields: &[(String, String)]) -> Result<(), AppError> {
        sessions::check_csrf(fields, &self.csrf)
    }
}

impl SignedIn for Officer {
    const PLACE: SessionPlace = OFFICERS;

    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn officer_of(stored: StoredOfficer, csrf: String) -> Option<Officer> {
    Some(Officer {
        role: OfficerRole::parse(&stored.role)?,
        id: stored.id,
        name: stored.full_name,
        unit: stored.agency_code,
        csrf,
        second_factor: stored.totp_secret.is_some(),
    })
}

/// Reads the session of a request: `Ok(None)` when there is none or it has expired.
async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<Officer>, AppError> {
    let Some(hash) = OFFICERS.token_hash(headers) else {
        return Ok(None);
    };
    let found = state.db.session(&hash).await?;
    let live = OFFICERS.live(&state.db, &hash, found).await?;
    Ok(live.and_then(|session| officer_of(session.officer, session.csrf_token)))
}

impl FromRequestParts<AppState> for Officer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match current(state, &parts.headers).await {
            // Where the second factor is required, an officer without one can only enrol it
            // (or sign out) until they do.
            Ok(Some(officer))
                if state.officer_second_factor_required
                    && !officer.second_factor
                    && !parts.uri.path().starts_with("/back-office/security")
                    && parts.uri.path() != "/back-office/sign-out" =>
            {
                if parts.uri.path().starts_with("/api/") {
                    Err(super::api::unauthorized())
                } else {
                    Err(Redirect::to("/back-office/security").into_response())
                }
            }
            Ok(Some(officer)) => Ok(officer),
            Ok(None) if parts.uri.path().starts_with("/api/") => Err(super::api::unauthorized()),
            Ok(None) => Err(OFFICERS.sign_in_redirect(&parts.uri)),
            Err(e) => Err(e.into_response()),
        }
    }
}

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
    ui: Ui,
    axum::extract::Query(q): axum::extract::Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    render(&SignInPage {
        ui,
        username: String::new(),
        next: safe_next(field(&q, "next")),
        error: None,
    })
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
    let client = client.key();
    let again = |error: String| {
        render(&SignInPage {
            ui: ui.clone(),
            username: username.clone(),
            next: next.clone(),
            error: Some(error),
        })
    };
    if username.is_empty() || password.is_empty() {
        return again(ui.t("desk.sign_in.error_missing").to_owned());
    }
    let limits = &state.limits;
    if let Err(wait) = limits
        .sign_in_by_account
        .check(&username)
        .and(limits.sign_in_by_client.check(&client))
    {
        return again(ui.t_n("desk.sign_in.error_limited", minutes(wait)));
    }
    let stored = state.db.officer_by_username(&username).await?;
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
        limits.sign_in_by_account.fail(&username);
        limits.sign_in_by_client.fail(&client);
        tracing::info!("officer sign-in refused");
        return again(ui.t("desk.sign_in.error_wrong").to_owned());
    };
    if let Some(secret) = &stored.totp_secret {
        if code.is_empty() {
            return again(ui.t("desk.sign_in.error_code_missing").to_owned());
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let fresh =
            match app::accounts::second_factor::opened_secret(&state.vault, &stored.id, secret)
                .and_then(|secret| app::accounts::second_factor::matching_step(&secret, &code, now))
            {
                Some(step) => state.db.use_second_factor_step(&stored.id, step).await?,
                None => false,
            };
        if !fresh {
            limits.sign_in_by_account.fail(&username);
            limits.sign_in_by_client.fail(&client);
            tracing::info!(officer = %stored.id, "officer sign-in refused: second factor");
            return again(ui.t("desk.sign_in.error_code_wrong").to_owned());
        }
    }
    limits.sign_in_by_account.clear(&username);
    tracing::info!(officer = %stored.id, "officer signed in");
    OFFICERS
        .start(&state.db, &headers, state.secure_cookies, &stored.id, &next)
        .await
}
