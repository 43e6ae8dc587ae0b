//! Public tracking (tra cứu hồ sơ): anyone holding the dossier code and the last four digits of the
//! applicant's phone number or personal ID may follow the dossier, without signing in. Four
//! digits keep strangers who guess codes out; rate limits on look-ups (at the web edge) keep
//! them from trying all 10,000.

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

#[cfg(test)]
mod tests {
    use super::*;

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
