//! Reads the query parameters shared by the pages and the API (the catalogue search `q`, `field`,
//! `level`, `agency`, `mode`, `priority`, `page`, `per_page`, and a calendar `year`) and says
//! precisely which one is wrong, in the caller's language, instead of silently ignoring it.

use domain::catalogue::{Level, ServiceMode};
use domain::search::ProcedureFilter;

use crate::ui::{Ui, percent_encode};
use app::ReferenceData;

/// Largest page size the API serves.
pub const MAX_PER_PAGE: usize = 100;
/// Highest page number: 10,000 pages of 100 cover the catalogue many times over; a larger number
/// is a mistake, not a page.
pub const MAX_PAGE: usize = 10_000;

/// A parsed catalogue query.
#[derive(Debug, Clone, Default)]
pub struct CatalogueQuery {
    /// Free text as typed.
    pub q: String,
    /// Facets.
    pub filter: ProcedureFilter,
    /// 1-based page number.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
}

impl CatalogueQuery {
    /// Parses raw query pairs. Empty values mean "any". Codes are checked against the catalogue.
    pub fn parse(
        pairs: &[(String, String)],
        data: &ReferenceData,
        ui: &Ui,
        default_per_page: usize,
    ) -> Result<CatalogueQuery, String> {
        let mut query = CatalogueQuery {
            page: 1,
            per_page: default_per_page,
            ..CatalogueQuery::default()
        };
        for (name, raw) in pairs {
            let value = raw.trim();
            match name.as_str() {
                // Kept as typed: a trailing space tells the search the last word is complete, so
                // type-ahead prefix matching stops for it.
                "q" => query.q = raw.trim_start().chars().take(200).collect(),
                // Empty filters are a form's "any"; a page is a number or nothing at all.
                _ if value.is_empty() && !matches!(name.as_str(), "page" | "per_page") => {}
                "field" => {
                    if data.field(value).is_none() {
                        return Err(ui.t_s("query_error.field", value));
                    }
                    query.filter.field = Some(value.to_owned());
                }
                "level" => {
                    query.filter.level = Some(
                        Level::parse(value).ok_or_else(|| ui.t_s("query_error.level", value))?,
                    )
                }
                "agency" => {
                    if data.agency(value).is_none() {
                        return Err(ui.t_s("query_error.agency", value));
                    }
                    query.filter.agency = Some(value.to_owned());
                }
                "mode" | "service_mode" => {
                    query.filter.service_mode = Some(
                        ServiceMode::parse(value)
                            .ok_or_else(|| ui.t_s("query_error.mode", value))?,
                    )
                }
                "priority" => {
                    query.filter.priority_only = match value {
                        "1" | "true" | "on" | "yes" => true,
                        "0" | "false" | "off" | "no" => false,
                        other => return Err(ui.t_s("query_error.priority", other)),
                    }
                }
                "page" => {
                    query.page = value
                        .parse::<usize>()
                        .ok()
                        .filter(|p| (1..=MAX_PAGE).contains(p))
                        .ok_or_else(|| ui.t_s("query_error.page", value))?
                }
                "per_page" => {
                    query.per_page = value
                        .parse::<usize>()
                        .ok()
                        .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                        .ok_or_else(|| ui.t_s("query_error.per_page", value))?
                }
                // The language switch and unknown parameters (tracking tags) are harmless.
                _ => {}
            }
        }
        Ok(query)
    }

    /// The query string for page `page` of the same search, for pagination links.
    pub fn href(&self, base: &str, page: usize) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", percent_encode(&self.q)));
        }
        if let Some(f) = &self.filter.field {
            parts.push(format!("field={}", percent_encode(f)));
        }
        if let Some(l) = self.filter.level {
            parts.push(format!("level={}", l.as_str()));
        }
        if let Some(a) = &self.filter.agency {
            parts.push(format!("agency={}", percent_encode(a)));
        }
        if let Some(m) = self.filter.service_mode {
            parts.push(format!("mode={}", m.as_str()));
        }
        if self.filter.priority_only {
            parts.push("priority=1".into());
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", parts.join("&"))
        }
    }
}

/// The year asked for on a report page (`?year=YYYY`).
#[derive(Debug, serde::Deserialize)]
pub struct YearQuery {
    /// Calendar year; this year when absent.
    #[serde(default)]
    pub year: Option<String>,
}

/// The `year` parameter, or `default` when absent. Years outside 1900–2200 are refused: no
/// deadline or report of this system reaches them.
pub fn parse_year(pairs: &[(String, String)], ui: &Ui, default: i32) -> Result<i32, String> {
    match pairs.iter().find(|(k, _)| k == "year") {
        None => Ok(default),
        Some((_, v)) => v
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| ui.t_s("query_error.year", v)),
    }
}

/// First and last day of a year accepted by [`parse_year`].
pub fn year_bounds(year: i32) -> Option<(time::Date, time::Date)> {
    Some((
        time::Date::from_calendar_date(year, time::Month::January, 1).ok()?,
        time::Date::from_calendar_date(year, time::Month::December, 31).ok()?,
    ))
}
