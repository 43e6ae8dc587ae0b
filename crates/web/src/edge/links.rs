//! Links one feature prints to pages another serves: a dossier's verification page (printed in
//! every form's QR code, on the citizen's pages and on the confirmation of an application) and a
//! payment's receipt (on the pay panel and the officer's dossier page). Each address is made in
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
