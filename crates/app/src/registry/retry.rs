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
use crate::dossiers::{ContactRecord, DossierService, DossierView};
use crate::{App, ServiceError};

/// The job name recorded as the actor of the answers.
pub const JOB: &str = "population-registry";

/// Longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_secs(3600);

/// How many due retries one round takes on.
const BATCH: i64 = 50;

/// How long a round holds the look-ups it claimed: far longer than fifty look-ups take, even
/// each at the client's time-out; a process that dies lets them go to another after this.
const LEASE: time::Duration = time::Duration::minutes(10);

/// The applicant's number, name and birth date as the dossier recorded them.
fn applicant_of(view: &DossierView) -> Option<(PersonalId, String, time::Date)> {
    let details = ContactRecord::read(view.stored.applicant_contact.as_deref())?.details;
    Some((
        details.personal_id?,
        view.stored.applicant_name.clone(),
        details.birth_date?.date(),
    ))
}

/// Tries every look-up that is due once, as this process; the number of answers recorded.
pub async fn retry_due(app: &App) -> Result<usize, ServiceError> {
    retry_due_as(app, crate::leases::process_holder()).await
}

/// [`retry_due`] holding the claimed look-ups as `holder`: two processes (two holders) working
/// on the queue at once never look the same applicant up twice (`storage::jobs`).
pub async fn retry_due_as(app: &App, holder: &str) -> Result<usize, ServiceError> {
    let Some(registry) = app.registry.clone() else {
        return Ok(0);
    };
    let now = OffsetDateTime::now_utc();
    let until = now + LEASE;
    let due = app
        .db
        .claim_registry_retries(holder, now, until, BATCH)
        .await?;
    let mut answered = 0;
    for retry in due {
        let code = serde_json::from_str::<serde_json::Value>(&retry.payload)
            .ok()
            .and_then(|v| v.get("code")?.as_str().map(str::to_owned));
        let data = app.reference.get();
        let service = DossierService::new(&app.db, &app.vault, &data);
        let view = match code.as_deref() {
            Some(c) => match service.get(c).await {
                Ok(view) => Some(view),
                Err(ServiceError::NotFound) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let Some(view) = view else {
            app.db.finish_outbox(retry.id, now).await?;
            continue;
        };
        let settled = view.state.status.is_terminal()
            || view
                .state
                .identity
                .as_ref()
                .is_some_and(IdentityCheck::is_verified);
        let Some((id, name, birth)) = applicant_of(&view).filter(|_| !settled) else {
            app.db.finish_outbox(retry.id, now).await?;
            continue;
        };
        let (_, answer) = look_up(
            app,
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
        )
        .await?;
        if let Answer::Unavailable { .. } = answer {
            let attempts = u32::try_from(retry.attempts.clamp(0, 16)).unwrap_or(16);
            let pause = registry
                .retry_after
                .saturating_mul(2u32.saturating_pow(attempts))
                .min(MAX_PAUSE);
            let next = now + time::Duration::try_from(pause).unwrap_or(time::Duration::HOUR);
            app.db.postpone_outbox(retry.id, next).await?;
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
            Err(ServiceError::Conflict) => {
                app.db.release_outbox(retry.id).await?;
                continue;
            }
            Err(e) => return Err(e),
        }
        app.db.finish_outbox(retry.id, now).await?;
    }
    Ok(answered)
}
