//! The actions offered to each actor match what the rules accept.

use time::macros::datetime;

use super::*;
use crate::catalogue::LegalDuration;
use crate::dossier::offered_actions;

const FIVE_DAYS: LegalDuration = LegalDuration::WorkingDays { amount: 5 };

fn offered(dossier: &Dossier, actor: &Actor) -> Vec<&'static str> {
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
    assert!(reception.contains(&"accept"));
    assert!(reception.contains(&"refuse"));
    assert!(reception.contains(&"request_supplement"));
    assert!(!reception.contains(&"approve"));
    assert!(offered(&dossier, &handler()).is_empty());
}

#[test]
fn a_leader_is_offered_assignment_of_an_accepted_dossier_and_a_stranger_nothing() {
    let dossier = Dossier::accepted(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    assert!(offered(&dossier, &leader()).contains(&"assign"));
    assert!(offered(&dossier, &stranger()).is_empty());
}

#[test]
fn every_offered_action_is_one_the_page_knows() {
    let dossier = Dossier::processing(FIVE_DAYS, vn(datetime!(2026-03-02 09:00)));
    for actor in [reception(), handler(), leader(), applicant()] {
        for name in offered(&dossier, &actor) {
            assert!(ACTION_NAMES.contains(&name));
        }
    }
}
