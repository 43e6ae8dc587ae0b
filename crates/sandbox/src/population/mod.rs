//! A deterministic synthetic population of Bắc Ninh province, standing in for the national
//! population database: about 110,000 people in 32,000 households, each computed from its
//! number on demand, so nothing is stored and every run (and every developer) sees the same
//! citizens.
//!
//! A person's number in the population ("slot") is `household × 6 + position`; households use
//! one to six of their six slots. The six random digits of a personal identification number
//! are a bijection of the slot (an affine permutation modulo 10^6), so a number leads straight
//! back to its household: a look-up costs one household's generation.

mod household;
mod names;
mod places;
mod random;

use domain::identity::{PersonalId, Sex};
use time::Date;

pub use places::PROVINCE;

/// Households in the population.
pub const HOUSEHOLDS: u32 = 32_000;
/// Slots per household, the most members a household has.
pub const SLOTS_PER_HOUSEHOLD: u32 = 6;

/// The serial permutation: `serial = (slot × A + B) mod 10^6`, with `A` coprime to 10^6.
const MODULUS: u64 = 1_000_000;
const A: u64 = 738_157;
const B: u64 = 271_828;
const A_INVERSE: u64 = inverse(A, MODULUS);

/// The inverse of `a` modulo `m` (extended Euclid), for `a` coprime to `m`.
const fn inverse(a: u64, m: u64) -> u64 {
    let (mut old_r, mut r) = (a as i64, m as i64);
    let (mut old_s, mut s) = (1i64, 0i64);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    old_s.rem_euclid(m as i64) as u64
}

/// The six random digits of the person in `slot`.
fn serial_of(slot: u32) -> u32 {
    let serial = (u64::from(slot) * A + B) % MODULUS;
    u32::try_from(serial).unwrap_or(0)
}

/// The slot of the person whose six random digits are `serial`.
fn slot_of(serial: u32) -> u32 {
    let slot = ((u64::from(serial) + MODULUS - B) % MODULUS * A_INVERSE) % MODULUS;
    u32::try_from(slot).unwrap_or(u32::MAX)
}

/// A person of the synthetic population.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    /// The person's slot (`household × 6 + position`).
    pub index: u32,
    /// The personal identification number.
    pub personal_id: PersonalId,
    /// Full name, e.g. "Nguyễn Thị Lan".
    pub full_name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: Date,
    /// Permanent residence: the household's address.
    pub permanent: Place,
    /// Where the person lives now.
    pub current: Place,
    /// Full name of the household head.
    pub household_head: String,
    /// Relationship to the head ("Chủ hộ", "Vợ", "Chồng", "Con", "Mẹ", "Cháu").
    pub relationship: &'static str,
}

/// An address in the province: a commune or ward and the house or village in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Five-digit code of the commune or ward.
    pub commune_code: &'static str,
    /// Name of the commune or ward, e.g. "Phường Kinh Bắc".
    pub commune_name: &'static str,
    /// House number and street, residential group or village.
    pub detail: String,
}

/// The person with this number, if the population has one.
pub fn find(id: &PersonalId) -> Option<Citizen> {
    let slot = slot_of(id.serial());
    let household = slot / SLOTS_PER_HOUSEHOLD;
    if household >= HOUSEHOLDS {
        return None;
    }
    let position = (slot % SLOTS_PER_HOUSEHOLD) as usize;
    // The serial alone picks the person; the rest of the number must be theirs too.
    household::members(household)
        .into_iter()
        .nth(position)
        .filter(|c| c.personal_id == *id)
}

/// The members of `count` consecutive households from `first`, for listings and demos.
pub fn households(first: u32, count: u32) -> Vec<Vec<Citizen>> {
    (first..first.saturating_add(count).min(HOUSEHOLDS))
        .map(household::members)
        .collect()
}

/// Up to `count` citizens, in slot order from household `first`.
pub fn citizens(first: u32, count: usize) -> Vec<Citizen> {
    (first..HOUSEHOLDS)
        .flat_map(household::members)
        .take(count)
        .collect()
}

/// How many people the population has.
pub fn size() -> u64 {
    (0..HOUSEHOLDS).map(|h| u64::from(household::size(h))).sum()
}

#[cfg(test)]
mod tests;
