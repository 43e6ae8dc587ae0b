//! Tests of dossier codes.

use proptest::prelude::*;
use time::macros::date;

use super::*;

#[test]
fn the_example_code_parses_and_prints_back() {
    let code = DossierCode::parse("000.00.15.H56-230915-0001").expect("valid");
    assert_eq!(code.agency(), "000.00.15.H56");
    assert_eq!(code.date(), date!(2023 - 09 - 15));
    assert_eq!(code.counter(), 1);
    assert_eq!(code.to_string(), "000.00.15.H56-230915-0001");
}

#[test]
fn a_new_code_pads_the_counter_to_four_digits() {
    let code = DossierCode::new("000.00.15.H27", date!(2026 - 02 - 13), 42).expect("valid");
    assert_eq!(code.to_string(), "000.00.15.H27-260213-0042");
}

#[test]
fn the_ten_thousandth_dossier_of_a_day_widens_to_five_digits() {
    let day = date!(2026 - 03 - 02);
    let last_four = DossierCode::new("000.00.15.H27", day, 9_999).expect("valid");
    let first_five = DossierCode::new("000.00.15.H27", day, 10_000).expect("valid");
    assert_eq!(last_four.to_string(), "000.00.15.H27-260302-9999");
    assert_eq!(first_five.to_string(), "000.00.15.H27-260302-10000");
    assert_eq!(
        DossierCode::parse("000.00.15.H27-260302-10000"),
        Ok(first_five)
    );
    assert_eq!(
        DossierCode::new("000.00.15.H27", day, MAX_COUNTER + 1),
        Err(DossierCodeError::CounterRange { counter: 100_000 })
    );
    assert_eq!(
        DossierCode::new("000.00.15.H27", day, 0),
        Err(DossierCodeError::CounterRange { counter: 0 })
    );
}

#[test]
fn parsing_trims_spaces_and_accepts_a_lowercase_agency_letter() {
    let code = DossierCode::parse("  000.00.15.h56-230915-0001 \n").expect("valid");
    assert_eq!(code.to_string(), "000.00.15.H56-230915-0001");
    let made = DossierCode::new("000.00.15.h56", date!(2023 - 09 - 15), 1).expect("valid");
    assert_eq!(made, code);
}

/// The part of the code an error blames.
fn part(error: &DossierCodeError) -> &'static str {
    match error {
        DossierCodeError::Empty => "Empty",
        DossierCodeError::Shape { .. } => "Shape",
        DossierCodeError::Agency { .. } => "Agency",
        DossierCodeError::Date { .. } => "Date",
        DossierCodeError::Year { .. } => "Year",
        DossierCodeError::Counter { .. } => "Counter",
        DossierCodeError::CounterRange { .. } => "CounterRange",
    }
}

#[test]
fn malformed_codes_are_refused_with_the_part_at_fault() {
    let cases = [
        ("", "Empty"),
        ("   ", "Empty"),
        ("000.00.15.H56-230915", "Shape"),
        ("000.00.15.H56-230231-0001", "Date"),
        ("000.00.15.H56-231315-0001", "Date"),
    ];
    for (text, expected) in cases {
        let error = DossierCode::parse(text).expect_err(text);
        assert_eq!(part(&error), expected, "{text:?} gave {error:?}");
        assert!(!error.to_string().is_empty());
    }
}

#[test]
fn a_date_outside_this_century_cannot_make_a_code() {
    assert_eq!(
        DossierCode::new("000.00.15.H27", date!(2100 - 01 - 01), 1),
        Err(DossierCodeError::Year { year: 2100 })
    );
}

#[test]
fn a_dossier_code_serialises_as_its_text() {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Row {
        code: DossierCode,
    }
    let row = Row {
        code: DossierCode::parse("000.00.15.H56-230915-0001").expect("valid"),
    };
    let text = toml::to_string(&row).expect("serialises");
    assert_eq!(text.trim(), r#"code = "000.00.15.H56-230915-0001""#);
    assert_eq!(toml::from_str::<Row>(&text).expect("parses"), row);
    assert!(toml::from_str::<Row>(r#"code = "nope""#).is_err());
}

fn valid_code() -> impl Strategy<Value = DossierCode> {
    (
        0u32..1000,
        0u32..100,
        0u32..100,
        proptest::char::range('A', 'Z'),
        0u32..100,
        0i64..36_500,
        1u32..=MAX_COUNTER,
    )
        .prop_map(|(a, b, c, letter, d, days, counter)| {
            let agency = format!("{a:03}.{b:02}.{c:02}.{letter}{d:02}");
            let day = date!(2000 - 01 - 01) + time::Duration::days(days);
            DossierCode::new(&agency, day, counter).expect("generated valid")
        })
}

proptest! {
    #[test]
    fn any_valid_code_round_trips_through_its_text(code in valid_code()) {
        let text = code.to_string();
        prop_assert_eq!(DossierCode::parse(&text), Ok(code.clone()));
        prop_assert_eq!(DossierCode::parse(&text.to_lowercase()), Ok(code));
    }

    #[test]
    fn parsing_never_panics_on_arbitrary_text(text in ".*") {
        let _ = DossierCode::parse(&text);
    }

    #[test]
    fn parsing_never_panics_on_near_codes(text in "[0-9A-Za-z .\\-]{0,30}") {
        if let Ok(code) = DossierCode::parse(&text) {
            prop_assert_eq!(DossierCode::parse(&code.to_string()), Ok(code));
        }
    }
}
