//! Links one feature prints to pages another serves: a dossier's verification page (printed in
//! every form's QR code, on the citizen's pages and on the confirmation of an application) and a
//! payment's receipt (on the pay panel and the officer's dossier page). Each address is made in
//! one place, so a page that prints it and the page that answers it cannot drift apart.

use app::dossiers::DossierView;
use app::payments::online::StoredPayment;

/// The key printed in a dossier's verification links: the 64 random-bearing bits at the end of
/// its UUIDv7 id, in hexadecimal.
pub fn verification_key(view: &DossierView) -> String {
    let bytes = view.stored.id.as_bytes();
    bytes[8..].iter().map(|b| format!("{b:02x}")).collect()
}

/// The link to a dossier's verification page (or to one of its forms) under `public_url`.
pub fn verification_url(public_url: &str, view: &DossierView, form: Option<&str>) -> String {
    let base = public_url.trim_end_matches('/');
    let key = verification_key(view);
    match form {
        Some(form) => format!("{base}/verify/{}/{form}?k={key}", view.stored.code),
        None => format!("{base}/verify/{}?k={key}", view.stored.code),
    }
}

/// Where a payment's receipt can be read and checked.
pub fn receipt_href(payment: &StoredPayment) -> String {
    format!(
        "/payments/receipts/{}?k={}",
        payment.reference, payment.receipt_key
    )
}
