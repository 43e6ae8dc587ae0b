//! The actions offered to each actor match what the rules accept.

use time::macros::datetime;

use super::*;
use crate::catalogue::LegalDuration;
use crate::dossier::offer::sample;
use crate::dossier::offered_actions;

const FIVE_DAYS: LegalDuration = LegalDuration::WorkingDays { amount: 5 };

fn offered(dossier: &Dossier, actor: &Actor) -> Vec<ActionKind> {
    let context = Context {
        procedure: &dossier.procedure,
        workflow: &dossier.workflow,
        calendar: &dossier.calendar,
    };
    offered_actions(
        dossier.state(),
        &context,
        actor,
        vn(datetime!(2026-03-02 10:00)),
    )
}

#[test]
fn a_reception_officer_is_offered_intake_decisions_on_a_new_dossier_and_a_handler_nothing() {
    let dossier = Dossier::submitted(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    let reception = offered(&dossier, &reception());
    assert!(reception.contains(&ActionKind::Accept));
    assert!(reception.contains(&ActionKind::Refuse));
    assert!(reception.contains(&ActionKind::RequestSupplement));
    assert!(!reception.contains(&ActionKind::Approve));
    assert!(offered(&dossier, &handler()).is_empty());
}

#[test]
fn a_leader_is_offered_assignment_of_an_accepted_dossier_and_a_stranger_nothing() {
    let dossier = Dossier::accepted(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    assert!(offered(&dossier, &leader()).contains(&ActionKind::Assign));
    assert!(offered(&dossier, &stranger()).is_empty());
}

#[test]
fn every_offered_action_is_one_the_page_knows() {
    let dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    for actor in [reception(), handler(), leader(), applicant()] {
        for kind in offered(&dossier, &actor) {
            assert!(!kind.opens_dossier(), "{} offered", kind.name());
        }
    }
}

#[test]
fn every_sample_is_of_its_kind_and_tagged_with_its_name_in_json() {
    let dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    for kind in ActionKind::ALL {
        let action = sample(
            kind,
            dossier.state(),
            &handler(),
            vn(datetime!(2026-03-02 10:00)),
        );
        assert_eq!(action.kind(), kind);
        let json = serde_json::to_value(&action).expect("serialises");
        assert_eq!(json["action"], kind.name());
    }
}
