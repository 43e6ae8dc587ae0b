//! How a citizen is reached and signs in: an e-mail address or a Vietnamese phone number, each
//! written one canonical way so that "0912 345 678", "+84912345678" and "0912.345.678" are one
//! account. Phone numbers follow the national numbering plan (Circular 22/2014/TT-BTTTT as
//! amended: 10-digit mobile numbers after 2018; landlines with area codes up to 11 digits).

/// A sign-in name: e-mail or phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// An e-mail address, lowercase.
    Email(String),
    /// A phone number as national digits starting with 0.
    Phone(String),
}

/// Why a sign-in name is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LoginProblem {
    /// Nothing was typed.
    #[error("enter a phone number or an e-mail address")]
    Missing,
    /// It has an @ but is not an e-mail address.
    #[error("the e-mail address is not valid")]
    Email,
    /// It is not a phone number of 10 or 11 digits.
    #[error("the phone number must have 10 or 11 digits, for example 0912 345 678")]
    Phone,
}

impl LoginProblem {
    /// Stable code for translation.
    pub fn code(self) -> &'static str {
        match self {
            LoginProblem::Missing => "missing",
            LoginProblem::Email => "email",
            LoginProblem::Phone => "phone",
        }
    }
}

impl Login {
    /// Reads what a visitor typed as an e-mail (when it has an @) or a phone number.
    pub fn parse(text: &str) -> Result<Login, LoginProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LoginProblem::Missing);
        }
        if text.contains('@') {
            return canonical_email(text)
                .map(Login::Email)
                .ok_or(LoginProblem::Email);
        }
        national_phone(text)
            .map(Login::Phone)
            .ok_or(LoginProblem::Phone)
    }

    /// The canonical text stored and looked up.
    pub fn as_str(&self) -> &str {
        match self {
            Login::Email(s) | Login::Phone(s) => s,
        }
    }
}

/// An e-mail address in its canonical form (trimmed, lowercase), or `None` when it is not one.
/// The lengths are SMTP's (RFC 5321 §4.5.3.1: 64 octets before the @, 254 in all).
pub fn canonical_email(text: &str) -> Option<String> {
    let email = text.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && email.len() <= 254
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    valid.then_some(email)
}

/// A Vietnamese phone number as national digits starting with 0 (10 digits for mobiles, up to
/// 11 for landlines with their area code: Circular 22/2014/TT-BTTTT as amended), from the ways
/// people write it (spaces, dots, dashes, brackets, +84), or `None` when it is not one.
pub fn national_phone(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || " .-+()".contains(c))
    {
        return None;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    // +84 912… is 0912… written internationally.
    let national = match digits.strip_prefix("84") {
        Some(rest) if text.starts_with('+') || digits.len() == 11 && !digits.starts_with('0') => {
            format!("0{rest}")
        }
        _ => digits,
    };
    (national.starts_with('0') && (10..=11).contains(&national.len())).then_some(national)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_phone_number_written_many_ways_is_one_login() {
        for typed in [
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
            "84912345678",
        ] {
            assert_eq!(
                Login::parse(typed),
                Ok(Login::Phone("0912345678".into())),
                "{typed}"
            );
        }
    }

    #[test]
    fn e_mail_addresses_are_lowercased_and_checked_for_shape() {
        assert_eq!(
            Login::parse(" Mai.Tran@Example.VN "),
            Ok(Login::Email("mai.tran@example.vn".into()))
        );
        for bad in [
            "mai@",
            "@example.vn",
            "mai@example",
            "mai@@example.vn",
            "mai @example.vn",
        ] {
            assert_eq!(Login::parse(bad), Err(LoginProblem::Email), "{bad}");
        }
    }

    #[test]
    fn short_or_lettered_phone_numbers_and_blanks_are_refused() {
        assert_eq!(Login::parse("12345"), Err(LoginProblem::Phone));
        assert_eq!(Login::parse("0912abc678"), Err(LoginProblem::Phone));
        assert_eq!(Login::parse("   "), Err(LoginProblem::Missing));
    }
}
