//! Sinks for the notifications motcua sends, so that development, demonstrations and tests see
//! every e-mail and SMS without reaching a real mailbox or phone: an SMTP server on its own port
//! (mail clients speak SMTP, not HTTP) and an SMS brandname gateway speaking eSMS.vn's JSON API
//! on the sandbox's HTTP port, both keeping what they receive in memory for a page and a JSON
//! listing, both with switches that make them fail the way real ones do.
//!
//! # The SMTP sink
//!
//! Plain SMTP (RFC 5321) on [`crate::Options::smtp_addr`]: greeting, EHLO (advertising
//! 8BITMIME, SMTPUTF8, SIZE, ENHANCEDSTATUSCODES) or HELO, MAIL FROM, RCPT TO, DATA with
//! dot-unstuffing, RSET, NOOP, VRFY, HELP, QUIT. No TLS and no authentication: it listens on the
//! local machine only and serves development and tests; configure the client with
//! `SmtpSecurity::Plain` and no credentials. Every message is kept once per recipient.
//!
//! # The SMS gateway
//!
//! `POST /esms/MainService.svc/json/SendMultipleMessage_V4_post_json/` (configure the client
//! with the endpoint `{sandbox}/esms`), checking `ApiKey`, `SecretKey` and `Brandname` against
//! [`crate::Options`] and answering eSMS's codes: 100 accepted (with an `SMSID`), 101 wrong keys,
//! 104 unknown brandname, 108 malformed phone number (a Vietnamese mobile number is asked for),
//! 118 a message type other than `"2"` (customer care), 300 no message type, 124 a `RequestId`
//! already accepted (nothing is kept a second time), and 146 (no matching template) for an empty
//! text.
//!
//! # Switches (`/_sandbox/messages`, no authentication)
//!
//! Each `POST` applies to both sinks, or to one with `?sink=smtp` or `?sink=sms`, and answers
//! the switches as JSON:
//!
//! - `…/down`: the SMTP sink greets with `421` and closes; the gateway answers HTTP 503.
//! - `…/up`: both work again.
//! - `…/slow?ms=N`: the SMTP sink waits N ms before its greeting and before accepting the data;
//!   the gateway waits N ms before answering (`ms=0` ends it).
//! - `…/reject`: the SMTP sink answers `550` to every RCPT TO; the gateway answers code 99 (number
//!   blocked). Both are permanent refusals.
//! - `…/accept`: no more refusals.
//! - `…/reset`: up, no delay, accepting; the messages are kept.
//! - `…/clear`: forgets the messages and the `RequestId`s seen.
//!
//! `GET /_sandbox/messages` shows the messages, newest first, as a page;
//! `GET /_sandbox/messages.json` (or `?format=json`) gives them with the switches as JSON; both
//! take `?to=` (an address, or a phone number written any way) to show one recipient's.

mod control;
mod page;
mod sms;
pub(crate) mod smtp;

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub(crate) use control::router;

/// Base of the SMS gateway (configure the client with `{sandbox}{SMS_ENDPOINT_PATH}`).
pub const SMS_ENDPOINT_PATH: &str = "/esms";
/// eSMS's send call, under [`SMS_ENDPOINT_PATH`].
pub const SMS_SEND_PATH: &str = "/esms/MainService.svc/json/SendMultipleMessage_V4_post_json/";
/// The page of received messages.
pub const MESSAGES_PATH: &str = "/_sandbox/messages";

/// How many messages are kept; older ones are forgotten, so a long demonstration or a load test
/// does not grow the sandbox without bound.
const KEPT: usize = 10_000;

/// How a message came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Channel {
    Email,
    Sms,
}

/// One message as one recipient received it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Received {
    pub channel: Channel,
    /// The e-mail's `Message-ID` without its angle brackets; the SMS's `RequestId` (or the
    /// `SMSID` given when it had none).
    pub id: String,
    /// The e-mail's `From`; the SMS's brandname.
    pub from: String,
    /// The envelope recipient (RCPT TO); the phone number as national digits.
    pub to: String,
    /// The e-mail's subject; none for an SMS.
    pub subject: Option<String>,
    /// The text part, or the SMS's text.
    pub text: String,
    /// The HTML part, when the e-mail has one.
    pub html: Option<String>,
    /// When it arrived, RFC 3339 in UTC.
    pub received_at: String,
    #[serde(skip)]
    pub at: OffsetDateTime,
}

impl Received {
    /// Whether it went to `who`: an address (any case) or a phone number (written any way).
    fn is_for(&self, who: &str) -> bool {
        let who = who.trim();
        match self.channel {
            Channel::Email => self.to.eq_ignore_ascii_case(who),
            Channel::Sms => domain::contact::national_phone(who).is_some_and(|p| p == self.to),
        }
    }
}

/// Which sink a switch applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sink {
    Smtp,
    Sms,
}

/// How a sink behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Switches {
    /// Answers at all (SMTP: greets; SMS: not 503).
    pub available: bool,
    /// Wait before answering, in ms.
    pub delay_ms: u64,
    /// Refuses every recipient.
    pub reject: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Self {
            available: true,
            delay_ms: 0,
            reject: false,
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// Oldest first.
    received: VecDeque<Received>,
    /// `RequestId`s of accepted SMS.
    request_ids: HashSet<String>,
    smtp: Switches,
    sms: Switches,
}

/// The sinks' settings and what they received.
#[derive(Debug)]
pub(crate) struct Messages {
    /// Where the SMTP sink listens.
    pub smtp_addr: SocketAddr,
    pub sms_api_key: String,
    pub sms_secret_key: String,
    pub sms_brandname: String,
    inner: Mutex<Inner>,
}

impl Messages {
    pub fn new(smtp_addr: SocketAddr, options: &crate::Options) -> Self {
        Self {
            smtp_addr,
            sms_api_key: options.sms_api_key.clone(),
            sms_secret_key: options.sms_secret_key.clone(),
            sms_brandname: options.sms_brandname.clone(),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // Plain values updated under the lock: still usable after a panic elsewhere.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn switches(&self, sink: Sink) -> Switches {
        let inner = self.inner();
        match sink {
            Sink::Smtp => inner.smtp,
            Sink::Sms => inner.sms,
        }
    }

    /// Changes the switches of `sinks`.
    pub fn switch(&self, sinks: &[Sink], change: impl Fn(&mut Switches)) {
        let mut inner = self.inner();
        for sink in sinks {
            match sink {
                Sink::Smtp => change(&mut inner.smtp),
                Sink::Sms => change(&mut inner.sms),
            }
        }
    }

    /// Both sinks' switches as JSON.
    pub fn state(&self) -> serde_json::Value {
        let inner = self.inner();
        serde_json::json!({"smtp": inner.smtp, "sms": inner.sms})
    }

    /// Keeps `message`, forgetting the oldest beyond [`KEPT`].
    pub fn keep(&self, message: Received) {
        let mut inner = self.inner();
        if inner.received.len() >= KEPT {
            inner.received.pop_front();
        }
        inner.received.push_back(message);
    }

    /// Keeps an accepted SMS unless its `RequestId` was accepted before; returns whether it
    /// is new. The check and the keeping happen under one lock, so two simultaneous requests
    /// with one id keep one message.
    pub fn keep_sms(&self, request_id: Option<&str>, message: Received) -> bool {
        let mut inner = self.inner();
        if let Some(id) = request_id
            && !inner.request_ids.insert(id.to_owned())
        {
            return false;
        }
        if inner.received.len() >= KEPT {
            inner.received.pop_front();
        }
        inner.received.push_back(message);
        true
    }

    /// The messages for `to` (all when `None`), newest first.
    pub fn listing(&self, to: Option<&str>) -> Vec<Received> {
        self.inner()
            .received
            .iter()
            .rev()
            .filter(|m| to.is_none_or(|who| m.is_for(who)))
            .cloned()
            .collect()
    }

    /// Forgets every message and `RequestId`.
    pub fn clear(&self) {
        let mut inner = self.inner();
        inner.received.clear();
        inner.request_ids.clear();
    }
}

/// Now, and as RFC 3339.
pub(crate) fn now() -> (OffsetDateTime, String) {
    let at = OffsetDateTime::now_utc();
    (at, at.format(&Rfc3339).unwrap_or_default())
}
