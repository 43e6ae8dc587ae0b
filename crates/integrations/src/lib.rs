//! Clients of the services outside motcua: the national population database (through the
//! province's data-sharing platform, LGSP), the payment gateways (PayGov and VNPay), the OpenID
//! Connect providers citizens sign in with, the SMTP relay and SMS gateway notifications go
//! through ([`notify`]), the connected systems dossier events are pushed to as signed webhooks
//! ([`webhook`]), then the national portal and specialised systems. Each service sits behind a
//! trait so the rest of the program, and its tests, do not depend on how the service is
//! reached; the HTTP implementations share the timeouts, bounded retries and circuit breaker of
//! [`resilience`], so that a slow or absent service becomes a clear, quick error rather than a
//! hung page.

pub mod notify;
pub mod oidc;
pub mod payment;
pub mod registry;
pub mod resilience;
mod secret;
pub mod webhook;

pub use secret::Secret;
