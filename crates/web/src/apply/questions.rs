//! The question pages of an application: agency, applicant, identity, contact and how to receive
//! the result. Each shows its fields, checks them on the server, and on failure shows the page
//! again with everything typed, an error summary and a message by each field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::applicant::{ApplicantName, ApplicantProblem, BirthDate, contact, identity};
use domain::catalogue::{ApplicantCategory, Procedure};
use domain::dossier::ReturnMethod;

use super::draft::{Answers, Draft, Step, asks_agency};
use super::{ErrorItem, draft_id, error_for, render_with, see_other};
use crate::AppState;
use crate::edge::citizen::Viewer;
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use app::ReferenceData;

/// One choice of a radio group or select.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A field of a question page.
pub(crate) struct Field {
    /// `text`, `radios` or `select`.
    pub kind: &'static str,
    pub id: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub value: String,
    pub choices: Vec<Choice>,
    pub error: Option<&'static str>,
    /// `type` of a text input (`text`, `tel`, `email`).
    pub input_type: &'static str,
    pub autocomplete: &'static str,
    pub inputmode: &'static str,
    pub optional: bool,
    pub wide: bool,
}

impl Field {
    fn text(id: &'static str, label: &'static str, value: String) -> Field {
        Field {
            kind: "text",
            id,
            label,
            hint: None,
            value,
            choices: Vec::new(),
            error: None,
            input_type: "text",
            autocomplete: "off",
            inputmode: "text",
            optional: false,
            wide: true,
        }
    }
}

#[derive(Template)]
#[template(path = "apply/question.html")]
pub(crate) struct QuestionPage {
    pub ui: Ui,
    pub procedure_name: String,
    pub heading: &'static str,
    pub lead: Option<&'static str>,
    pub back_href: String,
    pub action: String,
    pub token: String,
    pub fields: Vec<Field>,
    pub errors: Vec<ErrorItem>,
    /// Whether the heading is the single field's label (one question, GOV.UK "label as heading").
    pub single: bool,
}

fn value(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.chars().take(500).collect())
        .unwrap_or_default()
}

/// The page before `step` in the journey, for the back link.
pub(crate) fn back_href(draft: &Draft, procedure: &Procedure, step: Step) -> String {
    let all = super::draft::steps(procedure, draft.answers.verified());
    match all.iter().position(|s| *s == step) {
        Some(0) | None => format!("/procedures/{}", procedure.code),
        Some(i) => all[i - 1].href(draft.id),
    }
}

/// What a page shows and accepts: the fields filled with `typed` (or the saved answers).
fn page(
    ui: &Ui,
    data: &ReferenceData,
    draft: &Draft,
    procedure: &Procedure,
    step: Step,
    typed: Option<&[(String, String)]>,
    errors: Vec<ErrorItem>,
) -> QuestionPage {
    let a = &draft.answers;
    let get = |name: &str, saved: &Option<String>| match typed {
        Some(t) => value(t, name),
        None => saved.clone().unwrap_or_default(),
    };
    let (heading, lead, mut fields, single) = match step {
        Step::Agency => {
            let current = get("agency", &a.agency);
            let mut choices: Vec<Choice> = procedure
                .agencies
                .iter()
                .filter_map(|c| data.agency(c))
                .map(|ag| Choice {
                    value: ag.code.clone(),
                    label: ui.pick(&ag.name, &ag.name_en).to_owned(),
                    checked: ag.code == current,
                })
                .collect();
            choices.sort_by_cached_key(|c| domain::search::fold(&c.label));
            let mut f = Field::text("agency", ui.t("apply.agency.heading"), current);
            f.kind = if choices.len() > 8 {
                "select"
            } else {
                "radios"
            };
            f.hint = Some(ui.t("apply.agency.hint"));
            f.choices = choices;
            (ui.t("apply.agency.heading"), None, vec![f], true)
        }
        Step::Applicant => {
            let kind = get("applicant_kind", &a.applicant_kind);
            let mut k = Field::text(
                "applicant_kind",
                ui.t("apply.applicant.kind_label"),
                kind.clone(),
            );
            k.kind = "radios";
            k.choices = ["citizen", "business", "state_agency", "other"]
                .iter()
                .map(|v| Choice {
                    value: (*v).to_owned(),
                    label: ui.t(&format!("apply.applicant_kind.{v}")).to_owned(),
                    checked: kind == *v,
                })
                .collect();
            let mut n = Field::text(
                "full_name",
                ui.t("apply.applicant.name_label"),
                get("full_name", &a.full_name),
            );
            n.hint = Some(ui.t("apply.applicant.name_hint"));
            n.autocomplete = "name";
            let mut fields = vec![k, n];
            // Asked only where a fee of the procedure can be waived, so the applicant sees the
            // amount they will owe before submitting (Law 97/2015/QH13, Art. 10).
            let claimable = domain::payment::fees::claimable_exemptions(&procedure.fees);
            if !claimable.is_empty() {
                let claimed = get("fee_exemption", &a.fee_exemption);
                let mut e = Field::text(
                    "fee_exemption",
                    ui.t("apply.fee_exemption.label"),
                    claimed.clone(),
                );
                e.kind = "radios";
                e.optional = true;
                e.hint = Some(ui.t("apply.fee_exemption.hint"));
                e.choices = std::iter::once("none")
                    .chain(claimable.iter().map(|c| c.as_str()))
                    .map(|v| Choice {
                        value: v.to_owned(),
                        label: ui.t(&format!("apply.fee_exemption.{v}")).to_owned(),
                        checked: claimed == v || (v == "none" && claimed.is_empty()),
                    })
                    .collect();
                fields.push(e);
            }
            (ui.t("apply.applicant.heading"), None, fields, false)
        }
        Step::Identity => {
            let mut id = Field::text(
                "personal_id",
                ui.t("apply.identity.id_label"),
                get("personal_id", &a.personal_id),
            );
            id.hint = Some(ui.t("apply.identity.id_hint"));
            id.inputmode = "numeric";
            id.wide = false;
            let saved_birth = a.birth_date.as_deref().map(show_date);
            let mut b = Field::text(
                "birth_date",
                ui.t("apply.identity.birth_label"),
                get("birth_date", &saved_birth),
            );
            b.hint = Some(ui.t("apply.identity.birth_hint"));
            b.autocomplete = "bday";
            b.wide = false;
            (
                ui.t("apply.identity.heading"),
                Some(ui.t("apply.identity.lead")),
                vec![id, b],
                false,
            )
        }
        Step::Contact => {
            let mut p = Field::text(
                "phone",
                ui.t("apply.contact.phone_label"),
                get("phone", &a.phone),
            );
            p.hint = Some(ui.t("apply.contact.phone_hint"));
            p.input_type = "tel";
            p.autocomplete = "tel";
            p.wide = false;
            let mut e = Field::text(
                "email",
                ui.t("apply.contact.email_label"),
                get("email", &a.email),
            );
            e.input_type = "email";
            e.autocomplete = "email";
            e.optional = true;
            let mut ad = Field::text(
                "address",
                ui.t("apply.contact.address_label"),
                get("address", &a.address),
            );
            ad.hint = Some(ui.t("apply.contact.address_hint"));
            ad.autocomplete = "street-address";
            (
                ui.t("apply.contact.heading"),
                Some(ui.t("apply.contact.lead")),
                vec![p, e, ad],
                false,
            )
        }
        Step::Return | Step::Paper(_) | Step::Check => {
            let current = get("return_method", &a.return_method);
            let mut f = Field::text(
                "return_method",
                ui.t("apply.return.heading"),
                current.clone(),
            );
            f.kind = "radios";
            f.choices = ["counter", "post", "online"]
                .iter()
                .map(|v| Choice {
                    value: (*v).to_owned(),
                    label: ui.t(&format!("apply.return_method.{v}")).to_owned(),
                    checked: current == *v,
                })
                .collect();
            (ui.t("apply.return.heading"), None, vec![f], true)
        }
    };
    for f in &mut fields {
        f.error = error_for(&errors, f.id);
    }
    let slug = match step {
        Step::Agency => "agency",
        Step::Applicant => "applicant",
        Step::Identity => "identity",
        Step::Contact => "contact",
        _ => "return",
    };
    QuestionPage {
        ui: ui.clone(),
        procedure_name: ui.pick(&procedure.name, &procedure.name_en).to_owned(),
        heading,
        lead,
        back_href: back_href(draft, procedure, step),
        action: format!("/applications/{}/{slug}", draft.id),
        token: forms::new_token(),
        fields,
        errors,
        single,
    }
}

/// `YYYY-MM-DD` as people write it in Vietnam, `DD/MM/YYYY`.
pub(crate) fn show_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// Shows a question page.
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ui: Ui,
    Path((id, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let step = Step::parse(&slug).ok_or(AppError::NotFound)?;
    let draft = Draft::load(&state, draft_id(&id)?, &viewer).await?;
    if draft.submitted_code.is_some() {
        return Ok(see_other(&draft.done_href()));
    }
    let data = state.reference.get();
    let procedure = draft.procedure(&data)?;
    if step == Step::Agency && !asks_agency(procedure) {
        return Err(AppError::NotFound);
    }
    let errors = saved_problems(&draft, procedure, step, &ui, state.today());
    render_with(
        StatusCode::OK,
        &page(&ui, &data, &draft, procedure, step, None, errors),
    )
}

/// What today's rules say of the applicant's answers already saved on this page: a draft saved
/// under earlier rules (a nine-digit phone) is sent back here from "check your answers", and the
/// citizen sees at once what to correct instead of an unexplained page.
fn saved_problems(
    draft: &Draft,
    procedure: &Procedure,
    step: Step,
    ui: &Ui,
    today: time::Date,
) -> Vec<ErrorItem> {
    let a = &draft.answers;
    let saved = |name: &str, v: &Option<String>| (name.to_owned(), v.clone().unwrap_or_default());
    let fields = match step {
        Step::Identity if a.personal_id.is_some() => vec![
            saved("personal_id", &a.personal_id),
            saved("birth_date", &a.birth_date),
        ],
        Step::Contact if a.phone.is_some() => vec![
            saved("phone", &a.phone),
            saved("email", &a.email),
            saved("address", &a.address),
        ],
        _ => return Vec::new(),
    };
    let mut checked = draft.answers.clone();
    apply_answers(&mut checked, procedure, step, &fields, ui, today)
}

/// Checks and saves a question page's answers, then goes to the next unanswered page.
pub(crate) async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    addr: crate::limits::ClientAddr,
    ui: Ui,
    Path((id, slug)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let step = Step::parse(&slug).ok_or(AppError::NotFound)?;
    let mut draft = Draft::load(&state, draft_id(&id)?, &viewer).await?;
    if draft.submitted_code.is_some() {
        return Ok(see_other(&draft.done_href()));
    }
    let data = state.reference.get();
    let procedure = draft.procedure(&data)?;
    let today = state.today();
    let mut errors = apply_answers(&mut draft.answers, procedure, step, &fields, &ui, today);
    if step == Step::Identity && errors.is_empty() {
        let key = viewer.account().map_or_else(|| addr.key(), str::to_owned);
        errors = check_identity(&state, &ui, &key, &mut draft.answers, procedure).await?;
    }
    if !errors.is_empty() {
        return render_with(
            StatusCode::BAD_REQUEST,
            &page(&ui, &data, &draft, procedure, step, Some(&fields), errors),
        );
    }
    if !draft.save(&state).await? {
        return Ok(see_other(&draft.done_href()));
    }
    Ok(see_other(&draft.next_href(procedure)))
}

/// Looks the applicant up in the population database, when one is configured: a match fills in
/// the name as recorded and the permanent address (unless one was given already) and spares the
/// papers the database proves; a mismatch or an unknown number is an error on the page; no
/// answer lets the applicant go on, unverified, and the dossier is looked up again later.
async fn check_identity(
    state: &AppState,
    ui: &Ui,
    requester: &str,
    answers: &mut Answers,
    procedure: &Procedure,
) -> Result<Vec<ErrorItem>, AppError> {
    use app::registry::{Answer, Lookup, Purpose, Requester, look_up};
    answers.identity = None;
    let Some(registry) = state.registry.clone() else {
        return Ok(Vec::new());
    };
    let (Some(name), Some(id), Some(birth)) = (
        answers.full_name.clone(),
        answers
            .personal_id
            .as_deref()
            .and_then(|p| domain::identity::PersonalId::parse(p).ok()),
        answers
            .birth_date
            .as_deref()
            .and_then(BirthDate::recorded)
            .map(BirthDate::date),
    ) else {
        return Ok(Vec::new());
    };
    let agency = answers.agency_for(procedure).unwrap_or_default();
    let (_, answer) = look_up(
        state,
        &registry,
        Lookup {
            requester: Requester::Portal(requester),
            agency: &agency,
            dossier_code: None,
            purpose: Purpose::OnlineApplication,
            personal_id: &id,
            full_name: &name,
            birth_date: birth,
        },
    )
    .await
    .map_err(|e| crate::edge::identity::lookup_error(ui, e))?;
    let mut errors = Vec::new();
    match answer {
        Answer::Verified(person) => {
            answers.identity = Some(super::draft::DraftIdentity::Verified);
            answers.full_name = Some(person.full_name.clone());
            if answers.address.as_deref().is_none_or(str::is_empty) {
                answers.address = Some(person.permanent_address.one_line());
            }
        }
        Answer::Mismatch {
            name: name_differs,
            birth_date,
        } => {
            if name_differs {
                errors.push(err("personal_id", ui, "registry.error.name_mismatch"));
            }
            if birth_date || !name_differs {
                errors.push(err("birth_date", ui, "registry.error.birth_mismatch"));
            }
        }
        Answer::NotFound => errors.push(err("personal_id", ui, "registry.error.not_found")),
        Answer::Unavailable { .. } => {
            answers.identity = Some(super::draft::DraftIdentity::Unavailable);
        }
    }
    if !errors.is_empty() {
        // Nothing of a refused identity is kept.
        answers.personal_id = None;
        answers.birth_date = None;
    }
    Ok(errors)
}

fn err(field: &'static str, ui: &Ui, key: &str) -> ErrorItem {
    ErrorItem {
        field,
        message: ui.t(key),
    }
}

/// A problem `domain::applicant` found, on the field it is about.
fn applicant_error(ui: &Ui, problem: &ApplicantProblem) -> ErrorItem {
    ErrorItem {
        field: problem.field().name(),
        message: crate::edge::applicant::problem_message(ui, problem),
    }
}

/// Checks a page's fields and, when all are valid, stores them in `answers`.
fn apply_answers(
    answers: &mut Answers,
    procedure: &Procedure,
    step: Step,
    fields: &[(String, String)],
    ui: &Ui,
    today: time::Date,
) -> Vec<ErrorItem> {
    let v = |name: &str| value(fields, name).trim().to_owned();
    let mut errors = Vec::new();
    match step {
        Step::Agency => {
            let agency = v("agency");
            if agency.is_empty() || !procedure.agencies.contains(&agency) {
                errors.push(err("agency", ui, "apply.error.agency_missing"));
            } else {
                answers.agency = Some(agency);
            }
        }
        Step::Applicant => {
            let kind = v("applicant_kind");
            if !["citizen", "business", "state_agency", "other"].contains(&kind.as_str()) {
                errors.push(err("applicant_kind", ui, "apply.error.kind_missing"));
            }
            let name = match ApplicantName::parse(&v("full_name")) {
                Ok(name) => name.as_str().to_owned(),
                Err(problem) => {
                    // The portal's form names the field `full_name`.
                    errors.push(ErrorItem {
                        field: "full_name",
                        message: crate::edge::applicant::problem_message(ui, &problem),
                    });
                    String::new()
                }
            };
            let claimed = v("fee_exemption");
            let exemption = match claimed.as_str() {
                "" | "none" => None,
                c => match ApplicantCategory::parse(c) {
                    Some(category)
                        if domain::payment::fees::claimable_exemptions(&procedure.fees)
                            .contains(&category) =>
                    {
                        Some(category.as_str().to_owned())
                    }
                    _ => {
                        errors.push(err("fee_exemption", ui, "apply.error.exemption_unknown"));
                        None
                    }
                },
            };
            if errors.is_empty() {
                // The population database checked the number with the name given before: a new
                // name needs a new look-up, so the identity page is asked again.
                if answers.identity.is_some() && answers.full_name.as_deref() != Some(&name) {
                    answers.identity = None;
                    answers.personal_id = None;
                    answers.birth_date = None;
                }
                answers.applicant_kind = Some(kind);
                answers.full_name = Some(name);
                answers.fee_exemption = exemption;
            }
        }
        Step::Identity => {
            // The rules every door uses (`domain::applicant::identity`): the number's own
            // structure, a real birth date, and the two agreeing, so a typing mistake is caught
            // here, before a look-up in the population database is spent on it.
            match identity(&v("personal_id"), &v("birth_date"), today) {
                Ok((id, birth)) => {
                    answers.personal_id = Some(id.as_str().to_owned());
                    answers.birth_date = Some(birth.iso());
                }
                Err(problems) => {
                    errors.extend(problems.iter().map(|p| applicant_error(ui, p)));
                }
            }
        }
        Step::Contact => match contact(&v("phone"), &v("email"), &v("address")) {
            Ok((phone, email, address)) => {
                answers.phone = Some(phone.as_str().to_owned());
                answers.email = Some(email.map(|e| e.as_str().to_owned()).unwrap_or_default());
                answers.address = Some(address.as_str().to_owned());
            }
            Err(problems) => errors.extend(problems.iter().map(|p| applicant_error(ui, p))),
        },
        Step::Return | Step::Paper(_) | Step::Check => {
            let method = v("return_method");
            if ReturnMethod::parse(&method).is_none() {
                errors.push(err("return_method", ui, "apply.error.return_missing"));
            } else {
                answers.return_method = Some(method);
            }
        }
    }
    errors
}
