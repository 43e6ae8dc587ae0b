//! The applicant's details are typed by citizens on the portal, by officers at the counter and
//! sent by API clients, and every door parses them with `ApplicantDetails::parse`, so it must
//! never panic, and what it accepts must read back the same: every canonical value it keeps
//! parses again to itself, under both intakes.
#![no_main]

use domain::applicant::{ApplicantDetails, ApplicantForm, BirthDate, Intake, PhoneNumber};
use libfuzzer_sys::fuzz_target;
use time::{Date, Month};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Five fields separated by newlines: ID, birth date, phone, e-mail, address.
    let mut parts = text.splitn(5, '\n');
    let mut next = || parts.next().unwrap_or("");
    let form = ApplicantForm {
        personal_id: next(),
        birth_date: next(),
        phone: next(),
        email: next(),
        address: next(),
    };
    let today = Date::from_calendar_date(2026, Month::December, 7).expect("a real date");
    for intake in [Intake::Online, Intake::Counter] {
        let Ok(details) = ApplicantDetails::parse(&form, intake, today) else {
            continue;
        };
        if intake == Intake::Online {
            assert!(details.personal_id.is_some() && details.birth_date.is_some());
            assert!(details.phone.is_some() && details.address.is_some());
        } else {
            assert!(details.personal_id.is_some() || details.phone.is_some());
        }
        if let Some(phone) = &details.phone {
            assert_eq!(PhoneNumber::parse(phone.as_str()).as_ref(), Ok(phone));
            assert_eq!(PhoneNumber::parse(&phone.grouped()).as_ref(), Ok(phone));
        }
        if let Some(birth) = details.birth_date {
            assert!(birth.date() <= today);
            assert_eq!(BirthDate::parse(&birth.iso(), today), Ok(birth));
            assert_eq!(BirthDate::parse(&birth.written(), today), Ok(birth));
        }
        let canonical = ApplicantForm {
            personal_id: details.personal_id.as_ref().map_or("", |id| id.as_str()),
            birth_date: &details.birth_date.map(BirthDate::iso).unwrap_or_default(),
            phone: details.phone.as_ref().map_or("", PhoneNumber::as_str),
            email: details.email.as_ref().map_or("", |e| e.as_str()),
            address: details.address.as_ref().map_or("", |a| a.as_str()),
        };
        assert_eq!(
            ApplicantDetails::parse(&canonical, intake, today).as_ref(),
            Ok(&details)
        );
    }
});
