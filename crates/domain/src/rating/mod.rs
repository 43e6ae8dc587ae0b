//! The applicant's rating of a finished dossier (đánh giá mức độ hài lòng): the overall
//! judgement the national portal asks for, the nine criteria of Decree 61/2018/NĐ-CP Art. 32
//! scored as Circular 01/2018/TT-VPCP scores them (2, 1 or 0 points each), who may rate which
//! dossier and until when, and the aggregates the reports show.
//!
//! What the system already knows is computed from the dossier's event log ([`Facts`]): the total
//! time against the legal time, each step's time against its allotted time, how many times the
//! applicant was asked for papers, how many agencies asked, papers asked beyond the published
//! list, and whether a late result came with an apology. Only what the applicant alone knows is
//! asked ([`Answers`]): whether they had to go anywhere but the one-stop desk, whether the
//! procedure's published information was right, the officers' conduct, how their feedback was
//! taken, and (online dossiers only) how the online service worked.

mod facts;
mod tally;
mod window;

use serde::{Deserialize, Serialize};

pub use facts::Facts;
pub use tally::{
    CriterionTally, IndicatorScore, MIN_RATINGS_SHOWN, RatingTally, dossier_receiving_satisfaction,
};
pub use window::{CHANGE_DAYS, RATING_OPEN_DAYS, RatingRefusal, RatingWindow, may_rate};

/// The overall judgement (Hài lòng / Chấp nhận được / Không hài lòng), the three levels the
/// national public service portal asks for and Decision 766/QĐ-TTg indicator 5.4 counts ("not
/// satisfied" is its "dislike").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Hài lòng.
    Satisfied,
    /// Chấp nhận được.
    Acceptable,
    /// Không hài lòng.
    NotSatisfied,
}

impl Level {
    /// Every level, best first.
    pub const ALL: [Level; 3] = [Level::Satisfied, Level::Acceptable, Level::NotSatisfied];

    /// Stable text form used in storage, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Satisfied => "satisfied",
            Level::Acceptable => "acceptable",
            Level::NotSatisfied => "not_satisfied",
        }
    }

    /// The level of a stable text form.
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// The nine criteria of Decree 61/2018/NĐ-CP Art. 32.1 (points a to i), in the order the
/// article lists them; Circular 01/2018/TT-VPCP Annex I gives each 2, 1 or 0 points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// a) Tổng thời gian giải quyết so với thời gian quy định. Computed.
    TotalTime,
    /// b) Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết. Computed.
    EachPartTime,
    /// c) Số lần phải liên hệ để hoàn thiện hồ sơ. Computed.
    Contacts,
    /// d) Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ. Computed.
    AgenciesContacted,
    /// đ) Thực hiện cơ chế một cửa, một cửa liên thông. Asked.
    OneStop,
    /// e) Công khai thủ tục hành chính. Asked, and 0 whatever the answer when papers beyond the
    /// published list were asked for.
    Disclosure,
    /// g) Thái độ của cán bộ, công chức, viên chức. Asked.
    Conduct,
    /// h) Tiếp thu, giải trình ý kiến phản ánh, kiến nghị. Asked; not applicable when the
    /// applicant sent none.
    FeedbackHandling,
    /// i) Mức độ cung cấp dịch vụ công trực tuyến. Asked of online dossiers only.
    OnlineService,
}

impl Criterion {
    /// Every criterion, in the article's order.
    pub const ALL: [Criterion; 9] = [
        Criterion::TotalTime,
        Criterion::EachPartTime,
        Criterion::Contacts,
        Criterion::AgenciesContacted,
        Criterion::OneStop,
        Criterion::Disclosure,
        Criterion::Conduct,
        Criterion::FeedbackHandling,
        Criterion::OnlineService,
    ];

    /// Stable text form used in storage and message keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::TotalTime => "total_time",
            Criterion::EachPartTime => "each_part_time",
            Criterion::Contacts => "contacts",
            Criterion::AgenciesContacted => "agencies_contacted",
            Criterion::OneStop => "one_stop",
            Criterion::Disclosure => "disclosure",
            Criterion::Conduct => "conduct",
            Criterion::FeedbackHandling => "feedback_handling",
            Criterion::OnlineService => "online_service",
        }
    }

    /// Its position in [`Criterion::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// An answer to an asked criterion, on the circular's three steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The good answer: 2 points.
    Good,
    /// The middle answer: 1 point.
    Fair,
    /// The bad answer: 0 points.
    Poor,
    /// Does not apply to this applicant (no feedback sent): no points either way.
    NotApplicable,
}

impl Answer {
    /// Every answer.
    pub const ALL: [Answer; 4] = [
        Answer::Good,
        Answer::Fair,
        Answer::Poor,
        Answer::NotApplicable,
    ];

    /// Stable text form used in forms and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Good => "good",
            Answer::Fair => "fair",
            Answer::Poor => "poor",
            Answer::NotApplicable => "not_applicable",
        }
    }

    /// The answer of a stable text form.
    pub fn parse(s: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == s)
    }

    fn points(self) -> Option<u8> {
        match self {
            Answer::Good => Some(2),
            Answer::Fair => Some(1),
            Answer::Poor => Some(0),
            Answer::NotApplicable => None,
        }
    }
}

/// What only the applicant knows, as they answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    /// The overall judgement.
    pub level: Level,
    /// Only the one-stop desk or the portal (good), somewhere else once (fair), several times
    /// (poor).
    pub one_stop: Answer,
    /// The procedure's published papers, fees and time were complete and right (good), partly
    /// (fair), not (poor).
    pub disclosure: Answer,
    /// The officers were courteous and helpful (good), acceptable (fair), not (poor).
    pub conduct: Answer,
    /// Whether anyone asked for money, gifts or papers outside the rules (nhũng nhiễu, gây phiền
    /// hà, forbidden by Decree 61/2018/NĐ-CP Art. 5.1): if so the conduct criterion scores 0.
    pub asked_outside_rules: bool,
    /// Feedback they sent was taken up and answered (good), partly (fair), not (poor); not
    /// applicable when they sent none.
    pub feedback_handling: Answer,
    /// The online service was easy (good), usable (fair), hard (poor); asked of online
    /// dossiers only, and ignored for the others.
    pub online_service: Answer,
}

/// Why answers were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AnswersError {
    /// "Not applicable" was given to a criterion that always applies.
    #[error("criterion `{}` always applies", .0.as_str())]
    MustApply(Criterion),
}

impl Answers {
    /// Checks that only the feedback and online-service criteria are answered "not applicable"
    /// (the others concern every dossier).
    pub fn check(&self) -> Result<(), AnswersError> {
        for (criterion, answer) in [
            (Criterion::OneStop, self.one_stop),
            (Criterion::Disclosure, self.disclosure),
            (Criterion::Conduct, self.conduct),
        ] {
            if answer == Answer::NotApplicable {
                return Err(AnswersError::MustApply(criterion));
            }
        }
        Ok(())
    }
}

/// A scored rating: the overall judgement and each criterion's points (`None` where it does not
/// apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    /// The overall judgement.
    pub level: Level,
    /// Points per criterion, in [`Criterion::ALL`] order.
    pub points: [Option<u8>; 9],
}

impl Scored {
    /// The points of one criterion.
    pub fn of(&self, criterion: Criterion) -> Option<u8> {
        self.points[criterion.index()]
    }

    /// Points scored over the criteria that apply.
    pub fn total(&self) -> u32 {
        self.points.iter().flatten().map(|p| u32::from(*p)).sum()
    }

    /// The most the criteria that apply could score (2 each).
    pub fn most(&self) -> u32 {
        2 * self.points.iter().flatten().count() as u32
    }
}

/// Scores a rating: the computed criteria from `facts`, the asked ones from `answers`.
pub fn score(facts: &Facts, answers: &Answers) -> Scored {
    let mut points = [None; 9];
    for criterion in Criterion::ALL {
        points[criterion.index()] = match criterion {
            Criterion::TotalTime => facts.total_time_points(),
            Criterion::EachPartTime => facts.each_part_points(),
            Criterion::Contacts => Some(facts.contacts_points()),
            Criterion::AgenciesContacted => Some(facts.agencies_points()),
            Criterion::OneStop => answers.one_stop.points(),
            // Papers asked beyond the published list mean the procedure was not applied as
            // published (Decree 61/2018/NĐ-CP Art. 5.1 forbids asking for papers outside the rules).
            Criterion::Disclosure if !facts.papers_beyond_list.is_empty() => Some(0),
            Criterion::Disclosure => answers.disclosure.points(),
            Criterion::Conduct if answers.asked_outside_rules => Some(0),
            Criterion::Conduct => answers.conduct.points(),
            Criterion::FeedbackHandling => answers.feedback_handling.points(),
            Criterion::OnlineService if facts.online => answers.online_service.points(),
            Criterion::OnlineService => None,
        };
    }
    Scored {
        level: answers.level,
        points,
    }
}

#[cfg(test)]
mod tests;
