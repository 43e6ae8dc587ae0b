//! Dossiers at the web edge. The service joins the dossier rules to the event log; the pages and
//! API routes of the application, counter intake, back office and tracking build on it.

mod applicant;
mod service;

pub use applicant::ApplicantDetails;

pub use service::{
    Answer, Application, DossierService, DossierView, Opening, Outcome, ServiceError,
};
