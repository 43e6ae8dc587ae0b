//! Joins the dossier rules to the event log: every page, API route and job that changes a dossier
//! calls this service, which asks `domain::dossier::decide` and writes what it decided with
//! `storage::Db` in one transaction (events, projection, outbox, idempotency record). Nothing here
//! decides a rule or writes SQL.

use domain::catalogue::{Channel, Procedure, Workflow};
use domain::dossier::tracking::last_four_digits;
use domain::dossier::{
    Action, Actor, Applicant, Context, DossierCode, DossierState, Event, RecordedTimeliness, apply,
    decide,
};
use domain::payment::ledger::PaymentChannel;
use storage::Db;
use storage::dossier::{
    Append, BuildRefusal, Built, Creation, DossierIndex, DossierWriteError, Idempotency,
    IdempotentResponse, NewDossier, NewEvent, OutboxMessage, StoredDossier, Written,
};
use storage::papers::NewDossierPaper;
use storage::payments::NewPayment;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ServiceError;
use crate::reference::ReferenceData;

/// How a dossier is opened.
#[derive(Debug, Clone)]
pub enum Opening {
    /// Submitted on the portal to the agency the applicant chose.
    Online {
        /// Agency chosen among those settling the procedure.
        agency: String,
    },
    /// Handed in at the counter, or arrived by post, at the officer's unit.
    Counter {
        /// Counter or post.
        channel: Channel,
        /// Accept at once (Form 01) when the papers are complete, as at most walk-ins.
        accept: bool,
        /// The papers handed in, by their names in the procedure's list.
        papers: Vec<String>,
    },
}

/// A new dossier.
#[derive(Debug, Clone)]
pub struct Application {
    /// National procedure code.
    pub procedure_code: String,
    /// How it is opened.
    pub opening: Opening,
    /// The applicant as the rules know them.
    pub applicant: Applicant,
    /// Name shown to officers.
    pub applicant_name: String,
    /// Contact line shown to officers.
    pub applicant_contact: Option<String>,
    /// Applicant's phone number as given, for tracking (only its last four digits are kept).
    pub phone: Option<String>,
    /// Applicant's personal ID as given, for tracking (only its last four digits are kept).
    pub personal_id: Option<String>,
    /// Papers handed in with the application (already in the paper store), attached, and their
    /// content recorded, in the dossier's creating transaction.
    pub papers: Vec<NewDossierPaper>,
    /// The online draft it comes from, marked submitted in the same transaction.
    pub from_draft: Option<Uuid>,
    /// The account that applied (a signed-in citizen, an API client): the dossier is then
    /// theirs to follow under "my dossiers".
    pub account: Option<String>,
}

/// Builds the answer recorded for an idempotency key from the dossier as written.
pub type Answer<'a> = dyn Fn(&DossierView) -> IdempotentResponse + Sync + 'a;

/// A dossier read back: the stored row and its decoded state.
#[derive(Debug, Clone)]
pub struct DossierView {
    /// What storage holds.
    pub stored: StoredDossier,
    /// The projection, decoded.
    pub state: DossierState,
}

impl DossierView {
    /// What the authorisation policy needs to know about the dossier.
    pub fn facts(&self) -> domain::access::DossierFacts<'_> {
        domain::access::DossierFacts {
            agency: &self.stored.agency_code,
            holder: &self.state.holder,
            account: self.stored.applicant_account.as_deref(),
        }
    }
}

/// Outcome of a write carrying an idempotency key.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Written now.
    Done(Box<DossierView>),
    /// Seen before: the first answer.
    Replayed(IdempotentResponse),
}

/// A refusal inside the creating transaction that is not a rule's (a code that does not parse,
/// a state that does not serialise): nothing is written, and the caller is told so.
fn refusal(message: String) -> BuildRefusal {
    BuildRefusal {
        code: "refused",
        message,
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, ServiceError> {
    serde_json::to_string(value).map_err(|e| ServiceError::Corrupt(e.to_string()))
}

/// The columns of a dossier's projection that inboxes and reports read, from its state: the
/// one place that says which state goes in which column (the service and the bench's synthetic
/// history both write through it).
pub fn index_of(state: &DossierState) -> DossierIndex {
    let timeliness = RecordedTimeliness::of(state);
    DossierIndex {
        status: state.status.as_str().to_owned(),
        holder_agency_code: state.holder.clone(),
        assigned_officer: state.assigned_to.clone(),
        received_at: state.received_at,
        // The legal due date: an apology promises a new date but does not move the deadline
        // a dossier is judged by (Decision 766/QĐ-TTg, Appendix: on time means by the due date).
        due_at: state.due,
        finished_at: state.processing_ended_at,
        supplement_count: i64::from(state.supplement_requests),
        // What reports and the overdue inbox count, decided here once by the domain.
        timeliness: Some(timeliness.label().to_owned()),
        overdue_after: timeliness.overdue_after(),
    }
}

/// The events as the log stores them (kind, actor and change as JSON).
pub fn new_events(events: &[Event]) -> Result<Vec<NewEvent>, ServiceError> {
    events
        .iter()
        .map(|e| {
            Ok(NewEvent {
                kind: e.kind().to_owned(),
                actor: json(&e.actor)?,
                payload: json(&e.change)?,
                recorded_at: e.at,
            })
        })
        .collect()
}

fn fold(mut state: Option<DossierState>, events: &[Event]) -> Result<DossierState, ServiceError> {
    for event in events {
        state = Some(apply(state, event).map_err(|e| ServiceError::Corrupt(e.to_string()))?);
    }
    state.ok_or_else(|| ServiceError::Corrupt("no event opened the dossier".into()))
}

/// Messages for the background workers that every change produces: the applicant is told, and
/// the national portal gets the new status (DESIGN §7).
fn outbox_for(
    dossier_id: Uuid,
    state: &DossierState,
    events: &[Event],
) -> Result<Vec<OutboxMessage>, ServiceError> {
    let kinds: Vec<&str> = events.iter().map(Event::kind).collect();
    let retry = events.iter().any(|e| {
        matches!(&e.change, domain::dossier::Change::IdentityChecked { check }
            if check.result == domain::dossier::IdentityResult::Unavailable)
    });
    // The changes themselves travel with the message: its consumers (the applicant's notices,
    // later the national portal's sync) act on what happened, not on a state read later.
    let changes: Vec<&domain::dossier::Change> = events.iter().map(|e| &e.change).collect();
    let payload = json(&serde_json::json!({
        "code": state.code.to_string(),
        "status": state.status.as_str(),
        "dvcqg_status": state.status.dvcqg_code(),
        "events": kinds,
        "changes": changes,
        "at": events.last().map(|e| e.at.unix_timestamp()),
    }))?;
    // Connected systems are told what changed without the changes' contents (personal data
    // stays behind their API keys: `domain::webhook`).
    let event = json(&serde_json::json!({
        "id": dossier_id,
        "code": state.code.to_string(),
        "status": state.status.as_str(),
        "dvcqg_status": state.status.dvcqg_code(),
        "events": kinds,
        "unit": state.agency,
        "holder": state.holder,
        "at": events.last().and_then(|e| {
            e.at.to_offset(time::UtcOffset::UTC)
                .format(&time::format_description::well_known::Rfc3339)
                .ok()
        }),
    }))?;
    let mut messages = vec![
        OutboxMessage {
            topic: crate::notifications::TOPIC.into(),
            payload: payload.clone(),
        },
        OutboxMessage {
            topic: crate::outbox::DVCQG_SYNC.into(),
            payload,
        },
        OutboxMessage {
            topic: crate::outbox::WEBHOOK_EVENTS.into(),
            payload: event,
        },
    ];
    // The population database did not answer: look the applicant up again later.
    if retry {
        messages.push(OutboxMessage {
            topic: storage::registry_lookups::RETRY_TOPIC.into(),
            payload: json(&serde_json::json!({ "code": state.code.to_string() }))?,
        });
    }
    Ok(messages)
}

/// The dossier service over one database and one reference snapshot.
pub struct DossierService<'a> {
    db: &'a Db,
    vault: &'a crate::personal_data::PersonalDataVault,
    reference: &'a ReferenceData,
    counter_channel: PaymentChannel,
}

impl<'a> DossierService<'a> {
    /// A service for one request.
    /// Personal IDs in applicants' contact details are sealed with `vault` on the way in and
    /// opened on the way out (`crate::personal_data`).
    pub fn new(
        db: &'a Db,
        vault: &'a crate::personal_data::PersonalDataVault,
        reference: &'a ReferenceData,
    ) -> Self {
        DossierService {
            db,
            vault,
            reference,
            counter_channel: PaymentChannel::Cash,
        }
    }

    /// The same service, recording fees an officer takes at the counter as paid through
    /// `channel` (cash, the default, or a card terminal).
    pub fn counter_channel(mut self, channel: PaymentChannel) -> Self {
        self.counter_channel = channel;
        self
    }

    /// The ledger rows an action makes (fees an officer took at the counter), whatever door it
    /// came through, for the action's own transaction.
    fn payments_of(
        &self,
        code: &str,
        actor: &Actor,
        action: &Action,
        idempotency: Option<&Idempotency>,
        at: OffsetDateTime,
    ) -> Result<Vec<NewPayment>, ServiceError> {
        crate::payments::counter::counter_payment(actor, action)
            .map(|fees| {
                crate::payments::counter::ledger_row(
                    code,
                    fees,
                    self.counter_channel,
                    idempotency,
                    at,
                )
            })
            .into_iter()
            .collect()
    }

    fn procedure(&self, code: &str) -> Result<&'a Procedure, ServiceError> {
        self.reference.procedure(code).ok_or(ServiceError::NotFound)
    }

    fn workflow(&self, code: &str, version: Option<u32>) -> Result<&'a Workflow, ServiceError> {
        self.reference
            .catalogue
            .workflows
            .iter()
            .filter(|w| w.code == code && version.is_none_or(|v| w.version == v))
            .max_by_key(|w| w.version)
            .ok_or_else(|| {
                ServiceError::Corrupt(format!("workflow {code} is not in the catalogue"))
            })
    }

    /// Opens a dossier: allots its code inside the transaction, records the opening (and, for a
    /// complete walk-in, the acceptance with its appointment) and queues the notifications.
    pub async fn open(
        &self,
        actor: &Actor,
        application: &Application,
        at: OffsetDateTime,
        idempotency: Option<(&Idempotency, &Answer<'_>)>,
    ) -> Result<Outcome, ServiceError> {
        self.open_checked(actor, application, None, at, idempotency)
            .await
    }

    /// [`Self::open`], recording as well the population database's answer about the applicant
    /// obtained before the dossier existed (by the system, in the creating transaction; an
    /// "unavailable" answer queues its retry there too, so it cannot be lost).
    pub async fn open_checked(
        &self,
        actor: &Actor,
        application: &Application,
        identity: Option<&domain::dossier::IdentityCheck>,
        at: OffsetDateTime,
        idempotency: Option<(&Idempotency, &Answer<'_>)>,
    ) -> Result<Outcome, ServiceError> {
        let at = domain::calendar::recorded_instant(at);
        let procedure = self.procedure(&application.procedure_code)?;
        let workflow = self.workflow(&procedure.workflow, None)?;
        let context = Context {
            procedure,
            workflow,
            calendar: &self.reference.calendar,
        };
        let agency = match (&application.opening, actor) {
            (Opening::Online { agency }, _) => agency.clone(),
            (Opening::Counter { .. }, Actor::Officer { unit, .. }) => unit.clone(),
            (Opening::Counter { .. }, _) => {
                return Err(ServiceError::Refused {
                    code: "not_permitted",
                    message: "only a reception officer registers a dossier at the counter".into(),
                });
            }
        };
        let local_date = domain::calendar::to_vietnam_local(at)
            .map(|t| t.date())
            .ok_or_else(|| ServiceError::Corrupt("time out of range".into()))?;
        let action_for = |code: DossierCode| match &application.opening {
            Opening::Online { agency } => Action::SubmitOnline {
                code,
                agency: agency.clone(),
                applicant: application.applicant.clone(),
            },
            Opening::Counter {
                channel, papers, ..
            } => Action::ReceiveAtCounter {
                code,
                channel: *channel,
                applicant: application.applicant.clone(),
                papers: papers.clone(),
            },
        };
        let accept = matches!(application.opening, Opening::Counter { accept: true, .. });
        let decide_all = |code: DossierCode| -> Result<(Vec<Event>, DossierState), ServiceError> {
            let mut events = decide(None, &context, actor, &action_for(code), at)?;
            let mut state = fold(None, &events)?;
            if accept {
                let more = decide(Some(&state), &context, actor, &Action::Accept, at)?;
                state = fold(Some(state), &more)?;
                events.extend(more);
            }
            if let Some(check) = identity {
                let system = Actor::System {
                    job: crate::registry::JOB.to_owned(),
                };
                let action = Action::VerifyIdentity {
                    check: check.clone(),
                };
                let more = decide(Some(&state), &context, &system, &action, at)?;
                state = fold(Some(state), &more)?;
                events.extend(more);
            }
            Ok((events, state))
        };
        // Check the rules before taking a number, so a refusal costs no write at all.
        let provisional =
            DossierCode::new(&agency, local_date, 1).map_err(|e| ServiceError::Refused {
                code: "agency_code",
                message: e.to_string(),
            })?;
        decide_all(provisional)?;

        let id = Uuid::now_v7();
        let new = NewDossier {
            id,
            agency_code: agency.clone(),
            code_date: local_date,
            procedure_code: procedure.code.clone(),
            channel: match &application.opening {
                Opening::Online { .. } => Channel::Online.as_str().to_owned(),
                Opening::Counter { channel, .. } => channel.as_str().to_owned(),
            },
            applicant_name: application.applicant_name.clone(),
            applicant_contact: application
                .applicant_contact
                .as_deref()
                .map(|c| self.vault.seal_contact(c)),
            phone_last4: application.phone.as_deref().and_then(last_four_digits),
            id_last4: application
                .personal_id
                .as_deref()
                .and_then(last_four_digits),
            submitted_at: at,
            applicant_account: application.account.clone(),
            personal_id_hash: application
                .personal_id
                .as_deref()
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(|id| self.vault.hash(id)),
        };
        let make_code = |n: i64| {
            u32::try_from(n)
                .ok()
                .and_then(|n| DossierCode::new(&agency, local_date, n).ok())
                .map_or_else(|| format!("{agency}-overflow-{n}"), |c| c.to_string())
        };
        let answer = idempotency.map(|(_, answer)| answer);
        let build = |code: &str| -> Result<Built, BuildRefusal> {
            let code = DossierCode::parse(code).map_err(|e| refusal(e.to_string()))?;
            let (events, state) = decide_all(code).map_err(|e| match e {
                // The rule that refused, with its code, to the caller.
                ServiceError::Refused { code, message } => BuildRefusal { code, message },
                other => refusal(other.to_string()),
            })?;
            let stored_state = json(&state).map_err(|e| refusal(e.to_string()))?;
            let index = index_of(&state);
            let view = DossierView {
                stored: StoredDossier {
                    id,
                    code: state.code.to_string(),
                    procedure_code: new.procedure_code.clone(),
                    agency_code: new.agency_code.clone(),
                    channel: new.channel.clone(),
                    applicant_name: new.applicant_name.clone(),
                    applicant_contact: new.applicant_contact.clone(),
                    phone_last4: new.phone_last4.clone(),
                    id_last4: new.id_last4.clone(),
                    applicant_account: new.applicant_account.clone(),
                    submitted_at: at,
                    index: index.clone(),
                    state: stored_state.clone(),
                    event_count: i64::try_from(events.len()).unwrap_or(i64::MAX),
                },
                state: state.clone(),
            };
            Ok(Built {
                events: new_events(&events).map_err(|e| refusal(e.to_string()))?,
                index,
                state: stored_state,
                outbox: outbox_for(id, &state, &events).map_err(|e| refusal(e.to_string()))?,
                answer: answer.map(|a| a(&view)),
                papers: application.papers.clone(),
            })
        };
        let written = self
            .db
            .create_dossier(
                &new,
                Creation {
                    make_code: &make_code,
                    build: &build,
                    idempotency: idempotency.map(|(i, _)| i),
                    from_draft: application.from_draft,
                },
            )
            .await?;
        match written {
            Written::Replayed(r) => Ok(Outcome::Replayed(r)),
            Written::Done(stored) => Ok(Outcome::Done(Box::new(self.decode(stored)?))),
        }
    }

    /// Performs an action on a dossier read at `expected_version` (the version the officer saw;
    /// `None` takes the current one).
    pub async fn act(
        &self,
        code: &str,
        expected_version: Option<i64>,
        actor: &Actor,
        action: &Action,
        at: OffsetDateTime,
        idempotency: Option<(&Idempotency, &Answer<'_>)>,
    ) -> Result<Outcome, ServiceError> {
        self.act_with_papers(code, expected_version, actor, action, at, idempotency, &[])
            .await
    }

    /// Refuses an action that needs the electronic result without it
    /// (`domain::dossier::electronic_result_refusal`), for every caller alike: the desk's forms,
    /// the API and whatever comes later.
    async fn check_electronic_result(
        &self,
        current: &DossierView,
        action: &Action,
        papers: &[NewDossierPaper],
    ) -> Result<(), ServiceError> {
        let requested = super::requested_return(current.stored.applicant_contact.as_deref());
        let attaching = papers
            .iter()
            .any(|p| p.purpose == storage::papers::PaperPurpose::Result);
        // Only an action the rule is about reads the dossier's papers.
        if domain::dossier::electronic_result_refusal(action, requested, attaching).is_none() {
            return Ok(());
        }
        let attached = self
            .db
            .dossier_papers(current.stored.id)
            .await?
            .iter()
            .any(|p| p.purpose == storage::papers::PaperPurpose::Result);
        match domain::dossier::electronic_result_refusal(action, requested, attached) {
            None => Ok(()),
            Some(code) => Err(ServiceError::Refused {
                code,
                message: format!("{} needs the dossier's electronic result", action.name()),
            }),
        }
    }

    /// Refuses an assignment to someone who could not act on the dossier
    /// (`domain::dossier::assignee_refusal`), for the desk's forms and the API alike.
    async fn check_assignee(
        &self,
        current: &DossierView,
        action: &Action,
    ) -> Result<(), ServiceError> {
        let Action::Assign { officer_id } = action else {
            return Ok(());
        };
        // An id no officer could have is not looked up (a 5,000-character one, say).
        let stored = if officer_id.len() <= domain::dossier::MAX_OFFICER_ID {
            self.db.officer_by_id(officer_id).await?
        } else {
            None
        };
        let assignee = stored.as_ref().map(|o| domain::dossier::Assignee {
            unit: &o.agency_code,
            role: domain::dossier::OfficerRole::parse(&o.role),
            active: o.disabled_at.is_none(),
        });
        match domain::dossier::assignee_refusal(&current.state.holder, assignee) {
            None => Ok(()),
            Some(code) => Err(ServiceError::Refused {
                code,
                message: format!("the dossier cannot be assigned to {officer_id:.64}: {code}"),
            }),
        }
    }

    /// [`DossierService::act`] with papers handed in with the action (a supplement), attached
    /// in the same transaction as its events, so an acknowledged supplement has its papers.
    #[allow(clippy::too_many_arguments)]
    pub async fn act_with_papers(
        &self,
        code: &str,
        expected_version: Option<i64>,
        actor: &Actor,
        action: &Action,
        at: OffsetDateTime,
        idempotency: Option<(&Idempotency, &Answer<'_>)>,
        papers: &[NewDossierPaper],
    ) -> Result<Outcome, ServiceError> {
        let at = domain::calendar::recorded_instant(at);
        // A retry of an action already done is answered as the first time, before the rules
        // look at a state the first attempt has moved on.
        if let Some((idem, _)) = idempotency
            && let Some(previous) = self.db.idempotent_answer(idem).await?
        {
            return Ok(Outcome::Replayed(previous));
        }
        let current = self.get(code).await?;
        if expected_version.is_some_and(|v| v != current.stored.event_count) {
            return Err(ServiceError::Conflict);
        }
        let procedure = self.procedure(&current.state.procedure_code)?;
        let workflow = self.workflow(
            &current.state.workflow_code,
            Some(current.state.workflow_version),
        )?;
        let context = Context {
            procedure,
            workflow,
            calendar: &self.reference.calendar,
        };
        let events = decide(Some(&current.state), &context, actor, action, at)?;
        self.check_electronic_result(&current, action, papers)
            .await?;
        self.check_assignee(&current, action).await?;
        let state = fold(Some(current.state.clone()), &events)?;
        let stored_state = json(&state)?;
        let index = index_of(&state);
        let count = current.stored.event_count + i64::try_from(events.len()).unwrap_or(0);
        let view = DossierView {
            stored: StoredDossier {
                index: index.clone(),
                state: stored_state.clone(),
                event_count: count,
                ..current.stored.clone()
            },
            state: state.clone(),
        };
        let answer = idempotency.map(|(i, a)| (i, a(&view)));
        let payments = self.payments_of(
            &current.stored.code,
            actor,
            action,
            idempotency.map(|(i, _)| i),
            at,
        )?;
        let written = match self
            .db
            .append_events(
                current.stored.id,
                current.stored.event_count,
                Append {
                    events: &new_events(&events)?,
                    index: &index,
                    state: &stored_state,
                    outbox: &outbox_for(current.stored.id, &state, &events)?,
                    idempotency: answer.as_ref().map(|(i, a)| (*i, a)),
                    papers,
                    payments: &payments,
                },
            )
            .await
        {
            // The same request raced itself (a double click): the one that lost answers as the
            // one that won.
            Err(DossierWriteError::Conflict { .. }) if idempotency.is_some() => {
                if let Some((idem, _)) = idempotency
                    && let Some(previous) = self.db.idempotent_answer(idem).await?
                {
                    return Ok(Outcome::Replayed(previous));
                }
                return Err(ServiceError::Conflict);
            }
            other => other?,
        };
        match written {
            Written::Replayed(r) => Ok(Outcome::Replayed(r)),
            Written::Done(_) => {
                for payment in &payments {
                    crate::payments::counter::log_recorded(self.db, payment).await;
                }
                Ok(Outcome::Done(Box::new(view)))
            }
        }
    }

    fn decode(&self, mut stored: StoredDossier) -> Result<DossierView, ServiceError> {
        stored.applicant_contact = stored
            .applicant_contact
            .map(|c| self.vault.open_contact(&c));
        let state: DossierState = serde_json::from_str(&stored.state)
            .map_err(|e| ServiceError::Corrupt(format!("{}: {e}", stored.code)))?;
        Ok(DossierView { stored, state })
    }

    /// The dossier with this code.
    pub async fn get(&self, code: &str) -> Result<DossierView, ServiceError> {
        // Codes are printed in capitals but people type them as they like.
        let code = DossierCode::parse(code.trim()).map_err(|_| ServiceError::NotFound)?;
        let stored = self
            .db
            .dossier_by_code(&code.to_string())
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.decode(stored)
    }

    /// The dossier's events, decoded, in order.
    pub async fn timeline(&self, view: &DossierView) -> Result<Vec<Event>, ServiceError> {
        self.db
            .dossier_events(view.stored.id)
            .await?
            .into_iter()
            .map(|e| {
                Ok(Event {
                    at: e.recorded_at,
                    actor: serde_json::from_str(&e.actor)
                        .map_err(|err| ServiceError::Corrupt(err.to_string()))?,
                    change: serde_json::from_str(&e.payload)
                        .map_err(|err| ServiceError::Corrupt(err.to_string()))?,
                })
            })
            .collect()
    }
}
