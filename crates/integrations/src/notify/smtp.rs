//! E-mail over SMTP with `lettre`: the message is built here (multipart/alternative, text then
//! HTML, UTF-8 subject, a `Message-ID` derived from [`Email::id`]) and handed to the province's
//! relay over implicit TLS or STARTTLS, through rustls with the aws-lc-rs provider that the rest
//! of the program already uses (no OpenSSL). The relay's answer is sorted into
//! [`SendError::Transient`] and [`SendError::Permanent`] along the lines RFC 5321 §4.2.1 draws:
//! 4yz replies are transient, 5yz permanent.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use super::{BoxFuture, ConfigError, Email, Mailer, SendError, scrub};
use crate::Secret;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// TLS from the first byte ("SMTPS", RFC 8314), usually port 465.
    Tls,
    /// A plain connection upgraded with STARTTLS before anything else is said, usually port
    /// 587; a relay that does not offer STARTTLS is refused rather than spoken to in clear.
    StartTls,
    /// No encryption at all. Only for the sandbox's SMTP sink on the local machine: messages
    /// and any password would cross the network in clear.
    Plain,
}

impl SmtpSecurity {
    /// The usual port for this kind of connection: 465, 587, or 25.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Plain => 25,
        }
    }
}

/// Where the relay is and how to talk to it.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// The relay's host name (checked against its certificate with TLS and STARTTLS).
    pub host: String,
    /// The relay's port.
    pub port: u16,
    /// How the connection is protected.
    pub security: SmtpSecurity,
    /// The user name to authenticate with, if the relay asks for one.
    pub username: Option<String>,
    /// Its password.
    pub password: Option<Secret>,
    /// The sender, e.g. `Cổng dịch vụ công Bắc Ninh <no-reply@dichvucong.bacninh.gov.vn>`.
    pub from: String,
    /// Longest wait for the whole exchange (connection, greeting, commands, data). An exchange
    /// cut off by it has an unknown outcome; the `Message-ID` lets the recipient's mail
    /// reader recognise the copy a retry may bring.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// A configuration without credentials, waiting at most 30 s for an exchange.
    pub fn new(host: &str, port: u16, security: SmtpSecurity, from: &str) -> Self {
        Self {
            host: host.to_owned(),
            port,
            security,
            username: None,
            password: None,
            from: from.to_owned(),
            timeout: Duration::from_secs(30),
        }
    }

    /// The same configuration, authenticating as `username` with `password`.
    pub fn with_credentials(mut self, username: &str, password: impl Into<Secret>) -> Self {
        self.username = Some(username.to_owned());
        self.password = Some(password.into());
        self
    }
}

/// Sends e-mail through an SMTP relay. One connection per message: notifications come a few
/// at a time from a background job, and a fresh connection never trips over one the relay
/// closed in the meantime.
#[derive(Debug)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl SmtpMailer {
    /// A mailer for `config`; fails on an empty host, a sender that is not a mailbox, a user
    /// name without a password, or a TLS set-up problem.
    pub fn new(config: SmtpConfig) -> Result<Self, ConfigError> {
        let host = config.host.trim();
        if host.is_empty() {
            return Err(ConfigError::Missing("host"));
        }
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|_| ConfigError::From(config.from.clone()))?;
        let builder = match config.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| ConfigError::Tls(e.to_string()))?,
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| ConfigError::Tls(e.to_string()))?,
            SmtpSecurity::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        // lettre's own timeout bounds each step (connecting, each reply); the whole exchange
        // is bounded again in `deliver`.
        let mut builder = builder.port(config.port).timeout(Some(config.timeout));
        if let Some(username) = config.username.filter(|u| !u.trim().is_empty()) {
            let password = config
                .password
                .filter(|p| !p.is_empty())
                .ok_or(ConfigError::Missing("password"))?;
            builder = builder.credentials(Credentials::new(username, password.expose().to_owned()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            timeout: config.timeout,
        })
    }

    /// The message for `email`: from the configured sender, multipart/alternative with the
    /// text first and the HTML last (the last alternative is the preferred one, RFC 2046
    /// §5.1.4), `Message-ID: <{id}@motcua>`. An address that is not one is a permanent error.
    fn message(&self, email: &Email) -> Result<Message, SendError> {
        let to: Mailbox = email.to.trim().parse().map_err(|_| {
            SendError::Permanent("the recipient is not an e-mail address".to_owned())
        })?;
        Message::builder()
            .message_id(Some(message_id(email)))
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| SendError::Permanent(format!("the message cannot be built: {e}")))
    }

    async fn deliver(&self, email: &Email) -> Result<(), SendError> {
        let message = self.message(email)?;
        let outcome = tokio::time::timeout(self.timeout, self.transport.send(message)).await;
        let result = match outcome {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(verdict(&error)),
            Err(_) => Err(SendError::Transient(format!(
                "the relay did not finish within {} ms",
                self.timeout.as_millis()
            ))),
        };
        match &result {
            Ok(()) => tracing::info!(email_id = %email.id, "e-mail handed to the relay"),
            Err(error) => tracing::warn!(email_id = %email.id, %error, "e-mail not handed over"),
        }
        result
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(self.deliver(email))
    }
}

/// `<{id}@motcua>`: the same on every attempt to send one [`Email`].
fn message_id(email: &Email) -> String {
    format!("<{}@motcua>", email.id)
}

/// What a failed exchange means for a retry.
fn verdict(error: &lettre::transport::smtp::Error) -> SendError {
    let detail = scrub(&error.to_string());
    if let Some(code) = error.status() {
        return verdict_of_reply(u16::from(code), detail);
    }
    // No reply code: the client refused before sending (no authentication mechanism in
    // common, an envelope it cannot build) or TLS could not be set up, both matters of
    // configuration or content; otherwise the connection failed, timed out, was cut, or the
    // reply could not be read, all of which may go better later.
    if error.is_client() || error.is_tls() {
        SendError::Permanent(detail)
    } else {
        SendError::Transient(detail)
    }
}

/// A reply's verdict by its first digit (RFC 5321 §4.2.1): 4yz "transient negative
/// completion", 5yz "permanent negative completion" (550 no such mailbox, 535 credentials
/// refused, 554 refused). A positive reply where lettre expected another is a confused relay,
/// which a later attempt may find in better shape.
fn verdict_of_reply(code: u16, detail: String) -> SendError {
    if code / 100 == 5 {
        SendError::Permanent(detail)
    } else {
        SendError::Transient(detail)
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn mailer() -> SmtpMailer {
        SmtpMailer::new(SmtpConfig::new(
            "127.0.0.1",
            2525,
            SmtpSecurity::Plain,
            "Cổng dịch vụ công <no-reply@motcua.test>",
        ))
        .expect("a plain mailer needs no TLS set-up")
    }

    fn email() -> Email {
        Email {
            id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
            to: "lan.nguyen@example.vn".to_owned(),
            subject: "Hồ sơ đã được tiếp nhận".to_owned(),
            text: "Kính gửi bà Nguyễn Thị Lan".to_owned(),
            html: "<p>Kính gửi bà <strong>Nguyễn Thị Lan</strong></p>".to_owned(),
        }
    }

    fn raw(message: &Message) -> String {
        String::from_utf8(message.formatted()).expect("lettre writes ASCII and UTF-8")
    }

    #[test]
    fn the_message_id_is_derived_from_the_email_id_and_repeats_on_a_second_build() {
        let mailer = mailer();
        let first = raw(&mailer.message(&email()).expect("a valid e-mail"));
        let second = raw(&mailer.message(&email()).expect("a valid e-mail"));
        let header = "Message-ID: <01900000-0000-7000-8000-000000000001@motcua>\r\n";
        assert!(first.contains(header), "{first}");
        assert!(second.contains(header), "{second}");
    }

    #[test]
    fn the_message_offers_text_then_html_as_alternatives_with_an_encoded_subject() {
        let text = raw(&mailer().message(&email()).expect("a valid e-mail"));
        assert!(
            text.contains("Content-Type: multipart/alternative;"),
            "{text}"
        );
        let plain = text.find("Content-Type: text/plain; charset=utf-8");
        let html = text.find("Content-Type: text/html; charset=utf-8");
        assert!(
            matches!((plain, html), (Some(p), Some(h)) if p < h),
            "{text}"
        );
        // Non-ASCII header text travels as RFC 2047 encoded words.
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
        assert!(text.contains("To: lan.nguyen@example.vn\r\n"), "{text}");
        assert!(text.contains("<no-reply@motcua.test>"), "{text}");
    }

    #[test]
    fn a_recipient_that_is_not_an_address_is_a_permanent_error() {
        let mut bad = email();
        bad.to = "không phải địa chỉ".to_owned();
        assert!(matches!(
            mailer().message(&bad),
            Err(SendError::Permanent(_))
        ));
    }

    #[test]
    fn a_sender_that_is_not_a_mailbox_or_a_user_without_password_is_a_configuration_error() {
        let config = SmtpConfig::new("relay.example.vn", 587, SmtpSecurity::Plain, "no address");
        assert!(matches!(SmtpMailer::new(config), Err(ConfigError::From(_))));
        let mut config = SmtpConfig::new(
            "relay.example.vn",
            587,
            SmtpSecurity::Plain,
            "no-reply@motcua.test",
        );
        config.username = Some("motcua".to_owned());
        assert!(matches!(
            SmtpMailer::new(config),
            Err(ConfigError::Missing("password"))
        ));
        let config = SmtpConfig::new(" ", 25, SmtpSecurity::Plain, "no-reply@motcua.test");
        assert!(matches!(
            SmtpMailer::new(config),
            Err(ConfigError::Missing("host"))
        ));
    }

    #[test]
    fn four_hundred_replies_are_transient_and_five_hundred_replies_permanent() {
        for (code, transient) in [
            (421, true),
            (450, true),
            (452, true),
            (550, false),
            (535, false),
            (554, false),
        ] {
            let verdict = verdict_of_reply(code, code.to_string());
            assert_eq!(verdict.is_transient(), transient, "{code}");
        }
    }
}
