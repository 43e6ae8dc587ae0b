//! The scopes of an API key. A key grants only what its scopes name (least privilege, OWASP ASVS
//! 5.0 V8.2.1 function-level access), so a province's specialised system that returns results
//! cannot also file applications, and the national portal that files applications cannot act on
//! dossiers. Scopes are stored and shown as their snake_case names, comma-separated.
//!
//! What each scope lets a client do, and why the line sits there:
//!
//! | scope | allows | limits |
//! |---|---|---|
//! | `read_catalogue` | read procedures and agencies | public data anyway; a scope so a key can be made for nothing else |
//! | `submit_dossiers` | submit an online dossier on behalf of an applicant (`POST /api/v1/applications`) | channel online; the applicant id is `api:{client}:…`, so the dossier is traceable to the client |
//! | `read_own_dossiers` | read the dossiers this client submitted | never another client's, nor counter dossiers (ASVS 8.2.2) |
//! | `act_on_dossiers` | act on dossiers held by the client's unit as `Actor::System { job: "api:{client}" }` | only what the state machine allows the system: record fees paid (payment platform) and return a result online; the client's unit must hold the dossier (ASVS 8.4.1) — the rules do not check units for the system, so the edge must. **Not issued** ([`Scope::ISSUABLE`]): no route takes it yet (the specialised systems' issue will) |
//! | `receive_events` | register webhook endpoints and be sent the dossier events of its unit | events carry no personal data |

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One permission an API key carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read the procedure catalogue and the agency tree.
    ReadCatalogue,
    /// Submit online dossiers on behalf of applicants (the national portal, a ministry's system
    /// taking applications on its own forms). Closes "online application over the API".
    SubmitDossiers,
    /// Read the dossiers this client submitted, and only those.
    ReadOwnDossiers,
    /// Act on dossiers held by the client's unit with the rights the rules give the system
    /// (a specialised system returning a result online, a payment platform confirming fees).
    /// Never an officer's rights: nobody signs or approves through a key.
    ActOnDossiers,
    /// Receive the dossier events of the client's unit (outbound webhooks, to come).
    ReceiveEvents,
}

/// A scope name that is not one of [`Scope::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown scope \"{0}\"; scopes are read_catalogue, submit_dossiers, read_own_dossiers, act_on_dossiers, receive_events"
)]
pub struct ScopeError(pub String);

impl Scope {
    /// Every scope, in display order.
    pub const ALL: [Scope; 5] = [
        Scope::ReadCatalogue,
        Scope::SubmitDossiers,
        Scope::ReadOwnDossiers,
        Scope::ActOnDossiers,
        Scope::ReceiveEvents,
    ];

    /// The scopes a key can be issued with: those some route honours. `act_on_dossiers` is still
    /// read from stored keys, but a new key cannot promise what no route does (an outside probe
    /// found it issued and honoured nowhere).
    pub const ISSUABLE: [Scope; 4] = [
        Scope::ReadCatalogue,
        Scope::SubmitDossiers,
        Scope::ReadOwnDossiers,
        Scope::ReceiveEvents,
    ];

    /// Whether a key can be issued with this scope ([`Scope::ISSUABLE`]).
    pub fn issuable(self) -> bool {
        Scope::ISSUABLE.contains(&self)
    }

    /// Stable text form, stored with the key and shown to administrators.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadCatalogue => "read_catalogue",
            Scope::SubmitDossiers => "submit_dossiers",
            Scope::ReadOwnDossiers => "read_own_dossiers",
            Scope::ActOnDossiers => "act_on_dossiers",
            Scope::ReceiveEvents => "receive_events",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| ScopeError(s.to_owned()))
    }
}

/// Parses a comma-separated list (blanks ignored), sorted and without repeats. An unknown name
/// is an error rather than ignored: a typo must not silently issue a weaker or stronger key.
pub fn parse_scopes(text: &str) -> Result<Vec<Scope>, ScopeError> {
    let mut scopes = text
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(Scope::from_str)
        .collect::<Result<Vec<_>, _>>()?;
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

/// The stored form of a list of scopes: names joined by commas, in [`Scope::ALL`] order.
pub fn print_scopes(scopes: &[Scope]) -> String {
    let mut sorted = scopes.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_reads_back_from_its_name() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
        }
    }

    #[test]
    fn a_list_is_sorted_without_repeats_and_prints_back_the_same() {
        let scopes =
            parse_scopes(" read_own_dossiers, submit_dossiers,,submit_dossiers ").expect("valid");
        assert_eq!(scopes, vec![Scope::SubmitDossiers, Scope::ReadOwnDossiers]);
        assert_eq!(print_scopes(&scopes), "submit_dossiers,read_own_dossiers");
        assert_eq!(parse_scopes(&print_scopes(&scopes)), Ok(scopes));
    }

    #[test]
    fn an_unknown_scope_is_an_error_not_ignored() {
        assert_eq!(
            parse_scopes("submit_dossiers,admin"),
            Err(ScopeError("admin".into()))
        );
    }
}
