//! Who acts on a dossier. Every event records its actor, and the state machine decides what an
//! actor may do from their kind, role and unit, so the web layer never has to.

use serde::{Deserialize, Serialize};

use crate::catalogue::Role;

/// The role an officer holds in their unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficerRole {
    /// Cán bộ tiếp nhận và trả kết quả at the one-stop unit (Bộ phận Một cửa).
    Reception,
    /// Chuyên viên xử lý: examines the dossier and drafts the result.
    Handling,
    /// Lãnh đạo: assigns work, approves and signs results.
    Leader,
    /// Quản trị đơn vị: manages the unit's accounts and settings, does not act on dossiers.
    UnitAdmin,
    /// Thanh tra, kiểm tra: reads history and reports, never acts.
    Auditor,
}

impl OfficerRole {
    /// Every role, in display order.
    pub const ALL: [OfficerRole; 5] = [
        OfficerRole::Reception,
        OfficerRole::Handling,
        OfficerRole::Leader,
        OfficerRole::UnitAdmin,
        OfficerRole::Auditor,
    ];

    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            OfficerRole::Reception => "reception",
            OfficerRole::Handling => "handling",
            OfficerRole::Leader => "leader",
            OfficerRole::UnitAdmin => "unit_admin",
            OfficerRole::Auditor => "auditor",
        }
    }

    /// Parses the text form produced by [`OfficerRole::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == s)
    }
}

impl From<Role> for OfficerRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Reception => OfficerRole::Reception,
            Role::Handling => OfficerRole::Handling,
            Role::Leader => OfficerRole::Leader,
        }
    }
}

/// Kind of applicant, as the national portal codes it (1 citizen, 2 business, 3 state agency,
/// 4 other organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// Công dân.
    Citizen,
    /// Doanh nghiệp.
    Business,
    /// Cơ quan nhà nước.
    StateAgency,
    /// Tổ chức khác.
    Other,
}

impl ApplicantKind {
    /// The national portal's numeric code.
    pub fn code(self) -> u8 {
        match self {
            ApplicantKind::Citizen => 1,
            ApplicantKind::Business => 2,
            ApplicantKind::StateAgency => 3,
            ApplicantKind::Other => 4,
        }
    }
}

/// The applicant of a dossier (người nộp hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Applicant {
    /// Opaque identifier the web layer chose (an account id, or a pseudonymous key for counter
    /// applicants); the same value must come back in [`Actor::Applicant`] for the applicant to act
    /// online on the dossier. Events are kept for ever, so prefer an id that is not itself
    /// personal data.
    pub id: String,
    /// Kind of applicant.
    pub kind: ApplicantKind,
}

/// Who performs an action.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// The citizen or organisation that applied, acting online.
    Applicant {
        /// Their identifier, compared with [`Applicant::id`].
        applicant_id: String,
    },
    /// An officer of an agency.
    Officer {
        /// Their account identifier.
        officer_id: String,
        /// Their role in the unit.
        role: OfficerRole,
        /// Identifier code of their agency (unit).
        unit: String,
    },
    /// The system itself: deadline jobs, the payment gateway callback, online delivery.
    System {
        /// Which job or integration acted, for the audit trail.
        job: String,
    },
}

impl Actor {
    /// A short label of the kind of actor and role, for messages ("leader", "applicant").
    pub fn label(&self) -> &'static str {
        match self {
            Actor::Applicant { .. } => "applicant",
            Actor::Officer { role, .. } => role.as_str(),
            Actor::System { .. } => "system",
        }
    }
}
