//! Public tracking (tra cứu hồ sơ): anyone holding the dossier code and the last four digits of the
//! applicant's phone number or personal ID may follow the dossier, without signing in. Four
//! digits keep strangers who guess codes out; rate limits on look-ups (at the web edge) keep
//! them from trying all 10,000.

use super::event::{Change, Event};

/// The last four digits of a phone number or personal ID as typed (spaces, dots, dashes and a
/// leading +84 allowed); `None` when it has fewer than four digits.
pub fn last_four_digits(text: &str) -> Option<String> {
    let digits: Vec<char> = text.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

/// Whether what a visitor typed proves they know the applicant's phone or ID. They may type the
/// four digits or the whole number; either is reduced to its last four digits.
pub fn proves_applicant(typed: &str, phone_last4: Option<&str>, id_last4: Option<&str>) -> bool {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.is_empty()
        || !typed
            .chars()
            .all(|c| c.is_ascii_digit() || "+.-".contains(c))
    {
        return false;
    }
    match last_four_digits(&typed) {
        Some(four) => phone_last4 == Some(four.as_str()) || id_last4 == Some(four.as_str()),
        None => false,
    }
}

/// What the agency asked the applicant to add (Form 02), while the request is open: the reasons
/// and the papers named. The applicant sees it when following the dossier, and the supplement
/// answers it paper by paper.
pub fn open_supplement_request(events: &[Event]) -> Option<SupplementRequest<'_>> {
    match events
        .iter()
        .rev()
        .find(|e| {
            matches!(
                e.change,
                Change::SupplementRequested { .. } | Change::SupplementReceived { .. }
            )
        })?
        .change
    {
        Change::SupplementRequested {
            ref reasons,
            ref papers,
            ..
        } => Some(SupplementRequest { reasons, papers }),
        _ => None,
    }
}

/// An open request to complete the papers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupplementRequest<'a> {
    /// The reasons written on Form 02.
    pub reasons: &'a str,
    /// The papers named, by their names in the procedure's list (may be empty).
    pub papers: &'a [String],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Actor, Event};

    fn event(change: Change) -> Event {
        Event {
            at: time::macros::datetime!(2026-11-27 08:00 UTC),
            actor: Actor::System { job: "test".into() },
            change,
        }
    }

    fn request(reasons: &str) -> Change {
        Change::SupplementRequested {
            reasons: reasons.into(),
            at_intake: false,
            number: 1,
            papers: vec!["Tờ khai".into()],
        }
    }

    #[test]
    fn the_latest_request_is_open_until_papers_are_received() {
        let received = Change::SupplementReceived {
            note: None,
            paused_seconds: 0,
            due: None,
            steps: Vec::new(),
            apology_due: None,
        };
        let mut log = vec![event(Change::ResultReady)];
        assert_eq!(open_supplement_request(&log), None);
        log.push(event(request("first")));
        assert_eq!(
            open_supplement_request(&log).map(|r| r.reasons),
            Some("first")
        );
        log.push(event(received));
        assert_eq!(open_supplement_request(&log), None, "answered");
        log.push(event(request("second")));
        let open = open_supplement_request(&log).expect("open");
        assert_eq!(open.reasons, "second");
        assert_eq!(open.papers, ["Tờ khai".to_owned()]);
    }

    #[test]
    fn the_last_four_digits_ignore_separators() {
        assert_eq!(last_four_digits("+84 912.345-678"), Some("5678".into()));
        assert_eq!(last_four_digits("001090012345"), Some("2345".into()));
        assert_eq!(last_four_digits("12a3"), None);
    }

    #[test]
    fn either_the_phone_or_the_id_digits_prove_the_applicant() {
        assert!(proves_applicant("5678", Some("5678"), None));
        assert!(proves_applicant("0912 345 678", Some("5678"), Some("2345")));
        assert!(proves_applicant("2345", Some("5678"), Some("2345")));
        assert!(!proves_applicant("1111", Some("5678"), Some("2345")));
        assert!(!proves_applicant("", Some("5678"), None));
        assert!(!proves_applicant("56x78", Some("5678"), None));
        assert!(!proves_applicant("5678", None, None));
    }
}
