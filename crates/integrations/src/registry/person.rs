//! The population record returned when a look-up matches: what a dossier may take from the
//! database instead of asking the citizen for a household book or residence confirmation.

use domain::identity::{PersonalId, Sex};
use serde::{Deserialize, Serialize};
use time::Date;

/// A person's record in the population database. Personal data: never log it (Law 91/2025/QH15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The personal identification number.
    pub personal_id: PersonalId,
    /// Full name as recorded.
    pub full_name: String,
    /// Sex as recorded.
    pub sex: Sex,
    /// Birth date as recorded.
    pub birth_date: Date,
    /// Permanent residence (nơi thường trú).
    pub permanent_address: Address,
    /// Where the person lives now (nơi ở hiện tại), which may differ from the permanent one.
    pub current_address: Address,
    /// The head of the household the person is registered in, if any.
    pub household_head: Option<HouseholdHead>,
}

/// An address with the administrative codes of its units (Decision 19/2025/QĐ-TTg codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Province or centrally run city.
    pub province: AdminUnit,
    /// District; absent in records made under the two-tier local government in force since
    /// 1 July 2025, which has no district level.
    pub district: Option<AdminUnit>,
    /// Commune, ward or special zone.
    pub commune: AdminUnit,
    /// House number, street, village or residential group.
    pub detail: String,
}

impl Address {
    /// The address on one line, from the most precise part to the province, as written on
    /// Vietnamese forms: "Số 12 đường Lý Thái Tổ, Phường Kinh Bắc, Tỉnh Bắc Ninh".
    pub fn one_line(&self) -> String {
        let mut parts: Vec<&str> = Vec::with_capacity(4);
        if !self.detail.trim().is_empty() {
            parts.push(self.detail.trim());
        }
        parts.push(&self.commune.name);
        if let Some(district) = &self.district {
            parts.push(&district.name);
        }
        parts.push(&self.province.name);
        parts.join(", ")
    }
}

/// An administrative unit: its code and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUnit {
    /// The code: two digits for a province, five for a commune (three for the former districts).
    pub code: String,
    /// The name with its kind, e.g. "Phường Kinh Bắc".
    pub name: String,
}

/// The head of the person's household and how the person is related to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdHead {
    /// The head's full name.
    pub full_name: String,
    /// The person's relationship to the head as the database words it ("Chủ hộ" for the head
    /// themselves, "Vợ", "Con", "Mẹ", …).
    pub relationship: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, name: &str) -> AdminUnit {
        AdminUnit {
            code: code.to_owned(),
            name: name.to_owned(),
        }
    }

    #[test]
    fn an_address_reads_from_the_house_to_the_province() {
        let mut address = Address {
            province: unit("24", "Tỉnh Bắc Ninh"),
            district: None,
            commune: unit("09187", "Phường Kinh Bắc"),
            detail: "Số 12 đường Lý Thái Tổ".to_owned(),
        };
        assert_eq!(
            address.one_line(),
            "Số 12 đường Lý Thái Tổ, Phường Kinh Bắc, Tỉnh Bắc Ninh"
        );
        address.district = Some(unit("256", "Thành phố Bắc Ninh"));
        address.detail = " ".to_owned();
        assert_eq!(
            address.one_line(),
            "Phường Kinh Bắc, Thành phố Bắc Ninh, Tỉnh Bắc Ninh"
        );
    }
}
