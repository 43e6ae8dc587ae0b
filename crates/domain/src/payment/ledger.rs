//! The life of one payment: an intent, a transaction at a gateway, the gateway's signed reports
//! (callbacks, the browser's return, reconciliation queries) and refunds. States only move
//! forward, and a report that was already applied changes nothing, so a replayed, duplicated or
//! late callback can never pay twice or undo a payment (DESIGN §6; Decree 11/2020/NĐ-CP on
//! the State Treasury's electronic collections, which requires each collection to be recorded
//! once against its reference).

use std::fmt;

/// How the money came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentChannel {
    /// The national payment platform of the national public service portal (PayGov).
    PayGov,
    /// VNPay.
    VnPay,
    /// Cash at the one-stop counter.
    Cash,
    /// A card terminal (POS) at the counter.
    CardTerminal,
}

impl PaymentChannel {
    /// Every channel, online ones first.
    pub const ALL: [PaymentChannel; 4] = [
        PaymentChannel::PayGov,
        PaymentChannel::VnPay,
        PaymentChannel::Cash,
        PaymentChannel::CardTerminal,
    ];

    /// Stable text form used in storage, URLs and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentChannel::PayGov => "paygov",
            PaymentChannel::VnPay => "vnpay",
            PaymentChannel::Cash => "cash",
            PaymentChannel::CardTerminal => "card_terminal",
        }
    }

    /// Parses the text form produced by [`PaymentChannel::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether the payment goes through an online gateway (what the province's "online
    /// payment" figure counts).
    pub fn is_online(self) -> bool {
        matches!(self, PaymentChannel::PayGov | PaymentChannel::VnPay)
    }
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaymentStatus {
    /// Recorded by motcua; the gateway has not been reached yet.
    Created,
    /// The gateway opened a transaction; the payer is at its page or it is being settled.
    Pending,
    /// The gateway declined it or it expired: no money moved.
    Failed,
    /// The payer cancelled at the gateway.
    Cancelled,
    /// Paid: the money was collected.
    Paid,
    /// Paid, then refunded in full.
    Refunded,
}

impl PaymentStatus {
    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Created => "created",
            PaymentStatus::Pending => "pending",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Refunded => "refunded",
        }
    }

    /// Parses the text form produced by [`PaymentStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            PaymentStatus::Created,
            PaymentStatus::Pending,
            PaymentStatus::Failed,
            PaymentStatus::Cancelled,
            PaymentStatus::Paid,
            PaymentStatus::Refunded,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    /// Whether a gateway may still report on it (reconciliation asks about these).
    pub fn is_open(self) -> bool {
        matches!(self, PaymentStatus::Created | PaymentStatus::Pending)
    }

    /// Whether money was collected (and not wholly returned).
    pub fn is_paid(self) -> bool {
        self == PaymentStatus::Paid
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a gateway said about a transaction, once its signature was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewaySays {
    /// Still in progress.
    Pending,
    /// Paid this amount.
    Paid {
        /// Amount in VND as the gateway reports it.
        amount_vnd: i64,
    },
    /// Declined, with the gateway's code.
    Failed {
        /// The gateway's code.
        code: String,
    },
    /// The payer cancelled.
    Cancelled,
    /// The gateway does not know the transaction (the payer never reached it).
    Unknown,
}

/// What to do with a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Move the payment to this status.
    Move(PaymentStatus),
    /// The report was already applied or says nothing new: change nothing, answer "confirmed".
    Unchanged,
    /// The report contradicts the ledger: change nothing and keep it for an officer.
    Refused(Contradiction),
}

/// A report that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contradiction {
    /// The gateway reports a different amount from the one asked for.
    WrongAmount {
        /// What motcua asked for.
        expected_vnd: i64,
        /// What the gateway says was paid.
        reported_vnd: i64,
    },
    /// The report would move the payment backwards (e.g. "failed" after "paid").
    Backwards {
        /// Where the payment stands.
        from: PaymentStatus,
        /// What the report says.
        to: PaymentStatus,
    },
}

impl fmt::Display for Contradiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Contradiction::WrongAmount {
                expected_vnd,
                reported_vnd,
            } => write!(f, "amount {reported_vnd} reported, {expected_vnd} expected"),
            Contradiction::Backwards { from, to } => write!(f, "{to} reported after {from}"),
        }
    }
}

/// Decides what a verified gateway report does to a payment of `expected_vnd` that stands at
/// `status`.
///
/// "Paid" outranks "failed" and "cancelled": a gateway that collected the money after first
/// declining (a late bank confirmation) is believed, because losing a citizen's payment is worse
/// than reopening a closed intent. Nothing moves a paid payment back except a refund.
pub fn on_report(status: PaymentStatus, expected_vnd: i64, report: &GatewaySays) -> Step {
    use PaymentStatus as S;
    let target = match report {
        GatewaySays::Unknown => return Step::Unchanged,
        GatewaySays::Pending => S::Pending,
        GatewaySays::Paid { amount_vnd } => {
            if *amount_vnd != expected_vnd {
                return Step::Refused(Contradiction::WrongAmount {
                    expected_vnd,
                    reported_vnd: *amount_vnd,
                });
            }
            S::Paid
        }
        GatewaySays::Failed { .. } => S::Failed,
        GatewaySays::Cancelled => S::Cancelled,
    };
    if target == status {
        return Step::Unchanged;
    }
    match (status, target) {
        (S::Created, _) => Step::Move(target),
        (S::Pending, S::Pending) => Step::Unchanged,
        (S::Pending, _) => Step::Move(target),
        // A late success after a decline or a cancellation: believed (see above).
        (S::Failed | S::Cancelled, S::Paid) => Step::Move(S::Paid),
        // A stale "pending" after the outcome is known says nothing new.
        (_, S::Pending) => Step::Unchanged,
        (from, to) => Step::Refused(Contradiction::Backwards { from, to }),
    }
}

/// A refund that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundRefusal {
    /// Only paid payments are refunded.
    #[error("only a paid payment can be refunded (it is {0})")]
    NotPaid(PaymentStatus),
    /// The amount is not positive or exceeds what is left.
    #[error("the refund must be between 1 and {left} VND")]
    Amount {
        /// What can still be refunded.
        left: i64,
    },
    /// The reason is empty.
    #[error("a refund needs a reason")]
    NoReason,
}

/// The result of a refund: the new refunded total and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refunded {
    /// Refunded so far, including this one.
    pub refunded_vnd: i64,
    /// `Refunded` when nothing is left, else still `Paid`.
    pub status: PaymentStatus,
}

/// Checks a refund of `amount_vnd` on a payment of `paid_vnd` of which `refunded_vnd` already
/// went back (Law on Fees and Charges 97/2015/QH13, Art. 17: fees collected wrongly are
/// returned; a refund never exceeds what was paid).
pub fn refund(
    status: PaymentStatus,
    paid_vnd: i64,
    refunded_vnd: i64,
    amount_vnd: i64,
    reason: &str,
) -> Result<Refunded, RefundRefusal> {
    if status != PaymentStatus::Paid {
        return Err(RefundRefusal::NotPaid(status));
    }
    if reason.trim().is_empty() {
        return Err(RefundRefusal::NoReason);
    }
    let left = paid_vnd.saturating_sub(refunded_vnd);
    if amount_vnd <= 0 || amount_vnd > left {
        return Err(RefundRefusal::Amount { left });
    }
    let total = refunded_vnd + amount_vnd;
    Ok(Refunded {
        refunded_vnd: total,
        status: if total == paid_vnd {
            PaymentStatus::Refunded
        } else {
            PaymentStatus::Paid
        },
    })
}

#[cfg(test)]
mod tests;
