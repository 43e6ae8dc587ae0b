//! Personal identification numbers are typed by citizens (applications, sign-up, tracking) and
//! officers, so `PersonalId::parse` must never panic, and what it accepts must be exactly the 12
//! digits typed, with every part (province, century and sex, year, serial) readable and
//! consistent: rebuilding the number from its parts gives it back.
#![no_main]

use domain::identity::{FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR, PersonalId};
use libfuzzer_sys::fuzz_target;
use time::{Date, Month};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(id) = PersonalId::parse(text) else {
        return;
    };
    let digits = id.as_str();
    assert_eq!(digits, text.trim());
    assert!(digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(id.to_string(), digits);
    assert_eq!(PersonalId::parse(digits).as_ref(), Ok(&id));
    assert_eq!(id.birth_province().code, &digits[..3]);

    let year = id.birth_year();
    assert!((FIRST_BIRTH_YEAR..=LAST_BIRTH_YEAR).contains(&year));
    assert!(id.serial() < 1_000_000);
    let rebuilt = PersonalId::from_parts(id.birth_province().code, id.sex(), year, id.serial());
    assert_eq!(rebuilt.as_ref(), Ok(&id));

    // Whoever the number says was born that year, of that sex, passes the birth check.
    let born = Date::from_calendar_date(year, Month::June, 30).expect("a real date");
    assert_eq!(id.check_birth(born, Some(id.sex())), Ok(()));

    // Lists and logs never show more than the last four digits.
    assert_eq!(id.masked(), format!("********{}", &digits[8..]));
    assert!(!format!("{id:?}").contains(&digits[..8]));
    let json = serde_json::to_string(&id).expect("serialises");
    assert_eq!(
        serde_json::from_str::<PersonalId>(&json).expect("reads back"),
        id
    );
});
