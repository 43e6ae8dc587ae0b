//! The applicant's details in the page's language: one message for each problem
//! `domain::applicant` finds, the same at every door (the portal's questions, the counter's
//! intake, the API clients' applications), so a citizen and an officer read the same rule.

use domain::applicant::ApplicantProblem;

use crate::ui::Ui;

/// The interface-text key of a problem: a personal ID's under `identity.error.`, the others
/// under `apply.error.`.
pub(crate) fn problem_key(problem: &ApplicantProblem) -> String {
    let code = problem.code();
    match code.strip_prefix("identity.") {
        Some(rule) => format!("identity.error.{rule}"),
        None => format!("apply.error.{code}"),
    }
}

/// A problem as the page's language says it.
pub(crate) fn problem_message(ui: &Ui, problem: &ApplicantProblem) -> &'static str {
    ui.t(&problem_key(problem))
}

#[cfg(test)]
mod tests {
    use domain::identity::PersonalIdError;

    use super::*;
    use crate::i18n::{Lang, has};

    #[test]
    fn every_applicant_problem_has_its_message_in_both_languages() {
        let problems = [
            ApplicantProblem::NameMissing,
            ApplicantProblem::NameTooLong,
            ApplicantProblem::PersonalIdMissing,
            ApplicantProblem::PersonalId(PersonalIdError::Empty),
            ApplicantProblem::PersonalId(PersonalIdError::NotDigits),
            ApplicantProblem::BirthMissing,
            ApplicantProblem::BirthShape,
            ApplicantProblem::BirthFuture,
            ApplicantProblem::PhoneMissing,
            ApplicantProblem::PhoneShape,
            ApplicantProblem::EmailShape,
            ApplicantProblem::AddressMissing,
            ApplicantProblem::AddressTooLong,
            ApplicantProblem::ContactMissing,
        ];
        for problem in &problems {
            let key = problem_key(problem);
            for lang in [Lang::Vi, Lang::En] {
                assert!(has(lang, &key), "{key} missing in {lang:?}");
            }
        }
    }
}
