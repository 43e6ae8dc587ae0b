//! Tests of the statuses and their codes.

use super::*;

#[test]
fn every_status_round_trips_through_its_text_form() {
    for status in Status::ALL {
        assert_eq!(Status::parse(status.as_str()), Some(status));
        assert_eq!(Status::from_dvcqg_code(status.dvcqg_code()), Some(status));
        if let Some(code) = status.code() {
            assert_eq!(Status::from_code(code), Some(status));
        }
    }
    assert_eq!(Status::parse("Processing"), None);
    assert_eq!(Status::from_code(0), None);
    assert_eq!(Status::from_code(11), None);
}

#[test]
fn numeric_and_dvcqg_codes_match_the_national_portal() {
    let table: Vec<(Option<u8>, &str)> = Status::ALL
        .iter()
        .map(|s| (s.code(), s.dvcqg_code()))
        .collect();
    assert_eq!(
        table,
        vec![
            (Some(1), "receiving"),
            (Some(2), "new"),
            (Some(3), "denied"),
            (Some(4), "processing"),
            (Some(5), "waiting"),
            (Some(6), "paying"),
            (Some(7), "cancelled"),
            (Some(8), "unresolved"),
            (Some(9), "releasing"),
            (Some(10), "done"),
            (None, "interoperating"),
        ]
    );
}

#[test]
fn terminal_statuses_are_refused_withdrawn_stopped_and_returned() {
    let terminal: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| s.is_terminal())
        .collect();
    assert_eq!(
        terminal,
        vec![
            Status::Refused,
            Status::Withdrawn,
            Status::Stopped,
            Status::Returned
        ]
    );
}

#[test]
fn the_open_statuses_are_every_status_that_is_not_terminal_in_code_order() {
    let open: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| !s.is_terminal())
        .collect();
    assert_eq!(open, Status::OPEN.to_vec());
}

#[test]
fn processing_ends_at_result_ready_returned_stopped_refused_or_withdrawn() {
    let ends: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| s.ends_processing())
        .collect();
    assert_eq!(
        ends,
        vec![
            Status::Refused,
            Status::Withdrawn,
            Status::Stopped,
            Status::ResultReady,
            Status::Returned
        ]
    );
}

#[test]
fn statuses_serialise_in_snake_case() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Row {
        status: Status,
    }
    let text = toml::to_string(&Row {
        status: Status::SupplementRequested,
    })
    .expect("serialises");
    assert_eq!(text.trim(), r#"status = "supplement_requested""#);
}
