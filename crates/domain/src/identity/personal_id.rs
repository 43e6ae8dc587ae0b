//! The personal identification number as a type: once a value of [`PersonalId`] exists it has
//! passed every structural rule, so nothing downstream (the population look-up, storage, forms)
//! checks digits again.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::{BIRTH_PROVINCES, BirthProvince, PersonalIdError};

fn province_index(code: &str) -> Result<usize, PersonalIdError> {
    BIRTH_PROVINCES
        .iter()
        .position(|p| p.code == code)
        .ok_or_else(|| PersonalIdError::UnknownProvince {
            code: code.to_owned(),
        })
}

/// First birth year a century code exists for (20th century, codes 0 and 1).
pub const FIRST_BIRTH_YEAR: i32 = 1900;
/// Last birth year a century code exists for (24th century, codes 8 and 9).
pub const LAST_BIRTH_YEAR: i32 = 2399;

/// Sex as recorded in the population database and coded in the fourth digit of the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Sex {
    /// `male` or `female`, for logs, keys and serialisation.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A personal identification number (số định danh cá nhân), the number on the citizen identity
/// card: 12 digits laid out by Decree 137/2015/NĐ-CP Art. 13 with the codes of Circular
/// 59/2021/TT-BCA Art. 7:
///
/// | digits | meaning |
/// |---|---|
/// | 1–3 | province where the birth was registered ([`super::BIRTH_PROVINCES`]) |
/// | 4 | century of birth and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 2300s |
/// | 5–6 | last two digits of the birth year |
/// | 7–12 | random serial |
///
/// There is no check digit, so a mistyped serial cannot be caught here; only the population
/// database can tell.
///
/// `Debug` shows only the last four digits, so a number that reaches a log by accident is not
/// disclosed (Law 91/2025/QH15 on personal data protection); `Display` and [`Self::as_str`] give
/// the whole number for the places that need it.
///
/// ```
/// use domain::identity::{PersonalId, Sex};
/// use time::macros::date;
///
/// let id = PersonalId::parse(" 027190001234 ")?;
/// assert_eq!(id.birth_province().name, "Bắc Ninh");
/// assert_eq!((id.sex(), id.birth_year_last_two(), id.century_start()), (Sex::Female, 90, 1900));
/// assert!(id.check_birth(date!(1990 - 05 - 17), Some(Sex::Female)).is_ok());
/// # Ok::<(), domain::identity::PersonalIdError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalId {
    digits: String,
    /// Index of the province in [`BIRTH_PROVINCES`], found once when the number is built.
    province: usize,
}

impl PersonalId {
    /// Reads a number as typed: surrounding spaces are ignored; inside, only the 12 digits are
    /// allowed. The checks run in the order of [`PersonalIdError`]'s first variants, so a text
    /// breaking several rules reports the first.
    pub fn parse(text: &str) -> Result<Self, PersonalIdError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PersonalIdError::Empty);
        }
        if !text.chars().all(|c| c.is_ascii_digit()) {
            return Err(PersonalIdError::NotDigits);
        }
        if text.len() != 12 {
            return Err(PersonalIdError::Length { found: text.len() });
        }
        let province = province_index(&text[..3])?;
        // Every value of the fourth digit (0–9) and of the year digits (00–99) is a valid code,
        // so the structure is complete here; consistency with a person is `check_birth`'s job.
        Ok(Self {
            digits: text.to_owned(),
            province,
        })
    }

    /// Builds the number of someone whose birth was registered in `province_code`, of `sex`,
    /// born in `birth_year`, with the six-digit `serial` (for simulators and tests).
    pub fn from_parts(
        province_code: &str,
        sex: Sex,
        birth_year: i32,
        serial: u32,
    ) -> Result<Self, PersonalIdError> {
        let province = province_index(province_code)?;
        if !(FIRST_BIRTH_YEAR..=LAST_BIRTH_YEAR).contains(&birth_year) {
            return Err(PersonalIdError::YearOutOfRange { year: birth_year });
        }
        if serial >= 1_000_000 {
            return Err(PersonalIdError::SerialOutOfRange { serial });
        }
        let century = (birth_year - FIRST_BIRTH_YEAR) / 100;
        let code = century * 2 + i32::from(sex == Sex::Female);
        let year = birth_year % 100;
        Ok(Self {
            digits: format!("{province_code}{code}{year:02}{serial:06}"),
            province,
        })
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The number with all but the last four digits hidden (`********1234`), for lists and
    /// logs.
    pub fn masked(&self) -> String {
        format!("********{}", &self.digits[8..])
    }

    fn digit(&self, index: usize) -> u8 {
        self.digits.as_bytes()[index] - b'0'
    }

    /// The province where the birth was registered (digits 1–3).
    pub fn birth_province(&self) -> BirthProvince {
        BIRTH_PROVINCES[self.province]
    }

    /// The sex coded in the fourth digit: even male, odd female.
    pub fn sex(&self) -> Sex {
        if self.digit(3).is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// First year of the century of birth coded in the fourth digit: 1900, 2000, … 2300.
    pub fn century_start(&self) -> i32 {
        FIRST_BIRTH_YEAR + 100 * i32::from(self.digit(3) / 2)
    }

    /// Digits 5–6: the last two digits of the birth year.
    pub fn birth_year_last_two(&self) -> u8 {
        self.digit(4) * 10 + self.digit(5)
    }

    /// The birth year the number says (century and last two digits together).
    pub fn birth_year(&self) -> i32 {
        self.century_start() + i32::from(self.birth_year_last_two())
    }

    /// The six random digits (7–12).
    pub fn serial(&self) -> u32 {
        self.digits[6..]
            .bytes()
            .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
    }

    /// Checks that this number can belong to someone born on `birth_date` and, when given, of
    /// `sex`: the century (digit 4), then the year (digits 5–6), then the sex (digit 4 again).
    /// Month and day are not coded in the number and are not checked.
    pub fn check_birth(&self, birth_date: Date, sex: Option<Sex>) -> Result<(), PersonalIdError> {
        let birth_year = birth_date.year();
        let id_century = self.century_start();
        if !(id_century..id_century + 100).contains(&birth_year) {
            return Err(PersonalIdError::CenturyMismatch {
                id_century,
                birth_year,
            });
        }
        let id_year = self.birth_year_last_two();
        if i32::from(id_year) != birth_year.rem_euclid(100) {
            return Err(PersonalIdError::YearMismatch {
                id_year,
                birth_year,
            });
        }
        match sex {
            Some(given) if given != self.sex() => Err(PersonalIdError::SexMismatch {
                id_sex: self.sex(),
                given,
            }),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl fmt::Debug for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonalId({})", self.masked())
    }
}

impl std::str::FromStr for PersonalId {
    type Err = PersonalIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PersonalId {
    type Error = PersonalIdError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PersonalId> for String {
    fn from(id: PersonalId) -> Self {
        id.digits
    }
}
