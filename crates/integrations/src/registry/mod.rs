//! The national population database (Cơ sở dữ liệu quốc gia về dân cư), reached through the
//! province's data-sharing platform (LGSP): a citizen's personal identification number, full
//! name and birth date are checked against the State's record, and a match returns the record
//! (sex, addresses with administrative codes, household head), which spares the citizen their
//! household book (DESIGN §6).
//!
//! [`PopulationRegistry`] is what the rest of the program uses; [`HttpRegistry`] is the client
//! of the LGSP REST interface whose wire format is described in [`wire`]. The registry being
//! down is an ordinary [`RegistryError`], never a lost application: the caller keeps the dossier
//! and looks up again later.

mod error;
mod http;
mod person;
mod token;
pub mod wire;

use std::future::Future;
use std::pin::Pin;

use domain::identity::PersonalId;
use time::Date;
use unicode_normalization::UnicodeNormalization as _;

pub use error::{ConfigError, RegistryError};
pub use http::{Credentials, HttpRegistry, HttpRegistryConfig};
pub use person::{Address, AdminUnit, HouseholdHead, Person};

/// A boxed future, so that [`PopulationRegistry`] can be used as `Arc<dyn PopulationRegistry>`
/// (async functions in traits are not object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The population database as the program sees it.
pub trait PopulationRegistry: Send + Sync {
    /// Checks a person against the database. `Ok` is the database's answer (verified,
    /// mismatch or not found); `Err` means no answer was obtained and the look-up may be tried
    /// again later.
    fn look_up<'a>(
        &'a self,
        query: &'a LookupQuery,
    ) -> BoxFuture<'a, Result<LookupOutcome, RegistryError>>;
}

/// What the database is asked: a match needs the number, the full name and the birth date
/// together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupQuery {
    /// The personal identification number.
    pub personal_id: PersonalId,
    /// The full name as the applicant wrote it (see [`normalise_name`]).
    pub full_name: String,
    /// The birth date the applicant gave.
    pub birth_date: Date,
    /// Who asks: the officer's user name, or a fixed name for the online portal. The database
    /// records it with the look-up, as motcua does (every look-up is attributable, DESIGN §6).
    pub requested_by: Option<String>,
    /// The dossier the look-up serves, recorded by the database with the look-up.
    pub dossier_code: Option<String>,
}

impl LookupQuery {
    /// A query for this number, name and birth date; the name is normalised.
    pub fn new(personal_id: PersonalId, full_name: &str, birth_date: Date) -> Self {
        Self {
            personal_id,
            full_name: normalise_name(full_name),
            birth_date,
            requested_by: None,
            dossier_code: None,
        }
    }

    /// The same query, recorded as asked by `who`.
    pub fn by(mut self, who: &str) -> Self {
        self.requested_by = Some(who.to_owned());
        self
    }

    /// The same query, recorded as serving the dossier `code`.
    pub fn for_dossier(mut self, code: &str) -> Self {
        self.dossier_code = Some(code.to_owned());
        self
    }
}

/// The database's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupOutcome {
    /// Number, name and birth date match a record, returned here (boxed: a record is large and
    /// the other answers are tiny).
    Verified(Box<Person>),
    /// The number exists but the name or the birth date (or both) differ; the record is not
    /// disclosed.
    Mismatch {
        /// The full name differs.
        name: bool,
        /// The birth date differs.
        birth_date: bool,
    },
    /// No record has this number.
    NotFound,
}

/// A full name as the database compares it: Unicode NFC (a name typed on a phone may arrive
/// with combining accents), single spaces, no spaces around. Letter case and accents are kept:
/// "Lê" and "Lễ" are different names.
pub fn normalise_name(name: &str) -> String {
    let composed: String = name.nfc().collect();
    composed.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_combining_accents_and_extra_spaces_is_normalised() {
        // "Lê" typed as L + e + U+0302 (circumflex), with spaces around and inside.
        let typed = "  Nguye\u{0302}\u{0303}n   Thị\tLan ";
        assert_eq!(normalise_name(typed), "Nguyễn Thị Lan");
    }
}
