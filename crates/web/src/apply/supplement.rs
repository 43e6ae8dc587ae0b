//! The citizen's supplement (nộp bổ sung hồ sơ): when the agency asked for more papers (Form 02),
//! the applicant proves they know the dossier as on the tracking page (its code and the last four
//! digits of their phone or personal ID), uploads the papers and a note, and the dossier's clock
//! runs again (Decree 118/2025/NĐ-CP: the time the applicant takes is not counted).

use app::dossiers::PaperPurpose;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::dossier::tracking::{open_supplement_request, proves_applicant};
use domain::dossier::{Action, Actor, DossierCode, Status};
use time::OffsetDateTime;

use super::{ErrorItem, error_for, render_with, see_other};
use crate::AppState;
use crate::edge::uploads::{read_multipart, store_file};
use crate::error::AppError;
use crate::forms;
use crate::ui::Ui;
use app::ServiceError;
use app::dossiers::{DossierService, DossierView, Outcome};

/// Most files one supplement carries.
pub(crate) const MAX_FILES: usize = 5;

/// What papers not answering a named paper of the request are attached as.
const SUPPLEMENT_COMPONENT: &str = "supplement";

/// What the open request asked for, once the visitor has proved they are the applicant.
#[derive(Default, Clone)]
struct Asked {
    /// The reasons on Form 02, one per line.
    reasons: Vec<String>,
    /// The papers named: (1-based slot, name); a file posted as `paper-N` answers slot N.
    papers: Vec<(usize, String)>,
    /// Whether the request was found (the visitor proved the dossier is theirs).
    found: bool,
}

impl Asked {
    fn of(events: &[domain::dossier::Event]) -> Asked {
        let Some(request) = open_supplement_request(events) else {
            return Asked {
                found: true,
                ..Asked::default()
            };
        };
        Asked {
            reasons: request
                .reasons
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            papers: request
                .papers
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, n)| (i + 1, n))
                .collect(),
            found: true,
        }
    }
}

#[derive(Template)]
#[template(path = "apply/supplement.html")]
struct SupplementPage {
    ui: Ui,
    code: String,
    digits: String,
    note: String,
    token: String,
    errors: Vec<ErrorItem>,
    slots: Vec<usize>,
    asked: Asked,
}

impl SupplementPage {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        error_for(&self.errors, field)
    }
}

fn param(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().chars().take(2000).collect())
        .unwrap_or_default()
}

fn page(
    ui: Ui,
    code: String,
    digits: String,
    note: String,
    errors: Vec<ErrorItem>,
    asked: Asked,
) -> SupplementPage {
    // Room for the papers asked for, and for others up to the limit.
    let others = MAX_FILES.saturating_sub(asked.papers.len()).max(1);
    SupplementPage {
        ui,
        code,
        digits,
        note,
        token: forms::new_token(),
        errors,
        slots: (1..=others).collect(),
        asked,
    }
}

/// The blank supplement form; `?code=` pre-fills the dossier code. Digits in the address are
/// ignored: they would stay in logs and browser history (OWASP ASVS 5.0 V14.2.1), so the tracking
/// page's button and the form's "find" button post them, and [`save`] shows what was asked.
pub(crate) async fn show(
    ui: Ui,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let code: String = param(&pairs, "code").chars().take(64).collect();
    render_with(
        StatusCode::OK,
        &page(
            ui,
            code,
            String::new(),
            String::new(),
            Vec::new(),
            Asked::default(),
        ),
    )
}

async fn asked_of(state: &AppState, view: &DossierView) -> Result<Asked, AppError> {
    let data = state.reference.get();
    let events = DossierService::new(&state.db, &state.vault, &data)
        .timeline(view)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Asked::of(&events))
}

/// Finds the dossier the visitor proves they applied for; "not found" for a wrong code or wrong
/// digits alike (the tracking page's rule: never tell a stranger which codes exist).
async fn find(
    state: &AppState,
    ui: &Ui,
    client: &crate::limits::ClientAddr,
    code: &str,
    digits: &str,
) -> Result<Result<DossierView, Vec<ErrorItem>>, AppError> {
    let mut errors = Vec::new();
    if code.is_empty() {
        errors.push(ErrorItem {
            field: "code",
            message: ui.t("tracking.error.code_missing"),
        });
    } else if DossierCode::parse(code).is_err() {
        errors.push(ErrorItem {
            field: "code",
            message: ui.t("tracking.error.code_shape"),
        });
    }
    if digits.chars().filter(char::is_ascii_digit).count() < 4 {
        errors.push(ErrorItem {
            field: "digits",
            message: ui.t(if digits.is_empty() {
                "tracking.error.digits_missing"
            } else {
                "tracking.error.digits_shape"
            }),
        });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    // The same failure limits as tracking: this form is another way to try digits.
    let limits = &state.limits;
    let code_key = domain::dossier::DossierCode::parse(code)
        .map_or_else(|_| code.to_owned(), |c| c.to_string());
    if limits.tracking_allowed(&code_key, client).is_err() {
        return Ok(Err(vec![ErrorItem {
            field: "code",
            message: ui.t("apply.supplement.limited"),
        }]));
    }
    let data = state.reference.get();
    let not_found = || {
        limits.tracking_failed(&code_key, client);
        vec![ErrorItem {
            field: "code",
            message: ui.t("tracking.error.not_found"),
        }]
    };
    let view = match DossierService::new(&state.db, &state.vault, &data)
        .get(code)
        .await
    {
        Ok(view) => view,
        Err(ServiceError::NotFound) => return Ok(Err(not_found())),
        Err(ServiceError::Storage(e)) => return Err(e.into()),
        Err(e) => return Err(AppError::Internal(e.to_string())),
    };
    if !proves_applicant(
        digits,
        view.stored.phone_last4.as_deref(),
        view.stored.id_last4.as_deref(),
    ) {
        return Ok(Err(not_found()));
    }
    Ok(Ok(view))
}

/// Takes the supplement: checks the dossier and every file, stores the files, and records
/// `ReceiveSupplement` with the papers in one transaction.
pub(crate) async fn save(
    State(state): State<AppState>,
    ui: Ui,
    client: crate::limits::ClientAddr,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let posted = read_multipart(multipart).await?;
    let code: String = param(&posted.fields, "code").chars().take(64).collect();
    let digits: String = param(&posted.fields, "digits").chars().take(32).collect();
    let note = param(&posted.fields, "note");
    let mut asked = Asked::default();
    let refuse = |errors: Vec<ErrorItem>, asked: &Asked| {
        render_with(
            StatusCode::BAD_REQUEST,
            &page(
                ui.clone(),
                code.clone(),
                digits.clone(),
                note.clone(),
                errors,
                asked.clone(),
            ),
        )
    };
    if posted.too_large {
        return refuse(
            vec![ErrorItem {
                field: "file-1",
                message: ui.t("apply.error.file_too_large"),
            }],
            &asked,
        );
    }
    let view = match find(&state, &ui, &client, &code, &digits).await? {
        Ok(view) => view,
        Err(errors) => return refuse(errors, &asked),
    };
    if view.state.status == Status::SupplementRequested {
        asked = asked_of(&state, &view).await?;
    }
    // The tracking page's button and the form's "find" button post the code and digits to
    // show what the agency asked for; nothing is saved.
    if !param(&posted.fields, "find").is_empty() {
        let (status, errors) = if view.state.status == Status::SupplementRequested {
            (StatusCode::OK, Vec::new())
        } else {
            (
                StatusCode::CONFLICT,
                vec![ErrorItem {
                    field: "code",
                    message: ui.t("apply.supplement.not_waiting"),
                }],
            )
        };
        return render_with(status, &page(ui, code, digits, note, errors, asked));
    }
    // Errors about files point at the first upload on the page.
    let first_file = if asked.papers.is_empty() {
        "file-1"
    } else {
        "paper-1"
    };
    let sent = format!(
        "/tracking/supplement/sent?code={}",
        crate::ui::percent_encode(&view.stored.code)
    );
    // The files are part of the same post; the token and the typed fields identify it.
    let token = forms::token_of(&posted.fields).unwrap_or_default();
    let idempotency = forms::idempotency(
        &format!("form:supplement:{}", view.stored.code),
        token,
        &posted.fields,
    );
    // A repeated post (double click, retry) answers as the first did, before the status check
    // that the first post itself has changed.
    if let Some(idem) = &idempotency {
        match app::dossiers::recorded_answer(&state.db, idem).await {
            Ok(Some(previous)) => return Ok(forms::replay(&previous)),
            Ok(None) => {}
            Err(ServiceError::Storage(e)) => return Err(e.into()),
            Err(_) => {
                return refuse(
                    vec![ErrorItem {
                        field: "code",
                        message: ui.t("apply.supplement.not_waiting"),
                    }],
                    &asked,
                );
            }
        }
    }
    if view.state.status != Status::SupplementRequested {
        return refuse(
            vec![ErrorItem {
                field: "code",
                message: ui.t("apply.supplement.not_waiting"),
            }],
            &asked,
        );
    }
    // `paper-N` answers the N-th paper asked for; `file-N` is any other paper.
    let files: Vec<(String, String, _)> = posted
        .files
        .into_iter()
        .filter_map(|(name, file_name, bytes)| {
            let component = match name.strip_prefix("paper-") {
                Some(n) => asked
                    .papers
                    .iter()
                    .find(|(slot, _)| n.parse() == Ok(*slot))
                    .map(|(_, paper)| paper.clone())?,
                None if name.starts_with("file") => SUPPLEMENT_COMPONENT.to_owned(),
                None => return None,
            };
            Some((component, file_name, bytes))
        })
        .take(MAX_FILES)
        .collect();
    if files.is_empty() {
        return refuse(
            vec![ErrorItem {
                field: first_file,
                message: ui.t("apply.error.file_missing"),
            }],
            &asked,
        );
    }
    let mut papers = Vec::new();
    for (component, file_name, bytes) in files {
        match store_file(&state, &file_name, bytes).await? {
            Ok(upload) => papers.push(upload.attach_as(&component, PaperPurpose::Supplement)),
            Err(key) => {
                return refuse(
                    vec![ErrorItem {
                        field: first_file,
                        message: ui.t(key),
                    }],
                    &asked,
                );
            }
        }
    }
    let data = state.reference.get();
    let service = DossierService::new(&state.db, &state.vault, &data);
    let actor = Actor::Applicant {
        applicant_id: view.state.applicant.id.clone(),
    };
    let action = Action::ReceiveSupplement {
        note: (!note.is_empty()).then(|| note.clone()),
    };
    let answer = |_: &DossierView| forms::redirect_answer(&sent);
    match service
        .act_with_papers(
            &view.stored.code,
            Some(view.stored.event_count),
            &actor,
            &action,
            OffsetDateTime::now_utc(),
            idempotency
                .as_ref()
                .map(|i| (i, &answer as &app::dossiers::Answer)),
            &papers,
        )
        .await
    {
        Ok(Outcome::Done(_)) => Ok(see_other(&sent)),
        Ok(Outcome::Replayed(r)) => Ok(forms::replay(&r)),
        Err(ServiceError::Refused { .. }) | Err(ServiceError::Conflict) => refuse(
            vec![ErrorItem {
                field: "code",
                message: ui.t("apply.supplement.not_waiting"),
            }],
            &asked,
        ),
        Err(ServiceError::Storage(e)) => Err(e.into()),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

#[derive(Template)]
#[template(path = "apply/supplement_sent.html")]
struct SentPage {
    ui: Ui,
    code: String,
}

/// The supplement was received.
pub(crate) async fn sent(
    ui: Ui,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let code: String = param(&pairs, "code").chars().take(64).collect();
    if DossierCode::parse(&code).is_err() {
        return Ok(see_other("/tracking"));
    }
    render_with(StatusCode::OK, &SentPage { ui, code })
}
