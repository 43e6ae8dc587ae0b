//! Pure business rules of motcua: the procedure catalogue, the legal calendar and working time,
//! the dossier state machine and its deadlines, the personal identification number, and how
//! Vietnamese search text is normalised. Nothing here does I/O, so every rule is testable in
//! isolation and shared by the web pages, the API and the background workers.

pub mod access;
pub mod applicant;
pub mod calendar;
pub mod catalogue;
pub mod contact;
pub mod dossier;
pub mod identity;
pub mod notice;
pub mod paper;
pub mod password;
pub mod payment;
pub mod rating;
pub mod search;
pub mod webhook;
