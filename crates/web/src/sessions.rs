//! What officers' and citizens' sessions share: random tokens of which only the SHA-256 is kept,
//! cookies that JavaScript cannot read, constant-time comparison of secrets, and the timeouts
//! (OWASP ASVS 5.0, chapter 7: new token at sign-in, idle and absolute timeouts, server-side end).

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use storage::sessions::SessionKind;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::error::AppError;
use crate::ui::cookie;

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Activity is written back at most this often, so reading pages does not write on every click.
pub const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A new random session token (256 bits from two v4 UUIDs' random parts).
pub fn new_token() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// A new random CSRF token for a session's forms.
pub fn new_csrf() -> String {
    Uuid::new_v4().simple().to_string()
}

/// What is stored of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Compares secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How strictly a cookie is kept to the portal's own requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// Never sent from another site: the back office.
    Strict,
    /// Sent on top-level navigation from another site (a return from the identity provider,
    /// a link in an SMS), never on another site's posts: the portal.
    Lax,
}

/// A session cookie (`max_age` 0 deletes it).
pub fn session_cookie(
    name: &str,
    value: &str,
    max_age: i64,
    same_site: SameSite,
    secure: bool,
) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite={}{}",
        match same_site {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
        },
        if secure { "; Secure" } else { "" }
    )
}

/// Adds a `Set-Cookie` header.
pub fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Whether a post carries the session's CSRF token in its `csrf` field.
pub fn csrf_matches(fields: &[(String, String)], expected: &str) -> bool {
    fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .is_some_and(|(_, v)| constant_time_eq(v.as_bytes(), expected.as_bytes()))
}

/// Whether a stored session is still live now: an expired one (absolute or idle) is deleted, and
/// activity on a live one is written back at most every [`TOUCH_EVERY`].
pub async fn keep_alive(
    db: &storage::Db,
    kind: SessionKind,
    hash: &[u8],
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<bool, AppError> {
    let now = OffsetDateTime::now_utc();
    if now > expires_at || now - last_seen_at > IDLE_TIMEOUT {
        db.delete_session(kind, hash).await?;
        return Ok(false);
    }
    if now - last_seen_at > TOUCH_EVERY {
        db.touch_session(kind, hash, now).await?;
    }
    Ok(true)
}

/// Signs out: deletes the server session of the request's cookie `cookie_name` and redirects to
/// `to` with the cookie cleared.
pub async fn end(
    db: &storage::Db,
    place: SessionPlace,
    headers: &HeaderMap,
    secure: bool,
    to: &str,
) -> Result<Response, AppError> {
    if let Some(token) = cookie(headers, place.cookie) {
        db.delete_session(place.kind, &token_hash(token)).await?;
    }
    let mut response = Redirect::to(to).into_response();
    set_cookie(
        &mut response,
        &session_cookie(place.cookie, "", 0, place.same_site, secure),
    );
    Ok(response)
}

/// Where a session lives: its table, its cookie and how strictly the cookie is kept.
#[derive(Debug, Clone, Copy)]
pub struct SessionPlace {
    /// Officer or citizen.
    pub kind: SessionKind,
    /// Cookie name.
    pub cookie: &'static str,
    /// SameSite attribute.
    pub same_site: SameSite,
}

/// Signs in: a fresh token at every sign-in (a token planted before it is worth nothing), the
/// request's old session deleted, and a redirect to `next` that sets the cookie.
pub async fn start(
    db: &storage::Db,
    place: SessionPlace,
    headers: &HeaderMap,
    secure: bool,
    owner_id: &str,
    next: &str,
) -> Result<Response, AppError> {
    let token = new_token();
    let now = OffsetDateTime::now_utc();
    db.create_session(
        place.kind,
        &token_hash(&token),
        owner_id,
        &new_csrf(),
        now,
        now + ABSOLUTE_TIMEOUT,
    )
    .await?;
    if let Some(old) = cookie(headers, place.cookie) {
        db.delete_session(place.kind, &token_hash(old)).await?;
    }
    let mut response = Redirect::to(next).into_response();
    set_cookie(
        &mut response,
        &session_cookie(
            place.cookie,
            &token,
            ABSOLUTE_TIMEOUT.whole_seconds(),
            place.same_site,
            secure,
        ),
    );
    Ok(response)
}
