//! Citizens' accounts on the portal (tài khoản công dân): registering with a phone number or an
//! e-mail and a password or through the province's identity provider, signing in and out, and "my dossiers" — the dossiers and drafts that
//! belong to the signed-in account. Applying stays open to everyone without an account (Decree
//! 45/2020/NĐ-CP lets an applicant use the portal's identification or give contact details);
//! an account adds a place to follow everything one has applied for.

mod mine;
mod papers;
mod sign_in;
mod single_sign_on;

use axum::Router;
use axum::routing::get;

pub use single_sign_on::SingleSignOn;

use crate::AppState;
use crate::edge::citizen::Citizen;

/// Routes of the citizen's account.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/account/register",
            get(sign_in::register_page).post(sign_in::register),
        )
        .route(
            "/account/sign-in",
            get(sign_in::sign_in_page).post(sign_in::sign_in),
        )
        .route("/account/sso", get(single_sign_on::start))
        .route("/account/sso/callback", get(single_sign_on::callback))
        .route(
            "/account/sign-out",
            axum::routing::post(crate::edge::sessions::sign_out::<Citizen>),
        )
        .route("/account", get(mine::home))
        .route(
            "/account/notifications",
            axum::routing::post(mine::save_notifications),
        )
        .route("/account/dossiers/{code}", get(mine::dossier))
        .route("/account/papers", get(papers::page))
        .route("/account/papers/{sha256}", get(papers::open))
}
