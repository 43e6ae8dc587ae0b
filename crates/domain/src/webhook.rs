//! Which dossier changes a connected system is sent (webhooks), and what the event it receives
//! says. A province's specialised system or the national portal subscribes to the kinds of
//! change it acts on; the event carries the dossier's code, status and the kinds of change, and
//! no personal data: the receiver reads what it is allowed to through the API with its own key
//! (Decree 47/2020/NĐ-CP on sharing state agencies' digital data, Art. 3 and 9: data are shared
//! for a stated purpose, only what that purpose needs; Decree 13/2023/NĐ-CP, Art. 3(4): personal
//! data kept to the minimum).

use std::fmt;

use serde::Serialize;
use thiserror::Error;

use crate::dossier::CHANGE_KINDS;

/// The event type every webhook carries: one dossier changed (the kinds of change are in its
/// data).
pub const DOSSIER_CHANGED: &str = "dossier.changed";

/// The kinds of change an endpoint is sent: every kind, or those named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    every: bool,
    named: Vec<&'static str>,
}

impl Default for EventFilter {
    fn default() -> Self {
        EventFilter::all()
    }
}

/// A subscription naming a kind of change that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown kind of change \"{0}\"")]
pub struct UnknownKind(pub String);

impl EventFilter {
    /// Every kind of change.
    pub fn all() -> EventFilter {
        EventFilter {
            every: true,
            named: Vec::new(),
        }
    }

    /// The filter of the kinds named in `names` (blank names ignored, duplicates dropped, kept
    /// in the order of a dossier's life); empty names mean every kind.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<EventFilter, UnknownKind> {
        let mut wanted = Vec::new();
        for name in names.into_iter().map(str::trim).filter(|n| !n.is_empty()) {
            if !CHANGE_KINDS.contains(&name) {
                return Err(UnknownKind(name.to_owned()));
            }
            wanted.push(name);
        }
        Ok(EventFilter {
            every: wanted.is_empty(),
            named: CHANGE_KINDS
                .into_iter()
                .filter(|k| wanted.contains(k))
                .collect(),
        })
    }

    /// The filter as stored (comma-separated kinds, empty for every kind), read the same way
    /// wherever it is read: a kind the rules no longer make is dropped, so a filter whose kinds
    /// are all gone wants nothing rather than everything.
    pub fn from_stored(stored: &str) -> EventFilter {
        if stored.trim().is_empty() {
            return EventFilter::all();
        }
        let named: Vec<&str> = stored.split(',').map(str::trim).collect();
        EventFilter {
            every: false,
            named: CHANGE_KINDS
                .into_iter()
                .filter(|k| named.contains(k))
                .collect(),
        }
    }

    /// Whether every kind is sent.
    pub fn is_all(&self) -> bool {
        self.every
    }

    /// The kinds named (empty for every kind, or when every kind named is gone).
    pub fn kinds(&self) -> &[&'static str] {
        &self.named
    }

    /// Whether a change made of `kinds` is sent: any one of them is wanted.
    pub fn wants<S: AsRef<str>>(&self, kinds: &[S]) -> bool {
        self.every || kinds.iter().any(|k| self.named.contains(&k.as_ref()))
    }
}

impl fmt::Display for EventFilter {
    /// As stored: comma-separated, empty for every kind.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.named.join(","))
    }
}

/// What a webhook's body says, in the Standard Webhooks envelope (`type`, `timestamp`, `data`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierEvent<'a> {
    /// Always [`DOSSIER_CHANGED`].
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When the change happened, RFC 3339 in UTC.
    pub timestamp: String,
    /// What changed.
    pub data: DossierEventData<'a>,
}

/// The data of a [`DossierEvent`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierEventData<'a> {
    /// The dossier's code (mã hồ sơ).
    pub code: &'a str,
    /// Its status after the change (`crate::dossier::Status::as_str`).
    pub status: &'a str,
    /// The same status in the national portal's code list (`Status::dvcqg_code`).
    pub dvcqg_status: &'a str,
    /// The kinds of change made together, in order.
    pub changes: &'a [String],
    /// The receiving unit.
    pub unit: &'a str,
    /// The unit holding the dossier after the change.
    pub holder: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_keeps_the_kinds_it_names_in_the_order_of_a_dossiers_life() {
        let filter = EventFilter::parse(["result_ready", " submitted ", "", "result_ready"])
            .expect("known kinds");
        assert_eq!(filter.kinds(), ["submitted", "result_ready"]);
        assert_eq!(filter.to_string(), "submitted,result_ready");
        assert_eq!(EventFilter::from_stored(&filter.to_string()), filter);
    }

    #[test]
    fn a_stored_filter_whose_kinds_are_all_gone_wants_nothing() {
        let gone = EventFilter::from_stored("approved_twice");
        assert!(!gone.is_all());
        assert!(!gone.wants(&["submitted"]));
        assert_eq!(
            EventFilter::from_stored("accepted,approved_twice").kinds(),
            ["accepted"]
        );
    }

    #[test]
    fn an_unknown_kind_is_refused_by_name() {
        assert_eq!(
            EventFilter::parse(["submitted", "approved"]),
            Err(UnknownKind("approved".into()))
        );
    }

    #[test]
    fn an_empty_filter_wants_every_change_and_a_named_one_only_its_own() {
        let all = EventFilter::from_stored("");
        assert!(all.is_all());
        assert!(all.wants(&["assigned"]));
        let some = EventFilter::parse(["accepted"]).expect("known");
        assert!(some.wants(&["identity_checked", "accepted"]));
        assert!(!some.wants(&["assigned"]));
        assert!(!some.wants::<&str>(&[]));
    }
}
