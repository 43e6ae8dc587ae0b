//! The applicants' ratings of finished dossiers (`domain::rating`): one row per dossier, written
//! when first given and changed in place while the domain allows, and counted by the database
//! per unit, procedure or officer for the figures. Reads for figures are always grouped; the
//! rows themselves are read back only for the dossier they belong to.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, exec_db, on_db};
use crate::dossier::to_micros;

/// The criteria's columns, in `domain::rating::Criterion::ALL` order.
pub const CRITERION_COLUMNS: [&str; 9] = [
    "total_time",
    "each_part_time",
    "contacts",
    "agencies_contacted",
    "one_stop",
    "disclosure",
    "conduct",
    "feedback_handling",
    "online_service",
];

/// A rating as given or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRow {
    /// The dossier rated.
    pub dossier_id: Uuid,
    /// Its receiving agency.
    pub agency_code: String,
    /// Its procedure.
    pub procedure_code: String,
    /// Its handling officer, if one was assigned.
    pub officer_id: Option<String>,
    /// `tracking`, `account`, `notice` or `kiosk`.
    pub source: String,
    /// `satisfied`, `acceptable` or `not_satisfied`.
    pub level: String,
    /// Points per criterion (`None` where it does not apply).
    pub points: [Option<i32>; 9],
    /// The applicant's answers, as JSON.
    pub answers: String,
    /// When processing of the dossier ended.
    pub ended_at: OffsetDateTime,
    /// When this rating (or its change) was given.
    pub at: OffsetDateTime,
}

/// A rating as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredRating {
    /// Through which door it was last given.
    pub source: String,
    /// The overall level.
    pub level: String,
    /// The applicant's answers, as JSON.
    pub answers: String,
    /// When it was first given.
    pub first_given_at: OffsetDateTime,
    /// When it was last changed (the first time too).
    pub changed_at: OffsetDateTime,
    /// How many times it was changed.
    pub changes: i64,
}

/// What the ratings are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingGroup {
    /// The receiving agency.
    Agency,
    /// The procedure.
    Procedure,
    /// The handling officer (dossiers without one are left out).
    Officer,
}

impl RatingGroup {
    fn column(self) -> &'static str {
        match self {
            RatingGroup::Agency => "agency_code",
            RatingGroup::Procedure => "procedure_code",
            RatingGroup::Officer => "officer_id",
        }
    }
}

/// The ratings of one group, counted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RatingCounts {
    /// The agency code, procedure code or officer id.
    pub key: String,
    /// How many ratings.
    pub ratings: i64,
    /// How many at each level: satisfied, acceptable, not satisfied.
    pub by_level: [i64; 3],
    /// Ratings "not satisfied" of dossiers that were accepted (legal time ran): those Decision
    /// 766/QĐ-TTg indicator 5.4 subtracts from the dossiers it counts.
    pub not_satisfied_judged: i64,
    /// Per criterion: ratings where it applied, and the points scored over them.
    pub criteria: [(i64, i64); 9],
}

impl Db {
    /// Gives a dossier's rating, or changes the one given (counting the change) if it was first
    /// given at or after `changeable_since`; `false` when a change came too late. The caller has
    /// asked the domain whether it may (`domain::rating::may_rate`); the condition here keeps
    /// two posts at the end of the window from both passing.
    pub async fn put_rating(
        &self,
        row: &RatingRow,
        changeable_since: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let columns = CRITERION_COLUMNS.join(", ");
        let values = (0..9)
            .map(|i| format!("${}", 7 + i))
            .collect::<Vec<_>>()
            .join(", ");
        let updates = CRITERION_COLUMNS
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "insert into dossier_rating (dossier_id, agency_code, procedure_code, officer_id, \
             source, level, {columns}, answers, ended_at, first_given_at, changed_at, changes) \
             values ($1, $2, $3, $4, $5, $6, {values}, $16, $17, $18, $18, 0) \
             on conflict (dossier_id) do update set source = excluded.source, \
             level = excluded.level, {updates}, answers = excluded.answers, \
             changed_at = excluded.changed_at, changes = dossier_rating.changes + 1 \
             where dossier_rating.first_given_at >= $19"
        );
        let written = exec_db!(self, |pool| {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(row.dossier_id)
                .bind(&row.agency_code)
                .bind(&row.procedure_code)
                .bind(&row.officer_id)
                .bind(&row.source)
                .bind(&row.level);
            for points in row.points {
                query = query.bind(points);
            }
            query
                .bind(&row.answers)
                .bind(to_micros(row.ended_at))
                .bind(to_micros(row.at))
                .bind(to_micros(changeable_since))
                .execute(pool)
                .await
        })?;
        Ok(written == 1)
    }

    /// The rating of a dossier, if it was rated.
    pub async fn rating_of(&self, dossier_id: Uuid) -> Result<Option<StoredRating>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select source, level, answers, first_given_at, changed_at, changes \
                 from dossier_rating where dossier_id = $1",
            )
            .bind(dossier_id)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// The ratings of the dossiers whose processing ended in `[from, to)`, counted per `group`,
    /// within `agencies` when given; in no particular order (the engines' collations differ).
    pub async fn rating_counts(
        &self,
        group: RatingGroup,
        from: OffsetDateTime,
        to: OffsetDateTime,
        agencies: Option<&[String]>,
    ) -> Result<Vec<RatingCounts>, StorageError> {
        let key = group.column();
        let criteria = CRITERION_COLUMNS
            .iter()
            .map(|c| format!("count({c}) as {c}_rated, coalesce(sum({c}), 0) as {c}_points"))
            .collect::<Vec<_>>()
            .join(", ");
        let within = match agencies {
            Some(list) => format!(
                " and agency_code in ({})",
                (0..list.len().max(1))
                    .map(|i| format!("${}", 3 + i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => String::new(),
        };
        let sql = format!(
            "select {key} as key, count(*) as ratings, \
             sum(case when level = 'satisfied' then 1 else 0 end) as satisfied, \
             sum(case when level = 'acceptable' then 1 else 0 end) as acceptable, \
             sum(case when level = 'not_satisfied' then 1 else 0 end) as not_satisfied, \
             sum(case when level = 'not_satisfied' and total_time is not null then 1 else 0 end) \
               as not_satisfied_judged, {criteria} \
             from dossier_rating where ended_at >= $1 and ended_at < $2 and {key} is not null\
             {within} group by {key}"
        );
        // An empty list of agencies matches nothing (`in ('')`), never everything.
        let empty = [String::new()];
        let list = match agencies {
            Some([]) => Some(&empty[..]),
            other => other,
        };
        let rows: Vec<CountsRow> = on_db!(self, |pool| {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(to_micros(from))
                .bind(to_micros(to));
            for agency in list.unwrap_or_default() {
                query = query.bind(agency);
            }
            query.fetch_all(pool).await
        })?;
        Ok(rows.into_iter().map(RatingCounts::from).collect())
    }
}

/// One row of [`Db::rating_counts`] as the database returns it.
#[derive(sqlx::FromRow)]
struct CountsRow {
    key: String,
    ratings: i64,
    satisfied: i64,
    acceptable: i64,
    not_satisfied: i64,
    not_satisfied_judged: i64,
    total_time_rated: i64,
    total_time_points: i64,
    each_part_time_rated: i64,
    each_part_time_points: i64,
    contacts_rated: i64,
    contacts_points: i64,
    agencies_contacted_rated: i64,
    agencies_contacted_points: i64,
    one_stop_rated: i64,
    one_stop_points: i64,
    disclosure_rated: i64,
    disclosure_points: i64,
    conduct_rated: i64,
    conduct_points: i64,
    feedback_handling_rated: i64,
    feedback_handling_points: i64,
    online_service_rated: i64,
    online_service_points: i64,
}

impl From<CountsRow> for RatingCounts {
    fn from(r: CountsRow) -> Self {
        RatingCounts {
            key: r.key,
            ratings: r.ratings,
            by_level: [r.satisfied, r.acceptable, r.not_satisfied],
            not_satisfied_judged: r.not_satisfied_judged,
            criteria: [
                (r.total_time_rated, r.total_time_points),
                (r.each_part_time_rated, r.each_part_time_points),
                (r.contacts_rated, r.contacts_points),
                (r.agencies_contacted_rated, r.agencies_contacted_points),
                (r.one_stop_rated, r.one_stop_points),
                (r.disclosure_rated, r.disclosure_points),
                (r.conduct_rated, r.conduct_points),
                (r.feedback_handling_rated, r.feedback_handling_points),
                (r.online_service_rated, r.online_service_points),
            ],
        }
    }
}
