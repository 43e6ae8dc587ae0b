//! Dossiers: the service that joins the dossier rules to the event log, and the applicant's
//! details kept with a dossier. Every door that opens or changes a dossier (the portal, the
//! counter, the desk, the JSON API, the API clients, the jobs) goes through [`DossierService`].

mod applicant;
mod service;
mod timeliness;

pub use applicant::{ContactRecord, contact_json, requested_return};
pub use service::{
    Answer, Application, DossierService, DossierView, Opening, Outcome, index_of, new_events,
};
pub use timeliness::record_missing_timeliness;
