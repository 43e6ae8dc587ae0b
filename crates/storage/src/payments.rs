//! The payment ledger (DESIGN §6): payments of a dossier's fees, the gateways' reports as they
//! arrived, and refunds. This module only stores; which report moves a payment where is decided
//! by `domain::payment::ledger`, and every status change here is a guarded update on the status
//! the caller read, so two callbacks racing each other cannot both apply.

use domain::payment::ledger::{PaymentChannel, PaymentStatus};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, Tx, exec_db, exec_tx, on_db};

/// A payment to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// Our reference, unique, sent to the gateway.
    pub reference: String,
    /// The dossier whose fees it pays.
    pub dossier_code: String,
    /// How.
    pub channel: PaymentChannel,
    /// How much, in VND.
    pub amount_vnd: i64,
    /// `Created` for an online intent, `Paid` for money taken at the counter.
    pub status: PaymentStatus,
    /// The pay form's one-time token (online) so that a double click makes one payment.
    pub intent_token: Option<String>,
    /// Random key for the receipt's QR code.
    pub receipt_key: String,
    /// The officer who took a counter payment.
    pub recorded_by: Option<String>,
    /// The paper receipt's number, for a counter payment.
    pub receipt_number: Option<String>,
    /// When it was paid, for counter payments.
    pub paid_at: Option<OffsetDateTime>,
}

/// A payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPayment {
    /// Our reference.
    pub reference: String,
    /// The dossier.
    pub dossier_code: String,
    /// How.
    pub channel: PaymentChannel,
    /// Amount asked, in VND.
    pub amount_vnd: i64,
    /// Where it stands.
    pub status: PaymentStatus,
    /// The gateway's own transaction number once known, or the paper receipt's number for a
    /// counter payment.
    pub gateway_transaction: Option<String>,
    /// The gateway page the payer was sent to.
    pub gateway_url: Option<String>,
    /// The payer's bank, as the gateway reports it.
    pub bank_code: Option<String>,
    /// Refunded so far, in VND.
    pub refunded_vnd: i64,
    /// Key printed in the receipt's QR code.
    pub receipt_key: String,
    /// The officer who took a counter payment.
    pub recorded_by: Option<String>,
    /// When the intent was made.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// When the money was collected.
    pub paid_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    reference: String,
    dossier_code: String,
    channel: String,
    amount_vnd: i64,
    status: String,
    gateway_transaction: Option<String>,
    gateway_url: Option<String>,
    bank_code: Option<String>,
    refunded_vnd: i64,
    receipt_key: String,
    recorded_by: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    paid_at: Option<OffsetDateTime>,
}

impl TryFrom<PaymentRow> for StoredPayment {
    type Error = StorageError;

    fn try_from(r: PaymentRow) -> Result<Self, StorageError> {
        Ok(StoredPayment {
            channel: PaymentChannel::parse(&r.channel)
                .ok_or_else(|| StorageError::Corrupt(format!("payment channel {:?}", r.channel)))?,
            status: PaymentStatus::parse(&r.status)
                .ok_or_else(|| StorageError::Corrupt(format!("payment status {:?}", r.status)))?,
            reference: r.reference,
            dossier_code: r.dossier_code,
            amount_vnd: r.amount_vnd,
            gateway_transaction: r.gateway_transaction,
            gateway_url: r.gateway_url,
            bank_code: r.bank_code,
            refunded_vnd: r.refunded_vnd,
            receipt_key: r.receipt_key,
            recorded_by: r.recorded_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            paid_at: r.paid_at,
        })
    }
}

/// The outcome of recording an intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// A new payment.
    New(StoredPayment),
    /// The same intent token was already used: the earlier payment (a double click).
    Existing(StoredPayment),
}

/// A status change decided by the ledger rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentChange {
    /// The status the caller read: the update applies only if it still stands.
    pub from: PaymentStatus,
    /// The new status.
    pub to: PaymentStatus,
    /// The gateway's transaction number, if it gave one.
    pub gateway_transaction: Option<String>,
    /// The payer's bank, if known.
    pub bank_code: Option<String>,
    /// When the money was collected, for a move to `Paid`.
    pub paid_at: Option<OffsetDateTime>,
}

/// One report or action on the ledger, kept whatever its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPaymentEvent {
    /// The payment, when the report names one motcua knows.
    pub reference: Option<String>,
    /// The channel it came through.
    pub channel: PaymentChannel,
    /// `start`, `callback`, `return`, `query`, `counter` or `refund`.
    pub source: &'static str,
    /// `applied`, `unchanged`, `bad_signature`, `malformed`, `wrong_amount`, `backwards`,
    /// `unknown_payment` or `error`.
    pub verdict: &'static str,
    /// What was reported, without personal data.
    pub detail: String,
}

/// A report or action as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredPaymentEvent {
    /// The payment, if known.
    pub reference: Option<String>,
    /// Channel name.
    pub channel: String,
    /// Where it came from.
    pub source: String,
    /// What was done with it.
    pub verdict: String,
    /// What was reported.
    pub detail: String,
    /// When.
    pub at: OffsetDateTime,
}

/// A refund as asked and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    /// Our reference for the refund.
    pub refund_reference: String,
    /// The payment refunded.
    pub payment_reference: String,
    /// Amount, in VND.
    pub amount_vnd: i64,
    /// Why.
    pub reason: String,
    /// The officer.
    pub requested_by: String,
    /// Whether the gateway (or the counter) accepted it.
    pub accepted: bool,
    /// The gateway's answer.
    pub message: String,
}

/// One paid payment with what reports group it by.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaidRow {
    /// Channel name.
    pub channel: String,
    /// Amount kept (paid less refunded), in VND.
    pub amount_vnd: i64,
    /// When it was paid.
    pub paid_at: OffsetDateTime,
    /// The dossier.
    pub dossier_code: String,
    /// Its procedure.
    pub procedure_code: String,
    /// The agency that settles it.
    pub agency_code: String,
}

/// Paid payments of one channel, procedure and agency, counted and summed by the database.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaidGroupRow {
    /// Channel name.
    pub channel: String,
    /// The procedure.
    pub procedure_code: String,
    /// The agency that settles it.
    pub agency_code: String,
    /// How many payments.
    pub payments: i64,
    /// Amount kept (paid less refunded), in VND.
    pub amount_vnd: i64,
}

const COLUMNS: &str = "reference, dossier_code, channel, amount_vnd, status, gateway_transaction, \
     gateway_url, bank_code, refunded_vnd, receipt_key, recorded_by, created_at, updated_at, paid_at";

/// The statement that writes a new payment `$p` at `$now`, for a pool or a transaction alike
/// (the engine macros expand it once per engine).
macro_rules! insert_payment {
    ($p:expr, $now:expr) => {
        sqlx::query(
            "insert into payment (reference, dossier_code, channel, amount_vnd, status, \
             intent_token, gateway_transaction, gateway_url, bank_code, refunded_vnd, receipt_key, \
             recorded_by, created_at, updated_at, paid_at) \
             values ($1, $2, $3, $4, $5, $6, $7, null, null, 0, $8, $9, $10, $10, $11)",
        )
        .bind(&$p.reference)
        .bind(&$p.dossier_code)
        .bind($p.channel.as_str())
        .bind($p.amount_vnd)
        .bind($p.status.as_str())
        .bind(&$p.intent_token)
        .bind(&$p.receipt_number)
        .bind(&$p.receipt_key)
        .bind(&$p.recorded_by)
        .bind($now)
        .bind($p.paid_at)
    };
}

impl Tx {
    /// Records payments in this transaction: money an officer took at the counter, written with
    /// the action that records it, so the dossier and the ledger never disagree.
    pub(crate) async fn insert_payments(
        &mut self,
        payments: &[NewPayment],
        now: OffsetDateTime,
    ) -> Result<(), StorageError> {
        for p in payments {
            exec_tx!(self, |c| insert_payment!(p, now).execute(c).await)?;
        }
        Ok(())
    }
}

impl Db {
    /// Records a payment. An online intent whose token was already used returns the earlier
    /// payment instead, so a double click on "Pay" makes one transaction.
    pub async fn record_payment(&self, p: &NewPayment) -> Result<Recorded, StorageError> {
        if let Some(token) = &p.intent_token
            && let Some(existing) = self.payment_by_intent(token).await?
        {
            return Ok(Recorded::Existing(existing));
        }
        let now = OffsetDateTime::now_utc();
        let inserted = exec_db!(self, |pool| insert_payment!(p, now).execute(pool).await);
        match inserted.map_err(StorageError::from) {
            Ok(_) => self
                .payment(&p.reference)
                .await?
                .map(Recorded::New)
                .ok_or_else(|| StorageError::Corrupt("payment vanished after insert".into())),
            // Two clicks at the same instant: the second insert loses on the token.
            Err(e) if e.is_unique_violation() => match &p.intent_token {
                Some(token) => self
                    .payment_by_intent(token)
                    .await?
                    .map(Recorded::Existing)
                    .ok_or(e),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    async fn payment_by_intent(&self, token: &str) -> Result<Option<StoredPayment>, StorageError> {
        let sql = format!("select {COLUMNS} from payment where intent_token = $1");
        let row: Option<PaymentRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(token)
                .fetch_optional(pool)
                .await
        })?;
        row.map(StoredPayment::try_from).transpose()
    }

    /// The payment with this reference.
    pub async fn payment(&self, reference: &str) -> Result<Option<StoredPayment>, StorageError> {
        let sql = format!("select {COLUMNS} from payment where reference = $1");
        let row: Option<PaymentRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(reference)
                .fetch_optional(pool)
                .await
        })?;
        row.map(StoredPayment::try_from).transpose()
    }

    /// The payments of a dossier, oldest first.
    pub async fn payments_of(
        &self,
        dossier_code: &str,
    ) -> Result<Vec<StoredPayment>, StorageError> {
        let sql = format!(
            "select {COLUMNS} from payment where dossier_code = $1 order by created_at, reference"
        );
        let rows: Vec<PaymentRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(dossier_code)
                .fetch_all(pool)
                .await
        })?;
        rows.into_iter().map(StoredPayment::try_from).collect()
    }

    /// Online payments still open (created or pending) that were made before `before`: what
    /// reconciliation asks the gateways about. At most `limit`, oldest first.
    pub async fn open_payments(
        &self,
        before: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<StoredPayment>, StorageError> {
        let sql = format!(
            "select {COLUMNS} from payment where status in ('created', 'pending') \
             and created_at < $1 order by created_at limit $2"
        );
        let rows: Vec<PaymentRow> = on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(before)
                .bind(limit)
                .fetch_all(pool)
                .await
        })?;
        rows.into_iter().map(StoredPayment::try_from).collect()
    }

    /// Applies a status change if the payment still stands at `change.from`; `false` when
    /// another report changed it first (the caller reads it again and re-decides).
    pub async fn change_payment(
        &self,
        reference: &str,
        change: &PaymentChange,
    ) -> Result<bool, StorageError> {
        let n = exec_db!(self, |pool| {
            sqlx::query(
                "update payment set status = $1, \
                 gateway_transaction = coalesce($2, gateway_transaction), \
                 bank_code = coalesce($3, bank_code), paid_at = coalesce($4, paid_at), updated_at = $5 \
                 where reference = $6 and status = $7",
            )
            .bind(change.to.as_str())
            .bind(&change.gateway_transaction)
            .bind(&change.bank_code)
            .bind(change.paid_at)
            .bind(OffsetDateTime::now_utc())
            .bind(reference)
            .bind(change.from.as_str())
            .execute(pool)
            .await
        })?;
        Ok(n == 1)
    }

    /// Records that the gateway opened its transaction: the intent becomes pending and a second
    /// click on "Pay" is sent to the same page. `false` when it was no longer `created` (a
    /// callback overtook the browser).
    pub async fn payment_started(
        &self,
        reference: &str,
        gateway_transaction: Option<&str>,
        gateway_url: &str,
    ) -> Result<bool, StorageError> {
        let n = exec_db!(self, |pool| {
            sqlx::query(
                "update payment set status = 'pending', gateway_url = $1, \
                 gateway_transaction = coalesce($2, gateway_transaction), updated_at = $3 \
                 where reference = $4 and status = 'created'",
            )
            .bind(gateway_url)
            .bind(gateway_transaction)
            .bind(OffsetDateTime::now_utc())
            .bind(reference)
            .execute(pool)
            .await
        })?;
        Ok(n == 1)
    }

    /// Keeps a report or action, whatever its verdict.
    pub async fn log_payment_event(&self, e: &NewPaymentEvent) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into payment_event (id, reference, channel, source, verdict, detail, at) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::now_v7())
            .bind(&e.reference)
            .bind(e.channel.as_str())
            .bind(e.source)
            .bind(e.verdict)
            .bind(&e.detail)
            .bind(OffsetDateTime::now_utc())
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// The reports and actions on one payment, oldest first.
    pub async fn payment_events(
        &self,
        reference: &str,
    ) -> Result<Vec<StoredPaymentEvent>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select reference, channel, source, verdict, detail, at from payment_event \
                 where reference = $1 order by at, id",
            )
            .bind(reference)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The reports refused for a bad signature or contradicting the ledger, newest first: what
    /// an operator looks at after an attack or a gateway fault.
    pub async fn refused_payment_events(
        &self,
        limit: i64,
    ) -> Result<Vec<StoredPaymentEvent>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select reference, channel, source, verdict, detail, at from payment_event \
                 where verdict in ('bad_signature', 'malformed', 'wrong_amount', 'backwards', 'unknown_payment') \
                 order by at desc limit $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Records a refund and, when it was accepted, adds it to the payment if the payment still
    /// has `refunded_before` refunded and stands at `from` (guarded like [`Db::change_payment`]).
    /// `false` when the payment changed in between.
    pub async fn record_refund(
        &self,
        refund: &NewRefund,
        from: PaymentStatus,
        refunded_before: i64,
        to: PaymentStatus,
    ) -> Result<bool, StorageError> {
        let mut tx = self.begin().await?;
        let now = OffsetDateTime::now_utc();
        if refund.accepted {
            let n = exec_tx!(&mut tx, |c| {
                sqlx::query(
                    "update payment set refunded_vnd = refunded_vnd + $1, status = $2, updated_at = $3 \
                     where reference = $4 and status = $5 and refunded_vnd = $6",
                )
                .bind(refund.amount_vnd)
                .bind(to.as_str())
                .bind(now)
                .bind(&refund.payment_reference)
                .bind(from.as_str())
                .bind(refunded_before)
                .execute(c)
                .await
            })?;
            if n != 1 {
                return Ok(false);
            }
        }
        exec_tx!(&mut tx, |c| {
            sqlx::query(
                "insert into payment_refund (refund_reference, payment_reference, amount_vnd, reason, \
                 requested_by, accepted, message, at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&refund.refund_reference)
            .bind(&refund.payment_reference)
            .bind(refund.amount_vnd)
            .bind(&refund.reason)
            .bind(&refund.requested_by)
            .bind(refund.accepted)
            .bind(&refund.message)
            .bind(now)
            .execute(c)
            .await
        })?;
        tx.commit().await?;
        Ok(true)
    }

    /// Paid payments (refunds subtracted) collected in `[from, to)`, with their dossier's
    /// procedure and agency: the rows of the payment report. Grouping is left to the caller so
    /// the SQL stays the same on both engines.
    pub async fn paid_payments(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<PaidRow>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select p.channel, p.amount_vnd - p.refunded_vnd as amount_vnd, p.paid_at, \
                 p.dossier_code, d.procedure_code, d.agency_code \
                 from payment p join dossier d on d.code = p.dossier_code \
                 where p.status in ('paid', 'refunded') and p.paid_at >= $1 and p.paid_at < $2 \
                 order by p.paid_at",
            )
            // In UTC, as stored: SQLite compares the times as text, so a bound given at
            // +07:00 (the report's year starts in Vietnam time) missed the first seven hours.
            .bind(crate::dossier::to_micros(from))
            .bind(crate::dossier::to_micros(to))
            .fetch_all(pool)
            .await
        })?)
    }

    /// Paid payments (refunds subtracted) collected in `[from, to)`, counted and summed per
    /// channel, procedure and agency in the database: the payment report asks one month at a
    /// time, so it never reads a year of rows. The status test is wrapped in `coalesce` so
    /// neither engine walks the status index (nearly every payment is paid: it selects little)
    /// instead of the `paid_at` range; SQLite did, and read every paid payment twelve times.
    pub async fn paid_payment_groups(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<PaidGroupRow>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select p.channel, d.procedure_code, d.agency_code, count(*) as payments, \
                 cast(sum(p.amount_vnd - p.refunded_vnd) as bigint) as amount_vnd \
                 from payment p join dossier d on d.code = p.dossier_code \
                 where coalesce(p.status, '') in ('paid', 'refunded') \
                 and p.paid_at >= $1 and p.paid_at < $2 \
                 group by p.channel, d.procedure_code, d.agency_code",
            )
            .bind(crate::dossier::to_micros(from))
            .bind(crate::dossier::to_micros(to))
            .fetch_all(pool)
            .await
        })?)
    }

    /// Dossiers with a payment kept in `[from, to)`, and of those the dossiers with one through
    /// a channel of `online`: the share of fee-bearing dossiers paid online.
    pub async fn paying_dossiers(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        online: &[&str],
    ) -> Result<(i64, i64), StorageError> {
        // $3… hold the online channel names; with none, nothing counts as online.
        let list = if online.is_empty() {
            "null".to_owned()
        } else {
            (0..online.len())
                .map(|i| format!("${}", i + 3))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sql = format!(
            "select count(distinct dossier_code), \
             count(distinct case when channel in ({list}) then dossier_code end) \
             from payment where coalesce(status, '') in ('paid', 'refunded') \
             and paid_at >= $1 and paid_at < $2"
        );
        Ok(on_db!(self, |pool| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(crate::dossier::to_micros(from))
                .bind(crate::dossier::to_micros(to));
            for channel in online {
                q = q.bind(*channel);
            }
            q.fetch_one(pool).await
        })?)
    }
}
