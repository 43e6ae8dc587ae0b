//! Ratings counted together for a unit, a procedure, an officer or a period, and the Decision
//! 766/QĐ-TTg indicator that reads them. A tally of fewer than [`MIN_RATINGS_SHOWN`] ratings is
//! never shown: with three ratings of one officer in a month, a figure would tell who gave which.

use serde::{Deserialize, Serialize};

use super::{Criterion, Level, Scored};

/// The fewest ratings a shown figure may come from. No rule sets the number: it is the
/// province's own protection of the raters, whose opinions are their personal data (Law
/// 91/2025/QH15 on personal data protection), by the usual threshold of small-cell suppression.
pub const MIN_RATINGS_SHOWN: u64 = 5;

/// One criterion over many ratings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionTally {
    /// Ratings where it applied.
    pub rated: u64,
    /// Points scored over those.
    pub points: u64,
}

impl CriterionTally {
    /// Average points (0 to 2) where it applied; `None` where it never did.
    pub fn average(&self) -> Option<f64> {
        (self.rated > 0).then(|| self.points as f64 / self.rated as f64)
    }
}

/// Ratings counted together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingTally {
    /// How many ratings.
    pub ratings: u64,
    /// How many at each level, in [`Level::ALL`] order.
    pub by_level: [u64; 3],
    /// Each criterion, in [`Criterion::ALL`] order.
    pub criteria: [CriterionTally; 9],
}

impl RatingTally {
    /// Counts one more rating.
    pub fn add(&mut self, rating: &Scored) {
        self.ratings += 1;
        self.by_level[Level::ALL
            .iter()
            .position(|l| *l == rating.level)
            .unwrap_or_default()] += 1;
        for criterion in Criterion::ALL {
            if let Some(points) = rating.of(criterion) {
                let tally = &mut self.criteria[criterion.index()];
                tally.rated += 1;
                tally.points += u64::from(points);
            }
        }
    }

    /// Adds another tally's ratings (a unit's to the province's).
    pub fn merge(&mut self, other: &RatingTally) {
        self.ratings += other.ratings;
        for (sum, part) in self.by_level.iter_mut().zip(other.by_level) {
            *sum += part;
        }
        for (sum, part) in self.criteria.iter_mut().zip(other.criteria) {
            sum.rated += part.rated;
            sum.points += part.points;
        }
    }

    /// How many at `level`.
    pub fn at(&self, level: Level) -> u64 {
        self.by_level[Level::ALL
            .iter()
            .position(|l| *l == level)
            .unwrap_or_default()]
    }

    /// The tally if it may be shown: [`MIN_RATINGS_SHOWN`] ratings or more.
    pub fn shown(&self) -> Option<&RatingTally> {
        (self.ratings >= MIN_RATINGS_SHOWN).then_some(self)
    }

    /// Share of the ratings at `level`, 0 to 1 (0 without ratings).
    pub fn share(&self, level: Level) -> f64 {
        if self.ratings == 0 {
            0.0
        } else {
            self.at(level) as f64 / self.ratings as f64
        }
    }
}

/// A Decision 766/QĐ-TTg indicator as the national portal reports it: numerator, denominator,
/// ratio and points out of its maximum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    /// What counts for it.
    pub numerator: u64,
    /// What it is counted over.
    pub denominator: u64,
    /// `numerator / denominator`, 0 to 1 (0 over nothing).
    pub ratio: f64,
    /// Points scored.
    pub score: f64,
    /// The most it can score.
    pub max: f64,
}

/// Indicator 5.4 of Decision 766/QĐ-TTg, satisfaction with receiving and handling procedures
/// (DOSSIER_RECEIVING_SATISFACTION, 6 points): 100 % less the rate of overdue dossiers and less
/// the rate of dossiers with feedback or a "not satisfied" rating, full points at 90 %
/// (`min(6, 6·r/0.90)`), 0 when there were no dossiers.
///
/// `dossiers` are those received or handled in the period, `overdue` those of them late or
/// overdue, `complained` those with feedback about them or rated "not satisfied". A dossier both
/// late and complained about counts in both rates, as the formula subtracts both.
pub fn dossier_receiving_satisfaction(
    dossiers: u64,
    overdue: u64,
    complained: u64,
) -> IndicatorScore {
    const MAX: f64 = 6.0;
    const FULL_AT: f64 = 0.90;
    let numerator = dossiers.saturating_sub(overdue).saturating_sub(complained);
    let ratio = if dossiers == 0 {
        0.0
    } else {
        numerator as f64 / dossiers as f64
    };
    IndicatorScore {
        numerator,
        denominator: dossiers,
        ratio,
        score: (MAX * ratio / FULL_AT).min(MAX),
        max: MAX,
    }
}
