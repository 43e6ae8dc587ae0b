//! Citizen accounts: registering with a password or through the identity provider, finding an
//! account or its session, what a citizen sees under "my dossiers" and "my papers", and the
//! demonstration citizens the embedded default creates on first start, beside the demonstration
//! officers, so a newcomer can try "my dossiers" at once (a production configuration never
//! creates them: `demo_accounts`).

use domain::contact::Login;
use storage::Db;
use storage::citizens::NewCitizen;
pub use storage::citizens::{CitizenSession, OwnDossier, OwnDraft, StoredCitizen};
pub use storage::papers::AccountPaper;

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

/// Why a citizen could not register.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// The e-mail address or phone number is another account's sign-in name.
    #[error("this sign-in name is taken")]
    LoginTaken,
    /// Anything else.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// Registers a citizen who signs in with `login` and `password` (its hash alone is kept) and
/// returns the account's id.
pub async fn register(
    db: &Db,
    full_name: &str,
    login: &Login,
    password: String,
) -> Result<String, RegisterError> {
    let id = format!("citizen:{}", uuid::Uuid::now_v7());
    let (email, phone) = match login {
        Login::Email(e) => (Some(e.clone()), None),
        Login::Phone(p) => (None, Some(p.clone())),
    };
    let created = db
        .create_citizen(&NewCitizen {
            id: id.clone(),
            full_name: full_name.to_owned(),
            email,
            phone,
            password_hash: Some(hash_password(password).await?),
            oidc: None,
        })
        .await;
    match created {
        Ok(()) => {}
        Err(e) if e.is_unique_violation() => return Err(RegisterError::LoginTaken),
        Err(e) => return Err(ServiceError::from(e).into()),
    }
    tracing::info!(citizen = %id, "citizen registered");
    Ok(id)
}

/// The account that signs in with this canonical name (`Login::as_str`).
pub async fn by_login(db: &Db, login: &str) -> Result<Option<StoredCitizen>, ServiceError> {
    Ok(db.citizen_by_login(login).await?)
}

/// The account linked to this identity provider's subject.
pub async fn linked(
    db: &Db,
    issuer: &str,
    subject: &str,
) -> Result<Option<StoredCitizen>, ServiceError> {
    Ok(db.citizen_by_oidc(issuer, subject).await?)
}

/// What an identity provider says of a citizen signing on for the first time.
#[derive(Debug, Clone, Copy)]
pub struct SignOn<'a> {
    /// The provider.
    pub issuer: &'a str,
    /// The citizen's subject at the provider.
    pub subject: &'a str,
    /// Their name, if given.
    pub name: Option<&'a str>,
    /// An e-mail address the provider verified.
    pub verified_email: Option<&'a str>,
    /// A phone number the provider verified.
    pub verified_phone: Option<&'a str>,
}

/// Creates the account of a first sign-on and returns its id: the provider's verified e-mail and
/// phone are kept when no other account uses them, so notifications reach the citizen.
pub async fn create_from_sign_on(db: &Db, sign_on: &SignOn<'_>) -> Result<String, ServiceError> {
    let email = sign_on.verified_email.and_then(|e| match Login::parse(e) {
        Ok(Login::Email(e)) => Some(e),
        _ => None,
    });
    let phone = sign_on
        .verified_phone
        .map(|p| p.replacen("+84", "0", 1))
        .and_then(|p| match Login::parse(&p) {
            Ok(Login::Phone(p)) => Some(p),
            _ => None,
        });
    let full_name = sign_on
        .name
        .filter(|n| !n.trim().is_empty())
        .map_or_else(|| "—".to_owned(), |n| n.trim().chars().take(200).collect());
    let mut account = NewCitizen {
        id: format!("citizen:{}", uuid::Uuid::now_v7()),
        full_name,
        email,
        phone,
        password_hash: None,
        oidc: Some((sign_on.issuer.to_owned(), sign_on.subject.to_owned())),
    };
    match db.create_citizen(&account).await {
        Ok(()) => {}
        Err(e) if e.is_unique_violation() => {
            // Either the e-mail or phone belongs to another account, or a second tab linked the
            // subject a moment ago: prefer that link, else create without contact details.
            if let Some(c) = linked(db, sign_on.issuer, sign_on.subject).await? {
                return Ok(c.id);
            }
            account.email = None;
            account.phone = None;
            db.create_citizen(&account).await?;
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(citizen = %account.id, "citizen account created through the identity provider");
    Ok(account.id)
}

/// The signed-in citizen of a session token's hash.
pub async fn session(db: &Db, token_hash: &[u8]) -> Result<Option<CitizenSession>, ServiceError> {
    Ok(db.citizen_session(token_hash).await?)
}

/// A citizen's dossiers, newest first, at most `limit`.
pub async fn dossiers_of(
    db: &Db,
    account: &str,
    limit: i64,
) -> Result<Vec<OwnDossier>, ServiceError> {
    Ok(db.dossiers_of_account(account, limit).await?)
}

/// A citizen's online applications not yet submitted.
pub async fn drafts_of(db: &Db, account: &str) -> Result<Vec<OwnDraft>, ServiceError> {
    Ok(db.drafts_of_account(account).await?)
}

/// The papers a citizen has handed in, newest first, at most `limit`.
pub async fn papers_of(
    db: &Db,
    account: &str,
    limit: i64,
) -> Result<Vec<AccountPaper>, ServiceError> {
    Ok(db.papers_of_account(account, limit).await?)
}

/// One of a citizen's papers, by its content's hash; `None` when it is not theirs.
pub async fn paper_of(
    db: &Db,
    account: &str,
    sha256: &str,
) -> Result<Option<AccountPaper>, ServiceError> {
    Ok(db.account_paper(account, sha256).await?)
}
