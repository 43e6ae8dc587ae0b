//! The dossier's timeline: every event of its log, newest last, with who acted and the free text
//! they gave, in the page's language.

use domain::dossier::{Actor, Event};

use crate::ui::Ui;
use crate::views::local_datetime;

pub(super) struct TimelineRow {
    pub(super) at: String,
    pub(super) who: String,
    pub(super) what: &'static str,
    pub(super) detail: Option<String>,
}

/// One row per event, in the order of the log.
pub(super) fn timeline(ui: &Ui, events: &[Event]) -> Vec<TimelineRow> {
    events
        .iter()
        .map(|e| TimelineRow {
            at: local_datetime(ui, e.at),
            who: actor_text(ui, &e.actor),
            what: ui.t(&format!("dossier_event.{}", e.kind())),
            detail: event_detail(ui, e),
        })
        .collect()
}

fn actor_text(ui: &Ui, actor: &Actor) -> String {
    match actor {
        Actor::Officer {
            officer_id, role, ..
        } => format!(
            "{} ({officer_id})",
            ui.t(&format!("desk.role.{}", role.as_str()))
        ),
        Actor::Applicant { .. } => ui.t("desk.actor.applicant").to_owned(),
        Actor::System { job } => format!("{} ({job})", ui.t("desk.actor.system")),
    }
}

/// The free-text part of an event (reasons, note, summary, officer, agency), if any; coded
/// values (how a result was returned) in the page's language.
fn event_detail(ui: &Ui, event: &Event) -> Option<String> {
    if let domain::dossier::Change::IdentityChecked { check } = &event.change {
        return Some(crate::edge::identity::status_text(ui, Some(check)));
    }
    let value = serde_json::to_value(&event.change).ok()?;
    let parts: Vec<String> = [
        "reasons",
        "note",
        "summary",
        "officer_id",
        "to_agency",
        "reference",
        "amount_vnd",
        "method",
        "papers",
    ]
    .iter()
    .filter_map(|k| match value.get(*k)? {
        serde_json::Value::String(s) if *k == "method" => {
            Some(ui.t(&format!("desk.return_method.{s}")).to_owned())
        }
        serde_json::Value::Array(items) if !items.is_empty() => Some(
            items
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}
