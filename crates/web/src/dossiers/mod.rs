//! Dossiers at the web edge. The service joins the dossier rules to the event log; the pages and
//! API routes of the application, counter intake, back office and tracking build on it.

mod applicant;
mod service;

pub use applicant::ApplicantDetails;

pub use service::{
    Answer, Application, DossierService, DossierView, Opening, Outcome, ServiceError,
};

/// Maps what the dossier service says to what the edge shows, for callers with no more specific
/// answer (a refusal shown on a form, a conflict asking to reload).
pub fn service_error(e: ServiceError) -> crate::error::AppError {
    use crate::error::AppError;
    match e {
        ServiceError::NotFound => AppError::NotFound,
        ServiceError::Storage(e) => e.into(),
        other => AppError::Internal(other.to_string()),
    }
}
