//! Property tests: every number built from valid parts parses back and matches the birth it was
//! built from, and breaking exactly one rule fails with that rule's error and no other.

use proptest::prelude::*;
use time::Date;

use crate::identity::*;

/// A valid number with the birth date and sex it was built for.
#[derive(Debug, Clone)]
struct Valid {
    id: PersonalId,
    birth: Date,
    sex: Sex,
}

fn valid() -> impl Strategy<Value = Valid> {
    (
        0..BIRTH_PROVINCES.len(),
        any::<bool>(),
        FIRST_BIRTH_YEAR..=LAST_BIRTH_YEAR,
        1u16..=365,
        0u32..1_000_000,
    )
        .prop_map(|(province, female, year, day, serial)| {
            let sex = if female { Sex::Female } else { Sex::Male };
            let birth = Date::from_ordinal_date(year, day).expect("days 1-365 exist every year");
            let id = PersonalId::from_parts(BIRTH_PROVINCES[province].code, sex, year, serial)
                .expect("valid parts");
            Valid { id, birth, sex }
        })
}

fn replace(text: &str, at: usize, with: &str) -> String {
    let mut out = text.to_owned();
    out.replace_range(at..at + with.len(), with);
    out
}

/// The fourth digit for `century` (0 = 1900s … 4 = 2300s) and `sex`.
fn century_digit(century: i32, sex: Sex) -> String {
    (century * 2 + i32::from(sex == Sex::Female)).to_string()
}

proptest! {
    #[test]
    fn any_number_built_from_valid_parts_parses_and_matches_its_birth(v in valid(), pad in "[ \t]{0,3}") {
        let typed = format!("{pad}{}{pad}", v.id);
        let parsed = PersonalId::parse(&typed);
        prop_assert_eq!(parsed.as_ref(), Ok(&v.id));
        prop_assert_eq!(v.id.check_birth(v.birth, Some(v.sex)), Ok(()));
        prop_assert_eq!(v.id.check_birth(v.birth, None), Ok(()));
        prop_assert_eq!(v.id.birth_year(), v.birth.year());
        prop_assert_eq!(v.id.sex(), v.sex);
    }

    #[test]
    fn any_text_at_all_parses_or_fails_without_panicking(text in any::<String>()) {
        let _ = PersonalId::parse(&text);
    }

    #[test]
    fn a_blank_text_is_empty(text in "[ \t\n]{0,5}") {
        prop_assert_eq!(PersonalId::parse(&text), Err(PersonalIdError::Empty));
    }

    #[test]
    fn a_digit_missing_or_added_breaks_the_length_rule(v in valid(), at in 0usize..12, add in any::<bool>(), d in 0u8..10) {
        let mut text = v.id.to_string();
        if add {
            text.insert(at, char::from(b'0' + d));
        } else {
            text.remove(at);
        }
        prop_assert_eq!(
            PersonalId::parse(&text),
            Err(PersonalIdError::Length { found: text.len() })
        );
    }

    #[test]
    fn one_character_other_than_a_digit_breaks_the_digit_rule(
        v in valid(),
        at in 0usize..12,
        c in any::<char>().prop_filter("not a digit nor trimmed away", |c| !c.is_ascii_digit() && !c.is_whitespace()),
    ) {
        let mut chars: Vec<char> = v.id.to_string().chars().collect();
        chars[at] = c;
        let text: String = chars.into_iter().collect();
        prop_assert_eq!(PersonalId::parse(&text), Err(PersonalIdError::NotDigits));
    }

    #[test]
    fn a_province_code_outside_the_list_breaks_the_province_rule(v in valid(), code in 0u32..1000) {
        let code = format!("{code:03}");
        prop_assume!(birth_province(&code).is_none());
        let text = replace(v.id.as_str(), 0, &code);
        prop_assert_eq!(PersonalId::parse(&text), Err(PersonalIdError::UnknownProvince { code }));
    }

    #[test]
    fn another_century_in_the_fourth_digit_breaks_the_century_rule(v in valid(), century in 0i32..5) {
        let own = (v.birth.year() - FIRST_BIRTH_YEAR) / 100;
        prop_assume!(century != own);
        let text = replace(v.id.as_str(), 3, &century_digit(century, v.sex));
        let changed = PersonalId::parse(&text).expect("every fourth digit is structurally valid");
        prop_assert_eq!(
            changed.check_birth(v.birth, Some(v.sex)),
            Err(PersonalIdError::CenturyMismatch {
                id_century: FIRST_BIRTH_YEAR + 100 * century,
                birth_year: v.birth.year(),
            })
        );
    }

    #[test]
    fn other_year_digits_break_the_year_rule(v in valid(), year in 0u8..100) {
        prop_assume!(i32::from(year) != v.birth.year() % 100);
        let text = replace(v.id.as_str(), 4, &format!("{year:02}"));
        let changed = PersonalId::parse(&text).expect("every year is structurally valid");
        prop_assert_eq!(
            changed.check_birth(v.birth, Some(v.sex)),
            Err(PersonalIdError::YearMismatch { id_year: year, birth_year: v.birth.year() })
        );
    }

    #[test]
    fn the_other_sex_in_the_fourth_digit_breaks_the_sex_rule(v in valid()) {
        let other = match v.sex {
            Sex::Male => Sex::Female,
            Sex::Female => Sex::Male,
        };
        let century = (v.birth.year() - FIRST_BIRTH_YEAR) / 100;
        let text = replace(v.id.as_str(), 3, &century_digit(century, other));
        let changed = PersonalId::parse(&text).expect("every fourth digit is structurally valid");
        prop_assert_eq!(
            changed.check_birth(v.birth, Some(v.sex)),
            Err(PersonalIdError::SexMismatch { id_sex: other, given: v.sex })
        );
        // Without a sex to compare, the same number is consistent with the birth.
        prop_assert_eq!(changed.check_birth(v.birth, None), Ok(()));
    }
}
