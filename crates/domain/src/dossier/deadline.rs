//! Legal time of a dossier: the appointment and step due times set at receipt, how supplement
//! pauses move them, the latest day for an apology, and the on-time classification of Decision
//! 766/QĐ-TTg that the reports and the officers' inboxes show.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::plan::StepPlan;
use super::state::DossierState;
use crate::calendar::{OfficeHours, VIETNAM_OFFSET, WorkCalendar, to_vietnam_local};
use crate::catalogue::{LegalDuration, Workflow};

/// A dossier is "due soon" in the inbox when at most this many working days remain.
pub const DUE_SOON_WORKING_DAYS: i64 = 1;

/// Local Vietnamese time of a UTC instant.
pub(crate) fn local(at: OffsetDateTime) -> Option<PrimitiveDateTime> {
    to_vietnam_local(at)
}

/// The UTC instant of a local Vietnamese time.
pub(crate) fn utc(local: PrimitiveDateTime) -> Option<OffsetDateTime> {
    local
        .assume_offset(VIETNAM_OFFSET)
        .checked_to_offset(UtcOffset::UTC)
}

/// The legal times fixed when a dossier is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptPlan {
    /// When legal time starts counting.
    pub counting_from: OffsetDateTime,
    /// The appointment date for the receipt (Form 01).
    pub appointment: OffsetDateTime,
    /// Each workflow step with its due time.
    pub steps: Vec<StepPlan>,
}

/// The appointment and step due times of a dossier accepted at `received`, or `None` past the
/// end of the calendar's date range.
///
/// The appointment is [`WorkCalendar::appointment`] (receipt outside office hours counts from
/// the next opening, Decree 45/2020/NĐ-CP; same-day procedures received after 15:00 are due the
/// next working day, Decree 61/2018/NĐ-CP Art. 17 as carried into Decree 118/2025/NĐ-CP). The
/// legal working time from the start to the appointment is shared among the workflow steps by
/// their `share_percent` (the internal procedure sets each step's time, Decree 118/2025/NĐ-CP):
/// a step is due when the shares up to and including it have elapsed, and the last step is due
/// at the appointment even if the shares do not add up to 100.
pub fn plan_receipt(
    calendar: &WorkCalendar,
    duration: LegalDuration,
    workflow: &Workflow,
    received: OffsetDateTime,
) -> Option<ReceiptPlan> {
    let start = calendar.receipt_start(received)?;
    let appointment = calendar.appointment(received, duration)?;
    let total = calendar
        .working_time_between(start, appointment)
        .whole_seconds();
    let mut cumulative: i64 = 0;
    let mut steps = Vec::with_capacity(workflow.steps.len());
    for (index, step) in workflow.steps.iter().enumerate() {
        cumulative = (cumulative + i64::from(step.share_percent)).min(100);
        let due = if index + 1 == workflow.steps.len() || cumulative == 100 {
            appointment
        } else {
            calendar.add_working_time(start, Duration::seconds(total * cumulative / 100))?
        };
        steps.push(StepPlan {
            code: step.code.clone(),
            role: step.role,
            due: utc(due)?,
        });
    }
    Some(ReceiptPlan {
        counting_from: utc(start)?,
        appointment: utc(appointment)?,
        steps,
    })
}

/// Deadlines after the clock ran again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Extension {
    pub paused_seconds: i64,
    pub due: Option<OffsetDateTime>,
    pub steps: Vec<StepPlan>,
    pub apology_due: Option<OffsetDateTime>,
}

/// Moves the due time, the steps not yet done and an apology's new date later by the working
/// time from the supplement request to `resumed` (Decree 118/2025/NĐ-CP: the time the applicant
/// takes to complete the papers is not counted; Decision 766/QĐ-TTg subtracts "completed −
/// requested"). Without a pause (intake) nothing moves.
pub(crate) fn extend_for_supplement(
    calendar: &WorkCalendar,
    state: &DossierState,
    resumed: OffsetDateTime,
) -> Option<Extension> {
    let Some(paused_at) = state.paused_at else {
        return Some(Extension {
            paused_seconds: 0,
            due: state.due,
            steps: state.steps.clone(),
            apology_due: state.apology.as_ref().map(|a| a.new_due),
        });
    };
    let (from, to) = (local(paused_at)?, local(resumed)?);
    let extend = |due: OffsetDateTime| utc(calendar.extend_for_pause(local(due)?, from, to)?);
    let mut steps = state.steps.clone();
    for step in steps.iter_mut().skip(state.current_step) {
        step.due = extend(step.due)?;
    }
    Some(Extension {
        paused_seconds: calendar.working_time_between(from, to).whole_seconds(),
        due: match state.due {
            Some(due) => Some(extend(due)?),
            None => None,
        },
        steps,
        apology_due: match &state.apology {
            Some(apology) => Some(extend(apology.new_due)?),
            None => None,
        },
    })
}

/// The last day (local) on which an apology for the current due time may be issued: the working
/// day before the due date. The agency must apologise and give a new date at least one working
/// day before the deadline (Decree 61/2018/NĐ-CP Art. 19(4) as amended by Decree 107/2021/NĐ-CP,
/// carried into Decree 118/2025/NĐ-CP; recalled text, to verify against Decree 118/2025).
/// `None` before acceptance.
pub fn apology_deadline(calendar: &WorkCalendar, state: &DossierState) -> Option<Date> {
    let due = local(state.due?)?.date();
    let mut day = due.previous_day()?;
    for _ in 0..366 {
        if calendar.is_working_day(day) {
            return Some(day);
        }
        day = day.previous_day()?;
    }
    None
}

/// Where a dossier stands against its deadline (Decision 766/QĐ-TTg, indicator 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Finished before the day of the deadline (trước hạn).
    Early,
    /// Finished on the day of the deadline, not after it (đúng hạn).
    OnTime,
    /// Finished after the deadline (quá hạn, trễ hạn).
    Late,
    /// Not finished and still within the deadline (đang xử lý trong hạn).
    InTime,
    /// Not finished and past the deadline (đang xử lý quá hạn).
    Overdue,
}

impl Timeliness {
    /// Stable text form used in storage and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Timeliness::Early => "early",
            Timeliness::OnTime => "on_time",
            Timeliness::Late => "late",
            Timeliness::InTime => "in_time",
            Timeliness::Overdue => "overdue",
        }
    }

    /// Whether processing has ended.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Timeliness::Early | Timeliness::OnTime | Timeliness::Late
        )
    }

    /// Whether it counts in the numerator of indicator 2.1 ("finished on or before the deadline
    /// plus in process within the deadline").
    pub fn counts_as_on_time(self) -> bool {
        !matches!(self, Timeliness::Late | Timeliness::Overdue)
    }
}

/// Classifies a dossier at `now` by Decision 766/QĐ-TTg, indicator 2.1. `None` for dossiers
/// never accepted (submitted, refused at intake, withdrawn before acceptance): they were not
/// received, so the indicator does not count them.
///
/// - The deadline is the appointment moved later by the working time of each completed
///   supplement pause ("supplement time is subtracted").
/// - The end of processing is the first of result ready, returned, stopped, refused or
///   withdrawn; on time ⇔ end ≤ deadline. Early when the end falls on a day before the
///   deadline's day (local time).
/// - A pending supplement request counts its request time as the end, so the dossier stays in
///   time while the applicant has not answered, and stays so if it ends during the pause.
/// - More than one supplement request during processing makes the dossier overdue whatever the
///   times.
/// - An apology (Form 04) gives the applicant a new date but does not move the deadline: the
///   indicator compares with the appointment date, and an apology is issued precisely because the
///   dossier will be late. The dossier therefore counts as late (or overdue) once past the
///   original deadline even when the new date is kept.
pub fn classify(state: &DossierState, now: OffsetDateTime) -> Option<Timeliness> {
    let due = state.due?;
    let finished = state.processing_ended_at.is_some();
    if state.supplement_requests > 1 {
        return Some(if finished {
            Timeliness::Late
        } else {
            Timeliness::Overdue
        });
    }
    let stop = match (state.paused_at, state.processing_ended_at) {
        (Some(paused), Some(ended)) => Some(paused.min(ended)),
        (paused, ended) => paused.or(ended),
    };
    let end = stop.unwrap_or(now);
    Some(match (finished, end <= due) {
        (true, false) => Timeliness::Late,
        (true, true) => {
            let earlier_day = match (local(end), local(due)) {
                (Some(end), Some(due)) => end.date() < due.date(),
                _ => false,
            };
            if earlier_day {
                Timeliness::Early
            } else {
                Timeliness::OnTime
            }
        }
        (false, true) => Timeliness::InTime,
        (false, false) => Timeliness::Overdue,
    })
}

/// The moment a result promised for `day` is due: the close of that day's office hours in
/// Vietnam (the province's, 17:00 by default). Deadlines are counted in working days (Decree
/// 118/2025/NĐ-CP on the one-stop mechanism), so a date alone, as an officer writes it on an
/// apology (Form 04), is read as this system reads every appointment: by the end of that working
/// day, the convention of the provincial systems it follows.
pub fn due_at_close_of(hours: &OfficeHours, day: Date) -> OffsetDateTime {
    day.with_time(hours.closing()).assume_offset(VIETNAM_OFFSET)
}

/// What the dossier projection keeps of [`classify`], so that reports and the inbox's overdue
/// filter count indexed columns and never decide timeliness in SQL: one definition, the domain's
/// (Decision 766/QĐ-TTg, indicator 2.1).
///
/// The verdict of a finished dossier never changes; an open one only turns from in time to
/// overdue at one moment, [`RecordedTimeliness::overdue_after`], unless a later event (a
/// supplement pause, a second supplement request, the end of processing) changes its state, and
/// every event rewrites the projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordedTimeliness {
    /// Never accepted (no appointment): the indicator does not count it.
    Unjudged,
    /// In processing; overdue at any moment after `overdue_after`, and in time until then.
    /// `None` while it cannot become overdue: its clock is stopped for a supplement within the
    /// deadline.
    Open {
        /// The last moment it is still in time.
        overdue_after: Option<OffsetDateTime>,
    },
    /// Processing ended with this verdict (early, on time or late).
    Finished(Timeliness),
}

impl RecordedTimeliness {
    /// What [`classify`] will say of `state` at any moment after its last event.
    pub fn of(state: &DossierState) -> Self {
        let Some(due) = state.due else {
            return RecordedTimeliness::Unjudged;
        };
        if state.processing_ended_at.is_some() {
            // A finished dossier's verdict does not depend on the moment asked.
            return match classify(state, due) {
                Some(verdict) => RecordedTimeliness::Finished(verdict),
                None => RecordedTimeliness::Unjudged,
            };
        }
        let overdue_after = if state.supplement_requests > 1 {
            // Overdue whatever the times: from its acceptance on, which precedes every event
            // after which the question is asked.
            Some(state.received_at.unwrap_or(due).min(due))
        } else {
            match state.paused_at {
                // Paused past the deadline: already overdue, and stays so.
                Some(paused) if paused > due => Some(due),
                // Paused within it: the request time is the end, so in time while it lasts.
                Some(_) => None,
                None => Some(due),
            }
        };
        RecordedTimeliness::Open { overdue_after }
    }

    /// Its stable text form, kept in the projection's `timeliness` column: `unjudged`, `open`,
    /// or the finished verdict's [`Timeliness::as_str`].
    pub fn label(self) -> &'static str {
        match self {
            RecordedTimeliness::Unjudged => "unjudged",
            RecordedTimeliness::Open { .. } => "open",
            RecordedTimeliness::Finished(verdict) => verdict.as_str(),
        }
    }

    /// The moment after which an open dossier is overdue (`None` when finished, unjudged or
    /// paused within its deadline).
    pub fn overdue_after(self) -> Option<OffsetDateTime> {
        match self {
            RecordedTimeliness::Open { overdue_after } => overdue_after,
            _ => None,
        }
    }

    /// The classification at `now`, which equals [`classify`] for any `now` after the dossier's
    /// last event.
    pub fn at(self, now: OffsetDateTime) -> Option<Timeliness> {
        match self {
            RecordedTimeliness::Unjudged => None,
            RecordedTimeliness::Finished(verdict) => Some(verdict),
            RecordedTimeliness::Open { overdue_after } => {
                Some(if overdue_after.is_some_and(|after| now > after) {
                    Timeliness::Overdue
                } else {
                    Timeliness::InTime
                })
            }
        }
    }
}

/// How urgent an unfinished dossier is for the officers' inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Past its deadline (or overdue by the supplement rule).
    Overdue,
    /// At most [`DUE_SOON_WORKING_DAYS`] working day left.
    DueSoon,
    /// More time left.
    InTime,
    /// Waiting for the applicant's supplement: the clock is stopped.
    ClockStopped,
}

/// The inbox mark of a dossier against its legal due time at `now`; `None` when it was never
/// accepted or processing has ended.
pub fn urgency(
    calendar: &WorkCalendar,
    state: &DossierState,
    now: OffsetDateTime,
) -> Option<Urgency> {
    urgency_against(calendar, state, state.due?, now)
}

/// The inbox mark of a dossier against the due time of the step in progress at `now`; `None`
/// when it was never accepted or processing has ended.
pub fn step_urgency(
    calendar: &WorkCalendar,
    state: &DossierState,
    now: OffsetDateTime,
) -> Option<Urgency> {
    urgency_against(calendar, state, state.current_step()?.due, now)
}

fn urgency_against(
    calendar: &WorkCalendar,
    state: &DossierState,
    due: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<Urgency> {
    if !state.is_received() || state.processing_ended_at.is_some() {
        return None;
    }
    if state.supplement_requests > 1 {
        return Some(Urgency::Overdue);
    }
    if let Some(paused) = state.paused_at {
        return Some(if paused > due {
            Urgency::Overdue
        } else {
            Urgency::ClockStopped
        });
    }
    if now > due {
        return Some(Urgency::Overdue);
    }
    let left = calendar.working_minutes_between(local(now)?, local(due)?);
    Some(
        if left <= DUE_SOON_WORKING_DAYS * calendar.working_minutes_per_day() {
            Urgency::DueSoon
        } else {
            Urgency::InTime
        },
    )
}
