//! Dossier codes are typed by anyone on the public tracking page and arrive in API paths, so
//! `DossierCode::parse` must never panic on any text, and every code it accepts must have exactly
//! one text form that reads back as the same code.
#![no_main]

use domain::dossier::{DossierCode, MAX_COUNTER};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(code) = DossierCode::parse(text) else {
        return;
    };
    let shown = code.to_string();
    // The one text form is what was typed, but for surrounding spaces and the agency letter's
    // case: nothing else (signs, other digits, widths) is accepted.
    assert!(
        shown.eq_ignore_ascii_case(text.trim()),
        "{text:?} was read as {shown:?}"
    );
    assert_eq!(DossierCode::parse(&shown).as_ref(), Ok(&code));
    assert!(!code.agency().bytes().any(|b| b.is_ascii_lowercase()));
    assert!((1..=MAX_COUNTER).contains(&code.counter()));
    assert!((2000..=2099).contains(&code.date().year()));
    // Building the same parts gives the same code.
    assert_eq!(
        DossierCode::new(code.agency(), code.date(), code.counter()).as_ref(),
        Ok(&code)
    );
    // Serialised as its text (API bodies, the event log), and read back.
    let json = serde_json::to_string(&code).expect("a code serialises");
    assert_eq!(json, format!("\"{shown}\""));
    assert_eq!(
        serde_json::from_str::<DossierCode>(&json).expect("reads back"),
        code
    );
});
