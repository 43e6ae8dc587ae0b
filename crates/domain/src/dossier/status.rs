//! The statuses of a dossier, with the numeric codes and the codes of the national public service
//! portal (DVCQG) that reports and synchronisation use, so every layer names a status the same way.

use serde::{Deserialize, Serialize};

/// Where a dossier stands in the one-stop process (trạng thái hồ sơ).
///
/// The numeric codes and the DVCQG codes are those the national portal uses when provinces
/// synchronise dossiers (the same as OpenCPS `DossierStatus`); the transfer to another agency
/// (liên thông) has a DVCQG code but no numeric code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 1 Mới đăng ký: submitted online (or registered at the counter), not yet accepted.
    Submitted,
    /// 2 Được tiếp nhận: accepted, with a receipt and appointment date (Form 01).
    Accepted,
    /// 3 Không được tiếp nhận: refused at intake (Form 03).
    Refused,
    /// 4 Đang xử lý: being processed.
    Processing,
    /// 5 Yêu cầu bổ sung: the applicant must complete the papers (Form 02); the clock stops.
    SupplementRequested,
    /// 6 Nghĩa vụ tài chính: waiting for the applicant to pay fees or other financial obligations.
    AwaitingFees,
    /// 7 Công dân rút hồ sơ: withdrawn by the applicant.
    Withdrawn,
    /// 8 Dừng xử lý: processing stopped (Form 05 of Circular 03/2025/TT-VPCP).
    Stopped,
    /// 9 Đã xử lý xong: the result is ready to be returned.
    ResultReady,
    /// 10 Đã trả kết quả: the result was returned to the applicant.
    Returned,
    /// Liên thông: sent to another agency for its part of an inter-agency procedure.
    Transferred,
}

impl Status {
    /// Every status, in code order (the transfer last).
    pub const ALL: [Status; 11] = [
        Status::Submitted,
        Status::Accepted,
        Status::Refused,
        Status::Processing,
        Status::SupplementRequested,
        Status::AwaitingFees,
        Status::Withdrawn,
        Status::Stopped,
        Status::ResultReady,
        Status::Returned,
        Status::Transferred,
    ];

    /// The statuses of dossiers still being worked on or waiting to be collected: every status
    /// but the terminal ones, in code order. They fill the officers' inbox.
    pub const OPEN: [Status; 7] = [
        Status::Submitted,
        Status::Accepted,
        Status::Processing,
        Status::SupplementRequested,
        Status::AwaitingFees,
        Status::ResultReady,
        Status::Transferred,
    ];

    /// Stable text form used in storage, URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Refused => "refused",
            Status::Processing => "processing",
            Status::SupplementRequested => "supplement_requested",
            Status::AwaitingFees => "awaiting_fees",
            Status::Withdrawn => "withdrawn",
            Status::Stopped => "stopped",
            Status::ResultReady => "result_ready",
            Status::Returned => "returned",
            Status::Transferred => "transferred",
        }
    }

    /// Parses the text form produced by [`Status::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// The numeric code (1–10) of the national portal; `None` for the transfer, which has none.
    pub fn code(self) -> Option<u8> {
        match self {
            Status::Submitted => Some(1),
            Status::Accepted => Some(2),
            Status::Refused => Some(3),
            Status::Processing => Some(4),
            Status::SupplementRequested => Some(5),
            Status::AwaitingFees => Some(6),
            Status::Withdrawn => Some(7),
            Status::Stopped => Some(8),
            Status::ResultReady => Some(9),
            Status::Returned => Some(10),
            Status::Transferred => None,
        }
    }

    /// The status with a numeric code, if any.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.code() == Some(code))
    }

    /// The status code of the national public service portal (DVCQG / OpenCPS).
    pub fn dvcqg_code(self) -> &'static str {
        match self {
            Status::Submitted => "receiving",
            Status::Accepted => "new",
            Status::Refused => "denied",
            Status::Processing => "processing",
            Status::SupplementRequested => "waiting",
            Status::AwaitingFees => "paying",
            Status::Withdrawn => "cancelled",
            Status::Stopped => "unresolved",
            Status::ResultReady => "releasing",
            Status::Returned => "done",
            Status::Transferred => "interoperating",
        }
    }

    /// The status with a DVCQG code, if any.
    pub fn from_dvcqg_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.dvcqg_code() == code)
    }

    /// Whether nothing can happen to the dossier any more: refused, withdrawn, stopped or
    /// returned. A dossier whose result is ready still waits for the return.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Refused | Status::Withdrawn | Status::Stopped | Status::Returned
        )
    }

    /// Whether reaching this status ends processing for the on-time rule of Decision 766/QĐ-TTg
    /// (indicator 2.1): the end of processing is the first of result ready (9), result returned
    /// (10), stopped (8), refused (3) or withdrawn (7).
    pub fn ends_processing(self) -> bool {
        matches!(
            self,
            Status::ResultReady
                | Status::Returned
                | Status::Stopped
                | Status::Refused
                | Status::Withdrawn
        )
    }

    /// A short English description for messages ("being processed").
    pub fn describe(self) -> &'static str {
        match self {
            Status::Submitted => "awaiting acceptance",
            Status::Accepted => "accepted and not yet assigned",
            Status::Refused => "refused at intake",
            Status::Processing => "being processed",
            Status::SupplementRequested => "waiting for the applicant to complete the papers",
            Status::AwaitingFees => "waiting for fees",
            Status::Withdrawn => "withdrawn",
            Status::Stopped => "stopped",
            Status::ResultReady => "ready for return",
            Status::Returned => "returned",
            Status::Transferred => "with another agency",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
