//! A client's endpoints: registering one (its address checked, its secret made and sealed),
//! listing, removing, and the deliveries to each with their replay.

use domain::webhook::EventFilter;
use storage::deliveries::{DeliveryFilter, StoredDelivery};
use storage::webhooks::{NewWebhookEndpoint, StoredWebhookEndpoint};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{MAX_ENDPOINTS, SECRET_PURPOSE, WEBHOOK};
use crate::{App, ServiceError};

/// An endpoint as its client and the administrators see it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Id.
    pub id: Uuid,
    /// The client.
    pub client_id: Uuid,
    /// Where events go.
    pub url: String,
    /// Which kinds of change.
    pub events: EventFilter,
    /// Who registered it.
    pub created_by: String,
    /// When.
    pub created_at: OffsetDateTime,
    /// When it was removed.
    pub disabled_at: Option<OffsetDateTime>,
    /// By whom (`gone`: the receiver answered 410).
    pub disabled_by: Option<String>,
}

impl Endpoint {
    fn of(stored: StoredWebhookEndpoint) -> Endpoint {
        Endpoint {
            id: stored.id,
            client_id: stored.client_id,
            url: stored.url,
            events: EventFilter::from_stored(&stored.events),
            created_by: stored.created_by,
            created_at: stored.created_at,
            disabled_at: stored.disabled_at,
            disabled_by: stored.disabled_by,
        }
    }

    /// Whether it receives events.
    pub fn active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// An endpoint just registered, with its signing secret, shown this once.
#[derive(Clone, PartialEq, Eq)]
pub struct Registered {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The secret (`whsec_…`) the receiver verifies signatures with.
    pub secret: String,
}

impl std::fmt::Debug for Registered {
    // The secret stays out of logs and panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Registers an endpoint for `client_id` at `url` for the kinds in `events`, as `by`. Refused
/// (each with its code) when the address is not allowed (`address_*` codes of
/// `integrations::webhook::AddressError`), or the client has [`MAX_ENDPOINTS`] in force.
pub async fn register(
    app: &App,
    client_id: Uuid,
    url: &str,
    events: EventFilter,
    by: &str,
) -> Result<Registered, ServiceError> {
    let url = integrations::webhook::check_endpoint(url.trim(), app.webhooks.policy)
        .await
        .map_err(|e| ServiceError::Refused {
            code: e.code(),
            message: e.to_string(),
        })?;
    let in_force = app
        .db
        .webhook_endpoints_of(client_id)
        .await?
        .iter()
        .filter(|e| e.disabled_at.is_none())
        .count();
    if in_force >= MAX_ENDPOINTS {
        return Err(ServiceError::Refused {
            code: "too_many_endpoints",
            message: format!("a client may have at most {MAX_ENDPOINTS} endpoints"),
        });
    }
    let secret = integrations::webhook::generate_secret();
    let new = NewWebhookEndpoint {
        id: Uuid::now_v7(),
        client_id,
        url: url.to_string(),
        events: events.to_string(),
        secret: app.vault.seal_as(&secret, SECRET_PURPOSE),
        created_by: by.to_owned(),
        created_at: OffsetDateTime::now_utc(),
    };
    app.db.add_webhook_endpoint(&new).await?;
    tracing::info!(client = %client_id, endpoint = %new.id, by = %by, "webhook endpoint registered");
    Ok(Registered {
        endpoint: Endpoint {
            id: new.id,
            client_id,
            url: new.url,
            events,
            created_by: new.created_by,
            created_at: new.created_at,
            disabled_at: None,
            disabled_by: None,
        },
        secret,
    })
}

/// The endpoints of `client_id`, removed ones too, newest first.
pub async fn endpoints(app: &App, client_id: Uuid) -> Result<Vec<Endpoint>, ServiceError> {
    Ok(app
        .db
        .webhook_endpoints_of(client_id)
        .await?
        .into_iter()
        .map(Endpoint::of)
        .collect())
}

/// Endpoint `id` if it belongs to `client_id` (else not found: a client never learns of
/// another's endpoints).
pub async fn endpoint_of(app: &App, client_id: Uuid, id: Uuid) -> Result<Endpoint, ServiceError> {
    match app.db.webhook_endpoint(id).await? {
        Some(e) if e.client_id == client_id => Ok(Endpoint::of(e)),
        _ => Err(ServiceError::NotFound),
    }
}

/// Removes endpoint `id` of `client_id` on `by`'s word: no event is written for it any more,
/// and those waiting are given up at their turn. Removing it twice is not an error.
pub async fn remove(app: &App, client_id: Uuid, id: Uuid, by: &str) -> Result<(), ServiceError> {
    endpoint_of(app, client_id, id).await?;
    if app
        .db
        .disable_webhook_endpoint(id, by, OffsetDateTime::now_utc())
        .await?
    {
        tracing::info!(endpoint = %id, by = %by, "webhook endpoint removed");
    }
    Ok(())
}

/// One page of the deliveries to endpoint `id` of `client_id`, newest first.
pub async fn deliveries(
    app: &App,
    client_id: Uuid,
    id: Uuid,
    page: u32,
    per_page: u32,
) -> Result<Vec<StoredDelivery>, ServiceError> {
    endpoint_of(app, client_id, id).await?;
    let per_page = i64::from(per_page.clamp(1, 200));
    let offset = i64::from(page.max(1) - 1) * per_page;
    let recipient = id.to_string();
    Ok(app
        .db
        .deliveries(
            DeliveryFilter::Recipient(&recipient),
            None,
            per_page,
            offset,
        )
        .await?)
}

/// Delivery `id` of one of `client_id`'s endpoints, with the endpoint.
pub async fn delivery_of(
    app: &App,
    client_id: Uuid,
    id: Uuid,
) -> Result<(StoredDelivery, Endpoint), ServiceError> {
    let delivery = app.db.delivery(id).await?.ok_or(ServiceError::NotFound)?;
    if delivery.channel != WEBHOOK {
        return Err(ServiceError::NotFound);
    }
    let endpoint_id = Uuid::parse_str(&delivery.recipient).map_err(|_| ServiceError::NotFound)?;
    let endpoint = endpoint_of(app, client_id, endpoint_id).await?;
    Ok((delivery, endpoint))
}

/// Sends delivery `id` of one of `client_id`'s endpoints again on `by`'s word, with the same
/// `webhook-id` so the receiver can tell it from a new event; recorded on the row (who, when).
/// Refused while it is still pending, or when its endpoint was removed.
pub async fn replay(app: &App, client_id: Uuid, id: Uuid, by: &str) -> Result<(), ServiceError> {
    let (_, endpoint) = delivery_of(app, client_id, id).await?;
    if !endpoint.active() {
        return Err(ServiceError::Refused {
            code: "endpoint_removed",
            message: "the endpoint of this delivery was removed".into(),
        });
    }
    let now = OffsetDateTime::now_utc();
    let give_up_at = now + app.webhooks.give_up_window();
    if app
        .db
        .replay_delivery(id, WEBHOOK, by, now, give_up_at)
        .await?
    {
        tracing::info!(delivery = %id, by = %by, "webhook delivery replayed");
        Ok(())
    } else {
        Err(ServiceError::Refused {
            code: "still_pending",
            message: "this delivery is still being tried".into(),
        })
    }
}
