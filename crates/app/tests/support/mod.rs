//! What the application layer's integration tests share: a seeded database with its reference
//! data, and a complete walk-in registered and accepted at the counter.

use app::dossiers::{Application, DossierService, DossierView, Opening, Outcome};
use app::{App, ReferenceData};
use domain::applicant::{ApplicantDetails, ApplicantForm, Intake};
use domain::catalogue::{Channel, Procedure};
use domain::dossier::{Actor, Applicant, ApplicantKind, IdentityCheck};
use storage::testing::TestDb;
use time::OffsetDateTime;

/// A seeded test database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`) and an app on it.
pub async fn application() -> (TestDb, App) {
    let db = TestDb::seeded().await.expect("seeded test database");
    let reference = ReferenceData::load(&db.db, Default::default())
        .await
        .expect("reference data");
    let app = App::new(db.db.clone(), reference);
    (db, app)
}

/// The `n`th walk-in of `procedure`, complete and accepted at once by `reception` at `at`, with
/// the population database's answer `identity` when there was one.
#[allow(dead_code)]
pub async fn walk_in(
    app: &App,
    procedure: &Procedure,
    reception: &Actor,
    n: usize,
    at: OffsetDateTime,
    identity: Option<&IdentityCheck>,
) -> DossierView {
    walk_in_reaching(
        app,
        procedure,
        reception,
        n,
        at,
        identity,
        &Reach::default(),
    )
    .await
}

/// How a walk-in can be reached: the phone number and e-mail address they gave (empty: none)
/// and the citizen account the dossier is recorded under.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reach<'a> {
    /// Phone as typed.
    pub phone: &'a str,
    /// E-mail as typed.
    pub email: &'a str,
    /// The account.
    pub account: Option<&'a str>,
}

/// [`walk_in`] reachable as `reach` says.
#[allow(dead_code)]
pub async fn walk_in_reaching(
    app: &App,
    procedure: &Procedure,
    reception: &Actor,
    n: usize,
    at: OffsetDateTime,
    identity: Option<&IdentityCheck>,
    reach: &Reach<'_>,
) -> DossierView {
    let Reach {
        phone,
        email,
        account,
    } = *reach;
    let data = app.reference.get();
    let service = DossierService::new(&app.db, &app.vault, &data);
    let personal_id = format!("0010900{n:05}");
    let details = ApplicantDetails::parse(
        &ApplicantForm {
            personal_id: &personal_id,
            birth_date: "1990-05-17",
            phone,
            email,
            ..ApplicantForm::default()
        },
        Intake::Counter,
        time::macros::date!(2026 - 12 - 07),
    )
    .expect("valid applicant");
    let opened = service
        .open_checked(
            reception,
            &Application {
                procedure_code: procedure.code.clone(),
                opening: Opening::Counter {
                    channel: Channel::Counter,
                    accept: true,
                    papers: Vec::new(),
                },
                applicant: Applicant {
                    id: format!("walk-in-{n}"),
                    kind: ApplicantKind::Citizen,
                },
                applicant_name: "Lê Văn Cường".into(),
                applicant_contact: Some(app::dossiers::contact_json(&details)),
                phone: None,
                personal_id: Some(personal_id),
                papers: Vec::new(),
                from_draft: None,
                account: account.map(str::to_owned),
            },
            identity,
            at,
            None,
        )
        .await
        .expect("registered");
    match opened {
        Outcome::Done(view) => *view,
        Outcome::Replayed(r) => panic!("a first registration is not a replay: {r:?}"),
    }
}

/// A commune procedure of the standard workflow that the counter takes.
#[allow(dead_code)]
pub fn commune_procedure(app: &App) -> Procedure {
    app.reference
        .get()
        .catalogue
        .procedures
        .iter()
        .find(|p| p.workflow == "commune-standard" && p.channels.contains(&Channel::Counter))
        .expect("a commune procedure with the standard workflow")
        .clone()
}

/// Records an active handling officer `id` of `unit` once (`storage::testing::handling_officer`).
#[allow(dead_code)]
pub async fn handling_officer(app: &App, id: &str, unit: &str) {
    storage::testing::handling_officer(&app.db, id, unit)
        .await
        .expect("officer");
}
