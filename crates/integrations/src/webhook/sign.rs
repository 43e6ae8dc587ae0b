//! The secrets and signatures of Standard Webhooks, apart from any transport, so the application
//! can show a connected system its secret and a receiver's side (or a test) can check what was
//! sent with the same code that signed it.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, KeyInit as _, Mac as _};
use rand::RngCore as _;
use sha2::Sha256;

use super::WebhookError;

/// The prefix Standard Webhooks puts before a secret's base64, so a secret is recognisable as one
/// (in a configuration, a leak scanner) and its encoding is unambiguous.
pub const SECRET_PREFIX: &str = "whsec_";

/// How many random bytes a generated secret has: within the 24 to 64 the specification asks for,
/// and the size of SHA-256's block half, the usual HMAC-SHA256 key.
pub const SECRET_BYTES: usize = 32;

/// The version tag of the only signature scheme there is, HMAC-SHA256.
const SCHEME: &str = "v1";

/// A decoder that takes base64 with or without its `=` padding: secrets are pasted by people
/// between systems, and some of those systems drop the padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A secret as Standard Webhooks prints it: `whsec_` + base64 (standard, padded) of 32 random
/// bytes from the operating system's generator (through the thread's CSPRNG).
pub fn generate_secret() -> String {
    let mut bytes = [0_u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The key bytes of `secret`: the base64 after `whsec_`, or the whole of it when the prefix is
/// missing (some systems store the bare base64).
pub fn secret_bytes(secret: &str) -> Result<Vec<u8>, WebhookError> {
    let encoded = secret.trim();
    let encoded = encoded.strip_prefix(SECRET_PREFIX).unwrap_or(encoded);
    let bytes = LENIENT
        .decode(encoded)
        .map_err(|_| WebhookError::SecretNotBase64)?;
    // HMAC takes an empty key, but a signature anyone can compute proves nothing.
    if bytes.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    Ok(bytes)
}

/// The `webhook-signature` header value: `v1,` + base64 of HMAC-SHA256 over
/// `"{id}.{timestamp}.{payload}"`, keyed with the secret's bytes (see [`secret_bytes`]). An id
/// containing `.` is refused: the specification forbids it, since the boundary between id and
/// timestamp would then be ambiguous and one signature could be passed off for another message.
pub fn sign(secret: &str, id: &str, timestamp: i64, payload: &str) -> Result<String, WebhookError> {
    if id.contains('.') {
        return Err(WebhookError::IdWithFullStop(id.to_owned()));
    }
    let key = secret_bytes(secret)?;
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        return Err(WebhookError::EmptySecret);
    };
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    Ok(format!(
        "{SCHEME},{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TIMESTAMP: i64 = 1_614_265_330;
    const SPEC_PAYLOAD: &str = r#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn the_specification_example_is_signed_as_the_specification_says() {
        assert_eq!(
            sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD).expect("a valid secret"),
            SPEC_SIGNATURE
        );
    }

    #[test]
    fn a_secret_without_its_prefix_or_padding_signs_the_same() {
        let bare = SPEC_SECRET.trim_start_matches(SECRET_PREFIX);
        assert_eq!(
            sign(bare, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD).expect("a valid secret"),
            SPEC_SIGNATURE
        );
        let secret = generate_secret();
        let unpadded = secret.trim_end_matches('=');
        assert_eq!(
            sign(unpadded, "msg_1", 1, "{}").expect("a valid secret"),
            sign(&secret, "msg_1", 1, "{}").expect("a valid secret")
        );
    }

    #[test]
    fn a_secret_that_is_not_base64_or_is_empty_is_refused() {
        assert!(matches!(
            sign("whsec_not base64!", "msg_1", 1, "{}"),
            Err(WebhookError::SecretNotBase64)
        ));
        assert!(matches!(
            sign("whsec_", "msg_1", 1, "{}"),
            Err(WebhookError::EmptySecret)
        ));
    }

    #[test]
    fn an_id_with_a_full_stop_is_refused() {
        assert!(matches!(
            sign(SPEC_SECRET, "msg.1", 1, "{}"),
            Err(WebhookError::IdWithFullStop(_))
        ));
    }

    #[test]
    fn a_generated_secret_is_prefixed_padded_base64_of_32_bytes_and_never_repeats() {
        let first = generate_secret();
        let encoded = first.strip_prefix(SECRET_PREFIX).expect("the prefix");
        assert_eq!(
            STANDARD.decode(encoded).expect("padded base64").len(),
            SECRET_BYTES
        );
        assert_eq!(secret_bytes(&first).expect("decodes").len(), SECRET_BYTES);
        assert_ne!(first, generate_secret());
    }
}
