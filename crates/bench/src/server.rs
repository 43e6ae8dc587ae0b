//! What the bench learns from the running server before loading it: that it answers at all,
//! which ceiling endpoint it has, the papers and agency of the procedure the submissions file,
//! and an officer's session cookie for the inbox.

use std::time::Duration;

use serde::Deserialize;

use crate::BenchError;

/// The HTTP client every phase shares: keep-alive connections, one per worker, and no
/// redirects followed (each operation checks the answer it is given).
pub fn client(concurrency: usize) -> Result<reqwest::Client, BenchError> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency.max(1))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| BenchError::Http(format!("cannot build the HTTP client: {e}")))
}

/// Finds the cheapest endpoint: `/livez` (no database), or `/healthz` on a server that predates
/// it. Fails when nothing answers at `base`.
pub async fn ceiling_path(http: &reqwest::Client, base: &str) -> Result<&'static str, BenchError> {
    let unreachable = |e: reqwest::Error| BenchError::Unreachable {
        url: base.to_owned(),
        reason: e.to_string(),
    };
    let live = http
        .get(format!("{base}/livez"))
        .send()
        .await
        .map_err(unreachable)?;
    if live.status().is_success() {
        return Ok("/livez");
    }
    let health = http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .map_err(unreachable)?;
    if health.status().is_success() {
        Ok("/healthz")
    } else {
        Err(BenchError::Unreachable {
            url: base.to_owned(),
            reason: format!(
                "/livez answered {}, /healthz {}",
                live.status(),
                health.status()
            ),
        })
    }
}

#[derive(Deserialize)]
struct Component {
    name: String,
    required: bool,
}

#[derive(Deserialize)]
struct AgencyRef {
    code: String,
}

#[derive(Deserialize)]
struct ProcedureDetail {
    components: Vec<Component>,
    agencies: Vec<AgencyRef>,
}

#[derive(Deserialize)]
struct Agency {
    code: String,
    kind: String,
}

/// The procedure the submissions file: where, and which papers it requires.
#[derive(Debug, Clone)]
pub struct Filing {
    /// National procedure code.
    pub procedure: String,
    /// Agency the dossiers go to.
    pub agency: String,
    /// Names of the required papers.
    pub required_papers: Vec<String>,
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, BenchError> {
    let response = http
        .get(url)
        .send()
        .await
        .map_err(|e| BenchError::Http(format!("GET {url}: {e}")))?;
    if !response.status().is_success() {
        return Err(BenchError::Http(format!(
            "GET {url}: {}",
            response.status()
        )));
    }
    response
        .json()
        .await
        .map_err(|e| BenchError::Http(format!("GET {url}: unexpected body: {e}")))
}

/// Reads the procedure from the catalogue API. The agency is the first commune (by code) that
/// settles it, which is the demonstration officers' commune, so the submissions land in the
/// inbox the bench reads; otherwise the first agency listed.
pub async fn filing(
    http: &reqwest::Client,
    base: &str,
    procedure: &str,
) -> Result<Filing, BenchError> {
    let detail: ProcedureDetail =
        get_json(http, &format!("{base}/api/v1/procedures/{procedure}")).await?;
    let agencies: Vec<Agency> = get_json(http, &format!("{base}/api/v1/agencies")).await?;
    let settles = |code: &str| detail.agencies.iter().any(|a| a.code == code);
    let agency = agencies
        .iter()
        .filter(|a| a.kind == "commune" && settles(&a.code))
        .map(|a| a.code.clone())
        .min()
        .or_else(|| detail.agencies.first().map(|a| a.code.clone()))
        .ok_or_else(|| BenchError::Http(format!("procedure {procedure} names no agency")))?;
    Ok(Filing {
        procedure: procedure.to_owned(),
        agency,
        required_papers: detail
            .components
            .into_iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect(),
    })
}

/// A POST of `fields` as an HTML form would send them (`application/x-www-form-urlencoded`).
pub fn form_post(
    http: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    http.post(url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
}

/// Name of the officers' session cookie (crates/web/src/desk/session.rs).
const OFFICER_COOKIE: &str = "motcua_officer";

/// Signs an officer in over the HTML form and returns the `Cookie` header value of the session.
pub async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> Result<String, BenchError> {
    // The sign-in form carries a token that its page sets in a cookie too (double submit).
    let page = http
        .get(format!("{base}/back-office/sign-in"))
        .send()
        .await
        .map_err(|e| BenchError::Http(format!("sign-in page: {e}")))?;
    let token_cookie = page
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.contains("motcua_form="))
        .map(str::to_owned)
        .ok_or_else(|| BenchError::Http("sign-in page set no form token".into()))?;
    let token = token_cookie
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default();
    let response = form_post(
        http,
        &format!("{base}/back-office/sign-in"),
        &[
            ("username", username),
            ("password", password),
            ("next", "/back-office/inbox"),
            ("csrf", &token),
        ],
    )
    .header(reqwest::header::COOKIE, token_cookie)
    .send()
    .await
    .map_err(|e| BenchError::Http(format!("sign-in: {e}")))?;
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        // Over TLS the cookie has the `__Host-` prefix.
        .find(|pair| {
            pair.trim_start_matches("__Host-")
                .starts_with(&format!("{OFFICER_COOKIE}="))
        })
        .map(str::to_owned)
        .ok_or_else(|| {
            BenchError::Http(format!(
                "sign-in as {username} gave no session (status {}): wrong name or password?",
                response.status()
            ))
        })
}
