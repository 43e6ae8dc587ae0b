//! Turns catalogue entries into what a page shows: localised labels, durations and fees written
//! out in words. Shared by the portal and the back office so a procedure reads the same on both.

use domain::catalogue::{
    Channel, Fee, FeeKind, LegalDuration, Level, PaperForm, Procedure, ServiceMode,
};

use crate::ui::Ui;
use app::ReferenceData;

/// Label of a level.
pub fn level_label(ui: &Ui, level: Level) -> &'static str {
    ui.t(&format!("level.{}", level.as_str()))
}

/// Label of a service mode.
pub fn mode_label(ui: &Ui, mode: ServiceMode) -> &'static str {
    ui.t(&format!("mode.{}", mode.as_str()))
}

/// CSS modifier of a service mode's tag.
pub fn mode_class(mode: ServiceMode) -> &'static str {
    match mode {
        ServiceMode::FullOnline => "full",
        ServiceMode::PartialOnline => "partial",
        ServiceMode::InformationOnly => "info",
    }
}

/// The legal duration in words.
pub fn duration_text(ui: &Ui, duration: LegalDuration) -> String {
    match duration {
        LegalDuration::SameDay => ui.t("duration.same_day").to_owned(),
        LegalDuration::WorkingDays { amount } => ui.t_n("duration.working_days", amount),
        LegalDuration::WorkingHours { amount } => ui.t_n("duration.working_hours", amount),
    }
}

/// One fee's amount in words, with tiers and cap.
pub fn fee_amount_text(ui: &Ui, fee: &Fee) -> String {
    let unit = match fee.kind {
        FeeKind::Fixed => "",
        FeeKind::PerPage => ui.t("fee.per_page"),
        FeeKind::PerCopy => ui.t("fee.per_copy"),
    };
    let mut text = if fee.tiers.is_empty() {
        if fee.amount_vnd == 0 {
            ui.t("fee.free").to_owned()
        } else {
            format!("{}{unit}", ui.money(fee.amount_vnd))
        }
    } else {
        fee.tiers
            .iter()
            .map(|t| {
                let range = match t.to {
                    Some(to) if to == t.from => ui.t_n("fee.unit_only", t.from),
                    Some(to) => ui
                        .t("fee.unit_range")
                        .replace("{from}", &t.from.to_string())
                        .replace("{to}", &to.to_string()),
                    None => ui.t_n("fee.unit_from", t.from),
                };
                format!("{}{unit} ({range})", ui.money(t.amount_vnd))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if let Some(cap) = fee.cap_vnd {
        text.push_str("; ");
        text.push_str(&ui.t_s("fee.cap", &ui.money(cap)));
    }
    text
}

/// The reduction for an online application in force on `today`, in words ("Online: 50 % off
/// (25,000 VND) until 31/12/2026"), computed by the same rules as the amount asked.
pub fn online_discount_text(ui: &Ui, fee: &Fee, today: time::Date) -> Option<String> {
    use domain::payment::fees::{FeeBasis, LineAdjustment, assess_fees};
    let basis = FeeBasis::simple(domain::catalogue::Channel::Online, today);
    let line = assess_fees(std::slice::from_ref(fee), &basis).lines.pop()?;
    let LineAdjustment::OnlineDiscount { percent, .. } = line.adjustment else {
        return None;
    };
    let mut text = ui.t_n("fee.online", percent);
    if fee.kind == FeeKind::Fixed {
        text.push(' ');
        text.push_str(&ui.t_s("fee.online_amount", &ui.money(line.net_vnd)));
    }
    let until = fee
        .online_discounts
        .iter()
        .filter(|d| d.applies_on(today) && d.percent == percent)
        .filter_map(|d| d.until)
        .max();
    if let Some(until) = until {
        text.push(' ');
        text.push_str(&ui.t_s(
            "fee.online_until",
            &format!(
                "{:02}/{:02}/{}",
                until.day(),
                u8::from(until.month()),
                until.year()
            ),
        ));
    }
    Some(text)
}

/// A one-line summary of all fees, for lists.
pub fn fee_summary(ui: &Ui, fees: &[Fee]) -> String {
    let charged: Vec<&Fee> = fees
        .iter()
        .filter(|f| f.amount_vnd > 0 || f.tiers.iter().any(|t| t.amount_vnd > 0))
        .collect();
    match charged.as_slice() {
        [] => ui.t("fee.free").to_owned(),
        [one] => {
            let lowest = if one.tiers.is_empty() {
                one.amount_vnd
            } else {
                one.tiers.iter().map(|t| t.amount_vnd).min().unwrap_or(0)
            };
            let unit = match one.kind {
                FeeKind::Fixed => "",
                FeeKind::PerPage => ui.t("fee.per_page"),
                FeeKind::PerCopy => ui.t("fee.per_copy"),
            };
            if one.tiers.len() > 1 {
                ui.t_s("fee.from", &format!("{}{unit}", ui.money(lowest)))
            } else {
                format!("{}{unit}", ui.money(lowest))
            }
        }
        many => ui.t_n("fee.several", many.len()),
    }
}

/// Label of how a paper is handed in.
pub fn paper_form_text(ui: &Ui, form: PaperForm, count: u32) -> String {
    ui.t(&format!("paper.{}", form.as_str()))
        .replace("{n}", &count.to_string())
}

/// Label of a channel.
pub fn channel_text(ui: &Ui, channel: Channel) -> &'static str {
    ui.t(&format!("channel.{}", channel.as_str()))
}

/// A procedure in a list.
#[derive(Debug, Clone)]
pub struct ProcedureCard {
    /// National code.
    pub code: String,
    /// Name in the page's language.
    pub name: String,
    /// Field name.
    pub field_name: String,
    /// Level label.
    pub level_label: &'static str,
    /// Service-mode label.
    pub mode_label: &'static str,
    /// CSS modifier for the mode.
    pub mode_class: &'static str,
    /// Duration in words.
    pub duration_text: String,
    /// Fee summary.
    pub fee_text: String,
    /// Project 06 essential service.
    pub priority: bool,
}

/// Builds the list entry of a procedure.
pub fn card(ui: &Ui, data: &ReferenceData, p: &Procedure) -> ProcedureCard {
    ProcedureCard {
        code: p.code.clone(),
        name: ui.pick(&p.name, &p.name_en).to_owned(),
        field_name: data
            .field(&p.field)
            .map(|f| ui.pick(&f.name, &f.name_en).to_owned())
            .unwrap_or_else(|| p.field.clone()),
        level_label: level_label(ui, p.level),
        mode_label: mode_label(ui, p.service_mode),
        mode_class: mode_class(p.service_mode),
        duration_text: duration_text(ui, p.duration),
        fee_text: fee_summary(ui, &p.fees),
        priority: p.priority,
    }
}

/// One choice of a filter's `<select>`.
#[derive(Debug, Clone)]
pub struct SelectOption {
    /// Submitted value.
    pub value: String,
    /// Shown label.
    pub label: String,
    /// Whether it is the current choice.
    pub selected: bool,
}

impl SelectOption {
    /// Builds an option, selected when `value` equals `current`.
    pub fn new(value: &str, label: &str, current: Option<&str>) -> SelectOption {
        SelectOption {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: current == Some(value),
        }
    }
}

/// Options for the field filter.
pub fn field_options(ui: &Ui, data: &ReferenceData, current: Option<&str>) -> Vec<SelectOption> {
    data.catalogue
        .fields
        .iter()
        .map(|f| SelectOption::new(&f.code, ui.pick(&f.name, &f.name_en), current))
        .collect()
}

/// Catalogue figures shown on the home page and the back-office overview.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Procedures published.
    pub procedures: usize,
    /// Offered fully online.
    pub full_online: usize,
    /// Offered partly online.
    pub partial_online: usize,
    /// Agencies in the tree.
    pub agencies: usize,
}

/// Counts the catalogue.
pub fn figures(data: &ReferenceData) -> Figures {
    let procedures = &data.catalogue.procedures;
    Figures {
        procedures: procedures.len(),
        full_online: procedures
            .iter()
            .filter(|p| p.service_mode == ServiceMode::FullOnline)
            .count(),
        partial_online: procedures
            .iter()
            .filter(|p| p.service_mode == ServiceMode::PartialOnline)
            .count(),
        agencies: data.catalogue.agencies.len(),
    }
}

/// A moment as people in Vietnam read it, in the page's language: "14:05 ngày 27/11/2026" or
/// "2026-11-27 14:05".
pub fn local_datetime(ui: &Ui, at: time::OffsetDateTime) -> String {
    let t = at.to_offset(domain::calendar::VIETNAM_OFFSET);
    if ui.is_en() {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        )
    } else {
        format!(
            "{:02}:{:02} ngày {:02}/{:02}/{:04}",
            t.hour(),
            t.minute(),
            t.day(),
            u8::from(t.month()),
            t.year()
        )
    }
}
