//! What every state-changing form shares: a one-time token that makes a repeated post (a double
//! click, a reload, a retry after a lost answer) do its work once and answer as the first time,
//! and the redirect after a successful post (post/redirect/get), recorded for that replay.

use app::dossiers::{Idempotency, IdempotentResponse};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Name of the hidden field carrying the token.
pub const TOKEN_FIELD: &str = "form_token";

/// A fresh token for a form about to be shown.
pub fn new_token() -> String {
    Uuid::new_v4().simple().to_string()
}

/// The idempotency record of a form post: the token is the key, `scope` names the form and the
/// object it acts on (e.g. `form:action:<code>`), and the hash covers every submitted field
/// except the token, so the same token with different answers is refused.
pub fn idempotency(scope: &str, token: &str, fields: &[(String, String)]) -> Option<Idempotency> {
    let token = token.trim();
    if token.is_empty() || token.len() > 64 {
        return None;
    }
    let mut sorted: Vec<&(String, String)> =
        fields.iter().filter(|(k, _)| k != TOKEN_FIELD).collect();
    sorted.sort();
    let mut h = Sha256::new();
    for (k, v) in sorted {
        h.update((k.len() as u64).to_be_bytes());
        h.update(k.as_bytes());
        h.update((v.len() as u64).to_be_bytes());
        h.update(v.as_bytes());
    }
    Some(Idempotency {
        scope: scope.to_owned(),
        key: token.to_owned(),
        request_hash: h.finalize().to_vec(),
    })
}

/// The token a post carried, if any.
pub fn token_of(fields: &[(String, String)]) -> Option<&str> {
    fields
        .iter()
        .find(|(k, _)| k == TOKEN_FIELD)
        .map(|(_, v)| v.as_str())
}

/// The answer recorded for a form post that succeeded: "see other" the given location.
pub fn redirect_answer(location: &str) -> IdempotentResponse {
    IdempotentResponse {
        status: StatusCode::SEE_OTHER.as_u16(),
        body: location.to_owned(),
    }
}

/// Replays a recorded form answer: the same redirect as the first time.
pub fn replay(answer: &IdempotentResponse) -> Response {
    if answer.status == StatusCode::SEE_OTHER.as_u16() && answer.body.starts_with('/') {
        Redirect::to(&answer.body).into_response()
    } else {
        Redirect::to("/").into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_same_answers_in_any_order_hash_alike_and_the_token_is_not_hashed() {
        let a = idempotency(
            "form:x",
            "t1",
            &pairs(&[("a", "1"), ("b", "2"), (TOKEN_FIELD, "t1")]),
        );
        let b = idempotency("form:x", "t1", &pairs(&[("b", "2"), ("a", "1")]));
        assert_eq!(a.map(|i| i.request_hash), b.map(|i| i.request_hash));
    }

    #[test]
    fn different_answers_hash_differently_even_when_fields_run_together() {
        let a = idempotency("s", "t", &pairs(&[("a", "12"), ("b", "3")])).map(|i| i.request_hash);
        let b = idempotency("s", "t", &pairs(&[("a", "1"), ("b", "23")])).map(|i| i.request_hash);
        assert_ne!(a, b);
    }

    #[test]
    fn a_blank_or_oversized_token_gives_no_record() {
        assert!(idempotency("s", "  ", &[]).is_none());
        assert!(idempotency("s", &"x".repeat(65), &[]).is_none());
    }
}
