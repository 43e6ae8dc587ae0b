//! Who may do what through the API and the back office, as pure rules. For now it holds the
//! scopes an API key carries ([`Scope`]); the authorisation policy that joins them with officer
//! roles and units will live here too, so every edge asks one place.

mod scope;

pub use scope::{Scope, ScopeError, parse_scopes, print_scopes};
