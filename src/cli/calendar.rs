//! `motcua calendar`: show or change the legal calendar (holidays, compensatory days, swapped
//! working days) when the government announces a decision, without a deployment.

use anyhow::Context as _;
use domain::calendar::{CalendarDay, DayKind};
use time::Date;
use time::macros::format_description;

use super::open;
use crate::config::Config;

/// The subcommands of `motcua calendar`.
#[derive(clap::Subcommand)]
pub(super) enum CalendarCommand {
    /// List the special days of a year.
    List {
        /// The year, e.g. 2026.
        year: i32,
    },
    /// Record the government's decision for a date: KIND is holiday, compensatory or working_day.
    Set {
        /// The date, YYYY-MM-DD.
        date: String,
        /// holiday, compensatory (day off in lieu) or working_day (a swapped weekend day).
        kind: String,
        /// Vietnamese name of the day.
        name: String,
        /// English name (defaults to the Vietnamese one).
        #[arg(long)]
        name_en: Option<String>,
    },
    /// Withdraw an administrator's decision for a date and restore the shipped default.
    Unset {
        /// The date, YYYY-MM-DD.
        date: String,
    },
}

fn parse_date(text: &str) -> anyhow::Result<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .with_context(|| format!("{text:?} is not a date in the form YYYY-MM-DD"))
}

/// Runs one calendar subcommand.
pub(super) async fn run(cmd: CalendarCommand, config: &Config) -> anyhow::Result<()> {
    let db = open(config).await?;
    match cmd {
        CalendarCommand::List { year } => {
            let first = Date::from_calendar_date(year, time::Month::January, 1)
                .with_context(|| format!("{year} is not a valid year"))?;
            let last = Date::from_calendar_date(year, time::Month::December, 31)
                .with_context(|| format!("{year} is not a valid year"))?;
            for (day, source) in db.calendar_days(first, last).await? {
                println!(
                    "{}  {:<12}  {:<8}  {}",
                    day.date,
                    day.kind.as_str(),
                    source.as_str(),
                    day.name
                );
            }
        }
        CalendarCommand::Set {
            date,
            kind,
            name,
            name_en,
        } => {
            let date = parse_date(&date)?;
            let kind = DayKind::parse(&kind).with_context(|| {
                format!("{kind:?} is not a day kind: use holiday, compensatory or working_day")
            })?;
            let day = CalendarDay {
                date,
                kind,
                name_en: name_en.unwrap_or_else(|| name.clone()),
                name,
            };
            db.set_calendar_day(&day).await?;
            println!("{} is now {} ({})", day.date, day.kind.as_str(), day.name);
        }
        CalendarCommand::Unset { date } => {
            let date = parse_date(&date)?;
            let shipped = storage::reference_data::shipped_days(date.year())?
                .into_iter()
                .find(|(d, _)| d.date == date);
            if db.unset_calendar_day(date, shipped).await? {
                println!("{date}: the administrator's decision was withdrawn");
            } else {
                println!("{date}: no administrator's decision was recorded; nothing changed");
            }
        }
    }
    db.close().await;
    Ok(())
}
