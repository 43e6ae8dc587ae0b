//! Signing in through the province's identity provider (đăng nhập một lần qua VNeID hoặc tài
//! khoản Cổng Dịch vụ công quốc gia): the authorization code flow with PKCE, the attempt kept in
//! a short-lived cookie bound to this browser. The first sign-on creates an account linked to
//! the provider's subject; an existing password account is never linked by e-mail or phone,
//! since a provider's verified e-mail is not proof of owning an account here.

use std::sync::Arc;

use app::accounts::citizens::{self, SignOn, StoredCitizen};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use integrations::oidc::{Attempt, Identity, OidcClient};

use super::sign_in::{field, refused, safe_next, start_session};
use crate::AppState;
use crate::edge::sessions::{SameSite, session_cookie, set_cookie};
use crate::error::AppError;
use crate::limits::{ClientAddr, Side, minutes};
use crate::ui::{Ui, cookie};

/// Cookie holding the attempt while the browser is at the provider.
const ATTEMPT_COOKIE: &str = "motcua_sso";
/// How long a citizen may take at the provider.
const ATTEMPT_SECONDS: i64 = 600;

/// The identity provider citizens may sign in with.
#[derive(Debug, Clone)]
pub struct SingleSignOn {
    /// The relying party.
    pub client: Arc<OidcClient>,
    /// The provider's name on the button ("VNeID").
    pub name: String,
}

fn attempt_cookie(value: &str, max_age: i64, secure: bool) -> String {
    // Lax: the cookie must come along on the provider's top-level redirect back.
    session_cookie(ATTEMPT_COOKIE, value, max_age, SameSite::Lax, secure)
}

/// Sends the browser to the provider with a fresh attempt.
pub async fn start(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let Some(sso) = &state.sso else {
        return Err(AppError::NotFound);
    };
    let next = safe_next(field(&q, "next"));
    let attempt = Attempt::new();
    let url = match sso.client.authorization_url(&attempt).await {
        Ok(url) => url,
        Err(e) => {
            tracing::warn!(error = %e, "identity provider unavailable");
            return refused(
                &state,
                ui.clone(),
                StatusCode::BAD_GATEWAY,
                ui.t_s("account.sso.unavailable", &sso.name),
                &next,
            );
        }
    };
    let mut response = Redirect::to(&url).into_response();
    let value = format!("{}~{}", attempt.to_cookie(), hex::encode(next.as_bytes()));
    set_cookie(
        &mut response,
        &attempt_cookie(&value, ATTEMPT_SECONDS, state.secure_cookies),
    );
    Ok(response)
}

fn read_attempt(headers: &HeaderMap, secure: bool) -> Option<(Attempt, String)> {
    let name = crate::edge::sessions::cookie_name(ATTEMPT_COOKIE, secure);
    let (attempt, next) = cookie(headers, &name)?.split_once('~')?;
    let next = String::from_utf8(hex::decode(next).ok()?).ok()?;
    Some((Attempt::from_cookie(attempt)?, safe_next(&next)))
}

/// The provider's answer: redeems the code, then signs the linked account in (creating it the
/// first time).
pub async fn callback(
    State(state): State<AppState>,
    ui: Ui,
    client: ClientAddr,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let Some(sso) = state.sso.clone() else {
        return Err(AppError::NotFound);
    };
    let provider = sso.name.as_str();
    let attempt = read_attempt(&headers, state.secure_cookies);
    let next = attempt
        .as_ref()
        .map_or_else(|| "/account".to_owned(), |(_, n)| n.clone());
    // Whatever happens next, this attempt is spent.
    let fail = |status: StatusCode, message: String| -> Result<Response, AppError> {
        let mut response = refused(&state, ui.clone(), status, message, &next)?;
        set_cookie(&mut response, &attempt_cookie("", 0, state.secure_cookies));
        Ok(response)
    };
    if let Err(wait) = state.limits.client_allowed(Side::Citizen, &client) {
        return fail(
            StatusCode::TOO_MANY_REQUESTS,
            ui.t_n("account.error.limited", minutes(wait)),
        );
    }
    if let Some(error) = q.iter().find(|(k, _)| k == "error").map(|(_, v)| v) {
        tracing::info!(error = %error, "identity provider returned an error");
        let key = if error == "access_denied" {
            "account.sso.cancelled"
        } else {
            "account.sso.provider_error"
        };
        return fail(StatusCode::BAD_REQUEST, ui.t_s(key, provider));
    }
    let (Some((attempt, _)), code) = (attempt, field(&q, "code")) else {
        return fail(
            StatusCode::BAD_REQUEST,
            ui.t_s("account.sso.expired", provider),
        );
    };
    if code.is_empty() || !attempt.state_matches(field(&q, "state")) {
        state.limits.client_failed(Side::Citizen, &client);
        tracing::warn!("single sign-on answer does not belong to this browser's attempt");
        return fail(
            StatusCode::BAD_REQUEST,
            ui.t_s("account.sso.expired", provider),
        );
    }
    let identity = match sso.client.finish(code, &attempt).await {
        Ok(identity) => identity,
        Err(e) => {
            state.limits.client_failed(Side::Citizen, &client);
            tracing::warn!(error = %e, "single sign-on refused");
            return fail(
                StatusCode::BAD_GATEWAY,
                ui.t_s("account.sso.provider_error", provider),
            );
        }
    };
    let citizen = match linked_account(&state, &identity).await? {
        Some(c) if c.disabled_at.is_some() => {
            return fail(
                StatusCode::FORBIDDEN,
                ui.t("account.sso.disabled").to_owned(),
            );
        }
        Some(c) => c.id,
        None => create_account(&state, &identity).await?,
    };
    tracing::info!(citizen = %citizen, "citizen signed in through the identity provider");
    let mut response = start_session(&state, &headers, &citizen, &next).await?;
    set_cookie(&mut response, &attempt_cookie("", 0, state.secure_cookies));
    Ok(response)
}

async fn linked_account(
    state: &AppState,
    identity: &Identity,
) -> Result<Option<StoredCitizen>, AppError> {
    Ok(citizens::linked(&state.db, &identity.issuer, &identity.subject).await?)
}

/// Creates the account of a first sign-on (`app::accounts::citizens::create_from_sign_on`).
async fn create_account(state: &AppState, identity: &Identity) -> Result<String, AppError> {
    let sign_on = SignOn {
        issuer: &identity.issuer,
        subject: &identity.subject,
        name: identity.name.as_deref(),
        verified_email: identity.verified_email.as_deref(),
        verified_phone: identity.verified_phone.as_deref(),
    };
    Ok(citizens::create_from_sign_on(&state.db, &sign_on).await?)
}
