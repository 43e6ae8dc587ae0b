//! A payment gateway simulator speaking both protocols motcua uses, on the sandbox's port: the
//! national payment platform (PayGov, under `/paygov`) and VNPay 2.1.0 (under `/vnpay`), with a
//! real payment page where test cards succeed or fail, signed returns and server-to-server
//! callbacks, queries answered from an in-memory ledger, and refunds. The wire formats are the
//! ones documented in `integrations::payment::paygov::wire` and
//! `integrations::payment::vnpay::wire`, whose checksum code the simulator shares with the
//! clients ([`sign`] says why and what stays the sandbox's own).
//!
//! # Endpoints
//!
//! | path | what |
//! |---|---|
//! | `POST /paygov/api/v1/bantin` | PayGov messages: INIT, QUERY, REFUND |
//! | `GET, POST /paygov/thanh-toan/{n}` | PayGov's payment page (`UrlThanhToan`) |
//! | `GET /vnpay/paymentv2/vpcpay.html?vnp_…` | VNPay's payment URL: checks the hash, shows the page |
//! | `GET, POST /vnpay/paymentv2/thanh-toan/{n}` | the same page, where its form posts |
//! | `POST /vnpay/merchant_webapi/api/transaction` | VNPay `querydr` and `refund` |
//!
//! The client configuration for a sandbox at `http://127.0.0.1:8090` is PayGov endpoint
//! `http://127.0.0.1:8090/paygov`, partner `MOTCUA01`, secret `sandbox-paygov-secret`; VNPay
//! payment URL `http://127.0.0.1:8090/vnpay/paymentv2/vpcpay.html`, API URL
//! `http://127.0.0.1:8090/vnpay/merchant_webapi/api/transaction`, terminal `MOTCUA01`, hash
//! secret `sandbox-vnpay-secret` (all in [`crate::Options`]).
//!
//! # The payment page
//!
//! An HTML page in Vietnamese, without JavaScript, listing the [`TEST_CARDS`]: one approved,
//! one declined for insufficient funds (PayGov `MaLoi` 51, VNPay `vnp_ResponseCode` 51), one
//! expired (PayGov 54; VNPay has no code for it and answers 99, "other error"), and a button
//! that cancels (PayGov 17, VNPay 24). Posting it settles the transaction, sends the browser
//! (303) to the return URL with the signed result, and sends the callback: PayGov posts the
//! NOTIFY message to the INIT's `UrlThongBao` (or [`crate::Options::paygov_callback_url`] when
//! the INIT has none); VNPay calls its IPN URL, set per merchant
//! ([`crate::Options::vnpay_ipn_url`]), with a GET. A transaction already settled sends the
//! browser back with the same result and no new callback.
//!
//! # Switches (`/_sandbox/payments`, no authentication)
//!
//! - `POST /_sandbox/payments/callbacks?mode=normal|delayed|duplicated|lost|bad-signature`
//!   (`&seconds=N` for `delayed`, default 5): how callbacks of the following payments are sent:
//!   at once; after N seconds; twice; never (only a query reveals the outcome); with a
//!   corrupted checksum (the browser's return stays correct).
//! - `POST /_sandbox/payments/down`, `…/up`: the APIs (PayGov messages, VNPay merchant API)
//!   answer 503, or answer again.
//! - `POST /_sandbox/payments/reset`: normal callbacks, up, API call counter at zero; the ledger
//!   is kept.
//! - `GET /_sandbox/payments`: the switches, the API call counter and every transaction with
//!   its refunds and each callback delivery (HTTP status and answer).
//! - `GET /_sandbox/payments/{paygov|vnpay}/{reference}`: one transaction.

mod control;
mod deliver;
pub(crate) mod page;
mod paygov;
mod settled;
pub(crate) mod sign;
mod vnpay;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::{format_description, offset};

pub(crate) use control::router as control_router;

/// Path of PayGov's messages (INIT, QUERY, REFUND).
pub const PAYGOV_MESSAGE_PATH: &str = "/paygov/api/v1/bantin";
/// Base of PayGov's endpoint (configure the client with `{sandbox}{PAYGOV_ENDPOINT_PATH}`).
pub const PAYGOV_ENDPOINT_PATH: &str = "/paygov";
/// VNPay's payment URL.
pub const VNPAY_PAYMENT_PATH: &str = "/vnpay/paymentv2/vpcpay.html";
/// VNPay's merchant web API (querydr, refund).
pub const VNPAY_API_PATH: &str = "/vnpay/merchant_webapi/api/transaction";

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardOutcome {
    /// The payment succeeds.
    Approved,
    /// Declined: insufficient funds.
    InsufficientFunds,
    /// Declined: the card has expired.
    Expired,
}

/// A card the payment page accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TestCard {
    /// The card number, typed or chosen on the page.
    pub number: &'static str,
    /// The name on the card.
    pub holder: &'static str,
    /// The issuing bank's code (`MaNganHang`, `vnp_BankCode`).
    pub bank: &'static str,
    /// The issue date printed on the card.
    pub issued: &'static str,
    /// What paying with it does.
    pub outcome: CardOutcome,
}

/// The test cards: approved, insufficient funds, expired (the numbers of VNPay's public test
/// environment, so they look familiar).
pub const TEST_CARDS: [TestCard; 3] = [
    TestCard {
        number: "9704198526191432198",
        holder: "NGUYEN VAN A",
        bank: "NCB",
        issued: "07/15",
        outcome: CardOutcome::Approved,
    },
    TestCard {
        number: "9704195798459170488",
        holder: "NGUYEN VAN A",
        bank: "NCB",
        issued: "07/15",
        outcome: CardOutcome::InsufficientFunds,
    },
    TestCard {
        number: "9704194841945513",
        holder: "NGUYEN VAN A",
        bank: "NCB",
        issued: "07/15",
        outcome: CardOutcome::Expired,
    },
];

/// Which protocol a transaction speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Gateway {
    PayGov,
    VnPay,
}

impl Gateway {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "paygov" => Some(Gateway::PayGov),
            "vnpay" => Some(Gateway::VnPay),
            _ => None,
        }
    }

    /// Where the page of transaction `no` is.
    pub fn page_path(self, no: u64) -> String {
        match self {
            Gateway::PayGov => format!("/paygov/thanh-toan/{no}"),
            Gateway::VnPay => format!("/vnpay/paymentv2/thanh-toan/{no}"),
        }
    }
}

/// Where a transaction stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum Status {
    /// Opened, the payer has not finished.
    Pending,
    /// Paid with `bank`'s card at `at` (yyyyMMddHHmmss).
    Paid { bank: String, at: String },
    /// Declined (`reason` says which card outcome).
    Declined {
        bank: String,
        at: String,
        reason: CardOutcome,
    },
    /// Cancelled by the payer.
    Cancelled { at: String },
}

/// A refund given.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Refund {
    pub reference: String,
    pub no: u64,
    pub amount: i64,
    pub full: bool,
    pub at: String,
    /// The answer given, repeated for the same reference.
    pub answer: serde_json::Value,
}

/// One attempt to deliver a callback.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Delivery {
    pub url: String,
    pub correct_signature: bool,
    /// HTTP status of motcua's answer; none when no answer came.
    pub status: Option<u16>,
    /// The answer's body (or the error), at most 500 characters.
    pub answer: String,
}

/// A transaction of the ledger.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Txn {
    pub gateway: Gateway,
    /// The gateway's number (PayGov `MaGiaoDich` = `PG{no}`, VNPay `vnp_TransactionNo`).
    pub no: u64,
    pub reference: String,
    pub amount: i64,
    pub description: String,
    /// `ThoiGianGD` of the INIT, `vnp_CreateDate` of the URL, as received.
    pub created: String,
    pub payer_ip: String,
    pub return_url: String,
    pub callback_url: String,
    pub status: Status,
    pub refunds: Vec<Refund>,
    pub deliveries: Vec<Delivery>,
}

impl Txn {
    pub fn refunded(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount).sum()
    }
}

/// How callbacks are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub(crate) enum CallbackMode {
    Normal,
    Delayed { seconds: u64 },
    Duplicated,
    Lost,
    BadSignature,
}

/// The ledger of both gateways.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    next_no: u64,
    pub txns: Vec<Txn>,
    /// VNPay `vnp_RequestId`s seen (a repeated one is refused).
    pub request_ids: HashSet<String>,
    /// PayGov refunds by `MaHoanTien`, to repeat the first answer.
    pub paygov_refunds: HashMap<String, serde_json::Value>,
}

impl Ledger {
    /// The next transaction number (refunds take numbers too).
    pub fn number(&mut self) -> u64 {
        self.next_no += 1;
        14_000_000 + self.next_no
    }

    pub fn find(&mut self, gateway: Gateway, reference: &str) -> Option<&mut Txn> {
        self.txns
            .iter_mut()
            .find(|t| t.gateway == gateway && t.reference == reference)
    }

    pub fn by_no(&mut self, gateway: Gateway, no: u64) -> Option<&mut Txn> {
        self.txns
            .iter_mut()
            .find(|t| t.gateway == gateway && t.no == no)
    }
}

/// The simulated gateways' settings and state.
#[derive(Debug)]
pub(crate) struct Payments {
    /// The sandbox's own URL, for payment page links.
    pub base_url: String,
    pub paygov_partner_code: String,
    pub paygov_secret: String,
    pub paygov_callback_url: String,
    pub vnpay_tmn_code: String,
    pub vnpay_hash_secret: String,
    pub vnpay_ipn_url: String,
    pub ledger: Mutex<Ledger>,
    pub mode: Mutex<CallbackMode>,
    pub available: AtomicBool,
    pub api_calls: AtomicU64,
    pub http: reqwest::Client,
}

impl Payments {
    pub fn new(base_url: String, options: &crate::Options) -> Self {
        Self {
            base_url,
            paygov_partner_code: options.paygov_partner_code.clone(),
            paygov_secret: options.paygov_secret.clone(),
            paygov_callback_url: options.paygov_callback_url.clone(),
            vnpay_tmn_code: options.vnpay_tmn_code.clone(),
            vnpay_hash_secret: options.vnpay_hash_secret.clone(),
            vnpay_ipn_url: options.vnpay_ipn_url.clone(),
            ledger: Mutex::new(Ledger::default()),
            mode: Mutex::new(CallbackMode::Normal),
            available: AtomicBool::new(true),
            api_calls: AtomicU64::new(0),
            // Callbacks give up after 10 s, as a gateway would, and follow no redirect.
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }

    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        // A few plain values updated under the lock: still usable after a panic elsewhere.
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn mode(&self) -> CallbackMode {
        *self.mode.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_mode(&self, mode: CallbackMode) {
        *self.mode.lock().unwrap_or_else(PoisonError::into_inner) = mode;
    }

    /// Counts an API call and tells whether the APIs are switched on.
    pub fn api_gate(&self) -> bool {
        self.api_calls.fetch_add(1, Ordering::Relaxed);
        self.available.load(Ordering::Relaxed)
    }
}

/// The gateways' routes.
pub(crate) fn router(payments: Arc<Payments>) -> Router {
    Router::new()
        .route(PAYGOV_MESSAGE_PATH, post(paygov::message))
        .route(
            "/paygov/thanh-toan/{no}",
            get(page::show_paygov).post(page::submit_paygov),
        )
        .route(VNPAY_PAYMENT_PATH, get(vnpay::payment_url))
        .route(
            "/vnpay/paymentv2/thanh-toan/{no}",
            get(page::show_vnpay).post(page::submit_vnpay),
        )
        .route(VNPAY_API_PATH, post(vnpay::api))
        .with_state(payments)
}

const STAMP: &[BorrowedFormatItem<'_>] =
    format_description!("[year][month][day][hour][minute][second]");

/// Now as `yyyyMMddHHmmss` in Vietnam time (both gateways' format).
pub(crate) fn now_stamp() -> String {
    OffsetDateTime::now_utc()
        .to_offset(offset!(+7))
        .format(STAMP)
        .unwrap_or_default()
}

/// Whether `text` is a `yyyyMMddHHmmss` time.
pub(crate) fn is_stamp(text: &str) -> bool {
    time::PrimitiveDateTime::parse(text, STAMP).is_ok()
}

/// An order reference as both gateways accept it: `[A-Za-z0-9]{1,34}`.
pub(crate) fn is_reference(text: &str) -> bool {
    (1..=34).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}
