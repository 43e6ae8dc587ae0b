//! Who may do what, as pure rules: the scopes an API key carries ([`Scope`]) and the one
//! authorisation policy ([`permits`]) that joins accounts, officer roles, units and scopes, so
//! every page and API route asks one place.

mod policy;
mod scope;

pub use policy::{DossierFacts, Principal, Request, permits};
pub use scope::{Scope, ScopeError, parse_scopes, print_scopes};
