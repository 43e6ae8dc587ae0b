//! The rating page of one finished dossier, opened by a signed link (`app::ratings::RatingLink`)
//! from tracking, "my dossiers", the notice of the end or the kiosk at the counter. It shows what
//! the system recorded (time, steps, requests for papers) and asks only what the applicant alone
//! knows; a rating may be changed for a few days, then it is shown as given.

use app::ratings::{Door, LinkError, RatingContext, RatingLink, RatingService};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::dossier::Timeliness;
use domain::rating::{Answer, Answers, CHANGE_DAYS, Level, RATING_OPEN_DAYS, RatingRefusal};
use time::OffsetDateTime;

use crate::AppState;
use crate::edge::render::render;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;

/// A question of the form: its field name, the message keys of its options, and the option
/// chosen (if any).
pub(super) struct Question {
    name: &'static str,
    options: Vec<(&'static str, String)>,
    chosen: Option<String>,
}

/// One line of what the system recorded.
pub(super) struct Recorded {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "ratings/rate.html")]
struct RatePage {
    ui: Ui,
    kiosk: bool,
    code: String,
    procedure: String,
    recorded: Vec<Recorded>,
    papers_beyond_list: Vec<String>,
    questions: Vec<Question>,
    /// The signed link's fields, posted back with the answers.
    door: String,
    until: i64,
    sig: String,
    errors: Vec<(&'static str, String)>,
    /// Why no rating is taken (not ended, closed, no longer changeable), in words.
    closed: Option<String>,
    /// The rating given: its level and its total points of the most.
    given: Option<(&'static str, u32, u32)>,
    /// Until when the rating can still be changed.
    changeable_until: Option<String>,
    /// Just saved.
    thanks: bool,
}

impl RatePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn level_options() -> Vec<(&'static str, String)> {
    Level::ALL
        .iter()
        .map(|l| (l.as_str(), format!("rating.level.{}", l.as_str())))
        .collect()
}

/// The options of an asked criterion, best first; "not applicable" only where it may be.
fn answer_options(criterion: &str, may_not_apply: bool) -> Vec<(&'static str, String)> {
    Answer::ALL
        .into_iter()
        .filter(|a| may_not_apply || *a != Answer::NotApplicable)
        .map(|a| {
            (
                a.as_str(),
                format!("rating.answer.{criterion}.{}", a.as_str()),
            )
        })
        .collect()
}

/// The questions, with the chosen options of `answers` (a refused post, or the rating given).
fn questions(online: bool, chosen: &dyn Fn(&str) -> Option<String>) -> Vec<Question> {
    let mut list = vec![
        Question {
            name: "level",
            options: level_options(),
            chosen: chosen("level"),
        },
        Question {
            name: "one_stop",
            options: answer_options("one_stop", false),
            chosen: chosen("one_stop"),
        },
        Question {
            name: "disclosure",
            options: answer_options("disclosure", false),
            chosen: chosen("disclosure"),
        },
        Question {
            name: "conduct",
            options: answer_options("conduct", false),
            chosen: chosen("conduct"),
        },
        Question {
            name: "asked_outside_rules",
            options: vec![
                ("no", "rating.answer.asked_outside_rules.no".to_owned()),
                ("yes", "rating.answer.asked_outside_rules.yes".to_owned()),
            ],
            chosen: chosen("asked_outside_rules"),
        },
        Question {
            name: "feedback_handling",
            options: answer_options("feedback_handling", true),
            chosen: chosen("feedback_handling"),
        },
    ];
    if online {
        list.push(Question {
            name: "online_service",
            options: answer_options("online_service", false),
            chosen: chosen("online_service"),
        });
    }
    list
}

fn answers_as_fields(answers: &Answers) -> Vec<(&'static str, String)> {
    vec![
        ("level", answers.level.as_str().to_owned()),
        ("one_stop", answers.one_stop.as_str().to_owned()),
        ("disclosure", answers.disclosure.as_str().to_owned()),
        ("conduct", answers.conduct.as_str().to_owned()),
        (
            "asked_outside_rules",
            if answers.asked_outside_rules {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
        ),
        (
            "feedback_handling",
            answers.feedback_handling.as_str().to_owned(),
        ),
        ("online_service", answers.online_service.as_str().to_owned()),
    ]
}

fn recorded(ui: &Ui, context: &RatingContext) -> Vec<Recorded> {
    let facts = &context.facts;
    let mut lines = Vec::new();
    let total = match (facts.timeliness, facts.apologised) {
        (None, _) => "rating.recorded.not_received",
        (Some(t), _) if t.counts_as_on_time() => match t {
            Timeliness::Early => "rating.recorded.early",
            _ => "rating.recorded.on_time",
        },
        (Some(_), true) => "rating.recorded.late_apologised",
        (Some(_), false) => "rating.recorded.late",
    };
    lines.push(Recorded {
        label: "rating.criterion.total_time",
        value: ui.t(total).to_owned(),
    });
    if facts.steps_judged > 0 {
        lines.push(Recorded {
            label: "rating.criterion.each_part_time",
            value: ui
                .t("rating.recorded.steps")
                .replace("{late}", &facts.steps_late.to_string())
                .replace("{judged}", &facts.steps_judged.to_string()),
        });
    }
    lines.push(Recorded {
        label: "rating.criterion.contacts",
        value: facts.contacts.to_string(),
    });
    lines.push(Recorded {
        label: "rating.criterion.agencies_contacted",
        value: facts.agencies.len().to_string(),
    });
    lines
}

fn refusal_text(ui: &Ui, refusal: RatingRefusal) -> String {
    match refusal {
        RatingRefusal::NotEnded => ui.t("rating.closed.not_ended").to_owned(),
        RatingRefusal::Closed => ui.t_n("rating.closed.closed", RATING_OPEN_DAYS),
        RatingRefusal::NoLongerChangeable => ui.t_n("rating.closed.locked", CHANGE_DAYS),
    }
}

/// The signed link's fields, as the query or the form carries them.
fn link_of(code: &str, pairs: &[(String, String)]) -> Option<RatingLink> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    Some(RatingLink {
        code: code.trim().to_owned(),
        door: Door::parse(&get("door")?)?,
        until: get("until")?.parse().ok()?,
        signature: get("sig")?,
    })
}

/// Checks the link; its failure is a page of its own in the visitor's language. Answers posted
/// from the page are taken a little past the link's time (`app::ratings::POST_GRACE`).
fn checked_link(
    state: &AppState,
    ui: &Ui,
    code: &str,
    pairs: &[(String, String)],
    posted: bool,
) -> Result<RatingLink, AppError> {
    let invalid = || AppError::Denied(ui.t("rating.link.invalid").to_owned());
    let link = link_of(code, pairs).ok_or_else(invalid)?;
    let now = OffsetDateTime::now_utc();
    let checked = if posted {
        link.check_posted(&state.vault, now)
    } else {
        link.check(&state.vault, now)
    };
    match checked {
        Ok(()) => Ok(link),
        Err(LinkError::Invalid) => Err(invalid()),
        Err(LinkError::Expired) => Err(AppError::Denied(ui.t("rating.link.expired").to_owned())),
    }
}

fn page_of(
    state: &AppState,
    ui: Ui,
    link: &RatingLink,
    context: &RatingContext,
    fields: Option<&[(String, String)]>,
    errors: Vec<(&'static str, String)>,
    thanks: bool,
) -> RatePage {
    let data = state.reference.get();
    let procedure = data
        .procedure(&context.view.state.procedure_code)
        .map(|p| ui.pick(&p.name, &p.name_en).to_owned())
        .unwrap_or_else(|| context.view.state.procedure_code.clone());
    // A kiosk is shared: it never shows, nor offers to change, a rating already given.
    let kiosk = link.door == Door::Kiosk;
    let given = context.given.as_ref().filter(|_| !kiosk);
    let given_fields = given.map(|g| answers_as_fields(&g.answers));
    let chosen = |name: &str| -> Option<String> {
        match fields {
            Some(posted) => posted
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            None => given_fields
                .as_ref()
                .and_then(|g| g.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())),
        }
    };
    let (closed, changeable_until) = match context.open {
        _ if kiosk && context.given.is_some() && !thanks => {
            (Some(ui.t("rating.closed.given_at_kiosk").to_owned()), None)
        }
        Ok(until) if context.given.is_some() => (None, Some(local_datetime(&ui, until))),
        Ok(_) => (None, None),
        Err(refusal) => (Some(refusal_text(&ui, refusal)), None),
    };
    RatePage {
        kiosk,
        code: context.view.stored.code.clone(),
        procedure,
        recorded: recorded(&ui, context),
        papers_beyond_list: context.facts.papers_beyond_list.clone(),
        questions: questions(context.facts.online, &chosen),
        door: link.door.as_str().to_owned(),
        until: link.until,
        sig: link.signature.clone(),
        errors,
        closed,
        given: given.map(|g| {
            (
                ui.t(&format!("rating.level.{}", g.scored.level.as_str())),
                g.scored.total(),
                g.scored.most(),
            )
        }),
        changeable_until,
        thanks,
        ui,
    }
}

/// `GET /ratings/{code}?door=…&until=…&sig=…`: the page.
pub(super) async fn show(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let link = checked_link(&state, &ui, &code, &pairs, false)?;
    let data = state.reference.get();
    let context = RatingService::new(&state.db, &state.vault, &data)
        .context(&link.code, OffsetDateTime::now_utc())
        .await?;
    render(&page_of(
        &state,
        ui,
        &link,
        &context,
        None,
        Vec::new(),
        false,
    ))
}

/// Reads the posted answers; each missing or unknown one is an error on its field.
fn parse_answers(
    ui: &Ui,
    online: bool,
    pairs: &[(String, String)],
) -> Result<Answers, Vec<(&'static str, String)>> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut errors = Vec::new();
    let mut missing = |name: &'static str| {
        errors.push((name, ui.t(&format!("rating.error.{name}")).to_owned()));
    };
    let level = get("level").and_then(Level::parse);
    if level.is_none() {
        missing("level");
    }
    let mut answer = |name: &'static str, may_not_apply: bool| {
        let answer = get(name)
            .and_then(Answer::parse)
            .filter(|a| may_not_apply || *a != Answer::NotApplicable);
        if answer.is_none() {
            missing(name);
        }
        answer.unwrap_or(Answer::NotApplicable)
    };
    let one_stop = answer("one_stop", false);
    let disclosure = answer("disclosure", false);
    let conduct = answer("conduct", false);
    let feedback_handling = answer("feedback_handling", true);
    let online_service = if online {
        answer("online_service", false)
    } else {
        Answer::NotApplicable
    };
    let asked_outside_rules = match get("asked_outside_rules") {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    if asked_outside_rules.is_none() {
        missing("asked_outside_rules");
    }
    match (level, asked_outside_rules) {
        (Some(level), Some(asked_outside_rules)) if errors.is_empty() => Ok(Answers {
            level,
            one_stop,
            disclosure,
            conduct,
            asked_outside_rules,
            feedback_handling,
            online_service,
        }),
        _ => {
            // In the order of the page, so the summary lists the errors as the questions come.
            const PAGE_ORDER: [&str; 7] = [
                "level",
                "one_stop",
                "disclosure",
                "conduct",
                "asked_outside_rules",
                "feedback_handling",
                "online_service",
            ];
            errors.sort_by_key(|(field, _)| PAGE_ORDER.iter().position(|f| f == field));
            Err(errors)
        }
    }
}

/// `POST /ratings/{code}`: gives or changes the rating.
pub(super) async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let link = checked_link(&state, &ui, &code, &pairs, true)?;
    let data = state.reference.get();
    let service = RatingService::new(&state.db, &state.vault, &data);
    let now = OffsetDateTime::now_utc();
    let context = service.context(&link.code, now).await?;
    // Nothing to answer when no rating is taken: the page says why, before any answer is judged.
    if context.open.is_err() || (link.door == Door::Kiosk && context.given.is_some()) {
        let page = page_of(&state, ui, &link, &context, None, Vec::new(), false);
        let mut response = render(&page)?;
        *response.status_mut() = StatusCode::CONFLICT;
        return Ok(response);
    }
    let answers = match parse_answers(&ui, context.facts.online, &pairs) {
        Ok(answers) => answers,
        Err(errors) => {
            let page = page_of(&state, ui, &link, &context, Some(&pairs), errors, false);
            let mut response = render(&page)?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(response);
        }
    };
    match service.rate(context, link.door, answers, now).await {
        Ok(after) => render(&page_of(&state, ui, &link, &after, None, Vec::new(), true)),
        Err(app::ServiceError::Refused { .. }) => {
            // The window closed (or the rating was locked, or given at the kiosk) since the page
            // was read: the page, read again, says why.
            let context = service
                .context(&link.code, OffsetDateTime::now_utc())
                .await?;
            let page = page_of(&state, ui, &link, &context, None, Vec::new(), false);
            let mut response = render(&page)?;
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}
