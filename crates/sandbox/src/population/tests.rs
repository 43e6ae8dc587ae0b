//! Tests of the synthetic population: its size, that numbers are unique and valid, that every
//! citizen is found by their number and nobody else is, and that households look like families.

use std::collections::HashSet;

use super::*;

#[test]
fn the_serial_permutation_is_a_bijection_on_the_slots() {
    for slot in (0..HOUSEHOLDS * SLOTS_PER_HOUSEHOLD).step_by(7) {
        assert_eq!(slot_of(serial_of(slot)), slot);
    }
    assert_eq!((A * A_INVERSE) % MODULUS, 1);
}

#[test]
fn the_population_has_more_than_a_hundred_thousand_people() {
    let size = size();
    assert!((100_000..130_000).contains(&size), "{size}");
}

#[test]
fn every_person_has_a_unique_number_consistent_with_their_birth_and_sex() {
    let mut seen = HashSet::new();
    for household in households(0, HOUSEHOLDS) {
        for c in household {
            assert_eq!(
                c.personal_id.check_birth(c.birth_date, Some(c.sex)),
                Ok(()),
                "{}",
                c.index
            );
            assert!(
                seen.insert(c.personal_id.clone()),
                "duplicate {:?}",
                c.personal_id
            );
        }
    }
    assert_eq!(seen.len() as u64, size());
}

#[test]
fn every_citizen_is_found_by_their_number() {
    for c in citizens(1_000, 500) {
        assert_eq!(find(&c.personal_id).as_ref(), Some(&c));
    }
}

#[test]
fn a_number_differing_only_outside_the_serial_finds_nobody() {
    let c = &citizens(0, 1)[0];
    let other_year = (c.birth_date.year() % 100 + 1) % 100;
    let text = format!(
        "{}{}",
        &c.personal_id.as_str()[..4],
        format_args!("{other_year:02}{}", &c.personal_id.as_str()[6..])
    );
    let changed = PersonalId::parse(&text).expect("valid");
    assert_eq!(find(&changed), None);
}

#[test]
fn households_have_one_head_and_children_younger_than_their_parents() {
    for household in households(0, 2_000) {
        let head = &household[0];
        assert_eq!(head.relationship, "Chủ hộ");
        assert!(household.iter().skip(1).all(|c| c.relationship != "Chủ hộ"));
        assert!(household.iter().all(|c| c.household_head == head.full_name));
        assert!(household.iter().all(|c| c.permanent == head.permanent));
        for child in household.iter().filter(|c| c.relationship == "Con") {
            assert!(child.birth_date.year() > head.birth_date.year());
            assert!(child.birth_date.year() <= 2025);
        }
    }
}

#[test]
fn names_are_vietnamese_with_three_parts_and_family_names_are_mostly_nguyen() {
    let sample = citizens(0, 5_000);
    assert!(sample.iter().all(|c| c.full_name.split(' ').count() == 3));
    let nguyen = sample
        .iter()
        .filter(|c| c.full_name.starts_with("Nguyễn "))
        .count();
    assert!((1_400..2_400).contains(&nguyen), "{nguyen}");
}

#[test]
fn the_commune_table_lists_ninety_nine_distinct_units_of_which_thirty_three_wards() {
    let codes: HashSet<&str> = places::COMMUNES.iter().map(|(code, _)| *code).collect();
    assert_eq!(codes.len(), 99);
    let wards = places::COMMUNES
        .iter()
        .filter(|(_, name)| name.starts_with("Phường "))
        .count();
    assert_eq!(wards, 33);
    assert!(
        places::COMMUNES
            .iter()
            .all(|(_, name)| name.starts_with("Phường ") || name.starts_with("Xã "))
    );
}
