//! The `Idempotency-Key` header, read the same way by every JSON route that changes something
//! (the desk's API and the API clients' applications): a retried request with the same key and
//! the same body answers as the first time, and the same key with another body is refused.

use app::dossiers::Idempotency;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

/// The `Idempotency-Key` header as an idempotency record of `scope`, hashing `parts` of the request.
pub(crate) fn idempotency_of(
    headers: &HeaderMap,
    scope: String,
    parts: &[&[u8]],
) -> Option<Idempotency> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128)?;
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    Some(Idempotency {
        scope,
        key: key.to_owned(),
        request_hash: h.finalize().to_vec(),
    })
}
