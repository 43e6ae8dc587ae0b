//! The dossier code (mã hồ sơ) printed on the receipt and typed by citizens to follow their
//! dossier, so it must be generated and read back the same way everywhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Month};

/// Highest counter of the four-digit form.
const FOUR_DIGIT_MAX: u32 = 9_999;
/// Highest counter at all: past 9999 dossiers a day the counter widens to five digits.
pub const MAX_COUNTER: u32 = 99_999;

/// Why a text or parts are not a dossier code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DossierCodeError {
    /// Nothing but spaces.
    #[error("the dossier code is empty")]
    Empty,
    /// Not three parts separated by hyphens.
    #[error(
        "a dossier code has three parts separated by hyphens, agency-yyMMdd-NNNN, not {found:?}"
    )]
    Shape {
        /// The text as given.
        found: String,
    },
    /// The agency part is not an identifier code of the form `000.00.15.H56`.
    #[error("{found:?} is not an agency identifier code of the form 000.00.15.H56")]
    Agency {
        /// The agency part.
        found: String,
    },
    /// The date part is not six digits forming a real date.
    #[error("{found:?} is not a date written yyMMdd")]
    Date {
        /// The date part.
        found: String,
    },
    /// The date cannot be written with a two-digit year of this century.
    #[error("the year {year} cannot be written in a dossier code (2000–2099 only)")]
    Year {
        /// The year of the date given.
        year: i32,
    },
    /// The counter part is not four digits, or five digits from 10000.
    #[error("{found:?} is not a counter of four digits (0001–9999) or five (10000–99999)")]
    Counter {
        /// The counter part.
        found: String,
    },
    /// The counter given is 0 or above the highest.
    #[error("the counter {counter} is outside 1–99999")]
    CounterRange {
        /// The counter given.
        counter: u32,
    },
}

/// A dossier code `{agency identifier code}-{yyMMdd}-{NNNN}`, e.g. `000.00.15.H56-230915-0001`:
/// the receiving agency's electronic identifier code (QCVN 102:2016/BTTTT, Decree 20/2020/NĐ-CP),
/// the local date of receipt and a counter per agency per day (Circular 01/2018/TT-VPCP, carried
/// into Circular 03/2025/TT-VPCP).
///
/// The counter is written with four digits. A day with more than 9999 dossiers at one agency
/// would break the format, so rather than refuse the 10000th citizen the counter widens to five
/// digits (`…-10000` up to `…-99999`); [`DossierCode::parse`] accepts both forms and every code
/// has exactly one text form.
///
/// ```
/// use domain::dossier::DossierCode;
///
/// let code = DossierCode::parse(" 000.00.15.h56-230915-0001 ")?;
/// assert_eq!(code.to_string(), "000.00.15.H56-230915-0001");
/// assert_eq!((code.agency(), code.counter()), ("000.00.15.H56", 1));
/// # Ok::<(), domain::dossier::DossierCodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode {
    agency: String,
    date: Date,
    counter: u32,
}

impl DossierCode {
    /// The code of the `counter`-th dossier (from 1) of `agency_code` on `local_date`, the date
    /// of receipt in Vietnamese local time. The agency code may use a lowercase letter; it is
    /// kept uppercase.
    pub fn new(
        agency_code: &str,
        local_date: Date,
        counter: u32,
    ) -> Result<Self, DossierCodeError> {
        let agency = parse_agency(agency_code.trim()).ok_or_else(|| DossierCodeError::Agency {
            found: agency_code.to_owned(),
        })?;
        if !(2000..=2099).contains(&local_date.year()) {
            return Err(DossierCodeError::Year {
                year: local_date.year(),
            });
        }
        if !(1..=MAX_COUNTER).contains(&counter) {
            return Err(DossierCodeError::CounterRange { counter });
        }
        Ok(Self {
            agency,
            date: local_date,
            counter,
        })
    }

    /// Reads a code as citizens type it: surrounding spaces are ignored and the agency letter
    /// may be lowercase; everything else must be exact.
    pub fn parse(text: &str) -> Result<Self, DossierCodeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DossierCodeError::Empty);
        }
        let parts: Vec<&str> = text.split('-').collect();
        let [agency, date, counter] = parts.as_slice() else {
            return Err(DossierCodeError::Shape {
                found: text.to_owned(),
            });
        };
        let agency = parse_agency(agency).ok_or_else(|| DossierCodeError::Agency {
            found: (*agency).to_owned(),
        })?;
        let date = parse_date(date).ok_or_else(|| DossierCodeError::Date {
            found: (*date).to_owned(),
        })?;
        let counter = parse_counter(counter).ok_or_else(|| DossierCodeError::Counter {
            found: (*counter).to_owned(),
        })?;
        Ok(Self {
            agency,
            date,
            counter,
        })
    }

    /// The receiving agency's identifier code, uppercase.
    pub fn agency(&self) -> &str {
        &self.agency
    }

    /// The local date of receipt.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The counter of the day, from 1.
    pub fn counter(&self) -> u32 {
        self.counter
    }
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// `DDD.DD.DD.LDD` with the letter uppercased.
fn parse_agency(s: &str) -> Option<String> {
    let groups: Vec<&str> = s.split('.').collect();
    let [a, b, c, d] = groups.as_slice() else {
        return None;
    };
    if !(all_digits(a, 3) && all_digits(b, 2) && all_digits(c, 2)) {
        return None;
    }
    let mut last = d.chars();
    let letter = last.next()?;
    let rest = last.as_str();
    if !letter.is_ascii_alphabetic() || !all_digits(rest, 2) {
        return None;
    }
    Some(format!("{a}.{b}.{c}.{}{rest}", letter.to_ascii_uppercase()))
}

fn parse_date(s: &str) -> Option<Date> {
    if !all_digits(s, 6) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| s.get(range)?.parse::<u8>().ok();
    let year = 2000 + i32::from(number(0..2)?);
    let month = Month::try_from(number(2..4)?).ok()?;
    Date::from_calendar_date(year, month, number(4..6)?).ok()
}

fn parse_counter(s: &str) -> Option<u32> {
    let five = all_digits(s, 5);
    if !(all_digits(s, 4) || five) {
        return None;
    }
    let counter: u32 = s.parse().ok()?;
    let valid = if five {
        counter > FOUR_DIGIT_MAX
    } else {
        counter >= 1
    };
    valid.then_some(counter)
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:02}{:02}{:02}-{:04}",
            self.agency,
            self.date.year() % 100,
            u8::from(self.date.month()),
            self.date.day(),
            self.counter
        )
    }
}

impl FromStr for DossierCode {
    type Err = DossierCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = DossierCodeError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> Self {
        code.to_string()
    }
}
