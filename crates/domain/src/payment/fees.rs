//! What a procedure's fees and charges (phí, lệ phí) come to for one application: fixed
//! amounts, per-page and per-copy tiers with caps, exemptions by applicant category and
//! date-effective reductions for online applications. The rates themselves are in the
//! catalogue, each citing its legal text; this module only applies them (Law on Fees and
//! Charges 97/2015/QH13, Art. 10 on exemptions; Circular 226/2016/TT-BTC on certification tiers).

use time::Date;

use crate::catalogue::{ApplicantCategory, Channel, Fee, FeeKind, FeeTier, Procedure};

/// The facts an assessment depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeBasis {
    /// Pages of each copy (per-page fees); at least 1.
    pub pages: u32,
    /// Copies asked for (per-page and per-copy fees); at least 1.
    pub copies: u32,
    /// Exempting categories the applicant has shown they belong to.
    pub categories: Vec<ApplicantCategory>,
    /// How the application was made: online reductions apply only to [`Channel::Online`].
    pub channel: Channel,
    /// The day the application was made, which decides the reductions in force.
    pub on: Date,
}

impl FeeBasis {
    /// One page, one copy, no exemption: what the catalogue pages quote.
    pub fn simple(channel: Channel, on: Date) -> Self {
        Self {
            pages: 1,
            copies: 1,
            categories: Vec::new(),
            channel,
            on,
        }
    }
}

/// Why a line costs what it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineAdjustment {
    /// Charged in full.
    None,
    /// Waived because the applicant belongs to this category.
    Exempt(ApplicantCategory),
    /// Reduced by this percentage for an online application, under this legal text.
    OnlineDiscount {
        /// Percent taken off.
        percent: u8,
        /// The legal text.
        source: String,
    },
}

/// One fee of the procedure, assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeLine {
    /// The fee's legal name.
    pub name: String,
    /// Before exemptions and reductions, after tiers and caps.
    pub gross_vnd: i64,
    /// What is owed.
    pub net_vnd: i64,
    /// Why `net_vnd` differs from `gross_vnd`.
    pub adjustment: LineAdjustment,
}

/// Every fee of a procedure for one application, and the total owed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeAssessment {
    /// One line per fee, in catalogue order.
    pub lines: Vec<FeeLine>,
    /// Sum of the lines' net amounts, in VND.
    pub total_vnd: i64,
    /// What the same application would cost at the counter (no online reduction): the saving
    /// the portal shows to encourage online use.
    pub counter_total_vnd: i64,
}

impl FeeAssessment {
    /// Whether the procedure charges anything at all for this application.
    pub fn is_free(&self) -> bool {
        self.total_vnd == 0
    }
}

/// The exempting categories an applicant may claim against `fees`: those of any of them,
/// in the order forms list them; empty when nothing can be waived (Law 97/2015/QH13, Art. 10:
/// the exemptions are the fee's own, as its decree or resolution lists them).
pub fn claimable_exemptions(fees: &[Fee]) -> Vec<ApplicantCategory> {
    ApplicantCategory::ALL
        .into_iter()
        .filter(|c| fees.iter().any(|f| f.exempt_categories.contains(c)))
        .collect()
}

/// Assesses every fee of `procedure` for `basis`.
pub fn assess(procedure: &Procedure, basis: &FeeBasis) -> FeeAssessment {
    assess_fees(&procedure.fees, basis)
}

/// Assesses a list of fees (the procedure's, or a subset an officer picked).
pub fn assess_fees(fees: &[Fee], basis: &FeeBasis) -> FeeAssessment {
    let mut lines = Vec::with_capacity(fees.len());
    let mut counter_total: i64 = 0;
    for fee in fees {
        let gross = gross_amount(fee, basis.pages.max(1), basis.copies.max(1));
        // Exemption wins over a reduction: an exempt applicant pays nothing on any channel
        // (Law 97/2015/QH13, Art. 10).
        let exempt = fee
            .exempt_categories
            .iter()
            .copied()
            .find(|c| basis.categories.contains(c));
        let (net, adjustment) = if let Some(category) = exempt {
            (0, LineAdjustment::Exempt(category))
        } else {
            let discount = (basis.channel == Channel::Online)
                .then(|| best_discount(fee, basis.on))
                .flatten();
            match discount {
                Some((percent, source)) => (
                    reduce(gross, percent),
                    LineAdjustment::OnlineDiscount { percent, source },
                ),
                None => (gross, LineAdjustment::None),
            }
        };
        if exempt.is_none() {
            counter_total = counter_total.saturating_add(gross);
        }
        lines.push(FeeLine {
            name: fee.name.clone(),
            gross_vnd: gross,
            net_vnd: net,
            adjustment,
        });
    }
    let total = lines
        .iter()
        .fold(0i64, |sum, l| sum.saturating_add(l.net_vnd));
    FeeAssessment {
        lines,
        total_vnd: total,
        counter_total_vnd: counter_total,
    }
}

/// The largest online reduction in force on `day`: when two texts overlap, the applicant gets
/// the more favourable one.
fn best_discount(fee: &Fee, day: Date) -> Option<(u8, String)> {
    fee.online_discounts
        .iter()
        .filter(|d| d.applies_on(day) && d.percent > 0)
        .max_by_key(|d| d.percent)
        .map(|d| (d.percent.min(100), d.source.clone()))
}

/// `amount` less `percent` %, rounded down to the whole đồng the applicant pays (rounding in
/// the applicant's favour).
fn reduce(amount: i64, percent: u8) -> i64 {
    let kept = i128::from(100u8.saturating_sub(percent.min(100)));
    i64::try_from(i128::from(amount) * kept / 100).unwrap_or(i64::MAX)
}

/// The amount before exemptions and reductions.
fn gross_amount(fee: &Fee, pages: u32, copies: u32) -> i64 {
    match fee.kind {
        FeeKind::Fixed => capped(fee.amount_vnd, fee.cap_vnd),
        // Certified copies: the tiers count the pages of one copy and the cap is per copy
        // (Circular 226/2016/TT-BTC, Art. 4: "tối đa không quá 200.000 đồng/bản").
        FeeKind::PerPage => {
            let one_copy = capped(tiered(fee, pages), fee.cap_vnd);
            one_copy.saturating_mul(i64::from(copies))
        }
        // Extracts and copies issued: the tiers count copies and the cap is on the whole.
        FeeKind::PerCopy => capped(tiered(fee, copies), fee.cap_vnd),
    }
}

/// Sum over units `1..=units` of each unit's band price; units no band covers cost the fee's
/// base amount.
fn tiered(fee: &Fee, units: u32) -> i64 {
    if fee.tiers.is_empty() {
        return fee.amount_vnd.saturating_mul(i64::from(units));
    }
    let mut total: i64 = 0;
    let mut counted: u32 = 0;
    for tier in sorted(&fee.tiers) {
        let from = tier.from.max(counted + 1);
        let to = tier.to.unwrap_or(u32::MAX).min(units);
        if to >= from {
            total = total.saturating_add(tier.amount_vnd.saturating_mul(i64::from(to - from + 1)));
            counted = to;
        }
    }
    if counted < units {
        total = total.saturating_add(fee.amount_vnd.saturating_mul(i64::from(units - counted)));
    }
    total
}

fn sorted(tiers: &[FeeTier]) -> Vec<&FeeTier> {
    let mut v: Vec<&FeeTier> = tiers.iter().collect();
    v.sort_by_key(|t| t.from);
    v
}

fn capped(amount: i64, cap: Option<i64>) -> i64 {
    match cap {
        Some(c) => amount.min(c),
        None => amount,
    }
}

#[cfg(test)]
mod tests;
