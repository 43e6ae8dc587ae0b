//! The authorisation matrix (issue 4, DESIGN §8): every route of the portal, the back office and
//! the API, asked by an anonymous visitor, citizens A and B, officers of every role in unit X
//! and two officers of unit Y, about A's dossier and draft in unit X. Each cell is the status
//! that route must answer that actor. A route found in the source that is not in the matrix
//! fails the test, so a new route cannot ship without deciding who may use it.

use std::collections::BTreeSet;

use app::dossiers::{Application, DossierService, Opening};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::dossier::{Action, Actor, Applicant, ApplicantKind, OfficerRole};
use storage::papers::{NewDossierPaper, PaperPurpose};
use time::OffsetDateTime;

use crate::{Reply, TestApp};

/// The actors, in the order of each row's cells.
const ACTORS: [&str; 10] = [
    "anonymous",
    "citizen A",
    "citizen B",
    "X reception",
    "X handling",
    "X leader",
    "X unit admin",
    "X auditor",
    "Y reception",
    "Y leader",
];

/// What a cell expects.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Exactly this status.
    Is(u16),
    /// Anything but "not found" and "forbidden": the owner gets through to the page or its rules.
    Reaches,
}

use Expect::{Is, Reaches};

/// Every actor gets the same answer.
fn all(status: u16) -> [Expect; 10] {
    [Is(status); 10]
}

/// Visitors without the right session are sent to sign in; signed-in ones get `signed_in`.
fn citizens_only(a: Expect, b: Expect) -> [Expect; 10] {
    [
        Is(303),
        a,
        b,
        Is(303),
        Is(303),
        Is(303),
        Is(303),
        Is(303),
        Is(303),
        Is(303),
    ]
}

fn officers_only(x: [Expect; 5], y: [Expect; 2]) -> [Expect; 10] {
    [
        Is(303),
        Is(303),
        Is(303),
        x[0],
        x[1],
        x[2],
        x[3],
        x[4],
        y[0],
        y[1],
    ]
}

fn api_officers_only(x: [Expect; 5], y: [Expect; 2]) -> [Expect; 10] {
    [
        Is(401),
        Is(401),
        Is(401),
        x[0],
        x[1],
        x[2],
        x[3],
        x[4],
        y[0],
        y[1],
    ]
}

/// A's draft: A reaches it, nobody else learns it exists.
fn owner_only() -> [Expect; 10] {
    let mut row = all(404);
    row[1] = Reaches;
    row
}

struct Session {
    cookie: Option<String>,
    csrf: String,
}

struct Row {
    method: &'static str,
    /// The route as the router declares it.
    route: &'static str,
    /// The concrete address asked.
    uri: String,
    /// Form fields (`csrf` is filled with the actor's own token) or a JSON body.
    body: Body2,
    expect: [Expect; 10],
}

enum Body2 {
    None,
    Form(Vec<(&'static str, String)>),
    Json(String),
    /// A one-file upload, as the paper page posts it.
    Upload,
    /// A form with a file under the given field name, as the result form posts it (an empty
    /// `csrf` is the actor's own token, as for `Form`).
    UploadWith(&'static str, Vec<(&'static str, String)>),
}

const BOUNDARY: &str = "----matrix-boundary";

fn upload_body() -> Vec<u8> {
    upload_body_with("file", &[])
}

fn upload_body_with(file_field: &str, fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"a.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(b"%PDF-1.4\n%matrix\n\r\n");
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn cookie_of(reply: &Reply) -> String {
    reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no cookie ({}): {}", reply.status, reply.body))
        .to_owned()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.find(&marker)
        .map(|i| {
            let start = i + marker.len();
            html[start..start + html[start..].find('"').unwrap_or(0)].to_owned()
        })
        .unwrap_or_default()
}

async fn get_with(app: &TestApp, cookie: &str, uri: &str) -> Reply {
    app.request(
        Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

async fn citizen(app: &TestApp, name: &str, login: &str) -> Session {
    let reply = app
        .post_form(
            "/account/register",
            &[
                ("name", name),
                ("login", login),
                ("password", "mật khẩu đủ dài 2026"),
            ],
        )
        .await;
    let cookie = cookie_of(&reply);
    let home = get_with(app, &cookie, "/account").await;
    Session {
        csrf: hidden(&home.body, "csrf"),
        cookie: Some(cookie),
    }
}

async fn officer(app: &TestApp, username: &str) -> Session {
    let reply = app
        .post_form(
            "/back-office/sign-in",
            &[
                ("username", username),
                ("password", app::accounts::officers::DEMO_PASSWORD),
            ],
        )
        .await;
    let cookie = cookie_of(&reply);
    let inbox = get_with(app, &cookie, "/back-office/inbox").await;
    Session {
        csrf: hidden(&inbox.body, "csrf"),
        cookie: Some(cookie),
    }
}

/// Every route the web crate declares, read from its source.
fn declared_routes() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                let mut rest = text.as_str();
                while let Some(i) = rest.find(".route(") {
                    rest = &rest[i + ".route(".len()..];
                    let trimmed = rest.trim_start();
                    if let Some(quoted) = trimmed.strip_prefix('"')
                        && let Some(end) = quoted.find('"')
                    {
                        out.insert(quoted[..end].to_owned());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut out,
    );
    out
}

#[tokio::test]
async fn every_route_answers_every_actor_as_the_policy_says() {
    let app = TestApp::new().await;
    let data = app.state.reference.get();
    app::accounts::officers::ensure_demo_officers(&app.db.db, &data)
        .await
        .expect("demo officers");
    let unit_of = |username: &'static str| {
        let db = app.db.db.clone();
        async move {
            db.officer_by_username(username)
                .await
                .expect("read")
                .expect("officer")
                .agency_code
        }
    };
    let x = unit_of("tiepnhan.xa").await;
    let y = unit_of("tiepnhan.so").await;
    assert_ne!(x, y);

    // A procedure unit X settles online, and A's dossier of it, accepted, with one paper.
    let procedure = data
        .catalogue
        .procedures
        .iter()
        .find(|p| {
            p.agencies.contains(&x)
                && p.service_mode.accepts_online_application()
                && p.channels.contains(&domain::catalogue::Channel::Online)
        })
        .expect("an online procedure of the commune")
        .clone();
    let a = citizen(&app, "Nguyễn Thị Hoa", "hoa@example.vn").await;
    let b = citizen(&app, "Lê Văn Bình", "binh@example.vn").await;
    let a_cookie = a.cookie.clone().expect("cookie");
    let account = {
        // The account id is what the dossier records; read it back from a draft A starts.
        let started = app
            .request(
                Request::post(format!("/procedures/{}/apply", procedure.code))
                    .header(header::COOKIE, &a_cookie)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("form_token=matrix-draft"))
                    .expect("request"),
            )
            .await;
        let to = started
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("draft")
            .to_owned();
        let id = to.split('/').nth(2).expect("draft id").to_owned();
        let stored = app
            .db
            .db
            .draft(uuid::Uuid::parse_str(&id).expect("uuid"))
            .await
            .expect("read")
            .expect("draft");
        (id, stored.citizen_id.expect("owned"))
    };
    let (draft, account) = account;
    let pdf: &[u8] = b"%PDF-1.4\n%matrix\n";
    let put = storage::PaperStore::new(&app.state.attachments_dir)
        .put(pdf)
        .expect("store");
    app.db
        .db
        .record_paper_blob(&put.sha256, "application/pdf", put.size_bytes)
        .await
        .expect("blob");
    let paper_sha = put.sha256.clone();
    let service = DossierService::new(&app.state.db, &app.state.vault, &data);
    let opened = service
        .open(
            &Actor::Applicant {
                applicant_id: account.clone(),
            },
            &Application {
                procedure_code: procedure.code.clone(),
                opening: Opening::Online { agency: x.clone() },
                applicant: Applicant {
                    id: account.clone(),
                    kind: ApplicantKind::Citizen,
                },
                applicant_name: "Nguyễn Thị Hoa".into(),
                applicant_contact: None,
                phone: Some("0912345678".into()),
                personal_id: None,
                papers: vec![NewDossierPaper {
                    component: procedure.components[0].name.clone(),
                    sha256: put.sha256.clone(),
                    file_name: "to-khai.pdf".into(),
                    media_type: "application/pdf".into(),
                    size_bytes: put.size_bytes,
                    purpose: PaperPurpose::Application,
                }],
                from_draft: None,
                account: Some(account.clone()),
            },
            OffsetDateTime::now_utc(),
            None,
        )
        .await
        .expect("opened");
    let app::dossiers::Outcome::Done(view) = opened else {
        panic!("replayed")
    };
    let code = view.stored.code.clone();
    service
        .act(
            &code,
            None,
            &Actor::Officer {
                officer_id: "tiepnhan.xa".into(),
                role: OfficerRole::Reception,
                unit: x.clone(),
            },
            &Action::Accept,
            OffsetDateTime::now_utc(),
            None,
        )
        .await
        .expect("accepted");
    let version = service
        .get(&code)
        .await
        .expect("dossier")
        .stored
        .event_count;
    let client = uuid::Uuid::now_v7();
    app.db
        .db
        .create_api_client(&storage::api_clients::NewApiClient {
            id: client,
            name: "Hệ thống đất đai".into(),
            agency_code: Some(x.clone()),
            created_by: "quantri.xa".into(),
        })
        .await
        .expect("client");
    let client = client.simple().to_string();

    let mut sessions = vec![
        Session {
            cookie: None,
            csrf: String::new(),
        },
        a,
        b,
    ];
    for username in [
        "tiepnhan.xa",
        "xuly.xa",
        "lanhdao.xa",
        "quantri.xa",
        "kiemtra.xa",
        "tiepnhan.so",
        "lanhdao.so",
    ] {
        sessions.push(officer(&app, username).await);
    }

    let link = app::ratings::RatingLink::new(
        &app.state.vault,
        &code,
        app::ratings::Door::Kiosk,
        OffsetDateTime::now_utc(),
    );
    let rating_link = link.path();
    let (rating_until, rating_sig) = (link.until.to_string(), link.signature.clone());
    let p = &procedure.code;
    let form = |fields: &[(&'static str, &str)]| {
        Body2::Form(fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
    };
    let get = |route: &'static str, uri: String, expect: [Expect; 10]| Row {
        method: "GET",
        route,
        uri,
        body: Body2::None,
        expect,
    };
    let acting_x = [Is(422), Is(422), Is(422), Is(403), Is(403)];
    let rows = vec![
        // Public pages and reference data.
        get("/", "/".into(), all(200)),
        get("/procedures", "/procedures".into(), all(200)),
        get("/procedures/{code}", format!("/procedures/{p}"), all(200)),
        Row {
            method: "POST",
            route: "/procedures/{code}/apply",
            uri: format!("/procedures/{p}/apply"),
            body: form(&[]),
            expect: all(303),
        },
        get("/tracking", "/tracking".into(), all(200)),
        Row {
            method: "POST",
            route: "/tracking",
            uri: "/tracking".into(),
            body: form(&[("code", ""), ("digits", "")]),
            expect: all(200),
        },
        get("/api/v1/tracking", "/api/v1/tracking".into(), all(400)),
        Row {
            method: "POST",
            route: "/api/v1/tracking",
            uri: "/api/v1/tracking".into(),
            body: Body2::Json(r#"{"code": "", "digits": ""}"#.into()),
            expect: all(400),
        },
        // A dossier's rating page opens only with its signed link, whoever holds it; this
        // dossier is still open, so the page says so and a rating posted is refused.
        get(
            "/ratings/{code}",
            format!(
                "{}0",
                rating_link.trim_end_matches(|c: char| c.is_ascii_hexdigit())
            ),
            all(403),
        ),
        get("/ratings/{code}", rating_link.clone(), all(200)),
        Row {
            method: "POST",
            route: "/ratings/{code}",
            uri: format!("/ratings/{code}"),
            body: form(&[
                ("door", "kiosk"),
                ("until", rating_until.as_str()),
                ("sig", rating_sig.as_str()),
                ("level", "satisfied"),
                ("one_stop", "good"),
                ("disclosure", "good"),
                ("conduct", "good"),
                ("asked_outside_rules", "no"),
                ("feedback_handling", "not_applicable"),
                ("online_service", "good"),
            ]),
            expect: all(409),
        },
        // The ratings report: read by those who read reports.
        get(
            "/back-office/reports/ratings",
            "/back-office/reports/ratings".into(),
            officers_only(
                [Is(403), Is(403), Is(200), Is(200), Is(200)],
                [Is(403), Is(200)],
            ),
        ),
        get(
            "/tracking/supplement",
            "/tracking/supplement".into(),
            all(200),
        ),
        Row {
            method: "POST",
            route: "/tracking/supplement",
            uri: "/tracking/supplement".into(),
            body: form(&[]),
            expect: all(400),
        },
        get(
            "/tracking/supplement/sent",
            "/tracking/supplement/sent".into(),
            all(303),
        ),
        get("/verify/{code}", format!("/verify/{code}?k=0000"), all(404)),
        get(
            "/verify/{code}/{form}",
            format!("/verify/{code}/receipt?k=0000"),
            all(404),
        ),
        // The electronic result, for whoever holds the key (results.rs opens one with it).
        get(
            "/verify/{code}/results/{position}",
            format!("/verify/{code}/results/1?k=0000"),
            all(404),
        ),
        get("/language", "/language?lang=en&next=/".into(), all(303)),
        get("/livez", "/livez".into(), all(200)),
        get("/healthz", "/healthz".into(), all(200)),
        get("/metrics", "/metrics".into(), all(200)),
        get("/static/site.css", "/static/site.css".into(), all(200)),
        get(
            "/static/favicon.svg",
            "/static/favicon.svg".into(),
            all(200),
        ),
        get("/favicon.ico", "/favicon.ico".into(), all(200)),
        get("/api/openapi.json", "/api/openapi.json".into(), all(200)),
        get("/api/v1/agencies", "/api/v1/agencies".into(), all(200)),
        get(
            "/api/v1/calendar",
            "/api/v1/calendar?year=2026".into(),
            all(200),
        ),
        get("/api/v1/fields", "/api/v1/fields".into(), all(200)),
        get("/api/v1/procedures", "/api/v1/procedures".into(), all(200)),
        get(
            "/api/v1/procedures/{code}",
            format!("/api/v1/procedures/{p}"),
            all(200),
        ),
        // The back office's reference views show published reference data only.
        get("/back-office", "/back-office".into(), all(200)),
        get(
            "/back-office/procedures",
            "/back-office/procedures".into(),
            all(200),
        ),
        get(
            "/back-office/agencies",
            "/back-office/agencies".into(),
            all(200),
        ),
        get(
            "/back-office/calendar",
            "/back-office/calendar".into(),
            all(200),
        ),
        // Signing in.
        get("/account/register", "/account/register".into(), all(200)),
        Row {
            method: "POST",
            route: "/account/register",
            uri: "/account/register".into(),
            // Without the form's own token (edge::form_token), whoever posts.
            body: form(&[("name", ""), ("login", ""), ("password", "")]),
            expect: all(403),
        },
        get("/account/sign-in", "/account/sign-in".into(), all(200)),
        Row {
            method: "POST",
            route: "/account/sign-in",
            uri: "/account/sign-in".into(),
            // Without the form's own token (edge::form_token), whoever posts.
            body: form(&[("login", ""), ("password", "")]),
            expect: all(403),
        },
        // Single sign-on is off in this app (no provider configured): both answer 404. The
        // browser suite signs in through a real provider (e2e journey i).
        get("/account/sso", "/account/sso".into(), all(404)),
        get(
            "/account/sso/callback",
            "/account/sso/callback?code=x&state=y".into(),
            all(404),
        ),
        get(
            "/back-office/sign-in",
            "/back-office/sign-in".into(),
            all(200),
        ),
        Row {
            method: "POST",
            route: "/back-office/sign-in",
            uri: "/back-office/sign-in".into(),
            // Without the form's own token (edge::form_token), whoever posts.
            body: form(&[("username", ""), ("password", "")]),
            expect: all(403),
        },
        // The citizen's own.
        get(
            "/account",
            "/account".into(),
            citizens_only(Is(200), Is(200)),
        ),
        get(
            "/account/dossiers/{code}",
            format!("/account/dossiers/{code}"),
            citizens_only(Is(200), Is(404)),
        ),
        get(
            "/account/papers",
            "/account/papers".into(),
            citizens_only(Is(200), Is(200)),
        ),
        // A's papers are reached only by A (the matrix's dossier has one, from its application).
        get(
            "/account/papers/{sha256}",
            format!("/account/papers/{paper_sha}"),
            citizens_only(Reaches, Is(404)),
        ),
        Row {
            method: "POST",
            route: "/account/sign-out",
            uri: "/account/sign-out".into(),
            body: form(&[("csrf", "forged")]),
            expect: citizens_only(Is(403), Is(403)),
        },
        // A citizen's choice of notices: their own account only.
        Row {
            method: "POST",
            route: "/account/notifications",
            uri: "/account/notifications".into(),
            body: form(&[("csrf", ""), ("email", "on"), ("lang", "en")]),
            expect: citizens_only(Is(303), Is(303)),
        },
        get(
            "/applications/{id}/{step}",
            format!("/applications/{draft}/applicant"),
            owner_only(),
        ),
        Row {
            method: "POST",
            route: "/applications/{id}/{step}",
            uri: format!("/applications/{draft}/applicant"),
            body: form(&[]),
            expect: owner_only(),
        },
        get(
            "/applications/{id}/papers/{n}",
            format!("/applications/{draft}/papers/1"),
            owner_only(),
        ),
        Row {
            method: "POST",
            route: "/applications/{id}/papers/{n}",
            uri: format!("/applications/{draft}/papers/1"),
            body: Body2::Upload,
            expect: owner_only(),
        },
        get(
            "/applications/{id}/check",
            format!("/applications/{draft}/check"),
            owner_only(),
        ),
        Row {
            method: "POST",
            route: "/applications/{id}/submit",
            uri: format!("/applications/{draft}/submit"),
            body: form(&[]),
            expect: owner_only(),
        },
        get(
            "/applications/{id}/done",
            format!("/applications/{draft}/done"),
            owner_only(),
        ),
        // The back office.
        get(
            "/back-office/inbox",
            "/back-office/inbox".into(),
            officers_only([Is(200); 5], [Is(200); 2]),
        ),
        get(
            "/back-office/intake",
            "/back-office/intake".into(),
            officers_only([Is(200); 5], [Is(200); 2]),
        ),
        Row {
            method: "POST",
            route: "/back-office/intake",
            uri: "/back-office/intake".into(),
            body: form(&[("csrf", "")]),
            expect: officers_only(
                [Is(422), Is(403), Is(403), Is(403), Is(403)],
                [Is(422), Is(403)],
            ),
        },
        get(
            "/back-office/dossiers/{code}",
            format!("/back-office/dossiers/{code}"),
            officers_only([Is(200); 5], [Is(404); 2]),
        ),
        Row {
            method: "POST",
            route: "/back-office/dossiers/{code}/actions",
            uri: format!("/back-office/dossiers/{code}/actions"),
            body: form(&[
                ("csrf", ""),
                ("action", "approve"),
                ("version", &version.to_string()),
            ]),
            expect: officers_only(acting_x, [Is(404); 2]),
        },
        // Marking the result ready with its electronic file: the acting roles of the unit (the
        // state machine then refuses it here, the dossier not being approved).
        Row {
            method: "POST",
            route: "/back-office/dossiers/{code}/result",
            uri: format!("/back-office/dossiers/{code}/result"),
            body: Body2::UploadWith(
                "result_file",
                vec![
                    ("csrf", String::new()),
                    ("version", version.to_string()),
                    ("form_token", "matrix-result".into()),
                ],
            ),
            expect: officers_only(acting_x, [Is(404); 2]),
        },
        // Finding dossiers by personal ID: every officer, within their own unit (the search
        // itself never reaches another unit's dossiers; personal_data.rs proves it).
        get(
            "/back-office/search/personal-id",
            "/back-office/search/personal-id".into(),
            officers_only([Is(200); 5], [Is(200); 2]),
        ),
        Row {
            method: "POST",
            route: "/back-office/search/personal-id",
            uri: "/back-office/search/personal-id".into(),
            body: form(&[
                ("csrf", ""),
                ("personal_id", "001085012345"),
                ("reason", "verify_papers"),
            ]),
            expect: officers_only([Is(200); 5], [Is(200); 2]),
        },
        // Unmasking the applicant's personal ID: whoever reads the dossier, with a reason.
        Row {
            method: "POST",
            route: "/back-office/dossiers/{code}/personal-id",
            uri: format!("/back-office/dossiers/{code}/personal-id"),
            body: form(&[("csrf", ""), ("reason", "verify_papers")]),
            expect: officers_only([Is(200); 5], [Is(404); 2]),
        },
        get(
            "/back-office/dossiers/{code}/forms/{form}",
            format!("/back-office/dossiers/{code}/forms/receipt"),
            officers_only([Is(200); 5], [Is(404); 2]),
        ),
        get(
            "/back-office/dossiers/{code}/papers/{position}",
            format!("/back-office/dossiers/{code}/papers/1"),
            officers_only([Is(200); 5], [Is(404); 2]),
        ),
        Row {
            method: "POST",
            route: "/back-office/sign-out",
            uri: "/back-office/sign-out".into(),
            body: form(&[("csrf", "forged")]),
            expect: officers_only([Is(403); 5], [Is(403); 2]),
        },
        // API clients are managed by the unit's administrator; others learn nothing of them.
        get(
            "/back-office/api-clients",
            "/back-office/api-clients".into(),
            officers_only(
                [Is(403), Is(403), Is(403), Is(200), Is(403)],
                [Is(403), Is(403)],
            ),
        ),
        Row {
            method: "POST",
            route: "/back-office/api-clients",
            uri: "/back-office/api-clients".into(),
            body: form(&[("csrf", ""), ("name", "")]),
            expect: officers_only(
                [Is(403), Is(403), Is(403), Is(400), Is(403)],
                [Is(403), Is(403)],
            ),
        },
        Row {
            method: "POST",
            route: "/back-office/api-clients/{id}/keys",
            uri: format!("/back-office/api-clients/{client}/keys"),
            body: form(&[("csrf", "")]),
            expect: officers_only(
                [Is(404), Is(404), Is(404), Is(400), Is(404)],
                [Is(404), Is(404)],
            ),
        },
        Row {
            method: "POST",
            route: "/back-office/api-clients/{id}/keys/{prefix}/revoke",
            uri: format!("/back-office/api-clients/{client}/keys/mck_00000000/revoke"),
            body: form(&[("csrf", "")]),
            expect: officers_only(
                [Is(404), Is(404), Is(404), Is(303), Is(404)],
                [Is(404), Is(404)],
            ),
        },
        // A client's webhooks: its unit's administrator; for others the client does not exist.
        get(
            "/back-office/api-clients/{id}/webhooks",
            format!("/back-office/api-clients/{client}/webhooks"),
            officers_only(
                [Is(404), Is(404), Is(404), Is(200), Is(404)],
                [Is(404), Is(404)],
            ),
        ),
        Row {
            method: "POST",
            route: "/back-office/api-clients/{id}/webhooks",
            uri: format!("/back-office/api-clients/{client}/webhooks"),
            body: form(&[("csrf", ""), ("url", "")]),
            expect: officers_only(
                [Is(404), Is(404), Is(404), Is(422), Is(404)],
                [Is(404), Is(404)],
            ),
        },
        Row {
            method: "POST",
            route: "/back-office/api-clients/{id}/webhooks/{endpoint}/remove",
            uri: format!(
                "/back-office/api-clients/{client}/webhooks/{}/remove",
                uuid::Uuid::nil()
            ),
            body: form(&[("csrf", "")]),
            expect: officers_only([Is(404); 5], [Is(404); 2]),
        },
        Row {
            method: "POST",
            route: "/back-office/api-clients/{id}/webhooks/deliveries/{delivery}/replay",
            uri: format!(
                "/back-office/api-clients/{client}/webhooks/deliveries/{}/replay",
                uuid::Uuid::nil()
            ),
            body: form(&[("csrf", "")]),
            expect: officers_only([Is(404); 5], [Is(404); 2]),
        },
        // Officer accounts: the unit's administrator manages them; others learn nothing of
        // them. The target is the administrator's own account, so no row changes another's
        // (the administrator may not lock, demote or reset their own: 400).
        get(
            "/back-office/officers",
            "/back-office/officers".into(),
            officers_only(
                [Is(403), Is(403), Is(403), Is(200), Is(403)],
                [Is(403), Is(403)],
            ),
        ),
        Row {
            method: "POST",
            route: "/back-office/officers",
            uri: "/back-office/officers".into(),
            body: form(&[("csrf", ""), ("username", "")]),
            expect: officers_only(
                [Is(403), Is(403), Is(403), Is(400), Is(403)],
                [Is(403), Is(403)],
            ),
        },
        Row {
            method: "POST",
            route: "/back-office/officers/{id}/role",
            uri: "/back-office/officers/quantri.xa/role".into(),
            body: form(&[("csrf", ""), ("role", "reception")]),
            expect: officers_only(
                [Is(404), Is(404), Is(404), Is(400), Is(404)],
                [Is(404), Is(404)],
            ),
        },
        Row {
            method: "POST",
            route: "/back-office/officers/{id}/disable",
            uri: "/back-office/officers/quantri.xa/disable".into(),
            body: form(&[("csrf", "")]),
            expect: officers_only(
                [Is(404), Is(404), Is(404), Is(400), Is(404)],
                [Is(404), Is(404)],
            ),
        },
        Row {
            method: "POST",
            route: "/back-office/officers/{id}/enable",
            uri: "/back-office/officers/quantri.xa/enable".into(),
            body: form(&[("csrf", "")]),
            expect: officers_only(
                [Is(404), Is(404), Is(404), Is(303), Is(404)],
                [Is(404), Is(404)],
            ),
        },
        Row {
            method: "POST",
            route: "/back-office/officers/{id}/password",
            uri: "/back-office/officers/quantri.xa/password".into(),
            body: form(&[("csrf", "")]),
            expect: officers_only(
                [Is(404), Is(404), Is(404), Is(400), Is(404)],
                [Is(404), Is(404)],
            ),
        },
        Row {
            method: "POST",
            route: "/back-office/officers/{id}/second-factor/reset",
            uri: "/back-office/officers/quantri.xa/second-factor/reset".into(),
            body: form(&[("csrf", "")]),
            expect: officers_only(
                [Is(404), Is(404), Is(404), Is(303), Is(404)],
                [Is(404), Is(404)],
            ),
        },
        // Each officer's own second factor.
        get(
            "/back-office/security",
            "/back-office/security".into(),
            officers_only([Is(200); 5], [Is(200); 2]),
        ),
        Row {
            method: "POST",
            route: "/back-office/security",
            uri: "/back-office/security".into(),
            body: form(&[("csrf", ""), ("action", "")]),
            expect: officers_only([Is(400); 5], [Is(400); 2]),
        },
        // Deadline alerts: every officer sets their own address; a wrong one is refused.
        get(
            "/back-office/alerts",
            "/back-office/alerts".into(),
            officers_only([Is(200); 5], [Is(200); 2]),
        ),
        Row {
            method: "POST",
            route: "/back-office/alerts",
            uri: "/back-office/alerts".into(),
            body: form(&[("csrf", ""), ("email", "not an address")]),
            expect: officers_only([Is(400); 5], [Is(400); 2]),
        },
        // The notices sent: the unit's administrator; an unknown notice is not found.
        get(
            "/back-office/outbox",
            "/back-office/outbox".into(),
            officers_only(
                [Is(403), Is(403), Is(403), Is(200), Is(403)],
                [Is(403), Is(403)],
            ),
        ),
        Row {
            method: "POST",
            route: "/back-office/outbox/{id}/retry",
            uri: "/back-office/outbox/0190d0b2c0a47c3e8f1d2a3b4c5d6e7f/retry".into(),
            body: form(&[("csrf", "")]),
            expect: officers_only(
                [Is(403), Is(403), Is(403), Is(404), Is(403)],
                [Is(403), Is(403)],
            ),
        },
        // The API with an officer's session.
        get(
            "/api/v1/dossiers/{code}",
            format!("/api/v1/dossiers/{code}"),
            api_officers_only([Is(200); 5], [Is(404); 2]),
        ),
        Row {
            method: "POST",
            route: "/api/v1/dossiers/{code}/actions",
            uri: format!("/api/v1/dossiers/{code}/actions"),
            body: Body2::Json(format!(
                r#"{{"version": {version}, "action": {{"action": "approve", "note": null}}}}"#
            )),
            expect: api_officers_only(acting_x, [Is(404); 2]),
        },
        Row {
            method: "POST",
            route: "/api/v1/dossiers",
            uri: "/api/v1/dossiers".into(),
            body: Body2::Json(
                r#"{"procedure": "", "kind": "", "name": "", "decision": ""}"#.into(),
            ),
            expect: api_officers_only(
                [Is(400), Is(403), Is(403), Is(403), Is(403)],
                [Is(400), Is(403)],
            ),
        },
        // The API for outside systems takes an API key, never a session.
        Row {
            method: "POST",
            route: "/api/v1/applications",
            uri: "/api/v1/applications".into(),
            body: Body2::Json("{}".into()),
            expect: all(401),
        },
        get(
            "/api/v1/applications/{code}",
            format!("/api/v1/applications/{code}"),
            all(401),
        ),
        get("/api/v1/webhooks", "/api/v1/webhooks".into(), all(401)),
        Row {
            method: "POST",
            route: "/api/v1/webhooks",
            uri: "/api/v1/webhooks".into(),
            body: Body2::Json("{}".into()),
            expect: all(401),
        },
        Row {
            method: "DELETE",
            route: "/api/v1/webhooks/{id}",
            uri: format!("/api/v1/webhooks/{}", uuid::Uuid::nil()),
            body: Body2::Json(String::new()),
            expect: all(401),
        },
        get(
            "/api/v1/webhooks/{id}/deliveries",
            format!("/api/v1/webhooks/{}/deliveries", uuid::Uuid::nil()),
            all(401),
        ),
        Row {
            method: "POST",
            route: "/api/v1/webhooks/deliveries/{id}/replay",
            uri: format!("/api/v1/webhooks/deliveries/{}/replay", uuid::Uuid::nil()),
            body: Body2::Json(String::new()),
            expect: all(401),
        },
        // Payments: paying takes the dossier's owner or its code and digits; this app has no
        // gateway configured, so the owner reaches "not available" and the gateways' own
        // addresses do not exist.
        Row {
            method: "POST",
            route: "/payments/start",
            uri: "/payments/start".into(),
            body: form(&[
                ("csrf", ""),
                ("code", code.as_str()),
                ("digits", ""),
                ("channel", "vnpay"),
                ("form_token", "matrix-pay"),
            ]),
            expect: {
                let mut row = all(404);
                row[1] = Reaches;
                row
            },
        },
        get(
            "/payments/{channel}/callback",
            "/payments/vnpay/callback?vnp_TxnRef=MC1".into(),
            all(404),
        ),
        Row {
            method: "POST",
            route: "/payments/{channel}/callback",
            uri: "/payments/paygov/callback".into(),
            body: Body2::Json("{}".into()),
            expect: all(404),
        },
        get(
            "/payments/{channel}/return",
            "/payments/vnpay/return?vnp_TxnRef=MC1".into(),
            all(404),
        ),
        get(
            "/payments/receipts/{reference}",
            "/payments/receipts/MC1?k=0000".into(),
            all(404),
        ),
        get(
            "/payments/receipts/{reference}/pdf",
            "/payments/receipts/MC1/pdf?k=0000".into(),
            all(404),
        ),
        Row {
            method: "POST",
            route: "/back-office/dossiers/{code}/payments/{reference}/refund",
            uri: format!("/back-office/dossiers/{code}/payments/MC1/refund"),
            body: form(&[("csrf", ""), ("amount_vnd", "1"), ("reason", "matrix")]),
            expect: officers_only(
                [Is(403), Is(403), Is(404), Is(403), Is(403)],
                [Is(404), Is(404)],
            ),
        },
        get(
            "/back-office/reports/payments",
            "/back-office/reports/payments".into(),
            officers_only(
                [Is(403), Is(403), Is(200), Is(200), Is(200)],
                [Is(403), Is(200)],
            ),
        ),
        // The monthly dossier report: read by those who read reports.
        get(
            "/back-office/reports/monthly",
            "/back-office/reports/monthly".into(),
            officers_only(
                [Is(403), Is(403), Is(200), Is(200), Is(200)],
                [Is(403), Is(200)],
            ),
        ),
        // Look-ups in the population database: read by those who read reports.
        get(
            "/back-office/reports/registry-lookups",
            "/back-office/reports/registry-lookups".into(),
            officers_only(
                [Is(403), Is(403), Is(200), Is(200), Is(200)],
                [Is(403), Is(200)],
            ),
        ),
    ];

    let covered: BTreeSet<String> = rows.iter().map(|r| r.route.to_owned()).collect();
    let missing: Vec<_> = declared_routes().difference(&covered).cloned().collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the authorisation matrix: {missing:?}"
    );

    let mut wrong = Vec::new();
    for row in &rows {
        for (i, session) in sessions.iter().enumerate() {
            let mut request = Request::builder().method(row.method).uri(&row.uri);
            if let Some(cookie) = &session.cookie {
                request = request.header(header::COOKIE, cookie);
            }
            let body = match &row.body {
                Body2::None => Body::empty(),
                Body2::Form(fields) => {
                    request =
                        request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                    Body::from(
                        fields
                            .iter()
                            .map(|(k, v)| {
                                let v = if *k == "csrf" && v.is_empty() {
                                    session.csrf.as_str()
                                } else {
                                    v.as_str()
                                };
                                format!("{k}={}", crate::form_encode(v))
                            })
                            .collect::<Vec<_>>()
                            .join("&"),
                    )
                }
                Body2::Json(json) => {
                    request = request.header(header::CONTENT_TYPE, "application/json");
                    Body::from(json.clone())
                }
                Body2::Upload => {
                    request = request.header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    );
                    Body::from(upload_body())
                }
                Body2::UploadWith(file_field, fields) => {
                    request = request.header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    );
                    let fields: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| {
                            let v = if *k == "csrf" && v.is_empty() {
                                session.csrf.as_str()
                            } else {
                                v.as_str()
                            };
                            (*k, v)
                        })
                        .collect();
                    Body::from(upload_body_with(file_field, &fields))
                }
            };
            let reply = app.request(request.body(body).expect("request")).await;
            let status = reply.status;
            let ok = match row.expect[i] {
                Is(s) => status.as_u16() == s,
                Reaches => status != StatusCode::NOT_FOUND && status != StatusCode::FORBIDDEN,
            };
            if !ok {
                wrong.push(format!(
                    "{} {} as {}: expected {:?}, got {}",
                    row.method, row.uri, ACTORS[i], row.expect[i], status
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
