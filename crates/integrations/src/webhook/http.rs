//! Webhooks over HTTP: one signed POST per attempt, to an address checked again at send time and
//! connected to only through a resolver that drops non-public addresses, so neither a URL
//! changed in the database nor a DNS answer changed since registration (DNS rebinding) makes
//! motcua call its own network.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use time::OffsetDateTime;

use super::address::{AddressError, AddressPolicy, check_url, is_forbidden};
use super::sign::sign;
use super::{
    BoxFuture, WebhookAttempt, WebhookError, WebhookRequest, WebhookResponse, WebhookSender,
};
use crate::notify::SendError;

/// The most of a response body kept: enough to show a receiver's error message to whoever
/// looks at a failed delivery, never enough for a receiver to fill motcua's memory or database.
pub const EXCERPT_BYTES: usize = 1000;

/// How webhooks are sent.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Which addresses may be called.
    pub policy: AddressPolicy,
    /// Longest wait for one attempt, from resolving the name to the end of the body excerpt;
    /// also the connect timeout. A receiver that takes longer is treated as not having answered
    /// (transient). Standard Webhooks suggests 15 to 30 s; the default is 10 s so that an
    /// unresponsive endpoint holds a delivery worker for less time.
    pub timeout: Duration,
    /// The `User-Agent` header, so receivers can tell motcua's requests in their logs.
    pub user_agent: String,
}

impl Default for WebhookConfig {
    /// Public https addresses only, 10 s per attempt, `motcua-webhooks/1`.
    fn default() -> Self {
        Self {
            policy: AddressPolicy::default(),
            timeout: Duration::from_secs(10),
            user_agent: "motcua-webhooks/1".to_owned(),
        }
    }
}

/// Sends webhooks with reqwest.
#[derive(Debug)]
pub struct HttpWebhookSender {
    client: reqwest::Client,
    policy: AddressPolicy,
    timeout: Duration,
}

impl HttpWebhookSender {
    /// A sender for `config`; fails if the HTTP client cannot be built (TLS set-up, a
    /// `User-Agent` that is not a valid header value).
    pub fn new(config: WebhookConfig) -> Result<Self, WebhookError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(config.user_agent)
            // A redirection would send the signed payload to an address nobody checked.
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the endpoint's name itself, out of the resolver's sight.
            .no_proxy()
            .dns_resolver(PublicResolver {
                policy: config.policy,
            })
            .build()
            .map_err(WebhookError::Client)?;
        Ok(Self {
            client,
            policy: config.policy,
            timeout: config.timeout,
        })
    }

    async fn attempt(&self, request: &WebhookRequest) -> WebhookAttempt {
        let url = match check_url(&request.url, self.policy) {
            Ok(url) => url,
            // The address was changed since registration, or the policy tightened.
            Err(error) => return not_sent(SendError::Permanent(error.to_string())),
        };
        let host = url.host_str().unwrap_or_default().to_owned();
        let Ok(id) = HeaderValue::from_str(&request.id) else {
            return not_sent(SendError::Permanent(
                "the webhook id cannot be sent as a header value".to_owned(),
            ));
        };
        // Taken at each attempt: receivers refuse a timestamp too far from their clock, as a
        // defence against replays, so a retry must not reuse the first attempt's.
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let signature = match sign(&request.secret, &request.id, timestamp, &request.payload) {
            Ok(signature) => signature,
            Err(error) => return not_sent(SendError::Permanent(error.to_string())),
        };
        let sent = self
            .client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp)
            .header("webhook-signature", signature)
            .body(request.payload.clone())
            .send()
            .await;
        let attempt = match sent {
            Ok(mut response) => {
                let status = response.status();
                let body = excerpt(&mut response).await;
                WebhookAttempt {
                    response: Some(WebhookResponse {
                        status: status.as_u16(),
                        body,
                    }),
                    outcome: verdict(status),
                }
            }
            Err(error) => not_sent(failure(&error, self.timeout)),
        };
        // The host only: a path or query may carry the receiver's own token.
        match &attempt.outcome {
            Ok(()) => tracing::info!(webhook_id = %request.id, %host, "webhook delivered"),
            Err(error) => {
                tracing::warn!(webhook_id = %request.id, %host, %error, "webhook not delivered")
            }
        }
        attempt
    }
}

impl WebhookSender for HttpWebhookSender {
    fn send<'a>(&'a self, request: &'a WebhookRequest) -> BoxFuture<'a, WebhookAttempt> {
        Box::pin(self.attempt(request))
    }
}

fn not_sent(error: SendError) -> WebhookAttempt {
    WebhookAttempt {
        response: None,
        outcome: Err(error),
    }
}

/// What the receiver's status means. Standard Webhooks: a 2xx is a delivery, anything else is
/// retried, except 410 Gone by which the receiver asks to be sent nothing more. Redirections are
/// not followed (see [`HttpWebhookSender::new`]), so a 3xx is a failure too, retried in case the
/// receiver's configuration is being changed.
fn verdict(status: StatusCode) -> Result<(), SendError> {
    let code = status.as_u16();
    if status.is_success() {
        Ok(())
    } else if status == StatusCode::GONE {
        Err(SendError::Permanent(
            "the endpoint answered HTTP 410 Gone: it asks to be sent nothing more".to_owned(),
        ))
    } else if status.is_redirection() {
        Err(SendError::Transient(format!(
            "the endpoint answered HTTP {code}, a redirection, which is not followed"
        )))
    } else {
        Err(SendError::Transient(format!(
            "the endpoint answered HTTP {code}"
        )))
    }
}

/// Why no answer arrived.
fn failure(error: &reqwest::Error, timeout: Duration) -> SendError {
    // The resolver's refusal is found in the chain of causes, where reqwest and hyper wrap it.
    if let Some(refused) = cause::<AddressError>(error) {
        return SendError::Permanent(refused.to_string());
    }
    // Details come from the innermost cause: reqwest's own message repeats the URL, whose path
    // or query may hold the receiver's token.
    if error.is_timeout() {
        SendError::Transient(format!(
            "the endpoint did not answer within {} ms",
            timeout.as_millis()
        ))
    } else if error.is_dns() {
        SendError::Transient(format!(
            "the endpoint's host name could not be resolved: {}",
            innermost(error)
        ))
    } else if error.is_connect() {
        SendError::Transient(format!(
            "no connection to the endpoint: {}",
            innermost(error)
        ))
    } else {
        SendError::Transient(format!(
            "the exchange with the endpoint failed: {}",
            innermost(error)
        ))
    }
}

/// The first error of type `E` among `error`'s causes.
fn cause<E: std::error::Error + 'static>(error: &reqwest::Error) -> Option<&E> {
    let mut source = std::error::Error::source(error);
    while let Some(current) = source {
        if let Some(found) = current.downcast_ref::<E>() {
            return Some(found);
        }
        source = current.source();
    }
    None
}

/// The message of the deepest cause of `error` (`Connection refused (os error 111)`, a TLS
/// certificate problem…), which is what a receiver's administrator can act on.
fn innermost(error: &reqwest::Error) -> String {
    let mut current: &dyn std::error::Error = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// The first [`EXCERPT_BYTES`] of the body, as text. Reading stops there: the rest is never
/// read, so a receiver answering megabytes costs one chunk of memory. A body that fails midway
/// (a time-out, a reset) gives what arrived, since the status has already said how it went.
async fn excerpt(response: &mut reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = EXCERPT_BYTES - bytes.len();
                bytes.extend_from_slice(chunk.get(..room).unwrap_or(&chunk));
            }
            Ok(None) | Err(_) => break,
        }
    }
    text(&bytes)
}

/// `bytes` as text of at most [`EXCERPT_BYTES`] bytes: a character cut at the end by the cap is
/// dropped, other invalid UTF-8 and control characters but tab and line breaks become U+FFFD —
/// PostgreSQL refuses a NUL in text, and one receiver's answer must not stop the recording of
/// a whole batch.
fn text(bytes: &[u8]) -> String {
    let complete = without_cut_character(bytes);
    let mut text: String = String::from_utf8_lossy(complete)
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect();
    // U+FFFD takes three bytes where the invalid byte it replaces took one.
    let mut end = text.len().min(EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

/// `bytes` without a UTF-8 sequence started in its last three bytes but not finished.
fn without_cut_character(bytes: &[u8]) -> &[u8] {
    for back in 1..=bytes.len().min(3) {
        let start = bytes.len() - back;
        let byte = bytes[start];
        if byte & 0b1100_0000 == 0b1000_0000 {
            // A continuation byte: the sequence starts further back.
            continue;
        }
        let length = match byte {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 1,
        };
        return if length > back {
            &bytes[..start]
        } else {
            bytes
        };
    }
    bytes
}

/// Resolves names with the system's resolver (through tokio) and keeps only the addresses
/// motcua may call. When none is left the name is refused with [`AddressError::Forbidden`],
/// which [`failure`] recognises as permanent.
#[derive(Debug, Clone, Copy)]
struct PublicResolver {
    policy: AddressPolicy,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.policy.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port (or the scheme's) in its place.
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let usable: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|address| allow_private || !is_forbidden(address.ip()))
                .collect();
            match (usable.is_empty(), found.first()) {
                (false, _) => Ok(Box::new(usable.into_iter()) as Addrs),
                (true, Some(refused)) => Err(AddressError::Forbidden {
                    host,
                    ip: refused.ip(),
                }
                .into()),
                (true, None) => Err(AddressError::Unresolvable { host }.into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_hundreds_deliver_gone_stops_and_every_other_status_is_retried() {
        for (status, verdict_is) in [
            (200, None),
            (204, None),
            (299, None),
            (410, Some(false)),
            (301, Some(true)),
            (302, Some(true)),
            (400, Some(true)),
            (404, Some(true)),
            (429, Some(true)),
            (500, Some(true)),
            (503, Some(true)),
        ] {
            let status = StatusCode::from_u16(status).expect("a status");
            assert_eq!(
                verdict(status).err().map(|e| e.is_transient()),
                verdict_is,
                "{status}"
            );
        }
    }

    #[test]
    fn an_excerpt_keeps_whole_characters_within_the_cap() {
        assert_eq!(text(b"ok"), "ok");
        // "đ" is two bytes; cut after its first, it is dropped rather than shown as U+FFFD.
        let cut = "đ".as_bytes();
        assert_eq!(text(&[b'a', cut[0]]), "a");
        let mut capped = vec![b'a'; EXCERPT_BYTES - 1];
        capped.push(cut[0]);
        assert_eq!(text(&capped).len(), EXCERPT_BYTES - 1);
        // Invalid bytes become U+FFFD (three bytes each) and the result still fits the cap.
        let invalid = vec![0xff; EXCERPT_BYTES];
        let shown = text(&invalid);
        assert!(shown.len() <= EXCERPT_BYTES && shown.starts_with('\u{fffd}'));
        assert_eq!(text("Hồ sơ".as_bytes()), "Hồ sơ");
    }

    #[test]
    fn control_characters_of_an_answer_are_replaced_but_tabs_and_line_breaks_kept() {
        assert_eq!(text(b"a\0b\x1bc"), "a\u{fffd}b\u{fffd}c");
        assert_eq!(text(b"line 1\r\n\tline 2"), "line 1\r\n\tline 2");
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_that_resolves_only_to_loopback() {
        let strict = PublicResolver {
            policy: AddressPolicy::default(),
        };
        let name: Name = "localhost".parse().expect("a name");
        let error = match strict.resolve(name).await {
            Ok(addresses) => panic!("resolved to {:?}", addresses.collect::<Vec<_>>()),
            Err(error) => error,
        };
        assert!(
            matches!(
                error.downcast_ref::<AddressError>(),
                Some(AddressError::Forbidden { .. })
            ),
            "{error}"
        );
        let lenient = PublicResolver {
            policy: AddressPolicy {
                allow_private: true,
            },
        };
        let addresses: Vec<SocketAddr> = lenient
            .resolve("localhost".parse().expect("a name"))
            .await
            .expect("localhost resolves")
            .collect();
        assert!(
            addresses.iter().all(|a| a.ip().is_loopback()),
            "{addresses:?}"
        );
    }
}
