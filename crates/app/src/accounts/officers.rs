//! Officer accounts: password hashing (argon2id, off the async threads) and the demonstration
//! officers the embedded default creates on first start, so a newcomer can try every role of the
//! back office at once. A production configuration turns the demonstration accounts off.

use argon2::password_hash::PasswordHasher;
use argon2::{Argon2, PasswordVerifier};
use domain::catalogue::{ALL_COMMUNES, AgencyKind};
use domain::dossier::OfficerRole;
use storage::Db;
use storage::officers::NewOfficer;

use crate::ServiceError;
use crate::reference::ReferenceData;

/// Verifies the password against the hash of a random one, so that a sign-in with a name that
/// does not exist takes as long as one with a wrong password and does not reveal which names do.
pub async fn verify_against_nothing(password: &str) {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hash = DUMMY
        .get_or_try_init(|| hash_password(uuid::Uuid::new_v4().to_string()))
        .await;
    if let Ok(hash) = hash {
        let _ = verify_password(password, hash).await;
    }
}

/// The password of every demonstration account, printed at first start.
pub const DEMO_PASSWORD: &str = "motcua-demo";

/// Hashes a password into a PHC string.
pub async fn hash_password(password: String) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("password hashing: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("password hashing task: {e}")))?
}

/// Whether the password matches the PHC string; a malformed hash never matches.
pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A demonstration account that was created.
#[derive(Debug, Clone)]
pub struct DemoOfficer {
    /// Sign-in name.
    pub username: String,
    /// Role.
    pub role: OfficerRole,
    /// Unit code.
    pub unit: String,
    /// Unit name.
    pub unit_name: String,
}

const DEMO_ROLES: [(OfficerRole, &str, &str); 5] = [
    (OfficerRole::Reception, "tiepnhan", "Cán bộ tiếp nhận"),
    (OfficerRole::Handling, "xuly", "Chuyên viên xử lý"),
    (OfficerRole::Leader, "lanhdao", "Lãnh đạo"),
    (OfficerRole::UnitAdmin, "quantri", "Quản trị đơn vị"),
    (OfficerRole::Auditor, "kiemtra", "Thanh tra"),
];

/// The two demonstration units: the department that settles most procedures of the catalogue,
/// and the first commune (communes settle the civil-status procedures people use most).
fn demo_units(reference: &ReferenceData) -> Vec<(&'static str, String, String)> {
    let catalogue = &reference.catalogue;
    let department = catalogue
        .agencies
        .iter()
        .filter(|a| a.kind == AgencyKind::Department)
        .max_by_key(|a| {
            let n = catalogue
                .procedures
                .iter()
                .filter(|p| p.agencies.contains(&a.code))
                .count();
            // Ties go to the first in the file.
            (n, std::cmp::Reverse(a.code.clone()))
        });
    let commune = catalogue
        .agencies
        .iter()
        .filter(|a| a.kind == AgencyKind::Commune)
        .min_by_key(|a| a.code.clone());
    let mut units = Vec::new();
    if let Some(d) = department {
        units.push(("so", d.code.clone(), d.name.clone()));
    }
    if let Some(c) = commune
        && catalogue
            .procedures
            .iter()
            .any(|p| p.agencies.iter().any(|a| a == ALL_COMMUNES || *a == c.code))
    {
        units.push(("xa", c.code.clone(), c.name.clone()));
    }
    units
}

/// Creates the demonstration officers when there are no officers at all; returns those created
/// (none on later starts).
pub async fn ensure_demo_officers(
    db: &Db,
    reference: &ReferenceData,
) -> Result<Vec<DemoOfficer>, ServiceError> {
    if db.officer_count().await? > 0 {
        return Ok(Vec::new());
    }
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let mut created = Vec::new();
    for (prefix, unit, unit_name) in demo_units(reference) {
        for (role, name, title) in DEMO_ROLES {
            let username = format!("{name}.{prefix}");
            db.create_officer(&NewOfficer {
                id: username.clone(),
                username: username.clone(),
                full_name: format!("{title} ({unit_name})"),
                agency_code: unit.clone(),
                role: role.as_str().to_owned(),
                password_hash: hash.clone(),
            })
            .await?;
            created.push(DemoOfficer {
                username,
                role,
                unit: unit.clone(),
                unit_name: unit_name.clone(),
            });
        }
    }
    Ok(created)
}

/// A temporary password: 20 characters of base32 (100 bits), given to the officer in person.
pub fn temporary_password() -> String {
    super::second_factor::new_secret()
        .chars()
        .take(20)
        .collect::<String>()
        .to_lowercase()
}

/// Whether `name` may be a sign-in name: 3 to 64 of lowercase ASCII letters, digits, `.`, `_`
/// and `-`, so it is typed the same on every keyboard and never confused once lowercased.
pub fn valid_username(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

/// An officer account to create with a generated password.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    /// Sign-in name (also the account id), already checked with [`valid_username`].
    pub username: &'a str,
    /// Full name.
    pub full_name: &'a str,
    /// Identifier code of the unit.
    pub agency_code: &'a str,
    /// Role in the unit.
    pub role: OfficerRole,
}

/// Why an account was not created.
#[derive(Debug)]
pub enum AccountError {
    /// The sign-in name is already used.
    Taken,
    /// Anything else.
    Failed(ServiceError),
}

/// Creates an officer account with a temporary password and returns the password, to be shown
/// once (only its argon2 hash is kept). Used by the administrators' page and `motcua officer`.
pub async fn create_officer_account(
    db: &Db,
    account: &NewAccount<'_>,
) -> Result<String, AccountError> {
    let password = temporary_password();
    let hash = hash_password(password.clone())
        .await
        .map_err(AccountError::Failed)?;
    match db
        .create_officer(&NewOfficer {
            id: account.username.to_owned(),
            username: account.username.to_owned(),
            full_name: account.full_name.to_owned(),
            agency_code: account.agency_code.to_owned(),
            role: account.role.as_str().to_owned(),
            password_hash: hash,
        })
        .await
    {
        Ok(()) => Ok(password),
        Err(e) if e.is_unique_violation() => Err(AccountError::Taken),
        Err(e) => Err(AccountError::Failed(e.into())),
    }
}

pub use storage::officers::StoredOfficer;

/// The account that signs in with this name.
pub async fn by_username(db: &Db, username: &str) -> Result<Option<StoredOfficer>, ServiceError> {
    Ok(db.officer_by_username(username).await?)
}

/// The account with this id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<StoredOfficer>, ServiceError> {
    Ok(db.officer_by_id(id).await?)
}

/// The active accounts of a unit (whom a dossier may be assigned to).
pub async fn of_unit(db: &Db, agency_code: &str) -> Result<Vec<StoredOfficer>, ServiceError> {
    Ok(db.officers_of(agency_code).await?)
}

/// Every account of a unit, or of every unit with `None`, for the administrators' page.
pub async fn directory(
    db: &Db,
    agency_code: Option<&str>,
) -> Result<Vec<StoredOfficer>, ServiceError> {
    Ok(db.officer_directory(agency_code).await?)
}

/// The address officer `id` receives the morning digest at (`notifications::digest`).
pub async fn digest_email(db: &Db, id: &str) -> Result<Option<String>, ServiceError> {
    Ok(db.officer_email(id).await?)
}

/// Sets the address officer `id` receives the morning digest at; an empty text stops the
/// digest. Refused (`email`) when the text is not an e-mail address.
pub async fn set_digest_email(db: &Db, id: &str, text: &str) -> Result<(), ServiceError> {
    let email = match text.trim() {
        "" => None,
        typed => Some(domain::applicant::EmailAddress::parse(typed).map_err(|_| {
            ServiceError::Refused {
                code: "email",
                message: "the e-mail address is not valid".into(),
            }
        })?),
    };
    db.set_officer_email(id, email.as_ref().map(|e| e.as_str()))
        .await?;
    tracing::info!(officer = %id, digest = email.is_some(), "digest address changed");
    Ok(())
}
