//! A unit administrator's changes to officer accounts (quản trị tài khoản cán bộ): another
//! role, disabling and enabling, removing a lost authenticator app, a new temporary password.
//! Which accounts an administrator manages is the access policy's question, asked by the door
//! before it calls here (`domain::access::Request::ManageOfficers`); the rule kept here is that
//! nobody demotes, disables or resets their own account, so an administrator cannot lock the
//! unit out of its own administration. Every change is logged with who made it.

use domain::dossier::OfficerRole;
use storage::Db;
use storage::officers::StoredOfficer;

use super::officers::{hash_password, temporary_password};
use crate::ServiceError;

/// A change to an officer's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    /// Another role (the account's sessions end).
    Role(OfficerRole),
    /// No more sign-ins (the account's sessions end at once).
    Disable,
    /// Sign-ins again.
    Enable,
    /// The authenticator app removed (a lost phone): the officer enrols a new one.
    RemoveSecondFactor,
}

impl AccountChange {
    /// Whether an administrator could lock themselves out with it.
    fn locks_out(self) -> bool {
        matches!(self, AccountChange::Role(_) | AccountChange::Disable)
    }
}

/// The refusal of a change to one's own account.
fn own_account() -> ServiceError {
    ServiceError::Refused {
        code: "own_account",
        message: "an administrator does not demote, disable or reset their own account".into(),
    }
}

/// Makes `change` to `target`'s account on `admin_id`'s authority.
pub async fn change(
    db: &Db,
    admin_id: &str,
    target: &StoredOfficer,
    change: AccountChange,
) -> Result<(), ServiceError> {
    if change.locks_out() && admin_id == target.id {
        return Err(own_account());
    }
    match change {
        AccountChange::Role(role) => db.set_officer_role(&target.id, role.as_str()).await?,
        AccountChange::Disable => db.disable_officer(&target.id).await?,
        AccountChange::Enable => db.enable_officer(&target.id).await?,
        AccountChange::RemoveSecondFactor => db.set_officer_second_factor(&target.id, None).await?,
    }
    tracing::info!(admin = %admin_id, officer = %target.id, change = ?change, "officer account changed");
    Ok(())
}

/// Gives `target` a new temporary password, returned to be shown once (only its hash is kept);
/// the account's sessions end.
pub async fn reset_password(
    db: &Db,
    admin_id: &str,
    target: &StoredOfficer,
) -> Result<String, ServiceError> {
    if admin_id == target.id {
        return Err(own_account());
    }
    let password = temporary_password();
    db.set_officer_password(&target.id, &hash_password(password.clone()).await?)
        .await?;
    tracing::info!(admin = %admin_id, officer = %target.id, "officer password reset");
    Ok(password)
}
