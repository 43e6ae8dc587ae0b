//! Single sign-on through an OpenID Connect provider (the national public service portal's
//! account, VNeID): the authorization code flow with PKCE (OIDC Core §3.1, RFC 7636), as the
//! providers of Decree 69/2024/NĐ-CP on electronic identification expect of a relying party.
//! The client reads the provider's metadata from its issuer URL, sends the browser there with a
//! fresh [`Attempt`], then redeems the code, verifies the ID token and reads the user's claims.

mod attempt;
pub mod id_token;

use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;
use tokio::sync::RwLock;

pub use attempt::Attempt;
pub use id_token::IdClaims;
use id_token::{Expected, KeySet};

use crate::Secret;

/// Why a sign-on failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered with an error.
    #[error("the identity provider did not answer: {0}")]
    Unreachable(String),
    /// The provider's metadata is not usable.
    #[error("the identity provider's metadata is not usable: {0}")]
    Metadata(&'static str),
    /// The token endpoint refused the code.
    #[error("the identity provider refused the code: {0}")]
    Token(String),
    /// The ID token failed a check.
    #[error("the ID token is not acceptable: {0}")]
    IdToken(&'static str),
}

impl From<reqwest::Error> for OidcError {
    fn from(e: reqwest::Error) -> Self {
        // Without the URL: it may carry the code.
        OidcError::Unreachable(e.without_url().to_string())
    }
}

/// How motcua is registered with the provider.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// Issuer URL; its `/.well-known/openid-configuration` describes the provider.
    pub issuer: String,
    /// Client id given by the provider.
    pub client_id: String,
    /// Client secret given by the provider (sent with HTTP Basic, `client_secret_basic`).
    pub client_secret: Secret,
    /// Where the provider sends the browser back: `{public_url}/account/sso/callback`.
    pub redirect_url: String,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// Time allowed for each call to the provider.
    pub timeout: Duration,
}

/// The provider's metadata (OpenID Connect Discovery 1.0 §3), the members used.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    /// Issuer; must equal the configured one.
    pub issuer: String,
    /// Where the browser is sent.
    pub authorization_endpoint: String,
    /// Where the code is redeemed.
    pub token_endpoint: String,
    /// The signing keys.
    pub jwks_uri: String,
    /// Where the claims can be read with the access token.
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    id_token: String,
    #[serde(default)]
    access_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UserInfo {
    sub: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<bool>,
    #[serde(default)]
    phone_number: Option<String>,
    #[serde(default)]
    phone_number_verified: Option<bool>,
}

/// The person the provider vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The issuer.
    pub issuer: String,
    /// The provider's stable id of the person.
    pub subject: String,
    /// Full name, when released.
    pub name: Option<String>,
    /// E-mail, only when the provider says it verified it.
    pub verified_email: Option<String>,
    /// Phone, only when the provider says it verified it.
    pub verified_phone: Option<String>,
}

#[derive(Debug, Default)]
struct Cached {
    metadata: Option<ProviderMetadata>,
    keys: Option<KeySet>,
}

/// A relying party of one provider. Metadata and keys are fetched on first use and kept; the
/// keys are fetched again when a token names a key not yet seen (the provider rotated them).
#[derive(Debug)]
pub struct OidcClient {
    config: OidcConfig,
    http: reqwest::Client,
    cached: RwLock<Cached>,
}

impl OidcClient {
    /// A client of the configured provider; nothing is fetched yet.
    pub fn new(config: OidcConfig) -> Result<OidcClient, OidcError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
            // A provider redirecting its endpoints elsewhere is a misconfiguration to see.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(OidcClient {
            config,
            http,
            cached: RwLock::new(Cached::default()),
        })
    }

    /// The configured issuer.
    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(&self, url: &str) -> Result<T, OidcError> {
        let answer = self.http.get(url).send().await?;
        if !answer.status().is_success() {
            return Err(OidcError::Unreachable(format!(
                "{} from {url}",
                answer.status()
            )));
        }
        Ok(answer.json().await?)
    }

    /// The provider's metadata, fetched once.
    pub async fn metadata(&self) -> Result<ProviderMetadata, OidcError> {
        if let Some(m) = &self.cached.read().await.metadata {
            return Ok(m.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.config.issuer.trim_end_matches('/')
        );
        let metadata: ProviderMetadata = self.get_json(&url).await?;
        if metadata.issuer != self.config.issuer {
            return Err(OidcError::Metadata(
                "issuer differs from the configured one",
            ));
        }
        self.cached.write().await.metadata = Some(metadata.clone());
        Ok(metadata)
    }

    /// Where to send the browser for `attempt`.
    pub async fn authorization_url(&self, attempt: &Attempt) -> Result<String, OidcError> {
        let metadata = self.metadata().await?;
        let mut scope = String::from("openid");
        for s in &self.config.scopes {
            scope.push(' ');
            scope.push_str(s);
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_url)
            .append_pair("scope", &scope)
            .append_pair("state", &attempt.state)
            .append_pair("nonce", &attempt.nonce)
            .append_pair("code_challenge", &attempt.challenge())
            .append_pair("code_challenge_method", "S256")
            .finish();
        let separator = if metadata.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(format!(
            "{}{separator}{query}",
            metadata.authorization_endpoint
        ))
    }

    async fn keys(&self, kid: Option<&str>) -> Result<KeySet, OidcError> {
        {
            let cached = self.cached.read().await;
            if let Some(keys) = &cached.keys {
                let known =
                    kid.is_none_or(|kid| keys.keys.iter().any(|k| k.kid.as_deref() == Some(kid)));
                if known {
                    return Ok(keys.clone());
                }
            }
        }
        let metadata = self.metadata().await?;
        let keys: KeySet = self.get_json(&metadata.jwks_uri).await?;
        self.cached.write().await.keys = Some(keys.clone());
        Ok(keys)
    }

    /// Redeems `code` for `attempt`, verifies the ID token and reads the claims.
    pub async fn finish(&self, code: &str, attempt: &Attempt) -> Result<Identity, OidcError> {
        let metadata = self.metadata().await?;
        // Built before the call: the serializer is not `Send` and must not live across it.
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", &self.config.redirect_url)
            .append_pair("code_verifier", &attempt.verifier)
            .finish();
        let (user, secret): (String, String) = (
            form_urlencoded::byte_serialize(self.config.client_id.as_bytes()).collect(),
            form_urlencoded::byte_serialize(self.config.client_secret.expose().as_bytes())
                .collect(),
        );
        let answer = self
            .http
            .post(&metadata.token_endpoint)
            // RFC 6749 §2.3.1: id and secret form-encoded before Basic.
            .basic_auth(user, Some(secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await?;
        if !answer.status().is_success() {
            let status = answer.status();
            let body = answer.text().await.unwrap_or_default();
            let error = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
                .unwrap_or_else(|| status.to_string());
            return Err(OidcError::Token(error));
        }
        let tokens: TokenAnswer = answer.json().await?;
        let keys = self
            .keys(id_token::key_id(&tokens.id_token).as_deref())
            .await?;
        let claims = id_token::verify(
            &tokens.id_token,
            &keys,
            Expected {
                issuer: &self.config.issuer,
                client_id: &self.config.client_id,
                nonce: &attempt.nonce,
                now: OffsetDateTime::now_utc(),
            },
        )?;
        let mut identity = Identity {
            issuer: claims.iss.clone(),
            subject: claims.sub.clone(),
            name: claims.name.clone(),
            verified_email: claims
                .email
                .clone()
                .filter(|_| claims.email_verified == Some(true)),
            verified_phone: claims
                .phone_number
                .clone()
                .filter(|_| claims.phone_number_verified == Some(true)),
        };
        // Providers often keep profile claims out of the ID token and release them at UserInfo
        // (OIDC Core §5.3); its subject must be the token's (§5.3.2).
        if let (Some(url), Some(access)) = (&metadata.userinfo_endpoint, &tokens.access_token) {
            let answer = self.http.get(url).bearer_auth(access).send().await?;
            if answer.status().is_success() {
                let info: UserInfo = answer.json().await?;
                if info.sub != identity.subject {
                    return Err(OidcError::IdToken("UserInfo names another subject"));
                }
                identity.name = identity.name.or(info.name);
                if identity.verified_email.is_none() && info.email_verified == Some(true) {
                    identity.verified_email = info.email;
                }
                if identity.verified_phone.is_none() && info.phone_number_verified == Some(true) {
                    identity.verified_phone = info.phone_number;
                }
            }
        }
        Ok(identity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_secret_shows_neither_in_the_configuration_nor_in_the_client() {
        let config = OidcConfig {
            issuer: "https://id.example".to_owned(),
            client_id: "motcua".to_owned(),
            client_secret: "s3cret-oidc".into(),
            redirect_url: "http://127.0.0.1:8080/account/sso/callback".to_owned(),
            scopes: vec!["profile".to_owned()],
            timeout: Duration::from_secs(5),
        };
        let client = OidcClient::new(config.clone()).expect("a client");
        let shown = format!("{config:?} {client:?}");
        assert!(!shown.contains("s3cret-oidc"), "{shown}");
        assert!(shown.contains("motcua"), "{shown}");
    }
}
