//! The applicant's notices over real sockets, through the production clients (SMTP with lettre,
//! eSMS's JSON API over HTTP) to `motcua sandbox`'s SMTP sink and SMS gateway: each notice is
//! received once, in the applicant's language, with the same id it was written with; with the
//! sinks down the notices wait, and they are received when the sinks come back.

use std::sync::Arc;

use app::App;
use app::notifications::{Language, Notifier, Preferences};
use domain::dossier::{Actor, OfficerRole};
use integrations::notify::{SmsConfig, SmsGateway, SmtpConfig, SmtpMailer, SmtpSecurity};
use serde_json::Value;
use time::OffsetDateTime;

mod support;

use support::{Reach, application, commune_procedure, walk_in_reaching};

/// The app sending to `sandbox`'s sinks with the clients production uses.
fn sending_to(mut app: App, sandbox: &sandbox::Sandbox) -> App {
    let smtp = sandbox.smtp_addr();
    let options = sandbox.options();
    app.notifier = Notifier {
        mailer: Some(Arc::new(
            SmtpMailer::new(SmtpConfig::new(
                &smtp.ip().to_string(),
                smtp.port(),
                SmtpSecurity::Plain,
                "Cổng dịch vụ công <no-reply@motcua.invalid>",
            ))
            .expect("SMTP client"),
        )),
        sms: Some(Arc::new(
            SmsGateway::new(SmsConfig::new(
                &sandbox.sms_endpoint(),
                &options.sms_api_key,
                options.sms_secret_key.as_str(),
                &options.sms_brandname,
            ))
            .expect("SMS client"),
        )),
        public_url: "https://dichvucong.example.gov.vn".into(),
        ..Notifier::default()
    };
    app
}

async fn walk_in(app: &App, n: usize, reach: &Reach<'_>) -> String {
    let procedure = commune_procedure(app);
    let reception = Actor::Officer {
        officer_id: "r1".into(),
        role: OfficerRole::Reception,
        unit: procedure.agencies[0].clone(),
    };
    walk_in_reaching(
        app,
        &procedure,
        &reception,
        n,
        OffsetDateTime::now_utc(),
        None,
        reach,
    )
    .await
    .stored
    .code
}

/// What the sinks received, newest first.
async fn received(sandbox: &sandbox::Sandbox) -> Vec<Value> {
    let listing: Value = reqwest::get(format!("{}.json", sandbox.messages_url()))
        .await
        .expect("listing")
        .json()
        .await
        .expect("json");
    listing["messages"].as_array().cloned().unwrap_or_default()
}

fn of<'a>(messages: &'a [Value], channel: &str, to: &str) -> Vec<&'a Value> {
    messages
        .iter()
        .filter(|m| m["channel"] == channel && m["to"] == to)
        .collect()
}

#[tokio::test]
async fn each_notice_reaches_the_sandbox_once_in_the_applicants_language() {
    let (db, app) = application().await;
    let sandbox = sandbox::spawn("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("sandbox");
    let app = sending_to(app, &sandbox);

    // A walk-in without an account: Vietnamese, by e-mail and SMS.
    let vi = walk_in(
        &app,
        1,
        &Reach {
            phone: "0912 345 678",
            email: "lan@example.vn",
            account: None,
        },
    )
    .await;
    // A citizen whose account asks for English, by e-mail only.
    db.db
        .create_citizen(&storage::citizens::NewCitizen {
            id: "citizen:en".into(),
            full_name: "Lê Văn Cường".into(),
            email: Some("cuong@example.vn".into()),
            phone: None,
            password_hash: None,
            oidc: None,
        })
        .await
        .expect("account");
    app::notifications::set_preferences(
        &app,
        "citizen:en",
        &Preferences {
            email: true,
            sms: false,
            language: Language::En,
        },
    )
    .await
    .expect("preferences");
    let en = walk_in(
        &app,
        2,
        &Reach {
            phone: "0987 654 321",
            email: "cuong@example.vn",
            account: Some("citizen:en"),
        },
    )
    .await;

    app::notifications::compose_due_as(&app, "test")
        .await
        .expect("compose");
    let round = app::outbox::deliver_due_as(&app, "test")
        .await
        .expect("deliver");
    assert_eq!(round.delivered, 3, "{round:?}");

    let messages = received(&sandbox).await;
    let mail = of(&messages, "email", "lan@example.vn");
    assert_eq!(mail.len(), 1, "{messages:?}");
    let subject = mail[0]["subject"].as_str().unwrap_or_default();
    assert!(
        subject.contains(&vi) && subject.contains("đã được tiếp nhận"),
        "{subject}"
    );
    assert!(
        mail[0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Kính gửi Lê Văn Cường")),
        "{:?}",
        mail[0]
    );
    assert!(
        mail[0]["html"].as_str().is_some_and(
            |h| h.contains("<a href=\"https://dichvucong.example.gov.vn/tracking?code=")
        ),
        "{:?}",
        mail[0]
    );
    let sms = of(&messages, "sms", "0912345678");
    assert_eq!(sms.len(), 1, "{messages:?}");
    let text = sms[0]["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&vi) && text.contains("da duoc tiep nhan") && text.is_ascii(),
        "{text}"
    );

    let english = of(&messages, "email", "cuong@example.vn");
    assert_eq!(english.len(), 1, "{messages:?}");
    let subject = english[0]["subject"].as_str().unwrap_or_default();
    assert!(
        subject.contains(&en) && subject.contains("accepted"),
        "{subject}"
    );
    assert!(
        of(&messages, "sms", "0987654321").is_empty(),
        "the account turned SMS off"
    );

    // The ids the receivers saw are the deliveries' own.
    let data = app.reference.get();
    let view = app::dossiers::DossierService::new(&app.db, &app.vault, &data)
        .get(&vi)
        .await
        .expect("dossier");
    let deliveries = app::outbox::of_dossier(&app, view.stored.id)
        .await
        .expect("deliveries");
    for d in &deliveries {
        assert!(
            messages.iter().any(|m| m["id"]
                .as_str()
                .is_some_and(|id| id.contains(&d.id.to_string()))),
            "delivery {} not received under its id: {messages:?}",
            d.id
        );
    }

    // A second round sends nothing again.
    assert_eq!(
        app::outbox::deliver_due_as(&app, "test")
            .await
            .expect("deliver"),
        app::outbox::Round::default()
    );
    assert_eq!(received(&sandbox).await.len(), 3);
}

#[tokio::test]
async fn with_the_sinks_down_notices_wait_and_arrive_when_they_come_back() {
    let (_db, app) = application().await;
    let sandbox = sandbox::spawn("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("sandbox");
    let app = sending_to(app, &sandbox);
    let control = |action: &str| {
        let url = format!("{}/{action}", sandbox.messages_url());
        async move {
            let answer = reqwest::Client::new()
                .post(url)
                .send()
                .await
                .expect("control");
            assert!(answer.status().is_success(), "{}", answer.status());
        }
    };
    let code = walk_in(
        &app,
        3,
        &Reach {
            phone: "0912 000 111",
            email: "hoa@example.vn",
            account: None,
        },
    )
    .await;
    control("down").await;
    app::notifications::compose_due_as(&app, "test")
        .await
        .expect("compose");
    let round = app::outbox::deliver_due_as(&app, "test")
        .await
        .expect("deliver");
    assert_eq!(round.postponed, 2, "{round:?}");
    assert!(received(&sandbox).await.is_empty());

    control("up").await;
    let round = app::outbox::deliver_due_at(
        &app,
        "test",
        OffsetDateTime::now_utc() + time::Duration::hours(1),
    )
    .await
    .expect("deliver");
    assert_eq!(round.delivered, 2, "{round:?}");
    let messages = received(&sandbox).await;
    assert_eq!(messages.len(), 2);
    assert!(
        messages
            .iter()
            .all(|m| { m["text"].as_str().is_some_and(|t| t.contains(&code)) })
    );
}
