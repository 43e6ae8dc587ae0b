//! API clients: the province's specialised systems and the national public service portal call
//! `/api/v1` with an API key of their own instead of an officer's session. A key is 32 bytes from
//! the operating system's generator, shown once when issued and stored only as its SHA-256
//! (OWASP ASVS 5.0 V11.4.2, V13.3.1); it carries scopes (`domain::access::Scope`) and nothing
//! else grants it anything (V8.2.1); a revoked or expired key, or one of a revoked client, stops
//! at once (V9.1.2 and V13.3.4: secrets can be rotated and revoked); its last use is recorded,
//! at most once a minute so reading costs no write per request.

pub(crate) mod admin;
pub(crate) mod applications;
pub(crate) mod webhooks;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::access::{Scope, parse_scopes};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::AppState;
use crate::edge::sessions::constant_time_eq;
use crate::error::ErrorMark;
use crate::ui::Ui;

pub use applications::{ApplicationPaper, ApplicationRequest, SubmittedApplication};
pub use webhooks::api::{DeliveryDto, DeliveryList, EndpointDto, EndpointList, NewEndpoint};

/// Last use is written back at most this often (as `edge::sessions` does for sessions).
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// The client of an API request, authenticated by its key.
#[derive(Debug, Clone)]
pub struct ApiClient {
    /// The client's id.
    pub id: Uuid,
    /// Its name, for logs.
    pub name: String,
    /// The unit it acts for, if any.
    pub agency_code: Option<String>,
    /// What its key allows.
    pub scopes: Vec<Scope>,
    /// The key's prefix, for logs (never the secret).
    pub key_prefix: String,
}

/// A problem document with a detail in the caller's language.
pub(crate) fn problem(status: StatusCode, detail: String) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorMark {
        public_detail: Some(detail),
    });
    response
}

impl ApiClient {
    /// The 403 answer when the key does not carry `scope`; `None` when it does.
    pub fn missing_scope(&self, ui: &Ui, scope: Scope) -> Option<Response> {
        if self.scopes.contains(&scope) {
            None
        } else {
            // ASVS 16.3.2: failed authorisation decisions are logged.
            tracing::info!(client = %self.id, key = %self.key_prefix, scope = %scope, "API scope missing");
            Some(problem(
                StatusCode::FORBIDDEN,
                ui.t_s("api_clients.error.scope_missing", scope.as_str()),
            ))
        }
    }

    /// The applicant id of dossiers this client submits: `api:{client}:{reference}`, so the
    /// dossier names the client that filed it and the client reads back only its own.
    pub fn applicant_id(&self, reference: &str) -> String {
        format!("{}{reference}", self.applicant_prefix())
    }

    /// The account the dossiers this client files are recorded under (`dossier.applicant_account`),
    /// as `domain::access::Principal::Client` names it.
    pub fn account(&self) -> String {
        format!("api:{}", self.id.simple())
    }

    /// The prefix every applicant id of this client starts with.
    pub fn applicant_prefix(&self) -> String {
        format!("api:{}:", self.id.simple())
    }
}

fn refused(ui: &Ui) -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        ui.t("api_clients.error.key_refused").to_owned(),
    )
}

/// How long a verified key is trusted without asking the database again. A key revoked in the
/// back office is forgotten at once ([`VerifiedKeys::forget_all`]); one revoked by the command
/// line or on another server of the same database stops working within this time.
const VERIFIED_KEY_TTL: std::time::Duration = std::time::Duration::from_secs(5);
/// Most keys remembered; beyond it the key read longest ago goes first.
const VERIFIED_KEYS_KEPT: usize = 10_000;

/// Keys looked up in the last few seconds, by the SHA-256 of the key: an outside system calls
/// many times a second with the same key, and each call would otherwise cost a database query
/// before any work (docs/PERFORMANCE.md, dossier reads). Revocation, expiry and scopes are
/// still checked at every request, on the remembered row.
#[derive(Clone)]
pub struct VerifiedKeys(crate::recent::Recent<Vec<u8>, app::api_keys::KeyWithClient>);

impl Default for VerifiedKeys {
    fn default() -> Self {
        VerifiedKeys(crate::recent::Recent::new(
            VERIFIED_KEY_TTL,
            VERIFIED_KEYS_KEPT,
        ))
    }
}

impl VerifiedKeys {
    fn get(&self, hash: &[u8], now: std::time::Instant) -> Option<app::api_keys::KeyWithClient> {
        self.0.get(hash, now)
    }

    /// Remembers a key just read from the database, as read at `read`.
    fn remember(
        &self,
        hash: Vec<u8>,
        found: app::api_keys::KeyWithClient,
        read: std::time::Instant,
    ) {
        self.0.put(hash, found, read);
    }

    /// Notes the last use just recorded on a remembered key, keeping the time it was read, so
    /// a key in constant use is still read again every [`VERIFIED_KEY_TTL`].
    fn touched(&self, hash: &[u8], at: OffsetDateTime) {
        self.0
            .update(hash, |found| found.key.last_used_at = Some(at));
    }

    /// Forgets every key: after a revocation, so it applies to the next request.
    pub fn forget_all(&self) {
        self.0.clear();
    }
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ui = Ui::from_request(&parts.uri, &parts.headers);
        let Some(key) = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= 200)
        else {
            return Err(refused(&ui));
        };
        let hash = app::api_keys::hash(key);
        let read = std::time::Instant::now();
        let remembered = state.verified_keys.get(&hash, read);
        let from_database = remembered.is_none();
        let found = match remembered {
            Some(found) => Some(found),
            None => app::api_keys::key_by_hash(&state.db, &hash)
                .await
                .map_err(|e| crate::error::AppError::from(e).into_response())?,
        };
        let now = OffsetDateTime::now_utc();
        // The look-up is by hash already; comparing again in constant time keeps the decision
        // itself from depending on where two hashes differ (ASVS 11.2.4).
        let Some(found) = found.filter(|f| {
            constant_time_eq(&f.key.secret_hash, &hash)
                && f.key.revoked_at.is_none()
                && f.client.revoked_at.is_none()
                && f.key.expires_at.is_none_or(|e| now < e)
        }) else {
            // ASVS 16.3.1: failed authentication is logged, without the key.
            tracing::info!("API key refused");
            return Err(refused(&ui));
        };
        let mut found = found;
        if found
            .key
            .last_used_at
            .is_none_or(|last| now - last >= TOUCH_EVERY)
        {
            app::api_keys::note_use(&state.db, found.key.id, now, TOUCH_EVERY)
                .await
                .map_err(|e| crate::error::AppError::from(e).into_response())?;
            found.key.last_used_at = Some(now);
            if !from_database {
                state.verified_keys.touched(&hash, now);
            }
        }
        if from_database {
            state.verified_keys.remember(hash, found.clone(), read);
        }
        let scopes = parse_scopes(&found.key.scopes).map_err(|e| {
            crate::error::AppError::Internal(format!("stored scopes of a key: {e}")).into_response()
        })?;
        Ok(ApiClient {
            id: found.client.id,
            name: found.client.name,
            agency_code: found.client.agency_code,
            scopes,
            key_prefix: found.key.prefix,
        })
    }
}

/// Routes for API clients.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/applications",
            post(applications::submit).layer(axum::extract::DefaultBodyLimit::max(
                applications::BODY_LIMIT,
            )),
        )
        .route("/api/v1/applications/{code}", get(applications::read))
        .route(
            "/back-office/api-clients",
            get(admin::page).post(admin::create),
        )
        .route(
            "/api/v1/webhooks",
            get(webhooks::api::list).post(webhooks::api::create),
        )
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::delete(webhooks::api::remove),
        )
        .route(
            "/api/v1/webhooks/{id}/deliveries",
            get(webhooks::api::deliveries),
        )
        .route(
            "/api/v1/webhooks/deliveries/{id}/replay",
            post(webhooks::api::replay),
        )
        .route(
            "/back-office/api-clients/{id}/webhooks",
            get(webhooks::page::page).post(webhooks::page::add),
        )
        .route(
            "/back-office/api-clients/{id}/webhooks/{endpoint}/remove",
            post(webhooks::page::remove),
        )
        .route(
            "/back-office/api-clients/{id}/webhooks/deliveries/{delivery}/replay",
            post(webhooks::page::replay),
        )
        .route("/back-office/api-clients/{id}/keys", post(admin::issue))
        .route(
            "/back-office/api-clients/{id}/keys/{prefix}/revoke",
            post(admin::revoke),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::api_keys::{KeyWithClient, StoredApiClient, StoredApiKey};

    fn key() -> KeyWithClient {
        let at = time::macros::datetime!(2026-11-28 00:00 UTC);
        let id = uuid::Uuid::now_v7();
        KeyWithClient {
            key: StoredApiKey {
                id,
                client_id: id,
                prefix: "mck_test".into(),
                secret_hash: vec![1; 32],
                scopes: "read_own_dossiers".into(),
                created_at: at,
                expires_at: None,
                revoked_at: None,
                last_used_at: None,
            },
            client: StoredApiClient {
                id,
                name: "test".into(),
                agency_code: None,
                created_by: "test".into(),
                created_at: at,
                revoked_at: None,
            },
        }
    }

    #[test]
    fn a_remembered_key_is_read_again_after_its_time_however_often_it_is_used() {
        let kept = VerifiedKeys::default();
        let read = std::time::Instant::now();
        kept.remember(vec![1; 32], key(), read);
        let used = time::macros::datetime!(2026-11-28 01:00 UTC);
        for second in 1..5 {
            let now = read + std::time::Duration::from_secs(second);
            assert!(
                kept.get(&[1; 32], now).is_some(),
                "forgotten after {second} s"
            );
            kept.touched(&[1; 32], used);
        }
        let remembered = kept.get(&[1; 32], read).expect("remembered");
        assert_eq!(remembered.key.last_used_at, Some(used));
        assert!(
            kept.get(&[1; 32], read + VERIFIED_KEY_TTL).is_none(),
            "use kept it alive"
        );
        kept.forget_all();
        assert!(kept.get(&[1; 32], read).is_none());
    }
}
