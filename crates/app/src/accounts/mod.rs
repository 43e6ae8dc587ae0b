//! Officer accounts: passwords, the demonstration officers of the embedded default, temporary
//! passwords issued by administrators, and the second factor (authenticator codes).

pub mod officers;
pub mod second_factor;
