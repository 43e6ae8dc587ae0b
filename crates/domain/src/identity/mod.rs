//! Who a citizen is, as the State numbers them: the 12-digit personal identification number
//! (số định danh cá nhân, printed on the citizen identity card, CCCD) that every dossier of a
//! citizen carries and that the national population database is searched by. Reading it well
//! catches typing mistakes at the counter before a look-up is spent, and lets a clerk see at once
//! that a number cannot belong to the birth date the applicant gave.
//!
//! The structure is set by Decree 137/2015/NĐ-CP Art. 13 (a 12-digit number: province or country
//! of birth registration, century-and-sex code, last two digits of the birth year, then six
//! random digits) and the codes by Circular 59/2021/TT-BCA Art. 7. Both were carried over by the
//! Law on Identification 2023 (Art. 12) and Decree 70/2024/NĐ-CP, and numbers already issued
//! never change, so these rules hold for every number in circulation.
//!
//! Messages for [`PersonalIdError`] live with the other interface texts, in the web crate's
//! locale files under `identity.error.{code}` (see [`PersonalIdError::code`]).

mod error;
mod personal_id;
mod province;

pub use error::PersonalIdError;
pub use personal_id::{FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR, PersonalId, Sex};
pub use province::{BIRTH_PROVINCES, BirthProvince, birth_province};

#[cfg(test)]
mod tests;
