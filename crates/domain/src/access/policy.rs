//! The authorisation policy: one function, [`permits`], that every page and API route asks
//! before it reads or changes an object. Object-level rules (OWASP ASVS 5.0 V8.2.2, V8.2.3):
//! a citizen reaches only their own dossiers and drafts; an officer reaches the dossiers their
//! unit received or now holds (a transferred dossier, liên thông, Decree 118/2025/NĐ-CP
//! Art. 26), acts only in the acting roles, and auditors and unit administrators only read
//! (Decree 118/2025/NĐ-CP Art. 11 sets who receives, handles and approves). Which action in which
//! state is the dossier state machine's question ([`crate::dossier::decide`]); this one is
//! whether the person may touch the object at all, and pages answer "not found" when not, so an
//! object's existence is not confirmed to someone who may not see it.

use super::Scope;
use crate::dossier::OfficerRole;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal<'a> {
    /// A visitor who has not signed in.
    Anonymous,
    /// A signed-in citizen or business, by account id.
    Citizen {
        /// Account id.
        account: &'a str,
    },
    /// A signed-in officer.
    Officer {
        /// Account id.
        id: &'a str,
        /// Role in the unit.
        role: OfficerRole,
        /// Identifier code of the unit.
        unit: &'a str,
    },
    /// An API client (a specialised system, the national portal) with its key's scopes.
    Client {
        /// The account its dossiers are recorded under.
        account: &'a str,
        /// The unit it acts for, if any.
        unit: Option<&'a str>,
        /// The key's scopes.
        scopes: &'a [Scope],
    },
}

/// The facts about a dossier the policy looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DossierFacts<'a> {
    /// The receiving (lead) agency.
    pub agency: &'a str,
    /// The agency holding it now (another one during a transfer).
    pub holder: &'a str,
    /// The account that applied, if any.
    pub account: Option<&'a str>,
}

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request<'a> {
    /// Read a dossier, its papers, forms and history.
    ReadDossier(DossierFacts<'a>),
    /// Change a dossier (any action; the state machine then decides which).
    ActOnDossier(DossierFacts<'a>),
    /// Open an online application draft (owner `None`: started without an account, so its
    /// unguessable address is the only key).
    OpenDraft {
        /// The account it belongs to.
        owner: Option<&'a str>,
    },
    /// Use the back office: inbox, reference views.
    UseBackOffice,
    /// Register a dossier handed in at the counter.
    RegisterAtCounter,
    /// Manage the API clients of a unit.
    ManageApiClients {
        /// The unit.
        unit: &'a str,
    },
    /// Create, change the role of, disable and reset the second factor of the officers of a
    /// unit (Decree 45/2020/NĐ-CP, Art. 13: the agency runs its one-stop system's accounts).
    ManageOfficers {
        /// The unit.
        unit: &'a str,
    },
    /// See the notices sent about a unit's dossiers that wait or were given up, and put a
    /// given-up one back in the queue.
    OperateDeliveries {
        /// The unit.
        unit: &'a str,
    },
    /// Record fees paid in cash or by card at the counter of the dossier's unit.
    RecordCounterPayment(DossierFacts<'a>),
    /// Refund a payment of a dossier of the unit.
    RefundPayment(DossierFacts<'a>),
    /// Read the province's reports (payments, look-ups, Decision 766 figures).
    ReadReports,
}

/// Roles that act on dossiers; the others only read.
const ACTING: [OfficerRole; 3] = [
    OfficerRole::Reception,
    OfficerRole::Handling,
    OfficerRole::Leader,
];

fn unit_reaches(unit: &str, d: &DossierFacts<'_>) -> bool {
    unit == d.agency || unit == d.holder
}

/// Whether `principal` may do `request`.
pub fn permits(principal: &Principal<'_>, request: &Request<'_>) -> bool {
    use Principal as P;
    use Request as R;
    match (principal, request) {
        (P::Anonymous, R::OpenDraft { owner }) => owner.is_none(),
        (P::Anonymous, _) => false,

        (P::Citizen { account }, R::ReadDossier(d) | R::ActOnDossier(d)) => {
            d.account == Some(account)
        }
        (P::Citizen { account }, R::OpenDraft { owner }) => owner.is_none_or(|o| o == *account),
        (P::Citizen { .. }, _) => false,

        (P::Officer { unit, .. }, R::ReadDossier(d)) => unit_reaches(unit, d),
        (P::Officer { role, unit, .. }, R::ActOnDossier(d)) => {
            ACTING.contains(role) && unit_reaches(unit, d)
        }
        // An officer's own applications are made as a citizen, signed in as one.
        (P::Officer { .. }, R::OpenDraft { owner }) => owner.is_none(),
        (P::Officer { .. }, R::UseBackOffice) => true,
        (P::Officer { role, .. }, R::RegisterAtCounter) => *role == OfficerRole::Reception,
        (
            P::Officer { role, unit, .. },
            R::ManageApiClients { unit: target }
            | R::ManageOfficers { unit: target }
            | R::OperateDeliveries { unit: target },
        ) => *role == OfficerRole::UnitAdmin && unit == target,
        // The one-stop counter takes the money (Decree 61/2018/NĐ-CP, Art. 19: fees are paid at
        // the counter or online); a refund is decided by the unit's leader, never by the officer
        // who took the money alone.
        (P::Officer { role, unit, .. }, R::RecordCounterPayment(d)) => {
            *role == OfficerRole::Reception && unit_reaches(unit, d)
        }
        (P::Officer { role, unit, .. }, R::RefundPayment(d)) => {
            *role == OfficerRole::Leader && unit_reaches(unit, d)
        }
        (P::Officer { role, .. }, R::ReadReports) => matches!(
            role,
            OfficerRole::Leader | OfficerRole::UnitAdmin | OfficerRole::Auditor
        ),

        (
            P::Client {
                account, scopes, ..
            },
            R::ReadDossier(d),
        ) if scopes.contains(&Scope::ReadOwnDossiers) && d.account == Some(account) => true,
        (
            P::Client {
                unit: Some(unit),
                scopes,
                ..
            },
            R::ReadDossier(d) | R::ActOnDossier(d),
        ) => scopes.contains(&Scope::ActOnDossiers) && unit_reaches(unit, d),
        (P::Client { .. }, R::OpenDraft { owner }) => owner.is_none(),
        (P::Client { .. }, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: &str = "000.00.00.X";
    const Y: &str = "000.00.00.Y";

    fn dossier_of(account: Option<&str>) -> DossierFacts<'_> {
        DossierFacts {
            agency: X,
            holder: X,
            account,
        }
    }

    fn officer(role: OfficerRole, unit: &str) -> Principal<'_> {
        Principal::Officer {
            id: "o",
            role,
            unit,
        }
    }

    #[test]
    fn a_citizen_reaches_their_own_dossiers_and_drafts_only() {
        let a = Principal::Citizen {
            account: "citizen:a",
        };
        let mine = dossier_of(Some("citizen:a"));
        let theirs = dossier_of(Some("citizen:b"));
        let counter = dossier_of(None);
        assert!(permits(&a, &Request::ReadDossier(mine)));
        assert!(permits(&a, &Request::ActOnDossier(mine)));
        assert!(!permits(&a, &Request::ReadDossier(theirs)));
        assert!(!permits(&a, &Request::ReadDossier(counter)));
        assert!(permits(
            &a,
            &Request::OpenDraft {
                owner: Some("citizen:a")
            }
        ));
        assert!(!permits(
            &a,
            &Request::OpenDraft {
                owner: Some("citizen:b")
            }
        ));
        assert!(permits(&a, &Request::OpenDraft { owner: None }));
        assert!(!permits(&a, &Request::UseBackOffice));
    }

    #[test]
    fn an_officer_reaches_their_units_dossiers_and_only_acting_roles_act() {
        let d = dossier_of(Some("citizen:a"));
        for role in OfficerRole::ALL {
            assert!(
                permits(&officer(role, X), &Request::ReadDossier(d)),
                "{role:?}"
            );
            assert_eq!(
                permits(&officer(role, X), &Request::ActOnDossier(d)),
                ACTING.contains(&role),
                "{role:?}"
            );
            assert!(
                !permits(&officer(role, Y), &Request::ReadDossier(d)),
                "{role:?}"
            );
            assert!(
                !permits(&officer(role, Y), &Request::ActOnDossier(d)),
                "{role:?}"
            );
        }
        let transferred = DossierFacts { holder: Y, ..d };
        assert!(permits(
            &officer(OfficerRole::Handling, Y),
            &Request::ActOnDossier(transferred)
        ));
        assert!(permits(
            &officer(OfficerRole::Reception, X),
            &Request::ReadDossier(transferred)
        ));
    }

    #[test]
    fn only_reception_registers_and_only_the_units_admin_manages_its_clients() {
        for role in OfficerRole::ALL {
            assert_eq!(
                permits(&officer(role, X), &Request::RegisterAtCounter),
                role == OfficerRole::Reception
            );
            assert_eq!(
                permits(&officer(role, X), &Request::ManageApiClients { unit: X }),
                role == OfficerRole::UnitAdmin
            );
            assert!(!permits(
                &officer(role, X),
                &Request::ManageApiClients { unit: Y }
            ));
            assert_eq!(
                permits(&officer(role, X), &Request::ManageOfficers { unit: X }),
                role == OfficerRole::UnitAdmin
            );
            assert!(!permits(
                &officer(role, X),
                &Request::ManageOfficers { unit: Y }
            ));
        }
    }

    #[test]
    fn an_anonymous_visitor_opens_only_drafts_without_an_owner() {
        let p = Principal::Anonymous;
        assert!(permits(&p, &Request::OpenDraft { owner: None }));
        assert!(!permits(
            &p,
            &Request::OpenDraft {
                owner: Some("citizen:a")
            }
        ));
        assert!(!permits(&p, &Request::ReadDossier(dossier_of(None))));
        assert!(!permits(&p, &Request::UseBackOffice));
    }

    #[test]
    fn a_client_reads_what_it_submitted_and_acts_only_with_the_scope_in_its_unit() {
        let scopes = [Scope::SubmitDossiers, Scope::ReadOwnDossiers];
        let portal = Principal::Client {
            account: "api:portal",
            unit: None,
            scopes: &scopes,
        };
        assert!(permits(
            &portal,
            &Request::ReadDossier(dossier_of(Some("api:portal")))
        ));
        assert!(!permits(
            &portal,
            &Request::ReadDossier(dossier_of(Some("api:other")))
        ));
        assert!(!permits(
            &portal,
            &Request::ActOnDossier(dossier_of(Some("api:portal")))
        ));
        let acting = [Scope::ActOnDossiers];
        let system = Principal::Client {
            account: "api:land",
            unit: Some(X),
            scopes: &acting,
        };
        assert!(permits(&system, &Request::ActOnDossier(dossier_of(None))));
        let elsewhere = DossierFacts {
            agency: Y,
            holder: Y,
            account: None,
        };
        assert!(!permits(&system, &Request::ActOnDossier(elsewhere)));
        assert!(!permits(&system, &Request::UseBackOffice));
    }
}
