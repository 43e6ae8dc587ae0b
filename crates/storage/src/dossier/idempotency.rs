//! Idempotency keys of dossier writes: a request carrying a key is carried out once, and every
//! retry with the same key is answered with the first answer, so a client that lost an answer can
//! safely send again; a key reused for a different request is refused.

use time::OffsetDateTime;

use super::DossierWriteError;
use crate::StorageError;
use crate::db::{Db, Tx, exec_tx, on_db, on_tx};

/// The answer recorded for an idempotency key, replayed when the same request comes again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentResponse {
    /// HTTP status.
    pub status: u16,
    /// Body, usually JSON.
    pub body: String,
}

/// A request carrying an idempotency key (an `Idempotency-Key` header, or a token in a form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// Who the key belongs to (a client, a session, a form), so two clients never collide.
    pub scope: String,
    /// The key as sent.
    pub key: String,
    /// SHA-256 of the request, so the same key with a different request is refused.
    pub request_hash: Vec<u8>,
}

impl Tx {
    /// Claims an idempotency key for this transaction, or returns the answer recorded for it.
    ///
    /// The claim is an insert. Two creations with the same key meet in the same batch, where
    /// the second sees the first's claim and replays its answer, or in successive batches; an
    /// append on PostgreSQL with a key still being claimed elsewhere waits on the unique index
    /// until that commits, then replays (or claims the key if it rolled back). Checking first and
    /// inserting at the end would let both requests pass the check and the second fail on the key.
    pub(crate) async fn claim_idempotency(
        &mut self,
        idem: &Idempotency,
    ) -> Result<Option<IdempotentResponse>, DossierWriteError> {
        let claimed = exec_tx!(self, |c| {
            sqlx::query(
                "insert into idempotency_record (scope, key, request_hash, response_status, response_body, created_at) \
                 values ($1, $2, $3, 0, '', $4) on conflict (scope, key) do nothing",
            )
            .bind(&idem.scope)
            .bind(&idem.key)
            .bind(&idem.request_hash)
            .bind(OffsetDateTime::now_utc())
            .execute(c)
            .await
        })?;
        if claimed == 1 {
            return Ok(None);
        }
        let (hash, status, body): (Vec<u8>, i64, String) = on_tx!(self, |c| {
            sqlx::query_as(
                "select request_hash, response_status, response_body from idempotency_record \
                 where scope = $1 and key = $2",
            )
            .bind(&idem.scope)
            .bind(&idem.key)
            .fetch_one(c)
            .await
        })?;
        if hash != idem.request_hash {
            return Err(DossierWriteError::KeyReused);
        }
        Ok(Some(IdempotentResponse {
            status: u16::try_from(status).unwrap_or(500),
            body,
        }))
    }

    /// Deletes a claim made by [`Tx::claim_idempotency`] in this transaction whose creation was
    /// not kept, so a retry with the key is carried out instead of replaying an empty answer. A
    /// claim still without its answer (status 0) can only be this transaction's own: every
    /// committed claim has its answer.
    pub(crate) async fn withdraw_idempotency_claim(
        &mut self,
        idem: &Idempotency,
    ) -> Result<(), StorageError> {
        exec_tx!(self, |c| {
            sqlx::query(
                "delete from idempotency_record \
                 where scope = $1 and key = $2 and response_status = 0",
            )
            .bind(&idem.scope)
            .bind(&idem.key)
            .execute(c)
            .await
        })?;
        Ok(())
    }

    /// Records the answer for a key claimed by [`Tx::claim_idempotency`] in this transaction.
    pub(super) async fn record_idempotency(
        &mut self,
        idem: &Idempotency,
        response: &IdempotentResponse,
    ) -> Result<(), StorageError> {
        exec_tx!(self, |c| {
            sqlx::query(
                "update idempotency_record set response_status = $1, response_body = $2 \
                 where scope = $3 and key = $4",
            )
            .bind(i64::from(response.status))
            .bind(&response.body)
            .bind(&idem.scope)
            .bind(&idem.key)
            .execute(c)
            .await
        })?;
        Ok(())
    }
}

impl Db {
    /// The answer recorded for an idempotency key, if a committed request used it. Lets a
    /// retried action be answered before its rules are checked again against a state it has
    /// itself already changed.
    pub async fn idempotent_answer(
        &self,
        idem: &Idempotency,
    ) -> Result<Option<IdempotentResponse>, DossierWriteError> {
        let row: Option<(Vec<u8>, i64, String)> = on_db!(self, |pool| {
            sqlx::query_as(
                "select request_hash, response_status, response_body from idempotency_record \
                 where scope = $1 and key = $2",
            )
            .bind(&idem.scope)
            .bind(&idem.key)
            .fetch_optional(pool)
            .await
        })?;
        match row {
            None => Ok(None),
            Some((hash, _, _)) if hash != idem.request_hash => Err(DossierWriteError::KeyReused),
            Some((_, status, body)) => Ok(Some(IdempotentResponse {
                status: u16::try_from(status).unwrap_or(500),
                body,
            })),
        }
    }
}
