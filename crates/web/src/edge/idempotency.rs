//! The `Idempotency-Key` header, read the same way by every JSON route that changes something
//! (the desk's API and the API clients' applications): a retried request with the same key and
//! the same body answers as the first time, and the same key with another body is refused.

use app::dossiers::Idempotency;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

/// Longest `Idempotency-Key` kept: a UUID or a client's own reference fits many times over.
pub(crate) const MAX_KEY_LEN: usize = 128;

/// An `Idempotency-Key` longer than [`MAX_KEY_LEN`]: refused, rather than taken as absent (a
/// retry would then be done twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyTooLong;

impl KeyTooLong {
    /// The answer, in the caller's language.
    pub(crate) fn refusal(self, ui: &crate::ui::Ui) -> crate::error::AppError {
        crate::error::AppError::BadRequest(ui.t("desk.api.key_too_long").to_owned())
    }
}

/// The `Idempotency-Key` header as an idempotency record of `scope`, hashing `parts` of the
/// request; `None` without the header.
pub(crate) fn idempotency_of(
    headers: &HeaderMap,
    scope: String,
    parts: &[&[u8]],
) -> Result<Option<Idempotency>, KeyTooLong> {
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
    else {
        return Ok(None);
    };
    if key.len() > MAX_KEY_LEN {
        return Err(KeyTooLong);
    }
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    Ok(Some(Idempotency {
        scope,
        key: key.to_owned(),
        request_hash: h.finalize().to_vec(),
    }))
}
