//! Links one feature prints to pages another serves: a dossier's verification page (printed in
//! every form's QR code, on the citizen's pages and on the confirmation of an application), a
//! payment's receipt (on the pay panel and the officer's dossier page) and a finished dossier's
//! rating page (on tracking, "my dossiers" and the officer's dossier page, for the kiosk). Each address is made in
//! one place, so a page that prints it and the page that answers it cannot drift apart.

use app::payments::online::StoredPayment;

pub use app::dossiers::links::{verification_key, verification_url};

/// Where a payment's receipt can be read and checked.
pub fn receipt_href(payment: &StoredPayment) -> String {
    format!(
        "/payments/receipts/{}?k={}",
        payment.reference, payment.receipt_key
    )
}

/// The signed link to a finished dossier's rating page made at `door` now (the tracking page,
/// "my dossiers", the kiosk the officer opens); `None` while the dossier has not ended, when
/// there is nothing to rate yet.
pub fn rating_href(
    vault: &app::personal_data::PersonalDataVault,
    view: &app::dossiers::DossierView,
    door: app::ratings::Door,
) -> Option<String> {
    domain::rating::RatingWindow::of(&view.state).map(|_| {
        app::ratings::RatingLink::new(
            vault,
            &view.stored.code,
            door,
            time::OffsetDateTime::now_utc(),
        )
        .path()
    })
}
