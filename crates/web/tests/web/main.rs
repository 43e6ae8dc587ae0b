//! HTTP tests of the whole web edge, run in-process against a fresh seeded database: SQLite by
//! default, PostgreSQL in a schema of its own when `TEST_DATABASE_URL` is set.

pub(crate) mod account;
mod api;
mod api_clients;
pub(crate) mod apply;
mod authorisation;
pub(crate) mod desk;
mod hardening;
mod i18n;
mod lifecycle;
mod officers;
mod ops;
mod pages;
mod payments;
mod personal_data;
mod ratings;
mod registry;
mod reports;
mod results;
mod tracking;
mod webhooks;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use storage::testing::TestDb;
use tower::ServiceExt;
use web::{AppState, ReferenceData};

/// Forms posted before any session, which carry a double-submit token (`edge::form_token`).
pub(crate) const PRE_SESSION_FORMS: [&str; 3] = [
    "/account/sign-in",
    "/account/register",
    "/back-office/sign-in",
];

/// The token a pre-session form page hands out, which its cookie holds too.
pub(crate) fn form_token(page: &Reply) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("no form token ({}): {}", page.status, page.body))
        + marker.len();
    let token = page.body[start..start + page.body[start..].find('"').expect("end")].to_owned();
    let set = page
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with(&format!("motcua_form={token}")));
    assert!(set, "the page sets the token's cookie");
    token
}

/// A running application and the database behind it.
pub(crate) struct TestApp {
    pub(crate) router: axum::Router,
    pub(crate) state: AppState,
    pub(crate) db: TestDb,
    /// A cookie sent with every request that has none of its own (a signed-in visitor).
    pub(crate) cookie: std::sync::Mutex<Option<String>>,
}

/// A response read whole.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    pub(crate) async fn new() -> TestApp {
        TestApp::configured(|_| {}).await
    }

    /// An application whose state `configure` changes before the router is built.
    pub(crate) async fn configured(configure: impl FnOnce(&mut AppState)) -> TestApp {
        let db = TestDb::seeded().await.expect("seeded test database");
        let reference = ReferenceData::load(&db.db, Default::default())
            .await
            .expect("reference data");
        let mut state = AppState::new(web::App::new(db.db.clone(), reference));
        state.today_override = Some(time::macros::date!(2026 - 02 - 18));
        // Uploaded papers go beside the test's SQLite file, or to a shared temporary folder on
        // PostgreSQL (content-addressed, so tests never disturb each other's files).
        state.attachments_dir = db
            .db
            .sqlite_folder()
            .unwrap_or_else(|| std::env::temp_dir().join("motcua-test"))
            .join("attachments");
        configure(&mut state);
        TestApp {
            router: web::app(state.clone()),
            state,
            db,
            cookie: std::sync::Mutex::new(None),
        }
    }

    /// Sends `cookie` with the following requests (`None`: browse anonymously again).
    pub(crate) fn browse_as(&self, cookie: Option<&str>) {
        *self.cookie.lock().expect("cookie lock") = cookie.map(str::to_owned);
    }

    pub(crate) async fn request(&self, mut request: Request<Body>) -> Reply {
        let cookie = self.cookie.lock().expect("cookie lock").clone();
        if let Some(cookie) = cookie
            && !request.headers().contains_key(header::COOKIE)
            && let Ok(value) = axum::http::HeaderValue::from_str(&cookie)
        {
            request.headers_mut().insert(header::COOKIE, value);
        }
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible router");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            // Lossy, so binary answers (PDF) can be checked by status and headers too.
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub(crate) async fn get(&self, uri: &str) -> Reply {
        self.request(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// A POST of an HTML form (`application/x-www-form-urlencoded`). The forms that come
    /// before a session (signing in, registering) are first opened, as a browser would, for
    /// their token and its cookie, unless the test gives a `csrf` field of its own.
    pub(crate) async fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let path = uri.split('?').next().unwrap_or(uri);
        let token;
        let mut fields = fields.to_vec();
        let mut form_cookie = None;
        if PRE_SESSION_FORMS.contains(&path) && !fields.iter().any(|(k, _)| *k == "csrf") {
            let page = self.get(path).await;
            token = form_token(&page);
            form_cookie = Some(format!("motcua_form={token}"));
            fields.push(("csrf", &token));
        }
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        if let Some(form_cookie) = form_cookie {
            let signed_in = self.cookie.lock().expect("cookie lock").clone();
            let cookie = match signed_in {
                Some(c) => format!("{c}; {form_cookie}"),
                None => form_cookie,
            };
            request.headers_mut().insert(
                header::COOKIE,
                axum::http::HeaderValue::from_str(&cookie).expect("cookie"),
            );
        }
        self.request(request).await
    }

    /// A POST of a form with files (`multipart/form-data`): text fields, then files as
    /// (field name, file name, bytes).
    pub(crate) async fn post_multipart(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        const BOUNDARY: &str = "----motcua-test-boundary-7d1f";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.request(
            Request::post(uri)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// A tracking look-up as the page's form posts it.
    pub(crate) async fn track(&self, code: &str, digits: &str) -> Reply {
        self.post_form("/tracking", &[("code", code), ("digits", digits)])
            .await
    }

    /// What the tracking page's "send papers" button posts: the supplement form for a dossier.
    pub(crate) async fn supplement_form(&self, code: &str, digits: &str) -> Reply {
        self.post_multipart(
            "/tracking/supplement",
            &[("code", code), ("digits", digits), ("find", "1")],
            &[],
        )
        .await
    }

    /// A GET as a visitor who chose a language.
    pub(crate) async fn get_in(&self, uri: &str, lang: &str) -> Reply {
        self.request(
            Request::get(uri)
                .header(header::COOKIE, format!("lang={lang}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }
}

/// Names of the procedures listed on a results page, in order.
pub(crate) fn card_titles(html: &str) -> Vec<String> {
    html.split("<h3 class=\"card-title\">")
        .skip(1)
        .filter_map(|chunk| {
            let start = chunk.find('>')? + 1;
            let end = chunk.find("</a>")?;
            Some(chunk[start..end].to_owned())
        })
        .collect()
}

/// Encodes a form value as browsers do for `application/x-www-form-urlencoded`.
pub(crate) fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
