//! The signed-in citizen of a request, read from the cookie of [`CITIZENS`] with the session
//! mechanics of [`super::sessions`]. It lives at the shared edge because more than the account
//! pages ask who the citizen is: pages that need an account take [`Citizen`] (a visitor without
//! one is sent to sign in); pages open to everyone that behave differently for an account
//! holder (applying, paying) take [`Viewer`].

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::access::{Principal, Request, permits};

use super::sessions::{self, CITIZENS, SessionPlace, SignedIn};
use crate::AppState;
use crate::error::AppError;

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
        sessions::check_csrf(fields, &self.csrf)
    }
}

impl SignedIn for Citizen {
    const PLACE: SessionPlace = CITIZENS;

    fn csrf(&self) -> &str {
        &self.csrf
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
async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<Citizen>, AppError> {
    let Some(hash) = CITIZENS.token_hash(headers, state.secure_cookies) else {
        return Ok(None);
    };
    let found = app::accounts::citizens::session(&state.db, &hash).await?;
    let Some(session) = CITIZENS.live(&state.db, &hash, found).await? else {
        return Ok(None);
    };
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
            Ok(None) => Err(CITIZENS.sign_in_redirect(&parts.uri)),
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
