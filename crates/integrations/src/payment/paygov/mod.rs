//! The client of the national payment platform (PayGov) of the national public service portal,
//! speaking the messages of [`wire`]: INIT opens a transaction and gives the payment page,
//! NOTIFY (callback and browser return) and QUERY say how it went, REFUND gives money back.

pub mod wire;

use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::call::{Caller, Repeat, http_url, required};
use super::text::{parse_query, parse_stamp, same_hex, stamp};
use super::{
    BoxFuture, CallbackAck, CallbackError, CallbackReply, ConfigError, GatewayKind, GatewayOutcome,
    GatewayReport, PaymentError, PaymentGateway, PaymentOrder, PaymentQuery, RefundOrder,
    RefundReport, Started,
};
use crate::Secret;
use crate::resilience::{BreakerConfig, CircuitState, RetryPolicy};
use wire::{INIT_SIGNED, MESSAGE_PATH, NOTIFY_SIGNED, QUERY_SIGNED, REFUND_SIGNED};

/// How to reach PayGov, as written in `motcua.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayGovConfig {
    /// Base URL of the platform, e.g. `http://127.0.0.1:8090/paygov` for the sandbox
    /// ([`wire::MESSAGE_PATH`] is appended).
    pub endpoint: String,
    /// `MaDoiTac`, the partner code the platform issued to the province.
    pub partner_code: String,
    /// The secret shared with the platform, last field of every checksum.
    pub secret: Secret,
    /// `PhienBan`, the protocol version (default `1.0.6`).
    #[serde(default = "default_version")]
    pub version: String,
    /// `TKThuHuong`: the account receiving fees (printed on the receipt).
    #[serde(default)]
    pub beneficiary_account: String,
    /// `MaNHThuHuong`: the bank of that account.
    #[serde(default)]
    pub beneficiary_bank: String,
    /// Longest wait for one HTTP exchange, in milliseconds (default 10 000).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Retries of transient failures of QUERY (not configurable from the file).
    #[serde(skip)]
    pub retry: RetryPolicy,
    /// When to stop calling a failing platform for a while (not configurable from the file).
    #[serde(skip)]
    pub breaker: BreakerConfig,
}

fn default_version() -> String {
    "1.0.6".to_owned()
}

fn default_timeout_ms() -> u64 {
    10_000
}

impl PayGovConfig {
    /// A configuration with the defaults: version 1.0.6, 10 s per exchange, three attempts for
    /// queries, the breaker opening after five failures for 30 s.
    pub fn new(endpoint: &str, partner_code: &str, secret: impl Into<Secret>) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            partner_code: partner_code.to_owned(),
            secret: secret.into(),
            version: default_version(),
            beneficiary_account: String::new(),
            beneficiary_bank: String::new(),
            timeout_ms: default_timeout_ms(),
            retry: RetryPolicy::default(),
            breaker: BreakerConfig::default(),
        }
    }
}

/// The PayGov client.
#[derive(Debug)]
pub struct PayGov {
    message_url: String,
    partner_code: String,
    secret: Secret,
    version: String,
    beneficiary_account: String,
    beneficiary_bank: String,
    caller: Caller,
}

impl PayGov {
    /// A client for `config`; fails on a malformed endpoint, an empty partner code or secret,
    /// or a TLS set-up problem.
    pub fn new(config: PayGovConfig) -> Result<Self, ConfigError> {
        let endpoint = http_url(&config.endpoint)?;
        required("partner_code", &config.partner_code)?;
        required("secret", config.secret.expose())?;
        required("version", &config.version)?;
        Ok(Self {
            message_url: format!("{endpoint}{MESSAGE_PATH}"),
            partner_code: config.partner_code,
            secret: config.secret,
            version: config.version,
            beneficiary_account: config.beneficiary_account,
            beneficiary_bank: config.beneficiary_bank,
            caller: Caller::new(
                "paygov",
                Duration::from_millis(config.timeout_ms.max(1)),
                config.retry,
                config.breaker,
            )?,
        })
    }

    /// Whether calls go through now (for health pages).
    pub fn circuit(&self) -> CircuitState {
        self.caller.circuit()
    }

    /// The INIT message for `order`, signed.
    pub fn init_message(&self, order: &PaymentOrder) -> Value {
        let language = if order.language.eq_ignore_ascii_case("en") {
            "en-US"
        } else {
            "vi-VN"
        };
        let mut message = json!({
            "LoaiBanTin": "INIT",
            "PhienBan": self.version,
            "MaDoiTac": self.partner_code,
            "MaThamChieu": order.reference,
            "SoTien": order.amount_vnd,
            "LoaiHinhThanhToan": "PAY",
            "MaKenhThanhToan": "1",
            "MaThietBi": "1",
            "NgonNgu": language,
            "MaTienTe": "VND",
            "MaNganHang": "PAYMENT",
            "ThongTinGiaoDich": order.description,
            "ThoiGianGD": stamp(order.created_at),
            "Ip": order.payer_ip,
            "ThongTinBienLai": {
                "MaDichVu": "2",
                "MaDVC": order.procedure_code,
                "MaTTHC": order.procedure_code,
                "MaDonVi": order.agency_code,
                "MaHoSo": order.dossier_code,
                "TKThuHuong": self.beneficiary_account,
                "MaNHThuHuong": self.beneficiary_bank,
                "HoTenNguoiNop": order.payer_name,
                "SoCMNDNguoiNop": "",
                "NoiDungThanhToan": order.description,
                "PhiLePhi": [],
                "DSKhoanNop": [{"NoiDung": order.description, "SoTien": order.amount_vnd}],
            },
            "UrlTraVe": order.return_url,
            "UrlThongBao": order.callback_url,
        });
        self.sign(&mut message, &INIT_SIGNED);
        message
    }

    /// The QUERY message for `q`, signed.
    pub fn query_message(&self, q: &PaymentQuery) -> Value {
        let mut message = json!({
            "LoaiBanTin": "QUERY",
            "PhienBan": self.version,
            "MaDoiTac": self.partner_code,
            "MaThamChieu": q.reference,
            "ThoiGianGD": stamp(q.created_at),
        });
        self.sign(&mut message, &QUERY_SIGNED);
        message
    }

    /// The REFUND message for `r`, asked at `now`, signed.
    pub fn refund_message(&self, r: &RefundOrder, now: OffsetDateTime) -> Value {
        let mut message = json!({
            "LoaiBanTin": "REFUND",
            "PhienBan": self.version,
            "MaDoiTac": self.partner_code,
            "MaThamChieu": r.reference,
            "MaGiaoDich": r.gateway_transaction.clone().unwrap_or_default(),
            "MaHoanTien": r.refund_reference,
            "SoTienHoan": r.amount_vnd,
            "LoaiHoanTien": if r.full { "TOAN_PHAN" } else { "MOT_PHAN" },
            "LyDo": r.reason,
            "NguoiYeuCau": r.requested_by,
            "ThoiGianGD": stamp(r.created_at),
            "ThoiGianYeuCau": stamp(now),
        });
        self.sign(&mut message, &REFUND_SIGNED);
        message
    }

    fn sign(&self, message: &mut Value, signed: &[&str]) {
        let checksum = wire::checksum_of(message, signed, self.secret.expose());
        message["MaXacThuc"] = Value::String(checksum);
    }

    /// Reads a NOTIFY (or QUERY answer) whose checksum is right into a report.
    fn report(&self, message: &Value, kind: &str) -> Result<GatewayReport, CallbackError> {
        let given = wire::field(message, "MaXacThuc");
        if given.is_empty() {
            return Err(CallbackError::Malformed("MaXacThuc is missing".to_owned()));
        }
        let expected = wire::checksum_of(message, &NOTIFY_SIGNED, self.secret.expose());
        if !same_hex(&expected, &given) {
            return Err(CallbackError::BadSignature);
        }
        let text = |name: &str| wire::field(message, name);
        if text("LoaiBanTin") != kind {
            return Err(CallbackError::Malformed(format!(
                "LoaiBanTin is not {kind}"
            )));
        }
        if text("MaDoiTac") != self.partner_code {
            return Err(CallbackError::Malformed(
                "MaDoiTac is another partner's".to_owned(),
            ));
        }
        let reference = text("MaThamChieu");
        if reference.is_empty() {
            return Err(CallbackError::Malformed(
                "MaThamChieu is missing".to_owned(),
            ));
        }
        let amount_vnd: i64 = text("SoTien")
            .parse()
            .map_err(|_| CallbackError::Malformed("SoTien is not a whole number".to_owned()))?;
        let code = text("MaLoi");
        let outcome = match code.as_str() {
            "00" => GatewayOutcome::Paid,
            "09" => GatewayOutcome::Pending,
            "17" => GatewayOutcome::Cancelled,
            "" => return Err(CallbackError::Malformed("MaLoi is missing".to_owned())),
            _ => GatewayOutcome::Failed {
                message: wire::describe(&code).to_owned(),
                code,
            },
        };
        let paid_at = if outcome == GatewayOutcome::Paid {
            Some(parse_stamp(&text("ThoiGianGD")).ok_or_else(|| {
                CallbackError::Malformed("ThoiGianGD is not yyyyMMddHHmmss".to_owned())
            })?)
        } else {
            None
        };
        let non_empty = |s: String| Some(s).filter(|s| !s.is_empty());
        Ok(GatewayReport {
            reference,
            gateway_transaction: non_empty(text("MaGiaoDich")),
            amount_vnd,
            outcome,
            bank_code: non_empty(text("MaNganHang")),
            paid_at,
        })
    }
}

/// `error_code` and `error_message` of an answer, which must be a JSON object.
fn answer(status: StatusCode, body: &[u8]) -> Result<(Value, String, String), PaymentError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        PaymentError::Protocol(format!("HTTP {} without a JSON message", status.as_u16()))
    })?;
    if !value.is_object() {
        return Err(PaymentError::Protocol(
            "the answer is not an object".to_owned(),
        ));
    }
    let code = wire::field(&value, "error_code");
    if code.is_empty() {
        return Err(PaymentError::Protocol("error_code is missing".to_owned()));
    }
    let message = wire::field(&value, "error_message");
    Ok((value, code, message))
}

/// The errors every message may get.
fn refusal(code: String, message: String) -> PaymentError {
    if code == "3" {
        PaymentError::BadSignature
    } else {
        PaymentError::Rejected { code, message }
    }
}

impl PaymentGateway for PayGov {
    fn kind(&self) -> GatewayKind {
        GatewayKind::PayGov
    }

    fn start<'a>(
        &'a self,
        order: &'a PaymentOrder,
    ) -> BoxFuture<'a, Result<Started, PaymentError>> {
        Box::pin(async move {
            let message = self.init_message(order);
            self.caller
                .post_json(
                    "init",
                    &self.message_url,
                    || message.clone(),
                    Repeat::Once,
                    |status, body| {
                        let (value, code, text) = answer(status, body)?;
                        if code != "0" {
                            return Err(refusal(code, text));
                        }
                        let url = wire::field(&value, "UrlThanhToan");
                        if !(url.starts_with("https://") || url.starts_with("http://")) {
                            return Err(PaymentError::Protocol(
                                "UrlThanhToan is not an http(s) URL".to_owned(),
                            ));
                        }
                        Ok(Started {
                            redirect_url: url,
                            gateway_transaction: Some(wire::field(&value, "MaGiaoDich"))
                                .filter(|s| !s.is_empty()),
                        })
                    },
                )
                .await
        })
    }

    fn read_callback(&self, query: &str, body: &[u8]) -> Result<GatewayReport, CallbackError> {
        // The callback is a JSON body; the browser's return carries the same fields in the
        // query string.
        let message = if body.iter().any(|b| !b.is_ascii_whitespace()) {
            let value: Value = serde_json::from_slice(body)
                .map_err(|e| CallbackError::Malformed(format!("the body is not JSON: {e}")))?;
            if !value.is_object() {
                return Err(CallbackError::Malformed(
                    "the body is not an object".to_owned(),
                ));
            }
            value
        } else {
            let params = parse_query(query).map_err(CallbackError::Malformed)?;
            Value::Object(
                params
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            )
        };
        self.report(&message, "NOTIFY")
    }

    fn acknowledge(&self, ack: CallbackAck) -> CallbackReply {
        let (status, code, text) = match ack {
            CallbackAck::Accepted => (200, "00", "Đã ghi nhận giao dịch"),
            CallbackAck::AlreadyConfirmed => (200, "02", "Giao dịch đã được ghi nhận trước đó"),
            CallbackAck::UnknownOrder => (400, "01", "Không tìm thấy giao dịch"),
            CallbackAck::WrongAmount => (400, "04", "Số tiền không khớp"),
            CallbackAck::BadSignature => (400, "97", "Sai mã xác thực"),
            CallbackAck::Malformed => (400, "99", "Bản tin không hợp lệ"),
            CallbackAck::Failed => (503, "99", "Chưa ghi nhận được, vui lòng gửi lại"),
        };
        CallbackReply {
            status,
            content_type: "application/json",
            body: json!({"MaLoi": code, "MoTa": text}).to_string(),
        }
    }

    fn query<'a>(
        &'a self,
        q: &'a PaymentQuery,
    ) -> BoxFuture<'a, Result<GatewayReport, PaymentError>> {
        Box::pin(async move {
            let message = self.query_message(q);
            self.caller
                .post_json(
                    "query",
                    &self.message_url,
                    || message.clone(),
                    Repeat::Idempotent,
                    |status, body| {
                        let (value, code, text) = answer(status, body)?;
                        match code.as_str() {
                            "0" => self.report(&value, "QUERY").map_err(|e| match e {
                                CallbackError::BadSignature => PaymentError::BadSignature,
                                CallbackError::Malformed(m) => PaymentError::Protocol(m),
                            }),
                            "5" => Ok(GatewayReport {
                                reference: q.reference.clone(),
                                gateway_transaction: None,
                                amount_vnd: 0,
                                outcome: GatewayOutcome::NotFound,
                                bank_code: None,
                                paid_at: None,
                            }),
                            _ => Err(refusal(code, text)),
                        }
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
                    &self.message_url,
                    || message.clone(),
                    Repeat::Once,
                    |status, body| {
                        let (value, code, text) = answer(status, body)?;
                        match code.as_str() {
                            "1" | "2" | "3" => Err(refusal(code, text)),
                            _ => Ok(RefundReport {
                                refund_reference: r.refund_reference.clone(),
                                accepted: code == "0",
                                gateway_transaction: Some(wire::field(&value, "MaGiaoDichHoan"))
                                    .filter(|s| !s.is_empty()),
                                code,
                                message: text,
                            }),
                        }
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

    fn client() -> PayGov {
        PayGov::new(PayGovConfig::new(
            "http://127.0.0.1:9/paygov",
            "MOTCUA01",
            "sandbox-paygov-secret",
        ))
        .expect("a valid configuration")
    }

    fn order() -> PaymentOrder {
        PaymentOrder {
            reference: "HS2603090001P1".to_owned(),
            amount_vnd: 150_000,
            description: "Lệ phí đăng ký khai sinh".to_owned(),
            dossier_code: "000.00.15.H27-260309-0001".to_owned(),
            procedure_code: "1.001193".to_owned(),
            agency_code: "000.00.15.H27".to_owned(),
            payer_name: "Nguyễn Văn An".to_owned(),
            payer_ip: "203.0.113.7".to_owned(),
            return_url: "http://127.0.0.1:8080/payments/return".to_owned(),
            callback_url: "http://127.0.0.1:8080/payments/paygov/callback".to_owned(),
            created_at: datetime!(2026-03-09 02:30:05 UTC),
            language: "vi".to_owned(),
        }
    }

    #[test]
    fn the_init_message_carries_the_documented_checksum() {
        let message = client().init_message(&order());
        assert_eq!(message["ThoiGianGD"], "20260309093005");
        assert_eq!(message["NgonNgu"], "vi-VN");
        assert_eq!(
            message["ThongTinBienLai"]["MaHoSo"],
            "000.00.15.H27-260309-0001"
        );
        // The vector of wire::tests, computed independently.
        assert_eq!(
            message["MaXacThuc"],
            "2b6ad52a1d978e16d5f4b637011ffa9a31f82bfd732059c471e56e8598c591cd"
        );
    }

    #[test]
    fn the_query_message_carries_the_reference_checksum() {
        let message = client().query_message(&PaymentQuery {
            reference: "HS2603090001P1".to_owned(),
            created_at: datetime!(2026-03-09 02:30:05 UTC),
            payer_ip: "203.0.113.7".to_owned(),
        });
        assert_eq!(
            message["MaXacThuc"],
            "dac02337fd291a3355875df083b3b0640867da820ae8dcb7831a808c5a4feae2"
        );
    }

    fn notify() -> Value {
        json!({
            "LoaiBanTin": "NOTIFY", "MaLoi": "00", "MaDoiTac": "MOTCUA01",
            "MaThamChieu": "HS2603090001P1", "SoTien": 150000, "MaTienTe": "VND",
            "MaGiaoDich": "PG14000001", "MaNganHang": "NCB", "ThoiGianGD": "20260309093512",
            "ThongTinGiaoDich": "Lệ phí đăng ký khai sinh",
            "MaXacThuc": "34af9f0d09c5b08e2d7d677438da972ec5c9b04094d59724d57230c1c5a8a6af"
        })
    }

    #[test]
    fn a_signed_callback_reads_as_paid() {
        let body = notify().to_string();
        let report = client()
            .read_callback("", body.as_bytes())
            .expect("a valid callback");
        assert_eq!(
            report,
            GatewayReport {
                reference: "HS2603090001P1".to_owned(),
                gateway_transaction: Some("PG14000001".to_owned()),
                amount_vnd: 150_000,
                outcome: GatewayOutcome::Paid,
                bank_code: Some("NCB".to_owned()),
                paid_at: Some(datetime!(2026-03-09 02:35:12 UTC)),
            }
        );
    }

    #[test]
    fn the_same_fields_in_a_query_string_read_the_same() {
        let n = notify();
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                n.as_object()
                    .expect("an object")
                    .keys()
                    .map(|k| (k.clone(), wire::field(&n, k))),
            )
            .finish();
        let from_query = client().read_callback(&query, b"").expect("valid");
        let from_body = client()
            .read_callback("", n.to_string().as_bytes())
            .expect("valid");
        assert_eq!(from_query, from_body);
    }

    #[test]
    fn an_altered_amount_breaks_the_checksum() {
        let mut message = notify();
        message["SoTien"] = json!(1000);
        assert_eq!(
            client().read_callback("", message.to_string().as_bytes()),
            Err(CallbackError::BadSignature)
        );
    }

    #[test]
    fn a_callback_without_checksum_is_malformed() {
        let mut message = notify();
        message["MaXacThuc"] = Value::Null;
        assert!(matches!(
            client().read_callback("", message.to_string().as_bytes()),
            Err(CallbackError::Malformed(_))
        ));
    }

    #[test]
    fn the_secret_shows_neither_in_the_configuration_nor_in_the_client() {
        let config = PayGovConfig::new("http://127.0.0.1:9/paygov", "MOTCUA01", "s3cret-paygov");
        let shown = format!(
            "{config:?} {:?}",
            PayGov::new(config.clone()).expect("valid")
        );
        assert!(!shown.contains("s3cret-paygov"), "{shown}");
        assert!(shown.contains("MOTCUA01"), "{shown}");
    }

    #[test]
    fn the_acknowledgements_follow_the_documented_codes() {
        let c = client();
        let ok = c.acknowledge(CallbackAck::Accepted);
        assert_eq!(ok.status, 200);
        assert!(ok.body.contains("\"MaLoi\":\"00\""));
        assert_eq!(c.acknowledge(CallbackAck::Failed).status, 503);
        assert!(c.acknowledge(CallbackAck::BadSignature).body.contains("97"));
    }
}
