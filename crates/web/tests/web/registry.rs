//! Identity verification against the national population database over HTTP, with the registry
//! of `motcua sandbox` running on a free port (issue 6): a citizen of the synthetic population
//! applying online is verified, their name and address are filled in and the household book is
//! not asked for; a wrong name, a wrong birth date and an unknown number are refused with clear
//! messages; a slow or absent registry lets the citizen submit, unverified, and the background
//! retry verifies the dossier once the registry is back; every look-up is logged and counted.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use domain::catalogue::Procedure;
use integrations::registry::{Credentials, HttpRegistry, HttpRegistryConfig};
use integrations::resilience::RetryPolicy;
use sandbox::population::Citizen;

use crate::desk::{Session, get, hidden, location, post, sign_in};
use crate::{Reply, TestApp};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// An app whose registry is a sandbox on a free port; look-ups wait at most `timeout`, once.
async fn app_with_sandbox(timeout: Duration) -> (TestApp, sandbox::Sandbox) {
    let sandbox = sandbox::spawn("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("sandbox");
    let mut config = HttpRegistryConfig::new(
        sandbox.url(),
        Credentials::Client {
            id: sandbox.client_id().to_owned(),
            secret: sandbox.client_secret().into(),
        },
    );
    config.timeout = timeout;
    config.retry = RetryPolicy::none();
    let client = HttpRegistry::new(config).expect("registry client");
    let mut app = TestApp::new().await;
    let mut registry =
        app::registry::Registry::new(Arc::new(client), b"test-hash-key-0123456789".to_vec());
    registry.retry_after = Duration::ZERO;
    app.state.registry = Some(registry);
    app.router = web::app(app.state.clone());
    (app, sandbox)
}

/// Switches the sandbox: `delay?ms=N`, `down`, `up`.
async fn control(sandbox: &sandbox::Sandbox, switch: &str) {
    let reply = reqwest::Client::new()
        .post(format!("{}/_sandbox/registry/{switch}", sandbox.url()))
        .send()
        .await
        .expect("sandbox control");
    assert!(reply.status().is_success());
}

/// An adult of the synthetic population (the same one on every run).
fn person() -> Citizen {
    sandbox::population::citizens(0, 40)
        .into_iter()
        .find(|c| c.birth_date.year() < 2000)
        .expect("an adult in the first households")
}

fn dmy(d: time::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// The demonstration officers and an online procedure with a paper the population database
/// proves (a residence paper) settled by one of their units, with that unit.
async fn setup(app: &TestApp) -> (Procedure, String, Vec<app::accounts::officers::DemoOfficer>) {
    let data = app.state.reference.get();
    let officers = app::accounts::officers::ensure_demo_officers(&app.db.db, &data)
        .await
        .expect("demo officers");
    for p in &data.catalogue.procedures {
        if !p.service_mode.accepts_online_application()
            || !p.components.iter().any(|c| c.waived_if_population_verified)
        {
            continue;
        }
        if let Some(o) = officers.iter().find(|o| p.agencies.contains(&o.unit)) {
            return (p.clone(), o.unit.clone(), officers.clone());
        }
    }
    panic!("no online procedure with a residence paper in a demo unit")
}

/// Signs in the demo officer of `unit` with the role prefix (`tiepnhan`, `kiemtra`).
async fn officer_of(
    app: &TestApp,
    officers: &[app::accounts::officers::DemoOfficer],
    unit: &str,
    prefix: &str,
) -> Session {
    let o = officers
        .iter()
        .find(|o| o.unit == unit && o.username.starts_with(prefix))
        .expect("demo officer");
    sign_in(app, &o.username).await
}

/// Starts an application and answers up to the identity page; returns the draft's prefix.
async fn up_to_identity(
    app: &TestApp,
    procedure: &Procedure,
    agency: &str,
    name: &str,
    token: &str,
) -> String {
    let start = app
        .post_form(
            &format!("/procedures/{}/apply", procedure.code),
            &[("form_token", token)],
        )
        .await;
    let first = location(&start);
    let base = first.rsplit_once('/').expect("prefix").0.to_owned();
    if first.ends_with("/agency") {
        location(&app.post_form(&first, &[("agency", agency)]).await);
    }
    location(
        &app.post_form(
            &format!("{base}/applicant"),
            &[("applicant_kind", "citizen"), ("full_name", name)],
        )
        .await,
    );
    base
}

async fn identity(app: &TestApp, base: &str, id: &str, birth: &str) -> Reply {
    app.post_form(
        &format!("{base}/identity"),
        &[("personal_id", id), ("birth_date", birth)],
    )
    .await
}

/// Answers the remaining pages and submits; returns the dossier code and the paper pages seen.
async fn finish(app: &TestApp, base: &str, mut next: String) -> (String, Vec<String>) {
    let mut paper_pages = Vec::new();
    for _ in 0..30 {
        let reply = if next.ends_with("/contact") {
            let page = app.get(&next).await;
            let address = hidden_value(&page.body, "address").unwrap_or_default();
            let address = if address.is_empty() {
                "12 Lê Lợi".to_owned()
            } else {
                address
            };
            app.post_form(
                &next,
                &[
                    ("phone", "0912 345 678"),
                    ("email", ""),
                    ("address", &address),
                ],
            )
            .await
        } else if next.contains("/papers/") {
            paper_pages.push(app.get(&next).await.body);
            app.post_multipart(&next, &[("form_token", "t")], &[("file", "a.pdf", PDF)])
                .await
        } else if next.ends_with("/return") {
            app.post_form(&next, &[("return_method", "online")]).await
        } else if next.ends_with("/check") {
            let check = app.get(&next).await;
            assert_eq!(check.status, StatusCode::OK);
            let token = hidden(&check.body, "form_token").expect("token");
            let submitted = app
                .post_form(&format!("{base}/submit"), &[("form_token", &token)])
                .await;
            let done = app.get(&location(&submitted)).await;
            let code = done
                .body
                .split("class=\"dossier-code\">")
                .nth(1)
                .and_then(|s| s.split('<').next())
                .expect("dossier code on the confirmation")
                .to_owned();
            return (code, paper_pages);
        } else {
            panic!("unexpected page {next}");
        };
        next = location(&reply);
    }
    panic!("the journey never reached the confirmation")
}

/// The value of a text input.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The officers' look-up report, as an auditor of the commune sees it: the total.
async fn lookup_total(app: &TestApp, auditor: &Session) -> u64 {
    let report = get(
        app,
        &auditor.cookie,
        "/back-office/reports/registry-lookups",
    )
    .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    report
        .body
        .split("id=\"lookup-total\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|s| s.trim().parse().ok())
        .expect("total on the report")
}

#[tokio::test]
async fn a_verified_applicant_gets_name_and_address_filled_in_and_no_household_book_asked() {
    let (app, _sandbox) = app_with_sandbox(Duration::from_secs(5)).await;
    let (procedure, unit, officers) = setup(&app).await;
    let auditor = officer_of(&app, &officers, &unit, "kiemtra").await;
    let before = lookup_total(&app, &auditor).await;
    let spared: Vec<&str> = procedure
        .components
        .iter()
        .filter(|c| c.waived_if_population_verified)
        .map(|c| c.name.as_str())
        .collect();
    let c = person();
    // Typed in lower case with extra spaces: the database compares the normalised name.
    let base = up_to_identity(
        &app,
        &procedure,
        &unit,
        &format!(" {} ", c.full_name),
        "reg-ok",
    )
    .await;
    let verified = identity(&app, &base, c.personal_id.as_str(), &dmy(c.birth_date)).await;
    let next = location(&verified);
    assert!(next.ends_with("/contact"), "{next}");
    let contact = app.get(&next).await;
    assert!(
        contact.body.contains(&c.permanent.detail)
            && contact.body.contains(c.permanent.commune_name),
        "the permanent address is filled in: {}",
        contact.body
    );
    let (code, paper_pages) = finish(&app, &base, next).await;
    for page in &paper_pages {
        for name in &spared {
            assert!(!page.contains(name), "{name} is not asked for");
        }
    }
    assert_eq!(
        paper_pages.len(),
        procedure.components.len() - spared.len(),
        "every other paper is asked for"
    );
    assert_eq!(lookup_total(&app, &auditor).await, before + 1);
    // The report covers one year: an earlier one holds none of today's look-ups, and a year
    // that is not one is refused in words.
    let earlier = get(
        &app,
        &auditor.cookie,
        "/back-office/reports/registry-lookups?year=2020",
    )
    .await;
    assert_eq!(earlier.status, StatusCode::OK);
    assert!(
        earlier.body.contains("id=\"lookup-total\">0<"),
        "{}",
        earlier.body
    );
    let wrong = get(
        &app,
        &auditor.cookie,
        "/back-office/reports/registry-lookups?year=hai-nghin",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("Năm báo cáo không hợp lệ"));
    let reception = officer_of(&app, &officers, &unit, "tiepnhan").await;
    let page = get(
        &app,
        &reception.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Đã xác thực với Cơ sở dữ liệu quốc gia về dân cư")
    );
    assert!(page.body.contains(&c.full_name));
    let report = get(
        &app,
        &auditor.cookie,
        "/back-office/reports/registry-lookups",
    )
    .await;
    assert!(!report.body.contains(c.personal_id.as_str()));
}

#[tokio::test]
async fn a_wrong_name_is_refused_with_a_message_in_both_languages() {
    let (app, _sandbox) = app_with_sandbox(Duration::from_secs(5)).await;
    let (procedure, unit, _) = setup(&app).await;
    let c = person();
    let base = up_to_identity(&app, &procedure, &unit, "Nguyễn Văn Khác Tên", "reg-name").await;
    let wrong = identity(&app, &base, c.personal_id.as_str(), &dmy(c.birth_date)).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.body.contains("Họ và tên đã khai không khớp"),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("class=\"error-summary\""));
    let english = app
        .post_form(
            &format!("{base}/identity?lang=en"),
            &[
                ("personal_id", c.personal_id.as_str()),
                ("birth_date", &dmy(c.birth_date)),
            ],
        )
        .await;
    assert!(
        english
            .body
            .contains("The full name you gave does not match")
    );
}

#[tokio::test]
async fn a_wrong_birth_date_is_refused() {
    let (app, _sandbox) = app_with_sandbox(Duration::from_secs(5)).await;
    let (procedure, unit, _) = setup(&app).await;
    let c = person();
    let base = up_to_identity(&app, &procedure, &unit, &c.full_name, "reg-birth").await;
    // Same year (the number's own rules pass), another day.
    let other = c
        .birth_date
        .replace_day(if c.birth_date.day() == 1 { 2 } else { 1 });
    let wrong = identity(
        &app,
        &base,
        c.personal_id.as_str(),
        &dmy(other.expect("a day")),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .body
            .contains("Ngày sinh không khớp với Cơ sở dữ liệu"),
        "{}",
        wrong.body
    );
}

#[tokio::test]
async fn an_unknown_number_and_a_malformed_one_get_their_own_messages() {
    let (app, _sandbox) = app_with_sandbox(Duration::from_secs(5)).await;
    let (procedure, unit, _) = setup(&app).await;
    let c = person();
    let base = up_to_identity(&app, &procedure, &unit, &c.full_name, "reg-unknown").await;
    // The right province, century and year, a serial nobody has.
    let unknown = (0..1_000_000u32)
        .map(|serial| format!("{}{serial:06}", &c.personal_id.as_str()[..6]))
        .find(|id| {
            domain::identity::PersonalId::parse(id)
                .ok()
                .is_some_and(|p| sandbox::population::find(&p).is_none())
        })
        .expect("a free serial");
    let reply = identity(&app, &base, &unknown, &dmy(c.birth_date)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("Không có số định danh cá nhân này"),
        "{}",
        reply.body
    );
    let malformed = identity(&app, &base, "999085012345", &dmy(c.birth_date)).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(malformed.body.contains("Ba chữ số đầu không phải mã tỉnh"));
}

#[tokio::test]
async fn a_slow_registry_lets_the_citizen_submit_unverified_and_logs_a_timeout() {
    let (app, sandbox) = app_with_sandbox(Duration::from_millis(300)).await;
    let (procedure, unit, officers) = setup(&app).await;
    let auditor = officer_of(&app, &officers, &unit, "kiemtra").await;
    control(&sandbox, "delay?ms=2000").await;
    let c = person();
    let base = up_to_identity(&app, &procedure, &unit, &c.full_name, "reg-slow").await;
    let reply = identity(&app, &base, c.personal_id.as_str(), &dmy(c.birth_date)).await;
    let next = location(&reply);
    let (_, paper_pages) = finish(&app, &base, next).await;
    assert_eq!(
        paper_pages.len(),
        procedure.components.len(),
        "an unverified applicant is asked for every paper"
    );
    let report = get(
        &app,
        &auditor.cookie,
        "/back-office/reports/registry-lookups",
    )
    .await;
    assert!(report.body.contains("Quá thời gian"));
}

#[tokio::test]
async fn a_dossier_submitted_while_the_registry_is_down_is_verified_by_the_retry_once_it_is_back() {
    let (app, sandbox) = app_with_sandbox(Duration::from_secs(2)).await;
    let (procedure, unit, officers) = setup(&app).await;
    let reception = officer_of(&app, &officers, &unit, "tiepnhan").await;
    control(&sandbox, "down").await;
    let c = person();
    let base = up_to_identity(&app, &procedure, &unit, &c.full_name, "reg-down").await;
    let reply = identity(&app, &base, c.personal_id.as_str(), &dmy(c.birth_date)).await;
    let (code, _) = finish(&app, &base, location(&reply)).await;
    let uri = format!("/back-office/dossiers/{code}");
    let before = get(&app, &reception.cookie, &uri).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(
        before.body.contains("hệ thống sẽ tự tra cứu lại"),
        "{}",
        before.body
    );
    // Still down: the retry records nothing and keeps the look-up queued.
    assert_eq!(
        app::registry::retry_due(&app.state).await.expect("retry"),
        0
    );
    control(&sandbox, "up").await;
    assert_eq!(
        app::registry::retry_due(&app.state).await.expect("retry"),
        1
    );
    let after = get(&app, &reception.cookie, &uri).await;
    assert!(
        after
            .body
            .contains("Đã xác thực với Cơ sở dữ liệu quốc gia về dân cư")
    );
    assert!(
        after.body.contains("population-registry"),
        "the system is the actor"
    );
    assert_eq!(
        app::registry::retry_due(&app.state).await.expect("retry"),
        0
    );
}

#[tokio::test]
async fn an_officer_verifies_an_unverified_applicant_by_hand_with_reasons() {
    let (app, sandbox) = app_with_sandbox(Duration::from_secs(2)).await;
    let (procedure, unit, officers) = setup(&app).await;
    let reception = officer_of(&app, &officers, &unit, "tiepnhan").await;
    control(&sandbox, "down").await;
    let c = person();
    let base = up_to_identity(&app, &procedure, &unit, &c.full_name, "reg-manual").await;
    let reply = identity(&app, &base, c.personal_id.as_str(), &dmy(c.birth_date)).await;
    let (code, _) = finish(&app, &base, location(&reply)).await;
    let uri = format!("/back-office/dossiers/{code}");
    let page = get(&app, &reception.cookie, &uri).await;
    assert!(
        page.body
            .contains("name=\"action\" value=\"verify_identity\"")
    );
    let version = hidden(
        page.body
            .split("value=\"verify_identity\"")
            .next()
            .expect("form"),
        "version",
    )
    .expect("version");
    let blank = post(
        &app,
        &reception,
        &format!("{uri}/actions"),
        &[
            ("action", "verify_identity"),
            ("version", &version),
            ("reasons", ""),
        ],
    )
    .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = post(
        &app,
        &reception,
        &format!("{uri}/actions"),
        &[
            ("action", "verify_identity"),
            ("version", &version),
            ("reasons", "Đã đối chiếu thẻ căn cước gốc tại quầy"),
            ("form_token", "manual-1"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = get(&app, &reception.cookie, &uri).await;
    assert!(
        after
            .body
            .contains("Cán bộ đã xác thực thủ công: Đã đối chiếu thẻ căn cước gốc tại quầy")
    );
    assert!(
        !after
            .body
            .contains("name=\"action\" value=\"verify_identity\"")
    );
    // The registry comes back: the queued look-up finds nothing left to do.
    control(&sandbox, "up").await;
    assert_eq!(
        app::registry::retry_due(&app.state).await.expect("retry"),
        0
    );
}

#[tokio::test]
async fn the_counter_looks_up_keeping_what_was_typed_and_accepts_without_the_household_book() {
    let (app, _sandbox) = app_with_sandbox(Duration::from_secs(5)).await;
    let (procedure, unit, officers) = setup(&app).await;
    let reception = officer_of(&app, &officers, &unit, "tiepnhan").await;
    let c = person();
    let form = get(
        &app,
        &reception.cookie,
        &format!("/back-office/intake?procedure={}", procedure.code),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"lookup\""));
    let token = hidden(&form.body, "form_token").expect("token");
    let looked = post(
        &app,
        &reception,
        "/back-office/intake",
        &[
            ("form_token", &token),
            ("procedure", &procedure.code),
            ("kind", "citizen"),
            ("name", "Tên Khác Hẳn"),
            ("personal_id", c.personal_id.as_str()),
            ("birth_date", &dmy(c.birth_date)),
            ("phone", "0912345678"),
            ("reasons", "ghi chú đã gõ"),
            ("lookup", "1"),
        ],
    )
    .await;
    // Another name: a mismatch, said by the name field, with what was typed kept.
    assert_eq!(
        looked.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        looked.body
    );
    assert!(looked.body.contains("ghi chú đã gõ"));
    assert!(looked.body.contains("Họ và tên đã khai không khớp"));
    let looked = post(
        &app,
        &reception,
        "/back-office/intake",
        &[
            ("form_token", &token),
            ("procedure", &procedure.code),
            ("kind", "citizen"),
            ("name", &c.full_name),
            ("personal_id", c.personal_id.as_str()),
            ("birth_date", &dmy(c.birth_date)),
            ("phone", "0912345678"),
            ("reasons", "ghi chú đã gõ"),
            ("lookup", "1"),
        ],
    )
    .await;
    assert_eq!(looked.status, StatusCode::OK, "{}", looked.body);
    assert!(
        looked
            .body
            .contains("Đã xác thực với Cơ sở dữ liệu quốc gia về dân cư.")
    );
    assert!(
        looked.body.contains(&c.permanent.detail),
        "address filled in"
    );
    assert!(
        looked.body.contains("ghi chú đã gõ"),
        "what was typed is kept"
    );
    let lookup_ref = hidden(&looked.body, "registry_lookup").expect("look-up reference");
    let address = hidden_value(&looked.body, "address").expect("address");
    let mut fields: Vec<(&str, &str)> = vec![
        ("form_token", "counter-reg-1"),
        ("procedure", &procedure.code),
        ("kind", "citizen"),
        ("name", &c.full_name),
        ("personal_id", c.personal_id.as_str()),
        ("phone", "0912345678"),
        ("address", &address),
        ("registry_lookup", &lookup_ref),
        ("decision", "accept"),
    ];
    let birth = dmy(c.birth_date);
    fields.push(("birth_date", &birth));
    for paper in procedure
        .components
        .iter()
        .filter(|p| p.required && !p.waived_if_population_verified)
    {
        fields.push(("papers", &paper.name));
    }
    let accepted = post(&app, &reception, "/back-office/intake", &fields).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let dossier = get(&app, &reception.cookie, &location(&accepted)).await;
    assert!(
        dossier
            .body
            .contains("Đã xác thực với Cơ sở dữ liệu quốc gia về dân cư")
    );
}

#[tokio::test]
async fn look_ups_beyond_the_limit_are_refused_with_429() {
    let (mut app, _sandbox) = app_with_sandbox(Duration::from_secs(5)).await;
    let registry = app.state.registry.take().expect("registry");
    app.state.registry = Some(registry.with_limit(1, Duration::from_secs(600)));
    app.router = web::app(app.state.clone());
    let (procedure, unit, _) = setup(&app).await;
    let c = person();
    let base = up_to_identity(&app, &procedure, &unit, "Tên Sai", "reg-limit").await;
    let first = identity(&app, &base, c.personal_id.as_str(), &dmy(c.birth_date)).await;
    assert_eq!(first.status, StatusCode::BAD_REQUEST);
    let second = identity(&app, &base, c.personal_id.as_str(), &dmy(c.birth_date)).await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = second
        .headers
        .get(axum::http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=600).contains(&wait), "{wait}");
    assert!(
        second
            .body
            .contains("tra cứu Cơ sở dữ liệu dân cư quá nhiều lần"),
        "{}",
        second.body
    );
}
