//! Checks of the applicant's identity: who records them and when (see `identity.rs`).

use time::macros::datetime;

use super::*;
use crate::catalogue::LegalDuration;
use crate::dossier::{IdentityCheck, IdentityMethod, IdentityResult};

const FIVE_DAYS: LegalDuration = LegalDuration::WorkingDays { amount: 5 };

fn verify(check: IdentityCheck) -> Action {
    Action::VerifyIdentity { check }
}

#[test]
fn the_system_records_the_databases_answer_and_a_verified_applicant_stays_verified() {
    let at = vn(datetime!(2026-03-02 09:00));
    let mut dossier = Dossier::submitted(FIVE_DAYS, at);
    dossier.act(
        &system(),
        verify(IdentityCheck::registry(IdentityResult::Unavailable)),
        at,
    );
    assert_eq!(
        dossier.state().identity.as_ref().map(|c| c.result),
        Some(IdentityResult::Unavailable)
    );
    dossier.act(
        &system(),
        verify(IdentityCheck::registry(IdentityResult::Verified)),
        at,
    );
    assert!(
        dossier
            .state()
            .identity
            .as_ref()
            .is_some_and(IdentityCheck::is_verified)
    );
    assert_eq!(
        dossier.refused(
            &reception(),
            verify(IdentityCheck::manual("thẻ căn cước")),
            at
        ),
        Refusal::IdentityAlreadyVerified
    );
}

#[test]
fn only_the_system_records_the_database_and_an_officer_verifies_by_hand_with_reasons() {
    let at = vn(datetime!(2026-03-02 09:00));
    let mut dossier = Dossier::submitted(FIVE_DAYS, at);
    assert!(matches!(
        dossier.refused(
            &reception(),
            verify(IdentityCheck::registry(IdentityResult::Verified)),
            at
        ),
        Refusal::NotPermitted { .. }
    ));
    assert!(matches!(
        dossier.refused(&applicant(), verify(IdentityCheck::manual("tôi")), at),
        Refusal::NotPermitted { .. }
    ));
    assert!(matches!(
        dossier.refused(&reception(), verify(IdentityCheck::manual("  ")), at),
        Refusal::Blank { .. }
    ));
    assert!(matches!(
        dossier.refused(&handler(), verify(IdentityCheck::manual("giấy tờ")), at),
        Refusal::NotPermitted { .. }
    ));
    dossier.act(
        &reception(),
        verify(IdentityCheck::manual("Đối chiếu thẻ căn cước gốc")),
        at,
    );
    let check = dossier.state().identity.clone().expect("checked");
    assert_eq!(check.method, IdentityMethod::Manual);
    assert_eq!(check.reasons.as_deref(), Some("Đối chiếu thẻ căn cước gốc"));
    assert_eq!(
        dossier.state().status,
        Status::Submitted,
        "the status is unchanged"
    );
}
