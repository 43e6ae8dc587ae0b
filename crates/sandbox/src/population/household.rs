//! One household of the synthetic population, computed from its number alone: its address,
//! its members (head, spouse, children, sometimes a grandparent or grandchild), their names,
//! sexes, birth dates and personal identification numbers.

use domain::identity::{PersonalId, Sex};
use time::Date;

use super::names::{
    FAMILY, FEMALE_GIVEN, FEMALE_MIDDLE_OLDER, FEMALE_MIDDLE_YOUNGER, MALE_GIVEN,
    MALE_MIDDLE_OLDER, MALE_MIDDLE_YOUNGER,
};
use super::places::{COMMUNES, OTHER_BIRTH_PROVINCES, STREETS, VILLAGES};
use super::random::Rng;
use super::{Citizen, Place, SLOTS_PER_HOUSEHOLD, serial_of};

/// The population is as of 1 January 2026: everyone was born in 2025 or before.
const LAST_BIRTH_YEAR: i32 = 2025;

/// Household sizes 1–6 and their weights (per cent); the mean is about 3.4 people, close to the
/// 2019 census figure for the Red River Delta.
const SIZES: [(u32, u32); 6] = [(1, 10), (2, 18), (3, 22), (4, 27), (5, 15), (6, 8)];

/// The number of members of household `number`: the first draw of its generator, so counting
/// the population does not need to generate anyone.
pub fn size(number: u32) -> u32 {
    Rng::new(u64::from(number)).weighted(&SIZES)
}

/// A member before names and numbers are given.
struct Member {
    sex: Sex,
    age: i32,
    family: &'static str,
    relationship: &'static str,
}

/// Every member of household `number`, head first.
pub fn members(number: u32) -> Vec<Citizen> {
    let mut rng = Rng::new(u64::from(number));
    let size = rng.weighted(&SIZES);
    let home = place(&mut rng, None);
    let plan = plan(&mut rng, size);
    let head_name = full_name(&mut rng, &plan[0]);
    let mut citizens = Vec::with_capacity(plan.len());
    for (slot, member) in (0..).zip(plan.iter()) {
        let name = if slot == 0 {
            head_name.clone()
        } else {
            full_name(&mut rng, member)
        };
        let birth_year = LAST_BIRTH_YEAR - member.age;
        let days = if time::util::is_leap_year(birth_year) {
            366
        } else {
            365
        };
        let birth_date =
            Date::from_ordinal_date(birth_year, 1 + rng.below(days) as u16).unwrap_or(Date::MIN);
        let born_elsewhere = member.age >= 18 && rng.chance(12);
        let birth_province = if born_elsewhere {
            rng.pick(&OTHER_BIRTH_PROVINCES)
        } else if home.commune_code.starts_with("07") {
            "024"
        } else {
            "027"
        };
        let index = number * SLOTS_PER_HOUSEHOLD + slot;
        let personal_id =
            PersonalId::from_parts(birth_province, member.sex, birth_year, serial_of(index))
                // Codes from the circular's table, years 1940–2025, serials below 10^6.
                .unwrap_or_else(|e| unreachable!("generated parts are valid: {e}"));
        // Young adults often live where they work, elsewhere in the province.
        let moved = (18..=40).contains(&member.age) && rng.chance(10);
        let current = if moved {
            place(&mut rng, Some(home.commune_code))
        } else {
            home.clone()
        };
        citizens.push(Citizen {
            index,
            personal_id,
            full_name: name,
            sex: member.sex,
            birth_date,
            permanent: home.clone(),
            current,
            household_head: head_name.clone(),
            relationship: member.relationship,
        });
    }
    citizens
}

/// Who lives in a household of `size`: a head, then a spouse, children, and in the largest
/// households a parent of the head (or a grandchild when the head is old).
fn plan(rng: &mut Rng, size: u32) -> Vec<Member> {
    let head_sex = if rng.chance(75) {
        Sex::Male
    } else {
        Sex::Female
    };
    let head_age = 22 + rng.below(64) as i32;
    let head_family = rng.weighted(&FAMILY);
    let mut plan = vec![Member {
        sex: head_sex,
        age: head_age,
        family: head_family,
        relationship: "Chủ hộ",
    }];
    if size == 1 {
        return plan;
    }
    let spouse_family = rng.weighted(&FAMILY);
    let (spouse_sex, spouse_age, relationship) = match head_sex {
        Sex::Male => (Sex::Female, head_age - rng.below(7) as i32, "Vợ"),
        Sex::Female => (Sex::Male, head_age + rng.below(7) as i32, "Chồng"),
    };
    plan.push(Member {
        sex: spouse_sex,
        age: spouse_age.max(18),
        family: spouse_family,
        relationship,
    });
    let (father_family, mother_age) = match head_sex {
        Sex::Male => (head_family, spouse_age.max(18)),
        Sex::Female => (spouse_family, head_age),
    };
    let with_elder = size == 6;
    let children = size - 2 - u32::from(with_elder);
    let oldest_child = (mother_age - 20).clamp(0, 35);
    for _ in 0..children {
        plan.push(Member {
            sex: if rng.chance(51) {
                Sex::Male
            } else {
                Sex::Female
            },
            age: rng.below(oldest_child as u32 + 1) as i32,
            family: father_family,
            relationship: "Con",
        });
    }
    if with_elder {
        if head_age <= 58 {
            plan.push(Member {
                sex: Sex::Female,
                age: (head_age + 22 + rng.below(12) as i32).min(100),
                family: rng.weighted(&FAMILY),
                relationship: "Mẹ",
            });
        } else {
            plan.push(Member {
                sex: if rng.chance(51) {
                    Sex::Male
                } else {
                    Sex::Female
                },
                age: rng.below(12) as i32,
                family: father_family,
                relationship: "Cháu",
            });
        }
    }
    plan
}

fn full_name(rng: &mut Rng, member: &Member) -> String {
    let older = LAST_BIRTH_YEAR - member.age < 1990;
    let (usual, usual_percent, middles, givens) = match (member.sex, older) {
        (Sex::Male, true) => ("Văn", 55, &MALE_MIDDLE_OLDER[..], &MALE_GIVEN[..]),
        (Sex::Male, false) => ("Văn", 15, &MALE_MIDDLE_YOUNGER[..], &MALE_GIVEN[..]),
        (Sex::Female, true) => ("Thị", 70, &FEMALE_MIDDLE_OLDER[..], &FEMALE_GIVEN[..]),
        (Sex::Female, false) => ("Thị", 25, &FEMALE_MIDDLE_YOUNGER[..], &FEMALE_GIVEN[..]),
    };
    let middle = if rng.chance(usual_percent) {
        usual
    } else {
        rng.pick(middles)
    };
    let mut given = rng.pick(givens);
    if given == middle {
        given = rng.pick(givens);
    }
    format!("{} {middle} {given}", member.family)
}

/// A home in a random commune (other than `not_in`): a numbered house on a street in a ward, a
/// residential group, or a village in a commune.
fn place(rng: &mut Rng, not_in: Option<&str>) -> Place {
    let (mut code, mut name) = rng.pick(&COMMUNES);
    if Some(code) == not_in {
        (code, name) = rng.pick(&COMMUNES);
    }
    let detail = if name.starts_with("Phường") {
        if rng.chance(70) {
            format!("Số {} đường {}", 1 + rng.below(250), rng.pick(&STREETS))
        } else {
            format!("Tổ dân phố số {}", 1 + rng.below(15))
        }
    } else if rng.chance(85) {
        format!("Thôn {}", rng.pick(&VILLAGES))
    } else {
        format!("Xóm {}", 1 + rng.below(12))
    };
    Place {
        commune_code: code,
        commune_name: name,
        detail,
    }
}
