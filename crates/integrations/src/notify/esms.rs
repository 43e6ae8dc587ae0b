//! SMS through eSMS.vn (ViHAT), a Vietnamese brandname SMS gateway: the message arrives on the
//! citizen's phone under the province's registered sender name.
//!
//! # What this relies on
//!
//! eSMS's developer documentation (developers.esms.vn, "Send OTP/Customer care message" and
//! "Table of error codes", as read in 2026):
//!
//! - `POST {endpoint}/MainService.svc/json/SendMultipleMessage_V4_post_json/`, production
//!   endpoint `https://rest.esms.vn`, body `application/json` with string fields `ApiKey`,
//!   `SecretKey`, `Brandname`, `SmsType` (`"2"`: customer care, the kind a public service sends),
//!   `Content`, `Phone`, `IsUnicode` (`"0"`: without diacritics), `RequestId` ("to prevent the
//!   request from being duplicated": at most 50 characters, a repeat is blocked for 24 hours).
//! - The answer is JSON with `CodeResult` (a string), `SMSID` on success and `ErrorMessage`
//!   otherwise. `100` means the request was accepted (not that the phone received it).
//! - Codes for this call: 99 number blocked, 101 wrong ApiKey or SecretKey, 102 no price list,
//!   103 balance too low, 104 brandname does not exist, 108 phone number in a wrong format, 118
//!   message type not supported, 124 duplicate RequestId, 140 caller's IP not allowed, 146
//!   content does not match a registered customer-care template, 177 the brandname is not
//!   registered with the recipient's network, 300 message type missing.
//!
//! How each code is treated, and why, is in [`verdict_of_code`]. Not documented, and assumed
//! here: that a `RequestId` is remembered only for a request eSMS accepted, so a retry after a
//! refusal (103, say) is sent rather than answered 124.
//!
//! The text is sent without diacritics (`IsUnicode` `"0"`): one SMS then holds 160 characters
//! instead of 70, and customer-care templates registered with the networks are written that
//! way.

use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{BoxFuture, ConfigError, SendError, Sms, SmsSender};
use crate::Secret;
use crate::payment::text::ascii_fold;

/// eSMS's production endpoint.
pub const PRODUCTION_ENDPOINT: &str = "https://rest.esms.vn";
/// The path of the send call, appended to the endpoint.
pub const SEND_PATH: &str = "/MainService.svc/json/SendMultipleMessage_V4_post_json/";

/// Where the gateway is and who motcua is to it.
#[derive(Debug, Clone)]
pub struct SmsConfig {
    /// Base URL of the gateway: [`PRODUCTION_ENDPOINT`], or the sandbox's `{url}/esms`
    /// ([`SEND_PATH`] is appended).
    pub endpoint: String,
    /// `ApiKey`, issued by eSMS.
    pub api_key: String,
    /// `SecretKey`, issued with it.
    pub secret_key: Secret,
    /// `Brandname`, the sender name registered for the province (e.g. `UBND BACNINH`).
    pub brandname: String,
    /// Longest wait for one exchange (connection, request and whole answer).
    pub timeout: Duration,
}

impl SmsConfig {
    /// A configuration waiting at most 10 s for an exchange.
    pub fn new(
        endpoint: &str,
        api_key: &str,
        secret_key: impl Into<Secret>,
        brandname: &str,
    ) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            api_key: api_key.to_owned(),
            secret_key: secret_key.into(),
            brandname: brandname.to_owned(),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Sends SMS through eSMS's JSON API.
#[derive(Debug)]
pub struct SmsGateway {
    client: reqwest::Client,
    send_url: String,
    api_key: String,
    secret_key: Secret,
    brandname: String,
    timeout: Duration,
}

/// The answer to a send call, as far as motcua reads it.
#[derive(Debug, Deserialize)]
struct Answer {
    #[serde(rename = "CodeResult")]
    code_result: String,
}

impl SmsGateway {
    /// A client for `config`; fails on a malformed endpoint, an empty key or brandname, or a
    /// TLS set-up problem.
    pub fn new(config: SmsConfig) -> Result<Self, ConfigError> {
        let endpoint = config.endpoint.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&endpoint)
            .map_err(|_| ConfigError::Endpoint(config.endpoint.clone()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(ConfigError::Endpoint(config.endpoint));
        }
        for (name, value) in [
            ("api_key", config.api_key.as_str()),
            ("secret_key", config.secret_key.expose()),
            ("brandname", config.brandname.as_str()),
        ] {
            if value.trim().is_empty() {
                return Err(ConfigError::Missing(name));
            }
        }
        let client = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
            // The gateway answers; it never sends motcua elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            client,
            send_url: format!("{endpoint}{SEND_PATH}"),
            api_key: config.api_key,
            secret_key: config.secret_key,
            brandname: config.brandname,
            timeout: config.timeout,
        })
    }

    /// The JSON body that sends `sms` to `phone` (national digits).
    fn body(&self, sms: &Sms, phone: &str) -> Value {
        json!({
            "ApiKey": self.api_key,
            "SecretKey": self.secret_key.expose(),
            "Brandname": self.brandname,
            "SmsType": "2",
            "Content": ascii_fold(&sms.text),
            "Phone": phone,
            "IsUnicode": "0",
            "RequestId": sms.id.to_string(),
        })
    }

    async fn deliver(&self, sms: &Sms) -> Result<(), SendError> {
        // A number the gateway cannot take is refused here, without spending a request.
        let Some(phone) = domain::contact::national_phone(&sms.to) else {
            return Err(SendError::Permanent(
                "not a Vietnamese phone number".to_owned(),
            ));
        };
        let result = self.exchange(&self.body(sms, &phone)).await;
        match &result {
            Ok(()) => tracing::info!(sms_id = %sms.id, "SMS handed to the gateway"),
            Err(error) => tracing::warn!(sms_id = %sms.id, %error, "SMS not handed over"),
        }
        result
    }

    async fn exchange(&self, body: &Value) -> Result<(), SendError> {
        let response = self
            .client
            .post(&self.send_url)
            .json(body)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        if let Some(error) = verdict_of_status(response.status()) {
            return Err(error);
        }
        let bytes = response.bytes().await.map_err(|e| transport(&e))?;
        let answer: Answer = serde_json::from_slice(&bytes).map_err(|_| {
            // A maintenance page or a proxy's answer, most likely: the gateway may be back soon.
            SendError::Transient("the gateway's answer is not the documented JSON".to_owned())
        })?;
        verdict_of_code(&answer.code_result)
    }
}

impl SmsSender for SmsGateway {
    fn send<'a>(&'a self, sms: &'a Sms) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(self.deliver(sms))
    }
}

fn transport(error: &reqwest::Error) -> SendError {
    // No URL or body in the detail: the body carries the secret key and the phone number.
    if error.is_timeout() {
        SendError::Transient("the gateway did not answer in time".to_owned())
    } else if error.is_connect() {
        SendError::Transient("no connection to the gateway".to_owned())
    } else {
        SendError::Transient("the exchange with the gateway failed".to_owned())
    }
}

/// An HTTP status that says the request was not handled: 408, 429 and 5xx may go better later;
/// any other 4xx means the gateway cannot read the request, which a retry sends unchanged.
fn verdict_of_status(status: StatusCode) -> Option<SendError> {
    let detail = format!("the gateway answered HTTP {}", status.as_u16());
    if status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
    {
        Some(SendError::Transient(detail))
    } else if status.is_client_error() {
        Some(SendError::Permanent(detail))
    } else {
        None
    }
}

/// What eSMS's `CodeResult` means for the message.
///
/// - 100 accepted, and 124 (duplicate `RequestId`): the same message was accepted by an earlier
///   attempt whose answer was lost, so it is on its way.
/// - 103 (balance too low): transient, because the same message goes through once the
///   province's account is topped up, which is the fix; the warning in the log prompts it.
/// - 99 (number blocked), 108 (number malformed): permanent for this number.
/// - 101, 102, 104, 118, 140, 146, 177, 300 (credentials, price list, brandname, message type,
///   IP allow-list, template, network registration): permanent, since every retry is refused
///   the same way until someone changes the configuration or the text.
/// - Any other code: transient. The table lists codes of other calls too, and an unknown one
///   says nothing certain; a few retries cost little, while a wrong "permanent" loses the
///   message.
fn verdict_of_code(code: &str) -> Result<(), SendError> {
    let code = code.trim();
    let meaning = match code {
        "100" | "124" => return Ok(()),
        "103" => {
            return Err(SendError::Transient(
                "eSMS 103: the account's balance is too low".to_owned(),
            ));
        }
        "99" => "the number is blocked",
        "101" => "wrong ApiKey or SecretKey",
        "102" => "no price list for the account",
        "104" => "the brandname does not exist",
        "108" => "the phone number is not in a valid form",
        "118" => "the message type is not supported",
        "140" => "motcua's IP address is not allowed",
        "146" => "the text matches no registered customer-care template",
        "177" => "the brandname is not registered with the recipient's network",
        "300" => "the message type is missing",
        other => {
            return Err(SendError::Transient(format!(
                "eSMS answered the undocumented code {other:?}"
            )));
        }
    };
    Err(SendError::Permanent(format!("eSMS {code}: {meaning}")))
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn gateway() -> SmsGateway {
        SmsGateway::new(SmsConfig::new(
            "http://127.0.0.1:9/esms/",
            "key",
            "secret",
            "MOTCUA",
        ))
        .expect("a valid configuration")
    }

    fn sms(to: &str) -> Sms {
        Sms {
            id: Uuid::from_u128(7),
            to: to.to_owned(),
            text: "Hồ sơ 000.00.01.H10-260309-0001 đã được tiếp nhận".to_owned(),
        }
    }

    #[test]
    fn the_request_names_the_documented_fields_and_carries_the_id_as_request_id() {
        let gateway = gateway();
        assert_eq!(
            gateway.send_url,
            "http://127.0.0.1:9/esms/MainService.svc/json/SendMultipleMessage_V4_post_json/"
        );
        let body = gateway.body(&sms("+84 912 345 678"), "0912345678");
        assert_eq!(
            body,
            json!({
                "ApiKey": "key",
                "SecretKey": "secret",
                "Brandname": "MOTCUA",
                "SmsType": "2",
                "Content": "Ho so 000.00.01.H10-260309-0001 da duoc tiep nhan",
                "Phone": "0912345678",
                "IsUnicode": "0",
                "RequestId": "00000000-0000-0000-0000-000000000007",
            })
        );
    }

    #[tokio::test]
    async fn a_number_that_is_not_vietnamese_is_refused_without_calling_the_gateway() {
        // The endpoint is a closed port: reaching it would be a transient error.
        let result = gateway().send(&sms("12345")).await;
        assert!(matches!(result, Err(SendError::Permanent(_))), "{result:?}");
    }

    #[test]
    fn accepted_and_duplicate_codes_are_success_and_the_others_sorted_by_remedy() {
        assert_eq!(verdict_of_code("100"), Ok(()));
        assert_eq!(verdict_of_code("124"), Ok(()));
        for transient in ["103", "999", ""] {
            assert!(
                matches!(verdict_of_code(transient), Err(SendError::Transient(_))),
                "{transient}"
            );
        }
        for permanent in [
            "99", "101", "102", "104", "108", "118", "140", "146", "177", "300",
        ] {
            assert!(
                matches!(verdict_of_code(permanent), Err(SendError::Permanent(_))),
                "{permanent}"
            );
        }
    }

    #[test]
    fn busy_or_failing_servers_are_transient_and_unreadable_requests_permanent() {
        for (status, verdict) in [
            (200, None),
            (408, Some(true)),
            (429, Some(true)),
            (500, Some(true)),
            (503, Some(true)),
            (400, Some(false)),
            (404, Some(false)),
        ] {
            let status = StatusCode::from_u16(status).expect("a status");
            assert_eq!(
                verdict_of_status(status).map(|e| e.is_transient()),
                verdict,
                "{status}"
            );
        }
    }

    #[test]
    fn a_configuration_without_keys_or_with_a_bad_endpoint_is_refused() {
        assert!(matches!(
            SmsGateway::new(SmsConfig::new("ftp://esms", "k", "s", "B")),
            Err(ConfigError::Endpoint(_))
        ));
        assert!(matches!(
            SmsGateway::new(SmsConfig::new(PRODUCTION_ENDPOINT, "k", "", "B")),
            Err(ConfigError::Missing("secret_key"))
        ));
        assert!(matches!(
            SmsGateway::new(SmsConfig::new(PRODUCTION_ENDPOINT, "k", "s", " ")),
            Err(ConfigError::Missing("brandname"))
        ));
    }
}
