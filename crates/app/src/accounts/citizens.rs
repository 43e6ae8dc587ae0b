//! Citizen accounts: the demonstration citizens the embedded default creates on first start,
//! beside the demonstration officers, so a newcomer can try "my dossiers" at once; a production
//! configuration never creates them (`demo_accounts`).

use storage::Db;
use storage::citizens::NewCitizen;

use super::officers::{DEMO_PASSWORD, hash_password};
use crate::ServiceError;

/// The demonstration citizens: (sign-in name, full name). One signs in by phone, one by e-mail.
pub const DEMO_CITIZENS: [(&str, &str); 2] = [
    ("0912000001", "Nguyễn Văn An"),
    ("binh@example.vn", "Trần Thị Bình"),
];

/// Creates the demonstration citizens when there are no citizen accounts; returns those created
/// (none on later starts).
pub async fn ensure_demo_citizens(
    db: &Db,
) -> Result<Vec<(&'static str, &'static str)>, ServiceError> {
    if db.citizen_count().await? > 0 {
        return Ok(Vec::new());
    }
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    for (login, name) in DEMO_CITIZENS {
        let (email, phone) = if login.contains('@') {
            (Some(login.to_owned()), None)
        } else {
            (None, Some(login.to_owned()))
        };
        db.create_citizen(&NewCitizen {
            id: format!("citizen:{}", uuid::Uuid::now_v7()),
            full_name: name.to_owned(),
            email,
            phone,
            password_hash: Some(hash.clone()),
            oidc: None,
        })
        .await?;
    }
    Ok(DEMO_CITIZENS.to_vec())
}
