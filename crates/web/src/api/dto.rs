//! The API's wire shapes. They are separate from the domain types so the public contract (and the
//! OpenAPI document generated from these derives) changes only when we mean it to.

use app::reports::DaySource;
use domain::calendar::CalendarDay;
use domain::catalogue::{Agency, Component, Fee, Field, LegalDuration, Procedure};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use app::ReferenceData;

/// Query parameters of `GET /api/v1/procedures` (documentation only: parsing is shared with the
/// pages and reports which parameter is wrong).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "describes the query string for the OpenAPI document"
)]
pub struct ProcedureQueryDoc {
    /// Free text; diacritics, case, `đ`/`d` and `i`/`y` do not matter.
    q: Option<String>,
    /// Field code (see `/api/v1/fields`).
    field: Option<String>,
    /// `province` or `commune`; empty: either.
    #[param(pattern = "^ *(province|commune)? *$")]
    level: Option<String>,
    /// Agency identifier code (see `/api/v1/agencies`).
    agency: Option<String>,
    /// `full_online`, `partial_online` or `information_only`; empty: any.
    #[param(pattern = "^ *(full_online|partial_online|information_only)? *$")]
    mode: Option<String>,
    /// `true` (or `1`, `on`, `yes`) for the essential (Project 06) services only; `false`
    /// (`0`, `off`, `no`) or empty: all.
    #[param(pattern = "^ *(true|false|1|0|on|off|yes|no)? *$")]
    priority: Option<String>,
    /// Page number, 1 to 10,000.
    #[param(minimum = 1, maximum = 10000)]
    page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

/// A page of search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureList {
    /// The procedures of this page, best match first.
    pub items: Vec<ProcedureSummary>,
    /// How many procedures match in all.
    pub total: usize,
    /// This page's number, from 1.
    pub page: usize,
    /// Page size.
    pub per_page: usize,
}

/// Legal duration.
#[derive(Debug, Serialize, ToSchema)]
pub struct DurationDto {
    /// `same_day`, `working_days` or `working_hours`.
    pub kind: &'static str,
    /// Number of days or hours (0 for same-day).
    pub amount: u32,
}

impl From<LegalDuration> for DurationDto {
    fn from(d: LegalDuration) -> Self {
        DurationDto {
            kind: d.kind_str(),
            amount: d.amount(),
        }
    }
}

/// A procedure in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureSummary {
    /// National procedure code.
    pub code: String,
    /// Official Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Field code.
    pub field: String,
    /// `province` or `commune`; empty: either.
    pub level: &'static str,
    /// `full_online`, `partial_online` or `information_only`; empty: any.
    pub service_mode: &'static str,
    /// Essential (Project 06) service.
    pub priority: bool,
    /// Legal duration.
    pub duration: DurationDto,
    /// Address of the procedure's page on the portal.
    pub url: String,
}

impl From<&Procedure> for ProcedureSummary {
    fn from(p: &Procedure) -> Self {
        ProcedureSummary {
            code: p.code.clone(),
            name: p.name.clone(),
            name_en: p.name_en.clone(),
            field: p.field.clone(),
            level: p.level.as_str(),
            service_mode: p.service_mode.as_str(),
            priority: p.priority,
            duration: p.duration.into(),
            url: format!("/procedures/{}", p.code),
        }
    }
}

/// One price band of a per-page or per-copy fee.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeTierDto {
    /// First unit of the band (1-based).
    pub from: u32,
    /// Last unit; absent for "and above".
    pub to: Option<u32>,
    /// Price per unit in VND.
    pub amount_vnd: i64,
}

/// A fee or charge.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeDto {
    /// Name as the legal text gives it.
    pub name: String,
    /// `fixed`, `per_page` or `per_copy`.
    pub kind: &'static str,
    /// Amount (fixed) or unit price, VND.
    pub amount_vnd: i64,
    /// Price bands.
    pub tiers: Vec<FeeTierDto>,
    /// Highest amount per dossier or copy, VND.
    pub cap_vnd: Option<i64>,
    /// Who is exempt.
    pub exemptions: Vec<String>,
    /// Remarks.
    pub note: Option<String>,
}

impl From<&Fee> for FeeDto {
    fn from(f: &Fee) -> Self {
        FeeDto {
            name: f.name.clone(),
            kind: f.kind.as_str(),
            amount_vnd: f.amount_vnd,
            tiers: f
                .tiers
                .iter()
                .map(|t| FeeTierDto {
                    from: t.from,
                    to: t.to,
                    amount_vnd: t.amount_vnd,
                })
                .collect(),
            cap_vnd: f.cap_vnd,
            exemptions: f.exemptions.clone(),
            note: f.note.clone(),
        }
    }
}

/// A paper of the dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComponentDto {
    /// What the paper is.
    pub name: String,
    /// `original`, `copy`, `certified_copy_or_copy_with_original`, `original_or_certified_copy` or `show_only`.
    pub form: &'static str,
    /// How many.
    pub count: u32,
    /// Form template to fill in.
    pub template: Option<String>,
    /// Always needed (false: only in some cases).
    pub required: bool,
    /// Remarks.
    pub note: Option<String>,
    /// Not needed when the applicant is verified against the population database.
    pub waived_if_population_verified: bool,
}

impl From<&Component> for ComponentDto {
    fn from(c: &Component) -> Self {
        ComponentDto {
            name: c.name.clone(),
            form: c.form.as_str(),
            count: c.count,
            template: c.template.clone(),
            required: c.required,
            note: c.note.clone(),
            waived_if_population_verified: c.waived_if_population_verified,
        }
    }
}

/// An agency named by a procedure.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyRef {
    /// Identifier code.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
}

/// Everything published about a procedure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureDetail {
    /// Summary fields.
    #[serde(flatten)]
    pub summary: ProcedureSummary,
    /// What it is for.
    pub description: String,
    /// Who can apply.
    pub applicants: String,
    /// Conditions.
    pub conditions: Option<String>,
    /// `counter`, `online`, `post`.
    pub channels: Vec<&'static str>,
    /// Steps in order.
    pub steps: Vec<String>,
    /// What the applicant receives.
    pub result: String,
    /// Legal basis.
    pub legal_basis: Vec<String>,
    /// Fees and charges; empty when free.
    pub fees: Vec<FeeDto>,
    /// Papers of the dossier.
    pub components: Vec<ComponentDto>,
    /// Agencies that receive and settle it.
    pub agencies: Vec<AgencyRef>,
    /// Workflow code.
    pub workflow: String,
}

impl ProcedureDetail {
    /// Builds the detail of a procedure of `data`.
    pub fn new(p: &Procedure, data: &ReferenceData) -> ProcedureDetail {
        ProcedureDetail {
            summary: p.into(),
            description: p.description.clone(),
            applicants: p.applicants.clone(),
            conditions: p.conditions.clone(),
            channels: p.channels.iter().map(|c| c.as_str()).collect(),
            steps: p.steps.clone(),
            result: p.result.clone(),
            legal_basis: p.legal_basis.clone(),
            fees: p.fees.iter().map(FeeDto::from).collect(),
            components: p.components.iter().map(ComponentDto::from).collect(),
            agencies: p
                .agencies
                .iter()
                .map(|code| AgencyRef {
                    code: code.clone(),
                    name: data
                        .agency(code)
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            workflow: p.workflow.clone(),
        }
    }
}

/// A field of procedures.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldDto {
    /// Code.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
}

impl From<&Field> for FieldDto {
    fn from(f: &Field) -> Self {
        FieldDto {
            code: f.code.clone(),
            name: f.name.clone(),
            name_en: f.name_en.clone(),
        }
    }
}

/// An agency of the province.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyDto {
    /// Identifier code (prefix of its dossier codes).
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// `provincial_committee`, `department`, `department_unit` or `commune`.
    pub kind: &'static str,
    /// Parent agency code.
    pub parent: Option<String>,
    /// Address of its one-stop counter.
    pub address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
}

impl From<&Agency> for AgencyDto {
    fn from(a: &Agency) -> Self {
        AgencyDto {
            code: a.code.clone(),
            name: a.name.clone(),
            name_en: a.name_en.clone(),
            kind: a.kind.as_str(),
            parent: a.parent.clone(),
            address: a.address.clone(),
            phone: a.phone.clone(),
        }
    }
}

/// A day that differs from the ordinary week.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayDto {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// `holiday`, `compensatory` (day off in lieu) or `working_day` (a swapped weekend day).
    pub kind: &'static str,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// `computed`, `official` or `admin`.
    pub source: &'static str,
}

impl CalendarDayDto {
    /// Builds the wire form of a stored day.
    pub fn new(d: &CalendarDay, source: DaySource) -> CalendarDayDto {
        CalendarDayDto {
            date: d.date.to_string(),
            kind: d.kind.as_str(),
            name: d.name.clone(),
            name_en: d.name_en.clone(),
            source: source.as_str(),
        }
    }
}
