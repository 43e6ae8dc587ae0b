//! Why a text is not a personal identification number, or not the number of the person described:
//! one variant per rule, so the counter and the online form can say exactly which digit to check.

use thiserror::Error;

use super::Sex;

/// A broken rule of the personal identification number (Decree 137/2015/NĐ-CP Art. 13,
/// Circular 59/2021/TT-BCA Art. 7).
///
/// [`super::PersonalId::parse`] returns the first four; [`super::PersonalId::check_birth`] the
/// three mismatches; [`super::PersonalId::from_parts`] the two range errors (and
/// `UnknownProvince`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PersonalIdError {
    /// Nothing but spaces.
    #[error("the personal identification number is empty")]
    Empty,
    /// A character other than the digits 0–9 (letters, inner spaces, dots…).
    #[error("a personal identification number has digits only")]
    NotDigits,
    /// Not exactly 12 digits.
    #[error("a personal identification number has 12 digits, not {found}")]
    Length {
        /// How many characters were given (after trimming).
        found: usize,
    },
    /// The first three digits are not the code of a province (Circular 59/2021/TT-BCA Art. 7(1)).
    #[error("{code} is not the code of a province of birth registration")]
    UnknownProvince {
        /// The first three digits.
        code: String,
    },
    /// The fourth digit says another century than the birth date's (Art. 7(2)).
    #[error("the number is of someone born in {id_century}–{}, not in {birth_year}", id_century + 99)]
    CenturyMismatch {
        /// First year of the century the number says, e.g. 1900.
        id_century: i32,
        /// The year of the birth date given.
        birth_year: i32,
    },
    /// Digits 5–6 are not the last two digits of the birth year (Art. 7(3)).
    #[error("the number is of someone born in a year ending in {id_year:02}, not in {birth_year}")]
    YearMismatch {
        /// The two digits of the number.
        id_year: u8,
        /// The year of the birth date given.
        birth_year: i32,
    },
    /// The fourth digit says another sex than the one given (Art. 7(2)).
    #[error("the number is of a {id_sex} person, not a {given} one")]
    SexMismatch {
        /// The sex the number says.
        id_sex: Sex,
        /// The sex given.
        given: Sex,
    },
    /// No century code exists for this birth year (the codes cover 1900–2399).
    #[error("no century code exists for the birth year {year} (1900–2399 only)")]
    YearOutOfRange {
        /// The year asked for.
        year: i32,
    },
    /// The six random digits must be below 1,000,000.
    #[error("the serial part {serial} has more than six digits")]
    SerialOutOfRange {
        /// The serial asked for.
        serial: u32,
    },
}

impl PersonalIdError {
    /// Stable code of the rule, for translation: the message is the interface text
    /// `identity.error.{code}` (Vietnamese and English, in the web crate's locale files).
    pub fn code(&self) -> &'static str {
        match self {
            PersonalIdError::Empty => "empty",
            PersonalIdError::NotDigits => "not_digits",
            PersonalIdError::Length { .. } => "length",
            PersonalIdError::UnknownProvince { .. } => "province",
            PersonalIdError::CenturyMismatch { .. } => "century",
            PersonalIdError::YearMismatch { .. } => "year",
            PersonalIdError::SexMismatch { .. } => "sex",
            PersonalIdError::YearOutOfRange { .. } => "year_range",
            PersonalIdError::SerialOutOfRange { .. } => "serial_range",
        }
    }

    /// Every code [`Self::code`] can return, for the test that each has a message.
    pub const CODES: [&'static str; 9] = [
        "empty",
        "not_digits",
        "length",
        "province",
        "century",
        "year",
        "sex",
        "year_range",
        "serial_range",
    ];
}
