//! The token of the forms that come before any session: signing in and registering, on both
//! sides. Without one, a page elsewhere could sign a visitor into the attacker's account (login
//! CSRF), where they would then upload their papers (OWASP CSRF cheat sheet, "Login CSRF"; ASVS
//! 5.0 V3.5.1). There is no session to keep the token in yet, so it is a double-submit cookie:
//! a random value in an HttpOnly cookie (`__Host-` prefixed over TLS, so a sibling subdomain
//! cannot plant its own) and the same value in the form's hidden `csrf` field. Forms of a
//! session keep using the session's own token (`edge::sessions`).

use axum::http::HeaderMap;
use axum::response::Response;
use uuid::Uuid;

use crate::edge::sessions::{CSRF_FIELD, SameSite, constant_time_eq, session_cookie, set_cookie};
use crate::ui::cookie;

/// How long a form's token stays valid: a working day at the counter.
const MAX_AGE_SECONDS: i64 = 12 * 3600;

/// The cookie's name before `sessions::cookie_name` prefixes it over TLS.
const COOKIE: &str = "motcua_form";

fn cookie_name(secure: bool) -> String {
    crate::edge::sessions::cookie_name(COOKIE, secure)
}

/// A token is 32 lower-case hexadecimal digits; anything else in the cookie is ignored.
fn plausible(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The token a form page prints, and the cookie to set when the visitor had none.
#[derive(Debug, Clone)]
pub struct FormToken {
    /// What goes in the form's hidden field.
    pub value: String,
    new_cookie: Option<String>,
}

impl FormToken {
    /// The visitor's token, or a new one.
    pub fn for_page(headers: &HeaderMap, secure: bool) -> FormToken {
        match cookie(headers, &cookie_name(secure)).filter(|t| plausible(t)) {
            Some(token) => FormToken {
                value: token.to_owned(),
                new_cookie: None,
            },
            None => FormToken::fresh(secure),
        }
    }

    /// A new token, whatever the visitor had (after a refused post).
    pub fn fresh(secure: bool) -> FormToken {
        let value = Uuid::new_v4().simple().to_string();
        let new_cookie = Some(session_cookie(
            COOKIE,
            &value,
            MAX_AGE_SECONDS,
            SameSite::Lax,
            secure,
        ));
        FormToken { value, new_cookie }
    }

    /// Sets the cookie on the page's response when the token is new.
    pub fn attach(&self, response: &mut Response) {
        if let Some(c) = &self.new_cookie {
            set_cookie(response, c);
        }
    }
}

/// For a posted form: whether it carried the visitor's token, and the token the form shown again
/// carries (the same one, or a fresh one after a refusal, whose cookie [`FormToken::attach`] sets).
pub fn for_post(
    headers: &HeaderMap,
    fields: &[(String, String)],
    secure: bool,
) -> (bool, FormToken) {
    if carried(headers, fields, secure) {
        (true, FormToken::for_page(headers, secure))
    } else {
        (false, FormToken::fresh(secure))
    }
}

/// Whether a post carries, in its `csrf` field, the token of the visitor's cookie.
pub fn carried(headers: &HeaderMap, fields: &[(String, String)], secure: bool) -> bool {
    let Some(expected) = cookie(headers, &cookie_name(secure)).filter(|t| plausible(t)) else {
        return false;
    };
    fields
        .iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .is_some_and(|(_, v)| constant_time_eq(v.as_bytes(), expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    fn with_cookie(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(value).expect("header value"),
        );
        h
    }

    fn post(token: &str) -> Vec<(String, String)> {
        vec![("csrf".to_owned(), token.to_owned())]
    }

    #[test]
    fn a_visitor_keeps_their_token_and_a_new_one_sets_its_cookie() {
        let first = FormToken::for_page(&HeaderMap::new(), false);
        assert!(plausible(&first.value));
        assert!(
            first
                .new_cookie
                .as_deref()
                .expect("a new cookie")
                .contains("HttpOnly")
        );
        let again =
            FormToken::for_page(&with_cookie(&format!("motcua_form={}", first.value)), false);
        assert_eq!(again.value, first.value);
        assert!(again.new_cookie.is_none());
        let tls = FormToken::fresh(true);
        let set = tls.new_cookie.expect("a new cookie");
        assert!(
            set.starts_with("__Host-motcua_form=")
                && set.contains("; Secure")
                && set.contains("Path=/;")
        );
    }

    #[test]
    fn a_post_passes_only_with_the_cookie_s_token_in_its_field() {
        let token = "0123456789abcdef0123456789abcdef";
        let headers = with_cookie(&format!("lang=vi; motcua_form={token}"));
        assert!(carried(&headers, &post(token), false));
        assert!(!carried(
            &headers,
            &post("0123456789abcdef0123456789abcdee"),
            false
        ));
        assert!(!carried(&headers, &[], false));
        assert!(!carried(&HeaderMap::new(), &post(token), false));
        // Over TLS only the prefixed cookie counts.
        assert!(!carried(&headers, &post(token), true));
        let short = with_cookie("motcua_form=abc");
        assert!(!carried(&short, &post("abc"), false));
    }
}
