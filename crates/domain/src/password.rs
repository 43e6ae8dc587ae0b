//! What a citizen's chosen password must be (OWASP ASVS 5.0 V6.2; NIST SP 800-63B §3.1.1.2):
//! at least 10 characters and at most 128, any characters, no composition rule, and not easy
//! to guess, judged by the zxcvbn estimator (30,000 common and leaked passwords, names, words,
//! dates, sequences, keyboard patterns), with the person's own name and login counted as known
//! to an attacker. Officers' passwords are generated, not chosen, and need no check.

/// Shortest password accepted.
pub const MIN_CHARS: usize = 10;
/// Longest password accepted (argon2 hashes any length, but nobody types more).
pub const MAX_CHARS: usize = 128;

/// Why a chosen password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("shorter than {MIN_CHARS} characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("longer than {MAX_CHARS} characters")]
    TooLong,
    /// Guessable in about a million tries or fewer (zxcvbn score 0 or 1): a common or leaked
    /// password, or one made of the person's own name or login.
    #[error("too easy to guess")]
    Guessable,
}

impl PasswordProblem {
    /// Stable code for messages.
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "short",
            PasswordProblem::TooLong => "long",
            PasswordProblem::Guessable => "guessable",
        }
    }
}

/// Checks a password someone chose; `known` are what an attacker would try first (their name,
/// phone number or e-mail address).
pub fn check(password: &str, known: &[&str]) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if length > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    // The name's words and the login's parts count on their own as well as whole.
    let mut hints: Vec<&str> = Vec::new();
    for k in known {
        hints.push(k);
        hints.extend(
            k.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 2),
        );
    }
    let estimate = zxcvbn::zxcvbn(password, &hints);
    if u8::from(estimate.score()) < 2 {
        return Err(PasswordProblem::Guessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_leaked_passwords_are_refused_whatever_their_length() {
        for p in [
            "password123",
            "1234567890",
            "qwertyuiop",
            "iloveyou123",
            "abc123abc123",
        ] {
            assert_eq!(check(p, &[]), Err(PasswordProblem::Guessable), "{p}");
        }
    }

    #[test]
    fn a_password_made_of_the_person_s_own_phone_or_name_is_refused() {
        assert_eq!(
            check("0912345678a", &["Nguyễn Văn An", "0912345678"]),
            Err(PasswordProblem::Guessable)
        );
    }

    #[test]
    fn a_sentence_easy_to_remember_passes_with_no_rule_on_its_characters() {
        assert_eq!(check("một câu dễ nhớ 2026", &["Nguyễn Thị Mai"]), Ok(()));
        assert_eq!(check("correct horse battery staple", &[]), Ok(()));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert_eq!(check("ngắn", &[]), Err(PasswordProblem::TooShort));
        assert_eq!(check(&"ạ".repeat(129), &[]), Err(PasswordProblem::TooLong));
    }
}
