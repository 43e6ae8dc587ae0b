//! Dossiers: the service that joins the dossier rules to the event log, and the applicant's
//! details kept with a dossier. Every door that opens or changes a dossier (the portal, the
//! counter, the desk, the JSON API, the API clients, the jobs) goes through [`DossierService`].

mod applicant;
mod service;

pub use applicant::ApplicantDetails;
pub use service::{
    Answer, Application, DossierService, DossierView, Opening, Outcome, index_of, new_events,
};
