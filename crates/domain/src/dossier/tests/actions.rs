//! Tests of every action: what it does when allowed and why it is refused.

use time::macros::datetime;

use super::*;

const FIVE_DAYS: LegalDuration = LegalDuration::WorkingDays { amount: 5 };

/// Monday 2 March 2026, 09:00 in Vietnam: an ordinary working morning.
fn monday() -> OffsetDateTime {
    vn(datetime!(2026-03-02 09:00))
}

fn later(hours: i64) -> OffsetDateTime {
    monday() + time::Duration::hours(hours)
}

// Opening a dossier.

#[test]
fn an_applicant_submits_online_and_the_dossier_awaits_acceptance() {
    let dossier = Dossier::submitted(FIVE_DAYS, monday());
    let state = dossier.state();
    assert_eq!(state.status, Status::Submitted);
    assert_eq!(state.channel, Channel::Online);
    assert_eq!(state.agency, LEAD);
    assert_eq!(state.holder, LEAD);
    assert_eq!(state.code.to_string(), "000.00.15.H27-260302-0001");
    assert_eq!(state.appointment, None, "no legal time before acceptance");
    assert_eq!(dossier.events[0].kind(), "submitted");
}

#[test]
fn only_the_applicant_named_in_the_dossier_submits_it_online() {
    let mut dossier = Dossier::new(FIVE_DAYS);
    let refusal = dossier.refused(&stranger(), submit_online(monday()), monday());
    assert_eq!(refusal, Refusal::NotApplicant);
    let refusal = dossier.refused(&reception(), submit_online(monday()), monday());
    assert_eq!(refusal.code(), "not_permitted");
}

#[test]
fn an_information_only_procedure_cannot_be_submitted_online() {
    let mut dossier = Dossier::new(FIVE_DAYS);
    dossier.procedure.service_mode = ServiceMode::InformationOnly;
    let refusal = dossier.refused(&applicant(), submit_online(monday()), monday());
    assert_eq!(refusal.code(), "channel_not_offered");
    assert_eq!(
        refusal.to_string(),
        "procedure 1.000001 cannot be lodged online"
    );
}

#[test]
fn a_submission_to_an_agency_that_does_not_settle_the_procedure_is_refused() {
    let mut dossier = Dossier::new(FIVE_DAYS);
    let action = Action::SubmitOnline {
        code: code_on(OTHER, monday(), 1),
        agency: OTHER.into(),
        applicant: applicant_info(),
    };
    let refusal = dossier.refused(&applicant(), action, monday());
    assert_eq!(refusal.code(), "agency_not_competent");
}

#[test]
fn a_code_generated_for_another_agency_or_day_is_refused() {
    let mut dossier = Dossier::new(FIVE_DAYS);
    let action = Action::SubmitOnline {
        code: code_on(OTHER, monday(), 1),
        agency: LEAD.into(),
        applicant: applicant_info(),
    };
    assert_eq!(
        dossier.refused(&applicant(), action, monday()).code(),
        "code_mismatch"
    );
    let yesterday = Action::SubmitOnline {
        code: code_on(LEAD, later(-24), 1),
        agency: LEAD.into(),
        applicant: applicant_info(),
    };
    assert_eq!(
        dossier.refused(&applicant(), yesterday, monday()).code(),
        "code_mismatch"
    );
}

#[test]
fn a_reception_officer_registers_a_counter_dossier_in_their_own_unit() {
    let mut dossier = Dossier::new(FIVE_DAYS);
    dossier.act(&reception(), receive_at_counter(monday()), monday());
    assert_eq!(dossier.state().status, Status::Submitted);
    assert_eq!(dossier.state().channel, Channel::Counter);
    assert_eq!(dossier.state().agency, LEAD);
}

#[test]
fn only_a_reception_officer_receives_at_the_counter_and_never_as_online() {
    let mut dossier = Dossier::new(FIVE_DAYS);
    let refusal = dossier.refused(&handler(), receive_at_counter(monday()), monday());
    assert_eq!(refusal.code(), "not_permitted");
    let online = Action::ReceiveAtCounter {
        code: code_on(LEAD, monday(), 1),
        channel: Channel::Online,
        applicant: applicant_info(),
        papers: Vec::new(),
    };
    assert_eq!(
        dossier.refused(&reception(), online, monday()).code(),
        "channel_not_offered"
    );
    let other_unit = officer("r9", OfficerRole::Reception, OTHER);
    assert_eq!(
        dossier
            .refused(&other_unit, receive_at_counter(monday()), monday())
            .code(),
        "agency_not_competent"
    );
}

#[test]
fn acting_on_a_dossier_that_does_not_exist_is_refused() {
    let mut dossier = Dossier::new(FIVE_DAYS);
    assert_eq!(
        dossier.refused(&reception(), Action::Accept, monday()),
        Refusal::NoDossier
    );
}

#[test]
fn a_dossier_cannot_be_opened_twice() {
    let mut dossier = Dossier::submitted(FIVE_DAYS, monday());
    assert_eq!(
        dossier.refused(&applicant(), submit_online(monday()), monday()),
        Refusal::AlreadyOpen
    );
}

// Intake.

#[test]
fn accepting_sets_the_appointment_and_the_step_due_times() {
    let dossier = Dossier::accepted(FIVE_DAYS, monday());
    let state = dossier.state();
    assert_eq!(state.status, Status::Accepted);
    assert_eq!(state.received_at, Some(monday()));
    assert_eq!(state.appointment, Some(vn(datetime!(2026-03-09 09:00))));
    assert_eq!(state.due, state.appointment);
    assert_eq!(state.current_step().map(|s| s.code.as_str()), Some("xu-ly"));
    let dues: Vec<PrimitiveDateTime> = state.steps.iter().map(|s| local_of(s.due)).collect();
    // 5 days = 2400 working minutes: 10 % = 240, 70 % = 1680, 90 % = 2160, 100 %.
    assert_eq!(
        dues,
        vec![
            datetime!(2026-03-02 14:30),
            datetime!(2026-03-05 14:30),
            datetime!(2026-03-06 14:30),
            datetime!(2026-03-09 09:00),
        ]
    );
}

#[test]
fn only_reception_of_the_holding_unit_accepts() {
    let mut dossier = Dossier::submitted(FIVE_DAYS, monday());
    assert_eq!(
        dossier.refused(&leader(), Action::Accept, monday()).code(),
        "not_permitted"
    );
    let other_unit = officer("r9", OfficerRole::Reception, OTHER);
    assert_eq!(
        dossier.refused(&other_unit, Action::Accept, monday()),
        Refusal::OutsideUnit {
            unit: OTHER.into(),
            holder: LEAD.into()
        }
    );
}

#[test]
fn refusal_at_intake_needs_reasons_and_is_terminal() {
    let mut dossier = Dossier::submitted(FIVE_DAYS, monday());
    assert_eq!(
        dossier.refused(
            &reception(),
            Action::Refuse {
                reasons: " ".into()
            },
            monday()
        ),
        Refusal::Blank { field: "reasons" }
    );
    dossier.act(
        &reception(),
        Action::Refuse {
            reasons: reasons("not within the commune's authority"),
        },
        monday(),
    );
    assert_eq!(dossier.state().status, Status::Refused);
    assert_eq!(dossier.state().processing_ended_at, Some(monday()));
    assert_eq!(
        classify(dossier.state(), later(100)),
        None,
        "never received"
    );
}

#[test]
fn a_dossier_cannot_be_refused_once_accepted() {
    let mut dossier = Dossier::accepted(FIVE_DAYS, monday());
    let refusal = dossier.refused(
        &reception(),
        Action::Refuse {
            reasons: "late".into(),
        },
        monday(),
    );
    assert_eq!(refusal.code(), "wrong_status");
    assert!(refusal.to_string().contains("Form 05"), "{refusal}");
}

#[test]
fn a_request_to_complete_at_intake_stops_no_clock_and_returns_to_awaiting_acceptance() {
    let mut dossier = Dossier::submitted(FIVE_DAYS, monday());
    dossier.act(
        &reception(),
        Action::RequestSupplement {
            reasons: reasons("the birth certificate copy is missing"),
            papers: Vec::new(),
        },
        monday(),
    );
    let state = dossier.state();
    assert_eq!(state.status, Status::SupplementRequested);
    assert_eq!(state.intake_supplement_requests, 1);
    assert_eq!(state.supplement_requests, 0);
    assert_eq!(state.paused_at, None);
    dossier.act(
        &applicant(),
        Action::ReceiveSupplement { note: None },
        later(48),
    );
    assert_eq!(dossier.state().status, Status::Submitted);
    dossier.act(&reception(), Action::Accept, later(48));
    assert_eq!(
        dossier.state().appointment,
        Some(vn(datetime!(2026-03-11 09:00))),
        "legal time starts at acceptance"
    );
}

// Supplements during processing.

#[test]
fn a_supplement_can_only_be_requested_while_awaiting_acceptance_or_being_processed() {
    let mut dossier = Dossier::ready(FIVE_DAYS, monday());
    let refusal = dossier.refused(
        &handler(),
        Action::RequestSupplement {
            reasons: "missing".into(),
            papers: Vec::new(),
        },
        later(1),
    );
    assert_eq!(
        refusal.to_string(),
        "a supplement can only be requested while the dossier awaits acceptance or is being processed; the dossier is ready for return"
    );
}

#[test]
fn a_supplement_during_processing_stops_the_clock_and_moves_the_due_date() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::RequestSupplement {
            reasons: reasons("the site plan is unreadable"),
            papers: Vec::new(),
        },
        later(2),
    );
    assert_eq!(dossier.state().status, Status::SupplementRequested);
    assert_eq!(dossier.state().paused_at, Some(later(2)));
    assert_eq!(
        dossier.events.last().map(Event::kind),
        Some("supplement_requested")
    );
    // Monday 11:00 to Wednesday 11:00: two working days.
    dossier.act(
        &applicant(),
        Action::ReceiveSupplement {
            note: Some("new plan".into()),
        },
        later(50),
    );
    let state = dossier.state();
    assert_eq!(state.status, Status::Processing);
    assert_eq!(state.paused_at, None);
    assert_eq!(state.paused_seconds, 2 * 8 * 3600);
    assert_eq!(
        state.appointment,
        Some(vn(datetime!(2026-03-09 09:00))),
        "receipt unchanged"
    );
    assert_eq!(state.due, Some(vn(datetime!(2026-03-11 09:00))));
    assert_eq!(
        state.current_step().map(|s| local_of(s.due)),
        Some(datetime!(2026-03-09 14:30))
    );
    assert_eq!(
        local_of(state.steps[0].due),
        datetime!(2026-03-02 14:30),
        "steps already done keep their due time"
    );
}

#[test]
fn only_the_applicant_or_reception_hands_in_the_supplement() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::RequestSupplement {
            reasons: "x".into(),
            papers: Vec::new(),
        },
        later(1),
    );
    assert_eq!(
        dossier.refused(
            &stranger(),
            Action::ReceiveSupplement { note: None },
            later(2)
        ),
        Refusal::NotApplicant
    );
    assert_eq!(
        dossier
            .refused(
                &handler(),
                Action::ReceiveSupplement { note: None },
                later(2)
            )
            .code(),
        "not_permitted"
    );
    dossier.act(
        &reception(),
        Action::ReceiveSupplement { note: None },
        later(2),
    );
    assert_eq!(dossier.state().status, Status::Processing);
}

#[test]
fn a_second_supplement_request_is_allowed_and_numbered() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier
        .act(
            &handler(),
            Action::RequestSupplement {
                reasons: "a".into(),
                papers: Vec::new(),
            },
            later(1),
        )
        .act(
            &applicant(),
            Action::ReceiveSupplement { note: None },
            later(2),
        )
        .act(
            &handler(),
            Action::RequestSupplement {
                reasons: "b".into(),
                papers: Vec::new(),
            },
            later(3),
        );
    assert!(matches!(
        dossier.events.last().map(|e| &e.change),
        Some(Change::SupplementRequested {
            number: 2,
            at_intake: false,
            ..
        })
    ));
    assert_eq!(dossier.state().supplement_requests, 2);
}

// Assignment.

#[test]
fn reception_forwards_and_a_leader_reassigns() {
    let mut dossier = Dossier::accepted(FIVE_DAYS, monday());
    dossier.act(
        &reception(),
        Action::Assign {
            officer_id: "h1".into(),
        },
        monday(),
    );
    assert_eq!(dossier.state().status, Status::Processing);
    assert_eq!(dossier.state().assigned_to.as_deref(), Some("h1"));
    assert_eq!(
        dossier
            .refused(
                &reception(),
                Action::Assign {
                    officer_id: "h2".into()
                },
                later(1)
            )
            .code(),
        "not_permitted"
    );
    dossier.act(
        &leader(),
        Action::Assign {
            officer_id: "h2".into(),
        },
        later(1),
    );
    assert_eq!(dossier.state().assigned_to.as_deref(), Some("h2"));
}

#[test]
fn a_handling_officer_takes_a_dossier_only_for_themselves() {
    let mut dossier = Dossier::accepted(FIVE_DAYS, monday());
    assert_eq!(
        dossier
            .refused(
                &handler(),
                Action::Assign {
                    officer_id: "h2".into()
                },
                monday()
            )
            .code(),
        "not_permitted"
    );
    assert_eq!(
        dossier.refused(
            &leader(),
            Action::Assign {
                officer_id: "".into()
            },
            monday()
        ),
        Refusal::Blank {
            field: "officer id"
        }
    );
    dossier.act(
        &handler(),
        Action::Assign {
            officer_id: "h1".into(),
        },
        monday(),
    );
    assert_eq!(dossier.state().assigned_to.as_deref(), Some("h1"));
}

#[test]
fn only_the_assigned_officer_handles_the_dossier() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    let propose = Action::ProposeResult {
        summary: "grant".into(),
    };
    assert_eq!(
        dossier.refused(&other_handler(), propose.clone(), later(1)),
        Refusal::NotAssignee
    );
    let foreign = officer("h9", OfficerRole::Handling, OTHER);
    assert_eq!(
        dossier.refused(&foreign, propose, later(1)).code(),
        "outside_unit"
    );
}

// Inter-agency transfer.

#[test]
fn a_transfer_hands_the_dossier_to_the_other_agency_until_it_comes_back() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::Transfer {
            to_agency: OTHER.into(),
            note: "tax assessment".into(),
        },
        later(1),
    );
    let state = dossier.state();
    assert_eq!(state.status, Status::Transferred);
    assert_eq!(state.status.dvcqg_code(), "interoperating");
    assert_eq!(state.holder, OTHER);
    // The lead agency's officers no longer act on it, except to record its return.
    let apologise = Action::Apologise {
        reasons: "waiting for the tax office".into(),
        new_due: later(200),
    };
    assert_eq!(
        dossier.refused(&handler(), apologise, later(2)).code(),
        "outside_unit"
    );
    let their_officer = officer("t1", OfficerRole::Handling, OTHER);
    dossier.act(
        &their_officer,
        Action::ReceiveBack {
            note: Some("tax 1,000,000".into()),
        },
        later(3),
    );
    assert_eq!(dossier.state().status, Status::Processing);
    assert_eq!(dossier.state().holder, LEAD);
    assert_eq!(dossier.state().assigned_to.as_deref(), Some("h1"));
}

#[test]
fn the_lead_agency_records_the_return_of_a_transferred_dossier() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier
        .act(
            &handler(),
            Action::Transfer {
                to_agency: OTHER.into(),
                note: "x".into(),
            },
            later(1),
        )
        .act(&handler(), Action::ReceiveBack { note: None }, later(2));
    assert_eq!(dossier.state().status, Status::Processing);
    let third = officer("z1", OfficerRole::Handling, "000.00.17.H27");
    dossier.act(
        &handler(),
        Action::Transfer {
            to_agency: OTHER.into(),
            note: "x".into(),
        },
        later(3),
    );
    assert_eq!(
        dossier
            .refused(&third, Action::ReceiveBack { note: None }, later(4))
            .code(),
        "outside_unit"
    );
}

#[test]
fn a_dossier_cannot_be_transferred_to_its_holder_or_while_not_processing() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    assert_eq!(
        dossier.refused(
            &handler(),
            Action::Transfer {
                to_agency: LEAD.into(),
                note: "x".into()
            },
            later(1)
        ),
        Refusal::TransferToHolder
    );
    let mut accepted = Dossier::accepted(FIVE_DAYS, monday());
    assert_eq!(
        accepted
            .refused(
                &handler(),
                Action::Transfer {
                    to_agency: OTHER.into(),
                    note: "x".into()
                },
                later(1)
            )
            .code(),
        "wrong_status"
    );
}

#[test]
fn a_transfer_moves_to_the_inter_agency_step_of_the_workflow() {
    let workflow = Workflow {
        steps: vec![
            step("tiep-nhan", Role::Reception, 5),
            step("xu-ly", Role::Handling, 40),
            step("chuyen-lt", Role::Handling, 30),
            step("phe-duyet", Role::Leader, 15),
            step("tra-kq", Role::Reception, 10),
        ],
        ..standard_workflow()
    };
    let mut dossier = Dossier::with_workflow(FIVE_DAYS, workflow);
    dossier
        .act(&applicant(), submit_online(monday()), monday())
        .act(&reception(), Action::Accept, monday())
        .act(
            &leader(),
            Action::Assign {
                officer_id: "h1".into(),
            },
            monday(),
        )
        .act(
            &handler(),
            Action::Transfer {
                to_agency: OTHER.into(),
                note: "x".into(),
            },
            later(1),
        );
    assert_eq!(
        dossier.state().current_step().map(|s| s.code.as_str()),
        Some("chuyen-lt")
    );
}

// Result.

#[test]
fn a_leader_approves_a_proposed_result_and_it_becomes_ready() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::ProposeResult {
            summary: "grant the licence".into(),
        },
        later(1),
    );
    assert_eq!(
        dossier.state().current_step().map(|s| s.role),
        Some(Role::Leader)
    );
    dossier.act(&leader(), Action::Approve { note: None }, later(2));
    assert!(dossier.state().approved);
    assert_eq!(
        dossier.state().current_step().map(|s| s.code.as_str()),
        Some("tra-kq")
    );
    dossier.act(&handler(), Action::MarkResultReady, later(3));
    assert_eq!(dossier.state().status, Status::ResultReady);
    assert_eq!(dossier.state().processing_ended_at, Some(later(3)));
}

#[test]
fn approval_needs_a_proposal_and_a_leader() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    assert_eq!(
        dossier.refused(&leader(), Action::Approve { note: None }, later(1)),
        Refusal::NothingToApprove
    );
    dossier.act(
        &handler(),
        Action::ProposeResult {
            summary: "grant".into(),
        },
        later(1),
    );
    assert_eq!(
        dossier
            .refused(&handler(), Action::Approve { note: None }, later(2))
            .code(),
        "not_permitted"
    );
    assert_eq!(
        dossier.refused(
            &handler(),
            Action::ProposeResult { summary: "".into() },
            later(2)
        ),
        Refusal::Blank { field: "summary" }
    );
    dossier.act(
        &leader(),
        Action::Approve {
            note: Some("ok".into()),
        },
        later(2),
    );
    assert_eq!(
        dossier.refused(&leader(), Action::Approve { note: None }, later(3)),
        Refusal::NothingToApprove
    );
}

#[test]
fn the_result_is_ready_only_after_approval() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::ProposeResult {
            summary: "grant".into(),
        },
        later(1),
    );
    assert_eq!(
        dossier.refused(&handler(), Action::MarkResultReady, later(2)),
        Refusal::NotApproved
    );
    assert_eq!(
        dossier
            .refused(&reception(), Action::MarkResultReady, later(2))
            .code(),
        "not_permitted"
    );
}

#[test]
fn reassignment_by_a_leader_sends_a_proposal_back() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier
        .act(
            &handler(),
            Action::ProposeResult {
                summary: "grant".into(),
            },
            later(1),
        )
        .act(
            &leader(),
            Action::Assign {
                officer_id: "h1".into(),
            },
            later(2),
        );
    assert_eq!(dossier.state().proposal, None);
    assert_eq!(
        dossier.refused(&leader(), Action::Approve { note: None }, later(3)),
        Refusal::NothingToApprove
    );
}

#[test]
fn a_leader_sends_a_proposal_back_with_reasons_and_the_officer_proposes_again() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &handler(),
        Action::ProposeResult {
            summary: "grant".into(),
        },
        later(1),
    );
    assert_eq!(
        dossier.refused(
            &handler(),
            Action::ProposeResult {
                summary: "grant, amended".into()
            },
            later(2)
        ),
        Refusal::AlreadyProposed,
        "one proposal awaits the leader at a time"
    );
    assert_eq!(
        dossier
            .refused(
                &handler(),
                Action::SendBack {
                    reasons: "x".into()
                },
                later(2)
            )
            .code(),
        "not_permitted"
    );
    assert_eq!(
        dossier.refused(
            &leader(),
            Action::SendBack {
                reasons: " ".into()
            },
            later(2)
        ),
        Refusal::Blank { field: "reasons" }
    );
    dossier.act(
        &leader(),
        Action::SendBack {
            reasons: "cite the 2025 decree".into(),
        },
        later(2),
    );
    let state = dossier.state();
    assert_eq!(state.proposal, None);
    assert_eq!(state.status, Status::Processing);
    assert_eq!(state.current_step().map(|s| s.role), Some(Role::Handling));
    assert_eq!(
        dossier.refused(&leader(), Action::Approve { note: None }, later(3)),
        Refusal::NothingToApprove
    );
    dossier.act(
        &handler(),
        Action::ProposeResult {
            summary: "grant, citing the 2025 decree".into(),
        },
        later(3),
    );
    dossier.act(&leader(), Action::Approve { note: None }, later(4));
    assert_eq!(
        dossier.refused(
            &leader(),
            Action::SendBack {
                reasons: "too late".into()
            },
            later(5)
        ),
        Refusal::NothingToApprove,
        "an approved result is no longer sent back"
    );
}

#[test]
fn papers_named_at_the_counter_or_in_a_request_must_be_the_procedures_own() {
    let mut dossier = Dossier::new(FIVE_DAYS);
    let counter = |papers: Vec<String>| Action::ReceiveAtCounter {
        code: code_on(LEAD, monday(), 1),
        channel: Channel::Counter,
        applicant: applicant_info(),
        papers,
    };
    assert_eq!(
        dossier.refused(&reception(), counter(vec!["Sổ hộ khẩu".into()]), monday()),
        Refusal::UnknownPaper {
            name: "Sổ hộ khẩu".into()
        }
    );
    dossier.act(&reception(), counter(vec![DECLARATION.into()]), monday());
    assert!(matches!(
        dossier.events.first().map(|e| &e.change),
        Some(Change::Submitted { papers, .. }) if papers == &vec![DECLARATION.to_owned()]
    ));
    assert_eq!(
        dossier
            .refused(
                &reception(),
                Action::RequestSupplement {
                    reasons: "missing".into(),
                    papers: vec!["Giấy tờ khác".into()],
                },
                monday()
            )
            .code(),
        "unknown_paper"
    );
    dossier.act(
        &reception(),
        Action::RequestSupplement {
            reasons: "the birth certificate is missing".into(),
            papers: vec![BIRTH_CERTIFICATE.into()],
        },
        monday(),
    );
    assert!(matches!(
        dossier.events.last().map(|e| &e.change),
        Some(Change::SupplementRequested { papers, .. }) if papers == &vec![BIRTH_CERTIFICATE.to_owned()]
    ));
}

#[test]
fn a_dossier_is_complete_when_every_required_paper_is_handed_in() {
    let dossier = Dossier::new(FIVE_DAYS);
    let missing = |given: &[&str]| -> Vec<String> {
        let given: Vec<String> = given.iter().map(|s| (*s).to_owned()).collect();
        dossier
            .procedure
            .missing_papers(&given)
            .into_iter()
            .map(|c| c.name.clone())
            .collect()
    };
    assert_eq!(missing(&[]), vec![DECLARATION, BIRTH_CERTIFICATE]);
    assert_eq!(missing(&[BIRTH_CERTIFICATE]), vec![DECLARATION]);
    assert!(
        missing(&[DECLARATION, BIRTH_CERTIFICATE]).is_empty(),
        "the optional power of attorney is not missing"
    );
}

#[test]
fn events_written_before_papers_were_recorded_still_read_back() {
    let old = r#"{"kind":"supplement_requested","reasons":"x","at_intake":true,"number":1}"#;
    let change: Change = serde_json::from_str(old).expect("reads");
    assert!(matches!(&change, Change::SupplementRequested { papers, .. } if papers.is_empty()));
    let written = serde_json::to_string(&change).expect("writes");
    assert_eq!(
        written, old,
        "an empty list is not written, so old payloads keep their bytes"
    );
}

#[test]
fn a_workflow_without_a_leader_step_needs_no_approval() {
    let mut dossier = Dossier::with_workflow(FIVE_DAYS, workflow_without_leader());
    dossier
        .act(&applicant(), submit_online(monday()), monday())
        .act(&reception(), Action::Accept, monday())
        .act(
            &handler(),
            Action::Assign {
                officer_id: "h1".into(),
            },
            monday(),
        )
        .act(&handler(), Action::MarkResultReady, later(1));
    assert_eq!(dossier.state().status, Status::ResultReady);
}

// Fees.

#[test]
fn fees_hold_the_dossier_until_they_are_paid() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    assert_eq!(
        dossier.refused(
            &handler(),
            Action::RequestFees {
                amount_vnd: 0,
                note: "fee".into()
            },
            later(1)
        ),
        Refusal::Amount
    );
    dossier.act(
        &handler(),
        Action::RequestFees {
            amount_vnd: 50_000,
            note: "lệ phí".into(),
        },
        later(1),
    );
    assert_eq!(dossier.state().status, Status::AwaitingFees);
    assert_eq!(
        dossier
            .refused(
                &handler(),
                Action::ProposeResult {
                    summary: "x".into()
                },
                later(2)
            )
            .code(),
        "wrong_status"
    );
    assert_eq!(
        dossier
            .refused(
                &applicant(),
                Action::RecordFeesPaid {
                    amount_vnd: 50_000,
                    reference: "x".into()
                },
                later(2)
            )
            .code(),
        "not_permitted"
    );
    assert_eq!(
        dossier.refused(
            &system(),
            Action::RecordFeesPaid {
                amount_vnd: 50_000,
                reference: " ".into()
            },
            later(2)
        ),
        Refusal::Blank {
            field: "payment reference"
        }
    );
    dossier.act(
        &system(),
        Action::RecordFeesPaid {
            amount_vnd: 50_000,
            reference: "PAYGOV-1".into(),
        },
        later(2),
    );
    assert_eq!(dossier.state().status, Status::Processing);
    assert_eq!(dossier.state().fees_paid_vnd, 50_000);
    assert_eq!(dossier.state().fees_requested_vnd, 50_000);
}

#[test]
fn a_reception_officer_records_a_payment_at_the_counter() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier
        .act(
            &handler(),
            Action::RequestFees {
                amount_vnd: 20_000,
                note: "fee".into(),
            },
            later(1),
        )
        .act(
            &reception(),
            Action::RecordFeesPaid {
                amount_vnd: 20_000,
                reference: "BL-7".into(),
            },
            later(2),
        );
    assert_eq!(dossier.state().status, Status::Processing);
}

// Return.

#[test]
fn the_result_is_returned_at_the_counter_by_post_or_online() {
    for method in [
        ReturnMethod::Counter,
        ReturnMethod::Post,
        ReturnMethod::Online,
    ] {
        let mut dossier = Dossier::ready(FIVE_DAYS, monday());
        dossier.act(&reception(), Action::ReturnResult { method }, later(1));
        let state = dossier.state();
        assert_eq!(state.status, Status::Returned);
        assert_eq!(state.return_method, Some(method));
        assert_eq!(state.returned_at, Some(later(1)));
        assert_eq!(
            state.processing_ended_at,
            Some(monday()),
            "ended at result ready"
        );
    }
}

#[test]
fn the_system_delivers_results_only_online() {
    let mut dossier = Dossier::ready(FIVE_DAYS, monday());
    assert_eq!(
        dossier
            .refused(
                &system(),
                Action::ReturnResult {
                    method: ReturnMethod::Counter
                },
                later(1)
            )
            .code(),
        "not_permitted"
    );
    dossier.act(
        &system(),
        Action::ReturnResult {
            method: ReturnMethod::Online,
        },
        later(1),
    );
    assert_eq!(dossier.state().status, Status::Returned);
}

#[test]
fn a_result_is_returned_only_once_ready() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    assert_eq!(
        dossier
            .refused(
                &reception(),
                Action::ReturnResult {
                    method: ReturnMethod::Counter
                },
                later(1)
            )
            .code(),
        "wrong_status"
    );
}

// Withdrawal.

#[test]
fn the_applicant_withdraws_before_the_result_is_ready() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.act(
        &applicant(),
        Action::Withdraw {
            reasons: String::new(),
        },
        later(1),
    );
    assert_eq!(dossier.state().status, Status::Withdrawn);
    assert_eq!(dossier.state().processing_ended_at, Some(later(1)));
}

#[test]
fn the_counter_records_a_written_withdrawal_even_during_a_transfer() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier
        .act(
            &handler(),
            Action::Transfer {
                to_agency: OTHER.into(),
                note: "x".into(),
            },
            later(1),
        )
        .act(
            &reception(),
            Action::Withdraw {
                reasons: "moved abroad".into(),
            },
            later(2),
        );
    assert_eq!(dossier.state().status, Status::Withdrawn);
}

#[test]
fn withdrawal_after_the_result_is_ready_is_refused() {
    let mut dossier = Dossier::ready(FIVE_DAYS, monday());
    let refusal = dossier.refused(
        &applicant(),
        Action::Withdraw {
            reasons: String::new(),
        },
        later(1),
    );
    assert_eq!(
        refusal.to_string(),
        "a dossier can only be withdrawn before its result is ready; the dossier is ready for return"
    );
}

#[test]
fn nobody_else_withdraws_the_applicants_dossier() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    assert_eq!(
        dossier.refused(
            &stranger(),
            Action::Withdraw {
                reasons: String::new()
            },
            later(1)
        ),
        Refusal::NotApplicant
    );
    assert_eq!(
        dossier
            .refused(
                &leader(),
                Action::Withdraw {
                    reasons: String::new()
                },
                later(1)
            )
            .code(),
        "not_permitted"
    );
}

// Stopping.

#[test]
fn stopping_processing_needs_reasons_and_ends_processing() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    assert_eq!(
        dossier.refused(&leader(), Action::Stop { reasons: "".into() }, later(1)),
        Refusal::Blank { field: "reasons" }
    );
    dossier.act(
        &leader(),
        Action::Stop {
            reasons: "the land is under dispute".into(),
        },
        later(1),
    );
    assert_eq!(dossier.state().status, Status::Stopped);
    assert_eq!(dossier.state().processing_ended_at, Some(later(1)));
}

#[test]
fn a_dossier_not_yet_accepted_cannot_be_stopped() {
    let mut dossier = Dossier::submitted(FIVE_DAYS, monday());
    assert_eq!(
        dossier
            .refused(
                &leader(),
                Action::Stop {
                    reasons: "x".into()
                },
                later(1)
            )
            .code(),
        "wrong_status"
    );
    dossier.act(
        &reception(),
        Action::RequestSupplement {
            reasons: "x".into(),
            papers: Vec::new(),
        },
        later(1),
    );
    assert_eq!(
        dossier
            .refused(
                &leader(),
                Action::Stop {
                    reasons: "x".into()
                },
                later(1)
            )
            .code(),
        "wrong_status"
    );
}

#[test]
fn a_dossier_waiting_for_a_supplement_can_be_stopped() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier
        .act(
            &handler(),
            Action::RequestSupplement {
                reasons: "x".into(),
                papers: Vec::new(),
            },
            later(1),
        )
        .act(
            &handler(),
            Action::Stop {
                reasons: "never supplied".into(),
            },
            later(400),
        );
    assert_eq!(dossier.state().status, Status::Stopped);
}

// Apology.

#[test]
fn an_apology_sets_a_new_date_for_the_applicant_but_not_the_legal_deadline() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    let new_due = vn(datetime!(2026-03-12 17:00));
    dossier.act(
        &handler(),
        Action::Apologise {
            reasons: "the site visit was postponed".into(),
            new_due,
        },
        vn(datetime!(2026-03-06 10:00)),
    );
    let state = dossier.state();
    assert_eq!(state.effective_due(), Some(new_due));
    assert_eq!(state.due, Some(vn(datetime!(2026-03-09 09:00))));
    assert_eq!(state.status, Status::Processing);
}

#[test]
fn an_apology_on_the_day_before_the_due_date_is_still_in_time_but_not_on_the_due_date() {
    // Due Monday 9 March 09:00: the last day for the apology is Friday 6 March.
    let new_due = vn(datetime!(2026-03-12 17:00));
    let apologise = || Action::Apologise {
        reasons: "late".into(),
        new_due,
    };
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    assert_eq!(
        apology_deadline(&dossier.calendar, dossier.state()),
        Some(time::macros::date!(2026 - 03 - 06))
    );
    let refusal = dossier.refused(&handler(), apologise(), vn(datetime!(2026-03-07 10:00)));
    assert_eq!(
        refusal,
        Refusal::ApologyTooLate {
            deadline: time::macros::date!(2026 - 03 - 06)
        }
    );
    assert_eq!(
        refusal.to_string(),
        "an apology must be issued at least one working day before the due date, by 2026-03-06"
    );
    dossier.act(&handler(), apologise(), vn(datetime!(2026-03-06 16:59)));
}

#[test]
fn a_second_apology_is_refused() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    let apologise = |day: u8| Action::Apologise {
        reasons: "late".into(),
        new_due: vn(datetime!(2026-03-12 17:00)) + time::Duration::days(i64::from(day)),
    };
    dossier.act(&leader(), apologise(0), later(1));
    assert_eq!(
        dossier.refused(&leader(), apologise(3), later(2)),
        Refusal::ApologyRepeated
    );
}

#[test]
fn the_new_date_must_be_later_than_the_due_date() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    let refusal = dossier.refused(
        &handler(),
        Action::Apologise {
            reasons: "late".into(),
            new_due: vn(datetime!(2026-03-09 09:00)),
        },
        later(1),
    );
    assert_eq!(refusal, Refusal::NewDateNotLater);
}

#[test]
fn an_apology_is_not_issued_while_the_clock_is_stopped_or_before_acceptance() {
    let action = Action::Apologise {
        reasons: "late".into(),
        new_due: later(300),
    };
    let mut submitted = Dossier::submitted(FIVE_DAYS, monday());
    assert_eq!(
        submitted
            .refused(&leader(), action.clone(), later(1))
            .code(),
        "wrong_status"
    );
    let mut paused = Dossier::processing(FIVE_DAYS, monday());
    paused.act(
        &handler(),
        Action::RequestSupplement {
            reasons: "x".into(),
            papers: Vec::new(),
        },
        later(1),
    );
    assert_eq!(
        paused.refused(&leader(), action, later(2)).code(),
        "wrong_status"
    );
}

// Rules for every action.

#[test]
fn auditors_and_unit_admins_never_act() {
    let mut dossier = Dossier::submitted(FIVE_DAYS, monday());
    for role in [OfficerRole::Auditor, OfficerRole::UnitAdmin] {
        let refusal = dossier.refused(&officer("a1", role, LEAD), Action::Accept, monday());
        assert_eq!(refusal.code(), "not_permitted");
        assert_eq!(
            refusal.to_string(),
            "auditors and unit administrators can read dossiers but never act on them"
        );
    }
}

#[test]
fn terminal_dossiers_refuse_every_action() {
    let mut returned = Dossier::ready(FIVE_DAYS, monday());
    returned.act(
        &reception(),
        Action::ReturnResult {
            method: ReturnMethod::Counter,
        },
        later(1),
    );
    let actions = [
        Action::Accept,
        Action::Refuse {
            reasons: "x".into(),
        },
        Action::RequestSupplement {
            reasons: "x".into(),
            papers: Vec::new(),
        },
        Action::ReceiveSupplement { note: None },
        Action::Assign {
            officer_id: "h1".into(),
        },
        Action::Transfer {
            to_agency: OTHER.into(),
            note: "x".into(),
        },
        Action::ReceiveBack { note: None },
        Action::ProposeResult {
            summary: "x".into(),
        },
        Action::Approve { note: None },
        Action::RequestFees {
            amount_vnd: 1,
            note: "x".into(),
        },
        Action::RecordFeesPaid {
            amount_vnd: 1,
            reference: "x".into(),
        },
        Action::MarkResultReady,
        Action::ReturnResult {
            method: ReturnMethod::Counter,
        },
        Action::Withdraw {
            reasons: "x".into(),
        },
        Action::Stop {
            reasons: "x".into(),
        },
        Action::Apologise {
            reasons: "x".into(),
            new_due: later(500),
        },
    ];
    for actor in [reception(), handler(), leader(), applicant(), system()] {
        for action in &actions {
            let refusal = returned.refused(&actor, action.clone(), later(2));
            assert!(
                matches!(refusal.code(), "wrong_status" | "not_permitted"),
                "{} by {}: {refusal:?}",
                action.name(),
                actor.label()
            );
        }
    }
}

#[test]
fn actions_dated_before_the_last_event_are_refused() {
    let mut dossier = Dossier::processing(FIVE_DAYS, later(5));
    assert_eq!(
        dossier.refused(
            &handler(),
            Action::ProposeResult {
                summary: "x".into()
            },
            later(4)
        ),
        Refusal::TimeBeforeLastEvent
    );
}

#[test]
fn a_different_procedure_or_workflow_version_is_refused() {
    let mut dossier = Dossier::processing(FIVE_DAYS, monday());
    dossier.workflow.version = 2;
    let refusal = dossier.refused(
        &handler(),
        Action::ProposeResult {
            summary: "x".into(),
        },
        later(1),
    );
    assert_eq!(refusal.code(), "context_mismatch");
    assert!(
        refusal.to_string().contains("workflow standard version 1"),
        "{refusal}"
    );
}

#[test]
fn events_serialise_with_their_kind_and_read_back_equal() {
    let mut dossier = Dossier::ready(FIVE_DAYS, monday());
    dossier.act(
        &reception(),
        Action::ReturnResult {
            method: ReturnMethod::Post,
        },
        later(1),
    );
    for event in &dossier.events {
        let text = toml::to_string(event).expect("serialises");
        let back: Event = toml::from_str(&text).expect("reads back");
        assert_eq!(&back, event);
        let value: toml::Value = toml::from_str(&text).expect("toml");
        assert_eq!(
            value
                .get("change")
                .and_then(|c| c.get("kind"))
                .and_then(|k| k.as_str()),
            Some(event.kind())
        );
    }
    assert_eq!(
        replay(&dossier.events).expect("replays"),
        dossier.state.clone()
    );
    let state_text = toml::to_string(dossier.state()).expect("state serialises");
    let state_back: DossierState = toml::from_str(&state_text).expect("state reads back");
    assert_eq!(&state_back, dossier.state());
}

#[test]
fn a_log_that_does_not_start_with_the_submission_is_rejected() {
    let dossier = Dossier::accepted(FIVE_DAYS, monday());
    assert_eq!(
        replay(&dossier.events[1..]),
        Err(ApplyError::NotOpen { kind: "accepted" })
    );
    let mut doubled = dossier.events.clone();
    doubled.push(dossier.events[0].clone());
    assert_eq!(replay(&doubled), Err(ApplyError::AlreadyOpen));
}

#[test]
fn an_online_return_needs_the_electronic_result_and_the_other_methods_do_not() {
    use crate::dossier::{ReturnMethod, electronic_result_refusal};
    let ready = Action::MarkResultReady;
    let online = Action::ReturnResult {
        method: ReturnMethod::Online,
    };
    let counter = Action::ReturnResult {
        method: ReturnMethod::Counter,
    };
    assert_eq!(
        electronic_result_refusal(&ready, Some(ReturnMethod::Online), false),
        Some("result_file_missing")
    );
    assert_eq!(
        electronic_result_refusal(&ready, Some(ReturnMethod::Online), true),
        None
    );
    assert_eq!(
        electronic_result_refusal(&ready, Some(ReturnMethod::Post), false),
        None
    );
    assert_eq!(electronic_result_refusal(&ready, None, false), None);
    assert_eq!(
        electronic_result_refusal(&online, Some(ReturnMethod::Counter), false),
        Some("no_electronic_result")
    );
    assert_eq!(electronic_result_refusal(&online, None, true), None);
    assert_eq!(
        electronic_result_refusal(&counter, Some(ReturnMethod::Online), false),
        None
    );
    assert_eq!(
        electronic_result_refusal(&Action::Accept, Some(ReturnMethod::Online), false),
        None
    );
}
