//! The applicant's rating of a finished dossier, whatever door it comes through: the tracking
//! page and "my dossiers" (the applicant proved the dossier there), the link in the notice of the
//! end, and the kiosk at the counter (the officer who returned the result opens it). Every door
//! leads to one signed link ([`RatingLink`]), so the rating page needs no sign-in and trusts
//! nothing the visitor could change. Also the figures: ratings per unit, procedure and officer,
//! and indicator 5.4 of Decision 766/QĐ-TTg.

use domain::rating::{
    Answers, Facts, IndicatorScore, RatingRefusal, RatingTally, Scored,
    dossier_receiving_satisfaction, may_rate, score,
};
use storage::Db;
use storage::ratings::{RatingCounts, RatingRow};
use time::{Duration, OffsetDateTime};

use crate::ServiceError;
use crate::dossiers::{DossierService, DossierView};
use crate::personal_data::PersonalDataVault;
use crate::reference::ReferenceData;

pub use storage::ratings::RatingGroup;

/// The purpose a rating link is signed for.
const LINK_PURPOSE: &str = "rating";

/// Through which door the applicant came to rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// The public tracking page, after the code and digits were checked.
    Tracking,
    /// "My dossiers" of a signed-in citizen.
    Account,
    /// The link in the notice that the dossier ended.
    Notice,
    /// The kiosk at the counter, opened by the officer who handed over the result.
    Kiosk,
}

impl Door {
    /// Every door.
    pub const ALL: [Door; 4] = [Door::Tracking, Door::Account, Door::Notice, Door::Kiosk];

    /// Stable text form used in links and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Door::Tracking => "tracking",
            Door::Account => "account",
            Door::Notice => "notice",
            Door::Kiosk => "kiosk",
        }
    }

    /// The door of a stable text form.
    pub fn parse(s: &str) -> Option<Door> {
        Door::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// How long a link made at this door lasts. A page the applicant opened after proving the
    /// dossier lasts an afternoon; the notice's lasts as long as the dossier may be rated; the
    /// kiosk's a quarter of an hour, so the next person at the counter cannot use it.
    fn lifetime(self) -> Duration {
        match self {
            Door::Tracking | Door::Account => Duration::hours(4),
            Door::Notice => Duration::days(domain::rating::RATING_OPEN_DAYS),
            Door::Kiosk => Duration::minutes(15),
        }
    }
}

/// A signed link to a dossier's rating page: the dossier, the door, when it stops working and
/// the signature over the three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingLink {
    /// The dossier's code.
    pub code: String,
    /// The door it was made at.
    pub door: Door,
    /// When it stops working, in Unix seconds.
    pub until: i64,
    /// The signature (hex).
    pub signature: String,
}

fn signed_message(code: &str, door: Door, until: i64) -> String {
    format!("{code}\n{}\n{until}", door.as_str())
}

impl RatingLink {
    /// A link for `code` made at `door` at `now`; a notice's lasts from when the dossier ended.
    pub fn new(vault: &PersonalDataVault, code: &str, door: Door, from: OffsetDateTime) -> Self {
        let until = (from + door.lifetime()).unix_timestamp();
        RatingLink {
            code: code.to_owned(),
            door,
            until,
            signature: vault.sign_link(LINK_PURPOSE, &signed_message(code, door, until)),
        }
    }

    /// The page's path and query, to put after the portal's address.
    pub fn path(&self) -> String {
        format!(
            "/ratings/{}?door={}&until={}&sig={}",
            self.code,
            self.door.as_str(),
            self.until,
            self.signature
        )
    }

    /// Whether the link is the vault's own and still works at `now`.
    pub fn check(&self, vault: &PersonalDataVault, now: OffsetDateTime) -> Result<(), LinkError> {
        if !vault.link_signed(
            LINK_PURPOSE,
            &signed_message(&self.code, self.door, self.until),
            &self.signature,
        ) {
            return Err(LinkError::Invalid);
        }
        if now.unix_timestamp() > self.until {
            return Err(LinkError::Expired);
        }
        Ok(())
    }
}

/// Why a rating link does not open the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not signed by this deployment, or altered.
    #[error("the link is not valid")]
    Invalid,
    /// Past its time.
    #[error("the link has expired")]
    Expired,
}

/// A rating already given.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    /// The applicant's answers.
    pub answers: Answers,
    /// The rating as scored.
    pub scored: Scored,
    /// When it was first given.
    pub first_given_at: OffsetDateTime,
}

/// Everything the rating page shows of a dossier.
#[derive(Debug, Clone)]
pub struct RatingContext {
    /// The dossier.
    pub view: DossierView,
    /// What the system knows, scored for the computed criteria.
    pub facts: Facts,
    /// The rating given, if any.
    pub given: Option<Given>,
    /// Until when a rating (new or changed) is taken, or why none is.
    pub open: Result<OffsetDateTime, RatingRefusal>,
}

fn refused(refusal: RatingRefusal) -> ServiceError {
    ServiceError::Refused {
        code: match refusal {
            RatingRefusal::NotEnded => "rating_not_ended",
            RatingRefusal::Closed => "rating_closed",
            RatingRefusal::NoLongerChangeable => "rating_locked",
        },
        message: refusal.to_string(),
    }
}

/// The ratings of one database, reference snapshot and vault.
pub struct RatingService<'a> {
    db: &'a Db,
    vault: &'a PersonalDataVault,
    reference: &'a ReferenceData,
}

impl<'a> RatingService<'a> {
    /// A service for one request.
    pub fn new(db: &'a Db, vault: &'a PersonalDataVault, reference: &'a ReferenceData) -> Self {
        RatingService {
            db,
            vault,
            reference,
        }
    }

    /// What the rating page shows for the dossier `code` at `now`.
    pub async fn context(
        &self,
        code: &str,
        now: OffsetDateTime,
    ) -> Result<RatingContext, ServiceError> {
        let dossiers = DossierService::new(self.db, self.vault, self.reference);
        let view = dossiers.get(code).await?;
        let events = dossiers.timeline(&view).await?;
        let published: Vec<&str> = self
            .reference
            .procedure(&view.state.procedure_code)
            .map(|p| p.components.iter().map(|c| c.name.as_str()).collect())
            .unwrap_or_default();
        let facts =
            Facts::of(&events, &published).map_err(|e| ServiceError::Corrupt(e.to_string()))?;
        let given = match self.db.rating_of(view.stored.id).await? {
            Some(stored) => {
                let answers: Answers = serde_json::from_str(&stored.answers)
                    .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
                Some(Given {
                    scored: score(&facts, &answers),
                    answers,
                    first_given_at: stored.first_given_at,
                })
            }
            None => None,
        };
        let open = may_rate(&view.state, given.as_ref().map(|g| g.first_given_at), now);
        Ok(RatingContext {
            view,
            facts,
            given,
            open,
        })
    }

    /// Gives or changes the rating of `code` through `door` at `now`, and returns the page's
    /// context afterwards.
    pub async fn rate(
        &self,
        code: &str,
        door: Door,
        answers: Answers,
        now: OffsetDateTime,
    ) -> Result<RatingContext, ServiceError> {
        answers.check().map_err(|e| ServiceError::Refused {
            code: "rating_must_apply",
            message: e.to_string(),
        })?;
        let context = self.context(code, now).await?;
        context.open.map_err(refused)?;
        let scored = score(&context.facts, &answers);
        let state = &context.view.state;
        let row = RatingRow {
            dossier_id: context.view.stored.id,
            agency_code: context.view.stored.agency_code.clone(),
            procedure_code: state.procedure_code.clone(),
            officer_id: state.assigned_to.clone(),
            source: door.as_str().to_owned(),
            level: scored.level.as_str().to_owned(),
            points: scored.points.map(|p| p.map(i32::from)),
            answers: serde_json::to_string(&answers)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
            ended_at: state.processing_ended_at.unwrap_or(state.updated_at),
            at: now,
        };
        self.db.put_rating(&row).await?;
        self.context(code, now).await
    }
}

/// The ratings of one group, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRatings {
    /// The agency code, procedure code or officer id.
    pub key: String,
    /// The ratings counted.
    pub tally: RatingTally,
    /// Ratings "not satisfied" of dossiers whose legal time ran.
    pub not_satisfied_judged: u64,
}

fn tally_of(counts: RatingCounts) -> GroupRatings {
    let n = |v: i64| u64::try_from(v).unwrap_or_default();
    let mut tally = RatingTally {
        ratings: n(counts.ratings),
        by_level: counts.by_level.map(n),
        ..RatingTally::default()
    };
    for (slot, (rated, points)) in tally.criteria.iter_mut().zip(counts.criteria) {
        slot.rated = n(rated);
        slot.points = n(points);
    }
    GroupRatings {
        key: counts.key,
        tally,
        not_satisfied_judged: n(counts.not_satisfied_judged),
    }
}

/// The ratings of the dossiers whose processing ended in `[from, to)`, per `group`, within
/// `agencies` when given. Every group is returned; whoever shows them asks
/// [`RatingTally::shown`] first.
pub async fn ratings_by(
    db: &Db,
    group: RatingGroup,
    from: OffsetDateTime,
    to: OffsetDateTime,
    agencies: Option<&[String]>,
) -> Result<Vec<GroupRatings>, ServiceError> {
    Ok(db
        .rating_counts(group, from, to, agencies)
        .await?
        .into_iter()
        .map(tally_of)
        .collect())
}

/// Indicator 5.4 for one agency and period: the dossiers whose processing ended in it, those of
/// them late, and those rated "not satisfied". Feedback about a dossier (phản ánh, kiến nghị)
/// will count with the ratings once feedback is recorded; until then only ratings do.
pub fn receiving_satisfaction(
    on_time: i64,
    late: i64,
    not_satisfied_judged: u64,
) -> IndicatorScore {
    let n = |v: i64| u64::try_from(v).unwrap_or_default();
    dossier_receiving_satisfaction(n(on_time) + n(late), n(late), not_satisfied_judged)
}
