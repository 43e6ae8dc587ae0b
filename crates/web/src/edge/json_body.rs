//! Reading a JSON request body, the same way on every route that takes one: only under a JSON
//! media type (`application/json` or `application/…+json`, RFC 8259 §11, RFC 6839 §3.1), so that a
//! page on another site cannot send it as a "simple" request (`text/plain`, a form) without the
//! CORS preflight motcua never grants (OWASP ASVS 5.0 V3.5.2); what does not parse is a 400 whose
//! text, in the caller's language, says where.

use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::ui::Ui;

/// Whether `headers` declare a JSON body.
pub(crate) fn declares_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| {
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
}

/// Refuses a body that does not say it is JSON (415).
pub(crate) fn require_json(headers: &HeaderMap, ui: &Ui) -> Result<(), AppError> {
    if declares_json(headers) {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(
            ui.t("error.json_only").to_owned(),
        ))
    }
}

/// The body as a `T`: 415 when it is not declared JSON, 400 naming the problem when it does not
/// parse as one.
pub(crate) fn parse<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
    ui: &Ui,
) -> Result<T, AppError> {
    require_json(headers, ui)?;
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(ui.t_s("desk.api.bad_body", &e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(content_type: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        h
    }

    #[test]
    fn json_and_its_suffixed_types_are_json_and_plain_text_or_forms_are_not() {
        assert!(declares_json(&with("application/json")));
        assert!(declares_json(&with("Application/JSON; charset=utf-8")));
        assert!(declares_json(&with("application/merge-patch+json")));
        assert!(!declares_json(&with("text/plain")));
        assert!(!declares_json(&with("text/plain; application/json")));
        assert!(!declares_json(&with("application/x-www-form-urlencoded")));
        assert!(!declares_json(&with("multipart/form-data; boundary=x")));
        assert!(!declares_json(&HeaderMap::new()));
    }
}
