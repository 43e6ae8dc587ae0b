use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::catalogue::OnlineDiscount;

fn fixed(amount: i64) -> Fee {
    Fee {
        name: "Lệ phí".into(),
        kind: FeeKind::Fixed,
        amount_vnd: amount,
        tiers: vec![],
        cap_vnd: None,
        exemptions: vec![],
        exempt_categories: vec![],
        online_discounts: vec![],
        note: None,
    }
}

/// Circular 226/2016/TT-BTC: 2,000 a page for pages 1–2, 1,000 from page 3, at most 200,000 a copy.
fn certified_copy() -> Fee {
    Fee {
        kind: FeeKind::PerPage,
        tiers: vec![
            FeeTier {
                from: 1,
                to: Some(2),
                amount_vnd: 2000,
            },
            FeeTier {
                from: 3,
                to: None,
                amount_vnd: 1000,
            },
        ],
        cap_vnd: Some(200_000),
        ..fixed(0)
    }
}

fn half_online_in_2026() -> OnlineDiscount {
    OnlineDiscount {
        percent: 50,
        from: date!(2026 - 01 - 01),
        until: Some(date!(2026 - 12 - 31)),
        source: "Nghị quyết HĐND tỉnh".into(),
    }
}

fn basis(channel: Channel) -> FeeBasis {
    FeeBasis::simple(channel, date!(2026 - 06 - 01))
}

#[test]
fn a_fixed_fee_costs_its_amount_at_the_counter() {
    let a = assess_fees(&[fixed(50_000)], &basis(Channel::Counter));
    assert_eq!(a.total_vnd, 50_000);
    assert_eq!(a.lines[0].adjustment, LineAdjustment::None);
}

#[test]
fn certified_copies_follow_the_page_tiers_and_the_cap_per_copy() {
    let fee = certified_copy();
    let cost = |pages, copies| {
        let b = FeeBasis {
            pages,
            copies,
            ..basis(Channel::Counter)
        };
        assess_fees(std::slice::from_ref(&fee), &b).total_vnd
    };
    assert_eq!(cost(1, 1), 2_000);
    assert_eq!(cost(2, 1), 4_000);
    assert_eq!(cost(5, 1), 7_000);
    assert_eq!(cost(5, 3), 21_000);
    // 2 × 2,000 + 298 × 1,000 = 302,000, capped at 200,000 per copy.
    assert_eq!(cost(300, 2), 400_000);
}

#[test]
fn a_per_copy_fee_counts_copies_and_caps_the_whole() {
    let fee = Fee {
        kind: FeeKind::PerCopy,
        amount_vnd: 8_000,
        cap_vnd: Some(20_000),
        ..fixed(0)
    };
    let b = FeeBasis {
        copies: 2,
        ..basis(Channel::Counter)
    };
    assert_eq!(
        assess_fees(std::slice::from_ref(&fee), &b).total_vnd,
        16_000
    );
    let b = FeeBasis {
        copies: 5,
        ..basis(Channel::Counter)
    };
    assert_eq!(assess_fees(&[fee], &b).total_vnd, 20_000);
}

#[test]
fn an_online_application_gets_the_reduction_in_force_that_day() {
    let fee = Fee {
        online_discounts: vec![half_online_in_2026()],
        ..fixed(50_000)
    };
    let a = assess_fees(std::slice::from_ref(&fee), &basis(Channel::Online));
    assert_eq!(a.total_vnd, 25_000);
    assert_eq!(a.counter_total_vnd, 50_000);
    assert!(matches!(
        a.lines[0].adjustment,
        LineAdjustment::OnlineDiscount { percent: 50, .. }
    ));
    let after = FeeBasis::simple(Channel::Online, date!(2027 - 01 - 01));
    assert_eq!(
        assess_fees(std::slice::from_ref(&fee), &after).total_vnd,
        50_000
    );
    assert_eq!(
        assess_fees(&[fee], &basis(Channel::Counter)).total_vnd,
        50_000
    );
}

#[test]
fn an_exempt_applicant_pays_nothing_even_online() {
    let fee = Fee {
        exempt_categories: vec![ApplicantCategory::PoorHousehold],
        online_discounts: vec![half_online_in_2026()],
        ..fixed(70_000)
    };
    let b = FeeBasis {
        categories: vec![ApplicantCategory::PoorHousehold],
        ..basis(Channel::Online)
    };
    let a = assess_fees(&[fee], &b);
    assert!(a.is_free());
    assert_eq!(
        a.lines[0].adjustment,
        LineAdjustment::Exempt(ApplicantCategory::PoorHousehold)
    );
}

#[test]
fn the_claimable_exemptions_are_every_fee_s_in_the_order_forms_list_them() {
    let a = Fee {
        exempt_categories: vec![ApplicantCategory::Elderly, ApplicantCategory::Child],
        ..fixed(10_000)
    };
    let b = Fee {
        exempt_categories: vec![ApplicantCategory::PoorHousehold, ApplicantCategory::Child],
        ..fixed(20_000)
    };
    assert_eq!(
        claimable_exemptions(&[a, b, fixed(5_000)]),
        vec![
            ApplicantCategory::PoorHousehold,
            ApplicantCategory::Child,
            ApplicantCategory::Elderly
        ]
    );
    assert!(claimable_exemptions(&[fixed(5_000)]).is_empty());
}

#[test]
fn a_category_the_fee_does_not_exempt_changes_nothing() {
    let fee = Fee {
        exempt_categories: vec![ApplicantCategory::Child],
        ..fixed(70_000)
    };
    let b = FeeBasis {
        categories: vec![ApplicantCategory::Elderly],
        ..basis(Channel::Counter)
    };
    assert_eq!(assess_fees(&[fee], &b).total_vnd, 70_000);
}

#[test]
fn overlapping_reductions_give_the_applicant_the_larger_one() {
    let fee = Fee {
        online_discounts: vec![
            half_online_in_2026(),
            OnlineDiscount {
                percent: 20,
                from: date!(2025 - 01 - 01),
                until: None,
                source: "Thông tư".into(),
            },
        ],
        ..fixed(10_001)
    };
    // 50 % of 10,001 rounds down in the applicant's favour.
    assert_eq!(
        assess_fees(&[fee], &basis(Channel::Online)).total_vnd,
        5_000
    );
}

proptest! {
    #[test]
    fn the_total_is_never_negative_never_above_the_counter_price_and_grows_with_pages(
        pages in 1u32..500, copies in 1u32..20, percent in 0u8..=100, online in any::<bool>(),
    ) {
        let fee = Fee {
            online_discounts: vec![OnlineDiscount { percent, ..half_online_in_2026() }],
            ..certified_copy()
        };
        let channel = if online { Channel::Online } else { Channel::Counter };
        let b = FeeBasis { pages, copies, ..basis(channel) };
        let a = assess_fees(std::slice::from_ref(&fee), &b);
        prop_assert!(a.total_vnd >= 0);
        prop_assert!(a.total_vnd <= a.counter_total_vnd);
        prop_assert!(a.total_vnd <= 200_000 * i64::from(copies));
        let more = FeeBasis { pages: pages + 1, ..b };
        prop_assert!(assess_fees(&[fee], &more).total_vnd >= a.total_vnd);
    }
}
