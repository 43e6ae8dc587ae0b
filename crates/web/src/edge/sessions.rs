//! What officers' and citizens' sessions share: random tokens of which only the SHA-256 is kept,
//! cookies that JavaScript cannot read, constant-time comparison of secrets, the timeouts
//! (OWASP ASVS 5.0, chapter 7: new token at sign-in, idle and absolute timeouts, server-side
//! end), the CSRF token of every form, reading a request's session, signing in and out. The two
//! sides differ only in data, a [`SessionPlace`] each: [`CITIZENS`] and [`OFFICERS`].

use app::accounts::citizens::CitizenSession;
use app::sessions::SessionKind;
use app::sessions::StoredSession;
use axum::Form;
use axum::extract::{FromRequestParts, State};
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::AppState;
use crate::error::AppError;
use crate::ui::{cookie, percent_encode};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Activity is written back at most this often, so reading pages does not write on every click.
pub const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A new random session token (256 bits from two v4 UUIDs' random parts).
fn new_token() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// A new random CSRF token for a session's forms.
fn new_csrf() -> String {
    Uuid::new_v4().simple().to_string()
}

/// What is stored of a token.
fn token_hash(token: &str) -> Vec<u8> {
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

/// The name a cookie goes by. Over TLS it takes the `__Host-` prefix, which browsers accept only
/// from a secure origin, with `Path=/` and no `Domain` (RFC 6265bis §4.1.3.2): a sibling
/// subdomain of the province's domain can then neither set nor overwrite it, so it cannot slip
/// its own session into a visitor's browser (login CSRF by cookie tossing).
pub fn cookie_name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// A session cookie (`max_age` 0 deletes it), named by [`cookie_name`].
pub fn session_cookie(
    name: &str,
    value: &str,
    max_age: i64,
    same_site: SameSite,
    secure: bool,
) -> String {
    let name = cookie_name(name, secure);
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

/// Name of the hidden field carrying the session's CSRF token in every form.
pub const CSRF_FIELD: &str = "csrf";

/// Refuses a post that does not carry the session's CSRF token `expected` in its
/// [`CSRF_FIELD`].
pub fn check_csrf(fields: &[(String, String)], expected: &str) -> Result<(), AppError> {
    let carried = fields
        .iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .is_some_and(|(_, v)| constant_time_eq(v.as_bytes(), expected.as_bytes()));
    if carried {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether a stored session is still live now: an expired one (absolute or idle) is deleted, and
/// activity on a live one is written back at most every [`TOUCH_EVERY`].
async fn keep_alive(
    db: &app::Db,
    kind: SessionKind,
    hash: &[u8],
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<bool, AppError> {
    let now = OffsetDateTime::now_utc();
    if now > expires_at || now - last_seen_at > IDLE_TIMEOUT {
        app::sessions::end(db, kind, hash).await?;
        return Ok(false);
    }
    if now - last_seen_at > TOUCH_EVERY {
        app::sessions::touch(db, kind, hash, now).await?;
    }
    Ok(true)
}

/// Where a session lives and what differs between the two sides: its table, its cookie, how
/// strictly the cookie is kept, and the pages around signing in and out.
#[derive(Debug, Clone, Copy)]
pub struct SessionPlace {
    /// Officer or citizen: which table.
    pub kind: SessionKind,
    /// Cookie name.
    pub cookie: &'static str,
    /// SameSite attribute.
    pub same_site: SameSite,
    /// The sign-in page a request without a session is sent to, with the address it asked for
    /// as `next`.
    pub sign_in: &'static str,
    /// The `next` of that redirect when the request's address cannot be read.
    pub home: &'static str,
    /// Where signing out leads.
    pub signed_out: &'static str,
}

/// Citizens' sessions: the cookie comes along on a top-level return from another site (an
/// identity provider, a link in a message), never on another site's posts.
pub const CITIZENS: SessionPlace = SessionPlace {
    kind: SessionKind::Citizen,
    cookie: "motcua_citizen",
    same_site: SameSite::Lax,
    sign_in: "/account/sign-in",
    home: "/account",
    signed_out: "/",
};

/// Officers' sessions: kept from every other site's requests.
pub const OFFICERS: SessionPlace = SessionPlace {
    kind: SessionKind::Officer,
    cookie: "motcua_officer",
    same_site: SameSite::Strict,
    sign_in: "/back-office/sign-in",
    home: "/back-office",
    signed_out: "/back-office/sign-in",
};

/// What the shared code reads of a stored session, whichever table it came from.
pub trait Stored {
    /// When the session was last used (the idle timeout counts from here).
    fn last_seen_at(&self) -> OffsetDateTime;
    /// When it ends, however active.
    fn expires_at(&self) -> OffsetDateTime;
}

impl Stored for StoredSession {
    fn last_seen_at(&self) -> OffsetDateTime {
        self.last_seen_at
    }
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
}

impl Stored for CitizenSession {
    fn last_seen_at(&self) -> OffsetDateTime {
        self.last_seen_at
    }
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
}

impl SessionPlace {
    /// The stored hash of the token in the request's cookie, if it carries one; the caller
    /// looks it up in its table and hands the result to [`SessionPlace::live`].
    pub fn token_hash(&self, headers: &HeaderMap, secure: bool) -> Option<Vec<u8>> {
        cookie(headers, &cookie_name(self.cookie, secure)).map(token_hash)
    }

    /// The session found under `hash`, if it is still live (see [`keep_alive`]).
    pub async fn live<S: Stored>(
        &self,
        db: &app::Db,
        hash: &[u8],
        found: Option<S>,
    ) -> Result<Option<S>, AppError> {
        let Some(session) = found else {
            return Ok(None);
        };
        let live = keep_alive(
            db,
            self.kind,
            hash,
            session.last_seen_at(),
            session.expires_at(),
        )
        .await?;
        Ok(live.then_some(session))
    }

    /// The answer to a request that needs a session and has none: the sign-in page, coming
    /// back to the address asked for.
    pub fn sign_in_redirect(&self, uri: &Uri) -> Response {
        let next = uri.path_and_query().map_or(self.home, |pq| pq.as_str());
        Redirect::to(&format!("{}?next={}", self.sign_in, percent_encode(next))).into_response()
    }

    /// The session cookie carrying `value` for `max_age` seconds (0 deletes it).
    fn cookie(&self, value: &str, max_age: i64, secure: bool) -> String {
        session_cookie(self.cookie, value, max_age, self.same_site, secure)
    }

    /// Signs in: a fresh token at every sign-in (a token planted before it is worth nothing),
    /// the request's old session deleted, and a redirect to `next` that sets the cookie.
    pub async fn start(
        &self,
        db: &app::Db,
        headers: &HeaderMap,
        secure: bool,
        owner_id: &str,
        next: &str,
    ) -> Result<Response, AppError> {
        let token = new_token();
        let now = OffsetDateTime::now_utc();
        app::sessions::create(
            db,
            self.kind,
            &token_hash(&token),
            owner_id,
            &new_csrf(),
            now,
            now + ABSOLUTE_TIMEOUT,
        )
        .await?;
        if let Some(old) = self.token_hash(headers, secure) {
            app::sessions::end(db, self.kind, &old).await?;
        }
        let mut response = Redirect::to(next).into_response();
        set_cookie(
            &mut response,
            &self.cookie(&token, ABSOLUTE_TIMEOUT.whole_seconds(), secure),
        );
        Ok(response)
    }

    /// Signs out: deletes the server session of the request's cookie and redirects to
    /// [`SessionPlace::signed_out`] with the cookie cleared.
    pub async fn end(
        &self,
        db: &app::Db,
        headers: &HeaderMap,
        secure: bool,
    ) -> Result<Response, AppError> {
        if let Some(hash) = self.token_hash(headers, secure) {
            app::sessions::end(db, self.kind, &hash).await?;
        }
        let mut response = Redirect::to(self.signed_out).into_response();
        set_cookie(&mut response, &self.cookie("", 0, secure));
        Ok(response)
    }
}

/// The signed-in user of one side (a [`super::citizen::Citizen`], a [`super::officer::Officer`]),
/// as the shared sign-out needs them.
pub trait SignedIn: FromRequestParts<AppState, Rejection = Response> + Send {
    /// The side's sessions.
    const PLACE: SessionPlace;
    /// The token every form of this session must carry.
    fn csrf(&self) -> &str;
}

/// `POST …/sign-out` of either side: refuses a post without the session's CSRF token, then
/// ends the session ([`SessionPlace::end`]).
pub async fn sign_out<U: SignedIn>(
    State(state): State<AppState>,
    user: U,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    check_csrf(&fields, user.csrf())?;
    U::PLACE
        .end(&state.db, &headers, state.secure_cookies)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A post of one field.
    fn post(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.to_owned(), value.to_owned())]
    }

    #[test]
    fn each_side_s_cookie_differs_only_in_its_name_and_same_site() {
        assert_eq!(
            CITIZENS.cookie("t0k", ABSOLUTE_TIMEOUT.whole_seconds(), false),
            "motcua_citizen=t0k; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            OFFICERS.cookie("t0k", ABSOLUTE_TIMEOUT.whole_seconds(), true),
            "__Host-motcua_officer=t0k; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure"
        );
        assert_eq!(
            OFFICERS.cookie("", 0, false),
            "motcua_officer=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
        );
    }

    #[test]
    fn a_post_passes_only_with_the_session_s_csrf_token() {
        assert!(check_csrf(&post("csrf", "abc"), "abc").is_ok());
        assert!(check_csrf(&post("csrf", "abd"), "abc").is_err());
        assert!(check_csrf(&post("csrf", "ab"), "abc").is_err());
        assert!(check_csrf(&post("other", "abc"), "abc").is_err());
    }

    #[test]
    fn a_request_without_a_session_goes_to_its_side_s_sign_in_and_back() {
        let location = |place: SessionPlace, uri: &str| {
            let response = place.sign_in_redirect(&uri.parse().expect("a URI"));
            response.headers()[header::LOCATION]
                .to_str()
                .expect("ASCII")
                .to_owned()
        };
        assert_eq!(
            location(CITIZENS, "/account/papers?x=1"),
            format!(
                "/account/sign-in?next={}",
                percent_encode("/account/papers?x=1")
            )
        );
        assert_eq!(
            location(OFFICERS, "/back-office/inbox"),
            format!(
                "/back-office/sign-in?next={}",
                percent_encode("/back-office/inbox")
            )
        );
    }

    #[test]
    fn session_tokens_are_fresh_and_stored_only_as_their_hash() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 32);
        assert_ne!(token_hash(&a), a.as_bytes());
    }
}
