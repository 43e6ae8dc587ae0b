//! The background retry of look-ups the population database could not answer: a dossier
//! submitted while the database was down or slow carries an outbox message (written in the
//! dossier's own transaction, so it cannot be lost); this task looks the applicant up again,
//! later and later, and records the answer in the dossier's log as the system. A dossier that
//! was verified by an officer meanwhile, or has ended, needs no answer and the message is closed.

use std::time::Duration;

use domain::dossier::{Action, Actor, IdentityCheck, IdentityResult};
use domain::identity::PersonalId;
use time::OffsetDateTime;

use super::{Answer, Lookup, Purpose, Requester, look_up};
use crate::AppState;
use crate::dossiers::{DossierService, ServiceError};
use crate::error::AppError;

/// The job name recorded as the actor of the answers.
pub const JOB: &str = "population-registry";

/// Longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_secs(3600);

/// How many due retries one round takes on.
const BATCH: i64 = 50;

/// Runs [`retry_due`] every `every`, for `motcua serve`.
pub async fn retry_periodically(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match retry_due(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(answered = n, "population look-ups retried"),
            Err(e) => tracing::warn!(error = %e, "population look-up retry failed"),
        }
    }
}

/// The applicant's number, name and birth date as the dossier recorded them.
fn applicant_of(view: &crate::dossiers::DossierView) -> Option<(PersonalId, String, time::Date)> {
    let contact: serde_json::Value =
        serde_json::from_str(view.stored.applicant_contact.as_deref()?).ok()?;
    let id = PersonalId::parse(contact.get("personal_id")?.as_str()?).ok()?;
    let birth = time::Date::parse(
        contact.get("birth_date")?.as_str()?,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    Some((id, view.stored.applicant_name.clone(), birth))
}

/// Tries every look-up that is due once; the number of answers recorded.
pub async fn retry_due(state: &AppState) -> Result<usize, AppError> {
    let Some(registry) = state.registry.clone() else {
        return Ok(0);
    };
    let now = OffsetDateTime::now_utc();
    let due = state.db.due_registry_retries(now, BATCH).await?;
    let mut answered = 0;
    for retry in due {
        let code = serde_json::from_str::<serde_json::Value>(&retry.payload)
            .ok()
            .and_then(|v| v.get("code")?.as_str().map(str::to_owned));
        let data = state.reference.get();
        let service = DossierService::new(&state.db, &state.vault, &data);
        let view = match code.as_deref() {
            Some(c) => match service.get(c).await {
                Ok(view) => Some(view),
                Err(ServiceError::NotFound) => None,
                Err(e) => return Err(crate::dossiers::service_error(e)),
            },
            None => None,
        };
        let Some(view) = view else {
            state.db.finish_registry_retry(retry.id, now).await?;
            continue;
        };
        let settled = view.state.status.is_terminal()
            || view
                .state
                .identity
                .as_ref()
                .is_some_and(IdentityCheck::is_verified);
        let Some((id, name, birth)) = applicant_of(&view).filter(|_| !settled) else {
            state.db.finish_registry_retry(retry.id, now).await?;
            continue;
        };
        let (_, answer) = look_up(
            state,
            &registry,
            Lookup {
                requester: Requester::System,
                agency: &view.stored.agency_code,
                dossier_code: Some(&view.stored.code),
                purpose: Purpose::Retry,
                personal_id: &id,
                full_name: &name,
                birth_date: birth,
            },
            |_| String::new(),
        )
        .await?;
        if let Answer::Unavailable { .. } = answer {
            let attempts = u32::try_from(retry.attempts.clamp(0, 16)).unwrap_or(16);
            let pause = registry
                .retry_after
                .saturating_mul(2u32.saturating_pow(attempts))
                .min(MAX_PAUSE);
            let next = now + time::Duration::try_from(pause).unwrap_or(time::Duration::HOUR);
            state.db.postpone_registry_retry(retry.id, next).await?;
            continue;
        }
        let result: IdentityResult = answer.result();
        let outcome = service
            .act(
                &view.stored.code,
                None,
                &Actor::System {
                    job: JOB.to_owned(),
                },
                &Action::VerifyIdentity {
                    check: IdentityCheck::registry(result),
                },
                OffsetDateTime::now_utc(),
                None,
            )
            .await;
        match outcome {
            Ok(_) => answered += 1,
            // Verified by an officer or ended meanwhile: nothing left to record.
            Err(ServiceError::Refused { .. }) => {}
            // Someone acted on the dossier at the same moment: the next round tries again.
            Err(ServiceError::Conflict) => continue,
            Err(e) => return Err(crate::dossiers::service_error(e)),
        }
        state.db.finish_registry_retry(retry.id, now).await?;
    }
    Ok(answered)
}
