//! The answers of an application in progress, saved after every page, and the order of the
//! questions: the next page is always the first one not yet answered, so a "Change" link from
//! "check your answers" comes back there once the answer is given (GOV.UK check-answers pattern).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::catalogue::Procedure;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::see_other;
use crate::AppState;
use crate::edge::citizen::Viewer;
use crate::edge::uploads::Upload;
use crate::error::AppError;
use crate::forms;
use app::ReferenceData;

/// The answer for one required paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum PaperAnswer {
    /// A file from `uploads`.
    File {
        /// Its hash.
        sha256: String,
    },
    /// An optional paper the applicant does not hand in.
    Skipped,
}

/// Everything answered so far. Only valid answers are saved; what was typed wrongly is shown
/// back on its page, not stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Answers {
    /// Pseudonymous id of the applicant for this dossier (random; not personal data), the key
    /// that lets them hand in a supplement later.
    pub applicant_id: String,
    /// Receiving agency chosen.
    pub agency: Option<String>,
    /// `citizen`, `business`, `state_agency` or `other`.
    pub applicant_kind: Option<String>,
    /// Name of the applicant.
    pub full_name: Option<String>,
    /// 12-digit personal ID.
    pub personal_id: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail ("" when the applicant gave none).
    pub email: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// One answer per required paper, by the paper's position in the procedure.
    #[serde(default)]
    pub papers: Vec<Option<PaperAnswer>>,
    /// Every file uploaded in this draft.
    #[serde(default)]
    pub uploads: Vec<Upload>,
    /// `counter`, `post` or `online`.
    pub return_method: Option<String>,
    /// What the population database said about the applicant, when it was asked.
    #[serde(default)]
    pub identity: Option<DraftIdentity>,
    /// The exempting category the applicant says they belong to
    /// (`domain::catalogue::ApplicantCategory::as_str`), asked only where a fee of the
    /// procedure can be waived; `None` when they claim none or were not asked.
    #[serde(default)]
    pub fee_exemption: Option<String>,
}

/// The population database's answer kept in a draft (a mismatch is not kept: the applicant
/// corrects the page instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DraftIdentity {
    /// Number, name and birth date match: papers the database proves are not asked for.
    Verified,
    /// No answer; the dossier is looked up again after submission.
    Unavailable,
}

/// A page of the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Which agency.
    Agency,
    /// Kind of applicant and name.
    Applicant,
    /// Personal ID and date of birth.
    Identity,
    /// Phone, e-mail, address.
    Contact,
    /// One required paper, by position.
    Paper(usize),
    /// How to receive the result.
    Return,
    /// Check your answers.
    Check,
}

impl Step {
    /// The page's address.
    pub fn href(self, id: Uuid) -> String {
        match self {
            Step::Agency => format!("/applications/{id}/agency"),
            Step::Applicant => format!("/applications/{id}/applicant"),
            Step::Identity => format!("/applications/{id}/identity"),
            Step::Contact => format!("/applications/{id}/contact"),
            Step::Paper(n) => format!("/applications/{id}/papers/{}", n + 1),
            Step::Return => format!("/applications/{id}/return"),
            Step::Check => format!("/applications/{id}/check"),
        }
    }

    /// The step a path segment names (papers have their own route).
    pub fn parse(slug: &str) -> Option<Step> {
        match slug {
            "agency" => Some(Step::Agency),
            "applicant" => Some(Step::Applicant),
            "identity" => Some(Step::Identity),
            "contact" => Some(Step::Contact),
            "return" => Some(Step::Return),
            _ => None,
        }
    }
}

/// Whether the applicant must choose the agency: only when several settle the procedure.
pub(crate) fn asks_agency(procedure: &Procedure) -> bool {
    procedure.agencies.len() > 1
}

/// The pages of a procedure's application, in order; a verified applicant is not asked for the
/// papers the population database proves.
pub(crate) fn steps(procedure: &Procedure, verified: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    if asks_agency(procedure) {
        steps.push(Step::Agency);
    }
    steps.extend([Step::Applicant, Step::Identity, Step::Contact]);
    steps.extend(
        (0..procedure.components.len())
            .filter(|n| !app::registry::spared(&procedure.components[*n], verified))
            .map(Step::Paper),
    );
    steps.push(Step::Return);
    steps
}

impl Answers {
    /// Whether a page has its answer.
    pub fn has(&self, step: Step) -> bool {
        match step {
            Step::Agency => self.agency.is_some(),
            Step::Applicant => self.applicant_kind.is_some() && self.full_name.is_some(),
            Step::Identity => self.personal_id.is_some() && self.birth_date.is_some(),
            Step::Contact => self.phone.is_some() && self.address.is_some(),
            Step::Paper(n) => matches!(self.papers.get(n), Some(Some(_))),
            Step::Return => self.return_method.is_some(),
            Step::Check => false,
        }
    }

    /// The exempting category claimed, if any.
    pub fn claimed_exemption(&self) -> Option<domain::catalogue::ApplicantCategory> {
        self.fee_exemption
            .as_deref()
            .and_then(domain::catalogue::ApplicantCategory::parse)
    }

    /// Whether the population database verified the applicant.
    pub fn verified(&self) -> bool {
        self.identity == Some(DraftIdentity::Verified)
    }

    /// The first page without an answer, or "check your answers".
    pub fn next(&self, procedure: &Procedure) -> Step {
        steps(procedure, self.verified())
            .into_iter()
            .find(|s| !self.has(*s))
            .unwrap_or(Step::Check)
    }

    /// The upload with this hash.
    pub fn upload(&self, sha256: &str) -> Option<&Upload> {
        self.uploads.iter().find(|u| u.sha256 == sha256)
    }

    /// Records the answer for paper `n`.
    pub fn set_paper(&mut self, n: usize, answer: PaperAnswer) {
        if self.papers.len() <= n {
            self.papers.resize(n + 1, None);
        }
        self.papers[n] = Some(answer);
    }

    /// The agency the dossier goes to: the one chosen, or the only one.
    pub fn agency_for(&self, procedure: &Procedure) -> Option<String> {
        if asks_agency(procedure) {
            self.agency.clone()
        } else {
            procedure.agencies.first().cloned()
        }
    }
}

/// A draft read from storage with its procedure.
pub(crate) struct Draft {
    /// Its id.
    pub id: Uuid,
    /// The procedure applied for.
    pub procedure_code: String,
    /// The answers.
    pub answers: Answers,
    /// The dossier code once submitted.
    pub submitted_code: Option<String>,
    /// The citizen account it belongs to, if it was started signed in.
    pub citizen_id: Option<String>,
}

impl Draft {
    /// Reads a draft; "not found" for an unknown id, and for a draft of an account the visitor
    /// is not signed in as (the id alone does not open an account holder's draft).
    pub async fn load(state: &AppState, id: Uuid, viewer: &Viewer) -> Result<Draft, AppError> {
        let stored = app::drafts::get(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !viewer.may(&domain::access::Request::OpenDraft {
            owner: stored.citizen_id.as_deref(),
        }) {
            return Err(AppError::NotFound);
        }
        let answers: Answers = serde_json::from_str(&stored.answers)
            .map_err(|e| AppError::Internal(format!("draft {id}: {e}")))?;
        Ok(Draft {
            id,
            procedure_code: stored.procedure_code,
            answers,
            submitted_code: stored.submitted_code,
            citizen_id: stored.citizen_id,
        })
    }

    /// The procedure, from the reference data in force.
    pub fn procedure<'a>(&self, data: &'a ReferenceData) -> Result<&'a Procedure, AppError> {
        data.procedure(&self.procedure_code)
            .ok_or(AppError::NotFound)
    }

    /// Saves the answers. A submitted draft no longer changes: the visitor goes to its
    /// confirmation instead.
    pub async fn save(&self, state: &AppState) -> Result<bool, AppError> {
        let json =
            serde_json::to_string(&self.answers).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(app::drafts::save(&state.db, self.id, &json).await?)
    }

    /// Where to go after a page was answered.
    pub fn next_href(&self, procedure: &Procedure) -> String {
        self.answers.next(procedure).href(self.id)
    }

    /// The confirmation page.
    pub fn done_href(&self) -> String {
        format!("/applications/{}/done", self.id)
    }
}

/// The draft id a start token stands for: a double click on "start" opens one draft, not two,
/// and the id stays unguessable because the token is.
fn draft_id_for(token: &str) -> Uuid {
    let hash = Sha256::digest(format!("motcua/apply/{token}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Starts an application for a procedure offered online and goes to its first question.
pub(crate) async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let data = state.reference.get();
    let procedure = data.procedure(&code).ok_or(AppError::NotFound)?;
    // Decree 42/2022/NĐ-CP Art. 11: only full and partial online services take applications.
    if !procedure.service_mode.accepts_online_application() {
        return Err(AppError::NotFound);
    }
    let token = forms::token_of(&fields).map(str::trim).unwrap_or_default();
    let id = if token.is_empty() || token.len() > 64 {
        Uuid::new_v4()
    } else {
        draft_id_for(token)
    };
    if app::drafts::get(&state.db, id).await?.is_none() {
        // An account holder applies as their account, so the dossier is theirs to follow and
        // to act on as the applicant (withdraw, supplement).
        let answers = match &viewer.0 {
            Some(citizen) => Answers {
                applicant_id: citizen.id.clone(),
                full_name: Some(citizen.name.clone()),
                ..Answers::default()
            },
            None => Answers {
                applicant_id: format!("online-{}", Uuid::new_v4().simple()),
                ..Answers::default()
            },
        };
        let json =
            serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
        app::drafts::start(&state.db, id, &procedure.code, &json, viewer.account()).await?;
    }
    let draft = Draft::load(&state, id, &viewer).await?;
    Ok(see_other(&draft.next_href(procedure)))
}
