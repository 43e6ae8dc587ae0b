//! Checking an ID token (OIDC Core §3.1.3.7): its signature against the provider's published keys
//! (RS256, PS256 or ES256; never `none`, never a symmetric algorithm the client did not ask
//! for), then issuer, audience, authorised party, expiry, issue time and nonce. Pure: the keys
//! and the time are given, so every refusal is unit-tested.

use aws_lc_rs::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use time::OffsetDateTime;

use super::OidcError;

/// Clock difference tolerated between motcua and the provider.
const SKEW_SECS: i64 = 120;

/// A provider's published signing keys (RFC 7517 JWK set).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct KeySet {
    /// The keys.
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

/// One public key of the set; only the members used here.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    /// Key type: `RSA` or `EC`.
    pub kty: String,
    /// Key id, matched against the token's `kid`.
    #[serde(default)]
    pub kid: Option<String>,
    /// `sig` or `enc`; an encryption key never verifies a signature.
    #[serde(default, rename = "use")]
    pub usage: Option<String>,
    /// RSA modulus, base64url.
    #[serde(default)]
    pub n: Option<String>,
    /// RSA exponent, base64url.
    #[serde(default)]
    pub e: Option<String>,
    /// EC curve.
    #[serde(default)]
    pub crv: Option<String>,
    /// EC x coordinate, base64url.
    #[serde(default)]
    pub x: Option<String>,
    /// EC y coordinate, base64url.
    #[serde(default)]
    pub y: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// `aud` is one string or an array of them (RFC 7519 §4.1.3).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// The claims of a verified ID token that motcua uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IdClaims {
    /// Issuer.
    pub iss: String,
    /// Subject: the provider's stable id of the person.
    pub sub: String,
    /// Full name, when the provider puts it in the token.
    #[serde(default)]
    pub name: Option<String>,
    /// E-mail, when given.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the provider verified the e-mail.
    #[serde(default)]
    pub email_verified: Option<bool>,
    /// Phone, when given.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Whether the provider verified the phone.
    #[serde(default)]
    pub phone_number_verified: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct TimedClaims {
    aud: Audience,
    #[serde(default)]
    azp: Option<String>,
    exp: i64,
    iat: i64,
    #[serde(default)]
    nonce: Option<String>,
}

/// What the token must match.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The configured issuer, exactly.
    pub issuer: &'a str,
    /// This client's id.
    pub client_id: &'a str,
    /// The attempt's nonce.
    pub nonce: &'a str,
    /// Now.
    pub now: OffsetDateTime,
}

fn decode(part: &str) -> Result<Vec<u8>, OidcError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| OidcError::IdToken("not base64url"))
}

/// The key id of a token, to know whether the key set must be fetched again.
pub fn key_id(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    serde_json::from_slice::<Header>(&decode(header).ok()?)
        .ok()?
        .kid
}

fn verify_signature(
    alg: &str,
    key: &Jwk,
    message: &[u8],
    signature_bytes: &[u8],
) -> Result<(), OidcError> {
    let bad = || OidcError::IdToken("signature does not verify");
    match (alg, key.kty.as_str()) {
        ("RS256" | "PS256", "RSA") => {
            let (Some(n), Some(e)) = (&key.n, &key.e) else {
                return Err(OidcError::IdToken("RSA key without n and e"));
            };
            let components = RsaPublicKeyComponents {
                n: decode(n)?,
                e: decode(e)?,
            };
            let params = if alg == "RS256" {
                &signature::RSA_PKCS1_2048_8192_SHA256
            } else {
                &signature::RSA_PSS_2048_8192_SHA256
            };
            components
                .verify(params, message, signature_bytes)
                .map_err(|_| bad())
        }
        ("ES256", "EC") if key.crv.as_deref() == Some("P-256") => {
            let (Some(x), Some(y)) = (&key.x, &key.y) else {
                return Err(OidcError::IdToken("EC key without x and y"));
            };
            let mut point = vec![4u8];
            point.extend(decode(x)?);
            point.extend(decode(y)?);
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message, signature_bytes)
                .map_err(|_| bad())
        }
        _ => Err(OidcError::IdToken("no key of the token's algorithm")),
    }
}

/// Verifies `token` with `keys` and checks its claims against `expected`.
pub fn verify(token: &str, keys: &KeySet, expected: Expected<'_>) -> Result<IdClaims, OidcError> {
    let mut parts = token.split('.');
    let (Some(header_part), Some(payload_part), Some(signature_part), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(OidcError::IdToken("not a signed JWT"));
    };
    let header: Header = serde_json::from_slice(&decode(header_part)?)
        .map_err(|_| OidcError::IdToken("header is not JSON"))?;
    if !matches!(header.alg.as_str(), "RS256" | "PS256" | "ES256") {
        return Err(OidcError::IdToken("algorithm not accepted"));
    }
    let candidates = keys.keys.iter().filter(|k| {
        k.usage.as_deref().is_none_or(|u| u == "sig")
            && match (&header.kid, &k.kid) {
                (Some(wanted), Some(kid)) => wanted == kid,
                (Some(_), None) => false,
                (None, _) => true,
            }
    });
    let message = &token.as_bytes()[..header_part.len() + 1 + payload_part.len()];
    let signature_bytes = decode(signature_part)?;
    let mut outcome = Err(OidcError::IdToken("no published key matches the token"));
    for key in candidates {
        outcome = verify_signature(&header.alg, key, message, &signature_bytes);
        if outcome.is_ok() {
            break;
        }
    }
    outcome?;
    let payload = decode(payload_part)?;
    let claims: IdClaims =
        serde_json::from_slice(&payload).map_err(|_| OidcError::IdToken("claims are not JSON"))?;
    let timed: TimedClaims = serde_json::from_slice(&payload)
        .map_err(|_| OidcError::IdToken("aud, exp or iat missing"))?;
    if claims.iss != expected.issuer {
        return Err(OidcError::IdToken("issued by another issuer"));
    }
    let audiences = match &timed.aud {
        Audience::One(a) => vec![a.as_str()],
        Audience::Many(many) => many.iter().map(String::as_str).collect(),
    };
    if !audiences.contains(&expected.client_id) {
        return Err(OidcError::IdToken("meant for another client"));
    }
    if audiences.len() > 1 && timed.azp.as_deref() != Some(expected.client_id) {
        return Err(OidcError::IdToken("authorised party is another client"));
    }
    let now = expected.now.unix_timestamp();
    if timed.exp + SKEW_SECS <= now {
        return Err(OidcError::IdToken("expired"));
    }
    if timed.iat - SKEW_SECS > now {
        return Err(OidcError::IdToken("issued in the future"));
    }
    if timed.nonce.as_deref() != Some(expected.nonce) {
        return Err(OidcError::IdToken("nonce does not match the attempt"));
    }
    if claims.sub.is_empty() || claims.sub.len() > 255 {
        return Err(OidcError::IdToken("subject missing or too long"));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    use serde_json::json;

    use super::*;

    struct Signer {
        pair: EcdsaKeyPair,
        kid: &'static str,
    }

    impl Signer {
        fn new(kid: &'static str) -> Signer {
            let rng = SystemRandom::new();
            let pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("key");
            let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
                .expect("key");
            Signer { pair, kid }
        }

        fn jwk(&self) -> Jwk {
            let point = self.pair.public_key().as_ref();
            Jwk {
                kty: "EC".into(),
                kid: Some(self.kid.into()),
                usage: Some("sig".into()),
                n: None,
                e: None,
                crv: Some("P-256".into()),
                x: Some(URL_SAFE_NO_PAD.encode(&point[1..33])),
                y: Some(URL_SAFE_NO_PAD.encode(&point[33..65])),
            }
        }

        fn sign(&self, alg: &str, claims: &serde_json::Value) -> String {
            let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "kid": self.kid}).to_string());
            let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
            let message = format!("{header}.{payload}");
            let sig = self
                .pair
                .sign(&SystemRandom::new(), message.as_bytes())
                .expect("sign");
            format!("{message}.{}", URL_SAFE_NO_PAD.encode(sig.as_ref()))
        }
    }

    const NOW: i64 = 1_800_000_000;

    fn expected() -> Expected<'static> {
        Expected {
            issuer: "https://id.example.vn",
            client_id: "motcua",
            nonce: "n-123",
            now: OffsetDateTime::from_unix_timestamp(NOW).expect("time"),
        }
    }

    fn claims() -> serde_json::Value {
        json!({
            "iss": "https://id.example.vn", "sub": "0123", "aud": "motcua",
            "exp": NOW + 300, "iat": NOW - 5, "nonce": "n-123", "name": "Nguyễn Văn A"
        })
    }

    fn with(change: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
        let mut c = claims();
        change(&mut c);
        c
    }

    #[test]
    fn a_token_signed_by_a_published_key_with_matching_claims_is_accepted() {
        let signer = Signer::new("k1");
        let keys = KeySet {
            keys: vec![signer.jwk()],
        };
        let got = verify(&signer.sign("ES256", &claims()), &keys, expected()).expect("valid");
        assert_eq!(got.sub, "0123");
        assert_eq!(got.name.as_deref(), Some("Nguyễn Văn A"));
        assert_eq!(
            key_id(&signer.sign("ES256", &claims())).as_deref(),
            Some("k1")
        );
    }

    #[test]
    fn a_token_signed_by_an_unpublished_key_is_refused() {
        let (signer, other) = (Signer::new("k1"), Signer::new("k1"));
        let keys = KeySet {
            keys: vec![other.jwk()],
        };
        assert!(verify(&signer.sign("ES256", &claims()), &keys, expected()).is_err());
    }

    #[test]
    fn a_token_whose_claims_were_changed_after_signing_is_refused() {
        let signer = Signer::new("k1");
        let keys = KeySet {
            keys: vec![signer.jwk()],
        };
        let token = signer.sign("ES256", &claims());
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(with(|c| c["sub"] = json!("9999")).to_string());
        parts[1] = &forged;
        assert!(verify(&parts.join("."), &keys, expected()).is_err());
    }

    #[test]
    fn unsigned_and_symmetric_tokens_are_refused_whatever_they_claim() {
        let signer = Signer::new("k1");
        let keys = KeySet {
            keys: vec![signer.jwk()],
        };
        for alg in ["none", "HS256"] {
            let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg}).to_string());
            let payload = URL_SAFE_NO_PAD.encode(claims().to_string());
            let token = format!("{header}.{payload}.");
            assert!(verify(&token, &keys, expected()).is_err(), "{alg}");
        }
        assert!(verify("not-a-token", &keys, expected()).is_err());
    }

    #[test]
    fn wrong_issuer_audience_nonce_or_time_is_refused() {
        let signer = Signer::new("k1");
        let keys = KeySet {
            keys: vec![signer.jwk()],
        };
        let cases = [
            with(|c| c["iss"] = json!("https://evil.example")),
            with(|c| c["aud"] = json!("someone-else")),
            with(|c| c["aud"] = json!(["motcua", "someone-else"])),
            with(|c| c["nonce"] = json!("n-other")),
            with(|c| {
                c.as_object_mut().map(|o| o.remove("nonce"));
            }),
            with(|c| c["exp"] = json!(NOW - 3600)),
            with(|c| c["iat"] = json!(NOW + 3600)),
            with(|c| c["sub"] = json!("")),
        ];
        for case in cases {
            assert!(
                verify(&signer.sign("ES256", &case), &keys, expected()).is_err(),
                "{case}"
            );
        }
        let shared = with(|c| {
            c["aud"] = json!(["motcua", "someone-else"]);
            c["azp"] = json!("motcua");
        });
        assert!(verify(&signer.sign("ES256", &shared), &keys, expected()).is_ok());
    }
}
