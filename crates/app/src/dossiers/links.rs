//! The address of a dossier's verification page and of its forms, which the forms' QR codes,
//! the citizen's pages and the notices all print: made in one place, so what is printed and
//! the page that answers it (`/verify/{code}?k=…` in web) cannot drift apart.

use super::DossierView;

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
