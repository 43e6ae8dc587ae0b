//! Whether the applicant of a dossier is who they say they are, as far as the national population
//! database (or an officer who saw their identity card) can tell. A dossier whose applicant is
//! verified against the database needs no household book or residence confirmation (Decree
//! 104/2022/NĐ-CP, Art. 1–2); one whose check could not be made stays open and is checked again
//! later, so the database being down never costs a citizen their application (DESIGN §6).
//!
//! Every check is an event of the dossier's log ([`super::Change::IdentityChecked`]): the answer
//! of the database is recorded by the system, a manual verification by the reception or handling
//! officer with their reason, so the audit trail says who vouched for the applicant and why.
//! Who may record a check, and when, is the state machine's rule (`machine/identity.rs`).

use serde::{Deserialize, Serialize};

/// What a check of the applicant concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityResult {
    /// Number, full name and birth date match the database's record (or the officer verified
    /// the applicant's papers).
    Verified,
    /// The number exists but the name or the birth date differ.
    Mismatch,
    /// The database has no record with this number.
    NotFound,
    /// No answer could be obtained (down, slow, held back); the check will be made again.
    Unavailable,
}

impl IdentityResult {
    /// Stable text form, used in storage, the API and translations.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityResult::Verified => "verified",
            IdentityResult::Mismatch => "mismatch",
            IdentityResult::NotFound => "not_found",
            IdentityResult::Unavailable => "unavailable",
        }
    }
}

/// How the check was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityMethod {
    /// A look-up in the national population database through the province's data-sharing
    /// platform.
    PopulationRegistry,
    /// An officer checked the applicant's identity papers and vouches for them.
    Manual,
}

/// One check of the applicant's identity, as recorded in the log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdentityCheck {
    /// What it concluded.
    pub result: IdentityResult,
    /// How it was made.
    pub method: IdentityMethod,
    /// Why the officer vouches for the applicant (manual checks; required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
}

impl IdentityCheck {
    /// The database's answer.
    pub fn registry(result: IdentityResult) -> Self {
        IdentityCheck {
            result,
            method: IdentityMethod::PopulationRegistry,
            reasons: None,
        }
    }

    /// An officer's manual verification, with the reasons.
    pub fn manual(reasons: &str) -> Self {
        IdentityCheck {
            result: IdentityResult::Verified,
            method: IdentityMethod::Manual,
            reasons: Some(reasons.to_owned()),
        }
    }

    /// Whether the applicant counts as verified.
    pub fn is_verified(&self) -> bool {
        self.result == IdentityResult::Verified
    }
}
