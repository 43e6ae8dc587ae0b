use proptest::prelude::*;

use super::*;
use PaymentStatus as S;

fn paid(amount_vnd: i64) -> GatewaySays {
    GatewaySays::Paid { amount_vnd }
}

#[test]
fn a_pending_payment_becomes_paid_when_the_gateway_confirms_the_amount() {
    assert_eq!(
        on_report(S::Pending, 50_000, &paid(50_000)),
        Step::Move(S::Paid)
    );
}

#[test]
fn a_replayed_confirmation_changes_nothing() {
    assert_eq!(on_report(S::Paid, 50_000, &paid(50_000)), Step::Unchanged);
}

#[test]
fn a_confirmation_of_another_amount_is_refused() {
    assert_eq!(
        on_report(S::Pending, 50_000, &paid(5_000)),
        Step::Refused(Contradiction::WrongAmount {
            expected_vnd: 50_000,
            reported_vnd: 5_000
        })
    );
}

#[test]
fn a_decline_after_payment_is_refused_as_backwards() {
    assert_eq!(
        on_report(S::Paid, 1, &GatewaySays::Failed { code: "51".into() }),
        Step::Refused(Contradiction::Backwards {
            from: S::Paid,
            to: S::Failed
        })
    );
}

#[test]
fn a_late_success_after_a_decline_is_believed() {
    assert_eq!(on_report(S::Failed, 7, &paid(7)), Step::Move(S::Paid));
}

#[test]
fn an_unknown_transaction_changes_nothing() {
    assert_eq!(
        on_report(S::Created, 7, &GatewaySays::Unknown),
        Step::Unchanged
    );
}

#[test]
fn a_partial_refund_keeps_the_payment_paid_and_a_full_one_closes_it() {
    let first = refund(S::Paid, 100, 0, 40, "thu sai").expect("partial");
    assert_eq!(first.status, S::Paid);
    let second = refund(first.status, 100, first.refunded_vnd, 60, "thu sai").expect("rest");
    assert_eq!(second.status, S::Refunded);
    assert_eq!(
        refund(second.status, 100, 100, 1, "x"),
        Err(RefundRefusal::NotPaid(S::Refunded))
    );
}

#[test]
fn a_refund_above_what_is_left_or_without_reason_is_refused() {
    assert_eq!(
        refund(S::Paid, 100, 30, 71, "x"),
        Err(RefundRefusal::Amount { left: 70 })
    );
    assert_eq!(
        refund(S::Paid, 100, 0, 10, "  "),
        Err(RefundRefusal::NoReason)
    );
}

fn any_status() -> impl Strategy<Value = PaymentStatus> {
    prop_oneof![
        Just(S::Created),
        Just(S::Pending),
        Just(S::Failed),
        Just(S::Cancelled),
        Just(S::Paid),
        Just(S::Refunded),
    ]
}

fn any_report() -> impl Strategy<Value = GatewaySays> {
    prop_oneof![
        Just(GatewaySays::Pending),
        Just(GatewaySays::Cancelled),
        Just(GatewaySays::Unknown),
        Just(GatewaySays::Failed { code: "x".into() }),
        (0i64..3).prop_map(|a| GatewaySays::Paid { amount_vnd: a }),
    ]
}

proptest! {
    #[test]
    fn any_sequence_of_reports_never_unpays_and_applying_a_report_twice_is_a_no_op(
        start in any_status(), reports in proptest::collection::vec(any_report(), 0..12),
    ) {
        let mut status = start;
        for report in &reports {
            let was_paid = matches!(status, S::Paid | S::Refunded);
            if let Step::Move(next) = on_report(status, 1, report) {
                status = next;
            }
            prop_assert!(!was_paid || matches!(status, S::Paid | S::Refunded));
            // Applying the same report again never moves it further.
            prop_assert!(!matches!(on_report(status, 1, report), Step::Move(_)));
        }
    }
}
