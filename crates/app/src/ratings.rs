//! The applicant's rating of a finished dossier, whatever door it comes through: the tracking
//! page and "my dossiers" (the applicant proved the dossier there), the link in the notice of the
//! end, and the kiosk at the counter (the officer who returned the result opens it). Every door
//! leads to one signed link ([`RatingLink`]), so the rating page needs no sign-in and trusts
//! nothing the visitor could change. Also the figures: ratings per unit, procedure and officer,
//! and indicator 5.4 of Decision 766/QĐ-TTg.

use domain::rating::{
    Answers, Facts, IndicatorScore, MIN_RATINGS_SHOWN, RatingRefusal, RatingTally, Scored,
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

/// How long past its time a link still takes the answers posted from the page it opened.
pub const POST_GRACE: Duration = Duration::minutes(10);

/// How long after a dossier ended the officer at the counter is offered the kiosk page: the
/// applicant rates while still there, not some other day on someone else's behalf.
pub const KIOSK_OFFER: Duration = Duration::hours(1);

/// Whether the officer at the counter may open the kiosk page of a dossier in `state` at `now`.
pub fn kiosk_offered(state: &domain::dossier::DossierState, now: OffsetDateTime) -> bool {
    domain::rating::RatingWindow::of(state).is_some_and(|w| now <= w.ended_at + KIOSK_OFFER)
}

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
        self.check_with_grace(vault, now, Duration::ZERO)
    }

    /// [`RatingLink::check`] for answers posted from a page the link opened: they are taken
    /// for [`POST_GRACE`] past the link's time, so a person who took a while to answer does not
    /// lose what they chose.
    pub fn check_posted(
        &self,
        vault: &PersonalDataVault,
        now: OffsetDateTime,
    ) -> Result<(), LinkError> {
        self.check_with_grace(vault, now, POST_GRACE)
    }

    fn check_with_grace(
        &self,
        vault: &PersonalDataVault,
        now: OffsetDateTime,
        grace: Duration,
    ) -> Result<(), LinkError> {
        if !vault.link_signed(
            LINK_PURPOSE,
            &signed_message(&self.code, self.door, self.until),
            &self.signature,
        ) {
            return Err(LinkError::Invalid);
        }
        if now.unix_timestamp() > self.until.saturating_add(grace.whole_seconds()) {
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
        // The papers published now: the catalogue keeps no earlier lists, and a procedure no
        // longer in it holds no paper to be beyond its list.
        let published: Option<Vec<&str>> = self
            .reference
            .procedure(&view.state.procedure_code)
            .map(|p| p.components.iter().map(|c| c.name.as_str()).collect());
        let facts = Facts::of(&events, published.as_deref())
            .map_err(|e| ServiceError::Corrupt(e.to_string()))?;
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

    /// Gives or changes the rating of the dossier of `context` (as [`RatingService::context`]
    /// read it at `now`) through `door`, and returns the page's context afterwards.
    pub async fn rate(
        &self,
        context: RatingContext,
        door: Door,
        answers: Answers,
        now: OffsetDateTime,
    ) -> Result<RatingContext, ServiceError> {
        answers.check().map_err(|e| ServiceError::Refused {
            code: "rating_must_apply",
            message: e.to_string(),
        })?;
        context.open.map_err(refused)?;
        // A kiosk is shared: what was given there, or elsewhere, is not the next person's to
        // change.
        if door == Door::Kiosk && context.given.is_some() {
            return Err(already_rated());
        }
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
        // A change is taken only while the first rating is recent, checked again by the write
        // itself, so two posts at the end of the window cannot both pass.
        // The kiosk only ever gives a first rating: a rating written in between (a second tap
        // on the button) is not changed by it.
        let changeable_since = match door {
            Door::Kiosk => now + Duration::days(1),
            _ => now - Duration::days(domain::rating::CHANGE_DAYS),
        };
        if !self.db.put_rating(&row, changeable_since).await? {
            return Err(match door {
                Door::Kiosk => already_rated(),
                _ => refused(RatingRefusal::NoLongerChangeable),
            });
        }
        // What was written, without reading it back.
        let first_given_at = context.given.as_ref().map_or(now, |g| g.first_given_at);
        Ok(RatingContext {
            open: may_rate(&context.view.state, Some(first_given_at), now),
            given: Some(Given {
                answers,
                scored,
                first_given_at,
            }),
            ..context
        })
    }
}

fn already_rated() -> ServiceError {
    ServiceError::Refused {
        code: "rating_given",
        message: "this dossier was rated already".into(),
    }
}

/// The ratings of one group, counted.
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

/// Indicator 5.4 of one receiving unit in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitIndicator {
    /// The unit.
    pub agency_code: String,
    /// Its dossiers accepted and ended in the period.
    pub dossiers: u64,
    /// Those of them late.
    pub late: u64,
    /// Those rated "not satisfied", and the score; `None` when the unit has one to four
    /// ratings, which the figure would give away.
    pub scored: Option<(u64, IndicatorScore)>,
}

/// The ratings report of a period: the groups (every one; a group's figures are shown only when
/// [`RatingTally::shown`]), the province's total, and indicator 5.4 per unit.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingsReport {
    /// Per receiving unit, by code.
    pub units: Vec<GroupRatings>,
    /// Per procedure, by code.
    pub procedures: Vec<GroupRatings>,
    /// Per handling officer, by id.
    pub officers: Vec<GroupRatings>,
    /// The province's total; its figures are withheld when the units not shown hold one to four
    /// ratings between them, which the total less the units shown would give away.
    pub total: RatingTally,
    /// Whether the total's figures may be shown.
    pub total_shown: bool,
    /// Indicator 5.4 of each unit with dossiers accepted and ended in the period.
    pub indicators: Vec<UnitIndicator>,
}

/// The report of the dossiers whose processing ended in `[from, to)`.
pub async fn ratings_report(
    db: &Db,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<RatingsReport, ServiceError> {
    let by = |group| async move {
        let mut groups: Vec<GroupRatings> = db
            .rating_counts(group, from, to, None)
            .await?
            .into_iter()
            .map(tally_of)
            .collect();
        // Ordered here, not by the database, whose collations differ.
        groups.sort_by(|a, b| a.key.cmp(&b.key));
        Ok::<_, ServiceError>(groups)
    };
    let units = by(RatingGroup::Agency).await?;
    let procedures = by(RatingGroup::Procedure).await?;
    let officers = by(RatingGroup::Officer).await?;
    let mut total = RatingTally::default();
    let mut hidden = 0;
    for unit in &units {
        total.merge(&unit.tally);
        if unit.tally.shown().is_none() {
            hidden += unit.tally.ratings;
        }
    }
    let finished = db.monthly_figures(from, to).await?.finished;
    let indicators = finished
        .into_iter()
        .filter(|f| f.on_time + f.late > 0)
        .map(|f| {
            let unit = units.iter().find(|u| u.key == f.agency_code);
            let ratings = unit.map_or(0, |u| u.tally.ratings);
            let not_satisfied = unit.map_or(0, |u| u.not_satisfied_judged);
            let score = receiving_satisfaction(f.on_time, f.late, not_satisfied);
            UnitIndicator {
                dossiers: score.denominator,
                late: u64::try_from(f.late).unwrap_or_default(),
                scored: (ratings == 0 || ratings >= MIN_RATINGS_SHOWN)
                    .then_some((not_satisfied, score)),
                agency_code: f.agency_code,
            }
        })
        .collect();
    Ok(RatingsReport {
        units,
        procedures,
        officers,
        total,
        total_shown: hidden == 0 || hidden >= MIN_RATINGS_SHOWN,
        indicators,
    })
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
