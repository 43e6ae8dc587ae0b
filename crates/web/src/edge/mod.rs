//! What every feature of the web edge shares, so that features (the portal, applying, tracking,
//! the citizen's account, payments, the officers' desk, reports, API clients) use it and never
//! import each other: rendering a page, problem documents, sessions and who is signed in
//! (the officer, the citizen), uploaded papers, the PDF letterhead, links one feature prints
//! to another's pages, idempotency keys, proving a dossier with its code and digits, the
//! fees-due panel, the population registry's answers and the applicant's details' problems in
//! words, the cross-origin policy of every write and the reading of JSON and form bodies. A piece comes here when a
//! second feature needs it; what one feature alone uses stays in that feature.

pub mod applicant;
pub mod citizen;
pub mod cross_origin;
pub mod form_token;
pub mod idempotency;
pub mod identity;
pub mod json_body;
pub mod links;
pub mod officer;
pub mod pay_panel;
pub mod pdf;
pub mod period;
pub mod problem;
pub mod proof;
pub mod render;
pub mod sessions;
pub mod uploads;
