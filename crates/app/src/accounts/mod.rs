//! Accounts: officers' passwords, the demonstration officers and citizens of the embedded
//! default, temporary passwords issued by administrators, and the officers' second factor
//! (authenticator codes).

pub mod administration;
pub mod citizens;
pub mod officers;
pub mod second_factor;
