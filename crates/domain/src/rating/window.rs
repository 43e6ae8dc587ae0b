//! Who may rate a dossier and until when. A rating is asked once the dossier has ended (Decree
//! 61/2018/NĐ-CP Art. 32.2: the applicant rates the handling of their procedure), is one per
//! dossier, and may be changed for a few days, so a slip on a kiosk can be put right but a
//! rating cannot be rewritten long after the figures that count it were published.

use time::{Duration, OffsetDateTime};

use crate::dossier::DossierState;

/// Days after the dossier ended during which it may be rated (the notices' link lives as long).
/// The decree sets no limit; this is the province's choice, a quarter, so that a month's figures
/// settle within the following quarter's report.
pub const RATING_OPEN_DAYS: i64 = 90;
/// Days after a rating was first given during which it may be changed: the province's choice,
/// long enough to put right a slip, short enough that reported figures stay put.
pub const CHANGE_DAYS: i64 = 7;

/// Why a dossier cannot be rated now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RatingRefusal {
    /// The dossier has not ended yet.
    #[error("the dossier has not ended yet")]
    NotEnded,
    /// It ended more than [`RATING_OPEN_DAYS`] ago.
    #[error("the time to rate this dossier has passed")]
    Closed,
    /// It was rated more than [`CHANGE_DAYS`] ago and can no longer be changed.
    #[error("the rating can no longer be changed")]
    NoLongerChangeable,
}

/// When a dossier's rating opens and closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingWindow {
    /// When the dossier ended (returned, refused, stopped, withdrawn).
    pub ended_at: OffsetDateTime,
    /// The last moment a first rating is taken.
    pub closes_at: OffsetDateTime,
}

impl RatingWindow {
    /// The window of a dossier; `None` while it has not ended. The end is the terminal event
    /// (the return, not the result being ready: the applicant rates what they received).
    pub fn of(state: &DossierState) -> Option<RatingWindow> {
        if !state.status.is_terminal() {
            return None;
        }
        let ended_at = state.returned_at.unwrap_or(state.updated_at);
        Some(RatingWindow {
            ended_at,
            closes_at: ended_at + Duration::days(RATING_OPEN_DAYS),
        })
    }
}

/// Whether the dossier in `state` may be rated at `now`, given when its rating was first given
/// (`None` if never). Returns the last moment the rating (new or changed) is taken.
pub fn may_rate(
    state: &DossierState,
    first_given_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, RatingRefusal> {
    let window = RatingWindow::of(state).ok_or(RatingRefusal::NotEnded)?;
    match first_given_at {
        None if now <= window.closes_at => Ok(window.closes_at),
        None => Err(RatingRefusal::Closed),
        Some(given) => {
            let until = given + Duration::days(CHANGE_DAYS);
            if now <= until {
                Ok(until)
            } else {
                Err(RatingRefusal::NoLongerChangeable)
            }
        }
    }
}
