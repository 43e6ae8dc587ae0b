//! What the system knows of a dossier for the rating, read from its event log, so the applicant
//! is never asked what the agency recorded itself (Decree 61/2018/NĐ-CP Art. 32.1 a–d; Circular
//! 01/2018/TT-VPCP Annex I scores each 2, 1 or 0).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::catalogue::Channel;
use crate::dossier::{Actor, ApplyError, Change, Event, Timeliness, apply, classify};

/// The computed side of a rating.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Filed online (the online-service criterion is asked of these only).
    pub online: bool,
    /// The whole dossier against its legal time, when processing ended (`None` if it was
    /// never accepted, so legal time never ran: Decision 766/QĐ-TTg indicator 2.1).
    pub timeliness: Option<Timeliness>,
    /// A late result came with the written apology and new date of Form 04 (Decree
    /// 61/2018/NĐ-CP Art. 19, as amended).
    pub apologised: bool,
    /// Workflow steps judged against their own due times (each unit's part, including another
    /// agency's part of an inter-agency dossier): how many were judged.
    pub steps_judged: u32,
    /// How many of those ended after their due time.
    pub steps_late: u32,
    /// How many times the applicant was asked to complete the papers (Form 02), at intake and
    /// during processing.
    pub contacts: u32,
    /// The agencies the applicant had to deal with: the receiving agency and any other whose
    /// officer asked them for papers, by code.
    pub agencies: BTreeSet<String>,
    /// Papers asked for that are not in the procedure's published list.
    pub papers_beyond_list: Vec<String>,
}

impl Facts {
    /// Reads a dossier's log. `published_papers` are the names of the papers in the procedure's
    /// published list, `None` when the procedure is no longer in the catalogue (then no paper
    /// is held to be beyond it). Processing must have ended for the times to be judged; an open
    /// dossier's timeliness is judged at its last event.
    pub fn of(events: &[Event], published_papers: Option<&[&str]>) -> Result<Facts, ApplyError> {
        let mut state = None;
        // Each step's last leaving: when, and its due time then. A step left and entered again
        // (a proposal sent back to the handling officer) is judged once, by when it was last
        // left, so one late step never counts twice.
        let mut left: BTreeMap<usize, (OffsetDateTime, OffsetDateTime)> = BTreeMap::new();
        let mut agencies = BTreeSet::new();
        let mut papers_beyond_list = Vec::new();
        for event in events {
            let before = state.clone();
            let after = apply(state, event)?;
            if let Change::SupplementRequested { papers, .. } = &event.change {
                let asking = match &event.actor {
                    Actor::Officer { unit, .. } => unit.clone(),
                    _ => after.holder.clone(),
                };
                agencies.insert(asking);
                if let Some(published) = published_papers {
                    for paper in papers {
                        if !published.contains(&paper.as_str())
                            && !papers_beyond_list.contains(paper)
                        {
                            papers_beyond_list.push(paper.clone());
                        }
                    }
                }
            }
            if let Some(before) = &before
                && !before.steps.is_empty()
            {
                // A step is left when the dossier moves off it (forwards, past the steps it
                // skips, or back), or when processing ends while it is in progress (stopped,
                // withdrawn, the result ready). The collection after the result is ready is not
                // judged: when the applicant comes is theirs to choose.
                let ended_now =
                    before.processing_ended_at.is_none() && after.processing_ended_at.is_some();
                let from = before.current_step;
                let through = if after.current_step > from {
                    after.current_step
                } else if after.current_step < from || ended_now {
                    from + 1
                } else {
                    from
                };
                for (index, step) in before.steps.iter().enumerate().take(through).skip(from) {
                    left.insert(index, (event.at, step.due));
                }
            }
            state = Some(after);
        }
        let steps_judged = u32::try_from(left.len()).unwrap_or(u32::MAX);
        let steps_late =
            u32::try_from(left.values().filter(|(at, due)| at > due).count()).unwrap_or(u32::MAX);
        let Some(state) = state else {
            return Ok(Facts::default());
        };
        agencies.insert(state.agency.clone());
        let end = state.processing_ended_at.unwrap_or(state.updated_at);
        Ok(Facts {
            online: state.channel == Channel::Online,
            timeliness: classify(&state, end),
            apologised: state.apology.is_some(),
            steps_judged,
            steps_late,
            contacts: state.supplement_requests + state.intake_supplement_requests,
            agencies,
            papers_beyond_list,
        })
    }

    /// a) Total time: early or on time 2; late with an apology and new date 1; late without 0.
    /// Not applicable when legal time never ran.
    pub(super) fn total_time_points(&self) -> Option<u8> {
        self.timeliness.map(|t| {
            if t.counts_as_on_time() {
                2
            } else if self.apologised {
                1
            } else {
                0
            }
        })
    }

    /// b) Each part's time: every step within its time 2; one late 1; more 0. Not applicable
    /// when no step was judged (refused or withdrawn at intake).
    pub(super) fn each_part_points(&self) -> Option<u8> {
        (self.steps_judged > 0).then_some(match self.steps_late {
            0 => 2,
            1 => 1,
            _ => 0,
        })
    }

    /// c) Contacts to complete the papers: none 2; one 1; more 0 (the law allows guiding the
    /// applicant once, Decree 61/2018/NĐ-CP Art. 15.2.b).
    pub(super) fn contacts_points(&self) -> u8 {
        match self.contacts {
            0 => 2,
            1 => 1,
            _ => 0,
        }
    }

    /// d) Agencies dealt with: only the receiving one 2; two 1; more 0.
    pub(super) fn agencies_points(&self) -> u8 {
        match self.agencies.len() {
            0 | 1 => 2,
            2 => 1,
            _ => 0,
        }
    }
}
