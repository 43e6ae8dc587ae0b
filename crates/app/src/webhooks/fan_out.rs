//! Each dossier change fanned out to the endpoints that want it, and the signed requests of a
//! claim of webhook deliveries.

use std::collections::HashMap;

use domain::webhook::{DOSSIER_CHANGED, DossierEvent, DossierEventData, EventFilter};
use integrations::webhook::WebhookRequest;
use serde::Deserialize;
use storage::deliveries::{NewDelivery, StoredDelivery};
use storage::jobs::ClaimedMessage;
use storage::webhooks::{StoredWebhookEndpoint, Subscriber};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{GONE, NOTICE, SECRET_PURPOSE, TOPIC, WEBHOOK};
use crate::{App, ServiceError};

/// Messages one round fans out.
const BATCH: i64 = 200;

/// How long a round holds the messages it claimed.
const LEASE: time::Duration = time::Duration::minutes(2);

/// What a dossier's webhook message carries (written by `dossiers::service`).
#[derive(Debug, Deserialize)]
struct Payload {
    id: Uuid,
    code: String,
    status: String,
    dvcqg_status: String,
    events: Vec<String>,
    unit: String,
    holder: String,
    at: Option<String>,
}

/// Fans every waiting dossier message out to the endpoints that want it, once, as this
/// process; how many deliveries were written.
pub async fn fan_out_due(app: &App) -> Result<usize, ServiceError> {
    fan_out_due_as(app, crate::leases::process_holder()).await
}

/// [`fan_out_due`] holding the claimed messages as `holder`. Each batch's deliveries are
/// written in the transaction that closes its messages (`Db::fan_out_many`), so a crash
/// neither loses nor doubles an event.
pub async fn fan_out_due_as(app: &App, holder: &str) -> Result<usize, ServiceError> {
    let mut written = 0;
    loop {
        let now = OffsetDateTime::now_utc();
        let messages = app
            .db
            .claim_outbox(TOPIC, holder, now, now + LEASE, BATCH)
            .await?;
        let count = messages.len();
        if count == 0 {
            return Ok(written);
        }
        // Who subscribes is read once a batch: an endpoint registered now gets the changes made
        // from the next batch on.
        let subscribers = if app.webhooks.sender.is_some() {
            app.db.webhook_subscribers(now).await?
        } else {
            Vec::new()
        };
        let give_up_at = now + app.webhooks.give_up_window();
        let composed: Vec<(Uuid, Vec<NewDelivery>)> = messages
            .iter()
            .map(|m| (m.id, deliveries_of(m, &subscribers, give_up_at)))
            .collect();
        let kept = app.db.fan_out_many(Some(holder), &composed, now).await?;
        written += crate::outbox::written(&composed, &kept);
        if count < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(written);
        }
    }
}

/// The deliveries one message becomes: one per endpoint of the dossier's receiving or holding
/// unit (or of a province-wide client) that wants one of its kinds of change.
fn deliveries_of(
    message: &ClaimedMessage,
    subscribers: &[Subscriber],
    give_up_at: OffsetDateTime,
) -> Vec<NewDelivery> {
    if subscribers.is_empty() {
        return Vec::new();
    }
    let Ok(payload) = serde_json::from_str::<Payload>(&message.payload) else {
        tracing::warn!(message = %message.id, "an outbox message for connected systems does not parse; closed");
        return Vec::new();
    };
    let event = DossierEvent {
        kind: DOSSIER_CHANGED,
        timestamp: payload.at.clone().unwrap_or_default(),
        data: DossierEventData {
            code: &payload.code,
            status: &payload.status,
            dvcqg_status: &payload.dvcqg_status,
            changes: &payload.events,
            unit: &payload.unit,
            holder: &payload.holder,
        },
    };
    let Ok(body) = serde_json::to_string(&event) else {
        return Vec::new();
    };
    subscribers
        .iter()
        .filter(|s| {
            s.agency_code
                .as_deref()
                .is_none_or(|unit| unit == payload.unit || unit == payload.holder)
        })
        .filter(|s| EventFilter::from_stored(&s.events).wants(&payload.events))
        .map(|s| NewDelivery {
            id: Uuid::now_v7(),
            dossier_id: Some(payload.id),
            channel: WEBHOOK.into(),
            recipient: s.id.to_string(),
            notice: NOTICE.into(),
            // The body is JSON with English field names.
            lang: "en".into(),
            subject: format!("{DOSSIER_CHANGED} {}", payload.code),
            body: body.clone(),
            html: None,
            give_up_at,
        })
        .collect()
}

/// The requests of a claim of webhook deliveries, by delivery id: each with its endpoint's
/// address and opened secret, or why it cannot be sent (its endpoint removed), which gives it
/// up.
pub(crate) async fn requests_for(
    app: &App,
    claimed: &[StoredDelivery],
) -> Result<HashMap<Uuid, Result<WebhookRequest, String>>, ServiceError> {
    let mut ids: Vec<Uuid> = claimed
        .iter()
        .filter_map(|d| Uuid::parse_str(&d.recipient).ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let endpoints: HashMap<Uuid, StoredWebhookEndpoint> = app
        .db
        .webhook_endpoints_by_id(&ids)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(claimed
        .iter()
        .map(|d| {
            let endpoint = Uuid::parse_str(&d.recipient)
                .ok()
                .and_then(|id| endpoints.get(&id));
            let request = match endpoint {
                None => Err("the endpoint does not exist".to_owned()),
                Some(e) if e.disabled_at.is_some() => Err("the endpoint was removed".to_owned()),
                Some(e) => match app.vault.open_as(&e.secret, SECRET_PURPOSE) {
                    Some(secret) => Ok(WebhookRequest {
                        id: super::webhook_id(d.id),
                        url: e.url.clone(),
                        secret,
                        payload: d.body.clone(),
                    }),
                    None => Err(
                        "the endpoint's secret does not open with this deployment's key".to_owned(),
                    ),
                },
            };
            (d.id, request)
        })
        .collect())
}

/// Removes the endpoints whose receiver answered 410 Gone in a claim just recorded: the
/// Standard Webhooks specification asks the sender to stop there rather than try again.
pub(crate) async fn remove_gone(
    app: &App,
    claimed: &[StoredDelivery],
    outcomes: &[storage::deliveries::DeliveryOutcome],
    at: OffsetDateTime,
) -> Result<(), ServiceError> {
    use storage::deliveries::DeliveryOutcome;
    for outcome in outcomes {
        let DeliveryOutcome::Dead {
            id,
            answer: Some(answer),
            ..
        } = outcome
        else {
            continue;
        };
        if answer.status != 410 {
            continue;
        }
        let endpoint = claimed
            .iter()
            .find(|d| d.id == *id)
            .and_then(|d| Uuid::parse_str(&d.recipient).ok());
        if let Some(endpoint) = endpoint
            && app.db.disable_webhook_endpoint(endpoint, GONE, at).await?
        {
            tracing::warn!(endpoint = %endpoint, "the receiver answered 410 Gone; endpoint removed");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(payload: &str) -> ClaimedMessage {
        ClaimedMessage {
            id: Uuid::now_v7(),
            payload: payload.into(),
            attempts: 0,
        }
    }

    fn subscriber(unit: Option<&str>, events: &str) -> Subscriber {
        Subscriber {
            id: Uuid::now_v7(),
            events: events.into(),
            agency_code: unit.map(str::to_owned),
        }
    }

    const PAYLOAD: &str = r#"{"id":"0193a2b4-0000-7000-8000-000000000001","code":"000.00.01.H01-261207-0001","status":"received","dvcqg_status":"2","events":["accepted"],"unit":"H01.01","holder":"H01.02","at":"2026-12-07T02:00:00Z"}"#;

    #[test]
    fn a_change_goes_to_the_endpoints_of_its_units_and_of_province_wide_clients_that_want_it() {
        let subscribers = [
            subscriber(Some("H01.01"), ""),
            subscriber(Some("H01.02"), "accepted"),
            subscriber(None, "submitted,accepted"),
            subscriber(Some("H01.03"), ""),
            subscriber(Some("H01.01"), "result_ready"),
        ];
        let at = time::macros::datetime!(2026-12-10 00:00 UTC);
        let written = deliveries_of(&message(PAYLOAD), &subscribers, at);
        let to: Vec<String> = written.iter().map(|d| d.recipient.clone()).collect();
        assert_eq!(
            to,
            [&subscribers[0], &subscribers[1], &subscribers[2]]
                .map(|s| s.id.to_string())
                .to_vec()
        );
        let body: serde_json::Value = serde_json::from_str(&written[0].body).expect("JSON");
        assert_eq!(body["type"], "dossier.changed");
        assert_eq!(body["timestamp"], "2026-12-07T02:00:00Z");
        assert_eq!(body["data"]["code"], "000.00.01.H01-261207-0001");
        assert_eq!(body["data"]["changes"][0], "accepted");
        assert!(
            written
                .iter()
                .all(|d| d.give_up_at == at && d.channel == WEBHOOK)
        );
        assert_ne!(written[0].id, written[1].id, "each delivery has its own id");
    }

    #[test]
    fn a_message_that_does_not_parse_is_closed_with_nothing_sent() {
        let at = time::macros::datetime!(2026-12-10 00:00 UTC);
        assert!(deliveries_of(&message("{}"), &[subscriber(None, "")], at).is_empty());
    }
}
