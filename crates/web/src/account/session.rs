//! The signed-in citizen of a request, read from the `motcua_citizen` cookie. Pages that need an
//! account take [`Citizen`] (a visitor without one is sent to sign in); pages open to everyone
//! that behave differently for an account holder take [`Viewer`].

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{Principal, Request, permits};
use storage::sessions::SessionKind;

use crate::AppState;
use crate::error::AppError;
use crate::sessions::{csrf_matches, keep_alive, token_hash};
use crate::ui::{cookie, percent_encode};

/// Cookie holding a citizen's session token.
pub const CITIZEN_COOKIE: &str = "motcua_citizen";

/// A signed-in citizen.
#[derive(Debug, Clone)]
pub struct Citizen {
    /// Account id (`citizen:…`), recorded as the applicant of their dossiers.
    pub id: String,
    /// Full name.
    pub name: String,
    /// E-mail, if given.
    pub email: Option<String>,
    /// Phone, if given.
    pub phone: Option<String>,
    /// The token every form of this session must carry.
    pub csrf: String,
}

impl Citizen {
    /// Whether the policy lets this citizen do `request`.
    pub fn may(&self, request: &Request<'_>) -> bool {
        permits(&Principal::Citizen { account: &self.id }, request)
    }

    /// Refuses a post that does not carry this session's CSRF token.
    pub fn check_csrf(&self, fields: &[(String, String)]) -> Result<(), AppError> {
        if csrf_matches(fields, &self.csrf) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The visitor of a page open to everyone: a signed-in citizen or nobody in particular.
#[derive(Debug, Clone, Default)]
pub struct Viewer(pub Option<Citizen>);

impl Viewer {
    /// The account id, when signed in.
    pub fn account(&self) -> Option<&str> {
        self.0.as_ref().map(|c| c.id.as_str())
    }

    /// Whether the policy lets this visitor do `request`.
    pub fn may(&self, request: &Request<'_>) -> bool {
        let principal = match self.account() {
            Some(account) => Principal::Citizen { account },
            None => Principal::Anonymous,
        };
        permits(&principal, request)
    }
}

/// Reads the session: `Ok(None)` when there is none or it has expired.
pub(super) async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Citizen>, AppError> {
    let Some(token) = cookie(headers, CITIZEN_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let Some(session) = state.db.citizen_session(&hash).await? else {
        return Ok(None);
    };
    if !keep_alive(
        &state.db,
        SessionKind::Citizen,
        &hash,
        session.last_seen_at,
        session.expires_at,
    )
    .await?
    {
        return Ok(None);
    }
    let c = session.citizen;
    Ok(Some(Citizen {
        id: c.id,
        name: c.full_name,
        email: c.email,
        phone: c.phone,
        csrf: session.csrf_token,
    }))
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match current(state, &parts.headers).await {
            Ok(Some(citizen)) => Ok(citizen),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or("/account", |pq| pq.as_str());
                Err(
                    Redirect::to(&format!("/account/sign-in?next={}", percent_encode(next)))
                        .into_response(),
                )
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        current(state, &parts.headers)
            .await
            .map(Viewer)
            .map_err(IntoResponse::into_response)
    }
}
