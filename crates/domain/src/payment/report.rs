//! The payment report the province is judged on (DESIGN §1: online payments and their sums per
//! month, procedure and agency, and the share of fee-bearing dossiers paid online). Pure
//! grouping of paid payments, so the figures are the same on both databases and testable alone.

use std::collections::{BTreeMap, BTreeSet};

use super::ledger::PaymentChannel;

/// One paid payment, as the report sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidItem {
    /// How it was paid.
    pub channel: PaymentChannel,
    /// Amount kept (paid less refunded), in VND.
    pub amount_vnd: i64,
    /// Month paid, 1–12, in Vietnam's time.
    pub month: u8,
    /// The dossier.
    pub dossier_code: String,
    /// Its procedure.
    pub procedure_code: String,
    /// Its agency.
    pub agency_code: String,
}

/// Counts and sums of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Payments made online.
    pub online_count: u64,
    /// Their sum, in VND.
    pub online_vnd: i64,
    /// Payments made at the counter (cash or card terminal).
    pub counter_count: u64,
    /// Their sum, in VND.
    pub counter_vnd: i64,
}

impl Tally {
    fn add(&mut self, group: &PaidGroup) {
        if group.channel.is_online() {
            self.online_count += group.count;
            self.online_vnd = self.online_vnd.saturating_add(group.amount_vnd);
        } else {
            self.counter_count += group.count;
            self.counter_vnd = self.counter_vnd.saturating_add(group.amount_vnd);
        }
    }
}

/// Paid payments counted and summed together: one channel, month, procedure and agency. The
/// database groups them, so the report never holds a year of payments in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidGroup {
    /// How they were paid.
    pub channel: PaymentChannel,
    /// Month paid, 1–12, in Vietnam's time.
    pub month: u8,
    /// Their procedure.
    pub procedure_code: String,
    /// Their agency.
    pub agency_code: String,
    /// How many.
    pub count: u64,
    /// Amount kept (paid less refunded), in VND.
    pub amount_vnd: i64,
}

/// The whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentReport {
    /// By month 1–12 (every month present).
    pub by_month: Vec<(u8, Tally)>,
    /// By procedure code, most online payments first.
    pub by_procedure: Vec<(String, Tally)>,
    /// By agency code, most online payments first.
    pub by_agency: Vec<(String, Tally)>,
    /// Every channel together.
    pub total: Tally,
    /// Per channel.
    pub by_channel: Vec<(PaymentChannel, u64, i64)>,
    /// Dossiers with at least one payment.
    pub paying_dossiers: u64,
    /// Of those, dossiers with at least one online payment.
    pub paid_online_dossiers: u64,
}

impl PaymentReport {
    /// Share of fee-bearing dossiers paid online, in per mille (0–1000), `None` when no dossier
    /// paid anything.
    pub fn online_share_per_mille(&self) -> Option<u64> {
        (self.paying_dossiers > 0).then(|| self.paid_online_dossiers * 1000 / self.paying_dossiers)
    }
}

fn ranked(map: BTreeMap<String, Tally>) -> Vec<(String, Tally)> {
    let mut v: Vec<(String, Tally)> = map.into_iter().collect();
    v.sort_by(|a, b| {
        (b.1.online_count, b.1.counter_count)
            .cmp(&(a.1.online_count, a.1.counter_count))
            .then_with(|| a.0.cmp(&b.0))
    });
    v
}

/// Groups paid payments into the report (each payment a group of one).
pub fn summarise(items: &[PaidItem]) -> PaymentReport {
    let mut paying: BTreeSet<&str> = BTreeSet::new();
    let mut online: BTreeSet<&str> = BTreeSet::new();
    for item in items {
        paying.insert(&item.dossier_code);
        if item.channel.is_online() {
            online.insert(&item.dossier_code);
        }
    }
    let groups: Vec<PaidGroup> = items
        .iter()
        .map(|i| PaidGroup {
            channel: i.channel,
            month: i.month,
            procedure_code: i.procedure_code.clone(),
            agency_code: i.agency_code.clone(),
            count: 1,
            amount_vnd: i.amount_vnd,
        })
        .collect();
    summarise_groups(&groups, paying.len() as u64, online.len() as u64)
}

/// The report from groups of payments and the number of dossiers that paid anything and that
/// paid online, counted apart (a dossier may pay in several groups).
pub fn summarise_groups(
    groups: &[PaidGroup],
    paying_dossiers: u64,
    paid_online_dossiers: u64,
) -> PaymentReport {
    let mut months = [Tally::default(); 12];
    let mut procedures: BTreeMap<String, Tally> = BTreeMap::new();
    let mut agencies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    let mut channels: BTreeMap<&'static str, (PaymentChannel, u64, i64)> = BTreeMap::new();
    for group in groups {
        if let Some(m) = months.get_mut(usize::from(group.month.clamp(1, 12)) - 1) {
            m.add(group);
        }
        procedures
            .entry(group.procedure_code.clone())
            .or_default()
            .add(group);
        agencies
            .entry(group.agency_code.clone())
            .or_default()
            .add(group);
        total.add(group);
        let c = channels
            .entry(group.channel.as_str())
            .or_insert((group.channel, 0, 0));
        c.1 += group.count;
        c.2 = c.2.saturating_add(group.amount_vnd);
    }
    PaymentReport {
        by_month: (1..=12).zip(months).collect(),
        by_procedure: ranked(procedures),
        by_agency: ranked(agencies),
        total,
        by_channel: PaymentChannel::ALL
            .into_iter()
            .filter_map(|c| channels.get(c.as_str()).copied())
            .collect(),
        paying_dossiers,
        paid_online_dossiers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(channel: PaymentChannel, amount: i64, month: u8, dossier: &str) -> PaidItem {
        PaidItem {
            channel,
            amount_vnd: amount,
            month,
            dossier_code: dossier.into(),
            procedure_code: "1.001".into(),
            agency_code: "A".into(),
        }
    }

    #[test]
    fn the_report_counts_online_and_counter_payments_apart_and_the_online_share_by_dossier() {
        let r = summarise(&[
            item(PaymentChannel::VnPay, 25_000, 3, "D1"),
            item(PaymentChannel::PayGov, 10_000, 3, "D1"),
            item(PaymentChannel::Cash, 50_000, 4, "D2"),
            item(PaymentChannel::CardTerminal, 50_000, 4, "D3"),
        ]);
        assert_eq!(r.by_month.len(), 12);
        assert_eq!(r.by_month[2].1.online_count, 2);
        assert_eq!(r.by_month[2].1.online_vnd, 35_000);
        assert_eq!(r.by_month[3].1.counter_vnd, 100_000);
        assert_eq!(r.total.online_count + r.total.counter_count, 4);
        assert_eq!(r.paying_dossiers, 3);
        assert_eq!(r.paid_online_dossiers, 1);
        assert_eq!(r.online_share_per_mille(), Some(333));
        assert_eq!(r.by_channel.len(), 4);
    }

    #[test]
    fn an_empty_report_has_twelve_empty_months_and_no_share() {
        let r = summarise(&[]);
        assert_eq!(r.by_month.len(), 12);
        assert_eq!(r.online_share_per_mille(), None);
    }

    #[test]
    fn groups_counted_by_the_database_give_the_same_report_as_the_payments_one_by_one() {
        let items = [
            item(PaymentChannel::VnPay, 25_000, 3, "D1"),
            item(PaymentChannel::VnPay, 5_000, 3, "D4"),
            item(PaymentChannel::PayGov, 10_000, 3, "D1"),
            item(PaymentChannel::Cash, 50_000, 4, "D2"),
            item(PaymentChannel::Cash, 20_000, 4, "D3"),
        ];
        let grouped = [
            PaidGroup {
                channel: PaymentChannel::VnPay,
                month: 3,
                procedure_code: "1.001".into(),
                agency_code: "A".into(),
                count: 2,
                amount_vnd: 30_000,
            },
            PaidGroup {
                channel: PaymentChannel::PayGov,
                month: 3,
                procedure_code: "1.001".into(),
                agency_code: "A".into(),
                count: 1,
                amount_vnd: 10_000,
            },
            PaidGroup {
                channel: PaymentChannel::Cash,
                month: 4,
                procedure_code: "1.001".into(),
                agency_code: "A".into(),
                count: 2,
                amount_vnd: 70_000,
            },
        ];
        assert_eq!(summarise_groups(&grouped, 4, 2), summarise(&items));
    }
}
