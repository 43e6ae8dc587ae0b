//! Notifications to applicants and officers, handed to the two transports a province uses: an
//! SMTP relay for e-mail ([`SmtpMailer`]) and a brandname SMS gateway, eSMS.vn
//! ([`SmsGateway`]). What to say and to whom is decided elsewhere (the notification job reads
//! the outbox); this module only hands one message to one transport and says whether trying
//! again later can help, because that is what the job needs to choose between a retry and giving
//! up.
//!
//! Both transports may see the same message twice (the job retries after a timeout whose
//! outcome is unknown), so each message carries an id that the receiving side can use to
//! recognise a repeat: the e-mail's `Message-ID` and the SMS gateway's `RequestId` are derived
//! from it.
//!
//! Neither client retries by itself: a failed message stays in the outbox and the job tries it
//! again on its own schedule, which is what a notification needs (minutes, not milliseconds).
//! Each exchange is bounded by the configured timeout, so a dead relay or gateway costs the job
//! a bounded wait, never a hung worker.

pub mod esms;
mod smtp;

use thiserror::Error;
use uuid::Uuid;

pub use crate::registry::BoxFuture;
pub use esms::{SmsConfig, SmsGateway};
pub use smtp::{SmtpConfig, SmtpMailer, SmtpSecurity};

/// One e-mail to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Unique per message and the same on every attempt to send it: the `Message-ID`
    /// (`<{id}@motcua>`) is derived from it, so a message sent twice is recognisably one.
    pub id: Uuid,
    /// The recipient's address, e.g. `lan.nguyen@example.vn`.
    pub to: String,
    /// The subject, any Unicode (encoded for the header as RFC 2047 requires).
    pub subject: String,
    /// The plain-text body, for mail readers that do not show HTML and for screen readers.
    pub text: String,
    /// The same content as HTML.
    pub html: String,
}

/// One SMS to one phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sms {
    /// Unique per message and the same on every attempt to send it: sent as the gateway's
    /// `RequestId`, so a repeated request is dropped by the gateway as a duplicate.
    pub id: Uuid,
    /// A Vietnamese phone number, national (`0912345678`) or international (`+84912345678`),
    /// spaces and dots allowed.
    pub to: String,
    /// The text. Sent without diacritics (see [`SmsGateway`]).
    pub text: String,
}

/// Why a message was not handed over.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// Worth trying again later: no connection, a time-out, an SMTP 4xx reply, a gateway that is
    /// busy, answers 5xx or has no credit left.
    #[error("the message was not handed over; trying again later may succeed: {0}")]
    Transient(String),
    /// Trying again will not help: an SMTP 5xx reply (a mailbox that does not exist, refused
    /// credentials), an invalid phone number or address, content or credentials the gateway
    /// refuses. Someone has to correct the address or the configuration first.
    #[error("the message was not handed over and trying again will not help: {0}")]
    Permanent(String),
}

impl SendError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient(_))
    }
}

/// Sends e-mail.
pub trait Mailer: Send + Sync {
    /// Hands `email` to the mail system. `Ok` means the relay accepted it (delivery to the
    /// mailbox happens later, beyond motcua's sight).
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), SendError>>;
}

/// Sends SMS.
pub trait SmsSender: Send + Sync {
    /// Hands `sms` to the SMS gateway. `Ok` means the gateway accepted it (delivery to the
    /// phone happens later, beyond motcua's sight).
    fn send<'a>(&'a self, sms: &'a Sms) -> BoxFuture<'a, Result<(), SendError>>;
}

/// Why a transport client cannot be built from its configuration.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A required setting is empty.
    #[error("the notification setting {0} is empty")]
    Missing(&'static str),
    /// The sender is not a mailbox (`Name <address>` or `address`).
    #[error("the sender {0:?} is not an e-mail address")]
    From(String),
    /// The SMS gateway's endpoint is not an absolute http(s) URL.
    #[error("the SMS gateway endpoint {0:?} is not an http or https URL")]
    Endpoint(String),
    /// TLS could not be set up (the certificate verifier).
    #[error("cannot set up TLS for the SMTP relay: {0}")]
    Tls(String),
    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// `text` with every word that looks like an e-mail address replaced, for error details that
/// end up in logs: a relay's reply often quotes the recipient, who is personal data.
fn scrub(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_an_error_detail_are_hidden_and_the_rest_kept() {
        assert_eq!(
            scrub("5.1.1 <lan@example.vn>: Recipient address rejected"),
            "5.1.1 <address> Recipient address rejected"
        );
        assert_eq!(scrub("4.3.2 try later"), "4.3.2 try later");
    }

    #[test]
    fn only_transient_errors_are_worth_a_retry() {
        assert!(SendError::Transient("421".into()).is_transient());
        assert!(!SendError::Permanent("550".into()).is_transient());
    }
}
