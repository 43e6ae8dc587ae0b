//! The citizen portal's catalogue pages: the home page with search, the list of procedures with
//! filters, and each procedure's start page (everything to know before applying). Plain HTML
//! forms and links, so every page works without JavaScript.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::catalogue::{Level, ServiceMode};

use crate::AppState;
use crate::edge::render::render;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::params::CatalogueQuery;
use crate::ui::{LANG_COOKIE, Ui};
use crate::views::{self, Figures, ProcedureCard, SelectOption};

/// Procedures per page of results.
const PER_PAGE: usize = 20;

/// Routes of the citizen portal's catalogue.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/procedures", get(procedures))
        .route("/procedures/{code}", get(procedure))
        .route("/language", get(switch_language))
}

struct FieldLink {
    code: String,
    name: String,
    count: usize,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ui: Ui,
    query: String,
    priority: Vec<ProcedureCard>,
    fields: Vec<FieldLink>,
    figures: Figures,
}

async fn home(State(state): State<AppState>, ui: Ui) -> Result<Response, AppError> {
    let data = state.reference.get();
    let priority = data
        .catalogue
        .procedures
        .iter()
        .filter(|p| p.priority)
        .map(|p| views::card(&ui, &data, p))
        .collect();
    let fields = data
        .catalogue
        .fields
        .iter()
        .map(|f| FieldLink {
            code: f.code.clone(),
            name: ui.pick(&f.name, &f.name_en).to_owned(),
            count: data
                .catalogue
                .procedures
                .iter()
                .filter(|p| p.field == f.code)
                .count(),
        })
        .filter(|f| f.count > 0)
        .collect();
    render(&HomePage {
        query: String::new(),
        priority,
        fields,
        figures: views::figures(&data),
        ui,
    })
}

struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "procedures.html")]
struct ProceduresPage {
    ui: Ui,
    query: String,
    total: usize,
    cards: Vec<ProcedureCard>,
    field_options: Vec<SelectOption>,
    level_options: Vec<SelectOption>,
    agency_options: Vec<SelectOption>,
    mode_options: Vec<SelectOption>,
    priority_only: bool,
    pages: Vec<PageLink>,
    prev_href: Option<String>,
    next_href: Option<String>,
}

async fn procedures(
    State(state): State<AppState>,
    ui: Ui,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let query =
        CatalogueQuery::parse(&pairs, &data, &ui, PER_PAGE).map_err(AppError::BadRequest)?;
    let found = data.search(&query.q, &query.filter);
    let total = found.len();
    let page_count = total.div_ceil(PER_PAGE).max(1);
    let page = query.page.min(page_count);
    let cards = found
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|p| views::card(&ui, &data, p))
        .collect();
    let pages = (1..=page_count)
        .map(|n| PageLink {
            number: n,
            href: query.href("/procedures", n),
            current: n == page,
        })
        .collect();
    let level = query.filter.level.map(Level::as_str);
    let mode = query.filter.service_mode.map(ServiceMode::as_str);
    let mut agency_options: Vec<SelectOption> = data
        .catalogue
        .agencies
        .iter()
        .filter(|a| {
            data.catalogue
                .procedures
                .iter()
                .any(|p| p.agencies.contains(&a.code))
        })
        .map(|a| {
            SelectOption::new(
                &a.code,
                ui.pick(&a.name, &a.name_en),
                query.filter.agency.as_deref(),
            )
        })
        .collect();
    agency_options.sort_by_cached_key(|o| domain::search::fold(&o.label));
    render(&ProceduresPage {
        total,
        cards,
        field_options: views::field_options(&ui, &data, query.filter.field.as_deref()),
        level_options: Level::ALL
            .iter()
            .map(|l| SelectOption::new(l.as_str(), views::level_label(&ui, *l), level))
            .collect(),
        agency_options,
        mode_options: ServiceMode::ALL
            .iter()
            .map(|m| SelectOption::new(m.as_str(), views::mode_label(&ui, *m), mode))
            .collect(),
        priority_only: query.filter.priority_only,
        pages,
        prev_href: (page > 1).then(|| query.href("/procedures", page - 1)),
        next_href: (page < page_count).then(|| query.href("/procedures", page + 1)),
        query: query.q,
        ui,
    })
}

struct ComponentView {
    name: String,
    form_text: String,
    template: Option<String>,
    note: Option<String>,
    required: bool,
    waived: bool,
}

struct FeeView {
    name: String,
    amount_text: String,
    /// The reduction for applying online in force today, in words.
    online: Option<String>,
    exemptions: Vec<String>,
    note: Option<String>,
}

struct AgencyView {
    name: String,
    address: Option<String>,
    phone: Option<String>,
}

struct ProcedureView {
    code: String,
    name: String,
    field_code: String,
    field_name: String,
    level_label: &'static str,
    mode_label: &'static str,
    mode_class: &'static str,
    mode_explained: &'static str,
    priority: bool,
    description: String,
    applicants: String,
    conditions: Option<String>,
    channels: Vec<&'static str>,
    duration_text: String,
    same_day: bool,
    fee_summary: String,
    fees: Vec<FeeView>,
    components: Vec<ComponentView>,
    agencies: Vec<AgencyView>,
    /// Long lists (a commune procedure is offered by every commune) go in a disclosure.
    collapse_agencies: bool,
    steps: Vec<String>,
    result: String,
    legal_basis: Vec<String>,
    /// ` lang="vi"` on English pages, around content only published in Vietnamese (WCAG 3.1.2).
    content_lang_attr: &'static str,
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    ui: Ui,
    p: ProcedureView,
}

/// Up to this many implementing agencies are listed openly on a start page.
const AGENCIES_LISTED_OPEN: usize = 8;

async fn procedure(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let p = data.procedure(&code).ok_or(AppError::NotFound)?;
    let agencies: Vec<AgencyView> = p
        .agencies
        .iter()
        .filter_map(|c| data.agency(c))
        .map(|a| AgencyView {
            name: ui.pick(&a.name, &a.name_en).to_owned(),
            address: a.address.clone(),
            phone: a.phone.clone(),
        })
        .collect();
    let view = ProcedureView {
        code: p.code.clone(),
        name: ui.pick(&p.name, &p.name_en).to_owned(),
        field_code: p.field.clone(),
        field_name: data
            .field(&p.field)
            .map(|f| ui.pick(&f.name, &f.name_en).to_owned())
            .unwrap_or_default(),
        level_label: views::level_label(&ui, p.level),
        mode_label: views::mode_label(&ui, p.service_mode),
        mode_class: views::mode_class(p.service_mode),
        mode_explained: ui.t(&format!("mode_explained.{}", p.service_mode.as_str())),
        priority: p.priority,
        description: p.description.clone(),
        applicants: p.applicants.clone(),
        conditions: p.conditions.clone(),
        channels: p
            .channels
            .iter()
            .map(|c| views::channel_text(&ui, *c))
            .collect(),
        duration_text: views::duration_text(&ui, p.duration),
        same_day: p.duration == domain::catalogue::LegalDuration::SameDay,
        fee_summary: views::fee_summary(&ui, &p.fees),
        fees: p
            .fees
            .iter()
            .map(|f| FeeView {
                name: f.name.clone(),
                amount_text: views::fee_amount_text(&ui, f),
                online: views::online_discount_text(&ui, f, state.today()),
                exemptions: f.exemptions.clone(),
                note: f.note.clone(),
            })
            .collect(),
        components: p
            .components
            .iter()
            .map(|c| ComponentView {
                name: c.name.clone(),
                form_text: views::paper_form_text(&ui, c.form, c.count),
                template: c.template.clone(),
                note: c.note.clone(),
                required: c.required,
                waived: c.waived_if_population_verified,
            })
            .collect(),
        collapse_agencies: agencies.len() > AGENCIES_LISTED_OPEN,
        agencies,
        steps: p.steps.clone(),
        result: p.result.clone(),
        legal_basis: p.legal_basis.clone(),
        content_lang_attr: if ui.is_en() { " lang=\"vi\"" } else { "" },
    };
    render(&ProcedurePage { ui, p: view })
}

/// Sets the language cookie and returns to the page the visitor came from. A plain link, so it
/// works without JavaScript; `next` must be a local path (no open redirect).
async fn switch_language(Query(pairs): Query<Vec<(String, String)>>) -> Response {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let lang = get("lang").and_then(Lang::parse).unwrap_or_default();
    let next = get("next").filter(|n| is_local_path(n)).unwrap_or("/");
    // Drop any `lang=` left in the return address so the cookie decides from now on.
    let next = strip_lang_param(next);
    let mut response = Redirect::to(&next).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Only a path on this site may follow the switch: browsers drop tabs and newlines from URLs and
/// read `\\` as `/`, so `/\t/evil.example` would otherwise leave the site.
fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn strip_lang_param(path: &str) -> String {
    match path.split_once('?') {
        None => path.to_owned(),
        Some((base, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|p| !p.starts_with("lang=") && !p.is_empty())
                .collect();
            if kept.is_empty() {
                base.to_owned()
            } else {
                format!("{base}?{}", kept.join("&"))
            }
        }
    }
}
