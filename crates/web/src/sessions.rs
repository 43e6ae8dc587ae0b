//! What officers' and citizens' sessions share: random tokens of which only the SHA-256 is kept,
//! cookies that JavaScript cannot read, constant-time comparison of secrets, and the timeouts
//! (OWASP ASVS 5.0, chapter 7: new token at sign-in, idle and absolute timeouts, server-side end).

use axum::http::{HeaderValue, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use time::Duration;
use uuid::Uuid;

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
