//! One sign-on attempt's secrets: the `state` that ties the provider's answer to the browser that
//! asked, the `nonce` that ties the ID token to this attempt, and the PKCE verifier (RFC 7636)
//! that proves the code is redeemed by whoever started the attempt.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The secrets of one attempt, kept by the browser between the redirect out and the return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Opaque value the provider returns unchanged (OIDC Core §3.1.2.1).
    pub state: String,
    /// Value the ID token must carry back (OIDC Core §3.1.3.7, point 11).
    pub nonce: String,
    /// PKCE code verifier (RFC 7636 §4.1): 43 characters of base64url, 256 bits of entropy.
    pub verifier: String,
}

fn random_text() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Attempt {
    /// A fresh attempt with unguessable values.
    pub fn new() -> Attempt {
        Attempt {
            state: random_text(),
            nonce: random_text(),
            verifier: random_text(),
        }
    }

    /// The S256 code challenge of the verifier (RFC 7636 §4.2).
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
    }

    /// The attempt as one cookie value: the three parts joined by dots (base64url has none).
    pub fn to_cookie(&self) -> String {
        format!("{}.{}.{}", self.state, self.nonce, self.verifier)
    }

    /// Reads back what [`Attempt::to_cookie`] wrote; `None` for anything else.
    pub fn from_cookie(value: &str) -> Option<Attempt> {
        let mut parts = value.split('.');
        let (state, nonce, verifier) = (parts.next()?, parts.next()?, parts.next()?);
        let well_formed = |s: &str| {
            (43..=128).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        (parts.next().is_none()
            && well_formed(state)
            && well_formed(nonce)
            && well_formed(verifier))
        .then(|| Attempt {
            state: state.to_owned(),
            nonce: nonce.to_owned(),
            verifier: verifier.to_owned(),
        })
    }

    /// Whether `returned` is this attempt's state, compared in constant time.
    pub fn state_matches(&self, returned: &str) -> bool {
        let (a, b) = (self.state.as_bytes(), returned.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Default for Attempt {
    fn default() -> Self {
        Attempt::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_of_the_rfc_7636_example_verifier_is_the_rfc_value() {
        let attempt = Attempt {
            state: String::new(),
            nonce: String::new(),
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
        };
        assert_eq!(
            attempt.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn an_attempt_survives_the_cookie_and_a_tampered_cookie_does_not() {
        let attempt = Attempt::new();
        assert_eq!(
            Attempt::from_cookie(&attempt.to_cookie()),
            Some(attempt.clone())
        );
        assert_eq!(Attempt::from_cookie("a.b.c"), None);
        assert_eq!(
            Attempt::from_cookie(&format!("{}.extra", attempt.to_cookie())),
            None
        );
        assert_eq!(
            Attempt::from_cookie(&attempt.to_cookie().replace('.', ";")),
            None
        );
    }

    #[test]
    fn two_attempts_never_share_a_secret_and_state_compares_exactly() {
        let (a, b) = (Attempt::new(), Attempt::new());
        assert_ne!(a.state, b.state);
        assert_ne!(a.verifier, b.verifier);
        assert!(a.state_matches(&a.state.clone()));
        assert!(!a.state_matches(&b.state));
        assert!(!a.state_matches(""));
    }
}
