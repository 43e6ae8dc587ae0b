//! The citizen's online application over HTTP, as a browser without JavaScript sends it: start,
//! one question per page, uploads, check answers, submit, confirmation; errors that keep what
//! was typed; one dossier however often "send" is pressed; and the supplement upload.

use app::dossiers::{ContactRecord, DossierService};
use axum::http::{StatusCode, header};
use domain::catalogue::Procedure;
use domain::dossier::{Action, Actor, OfficerRole, Status};
use storage::papers::PaperPurpose;
use time::OffsetDateTime;

use crate::{Reply, TestApp};

pub(crate) const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89,
];

fn location(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned()
}

/// An online procedure with at least two papers, preferring one settled by several agencies.
pub(crate) fn online_procedure(app: &TestApp) -> Procedure {
    let data = app.state.reference.get();
    let candidates: Vec<&Procedure> = data
        .catalogue
        .procedures
        .iter()
        .filter(|p| p.service_mode.accepts_online_application() && p.components.len() >= 2)
        .collect();
    candidates
        .iter()
        .find(|p| p.agencies.len() > 1)
        .or(candidates.first())
        .map(|p| (*p).clone())
        .expect("an online procedure with two papers")
}

/// Starts an application and answers every question up to "check your answers"; returns the
/// draft's address prefix.
pub(crate) async fn answer_everything(app: &TestApp, procedure: &Procedure) -> String {
    answer_everything_at(app, procedure, &procedure.agencies[1], &[]).await
}

/// [`answer_everything`] at `agency`, with `more` answers on the applicant page.
pub(crate) async fn answer_everything_at(
    app: &TestApp,
    procedure: &Procedure,
    agency: &str,
    more: &[(&str, &str)],
) -> String {
    let start = app
        .post_form(
            &format!("/procedures/{}/apply", procedure.code),
            &[("form_token", "start-token-1")],
        )
        .await;
    let mut next = location(&start);
    let base = next.rsplit_once('/').expect("prefix").0.to_owned();
    let mut uploaded = 0;
    for _ in 0..40 {
        let page = app.get(&next).await;
        assert_eq!(page.status, StatusCode::OK, "{next}: {}", page.body);
        let reply = if next.ends_with("/agency") {
            app.post_form(&next, &[("agency", agency)]).await
        } else if next.ends_with("/applicant") {
            let mut answers = vec![
                ("applicant_kind", "citizen"),
                ("full_name", "Nguyễn Thị Hoa"),
            ];
            answers.extend_from_slice(more);
            app.post_form(&next, &answers).await
        } else if next.ends_with("/identity") {
            app.post_form(
                &next,
                &[
                    ("personal_id", "001 085 012 345"),
                    ("birth_date", "27/03/1985"),
                ],
            )
            .await
        } else if next.ends_with("/contact") {
            app.post_form(
                &next,
                &[
                    ("phone", "0912 345 678"),
                    ("email", ""),
                    ("address", "12 Lê Lợi, phường Bến Thành"),
                ],
            )
            .await
        } else if next.contains("/papers/") {
            uploaded += 1;
            let (name, bytes): (&str, &[u8]) = if uploaded % 2 == 1 {
                ("to-khai.pdf", PDF)
            } else {
                ("C:\\scan\\cccd.png", PNG)
            };
            app.post_multipart(&next, &[("form_token", "t")], &[("file", name, bytes)])
                .await
        } else if next.ends_with("/return") {
            app.post_form(&next, &[("return_method", "online")]).await
        } else if next.ends_with("/check") {
            return base;
        } else {
            panic!("unexpected page {next}");
        };
        next = location(&reply);
    }
    panic!("the journey never reached check your answers")
}

#[tokio::test]
async fn a_claimed_exemption_waives_the_fee_before_submitting_and_the_officer_checks_it() {
    let app = TestApp::new().await;
    let data = app.state.reference.get();
    let officers = app::accounts::officers::ensure_demo_officers(&app.db.db, &data)
        .await
        .expect("demo officers");
    // Permanent residence registration: 20,000 VND, waived for the elderly among others.
    let procedure = data.procedure("1.004222").expect("residence").clone();
    let unit = officers
        .iter()
        .find(|o| o.username == "tiepnhan.xa")
        .map(|o| o.unit.clone())
        .expect("commune reception");

    // A category the procedure's fee does not list is refused with its own message.
    let base = answer_everything_at(&app, &procedure, &unit, &[]).await;
    let wrong = app
        .post_form(
            &format!("{base}/applicant"),
            &[
                ("applicant_kind", "citizen"),
                ("full_name", "Nguyễn Thị Hoa"),
                ("fee_exemption", "astronaut"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    assert!(
        wrong
            .body
            .contains("Chọn một diện được miễn trong danh sách")
    );
    let check = app.get(&format!("{base}/check")).await;
    assert!(check.body.contains("Không thuộc diện được miễn"));
    assert!(check.body.contains("10.000"), "the online fee is quoted");

    let claimed = app
        .post_form(
            &format!("{base}/applicant"),
            &[
                ("applicant_kind", "citizen"),
                ("full_name", "Nguyễn Thị Hoa"),
                ("fee_exemption", "elderly"),
            ],
        )
        .await;
    assert_eq!(claimed.status, StatusCode::SEE_OTHER, "{}", claimed.body);
    let check = app.get(&format!("{base}/check")).await;
    assert!(check.body.contains("Người cao tuổi (từ đủ 60 tuổi)"));
    assert!(!check.body.contains("10.000"), "{}", check.body);
    assert!(check.body.contains("Nộp trực tuyến: 0"), "{}", check.body);
    let submitted = app
        .post_form(
            &format!("{base}/submit"),
            &[("form_token", "submit-exempt")],
        )
        .await;
    let done = app.get(&location(&submitted)).await;
    let code_start = done.body.find("class=\"dossier-code\">").expect("code") + 21;
    let code = &done.body[code_start..code_start + done.body[code_start..].find('<').expect("end")];

    // The officer reads the claim and the amount it leads to, and is offered it to confirm.
    let reception = crate::desk::sign_in(&app, "tiepnhan.xa").await;
    crate::desk::act_ok(&app, &reception, code, &[("action", "accept")]).await;
    let handler = crate::desk::sign_in(&app, "xuly.xa").await;
    crate::desk::act_ok(
        &app,
        &handler,
        code,
        &[("action", "assign"), ("officer_id", "xuly.xa")],
    )
    .await;
    let page = crate::desk::get(
        &app,
        &handler.cookie,
        &format!("/back-office/dossiers/{code}"),
    )
    .await;
    assert!(
        page.body.contains("Khai thuộc diện miễn phí, lệ phí"),
        "{}",
        page.body
    );
    assert!(page.body.contains("miễn: Người cao tuổi"), "{}", page.body);
    // Nothing is owed, so no amount is put forward for a fee request.
    let form = &page.body[page
        .body
        .find("id=\"request_fees-amount_vnd\"")
        .expect("fee form")..];
    assert!(
        form[..form.find('>').expect("tag")].contains("value=\"\""),
        "{form}"
    );
}

#[tokio::test]
async fn the_procedure_page_offers_online_application_only_when_the_mode_allows_it() {
    let app = TestApp::new().await;
    let data = app.state.reference.get();
    for p in &data.catalogue.procedures {
        let page = app.get(&format!("/procedures/{}", p.code)).await;
        let offered = page.body.contains(&format!("/procedures/{}/apply", p.code));
        assert_eq!(
            offered,
            p.service_mode.accepts_online_application(),
            "{}",
            p.code
        );
        if offered {
            assert!(page.body.contains("Nộp hồ sơ trực tuyến"));
            assert!(page.body.contains("name=\"form_token\""));
        }
    }
}

#[tokio::test]
async fn a_citizen_applies_online_with_papers_and_gets_a_dossier_code() {
    let app = TestApp::new().await;
    let procedure = online_procedure(&app);
    let base = answer_everything(&app, &procedure).await;

    let check = app.get(&format!("{base}/check")).await;
    assert_eq!(check.status, StatusCode::OK);
    for text in [
        "Nguyễn Thị Hoa",
        "001085012345",
        "27/03/1985",
        "0912 345 678",
        "Không cung cấp",
        "to-khai.pdf",
        "cccd.png",
        "Thay đổi",
        "Gửi hồ sơ",
    ] {
        assert!(check.body.contains(text), "check page lacks {text}");
    }
    assert!(
        !check.body.contains("C:\\scan"),
        "the file name lost its path"
    );

    let submitted = app
        .post_form(&format!("{base}/submit"), &[("form_token", "submit-1")])
        .await;
    let done_href = location(&submitted);
    assert_eq!(done_href, format!("{base}/done"));
    let done = app.get(&done_href).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Đã gửi hồ sơ"));
    assert!(done.body.contains("Ngày hẹn trả kết quả dự kiến"));
    assert!(done.body.contains("href=\"/tracking\""));
    assert!(
        done.body.contains("href=\"/verify/"),
        "the confirmation keeps the key to the dossier's forms"
    );
    let code_start = done.body.find("class=\"dossier-code\">").expect("code") + 21;
    let code = &done.body[code_start..code_start + done.body[code_start..].find('<').expect("end")];

    let stored = app
        .state
        .db
        .dossier_by_code(code)
        .await
        .expect("read")
        .expect("the dossier exists");
    assert_eq!(stored.channel, "online");
    assert_eq!(stored.applicant_name, "Nguyễn Thị Hoa");
    assert_eq!(stored.phone_last4.as_deref(), Some("5678"));
    assert_eq!(stored.id_last4.as_deref(), Some("2345"));
    if procedure.agencies.len() > 1 {
        assert_eq!(stored.agency_code, procedure.agencies[1]);
    }
    let contact = stored.applicant_contact.expect("contact");
    assert!(
        !contact.contains("001085012345"),
        "the personal ID is stored in clear"
    );
    let opened = app.state.vault.open_contact(&contact);
    let record = ContactRecord::read(Some(&opened)).expect("details");
    assert!(record.earlier.is_empty(), "{:?}", record.earlier);
    let details = record.details;
    assert_eq!(
        details.personal_id.as_ref().map(|id| id.as_str()),
        Some("001085012345")
    );
    assert_eq!(
        details.birth_date.map(|d| d.iso()).as_deref(),
        Some("1985-03-27")
    );
    assert_eq!(
        details.return_method,
        Some(domain::dossier::ReturnMethod::Online)
    );
    assert_eq!(details.email, None);

    let papers = app
        .state
        .db
        .dossier_papers(stored.id)
        .await
        .expect("papers");
    assert_eq!(papers.len(), procedure.components.len());
    assert!(
        papers
            .iter()
            .all(|p| p.purpose == PaperPurpose::Application)
    );
    assert_eq!(papers[0].component, procedure.components[0].name);
    assert_eq!(papers[0].media_type, "application/pdf");
    assert_eq!(papers[1].media_type, "image/png");
    assert_eq!(papers[1].file_name, "cccd.png");
    let store = storage::PaperStore::new(&app.state.attachments_dir);
    assert_eq!(
        store.open(&papers[0].sha256).expect("open").as_deref(),
        Some(PDF)
    );

    // A submitted draft shows its confirmation again, never a second form.
    let again = app.get(&format!("{base}/check")).await;
    assert_eq!(location(&again), done_href);
}

#[tokio::test]
async fn a_thirteen_digit_id_and_a_wrong_file_type_get_specific_errors_and_keep_the_answers() {
    let app = TestApp::new().await;
    let procedure = online_procedure(&app);
    let start = app
        .post_form(
            &format!("/procedures/{}/apply", procedure.code),
            &[("form_token", "start-errors")],
        )
        .await;
    let first = location(&start);
    let base = first.rsplit_once('/').expect("prefix").0.to_owned();
    if first.ends_with("/agency") {
        let missing = app.post_form(&first, &[]).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert!(missing.body.contains("Chọn cơ quan giải quyết"));
        location(
            &app.post_form(&first, &[("agency", &procedure.agencies[0])])
                .await,
        );
    }
    location(
        &app.post_form(
            &format!("{base}/applicant"),
            &[
                ("applicant_kind", "citizen"),
                ("full_name", "Lê Văn <b>Tâm</b>"),
            ],
        )
        .await,
    );
    let wrong = app
        .post_form(
            &format!("{base}/identity"),
            &[
                ("personal_id", "0010850123456"),
                ("birth_date", "27/03/1985"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .body
            .contains("Số định danh cá nhân phải gồm đúng 12 chữ số")
    );
    assert!(wrong.body.contains("class=\"error-summary\""));
    assert!(wrong.body.contains("href=\"#personal_id\""));
    assert!(wrong.body.contains("<title>Lỗi:"));
    assert!(
        wrong.body.contains("value=\"0010850123456\""),
        "what was typed is kept"
    );
    assert!(
        wrong.body.contains("value=\"27/03/1985\""),
        "the valid answer is kept"
    );
    let bad_date = app
        .post_form(
            &format!("{base}/identity"),
            &[
                ("personal_id", "001085012345"),
                ("birth_date", "31/02/1985"),
            ],
        )
        .await;
    assert!(bad_date.body.contains("Ngày sinh phải là một ngày có thật"));
    location(
        &app.post_form(
            &format!("{base}/identity"),
            &[
                ("personal_id", "001085012345"),
                ("birth_date", "27/03/1985"),
            ],
        )
        .await,
    );
    let next = location(
        &app.post_form(
            &format!("{base}/contact"),
            &[
                ("phone", "0912345678"),
                ("email", "hoa@example.vn"),
                ("address", "Huế"),
            ],
        )
        .await,
    );
    assert_eq!(next, format!("{base}/papers/1"));
    location(
        &app.post_multipart(&next, &[], &[("file", "to-khai.pdf", PDF)])
            .await,
    );
    let exe = app
        .post_multipart(
            &format!("{base}/papers/2"),
            &[],
            &[("file", "cccd.pdf", b"MZ\x90\x00 not really a pdf")],
        )
        .await;
    assert_eq!(exe.status, StatusCode::BAD_REQUEST);
    assert!(exe.body.contains("Tệp đã chọn phải là PDF, JPG hoặc PNG"));
    assert!(exe.body.contains("href=\"#file\""));
    assert!(
        exe.body.contains("to-khai.pdf"),
        "the earlier upload is offered again"
    );
    let empty = app
        .post_multipart(&format!("{base}/papers/2"), &[], &[])
        .await;
    assert!(empty.body.contains("Chọn một tệp để tải lên"));
    // Nothing accepted before was lost.
    let identity = app.get(&format!("{base}/identity")).await;
    assert!(identity.body.contains("value=\"001085012345\""));
    let applicant = app.get(&format!("{base}/applicant")).await;
    assert!(
        applicant.body.contains("Lê Văn &lt;b&gt;Tâm&lt;/b&gt;")
            || applicant.body.contains("Lê Văn &#60;b&#62;Tâm&#60;/b&#62;"),
        "typed text is escaped"
    );
    let paper = app.get(&format!("{base}/papers/1")).await;
    assert!(paper.body.contains("to-khai.pdf"));
    // Reusing the earlier upload answers the second paper.
    let sha = storage::papers::sha256_hex(PDF);
    let reused = app
        .post_multipart(&format!("{base}/papers/2"), &[("reuse", &sha)], &[])
        .await;
    assert_ne!(location(&reused), format!("{base}/papers/2"));
}

#[tokio::test]
async fn pressing_send_twice_with_the_same_token_makes_one_dossier() {
    let app = TestApp::new().await;
    let procedure = online_procedure(&app);
    let base = answer_everything(&app, &procedure).await;
    let submit = format!("{base}/submit");
    let (a, b) = tokio::join!(
        app.post_form(&submit, &[("form_token", "same-token")]),
        app.post_form(&submit, &[("form_token", "same-token")]),
    );
    assert_eq!(location(&a), format!("{base}/done"));
    assert_eq!(location(&b), format!("{base}/done"));
    let again = app
        .post_form(&submit, &[("form_token", "same-token")])
        .await;
    assert_eq!(location(&again), format!("{base}/done"));
    let done = app.get(&format!("{base}/done")).await;
    let code_start = done.body.find("class=\"dossier-code\">").expect("code") + 21;
    let code = &done.body[code_start..code_start + done.body[code_start..].find('<').expect("end")];
    assert!(code.ends_with("-0001"), "{code}");
    let second = format!("{}0002", &code[..code.len() - 4]);
    assert!(
        app.state
            .db
            .dossier_by_code(&second)
            .await
            .expect("read")
            .is_none(),
        "a second dossier was opened"
    );
}

#[tokio::test]
async fn an_uploaded_supplement_moves_the_dossier_out_of_waiting_for_papers() {
    let app = TestApp::new().await;
    let procedure = online_procedure(&app);
    let base = answer_everything(&app, &procedure).await;
    location(
        &app.post_form(&format!("{base}/submit"), &[("form_token", "s")])
            .await,
    );
    let done = app.get(&format!("{base}/done")).await;
    let code_start = done.body.find("class=\"dossier-code\">").expect("code") + 21;
    let code = done.body[code_start..code_start + done.body[code_start..].find('<').expect("end")]
        .to_owned();
    let data = app.state.reference.get();
    let service = DossierService::new(&app.state.db, &app.state.vault, &data);
    let view = service.get(&code).await.expect("dossier");
    let reception = Actor::Officer {
        officer_id: "r1".into(),
        role: OfficerRole::Reception,
        unit: view.stored.agency_code.clone(),
    };
    service
        .act(
            &code,
            None,
            &reception,
            &Action::RequestSupplement {
                reasons: "Thiếu bản sao giấy khai sinh".into(),
                papers: Vec::new(),
            },
            OffsetDateTime::now_utc(),
            None,
        )
        .await
        .expect("supplement requested");

    let tracking = app.track(&code, "5678").await;
    assert!(tracking.body.contains("Nộp bổ sung giấy tờ"));
    let form = app.get(&format!("/tracking/supplement?code={code}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("multipart/form-data"));

    let wrong_digits = app
        .post_multipart(
            "/tracking/supplement",
            &[("form_token", "sup-1"), ("code", &code), ("digits", "0000")],
            &[("file-1", "khai-sinh.pdf", PDF)],
        )
        .await;
    assert_eq!(wrong_digits.status, StatusCode::BAD_REQUEST);
    assert!(wrong_digits.body.contains("Không tìm thấy hồ sơ"));

    let fields = [
        ("form_token", "sup-2"),
        ("code", code.as_str()),
        ("digits", "2345"),
        ("note", "Bổ sung giấy khai sinh"),
    ];
    let sent = app
        .post_multipart(
            "/tracking/supplement",
            &fields,
            &[("file-1", "khai-sinh.pdf", PDF), ("file-2", "anh.png", PNG)],
        )
        .await;
    let sent_href = location(&sent);
    assert!(sent_href.starts_with("/tracking/supplement/sent"));
    let sent_page = app.get(&sent_href).await;
    assert!(sent_page.body.contains("Đã nhận giấy tờ bổ sung"));
    let after = service.get(&code).await.expect("dossier");
    assert_ne!(after.state.status, Status::SupplementRequested);
    let papers = app
        .state
        .db
        .dossier_papers(after.stored.id)
        .await
        .expect("papers");
    let supplements: Vec<_> = papers
        .iter()
        .filter(|p| p.purpose == PaperPurpose::Supplement)
        .collect();
    assert_eq!(supplements.len(), 2);

    // The same post again (a double click) answers as the first time and changes nothing.
    let replay = app
        .post_multipart(
            "/tracking/supplement",
            &fields,
            &[("file-1", "khai-sinh.pdf", PDF), ("file-2", "anh.png", PNG)],
        )
        .await;
    assert_eq!(location(&replay), sent_href);
    assert_eq!(
        app.state
            .db
            .dossier_papers(after.stored.id)
            .await
            .expect("papers")
            .len(),
        papers.len()
    );
    // A new post is refused: the dossier no longer waits for papers.
    let late = app
        .post_multipart(
            "/tracking/supplement",
            &[("form_token", "sup-3"), ("code", &code), ("digits", "2345")],
            &[("file-1", "khai-sinh.pdf", PDF)],
        )
        .await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert!(late.body.contains("không chờ bổ sung"));
}

#[tokio::test]
async fn every_application_page_is_translated_into_english() {
    let app = TestApp::new().await;
    let procedure = online_procedure(&app);
    let base = answer_everything(&app, &procedure).await;
    for page in ["identity", "contact", "return", "papers/1", "check"] {
        let reply = app.get_in(&format!("{base}/{page}"), "en").await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        assert!(!reply.body.contains("[?]"), "{page} has a missing text");
    }
    let check = app.get_in(&format!("{base}/check"), "en").await;
    assert!(check.body.contains("Check your answers"));
    let supplement = app.get_in("/tracking/supplement", "en").await;
    assert!(supplement.body.contains("Add missing papers"));
}

#[tokio::test]
async fn skipping_an_optional_paper_takes_out_a_file_chosen_for_it_before() {
    let app = TestApp::new().await;
    let data = app.state.reference.get();
    let Some(procedure) = data
        .catalogue
        .procedures
        .iter()
        .find(|p| {
            p.service_mode.accepts_online_application()
                && p.agencies.len() > 1
                && p.components.iter().any(|c| !c.required)
        })
        .cloned()
    else {
        panic!("the catalogue has an online procedure with an optional paper");
    };
    let base = answer_everything(&app, &procedure).await;
    let optional = procedure
        .components
        .iter()
        .position(|c| !c.required)
        .expect("optional paper");
    // The page pre-selects the file given before; the citizen presses "skip" anyway.
    let skipped = app
        .post_multipart(
            &format!("{base}/papers/{}", optional + 1),
            &[("form_token", "t"), ("skip", "1")],
            &[("file", "again.pdf", PDF)],
        )
        .await;
    assert_eq!(skipped.status, StatusCode::SEE_OTHER, "{}", skipped.body);
    let submitted = app
        .post_form(&format!("{base}/submit"), &[("form_token", "submit-skip")])
        .await;
    let done = app.get(&location(&submitted)).await;
    let start = done.body.find("class=\"dossier-code\">").expect("code") + 21;
    let code = &done.body[start..start + done.body[start..].find('<').expect("end")];
    let stored = app
        .state
        .db
        .dossier_by_code(code)
        .await
        .expect("read")
        .expect("dossier");
    let papers = app
        .state
        .db
        .dossier_papers(stored.id)
        .await
        .expect("papers");
    assert_eq!(papers.len(), procedure.components.len() - 1);
    assert!(
        papers
            .iter()
            .all(|p| p.component != procedure.components[optional].name)
    );
}

/// A draft whose phone was saved under the older rule (nine digits) is not submitted: the citizen
/// is sent back to the contact page, which says at once what to correct.
#[tokio::test]
async fn a_draft_saved_under_older_rules_goes_back_to_the_page_that_says_what_to_correct() {
    let app = TestApp::new().await;
    let procedure = online_procedure(&app);
    let base = answer_everything(&app, &procedure).await;
    let id = uuid::Uuid::parse_str(base.trim_start_matches("/applications/")).expect("draft id");
    let stored = app::drafts::get(&app.state.db, id)
        .await
        .expect("read")
        .expect("draft");
    let mut answers: serde_json::Value = serde_json::from_str(&stored.answers).expect("json");
    answers["phone"] = "912 345 678".into();
    app::drafts::save(&app.state.db, id, &answers.to_string())
        .await
        .expect("saved as an older release did");

    let submit = app
        .post_form(&format!("{base}/submit"), &[("form_token", "older")])
        .await;
    assert_eq!(location(&submit), format!("{base}/contact"));
    let page = app.get(&format!("{base}/contact")).await;
    assert_eq!(page.status, StatusCode::OK);
    let message = web::i18n::text(web::i18n::Lang::Vi, "apply.error.phone_shape");
    assert!(page.body.contains(message), "{}", page.body);
}
