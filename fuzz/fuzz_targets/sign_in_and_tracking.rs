//! What visitors type to sign in (an e-mail address or a phone number, `Login::parse`) and to
//! prove they may follow a dossier (the last four digits of a phone or ID, `dossier::tracking`)
//! is outside input on public pages: neither may panic, a sign-in name's canonical form must read
//! back as itself, and the tracking proof must rest on exactly the last four digits typed.
#![no_main]

use domain::contact::Login;
use domain::dossier::tracking::{last_four_digits, proves_applicant};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(login) = Login::parse(text) {
        // The stored form is a fixed point: signing in with it finds the same account.
        assert_eq!(
            Login::parse(login.as_str()).as_ref(),
            Ok(&login),
            "{text:?}"
        );
        match &login {
            Login::Phone(digits) => {
                assert!(digits.starts_with('0'));
                assert!((10..=11).contains(&digits.len()));
                assert!(digits.bytes().all(|b| b.is_ascii_digit()));
            }
            Login::Email(address) => {
                assert!(address.contains('@'));
                assert!(address.len() <= 254);
            }
        }
    }

    let digits: Vec<char> = text.chars().filter(char::is_ascii_digit).collect();
    let four = last_four_digits(text);
    match &four {
        Some(four) => {
            assert_eq!(four.len(), 4);
            assert!(digits.ends_with(&four.chars().collect::<Vec<_>>()));
        }
        None => assert!(digits.len() < 4),
    }

    // Nothing is proved against nothing; a proof is the typed number's own last four digits.
    assert!(!proves_applicant(text, None, None));
    if let Some(four) = &four {
        if proves_applicant(text, Some(four), None) {
            assert!(proves_applicant(text, None, Some(four)));
        }
        let other = if four == "0000" { "1111" } else { "0000" };
        assert!(!proves_applicant(text, Some(other), Some(other)));
    }
});
