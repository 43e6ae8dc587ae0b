//! Money owed and money received for a dossier: what a procedure's fees come to for one
//! applicant ([`fees`]), and how a payment moves from intent to receipt or refund ([`ledger`]).
//! Both are pure so that the amount a citizen sees before applying, the amount an officer asks
//! for and the amount a gateway confirms are computed by the same rules (DESIGN §6).

pub mod fees;
pub mod ledger;
pub mod report;
