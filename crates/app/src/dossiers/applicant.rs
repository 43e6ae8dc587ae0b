//! The applicant's details as a dossier keeps them: `domain::applicant::ApplicantDetails`,
//! parsed by the same rules at every door, written as JSON in the dossier's contact column and
//! read back into the same type, so that reception officers, the receipt (Form 01), the
//! population look-up retry and notifications all read one shape. Personal data (Law
//! 91/2025/QH15): shown only to the officers handling the dossier, never on public pages; the
//! personal ID is sealed by `crate::personal_data` on the way into storage.

use domain::applicant::{
    ApplicantDetails, ApplicantField, BirthDate, EmailAddress, PhoneNumber, PostalAddress,
};
use domain::catalogue::ApplicantCategory;
use domain::dossier::ReturnMethod;
use domain::identity::PersonalId;
use serde::{Deserialize, Serialize};

/// The stored JSON: every field a string, as dossiers written before the details were typed
/// stored them too (counter intake wrote the same keys by hand).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct StoredContact {
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    personal_id: String,
    #[serde(default)]
    birth_date: Option<String>,
    #[serde(default)]
    return_method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fee_exemption: Option<String>,
}

/// The contact JSON to store for `details`.
pub fn contact_json(details: &ApplicantDetails) -> String {
    let text = |v: Option<&str>| v.unwrap_or_default().to_owned();
    let stored = StoredContact {
        address: text(details.address.as_ref().map(PostalAddress::as_str)),
        phone: text(details.phone.as_ref().map(PhoneNumber::as_str)),
        email: details.email.as_ref().map(|e| e.as_str().to_owned()),
        personal_id: text(details.personal_id.as_ref().map(PersonalId::as_str)),
        birth_date: details.birth_date.map(BirthDate::iso),
        return_method: text(details.return_method.map(ReturnMethod::as_str)),
        fee_exemption: details.fee_exemption.map(|c| c.as_str().to_owned()),
    };
    // A struct of strings always serialises.
    serde_json::to_string(&stored).unwrap_or_default()
}

/// A dossier's stored contact, read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactRecord {
    /// The details, as the rules read them today.
    pub details: ApplicantDetails,
    /// Fields accepted under earlier rules that today's refuse (a 9-digit phone number, a
    /// personal ID checked only for its 12 digits), as stored: shown to officers as they are so
    /// nothing accepted is hidden, never used to reach or identify anyone.
    pub earlier: Vec<(ApplicantField, String)>,
}

impl ContactRecord {
    /// Reads the JSON stored with a dossier; `None` for a missing contact or the plain line
    /// some early counter records hold.
    pub fn read(contact: Option<&str>) -> Option<ContactRecord> {
        let stored: StoredContact = serde_json::from_str(contact?).ok()?;
        let mut earlier = Vec::new();
        let mut keep = |field: ApplicantField, text: &str, valid: bool| {
            if !valid && !text.trim().is_empty() {
                earlier.push((field, text.trim().to_owned()));
            }
        };
        let personal_id = PersonalId::parse(&stored.personal_id).ok();
        keep(
            ApplicantField::PersonalId,
            &stored.personal_id,
            personal_id.is_some(),
        );
        let birth_text = stored.birth_date.unwrap_or_default();
        let birth_date = BirthDate::recorded(&birth_text);
        keep(ApplicantField::BirthDate, &birth_text, birth_date.is_some());
        let phone = PhoneNumber::parse(&stored.phone).ok();
        keep(ApplicantField::Phone, &stored.phone, phone.is_some());
        let email_text = stored.email.unwrap_or_default();
        let email = EmailAddress::parse(&email_text).ok();
        keep(ApplicantField::Email, &email_text, email.is_some());
        let address = PostalAddress::parse(&stored.address).ok();
        keep(ApplicantField::Address, &stored.address, address.is_some());
        Some(ContactRecord {
            details: ApplicantDetails {
                personal_id,
                birth_date,
                phone,
                email,
                address,
                return_method: ReturnMethod::parse(&stored.return_method),
                fee_exemption: stored
                    .fee_exemption
                    .as_deref()
                    .and_then(ApplicantCategory::parse),
            },
            earlier,
        })
    }
}

impl ContactRecord {
    /// A field's text as officers and printed forms show it: the value read today, or what an
    /// earlier rule accepted; `None` when the field was not given (the name is not kept here).
    pub fn text(&self, field: ApplicantField) -> Option<String> {
        let d = &self.details;
        let today = match field {
            ApplicantField::Name => None,
            ApplicantField::PersonalId => d.personal_id.as_ref().map(|v| v.as_str().to_owned()),
            ApplicantField::BirthDate => d.birth_date.map(BirthDate::iso),
            ApplicantField::Phone => d.phone.as_ref().map(|v| v.as_str().to_owned()),
            ApplicantField::Email => d.email.as_ref().map(|v| v.as_str().to_owned()),
            ApplicantField::Address => d.address.as_ref().map(|v| v.as_str().to_owned()),
        };
        today.or_else(|| {
            self.earlier
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, text)| text.clone())
        })
    }
}

/// How the applicant of a dossier with this stored contact asked for the result, if they said
/// (online applications do; counter intake records counter or post).
pub fn requested_return(contact: Option<&str>) -> Option<ReturnMethod> {
    ContactRecord::read(contact).and_then(|c| c.details.return_method)
}

#[cfg(test)]
mod tests {
    use domain::applicant::{ApplicantForm, Intake};
    use time::macros::date;

    use super::*;

    #[test]
    fn details_stored_read_back_equal() {
        let mut details = ApplicantDetails::parse(
            &ApplicantForm {
                personal_id: "001090012345",
                birth_date: "17/05/1990",
                phone: "+84 912 345 678",
                email: "Mai@Example.VN",
                address: "Số 1  Tràng Tiền",
            },
            Intake::Online,
            date!(2026 - 12 - 07),
        )
        .expect("valid");
        details.return_method = Some(ReturnMethod::Post);
        details.fee_exemption = ApplicantCategory::parse("poor_household");
        let json = contact_json(&details);
        let read = ContactRecord::read(Some(&json)).expect("reads");
        assert_eq!(read.details, details);
        assert!(read.earlier.is_empty());
        assert_eq!(requested_return(Some(&json)), Some(ReturnMethod::Post));
    }

    #[test]
    fn fields_accepted_under_earlier_rules_are_kept_apart_as_stored() {
        let json = r#"{"personal_id":"123456789012","phone":"091 234 567","address":"Số 1"}"#;
        let read = ContactRecord::read(Some(json)).expect("reads");
        assert_eq!(read.details.personal_id, None);
        assert_eq!(read.details.phone, None);
        assert_eq!(
            read.earlier,
            vec![
                (ApplicantField::PersonalId, "123456789012".to_owned()),
                (ApplicantField::Phone, "091 234 567".to_owned()),
            ]
        );
        assert_eq!(
            read.details.address.as_ref().map(PostalAddress::as_str),
            Some("Số 1")
        );
        assert_eq!(
            read.text(ApplicantField::Phone).as_deref(),
            Some("091 234 567")
        );
        assert_eq!(read.text(ApplicantField::Address).as_deref(), Some("Số 1"));
        assert_eq!(read.text(ApplicantField::Email), None);
    }

    #[test]
    fn a_plain_contact_line_is_not_a_record() {
        assert_eq!(ContactRecord::read(Some("0912345678, Hà Nội")), None);
        assert_eq!(ContactRecord::read(None), None);
    }
}
