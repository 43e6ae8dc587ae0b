//! The citizen's voice, first part: rating a finished dossier (đánh giá mức độ hài lòng) through
//! its signed link, and the ratings report in the back office. The links themselves are printed
//! by tracking, "my dossiers", the officer's dossier page (for the kiosk) and the notices
//! (`web::edge::links::rating_href`, `app::ratings::RatingLink`).

mod page;
mod report;

use axum::Router;
use axum::routing::get;

use crate::AppState;

/// Routes of ratings.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ratings/{code}", get(page::show).post(page::submit))
        .route("/back-office/reports/ratings", get(report::page))
}
