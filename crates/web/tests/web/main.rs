//! HTTP tests of the whole web edge, run in-process against a fresh seeded database: SQLite by
//! default, PostgreSQL in a schema of its own when `TEST_DATABASE_URL` is set.

mod api;
mod i18n;
mod lifecycle;
mod ops;
mod pages;
mod tracking;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use storage::testing::TestDb;
use tower::ServiceExt;
use web::{AppState, ReferenceData};

/// A running application and the database behind it.
pub(crate) struct TestApp {
    pub(crate) router: axum::Router,
    pub(crate) state: AppState,
    pub(crate) db: TestDb,
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
        let db = TestDb::seeded().await.expect("seeded test database");
        let reference = ReferenceData::load(&db.db, Default::default())
            .await
            .expect("reference data");
        let mut state = AppState::new(db.db.clone(), reference);
        state.today_override = Some(time::macros::date!(2026 - 02 - 18));
        TestApp {
            router: web::app(state.clone()),
            state,
            db,
        }
    }

    pub(crate) async fn request(&self, request: Request<Body>) -> Reply {
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
            body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
        }
    }

    pub(crate) async fn get(&self, uri: &str) -> Reply {
        self.request(Request::get(uri).body(Body::empty()).expect("request"))
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
