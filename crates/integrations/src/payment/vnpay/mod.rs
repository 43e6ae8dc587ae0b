//! The client of VNPay's payment gateway (API 2.1.0), speaking the format of [`wire`]: a signed
//! payment URL (no call: VNPay learns of the transaction when the browser arrives), the signed
//! return and IPN, and the `querydr` and `refund` calls of the merchant web API.

pub mod wire;

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::call::{Caller, Repeat, http_url, required};
use super::text::{ascii_fold, parse_query, parse_stamp, same_hex, stamp};
use super::{
    BoxFuture, CallbackAck, CallbackError, CallbackReply, ConfigError, GatewayKind, GatewayOutcome,
    GatewayReport, PaymentError, PaymentGateway, PaymentOrder, PaymentQuery, RefundOrder,
    RefundReport, Started,
};
use crate::Secret;
use crate::resilience::{BreakerConfig, CircuitState, RetryPolicy};
use wire::{QUERYDR_REQUEST, QUERYDR_RESPONSE, REFUND_REQUEST, REFUND_RESPONSE, VERSION};

/// How to reach VNPay, as written in `motcua.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VnPayConfig {
    /// The payment page, e.g. `https://sandbox.vnpayment.vn/paymentv2/vpcpay.html`, or
    /// `http://127.0.0.1:8090/vnpay/paymentv2/vpcpay.html` for motcua's sandbox.
    pub payment_url: String,
    /// The merchant web API, e.g.
    /// `https://sandbox.vnpayment.vn/merchant_webapi/api/transaction`.
    pub api_url: String,
    /// `vnp_TmnCode`, the merchant's terminal code.
    pub tmn_code: String,
    /// `vnp_HashSecret`, the key of every HMAC-SHA512.
    pub hash_secret: Secret,
    /// The server's address declared as `vnp_IpAddr` of refunds (default `127.0.0.1`).
    #[serde(default = "default_server_ip")]
    pub server_ip: String,
    /// `vnp_OrderType` (VNPay's goods category; default `other`).
    #[serde(default = "default_order_type")]
    pub order_type: String,
    /// Minutes the payer has on VNPay's page (`vnp_ExpireDate`; default 15).
    #[serde(default = "default_expire_minutes")]
    pub expire_minutes: u32,
    /// Longest wait for one HTTP exchange, in milliseconds (default 10 000).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Retries of transient failures of querydr (not configurable from the file).
    #[serde(skip)]
    pub retry: RetryPolicy,
    /// When to stop calling a failing API for a while (not configurable from the file).
    #[serde(skip)]
    pub breaker: BreakerConfig,
}

fn default_server_ip() -> String {
    "127.0.0.1".to_owned()
}

fn default_order_type() -> String {
    "other".to_owned()
}

fn default_expire_minutes() -> u32 {
    15
}

fn default_timeout_ms() -> u64 {
    10_000
}

impl VnPayConfig {
    /// A configuration with the defaults: 15 minutes to pay, 10 s per exchange, three attempts
    /// for queries, the breaker opening after five failures for 30 s.
    pub fn new(
        payment_url: &str,
        api_url: &str,
        tmn_code: &str,
        hash_secret: impl Into<Secret>,
    ) -> Self {
        Self {
            payment_url: payment_url.to_owned(),
            api_url: api_url.to_owned(),
            tmn_code: tmn_code.to_owned(),
            hash_secret: hash_secret.into(),
            server_ip: default_server_ip(),
            order_type: default_order_type(),
            expire_minutes: default_expire_minutes(),
            timeout_ms: default_timeout_ms(),
            retry: RetryPolicy::default(),
            breaker: BreakerConfig::default(),
        }
    }
}

/// The VNPay client.
#[derive(Debug)]
pub struct VnPay {
    payment_url: String,
    api_url: String,
    tmn_code: String,
    hash_secret: Secret,
    server_ip: String,
    order_type: String,
    expire_minutes: u32,
    caller: Caller,
}

impl VnPay {
    /// A client for `config`; fails on a malformed URL, an empty terminal code or secret, or a
    /// TLS set-up problem.
    pub fn new(config: VnPayConfig) -> Result<Self, ConfigError> {
        let payment_url = http_url(&config.payment_url)?;
        let api_url = http_url(&config.api_url)?;
        required("tmn_code", &config.tmn_code)?;
        required("hash_secret", config.hash_secret.expose())?;
        Ok(Self {
            payment_url,
            api_url,
            tmn_code: config.tmn_code,
            hash_secret: config.hash_secret,
            server_ip: config.server_ip,
            order_type: config.order_type,
            expire_minutes: config.expire_minutes.max(1),
            caller: Caller::new(
                "vnpay",
                Duration::from_millis(config.timeout_ms.max(1)),
                config.retry,
                config.breaker,
            )?,
        })
    }

    /// Whether calls to the merchant web API go through now (for health pages).
    pub fn circuit(&self) -> CircuitState {
        self.caller.circuit()
    }

    /// The signed payment URL of `order`.
    pub fn payment_url(&self, order: &PaymentOrder) -> String {
        let expire = order.created_at + time::Duration::minutes(self.expire_minutes.into());
        let locale = if order.language.eq_ignore_ascii_case("en") {
            "en"
        } else {
            "vn"
        };
        let params: BTreeMap<String, String> = [
            ("vnp_Version", VERSION.to_owned()),
            ("vnp_Command", "pay".to_owned()),
            ("vnp_TmnCode", self.tmn_code.clone()),
            (
                "vnp_Amount",
                (i128::from(order.amount_vnd) * 100).to_string(),
            ),
            ("vnp_CreateDate", stamp(order.created_at)),
            ("vnp_ExpireDate", stamp(expire)),
            ("vnp_CurrCode", "VND".to_owned()),
            ("vnp_IpAddr", order.payer_ip.clone()),
            ("vnp_Locale", locale.to_owned()),
            ("vnp_OrderInfo", ascii_fold(&order.description)),
            ("vnp_OrderType", self.order_type.clone()),
            ("vnp_ReturnUrl", order.return_url.clone()),
            ("vnp_TxnRef", order.reference.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        // The query string is the signed text itself.
        let data = wire::hash_data(&params);
        let hash = wire::hmac_sha512(self.hash_secret.expose(), &data);
        let separator = if self.payment_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}{data}&vnp_SecureHash={hash}",
            self.payment_url
        )
    }

    /// The signed querydr body for `q`, with request id `request_id`, asked at `now`.
    pub fn querydr_message(
        &self,
        q: &PaymentQuery,
        request_id: &str,
        now: OffsetDateTime,
    ) -> Value {
        let mut message = json!({
            "vnp_RequestId": request_id,
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": q.reference,
            "vnp_OrderInfo": format!("Truy van giao dich {}", q.reference),
            "vnp_TransactionDate": stamp(q.created_at),
            "vnp_CreateDate": stamp(now),
            "vnp_IpAddr": q.payer_ip,
        });
        let hash = wire::api_hash(&message, &QUERYDR_REQUEST, self.hash_secret.expose());
        message["vnp_SecureHash"] = Value::String(hash);
        message
    }

    /// The signed refund body for `r`, asked at `now`. `vnp_RequestId` is the refund reference,
    /// so a repeated request is answered `94` instead of refunding twice.
    pub fn refund_message(&self, r: &RefundOrder, now: OffsetDateTime) -> Value {
        let mut message = json!({
            "vnp_RequestId": r.refund_reference,
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": if r.full { "02" } else { "03" },
            "vnp_TxnRef": r.reference,
            "vnp_Amount": (i128::from(r.amount_vnd) * 100).to_string(),
            // "0" when motcua never learnt VNPay's number (the transaction is found by
            // vnp_TxnRef and vnp_TransactionDate).
            "vnp_TransactionNo": r.gateway_transaction.clone().unwrap_or_else(|| "0".to_owned()),
            "vnp_TransactionDate": stamp(r.created_at),
            "vnp_CreateBy": r.requested_by,
            "vnp_CreateDate": stamp(now),
            "vnp_IpAddr": self.server_ip,
            "vnp_OrderInfo": ascii_fold(&r.reason),
        });
        let hash = wire::api_hash(&message, &REFUND_REQUEST, self.hash_secret.expose());
        message["vnp_SecureHash"] = Value::String(hash);
        message
    }

    /// Checks the hash of an API answer over `fields`.
    fn check_answer(&self, answer: &Value, fields: &[&str]) -> Result<(), PaymentError> {
        let given = wire::field(answer, "vnp_SecureHash");
        let expected = wire::api_hash(answer, fields, self.hash_secret.expose());
        if same_hex(&expected, &given) {
            Ok(())
        } else {
            Err(PaymentError::BadSignature)
        }
    }
}

/// An API answer, which must be a JSON object with a `vnp_ResponseCode`.
fn api_answer(status: StatusCode, body: &[u8]) -> Result<(Value, String, String), PaymentError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        PaymentError::Protocol(format!("HTTP {} without a JSON answer", status.as_u16()))
    })?;
    if !value.is_object() {
        return Err(PaymentError::Protocol(
            "the answer is not an object".to_owned(),
        ));
    }
    let code = wire::field(&value, "vnp_ResponseCode");
    if code.is_empty() {
        return Err(PaymentError::Protocol(
            "vnp_ResponseCode is missing".to_owned(),
        ));
    }
    let message = wire::field(&value, "vnp_Message");
    Ok((value, code, message))
}

/// `vnp_Amount` (đồng × 100) in đồng.
fn amount(text: &str) -> Option<i64> {
    let hundredths: i64 = text.parse().ok()?;
    (hundredths % 100 == 0).then_some(hundredths / 100)
}

fn non_empty(text: String) -> Option<String> {
    Some(text).filter(|s| !s.is_empty() && s != "0")
}

impl PaymentGateway for VnPay {
    fn kind(&self) -> GatewayKind {
        GatewayKind::VnPay
    }

    fn start<'a>(
        &'a self,
        order: &'a PaymentOrder,
    ) -> BoxFuture<'a, Result<Started, PaymentError>> {
        // VNPay has no opening call: the signed URL is the request.
        let started = Started {
            redirect_url: self.payment_url(order),
            gateway_transaction: None,
        };
        Box::pin(async move { Ok(started) })
    }

    fn read_callback(&self, query: &str, _body: &[u8]) -> Result<GatewayReport, CallbackError> {
        // Return and IPN are both a query string; an IPN has no body.
        let params = parse_query(query).map_err(CallbackError::Malformed)?;
        let given = params
            .get("vnp_SecureHash")
            .ok_or_else(|| CallbackError::Malformed("vnp_SecureHash is missing".to_owned()))?;
        if !same_hex(
            &wire::secure_hash(&params, self.hash_secret.expose()),
            given,
        ) {
            return Err(CallbackError::BadSignature);
        }
        let text = |name: &str| params.get(name).cloned().unwrap_or_default();
        if text("vnp_TmnCode") != self.tmn_code {
            return Err(CallbackError::Malformed(
                "vnp_TmnCode is another merchant's".to_owned(),
            ));
        }
        let reference = text("vnp_TxnRef");
        if reference.is_empty() {
            return Err(CallbackError::Malformed("vnp_TxnRef is missing".to_owned()));
        }
        let amount_vnd = amount(&text("vnp_Amount")).ok_or_else(|| {
            CallbackError::Malformed("vnp_Amount is not a whole number of đồng × 100".to_owned())
        })?;
        let code = text("vnp_ResponseCode");
        let status = text("vnp_TransactionStatus");
        let outcome = match code.as_str() {
            "" => {
                return Err(CallbackError::Malformed(
                    "vnp_ResponseCode is missing".to_owned(),
                ));
            }
            // A success needs the transaction status to agree when it is given.
            "00" if status.is_empty() || status == "00" => GatewayOutcome::Paid,
            "24" => GatewayOutcome::Cancelled,
            _ => GatewayOutcome::Failed {
                message: wire::describe(&code).to_owned(),
                code,
            },
        };
        let paid_at = if outcome == GatewayOutcome::Paid {
            Some(parse_stamp(&text("vnp_PayDate")).ok_or_else(|| {
                CallbackError::Malformed("vnp_PayDate is not yyyyMMddHHmmss".to_owned())
            })?)
        } else {
            None
        };
        Ok(GatewayReport {
            reference,
            gateway_transaction: non_empty(text("vnp_TransactionNo")),
            amount_vnd,
            outcome,
            bank_code: non_empty(text("vnp_BankCode")),
            paid_at,
        })
    }

    fn acknowledge(&self, ack: CallbackAck) -> CallbackReply {
        // VNPay reads the JSON, always with 200; 99 makes it call again later.
        let (code, message) = match ack {
            CallbackAck::Accepted => ("00", "Confirm Success"),
            CallbackAck::AlreadyConfirmed => ("02", "Order already confirmed"),
            CallbackAck::UnknownOrder => ("01", "Order not found"),
            CallbackAck::WrongAmount => ("04", "Invalid amount"),
            CallbackAck::BadSignature => ("97", "Invalid signature"),
            CallbackAck::Malformed | CallbackAck::Failed => ("99", "Unknown error"),
        };
        CallbackReply {
            status: 200,
            content_type: "application/json",
            body: json!({"RspCode": code, "Message": message}).to_string(),
        }
    }

    fn query<'a>(
        &'a self,
        q: &'a PaymentQuery,
    ) -> BoxFuture<'a, Result<GatewayReport, PaymentError>> {
        Box::pin(async move {
            // A new request id for each attempt: VNPay refuses a repeated one.
            let body = || {
                let id = uuid::Uuid::new_v4().simple().to_string();
                self.querydr_message(q, &id, OffsetDateTime::now_utc())
            };
            self.caller
                .post_json(
                    "querydr",
                    &self.api_url,
                    body,
                    Repeat::Idempotent,
                    |status, body| {
                        let (answer, code, message) = api_answer(status, body)?;
                        match code.as_str() {
                            "00" => {}
                            "91" => {
                                return Ok(GatewayReport {
                                    reference: q.reference.clone(),
                                    gateway_transaction: None,
                                    amount_vnd: 0,
                                    outcome: GatewayOutcome::NotFound,
                                    bank_code: None,
                                    paid_at: None,
                                });
                            }
                            "97" => return Err(PaymentError::BadSignature),
                            _ => return Err(PaymentError::Rejected { code, message }),
                        }
                        self.check_answer(&answer, &QUERYDR_RESPONSE)?;
                        let text = |name: &str| wire::field(&answer, name);
                        if text("vnp_TxnRef") != q.reference || text("vnp_TmnCode") != self.tmn_code
                        {
                            return Err(PaymentError::Protocol(
                                "the answer is about another transaction".to_owned(),
                            ));
                        }
                        let amount_vnd = amount(&text("vnp_Amount")).ok_or_else(|| {
                            PaymentError::Protocol("vnp_Amount is not đồng × 100".to_owned())
                        })?;
                        let status = text("vnp_TransactionStatus");
                        let outcome = match status.as_str() {
                            // Refund statuses (05, 06, 09) are about a transaction that was paid.
                            "00" | "05" | "06" | "09" => GatewayOutcome::Paid,
                            // 07: money taken, held for the merchant's confirmation.
                            "01" | "07" => GatewayOutcome::Pending,
                            // querydr does not tell a cancellation from another failure.
                            _ => GatewayOutcome::Failed {
                                message: match status.as_str() {
                                    "02" => "Giao dịch bị lỗi".to_owned(),
                                    "04" => "Giao dịch đảo".to_owned(),
                                    _ => "Giao dịch không thành công".to_owned(),
                                },
                                code: status,
                            },
                        };
                        let paid_at = match outcome {
                            GatewayOutcome::Paid => {
                                Some(parse_stamp(&text("vnp_PayDate")).ok_or_else(|| {
                                    PaymentError::Protocol(
                                        "vnp_PayDate is not yyyyMMddHHmmss".to_owned(),
                                    )
                                })?)
                            }
                            _ => None,
                        };
                        Ok(GatewayReport {
                            reference: q.reference.clone(),
                            gateway_transaction: non_empty(text("vnp_TransactionNo")),
                            amount_vnd,
                            outcome,
                            bank_code: non_empty(text("vnp_BankCode")),
                            paid_at,
                        })
                    },
                )
                .await
        })
    }

    fn refund<'a>(
        &'a self,
        r: &'a RefundOrder,
    ) -> BoxFuture<'a, Result<RefundReport, PaymentError>> {
        Box::pin(async move {
            let message = self.refund_message(r, OffsetDateTime::now_utc());
            self.caller
                .post_json(
                    "refund",
                    &self.api_url,
                    || message.clone(),
                    Repeat::Once,
                    |status, body| {
                        let (answer, code, text) = api_answer(status, body)?;
                        match code.as_str() {
                            "97" => return Err(PaymentError::BadSignature),
                            "02" | "03" | "99" => {
                                return Err(PaymentError::Rejected {
                                    code,
                                    message: text,
                                });
                            }
                            "00" => self.check_answer(&answer, &REFUND_RESPONSE)?,
                            _ => {}
                        }
                        Ok(RefundReport {
                            refund_reference: r.refund_reference.clone(),
                            accepted: code == "00",
                            gateway_transaction: if code == "00" {
                                non_empty(wire::field(&answer, "vnp_TransactionNo"))
                            } else {
                                None
                            },
                            code,
                            message: text,
                        })
                    },
                )
                .await
        })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const SECRET: &str = "sandbox-vnpay-secret";

    fn client() -> VnPay {
        VnPay::new(VnPayConfig::new(
            "http://127.0.0.1:9/vnpay/paymentv2/vpcpay.html",
            "http://127.0.0.1:9/vnpay/merchant_webapi/api/transaction",
            "MOTCUA01",
            SECRET,
        ))
        .expect("a valid configuration")
    }

    #[test]
    fn the_hash_secret_shows_neither_in_the_configuration_nor_in_the_client() {
        let shown = format!(
            "{:?} {:?}",
            VnPayConfig::new("http://a/pay", "http://a/api", "MOTCUA01", SECRET),
            client()
        );
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("MOTCUA01"), "{shown}");
    }

    fn order() -> PaymentOrder {
        PaymentOrder {
            reference: "HS2603090001P1".to_owned(),
            amount_vnd: 150_000,
            description: "Lệ phí đăng ký khai sinh: HS 0001*".to_owned(),
            dossier_code: "000.00.15.H27-260309-0001".to_owned(),
            procedure_code: "1.001193".to_owned(),
            agency_code: "000.00.15.H27".to_owned(),
            payer_name: "Nguyễn Văn An".to_owned(),
            payer_ip: "203.0.113.7".to_owned(),
            return_url: "http://127.0.0.1:8080/payments/return?g=vnpay".to_owned(),
            callback_url: "ignored".to_owned(),
            created_at: datetime!(2026-03-09 02:30:05 UTC),
            language: "vi".to_owned(),
        }
    }

    #[test]
    fn the_payment_url_carries_the_sorted_parameters_and_their_independent_hash() {
        let url = client().payment_url(&order());
        // The vector of wire::tests, computed independently with Python.
        assert_eq!(
            url,
            "http://127.0.0.1:9/vnpay/paymentv2/vpcpay.html?vnp_Amount=15000000\
             &vnp_Command=pay&vnp_CreateDate=20260309093005&vnp_CurrCode=VND\
             &vnp_ExpireDate=20260309094505&vnp_IpAddr=203.0.113.7&vnp_Locale=vn\
             &vnp_OrderInfo=Le+phi+dang+ky+khai+sinh%3A+HS+0001*&vnp_OrderType=other\
             &vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A8080%2Fpayments%2Freturn%3Fg%3Dvnpay\
             &vnp_TmnCode=MOTCUA01&vnp_TxnRef=HS2603090001P1&vnp_Version=2.1.0\
             &vnp_SecureHash=18d67ac114dd232f5d0be666a996cd714c666979cc50189ff88566b32aad62a2\
             6149aaae1c422c01ccc5353be996a193663bfa906cefa8d05c9c8b096d80e0da"
        );
    }

    /// An IPN as VNPay sends it, its hash computed independently with Python.
    const IPN: &str = "vnp_Amount=15000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14000001\
        &vnp_CardType=ATM&vnp_OrderInfo=Le+phi+dang+ky+khai+sinh&vnp_PayDate=20260309093512\
        &vnp_ResponseCode=00&vnp_TmnCode=MOTCUA01&vnp_TransactionNo=14000001\
        &vnp_TransactionStatus=00&vnp_TxnRef=HS2603090001P1\
        &vnp_SecureHash=0d979505ac72e1394e3bdbca289c2879ea2b75453d8dee267e6664edcfa65d30\
        dd8c64c17e53b332e3606a4659cde013db782c10820800eef5bd135078cc4f54";

    #[test]
    fn a_signed_ipn_reads_as_paid() {
        let report = client().read_callback(IPN, b"").expect("a valid IPN");
        assert_eq!(
            report,
            GatewayReport {
                reference: "HS2603090001P1".to_owned(),
                gateway_transaction: Some("14000001".to_owned()),
                amount_vnd: 150_000,
                outcome: GatewayOutcome::Paid,
                bank_code: Some("NCB".to_owned()),
                paid_at: Some(datetime!(2026-03-09 02:35:12 UTC)),
            }
        );
    }

    #[test]
    fn an_altered_ipn_has_a_bad_signature() {
        let altered = IPN.replace("vnp_Amount=15000000", "vnp_Amount=100");
        assert_eq!(
            client().read_callback(&altered, b""),
            Err(CallbackError::BadSignature)
        );
        assert!(matches!(
            client().read_callback("vnp_TxnRef=1", b""),
            Err(CallbackError::Malformed(_))
        ));
    }

    #[test]
    fn the_ipn_acknowledgements_are_vnpay_s_codes() {
        let c = client();
        assert_eq!(
            c.acknowledge(CallbackAck::Accepted).body,
            r#"{"Message":"Confirm Success","RspCode":"00"}"#
        );
        for (ack, code) in [
            (CallbackAck::UnknownOrder, "01"),
            (CallbackAck::AlreadyConfirmed, "02"),
            (CallbackAck::WrongAmount, "04"),
            (CallbackAck::BadSignature, "97"),
            (CallbackAck::Failed, "99"),
        ] {
            let reply = c.acknowledge(ack);
            assert_eq!(reply.status, 200);
            assert!(
                reply.body.contains(&format!("\"RspCode\":\"{code}\"")),
                "{ack:?}"
            );
        }
    }

    #[test]
    fn the_querydr_body_carries_the_independent_hash() {
        let message = client().querydr_message(
            &PaymentQuery {
                reference: "HS2603090001P1".to_owned(),
                created_at: datetime!(2026-03-09 02:30:05 UTC),
                payer_ip: "203.0.113.7".to_owned(),
            },
            "4f1c2e7a9b3d4c5e8f60718293a4b5c6",
            datetime!(2026-03-09 03:00:00 UTC),
        );
        assert_eq!(
            message["vnp_SecureHash"],
            "f8764abf39795ac095f083863ac0fff01eac4752dc302358740ec35402d29189\
             e626ae790bd7e5809b5d11d897b57b8b94daea5a8e712ee5aff39e185332b60a"
        );
    }
}
