//! The procedure catalogue (danh mục thủ tục hành chính): what a citizen can apply for, where,
//! at what cost and within which legal time. These types are both the shape of the reference data
//! shipped in `catalog/` and the shape the portal reads back from the database.

mod validate;

use serde::{Deserialize, Serialize};
use time::Date;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

pub use validate::{CatalogueError, validate};

/// Administrative level that settles a procedure. Since 1 July 2025 local government has two tiers
/// (Resolution 202/2025/QH15), so there is no district level any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Cấp tỉnh: provincial departments and sectors.
    Province,
    /// Cấp xã: communes and wards.
    Commune,
}

impl Level {
    /// Every level, in display order.
    pub const ALL: [Level; 2] = [Level::Province, Level::Commune];

    /// Stable text form used in storage, URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Commune => "commune",
        }
    }

    /// Parses the text form produced by [`Level::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// How much of a procedure can be done online (Decree 42/2022/NĐ-CP, Art. 11): the old levels
/// 1–4 were replaced by "full-process" and "partial" online public services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMode {
    /// Dịch vụ công trực tuyến toàn trình: every step online, result online or by post.
    FullOnline,
    /// Dịch vụ công trực tuyến một phần: some steps need the applicant at the counter.
    PartialOnline,
    /// Cung cấp thông tin: the portal only informs; the application is made at the counter.
    InformationOnly,
}

impl ServiceMode {
    /// Every mode, in display order.
    pub const ALL: [ServiceMode; 3] = [
        ServiceMode::FullOnline,
        ServiceMode::PartialOnline,
        ServiceMode::InformationOnly,
    ];

    /// Stable text form used in storage, URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceMode::FullOnline => "full_online",
            ServiceMode::PartialOnline => "partial_online",
            ServiceMode::InformationOnly => "information_only",
        }
    }

    /// Parses the text form produced by [`ServiceMode::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether a citizen may submit this procedure through the portal.
    pub fn accepts_online_application(self) -> bool {
        !matches!(self, ServiceMode::InformationOnly)
    }
}

/// The legal time to settle a procedure, as the procedure's announcing decision states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LegalDuration {
    /// Settled on the day of receipt; received after the cut-off (15:00) it is settled on the next
    /// working day (Decree 23/2015/NĐ-CP Art. 7; Law on Civil Status 2014 Art. 16).
    SameDay,
    /// A number of working days counted from the receipt.
    WorkingDays {
        /// How many working days.
        amount: u32,
    },
    /// A number of working hours, for short procedures.
    WorkingHours {
        /// How many working hours.
        amount: u32,
    },
}

impl LegalDuration {
    /// Stable text form of the kind, used in storage.
    pub fn kind_str(self) -> &'static str {
        match self {
            LegalDuration::SameDay => "same_day",
            LegalDuration::WorkingDays { .. } => "working_days",
            LegalDuration::WorkingHours { .. } => "working_hours",
        }
    }

    /// The amount (0 for same-day procedures).
    pub fn amount(self) -> u32 {
        match self {
            LegalDuration::SameDay => 0,
            LegalDuration::WorkingDays { amount } | LegalDuration::WorkingHours { amount } => {
                amount
            }
        }
    }

    /// Rebuilds a duration from its stored kind and amount.
    pub fn from_parts(kind: &str, amount: u32) -> Option<Self> {
        match kind {
            "same_day" => Some(LegalDuration::SameDay),
            "working_days" => Some(LegalDuration::WorkingDays { amount }),
            "working_hours" => Some(LegalDuration::WorkingHours { amount }),
            _ => None,
        }
    }
}

/// Where an application can be lodged (Decree 118/2025/NĐ-CP: at the one-stop counter, by public
/// post, or online).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Trực tiếp tại Bộ phận Một cửa.
    Counter,
    /// Trực tuyến trên Cổng dịch vụ công.
    Online,
    /// Qua dịch vụ bưu chính công ích.
    Post,
}

impl Channel {
    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Counter => "counter",
            Channel::Online => "online",
            Channel::Post => "post",
        }
    }

    /// Parses the text form produced by [`Channel::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Channel::Counter, Channel::Online, Channel::Post]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// How a fee is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// One amount per dossier.
    Fixed,
    /// Per page, with tiers (e.g. certified copies, Circular 226/2016/TT-BTC).
    PerPage,
    /// Per copy issued (e.g. extracts of civil status records).
    PerCopy,
}

impl FeeKind {
    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            FeeKind::Fixed => "fixed",
            FeeKind::PerPage => "per_page",
            FeeKind::PerCopy => "per_copy",
        }
    }

    /// Parses the text form produced by [`FeeKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [FeeKind::Fixed, FeeKind::PerPage, FeeKind::PerCopy]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One price band of a per-page or per-copy fee: units `from..=to` cost `amount_vnd` each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeTier {
    /// First unit (page or copy, 1-based) of the band.
    pub from: u32,
    /// Last unit of the band; `None` means "and every unit after".
    #[serde(default)]
    pub to: Option<u32>,
    /// Price of one unit in the band, in VND.
    pub amount_vnd: i64,
}

/// A fee or charge (phí, lệ phí) of a procedure. Amounts are whole VND.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// What the fee is, as the legal text names it.
    pub name: String,
    /// How it is charged.
    pub kind: FeeKind,
    /// Fixed amount, or the unit price when there are no tiers.
    #[serde(default)]
    pub amount_vnd: i64,
    /// Price bands for per-page / per-copy fees.
    #[serde(default)]
    pub tiers: Vec<FeeTier>,
    /// Highest amount charged for one dossier or copy, if the law caps it.
    #[serde(default)]
    pub cap_vnd: Option<i64>,
    /// Who is exempt, as the legal text says it.
    #[serde(default)]
    pub exemptions: Vec<String>,
    /// The exemptions the program can apply by itself: applicants of these categories pay
    /// nothing for this fee (see [`crate::payment::fees`]).
    #[serde(default)]
    pub exempt_categories: Vec<ApplicantCategory>,
    /// Reductions for applications made online, each valid over a period (the province cuts
    /// fees to encourage online use; Circular 64/2025/TT-BTC and provincial resolutions).
    #[serde(default)]
    pub online_discounts: Vec<OnlineDiscount>,
    /// Anything else a citizen should know about the fee.
    #[serde(default)]
    pub note: Option<String>,
}

/// A category of applicant that fee laws exempt (đối tượng được miễn phí, lệ phí). Only the
/// categories an officer can check on a paper or in the population database are listed; anything
/// rarer stays in the fee's free-text `exemptions` and is handled by the officer's amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantCategory {
    /// Người có công với cách mạng và thân nhân (Ordinance 02/2020/UBTVQH14).
    MeritoriousPerson,
    /// Người thuộc hộ nghèo, hộ cận nghèo.
    PoorHousehold,
    /// Trẻ em (under 16), including orphans.
    Child,
    /// Đồng bào dân tộc thiểu số ở xã có điều kiện kinh tế - xã hội đặc biệt khó khăn.
    EthnicMinorityInHardshipArea,
    /// Người khuyết tật.
    PersonWithDisability,
    /// Người cao tuổi (60 and over).
    Elderly,
}

impl ApplicantCategory {
    /// Every category, in the order forms list them.
    pub const ALL: [ApplicantCategory; 6] = [
        ApplicantCategory::MeritoriousPerson,
        ApplicantCategory::PoorHousehold,
        ApplicantCategory::Child,
        ApplicantCategory::EthnicMinorityInHardshipArea,
        ApplicantCategory::PersonWithDisability,
        ApplicantCategory::Elderly,
    ];

    /// Stable text form used in forms, storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantCategory::MeritoriousPerson => "meritorious_person",
            ApplicantCategory::PoorHousehold => "poor_household",
            ApplicantCategory::Child => "child",
            ApplicantCategory::EthnicMinorityInHardshipArea => "ethnic_minority_in_hardship_area",
            ApplicantCategory::PersonWithDisability => "person_with_disability",
            ApplicantCategory::Elderly => "elderly",
        }
    }

    /// Parses the text form produced by [`ApplicantCategory::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A reduction of a fee for applications made online, valid from `from` to `until` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlineDiscount {
    /// Share taken off, in percent (1–100).
    pub percent: u8,
    /// First day it applies.
    #[serde(with = "iso_date")]
    pub from: Date,
    /// Last day it applies; `None` while no end is set.
    #[serde(default, with = "iso_date::option")]
    pub until: Option<Date>,
    /// The legal text that grants it.
    pub source: String,
}

impl OnlineDiscount {
    /// Whether it applies on `day`.
    pub fn applies_on(&self, day: Date) -> bool {
        day >= self.from && self.until.is_none_or(|u| day <= u)
    }
}

/// In what form a paper must be handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperForm {
    /// Bản chính.
    Original,
    /// Bản sao (plain copy).
    Copy,
    /// Bản sao có chứng thực, hoặc bản sao kèm bản chính để đối chiếu.
    CertifiedCopyOrCopyWithOriginal,
    /// Bản chính hoặc bản sao có chứng thực.
    OriginalOrCertifiedCopy,
    /// Shown at the counter only (xuất trình), not kept in the dossier.
    ShowOnly,
}

impl PaperForm {
    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PaperForm::Original => "original",
            PaperForm::Copy => "copy",
            PaperForm::CertifiedCopyOrCopyWithOriginal => "certified_copy_or_copy_with_original",
            PaperForm::OriginalOrCertifiedCopy => "original_or_certified_copy",
            PaperForm::ShowOnly => "show_only",
        }
    }

    /// Parses the text form produced by [`PaperForm::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            PaperForm::Original,
            PaperForm::Copy,
            PaperForm::CertifiedCopyOrCopyWithOriginal,
            PaperForm::OriginalOrCertifiedCopy,
            PaperForm::ShowOnly,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }
}

/// A paper of the dossier (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// What the paper is.
    pub name: String,
    /// In what form it is handed in.
    pub form: PaperForm,
    /// How many (originals or copies).
    #[serde(default = "one")]
    pub count: u32,
    /// The form template to fill in, if any (e.g. "Mẫu CT01 ban hành kèm Thông tư 66/2023/TT-BCA").
    #[serde(default)]
    pub template: Option<String>,
    /// False for papers needed only in some cases.
    #[serde(default = "yes")]
    pub required: bool,
    /// When the paper is needed, or how to get it.
    #[serde(default)]
    pub note: Option<String>,
    /// Not asked for when the applicant is verified against the national population database
    /// (household books, residence confirmations: Decree 104/2022/NĐ-CP).
    #[serde(default)]
    pub waived_if_population_verified: bool,
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

/// An administrative procedure (thủ tục hành chính) as published in the national database of
/// administrative procedures: the content Decree 63/2010/NĐ-CP Art. 8 requires to be public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Code in the national database of administrative procedures (e.g. "1.001193").
    pub code: String,
    /// Official Vietnamese name.
    pub name: String,
    /// English name, for the English pages.
    pub name_en: String,
    /// Code of the field (lĩnh vực) it belongs to.
    pub field: String,
    /// Level that settles it.
    pub level: Level,
    /// Codes of the agencies that receive and settle it. In `catalog/` files the word
    /// `all-communes` stands for every commune and ward of the province.
    pub agencies: Vec<String>,
    /// How much of it can be done online.
    pub service_mode: ServiceMode,
    /// One of the essential online public services of Project 06 (Decision 06/QĐ-TTg, 2022),
    /// which the province is told to prioritise.
    #[serde(default)]
    pub priority: bool,
    /// Legal time to settle it.
    pub duration: LegalDuration,
    /// What it is for, in plain words.
    pub description: String,
    /// Who can apply (đối tượng thực hiện).
    pub applicants: String,
    /// Conditions to meet, if any (yêu cầu, điều kiện).
    #[serde(default)]
    pub conditions: Option<String>,
    /// Where and how to apply.
    pub channels: Vec<Channel>,
    /// The steps (trình tự thực hiện), in order.
    pub steps: Vec<String>,
    /// What the applicant receives (kết quả thực hiện).
    pub result: String,
    /// Legal basis (căn cứ pháp lý), one text per instrument.
    pub legal_basis: Vec<String>,
    /// Fees and charges; empty when free.
    #[serde(default)]
    pub fees: Vec<Fee>,
    /// The papers of the dossier.
    pub components: Vec<Component>,
    /// Code of the workflow the one-stop system runs for it.
    pub workflow: String,
}

impl Procedure {
    /// The required papers not among `handed_in` (names as in [`Component::name`]). A dossier is
    /// complete, and may be accepted with a receipt, only when this is empty; otherwise the
    /// officer guides the applicant once, in writing, to add exactly these (Decree 118/2025/NĐ-CP,
    /// Art. 15; Form 02).
    pub fn missing_papers<'a>(&'a self, handed_in: &[String]) -> Vec<&'a Component> {
        self.components
            .iter()
            .filter(|c| c.required && !handed_in.contains(&c.name))
            .collect()
    }

    /// The paper of this procedure with that name.
    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.name == name)
    }
}

/// A field (lĩnh vực) grouping procedures, e.g. civil status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Short stable code, e.g. "ho-tich".
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
}

/// What kind of body an agency is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// Ủy ban nhân dân tỉnh: the root of the tree.
    ProvincialCommittee,
    /// Sở, ban, ngành: a provincial department or sector.
    Department,
    /// A unit inside a department (e.g. the land registration office).
    DepartmentUnit,
    /// Ủy ban nhân dân xã, phường, đặc khu: a commune-level committee.
    Commune,
}

impl AgencyKind {
    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::ProvincialCommittee => "provincial_committee",
            AgencyKind::Department => "department",
            AgencyKind::DepartmentUnit => "department_unit",
            AgencyKind::Commune => "commune",
        }
    }

    /// Parses the text form produced by [`AgencyKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            AgencyKind::ProvincialCommittee,
            AgencyKind::Department,
            AgencyKind::DepartmentUnit,
            AgencyKind::Commune,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// An agency of the province, identified by its electronic identifier code (mã định danh điện tử,
/// format of QCVN 102:2016/BTTTT and Decree 20/2020/NĐ-CP), which also prefixes dossier codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Identifier code, e.g. "000.00.15.H56".
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// What kind of body it is.
    pub kind: AgencyKind,
    /// Code of the parent agency; `None` only for the provincial committee.
    #[serde(default)]
    pub parent: Option<String>,
    /// Address of its one-stop counter.
    #[serde(default)]
    pub address: Option<String>,
    /// Telephone of its one-stop counter.
    #[serde(default)]
    pub phone: Option<String>,
}

/// Who performs a workflow step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ tiếp nhận tại Bộ phận Một cửa.
    Reception,
    /// Chuyên viên xử lý.
    Handling,
    /// Lãnh đạo phê duyệt.
    Leader,
}

impl Role {
    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reception => "reception",
            Role::Handling => "handling",
            Role::Leader => "leader",
        }
    }

    /// Parses the text form produced by [`Role::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Role::Reception, Role::Handling, Role::Leader]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// One step of a workflow, with its share of the legal duration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStep {
    /// Stable code of the step within the workflow.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Who performs it.
    pub role: Role,
    /// Percentage of the legal duration allotted to the step.
    pub share_percent: u32,
}

/// A versioned processing workflow (quy trình nội bộ): data, not code, so a province can change it
/// without a release. Dossiers keep the version in force when they were received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    /// Stable code, referenced by procedures.
    pub code: String,
    /// Version number, increasing.
    pub version: u32,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// The steps in order.
    pub steps: Vec<WorkflowStep>,
}

/// The whole reference catalogue as shipped in `catalog/` and as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The agency tree.
    pub agencies: Vec<Agency>,
    /// Fields of procedures.
    pub fields: Vec<Field>,
    /// Workflows.
    pub workflows: Vec<Workflow>,
    /// Procedures.
    pub procedures: Vec<Procedure>,
}

/// Placeholder in `catalog/` files that stands for every commune-level agency.
pub const ALL_COMMUNES: &str = "all-communes";

impl Catalogue {
    /// Replaces the [`ALL_COMMUNES`] placeholder in each procedure's agency list by the codes of
    /// every commune, keeping the order of the agency tree and dropping duplicates.
    pub fn expand_agency_placeholders(&mut self) {
        let communes: Vec<String> = self
            .agencies
            .iter()
            .filter(|a| a.kind == AgencyKind::Commune)
            .map(|a| a.code.clone())
            .collect();
        for procedure in &mut self.procedures {
            if procedure.agencies.iter().any(|a| a == ALL_COMMUNES) {
                let mut expanded = Vec::new();
                for code in &procedure.agencies {
                    let add: Vec<String> = if code == ALL_COMMUNES {
                        communes.clone()
                    } else {
                        vec![code.clone()]
                    };
                    for c in add {
                        if !expanded.contains(&c) {
                            expanded.push(c);
                        }
                    }
                }
                procedure.agencies = expanded;
            }
        }
    }

    /// The procedure with this code.
    pub fn procedure(&self, code: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.code == code)
    }

    /// The field with this code.
    pub fn field(&self, code: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.code == code)
    }

    /// The agency with this code.
    pub fn agency(&self, code: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.code == code)
    }
}
