//! The dossier's facts: the key dates and who holds it, what the catalogue makes its fees, the
//! applicant and their contact details, the workflow steps with their due times, the papers and
//! the forms issued (receipt, requests, refusal, apology, stop notice).

use domain::applicant::ApplicantField;
use domain::catalogue::{Procedure, Workflow};
use domain::dossier::Status;
use domain::payment::fees::FeeAssessment;

use crate::AppState;
use crate::error::AppError;
use crate::ui::Ui;
use crate::views::local_datetime;
use app::ReferenceData;
use app::dossiers::{ContactRecord, DossierView};

pub(super) struct Fact {
    pub(super) label: &'static str,
    pub(super) value: String,
}

pub(super) struct StepRow {
    pub(super) name: String,
    pub(super) role: &'static str,
    pub(super) due: String,
    pub(super) current: bool,
}

pub(super) struct FormLink {
    pub(super) label: &'static str,
    pub(super) href: String,
}

pub(super) struct PaperRow {
    pub(super) name: String,
    pub(super) href: String,
    pub(super) detail: String,
}

/// The key facts: channel and dates, the agency holding the dossier and the officer assigned,
/// the fees the catalogue gives (`assessed`) and those requested and paid.
pub(super) fn key_facts(
    ui: &Ui,
    data: &ReferenceData,
    view: &DossierView,
    assessed: Option<&FeeAssessment>,
) -> Vec<Fact> {
    let s = &view.state;
    let mut facts = vec![
        Fact {
            label: ui.t("desk.dossier.channel"),
            value: ui.t(&format!("channel.{}", view.stored.channel)).to_owned(),
        },
        Fact {
            label: ui.t("desk.dossier.submitted"),
            value: local_datetime(ui, view.stored.submitted_at),
        },
    ];
    if let Some(r) = s.received_at {
        facts.push(Fact {
            label: ui.t("desk.dossier.received"),
            value: local_datetime(ui, r),
        });
    }
    if let Some(a) = s.appointment {
        facts.push(Fact {
            label: ui.t("desk.dossier.appointment"),
            value: local_datetime(ui, a),
        });
    }
    if let Some(d) = s.due.filter(|d| Some(*d) != s.appointment) {
        facts.push(Fact {
            label: ui.t("desk.dossier.due"),
            value: local_datetime(ui, d),
        });
    }
    if let Some(apology) = &s.apology {
        facts.push(Fact {
            label: ui.t("desk.dossier.new_due"),
            value: local_datetime(ui, apology.new_due),
        });
    }
    if let Some(holder) = data.agency(&s.holder) {
        facts.push(Fact {
            label: ui.t("desk.dossier.holder"),
            value: ui.pick(&holder.name, &holder.name_en).to_owned(),
        });
    }
    if let Some(assignee) = &s.assigned_to {
        facts.push(Fact {
            label: ui.t("desk.dossier.assigned"),
            value: assignee.clone(),
        });
    }
    if let Some(a) = assessed
        && a.lines.iter().any(|l| l.gross_vnd > 0)
    {
        facts.push(Fact {
            label: ui.t("desk.dossier.fees_catalogue"),
            value: fees_text(ui, a),
        });
    }
    if s.fees_requested_vnd > 0 {
        facts.push(Fact {
            label: ui.t("desk.dossier.fees"),
            value: format!(
                "{} / {}",
                ui.money(s.fees_paid_vnd),
                ui.money(s.fees_requested_vnd)
            ),
        });
    }
    facts
}

/// What the catalogue's rules make this dossier's fees: one page and one copy, the channel it
/// came by, the reductions in force the day it was submitted, and the exemption the applicant
/// claimed (Law 97/2015/QH13, Art. 10; the officer checks its proof before relying on it).
pub(super) fn catalogue_fees(procedure: &Procedure, view: &DossierView) -> FeeAssessment {
    use domain::catalogue::Channel;
    let channel = if view.stored.channel == Channel::Online.as_str() {
        Channel::Online
    } else {
        Channel::Counter
    };
    let on = view
        .stored
        .submitted_at
        .to_offset(domain::calendar::VIETNAM_OFFSET)
        .date();
    let mut basis = domain::payment::fees::FeeBasis::simple(channel, on);
    basis.categories.extend(
        ContactRecord::read(view.stored.applicant_contact.as_deref())
            .and_then(|c| c.details.fee_exemption),
    );
    domain::payment::fees::assess(procedure, &basis)
}

/// "10.000 đ (giảm 50 %)", "0 đ (miễn: người cao tuổi)".
fn fees_text(ui: &Ui, a: &FeeAssessment) -> String {
    use domain::payment::fees::LineAdjustment;
    let why: Vec<String> = a
        .lines
        .iter()
        .filter_map(|l| match &l.adjustment {
            LineAdjustment::None => None,
            LineAdjustment::Exempt(c) => Some(ui.t_s(
                "desk.dossier.fees_exempt",
                ui.t(&format!("apply.fee_exemption.{}", c.as_str())),
            )),
            LineAdjustment::OnlineDiscount { percent, .. } => {
                Some(ui.t_s("desk.dossier.fees_discount", &percent.to_string()))
            }
        })
        .collect();
    if why.is_empty() {
        ui.money(a.total_vnd)
    } else {
        format!("{} ({})", ui.money(a.total_vnd), why.join("; "))
    }
}

/// The applicant: name, contact details (the personal ID masked unless `reveal`) and where the
/// check of their identity stands.
pub(super) fn applicant_facts(ui: &Ui, view: &DossierView, reveal: bool) -> Vec<Fact> {
    let mut applicant = vec![Fact {
        label: ui.t("desk.applicant.name"),
        value: view.stored.applicant_name.clone(),
    }];
    applicant.extend(contact_facts(
        ui,
        view.stored.applicant_contact.as_deref(),
        reveal,
    ));
    applicant.push(Fact {
        label: ui.t("registry.status.label"),
        value: crate::edge::identity::status_text(ui, view.state.identity.as_ref()),
    });
    applicant
}

/// Whether the applicant gave a personal ID, for the panel that shows it.
pub(super) fn has_personal_id(view: &DossierView) -> bool {
    ContactRecord::read(view.stored.applicant_contact.as_deref())
        .is_some_and(|c| c.text(ApplicantField::PersonalId).is_some())
}

/// Contact details as the application recorded them (`app::dossiers::ContactRecord`), or the
/// plain line of the earliest counter records; the personal ID masked unless `reveal`.
fn contact_facts(ui: &Ui, contact: Option<&str>, reveal: bool) -> Vec<Fact> {
    let Some(contact) = contact.filter(|c| !c.trim().is_empty()) else {
        return Vec::new();
    };
    let Some(record) = ContactRecord::read(Some(contact)) else {
        return vec![Fact {
            label: ui.t("desk.applicant.contact"),
            value: contact.to_owned(),
        }];
    };
    let d = &record.details;
    let shown = |field: ApplicantField| -> Option<String> {
        let text = record.text(field)?;
        Some(match field {
            ApplicantField::PersonalId if !reveal => app::personal_data::masked(&text),
            // Stored as ISO; read as people in Vietnam write dates.
            ApplicantField::BirthDate if !ui.is_en() => d.birth_date.map_or(text, |b| b.written()),
            ApplicantField::Phone => d.phone.as_ref().map_or(text, |p| p.grouped()),
            _ => text,
        })
    };
    let mut facts: Vec<Fact> = [
        (ApplicantField::PersonalId, "desk.applicant.personal_id"),
        (ApplicantField::BirthDate, "desk.applicant.birth_date"),
        (ApplicantField::Phone, "desk.applicant.phone"),
        (ApplicantField::Email, "desk.applicant.email"),
        (ApplicantField::Address, "desk.applicant.address"),
    ]
    .into_iter()
    .filter_map(|(field, label)| {
        shown(field).map(|value| Fact {
            label: ui.t(label),
            value,
        })
    })
    .collect();
    if let Some(category) = d.fee_exemption {
        facts.push(Fact {
            label: ui.t("desk.applicant.fee_exemption"),
            value: ui
                .t(&format!("apply.fee_exemption.{}", category.as_str()))
                .to_owned(),
        });
    }
    facts
}

/// The steps of the dossier's plan with their due times, named as its workflow names them.
pub(super) fn step_rows(ui: &Ui, workflow: Option<&Workflow>, view: &DossierView) -> Vec<StepRow> {
    let s = &view.state;
    s.steps
        .iter()
        .enumerate()
        .map(|(i, step)| StepRow {
            name: workflow
                .and_then(|w| w.steps.iter().find(|ws| ws.code == step.code))
                .map_or_else(
                    || step.code.clone(),
                    |ws| ui.pick(&ws.name, &ws.name_en).to_owned(),
                ),
            role: ui.t(&format!(
                "desk.role.{}",
                domain::dossier::OfficerRole::from(step.role).as_str()
            )),
            due: local_datetime(ui, step.due),
            current: i == s.current_step && s.processing_ended_at.is_none() && s.is_received(),
        })
        .collect()
}

/// The papers of the dossier, with links to open them.
pub(super) async fn paper_rows(
    state: &AppState,
    ui: &Ui,
    view: &DossierView,
) -> Result<Vec<PaperRow>, AppError> {
    Ok(crate::desk::documents::paper_rows(state, ui, view)
        .await?
        .into_iter()
        .map(|(name, href, detail)| PaperRow { name, href, detail })
        .collect())
}

/// Links to the forms issued for the dossier, as PDFs.
pub(super) fn document_links(ui: &Ui, view: &DossierView) -> Vec<FormLink> {
    documents_of(view)
        .into_iter()
        .map(|(form, label)| FormLink {
            label: ui.t(label),
            href: format!("/back-office/dossiers/{}/forms/{form}", view.stored.code),
        })
        .collect()
}

fn documents_of(view: &DossierView) -> Vec<(&'static str, &'static str)> {
    let s = &view.state;
    let mut out = Vec::new();
    if s.appointment.is_some() {
        out.push(("receipt", "desk.documents.receipt"));
    }
    if s.supplement_requests + s.intake_supplement_requests > 0 {
        out.push(("supplement", "desk.documents.supplement"));
    }
    if s.status == Status::Refused {
        out.push(("refusal", "desk.documents.refusal"));
    }
    if s.apology.is_some() {
        out.push(("apology", "desk.documents.apology"));
    }
    if s.status == Status::Stopped {
        out.push(("stop", "desk.documents.stop"));
    }
    out
}
