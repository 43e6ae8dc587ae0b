//! The signed-in officer of a back-office request, read from the cookie of [`OFFICERS`] with the
//! session mechanics of [`super::sessions`]: who they are, their unit and role, and what the
//! access policy lets them do. It lives at the shared edge because every back-office feature
//! (the desk, payments at the counter, reports, API clients) asks who the officer is; signing
//! in and out stay with the desk.

use app::accounts::officers::StoredOfficer;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::dossier::{Actor, OfficerRole};

use super::problem::unauthorized;
use super::sessions::{self, OFFICERS, SessionPlace, SignedIn};
use crate::AppState;
use crate::error::AppError;
use crate::ui::Ui;

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

    /// Whether the officer operates the delivery of their unit's notices (the link in the
    /// officer bar).
    pub fn may_operate_deliveries(&self) -> bool {
        self.may(&domain::access::Request::OperateDeliveries { unit: &self.unit })
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
    let Some(hash) = OFFICERS.token_hash(headers, state.secure_cookies) else {
        return Ok(None);
    };
    let found = app::sessions::officer_session(&state.db, &hash).await?;
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
                    Err(unauthorized())
                } else {
                    Err(Redirect::to("/back-office/security").into_response())
                }
            }
            Ok(Some(officer)) => Ok(officer),
            Ok(None) if parts.uri.path().starts_with("/api/") => Err(unauthorized()),
            Ok(None) => Err(OFFICERS.sign_in_redirect(&parts.uri)),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// The province's root agency: the one without a parent.
fn root_agency(state: &AppState) -> Option<String> {
    let data = state.reference.get();
    data.catalogue
        .agencies
        .iter()
        .find(|a| a.parent.is_none())
        .map(|a| a.code.clone())
}

/// Whether the officer administers the whole province. There is no province administrator role
/// yet: a unit administrator of the province's root agency (the provincial People's Committee)
/// is one.
pub(crate) fn is_province_admin(state: &AppState, officer: &Officer) -> bool {
    officer.role == OfficerRole::UnitAdmin && root_agency(state).as_deref() == Some(&officer.unit)
}
