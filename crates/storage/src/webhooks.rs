//! Webhook endpoints of API clients: where a connected system wants the dossier events of its
//! unit POSTed, which kinds of change it wants, and the secret the events are signed with
//! (sealed by the application before it reaches here). The deliveries themselves are rows of
//! the outbox's delivery table (`crate::deliveries`) with the channel `webhook` and the
//! endpoint's id as recipient.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, exec_db, on_db};

/// An endpoint to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhookEndpoint {
    /// Stable id, also the recipient of its deliveries.
    pub id: Uuid,
    /// The client it belongs to.
    pub client_id: Uuid,
    /// Where events go.
    pub url: String,
    /// Kinds of change, comma-separated; empty for all.
    pub events: String,
    /// The signing secret, sealed.
    pub secret: String,
    /// Who registered it: `api:{client}` or an officer id.
    pub created_by: String,
    /// When.
    pub created_at: OffsetDateTime,
}

/// An endpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredWebhookEndpoint {
    /// Id.
    pub id: Uuid,
    /// The client.
    pub client_id: Uuid,
    /// Where events go.
    pub url: String,
    /// Kinds of change, comma-separated; empty for all.
    pub events: String,
    /// The signing secret, sealed.
    pub secret: String,
    /// Who registered it.
    pub created_by: String,
    /// When.
    pub created_at: OffsetDateTime,
    /// When it was removed, if it was.
    pub disabled_at: Option<OffsetDateTime>,
    /// By whom (`gone` when the receiver answered 410).
    pub disabled_by: Option<String>,
}

/// An endpoint that receives the events of a unit, with its client's unit.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Subscriber {
    /// The endpoint.
    pub id: Uuid,
    /// Kinds of change, comma-separated; empty for all.
    pub events: String,
    /// The client's unit; `None` for a province-wide client, which receives every unit's.
    pub agency_code: Option<String>,
}

const COLUMNS: &str = "w.id, w.client_id, w.url, w.events, w.secret, w.created_by, \
     w.created_at, w.disabled_at, w.disabled_by";

impl Db {
    /// Registers an endpoint.
    pub async fn add_webhook_endpoint(
        &self,
        endpoint: &NewWebhookEndpoint,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into webhook_endpoint (id, client_id, url, events, secret, created_by, \
                 created_at) values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(endpoint.id)
            .bind(endpoint.client_id)
            .bind(&endpoint.url)
            .bind(&endpoint.events)
            .bind(&endpoint.secret)
            .bind(&endpoint.created_by)
            .bind(endpoint.created_at)
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// One endpoint.
    pub async fn webhook_endpoint(
        &self,
        id: Uuid,
    ) -> Result<Option<StoredWebhookEndpoint>, StorageError> {
        let sql = format!("select {COLUMNS} from webhook_endpoint w where w.id = $1");
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// The endpoints with these ids (those that exist).
    pub async fn webhook_endpoints_by_id(
        &self,
        ids: &[Uuid],
    ) -> Result<Vec<StoredWebhookEndpoint>, StorageError> {
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(endpoint) = self.webhook_endpoint(*id).await? {
                found.push(endpoint);
            }
        }
        Ok(found)
    }

    /// A client's endpoints, removed ones too, newest first.
    pub async fn webhook_endpoints_of(
        &self,
        client_id: Uuid,
    ) -> Result<Vec<StoredWebhookEndpoint>, StorageError> {
        let sql = format!(
            "select {COLUMNS} from webhook_endpoint w where w.client_id = $1 \
             order by w.created_at desc, w.id desc"
        );
        Ok(on_db!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(client_id)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Removes an endpoint: nothing more is written for it, and its pending deliveries are
    /// given up when their turn comes. `false` when it was removed already or does not exist.
    pub async fn disable_webhook_endpoint(
        &self,
        id: Uuid,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let rows = exec_db!(self, |pool| {
            sqlx::query(
                "update webhook_endpoint set disabled_at = $2, disabled_by = $3 \
                 where id = $1 and disabled_at is null",
            )
            .bind(id)
            .bind(at)
            .bind(by)
            .execute(pool)
            .await
        })?;
        Ok(rows == 1)
    }

    /// Every endpoint that receives events now: not removed, its client not revoked, and the
    /// client holding a key in force (not revoked, not expired at `now`) with the
    /// `receive_events` scope — revoking the key stops the events as it stops the calls.
    pub async fn webhook_subscribers(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<Subscriber>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select w.id, w.events, c.agency_code from webhook_endpoint w \
                 join api_client c on c.id = w.client_id \
                 where w.disabled_at is null and c.revoked_at is null \
                 and exists (select 1 from api_key k where k.client_id = c.id \
                 and k.revoked_at is null and (k.expires_at is null or k.expires_at > $1) \
                 and (',' || k.scopes || ',') like '%,receive_events,%') \
                 order by w.id",
            )
            .bind(now)
            .fetch_all(pool)
            .await
        })?)
    }
}
