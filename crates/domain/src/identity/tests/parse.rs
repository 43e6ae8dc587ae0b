//! Examples of each rule of the personal identification number.

use time::macros::date;

use crate::identity::*;

fn id(text: &str) -> PersonalId {
    PersonalId::parse(text).expect("a valid number")
}

#[test]
fn the_circular_lists_sixty_three_distinct_provinces_from_001_to_096() {
    let mut codes: Vec<&str> = BIRTH_PROVINCES.iter().map(|p| p.code).collect();
    assert_eq!(codes.len(), 63);
    codes.dedup();
    assert_eq!(codes.len(), 63, "codes are sorted and distinct");
    assert!(codes.windows(2).all(|w| w[0] < w[1]));
    assert_eq!((codes[0], codes[62]), ("001", "096"));
    assert_eq!(birth_province("079").map(|p| p.name), Some("Hồ Chí Minh"));
    assert_eq!(birth_province("003"), None);
}

#[test]
fn a_number_typed_with_surrounding_spaces_reads_as_its_twelve_digits() {
    let number = id("  001099012345\t");
    assert_eq!(number.as_str(), "001099012345");
    assert_eq!(number.to_string(), "001099012345");
    assert_eq!(number.birth_province().name, "Hà Nội");
    assert_eq!(number.serial(), 12_345);
}

#[test]
fn the_fourth_digit_gives_century_and_sex() {
    let cases = [
        ('0', 1900, Sex::Male),
        ('1', 1900, Sex::Female),
        ('2', 2000, Sex::Male),
        ('3', 2000, Sex::Female),
        ('4', 2100, Sex::Male),
        ('5', 2100, Sex::Female),
        ('6', 2200, Sex::Male),
        ('7', 2200, Sex::Female),
        ('8', 2300, Sex::Male),
        ('9', 2300, Sex::Female),
    ];
    for (digit, century, sex) in cases {
        let number = id(&format!("027{digit}05123456"));
        assert_eq!(number.century_start(), century, "digit {digit}");
        assert_eq!(number.sex(), sex, "digit {digit}");
        assert_eq!(number.birth_year(), century + 5, "digit {digit}");
    }
}

#[test]
fn an_empty_or_blank_number_is_refused_as_empty() {
    assert_eq!(PersonalId::parse(""), Err(PersonalIdError::Empty));
    assert_eq!(PersonalId::parse("   "), Err(PersonalIdError::Empty));
}

#[test]
fn letters_inner_spaces_and_dots_are_not_digits() {
    for text in [
        "00109901234A",
        "001 099 012 345",
        "001.099.012.345",
        "００１０９９０１２３４５",
    ] {
        assert_eq!(
            PersonalId::parse(text),
            Err(PersonalIdError::NotDigits),
            "{text}"
        );
    }
}

#[test]
fn old_nine_digit_identity_card_numbers_are_refused_by_length() {
    assert_eq!(
        PersonalId::parse("125123456"),
        Err(PersonalIdError::Length { found: 9 })
    );
    assert_eq!(
        PersonalId::parse("0010990123456"),
        Err(PersonalIdError::Length { found: 13 })
    );
}

#[test]
fn a_number_opening_with_a_code_no_province_has_is_refused() {
    for code in ["000", "003", "097", "999"] {
        assert_eq!(
            PersonalId::parse(&format!("{code}099012345")),
            Err(PersonalIdError::UnknownProvince {
                code: code.to_owned()
            })
        );
    }
}

#[test]
fn a_number_matches_a_birth_in_its_century_and_year_whatever_the_day() {
    let number = id("027190001234");
    assert_eq!(number.check_birth(date!(1990 - 01 - 01), None), Ok(()));
    assert_eq!(
        number.check_birth(date!(1990 - 12 - 31), Some(Sex::Female)),
        Ok(())
    );
}

#[test]
fn a_birth_in_another_century_is_a_century_mismatch() {
    let number = id("027190001234");
    assert_eq!(
        number.check_birth(date!(2090 - 05 - 01), Some(Sex::Female)),
        Err(PersonalIdError::CenturyMismatch {
            id_century: 1900,
            birth_year: 2090
        })
    );
    assert_eq!(
        number.check_birth(date!(1890 - 05 - 01), None),
        Err(PersonalIdError::CenturyMismatch {
            id_century: 1900,
            birth_year: 1890
        })
    );
}

#[test]
fn a_birth_in_another_year_of_the_century_is_a_year_mismatch() {
    assert_eq!(
        id("027190001234").check_birth(date!(1991 - 05 - 01), None),
        Err(PersonalIdError::YearMismatch {
            id_year: 90,
            birth_year: 1991
        })
    );
}

#[test]
fn another_sex_than_the_number_says_is_a_sex_mismatch() {
    assert_eq!(
        id("027190001234").check_birth(date!(1990 - 05 - 01), Some(Sex::Male)),
        Err(PersonalIdError::SexMismatch {
            id_sex: Sex::Female,
            given: Sex::Male
        })
    );
}

#[test]
fn a_number_built_from_parts_reads_back_the_same_parts() {
    let number = PersonalId::from_parts("024", Sex::Male, 2007, 42).expect("valid parts");
    assert_eq!(number.as_str(), "024207000042");
    assert_eq!(number.birth_province().name, "Bắc Giang");
    assert_eq!((number.sex(), number.birth_year()), (Sex::Male, 2007));
    assert_eq!(PersonalId::parse(number.as_str()), Ok(number));
}

#[test]
fn parts_outside_the_codes_are_refused() {
    assert_eq!(
        PersonalId::from_parts("003", Sex::Male, 1990, 1),
        Err(PersonalIdError::UnknownProvince {
            code: "003".to_owned()
        })
    );
    assert_eq!(
        PersonalId::from_parts("001", Sex::Male, 1899, 1),
        Err(PersonalIdError::YearOutOfRange { year: 1899 })
    );
    assert_eq!(
        PersonalId::from_parts("001", Sex::Female, 2400, 1),
        Err(PersonalIdError::YearOutOfRange { year: 2400 })
    );
    assert_eq!(
        PersonalId::from_parts("001", Sex::Male, 1990, 1_000_000),
        Err(PersonalIdError::SerialOutOfRange { serial: 1_000_000 })
    );
}

#[test]
fn debug_output_hides_all_but_the_last_four_digits() {
    let number = id("027190001234");
    assert_eq!(format!("{number:?}"), "PersonalId(********1234)");
    assert_eq!(number.masked(), "********1234");
}

#[test]
fn a_number_serialises_as_its_digits_and_bad_ones_do_not_deserialise() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Form {
        id: PersonalId,
    }
    let form = Form {
        id: id("001099012345"),
    };
    let text = toml::to_string(&form).expect("serialises");
    assert_eq!(text.trim(), "id = \"001099012345\"");
    assert_eq!(toml::from_str::<Form>(&text).expect("deserialises"), form);
    assert!(toml::from_str::<Form>("id = \"003099012345\"").is_err());
}

#[test]
fn every_error_has_a_distinct_listed_code() {
    let errors = [
        PersonalIdError::Empty,
        PersonalIdError::NotDigits,
        PersonalIdError::Length { found: 1 },
        PersonalIdError::UnknownProvince {
            code: "003".to_owned(),
        },
        PersonalIdError::CenturyMismatch {
            id_century: 1900,
            birth_year: 2000,
        },
        PersonalIdError::YearMismatch {
            id_year: 1,
            birth_year: 1902,
        },
        PersonalIdError::SexMismatch {
            id_sex: Sex::Male,
            given: Sex::Female,
        },
        PersonalIdError::YearOutOfRange { year: 1 },
        PersonalIdError::SerialOutOfRange { serial: 1 },
    ];
    let codes: Vec<&str> = errors.iter().map(PersonalIdError::code).collect();
    assert_eq!(codes, PersonalIdError::CODES);
}
