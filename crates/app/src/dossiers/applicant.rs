//! The applicant's details an online application collects beyond their name, kept with the
//! dossier as JSON in its contact column so reception officers, the receipt (Form 01) and
//! notifications can reach the applicant. Personal data (Law 91/2025/QH15): shown only to the
//! officers handling the dossier, never on public pages.

use serde::{Deserialize, Serialize};

/// Contact and identity details of an online applicant, stored as JSON in
/// `StoredDossier::applicant_contact`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantDetails {
    /// Postal address, as typed.
    #[serde(default)]
    pub address: String,
    /// Phone number, as typed.
    #[serde(default)]
    pub phone: String,
    /// E-mail address, if given.
    #[serde(default)]
    pub email: Option<String>,
    /// 12-digit personal identification number (số định danh cá nhân).
    #[serde(default)]
    pub personal_id: String,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: String,
    /// How the result is to be returned: `counter`, `post` or `online`
    /// (see `domain::dossier::ReturnMethod`).
    #[serde(default)]
    pub return_method: String,
    /// The exempting category the applicant claimed
    /// (`domain::catalogue::ApplicantCategory::as_str`); the officer checks the paper that
    /// proves it before waiving the fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_exemption: Option<String>,
}

impl ApplicantDetails {
    /// Reads the JSON stored with a dossier; `None` for dossiers whose contact is a plain line
    /// (counter intake) or missing.
    pub fn from_contact(contact: Option<&str>) -> Option<ApplicantDetails> {
        serde_json::from_str(contact?).ok()
    }

    /// How the applicant of a dossier with this stored contact asked for the result, if they
    /// said (online applications do; counter intake does not ask).
    pub fn requested_return(contact: Option<&str>) -> Option<domain::dossier::ReturnMethod> {
        Self::from_contact(contact)
            .and_then(|d| domain::dossier::ReturnMethod::parse(&d.return_method))
    }

    /// The JSON to store.
    pub fn to_json(&self) -> String {
        // A struct of strings always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }
}
