//! One cross-origin policy for every request that changes something, whoever is signed in and
//! however the body is encoded (OWASP ASVS 5.0 V3.5.1–V3.5.3; OWASP CSRF cheat sheet, "Fetch
//! Metadata" and "Verifying origin with standard headers"): a browser that says the request comes
//! from another site, or from another origin of the same site (a sibling subdomain), is refused
//! before any handler runs. Session cookies are `SameSite` too and every form carries a token
//! (`edge::sessions`, `edge::form_token`); this layer is the one that also holds where an older
//! browser or a sibling subdomain would slip past `SameSite`. JSON bodies are taken only with a
//! JSON media type (`edge::json_body`), so a page elsewhere cannot send one without a CORS
//! preflight, which motcua never grants.
//!
//! Programs (API clients with a key, payment gateways) send neither `Sec-Fetch-Site` nor
//! `Origin`, so they pass; a gateway's callback is authenticated by its own signature and is
//! exempt.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::ui::Ui;

/// The origins this server answers as: the configured public address's, and whatever `Host`
/// the request came to (a machine's own address, a test).
#[derive(Debug, Clone)]
pub struct OwnOrigin {
    public: Option<String>,
}

impl OwnOrigin {
    /// The policy for a portal published at `public_url`.
    pub fn new(public_url: &str) -> OwnOrigin {
        OwnOrigin {
            public: origin_of(public_url),
        }
    }
}

/// `scheme://host[:port]` of an absolute address, lower-cased and without the scheme's default
/// port (as browsers write `Origin`); `None` for anything else.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => "",
    };
    let authority = authority
        .to_ascii_lowercase()
        .trim_end_matches(default_port)
        .to_owned();
    (!scheme.is_empty() && !authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

/// Why a request was refused, for the log and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossOrigin {
    /// `Sec-Fetch-Site: cross-site` or `same-site`.
    FetchMetadata,
    /// An `Origin` that is not this server's (or `null`).
    Origin,
}

/// Whether a request of `method` to `path` with `headers` may go on.
pub fn judge(
    own: &OwnOrigin,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(), CrossOrigin> {
    let path = uri.path();
    if matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return Ok(());
    }
    // A gateway's payment callback is signed by the gateway, carries no session, and may be
    // relayed by the citizen's browser from the gateway's page.
    if path.starts_with("/payments/") && path.ends_with("/callback") {
        return Ok(());
    }
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // Browsers since 2023 say where a request comes from; "none" is the person's own doing
    // (a bookmark, the address bar).
    if let Some(site) = text("sec-fetch-site") {
        return match site.trim().to_ascii_lowercase().as_str() {
            "same-origin" | "none" => Ok(()),
            _ => Err(CrossOrigin::FetchMetadata),
        };
    }
    // Older browsers send `Origin` on every post.
    if let Some(origin) = text(header::ORIGIN.as_str()) {
        let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
        // HTTP/2 names the host in the request's authority, not in `Host`.
        let host = text(header::HOST.as_str())
            .map(str::to_owned)
            .or_else(|| uri.authority().map(|a| a.as_str().to_owned()));
        let host_matches = host.is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host.trim()))
        });
        let public_matches = own.public.as_deref() == Some(origin.as_str());
        return if host_matches || public_matches {
            Ok(())
        } else {
            Err(CrossOrigin::Origin)
        };
    }
    Ok(())
}

/// The layer: refuses with 403 and a page or problem document saying why, in the visitor's
/// language.
pub async fn refuse_cross_origin_writes(
    State(own): State<OwnOrigin>,
    request: Request,
    next: Next,
) -> Response {
    match judge(&own, request.method(), request.uri(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(reason) => {
            tracing::warn!(?reason, path = %request.uri().path(), "cross-origin write refused");
            let ui = Ui::from_request(request.uri(), request.headers());
            AppError::Denied(ui.t("error.cross_origin").to_owned()).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn own() -> OwnOrigin {
        OwnOrigin::new("https://dichvucong.example.gov.vn/")
    }

    #[test]
    fn reading_is_never_refused_whatever_its_origin() {
        let h = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ]);
        assert_eq!(
            judge(&own(), &Method::GET, &Uri::from_static("/account"), &h),
            Ok(())
        );
    }

    #[test]
    fn a_post_from_another_site_or_a_sibling_subdomain_is_refused() {
        for site in ["cross-site", "same-site", "Cross-Site"] {
            let mut h = HeaderMap::new();
            h.insert(
                "sec-fetch-site",
                HeaderValue::from_str(site).expect("header value"),
            );
            assert_eq!(
                judge(
                    &own(),
                    &Method::POST,
                    &Uri::from_static("/api/v1/dossiers"),
                    &h
                ),
                Err(CrossOrigin::FetchMetadata),
                "{site}"
            );
        }
        let h = headers(&[("sec-fetch-site", "same-origin")]);
        assert_eq!(
            judge(
                &own(),
                &Method::DELETE,
                &Uri::from_static("/api/v1/webhooks/x"),
                &h
            ),
            Ok(())
        );
    }

    #[test]
    fn without_fetch_metadata_the_origin_must_be_this_server() {
        let post = |h: &HeaderMap| {
            judge(
                &own(),
                &Method::POST,
                &Uri::from_static("/account/sign-in"),
                h,
            )
        };
        assert_eq!(
            post(&headers(&[("origin", "https://evil.example")])),
            Err(CrossOrigin::Origin)
        );
        assert_eq!(
            post(&headers(&[("origin", "null")])),
            Err(CrossOrigin::Origin)
        );
        assert_eq!(
            post(&headers(&[(
                "origin",
                "https://sub.dichvucong.example.gov.vn"
            )])),
            Err(CrossOrigin::Origin)
        );
        assert_eq!(
            post(&headers(&[("origin", "https://DichVuCong.example.gov.vn")])),
            Ok(())
        );
        assert_eq!(
            post(&headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ])),
            Ok(())
        );
        assert_eq!(
            post(&headers(&[
                ("origin", "http://127.0.0.1:9999"),
                ("host", "127.0.0.1:8080")
            ])),
            Err(CrossOrigin::Origin)
        );
    }

    #[test]
    fn the_public_address_s_default_port_and_an_http2_authority_are_this_server() {
        let own = OwnOrigin::new("https://dichvucong.example.gov.vn:443/");
        let h = headers(&[("origin", "https://dichvucong.example.gov.vn")]);
        let uri = Uri::from_static("/account/sign-in");
        assert_eq!(judge(&own, &Method::POST, &uri, &h), Ok(()));
        let other = OwnOrigin::new("https://elsewhere.example");
        let h = headers(&[("origin", "https://cong.example:8443")]);
        let h2 = Uri::from_static("https://cong.example:8443/account/sign-in");
        assert_eq!(judge(&other, &Method::POST, &h2, &h), Ok(()));
    }

    #[test]
    fn programs_that_say_nothing_of_their_origin_pass_and_so_do_signed_payment_callbacks() {
        assert_eq!(
            judge(
                &own(),
                &Method::POST,
                &Uri::from_static("/api/v1/applications"),
                &HeaderMap::new()
            ),
            Ok(())
        );
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(
            judge(
                &own(),
                &Method::POST,
                &Uri::from_static("/payments/vnpay/callback"),
                &h
            ),
            Ok(())
        );
    }
}
